/**
 * @module store/sql/notification-queries
 * The NotificationStoreOps port (core/ports/notification-store.ts) over Kysely, for both dialects: notification_marks
 * (0038_health_notify). The claim is one conditional upsert (`ON CONFLICT … DO UPDATE … WHERE sent_at <= …`), so of
 * two processes claiming one key only one gets a row back.
 */
import type { NotificationMark, NotificationStoreOps } from '../../core/ports/index.js';
import { Queries } from './queries.js';

export class NotificationQueries extends Queries implements NotificationStoreOps {
  async getNotificationMark(workspaceId: string, key: string): Promise<NotificationMark | undefined> {
    const r = await this.db
      .selectFrom('notification_marks')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('key', '=', key)
      .executeTakeFirst();
    return r && { workspaceId: r.workspace_id, key: r.key, state: r.state, sentAt: r.sent_at };
  }

  async claimNotificationMark(mark: NotificationMark, lastSentBefore: string): Promise<boolean> {
    const row = await this.db
      .insertInto('notification_marks')
      .values({ workspace_id: mark.workspaceId, key: mark.key, state: mark.state, sent_at: mark.sentAt })
      .onConflict((oc) =>
        oc
          .columns(['workspace_id', 'key'])
          .doUpdateSet({ state: mark.state, sent_at: mark.sentAt })
          .where('notification_marks.sent_at', '<=', lastSentBefore),
      )
      .returning('key')
      .executeTakeFirst();
    return row !== undefined;
  }

  async restoreNotificationMark(
    workspaceId: string,
    key: string,
    previous: NotificationMark | undefined,
  ): Promise<void> {
    if (!previous) {
      await this.db
        .deleteFrom('notification_marks')
        .where('workspace_id', '=', workspaceId)
        .where('key', '=', key)
        .execute();
      return;
    }
    await this.db
      .updateTable('notification_marks')
      .set({ state: previous.state, sent_at: previous.sentAt })
      .where('workspace_id', '=', workspaceId)
      .where('key', '=', key)
      .execute();
  }
}
