/**
 * Store contract, Connect with Meta: a dialog's state is claimed once — two callbacks racing with one state, a
 * replay, or an expired dialog get nothing — and the grant keeps its sealed token; expired rows are forgotten.
 */
import { describe, expect, it } from 'vitest';
import { newId } from '../../model/index.js';
import type { MetaGrantRecord } from '../../core/ports/index.js';
import { now, type StoreContext } from './context.js';

export function metaConnectContract(ctx: StoreContext): void {
  const grant = (overrides: Partial<MetaGrantRecord> = {}): MetaGrantRecord => ({
    id: newId('mcg'),
    workspaceId: ctx.ws,
    userId: 'usr_1',
    channelType: 'messenger',
    stateHash: newId('mcg'),
    nonceHash: 'nonce-hash',
    redirectUri: 'http://localhost/meta/connect/callback',
    createdAt: now(),
    expiresAt: now(60_000),
    stateUsedAt: null,
    token: null,
    tokenExpiresAt: null,
    ...overrides,
  });

  describe('meta connect grants', () => {
    it('claims a state exactly once, even when two callbacks race', async () => {
      const { store } = ctx;
      const g = grant();
      await store.insertMetaGrant(g);
      const [a, b] = await Promise.all([
        store.claimMetaState(g.stateHash, now()),
        store.claimMetaState(g.stateHash, now()),
      ]);
      expect([a, b].filter(Boolean)).toHaveLength(1);
      expect((a ?? b)?.id).toBe(g.id);
      expect((a ?? b)?.stateUsedAt).not.toBeNull();
      expect(await store.claimMetaState(g.stateHash, now())).toBeUndefined();
      expect(await store.claimMetaState('no-such-state', now())).toBeUndefined();
    });

    it('refuses an expired dialog, keeps the sealed token, and forgets expired rows', async () => {
      const { store } = ctx;
      const old = grant({ expiresAt: now(-1000) });
      await store.insertMetaGrant(old);
      expect(await store.claimMetaState(old.stateHash, now())).toBeUndefined();
      const g = grant();
      await store.insertMetaGrant(g);
      await store.setMetaGrantToken(g.id, 'enc:v1:iv:tag:cipher', now(86_400_000));
      expect(await store.getMetaGrant(g.id)).toMatchObject({ token: 'enc:v1:iv:tag:cipher', workspaceId: ctx.ws });
      expect(await store.deleteExpiredMetaGrants(now())).toBeGreaterThanOrEqual(1);
      expect(await store.getMetaGrant(old.id)).toBeUndefined();
      expect(await store.getMetaGrant(g.id)).toBeDefined();
    });
  });
}
