// How Vonage signs what it sends: Messages API webhooks carry a Bearer JWT (HS256, signature secret) with the body's
// SHA-256 as `payload_hash` (https://developer.vonage.com/en/getting-started/concepts/webhooks#decoding-signed-webhooks);
// legacy SMS API webhooks carry `sig` over the sorted parameters (https://developer.vonage.com/en/getting-started/concepts/signing-messages).
import { createHash, createHmac, randomUUID } from 'node:crypto';
import { SignJWT, importSPKI, jwtVerify } from 'jose';

export type SignatureMethod = 'md5hash' | 'md5hmac' | 'sha1hmac' | 'sha256hmac' | 'sha512hmac';

export async function signWebhookJwt(
  body: Buffer,
  secret: string,
  claims: { apiKey: string; applicationId: string },
  nowSeconds = Math.floor(Date.now() / 1000),
): Promise<string> {
  return new SignJWT({
    api_key: claims.apiKey,
    application_id: claims.applicationId,
    payload_hash: createHash('sha256').update(body).digest('hex'),
  })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuedAt(nowSeconds)
    .setJti(randomUUID())
    .setIssuer('Vonage')
    .sign(new TextEncoder().encode(secret));
}

export function legacySig(params: Record<string, string>, secret: string, method: SignatureMethod): string {
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

/** checks an application JWT (RS256) against the application's public key, as the Messages API does */
export async function verifyApplicationJwt(
  token: string,
  publicKeyPem: string,
  applicationId: string,
): Promise<{ ok: true } | { ok: false; reason: string }> {
  try {
    const key = await importSPKI(publicKeyPem, 'RS256');
    const { payload } = await jwtVerify(token, key, { algorithms: ['RS256'] });
    if (payload.application_id !== applicationId) return { ok: false, reason: 'application_id does not match' };
    if (typeof payload.iat !== 'number' || typeof payload.jti !== 'string')
      return { ok: false, reason: 'iat/jti missing' };
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
}
