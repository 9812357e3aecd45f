/**
 * @module core/ports/inbound-store
 * Raw provider webhooks as received, before they are processed: the database is their queue (recovery re-drives
 * pending ones). Implemented in store/sql/inbound-queries.ts.
 */

export type InboundEventStatus = 'pending' | 'processed' | 'ignored' | 'failed';
export interface InboundEventRecord {
  id: string;
  workspaceId: string;
  connectionId: string;
  eventKey: string | null;
  method: string;
  url: string;
  headers: Record<string, string>;
  body: Buffer;
  status: InboundEventStatus;
  error: string | null;
  receivedAt: string;
  processedAt: string | null;
}

/** the processing backlog: raw events acknowledged and not yet processed */
export interface InboundBacklog {
  /** pending raw events, counted up to the bound asked for (a larger backlog reads as the bound) */
  pending: number;
  /** when the oldest pending one was received (its lag); null when none is pending */
  oldestReceivedAt: string | null;
}

export interface InboundStoreOps {
  /** insert-or-ignore on (connection, eventKey); returns the ids actually inserted */
  insertInboundEvents(rows: InboundEventRecord[]): Promise<Set<string>>;
  getInboundEvent(id: string): Promise<InboundEventRecord | undefined>;
  listInboundEventIds(status: 'pending', limit: number, afterId?: string): Promise<string[]>;
  /** deletes finished raw events received before `before` (retention); pending ones are never deleted */
  pruneInboundEvents(before: string): Promise<number>;
  /** deletes one raw event (a provider's retry of messages erased meanwhile: it would bring their content back) */
  deleteInboundEvent(id: string): Promise<void>;
  /** compare-and-set from pending; false when another worker finished it first */
  finishInboundEvent(
    id: string,
    status: 'processed' | 'ignored' | 'failed',
    error: string | null,
    at: string,
  ): Promise<boolean>;
  /**
   * a connection's pending raw events with id ≥ fromId, oldest first (arrival order): the inbound processor drains
   * them in one transaction
   */
  listPendingInboundEvents(connectionId: string, fromId: string, limit: number): Promise<InboundEventRecord[]>;
  /** the backlog, `pending` counted up to `countUpTo` (ingest's back-pressure and /metrics read it often) */
  inboundBacklog(countUpTo: number): Promise<InboundBacklog>;
}
