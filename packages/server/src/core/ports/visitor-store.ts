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

export interface VisitorStoreOps {
  /** the visitor wrote from this address (insert, or move the visitor to it and restart the pending window) */
  recordVisitorAddress(connectionId: string, visitorId: string, addressKey: string, at: string): Promise<void>;
  /**
   * whether the visitor holds an unresolved conversation on the connection (conversations.address is the visitor id),
   * or is opening one: recorded since pendingSince, and no conversation created for them since (the inbound pipeline
   * opens it moments later) — from whichever address
   */
  visitorHoldsConversation(connectionId: string, visitorId: string, pendingSince: string): Promise<boolean>;
  /** how many visitors recorded at this address hold (or are opening) a conversation on the connection, as above */
  countAddressConversations(connectionId: string, addressKey: string, pendingSince: string): Promise<number>;
  /** forgets visitors recorded before `before` who hold no unresolved conversation; answers how many */
  pruneVisitorAddresses(before: string): Promise<number>;
}
