/**
 * @module core/ports/outbox-store
 * The transactional outbox (work and events written in the same transaction as the change they announce, relayed
 * to the bus afterwards), the dead letters of work that failed every delivery, and the queue depths for /metrics.
 * Implemented in store/sql/outbox-queries.ts.
 */
import type { Page, PageQuery } from './records.js';

export interface NewOutboxRow {
  topic: string;
  key: string;
  workspaceId: string | null;
  payload: Record<string, unknown>;
}
export interface OutboxRecord {
  seq: number;
  topic: string;
  key: string;
  workspaceId: string | null;
  payload: Record<string, unknown>;
  createdAt: string;
}

export interface DeadLetterRecord {
  id: string;
  workspaceId: string | null;
  topic: string;
  key: string;
  payload: Record<string, unknown>;
  error: string;
  deliveries: number;
  createdAt: string;
  replayedAt: string | null;
}

export interface QueueDepths {
  outboundQueued: number;
  inboundPending: number;
  outboxUnpublished: number;
}

export interface OutboxStoreOps {
  insertOutbox(rows: NewOutboxRow[], at: string): Promise<void>;
  /** in sequence order */
  listUnpublishedOutbox(limit: number): Promise<OutboxRecord[]>;
  markOutboxPublished(seqs: number[], at: string): Promise<void>;
  /** published events of a workspace after a sequence number (SSE Last-Event-ID replay) */
  listEventsSince(workspaceId: string, afterSeq: number, limit: number): Promise<OutboxRecord[]>;
  /** deletes rows published before `publishedBefore`; unpublished ones are never deleted */
  pruneOutbox(publishedBefore: string): Promise<number>;

  insertDeadLetter(row: DeadLetterRecord): Promise<void>;
  /** newest first */
  listDeadLetters(workspaceId: string, page: PageQuery): Promise<Page<DeadLetterRecord>>;
  getDeadLetter(workspaceId: string, id: string): Promise<DeadLetterRecord | undefined>;
  markDeadLetterReplayed(id: string, at: string): Promise<void>;

  /** queued outbound messages, pending raw events, unpublished outbox rows */
  countQueued(): Promise<QueueDepths>;
}
