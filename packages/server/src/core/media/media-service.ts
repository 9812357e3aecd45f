/**
 * @module core/media/media-service
 * Attachments (pain point #3): the message row exists first; an inbound file is fetched from the provider by a
 * separate, retryable job (state pending → ready | failed) and only then announced. Operators' uploads are
 * stored before they can be sent. Media URLs are capability URLs: `/media/{id}/{accessKey}`.
 *
 * Outbound, a message only ever carries a media URL of ours (the app and the widget load it, connectors read it):
 * either an attachment of the sending workspace, or an http(s) file the hub fetches first, through the address
 * guard, into its own store. Everything else (`javascript:`, `data:`, another workspace's attachment) is refused.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { isChannelError, type MediaAccess } from '../../channel-kit/index.js';
import { newId, type Content } from '../../model/index.js';
import { AppError, notFound } from '../errors.js';
import { eventRow, TOPIC_MEDIA } from '../events.js';
import type { AttachmentRecord, MediaStore, NewOutboxRow, StoreOps } from '../ports/index.js';
import type { CoreDeps } from '../deps.js';
import type { ConnectionService } from '../connections/connection-service.js';
import { messageView } from '../conversations/conversation-writer.js';
import { guardHttpClient } from '../security/address-guard.js';

const MAX_FETCH_ATTEMPTS = 6;
/** the upload limit when the composition root names none (SWITCHBOARD_MEDIA_MAX_BYTES' default) */
export const DEFAULT_MEDIA_MAX_BYTES = 100 * 1024 * 1024;
const MEDIA_URL_FIELD = 'content.media.url';

/**
 * What a fetched file may be, per message type: the types visitors may upload (common images, audio, video, PDF);
 * a document may be any file but one a browser would run as a page of ours (HTML, SVG, XML, script).
 */
const FETCHED_TYPES: Record<MediaContent['type'], (mime: string) => boolean> = {
  image: (m) => /^image\/(png|jpeg|gif|webp)$/.test(m),
  sticker: (m) => /^image\/(webp|png|gif)$/.test(m),
  audio: (m) => /^audio\/(mpeg|mp4|aac|ogg|wav|webm|opus|amr)$/.test(m),
  video: (m) => /^video\/(mp4|webm|quicktime|ogg|3gpp)$/.test(m),
  document: (m) =>
    /^[\w.+-]+\/[\w.+-]+$/.test(m) &&
    !/^(text\/(html|xml|javascript)|image\/svg\+xml|application\/(xhtml\+xml|xml|javascript|ecmascript))$/.test(m),
};

/** a refused media URL: 400 naming the field */
function refusedUrl(message: string): AppError {
  return new AppError('VALIDATION', `${MEDIA_URL_FIELD}: ${message}`, {
    fields: [{ field: MEDIA_URL_FIELD, message }],
  });
}

/** the body, at most `limit` bytes (a declared or streamed larger one is refused without reading it all) */
async function readBoundedBytes(res: Response, limit: number): Promise<Buffer | undefined> {
  const declared = Number(res.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > limit) {
    await res.body?.cancel().catch(() => undefined);
    return undefined;
  }
  if (!res.body) return Buffer.alloc(0);
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}
type MediaContent = Extract<Content, { media: unknown }>;

export function hasMedia(content: Content): content is MediaContent {
  return 'media' in content;
}

/** how long a shared media link works: a customer may open a message days later */
export const SHARE_LINK_TTL_MS = 7 * 86_400_000;
const SHARE_PURPOSE = 'media-link';
const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export class MediaService {
  /** told of each inbound file once it is stored (a voicemail to transcribe) */
  private readonly readyListeners: Array<(workspaceId: string, messageId: string) => Promise<void>> = [];

  constructor(
    private readonly deps: CoreDeps,
    private readonly connections: ConnectionService,
    private readonly bytes: MediaStore,
    /** the largest file the hub stores (an upload's limit, also for files it fetches to send) */
    private readonly maxBytes: number = DEFAULT_MEDIA_MAX_BYTES,
  ) {}

  urlFor(a: Pick<AttachmentRecord, 'id' | 'accessKey'>): string {
    return `${this.deps.settings.publicUrl}/media/${a.id}/${a.accessKey}`;
  }

  /**
   * A link to one of our files for a customer on a channel that cannot carry it (degradation's media_as_link):
   * signed and expiring, so the text that goes out — an SMS, a mail — does not hand out the file's permanent
   * capability URL. Other URLs are answered as they are.
   */
  shareLink(url: string, ttlMs: number = SHARE_LINK_TTL_MS): string {
    const own = new RegExp(`^${escapeRegExp(this.deps.settings.publicUrl)}/media/([^/?#]+)/[^/?#]+$`).exec(url);
    if (!own) return url;
    const id = own[1] as string;
    const expires = Math.floor((this.deps.clock.now().getTime() + ttlMs) / 1000);
    const signature = this.deps.secrets.mac(SHARE_PURPOSE, `${id}.${expires}`);
    return `${this.deps.settings.publicUrl}/media/${id}/link?expires=${expires}&signature=${signature}`;
  }

  /** the bytes behind a shared link: 404 for a link that is not ours (as for an unknown file), 410 once it expired */
  async openShared(
    id: string,
    expires: string,
    signature: string,
  ): Promise<{ attachment: AttachmentRecord; bytes: Buffer }> {
    const expected = this.deps.secrets.mac(SHARE_PURPOSE, `${id}.${expires}`);
    const given = Buffer.from(signature);
    if (
      !/^\d{1,12}$/.test(expires) ||
      given.length !== expected.length ||
      !timingSafeEqual(given, Buffer.from(expected))
    )
      throw notFound('media');
    if (Number(expires) * 1000 < this.deps.clock.now().getTime()) throw new AppError('GONE', 'this link has expired');
    const attachment = await this.deps.store.getAttachment(id);
    if (!attachment) throw notFound('media');
    return this.open(id, attachment.accessKey);
  }

  /** an operator's (or visitor's) upload: stored first, then usable in a message */
  async upload(
    workspaceId: string,
    bytes: Buffer,
    mimeType: string,
    fileName: string | null,
  ): Promise<AttachmentRecord & { url: string }> {
    if (bytes.length === 0) throw new AppError('VALIDATION', 'the upload is empty');
    const now = this.deps.clock.now().toISOString();
    const row: AttachmentRecord = {
      id: newId('att'),
      workspaceId,
      messageId: null,
      connectionId: null,
      providerMediaId: null,
      mimeType,
      fileName,
      size: bytes.length,
      state: 'ready',
      error: null,
      attempts: 0,
      accessKey: randomBytes(18).toString('base64url'),
      createdAt: now,
      updatedAt: now,
    };
    await this.bytes.put(row.id, bytes);
    await this.deps.store.insertAttachment(row);
    return { ...row, url: this.urlFor(row) };
  }

  /**
   * An outbound message's media, made safe to send and to show: the URL of an attachment of this workspace
   * (absolute on our public URL, or the path `/media/{id}/{key}`) is kept, in its absolute form; an http(s) URL
   * elsewhere is fetched through the address guard (no private or metadata addresses, each redirect checked) with
   * the upload's size limit and a type fitting the message, stored, and replaced by our URL. Anything else is 400.
   */
  async prepareOutbound(workspaceId: string, content: Content): Promise<Content> {
    if (!hasMedia(content)) return content;
    const { media } = content;
    if (media.providerMediaId !== undefined)
      throw new AppError('VALIDATION', 'content.media.providerMediaId: only inbound media carries a provider id', {
        fields: [{ field: 'content.media.providerMediaId', message: 'not allowed outbound' }],
      });
    const own = await this.ownAttachment(workspaceId, media.url);
    if (own)
      return {
        ...content,
        media: {
          ...media,
          url: this.urlFor(own),
          mimeType: media.mimeType || own.mimeType,
          ...(own.size !== null ? { size: own.size } : {}),
          state: 'ready',
        },
      };
    const fetched = await this.importRemote(workspaceId, content.type, media.url);
    return {
      ...content,
      media: {
        ...media,
        url: this.urlFor(fetched),
        mimeType: fetched.mimeType,
        size: fetched.size ?? 0,
        state: 'ready',
      },
    };
  }

  /**
   * The ready attachment of this workspace a URL of ours names, undefined for a URL that is not ours; a URL of ours
   * that names no such attachment (unknown, wrong key, another workspace's, not fetched yet) is refused.
   */
  private async ownAttachment(workspaceId: string, url: string): Promise<AttachmentRecord | undefined> {
    const base = new URL(this.deps.settings.publicUrl);
    let parsed: URL;
    try {
      parsed = new URL(url, base);
    } catch {
      throw refusedUrl('not a URL: upload the file first (POST /api/v1/media) or give an http(s) URL to fetch');
    }
    const relative = !/^[a-z][a-z0-9+.-]*:/i.test(url);
    if (!relative && parsed.origin !== base.origin) return undefined;
    const prefix = `${base.pathname.replace(/\/+$/, '')}/media/`;
    if (relative && !url.startsWith('/media/') && !url.startsWith(prefix))
      throw refusedUrl('a relative URL must be a media URL of this hub (/media/{id}/{key})');
    const match = parsed.pathname.startsWith(prefix)
      ? /^(att_[0-9a-z]+)\/([A-Za-z0-9_-]+)$/.exec(parsed.pathname.slice(prefix.length))
      : null;
    if (!match || parsed.search || parsed.hash || parsed.username || parsed.password)
      throw refusedUrl('not a media URL of this hub: upload the file first (POST /api/v1/media)');
    const attachment = await this.deps.store.getAttachment(match[1] as string);
    // another workspace's attachment reads like an unknown one: the URL reveals nothing across workspaces
    if (!attachment || attachment.accessKey !== match[2] || attachment.workspaceId !== workspaceId)
      throw refusedUrl('no such attachment in this workspace: upload the file first (POST /api/v1/media)');
    if (attachment.state !== 'ready') throw refusedUrl(`the attachment is ${attachment.state}, not ready to send`);
    return attachment;
  }

  private async importRemote(workspaceId: string, type: MediaContent['type'], url: string): Promise<AttachmentRecord> {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw refusedUrl('not a URL');
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
      throw refusedUrl(
        `${parsed.protocol} URLs are not accepted: upload the file first (POST /api/v1/media) or give an http(s) URL`,
      );
    if (parsed.username || parsed.password) throw refusedUrl('a URL with credentials is not fetched');
    // no configured origin and no private-network opt-in: a message's URL is never a way into the hub's network
    const http = guardHttpClient(this.deps.http);
    let res: Response;
    try {
      res = await http(parsed.toString(), {
        headers: { accept: '*/*' },
        signal: AbortSignal.timeout(this.deps.settings.connectorTimeoutMs),
      });
    } catch (error) {
      const reason = isChannelError(error) && !error.retryable ? error.message : 'could not be reached';
      throw refusedUrl(`the file could not be fetched: ${this.deps.redactor.scrub(reason)}`);
    }
    if (!res.ok) {
      await res.body?.cancel().catch(() => undefined);
      throw refusedUrl(`the file could not be fetched: HTTP ${res.status}`);
    }
    const mimeType = (res.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    if (!FETCHED_TYPES[type](mimeType)) {
      await res.body?.cancel().catch(() => undefined);
      throw refusedUrl(
        `the file is of type ${mimeType || '(none)'}, which is not sent as ${type === 'image' || type === 'audio' ? `an ${type}` : `a ${type}`}`,
      );
    }
    let bytes: Buffer | undefined;
    try {
      bytes = await readBoundedBytes(res, this.maxBytes);
    } catch {
      throw refusedUrl('the file could not be fetched: the transfer broke off');
    }
    if (!bytes) throw refusedUrl(`the file is larger than ${this.maxBytes} bytes`);
    if (bytes.length === 0) throw refusedUrl('the file is empty');
    let last = parsed.pathname.split('/').pop() ?? '';
    try {
      last = decodeURIComponent(last);
    } catch {
      // a malformed escape: the name as written
    }
    // a name, not a path; control characters dropped (as for visitors' uploads)
    const name = Array.from(last, (ch) => (ch < ' ' || ch === '/' || ch === '\\' ? '_' : ch))
      .join('')
      .slice(0, 255);
    return this.upload(workspaceId, bytes, mimeType, name || null);
  }

  /** serves bytes to whoever holds the capability URL */
  async open(id: string, accessKey: string): Promise<{ attachment: AttachmentRecord; bytes: Buffer }> {
    const attachment = await this.deps.store.getAttachment(id);
    if (!attachment || attachment.accessKey !== accessKey) throw notFound('media');
    if (attachment.state !== 'ready')
      throw new AppError(
        'CONFLICT',
        attachment.state === 'pending'
          ? 'the file is still being fetched from the provider'
          : `the file could not be fetched: ${attachment.error ?? 'unknown error'}`,
      );
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
        return {
          bytes,
          mimeType: attachment.mimeType,
          ...(attachment.fileName ? { fileName: attachment.fileName } : {}),
        };
      },
      shareLink: (url: string) => this.shareLink(url),
    };
  }

  /**
   * Inside the inbound transaction: a provider file becomes a pending attachment with our URL, and a job to
   * fetch it. Returns the content to store.
   */
  async registerInbound(
    tx: StoreOps,
    workspaceId: string,
    connectionId: string,
    messageId: string,
    content: Content,
    now: string,
    outbox: NewOutboxRow[],
  ): Promise<Content> {
    if (!hasMedia(content) || !content.media.providerMediaId) return content;
    const row: AttachmentRecord = {
      id: newId('att'),
      workspaceId,
      messageId,
      connectionId,
      providerMediaId: content.media.providerMediaId,
      mimeType: content.media.mimeType || 'application/octet-stream',
      fileName: content.media.fileName ?? null,
      size: content.media.size ?? null,
      state: 'pending',
      error: null,
      attempts: 0,
      accessKey: randomBytes(18).toString('base64url'),
      createdAt: now,
      updatedAt: now,
    };
    await tx.insertAttachment(row);
    outbox.push({ topic: TOPIC_MEDIA, key: connectionId, workspaceId: null, payload: { attachmentId: row.id } });
    return { ...content, media: { ...content.media, url: this.urlFor(row), state: 'pending' } };
  }

  subscribe(): { close(): Promise<void> } {
    return this.deps.bus.consume(
      TOPIC_MEDIA,
      async (m, delivery) => {
        await this.fetch(String(m.payload.attachmentId), delivery.attempt);
      },
      { concurrency: 8, maxDeliveries: MAX_FETCH_ATTEMPTS },
    );
  }

  /** `listener` runs after each inbound file is stored; its failure is its own (logged), never the fetch's */
  onReady(listener: (workspaceId: string, messageId: string) => Promise<void>): void {
    this.readyListeners.push(listener);
  }

  /** the job: fetch from the provider, store, mark ready, announce; throws to be retried by the bus */
  async fetch(attachmentId: string, attempt: number): Promise<void> {
    const a = await this.deps.store.getAttachment(attachmentId);
    if (!a || a.state !== 'pending' || !a.connectionId || !a.providerMediaId) return;
    const live = await this.connections.live(a.connectionId);
    const now = () => this.deps.clock.now().toISOString();
    try {
      if (!live?.connector.features.fetchMedia) throw new Error('this channel cannot fetch media');
      const fetched = await live.connector.features.fetchMedia(
        { providerMediaId: a.providerMediaId, mimeType: a.mimeType },
        this.connections.context(live, AbortSignal.timeout(this.deps.settings.connectorTimeoutMs)),
      );
      await this.bytes.put(a.id, fetched.bytes);
      await this.finish(a, {
        state: 'ready',
        size: fetched.bytes.length,
        mimeType: fetched.mimeType || a.mimeType,
        fileName: a.fileName ?? fetched.fileName ?? null,
        error: null,
        attempts: attempt,
        updatedAt: now(),
      });
      const messageId = a.messageId;
      if (messageId)
        for (const listener of this.readyListeners)
          void listener(a.workspaceId, messageId).catch((e: unknown) =>
            this.deps.log.warn({ err: e, messageId }, 'a stored file’s follow-up failed'),
          );
    } catch (error) {
      const reason = this.deps.redactor.scrub(error instanceof Error ? error.message : String(error));
      // a file the provider says is gone (404, rejected) will not come back by retrying
      const permanent = isChannelError(error) && !error.retryable;
      if (attempt >= MAX_FETCH_ATTEMPTS || !live?.connector.features.fetchMedia || permanent) {
        await this.finish(a, { state: 'failed', error: reason, attempts: attempt, updatedAt: now() });
        if (a.connectionId)
          await this.connections.log(
            a.connectionId,
            'warn',
            'media_failed',
            `could not fetch an attachment (${a.id}): ${reason}`,
          );
        return;
      }
      await this.deps.store.updateAttachment(a.id, { attempts: attempt, error: reason, updatedAt: now() });
      throw new Error(`media fetch failed (attempt ${attempt}): ${reason}`);
    }
  }

  private async finish(
    a: AttachmentRecord,
    patch: Partial<AttachmentRecord> & { state: 'ready' | 'failed' },
  ): Promise<void> {
    const now = this.deps.clock.now().toISOString();
    await this.deps.store.transaction(async (tx) => {
      await tx.updateAttachment(a.id, patch);
      if (!a.messageId) return;
      const message = await tx.getMessageUnscoped(a.messageId);
      if (!message || !hasMedia(message.content)) return;
      const content = {
        ...message.content,
        media: {
          ...message.content.media,
          state: patch.state,
          mimeType: patch.mimeType ?? message.content.media.mimeType,
          ...(patch.size ? { size: patch.size } : {}),
          ...(patch.fileName ? { fileName: patch.fileName } : {}),
        },
      } as Content;
      await tx.replaceMessageContent(message.id, content);
      await tx.insertOutbox(
        [
          eventRow(
            'message.updated',
            message.workspaceId,
            { message: messageView({ ...message, content }), attachment: { id: a.id, state: patch.state } },
            message.conversationId,
          ),
        ],
        now,
      );
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
        if (a?.connectionId && a.providerMediaId)
          await this.deps.bus.publish(TOPIC_MEDIA, { key: a.connectionId, payload: { attachmentId: id } });
      }
      n += ids.length;
      if (ids.length < 500) return n;
      after = ids[ids.length - 1];
    }
  }
}
