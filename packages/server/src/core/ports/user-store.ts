/**
 * @module core/ports/user-store
 * Workspaces, their users, and the keys users authenticate with (integration API keys and sign-in sessions, which
 * are keys of kind 'session'). Implemented in store/sql/user-queries.ts.
 */

export type Role = 'owner' | 'admin' | 'operator';

export interface WorkspaceRecord {
  id: string;
  name: string;
  createdAt: string;
  /** admin-configured URLs (webhook receivers, agents) may reach private ranges; never link-local/metadata */
  allowPrivateNetwork: boolean;
  /**
   * what customers delete (Instagram unsend) is kept, out of the conversation, for the workspace's audit; off: the
   * content is dropped. Always present on a record read from the store (0021_meta_profiles)
   */
  keepDeletedContent?: boolean;
  /** the email connection owners and admins are notified through (core/notifications); null: none */
  notificationConnectionId?: string | null;
}
/** a new workspace; it does not allow private networks unless told */
export type NewWorkspace = Omit<WorkspaceRecord, 'allowPrivateNetwork'> & { allowPrivateNetwork?: boolean };
export interface UserRecord {
  id: string;
  workspaceId: string;
  email: string;
  name: string;
  role: Role;
  passwordHash: string | null;
  createdAt: string;
  /** where a phone call transferred to this operator rings: E.164 or a SIP URI (null: not reachable by phone) */
  phone?: string | null;
}
export interface ApiKeyRecord {
  id: string;
  workspaceId: string;
  userId: string;
  name: string;
  tokenHash: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  /** 'session' keys come from signing in and expire; 'api' keys are for integrations */
  kind?: 'api' | 'session';
  expiresAt?: string | null;
}

export interface UserStoreOps {
  getWorkspace(id: string): Promise<WorkspaceRecord | undefined>;
  firstWorkspace(): Promise<WorkspaceRecord | undefined>;
  insertWorkspace(row: NewWorkspace): Promise<void>;
  /** false when there is no such workspace */
  updateWorkspace(
    id: string,
    patch: Partial<Pick<WorkspaceRecord, 'allowPrivateNetwork' | 'keepDeletedContent' | 'notificationConnectionId'>>,
  ): Promise<boolean>;
  /** the email is stored lower-case, so sign-in matches it case-insensitively */
  insertUser(row: UserRecord): Promise<void>;
  findOwner(workspaceId: string): Promise<UserRecord | undefined>;
  /** insert-or-ignore on the token hash */
  insertApiKey(row: ApiKeyRecord): Promise<void>;
  /** the key with its user's current role (a role change applies to keys already issued) */
  findApiKeyByHash(tokenHash: string): Promise<(ApiKeyRecord & { role: UserRecord['role'] }) | undefined>;
  touchApiKey(id: string, at: string): Promise<void>;
  deleteApiKey(id: string): Promise<void>;
  /** every workspace's user with this email (case-insensitive) */
  findUsersByEmail(email: string): Promise<UserRecord[]>;
  getUser(workspaceId: string, id: string): Promise<UserRecord | undefined>;
  listUsers(workspaceId: string): Promise<UserRecord[]>;
  updateUser(
    workspaceId: string,
    id: string,
    patch: Partial<Pick<UserRecord, 'name' | 'role' | 'passwordHash' | 'phone'>>,
  ): Promise<boolean>;
  /** removes the user and every key (sessions included) they hold */
  deleteUser(workspaceId: string, id: string): Promise<boolean>;
}
