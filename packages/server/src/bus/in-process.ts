/**
 * @module bus/in-process
 * The embedded bus: in-memory, per-key ordered work queues and broadcast listeners. It is not durable by
 * itself — the database is: every work message points at a row (inbound event, queued message) that a
 * start-up sweep re-drives after a crash, and every consumer is idempotent.
 */
import type { Bus, BusMessage, ConsumeOptions, DeadLetter, Subscription, WorkHandler } from '../core/ports/index.js';

interface Consumer {
  handler: WorkHandler;
  concurrency: number;
  maxDeliveries: number;
  /** per-key FIFO queues; a key is handled by one worker at a time */
  queues: Map<string, Array<{ message: BusMessage; attempt: number }>>;
  ready: string[];
  active: Set<string>;
  closed: boolean;
}

export interface InProcessBusOptions {
  /** first redelivery delay after a handler failure; doubled per attempt */
  retryBaseMs?: number;
  retryMaxMs?: number;
}

export class InProcessBus implements Bus {
  readonly kind = 'in-process';
  private readonly consumers = new Map<string, Consumer>();
  private readonly listeners = new Map<string, Set<(m: BusMessage) => void>>();
  private readonly deadLetterListeners: Array<(l: DeadLetter) => void> = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(private readonly options: InProcessBusOptions = {}) {}

  publish(topic: string, message: BusMessage): Promise<void> {
    if (this.closed) return Promise.reject(new Error('bus closed'));
    const consumer = this.consumers.get(topic);
    if (consumer) this.enqueue(consumer, topic, message, 1);
    const listeners = this.listeners.get(topic);
    if (listeners) {
      for (const listener of listeners) {
        try {
          listener(message);
        } catch {
          // a broadcast listener's failure is its own; realtime delivery is best effort
        }
      }
    }
    return Promise.resolve();
  }

  consume(topic: string, handler: WorkHandler, options: ConsumeOptions = {}): Subscription {
    if (this.consumers.has(topic)) throw new Error(`topic ${topic} already has a consumer in this process`);
    const consumer: Consumer = {
      handler,
      concurrency: options.concurrency ?? 16,
      maxDeliveries: options.maxDeliveries ?? 5,
      queues: new Map(),
      ready: [],
      active: new Set(),
      closed: false,
    };
    this.consumers.set(topic, consumer);
    return {
      close: () => {
        consumer.closed = true;
        this.consumers.delete(topic);
        return this.drained(consumer);
      },
    };
  }

  subscribeBroadcast(topic: string, handler: (message: BusMessage) => void): Subscription {
    let set = this.listeners.get(topic);
    if (!set) this.listeners.set(topic, (set = new Set()));
    set.add(handler);
    return {
      close: () => {
        set.delete(handler);
        return Promise.resolve();
      },
    };
  }

  onDeadLetter(listener: (letter: DeadLetter) => void): void {
    this.deadLetterListeners.push(listener);
  }

  ping(): Promise<boolean> {
    return Promise.resolve(!this.closed);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await Promise.all([...this.consumers.values()].map((c) => this.drained(c)));
    this.consumers.clear();
    this.listeners.clear();
  }

  private enqueue(consumer: Consumer, topic: string, message: BusMessage, attempt: number): void {
    let queue = consumer.queues.get(message.key);
    if (!queue) {
      consumer.queues.set(message.key, (queue = []));
      if (!consumer.active.has(message.key)) consumer.ready.push(message.key);
    }
    queue.push({ message, attempt });
    this.pump(consumer, topic);
  }

  private pump(consumer: Consumer, topic: string): void {
    while (!consumer.closed && consumer.active.size < consumer.concurrency && consumer.ready.length > 0) {
      const key = consumer.ready.shift() as string;
      consumer.active.add(key);
      void this.runKey(consumer, topic, key);
    }
  }

  private async runKey(consumer: Consumer, topic: string, key: string): Promise<void> {
    const queue = consumer.queues.get(key);
    while (queue && queue.length > 0 && !consumer.closed) {
      const item = queue.shift() as { message: BusMessage; attempt: number };
      try {
        await consumer.handler(item.message, { attempt: item.attempt });
      } catch (error) {
        this.redeliver(consumer, topic, item.message, item.attempt, error);
      }
    }
    consumer.active.delete(key);
    if (queue && queue.length > 0) consumer.ready.push(key);
    else consumer.queues.delete(key);
    this.pump(consumer, topic);
  }

  private redeliver(consumer: Consumer, topic: string, message: BusMessage, attempt: number, error: unknown): void {
    const reason = error instanceof Error ? error.message : String(error);
    if (attempt >= consumer.maxDeliveries) {
      for (const l of this.deadLetterListeners) l({ topic, message, error: reason, deliveries: attempt });
      return;
    }
    const base = this.options.retryBaseMs ?? 200;
    const delay = Math.min(this.options.retryMaxMs ?? 30_000, base * 2 ** (attempt - 1));
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!consumer.closed && !this.closed) this.enqueue(consumer, topic, message, attempt + 1);
    }, delay);
    timer.unref();
    this.timers.add(timer);
  }

  private async drained(consumer: Consumer): Promise<void> {
    while (consumer.active.size > 0) await new Promise((r) => setTimeout(r, 5));
  }
}
