/**
 * @module store/sql/outbox-queries
 * The OutboxStoreOps port (core/ports/outbox-store.ts) over Kysely, for both dialects: the transactional outbox,
 * dead letters, and the queue depths for /metrics.
 */
import { sql, type Selectable } from 'kysely';
import type {
  DeadLetterRecord,
  NewOutboxRow,
  OutboxRecord,
  OutboxStoreOps,
  Page,
  PageQuery,
  QueueDepths,
} from '../../core/ports/index.js';
import type { DeadLettersTable } from './schema.js';
import { Queries, json, parseJson } from './queries.js';
import { page } from './pagination.js';

function toOutbox(r: {
  seq: number | string;
  topic: string;
  key: string;
  workspace_id: string | null;
  payload: string;
  created_at: string;
}): OutboxRecord {
  return {
    seq: Number(r.seq),
    topic: r.topic,
    key: r.key,
    workspaceId: r.workspace_id,
    payload: parseJson<Record<string, unknown>>(r.payload),
    createdAt: r.created_at,
  };
}

function toDeadLetter(r: Selectable<DeadLettersTable>): DeadLetterRecord {
  return {
    id: r.id,
    workspaceId: r.workspace_id,
    topic: r.topic,
    key: r.key,
    payload: parseJson<Record<string, unknown>>(r.payload),
    error: r.error,
    deliveries: Number(r.deliveries),
    createdAt: r.created_at,
    replayedAt: r.replayed_at,
  };
}

export class OutboxQueries extends Queries implements OutboxStoreOps {
  async insertOutbox(rows: NewOutboxRow[], at: string): Promise<void> {
    if (rows.length === 0) return;
    if (this.hot)
      return this.hot.insertOutbox(
        rows.map((r) => ({
          topic: r.topic,
          key: r.key,
          workspace_id: r.workspaceId,
          payload: json(r.payload),
          created_at: at,
        })),
      );
    await this.db
      .insertInto('outbox')
      .values(
        rows.map((r) => ({
          topic: r.topic,
          key: r.key,
          workspace_id: r.workspaceId,
          payload: json(r.payload),
          created_at: at,
          published_at: null,
        })),
      )
      .execute();
  }
  async listUnpublishedOutbox(limit: number): Promise<OutboxRecord[]> {
    const rows = await this.db
      .selectFrom('outbox')
      .selectAll()
      .where('published_at', 'is', null)
      .orderBy('seq')
      .limit(limit)
      .execute();
    return rows.map(toOutbox);
  }
  async markOutboxPublished(seqs: number[], at: string): Promise<void> {
    if (seqs.length === 0) return;
    await this.db.updateTable('outbox').set({ published_at: at }).where('seq', 'in', seqs).execute();
  }
  async listEventsSince(workspaceId: string, afterSeq: number, limit: number): Promise<OutboxRecord[]> {
    const rows = await this.db
      .selectFrom('outbox')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('topic', '=', 'events')
      .where('seq', '>', afterSeq)
      .where('published_at', 'is not', null)
      .orderBy('seq')
      .limit(limit)
      .execute();
    return rows.map(toOutbox);
  }
  async pruneOutbox(publishedBefore: string): Promise<number> {
    const r = await this.db
      .deleteFrom('outbox')
      .where('published_at', 'is not', null)
      .where('published_at', '<', publishedBefore)
      .executeTakeFirst();
    return Number(r.numDeletedRows);
  }
  async insertDeadLetter(row: DeadLetterRecord): Promise<void> {
    await this.db
      .insertInto('dead_letters')
      .values({
        id: row.id,
        workspace_id: row.workspaceId,
        topic: row.topic,
        key: row.key,
        payload: json(row.payload),
        error: row.error,
        deliveries: row.deliveries,
        created_at: row.createdAt,
        replayed_at: row.replayedAt,
      })
      .execute();
  }
  async listDeadLetters(workspaceId: string, q: PageQuery): Promise<Page<DeadLetterRecord>> {
    let query = this.db.selectFrom('dead_letters').selectAll().where('workspace_id', '=', workspaceId);
    if (q.cursor) query = query.where('id', '<', q.cursor);
    const rows = await query
      .orderBy('id', 'desc')
      .limit(q.limit + 1)
      .execute();
    return page(rows.map(toDeadLetter), q.limit);
  }
  async getDeadLetter(workspaceId: string, id: string): Promise<DeadLetterRecord | undefined> {
    const r = await this.db
      .selectFrom('dead_letters')
      .selectAll()
      .where('id', '=', id)
      .where('workspace_id', '=', workspaceId)
      .executeTakeFirst();
    return r && toDeadLetter(r);
  }
  async markDeadLetterReplayed(id: string, at: string): Promise<void> {
    await this.db.updateTable('dead_letters').set({ replayed_at: at }).where('id', '=', id).execute();
  }
  async countQueued(): Promise<QueueDepths> {
    const count = sql<number>`count(*)`;
    const [a, b, c] = await Promise.all([
      this.db.selectFrom('messages').select(count.as('n')).where('status', '=', 'queued').executeTakeFirst(),
      this.db.selectFrom('inbound_events').select(count.as('n')).where('status', '=', 'pending').executeTakeFirst(),
      this.db.selectFrom('outbox').select(count.as('n')).where('published_at', 'is', null).executeTakeFirst(),
    ]);
    return {
      outboundQueued: Number(a?.n ?? 0),
      inboundPending: Number(b?.n ?? 0),
      outboxUnpublished: Number(c?.n ?? 0),
    };
  }
}
