/** @module channels/webchat/parse — a verified visitor request → normalized events. Pure. */
import type { WebhookOutcome, WebhookRequest } from '../../channel-kit/index.js';
import type { Content } from '../../model/index.js';
import type { WebchatConfig } from './config.js';
import { visitorMessageSchema, visitorOfflineSchema, visitorTypingSchema } from './payloads.js';
import { visitorOf } from './verify.js';

function mediaType(mimeType: string): 'image' | 'audio' | 'video' | 'document' {
  if (mimeType.startsWith('image/')) return 'image';
  if (mimeType.startsWith('audio/')) return 'audio';
  if (mimeType.startsWith('video/')) return 'video';
  return 'document';
}

// the timestamp is stamped by the server route when the request arrives, so a re-parse gives the same result
function stamp(value: string | undefined): string {
  return value && !Number.isNaN(Date.parse(value)) ? new Date(value).toISOString() : new Date(0).toISOString();
}

export function parseWebchat(req: WebhookRequest, config: WebchatConfig): WebhookOutcome {
  const visitorId = visitorOf(req, config);
  if (!visitorId) return { kind: 'ignored', reason: 'no visitor session' };
  let body: unknown;
  try {
    body = JSON.parse(req.rawBody.toString('utf8'));
  } catch {
    return { kind: 'ignored', reason: 'body is not JSON' };
  }
  const typing = visitorTypingSchema.safeParse(body);
  if (typing.success)
    return {
      kind: 'events',
      events: [{ kind: 'typing', from: { address: visitorId }, timestamp: new Date(0).toISOString() }],
    };
  const offline = visitorOfflineSchema.safeParse(body);
  if (offline.success) {
    // the offline form: the visitor's contact gets the email; the message notes where it came from
    const f = offline.data;
    const name = f.name?.trim();
    return {
      kind: 'events',
      events: [
        {
          kind: 'message',
          providerMessageId: `${visitorId}:offline:${f.clientMessageId}`,
          from: { address: visitorId, ...(name ? { name } : {}), attributes: { email: f.email } },
          content: { type: 'text', text: f.message },
          timestamp: stamp(f.timestamp),
          metadata: { source: 'webchat_offline_form', email: f.email, ...(name ? { name } : {}) },
        },
      ],
    };
  }
  const parsed = visitorMessageSchema.safeParse(body);
  if (!parsed.success)
    return { kind: 'ignored', reason: `not a visitor message: ${parsed.error.issues[0]?.message ?? 'invalid'}` };
  const m = parsed.data;
  const content: Content = m.attachment
    ? {
        type: mediaType(m.attachment.mimeType),
        media: {
          url: m.attachment.url,
          mimeType: m.attachment.mimeType,
          ...(m.attachment.fileName ? { fileName: m.attachment.fileName } : {}),
          ...(m.attachment.size && Number.isSafeInteger(m.attachment.size) && m.attachment.size > 0
            ? { size: m.attachment.size }
            : {}),
          ...(m.text ? { caption: m.text } : {}),
        },
      }
    : { type: 'text', text: m.text as string };
  const timestamp = stamp(m.timestamp);
  return {
    kind: 'events',
    events: [
      {
        kind: 'message',
        providerMessageId: `${visitorId}:${m.clientMessageId}`,
        from: { address: visitorId, ...(m.name ? { name: m.name } : {}) },
        content,
        timestamp,
      },
    ],
  };
}
