/**
 * @module core/recovery/dead-letter-service
 * Work the bus gave up on after its maximum deliveries is kept in the database — whatever the bus — with the
 * workspace it belongs to, listed through the API and replayable once the cause is fixed.
 */
import { newId } from '../../model/index.js';
import { notFound } from '../errors.js';
import type { DeadLetter, DeadLetterRecord, Page, PageQuery } from '../ports/index.js';
import type { CoreDeps } from '../deps.js';

export class DeadLetterService {
  constructor(private readonly deps: CoreDeps) {}

  /** which workspace a work message belongs to, from the row it points at */
  private async workspaceOf(topic: string, payload: Record<string, unknown>): Promise<string | null> {
    const { store } = this.deps;
    if (typeof payload.workspaceId === 'string') return payload.workspaceId;
    if (typeof payload.inboundEventId === 'string')
      return (await store.getInboundEvent(payload.inboundEventId))?.workspaceId ?? null;
    if (typeof payload.messageId === 'string')
      return (await store.getMessageUnscoped(payload.messageId))?.workspaceId ?? null;
    if (typeof payload.attachmentId === 'string')
      return (await store.getAttachment(payload.attachmentId))?.workspaceId ?? null;
    this.deps.log.warn({ topic }, 'dead letter of an unknown shape: kept without a workspace');
    return null;
  }

  async record(letter: DeadLetter): Promise<DeadLetterRecord> {
    const payload = { ...letter.message.payload };
    delete payload._seq;
    const row: DeadLetterRecord = {
      id: newId('dlq'),
      workspaceId: await this.workspaceOf(letter.topic, payload),
      topic: letter.topic,
      key: letter.message.key,
      payload,
      error: this.deps.redactor.scrub(letter.error),
      deliveries: letter.deliveries,
      createdAt: this.deps.clock.now().toISOString(),
      replayedAt: null,
    };
    await this.deps.store.insertDeadLetter(row);
    return row;
  }

  list(workspaceId: string, page: PageQuery): Promise<Page<DeadLetterRecord>> {
    return this.deps.store.listDeadLetters(workspaceId, page);
  }

  /** hands the work to the bus again; consumers are idempotent, so replaying finished work changes nothing */
  async replay(workspaceId: string, id: string): Promise<DeadLetterRecord> {
    const row = await this.deps.store.getDeadLetter(workspaceId, id);
    if (!row) throw notFound('dead letter');
    await this.deps.bus.publish(row.topic, { key: row.key, payload: row.payload });
    const at = this.deps.clock.now().toISOString();
    await this.deps.store.markDeadLetterReplayed(id, at);
    return { ...row, replayedAt: at };
  }
}
