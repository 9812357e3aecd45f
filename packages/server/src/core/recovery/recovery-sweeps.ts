/**
 * @module core/recovery/recovery-sweeps
 * The database is the source of truth for pending work, so after a crash these sweeps re-drive it:
 * raw events not yet processed, queued messages never attempted, retries that came due. A send that was in
 * flight when the process died cannot be known to have reached the provider: it fails with INTERRUPTED
 * instead of risking a duplicate (Telegram and WhatsApp have no idempotency keys).
 */
import { outboundKey, TOPIC_INBOUND, TOPIC_OUTBOUND } from '../events.js';
import type { CoreDeps } from '../deps.js';
import { PENDING_CONVERSATION_MS } from '../ports/index.js';
import type { OutboundWorker } from '../outbound/outbound-worker.js';

export class RecoverySweeps {
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> | undefined;
  private lastPrune = 0;
  private lastLeaseCheck = 0;

  constructor(
    private readonly deps: CoreDeps,
    private readonly outbound: OutboundWorker,
  ) {}

  /** sends whose attempt began more than `leaseMs` ago and never finished: their process died mid-call */
  async failInterrupted(leaseMs: number): Promise<number> {
    const before = new Date(this.deps.clock.now().getTime() - leaseMs).toISOString();
    let interrupted = 0;
    for (;;) {
      const batch = await this.deps.store.listInterruptedSends(before, 500);
      for (const m of batch) {
        await this.outbound.fail(m, {
          code: 'INTERRUPTED',
          message:
            'Switchboard stopped while the provider call was in flight; not retried automatically to avoid sending twice',
        });
        interrupted++;
      }
      if (batch.length < 500) return interrupted;
    }
  }

  /** at start: re-drive everything pending; interrupted sends older than `leaseMs` fail */
  async recover(leaseMs: number): Promise<{ inbound: number; outbound: number; interrupted: number }> {
    const { store, bus } = this.deps;
    const interrupted = await this.failInterrupted(leaseMs);
    let inbound = 0;
    let after: string | undefined;
    for (;;) {
      const ids = await store.listInboundEventIds('pending', 1000, after);
      for (const id of ids) {
        const ev = await store.getInboundEvent(id);
        if (ev) await bus.publish(TOPIC_INBOUND, { key: ev.connectionId, payload: { inboundEventId: id } });
      }
      inbound += ids.length;
      if (ids.length < 1000) break;
      after = ids[ids.length - 1];
    }
    let outbound = 0;
    after = undefined;
    for (;;) {
      const batch = await store.listQueuedMessageIds(null, 1000, after);
      for (const m of batch)
        await bus.publish(TOPIC_OUTBOUND, { key: outboundKey(m.connectionId, m.from), payload: { messageId: m.id } });
      outbound += batch.length;
      if (batch.length < 1000) break;
      after = batch[batch.length - 1]?.id;
    }
    return { inbound, outbound, interrupted };
  }

  /** periodic: due retries, and sends stuck in flight longer than the lease */
  start(intervalMs = 500): void {
    const tick = (): void => {
      this.sweeping = (async () => {
        try {
          await this.outbound.publishDueRetries();
          await this.outbound.runDueFallbacks();
          if (Date.now() - this.lastPrune > 60_000) {
            this.lastPrune = Date.now();
            await this.prune();
          }
          if (Date.now() - this.lastLeaseCheck > Math.min(5000, this.deps.settings.sendLeaseMs / 2)) {
            this.lastLeaseCheck = Date.now();
            // another worker may have died mid-send: its claims outlive the lease
            await this.failInterrupted(this.deps.settings.sendLeaseMs);
          }
        } catch (error) {
          this.deps.log.warn({ err: error }, 'retry sweep failed; trying again');
        }
      })();
      void this.sweeping.finally(() => {
        if (this.timer) this.timer = setTimeout(tick, intervalMs).unref();
      });
    };
    this.timer = setTimeout(tick, intervalMs).unref();
  }

  /**
   * retention: published events past their replay window, finished raw events past theirs, and webchat visitors'
   * (hashed) addresses once they no longer count against the open-conversation cap
   */
  async prune(): Promise<{ events: number; rawEvents: number; visitorAddresses: number }> {
    const now = this.deps.clock.now().getTime();
    const events = await this.deps.store.pruneOutbox(new Date(now - this.deps.settings.eventRetentionMs).toISOString());
    const rawEvents = await this.deps.store.pruneInboundEvents(
      new Date(now - this.deps.settings.rawEventRetentionMs).toISOString(),
    );
    const visitorAddresses = await this.deps.store.pruneVisitorAddresses(
      new Date(now - PENDING_CONVERSATION_MS).toISOString(),
    );
    if (events + rawEvents + visitorAddresses > 0)
      this.deps.log.debug({ events, rawEvents, visitorAddresses }, 'retention pruned');
    return { events, rawEvents, visitorAddresses };
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.sweeping;
  }
}
