/**
 * @module channel-kit/twilio
 * What every Twilio product's connector shares (Programmable Messaging, Programmable Voice): the X-Twilio-Signature
 * check of form-encoded webhooks (https://www.twilio.com/docs/usage/webhooks/webhooks-security), basic auth with the
 * Account SID and Auth Token or an API key (https://www.twilio.com/docs/usage/requests-to-twilio), and Twilio's REST
 * error body mapped once to ChannelError codes (https://www.twilio.com/docs/api/errors).
 *
 * The signature: base64 HMAC-SHA1 with the Auth Token over the full URL Twilio called followed by every POST
 * parameter, sorted by name, as name + value. Twilio signs the URL as it was configured, which may or may not carry
 * the default port (:443 / :80), so both spellings are tried, as the official helper does (twilio-node
 * src/webhooks/webhooks.ts validateRequest). Constant time, fails closed.
 */
import { z } from 'zod';
import type { BaseContext, FetchedMedia, Verdict, WebhookRequest } from './connector.js';
import { ChannelError, channelErrorFromHttpStatus, type ChannelErrorCode } from './errors.js';
import { providerClient, type ProviderClient, type ProviderResponse } from './provider-http.js';
import { hmac, safeEqual } from './signature.js';

export const TWILIO_SIGNATURE_HEADER = 'x-twilio-signature';

/** the form parameters of a webhook, every value of a repeated name kept */
export function formParams(req: Pick<WebhookRequest, 'method' | 'rawBody' | 'headers'>): Map<string, string[]> {
  const params = new Map<string, string[]>();
  if (req.method !== 'POST') return params;
  for (const [k, v] of new URLSearchParams(req.rawBody.toString('utf8'))) params.set(k, [...(params.get(k) ?? []), v]);
  return params;
}

/** the string Twilio signs: the URL, then each parameter name + value in name order (a repeated name's values sorted) */
export function signedData(url: string, params: Map<string, string[]>): string {
  let data = url;
  for (const name of [...params.keys()].sort())
    for (const value of [...new Set(params.get(name) ?? [])].sort()) data += name + value;
  return data;
}

/** the URL as called, without its port, and (when it has none) with its scheme's default port: what twilio-node's validateRequest tries */
export function urlVariants(raw: string): string[] {
  const m = /^(https?):\/\/([^/:?#]+)(?::(\d+))?(.*)$/i.exec(raw);
  if (!m) return [raw];
  const [, scheme, host, port, rest] = m as unknown as [string, string, string, string | undefined, string];
  const defaultPort = scheme.toLowerCase() === 'https' ? '443' : '80';
  // as the official helper: the URL without any port, and without a port given, with the default one
  const variants = [raw, `${scheme}://${host}${rest}`];
  if (port === undefined) variants.push(`${scheme}://${host}:${defaultPort}${rest}`);
  return [...new Set(variants)];
}

export function twilioSignature(authToken: string, url: string, params: Map<string, string[]>): string {
  return hmac('sha1', authToken, signedData(url, params), 'base64');
}

export function verifyTwilioSignature(req: WebhookRequest, authToken: string | undefined): Verdict {
  if (req.method !== 'POST' && req.method !== 'GET')
    return { ok: false, status: 401, reason: `unexpected ${req.method} request` };
  const received = req.headers[TWILIO_SIGNATURE_HEADER];
  if (!received) return { ok: false, status: 401, reason: 'missing X-Twilio-Signature' };
  if (!authToken) return { ok: false, status: 401, reason: 'no Auth Token configured' };
  try {
    const params = formParams(req);
    // every variant is computed and compared, so the time taken does not tell which one matched
    let ok = false;
    for (const url of urlVariants(req.url)) ok = safeEqual(twilioSignature(authToken, url, params), received) || ok;
    return ok
      ? { ok: true }
      : { ok: false, status: 401, reason: 'X-Twilio-Signature does not match the URL and parameters' };
  } catch {
    return { ok: false, status: 401, reason: 'X-Twilio-Signature could not be checked' };
  }
}

/** the credentials a Twilio connection calls the REST API with */
export interface TwilioCredentials {
  accountSid: string;
  authToken: string;
  apiKeySid?: string | undefined;
  apiKeySecret?: string | undefined;
  apiBaseUrl: string;
}

export const twilioBasicAuth = (c: TwilioCredentials): string =>
  `Basic ${Buffer.from(
    c.apiKeySid && c.apiKeySecret ? `${c.apiKeySid}:${c.apiKeySecret}` : `${c.accountSid}:${c.authToken}`,
  ).toString('base64')}`;

/** a REST resource of the account: `{apiBaseUrl}/2010-04-01/Accounts/{sid}{path}.json` */
export const twilioAccountUrl = (c: TwilioCredentials, path = ''): string =>
  `${c.apiBaseUrl.replace(/\/+$/, '')}/2010-04-01/Accounts/${encodeURIComponent(c.accountSid)}${path}.json`;

/** the REST error body (twilio-node src/base/RestException.ts) */
export const twilioErrorSchema = z.object({
  code: z.number().optional(),
  message: z.string().optional(),
  more_info: z.string().optional(),
  status: z.number().optional(),
});
export type TwilioErrorBody = z.infer<typeof twilioErrorSchema>;

/** codes every Twilio product shares (https://www.twilio.com/docs/api/errors/<code>) */
const SHARED_CODES: Record<number, ChannelErrorCode> = {
  20003: 'AUTH', // authentication failed
  20005: 'AUTH', // account not active
  20429: 'RATE_LIMITED', // too many requests
};

/** a product's own codes: what each means to the hub, and a few words an operator reads in the failure */
export interface TwilioCodeTable {
  codes: Record<number, ChannelErrorCode>;
  descriptions?: Partial<Record<number, string>>;
}

export function twilioError(
  status: number,
  body: TwilioErrorBody | undefined,
  retryAfterMs: number | undefined,
  table: TwilioCodeTable = { codes: {} },
): ChannelError {
  const code = body?.code;
  const base = body?.message ?? `Twilio answered HTTP ${status}`;
  const description = code !== undefined ? table.descriptions?.[code] : undefined;
  const text = code !== undefined ? `${base} (Twilio ${code}${description ? `: ${description}` : ''})` : base;
  const mapped =
    (code !== undefined ? (table.codes[code] ?? SHARED_CODES[code]) : undefined) ??
    channelErrorFromHttpStatus(status, '').code;
  // Twilio sends no Retry-After on 429s; twilio-node backs off exponentially from 100 ms (RequestClient.ts), we start at 1 s
  const retry = mapped === 'RATE_LIMITED' ? (retryAfterMs ?? 1000) : retryAfterMs;
  return new ChannelError(mapped, text, {
    providerCode: code ?? status,
    ...(retry !== undefined ? { retryAfterMs: retry } : {}),
  });
}

/** the kit's provider client for Twilio: its error body mapped by `table`, the credentials scrubbed from every message */
export function twilioRestClient(ctx: BaseContext<TwilioCredentials>, table: TwilioCodeTable): ProviderClient {
  return providerClient({
    provider: 'Twilio',
    http: ctx.http,
    signal: ctx.signal,
    secrets: [ctx.config.authToken, ctx.config.apiKeySecret, twilioBasicAuth(ctx.config).slice(6)],
    mapError: (res: ProviderResponse) => {
      const parsed = twilioErrorSchema.safeParse(res.json);
      const error = twilioError(res.status, parsed.success ? parsed.data : undefined, res.retryAfterMs, table);
      ctx.log.warn(`Twilio call failed: ${error.code}`, { status: res.status, twilioCode: error.providerCode });
      return error;
    },
  });
}

/** the account behind the credentials (https://www.twilio.com/docs/iam/api/account) */
export const twilioAccountSchema = z.object({
  sid: z.string(),
  status: z.string().optional(),
  friendly_name: z.string().optional(),
});

/**
 * start: the credentials open the account (401/20003 → AUTH), the account is the configured one and active; a
 * suspended or closed account is AUTH too, because nothing it sends would go out
 */
export async function checkTwilioAccount(ctx: BaseContext<TwilioCredentials>, client: ProviderClient): Promise<void> {
  const account = twilioAccountSchema.safeParse(
    (
      await client.call(twilioAccountUrl(ctx.config), {
        headers: { authorization: twilioBasicAuth(ctx.config) },
        what: 'the account check',
      })
    ).json,
  );
  if (!account.success || account.data.sid !== ctx.config.accountSid)
    throw new ChannelError('INVALID_CONFIG', `Twilio does not know account ${ctx.config.accountSid}`);
  if (account.data.status && account.data.status !== 'active')
    throw new ChannelError('AUTH', `the Twilio account is ${account.data.status}`);
}

/**
 * A file Twilio holds for us (an MMS's MediaUrl{N}, a call recording): behind the account's basic auth on the API's
 * own host when "HTTP Basic Auth for media" is on (https://www.twilio.com/docs/usage/security#http-authentication);
 * the credentials go only to that host, never to a URL elsewhere
 */
export async function fetchTwilioFile(
  media: { providerMediaId: string; mimeType?: string },
  ctx: Pick<BaseContext<TwilioCredentials>, 'config'>,
  client: ProviderClient,
  what: { name: string; fallbackType: string },
): Promise<FetchedMedia> {
  let url: URL;
  try {
    url = new URL(media.providerMediaId);
  } catch {
    throw new ChannelError('REJECTED', `not a Twilio ${what.name} URL`);
  }
  const own = new URL(ctx.config.apiBaseUrl).origin === url.origin;
  const { bytes, contentType } = await client.download(url.toString(), {
    headers: own ? { authorization: twilioBasicAuth(ctx.config) } : {},
    what: `the ${what.name} download`,
  });
  return { bytes, mimeType: contentType ?? media.mimeType ?? what.fallbackType };
}
