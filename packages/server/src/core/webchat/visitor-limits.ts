/**
 * @module core/webchat/visitor-limits
 * What anonymous webchat visitors may do per minute, and how many conversations one client address may hold open on
 * a chat. Anyone can open a session, and every new session's first message creates a contact and a conversation, so
 * without limits one script fills the inbox and the database (a probe sent 3,000 messages in 4 s and opened 2,000
 * sessions in 2 s). Refusals are 429 RATE_LIMITED with Retry-After (core/errors.ts, api/http-errors.ts), counted in
 * /metrics by reason.
 *
 * Rates are token buckets per process (core/security/token-buckets.ts): a flood is refused without touching the
 * database. The conversation cap is counted in the database (visitor_addresses), so it holds for all processes.
 */
import { createHash } from 'node:crypto';
import { AppError } from '../errors.js';
import type { VisitorLimitSettings } from '../deps.js';
import { PENDING_CONVERSATION_MS, type Clock, type Metrics, type VisitorStoreOps } from '../ports/index.js';
import { TokenBuckets, type BucketLimit } from '../security/token-buckets.js';

export type { VisitorLimitSettings };

/**
 * Far above what people do: the widget sends a typing notice at most every 3 s (20 a minute) and a person types a
 * message every few seconds at most; the per-address rates leave room for an office or a mobile carrier's shared
 * address (carrier-grade NAT) with many visitors at once.
 */
export const DEFAULT_VISITOR_LIMITS: VisitorLimitSettings = {
  sessionsPerAddressPerMinute: 60,
  messagesPerSessionPerMinute: 30,
  messagesPerAddressPerMinute: 300,
  typingPerSessionPerMinute: 60,
  typingPerAddressPerMinute: 600,
  openConversationsPerAddress: 50,
};

/** the reasons /metrics counts refusals by (switchboard_webchat_refused_total{reason}) */
export type VisitorRefusal =
  | 'sessions_per_address'
  | 'messages_per_session'
  | 'messages_per_address'
  | 'typing_per_session'
  | 'typing_per_address'
  | 'open_conversations_per_address';

/** what a client retries after when its address holds too many open conversations (they end when resolved, not at a time) */
const CONVERSATION_CAP_RETRY_S = 60;

/** a bucket holds one minute's worth: a quiet visitor may spend it at once, then the steady rate applies */
const perMinute = (n: number): BucketLimit => ({ perMinute: n, burst: n });

/**
 * The client address as stored: a hash, so the table does not list visitors' addresses. Not anonymous — every IPv4
 * address can be hashed and compared — which is why rows live only as long as they count (docs/security.md).
 */
export const addressKey = (address: string): string =>
  createHash('sha256').update(`webchat-visitor:${address}`).digest('hex').slice(0, 32);

export class VisitorLimits {
  private readonly buckets: TokenBuckets;

  constructor(
    private readonly settings: VisitorLimitSettings,
    private readonly store: VisitorStoreOps,
    private readonly metrics: Metrics,
    private readonly clock: Clock,
    now?: () => number,
  ) {
    this.buckets = new TokenBuckets(now);
  }

  /** a new session from this address */
  session(address: string): void {
    this.take(
      [['sessions_per_address', `sa:${address}`, this.settings.sessionsPerAddressPerMinute]],
      'too many new chats from this address',
    );
  }

  /** a message from this visitor at this address (both buckets, or neither, spend a token) */
  message(visitorId: string, address: string): void {
    this.take(
      [
        ['messages_per_session', `ms:${visitorId}`, this.settings.messagesPerSessionPerMinute],
        ['messages_per_address', `ma:${address}`, this.settings.messagesPerAddressPerMinute],
      ],
      'too many messages',
    );
  }

  typing(visitorId: string, address: string): void {
    this.take(
      [
        ['typing_per_session', `ts:${visitorId}`, this.settings.typingPerSessionPerMinute],
        ['typing_per_address', `ta:${address}`, this.settings.typingPerAddressPerMinute],
      ],
      'too many typing notices',
    );
  }

  /**
   * Before a visitor's message is ingested: one that already holds (or is opening) a conversation on this chat
   * passes; otherwise its message will open one, which the address may do only below the cap. Counted from the
   * store, so every process sees the same conversations; two first messages racing may both pass at the edge.
   */
  async conversation(connectionId: string, visitorId: string, address: string): Promise<void> {
    const now = this.clock.now().getTime();
    const pendingSince = new Date(now - PENDING_CONVERSATION_MS).toISOString();
    // the common case, a visitor writing in its conversation, costs one indexed lookup
    if (await this.store.visitorHoldsConversation(connectionId, visitorId, pendingSince)) return;
    const key = addressKey(address);
    if (
      (await this.store.countAddressConversations(connectionId, key, pendingSince)) >=
      this.settings.openConversationsPerAddress
    ) {
      this.refuse(
        'open_conversations_per_address',
        'too many open conversations from this address',
        CONVERSATION_CAP_RETRY_S * 1000,
      );
    }
    await this.store.recordVisitorAddress(connectionId, visitorId, key, new Date(now).toISOString());
  }

  private take(buckets: Array<[VisitorRefusal, string, number]>, what: string): void {
    const refused = this.buckets.take(buckets.map(([, key, n]) => ({ key, limit: perMinute(n) })));
    if (!refused) return;
    const [reason] = buckets[refused.index] as [VisitorRefusal, string, number];
    this.refuse(reason, what, refused.waitMs);
  }

  private refuse(reason: VisitorRefusal, what: string, waitMs: number): never {
    this.metrics.visitorRefused(reason);
    const retryAfterSeconds = Math.max(1, Math.ceil(waitMs / 1000));
    throw new AppError('RATE_LIMITED', `${what}; try again in ${retryAfterSeconds} s`, { reason, retryAfterSeconds });
  }
}
