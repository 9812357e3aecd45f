/**
 * @module core/ports/notification-store
 * The pace of the notifications to a workspace's owners and admins (core/notifications): one mark per key — what
 * the last mail said and when it went — claimed atomically, so two processes never both send one notification and a
 * key mails at most once per interval. Implemented in store/sql/notification-queries.ts.
 */

export interface NotificationMark {
  workspaceId: string;
  /** what the notifications are about: `health:conn_…`, `campaign:cmp_…` */
  key: string;
  /** what the last mail said, in the caller's words (a health state) */
  state: string;
  sentAt: string;
}

export interface NotificationStoreOps {
  getNotificationMark(workspaceId: string, key: string): Promise<NotificationMark | undefined>;
  /**
   * records `mark` as the key's last mail when the key has none or its last went at or before `lastSentBefore`;
   * true when it did (the caller sends), false when another mail went since (the caller does not)
   */
  claimNotificationMark(mark: NotificationMark, lastSentBefore: string): Promise<boolean>;
  /** puts back the mark a claim replaced (the mail could not go out): the previous one, or none */
  restoreNotificationMark(workspaceId: string, key: string, previous: NotificationMark | undefined): Promise<void>;
}
