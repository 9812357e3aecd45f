/**
 * A change made at a provider that is itself an inbox (Intercom), on SQLite and PostgreSQL: a close resolves the
 * customer's open conversation of that thread (another thread of the same customer stays open) with a timeline
 * event naming the provider's teammate; an assignment is kept on the timeline only; a change for a thread with no
 * open conversation, or an unknown customer, writes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId, type InboundConversationEvent } from '../../model/index.js';
import { openTestStore, type TestStore } from '../../testing/test-databases.js';
import type { ConnectionRecord, NewOutboxRow } from '../ports/index.js';
import { findOrOpenConversation, upsertContact, type WriteContext } from './conversation-writer.js';
import { applyInboundConversation } from './provider-state.js';

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`provider conversation changes (${dialect})`, () => {
    let t: TestStore;
    const ws = newId('ws');
    const at = () => new Date().toISOString();
    const connection: ConnectionRecord = {
      id: newId('conn'),
      workspaceId: ws,
      type: 'x-inbox',
      name: 'c',
      description: '',
      config: {},
      status: 'RUNNING',
      statusReason: null,
      deprecated: false,
      createdAt: at(),
      updatedAt: at(),
    };
    const change = (
      threadKey: string,
      c: InboundConversationEvent['change'],
      address = 'contact-1',
    ): InboundConversationEvent => ({
      kind: 'conversation',
      from: { address },
      threadKey,
      change: c,
      by: { id: 'admin:7', name: 'Mia' },
      ...(c === 'assigned' ? { assignee: { id: '7', type: 'admin' } } : {}),
      timestamp: at(),
    });
    const apply = (event: InboundConversationEvent) =>
      t.store.transaction(async (tx) => {
        const ctx: WriteContext = {
          tx,
          connection,
          now: at(),
          windowHours: undefined,
          addressRules: { kind: 'opaque' },
          outbox: [],
        };
        await applyInboundConversation(ctx, event);
      });

    beforeAll(async () => {
      t = await openTestStore(dialect, 'provider_state');
      await t.store.migrate();
      await t.store.insertWorkspace({ id: ws, name: 'w', createdAt: at() });
      await t.store.insertConnection(connection);
    });
    afterAll(() => t.dispose());

    it('a close resolves that thread only; an assignment is on the timeline; unknown threads write nothing', async () => {
      const [a, b] = await t.store.transaction(async (tx) => {
        const outbox: NewOutboxRow[] = [];
        const { contactId } = await upsertContact(tx, ws, 'x-inbox', 'contact-1', 'Ana', connection.id, at(), outbox);
        return Promise.all(
          ['conv-a', 'conv-b'].map((k) =>
            findOrOpenConversation(tx, connection, contactId, 'contact-1', k, at(), outbox),
          ),
        );
      });
      if (!a || !b) throw new Error('no conversations');
      await apply(change('conv-a', 'assigned'));
      await apply(change('conv-a', 'closed'));
      await apply(change('conv-x', 'closed'));
      await apply(change('conv-b', 'closed', 'someone-else'));
      expect((await t.store.getConversation(ws, a.id))?.status).toBe('resolved');
      expect((await t.store.getConversation(ws, b.id))?.status).toBe('open');
      const timeline = (await t.store.routing.listConversationEvents(a.id, { limit: 10 })).data;
      expect(timeline.map((e) => [e.type, e.actor])).toEqual([
        ['assigned', 'provider:x-inbox:admin:7'],
        ['resolved', 'provider:x-inbox:admin:7'],
      ]);
      expect(timeline[0]?.data).toMatchObject({ via: 'provider', providerAssignee: { id: '7' }, byName: 'Mia' });
      expect((await t.store.routing.listConversationEvents(b.id, { limit: 10 })).data).toEqual([]);
    });

    it('a close older than the customer’s latest message (notifications out of order) leaves the conversation open', async () => {
      const c = await t.store.transaction(async (tx) => {
        const outbox: NewOutboxRow[] = [];
        const { contactId } = await upsertContact(tx, ws, 'x-inbox', 'contact-2', 'Bo', connection.id, at(), outbox);
        return findOrOpenConversation(tx, connection, contactId, 'contact-2', 'conv-c', at(), outbox);
      });
      const wrote = new Date(Date.now() + 60_000).toISOString();
      await t.store.incrementUnread(c.id, wrote, 'hello again', null);
      await apply(change('conv-c', 'closed', 'contact-2'));
      expect((await t.store.getConversation(ws, c.id))?.status).toBe('open');
      await apply({
        ...change('conv-c', 'closed', 'contact-2'),
        timestamp: new Date(Date.now() + 120_000).toISOString(),
      });
      expect((await t.store.getConversation(ws, c.id))?.status).toBe('resolved');
    });
  });
}
