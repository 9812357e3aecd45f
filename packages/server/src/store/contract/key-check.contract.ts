/**
 * Store contract, key check: one check value per database that the first writer sets (several processes may start
 * at once), and a look for any sealed secret for databases from before the check. Runs first: it expects no sealed
 * secret in the database when it starts.
 */
import { describe, expect, it } from 'vitest';
import { newId } from '../../model/index.js';
import { newConnection, now, type StoreContext } from './context.js';

export function keyCheckContract(ctx: StoreContext): void {
  describe('key check', () => {
    it('keeps the first check value stored, whoever comes second', async () => {
      const { store } = ctx;
      expect(await store.getKeyCheck()).toBeUndefined();
      await store.insertKeyCheck('enc:v1:aaaa:bbbb:first', now());
      await Promise.all([
        store.insertKeyCheck('enc:v1:aaaa:bbbb:second', now()),
        store.insertKeyCheck('enc:v1:aaaa:bbbb:third', now()),
      ]);
      expect(await store.getKeyCheck()).toBe('enc:v1:aaaa:bbbb:first');
    });

    it('finds a sealed secret in a connection config, an agent config or a webhook subscription, and none where there is none', async () => {
      const { store } = ctx;
      expect(await store.findSealedSecret()).toBeUndefined();
      const conn = newConnection(ctx, {
        config: { botToken: 'enc:v1:iv1:tag1:cipher1', apiBaseUrl: 'http://127.0.0.1' },
      });
      await store.insertConnection(conn);
      expect(await store.findSealedSecret()).toBe('enc:v1:iv1:tag1:cipher1');
      await store.deleteConnection(ctx.ws, conn.id);
      const agent = {
        id: newId('agt'),
        workspaceId: ctx.ws,
        kind: 'llm' as const,
        name: 'a',
        description: '',
        config: { model: { apiKey: 'enc:v1:iv2:tag2:cipher2' } },
        status: 'STOPPED' as const,
        statusReason: null,
        createdAt: now(),
        updatedAt: now(),
      };
      await store.insertAgent(agent);
      expect(await store.findSealedSecret()).toBe('enc:v1:iv2:tag2:cipher2');
      await store.deleteAgent(ctx.ws, agent.id);
      const sub = {
        id: newId('whs'),
        workspaceId: ctx.ws,
        url: 'https://example.com/hook',
        eventTypes: ['message.created'],
        secret: 'enc:v1:iv3:tag3:cipher3',
        active: true,
        description: '',
        createdAt: now(),
        updatedAt: now(),
      };
      await store.insertWebhookSubscription(sub);
      expect(await store.findSealedSecret()).toBe('enc:v1:iv3:tag3:cipher3');
      await store.deleteWebhookSubscription(ctx.ws, sub.id);
      expect(await store.findSealedSecret()).toBeUndefined();
    });
  });
}
