/**
 * @module app/main
 * The composition root: picks the store and bus from the configuration, wires core, builds the HTTP server.
 * Embedded (default): SQLite in the data dir + the in-process bus, one process.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { statfs } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Logger as PinoLogger } from 'pino';
import { connectors } from '../channels/index.js';
import type { AnyConnector } from '../channel-kit/index.js';
import { createRegistry, type CorePorts } from '../core/deps.js';
import type { Hub, Role } from '../core/hub.js';
import { createHub } from './hub.js';
import { systemClock, type Bus, type Clock, type Logger, type SecretBox, type Store } from '../core/ports/index.js';
import { createSecretBox } from '../core/security/secret-box.js';
import { holdsSealedSecrets, MasterKeyError, verifyMasterKey } from '../core/security/key-check.js';
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
import { ConfigError, type Config } from './config.js';
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

/**
 * The master key: SWITCHBOARD_MASTER_KEY, else `<dataDir>/master.key`, else a new one written there — but only for a
 * database that holds no sealed secret and no key check yet: a new key could never open them, so a lost key file
 * stops the start instead of being silently replaced.
 */
async function masterKeyFor(config: Config, store: Store): Promise<{ key: Buffer; source: string }> {
  if (config.masterKey) return { key: config.masterKey, source: 'SWITCHBOARD_MASTER_KEY' };
  const file = join(config.dataDir, 'master.key');
  if (existsSync(file)) {
    const text = readFileSync(file, 'utf8').trim();
    if (!/^[0-9a-fA-F]{64}$/.test(text))
      throw new MasterKeyError(`${file} does not hold a master key (64 hex characters)`);
    return { key: Buffer.from(text, 'hex'), source: file };
  }
  if (await holdsSealedSecrets(store)) {
    throw new MasterKeyError(
      `no master key: ${file} is missing and SWITCHBOARD_MASTER_KEY is unset, but the database holds secrets sealed with a key; restore the file or set the variable (a new key could not open them; see "Key handling" in docs/security.md)`,
    );
  }
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const key = randomBytes(32);
  writeFileSync(file, key.toString('hex'), { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return { key, source: file };
}

/** the SecretBox over the master key, once the key is known to open this database's secrets */
export async function openSecrets(config: Config, store: Store): Promise<SecretBox> {
  const { key, source } = await masterKeyFor(config, store);
  const box = createSecretBox(key);
  await verifyMasterKey(store, box, new Date().toISOString(), source);
  return box;
}

/**
 * The directory media store must be able to create and write files: found out at start with one line naming the
 * variable, not by uploads answering 500.
 */
export function checkMediaDir(dir: string): void {
  const probe = join(dir, `.switchboard-write-check-${process.pid}`);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileSync(probe, '');
    unlinkSync(probe);
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    throw new ConfigError(`SWITCHBOARD_MEDIA_DIR: ${dir} cannot be used for media files (${e.code ?? e.message})`);
  }
}

/** free bytes for an unprivileged writer on the disk holding `dir` */
async function freeBytesOf(dir: string): Promise<number> {
  const s = await statfs(dir);
  return Number(s.bavail) * Number(s.bsize);
}

export function openStore(config: Config): KyselyStore {
  return config.databaseUrl
    ? createPostgresStore(config.databaseUrl)
    : createSqliteStore(join(config.dataDir, 'switchboard.db'));
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
  /** DNS as the address guard sees it (tests point names at addresses without a real resolver) */
  resolve?: (hostname: string) => Promise<string[]>;
}

export async function createSwitchboard(config: Config, options: CreateOptions = {}): Promise<Switchboard> {
  const role = options.role ?? 'all';
  const redactor = new SecretRedactor();
  const log = createLogger(config.logLevel, redactor, options.logWrite);
  if (config.mediaStore === 'directory') checkMediaDir(config.mediaDir);
  const store = openStore(config);
  let secrets: SecretBox;
  try {
    await store.migrate();
    secrets = await openSecrets(config, store);
  } catch (error) {
    await store.close();
    throw error;
  }
  const bootstrap = await bootstrapWorkspace(store, config.adminToken, new Date().toISOString(), {
    email: config.ownerEmail,
    password: config.ownerPassword,
  });
  if (config.adminToken) redactor.add(config.adminToken);
  const bus: Bus = config.natsUrl
    ? await createNatsBus({
        url: config.natsUrl,
        prefix: config.natsPrefix,
        broadcastOnlyTopics: [TOPIC_EVENTS],
        log: log as unknown as Logger,
        retryMaxMs: config.retryMaxMs,
        ackWaitMs: config.natsAckWaitMs,
      })
    : new InProcessBus({ retryBaseMs: Math.min(config.retryBaseMs, 1000) });
  // one process paces in memory; several share token buckets in the database so limits hold for all of them together
  const pacer = bus.kind === 'nats' ? new StorePacer(store) : new TokenBucketPacer();
  const { metrics, text } = createMetrics(store);
  const ports: CorePorts = {
    store,
    bus,
    clock: options.clock ?? systemClock,
    media: config.mediaStore === 'directory' ? directoryMediaStore(config.mediaDir) : databaseMediaStore(store),
    secrets,
    registry: createRegistry([...connectors, ...(options.extraConnectors ?? [])]),
    log: log as unknown as Logger,
    metrics,
    redactor,
    http: createHttpClient(config.connectorTimeoutMs),
    resolve: options.resolve,
    settings: {
      publicUrl: config.publicUrl,
      outboundMaxAttempts: config.outboundMaxAttempts,
      retryBaseMs: config.retryBaseMs,
      retryMaxMs: config.retryMaxMs,
      sendLeaseMs: config.sendLeaseMs,
      connectorTimeoutMs: config.connectorTimeoutMs,
      rawEventRetentionMs: config.rawEventRetentionDays * 86_400_000,
      eventRetentionMs: config.eventRetentionHours * 3_600_000,
      mediaMaxBytes: config.mediaMaxBytes,
      visitorLimits: config.visitorLimits,
      healthIntervalMs: config.healthIntervalMs,
      healthExpiryWarningDays: config.healthExpiryWarningDays,
      healthSilenceFloorMs: config.healthSilenceFloorMs,
      notifyMinIntervalMs: config.notifyMinIntervalMs,
      meta: config.meta,
      ingestBackpressure: {
        maxBacklog: config.ingestMaxBacklog,
        minFreeBytes: config.ingestMinFreeBytes,
        // embedded: the SQLite file's disk; PostgreSQL's disk is its server's to watch
        freeBytes: config.databaseUrl ? undefined : () => freeBytesOf(config.dataDir),
      },
    },
  };
  const hub = createHub(ports, pacer, {
    retryBaseMs: config.webhookRetryBaseMs,
    retryMaxMs: Math.max(config.webhookRetryBaseMs, 3_600_000),
    maxAgeMs: config.webhookMaxAgeMs,
    timeoutMs: config.webhookTimeoutMs,
  });
  const app = await buildServer({
    hub,
    logger: log,
    publicUrl: config.publicUrl,
    bodyLimit: config.bodyLimit,
    trustProxy: config.trustProxy,
    mediaLimit: config.mediaMaxBytes,
    metricsText: text,
    version: VERSION,
  });
  await options.extraRoutes?.(app);
  // embedded: this is the only process, so every in-flight send found at start was interrupted by a crash
  await hub.start(role, { recoverLeaseMs: bus.kind === 'in-process' ? 0 : ports.settings.sendLeaseMs });

  let closing: Promise<void> | undefined;
  return {
    config,
    app,
    hub,
    store,
    bus,
    log,
    bootstrap,
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
