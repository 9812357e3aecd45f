/**
 * @module app/main
 * The composition root: picks the store and bus from the configuration, wires core, builds the HTTP server.
 * Embedded (default): SQLite in the data dir + the in-process bus, one process.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Logger as PinoLogger } from 'pino';
import { connectors } from '../channels/index.js';
import type { AnyConnector } from '../channel-kit/index.js';
import { createRegistry, type CorePorts } from '../core/deps.js';
import type { Hub, Role } from '../core/hub.js';
import { createHub } from './hub.js';
import { systemClock, type Bus, type Clock, type Logger, type Store } from '../core/ports/index.js';
import { createSecretBox } from '../core/security/secret-box.js';
import { bootstrapWorkspace, type BootstrapResult } from '../core/workspaces/workspace-bootstrap.js';
import { InProcessBus } from '../bus/in-process.js';
import { createNatsBus } from '../bus/nats.js';
import { TOPIC_EVENTS } from '../core/events.js';
import { StorePacer } from '../core/outbound/store-pacer.js';
import { TokenBucketPacer } from '../core/outbound/pacer.js';
import { createSqliteStore } from '../store/sqlite/index.js';
import { createPostgresStore } from '../store/postgres/index.js';
import { databaseMediaStore, directoryMediaStore } from '../store/media-stores.js';
import type { KyselyStore } from '../store/sql/kysely-store.js';
import { buildServer } from '../api/server.js';
import type { Config } from './config.js';
import { createHttpClient } from './http-client.js';
import { SecretRedactor, createLogger } from './logging.js';
import { createMetrics } from './metrics.js';

export const VERSION = '0.1.0';

export interface Switchboard {
  config: Config;
  app: FastifyInstance;
  hub: Hub;
  store: Store;
  bus: Bus;
  log: PinoLogger;
  bootstrap: BootstrapResult;
  /** listens on config.port; resolves with the bound address */
  listen(): Promise<string>;
  /** graceful: stop accepting, drain in-flight work, flush the outbox, close store and bus */
  close(): Promise<void>;
}

export function masterKeyFor(config: Config): Buffer {
  if (config.masterKey) return config.masterKey;
  const file = join(config.dataDir, 'master.key');
  if (existsSync(file)) return Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const key = randomBytes(32);
  writeFileSync(file, key.toString('hex'), { mode: 0o600 });
  chmodSync(file, 0o600);
  return key;
}

export function openStore(config: Config): KyselyStore {
  return config.databaseUrl ? createPostgresStore(config.databaseUrl) : createSqliteStore(join(config.dataDir, 'switchboard.db'));
}

export interface CreateOptions {
  role?: Role;
  /** where log lines go (tests capture them); stdout by default */
  logWrite?: (line: string) => void;
  /** connectors beyond the built-in registry (plugins; test connectors in tests) */
  extraConnectors?: AnyConnector[];
  /** routes added by a mode of the CLI (the sandbox's phone page) */
  extraRoutes?: (app: FastifyInstance) => void | Promise<void>;
  /** time as the hub sees it (tests move it to check 24-hour windows) */
  clock?: Clock;
}

export async function createSwitchboard(config: Config, options: CreateOptions = {}): Promise<Switchboard> {
  const role = options.role ?? 'all';
  const redactor = new SecretRedactor();
  const log = createLogger(config.logLevel, redactor, options.logWrite);
  const store = openStore(config);
  await store.migrate();
  const bootstrap = await bootstrapWorkspace(store, config.adminToken, new Date().toISOString(), { email: config.ownerEmail, password: config.ownerPassword });
  if (config.adminToken) redactor.add(config.adminToken);
  const bus: Bus = config.natsUrl
    ? await createNatsBus({ url: config.natsUrl, prefix: config.natsPrefix, broadcastOnlyTopics: [TOPIC_EVENTS], log: log as unknown as Logger, retryMaxMs: config.retryMaxMs, ackWaitMs: config.natsAckWaitMs })
    : new InProcessBus({ retryBaseMs: Math.min(config.retryBaseMs, 1000) });
  // one process paces in memory; several share token buckets in the database so limits hold for all of them together
  const pacer = bus.kind === 'nats' ? new StorePacer(store) : new TokenBucketPacer();
  const { metrics, text } = createMetrics(store);
  const ports: CorePorts = {
    store, bus, clock: options.clock ?? systemClock,
    media: config.mediaStore === 'directory' ? directoryMediaStore(config.mediaDir) : databaseMediaStore(store), secrets: createSecretBox(masterKeyFor(config)), registry: createRegistry([...connectors, ...(options.extraConnectors ?? [])]),
    log: log as unknown as Logger, metrics, redactor, http: createHttpClient(config.connectorTimeoutMs),
    settings: {
      publicUrl: config.publicUrl, outboundMaxAttempts: config.outboundMaxAttempts, retryBaseMs: config.retryBaseMs,
      retryMaxMs: config.retryMaxMs, sendLeaseMs: config.sendLeaseMs, connectorTimeoutMs: config.connectorTimeoutMs,
      rawEventRetentionMs: config.rawEventRetentionDays * 86_400_000, eventRetentionMs: config.eventRetentionHours * 3_600_000,
    },
  };
  const hub = createHub(ports, pacer, {
    retryBaseMs: config.webhookRetryBaseMs, retryMaxMs: Math.max(config.webhookRetryBaseMs, 3_600_000), maxAgeMs: config.webhookMaxAgeMs, timeoutMs: config.webhookTimeoutMs,
  });
  const app = await buildServer({ hub, logger: log, publicUrl: config.publicUrl, bodyLimit: config.bodyLimit, trustProxy: config.trustProxy, mediaLimit: config.mediaMaxBytes, metricsText: text, version: VERSION });
  await options.extraRoutes?.(app);
  // embedded: this is the only process, so every in-flight send found at start was interrupted by a crash
  await hub.start(role, { recoverLeaseMs: bus.kind === 'in-process' ? 0 : ports.settings.sendLeaseMs });

  let closing: Promise<void> | undefined;
  return {
    config, app, hub, store, bus, log, bootstrap,
    async listen() {
      return app.listen({ port: config.port, host: config.host });
    },
    close() {
      closing ??= (async () => {
        await app.close();
        await hub.stop();
        await bus.close();
        await store.close();
      })();
      return closing;
    },
  };
}
