/**
 * Store contract, conversations and messages: one open conversation per (connection, contact, thread), message
 * dedup on the provider id, the outbound send lifecycle (claim, sent, retry, interrupted) and forward-only statuses.
 */
import { describe, expect, it } from 'vitest';
import { newId } from '../../model/index.js';
import type { StatusEventRecord } from '../../core/ports/index.js';
import { allowedPredecessors } from '../../core/conversations/conversation-writer.js';
import { newConnection, newConversation, newMessage, now, storedConversation, type StoreContext } from './context.js';

export function conversationsContract(ctx: StoreContext): void {
  describe('conversations and messages', () => {
    it('keeps one open conversation per (connection, contact, thread); resolving frees the slot', async () => {
      const { store, connection, contactId } = ctx;
      const first = newConversation(ctx);
      expect(await store.insertConversation(first)).toBe(true);
      expect(await store.insertConversation(newConversation(ctx))).toBe(false);
      expect(await store.insertConversation(newConversation(ctx, { threadKey: 'group-1' }))).toBe(true);
      expect((await store.findOpenConversation(connection.id, contactId, null))?.id).toBe(first.id);
      expect((await store.findOpenConversation(connection.id, contactId, 'group-1'))?.threadKey).toBe('group-1');
      await store.updateConversation(first.id, { status: 'resolved' });
      expect(await store.findOpenConversation(connection.id, contactId, null)).toBeUndefined();
      const second = newConversation(ctx);
      expect(await store.insertConversation(second)).toBe(true);
      await expect(store.updateConversation(first.id, { status: 'open' })).rejects.toThrow();
      expect(await store.getConversation(ctx.otherWs, second.id)).toBeUndefined();
      // reopening takes the slot again once it is free
      await store.updateConversation(second.id, { status: 'resolved' });
      await store.updateConversation(first.id, { status: 'pending' });
      expect((await store.findOpenConversation(connection.id, contactId, null))?.id).toBe(first.id);
      await store.updateConversation(first.id, { status: 'resolved' });
    });

    it('reads back every field it stored, routing fields filled', async () => {
      const { store } = ctx;
      const row = await storedConversation(ctx, {
        senderAddress: '+1',
        windowExpiresAt: '2030-01-01T00:00:00.000Z',
        lastInboundAt: '2029-12-31T00:00:00.000Z',
        unreadCount: 3,
        assigneeId: 'usr_x',
      });
      expect(await store.getConversation(ctx.ws, row.id)).toEqual({
        ...row,
        handler: null,
        agentId: null,
        teamId: null,
        tags: [],
      });
    });

    it('updates only the given fields', async () => {
      const { store } = ctx;
      const row = await storedConversation(ctx);
      const patch = {
        assigneeId: 'usr_a',
        senderAddress: '+2',
        windowExpiresAt: '2030-01-01T00:00:00.000Z',
        lastBusinessTemplateAt: '2029-01-01T00:00:00.000Z',
        lastMessageAt: '2029-06-01T00:00:00.000Z',
        lastMessagePreview: 'hello',
        unreadCount: 0,
        updatedAt: '2029-06-01T00:00:01.000Z',
      };
      await store.updateConversation(row.id, patch);
      expect(await store.getConversation(ctx.ws, row.id)).toMatchObject({
        ...patch,
        status: 'open',
        lastInboundAt: null,
      });
      await store.updateConversation(row.id, { assigneeId: null });
      expect(await store.getConversation(ctx.ws, row.id)).toMatchObject({
        assigneeId: null,
        senderAddress: '+2',
        lastMessagePreview: 'hello',
      });
    });

    it('counts an inbound message: unread, preview, last inbound, and the window only when given', async () => {
      const { store } = ctx;
      const row = await storedConversation(ctx, { windowExpiresAt: '2030-01-01T00:00:00.000Z' });
      await store.incrementUnread(row.id, '2029-01-01T00:00:00.000Z', 'one', null);
      await store.incrementUnread(row.id, '2029-01-01T00:00:01.000Z', 'two', '2030-02-01T00:00:00.000Z');
      expect(await store.getConversation(ctx.ws, row.id)).toMatchObject({
        unreadCount: 2,
        lastMessagePreview: 'two',
        lastMessageAt: '2029-01-01T00:00:01.000Z',
        lastInboundAt: '2029-01-01T00:00:01.000Z',
        updatedAt: '2029-01-01T00:00:01.000Z',
        windowExpiresAt: '2030-02-01T00:00:00.000Z',
      });
      await store.incrementUnread(row.id, '2029-01-01T00:00:02.000Z', 'three', null);
      expect((await store.getConversation(ctx.ws, row.id))?.windowExpiresAt).toBe('2030-02-01T00:00:00.000Z');
    });

    it("lists a workspace's conversations newest first, filtered by contact, connection and status", async () => {
      const { store } = ctx;
      const ws = newId('ws');
      await store.insertWorkspace({ id: ws, name: 'conversations', createdAt: now() });
      const contactId = newId('ct');
      await store.insertContact({
        id: contactId,
        workspaceId: ws,
        name: null,
        attributes: {},
        createdAt: now(),
        updatedAt: now(),
      });
      const conn = newConnection(ctx, { workspaceId: ws });
      await store.insertConnection(conn);
      const a = await storedConversation(ctx, { workspaceId: ws });
      const b = await storedConversation(ctx, { workspaceId: ws, contactId });
      const c = await storedConversation(ctx, { workspaceId: ws, contactId, connectionId: conn.id, status: 'pending' });
      const ids = async (filter: Parameters<typeof store.listConversations>[1]) =>
        (await store.listConversations(ws, filter, { limit: 10 })).data.map((x) => x.id);
      expect(await ids({})).toEqual([c.id, b.id, a.id]);
      expect(await ids({ contactId })).toEqual([c.id, b.id]);
      expect(await ids({ connectionId: conn.id })).toEqual([c.id]);
      expect(await ids({ status: 'open' })).toEqual([b.id, a.id]);
      const first = await store.listConversations(ws, {}, { limit: 2 });
      expect(first.nextCursor).toBe(b.id);
      expect(
        (await store.listConversations(ws, {}, { limit: 2, cursor: first.nextCursor ?? undefined })).data.map(
          (x) => x.id,
        ),
      ).toEqual([a.id]);
      expect((await store.listConversations(ctx.otherWs, {}, { limit: 10 })).data.map((x) => x.id)).not.toContain(a.id);
    });

    it("finds conversations by a word their messages say: a text, a caption, a call's transcript", async () => {
      const { store } = ctx;
      const ws = newId('ws');
      await store.insertWorkspace({ id: ws, name: 'search', createdAt: now() });
      const say = async (conversationId: string, overrides: Parameters<typeof newMessage>[3], workspaceId = ws) => {
        const m = newMessage(ctx, conversationId, newId('msg'), { workspaceId, ...overrides });
        expect(await store.insertMessage(m)).toBe(true);
        return m;
      };
      // a call: the caller's utterance is an audio message whose words are its transcript (SIP), the recording a file
      const call = await storedConversation(ctx, { workspaceId: ws, channelType: 'sip' });
      await say(call.id, {
        channelType: 'sip',
        content: { type: 'audio', media: { url: '', mimeType: 'audio/wav' } },
        metadata: { call: 'c1', speech: true, transcript: 'I would like to move my booking to Friday' },
      });
      await say(call.id, {
        channelType: 'sip',
        content: { type: 'audio', media: { url: '', mimeType: 'audio/wav', caption: 'Call recording' } },
        metadata: { call: 'c1', recording: { source: 'call' } },
      });
      const chat = await storedConversation(ctx, { workspaceId: ws });
      await say(chat.id, { content: { type: 'text', text: 'Where is my parcel? 50% off_code' } });
      const photo = await storedConversation(ctx, { workspaceId: ws, status: 'resolved' });
      await say(photo.id, {
        content: {
          type: 'image',
          media: { url: 'https://x.test/a.jpg', mimeType: 'image/jpeg', caption: 'Broken lid' },
        },
      });
      // a message the customer deleted says nothing any more, whatever its metadata kept
      const deleted = await storedConversation(ctx, { workspaceId: ws });
      await say(deleted.id, {
        content: { type: 'text', text: 'This message was deleted' },
        metadata: { transcript: 'my card number is secret', deletedByCustomer: now() },
      });
      // the same words in another workspace are never found here
      const elsewhere = await storedConversation(ctx);
      await say(elsewhere.id, { metadata: { transcript: 'friday parcel' } }, ctx.ws);

      const found = async (text: string, filter: Parameters<typeof store.listConversations>[1] = {}) =>
        (await store.listConversations(ws, { ...filter, text }, { limit: 10 })).data.map((c) => c.id);
      expect(await found('booking')).toEqual([call.id]);
      expect(await found('FRIDAY')).toEqual([call.id]);
      expect(await found('move my')).toEqual([call.id]);
      expect(await found('recording')).toEqual([call.id]);
      expect(await found('parcel')).toEqual([chat.id]);
      expect(await found('broken lid')).toEqual([photo.id]);
      expect(await found('broken lid', { status: 'open' })).toEqual([]);
      // LIKE's wildcards are the characters themselves
      expect(await found('50%')).toEqual([chat.id]);
      expect(await found('%')).toEqual([chat.id]);
      expect(await found('o_f')).toEqual([]);
      expect(await found('off_')).toEqual([chat.id]);
      // JSON keys and type names are no words of a message
      expect(await found('audio')).toEqual([]);
      expect(await found('transcript')).toEqual([]);
      expect(await found('secret')).toEqual([]);
      expect(await found('deleted')).toEqual([]);
      expect(await found('nowhere')).toEqual([]);
      // a conversation with many matching messages is listed once
      await say(call.id, { content: { type: 'text', text: 'Friday works' } });
      expect(await found('friday')).toEqual([call.id]);
    });

    it('answers the sender a contact was last served from on a connection', async () => {
      const { store, connection } = ctx;
      const contactId = newId('ct');
      await store.insertContact({
        id: contactId,
        workspaceId: ctx.ws,
        name: null,
        attributes: {},
        createdAt: now(),
        updatedAt: now(),
      });
      expect(await store.lastSenderFor(connection.id, contactId)).toBeUndefined();
      await storedConversation(ctx, { contactId, senderAddress: '+100' });
      await storedConversation(ctx, { contactId, senderAddress: '+200' });
      await storedConversation(ctx, { contactId, senderAddress: null });
      expect(await store.lastSenderFor(connection.id, contactId)).toBe('+200');
      expect(await store.lastSenderFor(newId('conn'), contactId)).toBeUndefined();
    });

    it('dedups messages on (connection, provider id) but never outbound messages without one', async () => {
      const { store } = ctx;
      const conv = await storedConversation(ctx);
      const m = newMessage(ctx, conv.id, 'p-1');
      expect(await store.insertMessage(m)).toBe(true);
      expect(await store.insertMessage(newMessage(ctx, conv.id, 'p-1'))).toBe(false);
      expect(
        await store.insertMessage(newMessage(ctx, conv.id, null, { direction: 'outbound', status: 'queued' })),
      ).toBe(true);
      expect(
        await store.insertMessage(newMessage(ctx, conv.id, null, { direction: 'outbound', status: 'queued' })),
      ).toBe(true);
      const page = await store.listMessages(conv.id, { limit: 2 });
      expect(page.data).toHaveLength(2);
      expect(page.nextCursor).not.toBeNull();
      const rest = await store.listMessages(conv.id, { limit: 10, cursor: page.nextCursor ?? undefined });
      expect(rest.data).toHaveLength(1);
      expect(rest.nextCursor).toBeNull();
      expect(page.data[0]?.metadata).toEqual({ k: 'v' });
      const { createdAt, ...fields } = m;
      expect(await store.getMessageUnscoped(m.id)).toEqual({
        ...fields,
        createdAt,
        statusDetail: null,
        editedAt: null,
        attempts: 0,
        nextAttemptAt: null,
        sendStartedAt: null,
      });
      expect(await store.getMessageUnscoped(newId('msg'))).toBeUndefined();
    });

    it('reads the recent history oldest first and the last inbound message', async () => {
      const { store } = ctx;
      const conv = await storedConversation(ctx);
      expect(await store.lastInboundMessage(conv.id)).toBeUndefined();
      const m1 = newMessage(ctx, conv.id, `in-${newId('msg')}`);
      const m2 = newMessage(ctx, conv.id, `in-${newId('msg')}`);
      const m3 = newMessage(ctx, conv.id, null, { direction: 'outbound', status: 'queued' });
      for (const m of [m1, m2, m3]) await store.insertMessage(m);
      expect((await store.lastInboundMessage(conv.id))?.id).toBe(m2.id);
      expect((await store.listRecentMessages(conv.id, 2)).map((m) => m.id)).toEqual([m2.id, m3.id]);
      expect((await store.listRecentMessages(conv.id, 10)).map((m) => m.id)).toEqual([m1.id, m2.id, m3.id]);
    });

    it('replaces content without marking an edit, edits with a time, and replaces metadata', async () => {
      const { store } = ctx;
      const conv = await storedConversation(ctx);
      const m = newMessage(ctx, conv.id, `c-${newId('msg')}`);
      await store.insertMessage(m);
      await store.replaceMessageContent(m.id, { type: 'text', text: 'with url' });
      expect(await store.getMessage(ctx.ws, m.id)).toMatchObject({
        content: { type: 'text', text: 'with url' },
        editedAt: null,
      });
      await store.editMessageContent(m.id, { type: 'text', text: 'edited' }, '2030-01-01T00:00:00.000Z');
      expect(await store.getMessage(ctx.ws, m.id)).toMatchObject({
        content: { type: 'text', text: 'edited' },
        editedAt: '2030-01-01T00:00:00.000Z',
      });
      await store.replaceMessageMetadata(m.id, { transcript: 'hello' });
      expect((await store.getMessage(ctx.ws, m.id))?.metadata).toEqual({ transcript: 'hello' });
    });

    it('claims a queued message once and applies statuses forward-only', async () => {
      const { store, connection } = ctx;
      const conv = await storedConversation(ctx);
      const m = newMessage(ctx, conv.id, null, { direction: 'outbound', status: 'queued' });
      await store.insertMessage(m);
      expect(await store.claimForSend(m.id, now())).toBe(true);
      expect(await store.claimForSend(m.id, now())).toBe(false);
      expect((await store.getMessage(ctx.ws, m.id))?.attempts).toBe(1);
      expect((await store.getMessage(ctx.ws, m.id))?.statusAt ?? null).toBeNull(); // queued: no status change yet
      await store.markSent(m.id, 'prov-9', '+100', '2026-03-01T10:00:00.000Z');
      expect((await store.getMessage(ctx.ws, m.id))?.statusAt).toBe('2026-03-01T10:00:00.000Z');
      expect((await store.findMessageByProviderId(connection.id, 'prov-9'))?.id).toBe(m.id);
      expect(await store.findMessageByProviderId(connection.id, 'prov-none')).toBeUndefined();
      expect(await store.applyStatus(m.id, 'read', null, allowedPredecessors('read'), '2026-03-01T10:05:00.000Z')).toBe(
        true,
      );
      // a refused move leaves the time of the last change
      expect(
        await store.applyStatus(m.id, 'delivered', null, allowedPredecessors('delivered'), '2026-03-01T11:00:00.000Z'),
      ).toBe(false);
      expect((await store.getMessage(ctx.ws, m.id))?.statusAt).toBe('2026-03-01T10:05:00.000Z');
      expect(
        await store.applyStatus(m.id, 'failed', { code: 'X', message: 'y' }, allowedPredecessors('failed'), now()),
      ).toBe(false);
      const stored = await store.getMessage(ctx.ws, m.id);
      expect(stored).toMatchObject({ status: 'read', from: '+100', providerMessageId: 'prov-9', sendStartedAt: null });
      expect(await store.getMessage(ctx.otherWs, m.id)).toBeUndefined();
      const failing = newMessage(ctx, conv.id, null, { direction: 'outbound', status: 'queued' });
      await store.insertMessage(failing);
      expect(
        await store.applyStatus(
          failing.id,
          'failed',
          { code: 'AUTH', message: 'no' },
          allowedPredecessors('failed'),
          now(),
        ),
      ).toBe(true);
      expect((await store.getMessage(ctx.ws, failing.id))?.statusDetail).toEqual({ code: 'AUTH', message: 'no' });
    });

    it('schedules retries and hands a due retry to one caller; finds interrupted sends', async () => {
      const { store } = ctx;
      const conv = await storedConversation(ctx);
      const m = newMessage(ctx, conv.id, null, { direction: 'outbound', status: 'queued', from: '+5' });
      await store.insertMessage(m);
      await store.claimForSend(m.id, now());
      await store.scheduleRetry(m.id, now(-1000), { code: 'UNAVAILABLE', message: '503' });
      expect((await store.getMessage(ctx.ws, m.id))?.statusDetail).toEqual({ code: 'UNAVAILABLE', message: '503' });
      expect(await store.listDueRetries(now(), 100)).toContainEqual({
        id: m.id,
        connectionId: ctx.connection.id,
        from: '+5',
      });
      expect(await store.takeDueRetry(m.id, now())).toBe(true);
      expect(await store.takeDueRetry(m.id, now())).toBe(false);
      expect((await store.listDueRetries(now(), 100)).map((r) => r.id)).not.toContain(m.id);
      await store.claimForSend(m.id, now(-60_000));
      const interrupted = await store.listInterruptedSends(now(), 100);
      expect(interrupted).toContainEqual({ id: m.id, workspaceId: ctx.ws, conversationId: conv.id });
      expect((await store.listInterruptedSends(now(-120_000), 100)).map((r) => r.id)).not.toContain(m.id);
    });

    it("holds a sent message's timed fallback, hands it to one caller under a lease, and drops it once delivered", async () => {
      const { store } = ctx;
      const conv = await storedConversation(ctx);
      const m = newMessage(ctx, conv.id, null, { direction: 'outbound', status: 'queued', from: '+6' });
      await store.insertMessage(m);
      // only a sent message takes a fallback time
      await store.setFallbackDue(m.id, now(-1000));
      expect((await store.listDueFallbacks(now(), 100)).map((r) => r.id)).not.toContain(m.id);
      await store.markSent(m.id, 'prov-fb-1', null, now());
      await store.setFallbackDue(m.id, now(60_000));
      expect((await store.listDueFallbacks(now(), 100)).map((r) => r.id)).not.toContain(m.id);
      await store.setFallbackDue(m.id, now(-1000));
      expect(await store.listDueFallbacks(now(), 100)).toContainEqual({
        id: m.id,
        connectionId: ctx.connection.id,
        from: '+6',
      });
      // the sent message is not a due retry
      expect((await store.listDueRetries(now(), 100)).map((r) => r.id)).not.toContain(m.id);
      expect(await store.takeDueFallback(m.id, now(), now(30_000))).toBe(true);
      expect(await store.takeDueFallback(m.id, now(), now(30_000))).toBe(false);
      expect((await store.listDueFallbacks(now(), 100)).map((r) => r.id)).not.toContain(m.id);
      // the lease ran out (the taker died): due again
      expect((await store.listDueFallbacks(now(31_000), 100)).map((r) => r.id)).toContain(m.id);
      await store.setFallbackDue(m.id, null);
      expect((await store.listDueFallbacks(now(31_000), 100)).map((r) => r.id)).not.toContain(m.id);
      await store.setFallbackDue(m.id, now(-1000));
      expect(await store.applyStatus(m.id, 'delivered', null, allowedPredecessors('delivered'), now())).toBe(true);
      expect((await store.listDueFallbacks(now(), 100)).map((r) => r.id)).not.toContain(m.id);
    });

    it('lists queued messages not being sent, per connection, after an id', async () => {
      const { store } = ctx;
      const conn = newConnection(ctx);
      await store.insertConnection(conn);
      const conv = await storedConversation(ctx, { connectionId: conn.id });
      const queued = () =>
        newMessage(ctx, conv.id, null, { direction: 'outbound', status: 'queued', connectionId: conn.id, from: '+7' });
      const [a, b, sending, sent] = [queued(), queued(), queued(), queued()];
      for (const m of [a, b, sending, sent]) await store.insertMessage(m);
      await store.claimForSend(sending.id, now());
      await store.claimForSend(sent.id, now());
      await store.markSent(sent.id, `p-${sent.id}`, null, now());
      expect(await store.listQueuedMessageIds(conn.id, 10)).toEqual([
        { id: a.id, connectionId: conn.id, from: '+7' },
        { id: b.id, connectionId: conn.id, from: '+7' },
      ]);
      expect((await store.listQueuedMessageIds(conn.id, 10, a.id)).map((r) => r.id)).toEqual([b.id]);
      expect((await store.listQueuedMessageIds(null, 10_000)).map((r) => r.id)).toEqual(
        expect.arrayContaining([a.id, b.id]),
      );
      expect((await store.listQueuedMessageIds(ctx.connection.id, 10_000)).map((r) => r.id)).not.toContain(a.id);
    });

    it('keeps status events that arrive before the message is known, and marks them applied', async () => {
      const { store, connection } = ctx;
      const providerId = `early-${newId('mse')}`;
      const event = (status: StatusEventRecord['status']): StatusEventRecord => ({
        id: newId('mse'),
        messageId: null,
        connectionId: connection.id,
        providerMessageId: providerId,
        status,
        detail: status === 'failed' ? { code: 'X', message: 'y' } : null,
        occurredAt: now(),
        applied: false,
      });
      const [delivered, failed] = [event('delivered'), event('failed')];
      await store.insertStatusEvent(delivered);
      await store.insertStatusEvent(failed);
      await store.insertStatusEvent({ ...event('read'), providerMessageId: 'someone-else' });
      expect(await store.listOrphanStatusEvents(connection.id, providerId)).toEqual([delivered, failed]);
      expect(await store.listOrphanStatusEvents(newId('conn'), providerId)).toEqual([]);
      const conv = await storedConversation(ctx);
      const m = newMessage(ctx, conv.id, providerId);
      await store.insertMessage(m);
      await store.markStatusEventsApplied([delivered.id], m.id);
      expect(await store.listOrphanStatusEvents(connection.id, providerId)).toEqual([failed]);
      await store.markStatusEventsApplied([], m.id);
      await store.markStatusEventsApplied([failed.id], m.id);
      expect(await store.listOrphanStatusEvents(connection.id, providerId)).toEqual([]);
    });

    it('finds a mail thread by its subject within a time, and gives a thread-less conversation its key once', async () => {
      const { store, connection, contactId } = ctx;
      const at = (iso: string) => ({ lastMessageAt: iso, createdAt: iso, updatedAt: iso });
      const old = await storedConversation(ctx, { subject: 'Order 42', ...at('2026-01-01T00:00:00.000Z') });
      expect((await store.getConversation(ctx.ws, old.id))?.subject).toBe('Order 42');
      const since = '2026-02-01T00:00:00.000Z';
      expect(await store.findConversationBySubject(connection.id, contactId, 'Order 42', since)).toBeUndefined();
      const recent = await storedConversation(ctx, { subject: 'Order 42', ...at('2026-02-03T00:00:00.000Z') });
      await storedConversation(ctx, { subject: 'Other', ...at('2026-02-04T00:00:00.000Z') });
      expect((await store.findConversationBySubject(connection.id, contactId, 'Order 42', since))?.id).toBe(recent.id);
      expect(await store.findConversationBySubject(newId('conn'), contactId, 'Order 42', since)).toBeUndefined();

      const started = newConversation(ctx, { threadKey: null, subject: 'We start' });
      await store.updateConversation((await store.findOpenConversation(connection.id, contactId, null))?.id ?? '', {
        status: 'resolved',
      });
      expect(await store.insertConversation(started)).toBe(true);
      const key = `<${newId('msg')}@example.test>`;
      expect(await store.setThreadKey(started.id, key)).toBe(true);
      expect((await store.findOpenConversation(connection.id, contactId, key))?.id).toBe(started.id);
      expect(await store.findOpenConversation(connection.id, contactId, null)).toBeUndefined();
      // a key once given stays
      expect(await store.setThreadKey(started.id, '<another@example.test>')).toBe(false);
      expect((await store.getConversation(ctx.ws, started.id))?.threadKey).toBe(key);
      // another open conversation holding the key keeps it
      const other = newConversation(ctx, { threadKey: null });
      expect(await store.insertConversation(other)).toBe(true);
      expect(await store.setThreadKey(other.id, key)).toBe(false);
      await store.updateConversation(other.id, { status: 'resolved' });
    });
  });
}
