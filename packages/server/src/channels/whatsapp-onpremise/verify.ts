/**
 * @module channels/whatsapp-onpremise/verify — the Coreapp signs no webhook and sends no credential of its own
 * (https://developers.facebook.com/docs/whatsapp/on-premises/webhooks): it only knows the URL set with PATCH
 * /v1/settings/application. So the URL the hub registers carries the connection's `webhookSecret` as its last
 * path segment, `/webhooks/{connectionId}/{webhookSecret}`, compared in constant time; a BSP that fronts the
 * Coreapp with its own proxy may instead send it as the `X-Switchboard-Webhook-Secret` header. Anything else —
 * no secret, a wrong one, one in both places that disagree — is 401. GET is refused: there is no handshake.
 */
import { hmac, safeEqual, type Verdict, type WebhookRequest } from '../../channel-kit/index.js';
import type { WhatsAppOnPremConfig } from './config.js';

export const SECRET_HEADER = 'x-switchboard-webhook-secret';

/** the path segment after /webhooks/{connectionId}/, when there is exactly one */
export function pathSecret(url: string): string | undefined {
  let path: string;
  try {
    path = new URL(url, 'http://hub.invalid').pathname;
  } catch {
    return undefined;
  }
  const m = /\/webhooks\/[^/]+\/([^/]+)$/.exec(path);
  if (!m) return undefined;
  try {
    return decodeURIComponent(m[1] as string);
  } catch {
    return undefined;
  }
}

export function verifyWhatsAppOnPrem(req: WebhookRequest, config: WhatsAppOnPremConfig): Verdict {
  const expected = config.webhookSecret;
  if (!expected) return { ok: false, status: 401, reason: 'the connection has no webhook secret' };
  if (req.method !== 'POST') return { ok: false, status: 403, reason: 'the Coreapp only POSTs webhooks' };
  const inPath = pathSecret(req.url);
  const inHeader = req.headers[SECRET_HEADER];
  if (inPath === undefined && inHeader === undefined)
    return { ok: false, status: 401, reason: 'no webhook secret in the URL path or the header' };
  // both must hold when both are present, so a right header cannot smuggle a wrong path (or the reverse)
  const pathOk = inPath === undefined || safeEqual(expected, inPath);
  const headerOk = inHeader === undefined || safeEqual(expected, inHeader);
  return pathOk && headerOk ? { ok: true } : { ok: false, status: 401, reason: 'wrong webhook secret' };
}

/**
 * The Coreapp sends no delivery id and retries a failed POST with the same body
 * (https://developers.facebook.com/docs/whatsapp/on-premises/webhooks): a digest of the bytes drops byte-identical
 * re-deliveries before they are stored again. Distinct events differ (message ids, status, time).
 */
export function whatsappOnPremEventKey(req: WebhookRequest): string | undefined {
  return req.method === 'POST' && req.rawBody.length > 0
    ? `body:${hmac('sha256', 'whatsapp-onpremise-webhook-body', req.rawBody, 'base64url')}`
    : undefined;
}
