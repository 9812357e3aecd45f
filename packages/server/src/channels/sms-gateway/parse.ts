/**
 * @module channels/sms-gateway/parse — the gateway's callbacks into events. Pure.
 * Kannel: an sms-service `get-url` call (`from=%p&to=%P&text=%b&smsc=%i&id=%I&time=%T&coding=%c&charset=%C`) is a
 * message; a `dlr-url` call (`msg=<our id>&type=%d&reply=%A&ts=%T`) is a delivery report whose `%d` is one bit of the
 * dlr-mask: 1 delivered, 2 delivery failed, 4 buffered at the SMSC, 8 accepted by the SMSC, 16 rejected by it
 * (https://www.kannel.org/download/1.4.5/userguide-1.4.5/userguide.html, "Delivery reports"). Kannel sends the body
 * of our answer to a get-url as a reply SMS unless the service has `max-messages = 0`; the answer is empty either way.
 * http: the JSON events of docs/channels/sms-gateway.md.
 */
import { z } from 'zod';
import type { HttpReply, WebhookOutcome, WebhookRequest } from '../../channel-kit/index.js';
import type { InboundEvent } from '../../model/index.js';
import type { SmsGatewayConfig } from './config.js';
import { callbackParams, decodeText, param } from './params.js';

/** nothing for Kannel to send back as a reply SMS */
export const EMPTY_REPLY: HttpReply = { status: 200, headers: { 'content-type': 'text/plain' }, body: '' };

const at = (unixSeconds: string | undefined, fallback: string | undefined): string => {
  const n = unixSeconds !== undefined && /^\d{1,12}$/.test(unixSeconds) ? Number(unixSeconds) * 1000 : NaN;
  return Number.isFinite(n) && n > 0 ? new Date(n).toISOString() : (fallback ?? new Date(0).toISOString());
};

const ignored = (reason: string): WebhookOutcome => ({ kind: 'ignored', reason, reply: EMPTY_REPLY });

/** a Kannel delivery report: `%d` → a status, the SMSC's `%A` answer kept in the detail */
function kannelDlr(p: Map<string, Buffer>, receivedAt: string | undefined): WebhookOutcome {
  const id = param(p, 'msg') ?? '';
  if (!/^[\w.:-]{1,128}$/.test(id)) return ignored('a delivery report without our message id');
  const type = Number.parseInt(param(p, 'type') ?? '', 10);
  const reply = (param(p, 'reply') ?? '').slice(0, 300);
  const base = { kind: 'status' as const, providerMessageId: id, timestamp: at(param(p, 'ts'), receivedAt) };
  const withReply = reply ? `: ${reply}` : '';
  let event: InboundEvent;
  if (type & 1) event = { ...base, status: 'delivered' };
  else if (type & 2)
    event = {
      ...base,
      status: 'failed',
      detail: { code: 'UNDELIVERED', message: `Kannel DLR 2, not delivered${withReply}` },
    };
  else if (type & 16)
    event = {
      ...base,
      status: 'failed',
      detail: { code: 'SMSC_REJECTED', message: `Kannel DLR 16, rejected by the SMSC${withReply}` },
    };
  else if (type & 8) event = { ...base, status: 'sent' };
  else if (type & 4) return ignored('DLR 4: buffered at the SMSC, still on its way');
  else return ignored(`DLR type ${param(p, 'type') ?? '(none)'} is not one Kannel defines`);
  return { kind: 'events', events: [event], reply: EMPTY_REPLY };
}

/** a Kannel sms-service call: one message from a phone */
function kannelMessage(p: Map<string, Buffer>, receivedAt: string | undefined): WebhookOutcome {
  const from = param(p, 'from')?.trim();
  if (!from) return ignored('no sender (%p)');
  const id = param(p, 'id')?.trim();
  if (!id || !/^[\w.:-]{1,128}$/.test(id)) return ignored('no Kannel message id (%I)');
  const coding = param(p, 'coding');
  if (coding === '1') return ignored('an 8-bit binary SMS (coding 1) carries no text');
  const text = decodeText(p.get('text') ?? Buffer.alloc(0), coding, param(p, 'charset'));
  if (!text.trim()) return ignored('an empty message');
  const to = param(p, 'to')?.trim();
  const smsc = param(p, 'smsc')?.trim();
  return {
    kind: 'events',
    events: [
      {
        kind: 'message',
        providerMessageId: id,
        from: { address: from },
        ...(to ? { to } : {}),
        content: { type: 'text', text: text.slice(0, 65536) },
        timestamp: at(param(p, 'time'), receivedAt),
        ...(smsc ? { metadata: { smsc } } : {}),
      },
    ],
    reply: EMPTY_REPLY,
  };
}

export function parseKannel(req: WebhookRequest): WebhookOutcome {
  const p = callbackParams(req);
  if (p.has('type') && p.has('msg')) return kannelDlr(p, req.receivedAt);
  return kannelMessage(p, req.receivedAt);
}

const httpMessageSchema = z.object({
  event: z.literal('message'),
  id: z.string().regex(/^[\w.:-]{1,128}$/),
  from: z.string().min(1).max(64),
  to: z.string().min(1).max(64).optional(),
  text: z.string().max(65536),
  receivedAt: z.iso.datetime({ offset: true }).optional(),
});
const httpStatusSchema = z.object({
  event: z.literal('status'),
  id: z.string().regex(/^[\w.:-]{1,128}$/),
  status: z.string(),
  error: z.object({ code: z.string().max(64).optional(), message: z.string().max(500).optional() }).optional(),
  at: z.iso.datetime({ offset: true }).optional(),
});

// a Map: a status named `constructor` must not find Object's
const HTTP_STATUSES = new Map([
  ['sent', 'sent'],
  ['delivered', 'delivered'],
  ['failed', 'failed'],
] as const);

export function parseHttp(req: WebhookRequest): WebhookOutcome {
  let body: unknown;
  try {
    body = JSON.parse(req.rawBody.toString('utf8'));
  } catch {
    return { kind: 'ignored', reason: 'not JSON' };
  }
  const message = httpMessageSchema.safeParse(body);
  if (message.success) {
    const m = message.data;
    if (!m.text.trim()) return { kind: 'ignored', reason: 'an empty message' };
    return {
      kind: 'events',
      events: [
        {
          kind: 'message',
          providerMessageId: m.id,
          from: { address: m.from },
          ...(m.to ? { to: m.to } : {}),
          content: { type: 'text', text: m.text },
          timestamp: m.receivedAt
            ? new Date(m.receivedAt).toISOString()
            : (req.receivedAt ?? new Date(0).toISOString()),
        },
      ],
    };
  }
  const status = httpStatusSchema.safeParse(body);
  if (!status.success) return { kind: 'ignored', reason: 'not a message or status event of the gateway contract' };
  const s = status.data;
  const mapped = HTTP_STATUSES.get(s.status as 'sent');
  if (!mapped) return { kind: 'ignored', reason: `status ${s.status.slice(0, 40)} is not one the hub tracks` };
  const timestamp = s.at ? new Date(s.at).toISOString() : (req.receivedAt ?? new Date(0).toISOString());
  const event: InboundEvent =
    mapped === 'failed'
      ? {
          kind: 'status',
          providerMessageId: s.id,
          status: 'failed',
          timestamp,
          detail: {
            code: s.error?.code && /^[A-Z0-9_]{1,64}$/.test(s.error.code) ? s.error.code : 'UNDELIVERED',
            message: `the gateway reports the message failed${s.error?.message ? `: ${s.error.message}` : ''}`,
          },
        }
      : { kind: 'status', providerMessageId: s.id, status: mapped, timestamp };
  return { kind: 'events', events: [event] };
}

export const parseSmsGateway = (req: WebhookRequest, config: SmsGatewayConfig): WebhookOutcome =>
  config.mode === 'http' ? parseHttp(req) : parseKannel(req);

/** Kannel's id + time for a message (it re-fetches a get-url that failed), (message, type) for a report */
export function smsGatewayEventKey(req: WebhookRequest): string | undefined {
  if (req.method === 'POST' && /json/i.test(req.headers['content-type'] ?? '')) {
    try {
      const body = JSON.parse(req.rawBody.toString('utf8')) as Record<string, unknown>;
      if (typeof body.id !== 'string') return undefined;
      if (body.event === 'message') return `message:${body.id}`;
      if (body.event === 'status' && typeof body.status === 'string') return `status:${body.id}:${body.status}`;
    } catch {
      return undefined;
    }
    return undefined;
  }
  const p = callbackParams(req);
  const msg = param(p, 'msg');
  const type = param(p, 'type');
  if (msg && type) return `dlr:${msg}:${type}`;
  const id = param(p, 'id');
  return id ? `mo:${id}:${param(p, 'time') ?? ''}` : undefined;
}
