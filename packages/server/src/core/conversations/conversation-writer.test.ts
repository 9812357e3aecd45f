/**
 * The inbound writer and a merge running at the same time, on SQLite and PostgreSQL: a message whose sender's
 * identity was read while a merge held both contacts lands on the survivor, never in a new conversation of the
 * merged-away tombstone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../model/index.js';
import { openTestStore, type TestStore } from '../../testing/test-databases.js';
import type { ConnectionRecord, ContactRecord, NewOutboxRow } from '../ports/index.js';
import {
  applyInboundMessage,
  findOrOpenConversation,
  upsertContact,
  type WriteContext,
} from './conversation-writer.js';
import type { InboundMessageEvent } from '../../model/index.js';

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`conversation writer during a merge (${dialect})`, () => {
    let t: TestStore;
    const ws = newId('ws');
    const at = () => new Date().toISOString();
    const connection: ConnectionRecord = {
      id: newId('conn'),
      workspaceId: ws,
      type: 'x-test',
      name: 'c',
      description: '',
      config: {},
      status: 'RUNNING',
      statusReason: null,
      deprecated: false,
      createdAt: at(),
      updatedAt: at(),
    };
    const contact = (): ContactRecord => ({
      id: newId('ct'),
      workspaceId: ws,
      name: null,
      attributes: {},
      createdAt: at(),
      updatedAt: at(),
    });

    beforeAll(async () => {
      t = await openTestStore(dialect, 'writer');
      await t.store.migrate();
      await t.store.insertWorkspace({ id: ws, name: 'w', createdAt: at() });
      await t.store.insertConnection(connection);
    });
    afterAll(() => t.dispose());

    it('opens the conversation on the survivor when the identity was read before the merge committed', async () => {
      const [survivor, merged] = [contact(), contact()];
      for (const c of [survivor, merged]) await t.store.insertContact(c);
      await t.store.insertIdentity({
        id: newId('cid'),
        workspaceId: ws,
        contactId: merged.id,
        channelType: 'x-test',
        address: 'cust-1',
        connectionId: connection.id,
        createdAt: at(),
      });
      let lockedNow: () => void = () => undefined;
      const locked = new Promise<void>((r) => (lockedNow = r));
      const merging = t.store.transaction(async (tx) => {
        await tx.lockContacts(ws, [survivor.id, merged.id]);
        await tx.mergeContacts(survivor.id, merged.id, 'user:u1', at());
        lockedNow();
        await new Promise((r) => setTimeout(r, 150));
      });
      await locked;
      // PostgreSQL: this transaction reads the identity as committed (still the merged contact's) while the merge runs
      const writing = t.store.transaction(async (tx) => {
        const outbox: NewOutboxRow[] = [];
        const { contactId } = await upsertContact(tx, ws, 'x-test', 'cust-1', 'Ana', connection.id, at(), outbox);
        return findOrOpenConversation(tx, connection, contactId, 'cust-1', null, at(), outbox);
      });
      const [, conversation] = await Promise.all([merging, writing]);
      expect(conversation.contactId).toBe(survivor.id);
      expect((await t.store.listConversations(ws, { contactId: merged.id }, { limit: 10 })).data).toEqual([]);
    });

    it("neither a provider's retry nor its edit of an erased message brings back the message or the contact", async () => {
      const write = (event: InboundMessageEvent) =>
        t.store.transaction((tx) => {
          const ctx: WriteContext = {
            tx,
            connection,
            now: at(),
            windowHours: undefined,
            addressRules: { kind: 'opaque' },
            outbox: [],
          };
          return applyInboundMessage(ctx, event);
        });
      const event: InboundMessageEvent = {
        kind: 'message',
        providerMessageId: 'p-erase-1',
        from: { address: 'cust-erase', name: 'Ivy' },
        content: { type: 'text', text: 'my secret' },
        timestamp: at(),
      };
      expect(await write(event)).toBe(true);
      const identity = await t.store.findIdentity(ws, 'x-test', 'cust-erase');
      await t.store.transaction((tx) => tx.eraseContact(ws, identity?.contactId as string, at()));
      expect(await write(event)).toBe(false);
      expect(await write({ ...event, edit: true, content: { type: 'text', text: 'my edited secret' } })).toBe(false);
      expect(await t.store.findIdentity(ws, 'x-test', 'cust-erase')).toBeUndefined();
      expect((await t.store.findMessageByProviderId(connection.id, 'p-erase-1'))?.content).toEqual({
        type: 'text',
        text: '(erased)',
      });
    });

    it('threads by the messages a mail names, then by subject within 30 days, never across senders', async () => {
      const write = (event: Partial<InboundMessageEvent> & { providerMessageId: string }, now = at()) =>
        t.store.transaction((tx) =>
          applyInboundMessage(
            { tx, connection, now, windowHours: undefined, addressRules: { kind: 'opaque' }, outbox: [] },
            {
              kind: 'message',
              from: { address: 'cust-thread-1' },
              content: { type: 'text', text: event.providerMessageId },
              timestamp: now,
              ...event,
            },
          ),
        );
      const conversationOf = async (providerMessageId: string) =>
        (await t.store.findMessageByProviderId(connection.id, providerMessageId))?.conversationId;
      await write({ providerMessageId: '<a>', threadKey: '<a>', subject: 'Order 42' });
      const first = await conversationOf('<a>');
      expect((await t.store.getConversation(ws, first as string))?.subject).toBe('Order 42');
      // the root is unknown, the mail it answers is known
      await write({ providerMessageId: '<b>', threadKey: '<lost-root>', threadRefs: ['<nowhere>', '<a>'] });
      expect(await conversationOf('<b>')).toBe(first);
      // no header at all: the subject, same sender
      await write({ providerMessageId: '<c>', threadKey: '<c>', subject: 'Order 42' });
      expect(await conversationOf('<c>')).toBe(first);
      // another sender naming the same mail and subject: their own conversation
      await write({
        providerMessageId: '<d>',
        threadKey: '<d>',
        threadRefs: ['<a>'],
        subject: 'Order 42',
        from: { address: 'cust-thread-2' },
      });
      expect(await conversationOf('<d>')).not.toBe(first);
      // another subject: a new conversation
      await write({ providerMessageId: '<e>', threadKey: '<e>', subject: 'Invoice' });
      expect(await conversationOf('<e>')).not.toBe(first);
      // the same subject after more than 30 days of silence: a new conversation
      const later = new Date(Date.now() + 31 * 86_400_000).toISOString();
      await write({ providerMessageId: '<f>', threadKey: '<f>', subject: 'Order 42' }, later);
      expect(await conversationOf('<f>')).not.toBe(first);
    });
  });
}
