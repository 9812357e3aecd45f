/**
 * @module core/outbound/pacer
 * Token buckets keyed by connection, sender number or recipient, so we send at the provider's published rate
 * instead of discovering it through 429s. Waiters on one key are served first-come first-served.
 * In-process: a scaled deployment shares the limit through the store-backed pacer (bus/ issue) behind this shape.
 */
import type { RateLimit } from '../../channel-kit/index.js';

/**
 * who is waiting: conversational traffic (operators, agents, auto-replies) or a campaign. Campaign takers yield to
 * every conversational taker of the same bucket, so a reply never waits behind a campaign's backlog.
 */
export type PacingLane = 'conversation' | 'campaign';

export interface Pacer {
  /** resolves when one message may go out under `limit` for `key` */
  take(key: string, limit: RateLimit, signal?: AbortSignal, lane?: PacingLane): Promise<void>;
  /** the provider told us to back off (429 retry-after): nobody on this key sends before `untilMs` */
  pause(key: string, untilMs: number, limit?: RateLimit): void;
}

interface Bucket {
  tokens: number;
  updated: number;
  pausedUntil: number;
  tail: Promise<void>;
  /** the campaign lane's own queue: first-come first-served among campaign takers */
  campaignTail: Promise<void>;
  /** conversational takers waiting or about to take: campaign takers hold back while there are any */
  conversational: number;
}

/**
 * What we actually pace at: 1 % under the provider's published rate, with a tenth of its burst. Pacing exactly at
 * the limit leaves the provider's bucket at zero, where the network's jitter (two requests arriving closer than
 * they left) is enough for a 429; the 1 % absorbs that. A small burst keeps every window close to the rate: a
 * sender that fell behind catches up at most a tenth of a second's worth at once, not a whole second's.
 */
export function pacedLimit(limit: RateLimit): RateLimit {
  return { perSecond: limit.perSecond * 0.99, burst: Math.max(1, Math.floor(limit.burst * 0.1)) };
}

export class TokenBucketPacer implements Pacer {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly now: () => number = () => performance.now() + performance.timeOrigin) {}

  take(key: string, published: RateLimit, signal?: AbortSignal, lane: PacingLane = 'conversation'): Promise<void> {
    const limit = pacedLimit(published);
    const b = this.bucket(key, limit.burst, 0);
    if (lane === 'campaign') {
      const turn = b.campaignTail.then(() => this.waitForToken(b, limit, signal, true));
      b.campaignTail = turn.catch(() => undefined);
      return turn;
    }
    b.conversational++;
    const turn = b.tail.then(() => this.waitForToken(b, limit, signal, false));
    b.tail = turn.catch(() => undefined);
    return turn.finally(() => {
      b.conversational--;
    });
  }

  pause(key: string, untilMs: number): void {
    const b = this.bucket(key, 0, untilMs);
    b.pausedUntil = Math.max(b.pausedUntil, untilMs);
  }

  private bucket(key: string, tokens: number, pausedUntil: number): Bucket {
    let b = this.buckets.get(key);
    if (!b) {
      b = {
        tokens,
        updated: this.now(),
        pausedUntil,
        tail: Promise.resolve(),
        campaignTail: Promise.resolve(),
        conversational: 0,
      };
      this.buckets.set(key, b);
    }
    return b;
  }

  private async waitForToken(
    b: Bucket,
    limit: RateLimit,
    signal: AbortSignal | undefined,
    yields: boolean,
  ): Promise<void> {
    for (;;) {
      if (signal?.aborted) throw new Error('aborted');
      const now = this.now();
      b.tokens = Math.min(limit.burst, b.tokens + ((now - b.updated) / 1000) * limit.perSecond);
      b.updated = now;
      const pausedFor = b.pausedUntil - now;
      // a campaign taker leaves the token to any conversational taker of this bucket (the check and the take are
      // one synchronous step, so the two lanes never both spend one token)
      const held = yields && b.conversational > 0;
      if (pausedFor <= 0 && b.tokens >= 1 && !held) {
        b.tokens -= 1;
        return;
      }
      const wait = Math.max(pausedFor, ((1 - b.tokens) / limit.perSecond) * 1000, 1);
      await new Promise((r) => setTimeout(r, wait));
    }
  }
}
