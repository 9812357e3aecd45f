/**
 * @module channels/intercom/verify — every Intercom webhook carries `X-Hub-Signature: sha1=<hex HMAC-SHA1 of the raw
 * body keyed with the app's client secret>` (https://developers.intercom.com/docs/references/webhooks/webhook-models,
 * "Signed notifications"); checked on the raw bytes, constant time, failing closed.
 */
import { verifyHmac, type Verdict, type WebhookRequest } from '../../channel-kit/index.js';
import type { IntercomConfig } from './config.js';

export const SIGNATURE_HEADER = 'x-hub-signature';

export function verifyIntercom(req: WebhookRequest, config: IntercomConfig): Verdict {
  // the Developer Hub checks a new endpoint URL with a HEAD request: no body, nothing stored, parse answers it
  // (https://developers.intercom.com/building-apps/docs/setting-up-webhooks)
  if (req.method === 'HEAD') return { ok: true };
  if (req.method !== 'POST') return { ok: false, status: 401, reason: `unexpected ${req.method} request` };
  const received = req.headers[SIGNATURE_HEADER];
  if (!received) return { ok: false, status: 401, reason: 'missing X-Hub-Signature' };
  const ok = verifyHmac({
    algorithm: 'sha1',
    secret: config.clientSecret,
    data: req.rawBody,
    received,
    encoding: 'hex',
    prefix: 'sha1=',
  });
  return ok ? { ok: true } : { ok: false, status: 401, reason: 'X-Hub-Signature does not match the body' };
}

/**
 * Intercom retries a notification it could not deliver with the same notification `id` (`notif_…`); the id drops
 * the copies before they are stored again. Parts are deduplicated by their own ids as well, since one part can
 * appear in several notifications.
 */
export function intercomEventKey(req: WebhookRequest): string | undefined {
  if (req.method !== 'POST' || req.rawBody.length === 0 || req.rawBody.length > 4 << 20) return undefined;
  try {
    const body: unknown = JSON.parse(req.rawBody.toString('utf8'));
    const id = body && typeof body === 'object' ? (body as { id?: unknown }).id : undefined;
    return typeof id === 'string' && id.length > 0 && id.length <= 200 ? `notif:${id}` : undefined;
  } catch {
    return undefined;
  }
}
