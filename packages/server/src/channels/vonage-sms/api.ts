/**
 * @module channels/vonage-sms/api
 * Calls to Vonage: the Messages API (JWT signed RS256 with the application's private key, via jose), the legacy SMS
 * API (api_key/api_secret, per-message status codes in HTTP 200 answers), the account balance and the application,
 * both read at start to check the credentials.
 */
import { randomUUID, createPublicKey } from 'node:crypto';
import { SignJWT, importPKCS8 } from 'jose';
import {
  ChannelError,
  channelErrorFromHttpStatus,
  providerClient,
  type BaseContext,
  type ProviderResponse,
} from '../../channel-kit/index.js';
import { hosts, type VonageConfig } from './config.js';
import type { MessagesErrorBody, SmsSendResponse } from './payloads.js';

const secretsOf = (c: VonageConfig) => [c.apiSecret, c.privateKey, c.signatureSecret];

/** RFC 7807 bodies of the Messages and Application APIs (https://developer.vonage.com/en/api-errors/messages) */
function mapVonageError(res: ProviderResponse, what: string | undefined): ChannelError {
  const body = (res.json ?? {}) as MessagesErrorBody;
  const code = body.type?.split('#').pop() ?? res.status;
  const message = `Vonage answered HTTP ${res.status}${what ? ` to ${what}` : ''}${body.title ? `: ${body.title}` : ''}${body.detail ? ` (${body.detail})` : ''}`;
  if (res.status === 401 || (res.status === 403 && body.type?.includes('unauthorized')))
    return new ChannelError('AUTH', message, { providerCode: code });
  if (res.status === 429)
    return new ChannelError('RATE_LIMITED', message, { providerCode: code, retryAfterMs: res.retryAfterMs ?? 1000 });
  if (res.status === 402) return new ChannelError('REJECTED', message, { providerCode: code });
  if (res.status === 422 && /invalid.*(number|recipient|to)/i.test(`${body.title ?? ''} ${body.detail ?? ''}`))
    return new ChannelError('INVALID_RECIPIENT', message, { providerCode: code });
  const generic = channelErrorFromHttpStatus(res.status, message, res.retryAfterMs);
  return new ChannelError(generic.code, message, {
    providerCode: code,
    ...(generic.retryAfterMs !== undefined ? { retryAfterMs: generic.retryAfterMs } : {}),
  });
}

export function client(ctx: BaseContext<VonageConfig>) {
  return providerClient({
    provider: 'Vonage',
    http: ctx.http,
    signal: ctx.signal,
    secrets: secretsOf(ctx.config),
    mapError: mapVonageError,
  });
}

/** the application JWT the Messages API requires (https://developer.vonage.com/en/getting-started/concepts/authentication#json-web-tokens) */
export async function applicationJwt(config: VonageConfig): Promise<string> {
  if (!config.applicationId || !config.privateKey)
    throw new ChannelError('INVALID_CONFIG', 'the Messages API needs applicationId and privateKey');
  let key: Awaited<ReturnType<typeof importPKCS8>>;
  try {
    key = await importPKCS8(config.privateKey.replace(/\\n/g, '\n'), 'RS256');
  } catch {
    throw new ChannelError('INVALID_CONFIG', 'privateKey is not a PEM PKCS#8 RSA private key');
  }
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ application_id: config.applicationId })
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT' })
    .setIssuedAt(now)
    .setExpirationTime(now + 900)
    .setJti(randomUUID())
    .sign(key);
}

const basic = (c: VonageConfig) => `Basic ${Buffer.from(`${c.apiKey}:${c.apiSecret}`).toString('base64')}`;

/** POST /v1/messages → message_uuid (https://developer.vonage.com/en/api/messages-olympus#SendMessage) */
export async function sendMessagesApi(body: Record<string, unknown>, ctx: BaseContext<VonageConfig>): Promise<string> {
  const token = await applicationJwt(ctx.config);
  const res = await client(ctx).call(`${hosts(ctx.config).api}/v1/messages`, {
    headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
    json: body,
    what: 'send message',
  });
  const uuid = (res.json as { message_uuid?: unknown } | undefined)?.message_uuid;
  if (typeof uuid !== 'string' || uuid.length === 0)
    throw new ChannelError('UNAVAILABLE', 'Vonage answered without a message_uuid');
  return uuid;
}

/**
 * legacy per-message status codes, all in HTTP 200 answers (vonage-node-sdk packages/sms/lib/enums/SMSStatus.ts,
 * https://developer.vonage.com/en/messaging/sms/guides/troubleshooting-sms#sms-api-error-codes)
 */
function legacyError(status: string, text: string): ChannelError {
  const message = `Vonage SMS status ${status}: ${text}`;
  const o = { providerCode: status };
  switch (status) {
    case '1': // throttled: over 30 requests/s per key, https://api.support.vonage.com/hc/en-us/articles/203993598
      return new ChannelError('RATE_LIMITED', message, { ...o, retryAfterMs: 1000 });
    case '4': // invalid credentials
    case '8': // partner account barred
    case '14': // invalid signature
    case '32': // signature and api secret disallowed
      return new ChannelError('AUTH', message, o);
    case '5': // internal error
      return new ChannelError('UNAVAILABLE', message, { ...o, retryAfterMs: 2000 });
    case '7': // number barred
    case '29': // non-whitelisted destination
    case '33': // number de-activated
      return new ChannelError('INVALID_RECIPIENT', message, o);
    case '11': // account not enabled for HTTP
    case '15': // invalid sender address
      return new ChannelError('INVALID_CONFIG', message, o);
    default:
      return new ChannelError('REJECTED', message, o);
  }
}

/** POST /sms/json → the first part's message-id (https://developer.vonage.com/en/api/sms#send-an-sms) */
export async function sendLegacySms(form: URLSearchParams, ctx: BaseContext<VonageConfig>): Promise<string> {
  form.set('api_key', ctx.config.apiKey);
  form.set('api_secret', ctx.config.apiSecret);
  const res = await client(ctx).call(`${hosts(ctx.config).rest}/sms/json`, { form, what: 'send SMS' });
  const body = (res.json ?? {}) as SmsSendResponse;
  const messages = Array.isArray(body.messages) ? body.messages : [];
  const failed = messages.find((m) => m.status !== '0');
  if (failed || messages.length === 0) {
    const scrub = client(ctx).scrub;
    throw legacyError(
      String(failed?.status ?? 'none'),
      scrub(String(failed?.['error-text'] ?? 'no message in the answer')),
    );
  }
  const id = messages[0]?.['message-id'];
  if (typeof id !== 'string' || id.length === 0)
    throw new ChannelError('UNAVAILABLE', 'Vonage answered without a message-id');
  return id;
}

/**
 * Start: the key and secret against the account balance (https://developer.vonage.com/en/api/account#getAccountBalance);
 * for the Messages API also the application, whose public key must match our private key, and its webhooks, set to
 * our URL when they point elsewhere (https://developer.vonage.com/en/api/application.v2#updateApplication).
 */
export async function checkVonage(ctx: BaseContext<VonageConfig>): Promise<void> {
  const c = ctx.config;
  const api = client(ctx);
  const { api: apiHost, rest } = hosts(c);
  await api.call(`${rest}/account/get-balance`, { headers: { authorization: basic(c) }, what: 'account check' });
  if (c.api === 'sms') {
    if (!c.signatureSecret) throw new ChannelError('INVALID_CONFIG', 'signatureSecret is required to verify webhooks');
    // the account's inbound and delivery receipt URLs (https://developer.vonage.com/en/api/account#changeAccountSettings)
    await api.call(`${rest}/account/settings`, {
      headers: { authorization: basic(c) },
      form: new URLSearchParams({ moCallBackUrl: ctx.webhookUrl, drCallBackUrl: ctx.webhookUrl }),
      what: 'account settings',
    });
    return;
  }
  if (!c.applicationId || !c.privateKey || !c.signatureSecret)
    throw new ChannelError('INVALID_CONFIG', 'the Messages API needs applicationId, privateKey and signatureSecret');
  const appUrl = `${apiHost}/v2/applications/${encodeURIComponent(c.applicationId)}`;
  const res = await api.call(appUrl, { headers: { authorization: basic(c) }, what: 'application check' });
  const app = (res.json ?? {}) as {
    name?: string;
    keys?: { public_key?: string };
    capabilities?: { messages?: { webhooks?: Record<string, { address?: string; http_method?: string }> } } & Record<
      string,
      unknown
    >;
  };
  let ours: string;
  try {
    ours = createPublicKey(c.privateKey.replace(/\\n/g, '\n')).export({ type: 'spki', format: 'pem' }).toString();
  } catch {
    throw new ChannelError('INVALID_CONFIG', 'privateKey is not a PEM private key');
  }
  const theirs = app.keys?.public_key;
  let same = false;
  try {
    same =
      typeof theirs === 'string' && createPublicKey(theirs).export({ type: 'spki', format: 'pem' }).toString() === ours;
  } catch {
    same = false;
  }
  if (!same) throw new ChannelError('AUTH', 'privateKey does not belong to the application (its public key differs)');
  const hooks = app.capabilities?.messages?.webhooks ?? {};
  if (hooks.inbound_url?.address === ctx.webhookUrl && hooks.status_url?.address === ctx.webhookUrl) return;
  await api.call(appUrl, {
    method: 'PUT',
    headers: { authorization: basic(c) },
    json: {
      name: app.name ?? 'Switchboard',
      capabilities: {
        ...app.capabilities,
        messages: {
          ...app.capabilities?.messages,
          webhooks: {
            inbound_url: { address: ctx.webhookUrl, http_method: 'POST' },
            status_url: { address: ctx.webhookUrl, http_method: 'POST' },
          },
          version: 'v1',
        },
      },
    },
    what: 'application webhooks',
  });
  ctx.log.info('Vonage application webhooks set to this connection', { applicationId: c.applicationId });
}
