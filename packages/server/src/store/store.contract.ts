/**
 * @module store/store.contract
 * The Store port's contract, run against every implementation (SQLite and PostgreSQL). Dedup, compare-and-set
 * and workspace scoping are the properties the pipelines lean on, so they are tested here, once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../model/index.js';
import type { ConnectionRecord, ConversationRecord, InboundEventRecord, NewMessage, Store } from '../core/ports/index.js';
import { allowedPredecessors } from '../core/conversations/conversation-writer.js';

const now = () => new Date().toISOString();

export function runStoreContract(name: string, open: () => Promise<{ store: Store; dispose(): Promise<void> }>): void {
  describe(`store contract: ${name}`, () => {
    let store: Store;
    let dispose: () => Promise<void>;
    const ws = newId('ws');
    const otherWs = newId('ws');
    let connection: ConnectionRecord;
    let contactId: string;

    beforeAll(async () => {
      ({ store, dispose } = await open());
      await store.migrate();
      await store.migrate(); // idempotent
      for (const id of [ws, otherWs]) await store.insertWorkspace({ id, name: id, createdAt: now() });
      connection = { id: newId('conn'), workspaceId: ws, type: 'webchat', name: 'c', description: '', config: { a: 1 }, status: 'STOPPED', statusReason: null, deprecated: false, createdAt: now(), updatedAt: now() };
      await store.insertConnection(connection);
      contactId = newId('ct');
      await store.insertContact({ id: contactId, workspaceId: ws, name: 'Ana', attributes: { tier: 'gold' }, createdAt: now(), updatedAt: now() });
    });
    afterAll(async () => {
      await store.close();
      await dispose();
    });

    const conversation = (overrides: Partial<ConversationRecord> = {}): ConversationRecord => ({
      id: newId('conv'), workspaceId: ws, contactId, connectionId: connection.id, channelType: 'webchat', address: 'addr', threadKey: null,
      status: 'open', assigneeId: null, senderAddress: null, windowExpiresAt: null, lastInboundAt: null, lastBusinessTemplateAt: null, lastMessageAt: null, lastMessagePreview: null,
      unreadCount: 0, createdAt: now(), updatedAt: now(), ...overrides,
    });
    const message = (conversationId: string, providerMessageId: string | null, overrides: Partial<NewMessage> = {}): NewMessage & { createdAt: string } => ({
      id: newId('msg'), workspaceId: ws, conversationId, connectionId: connection.id, channelType: 'webchat', direction: 'inbound', from: 'a', to: 'b',
      content: { type: 'text', text: 'hi' }, status: 'received', providerMessageId, timestamp: now(), metadata: { k: 'v' }, createdAt: now(), ...overrides,
    });

    it('pings', async () => {
      expect(await store.ping()).toBe(true);
    });

    // webchat: the offline form's email is merged into the contact's attributes, keeping the others
    it('merges contact attributes inside a transaction', async () => {
      const id = newId('ct');
      await store.insertContact({ id, workspaceId: ws, name: null, attributes: { tier: 'gold', email: 'old@example.com' }, createdAt: now(), updatedAt: now() });
      await store.transaction((tx) => tx.mergeContactAttributes(id, { email: 'new@example.com' }, now()));
      expect((await store.getContact(ws, id))?.attributes).toEqual({ tier: 'gold', email: 'new@example.com' });
      await store.mergeContactAttributes(newId('ct'), { email: 'x@example.com' }, now()); // unknown contact: nothing happens
    });

    it('scopes connections to their workspace and moves status by compare-and-set', async () => {
      expect((await store.getConnection(ws, connection.id))?.config).toEqual({ a: 1 });
      expect(await store.getConnection(otherWs, connection.id)).toBeUndefined();
      expect(await store.setConnectionStatus(connection.id, 'STARTING', null, now(), ['STOPPED'])).toBe(true);
      expect(await store.setConnectionStatus(connection.id, 'STARTING', null, now(), ['STOPPED'])).toBe(false);
      expect(await store.updateConnection(otherWs, connection.id, { name: 'stolen' })).toBe(false);
      expect(await store.deleteConnection(otherWs, connection.id)).toBe(false);
      expect((await store.listConnectionsByStatus(['STARTING'])).map((c) => c.id)).toContain(connection.id);
    });

    it('dedups identities per workspace, channel type and address', async () => {
      const row = { id: newId('cid'), workspaceId: ws, contactId, channelType: 'webchat', address: 'vis_1', connectionId: connection.id, createdAt: now() };
      expect(await store.insertIdentity(row)).toBe(true);
      expect(await store.insertIdentity({ ...row, id: newId('cid') })).toBe(false);
      expect(await store.insertIdentity({ ...row, id: newId('cid'), workspaceId: otherWs })).toBe(true);
      expect((await store.findIdentity(ws, 'webchat', 'vis_1'))?.contactId).toBe(contactId);
      expect(await store.getContact(otherWs, contactId)).toBeUndefined();
    });

    it('keeps one open conversation per (connection, contact, thread); resolving frees the slot', async () => {
      const first = conversation();
      expect(await store.insertConversation(first)).toBe(true);
      expect(await store.insertConversation(conversation())).toBe(false);
      expect(await store.insertConversation(conversation({ threadKey: 'group-1' }))).toBe(true);
      expect((await store.findOpenConversation(connection.id, contactId, null))?.id).toBe(first.id);
      await store.updateConversation(first.id, { status: 'resolved' });
      expect(await store.findOpenConversation(connection.id, contactId, null)).toBeUndefined();
      const second = conversation();
      expect(await store.insertConversation(second)).toBe(true);
      await expect(store.updateConversation(first.id, { status: 'open' })).rejects.toThrow();
      expect(await store.getConversation(otherWs, second.id)).toBeUndefined();
    });

    it('dedups messages on (connection, provider id) but never outbound messages without one', async () => {
      const conv = conversation({ threadKey: 'dedup' });
      await store.insertConversation(conv);
      expect(await store.insertMessage(message(conv.id, 'p-1'))).toBe(true);
      expect(await store.insertMessage(message(conv.id, 'p-1'))).toBe(false);
      expect(await store.insertMessage(message(conv.id, null, { direction: 'outbound', status: 'queued' }))).toBe(true);
      expect(await store.insertMessage(message(conv.id, null, { direction: 'outbound', status: 'queued' }))).toBe(true);
      const page = await store.listMessages(conv.id, { limit: 2 });
      expect(page.data).toHaveLength(2);
      expect(page.nextCursor).not.toBeNull();
      const rest = await store.listMessages(conv.id, { limit: 10, cursor: page.nextCursor ?? undefined });
      expect(rest.data).toHaveLength(1);
      expect(rest.nextCursor).toBeNull();
      expect(page.data[0]?.metadata).toEqual({ k: 'v' });
    });

    it('claims a queued message once and applies statuses forward-only', async () => {
      const conv = conversation({ threadKey: 'status' });
      await store.insertConversation(conv);
      const m = message(conv.id, null, { direction: 'outbound', status: 'queued' });
      await store.insertMessage(m);
      expect(await store.claimForSend(m.id, now())).toBe(true);
      expect(await store.claimForSend(m.id, now())).toBe(false);
      await store.markSent(m.id, 'prov-9', '+100', now());
      expect((await store.findMessageByProviderId(connection.id, 'prov-9'))?.id).toBe(m.id);
      expect(await store.applyStatus(m.id, 'read', null, allowedPredecessors('read'), now())).toBe(true);
      expect(await store.applyStatus(m.id, 'delivered', null, allowedPredecessors('delivered'), now())).toBe(false);
      expect(await store.applyStatus(m.id, 'failed', { code: 'X', message: 'y' }, allowedPredecessors('failed'), now())).toBe(false);
      const stored = await store.getMessage(ws, m.id);
      expect(stored?.status).toBe('read');
      expect(stored?.from).toBe('+100');
      expect(await store.getMessage(otherWs, m.id)).toBeUndefined();
    });

    it('schedules retries and hands a due retry to one caller', async () => {
      const conv = conversation({ threadKey: 'retry' });
      await store.insertConversation(conv);
      const m = message(conv.id, null, { direction: 'outbound', status: 'queued' });
      await store.insertMessage(m);
      await store.claimForSend(m.id, now());
      await store.scheduleRetry(m.id, new Date(Date.now() - 1000).toISOString(), { code: 'UNAVAILABLE', message: '503' });
      expect((await store.listDueRetries(now(), 10)).map((r) => r.id)).toContain(m.id);
      expect(await store.takeDueRetry(m.id, now())).toBe(true);
      expect(await store.takeDueRetry(m.id, now())).toBe(false);
      await store.claimForSend(m.id, new Date(Date.now() - 60_000).toISOString());
      expect((await store.listInterruptedSends(now(), 10)).map((r) => r.id)).toContain(m.id);
    });

    it('dedups raw inbound events by provider event key and finishes them once', async () => {
      const ev = (eventKey: string | null): InboundEventRecord => ({
        id: newId('evt'), workspaceId: ws, connectionId: connection.id, eventKey, method: 'POST', url: '/w', headers: { 'x-a': '1' },
        body: Buffer.from([0, 1, 2, 255]), status: 'pending', error: null, receivedAt: now(), processedAt: null,
      });
      const a = ev('k-1');
      const b = ev('k-1');
      const c = ev(null);
      const d = ev(null);
      const inserted = await store.insertInboundEvents([a, b, c, d]);
      expect([...inserted].sort()).toEqual([a.id, c.id, d.id].sort());
      const read = await store.getInboundEvent(a.id);
      expect(read?.body.equals(Buffer.from([0, 1, 2, 255]))).toBe(true);
      expect(read?.headers).toEqual({ 'x-a': '1' });
      expect(await store.listInboundEventIds('pending', 10)).toEqual(expect.arrayContaining([a.id, c.id, d.id]));
      expect(await store.finishInboundEvent(a.id, 'processed', null, now())).toBe(true);
      expect(await store.finishInboundEvent(a.id, 'processed', null, now())).toBe(false);
      // retention removes finished events only
      expect(await store.pruneInboundEvents(new Date(Date.now() + 1000).toISOString())).toBe(1);
      expect(await store.getInboundEvent(a.id)).toBeUndefined();
      expect(await store.getInboundEvent(c.id)).toBeDefined();
    });

    // performance area: inside a transaction the inbound pipeline's statements may take a native path (SQLite):
    // same results as outside, dedup and compare-and-set included, and a rollback undoes them
    it('runs the inbound pipeline\'s statements inside a transaction with the same results, and rolls them back', async () => {
      const conn: ConnectionRecord = { ...connection, id: newId('conn'), name: 'hot' };
      await store.insertConnection(conn);
      const ev: InboundEventRecord = {
        id: newId('evt'), workspaceId: ws, connectionId: conn.id, eventKey: 'hot-1', method: 'POST', url: '/w', headers: { 'x-h': '1' },
        body: Buffer.from('{"a":1}'), status: 'pending', error: null, receivedAt: now(), processedAt: null,
      };
      const conv = conversation({ connectionId: conn.id, address: 'hot-addr', windowExpiresAt: null });
      const address = `hot-${newId('cid')}`;
      const seqBefore = (await store.listUnpublishedOutbox(10_000)).length;
      const result = await store.transaction(async (tx) => {
        const inserted = await tx.insertInboundEvents([ev, { ...ev, id: newId('evt') }]);
        const claimed = [await tx.finishInboundEvent(ev.id, 'processed', null, now()), await tx.finishInboundEvent(ev.id, 'processed', null, now())];
        await tx.insertIdentity({ id: newId('cid'), workspaceId: ws, contactId, channelType: 'hot', address, connectionId: conn.id, createdAt: now() });
        const identity = await tx.findIdentity(ws, 'hot', address);
        const contact = await tx.getContact(ws, contactId);
        const otherWsContact = await tx.getContact(otherWs, contactId);
        await tx.insertConversation(conv);
        const open = await tx.findOpenConversation(conn.id, contactId, null);
        const m = { ...message(conv.id, 'hot-p1'), connectionId: conn.id };
        const firstInsert = await tx.insertMessage(m);
        const secondInsert = await tx.insertMessage({ ...m, id: newId('msg') });
        await tx.incrementUnread(conv.id, '2030-01-01T00:00:00.000Z', 'preview', '2030-01-02T00:00:00.000Z');
        await tx.incrementUnread(conv.id, '2030-01-01T00:00:01.000Z', 'preview 2', null);
        await tx.insertOutbox([{ topic: 'events', key: 'hot', workspaceId: ws, payload: { n: 1 } }, { topic: 'events', key: 'hot', workspaceId: ws, payload: { n: 2 } }], now());
        return { inserted, claimed, identity, contact, otherWsContact, open, firstInsert, secondInsert };
      });
      expect([...result.inserted]).toEqual([ev.id]);
      expect(result.claimed).toEqual([true, false]);
      expect(result.identity?.contactId).toBe(contactId);
      expect(result.contact?.attributes).toEqual({ tier: 'gold' });
      expect(result.otherWsContact).toBeUndefined();
      expect(result.open?.id).toBe(conv.id);
      expect([result.firstInsert, result.secondInsert]).toEqual([true, false]);
      const after = await store.getConversation(ws, conv.id);
      expect(after).toMatchObject({ unreadCount: 2, lastMessageAt: '2030-01-01T00:00:01.000Z', lastMessagePreview: 'preview 2', lastInboundAt: '2030-01-01T00:00:01.000Z', windowExpiresAt: '2030-01-02T00:00:00.000Z' });
      expect((await store.getInboundEvent(ev.id))?.status).toBe('processed');
      expect((await store.findMessageByProviderId(conn.id, 'hot-p1'))?.content).toEqual({ type: 'text', text: 'hi' });
      const outbox = (await store.listUnpublishedOutbox(10_000)).filter((r) => r.key === 'hot');
      expect(outbox.map((r) => r.payload)).toEqual([{ n: 1 }, { n: 2 }]);
      expect((await store.listUnpublishedOutbox(10_000)).length).toBe(seqBefore + 2);
      await store.markOutboxPublished(outbox.map((r) => r.seq), now());
      // a failing transaction leaves nothing behind
      const rolled = { ...ev, id: newId('evt'), eventKey: 'hot-2' };
      await expect(store.transaction(async (tx) => {
        await tx.insertInboundEvents([rolled]);
        await tx.insertOutbox([{ topic: 'events', key: 'hot-rolled', workspaceId: ws, payload: {} }], now());
        throw new Error('abort');
      })).rejects.toThrow('abort');
      expect(await store.getInboundEvent(rolled.id)).toBeUndefined();
      expect((await store.listUnpublishedOutbox(10_000)).some((r) => r.key === 'hot-rolled')).toBe(false);
    });

    // performance area: the inbound processor's batch read
    it('lists a connection\'s pending raw events from an id on, oldest first, and no other connection\'s', async () => {
      const own: ConnectionRecord = { ...connection, id: newId('conn'), name: 'batch' };
      const other: ConnectionRecord = { ...connection, id: newId('conn'), name: 'other' };
      await store.insertConnection(own);
      await store.insertConnection(other);
      const ev = (conn: ConnectionRecord): InboundEventRecord => ({
        id: newId('evt'), workspaceId: ws, connectionId: conn.id, eventKey: null, method: 'POST', url: '/w', headers: {},
        body: Buffer.from('{}'), status: 'pending', error: null, receivedAt: now(), processedAt: null,
      });
      const [m0, m1, m2, m3] = [ev(own), ev(own), ev(own), ev(own)];
      await store.insertInboundEvents([m0, ev(other), m1, m2, ev(other), m3]);
      expect(await store.finishInboundEvent(m2.id, 'processed', null, now())).toBe(true);
      const ids = (await store.listPendingInboundEvents(own.id, m1.id, 10)).map((e) => e.id);
      expect(ids).toEqual([m1.id, m3.id]);
      expect((await store.listPendingInboundEvents(own.id, m0.id, 2)).map((e) => e.id)).toEqual([m0.id, m1.id]);
      const [first] = await store.listPendingInboundEvents(own.id, m0.id, 1);
      expect(first?.body.toString()).toBe('{}');
      expect(first?.status).toBe('pending');
    });

    it('orders the outbox, publishes it, and replays a workspace\'s events after a sequence number', async () => {
      await store.insertOutbox([
        { topic: 'events', key: 'k', workspaceId: ws, payload: { n: 1 } },
        { topic: 'inbound', key: 'k', workspaceId: null, payload: { n: 2 } },
        { topic: 'events', key: 'k', workspaceId: otherWs, payload: { n: 3 } },
      ], now());
      const rows = await store.listUnpublishedOutbox(100);
      const seqs = rows.map((r) => r.seq);
      expect([...seqs].sort((x, y) => x - y)).toEqual(seqs);
      await store.markOutboxPublished(seqs, now());
      expect(await store.listUnpublishedOutbox(100)).toEqual([]);
      const replay = await store.listEventsSince(ws, (seqs[0] ?? 0) - 1, 100);
      expect(replay.map((r) => r.payload)).toEqual([{ n: 1 }]);
      expect(await store.pruneOutbox(new Date(Date.now() + 1000).toISOString())).toBeGreaterThanOrEqual(3);
    });

    it('keeps attachments, media bytes, templates and sender rotation', async () => {
      const at = now();
      const att = { id: newId('att'), workspaceId: ws, messageId: null, connectionId: connection.id, providerMediaId: 'f-1', mimeType: 'image/png', fileName: null, size: null, state: 'pending' as const, error: null, attempts: 0, accessKey: 'k', createdAt: at, updatedAt: at };
      await store.insertAttachment(att);
      expect(await store.listAttachmentIds('pending', 10)).toContain(att.id);
      await store.updateAttachment(att.id, { state: 'ready', size: 3, attempts: 2 });
      expect(await store.getAttachment(att.id)).toMatchObject({ state: 'ready', size: 3, attempts: 2, providerMediaId: 'f-1' });
      await store.putBlob(att.id, Buffer.from([1, 2, 3]), at);
      await store.putBlob(att.id, Buffer.from([4, 5, 6]), at);
      expect((await store.getBlob(att.id))?.equals(Buffer.from([4, 5, 6]))).toBe(true);
      expect(await store.getBlob('missing')).toBeUndefined();
      const tpl = (name: string) => ({ id: newId('tpl'), workspaceId: ws, connectionId: connection.id, providerTemplateId: name, name, language: 'en', status: 'APPROVED', category: 'UTILITY', components: [{ type: 'BODY' }], variables: ['1'], body: 'Hi {{1}}', syncedAt: at });
      await store.replaceTemplates(connection.id, [tpl('a'), tpl('b')]);
      await store.replaceTemplates(connection.id, [tpl('b'), tpl('c')]);
      expect((await store.listTemplates(ws, connection.id)).map((t) => t.name)).toEqual(['b', 'c']);
      expect(await store.listTemplates(otherWs, connection.id)).toEqual([]);
      expect((await store.findTemplate(connection.id, 'c', 'en'))?.components).toEqual([{ type: 'BODY' }]);
      expect([await store.nextSenderRotation(connection.id), await store.nextSenderRotation(connection.id)]).toEqual([0, 1]);
      await store.insertConversation(conversation({ threadKey: 'sender', senderAddress: '+100' }));
      expect(await store.lastSenderFor(connection.id, contactId)).toBe('+100');
    });

    it('paces through one shared token bucket: burst, then slots at the rate, paused by retry-after', async () => {
      const t0 = 1_000_000;
      const waits: number[] = [];
      // 3 burst tokens at 10/s; 6 takes at the same instant → 0,0,0 then slots 100, 200, 300 ms later
      for (let i = 0; i < 6; i++) waits.push(await store.reserveToken('bucket-a', 10, 3, t0));
      expect(waits).toEqual([0, 0, 0, 100, 200, 300]);
      // a second later the debt is repaid and the bucket refilled (capped at the burst)
      expect(await store.reserveToken('bucket-a', 10, 3, t0 + 2000)).toBe(0);
      // concurrent takers (several processes) never get more than burst + rate × time
      const concurrent = await Promise.all(Array.from({ length: 20 }, () => store.reserveToken('bucket-b', 5, 2, t0)));
      expect(concurrent.filter((w) => w === 0)).toHaveLength(2);
      expect([...concurrent].sort((a, b) => a - b).slice(2)).toEqual(Array.from({ length: 18 }, (_, i) => (i + 1) * 200));
      await store.pauseBucket('bucket-c', 10, t0 + 5000, t0);
      expect(await store.reserveToken('bucket-c', 10, 3, t0)).toBe(5100);
    });

    it('keeps dead letters per workspace and marks replays', async () => {
      const dl = { id: newId('dlq'), workspaceId: ws, topic: 'outbound', key: 'k', payload: { messageId: 'm' }, error: 'boom', deliveries: 8, createdAt: now(), replayedAt: null };
      await store.insertDeadLetter(dl);
      expect((await store.listDeadLetters(ws, { limit: 10 })).data.map((d) => d.id)).toEqual([dl.id]);
      expect((await store.listDeadLetters(otherWs, { limit: 10 })).data).toEqual([]);
      expect(await store.getDeadLetter(otherWs, dl.id)).toBeUndefined();
      await store.markDeadLetterReplayed(dl.id, now());
      expect((await store.getDeadLetter(ws, dl.id))?.replayedAt).not.toBeNull();
    });

    // agents area
    it('keeps agents per workspace, one inbound agent per connection (unique index), channels applied at start, turns once', async () => {
      const agent = (name: string) => ({ id: newId('agt'), workspaceId: ws, kind: 'flow' as const, name, description: '', config: { greeting: 'hi' }, status: 'STOPPED' as const, statusReason: null, createdAt: now(), updatedAt: now() });
      const a = agent('A');
      const b = agent('B');
      await store.insertAgent(a);
      await store.insertAgent(b);
      expect(await store.getAgent(otherWs, a.id)).toBeUndefined();
      expect((await store.listAgents(ws, { limit: 10 })).data.map((x) => x.id)).toEqual(expect.arrayContaining([a.id, b.id]));
      expect(await store.updateAgent(otherWs, a.id, { name: 'stolen' })).toBe(false);
      expect(await store.setAgentStatus(a.id, 'RUNNING', null, now(), ['STOPPED'])).toBe(true);
      expect(await store.setAgentStatus(a.id, 'RUNNING', null, now(), ['STOPPED'])).toBe(false);

      await store.setAgentConnections(ws, a.id, [{ connectionId: connection.id, inbound: true }], now());
      await expect(store.setAgentConnections(ws, b.id, [{ connectionId: connection.id, inbound: true }], now())).rejects.toThrow();
      expect(await store.findInboundHolder(connection.id, b.id)).toEqual({ id: a.id, name: 'A' });
      await store.setAgentConnections(ws, b.id, [{ connectionId: connection.id, inbound: false }], now());
      // desired, not applied yet
      expect(await store.findActiveInboundAgent(ws, connection.id)).toBeUndefined();
      await store.applyAgentConnections(a.id, now());
      expect(await store.findActiveInboundAgent(ws, connection.id)).toBe(a.id);
      expect(await store.findActiveInboundAgent(otherWs, connection.id)).toBeUndefined();
      // inbound moves to B: A keeps it until B applies
      await store.setAgentConnections(ws, a.id, [], now());
      expect((await store.getAgentConnection(a.id, connection.id))).toMatchObject({ attached: false, activeAttached: true, activeInbound: true });
      await store.setAgentConnections(ws, b.id, [{ connectionId: connection.id, inbound: true }], now());
      expect(await store.findActiveInboundAgent(ws, connection.id)).toBe(a.id);
      await store.setAgentStatus(b.id, 'RUNNING', null, now());
      await store.applyAgentConnections(b.id, now());
      expect(await store.findActiveInboundAgent(ws, connection.id)).toBe(b.id);
      await store.applyAgentConnections(a.id, now());
      expect(await store.listAgentConnections(a.id)).toEqual([]);

      const c = conversation({ threadKey: `agents-${newId('conv')}` });
      expect(await store.insertConversation(c)).toBe(true);
      const turn = { id: newId('agturn'), workspaceId: ws, agentId: b.id, messageId: 'msg_x', conversationId: c.id, status: 'running' as const, outcome: null, startedAt: now(), finishedAt: null };
      expect((await store.claimAgentTurn(turn, '2000-01-01T00:00:00.000Z')).kind).toBe('claimed');
      expect((await store.claimAgentTurn({ ...turn, id: newId('agturn') }, '2000-01-01T00:00:00.000Z')).kind).toBe('busy');
      // a crashed worker's turn is taken over once
      const late = new Date(Date.now() + 60_000).toISOString();
      const takeover = await Promise.all([store.claimAgentTurn({ ...turn, id: newId('agturn'), startedAt: late }, late), store.claimAgentTurn({ ...turn, id: newId('agturn'), startedAt: late }, late)]);
      expect(takeover.map((x) => x.kind).sort()).toEqual(['busy', 'claimed']);
      await store.finishAgentTurn(turn.id, { replyMessageIds: ['m1'] }, now());
      const done = await store.claimAgentTurn({ ...turn, id: newId('agturn') }, late);
      expect(done.kind === 'done' && done.turn.outcome).toEqual({ replyMessageIds: ['m1'] });
      const other = { ...turn, id: newId('agturn'), messageId: 'msg_y' };
      await store.claimAgentTurn(other, late);
      await store.releaseAgentTurn(other.id);
      expect((await store.claimAgentTurn({ ...other, id: newId('agturn') }, '2000-01-01T00:00:00.000Z')).kind).toBe('claimed');

      const session = { id: newId('ags'), workspaceId: ws, agentId: b.id, conversationId: c.id, state: { at: 'menu', misses: 0 }, turns: 1, createdAt: now(), updatedAt: now() };
      await store.saveAgentSession(session);
      await store.saveAgentSession({ ...session, id: newId('ags'), state: { misses: 1 }, turns: 2 });
      expect(await store.getAgentSession(b.id, c.id)).toMatchObject({ id: session.id, state: { misses: 1 }, turns: 2 });

      const m1 = message(c.id, null, { direction: 'outbound', status: 'queued' });
      const m2 = message(c.id, null, { direction: 'outbound', status: 'queued' });
      const m3 = message(c.id, null, { direction: 'outbound', status: 'queued' });
      for (const m of [m1, m2, m3]) await store.insertMessage(m);
      expect((await store.listRecentMessages(c.id, 2)).map((m) => m.id)).toEqual([m2.id, m3.id]);
      await store.replaceMessageMetadata(m3.id, { transcript: 'hello' });
      expect((await store.getMessage(ws, m3.id))?.metadata).toEqual({ transcript: 'hello' });

      expect(await store.deleteAgent(otherWs, b.id)).toBe(false);
      expect(await store.deleteAgent(ws, b.id)).toBe(true);
      expect(await store.getAgentSession(b.id, c.id)).toBeUndefined();
      expect(await store.listAgentConnections(b.id)).toEqual([]);
    });

    it('rolls a failed transaction back entirely', async () => {
      const id = newId('ct');
      await expect(store.transaction(async (tx) => {
        await tx.insertContact({ id, workspaceId: ws, name: 'ghost', attributes: {}, createdAt: now(), updatedAt: now() });
        throw new Error('boom');
      })).rejects.toThrow('boom');
      expect(await store.getContact(ws, id)).toBeUndefined();
    });
  });
}
