/**
 * @module core/workspaces/workspace-bootstrap
 * First start: the default workspace, its owner and the admin API token (from SWITCHBOARD_ADMIN_TOKEN, else
 * generated and shown once). API tokens are stored hashed only.
 */
import { newId } from '../../model/index.js';
import type { Store } from '../ports/index.js';
import { generateApiToken, hashApiToken, tokenPrefix } from '../security/api-tokens.js';
import { generatePassword, hashPassword, verifyPassword } from '../security/passwords.js';

export interface BootstrapResult {
  workspaceId: string;
  ownerId: string;
  generatedToken: string | undefined;
  ownerEmail: string;
  /** set when the owner had no password yet and one was generated: shown once */
  generatedPassword: string | undefined;
}

export interface OwnerSettings {
  email?: string | undefined;
  password?: string | undefined;
}

export async function bootstrapWorkspace(
  store: Store,
  adminToken: string | undefined,
  now: string,
  owner: OwnerSettings = {},
): Promise<BootstrapResult> {
  let workspace = await store.firstWorkspace();
  let generatedToken: string | undefined;
  if (!workspace) {
    workspace = { id: newId('ws'), name: 'Default workspace', createdAt: now, allowPrivateNetwork: false };
    await store.insertWorkspace(workspace);
  }
  let ownerRecord = await store.findOwner(workspace.id);
  if (!ownerRecord) {
    ownerRecord = {
      id: newId('usr'),
      workspaceId: workspace.id,
      email: (owner.email ?? 'owner@localhost').toLowerCase(),
      name: 'Owner',
      role: 'owner',
      passwordHash: null,
      createdAt: now,
    };
    await store.insertUser(ownerRecord);
    if (!adminToken) {
      generatedToken = generateApiToken();
      await createApiKey(store, workspace.id, ownerRecord.id, 'bootstrap admin token', generatedToken, now);
    }
  }
  if (adminToken) await createApiKey(store, workspace.id, ownerRecord.id, 'SWITCHBOARD_ADMIN_TOKEN', adminToken, now);
  // the owner signs in to the web app with email + password: set from the environment, else generated once
  let generatedPassword: string | undefined;
  if (owner.password) {
    if (!(await verifyPassword(owner.password, ownerRecord.passwordHash)))
      await store.updateUser(workspace.id, ownerRecord.id, { passwordHash: await hashPassword(owner.password) });
  } else if (!ownerRecord.passwordHash) {
    generatedPassword = generatePassword();
    await store.updateUser(workspace.id, ownerRecord.id, { passwordHash: await hashPassword(generatedPassword) });
  }
  return {
    workspaceId: workspace.id,
    ownerId: ownerRecord.id,
    generatedToken,
    ownerEmail: ownerRecord.email,
    generatedPassword,
  };
}

export async function createApiKey(
  store: Store,
  workspaceId: string,
  userId: string,
  name: string,
  token: string,
  now: string,
): Promise<void> {
  await store.insertApiKey({
    id: newId('key'),
    workspaceId,
    userId,
    name,
    tokenHash: hashApiToken(token),
    prefix: tokenPrefix(token),
    createdAt: now,
    lastUsedAt: null,
  });
}

export async function authenticate(
  store: Store,
  token: string,
  now: Date = new Date(),
): Promise<{ workspaceId: string; userId: string; role: string } | undefined> {
  const key = await store.findApiKeyByHash(hashApiToken(token));
  if (!key || (key.expiresAt && Date.parse(key.expiresAt) <= now.getTime())) return undefined;
  return { workspaceId: key.workspaceId, userId: key.userId, role: key.role };
}
