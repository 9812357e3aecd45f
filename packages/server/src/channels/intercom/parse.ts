/**
 * @module channels/intercom/parse — a verified Intercom `notification_event` → normalized events
 * (https://developers.intercom.com/docs/references/webhooks/webhook-models). Every comment part of the conversation
 * the notification carries becomes a message keyed by its part id (the conversation's `source` by its id), so a part
 * that arrives again in a later notification is stored once: a customer's (`user`, `lead`) as inbound, another
 * Intercom teammate's or bot's as the business's own (`echo`: stored as outbound, never sent again). Parts written as
 * our admin are the replies we sent: their ids are already ours and they are skipped. `conversation.admin.closed` and
 * `conversation.admin.assigned` by someone else are reflected on our conversation. The customer is the Intercom contact
 * (its id is the address), the Intercom conversation is the thread. Pure and deterministic; what we do not model is
 * `ignored`, never thrown.
 */
import type { WebhookOutcome, WebhookRequest } from '../../channel-kit/index.js';
import {
  InboundEventSchema,
  type Content,
  type InboundConversationEvent,
  type InboundEvent,
  type InboundMessageEvent,
} from '../../model/index.js';
import type { IntercomConfig } from './config.js';
import {
  intercomAttachmentSchema,
  intercomConversationSchema,
  intercomNotificationSchema,
  intercomPartSchema,
  type IntercomConversation,
  type IntercomPart,
} from './payloads.js';

/** authors that are the customer (https://developers.intercom.com/docs/references/rest-api/api.intercom.io/conversations/conversation) */
const CUSTOMER_AUTHORS = new Set(['user', 'lead', 'contact']);
/** authors that are the business: a teammate, Intercom's bot (Fin, workflows), a team */
const BUSINESS_AUTHORS = new Set(['admin', 'bot', 'team']);
/** parts that assign the conversation (https://developers.intercom.com/docs/references/rest-api/api.intercom.io/conversations/conversation) */
const ASSIGNMENT_PARTS = new Set(['assignment', 'assign_and_reopen', 'default_assignment', 'assign_and_unsnooze']);
/** the most parts one notification is read for (Intercom lists at most 500 in a conversation object) */
const MAX_PARTS = 500;

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/** Intercom bodies are HTML (`<p>Hi</p>`): the text a person reads, line breaks kept */
export function htmlToText(html: string): string {
  return html
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|li|h[1-6]|blockquote|pre)>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z]+);/gi, (whole, name: string) => {
      if (name.startsWith('#')) {
        const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
        return Number.isFinite(code) && code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff)
          ? String.fromCodePoint(code)
          : whole;
      }
      return ENTITIES[name.toLowerCase()] ?? whole;
    })
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** unix seconds → ISO; an unreadable one → the epoch, so a re-parse gives the same result */
function isoTime(seconds: number | null | undefined): string {
  return typeof seconds === 'number' && Number.isFinite(seconds) && seconds >= 0 && seconds < 1e11
    ? new Date(seconds * 1000).toISOString()
    : new Date(0).toISOString();
}

function mediaType(mimeType: string): 'image' | 'audio' | 'video' | 'document' {
  if (mimeType.startsWith('image/')) return 'image';
  if (mimeType.startsWith('audio/')) return 'audio';
  if (mimeType.startsWith('video/')) return 'video';
  return 'document';
}

/** a part's text and files → one content per file (the text as the first file's caption), or the text alone */
function contentsOf(body: string | null | undefined, attachments: unknown[] | null | undefined): Content[] {
  const text = body ? htmlToText(body) : '';
  const files = (attachments ?? [])
    .map((a) => intercomAttachmentSchema.safeParse(a))
    .flatMap((a) => (a.success && /^https?:\/\//i.test(a.data.url) ? [a.data] : []));
  if (files.length === 0) return text ? [{ type: 'text', text }] : [];
  return files.map((f, i) => {
    const mimeType = f.content_type || 'application/octet-stream';
    return {
      type: mediaType(mimeType),
      media: {
        url: '',
        mimeType,
        state: 'pending',
        // the attachment URL Intercom gives (features.fetchMedia downloads it)
        providerMediaId: f.url,
        ...(f.name ? { fileName: f.name } : {}),
        ...(typeof f.filesize === 'number' && f.filesize >= 0 ? { size: f.filesize } : {}),
        ...(i === 0 && text ? { caption: text } : {}),
      },
    } as Content;
  });
}

/** the customer of a conversation: its first contact, else the source's author when that is a customer */
function customerOf(c: IntercomConversation): { id: string; name?: string; email?: string } | undefined {
  const author = c.source?.author;
  const first = c.contacts?.contacts[0]?.id;
  const authorIsCustomer = author && CUSTOMER_AUTHORS.has(author.type) && author.id;
  const id = first ?? (authorIsCustomer ? author.id : undefined);
  if (!id) return undefined;
  const same = authorIsCustomer && author.id === id;
  return {
    id,
    ...(same && author.name ? { name: author.name } : {}),
    ...(same && author.email ? { email: author.email } : {}),
  };
}

interface Written {
  id: string;
  body: string | null | undefined;
  attachments: unknown[] | null | undefined;
  createdAt: number | null | undefined;
  author: {
    type: string;
    id?: string | undefined;
    name?: string | null | undefined;
    email?: string | null | undefined;
  };
}

/** one written part (or the source) → messages: the customer's inbound, a teammate's or bot's as the business's echo */
function messagesOf(w: Written, c: IntercomConversation, config: IntercomConfig): InboundMessageEvent[] {
  const customer = customerOf(c);
  if (!customer) return [];
  const fromCustomer = CUSTOMER_AUTHORS.has(w.author.type);
  if (!fromCustomer && !BUSINESS_AUTHORS.has(w.author.type)) return [];
  // our own admin's parts are the replies we sent: stored already, under this very part id, by the send receipt
  if (!fromCustomer && w.author.type === 'admin' && w.author.id === config.adminId) return [];
  const contents = contentsOf(w.body, w.attachments);
  const timestamp = isoTime(w.createdAt);
  const authorName = w.author.name ?? undefined;
  return contents.map((content, i) => {
    const providerMessageId = i === 0 ? w.id : `${w.id}#${i}`;
    if (fromCustomer) {
      const email = w.author.email ?? customer.email;
      const name = authorName ?? customer.name;
      return {
        kind: 'message' as const,
        providerMessageId,
        from: {
          address: w.author.id ?? customer.id,
          ...(name ? { name } : {}),
          ...(email ? { attributes: { email } } : {}),
        },
        to: config.adminId,
        threadKey: c.id,
        content,
        timestamp,
        metadata: { intercomConversationId: c.id, intercomPartId: w.id },
      };
    }
    return {
      kind: 'message' as const,
      providerMessageId,
      from: { address: customer.id },
      ...(w.author.id ? { to: `${w.author.type}:${w.author.id}` } : {}),
      threadKey: c.id,
      content,
      timestamp,
      echo: true,
      metadata: {
        intercomConversationId: c.id,
        intercomPartId: w.id,
        intercomAuthor: {
          type: w.author.type,
          ...(w.author.id ? { id: w.author.id } : {}),
          ...(authorName ? { name: authorName } : {}),
        },
      },
    };
  });
}

function partsOf(c: IntercomConversation): IntercomPart[] {
  return (c.conversation_parts?.conversation_parts ?? []).slice(0, MAX_PARTS).flatMap((raw) => {
    const p = intercomPartSchema.safeParse(raw);
    return p.success && !p.data.redacted ? [p.data] : [];
  });
}

/** the last part of the topic's kind, written by someone other than our admin → the change on our conversation */
function stateChange(
  c: IntercomConversation,
  parts: IntercomPart[],
  change: InboundConversationEvent['change'],
  config: IntercomConfig,
): InboundConversationEvent | undefined {
  const customer = customerOf(c);
  if (!customer) return undefined;
  const part = [...parts]
    .reverse()
    .find((p) => (change === 'closed' ? p.part_type === 'close' : ASSIGNMENT_PARTS.has(p.part_type)));
  const author = part?.author;
  // our own close or assignment (an operator resolved here): nothing to reflect back
  if (author?.type === 'admin' && author.id === config.adminId) return undefined;
  const assigneeId = part?.assigned_to?.id ?? c.admin_assignee_id ?? undefined;
  return {
    kind: 'conversation',
    from: { address: customer.id },
    threadKey: c.id,
    change,
    ...(author
      ? {
          by: {
            ...(author.id ? { id: `${author.type}:${author.id}` } : {}),
            ...(author.name ? { name: author.name } : {}),
          },
        }
      : {}),
    ...(change === 'assigned'
      ? { assignee: assigneeId ? { id: assigneeId, type: part?.assigned_to?.type ?? 'admin' } : null }
      : {}),
    timestamp: isoTime(part?.created_at ?? c.updated_at),
  };
}

const MESSAGE_TOPICS = new Set([
  'conversation.user.created',
  'conversation.user.replied',
  'conversation.admin.replied',
  'conversation.admin.single.created',
]);

export function parseIntercom(req: WebhookRequest, config: IntercomConfig): WebhookOutcome {
  // the Developer Hub validating the endpoint URL (https://developers.intercom.com/building-apps/docs/setting-up-webhooks)
  if (req.method === 'HEAD') return { kind: 'handshake', reply: { status: 200 } };
  let json: unknown;
  try {
    json = JSON.parse(req.rawBody.toString('utf8'));
  } catch {
    return { kind: 'ignored', reason: 'body is not JSON' };
  }
  const n = intercomNotificationSchema.safeParse(json);
  if (!n.success) return { kind: 'ignored', reason: 'not an Intercom notification_event' };
  const { topic } = n.data;
  if (topic === 'ping') return { kind: 'ignored', reason: 'ping (the Developer Hub testing the endpoint)' };
  const parsed = intercomConversationSchema.safeParse(n.data.data.item);
  if (!parsed.success) return { kind: 'ignored', reason: `${topic} without a conversation` };
  const c = parsed.data;
  const parts = partsOf(c);
  const events: InboundEvent[] = [];
  if (MESSAGE_TOPICS.has(topic)) {
    const source = c.source;
    if (source?.id && source.author && (topic.endsWith('.created') || parts.length === 0))
      events.push(
        ...messagesOf(
          {
            id: source.id,
            body: source.body,
            attachments: source.attachments,
            createdAt: c.created_at,
            author: source.author,
          },
          c,
          config,
        ),
      );
    for (const p of parts)
      if (p.part_type === 'comment' && p.author)
        events.push(
          ...messagesOf(
            { id: p.id, body: p.body, attachments: p.attachments, createdAt: p.created_at, author: p.author },
            c,
            config,
          ),
        );
  } else if (topic === 'conversation.admin.closed' || topic === 'conversation.admin.assigned') {
    const change = stateChange(c, parts, topic === 'conversation.admin.closed' ? 'closed' : 'assigned', config);
    if (change) events.push(change);
  }
  const valid = events.filter((e) => InboundEventSchema.safeParse(e).success);
  if (valid.length > 0) return { kind: 'events', events: valid };
  return { kind: 'ignored', reason: `${topic}: nothing we model` };
}
