/**
 * @module core/notifications/admin-notifier
 * Mail to a workspace's owners and admins about the hub itself (a connection's health, a campaign paused), through
 * the connection the workspace names as its notification channel (`notificationConnectionId`, an email connection:
 * its SMTP side sends, as for any mail it sends). Nothing here is a conversation: no contact, no message row.
 *
 * Each notification has a key (what it is about: `health:conn_…`); a key mails at most once per `minIntervalMs`,
 * claimed in the store (notification_marks) so every process holds to the same pace — a flapping connection sends
 * one mail, not one per flap. A mail that cannot go out gives its claim back, so the next attempt may send it.
 */
import { newId } from '../../model/index.js';
import type { ConnectionService, LiveConnection } from '../connections/connection-service.js';
import type { CoreDeps } from '../deps.js';
import { AppError } from '../errors.js';
import type { NotificationMark } from '../ports/index.js';

export interface NotifySettings {
  /** the shortest time between two mails of one key (SWITCHBOARD_NOTIFY_MIN_INTERVAL_MINUTES, default 30 min) */
  minIntervalMs: number;
}

export const DEFAULT_NOTIFY_SETTINGS: NotifySettings = { minIntervalMs: 30 * 60_000 };

export interface Notification {
  subject: string;
  text: string;
  /** what it is about; one mail per key per interval. Default: the subject */
  key?: string;
  /** what the mail says, recorded with the key (a health state: the next caller compares with it) */
  state?: string;
}

export type NotifyOutcome =
  | { sent: true; to: string[] }
  | {
      sent: false;
      reason: 'no_channel' | 'channel_unusable' | 'no_recipients' | 'rate_limited' | 'failed';
      detail: string;
    };

type Deps = Pick<CoreDeps, 'store' | 'clock' | 'log' | 'redactor'>;

/** the refusal a media part would meet: a notification is text only */
const NO_MEDIA = {
  read: () => Promise.reject(new Error('a notification carries no files')),
};

export class AdminNotifier {
  constructor(
    private readonly deps: Deps,
    private readonly connections: ConnectionService,
    private readonly settings: NotifySettings = DEFAULT_NOTIFY_SETTINGS,
  ) {}

  /** the last mail of a key (what it said and when), for callers that only mail a change */
  lastMark(workspaceId: string, key: string): Promise<NotificationMark | undefined> {
    return this.deps.store.getNotificationMark(workspaceId, key);
  }

  /**
   * the workspace's notification channel when it can carry mail: a connection of this workspace whose addresses are
   * e-mail addresses, running; a reason otherwise
   */
  private async channel(workspaceId: string): Promise<LiveConnection | { reason: NotifyOutcome & { sent: false } }> {
    const workspace = await this.deps.store.getWorkspace(workspaceId);
    const id = workspace?.notificationConnectionId;
    if (!id)
      return { reason: { sent: false, reason: 'no_channel', detail: 'the workspace names no notification channel' } };
    const live = await this.connections.live(id);
    if (!live || live.record.workspaceId !== workspaceId)
      return {
        reason: { sent: false, reason: 'no_channel', detail: `the notification channel ${id} no longer exists` },
      };
    if (live.connector.addressKind !== 'email' || !live.connector.capabilities.outbound.includes('text'))
      return {
        reason: { sent: false, reason: 'channel_unusable', detail: `${live.record.name} does not send e-mail` },
      };
    if (live.record.status !== 'RUNNING')
      return {
        reason: {
          sent: false,
          reason: 'channel_unusable',
          detail: `the notification channel ${live.record.name} is ${live.record.status}, not RUNNING`,
        },
      };
    return live;
  }

  /** checks a connection may be the workspace's notification channel (PATCH /workspace): 400 otherwise */
  async assertUsable(workspaceId: string, connectionId: string): Promise<void> {
    const record = await this.deps.store.getConnection(workspaceId, connectionId);
    if (!record)
      throw new AppError('VALIDATION', `notificationConnectionId: no connection ${connectionId} in this workspace`);
    const live = await this.connections.live(connectionId);
    if (!live || live.connector.addressKind !== 'email' || !live.connector.capabilities.outbound.includes('text'))
      throw new AppError('VALIDATION', `notificationConnectionId: ${record.name} is not an email connection`);
  }

  /**
   * e-mails `subject` and `text` to every owner and admin of the workspace through its notification channel, unless
   * a mail of the same key went less than minIntervalMs ago. Never throws for a missing channel or a failed mail:
   * the outcome says what happened (and a warning is logged when a mail failed).
   */
  async notifyAdmins(workspaceId: string, notification: Notification): Promise<NotifyOutcome> {
    const channel = await this.channel(workspaceId);
    if ('reason' in channel) return channel.reason;
    const to = (await this.deps.store.listUsers(workspaceId))
      .filter((u) => u.role === 'owner' || u.role === 'admin')
      .map((u) => u.email)
      .filter((e) => e.includes('@'));
    if (to.length === 0)
      return { sent: false, reason: 'no_recipients', detail: 'the workspace has no owner or admin with an e-mail' };
    const key = notification.key ?? notification.subject;
    const now = this.deps.clock.now();
    const previous = await this.deps.store.getNotificationMark(workspaceId, key);
    const claimed = await this.deps.store.claimNotificationMark(
      { workspaceId, key, state: notification.state ?? 'sent', sentAt: now.toISOString() },
      new Date(now.getTime() - this.settings.minIntervalMs).toISOString(),
    );
    if (!claimed)
      return {
        sent: false,
        reason: 'rate_limited',
        detail: `a notification about ${key} went less than ${Math.round(this.settings.minIntervalMs / 60_000)} min ago`,
      };
    const ctx = {
      ...this.connections.context(channel, AbortSignal.timeout(30_000)),
      media: NO_MEDIA,
    };
    const failed: string[] = [];
    for (const address of to) {
      try {
        // one mail per person: no admin sees the others' addresses
        await channel.connector.send(
          {
            id: newId('ntf'),
            conversationId: 'notification',
            to: address,
            subject: notification.subject,
            automated: true,
            content: { type: 'text', text: notification.text },
          },
          ctx,
        );
      } catch (error) {
        failed.push(`${address}: ${this.deps.redactor.scrub(error instanceof Error ? error.message : String(error))}`);
      }
    }
    if (failed.length === to.length) {
      await this.deps.store.restoreNotificationMark(workspaceId, key, previous);
      this.deps.log.warn({ workspaceId, key, failed }, 'admin notification not sent');
      return { sent: false, reason: 'failed', detail: failed.join('; ') };
    }
    if (failed.length > 0) this.deps.log.warn({ workspaceId, key, failed }, 'admin notification not sent to some');
    this.deps.log.info({ workspaceId, key, to: to.length - failed.length }, 'admin notification sent');
    return { sent: true, to: to.filter((a) => !failed.some((f) => f.startsWith(`${a}:`))) };
  }
}
