/**
 * @module channels/bird/verify — every Bird webhook carries `messagebird-signature` = base64 HMAC-SHA256(signing key,
 * timestamp + "\n" + the URL Bird called + "\n" + SHA-256(raw body) as raw bytes) and `messagebird-request-timestamp`
 * (unix seconds) (https://docs.bird.com/api/notifications-api/api-reference/webhooks/verifying-a-webhook). A timestamp
 * more than 5 minutes away from when the hub received the request is a replay and refused.
 */
import { createHash, createHmac } from 'node:crypto';
import { hmac, safeEqual, type Verdict, type WebhookRequest } from '../../channel-kit/index.js';
import type { BirdConfig } from './config.js';

export const SIGNATURE_HEADER = 'messagebird-signature';
export const TIMESTAMP_HEADER = 'messagebird-request-timestamp';
export const REQUEST_ID_HEADER = 'messagebird-request-id';
/** how far a signed timestamp may be from the time of receipt, either way */
export const FRESHNESS_MS = 5 * 60 * 1000;

/** the signature Bird computes for these bytes (also what the simulator and the tests' independent signer agree on) */
export function birdSignature(signingKey: string, timestamp: string, url: string, rawBody: Buffer): string {
  const bodyDigest = createHash('sha256').update(rawBody).digest();
  return createHmac('sha256', signingKey)
    .update(Buffer.concat([Buffer.from(`${timestamp}\n${url}\n`, 'utf8'), bodyDigest]))
    .digest('base64');
}

export function verifyBird(req: WebhookRequest, config: BirdConfig): Verdict {
  if (req.method !== 'POST') return { ok: false, status: 401, reason: `unexpected ${req.method} request` };
  const received = req.headers[SIGNATURE_HEADER];
  const timestamp = req.headers[TIMESTAMP_HEADER];
  if (!received) return { ok: false, status: 401, reason: 'missing messagebird-signature' };
  if (!timestamp || !/^\d{1,12}$/.test(timestamp))
    return { ok: false, status: 401, reason: 'missing or malformed messagebird-request-timestamp' };
  if (!config.signingKey) return { ok: false, status: 401, reason: 'no signing key configured' };
  let expected: string;
  try {
    expected = birdSignature(config.signingKey, timestamp, req.url, req.rawBody);
  } catch {
    return { ok: false, status: 401, reason: 'signature could not be computed' };
  }
  // the HMAC first, in constant time, so a forged request learns nothing from which check failed
  if (!safeEqual(expected, received))
    return { ok: false, status: 401, reason: 'messagebird-signature does not match the request' };
  const at = req.receivedAt ? Date.parse(req.receivedAt) : Date.now();
  if (!Number.isFinite(at) || Math.abs(at - Number(timestamp) * 1000) > FRESHNESS_MS)
    return { ok: false, status: 401, reason: 'messagebird-request-timestamp is older than 5 minutes (replay refused)' };
  return { ok: true };
}

/**
 * Bird re-delivers a failed webhook with the same body (https://docs.bird.com/api/notifications-api/api-reference/webhook-subscriptions,
 * retries over 8 hours) and a fresh timestamp and signature; a digest of the body drops those before they are stored again.
 */
export function birdEventKey(req: WebhookRequest): string | undefined {
  return req.method === 'POST' && req.rawBody.length > 0
    ? `body:${hmac('sha256', 'bird-webhook-body', req.rawBody, 'base64url')}`
    : undefined;
}
