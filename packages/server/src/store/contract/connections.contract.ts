/** Store contract, connections: scoping, compare-and-set status, the connection log, templates, sender rotation. */
import { describe, expect, it } from 'vitest';
import { newId } from '../../model/index.js';
import type { TemplateRecord } from '../../core/ports/index.js';
import { newConnection, now, type StoreContext } from './context.js';

export function connectionsContract(ctx: StoreContext): void {
  describe('connections', () => {
    it('scopes connections to their workspace and moves status by compare-and-set', async () => {
      const { store, connection } = ctx;
      expect((await store.getConnection(ctx.ws, connection.id))?.config).toEqual({ a: 1 });
      expect(await store.getConnection(ctx.otherWs, connection.id)).toBeUndefined();
      expect(await store.setConnectionStatus(connection.id, 'STARTING', null, now(), ['STOPPED'])).toBe(true);
      expect(await store.setConnectionStatus(connection.id, 'STARTING', null, now(), ['STOPPED'])).toBe(false);
      expect(await store.updateConnection(ctx.otherWs, connection.id, { name: 'stolen' })).toBe(false);
      expect(await store.deleteConnection(ctx.otherWs, connection.id)).toBe(false);
      expect((await store.listConnectionsByStatus(['STARTING'])).map((c) => c.id)).toContain(connection.id);
      expect(await store.setConnectionStatus(connection.id, 'ERROR', 'token revoked', now())).toBe(true);
      expect(await store.getConnection(ctx.ws, connection.id)).toMatchObject({
        status: 'ERROR',
        statusReason: 'token revoked',
      });
      expect(await store.setConnectionStatus(connection.id, 'STOPPED', null, now())).toBe(true);
    });

    it('keeps a listening connection’s cursor, per connection', async () => {
      const { store, connection } = ctx;
      expect(await store.getListenCursor(connection.id)).toBeUndefined();
      await store.setListenCursor(connection.id, 'ts:41');
      await store.setListenCursor(connection.id, 'ts:42');
      expect(await store.getListenCursor(connection.id)).toBe('ts:42');
      expect(await store.getListenCursor('conn_unknown')).toBeUndefined();
    });

    it("reads a connection unscoped (provider webhooks) and lists a workspace's connections in pages", async () => {
      const { store } = ctx;
      const ws = newId('ws');
      await store.insertWorkspace({ id: ws, name: 'paging', createdAt: now() });
      const rows = [
        newConnection(ctx, { workspaceId: ws }),
        newConnection(ctx, { workspaceId: ws }),
        newConnection(ctx, { workspaceId: ws }),
      ];
      for (const row of rows) await store.insertConnection(row);
      expect(await store.getConnectionUnscoped(rows[1]!.id)).toEqual(rows[1]);
      expect(await store.getConnectionUnscoped(newId('conn'))).toBeUndefined();
      const first = await store.listConnections(ws, { limit: 2 });
      expect(first.data.map((c) => c.id)).toEqual([rows[0]!.id, rows[1]!.id]);
      expect(first.nextCursor).toBe(rows[1]!.id);
      const rest = await store.listConnections(ws, { limit: 2, cursor: first.nextCursor ?? undefined });
      expect(rest).toEqual({ data: [rows[2]], nextCursor: null });
      expect((await store.listConnections(ctx.otherWs, { limit: 10 })).data.map((c) => c.id)).not.toContain(
        rows[0]!.id,
      );
    });

    it('updates only the given fields', async () => {
      const { store } = ctx;
      const row = newConnection(ctx, { name: 'before', description: 'd' });
      await store.insertConnection(row);
      expect(
        await store.updateConnection(ctx.ws, row.id, {
          config: { a: 2, secret: 'sealed' },
          deprecated: true,
          updatedAt: '2030-01-01T00:00:00.000Z',
        }),
      ).toBe(true);
      expect(await store.getConnection(ctx.ws, row.id)).toEqual({
        ...row,
        config: { a: 2, secret: 'sealed' },
        deprecated: true,
        updatedAt: '2030-01-01T00:00:00.000Z',
      });
      expect(await store.updateConnection(ctx.ws, row.id, { name: 'after', description: '' })).toBe(true);
      expect(await store.getConnection(ctx.ws, row.id)).toMatchObject({
        name: 'after',
        description: '',
        deprecated: true,
      });
      expect(await store.updateConnection(ctx.ws, newId('conn'), { name: 'x' })).toBe(false);
    });

    it('keeps a connection log, newest first in pages, removed with the connection', async () => {
      const { store } = ctx;
      const row = newConnection(ctx);
      await store.insertConnection(row);
      const logs = ['one', 'two', 'three'].map((event) => ({
        id: newId('log'),
        connectionId: row.id,
        level: 'warn' as const,
        event,
        message: `m-${event}`,
        at: now(),
      }));
      for (const log of logs) await store.insertConnectionLog(log);
      const first = await store.listConnectionLogs(row.id, { limit: 2 });
      expect(first.data).toEqual([logs[2], logs[1]]);
      const rest = await store.listConnectionLogs(row.id, { limit: 2, cursor: first.nextCursor ?? undefined });
      expect(rest).toEqual({ data: [logs[0]], nextCursor: null });
      expect(await store.deleteConnection(ctx.ws, row.id)).toBe(true);
      expect(await store.getConnection(ctx.ws, row.id)).toBeUndefined();
      expect((await store.listConnectionLogs(row.id, { limit: 10 })).data).toEqual([]);
      expect(await store.deleteConnection(ctx.ws, row.id)).toBe(false);
    });

    it("replaces templates with the provider's list, scoped by workspace; rotates senders atomically", async () => {
      const { store, connection } = ctx;
      const at = now();
      const tpl = (name: string, language = 'en'): TemplateRecord => ({
        id: newId('tpl'),
        workspaceId: ctx.ws,
        connectionId: connection.id,
        providerTemplateId: `p-${name}`,
        name,
        language,
        status: 'APPROVED',
        category: 'UTILITY',
        components: [{ type: 'BODY' }],
        variables: ['1'],
        body: 'Hi {{1}}',
        syncedAt: at,
      });
      await store.replaceTemplates(connection.id, [tpl('a'), tpl('b')]);
      const c = tpl('c');
      await store.replaceTemplates(connection.id, [tpl('b', 'pt_BR'), c, tpl('b')]);
      expect((await store.listTemplates(ctx.ws, connection.id)).map((t) => `${t.name}/${t.language}`)).toEqual([
        'b/en',
        'b/pt_BR',
        'c/en',
      ]);
      expect(await store.listTemplates(ctx.otherWs, connection.id)).toEqual([]);
      expect(await store.findTemplate(connection.id, 'c', 'en')).toEqual(c);
      expect(await store.findTemplate(connection.id, 'a', 'en')).toBeUndefined();
      await store.replaceTemplates(connection.id, []);
      expect(await store.listTemplates(ctx.ws, connection.id)).toEqual([]);

      const rotating = newConnection(ctx);
      await store.insertConnection(rotating);
      expect([await store.nextSenderRotation(rotating.id), await store.nextSenderRotation(rotating.id)]).toEqual([
        0, 1,
      ]);
      const concurrent = await Promise.all(Array.from({ length: 6 }, () => store.nextSenderRotation(rotating.id)));
      expect([...concurrent].sort((x, y) => x - y)).toEqual([2, 3, 4, 5, 6, 7]);
    });
  });
}
