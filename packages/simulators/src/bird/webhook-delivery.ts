// Delivers Bird notifications to webhook subscriptions: `{service, event, payload}` POSTed as JSON with
// `messagebird-signature` = base64 HMAC-SHA256(signing key, timestamp + "\n" + URL + "\n" + SHA-256(body) raw bytes),
// `messagebird-request-timestamp` (unix seconds) and `messagebird-request-id`; a non-2xx answer is retried at increasing
// intervals over 8 hours (https://docs.bird.com/api/notifications-api/api-reference/webhook-subscriptions,
// https://docs.bird.com/api/notifications-api/api-reference/webhooks/verifying-a-webhook). The exact schedule is
// UNCONFIRMED: 8 attempts doubling from 1 minute, capped at 8 hours after the first.
import { createHash, createHmac, randomUUID } from 'node:crypto';
import type { SimClock } from '../clock.js';
import { OutboundError, sendOutbound } from '../http/outbound-request.js';
import type { TimerSet } from '../timer-set.js';

export interface BirdSubscription {
  id: string;
  workspaceId: string;
  service: string;
  event: string;
  url: string;
  signingKey?: string;
  eventFilters: Array<{ key: string; value: string }>;
  status: 'active';
  createdAt: string;
}

export interface BirdDeliveryAttempt {
  attempt: number;
  at: number;
  status?: number;
  error?: string;
}

export interface BirdDelivery {
  id: string;
  subscriptionId: string;
  url: string;
  event: string;
  body: string;
  /** the headers of the latest attempt (each attempt is signed with its own timestamp) */
  headers: Record<string, string>;
  state: 'pending' | 'delivered' | 'failed';
  attempts: BirdDeliveryAttempt[];
}

export interface BirdWebhookOptions {
  /** multiplies every retry delay (tests use e.g. 0.001) */
  retryScale: number;
  retryBaseDelayMs: number;
  maxAttempts: number;
  /** give up this long after the first attempt (simulated time) */
  expireAfterMs: number;
  timeoutMs: number;
}

export const DEFAULT_WEBHOOK_OPTIONS: BirdWebhookOptions = {
  retryScale: 1,
  retryBaseDelayMs: 60_000,
  maxAttempts: 8,
  expireAfterMs: 8 * 3600_000,
  timeoutMs: 10_000,
};

/** Bird's signature for one request (the independent check lives in the tests) */
export function signBirdWebhook(signingKey: string, timestamp: string, url: string, body: Buffer): string {
  const digest = createHash('sha256').update(body).digest();
  return createHmac('sha256', signingKey)
    .update(Buffer.concat([Buffer.from(`${timestamp}\n${url}\n`), digest]))
    .digest('base64');
}

export class BirdWebhooks {
  readonly deliveries: BirdDelivery[] = [];
  private inFlight = 0;
  private idleWaiters: Array<() => void> = [];
  /** added to the signed timestamp (a stale or future clock at the sender) */
  timestampSkewMs = 0;

  constructor(
    private readonly clock: SimClock,
    private readonly timers: TimerSet,
    readonly options: BirdWebhookOptions,
  ) {}

  /** queues one notification for each subscription whose event and filters match */
  emit(subscriptions: Iterable<BirdSubscription>, event: string, payload: Record<string, unknown>): BirdDelivery[] {
    const out: BirdDelivery[] = [];
    for (const s of subscriptions) {
      if (s.event !== event) continue;
      if (!s.eventFilters.every((f) => String(payload[f.key] ?? '') === f.value)) continue;
      const delivery: BirdDelivery = {
        id: randomUUID(),
        subscriptionId: s.id,
        url: s.url,
        event,
        body: JSON.stringify({ service: s.service, event, payload }),
        headers: {},
        state: 'pending',
        attempts: [],
      };
      this.deliveries.push(delivery);
      out.push(delivery);
      this.track(this.attempt(delivery, s, this.clock.now()));
    }
    return out;
  }

  /** sends a recorded delivery again exactly as it went (same timestamp and signature): a replay */
  async replay(deliveryId: string): Promise<number> {
    const d = this.deliveries.find((x) => x.id === deliveryId);
    if (!d) throw new Error(`no delivery ${deliveryId}`);
    const res = await sendOutbound({
      url: d.url,
      method: 'POST',
      headers: d.headers,
      body: Buffer.from(d.body),
      timeoutMs: this.options.timeoutMs,
    });
    return res.status;
  }

  idle(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private track(p: Promise<void>): void {
    this.inFlight++;
    void p.finally(() => {
      this.inFlight--;
      if (this.inFlight === 0) for (const w of this.idleWaiters.splice(0)) w();
    });
  }

  private async attempt(d: BirdDelivery, s: BirdSubscription, firstAt: number): Promise<void> {
    if (this.timers.isClosed) return;
    const timestamp = String(Math.floor((this.clock.now() + this.timestampSkewMs) / 1000));
    const body = Buffer.from(d.body);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': 'Bird-Notifications/1.0',
      'messagebird-request-id': d.id,
      'messagebird-request-timestamp': timestamp,
      ...(s.signingKey ? { 'messagebird-signature': signBirdWebhook(s.signingKey, timestamp, d.url, body) } : {}),
    };
    d.headers = headers;
    const attempt: BirdDeliveryAttempt = { attempt: d.attempts.length + 1, at: this.clock.now() };
    d.attempts.push(attempt);
    try {
      const res = await sendOutbound({ url: d.url, method: 'POST', headers, body, timeoutMs: this.options.timeoutMs });
      attempt.status = res.status;
      if (res.status >= 200 && res.status < 300) {
        d.state = 'delivered';
        return;
      }
    } catch (error) {
      attempt.error = error instanceof OutboundError ? error.kind : String(error);
    }
    const delay = this.options.retryBaseDelayMs * 2 ** (d.attempts.length - 1);
    if (
      d.attempts.length >= this.options.maxAttempts ||
      this.clock.now() + delay - firstAt > this.options.expireAfterMs
    ) {
      d.state = 'failed';
      return;
    }
    await new Promise<void>((resolve) => {
      const timer = this.timers.after(delay * this.options.retryScale, () => {
        this.track(this.attempt(d, s, firstAt));
        resolve();
      });
      // closed: no more attempts
      if (!timer) resolve();
    });
  }
}
