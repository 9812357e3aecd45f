/**
 * @module app/processing-thread
 * The embedded hub's processing thread (SWITCHBOARD_INGEST_WORKERS=1; started and restarted by
 * app/processing-supervisor). It opens its own connection to the SQLite file and runs the back half of the hub: the
 * outbox relay (the only one in the process), every consumer (inbound processing, routing, sends, media, profiles),
 * the sweeps, outgoing webhooks and campaigns — on its own in-process bus, bridged to the HTTP thread for what that
 * thread publishes and for the realtime broadcasts it serves (bus/thread-bridge). The HTTP thread keeps only what a
 * durable acknowledgement needs (verify, append the raw event, answer) and the API.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { InProcessBus } from '../bus/in-process.js';
import { serveBridge, type BridgeMessage } from '../bus/thread-bridge.js';
import { TokenBucketPacer } from '../core/outbound/pacer.js';
import type { Metrics } from '../core/ports/index.js';
import type { Config } from './config.js';
import { corePorts, openSecrets, openStore, webhookSettingsOf } from './core-ports.js';
import { createHub } from './hub.js';
import { SharedWriteLock } from '../store/sqlite/write-lock.js';
import { SecretRedactor, createLogger } from './logging.js';
import type { ControlMessage, ThreadMessage } from './processing-supervisor.js';

const port = parentPort;
if (!port) throw new Error('app/processing-thread runs as a worker thread');
const post = (m: ThreadMessage): void => port.postMessage(m);
const { config, writeLock } = workerData as { config: Config; writeLock: SharedArrayBuffer };

// counted where /metrics is served: every call is forwarded to the HTTP thread's counters
const metrics = new Proxy({} as Metrics, {
  get:
    (_target, name: string) =>
    (...args: unknown[]) =>
      post({ type: 'metric', name: name as keyof Metrics, args }),
});

const redactor = new SecretRedactor();
if (config.adminToken) redactor.add(config.adminToken);
// written where the HTTP thread writes its own lines (stdout, or a test's capture), in the order they were made
const log = createLogger(config.logLevel, redactor, (line) => post({ type: 'log', line })).child({
  thread: 'processing',
});
// the HTTP thread migrated the schema and checked the key before starting this thread
const store = openStore(config, new SharedWriteLock(writeLock));
const secrets = await openSecrets(config, store);
const bus = new InProcessBus({ retryBaseMs: Math.min(config.retryBaseMs, 1000) });
const hub = createHub(
  corePorts(config, { store, bus, secrets, log, redactor, metrics }),
  new TokenBucketPacer(),
  webhookSettingsOf(config),
);
const bridge = serveBridge(bus, { postMessage: (m) => post(m) });

let stopping: Promise<void> | undefined;
const stop = (): Promise<void> =>
  (stopping ??= (async () => {
    await hub.stop();
    await bus.close();
    await store.close();
    post({ type: 'stopped' });
    port.close();
  })());

port.on('message', (m: ControlMessage) => {
  if (m.type === 'relay.kick') hub.relay.kick();
  else if (m.type === 'connection.changed') hub.connections.forget(m.connectionId);
  else if (m.type === 'stop') void stop();
  else bridge(m as BridgeMessage);
});

// the only process on this file: every send found in flight was interrupted by a crash of this thread or the process
await hub.start('all', { recoverLeaseMs: 0, split: 'back' });
post({ type: 'ready' });
