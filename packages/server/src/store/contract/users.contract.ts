/** Store contract, users: workspaces, users, API keys and sign-in sessions (keys of kind 'session'). */
import { describe, expect, it } from 'vitest';
import { newId } from '../../model/index.js';
import type { ApiKeyRecord, UserRecord } from '../../core/ports/index.js';
import { now, type StoreContext } from './context.js';

export function usersContract(ctx: StoreContext): void {
  describe('users', () => {
    const user = (overrides: Partial<UserRecord> = {}): UserRecord => ({
      id: newId('usr'),
      workspaceId: ctx.ws,
      email: `${newId('usr')}@Example.com`,
      name: 'Ana',
      role: 'operator',
      passwordHash: 'h1',
      createdAt: now(),
      phone: null,
      ...overrides,
    });
    const key = (u: UserRecord, overrides: Partial<ApiKeyRecord> = {}): ApiKeyRecord => ({
      id: newId('key'),
      workspaceId: u.workspaceId,
      userId: u.id,
      name: 'ci',
      tokenHash: `hash-${newId('key')}`,
      prefix: 'sb_ab',
      createdAt: now(),
      lastUsedAt: null,
      ...overrides,
    });

    it('reads workspaces by id and the first one by id order', async () => {
      const { store } = ctx;
      expect(await store.getWorkspace(ctx.ws)).toMatchObject({ id: ctx.ws, name: ctx.ws });
      expect(await store.getWorkspace(newId('ws'))).toBeUndefined();
      const first = await store.firstWorkspace();
      expect(first?.id).toBe([ctx.ws, ctx.otherWs].sort()[0]);
      await expect(store.insertWorkspace({ id: ctx.ws, name: 'again', createdAt: now() })).rejects.toThrow();
    });

    it('keeps the private-network opt-in per workspace, off by default', async () => {
      const { store } = ctx;
      const ws = newId('ws');
      await store.insertWorkspace({ id: ws, name: 'lan', createdAt: now() });
      expect((await store.getWorkspace(ws))?.allowPrivateNetwork).toBe(false);
      expect(await store.updateWorkspace(ws, { allowPrivateNetwork: true })).toBe(true);
      expect(await store.getWorkspace(ws)).toMatchObject({ id: ws, name: 'lan', allowPrivateNetwork: true });
      expect((await store.getWorkspace(ctx.ws))?.allowPrivateNetwork).toBe(false);
      expect(await store.updateWorkspace(ws, {})).toBe(true);
      expect((await store.getWorkspace(ws))?.allowPrivateNetwork).toBe(true);
      expect(await store.updateWorkspace(ws, { allowPrivateNetwork: false })).toBe(true);
      expect((await store.getWorkspace(ws))?.allowPrivateNetwork).toBe(false);
      expect(await store.updateWorkspace(newId('ws'), { allowPrivateNetwork: true })).toBe(false);
      expect(await store.updateWorkspace(newId('ws'), {})).toBe(false);
      const opted = newId('ws');
      await store.insertWorkspace({ id: opted, name: 'opted', createdAt: now(), allowPrivateNetwork: true });
      expect((await store.getWorkspace(opted))?.allowPrivateNetwork).toBe(true);
    });

    it('keeps the deleted-content audit setting per workspace, off by default, apart from the network opt-in', async () => {
      const { store } = ctx;
      const ws = newId('ws');
      await store.insertWorkspace({ id: ws, name: 'audit', createdAt: now() });
      expect(await store.getWorkspace(ws)).toMatchObject({ keepDeletedContent: false, allowPrivateNetwork: false });
      expect(await store.updateWorkspace(ws, { keepDeletedContent: true })).toBe(true);
      expect(await store.getWorkspace(ws)).toMatchObject({ keepDeletedContent: true, allowPrivateNetwork: false });
      expect((await store.getWorkspace(ctx.ws))?.keepDeletedContent).toBe(false);
      expect(await store.updateWorkspace(ws, { allowPrivateNetwork: true })).toBe(true);
      expect(await store.getWorkspace(ws)).toMatchObject({ keepDeletedContent: true, allowPrivateNetwork: true });
      expect(await store.updateWorkspace(ws, { keepDeletedContent: false })).toBe(true);
      expect((await store.getWorkspace(ws))?.keepDeletedContent).toBe(false);
      expect(await store.updateWorkspace(newId('ws'), { keepDeletedContent: true })).toBe(false);
    });

    it('stores emails lower-case, one per workspace, found across workspaces', async () => {
      const { store } = ctx;
      const email = `${newId('usr')}@Example.COM`;
      const a = user({ email });
      const b = user({ email, workspaceId: ctx.otherWs });
      await store.insertUser(a);
      await store.insertUser(b);
      await expect(store.insertUser(user({ email: email.toLowerCase() }))).rejects.toThrow();
      expect(await store.getUser(ctx.ws, a.id)).toEqual({ ...a, email: email.toLowerCase() });
      expect(await store.getUser(ctx.otherWs, a.id)).toBeUndefined();
      expect((await store.findUsersByEmail(email.toUpperCase())).map((u) => u.id)).toEqual([a.id, b.id].sort());
      expect(await store.findUsersByEmail('nobody@example.com')).toEqual([]);
    });

    it('finds the owner of a workspace and lists its users in id order', async () => {
      const { store } = ctx;
      const ws = newId('ws');
      await store.insertWorkspace({ id: ws, name: 'owners', createdAt: now() });
      expect(await store.findOwner(ws)).toBeUndefined();
      const operator = user({ workspaceId: ws });
      const owner = user({ workspaceId: ws, role: 'owner' });
      await store.insertUser(operator);
      await store.insertUser(owner);
      expect((await store.findOwner(ws))?.id).toBe(owner.id);
      expect((await store.listUsers(ws)).map((u) => u.id)).toEqual([operator.id, owner.id]);
      expect(await store.listUsers(newId('ws'))).toEqual([]);
    });

    it('updates only the given fields, and only within the workspace', async () => {
      const { store } = ctx;
      const u = user();
      await store.insertUser(u);
      expect(await store.updateUser(ctx.otherWs, u.id, { name: 'stolen' })).toBe(false);
      expect(await store.updateUser(ctx.ws, u.id, { role: 'admin' })).toBe(true);
      expect(await store.getUser(ctx.ws, u.id)).toMatchObject({ name: 'Ana', role: 'admin', passwordHash: 'h1' });
      expect(await store.updateUser(ctx.ws, u.id, { name: 'Bea', passwordHash: null })).toBe(true);
      expect(await store.getUser(ctx.ws, u.id)).toMatchObject({ name: 'Bea', role: 'admin', passwordHash: null });
      expect(await store.updateUser(ctx.ws, newId('usr'), { name: 'x' })).toBe(false);
    });

    it("finds API keys and sessions by hash with the user's current role; a duplicate hash is ignored", async () => {
      const { store } = ctx;
      const u = user({ role: 'admin' });
      await store.insertUser(u);
      const api = key(u);
      const session = key(u, { kind: 'session', expiresAt: now(3_600_000), name: 'browser' });
      await store.insertApiKey(api);
      await store.insertApiKey(session);
      await store.insertApiKey({ ...key(u), tokenHash: api.tokenHash, name: 'duplicate' });
      expect(await store.findApiKeyByHash(api.tokenHash)).toEqual({
        ...api,
        kind: 'api',
        expiresAt: null,
        role: 'admin',
      });
      expect(await store.findApiKeyByHash(session.tokenHash)).toEqual({ ...session, role: 'admin' });
      await store.updateUser(ctx.ws, u.id, { role: 'operator' });
      expect((await store.findApiKeyByHash(api.tokenHash))?.role).toBe('operator');
      expect(await store.findApiKeyByHash('no-such-hash')).toBeUndefined();
    });

    it('touches and deletes keys; deleting a user removes every key they hold', async () => {
      const { store } = ctx;
      const u = user();
      const other = user();
      await store.insertUser(u);
      await store.insertUser(other);
      const [k1, k2, kept] = [key(u), key(u, { kind: 'session', expiresAt: now(60_000) }), key(other)];
      for (const k of [k1, k2, kept]) await store.insertApiKey(k);
      const at = '2030-01-01T00:00:00.000Z';
      await store.touchApiKey(k1.id, at);
      expect((await store.findApiKeyByHash(k1.tokenHash))?.lastUsedAt).toBe(at);
      expect((await store.findApiKeyByHash(kept.tokenHash))?.lastUsedAt).toBeNull();
      await store.deleteApiKey(k1.id);
      expect(await store.findApiKeyByHash(k1.tokenHash)).toBeUndefined();
      expect(await store.findApiKeyByHash(k2.tokenHash)).toBeDefined();
      expect(await store.deleteUser(ctx.otherWs, u.id)).toBe(false);
      expect(await store.findApiKeyByHash(k2.tokenHash)).toBeDefined();
      expect(await store.deleteUser(ctx.ws, u.id)).toBe(true);
      expect(await store.getUser(ctx.ws, u.id)).toBeUndefined();
      expect(await store.findApiKeyByHash(k2.tokenHash)).toBeUndefined();
      expect(await store.findApiKeyByHash(kept.tokenHash)).toBeDefined();
      expect(await store.deleteUser(ctx.ws, u.id)).toBe(false);
    });
  });
}
