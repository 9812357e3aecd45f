/**
 * @module bus/nats
 * The scaled bus: NATS JetStream behind the Bus port, shared by many API and worker processes.
 *
 * Layout (everything under `prefix`, so deployments and test runs never collide):
 * - one work stream per topic, `${prefix}_work_${topic}`, subjects `${prefix}.work.${topic}.p<n>`: file storage,
 *   work-queue retention (a message is removed once acked), a dedup window for `Nats-Msg-Id`, and `maxAgeMs` as a
 *   bound for topics nobody consumes;
 * - one dead-letter stream, `${prefix}_dead`, subjects `${prefix}.dead.${topic}`;
 * - broadcast on core NATS, `${prefix}.bcast.${topic}` (every process, best effort, nothing stored).
 *
 * Ordering per key across processes: a key is hashed into one of `partitions` partitions (subject `.p<n>`). Each
 * partition has ONE durable pull consumer with `max_ack_pending: 1`, shared by all processes: the server hands the
 * partition's next message to whichever process asks, but only after the previous one was acked, so a partition
 * (and therefore a key) is handled one message at a time and in order, cluster-wide. A failed message is nak'ed
 * with a backoff delay and stays pending, which blocks its partition until it is redelivered — strict order even
 * across retries. Trade-off: keys sharing a partition serialize each other (a slow or failing key delays its
 * partition neighbours), and a topic's cluster-wide parallelism is at most `partitions`, however many workers
 * run. Raise `partitions` for more parallelism — but every process must use the same value, and changing it
 * re-maps keys (drain the work streams first). A process works at most min(concurrency, partitions) partitions
 * at once.
 *
 * The database is still the queue (docs/architecture.md): every consumer is idempotent, so the rare redelivery
 * after a crash or a lost ack is harmless; JetStream adds cross-process delivery and survives restarts.
 */
import { randomUUID } from 'node:crypto';
import {
  AckPolicy,
  DeliverPolicy,
  DiscardPolicy,
  ErrorCode,
  RetentionPolicy,
  StorageType,
  connect,
  nanos,
  type Consumer,
  type ConsumerMessages,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
  type MsgRequest,
  type NatsConnection,
  type StoredMsg,
  type Subscription as NatsSubscription,
} from 'nats';
import {
  silentLogger,
  type Bus,
  type BusMessage,
  type ConsumeOptions,
  type DeadLetter,
  type Logger,
  type Subscription,
  type WorkHandler,
} from '../core/ports/index.js';

export interface NatsBusOptions {
  /** one server or a comma-separated list, e.g. `nats://127.0.0.1:4222` */
  url: string;
  /** namespace of streams and subjects; letters, digits, `_` and `-` (default `switchboard`) */
  prefix?: string;
  /** key partitions per work topic; identical in every process (default 16) */
  partitions?: number;
  /** the server redelivers a message not acked within this time; handlers in progress keep it alive (default 30s) */
  ackWaitMs?: number;
  /** first redelivery delay after a handler failure; doubled per attempt (default 200ms) */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** publish keeps retrying (e.g. while reconnecting) for this long, then rejects (default 10s) */
  publishTimeoutMs?: number;
  /** how long one pull request waits for a message (default 5s) */
  pullExpiresMs?: number;
  /** unconsumed work messages are dropped after this age (default 7 days; the database re-drives them) */
  maxAgeMs?: number;
  /** dead letters are kept this long (default 30 days) */
  deadLetterMaxAgeMs?: number;
  /** `Nats-Msg-Id` dedup window (default 2 minutes) */
  duplicateWindowMs?: number;
  /** topics that are only broadcast, never stored (e.g. the realtime `events` topic, replayed from the database) */
  broadcastOnlyTopics?: readonly string[];
  /** stream replicas in a NATS cluster (default 1) */
  replicas?: number;
  /** delay between reconnect attempts (default 1s; attempts never stop) */
  reconnectTimeWaitMs?: number;
  /** connection name shown by the server */
  name?: string;
  log?: Logger;
}

/** a dead letter as kept in the dead-letter stream */
export interface StoredDeadLetter extends DeadLetter {
  /** sequence in the dead-letter stream; the handle for replay and discard */
  seq: number;
  /** when the message was dead-lettered (ISO) */
  at: string;
}

export interface NatsBus extends Bus {
  readonly kind: 'nats';
  /** dead letters, oldest first, of one topic or all; `afterSeq` pages on */
  listDeadLetters(topic?: string, limit?: number, afterSeq?: number): Promise<StoredDeadLetter[]>;
  /** publish a dead letter again to its topic (as a new message, deliveries start over) and remove it */
  replayDeadLetter(seq: number): Promise<StoredDeadLetter>;
  /** remove a dead letter without replaying it; false when it did not exist */
  discardDeadLetter(seq: number): Promise<boolean>;
}

const NAME = /^[A-Za-z0-9_-]+$/;
const encoder = new TextEncoder();
const decoder = new TextDecoder();
const encode = (value: unknown): Uint8Array => encoder.encode(JSON.stringify(value));

/** FNV-1a, 32 bit: stable across processes and versions (the partition of a key must never change) */
export function partitionOf(key: string, partitions: number): number {
  let hash = 0x811c9dc5;
  for (const byte of encoder.encode(key)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % partitions;
}

function decodeMessage(data: Uint8Array): BusMessage {
  const value = JSON.parse(decoder.decode(data)) as Partial<BusMessage> | null;
  if (!value || typeof value.key !== 'string' || typeof value.payload !== 'object' || value.payload === null) {
    throw new Error('malformed bus message');
  }
  return { key: value.key, payload: value.payload, ...(typeof value.id === 'string' ? { id: value.id } : {}) };
}

const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));
const errorCode = (error: unknown): string | undefined =>
  typeof error === 'object' && error !== null && 'code' in error
    ? String((error as { code: unknown }).code)
    : undefined;
const isNotFound = (error: unknown): boolean => {
  const code = errorCode(error);
  return (
    code === '404' || code === ErrorCode.JetStream404NoMessages || /not found|no message found/i.test(errorText(error))
  );
};
/** the server answered that nobody listens (JetStream not ready, stream gone), as opposed to a timeout */
const isNoResponders = (error: unknown): boolean =>
  errorCode(error) === ErrorCode.NoResponders || /no responders/i.test(errorText(error));

/** rejects when `ms` passed first */
async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>(
    (_, reject) => (timer = setTimeout(() => reject(new Error(`${what} timed out`)), ms)),
  );
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** a counting semaphore: at most `size` holders */
class Slots {
  private used = 0;
  private readonly waiters: Array<() => void> = [];
  constructor(private readonly size: number) {}
  acquire(): Promise<void> {
    if (this.used < this.size) {
      this.used++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }
  release(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.used--;
  }
}

interface WorkConsumer {
  topic: string;
  handler: WorkHandler;
  maxDeliveries: number;
  slots: Slots;
  closed: boolean;
  /** open pull requests, stopped on close */
  fetches: Set<ConsumerMessages>;
  loops: Array<Promise<void>>;
  /** resolves when the consumer closes: ends back-off pauses early */
  stopped: Promise<void>;
  stop: () => void;
}

class NatsJetStreamBus implements NatsBus {
  readonly kind = 'nats';
  private readonly prefix: string;
  private readonly partitions: number;
  private readonly deadStream: string;
  private readonly streams = new Map<string, Promise<void>>();
  private readonly consumers = new Map<string, WorkConsumer>();
  private readonly broadcasts = new Set<NatsSubscription>();
  private readonly deadLetterListeners: Array<(letter: DeadLetter) => void> = [];
  private readonly broadcastOnly: Set<string>;
  private readonly log: Logger;
  private closed = false;
  /** false between a disconnect and the reconnect: publishes and pulls wait instead of piling up in the client */
  private connected = true;
  private connectionWaiters: Array<() => void> = [];
  private deadStreamReady: Promise<void> | undefined;
  private readonly closing: Promise<void>;
  private signalClosing: () => void = () => undefined;

  constructor(
    private readonly nc: NatsConnection,
    private readonly jsm: JetStreamManager,
    private readonly js: JetStreamClient,
    private readonly options: NatsBusOptions,
  ) {
    this.prefix = options.prefix ?? 'switchboard';
    this.partitions = options.partitions ?? 16;
    this.deadStream = `${this.prefix}_dead`;
    this.broadcastOnly = new Set(options.broadcastOnlyTopics ?? []);
    this.log = (options.log ?? silentLogger).child({ component: 'nats-bus' });
    this.closing = new Promise((resolve) => (this.signalClosing = resolve));
  }

  // ---------------------------------------------------------------- publish

  async publish(topic: string, message: BusMessage): Promise<void> {
    if (this.closed) throw new Error('bus closed');
    checkName('topic', topic);
    const data = encode({ key: message.key, payload: message.payload, ...(message.id ? { id: message.id } : {}) });
    if (!this.broadcastOnly.has(topic)) {
      const subject = `${this.prefix}.work.${topic}.p${partitionOf(message.key, this.partitions)}`;
      // always a msg id: our own retries (after a lost ack, a reconnect) are then deduplicated by the server
      await this.store(
        subject,
        data,
        message.id ?? randomUUID(),
        () => this.ensureStream(topic),
        () => this.forgetStream(topic),
      );
    }
    this.nc.publish(`${this.prefix}.bcast.${topic}`, data);
  }

  /** JetStream publish with retries until `publishTimeoutMs`: survives reconnects and JetStream restarts */
  private async store(
    subject: string,
    data: Uint8Array,
    msgID: string,
    ensure: () => Promise<void>,
    forget: () => void,
  ): Promise<void> {
    const deadline = Date.now() + (this.options.publishTimeoutMs ?? 10_000);
    for (let attempt = 0; ; attempt++) {
      if (this.closed) throw new Error('bus closed');
      if (!(await this.waitConnected(deadline - Date.now()))) {
        throw new Error(`publish to ${subject} failed after ${attempt + 1} attempts: not connected to NATS`);
      }
      try {
        await within(ensure(), Math.max(250, deadline - Date.now()), 'creating the stream');
        const remaining = deadline - Date.now();
        const pubAck = await this.js.publish(subject, data, {
          msgID,
          timeout: Math.max(250, Math.min(remaining, 3000)),
        });
        if (pubAck.duplicate) this.log.debug({ subject, msgID }, 'duplicate publish ignored by the server');
        return;
      } catch (error) {
        if (errorCode(error) === ErrorCode.MaxPayloadExceeded) throw error;
        // the stream may have been deleted or the server replaced: look it up again on the next attempt
        if (isNotFound(error) || isNoResponders(error)) forget();
        const pause = Math.min(1000, 50 * 2 ** attempt);
        if (Date.now() + pause >= deadline) {
          throw new Error(`publish to ${subject} failed after ${attempt + 1} attempts: ${errorText(error)}`, {
            cause: error,
          });
        }
        await this.sleep(pause);
      }
    }
  }

  private workStream(topic: string): string {
    return `${this.prefix}_work_${topic}`;
  }

  private ensureStream(topic: string): Promise<void> {
    let ready = this.streams.get(topic);
    if (!ready) {
      ready = this.addStream({
        name: this.workStream(topic),
        subjects: [`${this.prefix}.work.${topic}.*`],
        retention: RetentionPolicy.Workqueue,
        max_age: nanos(this.options.maxAgeMs ?? 7 * 24 * 3600_000),
      });
      this.streams.set(topic, ready);
      ready.catch(() => this.forgetStream(topic, ready));
    }
    return ready;
  }

  private forgetStream(topic: string, which?: Promise<void>): void {
    if (which === undefined || this.streams.get(topic) === which) this.streams.delete(topic);
  }

  private async addStream(config: {
    name: string;
    subjects: string[];
    retention: RetentionPolicy;
    max_age: number;
  }): Promise<void> {
    const full = {
      ...config,
      storage: StorageType.File,
      discard: DiscardPolicy.Old,
      duplicate_window: nanos(this.options.duplicateWindowMs ?? 120_000),
      num_replicas: this.options.replicas ?? 1,
    };
    try {
      await this.jsm.streams.add(full);
    } catch (error) {
      // created by another process or an earlier version with other settings: use it as it is
      const info = await this.jsm.streams.info(config.name).catch(() => undefined);
      if (!info) throw error;
      this.log.warn(
        { stream: config.name, err: errorText(error) },
        'stream exists with different settings; using it as is',
      );
    }
  }

  // ---------------------------------------------------------------- work queue

  consume(topic: string, handler: WorkHandler, options: ConsumeOptions = {}): Subscription {
    checkName('topic', topic);
    if (this.closed) throw new Error('bus closed');
    if (this.consumers.has(topic)) throw new Error(`topic ${topic} already has a consumer in this process`);
    if (this.broadcastOnly.has(topic)) throw new Error(`topic ${topic} is broadcast only`);
    let stop: () => void = () => undefined;
    const stopped = new Promise<void>((resolve) => (stop = resolve));
    const consumer: WorkConsumer = {
      stopped,
      stop,
      topic,
      handler,
      maxDeliveries: options.maxDeliveries ?? 5,
      slots: new Slots(Math.max(1, options.concurrency ?? 16)),
      closed: false,
      fetches: new Set(),
      loops: [],
    };
    this.consumers.set(topic, consumer);
    for (let p = 0; p < this.partitions; p++) consumer.loops.push(this.runPartition(consumer, p));
    void this.warnAboutForeignPartitions(topic);
    return {
      close: async () => {
        await this.stopConsumer(consumer);
        if (this.consumers.get(topic) === consumer) this.consumers.delete(topic);
      },
    };
  }

  private async stopConsumer(consumer: WorkConsumer): Promise<void> {
    consumer.closed = true;
    consumer.stop();
    // idle pull requests end now (the server drops pull requests whose inbox lost interest); handlers finish
    for (const fetch of consumer.fetches) fetch.stop();
    await Promise.all(consumer.loops);
  }

  private async ensureConsumer(topic: string, partition: number): Promise<Consumer> {
    await this.ensureStream(topic);
    const stream = this.workStream(topic);
    const durable = `p${partition}`;
    const config = {
      durable_name: durable,
      filter_subject: `${this.prefix}.work.${topic}.p${partition}`,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      ack_wait: nanos(this.options.ackWaitMs ?? 30_000),
      // the heart of per-key ordering: one message of the partition in flight, cluster-wide
      max_ack_pending: 1,
      // dead-lettering is ours (we publish the letter, then ack), so the server never gives up by itself
      max_deliver: -1,
    };
    try {
      await this.jsm.consumers.add(stream, config);
    } catch (error) {
      const info = await this.jsm.consumers.info(stream, durable).catch(() => undefined);
      if (!info) throw error;
      if (info.config.max_ack_pending !== 1)
        throw new Error(`consumer ${stream}/${durable} exists without max_ack_pending 1`, { cause: error });
      this.log.warn(
        { stream, durable, err: errorText(error) },
        'consumer exists with different settings; using it as is',
      );
    }
    return this.js.consumers.get(stream, durable);
  }

  /** one loop per partition: pull one message, handle it, ack; errors (disconnects, restarts) back off and retry */
  private async runPartition(consumer: WorkConsumer, partition: number): Promise<void> {
    const pullExpiresMs = this.options.pullExpiresMs ?? 5000;
    let pull: Consumer | undefined;
    let failures = 0;
    while (!consumer.closed && !this.closed) {
      if (!this.connected) {
        await this.waitConnected(pullExpiresMs, consumer.stopped);
        continue;
      }
      try {
        pull ??= await this.ensureConsumer(consumer.topic, partition);
        const fetch = await pull.fetch({ max_messages: 1, expires: pullExpiresMs });
        consumer.fetches.add(fetch);
        try {
          if (consumer.closed) fetch.stop();
          for await (const msg of fetch) await this.deliver(consumer, msg);
        } finally {
          consumer.fetches.delete(fetch);
        }
        if (failures > 0) this.log.info({ topic: consumer.topic, partition }, 'consuming again');
        failures = 0;
      } catch (error) {
        if (consumer.closed || this.closed) break;
        if (isNotFound(error)) {
          pull = undefined;
          this.forgetStream(consumer.topic);
        }
        failures++;
        if (failures === 1 || failures % 20 === 0) {
          this.log.warn(
            { topic: consumer.topic, partition, failures, err: errorText(error) },
            'pulling failed; retrying',
          );
        }
        await this.sleep(Math.min(2000, 50 * 2 ** Math.min(failures, 6)), consumer.stopped);
      }
    }
  }

  private async deliver(consumer: WorkConsumer, msg: JsMsg): Promise<void> {
    if (consumer.closed) {
      msg.nak(); // arrived while closing: straight back to another process
      return;
    }
    // keep the message ours while waiting for a slot and while the handler runs (no redelivery to a peer)
    const ackWaitMs = this.options.ackWaitMs ?? 30_000;
    const heartbeat = setInterval(() => msg.working(), Math.max(100, Math.floor(ackWaitMs / 3)));
    heartbeat.unref();
    await consumer.slots.acquire(); // never rejects
    try {
      if (consumer.closed) {
        msg.nak();
        return;
      }
      const attempt = msg.info.deliveryCount;
      let message: BusMessage;
      try {
        message = decodeMessage(msg.data);
      } catch (error) {
        await this.deadLetter(
          consumer.topic,
          msg,
          { key: '', payload: { raw: decoder.decode(msg.data) } },
          errorText(error),
          attempt,
        );
        return;
      }
      if (attempt > consumer.maxDeliveries) {
        // delivered before but never acked (the handler outlived the ack wait, or its process died)
        await this.deadLetter(consumer.topic, msg, message, 'not acknowledged within the delivery limit', attempt);
        return;
      }
      try {
        await consumer.handler(message, { attempt });
      } catch (error) {
        if (attempt >= consumer.maxDeliveries) {
          await this.deadLetter(consumer.topic, msg, message, errorText(error), attempt);
        } else {
          const base = this.options.retryBaseMs ?? 200;
          msg.nak(Math.min(this.options.retryMaxMs ?? 30_000, base * 2 ** (attempt - 1)));
        }
        return;
      }
      msg.ack();
    } finally {
      clearInterval(heartbeat);
      consumer.slots.release();
    }
  }

  private async deadLetter(
    topic: string,
    msg: JsMsg,
    message: BusMessage,
    error: string,
    deliveries: number,
  ): Promise<void> {
    const letter: DeadLetter = { topic, message, error, deliveries };
    try {
      await this.ensureDeadStream();
      await this.store(
        `${this.prefix}.dead.${topic}`,
        encode({ ...letter, at: new Date().toISOString() }),
        `dead-${topic}-${msg.info.streamSequence}`,
        () => this.ensureDeadStream(),
        () => (this.deadStreamReady = undefined),
      );
    } catch (publishError) {
      // keep the message; it comes back after the delay and is dead-lettered then
      this.log.error({ topic, err: errorText(publishError) }, 'cannot store a dead letter; retrying later');
      msg.nak(this.options.retryMaxMs ?? 30_000);
      return;
    }
    msg.ack();
    for (const listener of this.deadLetterListeners) {
      try {
        listener(letter);
      } catch (listenerError) {
        this.log.warn({ err: errorText(listenerError) }, 'dead-letter listener failed');
      }
    }
  }

  ensureDeadStream(): Promise<void> {
    if (!this.deadStreamReady) {
      this.deadStreamReady = this.addStream({
        name: this.deadStream,
        subjects: [`${this.prefix}.dead.*`],
        retention: RetentionPolicy.Limits,
        max_age: nanos(this.options.deadLetterMaxAgeMs ?? 30 * 24 * 3600_000),
      });
      this.deadStreamReady.catch(() => (this.deadStreamReady = undefined));
    }
    return this.deadStreamReady;
  }

  /** consumers of partitions this process does not know: the partition count differs between processes */
  private async warnAboutForeignPartitions(topic: string): Promise<void> {
    try {
      await this.ensureStream(topic);
      for await (const info of this.jsm.consumers.list(this.workStream(topic))) {
        const n = /^p(\d+)$/.exec(info.name)?.[1];
        if (n !== undefined && Number(n) >= this.partitions && info.num_pending + info.num_ack_pending > 0) {
          this.log.warn(
            { topic, consumer: info.name, partitions: this.partitions, pending: info.num_pending },
            "messages wait in a partition beyond this process's partition count; all processes must use the same count",
          );
        }
      }
    } catch {
      // advisory only
    }
  }

  // ---------------------------------------------------------------- dead letters

  onDeadLetter(listener: (letter: DeadLetter) => void): void {
    this.deadLetterListeners.push(listener);
  }

  async listDeadLetters(topic?: string, limit = 100, afterSeq = 0): Promise<StoredDeadLetter[]> {
    if (topic !== undefined) checkName('topic', topic);
    await this.ensureDeadStream();
    const subject = topic === undefined ? `${this.prefix}.dead.*` : `${this.prefix}.dead.${topic}`;
    const letters: StoredDeadLetter[] = [];
    let seq = afterSeq + 1;
    while (letters.length < limit) {
      let stored: StoredMsg;
      try {
        // STREAM.MSG.GET takes next_by_subj (server 2.9+); the client only types it for direct get
        const query = { seq, next_by_subj: subject } as unknown as MsgRequest;
        stored = await this.jsm.streams.getMessage(this.deadStream, query);
      } catch (error) {
        if (isNotFound(error)) break;
        throw error;
      }
      letters.push(parseDeadLetter(stored));
      seq = stored.seq + 1;
    }
    return letters;
  }

  async replayDeadLetter(seq: number): Promise<StoredDeadLetter> {
    const letter = await this.getDeadLetter(seq);
    if (!letter) throw new Error(`dead letter ${seq} not found`);
    // a fresh id: the original one may still be inside the dedup window; replaying the same letter twice is not
    const { id: _original, ...rest } = letter.message;
    await this.publish(letter.topic, { ...rest, id: `${this.prefix}-replay-${seq}` });
    await this.discardDeadLetter(seq);
    return letter;
  }

  async discardDeadLetter(seq: number): Promise<boolean> {
    await this.ensureDeadStream();
    try {
      return await this.jsm.streams.deleteMessage(this.deadStream, seq, false);
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  private async getDeadLetter(seq: number): Promise<StoredDeadLetter | undefined> {
    await this.ensureDeadStream();
    try {
      return parseDeadLetter(await this.jsm.streams.getMessage(this.deadStream, { seq }));
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  // ---------------------------------------------------------------- broadcast, health, lifecycle

  subscribeBroadcast(topic: string, handler: (message: BusMessage) => void): Subscription {
    checkName('topic', topic);
    if (this.closed) throw new Error('bus closed');
    const sub = this.nc.subscribe(`${this.prefix}.bcast.${topic}`, {
      callback: (error, msg) => {
        if (error) return;
        try {
          handler(decodeMessage(msg.data));
        } catch {
          // a broadcast listener's failure is its own; realtime delivery is best effort
        }
      },
    });
    this.broadcasts.add(sub);
    return {
      close: () => {
        this.broadcasts.delete(sub);
        if (!sub.isClosed()) sub.unsubscribe();
        return Promise.resolve();
      },
    };
  }

  async ping(): Promise<boolean> {
    if (this.closed || !this.connected || this.nc.isClosed() || this.nc.isDraining()) return false;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), 2000)));
    try {
      return await Promise.race([
        this.jsm.getAccountInfo().then(
          () => true,
          () => false,
        ),
        timeout,
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.signalClosing();
    await Promise.all([...this.consumers.values()].map((c) => this.stopConsumer(c)));
    this.consumers.clear();
    for (const sub of this.broadcasts) if (!sub.isClosed()) sub.unsubscribe();
    this.broadcasts.clear();
    // drain flushes the last acks before closing; bounded, as it cannot finish while the server is away
    if (!this.nc.isClosed()) {
      let timer: NodeJS.Timeout | undefined;
      const drained = this.nc.drain().then(
        () => true,
        () => false,
      );
      const inTime = await Promise.race([
        drained,
        new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), 3000))),
      ]);
      clearTimeout(timer);
      if (!inTime && !this.nc.isClosed()) await this.nc.close();
    }
  }

  /** a pause that ends early when the bus closes */
  private async sleep(ms: number, alsoEndsOn?: Promise<void>): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      new Promise((resolve) => (timer = setTimeout(resolve, ms))),
      this.closing,
      ...(alsoEndsOn ? [alsoEndsOn] : []),
    ]);
    clearTimeout(timer);
  }

  /** true once connected (at once when connected), false when `ms` passed or the bus closed first */
  private async waitConnected(ms: number, alsoEndsOn?: Promise<void>): Promise<boolean> {
    if (this.connected) return true;
    if (ms <= 0) return false;
    let wake: () => void = () => undefined;
    const reconnected = new Promise<void>((resolve) => (wake = resolve));
    this.connectionWaiters.push(wake);
    await this.sleep(ms, alsoEndsOn ? Promise.race([reconnected, alsoEndsOn]) : reconnected);
    this.connectionWaiters = this.connectionWaiters.filter((w) => w !== wake);
    return this.connected && !this.closed;
  }

  async watchStatus(): Promise<void> {
    for await (const status of this.nc.status()) {
      if (status.type === 'disconnect') {
        this.connected = false;
        this.log.warn({ server: status.data }, 'disconnected from NATS; reconnecting');
      } else if (status.type === 'reconnect') {
        this.connected = true;
        for (const wake of this.connectionWaiters.splice(0)) wake();
        this.log.info({ server: status.data }, 'reconnected to NATS');
      } else if (status.type === 'error') this.log.warn({ err: String(status.data) }, 'NATS connection error');
    }
  }
}

function parseDeadLetter(stored: StoredMsg): StoredDeadLetter {
  const value = JSON.parse(decoder.decode(stored.data)) as Partial<StoredDeadLetter>;
  return {
    seq: stored.seq,
    at: typeof value.at === 'string' ? value.at : stored.time.toISOString(),
    topic: typeof value.topic === 'string' ? value.topic : (stored.subject.split('.').pop() ?? ''),
    message: value.message ?? { key: '', payload: {} },
    error: typeof value.error === 'string' ? value.error : '',
    deliveries: typeof value.deliveries === 'number' ? value.deliveries : 0,
  };
}

function checkName(what: string, name: string): void {
  if (!NAME.test(name)) throw new Error(`invalid ${what} ${JSON.stringify(name)}: use letters, digits, _ and -`);
}

/**
 * Connects (failing fast when NATS is unreachable at start-up; afterwards it reconnects forever), makes sure the
 * dead-letter stream exists and returns the bus. Work streams and consumers are created on first use.
 */
export async function createNatsBus(options: NatsBusOptions): Promise<NatsBus> {
  const prefix = options.prefix ?? 'switchboard';
  checkName('prefix', prefix);
  const partitions = options.partitions ?? 16;
  if (!Number.isInteger(partitions) || partitions < 1) throw new Error('partitions must be a positive integer');
  const nc = await connect({
    servers: options.url
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    name: options.name ?? 'switchboard',
    maxReconnectAttempts: -1,
    reconnectTimeWait: options.reconnectTimeWaitMs ?? 1000,
    pingInterval: 20_000,
    timeout: 5000,
  });
  try {
    const jsm = await nc.jetstreamManager({ timeout: 5000 });
    const bus = new NatsJetStreamBus(nc, jsm, nc.jetstream({ timeout: 5000 }), { ...options, prefix, partitions });
    void bus.watchStatus().catch(() => undefined);
    await bus.ensureDeadStream();
    return bus;
  } catch (error) {
    await nc.close();
    throw error;
  }
}
