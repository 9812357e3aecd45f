/**
 * Migration 0010_normalize_identities on SQLite and on a fresh PostgreSQL database, over identities stored in the
 * old, provider-spelled way: every spelling of one number (and one mailbox) becomes one identity, the contacts that
 * shared it are merged into the oldest one (conversations with their messages, identities and attributes carried
 * over, a timeline entry per merge, tombstones pointing at the survivor), and a second run changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import { newId } from '../../model/index.js';
import type { Store } from '../../core/ports/index.js';
import { connectors } from '../../channels/index.js';
import { openTestStore } from '../../testing/test-databases.js';
import { ADDRESS_KINDS_0010, CONTACT_MERGED } from './identity-normalization.js';
import type { KyselyStore } from './kysely-store.js';
import { migrationProvider } from './migrations.js';
import type { Database } from './schema.js';

const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 0, minute)).toISOString();

it('keeps the address kinds it normalizes by equal to what the connectors declare', () => {
  for (const c of connectors)
    expect(`${c.type}:${ADDRESS_KINDS_0010[c.type] ?? 'opaque'}`).toBe(`${c.type}:${c.addressKind}`);
});

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`0010_normalize_identities: ${dialect}`, () => {
    let store: Store;
    let db: Kysely<Database>;
    let dispose: () => Promise<void>;
    const ws = newId('ws');
    const wa = newId('conn');
    const chat = newId('conn');
    const ids = { a: 'ct_a', b: 'ct_b', c: 'ct_c', d: 'ct_d', e: 'ct_e', f: 'ct_f', g: 'ct_g' };
    const conv = { a: newId('conv'), b: newId('conv'), chat: newId('conv') };

    const migrate = async () => {
      const migrations = await migrationProvider(dialect).getMigrations();
      await migrations['0010_normalize_identities']?.up(db as unknown as Kysely<unknown>);
    };
    const snapshot = async () => ({
      contacts: await db.selectFrom('contacts').selectAll().where('workspace_id', '=', ws).orderBy('id').execute(),
      identities: await db
        .selectFrom('contact_identities')
        .selectAll()
        .where('workspace_id', '=', ws)
        .orderBy('id')
        .execute(),
      conversations: await db
        .selectFrom('conversations')
        .selectAll()
        .where('workspace_id', '=', ws)
        .orderBy('id')
        .execute(),
      messages: await db.selectFrom('messages').selectAll().where('workspace_id', '=', ws).orderBy('id').execute(),
      timeline: await db
        .selectFrom('conversation_events')
        .selectAll()
        .where('workspace_id', '=', ws)
        .orderBy('id')
        .execute(),
    });
    const identity = async (
      contactId: string,
      channelType: string,
      address: string,
      connectionId: string | null,
      minute: number,
    ) =>
      store.insertIdentity({
        id: newId('cid'),
        workspaceId: ws,
        contactId,
        channelType,
        address,
        connectionId,
        createdAt: at(minute),
      });
    const conversation = async (
      id: string,
      contactId: string,
      connectionId: string,
      channelType: string,
      address: string,
      lastMessageMinute: number,
    ) => {
      await store.insertConversation({
        id,
        workspaceId: ws,
        contactId,
        connectionId,
        channelType,
        address,
        threadKey: null,
        status: 'open',
        assigneeId: null,
        senderAddress: null,
        windowExpiresAt: null,
        lastInboundAt: null,
        lastBusinessTemplateAt: null,
        lastMessageAt: at(lastMessageMinute),
        lastMessagePreview: null,
        unreadCount: 0,
        createdAt: at(lastMessageMinute),
        updatedAt: at(lastMessageMinute),
      });
      await store.insertMessage({
        id: newId('msg'),
        workspaceId: ws,
        conversationId: id,
        connectionId,
        channelType,
        direction: 'inbound',
        from: address,
        to: 'us',
        content: { type: 'text', text: `hello from ${contactId}` },
        status: 'received',
        providerMessageId: newId('msg'),
        timestamp: at(lastMessageMinute),
        metadata: {},
        createdAt: at(lastMessageMinute),
      });
    };

    beforeAll(async () => {
      let opened: Awaited<ReturnType<typeof openTestStore>>;
      ({ store, dispose } = opened = await openTestStore(dialect, 'normalize'));
      db = (opened.store as KyselyStore).kysely;
      await store.migrate();
      await store.insertWorkspace({ id: ws, name: 'w', createdAt: at(0) });
      const connection = {
        workspaceId: ws,
        name: 'c',
        description: '',
        status: 'RUNNING' as const,
        statusReason: null,
        deprecated: false,
        createdAt: at(0),
        updatedAt: at(0),
      };
      await store.insertConnection({
        ...connection,
        id: wa,
        type: 'whatsapp',
        config: { defaultRegion: 'DE', accessToken: 'sealed' },
      });
      await store.insertConnection({ ...connection, id: chat, type: 'webchat', config: {} });
      const contact = (id: string, minute: number, name: string | null, attributes: Record<string, unknown>) =>
        store.insertContact({ id, workspaceId: ws, name, attributes, createdAt: at(minute), updatedAt: at(minute) });
      // a: the oldest, reached by wa_id; b: the same number as an operator typed it; c: and again with 00, no conversation
      await contact(ids.a, 1, null, { tier: 'gold', lang: 'de' });
      await contact(ids.b, 2, 'Sam', { tier: 'silver', city: 'Berlin' });
      await contact(ids.c, 3, null, { note: 'from an import' });
      await contact(ids.d, 4, null, {});
      await contact(ids.e, 5, null, {});
      await contact(ids.f, 6, null, {});
      await contact(ids.g, 7, 'Ada', { vip: true });
      await identity(ids.a, 'whatsapp', '15550101234', wa, 1);
      await identity(ids.a, 'webchat', 'visitor-1', chat, 1);
      await identity(ids.b, 'whatsapp', '+1 (555) 010-1234', wa, 2);
      await identity(ids.c, 'whatsapp', '001 555 010 1234', wa, 3);
      await identity(ids.d, 'whatsapp', '030 123456', wa, 4); // national, read in the connection's region
      await identity(ids.e, 'whatsapp', 'anonymous', wa, 5); // unreadable: kept as the provider sent it
      await identity(ids.f, 'email', ' ada@Example.COM', null, 6);
      await identity(ids.g, 'email', 'ada@example.com', null, 7);
      await identity(ids.g, 'telegram', '00123', null, 7); // opaque: untouched
      await conversation(conv.a, ids.a, wa, 'whatsapp', '15550101234', 10);
      await conversation(conv.b, ids.b, wa, 'whatsapp', '+1 (555) 010-1234', 20);
      await conversation(conv.chat, ids.a, chat, 'webchat', 'visitor-1', 5);
    }, 30_000);
    afterAll(async () => dispose());

    it('normalizes, merges into the oldest contact, loses nothing, and a second run changes nothing', async () => {
      const before = await snapshot();
      await migrate();
      const after = await snapshot();

      expect(after.identities.map((i) => `${i.contact_id}:${i.channel_type}:${i.address}`).sort()).toEqual(
        [
          `${ids.a}:webchat:visitor-1`,
          `${ids.a}:whatsapp:+15550101234`,
          `${ids.d}:whatsapp:+4930123456`,
          `${ids.e}:whatsapp:anonymous`,
          `${ids.f}:email:ada@example.com`,
          `${ids.f}:telegram:00123`, // g merged into f: its other identities follow
        ].sort(),
      );
      // tombstones answer with their survivor and leave the list; the survivor's values win, nothing else is dropped
      const contact = (id: string) => after.contacts.find((c) => c.id === id);
      expect([contact(ids.b)?.merged_into, contact(ids.c)?.merged_into, contact(ids.g)?.merged_into]).toEqual([
        ids.a,
        ids.a,
        ids.f,
      ]);
      expect(await store.getContact(ws, ids.b)).toMatchObject({
        id: ids.b,
        mergedInto: ids.a,
        attributes: { tier: 'silver', city: 'Berlin' },
      });
      expect((await store.listContacts(ws, { limit: 50 })).data.map((c) => c.id).sort()).toEqual([
        ids.a,
        ids.d,
        ids.e,
        ids.f,
      ]);
      expect(await store.getContact(ws, ids.a)).toMatchObject({
        name: 'Sam',
        attributes: { tier: 'gold', lang: 'de', city: 'Berlin', note: 'from an import' },
      });
      expect(await store.getContact(ws, ids.f)).toMatchObject({ name: 'Ada', attributes: { vip: true } });

      // both WhatsApp conversations are the survivor's; the more recent stays open, so a reply has one place to land
      const c = (id: string) => after.conversations.find((x) => x.id === id);
      expect([c(conv.a)?.contact_id, c(conv.b)?.contact_id, c(conv.chat)?.contact_id]).toEqual([ids.a, ids.a, ids.a]);
      expect([c(conv.a)?.status, c(conv.b)?.status, c(conv.chat)?.status]).toEqual(['resolved', 'open', 'open']);
      expect([c(conv.a)?.address, c(conv.b)?.address]).toEqual(['+15550101234', '+15550101234']);
      expect(await store.findOpenConversation(wa, ids.a, null)).toMatchObject({ id: conv.b });
      expect(after.messages).toEqual(before.messages);

      // a timeline entry per merge: b's in its moved conversation (and the one it closed), c's in a's newest conversation
      const merges = after.timeline
        .filter((e) => e.type === CONTACT_MERGED)
        .map((e) => ({ conversation: e.conversation_id, ...(JSON.parse(e.data) as Record<string, unknown>) }));
      expect(merges).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            conversation: conv.b,
            mergedContactId: ids.b,
            intoContactId: ids.a,
            address: '+15550101234',
            spellings: ['+1 (555) 010-1234'],
            overriddenAttributes: { tier: 'silver' },
          }),
          expect.objectContaining({
            conversation: conv.a,
            mergedContactId: ids.b,
            resolvedByMerge: true,
            continuedIn: conv.b,
          }),
          expect.objectContaining({
            conversation: conv.b,
            mergedContactId: ids.c,
            intoContactId: ids.a,
            spellings: ['001 555 010 1234'],
          }),
        ]),
      );
      expect(merges).toHaveLength(3);

      await migrate();
      expect(await snapshot()).toEqual(after);
    });
  });
}

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`0034_email_case: ${dialect}`, () => {
    let store: Store;
    let db: Kysely<Database>;
    let dispose: () => Promise<void>;
    const ws = newId('ws');
    const mail = newId('conn');
    const older = 'ct_mail_older';
    const newer = 'ct_mail_newer';
    const conv = newId('conv');
    const migrate = async () => {
      const migrations = await migrationProvider(dialect).getMigrations();
      await migrations['0034_email_case']?.up(db as unknown as Kysely<unknown>);
    };
    const snapshot = async () => ({
      contacts: await db.selectFrom('contacts').selectAll().where('workspace_id', '=', ws).orderBy('id').execute(),
      identities: await db
        .selectFrom('contact_identities')
        .select(['contact_id', 'channel_type', 'address'])
        .where('workspace_id', '=', ws)
        .orderBy('address')
        .execute(),
      conversations: await db
        .selectFrom('conversations')
        .select(['id', 'contact_id', 'address'])
        .where('workspace_id', '=', ws)
        .execute(),
      consents: await db
        .selectFrom('consents')
        .select(['channel_type', 'address', 'opted_out', 'updated_at'])
        .where('workspace_id', '=', ws)
        .orderBy('address')
        .execute(),
    });

    beforeAll(async () => {
      let opened: Awaited<ReturnType<typeof openTestStore>>;
      ({ store, dispose } = opened = await openTestStore(dialect, 'emailcase'));
      db = (opened.store as KyselyStore).kysely;
      await store.migrate();
      await store.insertWorkspace({ id: ws, name: 'w', createdAt: at(0) });
      await store.insertConnection({
        id: mail,
        workspaceId: ws,
        type: 'email',
        name: 'Support mail',
        description: '',
        config: {},
        status: 'RUNNING',
        statusReason: null,
        deprecated: false,
        createdAt: at(0),
        updatedAt: at(0),
      });
      // an operator wrote to Ana.Roth@ (the spelling kept before), then she wrote in as ana.roth@: two contacts
      for (const [id, minute, address] of [
        [older, 1, 'Ana.Roth@example.com'],
        [newer, 2, 'ana.roth@example.com'],
      ] as const) {
        await store.insertContact({
          id,
          workspaceId: ws,
          name: null,
          attributes: {},
          createdAt: at(minute),
          updatedAt: at(minute),
        });
        await store.insertIdentity({
          id: newId('cid'),
          workspaceId: ws,
          contactId: id,
          channelType: 'email',
          address,
          connectionId: mail,
          createdAt: at(minute),
        });
      }
      await store.insertConversation({
        id: conv,
        workspaceId: ws,
        contactId: older,
        connectionId: mail,
        channelType: 'email',
        address: 'Ana.Roth@example.com',
        threadKey: null,
        status: 'open',
        assigneeId: null,
        senderAddress: null,
        windowExpiresAt: null,
        lastInboundAt: null,
        lastBusinessTemplateAt: null,
        lastMessageAt: at(3),
        lastMessagePreview: null,
        unreadCount: 0,
        createdAt: at(3),
        updatedAt: at(3),
      });
      // she opted in under one spelling, then out under the other: the later decision must survive the fold
      const consent = { workspaceId: ws, channelType: 'email', source: 'api' as const, keyword: null };
      await store.upsertConsent({
        ...consent,
        address: 'ana.roth@example.com',
        optedOut: false,
        optedOutAt: null,
        updatedAt: at(4),
      });
      await store.upsertConsent({
        ...consent,
        address: 'Ana.Roth@example.com',
        optedOut: true,
        optedOutAt: at(5),
        updatedAt: at(5),
      });
    }, 30_000);
    afterAll(async () => dispose());

    it('folds the addresses whole, merges the two contacts into the older, keeps the newer consent, and a second run changes nothing', async () => {
      await migrate();
      const after = await snapshot();
      expect(after.identities).toEqual([{ contact_id: older, channel_type: 'email', address: 'ana.roth@example.com' }]);
      expect(after.contacts.find((c) => c.id === newer)?.merged_into).toBe(older);
      expect(after.conversations).toEqual([{ id: conv, contact_id: older, address: 'ana.roth@example.com' }]);
      expect(after.consents.map((c) => [c.address, Boolean(c.opted_out), c.updated_at])).toEqual([
        ['ana.roth@example.com', true, at(5)],
      ]);
      expect(await store.getConsent(ws, 'email', 'ana.roth@example.com')).toMatchObject({ optedOut: true });
      await migrate();
      expect(await snapshot()).toEqual(after);
    });
  });
}
