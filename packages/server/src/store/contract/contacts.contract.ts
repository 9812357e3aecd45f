/** Store contract, contacts: identities deduplicated per workspace, attributes, names, paging, deletion. */
import { describe, expect, it } from 'vitest';
import { newId } from '../../model/index.js';
import type { ContactRecord, IdentityRecord } from '../../core/ports/index.js';
import { now, type StoreContext } from './context.js';

export function contactsContract(ctx: StoreContext): void {
  describe('contacts', () => {
    const contact = (overrides: Partial<ContactRecord> = {}): ContactRecord => ({
      id: newId('ct'), workspaceId: ctx.ws, name: null, attributes: {}, createdAt: now(), updatedAt: now(), ...overrides,
    });
    const identity = (contactId: string, overrides: Partial<IdentityRecord> = {}): IdentityRecord => ({
      id: newId('cid'), workspaceId: ctx.ws, contactId, channelType: 'webchat', address: `vis-${newId('cid')}`, connectionId: ctx.connection.id, createdAt: now(), ...overrides,
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
      await store.transaction((tx) => tx.mergeContactAttributes(row.id, { email: 'new@example.com' }, '2030-01-01T00:00:00.000Z'));
      expect(await store.getContact(ctx.ws, row.id)).toMatchObject({ attributes: { tier: 'gold', email: 'new@example.com' }, updatedAt: '2030-01-01T00:00:00.000Z' });
      await store.mergeContactAttributes(newId('ct'), { email: 'x@example.com' }, now()); // unknown contact: nothing happens
    });

    it('renames a contact and lists its identities in id order', async () => {
      const { store } = ctx;
      const row = contact({ name: 'old' });
      await store.insertContact(row);
      const ids = [identity(row.id), identity(row.id, { channelType: 'sms', connectionId: null })];
      for (const i of ids) await store.insertIdentity(i);
      await store.updateContactName(row.id, 'Ana Lima', '2030-01-02T00:00:00.000Z');
      expect(await store.getContact(ctx.ws, row.id)).toEqual({ ...row, name: 'Ana Lima', updatedAt: '2030-01-02T00:00:00.000Z' });
      expect(await store.listIdentities(row.id)).toEqual(ids);
      expect(await store.listIdentities(newId('ct'))).toEqual([]);
    });

    it('pages a workspace\'s contacts newest first', async () => {
      const { store } = ctx;
      const ws = newId('ws');
      await store.insertWorkspace({ id: ws, name: 'contacts', createdAt: now() });
      const rows = [contact({ workspaceId: ws }), contact({ workspaceId: ws, attributes: { n: 2 } }), contact({ workspaceId: ws })];
      for (const r of rows) await store.insertContact(r);
      const first = await store.listContacts(ws, { limit: 2 });
      expect(first.data).toEqual([rows[2], rows[1]]);
      expect(await store.listContacts(ws, { limit: 2, cursor: first.nextCursor ?? undefined })).toEqual({ data: [rows[0]], nextCursor: null });
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
