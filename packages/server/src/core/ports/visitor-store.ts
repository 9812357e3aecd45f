/**
 * @module core/ports/visitor-store
 * Which client address each webchat visitor wrote from, so the open conversations one address holds on a connection
 * can be capped (core/webchat/visitor-limits.ts) across every process of a deployment. The address is kept as a
 * hash (`addressKey`), and only while the visitor's conversation is open or just being opened. Implemented in
 * store/sql/visitor-queries.ts.
 */

/**
 * A visitor whose first message was accepted counts against the cap while the inbound pipeline opens its
 * conversation (moments later); one whose message never opened one stops counting after this (`pendingSince`).
 */
export const PENDING_CONVERSATION_MS = 10 * 60_000;

export interface VisitorConversationCount {
  /** visitors of this address holding an unresolved conversation on the connection, or opening one (recorded since `pendingSince`) */
  total: number;
  /** whether the visitor asked about already holds (or is opening) a conversation on the connection, from any address */
  visitorHolds: boolean;
}

export interface VisitorStoreOps {
  /** the visitor wrote from this address (insert, or move the visitor to it and restart the pending window) */
  recordVisitorAddress(connectionId: string, visitorId: string, addressKey: string, at: string): Promise<void>;
  /**
   * counts against the cap: a recorded visitor holds an unresolved conversation (conversations.address is the visitor
   * id), or was recorded since pendingSince and no conversation was created for them since (the inbound pipeline
   * opens it moments later)
   */
  countVisitorConversations(connectionId: string, addressKey: string, visitorId: string, pendingSince: string): Promise<VisitorConversationCount>;
  /** forgets visitors recorded before `before` who hold no unresolved conversation; answers how many */
  pruneVisitorAddresses(before: string): Promise<number>;
}
