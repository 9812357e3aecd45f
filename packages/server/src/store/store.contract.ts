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
