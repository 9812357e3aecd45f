/**
 * @module bus/thread-bridge
 * The in-process bus across two threads of one process (the embedded mode's processing thread,
 * app/processing-thread.ts). The processing thread owns the real bus (`InProcessBus`: every consumer, the relay);
 * the HTTP thread holds a `BridgedBus` that posts what it publishes to that bus and receives the broadcast topics it
 * listens to (realtime's `events`). A message port delivers in order, so one key's messages stay in order.
 *
 * Nothing durable rides the bridge alone: work published here points at a row (an outbox row, a queued message) that
 * the processing thread's start-up sweeps re-drive, so messages posted while that thread is being restarted are kept
 * (bounded) and sent when it is back, and losing them would only delay the work, never lose it.
 */
import type { Bus, BusMessage, DeadLetter, Subscription, WorkHandler } from '../core/ports/index.js';

/** what the two threads say to each other about the bus (other kinds of message share the port) */
export type BridgeMessage =
  | { type: 'bus.publish'; topic: string; message: BusMessage }
  | { type: 'bus.listen'; topic: string }
  | { type: 'bus.broadcast'; topic: string; message: BusMessage };

export interface BridgePort {
  postMessage(message: BridgeMessage): void;
}

/** messages kept while the processing thread is down; past this the oldest go (their rows are re-driven anyway) */
const MAX_BUFFERED = 10_000;

export class BridgedBus implements Bus {
  readonly kind = 'in-process';
  private port: BridgePort | undefined;
  private readonly buffered: BridgeMessage[] = [];
  private readonly listeners = new Map<string, Set<(m: BusMessage) => void>>();
  private closed = false;

  /** a (re)started processing thread: tell it what this thread listens to, then send what waited */
  attach(port: BridgePort): void {
    this.port = port;
    for (const topic of this.listeners.keys()) port.postMessage({ type: 'bus.listen', topic });
    for (const m of this.buffered.splice(0)) port.postMessage(m);
  }

  detach(): void {
    this.port = undefined;
  }

  /** a broadcast from the processing thread's bus */
  deliver(topic: string, message: BusMessage): void {
    for (const listener of this.listeners.get(topic) ?? []) {
      try {
        listener(message);
      } catch {
        // a broadcast listener's failure is its own; realtime delivery is best effort
      }
    }
  }

  publish(topic: string, message: BusMessage): Promise<void> {
    if (this.closed) return Promise.reject(new Error('bus closed'));
    this.send({ type: 'bus.publish', topic, message });
    return Promise.resolve();
  }

  consume(topic: string, _handler: WorkHandler): Subscription {
    // every consumer runs on the processing thread, which owns the work queues
    throw new Error(`topic ${topic} is consumed by the processing thread, not here`);
  }

  subscribeBroadcast(topic: string, handler: (message: BusMessage) => void): Subscription {
    let set = this.listeners.get(topic);
    if (!set) {
      this.listeners.set(topic, (set = new Set()));
      this.port?.postMessage({ type: 'bus.listen', topic });
    }
    set.add(handler);
    return {
      close: () => {
        set.delete(handler);
        return Promise.resolve();
      },
    };
  }

  onDeadLetter(_listener: (letter: DeadLetter) => void): void {
    // dead letters happen where the consumers are, and are recorded there
  }

  ping(): Promise<boolean> {
    return Promise.resolve(!this.closed && this.port !== undefined);
  }

  close(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
    this.buffered.length = 0;
    return Promise.resolve();
  }

  private send(message: BridgeMessage): void {
    if (this.port) {
      this.port.postMessage(message);
      return;
    }
    this.buffered.push(message);
    if (this.buffered.length > MAX_BUFFERED) this.buffered.shift();
  }
}

/**
 * The processing thread's side: publishes what the HTTP thread posts on the real bus, and forwards the broadcast
 * topics the HTTP thread listens to. Returns the handler for the port's bridge messages.
 */
export function serveBridge(bus: Bus, port: BridgePort): (message: BridgeMessage) => void {
  const forwarded = new Map<string, Subscription>();
  return (message) => {
    if (message.type === 'bus.publish') {
      bus.publish(message.topic, message.message).catch(() => undefined);
    } else if (message.type === 'bus.listen' && !forwarded.has(message.topic)) {
      const topic = message.topic;
      forwarded.set(
        topic,
        bus.subscribeBroadcast(topic, (m) => port.postMessage({ type: 'bus.broadcast', topic, message: m })),
      );
    }
  };
}
