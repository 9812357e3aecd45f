/**
 * @module channels/vonage-sms/payloads
 * The shapes Vonage sends and answers (/work reference: vonage-node-sdk packages/messages and packages/sms types;
 * https://developer.vonage.com/en/api/messages-olympus, https://developer.vonage.com/en/api/sms).
 */
import type { WebhookRequest } from '../../channel-kit/index.js';

/** Messages API inbound message or status webhook (https://developer.vonage.com/en/api/messages-olympus#webhooks) */
export interface MessagesWebhook {
  message_uuid?: unknown;
  channel?: unknown;
  message_type?: unknown;
  to?: unknown;
  from?: unknown;
  timestamp?: unknown;
  text?: unknown;
  status?: unknown;
  client_ref?: unknown;
  error?: { type?: unknown; title?: unknown; detail?: unknown } | unknown;
  sms?: { num_messages?: unknown; keyword?: unknown } | unknown;
}

/** Messages API error body, RFC 7807 style (packages/messages/lib/types/Responses/MessageErrorResponse.ts) */
export interface MessagesErrorBody {
  type?: string;
  title?: string;
  detail?: string;
  instance?: string;
}

/** legacy SMS API answer: errors too come with HTTP 200 (https://developer.vonage.com/en/messaging/sms/guides/troubleshooting-sms) */
export interface SmsSendResponse {
  'message-count'?: string;
  messages?: Array<{ status?: string; 'message-id'?: string; 'error-text'?: string; to?: string }>;
}

/**
 * The parameters of a legacy SMS API webhook, whichever HTTP method the account uses (GET query, POST form or
 * POST-JSON, https://developer.vonage.com/en/messaging/sms/guides/inbound-sms). A form body with empty fields is not
 * one Vonage sends, so it is not read (a signature over it would otherwise cover two different byte strings).
 */
export function legacyParams(req: WebhookRequest): Record<string, string> | undefined {
  // no prototype: a parameter named __proto__ is a parameter like any other
  const out = Object.create(null) as Record<string, string>;
  if (req.method === 'GET') {
    for (const [k, v] of Object.entries(req.query)) if (typeof v === 'string') out[k] = v;
    return Object.keys(out).length > 0 ? out : undefined;
  }
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  const text = req.rawBody.toString('utf8');
  if (type === 'application/json') {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return undefined;
    }
    if (body === null || typeof body !== 'object' || Array.isArray(body)) return undefined;
    for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
      if (typeof v === 'string') out[k] = v;
      else if (typeof v === 'number' || typeof v === 'boolean') out[k] = String(v);
      else return undefined;
    }
    return Object.keys(out).length > 0 ? out : undefined;
  }
  if (type !== 'application/x-www-form-urlencoded') return undefined;
  if (text === '' || text.split('&').some((pair) => pair === '' || !pair.includes('='))) return undefined;
  const form = new URLSearchParams(text);
  for (const [k, v] of form) {
    if (k in out) return undefined; // a repeated key: not a Vonage body
    out[k] = v;
  }
  return out;
}

export const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);

/** Vonage writes numbers as international digits without the + (https://developer.vonage.com/en/messaging/sms/guides/country-specific-features) */
export function toE164(address: string): string {
  return /^\d{6,15}$/.test(address) ? `+${address}` : address;
}
export function toVonageNumber(address: string): string {
  return address.replace(/^\+/, '');
}
