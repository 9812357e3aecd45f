/**
 * @module channel-kit/signature
 * Constant-time signature checks that fail closed (n8n TwilioTriggerHelpers style): any missing piece, any
 * length mismatch, any exception → not verified.
 */
import { createHmac, timingSafeEqual, createHash } from 'node:crypto';

export type HmacAlgorithm = 'sha1' | 'sha256' | 'sha512';
export type SignatureEncoding = 'hex' | 'base64' | 'base64url';

export function hmac(
  algorithm: HmacAlgorithm,
  secret: string | Buffer,
  data: string | Buffer,
  encoding: SignatureEncoding,
): string {
  return createHmac(algorithm, secret).update(data).digest(encoding);
}

/**
 * Compares two strings in constant time with respect to their content. Both sides are hashed first so
 * that different lengths do not leak through an early return either.
 */
export function safeEqual(expected: string | undefined | null, received: string | undefined | null): boolean {
  if (typeof expected !== 'string' || typeof received !== 'string' || expected.length === 0) return false;
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(received).digest();
  return timingSafeEqual(a, b) && expected.length === received.length;
}

/** Verifies `received` (optionally prefixed, e.g. "sha256=") against an HMAC of `data`. Fails closed. */
export function verifyHmac(options: {
  algorithm: HmacAlgorithm;
  secret: string | undefined | null;
  data: string | Buffer;
  received: string | undefined | null;
  encoding: SignatureEncoding;
  prefix?: string;
}): boolean {
  const { algorithm, secret, data, received, encoding, prefix = '' } = options;
  if (!secret || !received) return false;
  if (!received.startsWith(prefix)) return false;
  try {
    const expected = hmac(algorithm, secret, data, encoding);
    return safeEqual(expected, received.slice(prefix.length));
  } catch {
    return false;
  }
}
