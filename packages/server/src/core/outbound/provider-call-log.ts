/**
 * @module core/outbound/provider-call-log
 * Each outbound provider call's outcome and duration, kept in the store (provider_calls, a day) so every process's
 * health checks see the same bursts of 5xx and 429 and the same latency: the worker records a call as it ends,
 * and the log writes what gathered once a second in one insert (one more commit per send would cost the embedded
 * store's throughput). At most `maxPending` wait; beyond that the oldest are dropped (a store that cannot keep up
 * loses statistics, never sends).
 */
import { newId } from '../../model/index.js';
import type { CoreDeps } from '../deps.js';
import type { ProviderCallRecord } from '../ports/index.js';

export class ProviderCallLog {
  private pending: ProviderCallRecord[] = [];
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly deps: Pick<CoreDeps, 'store' | 'clock' | 'log'>,
    private readonly flushMs = 1000,
    private readonly maxPending = 10_000,
  ) {}

  /** `outcome`: 'ok' or the ChannelError code the call ended with */
  record(connection: { id: string; workspaceId: string }, outcome: string, durationMs: number): void {
    this.pending.push({
      id: newId('pcall'),
      connectionId: connection.id,
      workspaceId: connection.workspaceId,
      at: this.deps.clock.now().toISOString(),
      outcome,
      durationMs,
    });
    if (this.pending.length > this.maxPending) this.pending.splice(0, this.pending.length - this.maxPending);
    this.timer ??= setTimeout(() => void this.flush(), this.flushMs);
    this.timer.unref();
  }

  /** writes what is pending now (the health check calls it before reading, so this process's own calls count) */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending;
    this.pending = [];
    this.writing = this.writing.then(async () => {
      if (batch.length === 0) return;
      try {
        await this.deps.store.insertProviderCalls(batch);
      } catch (error) {
        this.deps.log.warn({ err: error, calls: batch.length }, 'provider call statistics not stored');
      }
    });
    return this.writing;
  }
}
