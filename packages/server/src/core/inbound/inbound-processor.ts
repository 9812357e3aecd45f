/**
 * @module core/inbound/inbound-processor
 * The back half of the inbound pipeline, a consumer of the `inbound` topic: re-parse the stored raw event,
 * write contact/conversation/message/status in one transaction that also marks the raw event processed, so
 * processing happens exactly once however often the bus delivers.
 */
import { InboundEventSchema, type InboundEvent } from '../../model/index.js';
import type { WebhookRequest } from '../../channel-kit/index.js';
import type { InboundEventRecord, NewOutboxRow } from '../ports/index.js';
import type { CoreDeps } from '../deps.js';
import type { ConnectionService } from '../connections/connection-service.js';
import { applyInboundMessage, applyInboundStatus, type RegisterInboundMedia } from '../conversations/conversation-writer.js';
import { TOPIC_EVENTS, TOPIC_INBOUND } from '../events.js';

export function requestFromRecord(ev: InboundEventRecord): WebhookRequest {
  const url = new URL(ev.url, 'http://stored.invalid');
  return { method: ev.method, url: ev.url, headers: ev.headers, query: Object.fromEntries(url.searchParams), rawBody: ev.body, receivedAt: ev.receivedAt };
}

export class InboundProcessor {
  constructor(
    private readonly deps: CoreDeps,
    private readonly connections: ConnectionService,
    private readonly registerMedia?: RegisterInboundMedia,
  ) {}

  subscribe(): { close(): Promise<void> } {
    return this.deps.bus.consume(TOPIC_INBOUND, async (m) => {
      await this.process(String(m.payload.inboundEventId));
    }, { concurrency: 32, maxDeliveries: 8 });
  }

  async process(inboundEventId: string): Promise<void> {
    const ev = await this.deps.store.getInboundEvent(inboundEventId);
    if (!ev || ev.status !== 'pending') return;
    const live = await this.connections.live(ev.connectionId);
    const now = this.deps.clock.now().toISOString();
    if (!live || live.connector.inbound.mode !== 'webhook') {
      await this.deps.store.finishInboundEvent(ev.id, 'failed', 'connection no longer exists', now);
      return;
    }
    let events: InboundEvent[];
    try {
      const outcome = live.connector.inbound.parse(requestFromRecord(ev), live.config);
      if (outcome.kind !== 'events') {
        await this.deps.store.finishInboundEvent(ev.id, 'ignored', outcome.kind === 'ignored' ? outcome.reason : 'handshake', now);
        return;
      }
      events = outcome.events.map((e) => InboundEventSchema.parse(e));
    } catch (error) {
      const reason = this.deps.redactor.scrub(error instanceof Error ? error.message : String(error));
      await this.deps.store.finishInboundEvent(ev.id, 'failed', reason, now);
      await this.connections.log(ev.connectionId, 'error', 'parse_failed', `could not parse a stored webhook (${ev.id}): ${reason}`);
      return;
    }
    const ephemeral: NewOutboxRow[] = [];
    let received = 0;
    const done = await this.deps.store.transaction(async (tx) => {
      // claim first: a concurrent delivery of the same event finds it finished and writes nothing
      if (!(await tx.finishInboundEvent(ev.id, 'processed', null, now))) return false;
      const outbox: NewOutboxRow[] = [];
      const ctx = { tx, connection: live.record, now, windowHours: live.connector.capabilities.windowHours, outbox, ...(this.registerMedia ? { registerMedia: this.registerMedia } : {}) };
      for (const event of events) {
        if (event.kind === 'message') {
          if (await applyInboundMessage(ctx, event)) received++;
        } else if (event.kind === 'status') await applyInboundStatus(ctx, event);
        else ephemeral.push({ topic: TOPIC_EVENTS, key: live.record.id, workspaceId: live.record.workspaceId, payload: { type: 'conversation.typing', data: { connectionId: live.record.id, address: event.from.address } } });
      }
      await tx.insertOutbox(outbox, now);
      return true;
    });
    if (!done) return;
    for (let i = 0; i < received; i++) this.deps.metrics.messageCounted('inbound', 'received');
    this.deps.afterCommit();
    for (const row of ephemeral) await this.deps.bus.publish(row.topic, { key: row.key, payload: { ...row.payload, workspaceId: row.workspaceId } });
  }
}
