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
  expiryCheck,
  type BaseContext,
  type HealthAsk,
  type ProviderClient,
  type ProviderHealthCheck,
} from '../../channel-kit/index.js';
import type { RcsConfig } from './config.js';
import { googleErrorSchema, serviceAccountKeySchema, tokenSchema } from './payloads.js';

export type ApiContext = Pick<BaseContext<RcsConfig>, 'config' | 'http' | 'signal'>;
const SCOPE = 'https://www.googleapis.com/auth/rcsbusinessmessaging';
/** the IAM API's scope (https://cloud.google.com/iam/docs/reference/rest/v1/projects.serviceAccounts.keys/get) */
const IAM_SCOPE = 'https://www.googleapis.com/auth/cloud-platform';

interface ServiceAccount {
  client_email: string;
  private_key: string;
  private_key_id?: string;
  project_id?: string;
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

/**
 * a cached access token, renewed a minute before it expires; a rejected key is AUTH. `fresh`: minted now whatever
 * the cache holds (the health round proves the key itself, not a token minted an hour ago)
 */
export async function accessToken(
  ctx: ApiContext,
  now = Date.now(),
  { scope = SCOPE, fresh = false }: { scope?: string; fresh?: boolean } = {},
): Promise<string> {
  const sa = serviceAccount(ctx.config);
  const cacheKey = `${ctx.config.tokenUrl} ${sa.client_email} ${sa.private_key_id ?? ''} ${scope}`;
  const cached = tokens.get(cacheKey);
  if (!fresh && cached && cached.expiresAt - 60_000 > now) return cached.token;
  let key: Awaited<ReturnType<typeof importPKCS8>>;
  try {
    key = await importPKCS8(sa.private_key, 'RS256');
  } catch {
    throw new ChannelError('AUTH', 'the service-account private key cannot be read');
  }
  const assertion = await new SignJWT({ scope })
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

/** Google's "never": a user-managed key without an expiry policy ends at 9999-12-31T23:59:59Z */
const NEVER_YEAR = 9999;

/**
 * The provider's health: the service-account key must mint an access token now (a key deleted, disabled or
 * rotated away at Google is refused — AUTH, failing — before sends fail on it), and the key's own end as IAM
 * exposes it (`projects.serviceAccounts.keys.get`: `validBeforeTime`, `disabled`,
 * https://cloud.google.com/iam/docs/reference/rest/v1/projects.serviceAccounts.keys/get). A key's end comes from an
 * organisation's expiry policy (`iam.serviceAccountKeyExpiryHours`,
 * https://cloud.google.com/iam/docs/service-account-creds#user-managed-keys-expiry); it is graded by the warning
 * days. Reading it takes `iam.serviceAccountKeys.get` on the account, which an RBM agent's account may lack: the end
 * is then unknown (healthy, saying so and how to let the hub read it) while the minted token proves the key.
 */
export async function rcsHealth(ctx: BaseContext<RcsConfig>, ask: HealthAsk): Promise<ProviderHealthCheck[]> {
  const sa = serviceAccount(ctx.config);
  const now = ask.now.getTime();
  await accessToken(ctx, now, { fresh: true });
  const checks: ProviderHealthCheck[] = [
    {
      name: 'credentials',
      state: 'healthy',
      detail: `The service-account key of ${sa.client_email} mints access tokens`,
    },
  ];
  if (!sa.private_key_id) {
    checks.push({
      name: 'key_expiry',
      state: 'healthy',
      detail: 'The service-account key names no private_key_id, so its end cannot be asked for',
    });
    return checks;
  }
  const project = sa.project_id ?? '-';
  const url = `${ctx.config.iamApiBaseUrl.replace(/\/+$/, '')}/v1/projects/${encodeURIComponent(project)}/serviceAccounts/${encodeURIComponent(sa.client_email)}/keys/${encodeURIComponent(sa.private_key_id)}`;
  let key;
  try {
    const token = await accessToken(ctx, now, { scope: IAM_SCOPE, fresh: true });
    const res = await client(ctx, [token]).call(url, {
      headers: { authorization: `Bearer ${token}` },
      what: 'IAM key',
    });
    key = serviceAccountKeySchema.safeParse(res.json);
  } catch (error) {
    // no permission to read the key: its end is unknown, the minted token still proves it
    if (error instanceof ChannelError && error.code === 'AUTH') {
      checks.push({
        name: 'key_expiry',
        state: 'healthy',
        detail: `The key's end is unknown: IAM does not let ${sa.client_email} read its own keys (${error.message}) — grant it roles/iam.serviceAccountKeyAdmin or a role with iam.serviceAccountKeys.get to have its end checked`,
      });
      return checks;
    }
    if (error instanceof ChannelError && error.code === 'INVALID_RECIPIENT') {
      checks.push({
        name: 'key_expiry',
        state: 'failing',
        detail: `IAM has no key ${sa.private_key_id} for ${sa.client_email} any more (deleted) — create a new key and paste its JSON into the connection`,
      });
      return checks;
    }
    throw error;
  }
  if (!key.success) throw new ChannelError('UNAVAILABLE', 'IAM answered the key in an unexpected shape');
  const fix = 'create a new key for the service account and paste its JSON into the connection';
  if (key.data.disabled)
    checks.push({
      name: 'key_expiry',
      state: 'failing',
      detail: `The service-account key ${sa.private_key_id} is disabled at Google — enable it in the Cloud console or ${fix}`,
    });
  else {
    const end = key.data.validBeforeTime ? new Date(key.data.validBeforeTime) : undefined;
    const expiresAt = end && Number.isFinite(end.getTime()) && end.getUTCFullYear() < NEVER_YEAR ? end : undefined;
    checks.push(
      expiryCheck({ name: 'key_expiry', what: `The service-account key ${sa.private_key_id}`, expiresAt, fix, ask }),
    );
  }
  return checks;
}
