/**
 * @module core/deps
 * What every use case receives from the composition root (app/). Core never constructs its own I/O.
 */
import type { AnyConnector, HttpClient } from '../channel-kit/index.js';
import type { Bus, Clock, Logger, MediaStore, Metrics, SecretBox, Store } from './ports/index.js';
import type { VisitorLimitSettings } from './webchat/visitor-limits.js';

/** Knows every secret value the process has decrypted and removes them from any text. */
export interface Redactor {
  add(secret: string): void;
  scrub(text: string): string;
}

export interface ConnectorRegistry {
  get(type: string): AnyConnector | undefined;
  list(): AnyConnector[];
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
  /** webchat visitors' rate limits and open-conversation cap (defaults: DEFAULT_VISITOR_LIMITS) */
  visitorLimits?: VisitorLimitSettings;
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
  settings: CoreSettings;
  /** called after a commit that wrote outbox rows */
  afterCommit: () => void;
}

export function createRegistry(connectors: AnyConnector[]): ConnectorRegistry {
  const byType = new Map(connectors.map((c) => [c.type, c] as const));
  return { get: (type) => byType.get(type as AnyConnector['type']), list: () => [...byType.values()] };
}
