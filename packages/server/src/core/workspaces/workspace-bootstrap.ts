/**
 * @module core/workspaces/workspace-bootstrap
 * First start: the default workspace, its owner and the admin API token (from SWITCHBOARD_ADMIN_TOKEN, else
 * generated and shown once). API tokens are stored hashed only.
 */
import { newId } from '../../model/index.js';
import type { Store } from '../ports/index.js';
import { generateApiToken, hashApiToken, tokenPrefix } from '../security/api-tokens.js';

export interface BootstrapResult { workspaceId: string; ownerId: string; generatedToken: string | undefined }

export async function bootstrapWorkspace(store: Store, adminToken: string | undefined, now: string): Promise<BootstrapResult> {
  let workspace = await store.firstWorkspace();
  let generatedToken: string | undefined;
  if (!workspace) {
    workspace = { id: newId('ws'), name: 'Default workspace', createdAt: now };
    await store.insertWorkspace(workspace);
  }
  let owner = await store.findOwner(workspace.id);
  if (!owner) {
    owner = { id: newId('usr'), workspaceId: workspace.id, email: 'owner@localhost', name: 'Owner', role: 'owner', passwordHash: null, createdAt: now };
    await store.insertUser(owner);
    if (!adminToken) {
      generatedToken = generateApiToken();
      await createApiKey(store, workspace.id, owner.id, 'bootstrap admin token', generatedToken, now);
    }
  }
  if (adminToken) await createApiKey(store, workspace.id, owner.id, 'SWITCHBOARD_ADMIN_TOKEN', adminToken, now);
  return { workspaceId: workspace.id, ownerId: owner.id, generatedToken };
}

export async function createApiKey(store: Store, workspaceId: string, userId: string, name: string, token: string, now: string): Promise<void> {
  await store.insertApiKey({ id: newId('key'), workspaceId, userId, name, tokenHash: hashApiToken(token), prefix: tokenPrefix(token), createdAt: now, lastUsedAt: null });
}

export async function authenticate(store: Store, token: string): Promise<{ workspaceId: string; userId: string; role: string } | undefined> {
  const key = await store.findApiKeyByHash(hashApiToken(token));
  return key && { workspaceId: key.workspaceId, userId: key.userId, role: key.role };
}
