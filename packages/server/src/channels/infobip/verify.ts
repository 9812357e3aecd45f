/**
 * @module channels/infobip/verify — Infobip does not sign its webhooks; a forwarding setup can add an authorization
 * header of the customer's choosing ("the connection can be secured with an additional authorization header",
 * https://www.infobip.com/docs/api/channels/sms/inbound-sms/receive-inbound-sms-messages). The connection's
 * `webhookAuth` is that header's whole value: required, compared in constant time, fail closed.
 */
import { hmac, safeEqual, type Verdict, type WebhookRequest } from '../../channel-kit/index.js';
import type { InfobipConfig } from './config.js';

export const AUTH_HEADER = 'authorization';

export function verifyInfobip(req: WebhookRequest, config: InfobipConfig): Verdict {
  if (req.method !== 'POST') return { ok: false, status: 401, reason: `unexpected ${req.method} request` };
  if (!config.webhookAuth) return { ok: false, status: 401, reason: 'the connection has no webhook authorization set' };
  const received = req.headers[AUTH_HEADER];
  if (!received) return { ok: false, status: 401, reason: 'missing Authorization header' };
  return safeEqual(config.webhookAuth, received)
    ? { ok: true }
    : { ok: false, status: 401, reason: 'Authorization header does not match the configured webhook authorization' };
}

/**
 * A push Infobip re-sends after a failed attempt carries the same body (reports are batched once, then retried as
 * they were); a digest of the body drops the copy before it is stored again. Each message and report inside is
 * still deduplicated on its own by the hub (message id; report status forward-only).
 */
export function infobipEventKey(req: WebhookRequest): string | undefined {
  return req.method === 'POST' && req.rawBody.length > 0
    ? `body:${hmac('sha256', 'infobip-webhook-body', req.rawBody, 'base64url')}`
    : undefined;
}
