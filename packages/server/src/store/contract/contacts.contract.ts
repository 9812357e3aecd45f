/** Store contract, contacts: identities deduplicated per workspace, attributes, names, paging, deletion. */
import { describe, expect, it } from 'vitest';
import { newId } from '../../model/index.js';
import type { ContactRecord, IdentityRecord } from '../../core/ports/index.js';
import { newInboundEvent, newMessage, now, storedConversation, type StoreContext } from './context.js';

export function contactsContract(ctx: StoreContext): void {
  describe('contacts', () => {
    const contact = (overrides: Partial<ContactRecord> = {}): ContactRecord => ({
      id: newId('ct'),
      workspaceId: ctx.ws,
      name: null,
      attributes: {},
      createdAt: now(),
      updatedAt: now(),
      tags: [],
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

    it('edits name, attributes (null removes) and tags, and filters lists and searches by tag', async () => {
      const { store } = ctx;
      const ws = newId('ws');
      await store.insertWorkspace({ id: ws, name: 'tags', createdAt: now() });
      const row = contact({ workspaceId: ws, name: 'Dee', attributes: { a: 1, b: 2 }, tags: ['old'] });
      const other = contact({ workspaceId: ws, name: 'Dee too', tags: ['vip_x'] });
      await store.insertContact(row);
      await store.insertContact(other);
      await store.updateContact(
        row.id,
        { attributes: { a: null, c: { d: 3 } }, tags: ['vip', 'new'] },
        '2030-01-03T00:00:00.000Z',
      );
      expect(await store.getContact(ws, row.id)).toEqual({
        ...row,
        attributes: { b: 2, c: { d: 3 } },
        tags: ['vip', 'new'],
        updatedAt: '2030-01-03T00:00:00.000Z',
      });
      await store.updateContact(row.id, { name: null }, '2030-01-04T00:00:00.000Z');
      expect((await store.getContact(ws, row.id))?.name).toBeNull();
      await store.updateContact(newId('ct'), { name: 'x' }, now()); // unknown: nothing happens
      // a tag matches whole (vip is not vip_x; LIKE wildcards are literal)
      expect((await store.listContacts(ws, { limit: 10 }, { tag: 'vip' })).data.map((c) => c.id)).toEqual([row.id]);
      expect((await store.listContacts(ws, { limit: 10 }, { tag: 'vip_' })).data).toEqual([]);
      expect(
        (await store.searchContacts(ws, { text: 'dee', addresses: [], tag: 'vip_x' }, { limit: 10 })).data.map(
          (c) => c.id,
        ),
      ).toEqual([other.id]);
    });

    it('locks contacts in id order and follows merged_into to the live contact', async () => {
      const { store } = ctx;
      const [a, b, c] = [contact(), contact(), contact()];
      for (const r of [a, b, c]) await store.insertContact(r);
      await store.transaction(async (tx) => {
        const locked = await tx.lockContacts(ctx.ws, [c.id, a.id, newId('ct'), a.id]);
        expect(locked.map((l) => l.id)).toEqual([a.id, c.id].sort());
        expect(await tx.lockContacts(ctx.otherWs, [a.id])).toEqual([]);
        await tx.mergeContacts(b.id, c.id, 'user:u1', now());
        await tx.mergeContacts(a.id, b.id, 'user:u1', now());
      });
      expect(await store.liveContactId(ctx.ws, c.id)).toBe(a.id);
      expect(await store.liveContactId(ctx.ws, a.id)).toBe(a.id);
      expect(await store.liveContactId(ctx.otherWs, a.id)).toBeUndefined();
      expect(await store.liveContactId(ctx.ws, newId('ct'))).toBeUndefined();
    });

    it('a writer reading an identity while a merge holds the contacts waits and follows it to the survivor', async () => {
      const { store } = ctx;
      const [survivor, merged] = [contact(), contact()];
      for (const r of [survivor, merged]) await store.insertContact(r);
      const id = identity(merged.id);
      await store.insertIdentity(id);
      let lockedNow: () => void = () => undefined;
      const locked = new Promise<void>((r) => (lockedNow = r));
      const order: string[] = [];
      const merging = store.transaction(async (tx) => {
        await tx.lockContacts(ctx.ws, [survivor.id, merged.id]);
        await tx.mergeContacts(survivor.id, merged.id, 'user:u1', now());
        lockedNow();
        await new Promise((r) => setTimeout(r, 150));
        order.push('merged');
      });
      await locked;
      const writing = store.transaction(async (tx) => {
        const found = await tx.findIdentity(ctx.ws, id.channelType, id.address);
        const live = found && (await tx.liveContactId(ctx.ws, found.contactId));
        order.push('written');
        return live;
      });
      const [, live] = await Promise.all([merging, writing]);
      expect(live).toBe(survivor.id);
      expect(order).toEqual(['merged', 'written']);
    });

    it('merges identities, conversations, attributes and tags into the survivor and leaves a tombstone', async () => {
      const { store } = ctx;
      const survivor = contact({ name: null, attributes: { tier: 'gold', city: 'Porto' }, tags: ['a'] });
      const merged = contact({ name: 'Eli', attributes: { tier: 'silver', lang: 'pt' }, tags: ['b', 'a'] });
      for (const r of [survivor, merged]) await store.insertContact(r);
      const i = identity(merged.id);
      await store.insertIdentity(i);
      const conv = await storedConversation(ctx, { contactId: merged.id });
      await store.insertMessage(newMessage(ctx, conv.id, `p-${newId('msg')}`));
      const overridden = await store.transaction((tx) => tx.mergeContacts(survivor.id, merged.id, 'user:u1', now()));
      expect(overridden).toEqual({ tier: 'silver' });
      expect(await store.getContact(ctx.ws, survivor.id)).toMatchObject({
        name: 'Eli',
        attributes: { tier: 'gold', city: 'Porto', lang: 'pt' },
        tags: ['a', 'b'],
      });
      expect((await store.getContact(ctx.ws, merged.id))?.mergedInto).toBe(survivor.id);
      expect((await store.findIdentity(ctx.ws, i.channelType, i.address))?.contactId).toBe(survivor.id);
      expect((await store.getConversation(ctx.ws, conv.id))?.contactId).toBe(survivor.id);
      const timeline = await store.routing.listConversationEvents(conv.id, { limit: 10 });
      expect(timeline.data.map((e) => [e.type, e.actor])).toEqual([['contact.merged', 'user:u1']]);
      expect(timeline.data[0]?.data).toMatchObject({
        mergedContactId: merged.id,
        overriddenAttributes: { tier: 'silver' },
      });
      await expect(store.mergeContacts(survivor.id, survivor.id, 'user:u1', now())).rejects.toThrow();
    });

    it('finds duplicate candidates by address, email/phone attribute or name, leaving out itself and tombstones', async () => {
      const { store } = ctx;
      const ws = newId('ws');
      await store.insertWorkspace({ id: ws, name: 'dups', createdAt: now() });
      const me = contact({ workspaceId: ws, name: 'Fay Ng' });
      const byIdentity = contact({ workspaceId: ws });
      const byEmail = contact({ workspaceId: ws, attributes: { email: 'fay@example.com' } });
      const byPhone = contact({ workspaceId: ws, attributes: { phone: '+15550106000' } });
      const byName = contact({ workspaceId: ws, name: 'FAY NG' });
      const unrelated = contact({ workspaceId: ws, name: 'Gus', attributes: { note: 'fay@example.com' } });
      for (const r of [me, byIdentity, byEmail, byPhone, byName, unrelated]) await store.insertContact(r);
      await store.insertIdentity(
        identity(me.id, { workspaceId: ws, channelType: 'whatsapp', address: '+15550106000' }),
      );
      await store.insertIdentity(
        identity(byIdentity.id, { workspaceId: ws, channelType: 'sms', address: '+15550106000' }),
      );
      const probe = { addresses: ['+15550106000', 'fay@example.com'], name: 'fay ng' };
      const found = await store.duplicateCandidates(ws, me.id, probe, 10);
      expect(found.map((c) => c.id).sort()).toEqual([byIdentity.id, byEmail.id, byPhone.id, byName.id].sort());
      expect(await store.duplicateCandidates(ws, me.id, { addresses: [], name: null }, 10)).toEqual([]);
      await store.transaction((tx) => tx.mergeContacts(me.id, byName.id, 'user:u1', now()));
      expect((await store.duplicateCandidates(ws, me.id, probe, 10)).map((c) => c.id)).not.toContain(byName.id);
    });

    it('erases a contact: blank row, tombstoned messages with provider ids, attachments, raw events and queued events gone', async () => {
      const { store } = ctx;
      const row = contact({ name: 'Hal Erase', attributes: { email: 'hal@example.com' }, tags: ['t'] });
      const absorbed = contact({ name: 'Hal Old', attributes: { note: 'old hal' } });
      for (const r of [row, absorbed]) await store.insertContact(r);
      await store.transaction((tx) => tx.mergeContacts(row.id, absorbed.id, 'user:u1', now()));
      const i = identity(row.id, { address: `hal-${newId('cid')}` });
      await store.insertIdentity(i);
      const conv = await storedConversation(ctx, {
        contactId: row.id,
        address: i.address,
        lastMessagePreview: 'hal text',
      });
      const providerId = `hal-p-${newId('msg')}`;
      const message = newMessage(ctx, conv.id, providerId, {
        from: i.address,
        content: { type: 'text', text: 'hal text' },
      });
      await store.insertMessage(message);
      const attachmentId = newId('att');
      await store.insertAttachment({
        id: attachmentId,
        workspaceId: ctx.ws,
        messageId: message.id,
        connectionId: ctx.connection.id,
        providerMediaId: 'hal-media',
        mimeType: 'image/png',
        fileName: 'hal.png',
        size: 3,
        state: 'ready',
        error: null,
        attempts: 0,
        accessKey: 'k',
        createdAt: now(),
        updatedAt: now(),
      });
      await store.putBlob(attachmentId, Buffer.from('hal'), now());
      // a profile picture fetched for the contact, and an audit copy of something they deleted (0021_meta_profiles)
      const pictureId = newId('att');
      await store.insertAttachment({
        id: pictureId,
        workspaceId: ctx.ws,
        messageId: null,
        connectionId: ctx.connection.id,
        providerMediaId: null,
        mimeType: 'image/jpeg',
        fileName: 'profile-picture',
        size: 3,
        state: 'ready',
        error: null,
        attempts: 1,
        accessKey: 'k2',
        createdAt: now(),
        updatedAt: now(),
        contactId: absorbed.id,
      });
      await store.keepDeletedContent(message.id, { type: 'text', text: 'hal deleted this' });
      expect(await store.deletedContent(ctx.ws, message.id)).toEqual({ type: 'text', text: 'hal deleted this' });
      expect(await store.deletedContent(ctx.otherWs, message.id)).toBeUndefined();
      const raw = newInboundEvent(ctx, {
        body: Buffer.from(JSON.stringify({ id: providerId, text: 'hal text' })),
        status: 'processed',
      });
      const unrelatedRaw = newInboundEvent(ctx, { body: Buffer.from('{"id":"someone-else"}'), status: 'processed' });
      await store.insertInboundEvents([raw, unrelatedRaw]);
      await store.insertOutbox(
        [{ topic: 'events', key: conv.id, workspaceId: ctx.ws, payload: { text: 'hal text' } }],
        now(),
      );
      const erased = await store.transaction((tx) => tx.eraseContact(ctx.ws, row.id, '2030-02-01T00:00:00.000Z'));
      expect(erased).toEqual({ mediaKeys: [attachmentId, pictureId], messages: 1, conversations: 1 });
      expect(await store.getAttachment(pictureId)).toBeUndefined();
      expect(await store.deletedContent(ctx.ws, message.id)).toBeUndefined();
      for (const id of [row.id, absorbed.id])
        expect(await store.getContact(ctx.ws, id)).toMatchObject({
          name: null,
          attributes: {},
          tags: [],
          erasedAt: '2030-02-01T00:00:00.000Z',
        });
      expect((await store.listContacts(ctx.ws, { limit: 200 })).data.map((c) => c.id)).not.toContain(row.id);
      expect(await store.listIdentities(row.id)).toEqual([]);
      const tombstone = await store.findMessageByProviderId(ctx.connection.id, providerId);
      expect(tombstone).toMatchObject({
        id: message.id,
        from: '',
        to: '',
        content: { type: 'text', text: '(erased)' },
        metadata: { erased: '2030-02-01T00:00:00.000Z' },
      });
      expect(await store.insertMessage({ ...message, id: newId('msg') })).toBe(false); // still deduplicated
      expect(await store.getConversation(ctx.ws, conv.id)).toMatchObject({
        address: '',
        lastMessagePreview: null,
        status: 'resolved',
      });
      expect(await store.getAttachment(attachmentId)).toBeUndefined();
      expect(await store.getInboundEvent(raw.id)).toBeUndefined();
      expect(await store.getInboundEvent(unrelatedRaw.id)).toBeDefined();
      // one raw event deleted by id (the inbound processor drops a retry of erased messages)
      await store.deleteInboundEvent(unrelatedRaw.id);
      expect(await store.getInboundEvent(unrelatedRaw.id)).toBeUndefined();
      expect((await store.routing.listConversationEvents(conv.id, { limit: 10 })).data).toEqual([]);
      // the media store deletes the bytes (database media store), and the log is folded into the file
      expect(await store.getBlob(attachmentId)).toEqual(Buffer.from('hal'));
      await store.deleteBlob(attachmentId);
      await store.deleteBlob(attachmentId); // unknown key: no error
      expect(await store.getBlob(attachmentId)).toBeUndefined();
      await store.checkpoint();
      expect(await store.transaction((tx) => tx.eraseContact(ctx.ws, newId('ct'), now()))).toEqual({
        mediaKeys: [],
        messages: 0,
        conversations: 0,
      });
    });
  });
}
