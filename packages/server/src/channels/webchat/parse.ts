/** @module channels/webchat/parse — a verified visitor request → normalized events. Pure. */
import type { WebhookOutcome, WebhookRequest } from '../../channel-kit/index.js';
import type { Content } from '../../model/index.js';
import type { WebchatConfig } from './config.js';
import { visitorMessageSchema, visitorTypingSchema } from './payloads.js';
import { bearer } from './verify.js';
import { checkVisitorToken } from './visitor-token.js';

function mediaType(mimeType: string): 'image' | 'audio' | 'video' | 'document' {
  if (mimeType.startsWith('image/')) return 'image';
  if (mimeType.startsWith('audio/')) return 'audio';
  if (mimeType.startsWith('video/')) return 'video';
  return 'document';
}

export function parseWebchat(req: WebhookRequest, config: WebchatConfig): WebhookOutcome {
  const visitorId = checkVisitorToken(config, bearer(req));
  if (!visitorId) return { kind: 'ignored', reason: 'no visitor session' };
  let body: unknown;
  try {
    body = JSON.parse(req.rawBody.toString('utf8'));
  } catch {
    return { kind: 'ignored', reason: 'body is not JSON' };
  }
  const typing = visitorTypingSchema.safeParse(body);
  if (typing.success) return { kind: 'events', events: [{ kind: 'typing', from: { address: visitorId }, timestamp: new Date(0).toISOString() }] };
  const parsed = visitorMessageSchema.safeParse(body);
  if (!parsed.success) return { kind: 'ignored', reason: `not a visitor message: ${parsed.error.issues[0]?.message ?? 'invalid'}` };
  const m = parsed.data;
  const content: Content = m.attachment
    ? { type: mediaType(m.attachment.mimeType), media: { url: m.attachment.url, mimeType: m.attachment.mimeType, ...(m.attachment.fileName ? { fileName: m.attachment.fileName } : {}), ...(m.attachment.size && Number.isSafeInteger(m.attachment.size) && m.attachment.size > 0 ? { size: m.attachment.size } : {}), ...(m.text ? { caption: m.text } : {}) } }
    : { type: 'text', text: m.text as string };
  // the timestamp is stamped by the server route when the request arrives, so a re-parse gives the same result
  const timestamp = m.timestamp && !Number.isNaN(Date.parse(m.timestamp)) ? new Date(m.timestamp).toISOString() : new Date(0).toISOString();
  return {
    kind: 'events',
    events: [{ kind: 'message', providerMessageId: `${visitorId}:${m.clientMessageId}`, from: { address: visitorId, ...(m.name ? { name: m.name } : {}) }, content, timestamp }],
  };
}
