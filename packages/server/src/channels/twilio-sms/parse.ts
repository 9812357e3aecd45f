/**
 * @module channels/twilio-sms/parse — Twilio's form-encoded webhooks into events: an incoming message
 * (https://www.twilio.com/docs/messaging/guides/webhook-request: Body, NumMedia, MediaUrl{N}, MediaContentType{N},
 * OptOutType from Advanced Opt-Out, https://help.twilio.com/articles/360034798533) or a status callback
 * (https://www.twilio.com/docs/messaging/guides/track-outbound-message-status: MessageStatus, ErrorCode). Pure.
 * Twilio expects TwiML back; an empty <Response/> sends nothing (https://www.twilio.com/docs/messaging/twiml).
 */
import { formParams, type HttpReply, type WebhookOutcome, type WebhookRequest } from '../../channel-kit/index.js';
import type { InboundEvent, InboundMessageEvent } from '../../model/index.js';
import type { TwilioSmsConfig } from './config.js';

export const EMPTY_TWIML: HttpReply = {
  status: 200,
  headers: { 'content-type': 'text/xml' },
  body: '<?xml version="1.0" encoding="UTF-8"?><Response/>',
};

/** delivery error codes in status callbacks (https://www.twilio.com/docs/api/errors) */
const ERROR_TEXT: Record<string, string> = {
  '30001': 'queue overflow',
  '30002': 'account suspended',
  '30003': 'unreachable destination handset',
  '30004': 'message blocked',
  '30005': 'unknown destination handset',
  '30006': 'landline or unreachable carrier',
  '30007': 'message filtered by the carrier',
  '30008': 'unknown error',
  '21610': 'the recipient unsubscribed (replied STOP)',
};

const OPT_OUT_TYPES = { STOP: 'opt_out', START: 'opt_in', HELP: 'help' } as const;

function mediaType(mime: string): 'image' | 'audio' | 'video' | 'document' {
  if (/^image\/(jpeg|png|gif|webp)/i.test(mime)) return 'image';
  if (/^audio\//i.test(mime)) return 'audio';
  if (/^video\//i.test(mime)) return 'video';
  return 'document';
}

function statusEvent(p: (k: string) => string | undefined, sid: string, at: string): WebhookOutcome {
  const status = p('MessageStatus') ?? '';
  const errorCode = p('ErrorCode');
  const base = { kind: 'status' as const, providerMessageId: sid, timestamp: at };
  let event: InboundEvent;
  if (status === 'sent') event = { ...base, status: 'sent' };
  else if (status === 'delivered') event = { ...base, status: 'delivered' };
  else if (status === 'read') event = { ...base, status: 'read' };
  else if (status === 'failed' || status === 'undelivered') {
    const code = errorCode && /^\d{1,6}$/.test(errorCode) ? errorCode : status.toUpperCase();
    const why = errorCode ? (ERROR_TEXT[errorCode] ?? 'see https://www.twilio.com/docs/api/errors/' + code) : '';
    event = {
      ...base,
      status: 'failed',
      detail: { code, message: `Twilio ${status}${errorCode ? ` (error ${errorCode}: ${why})` : ''}` },
    };
  } else return { kind: 'ignored', reason: `status ${status || '(none)'} is not one the hub tracks` };
  return { kind: 'events', events: [event], reply: EMPTY_TWIML };
}

export function parseTwilio(req: WebhookRequest, config: TwilioSmsConfig): WebhookOutcome {
  const params = formParams(req);
  const p = (k: string) => params.get(k)?.[0];
  const sid = p('MessageSid') ?? p('SmsSid');
  if (!sid || !/^[A-Z]{2}[0-9a-zA-Z]{10,40}$/.test(sid)) return { kind: 'ignored', reason: 'no MessageSid' };
  const account = p('AccountSid');
  if (account !== undefined && account !== config.accountSid)
    return { kind: 'ignored', reason: 'a message of another Twilio account' };
  const at = req.receivedAt ?? new Date(0).toISOString();
  if (p('MessageStatus') !== undefined) return statusEvent(p, sid, at);
  const from = p('From')?.trim();
  if (!from) return { kind: 'ignored', reason: 'no From' };
  if (p('SmsStatus') !== undefined && p('SmsStatus') !== 'received')
    return { kind: 'ignored', reason: `SmsStatus ${p('SmsStatus')}` };
  const body = p('Body') ?? '';
  const count = Math.min(10, Math.max(0, Number.parseInt(p('NumMedia') ?? '0', 10) || 0));
  const optOut = OPT_OUT_TYPES[(p('OptOutType') ?? '').toUpperCase() as keyof typeof OPT_OUT_TYPES];
  const to = p('To');
  const metadata: Record<string, unknown> = {};
  for (const [key, name] of [
    ['NumSegments', 'numSegments'],
    ['FromCountry', 'fromCountry'],
    ['MessagingServiceSid', 'messagingServiceSid'],
  ] as const) {
    const v = p(key);
    if (v) metadata[name] = v;
  }
  const common = {
    kind: 'message' as const,
    from: { address: from },
    ...(to ? { to } : {}),
    timestamp: at,
    ...(Object.keys(metadata).length > 0 ? { metadata } : {}),
  };
  const events: InboundMessageEvent[] = [];
  for (let i = 0; i < count; i++) {
    const url = p(`MediaUrl${i}`);
    if (!url || !/^https?:\/\//i.test(url)) continue;
    const mimeType = p(`MediaContentType${i}`) || 'application/octet-stream';
    const caption = events.length === 0 && body.trim() ? { caption: body } : {};
    events.push({
      ...common,
      // one message per file: the first keeps the MessageSid, the others are numbered after it
      providerMessageId: events.length === 0 ? sid : `${sid}/${i}`,
      content: { type: mediaType(mimeType), media: { url, mimeType, providerMediaId: url, ...caption } },
    });
  }
  if (events.length === 0) {
    if (!body.trim()) return { kind: 'ignored', reason: 'an empty message' };
    events.push({ ...common, providerMessageId: sid, content: { type: 'text', text: body.slice(0, 65536) } });
  }
  if (optOut) {
    const first = events[0] as InboundMessageEvent;
    events[0] = {
      ...first,
      providerConsent: {
        kind: optOut,
        keyword: (body.trim().toUpperCase() || (p('OptOutType') ?? '').toUpperCase()).slice(0, 64),
      },
    };
  }
  return { kind: 'events', events, reply: EMPTY_TWIML };
}
