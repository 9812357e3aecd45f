/** Store contract, contacts: identities deduplicated per workspace, attributes, names, paging, deletion. */
import { describe, expect, it } from 'vitest';
import { newId } from '../../model/index.js';
import type { ContactRecord, IdentityRecord } from '../../core/ports/index.js';
import { now, type StoreContext } from './context.js';

export function contactsContract(ctx: StoreContext): void {
  describe('contacts', () => {
    const contact = (overrides: Partial<ContactRecord> = {}): ContactRecord => ({
      id: newId('ct'),
      workspaceId: ctx.ws,
      name: null,
      attributes: {},
      createdAt: now(),
      updatedAt: now(),
      ...overrides,
    });
    const identity = (contactId: string, overrides: Partial<IdentityRecord> = {}): IdentityRecord => ({
      id: newId('cid'),
      workspaceId: ctx.ws,
      contactId,
      channelType: 'webchat',
      address: `vis-${newId('cid')}`,
      connectionId: ctx.connection.id,
      createdAt: now(),
      ...overrides,
    });

    it('dedups identities per workspace, channel type and address', async () => {
      const { store, contactId } = ctx;
      const row = identity(contactId, { address: 'vis_1' });
      expect(await store.insertIdentity(row)).toBe(true);
      expect(await store.insertIdentity({ ...row, id: newId('cid') })).toBe(false);
      expect(await store.insertIdentity({ ...row, id: newId('cid'), workspaceId: ctx.otherWs })).toBe(true);
      expect(await store.insertIdentity({ ...row, id: newId('cid'), channelType: 'sms' })).toBe(true);
      expect(await store.findIdentity(ctx.ws, 'webchat', 'vis_1')).toEqual(row);
      expect(await store.findIdentity(ctx.ws, 'webchat', 'vis_2')).toBeUndefined();
      expect(await store.getContact(ctx.otherWs, contactId)).toBeUndefined();
    });

    it('merges contact attributes inside a transaction', async () => {
      const { store } = ctx;
      const row = contact({ attributes: { tier: 'gold', email: 'old@example.com' } });
      await store.insertContact(row);
      await store.transaction((tx) =>
        tx.mergeContactAttributes(row.id, { email: 'new@example.com' }, '2030-01-01T00:00:00.000Z'),
      );
      expect(await store.getContact(ctx.ws, row.id)).toMatchObject({
        attributes: { tier: 'gold', email: 'new@example.com' },
        updatedAt: '2030-01-01T00:00:00.000Z',
      });
      await store.mergeContactAttributes(newId('ct'), { email: 'x@example.com' }, now()); // unknown contact: nothing happens
    });

    it('renames a contact and lists its identities in id order', async () => {
      const { store } = ctx;
      const row = contact({ name: 'old' });
      await store.insertContact(row);
      const ids = [identity(row.id), identity(row.id, { channelType: 'sms', connectionId: null })];
      for (const i of ids) await store.insertIdentity(i);
      await store.updateContactName(row.id, 'Ana Lima', '2030-01-02T00:00:00.000Z');
      expect(await store.getContact(ctx.ws, row.id)).toEqual({
        ...row,
        name: 'Ana Lima',
        updatedAt: '2030-01-02T00:00:00.000Z',
      });
      expect(await store.listIdentities(row.id)).toEqual(ids);
      expect(await store.listIdentities(newId('ct'))).toEqual([]);
    });

    it("pages a workspace's contacts newest first", async () => {
      const { store } = ctx;
      const ws = newId('ws');
      await store.insertWorkspace({ id: ws, name: 'contacts', createdAt: now() });
      const rows = [
        contact({ workspaceId: ws }),
        contact({ workspaceId: ws, attributes: { n: 2 } }),
        contact({ workspaceId: ws }),
      ];
      for (const r of rows) await store.insertContact(r);
      const first = await store.listContacts(ws, { limit: 2 });
      expect(first.data).toEqual([rows[2], rows[1]]);
      expect(await store.listContacts(ws, { limit: 2, cursor: first.nextCursor ?? undefined })).toEqual({
        data: [rows[0]],
        nextCursor: null,
      });
    });

    it('searches live contacts by name, exact or partial identity address, digits of a number and email attribute', async () => {
      const { store } = ctx;
      const ws = newId('ws');
      await store.insertWorkspace({ id: ws, name: 'search', createdAt: now() });
      const ana = contact({ workspaceId: ws, name: 'Ana Lima' });
      const bo = contact({ workspaceId: ws, name: null, attributes: { email: 'Bo@example.com' } });
      const cy = contact({ workspaceId: ws, name: '100%_real' });
      for (const r of [ana, bo, cy]) await store.insertContact(r);
      await store.insertIdentity(
        identity(ana.id, { workspaceId: ws, channelType: 'whatsapp', address: '+4915123456789' }),
      );
      await store.insertIdentity(identity(bo.id, { workspaceId: ws, channelType: 'telegram', address: 'Chat-777' }));
      await store.insertIdentity(
        identity(cy.id, { workspaceId: ctx.otherWs, channelType: 'whatsapp', address: '+4915123456789' }),
      );
      const found = async (text: string, addresses: string[] = [], digits?: string) =>
        (await store.searchContacts(ws, { text, addresses, digits }, { limit: 10 })).data.map((c) => c.id);
      expect(await found('lima')).toEqual([ana.id]);
      expect(await found('0151 23456789', ['0151 23456789', '+4915123456789'])).toEqual([ana.id]);
      expect(await found('23456', [], '23456')).toEqual([ana.id]);
      expect(await found('chat-7')).toEqual([bo.id]);
      expect(await found('bo@example.com', ['bo@example.com'])).toEqual([bo.id]);
      // LIKE wildcards in the text are literal; another workspace's identity is not found
      expect(await found('0%_r')).toEqual([cy.id]);
      expect(await found('%')).toEqual([cy.id]);
      expect(await found('nobody', ['+10000000000'])).toEqual([]);
      const page1 = await store.searchContacts(ws, { text: '', addresses: [] }, { limit: 2 });
      expect(page1.data.map((c) => c.id)).toEqual([cy.id, bo.id]);
      expect(
        (
          await store.searchContacts(
            ws,
            { text: '', addresses: [] },
            { limit: 2, cursor: page1.nextCursor ?? undefined },
          )
        ).data.map((c) => c.id),
      ).toEqual([ana.id]);
    });

    it('deletes a contact with its identities', async () => {
      const { store } = ctx;
      const row = contact();
      await store.insertContact(row);
      const i = identity(row.id);
      await store.insertIdentity(i);
      await store.deleteContact(row.id);
      expect(await store.getContact(ctx.ws, row.id)).toBeUndefined();
      expect(await store.findIdentity(ctx.ws, i.channelType, i.address)).toBeUndefined();
      // the address is free again
      expect(await store.insertIdentity({ ...i, id: newId('cid'), contactId: ctx.contactId })).toBe(true);
    });
  });
}
