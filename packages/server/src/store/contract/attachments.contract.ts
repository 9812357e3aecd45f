/** Store contract, attachments: background fetch state and the database media store's bytes. */
import { describe, expect, it } from 'vitest';
import { newId } from '../../model/index.js';
import type { AttachmentRecord } from '../../core/ports/index.js';
import { now, type StoreContext } from './context.js';

export function attachmentsContract(ctx: StoreContext): void {
  describe('attachments', () => {
    const attachment = (overrides: Partial<AttachmentRecord> = {}): AttachmentRecord => ({
      id: newId('att'),
      workspaceId: ctx.ws,
      messageId: null,
      connectionId: ctx.connection.id,
      providerMediaId: 'f-1',
      mimeType: 'image/png',
      fileName: null,
      size: null,
      state: 'pending',
      error: null,
      attempts: 0,
      accessKey: 'k',
      createdAt: now(),
      updatedAt: now(),
      ...overrides,
    });

    it("removes a message's attachments and answers their ids, leaving other messages' alone", async () => {
      const { store } = ctx;
      const messageId = newId('msg');
      const mine = [attachment({ messageId }), attachment({ messageId })];
      const other = attachment({ messageId: newId('msg') });
      for (const a of [...mine, other]) await store.insertAttachment(a);
      expect((await store.deleteMessageAttachments(messageId)).sort()).toEqual(mine.map((a) => a.id).sort());
      for (const a of mine) expect(await store.getAttachment(a.id)).toBeUndefined();
      expect(await store.getAttachment(other.id)).toBeDefined();
      expect(await store.deleteMessageAttachments(messageId)).toEqual([]);
    });

    it('keeps attachments and lists the pending ones after an id', async () => {
      const { store } = ctx;
      const att = attachment();
      const later = attachment({ providerMediaId: 'f-2' });
      await store.insertAttachment(att);
      await store.insertAttachment(later);
      expect(await store.getAttachment(att.id)).toEqual(att);
      expect(await store.getAttachment(newId('att'))).toBeUndefined();
      expect(await store.listAttachmentIds('pending', 1000)).toEqual(expect.arrayContaining([att.id, later.id]));
      expect(await store.listAttachmentIds('pending', 1000, att.id)).not.toContain(att.id);
      expect(await store.listAttachmentIds('pending', 1000, att.id)).toContain(later.id);
      await store.updateAttachment(att.id, { state: 'ready', size: 3, attempts: 2 });
      expect(await store.getAttachment(att.id)).toMatchObject({
        state: 'ready',
        size: 3,
        attempts: 2,
        providerMediaId: 'f-1',
        mimeType: 'image/png',
      });
      expect(await store.listAttachmentIds('pending', 1000)).not.toContain(att.id);
      await store.updateAttachment(later.id, {
        state: 'failed',
        error: 'gone',
        mimeType: 'audio/ogg',
        fileName: 'v.ogg',
        messageId: 'msg_x',
        updatedAt: '2030-01-01T00:00:00.000Z',
      });
      expect(await store.getAttachment(later.id)).toEqual({
        ...later,
        state: 'failed',
        error: 'gone',
        mimeType: 'audio/ogg',
        fileName: 'v.ogg',
        messageId: 'msg_x',
        updatedAt: '2030-01-01T00:00:00.000Z',
      });
    });

    it('stores media bytes by key, replacing them', async () => {
      const { store } = ctx;
      const key = newId('att');
      await store.putBlob(key, Buffer.from([1, 2, 3]), now());
      await store.putBlob(key, Buffer.from([4, 5, 0, 255]), now());
      expect((await store.getBlob(key))?.equals(Buffer.from([4, 5, 0, 255]))).toBe(true);
      expect(await store.getBlob('missing')).toBeUndefined();
    });
  });
}
