/**
 * @module core/workspaces/workspace-service
 * The workspace's own settings: `allowPrivateNetwork`, the opt-in that lets admin-configured URLs
 * (outgoing webhook receivers, webhook/LLM agents, speech-to-text) reach private ranges — self-hosters run
 * receivers on their LAN; and `keepDeletedContent`, whether what customers delete (Instagram unsend) is kept, out
 * of the conversation, for the workspace's audit; and `notificationConnectionId`, the email connection its owners
 * and admins are written to about the hub itself (core/notifications: a connection's health). Anyone signed in reads
 * them; owners and admins change them (the route checks the role). Link-local and cloud metadata addresses stay refused either way (core/security/address-guard.ts).
 */
import { notFound } from '../errors.js';
import type { WorkspaceRecord } from '../ports/index.js';
import type { CoreDeps } from '../deps.js';

export interface WorkspaceView {
  id: string;
  name: string;
  allowPrivateNetwork: boolean;
  keepDeletedContent: boolean;
  notificationConnectionId: string | null;
  createdAt: string;
}
const view = (w: WorkspaceRecord): WorkspaceView => ({
  id: w.id,
  name: w.name,
  allowPrivateNetwork: w.allowPrivateNetwork,
  keepDeletedContent: w.keepDeletedContent === true,
  notificationConnectionId: w.notificationConnectionId ?? null,
  createdAt: w.createdAt,
});

export class WorkspaceService {
  constructor(
    private readonly deps: Pick<CoreDeps, 'store' | 'log'>,
    /** refuses (400) a connection that cannot be the notification channel (core/notifications) */
    private readonly assertNotificationChannel: (workspaceId: string, connectionId: string) => Promise<void> = () =>
      Promise.resolve(),
  ) {}

  async get(workspaceId: string): Promise<WorkspaceView> {
    const w = await this.deps.store.getWorkspace(workspaceId);
    if (!w) throw notFound('workspace');
    return view(w);
  }

  async update(
    workspaceId: string,
    actorId: string,
    patch: {
      allowPrivateNetwork?: boolean | undefined;
      keepDeletedContent?: boolean | undefined;
      notificationConnectionId?: string | null | undefined;
    },
  ): Promise<WorkspaceView> {
    const before = await this.get(workspaceId);
    // checked before anything changes: a refused channel leaves every setting as it was
    if (typeof patch.notificationConnectionId === 'string')
      await this.assertNotificationChannel(workspaceId, patch.notificationConnectionId);
    if (
      !(await this.deps.store.updateWorkspace(workspaceId, {
        ...(patch.allowPrivateNetwork === undefined ? {} : { allowPrivateNetwork: patch.allowPrivateNetwork }),
        ...(patch.keepDeletedContent === undefined ? {} : { keepDeletedContent: patch.keepDeletedContent }),
        ...(patch.notificationConnectionId === undefined
          ? {}
          : { notificationConnectionId: patch.notificationConnectionId }),
      }))
    )
      throw notFound('workspace');
    const after = await this.get(workspaceId);
    // who widened what the hub may reach is worth a line in the log
    if (before.allowPrivateNetwork !== after.allowPrivateNetwork) {
      this.deps.log.info(
        { workspaceId, userId: actorId, allowPrivateNetwork: after.allowPrivateNetwork },
        `private networks ${after.allowPrivateNetwork ? 'allowed' : 'no longer allowed'} for admin-configured URLs`,
      );
    }
    if (before.keepDeletedContent !== after.keepDeletedContent)
      this.deps.log.info(
        { workspaceId, userId: actorId, keepDeletedContent: after.keepDeletedContent },
        `content customers delete is ${after.keepDeletedContent ? 'now kept for audit' : 'no longer kept'}`,
      );
    if (before.notificationConnectionId !== after.notificationConnectionId)
      this.deps.log.info(
        { workspaceId, userId: actorId, notificationConnectionId: after.notificationConnectionId },
        after.notificationConnectionId
          ? 'admins are notified by e-mail through the notification channel'
          : 'no notification channel: admins get no e-mail',
      );
    return after;
  }
}
