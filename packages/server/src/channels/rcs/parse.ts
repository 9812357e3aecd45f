/**
 * @module channels/rcs/parse — one RBM webhook → a handshake (first configuration) or normalized events
 * (https://developers.google.com/business-communications/rcs-business-messaging/guides/integrate/webhooks).
 * Pure and deterministic; never throws.
 */
import type { WebhookOutcome, WebhookRequest } from '../../channel-kit/index.js';
import type { Content, InboundEvent } from '../../model/index.js';
import type { RcsConfig } from './config.js';
import { userMessageSchema } from './payloads.js';
import { decodedData, readJson } from './verify.js';

function decoded(req: WebhookRequest): unknown {
  const data = decodedData(readJson(req));
  if (!data) return undefined;
  try {
    return JSON.parse(data.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** messageId for user messages, eventId for events: the platform's own dedup keys */
export function rcsEventKey(req: WebhookRequest): string | undefined {
  const d = decoded(req) as { messageId?: unknown; eventId?: unknown } | undefined;
  const key =
    typeof d?.eventId === 'string'
      ? `event:${d.eventId}`
      : typeof d?.messageId === 'string'
        ? `message:${d.messageId}`
        : undefined;
  return key && key.length <= 300 ? key : undefined;
}

const at = (time: string | undefined, req: WebhookRequest): string => {
  const ms = time ? Date.parse(time) : NaN;
  return Number.isFinite(ms) ? new Date(ms).toISOString() : (req.receivedAt ?? new Date(0).toISOString());
};

export function parseRcs(req: WebhookRequest, _config: RcsConfig): WebhookOutcome {
  const body = readJson(req);
  if (body && typeof body.secret === 'string' && body.message === undefined)
    // the first configuration: the secret back, as plain text
    return { kind: 'handshake', reply: { status: 200, headers: { 'content-type': 'text/plain' }, body: body.secret } };
  const parsed = userMessageSchema.safeParse(decoded(req));
  if (!parsed.success) return { kind: 'ignored', reason: 'not an RBM user message or event' };
  const m = parsed.data;
  const from = { address: m.senderPhoneNumber };
  const timestamp = at(m.sendTime, req);
  const events: InboundEvent[] = [];
  if (m.eventType) {
    if ((m.eventType === 'DELIVERED' || m.eventType === 'READ') && m.messageId)
      events.push({
        kind: 'status',
        providerMessageId: m.messageId,
        status: m.eventType === 'READ' ? 'read' : 'delivered',
        timestamp,
      });
    else if (m.eventType === 'IS_TYPING') events.push({ kind: 'typing', from, timestamp });
  } else if (m.messageId) {
    let content: Content | undefined;
    if (m.suggestionResponse?.postbackData)
      content = {
        type: 'interactive',
        interactive: {
          kind: 'button_reply',
          reply: {
            id: m.suggestionResponse.postbackData.slice(0, 256),
            title: (m.suggestionResponse.text || m.suggestionResponse.postbackData).slice(0, 256),
          },
        },
      };
    else if (m.location) content = { type: 'location', location: m.location };
    else if (m.userFile) {
      const f = m.userFile.payload;
      const mimeType = f.mimeType ?? 'application/octet-stream';
      const type = mimeType.startsWith('image/')
        ? 'image'
        : mimeType.startsWith('video/')
          ? 'video'
          : mimeType.startsWith('audio/')
            ? 'audio'
            : 'document';
      content = {
        type,
        media: {
          url: '',
          mimeType,
          providerMediaId: f.fileUri,
          state: 'pending',
          ...(f.fileName ? { fileName: f.fileName } : {}),
          ...(f.fileSizeBytes !== undefined && f.fileSizeBytes >= 0 ? { size: Math.floor(f.fileSizeBytes) } : {}),
        },
      };
    } else if (m.text) content = { type: 'text', text: m.text };
    if (content) events.push({ kind: 'message', providerMessageId: m.messageId, from, content, timestamp });
  }
  return events.length > 0 ? { kind: 'events', events } : { kind: 'ignored', reason: 'no RBM message kind we model' };
}
