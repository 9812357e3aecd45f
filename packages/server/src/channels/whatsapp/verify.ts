/**
 * @module channels/whatsapp/verify — POST webhooks must carry X-Hub-Signature-256 = sha256=<hex HMAC-SHA256(app
 * secret, raw body)> (https://developers.facebook.com/docs/graph-api/webhooks/getting-started#event-notifications); GET is Meta's verification handshake, answered by parse (https://developers.facebook.com/docs/graph-api/webhooks/getting-started#verification-requests).
 */
import { hmac, verifyHmac, type Verdict, type WebhookRequest } from '../../channel-kit/index.js';
import type { WhatsAppConfig } from './config.js';

/** an HMAC of the body: kept with the raw event, it re-verifies the stored bytes and is no use for any other body */
export const SIGNATURE_HEADER = 'x-hub-signature-256';

export function verifyWhatsApp(req: WebhookRequest, config: WhatsAppConfig): Verdict {
  // the hub calls verify before parse: a GET passes here and parse checks hub.verify_token (403 there)
  if (req.method === 'GET') return { ok: true };
  if (req.method !== 'POST') return { ok: false, status: 401, reason: `unexpected ${req.method} request` };
  const received = req.headers[SIGNATURE_HEADER];
  if (!received) return { ok: false, status: 401, reason: 'missing X-Hub-Signature-256' };
  const ok = verifyHmac({
    algorithm: 'sha256',
    secret: config.appSecret,
    data: req.rawBody,
    received,
    encoding: 'hex',
    prefix: 'sha256=',
  });
  return ok ? { ok: true } : { ok: false, status: 401, reason: 'X-Hub-Signature-256 does not match the body' };
}

/**
 * Meta sends no delivery id; a retried POST carries the same bytes (https://developers.facebook.com/docs/graph-api/webhooks/getting-started#event-notifications, https://developers.facebook.com/docs/whatsapp/cloud-api/webhooks/components), so a digest of the body drops
 * byte-identical re-deliveries before they are stored again. Distinct events always differ (wamid, status, time).
 */
export function whatsappEventKey(req: WebhookRequest): string | undefined {
  return req.method === 'POST' && req.rawBody.length > 0
    ? `body:${hmac('sha256', 'whatsapp-webhook-body', req.rawBody, 'base64url')}`
    : undefined;
}
