// Delivers Intercom notifications to the app's webhook URL: a `notification_event` POSTed as JSON with
// `X-Hub-Signature: sha1=<hex HMAC-SHA1(client secret, raw body)>` and `User-Agent: intercom-parrot-service-client/1.0`
// (https://developers.intercom.com/docs/references/webhooks/webhook-models). A non-2xx answer or a timeout is retried
// with the same notification id and `delivery_attempts` counted up (so each attempt is signed anew). The schedule is
// UNCONFIRMED (sources say a few retries, minutes apart): 5 attempts doubling from 1 minute; 5-second answer deadline.
import { createHmac, randomBytes } from 'node:crypto';
import type { SimClock } from '../clock.js';
import { OutboundError, sendOutbound } from '../http/outbound-request.js';
import type { TimerSet } from '../timer-set.js';

export interface IntercomDeliveryAttempt {
  attempt: number;
  at: number;
  status?: number;
  error?: string;
}

export interface IntercomDelivery {
  /** the notification id (`notif_…`) */
  id: string;
  url: string;
  topic: string;
  /** the body of the latest attempt */
  body: string;
  headers: Record<string, string>;
  state: 'pending' | 'delivered' | 'failed';
  attempts: IntercomDeliveryAttempt[];
}

export interface IntercomWebhookOptions {
  /** multiplies every retry delay (tests use e.g. 0.001) */
  retryScale: number;
  retryBaseDelayMs: number;
  maxAttempts: number;
  timeoutMs: number;
}

export const DEFAULT_WEBHOOK_OPTIONS: IntercomWebhookOptions = {
  retryScale: 1,
  retryBaseDelayMs: 60_000,
  maxAttempts: 5,
  timeoutMs: 5_000,
};

/** Intercom's signature of one body */
export function signIntercomWebhook(clientSecret: string, body: Buffer): string {
  return `sha1=${createHmac('sha1', clientSecret).update(body).digest('hex')}`;
}

export class IntercomWebhooks {
  readonly deliveries: IntercomDelivery[] = [];
  private inFlight = 0;
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly clock: SimClock,
    private readonly timers: TimerSet,
    readonly options: IntercomWebhookOptions,
    private readonly app: { id: string; clientSecret: () => string },
  ) {}

  /** one notification to the URL, when its topic is subscribed */
  emit(
    target: { url: string; topics: Set<string> } | undefined,
    topic: string,
    item: unknown,
  ): IntercomDelivery | undefined {
    if (!target || !target.topics.has(topic)) return undefined;
    const delivery: IntercomDelivery = {
      id: `notif_${randomBytes(12).toString('hex')}`,
      url: target.url,
      topic,
      body: '',
      headers: {},
      state: 'pending',
      attempts: [],
    };
    this.deliveries.push(delivery);
    const firstSentAt = this.clock.unix();
    this.track(this.attempt(delivery, item, firstSentAt));
    return delivery;
  }

  /** sends a recorded delivery again exactly as it went (same body and signature) */
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

  private async attempt(d: IntercomDelivery, item: unknown, firstSentAt: number): Promise<void> {
    if (this.timers.isClosed) return;
    const attempt: IntercomDeliveryAttempt = { attempt: d.attempts.length + 1, at: this.clock.now() };
    d.attempts.push(attempt);
    const body = Buffer.from(
      JSON.stringify({
        type: 'notification_event',
        app_id: this.app.id,
        data: { type: 'notification_event_data', item },
        links: {},
        id: d.id,
        topic: d.topic,
        delivery_status: attempt.attempt === 1 ? 'pending' : 'retry',
        delivery_attempts: attempt.attempt,
        delivered_at: 0,
        first_sent_at: firstSentAt,
        created_at: firstSentAt,
        self: null,
      }),
    );
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': 'intercom-parrot-service-client/1.0',
      'x-hub-signature': signIntercomWebhook(this.app.clientSecret(), body),
    };
    d.body = body.toString('utf8');
    d.headers = headers;
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
    if (d.attempts.length >= this.options.maxAttempts) {
      d.state = 'failed';
      return;
    }
    const delay = this.options.retryBaseDelayMs * 2 ** (d.attempts.length - 1);
    await new Promise<void>((resolve) => {
      const timer = this.timers.after(delay * this.options.retryScale, () => {
        this.track(this.attempt(d, item, firstSentAt));
        resolve();
      });
      if (!timer) resolve();
    });
  }
}
