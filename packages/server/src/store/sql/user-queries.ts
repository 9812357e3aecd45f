/**
 * @module store/sql/user-queries
 * The UserStoreOps port (core/ports/user-store.ts) over Kysely, for both dialects: workspaces, users, and API keys
 * and sign-in sessions (api_keys rows of kind 'session').
 */
import type { Selectable } from 'kysely';
import type { ApiKeyRecord, NewWorkspace, UserRecord, UserStoreOps, WorkspaceRecord } from '../../core/ports/index.js';
import type { Database } from './schema.js';
import { Queries } from './queries.js';

function toUser(r: Selectable<Database['users']>): UserRecord {
  return {
    id: r.id,
    workspaceId: r.workspace_id,
    email: r.email,
    name: r.name,
    role: r.role as UserRecord['role'],
    passwordHash: r.password_hash,
    createdAt: r.created_at,
    phone: r.phone ?? null,
  };
}

function toWorkspace(r: Selectable<Database['workspaces']>): WorkspaceRecord {
  return {
    id: r.id,
    name: r.name,
    createdAt: r.created_at,
    allowPrivateNetwork: Number(r.allow_private_network) === 1,
    keepDeletedContent: Number(r.keep_deleted_content) === 1,
    notificationConnectionId: r.notification_connection_id ?? null,
  };
}

export class UserQueries extends Queries implements UserStoreOps {
  async getWorkspace(id: string): Promise<WorkspaceRecord | undefined> {
    const r = await this.db.selectFrom('workspaces').selectAll().where('id', '=', id).executeTakeFirst();
    return r && toWorkspace(r);
  }
  async firstWorkspace(): Promise<WorkspaceRecord | undefined> {
    const r = await this.db.selectFrom('workspaces').selectAll().orderBy('id').limit(1).executeTakeFirst();
    return r && toWorkspace(r);
  }
  async insertWorkspace(row: NewWorkspace): Promise<void> {
    await this.db
      .insertInto('workspaces')
      .values({
        id: row.id,
        name: row.name,
        created_at: row.createdAt,
        allow_private_network: row.allowPrivateNetwork ? 1 : 0,
      })
      .execute();
  }
  async updateWorkspace(
    id: string,
    patch: Partial<Pick<WorkspaceRecord, 'allowPrivateNetwork' | 'keepDeletedContent' | 'notificationConnectionId'>>,
  ): Promise<boolean> {
    // an empty patch still answers whether the workspace exists
    if (
      patch.allowPrivateNetwork === undefined &&
      patch.keepDeletedContent === undefined &&
      patch.notificationConnectionId === undefined
    )
      return (await this.getWorkspace(id)) !== undefined;
    const r = await this.db
      .updateTable('workspaces')
      .set({
        ...(patch.allowPrivateNetwork === undefined
          ? {}
          : { allow_private_network: patch.allowPrivateNetwork ? 1 : 0 }),
        ...(patch.keepDeletedContent === undefined ? {} : { keep_deleted_content: patch.keepDeletedContent ? 1 : 0 }),
        ...(patch.notificationConnectionId === undefined
          ? {}
          : { notification_connection_id: patch.notificationConnectionId }),
      })
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }
  async insertUser(row: UserRecord): Promise<void> {
    await this.db
      .insertInto('users')
      .values({
        id: row.id,
        workspace_id: row.workspaceId,
        email: row.email.toLowerCase(),
        name: row.name,
        role: row.role,
        password_hash: row.passwordHash,
        created_at: row.createdAt,
        phone: row.phone ?? null,
      })
      .execute();
  }
  async findOwner(workspaceId: string): Promise<UserRecord | undefined> {
    const r = await this.db
      .selectFrom('users')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('role', '=', 'owner')
      .orderBy('id')
      .limit(1)
      .executeTakeFirst();
    return r && toUser(r);
  }
  async insertApiKey(row: ApiKeyRecord): Promise<void> {
    await this.db
      .insertInto('api_keys')
      .values({
        id: row.id,
        workspace_id: row.workspaceId,
        user_id: row.userId,
        name: row.name,
        token_hash: row.tokenHash,
        prefix: row.prefix,
        created_at: row.createdAt,
        last_used_at: row.lastUsedAt,
        kind: row.kind ?? 'api',
        expires_at: row.expiresAt ?? null,
      })
      .onConflict((oc) => oc.column('token_hash').doNothing())
      .execute();
  }
  async findApiKeyByHash(tokenHash: string): Promise<(ApiKeyRecord & { role: UserRecord['role'] }) | undefined> {
    const r = await this.db
      .selectFrom('api_keys')
      .innerJoin('users', 'users.id', 'api_keys.user_id')
      .select([
        'api_keys.id',
        'api_keys.workspace_id',
        'api_keys.user_id',
        'api_keys.name',
        'api_keys.token_hash',
        'api_keys.prefix',
        'api_keys.created_at',
        'api_keys.last_used_at',
        'api_keys.kind',
        'api_keys.expires_at',
        'users.role',
      ])
      .where('api_keys.token_hash', '=', tokenHash)
      .executeTakeFirst();
    return (
      r && {
        id: r.id,
        workspaceId: r.workspace_id,
        userId: r.user_id,
        name: r.name,
        tokenHash: r.token_hash,
        prefix: r.prefix,
        createdAt: r.created_at,
        lastUsedAt: r.last_used_at,
        role: r.role as UserRecord['role'],
        kind: r.kind as 'api' | 'session',
        expiresAt: r.expires_at,
      }
    );
  }
  async touchApiKey(id: string, at: string): Promise<void> {
    await this.db.updateTable('api_keys').set({ last_used_at: at }).where('id', '=', id).execute();
  }
  async deleteApiKey(id: string): Promise<void> {
    await this.db.deleteFrom('api_keys').where('id', '=', id).execute();
  }
  async findUsersByEmail(email: string): Promise<UserRecord[]> {
    return (
      await this.db.selectFrom('users').selectAll().where('email', '=', email.toLowerCase()).orderBy('id').execute()
    ).map(toUser);
  }
  async getUser(workspaceId: string, id: string): Promise<UserRecord | undefined> {
    const r = await this.db
      .selectFrom('users')
      .selectAll()
      .where('id', '=', id)
      .where('workspace_id', '=', workspaceId)
      .executeTakeFirst();
    return r && toUser(r);
  }
  async listUsers(workspaceId: string): Promise<UserRecord[]> {
    return (
      await this.db.selectFrom('users').selectAll().where('workspace_id', '=', workspaceId).orderBy('id').execute()
    ).map(toUser);
  }
  async updateUser(
    workspaceId: string,
    id: string,
    patch: Partial<Pick<UserRecord, 'name' | 'role' | 'passwordHash' | 'phone'>>,
  ): Promise<boolean> {
    const set: { name?: string; role?: string; password_hash?: string | null; phone?: string | null } = {};
    if (patch.phone !== undefined) set.phone = patch.phone;
    if (patch.name !== undefined) set.name = patch.name;
    if (patch.role !== undefined) set.role = patch.role;
    if (patch.passwordHash !== undefined) set.password_hash = patch.passwordHash;
    const r = await this.db
      .updateTable('users')
      .set(set)
      .where('id', '=', id)
      .where('workspace_id', '=', workspaceId)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }
  async deleteUser(workspaceId: string, id: string): Promise<boolean> {
    await this.db.deleteFrom('api_keys').where('user_id', '=', id).where('workspace_id', '=', workspaceId).execute();
    const r = await this.db
      .deleteFrom('users')
      .where('id', '=', id)
      .where('workspace_id', '=', workspaceId)
      .executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }
}
