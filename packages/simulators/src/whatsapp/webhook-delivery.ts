// Delivers webhook events to the app's callback URL: Meta-escaped JSON signed with X-Hub-Signature-256 (HMAC-SHA256
// of the raw body, key = app secret) and X-Hub-Signature (SHA-1), batched when asked, retried with backoff on failure
// (https://developers.facebook.com/docs/graph-api/webhooks/getting-started#event-notifications — Meta's exact retry schedule is UNCONFIRMED; defaults here are documented in the README).
import { createHmac } from 'node:crypto';
import type { Agent } from 'node:http';
import type { SimClock } from '../clock.js';
import { OutboundError, sendOutbound, type OutboundResponse } from '../http/outbound-request.js';
import type { TimerSet } from '../timer-set.js';
import { metaJson } from './meta-json.js';
import type { WhatsAppState } from './state.js';
import type { WaWebhookEnvelope } from './types.js';
import { buildEnvelope, eventWabaId, type WhatsAppEvent } from './webhook-payloads.js';

export interface WhatsAppWebhookOptions {
  /** Multiplies every retry delay (1 = real time; tests use e.g. 0.001). */
  retryScale: number;
  /** First retry delay, ms (doubling afterwards). Default 15 000. */
  retryBaseDelayMs: number;
  /** Longest retry delay, ms. Default 1 h. */
  retryMaxDelayMs: number;
  /** Give up on a delivery this long after it was created, ms (simulated time). Default 7 days. */
  expireAfterMs: number;
  /** How long the receiver may take, ms. Default 30 000. */
  timeoutMs: number;
  /** Collect events for this long and send them in one POST (0 = one POST per event, on the next tick). */
  batchWindowMs: number;
  /** Most events in one POST. Default 100. */
  maxBatchSize: number;
  /** Only HTTP 200 counts as success (Meta's documented rule); default false = any 2xx. */
  successOnlyOn200: boolean;
  /** Escape non-ASCII and "/" like Meta does (default true). */
  metaEscaping: boolean;
}

export interface WhatsAppDeliveryAttempt {
  attempt: number;
  /** Simulated time, ms since epoch. */
  at: number;
  durationMs: number;
  status?: number;
  error?: string;
  /** Real (scaled) ms until the next attempt. */
  retryInMs?: number;
}

export interface WhatsAppDelivery {
  id: number;
  url: string | undefined;
  createdAt: number;
  /** The exact bytes POSTed (UTF-8). */
  body: string;
  headers: Record<string, string>;
  payload: WaWebhookEnvelope;
  eventCount: number;
  state: 'pending' | 'delivered' | 'failed' | 'skipped';
  /** Why a delivery was skipped or gave up. */
  reason?: string;
  attempts: WhatsAppDeliveryAttempt[];
}

interface Deps {
  state: WhatsAppState;
  clock: SimClock;
  timers: TimerSet;
  agent: Agent;
  signal: AbortSignal;
  options: WhatsAppWebhookOptions;
}

const MAX_DELIVERY_LOG = 10_000;

export function signatures(body: Buffer, secret: string): { sha256: string; sha1: string } {
  return {
    sha256: `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
    sha1: `sha1=${createHmac('sha1', secret).update(body).digest('hex')}`,
  };
}

export class WhatsAppWebhooks {
  readonly deliveries: WhatsAppDelivery[] = [];
  private buffer: WhatsAppEvent[] = [];
  private holds = 0;
  private flushTimer: NodeJS.Timeout | undefined;
  private flushQueued = false;
  private nextId = 1;
  private pending = 0;

  constructor(private readonly deps: Deps) {}

  emit(event: WhatsAppEvent): void {
    this.buffer.push(event);
    if (this.holds > 0) return;
    const { batchWindowMs, maxBatchSize } = this.deps.options;
    if (this.buffer.length >= maxBatchSize) {
      this.flush();
    } else if (batchWindowMs > 0) {
      this.flushTimer ??= this.deps.timers.after(batchWindowMs, () => {
        this.flushTimer = undefined;
        this.flush();
      });
    } else if (!this.flushQueued) {
      this.flushQueued = true;
      queueMicrotask(() => {
        this.flushQueued = false;
        this.flushEach();
      });
    }
  }

  /** Holds events until release(): everything emitted meanwhile goes out in as few POSTs as possible. */
  hold(): void {
    this.holds++;
  }

  release(): void {
    if (this.holds === 0) return;
    this.holds--;
    if (this.holds === 0) this.flush();
  }

  isIdle(): boolean {
    return this.buffer.length === 0 && this.pending === 0;
  }

  /** No batching: one POST per event, in emission order. */
  private flushEach(): void {
    if (this.holds > 0) return;
    const events = this.buffer;
    this.buffer = [];
    for (const e of events) this.dispatch([e]);
  }

  private flush(): void {
    this.deps.timers.cancel(this.flushTimer);
    this.flushTimer = undefined;
    const events = this.buffer;
    this.buffer = [];
    // group by destination (each WABA may override the app callback), keep order within a group
    const groups = new Map<string, WhatsAppEvent[]>();
    for (const e of events) {
      const key = this.target(eventWabaId(e)).url ?? `skip:${eventWabaId(e)}`;
      const list = groups.get(key) ?? [];
      list.push(e);
      groups.set(key, list);
    }
    for (const list of groups.values()) {
      for (let i = 0; i < list.length; i += this.deps.options.maxBatchSize)
        this.dispatch(list.slice(i, i + this.deps.options.maxBatchSize));
    }
  }

  private target(wabaId: string): { url?: string; reason?: string } {
    const waba = this.deps.state.wabas.get(wabaId);
    if (!waba) return { reason: `unknown WABA ${wabaId}` };
    if (!waba.subscribed) return { reason: 'app is not subscribed to the WABA (POST /{waba-id}/subscribed_apps)' };
    const url = waba.overrideCallbackUri ?? this.deps.state.app.callbackUrl;
    return url ? { url } : { reason: 'no webhook callback URL configured' };
  }

  private dispatch(events: WhatsAppEvent[]): void {
    const first = events[0];
    if (!first) return;
    const { url, reason } = this.target(eventWabaId(first));
    this.post(buildEnvelope(events), events.length, url, reason);
  }

  /**
   * The App Dashboard's "Test" button (POST /{app-id}/subscriptions_sample): one sample envelope to the app's own
   * callback, signed like any delivery; no WABA subscription is needed, the subscription is the app's
   * (https://developers.facebook.com/docs/graph-api/reference/app/subscriptions_sample/)
   */
  sample(payload: WaWebhookEnvelope): void {
    const url = this.deps.state.app.callbackUrl;
    this.post(payload, 1, url, url ? undefined : 'no webhook callback URL configured');
  }

  private post(payload: WaWebhookEnvelope, eventCount: number, url: string | undefined, reason?: string): void {
    const text = this.deps.options.metaEscaping ? metaJson(payload) : JSON.stringify(payload);
    const body = Buffer.from(text, 'utf8');
    const sig = signatures(body, this.deps.state.app.secret);
    const delivery: WhatsAppDelivery = {
      id: this.nextId++,
      url,
      createdAt: this.deps.clock.now(),
      body: text,
      headers: {
        'content-type': 'application/json',
        'user-agent': 'facebookexternalua',
        'x-hub-signature': sig.sha1,
        'x-hub-signature-256': sig.sha256,
      },
      payload,
      eventCount,
      state: url ? 'pending' : 'skipped',
      attempts: [],
    };
    if (reason) delivery.reason = reason;
    this.deliveries.push(delivery);
    if (this.deliveries.length > MAX_DELIVERY_LOG) this.deliveries.splice(0, this.deliveries.length - MAX_DELIVERY_LOG);
    if (url) {
      this.pending++;
      void this.attempt(delivery, body);
    }
  }

  private async attempt(d: WhatsAppDelivery, body: Buffer): Promise<void> {
    const startedReal = Date.now();
    const rec: WhatsAppDeliveryAttempt = { attempt: d.attempts.length + 1, at: this.deps.clock.now(), durationMs: 0 };
    let res: OutboundResponse | undefined;
    try {
      res = await sendOutbound({
        url: d.url as string,
        method: 'POST',
        headers: d.headers,
        body,
        timeoutMs: this.deps.options.timeoutMs,
        signal: this.deps.signal,
        agent: this.deps.agent,
      });
      rec.status = res.status;
    } catch (err) {
      if (err instanceof OutboundError && err.kind === 'aborted') return;
      rec.error = err instanceof Error ? err.message : String(err);
    }
    rec.durationMs = Date.now() - startedReal;
    d.attempts.push(rec);
    const ok =
      res !== undefined &&
      (this.deps.options.successOnlyOn200 ? res.status === 200 : res.status >= 200 && res.status <= 299);
    if (ok) {
      d.state = 'delivered';
      this.pending--;
      return;
    }
    const o = this.deps.options;
    const delay = Math.min(o.retryMaxDelayMs, o.retryBaseDelayMs * 2 ** (rec.attempt - 1));
    if (this.deps.clock.now() + delay > d.createdAt + o.expireAfterMs) {
      d.state = 'failed';
      d.reason = 'gave up: retry window expired';
      this.pending--;
      return;
    }
    rec.retryInMs = delay * o.retryScale;
    const t = this.deps.timers.after(rec.retryInMs, () => void this.attempt(d, body));
    if (!t) this.pending--;
  }
}
