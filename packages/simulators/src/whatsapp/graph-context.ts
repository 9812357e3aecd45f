// What every Graph API handler receives: the authenticated token, the request (version, query, body) and the
// simulator's services.
import type { Agent } from 'node:http';
import type { SimClock } from '../clock.js';
import type { FaultBook } from '../faults/fault-book.js';
import type { UploadedFile } from '../http/multipart.js';
import type { TimerSet } from '../timer-set.js';
import type { GraphErrorSpec } from './graph-errors.js';
import type { WhatsAppLimiter } from './rate-limits.js';
import type { Receipts } from './receipts.js';
import type { TokenRecord, WhatsAppState } from './state.js';
import type { WhatsAppWebhooks } from './webhook-delivery.js';

export interface AsyncFailureSpec {
  /** WhatsApp error code reported in the `failed` status (e.g. 131026, 131047, 131049). */
  code: number;
  details?: string;
}

export interface WhatsAppFaultExtras {
  /** Accept the send (200 + wamid), then report a `failed` status with this error. Only for `messages`. */
  asyncFailure?: AsyncFailureSpec | undefined;
}

export interface WhatsAppSettings {
  /** How a free-form send outside the 24 h window fails: `async` (200, then a `failed` status — Meta's usual way) or `sync` (400). */
  windowErrorMode: 'async' | 'sync';
  /** Fetch media `link`s after accepting a send, like Meta does (failure → `failed` 131053). Default true. */
  fetchMediaLinks: boolean;
  /** Lifetime of a media download URL, ms (Meta: 5 minutes). */
  mediaUrlTtlMs: number;
  /** Delay before a template created through the API is approved, ms. */
  templateReviewMs: number;
}

export interface WhatsAppRuntime {
  state: WhatsAppState;
  clock: SimClock;
  timers: TimerSet;
  webhooks: WhatsAppWebhooks;
  receipts: Receipts;
  limiter: WhatsAppLimiter;
  faults: FaultBook<GraphErrorSpec, WhatsAppFaultExtras>;
  agent: Agent;
  signal: AbortSignal;
  settings: WhatsAppSettings;
  /** Key signing media download URLs. */
  mediaUrlKey: Buffer;
  /** The simulator's base URL (media URLs point back at it). */
  baseUrl(): string;
}

export interface GraphBody {
  fields: Record<string, unknown>;
  files: Map<string, UploadedFile>;
}

export interface GraphContext {
  rt: WhatsAppRuntime;
  token: TokenRecord;
  /** e.g. `v21.0`; undefined for unversioned calls. */
  version: string | undefined;
  httpMethod: string;
  query: URLSearchParams;
  body: GraphBody;
  /** Set by a fault rule with `asyncFailure` on this call. */
  asyncFailure?: AsyncFailureSpec | undefined;
}
