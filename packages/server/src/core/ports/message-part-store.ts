/**
 * @module core/ports/message-part-store
 * Parts of a message a provider delivers in pieces (a concatenated SMS: Vonage's concat-ref/part/total), kept until
 * every part arrived so the message is written once, whole, in order, even across a restart
 * (core/inbound/message-parts.ts). Implemented in store/sql/message-part-queries.ts.
 */

export interface MessagePartRecord {
  connectionId: string;
  /** the connector's key of the whole message (sender + reference) */
  groupKey: string;
  /** 1-based */
  partIndex: number;
  total: number;
  /** the part's normalized inbound event, as JSON */
  event: string;
  receivedAt: string;
}

export interface MessagePartStoreOps {
  /**
   * keeps one part (insert-or-ignore on connection, group, index) and answers every part of its group held so far,
   * by index. Serialised per group: two transactions adding parts of one group never both miss the other's part.
   */
  addMessagePart(part: MessagePartRecord): Promise<MessagePartRecord[]>;
  /** forgets a group once its message is written */
  deleteMessageParts(connectionId: string, groupKey: string): Promise<void>;
}
