/**
 * @module channels/vonage-sms/parse
 * Vonage webhooks → normalized events, pure and deterministic. Messages API: inbound messages and statuses
 * (https://developer.vonage.com/en/api/messages-olympus#webhooks); legacy SMS API: inbound SMS and delivery receipts
 * (https://developer.vonage.com/en/messaging/sms/guides/inbound-sms, .../delivery-receipts).
 */
import type { InboundEvent, StatusDetail } from '../../model/index.js';
import type { WebhookOutcome, WebhookRequest } from '../../channel-kit/index.js';
import type { VonageConfig } from './config.js';
import { legacyParams, str, toE164, type MessagesWebhook } from './payloads.js';

const EPOCH = '1970-01-01T00:00:00.000Z';

function isoTime(value: unknown, fallback: string | undefined): string {
  if (typeof value === 'string') {
    // legacy: "2020-01-01 12:00:00" in UTC; Messages: ISO-8601
    const text = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(value) ? `${value.replace(' ', 'T')}Z` : value;
    const ms = Date.parse(text);
    if (/^\d{4}-\d{2}-\d{2}T/.test(text) && Number.isFinite(ms)) {
      const d = new Date(ms);
      if (d.getUTCFullYear() >= 1970 && d.getUTCFullYear() < 10000) return d.toISOString();
    }
  }
  return fallback ?? EPOCH;
}

/** Messages API statuses (https://developer.vonage.com/en/api/messages-olympus#message-status): submitted is our 'sent' */
const MESSAGES_STATUS: Record<string, 'sent' | 'delivered' | 'read' | 'failed'> = {
  submitted: 'sent',
  delivered: 'delivered',
  read: 'read',
  rejected: 'failed',
  undeliverable: 'failed',
};

function messagesDetail(body: MessagesWebhook, status: string): StatusDetail | undefined {
  const error = body.error !== null && typeof body.error === 'object' ? (body.error as Record<string, unknown>) : {};
  const type = str(error.type);
  const title = str(error.title);
  const detail = str(error.detail);
  const code = type?.split('#').pop() || title || status;
  if (!type && !title && !detail && !(status === 'rejected' || status === 'undeliverable')) return undefined;
  return {
    code: String(code).slice(0, 200),
    message: [title, detail].filter(Boolean).join(': ').slice(0, 1000) || status,
  };
}

function parseMessages(req: WebhookRequest): WebhookOutcome {
  let body: unknown;
  try {
    body = JSON.parse(req.rawBody.toString('utf8'));
  } catch {
    return { kind: 'ignored', reason: 'body is not JSON' };
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    return { kind: 'ignored', reason: 'not an object' };
  const b = body as MessagesWebhook;
  const uuid = str(b.message_uuid);
  if (!uuid) return { kind: 'ignored', reason: 'no message_uuid' };
  const timestamp = isoTime(b.timestamp, req.receivedAt);
  const status = str(b.status);
  if (status !== undefined) {
    const mapped = Object.hasOwn(MESSAGES_STATUS, status) ? MESSAGES_STATUS[status] : undefined;
    if (!mapped) return { kind: 'ignored', reason: `status ${status.slice(0, 40)} is not modelled` };
    const detail = messagesDetail(b, status);
    return {
      kind: 'events',
      events: [{ kind: 'status', providerMessageId: uuid, status: mapped, timestamp, ...(detail ? { detail } : {}) }],
    };
  }
  const from = str(b.from);
  const text = typeof b.text === 'string' ? b.text : undefined;
  if (!from || b.message_type !== 'text' || text === undefined || text.length === 0)
    return { kind: 'ignored', reason: 'not an inbound text message' };
  const to = str(b.to);
  const sms = b.sms !== null && typeof b.sms === 'object' ? (b.sms as Record<string, unknown>) : {};
  const parts = str(sms.num_messages);
  const event: InboundEvent = {
    kind: 'message',
    providerMessageId: uuid,
    from: { address: toE164(from) },
    ...(to ? { to: toE164(to) } : {}),
    content: { type: 'text', text },
    timestamp,
    ...(parts ? { metadata: { smsParts: parts } } : {}),
  };
  return { kind: 'events', events: [event] };
}

/** legacy delivery receipt statuses (https://developer.vonage.com/en/messaging/sms/guides/delivery-receipts) */
const DLR_STATUS: Record<string, 'sent' | 'delivered' | 'failed'> = {
  accepted: 'sent',
  buffered: 'sent',
  delivered: 'delivered',
  expired: 'failed',
  failed: 'failed',
  rejected: 'failed',
};

function parseLegacy(req: WebhookRequest): WebhookOutcome {
  const p = legacyParams(req);
  if (!p) return { kind: 'ignored', reason: 'not a Vonage SMS webhook' };
  const messageId = str(p.messageId);
  if (!messageId) return { kind: 'ignored', reason: 'no messageId' };
  const timestamp = isoTime(p['message-timestamp'] ?? p.scts, req.receivedAt);
  if (p.status !== undefined && ('err-code' in p || 'scts' in p || 'network-code' in p)) {
    const mapped = Object.hasOwn(DLR_STATUS, p.status) ? DLR_STATUS[p.status] : undefined;
    if (!mapped) return { kind: 'ignored', reason: `receipt status ${p.status.slice(0, 40)} is not modelled` };
    const err = p['err-code'];
    const detail =
      mapped === 'failed' || (err !== undefined && err !== '0')
        ? { code: String(err ?? p.status).slice(0, 200), message: `${p.status} (err-code ${err ?? 'none'})` }
        : undefined;
    return {
      kind: 'events',
      events: [
        { kind: 'status', providerMessageId: messageId, status: mapped, timestamp, ...(detail ? { detail } : {}) },
      ],
    };
  }
  const msisdn = str(p.msisdn);
  const text = p.text;
  if (!msisdn || text === undefined || text.length === 0 || (p.type !== undefined && p.type === 'binary'))
    return { kind: 'ignored', reason: 'not an inbound text SMS' };
  const to = str(p.to);
  const ref = str(p['concat-ref']);
  const part = Number(p['concat-part']);
  const total = Number(p['concat-total']);
  const concat =
    p.concat === 'true' &&
    ref &&
    /^[0-9A-Za-z]{1,16}$/.test(ref) &&
    msisdn.length <= 64 &&
    Number.isInteger(part) &&
    Number.isInteger(total) &&
    total >= 2 &&
    part >= 1 &&
    part <= total &&
    total <= 255
      ? { group: `${msisdn}:${ref}:${total}`, index: part, total }
      : undefined;
  return {
    kind: 'events',
    events: [
      {
        kind: 'message',
        providerMessageId: messageId,
        from: { address: toE164(msisdn) },
        ...(to ? { to: toE164(to) } : {}),
        content: { type: 'text', text },
        timestamp,
        ...(concat ? { part: concat } : {}),
      },
    ],
  };
}

export function parseVonage(req: WebhookRequest, config: VonageConfig): WebhookOutcome {
  try {
    return config.api === 'sms' ? parseLegacy(req) : parseMessages(req);
  } catch {
    return { kind: 'ignored', reason: 'unreadable webhook' };
  }
}

/** dedup before storing: the message id, and for statuses the status too (one webhook per transition) */
export function vonageEventKey(req: WebhookRequest): string | undefined {
  // eventKey has no config: a Messages body is JSON with a message_uuid, anything else is read as the legacy API
  let messages = false;
  try {
    const body: unknown = JSON.parse(req.rawBody.toString('utf8'));
    messages = body !== null && typeof body === 'object' && 'message_uuid' in body;
  } catch {
    messages = false;
  }
  const outcome = messages ? parseMessages(req) : parseLegacy(req);
  if (outcome.kind !== 'events') return undefined;
  const e = outcome.events[0];
  if (!e || (e.kind !== 'status' && e.kind !== 'message')) return undefined;
  return e.kind === 'status' ? `${e.providerMessageId}:${e.status}` : e.providerMessageId;
}
