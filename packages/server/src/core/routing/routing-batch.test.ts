/**
 * The routing consumer's batched fast path on SQLite and on a fresh PostgreSQL database: messages of conversations
 * humans handle (or that are resolved) are marked done in one transaction; a conversation nobody handles yet, an
 * agent's conversation and a message that already has a mark go to the per-message path without a mark written
 * here; a conversation of another workspace (or none) routes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../model/index.js';
import { silentLogger as silent, type ConversationRecord, type Store } from '../ports/index.js';
import { RoutingBatch } from './routing-batch.js';
import { openTestStore } from '../../testing/test-databases.js';

const at = () => new Date().toISOString();
const sqlite = () => openTestStore('sqlite', 'rbatch');
const postgres = () => openTestStore('postgres', 'rbatch');

for (const [dialect, open] of [
  ['sqlite', sqlite],
  ['postgres', postgres],
] as const) {
  describe(`routing batch: ${dialect}`, () => {
    let store: Store;
    let dispose: () => Promise<void>;
    const ws = newId('ws');
    const other = newId('ws');
    const conn = newId('conn');

    const conversation = async (patch: Partial<ConversationRecord> = {}): Promise<ConversationRecord> => {
      const contactId = newId('ct');
      await store.insertContact({
        id: contactId,
        workspaceId: ws,
        name: null,
        attributes: {},
        createdAt: at(),
        updatedAt: at(),
      });
      const c: ConversationRecord = {
        id: newId('conv'),
        workspaceId: ws,
        contactId,
        connectionId: conn,
        channelType: 'webchat',
        address: contactId,
        threadKey: null,
        status: 'open',
        assigneeId: null,
        senderAddress: null,
        windowExpiresAt: null,
        lastInboundAt: null,
        lastBusinessTemplateAt: null,
        lastMessageAt: null,
        lastMessagePreview: null,
        unreadCount: 0,
        createdAt: at(),
        updatedAt: at(),
      };
      await store.insertConversation(c);
      if (patch.handler !== undefined || patch.agentId !== undefined)
        await store.routing.setConversationRouting(c.id, {
          handler: patch.handler ?? null,
          agentId: patch.agentId ?? null,
          updatedAt: at(),
        });
      if (patch.status === 'resolved') await store.updateConversation(c.id, { status: 'resolved', updatedAt: at() });
      return c;
    };
    /** whether the message has a routing mark (probing inserts one when it had none: use each id once) */
    const marked = async (messageId: string, conversationId: string, workspaceId = ws): Promise<boolean> =>
      (await store.routing.claimRouting({ messageId, conversationId, workspaceId }, at(), at(), 'done')) !== 'claimed';

    beforeAll(async () => {
      ({ store, dispose } = await open());
      await store.migrate();
      for (const id of [ws, other]) await store.insertWorkspace({ id, name: id, createdAt: at() });
      await store.insertConnection({
        id: conn,
        workspaceId: ws,
        type: 'webchat',
        name: 'c',
        description: '',
        config: {},
        status: 'RUNNING',
        statusReason: null,
        deprecated: false,
        createdAt: at(),
        updatedAt: at(),
      });
    }, 30_000);
    afterAll(async () => dispose());

    it('marks what humans handle in one go and hands the rest to the per-message path', async () => {
      const human = await conversation({ handler: 'human' });
      const human2 = await conversation({ handler: 'human' });
      const resolved = await conversation({ status: 'resolved' });
      const undecided = await conversation();
      const agent = await conversation({ handler: 'agent', agentId: 'agt_1' });
      const redelivered = await conversation({ handler: 'human' });
      const already = newId('msg');
      await store.routing.claimRouting(
        { messageId: already, conversationId: redelivered.id, workspaceId: ws },
        at(),
        at(),
        'claimed',
      );
      const batch = new RoutingBatch(store, { now: () => new Date() }, silent);
      const work = (c: ConversationRecord, messageId = newId('msg'), workspaceId = ws) => ({
        messageId,
        conversationId: c.id,
        workspaceId,
      });
      const items = [
        work(human),
        work(human2),
        work(resolved),
        work(undecided),
        work(agent),
        work(redelivered, already),
        work(human, newId('msg'), other),
        { messageId: newId('msg'), conversationId: newId('conv'), workspaceId: ws },
      ];
      // delivered in one event-loop turn: one batch
      const answers = await Promise.all(items.map((w) => batch.route(w)));
      expect(answers).toEqual([true, true, true, false, false, false, true, true]);
      // done marks for the first three; none for those left to the per-message path or routed nowhere
      for (const w of items.slice(0, 3)) expect(await marked(w.messageId, w.conversationId)).toBe(true);
      for (const w of [items[3], items[4]]) expect(await marked(w!.messageId, w!.conversationId)).toBe(false);
      for (const w of items.slice(6)) expect(await marked(w.messageId, w.conversationId, w.workspaceId)).toBe(false);
      // the existing claim is untouched (still 'claimed', so not stale-taken-over here)
      expect(
        await store.routing.claimRouting(
          { messageId: already, conversationId: redelivered.id, workspaceId: ws },
          at(),
          new Date(0).toISOString(),
        ),
      ).toBe('busy');
      // a second delivery of a routed message is not routed again by the batch
      expect(await batch.route(items[0]!)).toBe(false);
    });

    it('batches of any size: every message marked exactly once', async () => {
      const convs = await Promise.all(Array.from({ length: 12 }, () => conversation({ handler: 'human' })));
      const batch = new RoutingBatch(store, { now: () => new Date() }, silent);
      const items = Array.from({ length: 450 }, (_, i) => ({
        messageId: newId('msg'),
        conversationId: convs[i % convs.length]!.id,
        workspaceId: ws,
      }));
      expect((await Promise.all(items.map((w) => batch.route(w)))).every(Boolean)).toBe(true);
      const inserted = await store.routing.markRoutedDone(items, at());
      expect(inserted.size).toBe(0);
    });
  });
}
