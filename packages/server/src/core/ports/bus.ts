/**
 * @module core/ports/bus
 * The Bus port. Work topics are shared by a consumer group (each message handled by one process, acked after
 * the handler resolves, redelivered on failure); broadcast topics reach every process (realtime fan-out).
 * The database stays the source of truth: every consumer is idempotent, so redelivery is harmless.
 */
export interface BusMessage {
  /** partition key: messages with the same key are handled one at a time, in order */
  key: string;
  payload: Record<string, unknown>;
  /** dedup id for buses that support it (JetStream Nats-Msg-Id) */
  id?: string;
}

export interface ConsumeOptions {
  /** concurrent keys handled at once */
  concurrency?: number;
  maxDeliveries?: number;
}

export interface DeadLetter {
  topic: string;
  message: BusMessage;
  error: string;
  deliveries: number;
}

export type WorkHandler = (message: BusMessage, delivery: { attempt: number }) => Promise<void>;

export interface Subscription {
  close(): Promise<void>;
}

export interface Bus {
  readonly kind: 'in-process' | 'nats';
  /** resolves once the bus has accepted the message (JetStream: stored) */
  publish(topic: string, message: BusMessage): Promise<void>;
  consume(topic: string, handler: WorkHandler, options?: ConsumeOptions): Subscription;
  /** every process receives every message; best effort, for realtime */
  subscribeBroadcast(topic: string, handler: (message: BusMessage) => void): Subscription;
  onDeadLetter(listener: (letter: DeadLetter) => void): void;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
