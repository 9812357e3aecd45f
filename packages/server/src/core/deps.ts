/**
 * @module core/deps
 * What every use case receives from the composition root (app/). Core never constructs its own I/O.
 */
import { CHANNEL_TYPE_PATTERN, type AnyConnector, type HttpClient } from '../channel-kit/index.js';
import type { Bus, Clock, Logger, MediaStore, Metrics, SecretBox, Store } from './ports/index.js';

/** Knows every secret value the process has decrypted and removes them from any text. */
export interface Redactor {
  add(secret: string): void;
  scrub(text: string): string;
}

export interface ConnectorRegistry {
  get(type: string): AnyConnector | undefined;
  list(): AnyConnector[];
}

/** what webchat visitors may do (core/webchat/visitor-limits.ts; defaults DEFAULT_VISITOR_LIMITS there) */
export interface VisitorLimitSettings {
  /** new visitor sessions per client address (SWITCHBOARD_WEBCHAT_SESSIONS_PER_MINUTE) */
  sessionsPerAddressPerMinute: number;
  /** visitor messages per session (SWITCHBOARD_WEBCHAT_MESSAGES_PER_MINUTE) */
  messagesPerSessionPerMinute: number;
  /** visitor messages per client address, all its sessions together (SWITCHBOARD_WEBCHAT_ADDRESS_MESSAGES_PER_MINUTE) */
  messagesPerAddressPerMinute: number;
  /** typing notices per session (SWITCHBOARD_WEBCHAT_TYPING_PER_MINUTE) */
  typingPerSessionPerMinute: number;
  /** typing notices per client address (SWITCHBOARD_WEBCHAT_ADDRESS_TYPING_PER_MINUTE) */
  typingPerAddressPerMinute: number;
  /** unresolved conversations one client address may hold on one chat (SWITCHBOARD_WEBCHAT_OPEN_CONVERSATIONS_PER_ADDRESS) */
  openConversationsPerAddress: number;
}

export interface CoreSettings {
  /** base of webhook URLs given to providers */
  publicUrl: string;
  outboundMaxAttempts: number;
  retryBaseMs: number;
  retryMaxMs: number;
  /** how long a send may be in flight before a sweep declares it interrupted */
  sendLeaseMs: number;
  connectorTimeoutMs: number;
  /** how long raw provider events are kept for replay after a parser fix */
  rawEventRetentionMs: number;
  /** how long published events stay replayable through Last-Event-ID */
  eventRetentionMs: number;
  /** the largest file stored: uploads, and files fetched from a URL to send (SWITCHBOARD_MEDIA_MAX_BYTES) */
  mediaMaxBytes?: number | undefined;
  /** webchat visitors' rate limits and open-conversation cap (defaults: DEFAULT_VISITOR_LIMITS) */
  visitorLimits?: VisitorLimitSettings;
  /** how often providers are asked about each running connection (core/health); default 15 min */
  healthIntervalMs?: number | undefined;
  /** days before a credential's end when its health check warns (default 14 and 3) */
  healthExpiryWarningDays?: number[] | undefined;
  /** the shortest inbound silence that warns, whatever the connection's usual pace (default 1 h) */
  healthSilenceFloorMs?: number | undefined;
  /** the shortest time between two admin e-mails about one thing (core/notifications); default 30 min */
  notifyMinIntervalMs?: number | undefined;
  /** the Meta app of "Connect with Meta" (SWITCHBOARD_META_APP_ID / _SECRET); absent: only the manual form */
  meta?: MetaAppSettings | undefined;
  /** back-pressure on ingest (core/inbound/backpressure.ts); absent: no bound */
  ingestBackpressure?: IngestBackpressureSettings | undefined;
}

export interface IngestBackpressureSettings {
  /** pending raw events above which webhooks are answered 503 + Retry-After; 0: no bound */
  maxBacklog: number;
  /** free bytes on the store's disk below which webhooks are answered 503 + Retry-After; 0: no check */
  minFreeBytes: number;
  /** free bytes on the store's disk (embedded SQLite: its data dir); null where the store is remote */
  freeBytes?: (() => Promise<number | null>) | undefined;
  /** how often the backlog is read from the store (default 500 ms) */
  refreshMs?: number | undefined;
}

export interface MetaAppSettings {
  appId: string;
  appSecret: string;
  /** https://graph.facebook.com (a simulator in tests) */
  graphUrl: string;
  /** https://www.facebook.com, where the OAuth dialog is */
  dialogUrl: string;
  apiVersion: string;
}

/** the ports and settings alone; app/ builds the outbox relay from them, then CoreDeps with its afterCommit */
export type CorePorts = Omit<CoreDeps, 'afterCommit'>;

export interface CoreDeps {
  store: Store;
  bus: Bus;
  /** attachment bytes */
  media: MediaStore;
  clock: Clock;
  secrets: SecretBox;
  registry: ConnectorRegistry;
  log: Logger;
  metrics: Metrics;
  redactor: Redactor;
  http: HttpClient;
  /** DNS for the address guard (core/security/address-guard.ts); the system resolver when absent — tests inject one */
  resolve?: ((hostname: string) => Promise<string[]>) | undefined;
  settings: CoreSettings;
  /** called after a commit that wrote outbox rows */
  afterCommit: () => void;
}

/** refuses a malformed or twice-registered type, so a registry mistake stops the process at start, not a send later */
export function createRegistry(connectors: AnyConnector[]): ConnectorRegistry {
  const byType = new Map<string, AnyConnector>();
  for (const c of connectors) {
    if (!CHANNEL_TYPE_PATTERN.test(c.type))
      throw new Error(`connector type "${c.type}" must match ${String(CHANNEL_TYPE_PATTERN)}`);
    if (byType.has(c.type)) throw new Error(`connector type "${c.type}" is registered twice`);
    byType.set(c.type, c);
  }
  return { get: (type) => byType.get(type as AnyConnector['type']), list: () => [...byType.values()] };
}
