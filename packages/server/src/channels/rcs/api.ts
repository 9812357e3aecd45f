/**
 * @module channels/rcs/api — RBM REST calls with a service-account access token: a JWT signed with the key
 * (jose) exchanged at tokenUrl (https://developers.google.com/identity/protocols/oauth2/service-account#httprest),
 * cached until a minute before it expires; Google's error envelope mapped once to ChannelError.
 */
import { importPKCS8, SignJWT } from 'jose';
import {
  ChannelError,
  channelErrorFromHttpStatus,
  parseRetryAfter,
  providerClient,
  type BaseContext,
  type ProviderClient,
} from '../../channel-kit/index.js';
import type { RcsConfig } from './config.js';
import { googleErrorSchema, tokenSchema } from './payloads.js';

export type ApiContext = Pick<BaseContext<RcsConfig>, 'config' | 'http' | 'signal'>;
const SCOPE = 'https://www.googleapis.com/auth/rcsbusinessmessaging';

interface ServiceAccount {
  client_email: string;
  private_key: string;
  private_key_id?: string;
}

function serviceAccount(config: RcsConfig): ServiceAccount {
  let key: unknown;
  try {
    key = JSON.parse(config.serviceAccountKey);
  } catch {
    throw new ChannelError('INVALID_CONFIG', 'the service-account key is not JSON');
  }
  const k = key as Partial<ServiceAccount>;
  if (typeof k.client_email !== 'string' || typeof k.private_key !== 'string')
    throw new ChannelError('INVALID_CONFIG', 'the service-account key has no client_email or private_key');
  return k as ServiceAccount;
}

export function googleError(status: number, json: unknown, retryAfter: string | null, what: string): ChannelError {
  const parsed = googleErrorSchema.safeParse(json);
  const message = parsed.success ? (parsed.data.error.message ?? parsed.data.error.status ?? '') : '';
  const text = `RBM answered ${status}${message ? `: ${message}` : ''} (${what})`;
  const gStatus = parsed.success ? parsed.data.error.status : undefined;
  if (status === 401 || status === 403 || gStatus === 'UNAUTHENTICATED' || gStatus === 'PERMISSION_DENIED')
    return new ChannelError('AUTH', text, { providerCode: status });
  if (status === 404)
    return new ChannelError('INVALID_RECIPIENT', `${text} — the number is not reachable over RCS`, {
      providerCode: 404,
    });
  if (status === 429)
    return new ChannelError('RATE_LIMITED', text, {
      providerCode: 429,
      retryAfterMs: parseRetryAfter(retryAfter) ?? 1000,
    });
  return channelErrorFromHttpStatus(status, text, parseRetryAfter(retryAfter));
}

const tokens = new Map<string, { token: string; expiresAt: number }>();

function client(ctx: ApiContext, extra: string[] = []): ProviderClient {
  return providerClient({
    provider: 'RBM',
    http: ctx.http,
    signal: ctx.signal,
    secrets: [ctx.config.clientToken, ...extra],
    mapError: (res, what) => googleError(res.status, res.json, res.headers.get('retry-after'), what ?? 'a call'),
  });
}

/** a cached access token, renewed a minute before it expires; a rejected key is AUTH */
export async function accessToken(ctx: ApiContext, now = Date.now()): Promise<string> {
  const sa = serviceAccount(ctx.config);
  const cacheKey = `${ctx.config.tokenUrl} ${sa.client_email} ${sa.private_key_id ?? ''}`;
  const cached = tokens.get(cacheKey);
  if (cached && cached.expiresAt - 60_000 > now) return cached.token;
  let key: Awaited<ReturnType<typeof importPKCS8>>;
  try {
    key = await importPKCS8(sa.private_key, 'RS256');
  } catch {
    throw new ChannelError('AUTH', 'the service-account private key cannot be read');
  }
  const assertion = await new SignJWT({ scope: SCOPE })
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT', ...(sa.private_key_id ? { kid: sa.private_key_id } : {}) })
    .setIssuer(sa.client_email)
    .setAudience(ctx.config.tokenUrl)
    .setIssuedAt(Math.floor(now / 1000))
    .setExpirationTime(Math.floor(now / 1000) + 3600)
    .sign(key);
  const form = new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion });
  const res = await providerClient({
    provider: 'Google OAuth',
    http: ctx.http,
    signal: ctx.signal,
    secrets: [assertion, ctx.config.clientToken],
    // invalid_grant / invalid_client: the key was revoked or is not this account's
    mapError: (r) =>
      r.status === 400 || r.status === 401 || r.status === 403
        ? new ChannelError('AUTH', `the token endpoint refused the service-account key (HTTP ${r.status})`, {
            providerCode: r.status,
          })
        : googleError(r.status, r.json, r.headers.get('retry-after'), 'token'),
  }).call(ctx.config.tokenUrl, { form, what: 'token' });
  const body = tokenSchema.safeParse(res.json);
  if (!body.success) throw new ChannelError('UNAVAILABLE', 'the token endpoint sent an unreadable answer');
  tokens.set(cacheKey, { token: body.data.access_token, expiresAt: now + (body.data.expires_in ?? 3600) * 1000 });
  return body.data.access_token;
}

/** one authenticated call; answers the parsed JSON */
export async function callRbm(
  ctx: ApiContext,
  method: string,
  url: string,
  json?: unknown,
  what = method,
): Promise<{ status: number; json: unknown }> {
  const token = await accessToken(ctx);
  const res = await client(ctx, [token]).call(url, {
    method,
    headers: { authorization: `Bearer ${token}` },
    ...(json !== undefined ? { json } : {}),
    what,
  });
  return { status: res.status, json: res.json };
}

export async function downloadRbm(
  ctx: ApiContext,
  url: string,
): Promise<{ bytes: Buffer; contentType: string | undefined }> {
  const token = await accessToken(ctx);
  return client(ctx, [token]).download(url, { headers: { authorization: `Bearer ${token}` }, what: 'file download' });
}
