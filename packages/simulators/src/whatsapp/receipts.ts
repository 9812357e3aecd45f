// Status (receipt) webhooks for accepted sends: sent → delivered → read after configurable delays, or `failed` with
// the error object; conversation + pricing on sent/delivered as Meta does (https://developers.facebook.com/docs/whatsapp/cloud-api/webhooks/payload-examples#message-status-updates).
import type { SimClock } from '../clock.js';
import type { TimerSet } from '../timer-set.js';
import { statusErrorObject } from './graph-errors.js';
import type { OutboundRecord, WhatsAppState } from './state.js';
import type { WaStatus, WaStatusName } from './types.js';
import type { WhatsAppWebhooks } from './webhook-delivery.js';

export interface ReceiptTimings {
  /** After acceptance, ms. Default 100. */
  sentAfterMs: number;
  /** After acceptance, ms; null = never delivered. Default 300. */
  deliveredAfterMs: number | null;
  /** After acceptance, ms; null = never read (also skipped for customers without read receipts). Default 1000. */
  readAfterMs: number | null;
}

export const DEFAULT_RECEIPT_TIMINGS: ReceiptTimings = { sentAfterMs: 100, deliveredAfterMs: 300, readAfterMs: 1000 };

const apiMajor = (version: string | undefined): number => Number(/^v(\d+)/.exec(version ?? '')?.[1] ?? 99);

export class Receipts {
  /** Statuses planned but not emitted yet (and link fetches still running), for idle(). */
  pending = 0;

  constructor(
    private readonly deps: { state: WhatsAppState; clock: SimClock; timers: TimerSet; webhooks: WhatsAppWebhooks },
    public timings: ReceiptTimings,
  ) {}

  /** Plans the statuses of an accepted message (or its `failed` status). */
  schedule(rec: OutboundRecord): void {
    const t = this.timings;
    if (rec.failure) {
      const failure = rec.failure;
      this.later(t.sentAfterMs, () => this.emit(rec, 'failed', failure.code, failure.details));
      return;
    }
    this.later(t.sentAfterMs, () => this.emit(rec, 'sent'));
    if (t.deliveredAfterMs !== null) this.later(t.deliveredAfterMs, () => this.emit(rec, 'delivered'));
    const customer = this.deps.state.customers.get(rec.waId);
    if (t.readAfterMs !== null && customer?.readReceipts !== false)
      this.later(t.readAfterMs, () => this.emit(rec, 'read'));
  }

  private later(ms: number, fn: () => void): void {
    const t = this.deps.timers.after(ms, () => {
      this.pending--;
      fn();
    });
    if (t) this.pending++;
  }

  /** Emits one status webhook for `rec` (also used by the control API to force statuses). */
  emit(rec: OutboundRecord, status: WaStatusName, errorCode?: number, errorDetails?: string): WaStatus {
    const phone = this.deps.state.requirePhone(rec.phoneNumberId);
    const now = this.deps.clock.now();
    const s: WaStatus = { id: rec.wamid, status, timestamp: String(Math.floor(now / 1000)), recipient_id: rec.waId };
    const opaque = rec.request.biz_opaque_callback_data;
    if (typeof opaque === 'string') s.biz_opaque_callback_data = opaque;
    if (status === 'sent' || status === 'delivered') {
      const origin = rec.category === 'service' ? 'service' : rec.category;
      if (apiMajor(rec.apiVersion) < 24) {
        const conv = this.deps.state.conversation(rec.phoneNumberId, rec.waId, rec.category, origin);
        s.conversation = {
          id: conv.id,
          ...(status === 'sent' ? { expiration_timestamp: String(Math.floor(conv.expiresAt / 1000)) } : {}),
          origin: { type: origin },
        };
      }
      s.pricing = {
        billable: rec.pricing.billable,
        pricing_model: 'PMP',
        category: rec.category,
        type: rec.pricing.type,
      };
    }
    if (status === 'failed') s.errors = [statusErrorObject(errorCode ?? 131000, errorDetails)];
    rec.statuses.push({ status, at: now, ...(s.errors ? { errors: s.errors } : {}) });
    if (status === 'read') rec.readAt = now;
    this.deps.webhooks.emit({ kind: 'status', phone, status: s });
    return s;
  }
}
