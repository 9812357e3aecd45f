/**
 * @module channels/rcs/verify — RBM webhooks (https://developers.google.com/business-communications/rcs-business-messaging/guides/integrate/webhooks):
 * the first-configuration request `{clientToken, secret}` proves itself with our client token; every later
 * Pub/Sub-style body with `X-Goog-Signature` = base64 HMAC-SHA512(clientToken, base64-decoded message.data),
 * compared in constant time, fail closed.
 */
import { hmac, safeEqual, type Verdict, type WebhookRequest } from '../../channel-kit/index.js';
import type { RcsConfig } from './config.js';

export const SIGNATURE_HEADER = 'x-goog-signature';

export function readJson(req: WebhookRequest): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(req.rawBody.toString('utf8'));
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** message.data, decoded; undefined when absent or not base64 */
export function decodedData(body: Record<string, unknown> | undefined): Buffer | undefined {
  const message = body?.message as { data?: unknown } | undefined;
  if (typeof message?.data !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(message.data)) return undefined;
  return Buffer.from(message.data, 'base64');
}

export function verifyRcs(req: WebhookRequest, config: RcsConfig): Verdict {
  if (req.method !== 'POST') return { ok: false, status: 403, reason: 'RBM posts its webhooks' };
  const body = readJson(req);
  if (!body) return { ok: false, status: 403, reason: 'body is not an RBM webhook' };
  if (typeof body.secret === 'string' && body.message === undefined) {
    const token = typeof body.clientToken === 'string' ? body.clientToken : undefined;
    if (!token) return { ok: false, status: 401, reason: 'missing clientToken' };
    return safeEqual(config.clientToken, token)
      ? { ok: true }
      : { ok: false, status: 403, reason: 'clientToken mismatch' };
  }
  const received = req.headers[SIGNATURE_HEADER];
  if (!received) return { ok: false, status: 401, reason: 'missing X-Goog-Signature' };
  const data = decodedData(body);
  if (!data) return { ok: false, status: 403, reason: 'no message data' };
  return safeEqual(hmac('sha512', config.clientToken, data, 'base64'), received)
    ? { ok: true }
    : { ok: false, status: 403, reason: 'signature mismatch' };
}
