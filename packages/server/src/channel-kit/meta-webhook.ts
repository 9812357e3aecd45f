/**
 * @module channel-kit/meta-webhook — what every Meta webhook (WhatsApp Cloud, Messenger, Instagram) shares: the GET
 * `hub.challenge` handshake (https://developers.facebook.com/docs/graph-api/webhooks/getting-started#verification-requests)
 * and `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(app secret, raw body)>` on every POST
 * (https://developers.facebook.com/docs/graph-api/webhooks/getting-started#event-notifications), checked on the raw bytes,
 * constant time, failing closed. Channels of the Meta family use these instead of repeating them.
 */
import type { Verdict, WebhookOutcome, WebhookRequest } from './connector.js';
import { hmac, safeEqual, verifyHmac } from './signature.js';

/** an HMAC of the body: kept with the raw event, it re-verifies the stored bytes and is no use for any other body */
export const META_SIGNATURE_HEADER = 'x-hub-signature-256';

/** POST: the body must carry a valid X-Hub-Signature-256; GET passes here and the handshake checks the verify token */
export function verifyMetaSignature(req: WebhookRequest, appSecret: string | undefined): Verdict {
  if (req.method === 'GET') return { ok: true };
  if (req.method !== 'POST') return { ok: false, status: 401, reason: `unexpected ${req.method} request` };
  const received = req.headers[META_SIGNATURE_HEADER];
  if (!received) return { ok: false, status: 401, reason: 'missing X-Hub-Signature-256' };
  const ok = verifyHmac({
    algorithm: 'sha256',
    secret: appSecret,
    data: req.rawBody,
    received,
    encoding: 'hex',
    prefix: 'sha256=',
  });
  return ok ? { ok: true } : { ok: false, status: 401, reason: 'X-Hub-Signature-256 does not match the body' };
}

/** GET ?hub.mode=subscribe&hub.verify_token=…&hub.challenge=… → 200 with the raw challenge, else 403 */
export function metaHandshake(req: WebhookRequest, verifyToken: string | undefined): WebhookOutcome {
  const challenge = req.query['hub.challenge'];
  const ok =
    req.query['hub.mode'] === 'subscribe' &&
    typeof challenge === 'string' &&
    safeEqual(verifyToken, req.query['hub.verify_token']);
  return ok
    ? { kind: 'handshake', reply: { status: 200, headers: { 'content-type': 'text/plain' }, body: challenge } }
    : {
        kind: 'handshake',
        reply: { status: 403, headers: { 'content-type': 'text/plain' }, body: 'verification failed' },
      };
}

/**
 * Meta sends no delivery id; a retried POST carries the same bytes, so a digest of the body drops byte-identical
 * re-deliveries before they are stored again (distinct events always differ: ids, times).
 */
export function metaBodyEventKey(req: WebhookRequest, salt: string): string | undefined {
  return req.method === 'POST' && req.rawBody.length > 0
    ? `body:${hmac('sha256', salt, req.rawBody, 'base64url')}`
    : undefined;
}
