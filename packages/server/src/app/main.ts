/**
 * @module app/main
 * The composition root: picks the store and bus from the configuration, wires core, builds the HTTP server.
 * Embedded (default): SQLite in the data dir + the in-process bus, one process.
 */
import { mkdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Logger as PinoLogger } from 'pino';
import type { AnyConnector } from '../channel-kit/index.js';
import type { Hub, Role } from '../core/hub.js';
import { createHub } from './hub.js';
import type { Bus, Clock, Logger, SecretBox, Store } from '../core/ports/index.js';
import { bootstrapWorkspace, type BootstrapResult } from '../core/workspaces/workspace-bootstrap.js';
import { InProcessBus } from '../bus/in-process.js';
import { BridgedBus } from '../bus/thread-bridge.js';
import { ProcessingThread } from './processing-supervisor.js';
import { SharedWriteLock } from '../store/sqlite/write-lock.js';
import { createNatsBus } from '../bus/nats.js';
import { TOPIC_EVENTS } from '../core/events.js';
import { StorePacer } from '../core/outbound/store-pacer.js';
import { TokenBucketPacer } from '../core/outbound/pacer.js';
import { buildServer } from '../api/server.js';
import { ConfigError, type Config } from './config.js';
import { corePorts, openSecrets, openStore, webhookSettingsOf } from './core-ports.js';
import { SecretRedactor, createLogger } from './logging.js';
import { createMetrics } from './metrics.js';

export { openSecrets, openStore } from './core-ports.js';

export const VERSION = '0.1.0';

export interface Switchboard {
  config: Config;
  app: FastifyInstance;
  hub: Hub;
  store: Store;
  bus: Bus;
  log: PinoLogger;
  bootstrap: BootstrapResult;
  /** the processing thread, when processing runs off the HTTP thread (SWITCHBOARD_INGEST_WORKERS=1) */
  processing: ProcessingThread | undefined;
  /** listens on config.port; resolves with the bound address */
  listen(): Promise<string>;
  /** graceful: stop accepting, drain in-flight work, flush the outbox, close store and bus */
  close(): Promise<void>;
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
  // embedded, one process: processing may run on a thread of its own (SWITCHBOARD_INGEST_WORKERS=1). What cannot
  // cross to a thread (a test's clock or resolver, plugin connectors) keeps everything on this one.
  const splitProcessing =
    config.ingestWorkers &&
    !config.databaseUrl &&
    !config.natsUrl &&
    role === 'all' &&
    !options.clock &&
    !options.resolve &&
    !options.extraConnectors?.length;
  // the two threads' connections take turns writing (store/sqlite/write-lock)
  const writeLock = splitProcessing ? new SharedWriteLock() : undefined;
  const store = openStore(config, writeLock);
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
  const bridged = splitProcessing ? new BridgedBus() : undefined;
  const bus: Bus =
    bridged ??
    (config.natsUrl
      ? await createNatsBus({
          url: config.natsUrl,
          prefix: config.natsPrefix,
          broadcastOnlyTopics: [TOPIC_EVENTS],
          log: log as unknown as Logger,
          retryMaxMs: config.retryMaxMs,
          ackWaitMs: config.natsAckWaitMs,
        })
      : new InProcessBus({ retryBaseMs: Math.min(config.retryBaseMs, 1000) }));
  const { metrics, text } = createMetrics(store);
  const ports = corePorts(config, { store, bus, secrets, log, redactor, metrics }, options);
  let processing: ProcessingThread | undefined;
  if (bridged) {
    processing = new ProcessingThread({
      config,
      writeLock: writeLock as SharedWriteLock,
      bus: bridged,
      metrics,
      log: log as unknown as Logger,
      logLine: options.logWrite ?? ((line) => process.stdout.write(line)),
    });
  }
  // the thread loads and recovers while this one builds the API: both cores start the process
  const threadReady = processing?.start();
  threadReady?.catch(() => undefined);
  const hub = createHub(
    ports,
    // one process paces in memory; several share token buckets in the database so limits hold for all of them
    bus.kind === 'nats' ? new StorePacer(store) : new TokenBucketPacer(),
    webhookSettingsOf(config),
    processing ? { relayElsewhere: processing.kickRelay } : {},
  );
  // a connection started or stopped here is seen at once by the processing thread's sends (not after its cache ages)
  if (processing) hub.connections.onStatusChange(processing.connectionChanged);
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
  await hub.start(role, {
    recoverLeaseMs: bus.kind === 'in-process' ? 0 : ports.settings.sendLeaseMs,
    ...(processing ? { split: 'front' as const } : {}),
  });
  if (threadReady) {
    try {
      await threadReady;
    } catch (error) {
      await app.close();
      await hub.stop();
      await store.close();
      throw error;
    }
  }

  let closing: Promise<void> | undefined;
  return {
    config,
    app,
    hub,
    store,
    bus,
    log,
    bootstrap,
    processing,
    async listen() {
      return app.listen({ port: config.port, host: config.host });
    },
    close() {
      closing ??= (async () => {
        await app.close();
        await hub.stop();
        // the processing thread finishes its work, flushes the outbox and closes its connection first
        await processing?.stop();
        await bus.close();
        await store.close();
      })();
      return closing;
    },
  };
}
