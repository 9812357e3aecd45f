/**
 * @module core/media/media-service
 * Attachments (pain point #3): the message row exists first; an inbound file is fetched from the provider by a
 * separate, retryable job (state pending → ready | failed) and only then announced. Operators' uploads are
 * stored before they can be sent. Media URLs are capability URLs: `/media/{id}/{accessKey}`.
 */
import { randomBytes } from 'node:crypto';
import { isChannelError, type MediaAccess } from '../../channel-kit/index.js';
import { newId, type Content } from '../../model/index.js';
import { AppError, notFound } from '../errors.js';
import { eventRow, TOPIC_MEDIA } from '../events.js';
import type { AttachmentRecord, MediaStore, NewOutboxRow, StoreOps } from '../ports/index.js';
import type { CoreDeps } from '../deps.js';
import type { ConnectionService } from '../connections/connection-service.js';
import { messageView } from '../conversations/conversation-writer.js';

const MAX_FETCH_ATTEMPTS = 6;
type MediaContent = Extract<Content, { media: unknown }>;

export function hasMedia(content: Content): content is MediaContent {
  return 'media' in content;
}

export class MediaService {
  constructor(
    private readonly deps: CoreDeps,
    private readonly connections: ConnectionService,
    private readonly bytes: MediaStore,
  ) {}

  urlFor(a: Pick<AttachmentRecord, 'id' | 'accessKey'>): string {
    return `${this.deps.settings.publicUrl}/media/${a.id}/${a.accessKey}`;
  }

  /** an operator's (or visitor's) upload: stored first, then usable in a message */
  async upload(workspaceId: string, bytes: Buffer, mimeType: string, fileName: string | null): Promise<AttachmentRecord & { url: string }> {
    if (bytes.length === 0) throw new AppError('VALIDATION', 'the upload is empty');
    const now = this.deps.clock.now().toISOString();
    const row: AttachmentRecord = {
      id: newId('att'), workspaceId, messageId: null, connectionId: null, providerMediaId: null, mimeType, fileName, size: bytes.length,
      state: 'ready', error: null, attempts: 0, accessKey: randomBytes(18).toString('base64url'), createdAt: now, updatedAt: now,
    };
    await this.bytes.put(row.id, bytes);
    await this.deps.store.insertAttachment(row);
    return { ...row, url: this.urlFor(row) };
  }

  /** serves bytes to whoever holds the capability URL */
  async open(id: string, accessKey: string): Promise<{ attachment: AttachmentRecord; bytes: Buffer }> {
    const attachment = await this.deps.store.getAttachment(id);
    if (!attachment || attachment.accessKey !== accessKey) throw notFound('media');
    if (attachment.state !== 'ready') throw new AppError('CONFLICT', attachment.state === 'pending' ? 'the file is still being fetched from the provider' : `the file could not be fetched: ${attachment.error ?? 'unknown error'}`);
    const bytes = await this.bytes.get(id);
    if (!bytes) throw notFound('media');
    return { attachment, bytes };
  }

  /** what connectors get to read our files for upload to the provider */
  access(): MediaAccess {
    return {
      read: async (url: string) => {
        const match = /\/media\/(att_[0-9a-z]+)\/([A-Za-z0-9_-]+)/.exec(url);
        if (!match) throw new AppError('VALIDATION', 'not a Switchboard media URL');
        const { attachment, bytes } = await this.open(match[1] as string, match[2] as string);
        return { bytes, mimeType: attachment.mimeType, ...(attachment.fileName ? { fileName: attachment.fileName } : {}) };
      },
    };
  }

  /**
   * Inside the inbound transaction: a provider file becomes a pending attachment with our URL, and a job to
   * fetch it. Returns the content to store.
   */
  async registerInbound(tx: StoreOps, workspaceId: string, connectionId: string, messageId: string, content: Content, now: string, outbox: NewOutboxRow[]): Promise<Content> {
    if (!hasMedia(content) || !content.media.providerMediaId) return content;
    const row: AttachmentRecord = {
      id: newId('att'), workspaceId, messageId, connectionId, providerMediaId: content.media.providerMediaId, mimeType: content.media.mimeType || 'application/octet-stream',
      fileName: content.media.fileName ?? null, size: content.media.size ?? null, state: 'pending', error: null, attempts: 0,
      accessKey: randomBytes(18).toString('base64url'), createdAt: now, updatedAt: now,
    };
    await tx.insertAttachment(row);
    outbox.push({ topic: TOPIC_MEDIA, key: connectionId, workspaceId: null, payload: { attachmentId: row.id } });
    return { ...content, media: { ...content.media, url: this.urlFor(row), state: 'pending' } };
  }

  subscribe(): { close(): Promise<void> } {
    return this.deps.bus.consume(TOPIC_MEDIA, async (m, delivery) => {
      await this.fetch(String(m.payload.attachmentId), delivery.attempt);
    }, { concurrency: 8, maxDeliveries: MAX_FETCH_ATTEMPTS });
  }

  /** the job: fetch from the provider, store, mark ready, announce; throws to be retried by the bus */
  async fetch(attachmentId: string, attempt: number): Promise<void> {
    const a = await this.deps.store.getAttachment(attachmentId);
    if (!a || a.state !== 'pending' || !a.connectionId || !a.providerMediaId) return;
    const live = await this.connections.live(a.connectionId);
    const now = () => this.deps.clock.now().toISOString();
    try {
      if (!live?.connector.fetchMedia) throw new Error('this channel cannot fetch media');
      const fetched = await live.connector.fetchMedia({ providerMediaId: a.providerMediaId, mimeType: a.mimeType }, this.connections.context(live, AbortSignal.timeout(this.deps.settings.connectorTimeoutMs)));
      await this.bytes.put(a.id, fetched.bytes);
      await this.finish(a, { state: 'ready', size: fetched.bytes.length, mimeType: fetched.mimeType || a.mimeType, fileName: a.fileName ?? fetched.fileName ?? null, error: null, attempts: attempt, updatedAt: now() });
    } catch (error) {
      const reason = this.deps.redactor.scrub(error instanceof Error ? error.message : String(error));
      // a file the provider says is gone (404, rejected) will not come back by retrying
      const permanent = isChannelError(error) && !error.retryable;
      if (attempt >= MAX_FETCH_ATTEMPTS || !live?.connector.fetchMedia || permanent) {
        await this.finish(a, { state: 'failed', error: reason, attempts: attempt, updatedAt: now() });
        if (a.connectionId) await this.connections.log(a.connectionId, 'warn', 'media_failed', `could not fetch an attachment (${a.id}): ${reason}`);
        return;
      }
      await this.deps.store.updateAttachment(a.id, { attempts: attempt, error: reason, updatedAt: now() });
      throw new Error(`media fetch failed (attempt ${attempt}): ${reason}`);
    }
  }

  private async finish(a: AttachmentRecord, patch: Partial<AttachmentRecord> & { state: 'ready' | 'failed' }): Promise<void> {
    const now = this.deps.clock.now().toISOString();
    await this.deps.store.transaction(async (tx) => {
      await tx.updateAttachment(a.id, patch);
      if (!a.messageId) return;
      const message = await tx.getMessageUnscoped(a.messageId);
      if (!message || !hasMedia(message.content)) return;
      const content = {
        ...message.content,
        media: { ...message.content.media, state: patch.state, mimeType: patch.mimeType ?? message.content.media.mimeType, ...(patch.size ? { size: patch.size } : {}), ...(patch.fileName ? { fileName: patch.fileName } : {}) },
      } as Content;
      await tx.replaceMessageContent(message.id, content);
      await tx.insertOutbox([eventRow('message.updated', message.workspaceId, { message: messageView({ ...message, content }), attachment: { id: a.id, state: patch.state } }, message.conversationId)], now);
    });
    this.deps.afterCommit();
  }

  /** at start: re-drive fetches left pending by a crash */
  async recover(): Promise<number> {
    let n = 0;
    let after: string | undefined;
    for (;;) {
      const ids = await this.deps.store.listAttachmentIds('pending', 500, after);
      for (const id of ids) {
        const a = await this.deps.store.getAttachment(id);
        if (a?.connectionId && a.providerMediaId) await this.deps.bus.publish(TOPIC_MEDIA, { key: a.connectionId, payload: { attachmentId: id } });
      }
      n += ids.length;
      if (ids.length < 500) return n;
      after = ids[ids.length - 1];
    }
  }
}
