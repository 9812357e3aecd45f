/**
 * @module app/core-ports
 * What both threads of the embedded hub open the same way (app/main.ts for the HTTP thread,
 * app/processing-thread.ts for the processing thread): the store, the master key's SecretBox, core's ports over
 * them. Kept apart from main.ts so the processing thread does not load the HTTP server.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { statfs } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Logger as PinoLogger } from 'pino';
import { connectors } from '../channels/index.js';
import type { AnyConnector } from '../channel-kit/index.js';
import { createRegistry, type CorePorts } from '../core/deps.js';
import {
  systemClock,
  type Bus,
  type Clock,
  type Logger,
  type Metrics,
  type SecretBox,
  type Store,
} from '../core/ports/index.js';
import { createSecretBox } from '../core/security/secret-box.js';
import { holdsSealedSecrets, MasterKeyError, verifyMasterKey } from '../core/security/key-check.js';
import type { WebhookSettings } from '../core/webhooks/webhook-service.js';
import { createSqliteStore } from '../store/sqlite/index.js';
import type { SharedWriteLock } from '../store/sqlite/write-lock.js';
import { createPostgresStore } from '../store/postgres/index.js';
import { databaseMediaStore, directoryMediaStore } from '../store/media-stores.js';
import type { KyselyStore } from '../store/sql/kysely-store.js';
import type { Config } from './config.js';
import { createHttpClient } from './http-client.js';
import type { SecretRedactor } from './logging.js';

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

/** free bytes for an unprivileged writer on the disk holding `dir` */
async function freeBytesOf(dir: string): Promise<number> {
  const s = await statfs(dir);
  return Number(s.bavail) * Number(s.bsize);
}

/** `writeLock`: embedded, another thread of this process writes to the same file (app/processing-thread.ts) */
export function openStore(config: Config, writeLock?: SharedWriteLock): KyselyStore {
  return config.databaseUrl
    ? createPostgresStore(config.databaseUrl)
    : createSqliteStore(join(config.dataDir, 'switchboard.db'), writeLock ? { writeLock } : {});
}

/** the outgoing-webhook settings from the configuration */
export function webhookSettingsOf(config: Config): WebhookSettings {
  return {
    retryBaseMs: config.webhookRetryBaseMs,
    retryMaxMs: Math.max(config.webhookRetryBaseMs, 3_600_000),
    maxAgeMs: config.webhookMaxAgeMs,
    timeoutMs: config.webhookTimeoutMs,
  };
}

/** core's ports over an opened store and bus: the same for the HTTP thread and the processing thread */
export function corePorts(
  config: Config,
  parts: { store: Store; bus: Bus; secrets: SecretBox; log: PinoLogger; redactor: SecretRedactor; metrics: Metrics },
  options: { extraConnectors?: AnyConnector[]; clock?: Clock; resolve?: (hostname: string) => Promise<string[]> } = {},
): CorePorts {
  const { store, bus, secrets, log, redactor, metrics } = parts;
  return {
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
}
