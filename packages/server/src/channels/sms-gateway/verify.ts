/**
 * @module channels/sms-gateway/verify — who may call this connection's webhook, on the raw request, constant time,
 * fail closed.
 * Kannel: the sms-service `get-url` and the `dlr-url` carry the inbound secret as the password of their userinfo
 * (`http://switchboard:<secret>@hub/webhooks/…`), which Kannel's HTTP client sends as `Authorization: Basic`; a secret
 * in the query string would be stored with every raw event, the header is stored as a digest only.
 * http: `X-Gateway-Signature: sha256=<hex HMAC-SHA256(inboundSecret, timestamp + "." + body)>` with the Unix time in
 * `X-Gateway-Timestamp`, within 5 minutes of our clock (docs/channels/sms-gateway.md).
 */
import { hmac, safeEqual, verifyHmac, type Verdict, type WebhookRequest } from '../../channel-kit/index.js';
import { INBOUND_USER, type SmsGatewayConfig } from './config.js';

export const SIGNATURE_HEADER = 'x-gateway-signature';
export const TIMESTAMP_HEADER = 'x-gateway-timestamp';
/** how far a signed timestamp may be from our clock */
export const FRESHNESS_SECONDS = 300;

const refuse = (reason: string, status: 401 | 403 = 401): Verdict => ({ ok: false, status, reason });

/** the Authorization header Kannel sends for a URL with `switchboard:<secret>@` */
export const kannelAuthorization = (secret: string): string =>
  `Basic ${Buffer.from(`${INBOUND_USER}:${secret}`).toString('base64')}`;

/** the http contract's signature over one request */
export const gatewaySignature = (secret: string, timestamp: string, body: Buffer | string): string =>
  `sha256=${hmac('sha256', secret, Buffer.concat([Buffer.from(`${timestamp}.`), Buffer.from(body)]), 'hex')}`;

function verifyKannel(req: WebhookRequest, secret: string): Verdict {
  if (req.method !== 'GET' && req.method !== 'POST') return refuse(`unexpected ${req.method} request`);
  const received = req.headers.authorization;
  if (!received) return refuse('missing Authorization (the URL needs switchboard:<inboundSecret>@)');
  return safeEqual(kannelAuthorization(secret), received)
    ? { ok: true }
    : refuse('Authorization does not carry this connection’s inbound secret');
}

function verifyHttp(req: WebhookRequest, secret: string): Verdict {
  if (req.method !== 'POST') return refuse(`unexpected ${req.method} request`);
  const signature = req.headers[SIGNATURE_HEADER];
  const timestamp = req.headers[TIMESTAMP_HEADER];
  if (!signature || !timestamp) return refuse('missing X-Gateway-Signature or X-Gateway-Timestamp');
  if (!/^\d{1,12}$/.test(timestamp)) return refuse('X-Gateway-Timestamp is not a Unix time');
  const now = Date.parse(req.receivedAt ?? new Date().toISOString());
  if (!(Math.abs(now - Number(timestamp) * 1000) <= FRESHNESS_SECONDS * 1000))
    return refuse('X-Gateway-Timestamp is not fresh');
  const data = Buffer.concat([Buffer.from(`${timestamp}.`), req.rawBody]);
  return verifyHmac({ algorithm: 'sha256', secret, data, received: signature, encoding: 'hex', prefix: 'sha256=' })
    ? { ok: true }
    : refuse('X-Gateway-Signature does not match the body');
}

export function verifySmsGateway(req: WebhookRequest, config: SmsGatewayConfig): Verdict {
  const secret = config.inboundSecret;
  if (!secret) return refuse('no inbound secret configured', 403);
  return config.mode === 'http' ? verifyHttp(req, secret) : verifyKannel(req, secret);
}
