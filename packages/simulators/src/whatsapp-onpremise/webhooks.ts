// Webhook delivery of the Coreapp: one flat JSON body per event group (`contacts`+`messages`, or `statuses`, or
// `errors`), POSTed to the URL set with PATCH /v1/settings/application; anything but HTTP 200 is retried with a
// growing delay for about a day (https://developers.facebook.com/docs/whatsapp/on-premises/webhooks). The Coreapp
// signs nothing; the hub's URL carries its own secret.
import type { Agent } from 'node:http';
import type { SimClock } from '../clock.js';
import { OutboundError, sendOutbound } from '../http/outbound-request.js';
import type { TimerSet } from '../timer-set.js';

export interface CoreappDeliveryAttempt {
  at: number;
  status: number | null;
  error: string | null;
}

export interface CoreappDelivery {
  id: number;
  url: string;
  body: string;
  state: 'pending' | 'delivered' | 'failed';
  attempts: CoreappDeliveryAttempt[];
}

export interface CoreappWebhookOptions {
  /** first retry delay, ms (doubles each time up to maxDelayMs) */
  retryBaseDelayMs: number;
  retryMaxDelayMs: number;
  /** give up after this long since the first attempt ("typically 24 hours") */
  expireAfterMs: number;
  /** multiplies every retry delay: tests use 0.001 */
  retryScale: number;
  timeoutMs: number;
}

export const DEFAULT_COREAPP_WEBHOOKS: CoreappWebhookOptions = {
  retryBaseDelayMs: 5_000,
  retryMaxDelayMs: 3_600_000,
  expireAfterMs: 24 * 3600 * 1000,
  retryScale: 1,
  timeoutMs: 20_000,
};

export class CoreappWebhooks {
  readonly deliveries: CoreappDelivery[] = [];
  private inFlight = 0;
  private nextId = 1;

  constructor(
    private readonly deps: { clock: SimClock; timers: TimerSet; agent: Agent; signal: AbortSignal },
    public options: CoreappWebhookOptions,
    private readonly url: () => string | undefined,
  ) {}

  /** queues one flat body; without a configured URL nothing can go (the Coreapp logs error 1022) */
  post(body: Record<string, unknown>): CoreappDelivery | undefined {
    const url = this.url();
    if (!url) return undefined;
    const d: CoreappDelivery = {
      id: this.nextId++,
      url,
      body: JSON.stringify(body),
      state: 'pending',
      attempts: [],
    };
    this.deliveries.push(d);
    void this.attempt(d, 0);
    return d;
  }

  isIdle(): boolean {
    return this.inFlight === 0 && this.deliveries.every((d) => d.state !== 'pending');
  }

  private async attempt(d: CoreappDelivery, n: number): Promise<void> {
    this.inFlight++;
    const at = this.deps.clock.now();
    let status: number | null = null;
    let error: string | null = null;
    try {
      const res = await sendOutbound({
        url: d.url,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'WhatsApp-Coreapp' },
        body: Buffer.from(d.body),
        timeoutMs: this.options.timeoutMs,
        signal: this.deps.signal,
        agent: this.deps.agent,
      });
      status = res.status;
    } catch (err) {
      error = err instanceof OutboundError ? `${err.kind}: ${err.message}` : String(err);
    } finally {
      this.inFlight--;
    }
    d.attempts.push({ at, status, error });
    if (status === 200) {
      d.state = 'delivered';
      return;
    }
    const first = d.attempts[0]?.at ?? at;
    if (this.deps.signal.aborted || this.deps.clock.now() - first > this.options.expireAfterMs) {
      d.state = 'failed';
      return;
    }
    const delay =
      Math.min(this.options.retryMaxDelayMs, this.options.retryBaseDelayMs * 2 ** n) * this.options.retryScale;
    this.deps.timers.after(delay, () => void this.attempt(d, n + 1));
  }
}
