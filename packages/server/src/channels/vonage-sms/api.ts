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
  type ProviderHealthCheck,
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

interface OwnedNumber {
  msisdn?: string;
  moHttpUrl?: string;
  app_id?: string;
  messagesCallbackValue?: string;
}

/**
 * The provider's health: where Vonage sends this connection's inbound and receipts, compared with our webhook URL
 * (as Twilio's SmsUrl is). Messages API: the application's inbound and status URLs
 * (https://developer.vonage.com/en/api/application.v2#getApplication), and the sender number's link to that
 * application — a number linked to another application sends its inbound there
 * (https://developer.vonage.com/en/api/numbers#getOwnedNumbers, `app_id`). Legacy SMS API: the account's inbound and
 * delivery-receipt URLs (`POST /account/settings` without new values answers the current ones,
 * https://developer.vonage.com/en/api/account#changeAccountSettings) and the number's own inbound URL
 * (`moHttpUrl`), which wins over the account's. An alphanumeric sender has no number to read.
 */
export async function vonageHealth(ctx: BaseContext<VonageConfig>): Promise<ProviderHealthCheck[]> {
  const c = ctx.config;
  const api = client(ctx);
  const { api: apiHost, rest } = hosts(c);
  const ours = ctx.webhookUrl;
  const problems: string[] = [];
  const fix = 'restart the connection to point them here again';
  if (c.api === 'messages') {
    if (!c.applicationId) throw new ChannelError('INVALID_CONFIG', 'the Messages API needs applicationId');
    const res = await api.call(`${apiHost}/v2/applications/${encodeURIComponent(c.applicationId)}`, {
      headers: { authorization: basic(c) },
      what: 'application check',
    });
    const hooks =
      (res.json as { capabilities?: { messages?: { webhooks?: Record<string, { address?: string }> } } } | undefined)
        ?.capabilities?.messages?.webhooks ?? {};
    for (const [key, label] of [
      ['inbound_url', 'inbound messages'],
      ['status_url', 'message statuses'],
    ] as const) {
      const at = hooks[key]?.address ?? '';
      if (at !== ours)
        problems.push(
          at
            ? `the application sends ${label} to ${at}, not to ${ours} — ${fix}`
            : `the application has no ${key}: ${label} do not reach ${ours} — ${fix}`,
        );
    }
  } else {
    const res = await api.call(`${rest}/account/settings`, {
      headers: { authorization: basic(c) },
      form: new URLSearchParams(),
      what: 'account settings',
    });
    const settings = (res.json ?? {}) as Record<string, unknown>;
    for (const [key, label] of [
      ['mo-callback-url', 'inbound SMS'],
      ['dr-callback-url', 'delivery receipts'],
    ] as const) {
      const at = typeof settings[key] === 'string' ? settings[key] : '';
      if (at !== ours)
        problems.push(
          at
            ? `the account sends ${label} to ${at}, not to ${ours} — ${fix}`
            : `the account has no ${label} URL: they do not reach ${ours} — ${fix}`,
        );
    }
  }
  const digits = c.from.replace(/^\+/, '');
  if (/^\d{6,15}$/.test(digits)) {
    const query = new URLSearchParams({ pattern: digits, search_pattern: '1' });
    const res = await api.call(`${rest}/account/numbers?${query.toString()}`, {
      headers: { authorization: basic(c) },
      what: 'number check',
    });
    const numbers = ((res.json as { numbers?: OwnedNumber[] } | undefined)?.numbers ?? []).filter(
      (n) => n.msisdn === digits,
    );
    const number = numbers[0];
    if (!number)
      problems.push(`${c.from} is not a number of this Vonage account (cancelled or moved) — set another sender`);
    else if (c.api === 'messages') {
      const linked = number.app_id ?? number.messagesCallbackValue;
      if (linked !== c.applicationId)
        problems.push(
          linked
            ? `${c.from} is linked to the Vonage application ${linked}, not ${c.applicationId}: its inbound goes there — link the number to ${c.applicationId} in the Vonage dashboard`
            : `${c.from} is linked to no Vonage application: its inbound reaches no one — link it to ${c.applicationId} in the Vonage dashboard`,
        );
    } else if (number.moHttpUrl && number.moHttpUrl !== ours)
      problems.push(
        `${c.from} has its own inbound URL ${number.moHttpUrl}, which wins over the account's: replies do not reach ${ours} — clear it or set it to ${ours} in the Vonage dashboard`,
      );
  }
  return [
    problems.length > 0
      ? { name: 'webhook', state: 'warning', detail: `Vonage: ${problems.join('; ')}` }
      : {
          name: 'webhook',
          state: 'healthy',
          detail: `Vonage sends ${c.api === 'messages' ? 'inbound messages and statuses' : 'inbound SMS and delivery receipts'} for ${c.from} to this connection`,
        },
  ];
}
