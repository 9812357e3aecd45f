/**
 * @module channels/sms-gateway/send — one text out through the gateway.
 * Kannel: `GET <smsbox>/cgi-bin/sendsms?username&password&from&to&text&charset=UTF-8&coding&dlr-mask&dlr-url`
 * (https://www.kannel.org/download/1.4.5/userguide-1.4.5/userguide.html, "Sending SMS messages"). Kannel answers
 * `202 0: Accepted for delivery`, `202 3: Queued for later delivery` (no SMSC connected yet: it keeps the message),
 * `403 Authorization failed for sendsms`, `403 Not routable. Do not try again.`, `503 Temporal failure, try again
 * later.` or a 400 naming a missing field (gw/smsbox.c). Kannel returns no id of its own, so the hub's message id goes
 * into the dlr-url and comes back with every report: it is the provider message id.
 * http: `POST <base>/messages {id, to, from, text, statusUrl}` with the bearer token (docs/channels/sms-gateway.md).
 */
import {
  ChannelError,
  channelErrorFromHttpStatus,
  providerClient,
  smsSegments,
  type BaseContext,
  type ChannelErrorCode,
  type OutboundMessage,
  type ProviderClient,
  type ProviderResponse,
  type SendContext,
  type SendMap,
  type SendReceipt,
} from '../../channel-kit/index.js';
import { INBOUND_USER, sendPathOf, type SmsGatewayConfig } from './config.js';

type Ctx = BaseContext<SmsGatewayConfig>;

/** Kannel's sendsms answer → our code: the text names the case, the status alone does not (403 is two of them) */
export function kannelError(status: number, text: string, retryAfterMs?: number): ChannelError {
  const answer = text.trim().slice(0, 200);
  const message = `Kannel answered ${status}${answer ? ` "${answer}"` : ''}`;
  const mapped = (code: ChannelErrorCode, detail: string) =>
    new ChannelError(code, `${message} (${detail})`, { providerCode: status });
  if (/Authorization failed/i.test(answer)) return mapped('AUTH', 'the sendsms-user name or password is wrong');
  if (/Not routable/i.test(answer)) return mapped('INVALID_RECIPIENT', 'no SMSC of this Kannel routes to the number');
  if (/has\/have been denied|denied by white/i.test(answer))
    return mapped('INVALID_RECIPIENT', 'the number is refused by the white or black list');
  if (/Sender missing/i.test(answer)) return mapped('INVALID_CONFIG', 'no sender: set `from`');
  if (/Temporal failure/i.test(answer) || status === 503)
    return new ChannelError('UNAVAILABLE', message, {
      providerCode: status,
      ...(retryAfterMs ? { retryAfterMs } : {}),
    });
  if (status >= 400 && status < 500 && status !== 401 && status !== 403 && status !== 429)
    return mapped('REJECTED', 'Kannel refused the request');
  return channelErrorFromHttpStatus(status, message, retryAfterMs);
}

/** the http contract's error body `{error: {code, message}}`: its codes are ours where they name one */
const HTTP_CODES: ReadonlySet<string> = new Set([
  'INVALID_RECIPIENT',
  'OPTED_OUT',
  'REJECTED',
  'RATE_LIMITED',
  'UNAVAILABLE',
]);

export function httpGatewayError(res: Pick<ProviderResponse, 'status' | 'json' | 'retryAfterMs'>): ChannelError {
  const body = res.json as { error?: { code?: unknown; message?: unknown } } | undefined;
  const code = typeof body?.error?.code === 'string' ? body.error.code : undefined;
  const text = typeof body?.error?.message === 'string' ? body.error.message.slice(0, 200) : '';
  const message = `the gateway answered ${res.status}${code ? ` ${code}` : ''}${text ? `: ${text}` : ''}`;
  if (res.status === 401 || res.status === 403)
    return new ChannelError('AUTH', message, { providerCode: code ?? res.status });
  if (res.status === 429)
    return new ChannelError('RATE_LIMITED', message, {
      providerCode: code ?? res.status,
      retryAfterMs: res.retryAfterMs ?? 1000,
    });
  if (code && HTTP_CODES.has(code) && res.status < 500)
    return new ChannelError(code as ChannelErrorCode, message, { providerCode: code });
  return channelErrorFromHttpStatus(res.status, message, res.retryAfterMs);
}

export function gatewayClient(ctx: Ctx): ProviderClient {
  const { password, inboundSecret } = ctx.config;
  return providerClient({
    provider: ctx.config.mode === 'http' ? 'The SMS gateway' : 'Kannel',
    http: ctx.http,
    signal: ctx.signal,
    secrets: [password, encodeURIComponent(password), inboundSecret],
    mapError: (res: ProviderResponse) => {
      const error =
        ctx.config.mode === 'http' ? httpGatewayError(res) : kannelError(res.status, res.text, res.retryAfterMs);
      ctx.log.warn(`gateway call failed: ${error.code}`, { status: res.status });
      return error;
    },
  });
}

export const sendUrlOf = (config: SmsGatewayConfig): string =>
  `${config.apiBaseUrl.replace(/\/+$/, '')}${sendPathOf(config)}`;

/**
 * our webhook URL with the inbound secret as its userinfo, for Kannel's dlr-url and get-url (Kannel sends it as
 * Basic auth); `query` is appended as written, so Kannel's `%d`-style escapes stay escapes
 */
export function kannelCallbackUrl(webhookUrl: string, secret: string, query: string): string {
  const url = new URL(webhookUrl);
  url.username = INBOUND_USER;
  url.password = secret;
  return `${url.toString()}${url.search ? '&' : '?'}${query}`;
}

/** the sms-service line to paste into kannel.conf for this connection */
export const kannelGetUrl = (webhookUrl: string, secret: string): string =>
  kannelCallbackUrl(webhookUrl, secret, 'from=%p&to=%P&text=%b&smsc=%i&id=%I&time=%T&coding=%c&charset=%C');

function checkLength(text: string, config: SmsGatewayConfig): ReturnType<typeof smsSegments> {
  const segments = smsSegments(text);
  if (segments.count > config.maxSegments)
    throw new ChannelError(
      'REJECTED',
      `the text needs ${segments.count} SMS parts (${segments.encoding}); this gateway sends at most ${config.maxSegments}`,
    );
  return segments;
}

async function sendKannel(
  message: OutboundMessage,
  text: string,
  ctx: SendContext<SmsGatewayConfig>,
): Promise<SendReceipt> {
  const { config } = ctx;
  if (!config.inboundSecret)
    throw new ChannelError('INVALID_CONFIG', 'no inbound secret: delivery reports could not reach us');
  const segments = checkLength(text, config);
  const query = new URLSearchParams({
    username: config.username ?? '',
    password: config.password,
    from: config.from,
    to: message.to,
    text,
    // UTF-8 in, and Kannel encodes it as GSM 03.38 (coding 0) or UCS-2 (coding 2) towards the SMSC
    charset: 'UTF-8',
    coding: segments.encoding === 'UCS-2' ? '2' : '0',
  });
  if (config.smsc) query.set('smsc', config.smsc);
  if (config.dlrMask > 0) {
    query.set('dlr-mask', String(config.dlrMask));
    query.set(
      'dlr-url',
      kannelCallbackUrl(
        ctx.webhookUrl,
        config.inboundSecret,
        `msg=${encodeURIComponent(message.id)}&type=%d&reply=%A&ts=%T`,
      ),
    );
  }
  const res = await gatewayClient(ctx).call(`${sendUrlOf(config)}?${query.toString()}`, { what: 'sendsms' });
  const answer = res.text.trim();
  if (!/^[03]:/.test(answer)) throw kannelError(res.status, answer);
  if (answer.startsWith('3:')) ctx.log.info('Kannel queued the message for later delivery (no SMSC took it yet)');
  return { providerMessageId: message.id, from: config.from };
}

async function sendHttp(
  message: OutboundMessage,
  text: string,
  ctx: SendContext<SmsGatewayConfig>,
): Promise<SendReceipt> {
  const { config } = ctx;
  checkLength(text, config);
  await gatewayClient(ctx).call(sendUrlOf(config), {
    method: 'POST',
    headers: { authorization: `Bearer ${config.password}` },
    json: { id: message.id, to: message.to, from: config.from, text, statusUrl: ctx.webhookUrl },
    what: 'the send request',
  });
  return { providerMessageId: message.id, from: config.from };
}

export const smsGatewaySend: SendMap<SmsGatewayConfig> = {
  text: (message, ctx) =>
    ctx.config.mode === 'http'
      ? sendHttp(message, message.content.text, ctx)
      : sendKannel(message, message.content.text, ctx),
};

/**
 * start, Kannel: a sendsms call without a receiver sends nothing, and Kannel checks the user before the fields, so
 * `403 Authorization failed` means wrong credentials and `400 Missing receiver` means they are right (gw/smsbox.c)
 */
export async function checkGateway(ctx: Ctx): Promise<void> {
  const { config } = ctx;
  if (config.mode === 'http') {
    ctx.log.info(`the gateway sends messages and statuses to ${ctx.webhookUrl}, signed with the inbound secret`);
    return;
  }
  const query = new URLSearchParams({ username: config.username ?? '', password: config.password, from: config.from });
  let res: Response;
  try {
    res = await ctx.http(`${sendUrlOf(config)}?${query.toString()}`, { signal: ctx.signal });
  } catch (error) {
    if (error instanceof ChannelError) throw error;
    throw new ChannelError('UNAVAILABLE', `Kannel's smsbox at ${config.apiBaseUrl} did not answer`);
  }
  const text = (await res.text()).trim();
  if (/Authorization failed/i.test(text) || res.status === 401) throw kannelError(res.status, text);
  if (!/Missing receiver/i.test(text))
    throw new ChannelError(
      'INVALID_CONFIG',
      `${sendUrlOf(config)} does not answer like Kannel's sendsms (HTTP ${res.status})`,
    );
  ctx.log.info(
    `Kannel accepted the sendsms user; its sms-service get-url for this connection is ${kannelGetUrl(ctx.webhookUrl, 'INBOUND_SECRET')} with max-messages = 0`,
  );
}
