// Pushes Infobip webhooks: inbound messages to the number's forwarding URL and delivery / seen reports to each
// message's notifyUrl, always as `{"results":[…]}` JSON. Entries for one URL and kind gather for a short window and
// go together, up to 100 per request (delivery reports "batched, default ≤100 per request",
// https://www.infobip.com/docs/api/channels/sms/sms-messaging/logs-and-status-reports/receive-outbound-sms-message-report).
// Infobip signs nothing; the extra authorization header configured on the account goes with every push. A non-2xx
// answer is retried with the same body; the schedule is UNCONFIRMED (here: doubling from 1 minute, 5 attempts).
import { randomUUID } from 'node:crypto';
import type { SimClock } from '../clock.js';
import { OutboundError, sendOutbound } from '../http/outbound-request.js';
import type { TimerSet } from '../timer-set.js';

export type InfobipPushKind = 'inbound' | 'reports' | 'seen';

export interface InfobipPushAttempt {
  attempt: number;
  at: number;
  status?: number;
  error?: string;
}

export interface InfobipPush {
  id: string;
  url: string;
  kind: InfobipPushKind;
  body: string;
  headers: Record<string, string>;
  /** how many results the push carries */
  count: number;
  state: 'pending' | 'delivered' | 'failed';
  attempts: InfobipPushAttempt[];
}

export interface InfobipWebhookOptions {
  /** how long entries for one URL gather before they go (ms) */
  batchWindowMs: number;
  /** results per request at most */
  maxBatch: number;
  retryScale: number;
  retryBaseDelayMs: number;
  maxAttempts: number;
  timeoutMs: number;
}

export const DEFAULT_INFOBIP_WEBHOOK_OPTIONS: InfobipWebhookOptions = {
  batchWindowMs: 20,
  maxBatch: 100,
  retryScale: 1,
  retryBaseDelayMs: 60_000,
  maxAttempts: 5,
  timeoutMs: 10_000,
};

export class InfobipWebhooks {
  readonly pushes: InfobipPush[] = [];
  /** the Authorization header value sent with every push (the account's webhook security), if any */
  authorization: string | undefined;
  private readonly queues = new Map<string, { url: string; kind: InfobipPushKind; results: unknown[] }>();
  private inFlight = 0;
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly clock: SimClock,
    private readonly timers: TimerSet,
    readonly options: InfobipWebhookOptions,
  ) {}

  /** queues one result for a URL; it goes with the others of its window */
  enqueue(url: string, kind: InfobipPushKind, result: unknown): void {
    const key = `${kind} ${url}`;
    let q = this.queues.get(key);
    if (!q) {
      q = { url, kind, results: [] };
      this.queues.set(key, q);
      this.inFlight++;
      const timer = this.timers.after(this.options.batchWindowMs, () => {
        this.flushKey(key);
        this.done();
      });
      if (!timer) this.done();
    }
    q.results.push(result);
    if (q.results.length >= this.options.maxBatch) this.flushKey(key);
  }

  /** sends a recorded push again exactly as it went */
  async replay(pushId: string): Promise<number> {
    const p = this.pushes.find((x) => x.id === pushId);
    if (!p) throw new Error(`no push ${pushId}`);
    const res = await sendOutbound({
      url: p.url,
      method: 'POST',
      headers: p.headers,
      body: Buffer.from(p.body),
      timeoutMs: this.options.timeoutMs,
    });
    return res.status;
  }

  idle(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private flushKey(key: string): void {
    const q = this.queues.get(key);
    if (!q || q.results.length === 0) return;
    const results = q.results.splice(0, this.options.maxBatch);
    if (q.results.length === 0) this.queues.delete(key);
    const body = q.kind === 'inbound' ? { results, messageCount: results.length, pendingMessageCount: 0 } : { results };
    const push: InfobipPush = {
      id: randomUUID(),
      url: q.url,
      kind: q.kind,
      body: JSON.stringify(body),
      headers: {},
      count: results.length,
      state: 'pending',
      attempts: [],
    };
    this.pushes.push(push);
    this.track(this.attempt(push));
  }

  private done(): void {
    this.inFlight--;
    if (this.inFlight === 0) for (const w of this.idleWaiters.splice(0)) w();
  }

  private track(p: Promise<void>): void {
    this.inFlight++;
    void p.finally(() => this.done());
  }

  private async attempt(p: InfobipPush): Promise<void> {
    if (this.timers.isClosed) return;
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': 'Infobip-Webhook',
      ...(this.authorization ? { authorization: this.authorization } : {}),
    };
    p.headers = headers;
    const attempt: InfobipPushAttempt = { attempt: p.attempts.length + 1, at: this.clock.now() };
    p.attempts.push(attempt);
    try {
      const res = await sendOutbound({
        url: p.url,
        method: 'POST',
        headers,
        body: Buffer.from(p.body),
        timeoutMs: this.options.timeoutMs,
      });
      attempt.status = res.status;
      if (res.status >= 200 && res.status < 300) {
        p.state = 'delivered';
        return;
      }
    } catch (error) {
      attempt.error = error instanceof OutboundError ? error.kind : String(error);
    }
    if (p.attempts.length >= this.options.maxAttempts) {
      p.state = 'failed';
      return;
    }
    const delay = this.options.retryBaseDelayMs * 2 ** (p.attempts.length - 1) * this.options.retryScale;
    await new Promise<void>((resolve) => {
      const timer = this.timers.after(delay, () => {
        this.track(this.attempt(p));
        resolve();
      });
      if (!timer) resolve();
    });
  }
}
