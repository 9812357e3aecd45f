/**
 * @module channels/twilio-sms/verify — X-Twilio-Signature: base64 HMAC-SHA1 with the Auth Token over the full URL
 * Twilio called followed by every POST parameter, sorted by name, as name + value
 * (https://www.twilio.com/docs/usage/webhooks/webhooks-security). Twilio signs the URL as it was configured, which
 * may or may not carry the default port (:443 / :80), so both spellings are tried, as the official helper does
 * (twilio-node src/webhooks/webhooks.ts validateRequest). Constant time, fails closed.
 */
import { hmac, safeEqual, type Verdict, type WebhookRequest } from '../../channel-kit/index.js';
import type { TwilioSmsConfig } from './config.js';

export const SIGNATURE_HEADER = 'x-twilio-signature';

/** the form parameters of a webhook, every value of a repeated name kept */
export function formParams(req: Pick<WebhookRequest, 'method' | 'rawBody' | 'headers'>): Map<string, string[]> {
  const params = new Map<string, string[]>();
  if (req.method !== 'POST') return params;
  for (const [k, v] of new URLSearchParams(req.rawBody.toString('utf8'))) params.set(k, [...(params.get(k) ?? []), v]);
  return params;
}

/** the string Twilio signs: the URL, then each parameter name + value in name order (a repeated name's values sorted) */
export function signedData(url: string, params: Map<string, string[]>): string {
  let data = url;
  for (const name of [...params.keys()].sort())
    for (const value of [...new Set(params.get(name) ?? [])].sort()) data += name + value;
  return data;
}

/** the URL as called, without its port, and (when it has none) with its scheme's default port: what twilio-node's validateRequest tries */
export function urlVariants(raw: string): string[] {
  const m = /^(https?):\/\/([^/:?#]+)(?::(\d+))?(.*)$/i.exec(raw);
  if (!m) return [raw];
  const [, scheme, host, port, rest] = m as unknown as [string, string, string, string | undefined, string];
  const defaultPort = scheme.toLowerCase() === 'https' ? '443' : '80';
  // as the official helper: the URL without any port, and without a port given, with the default one
  const variants = [raw, `${scheme}://${host}${rest}`];
  if (port === undefined) variants.push(`${scheme}://${host}:${defaultPort}${rest}`);
  return [...new Set(variants)];
}

export function twilioSignature(authToken: string, url: string, params: Map<string, string[]>): string {
  return hmac('sha1', authToken, signedData(url, params), 'base64');
}

export function verifyTwilio(req: WebhookRequest, config: TwilioSmsConfig): Verdict {
  if (req.method !== 'POST' && req.method !== 'GET')
    return { ok: false, status: 401, reason: `unexpected ${req.method} request` };
  const received = req.headers[SIGNATURE_HEADER];
  if (!received) return { ok: false, status: 401, reason: 'missing X-Twilio-Signature' };
  if (!config.authToken) return { ok: false, status: 401, reason: 'no Auth Token configured' };
  try {
    const params = formParams(req);
    // every variant is computed and compared, so the time taken does not tell which one matched
    let ok = false;
    for (const url of urlVariants(req.url))
      ok = safeEqual(twilioSignature(config.authToken, url, params), received) || ok;
    return ok
      ? { ok: true }
      : { ok: false, status: 401, reason: 'X-Twilio-Signature does not match the URL and parameters' };
  } catch {
    return { ok: false, status: 401, reason: 'X-Twilio-Signature could not be checked' };
  }
}

/** Twilio retries a webhook with the same MessageSid; a status callback is one per (MessageSid, MessageStatus) */
export function twilioEventKey(req: WebhookRequest): string | undefined {
  const params = formParams(req);
  const sid = params.get('MessageSid')?.[0];
  if (!sid) return undefined;
  const status = params.get('MessageStatus')?.[0];
  return status ? `status:${sid}:${status}` : `message:${sid}`;
}
