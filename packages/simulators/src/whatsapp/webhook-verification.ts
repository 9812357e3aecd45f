// Meta's webhook verification request: GET <callback>?hub.mode=subscribe&hub.challenge=…&hub.verify_token=…; the
// endpoint must answer 200 with the raw challenge as the body (https://developers.facebook.com/docs/graph-api/webhooks/getting-started#verification-requests).
import { randomInt } from 'node:crypto';
import { OutboundError, sendOutbound } from '../http/outbound-request.js';

export interface VerificationResult {
  /** True when the endpoint answered 200 with exactly the challenge. */
  ok: boolean;
  status: number | undefined;
  body: string;
  challenge: string;
  /** The exact URL requested. */
  url: string;
  error?: string;
}

export async function verifyCallback(
  callbackUrl: string,
  verifyToken: string,
  challenge?: string,
  signal?: AbortSignal,
): Promise<VerificationResult> {
  const ch = challenge ?? String(randomInt(100_000_000, 2_000_000_000));
  const url = new URL(callbackUrl);
  url.searchParams.set('hub.mode', 'subscribe');
  url.searchParams.set('hub.challenge', ch);
  url.searchParams.set('hub.verify_token', verifyToken);
  try {
    const res = await sendOutbound({
      url: url.toString(),
      method: 'GET',
      headers: { 'user-agent': 'facebookplatform/1.0 (+http://developers.facebook.com)' },
      timeoutMs: 10_000,
      ...(signal ? { signal } : {}),
    });
    const body = res.body.toString('utf8');
    return { ok: res.status === 200 && body === ch, status: res.status, body, challenge: ch, url: url.toString() };
  } catch (err) {
    return {
      ok: false,
      status: undefined,
      body: '',
      challenge: ch,
      url: url.toString(),
      error: err instanceof OutboundError ? err.message : String(err),
    };
  }
}
