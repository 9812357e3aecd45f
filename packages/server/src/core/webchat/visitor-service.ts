/**
 * @module core/webchat/visitor-service
 * The visitor side of webchat connections: anonymous sessions, sending through the same inbound pipeline as
 * every provider webhook, history on reload, and a live stream filtered to the visitor's own conversations. Sessions,
 * messages and typing are limited per session and per client address (core/webchat/visitor-limits.ts).
 */
import { randomUUID } from 'node:crypto';
import type { DomainEvent } from '../../model/index.js';
import { newId } from '../../model/index.js';
import type { HttpReply } from '../../channel-kit/index.js';
import { AppError, notFound } from '../errors.js';
import type { CoreDeps } from '../deps.js';
import type { ConnectionService, LiveConnection } from '../connections/connection-service.js';
import type { WebhookIngest } from '../inbound/webhook-ingest.js';
import type { RealtimeHub } from '../realtime/realtime-hub.js';
import type { MessageRecord } from '../ports/index.js';
import type { MediaService } from '../media/media-service.js';
import { DEFAULT_VISITOR_LIMITS, VisitorLimits } from './visitor-limits.js';

/** what visitors may upload: common images, PDF, audio and video (never HTML or SVG) */
export const VISITOR_UPLOAD_TYPES: ReadonlySet<string> = new Set([
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'application/pdf',
  'audio/mpeg',
  'audio/mp4',
  'audio/aac',
  'audio/ogg',
  'audio/wav',
  'audio/webm',
  'video/mp4',
  'video/webm',
  'video/quicktime',
  'video/ogg',
]);

export interface OfflineSubmission {
  email: string;
  name?: string | undefined;
  message: string;
  clientMessageId?: string | undefined;
}

export interface VisitorMessage {
  id: string;
  direction: 'inbound' | 'outbound';
  content: unknown;
  timestamp: string;
  status: string;
  clientMessageId?: string;
  /** who wrote an answer: a bot (with its name), an automatic reply, or a person of the team (never their id) */
  author?: { kind: 'bot'; name: string } | { kind: 'automation' } | { kind: 'operator' };
}

function authorOf(v: Record<string, unknown>): VisitorMessage['author'] {
  if (v.direction !== 'outbound') return undefined;
  const md = (v.metadata ?? {}) as Record<string, unknown>;
  if (typeof md.agentId === 'string' && md.agentId)
    return { kind: 'bot', name: typeof md.agentName === 'string' && md.agentName ? md.agentName : 'Bot' };
  if (md.autoReply === true || md.consentConfirmation !== undefined) return { kind: 'automation' };
  if (typeof md.operatorId === 'string') return { kind: 'operator' };
  return undefined;
}

function visitorView(m: MessageRecord | Record<string, unknown>): VisitorMessage {
  const v = m as Record<string, unknown>;
  // the visitor's own messages carry the widget's id back (provider id `<visitorId>:<clientMessageId>`), so the
  // widget confirms its optimistic bubble by id rather than by text
  const pid = typeof v.providerMessageId === 'string' ? v.providerMessageId : '';
  const clientMessageId = v.direction === 'inbound' && pid.includes(':') ? pid.slice(pid.indexOf(':') + 1) : undefined;
  return {
    id: String(v.id),
    direction: v.direction as VisitorMessage['direction'],
    content: v.content,
    timestamp: String(v.timestamp),
    status: String(v.status),
    ...(clientMessageId ? { clientMessageId } : {}),
    ...(authorOf(v) ? { author: authorOf(v) } : {}),
  };
}

export class VisitorService {
  private readonly limits: VisitorLimits;

  constructor(
    private readonly deps: CoreDeps,
    private readonly connections: ConnectionService,
    private readonly ingest: WebhookIngest,
    private readonly hub: RealtimeHub,
    private readonly media?: MediaService,
  ) {
    this.limits = new VisitorLimits(
      deps.settings.visitorLimits ?? DEFAULT_VISITOR_LIMITS,
      deps.store,
      deps.metrics,
      deps.clock,
    );
  }

  private async webchat(
    connectionId: string,
  ): Promise<LiveConnection & { visitors: NonNullable<LiveConnection['connector']['features']['visitors']> }> {
    const live = await this.connections.live(connectionId);
    if (!live || !live.connector.features.visitors) throw notFound('chat');
    if (live.record.status === 'STOPPED') throw new AppError('UNAVAILABLE', 'chat is offline');
    return { ...live, visitors: live.connector.features.visitors };
  }

  async visitorOf(
    connectionId: string,
    token: string | undefined,
  ): Promise<{ live: LiveConnection; visitorId: string }> {
    const live = await this.webchat(connectionId);
    const visitorId = live.visitors.check(live.config, token);
    if (!visitorId) throw new AppError('UNAUTHORIZED', 'invalid visitor session');
    return { live, visitorId };
  }

  /** `clientAddress`: the request's client address (behind a proxy, as SWITCHBOARD_TRUST_PROXY allows) */
  async createSession(
    connectionId: string,
    clientAddress: string,
  ): Promise<{ visitorId: string; token: string; config: Record<string, unknown> }> {
    const live = await this.webchat(connectionId);
    this.limits.session(clientAddress);
    const visitorId = newId('vis');
    const { title, color, greeting } = live.config as { title?: string; color?: string; greeting?: string };
    return { visitorId, token: live.visitors.issue(live.config, visitorId), config: { title, color, greeting } };
  }

  /** public, before any session: appearance, greeting, opening hours (computed now, in their time zone), offline behaviour */
  async settings(connectionId: string): Promise<Record<string, unknown>> {
    const live = await this.webchat(connectionId);
    const settings = live.visitors.publicSettings?.(live.config, this.deps.clock.now()) ?? {};
    return { connectionId: live.record.id, ...settings };
  }

  /**
   * The offline form: the same ingest as a visitor message (durable, deduplicated by clientMessageId), so the
   * operator finds a conversation whose contact carries the email. A visitor without a session gets one.
   */
  async offline(
    connectionId: string,
    token: string | undefined,
    form: OfflineSubmission,
    clientAddress: string,
  ): Promise<{ reply: HttpReply; session?: { visitorId: string; token: string } }> {
    const live = await this.webchat(connectionId);
    let visitorToken = token && live.visitors.check(live.config, token) ? token : undefined;
    let session: { visitorId: string; token: string } | undefined;
    if (!visitorToken) {
      const visitorId = newId('vis');
      visitorToken = live.visitors.issue(live.config, visitorId);
      session = { visitorId, token: visitorToken };
    }
    const body = {
      type: 'offline_form',
      clientMessageId: form.clientMessageId ?? randomUUID(),
      email: form.email,
      ...(form.name?.trim() ? { name: form.name.trim() } : {}),
      message: form.message,
    };
    const visitorId = live.visitors.check(live.config, visitorToken);
    // the form opens a conversation like a first message does
    if (visitorId) await this.limits.conversation(live.record.id, visitorId, clientAddress);
    const reply = await this.send(connectionId, visitorToken, body);
    return { reply, ...(session ? { session } : {}) };
  }

  /** a visitor's file: stored through the media service, answered with a /media/att_… URL for a message */
  async upload(
    connectionId: string,
    token: string | undefined,
    bytes: Buffer,
    mimeType: string,
    fileName: string | null,
    maxBytes: number,
  ): Promise<{ id: string; url: string; mimeType: string; size: number; fileName: string | null }> {
    const { live } = await this.visitorOf(connectionId, token);
    if (!this.media) throw new AppError('UNAVAILABLE', 'uploads are not available');
    if (!VISITOR_UPLOAD_TYPES.has(mimeType))
      throw new AppError(
        'UNSUPPORTED_MEDIA_TYPE',
        `files of type ${mimeType} cannot be sent here; images, PDF, audio and video can`,
      );
    if (bytes.length > maxBytes) throw new AppError('PAYLOAD_TOO_LARGE', `the file is larger than ${maxBytes} bytes`);
    // a name, not a path; control characters dropped
    const safeName = fileName
      ? Array.from(fileName, (ch) => (ch < ' ' || ch === '/' || ch === '\\' ? '_' : ch))
          .join('')
          .slice(0, 255)
      : null;
    const a = await this.media.upload(live.record.workspaceId, bytes, mimeType, safeName);
    return { id: a.id, url: a.url, mimeType: a.mimeType, size: a.size ?? bytes.length, fileName: a.fileName };
  }

  /**
   * A visitor may only attach a file they uploaded to this hub: the URL must be one of our capability URLs for an
   * attachment of this workspace. Otherwise a visitor could make operators' browsers load any outside address.
   */
  async checkAttachment(connectionId: string, url: string): Promise<void> {
    const live = await this.webchat(connectionId);
    const prefix = `${this.deps.settings.publicUrl}/media/`;
    const [id, key, ...rest] = url.startsWith(prefix) ? url.slice(prefix.length).split('/') : [];
    const attachment = id && key && rest.length === 0 ? await this.deps.store.getAttachment(id) : undefined;
    if (!attachment || attachment.accessKey !== key || attachment.workspaceId !== live.record.workspaceId) {
      throw new AppError('VALIDATION', 'an attachment must be a file uploaded to this chat', {
        fields: [{ field: 'attachment.url', message: 'not a file uploaded here' }],
      });
    }
  }

  /**
   * Before a visitor's message is read further: a valid session (401), within the message rates of the session and
   * of the client address (429), and — when it would open a conversation — within the address's open-conversation cap.
   */
  async admitMessage(connectionId: string, token: string | undefined, clientAddress: string): Promise<void> {
    const { live, visitorId } = await this.visitorOf(connectionId, token);
    this.limits.message(visitorId, clientAddress);
    await this.limits.conversation(live.record.id, visitorId, clientAddress);
  }

  /** the visitor's message enters the inbound pipeline like any provider webhook; the server stamps the time */
  async send(connectionId: string, token: string | undefined, body: Record<string, unknown>): Promise<HttpReply> {
    const stamped = Buffer.from(JSON.stringify({ ...body, timestamp: this.deps.clock.now().toISOString() }));
    // the visitor is named beside the token: the raw event keeps the name and only a digest of the token
    // (channels/webchat/verify); an unknown token names nobody and the ingest answers 401
    const live = await this.connections.live(connectionId);
    const visitorId = live && token ? live.connector.features.visitors?.check(live.config, token) : undefined;
    return this.ingest.handle(connectionId, {
      method: 'POST',
      url: `/webchat/${connectionId}/messages`,
      headers: {
        authorization: token ? `Bearer ${token}` : undefined,
        'x-webchat-visitor': visitorId,
        'content-type': 'application/json',
      },
      query: {},
      rawBody: stamped,
    });
  }

  async typing(connectionId: string, token: string | undefined, clientAddress: string): Promise<void> {
    const { live, visitorId } = await this.visitorOf(connectionId, token);
    this.limits.typing(visitorId, clientAddress);
    const identity = await this.deps.store.findIdentity(live.record.workspaceId, 'webchat', visitorId);
    const conversation =
      identity && (await this.deps.store.findOpenConversation(live.record.id, identity.contactId, null));
    await this.deps.bus.publish('events', {
      key: visitorId,
      payload: {
        type: 'conversation.typing',
        workspaceId: live.record.workspaceId,
        ...(conversation ? { conversationId: conversation.id } : {}),
        data: { by: 'visitor', visitorId, conversationId: conversation?.id ?? null },
      },
    });
  }

  async history(
    connectionId: string,
    token: string | undefined,
    limit = 100,
  ): Promise<{ conversationId: string | null; messages: VisitorMessage[] }> {
    const { live, visitorId } = await this.visitorOf(connectionId, token);
    const identity = await this.deps.store.findIdentity(live.record.workspaceId, 'webchat', visitorId);
    if (!identity) return { conversationId: null, messages: [] };
    const conversation = await this.deps.store.findOpenConversation(live.record.id, identity.contactId, null);
    if (!conversation) return { conversationId: null, messages: [] };
    const messages: VisitorMessage[] = [];
    let cursor: string | undefined;
    for (;;) {
      const page = await this.deps.store.listMessages(conversation.id, { limit: 200, cursor });
      // an operator's message the visitor has not "received" yet (still queued) is not shown
      messages.push(...page.data.filter((m) => m.direction === 'inbound' || m.status !== 'queued').map(visitorView));
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    return { conversationId: conversation.id, messages: messages.slice(-limit) };
  }

  /** live events for one visitor: operator messages once sent, operator typing, and the visitor's own messages */
  async stream(
    connectionId: string,
    token: string | undefined,
    send: (type: string, data: unknown) => void,
  ): Promise<() => void> {
    const { live, visitorId } = await this.visitorOf(connectionId, token);
    const conversations = new Set<string>();
    const identity = await this.deps.store.findIdentity(live.record.workspaceId, 'webchat', visitorId);
    const open = identity && (await this.deps.store.findOpenConversation(live.record.id, identity.contactId, null));
    if (open) conversations.add(open.id);
    return this.hub.add({
      workspaceId: live.record.workspaceId,
      accepts: (event: DomainEvent) => {
        if (event.type === 'conversation.created') {
          const c = event.data.conversation as { id: string; address: string; connectionId: string } | undefined;
          if (c && c.address === visitorId && c.connectionId === live.record.id) conversations.add(c.id);
          return false;
        }
        return event.conversationId !== undefined && conversations.has(event.conversationId);
      },
      send: (event) => {
        if (event.type === 'message.received')
          send('message', visitorView(event.data.message as Record<string, unknown>));
        else if (event.type === 'message.status' && event.data.status === 'sent')
          send('message', visitorView(event.data.message as Record<string, unknown>));
        else if (event.type === 'conversation.typing' && event.data.by === 'operator')
          send('typing', { conversationId: event.conversationId });
      },
    });
  }
}
