/**
 * @module channels/vonage-sms/verify
 * Webhook verification for both Vonage APIs, on the raw request, constant time, fail closed.
 * Messages API: `Authorization: Bearer <JWT>` signed HS256 with the signature secret, whose `payload_hash` claim is the
 * hex SHA-256 of the exact body (https://developer.vonage.com/en/getting-started/concepts/webhooks#decoding-signed-webhooks).
 * Legacy SMS API: the `sig` parameter over the sorted other parameters (https://developer.vonage.com/en/getting-started/concepts/signing-messages).
 */
import { createHash, createHmac } from 'node:crypto';
import { safeEqual, verifyHmac, type Verdict, type WebhookRequest } from '../../channel-kit/index.js';
import type { VonageConfig } from './config.js';
import { legacyParams } from './payloads.js';

const refuse = (reason: string, status: 401 | 403 = 401): Verdict => ({ ok: false, status, reason });

function decodeSegment(segment: string): Record<string, unknown> | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(segment)) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** HS256 JWT + payload_hash; `now` in seconds (exp/nbf are honoured when present) */
export function verifySignedWebhook(
  authorization: string | undefined,
  body: Buffer,
  secret: string | undefined,
  now = Math.floor(Date.now() / 1000),
): Verdict {
  if (!secret) return refuse('no signature secret configured', 403);
  if (!authorization || !authorization.startsWith('Bearer ')) return refuse('missing bearer token');
  const parts = authorization.slice('Bearer '.length).split('.');
  if (parts.length !== 3) return refuse('malformed token');
  const [head, payload, signature] = parts as [string, string, string];
  const header = decodeSegment(head);
  if (header?.alg !== 'HS256') return refuse('token not signed HS256');
  if (
    !verifyHmac({ algorithm: 'sha256', secret, data: `${head}.${payload}`, received: signature, encoding: 'base64url' })
  )
    return refuse('bad token signature');
  const claims = decodeSegment(payload);
  if (!claims) return refuse('malformed token claims');
  if (typeof claims.exp === 'number' && claims.exp < now) return refuse('token expired');
  if (typeof claims.nbf === 'number' && claims.nbf > now + 60) return refuse('token not yet valid');
  const hash = createHash('sha256').update(body).digest('hex');
  if (typeof claims.payload_hash !== 'string' || !safeEqual(hash, claims.payload_hash.toLowerCase()))
    return refuse('payload_hash does not match the body');
  return { ok: true };
}

/**
 * The signature string of the legacy API: `sig` dropped, keys sorted, `&key=value` each, `&` and `=` inside values
 * replaced by `_` (vonage-node-sdk packages/sms/lib/sms.ts verifySignature).
 */
export function legacySignature(
  params: Record<string, string>,
  secret: string,
  method: VonageConfig['signatureMethod'],
): string {
  const base = Object.keys(params)
    .filter((k) => k !== 'sig')
    .sort()
    .map((k) => `&${k}=${String(params[k]).replace(/[&=]/g, '_')}`)
    .join('');
  if (method === 'md5hash')
    return createHash('md5')
      .update(base + secret)
      .digest('hex');
  const algorithm = { md5hmac: 'md5', sha1hmac: 'sha1', sha256hmac: 'sha256', sha512hmac: 'sha512' }[method];
  return createHmac(algorithm, secret).update(base).digest('hex');
}

export function verifyLegacy(req: WebhookRequest, config: VonageConfig): Verdict {
  const secret = config.signatureSecret;
  if (!secret) return refuse('no signature secret configured', 403);
  const params = legacyParams(req);
  if (!params) return refuse('not a Vonage SMS webhook');
  const sig = params.sig;
  if (!sig) return refuse('missing sig');
  let expected: string;
  try {
    expected = legacySignature(params, secret, config.signatureMethod);
  } catch {
    return refuse('could not compute the signature');
  }
  // Vonage sends the hex digest in one case; a mixed-case value is not one it produced
  const same = safeEqual(expected, sig) || safeEqual(expected.toUpperCase(), sig);
  return same ? { ok: true } : refuse('bad sig');
}

export function verifyVonage(req: WebhookRequest, config: VonageConfig): Verdict {
  try {
    if (config.api === 'sms') return verifyLegacy(req, config);
    return verifySignedWebhook(req.headers.authorization, req.rawBody, config.signatureSecret);
  } catch {
    return refuse('verification failed');
  }
}
