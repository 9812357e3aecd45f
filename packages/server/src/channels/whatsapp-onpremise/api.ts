/**
 * @module channels/whatsapp-onpremise/api — the Coreapp calls of the connector
 * (https://developers.facebook.com/docs/whatsapp/on-premises/reference): the login session, one request function
 * with the bearer token, the Coreapp's errors mapped once to ChannelError codes, the start (login + webhook URL),
 * media upload and download, and the template list (from the Graph API, where the account's templates live).
 *
 * The session: `POST /v1/users/login` with basic auth answers a bearer token valid for 7 days
 * (https://developers.facebook.com/docs/whatsapp/on-premises/reference/users/login). Sessions are kept per
 * connection and shared by every concurrent call; a token is renewed while it is still valid (in its last day, or
 * its last half for shorter lifetimes), so sends never wait on an expired one. Should the Coreapp refuse a token
 * anyway (restarted, logged out elsewhere), the call logs in once more and is repeated once; a login refused with
 * 401 is an AUTH error, which turns the connection to ERROR.
 */
import { createHash } from 'node:crypto';
import {
  ChannelError,
  channelErrorFromHttpStatus,
  codeForWhatsAppError,
  listWhatsAppTemplates,
  parseRetryAfter,
  providerClient,
  whatsappErrorMessage,
  expiryCheck,
  type BaseContext,
  type FetchedMedia,
  type HealthAsk,
  type ProviderHealthCheck,
  type ProviderClient,
  type ProviderRequest,
  type ProviderResponse,
  type ProviderTemplate,
} from '../../channel-kit/index.js';
import type { WhatsAppOnPremConfig } from './config.js';
import { coreappErrorSchema, loginResponseSchema, settingsResponseSchema, uploadResponseSchema } from './payloads.js';

type Ctx = BaseContext<WhatsAppOnPremConfig>;

const PROVIDER = 'WhatsApp Coreapp';
const DAY = 24 * 3600 * 1000;
/** when the login answer names no expiry: the Coreapp's documented lifetime, less a day */
const ASSUMED_LIFETIME_MS = 6 * DAY;

interface Session {
  /** which credentials the token belongs to: a changed password or URL starts a new session */
  key: string;
  token: string;
  issuedAt: number;
  expiresAt: number;
}

const sessions = new Map<string, Session>();
const logins = new Map<string, Promise<Session>>();

const credentialKey = (c: WhatsAppOnPremConfig) =>
  createHash('sha256').update(`${c.baseUrl}\n${c.username}\n${c.password}`).digest('base64url');

/** "2026-12-14 09:01:02+00:00" (the login answer's expires_after) → ms */
export function parseExpiresAfter(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const ms = Date.parse(value.trim().replace(' ', 'T'));
  return Number.isFinite(ms) ? ms : undefined;
}

/** renew in the last day of a 7-day token, or in the last half of a shorter one */
export function needsRenewal(s: Pick<Session, 'issuedAt' | 'expiresAt'>, now: number): boolean {
  const margin = Math.min(DAY, (s.expiresAt - s.issuedAt) / 2);
  return now >= s.expiresAt - margin;
}

export function coreappUrl(config: WhatsAppOnPremConfig, path: string): string {
  return `${config.baseUrl.replace(/\/+$/, '')}${path}`;
}

/** the Coreapp's error envelope (status, body, Retry-After) → a ChannelError with the Coreapp code as providerCode */
export function coreappError(
  status: number,
  error: { code: number; title?: string | undefined; details?: string | undefined } | undefined,
  retryAfter: string | null,
): ChannelError {
  const message = error ? whatsappErrorMessage(error) : `${PROVIDER} answered HTTP ${status}`;
  let code = codeForWhatsAppError(error?.code, () => channelErrorFromHttpStatus(status, '').code);
  // a refused token or login is AUTH whatever the body says
  if (status === 401) code = 'AUTH';
  if (status === 429) code = 'RATE_LIMITED';
  const header = parseRetryAfter(retryAfter);
  const retryAfterMs = code === 'RATE_LIMITED' ? (header ?? 1000) : header;
  return new ChannelError(code, message, {
    providerCode: error?.code ?? status,
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  });
}

function client(ctx: Ctx): ProviderClient {
  return providerClient({
    provider: PROVIDER,
    http: ctx.http,
    signal: ctx.signal,
    secrets: [
      ctx.config.password,
      ctx.config.webhookSecret,
      ctx.config.graphAccessToken,
      sessions.get(ctx.connectionId)?.token,
    ],
    mapError: (res: ProviderResponse) => {
      const parsed = coreappErrorSchema.safeParse(res.json);
      const error = coreappError(
        res.status,
        parsed.success ? parsed.data.errors[0] : undefined,
        res.headers.get('retry-after'),
      );
      ctx.log.warn(`Coreapp call failed: ${error.code}`, { status: res.status, coreappCode: error.providerCode });
      return error;
    },
  });
}

async function login(ctx: Ctx, key: string): Promise<Session> {
  const { username, password } = ctx.config;
  const issuedAt = Date.now();
  const res = await client(ctx).call(coreappUrl(ctx.config, '/v1/users/login'), {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` },
    json: {},
    what: 'login',
  });
  const body = loginResponseSchema.safeParse(res.json);
  if (!body.success) throw new ChannelError('UNAVAILABLE', `${PROVIDER} login answered without a token`);
  const user = body.data.users[0] as { token: string; expires_after?: string | undefined };
  const session: Session = {
    key,
    token: user.token,
    issuedAt,
    expiresAt: parseExpiresAfter(user.expires_after) ?? issuedAt + ASSUMED_LIFETIME_MS,
  };
  sessions.set(ctx.connectionId, session);
  ctx.log.info('logged in to the Coreapp', { expiresAt: new Date(session.expiresAt).toISOString() });
  return session;
}

/** the connection's valid session: the cached one, or one login shared by every caller waiting for it */
async function session(ctx: Ctx, refresh = false): Promise<Session> {
  const key = credentialKey(ctx.config);
  const current = sessions.get(ctx.connectionId);
  if (!refresh && current && current.key === key && !needsRenewal(current, Date.now())) return current;
  const pending = logins.get(ctx.connectionId);
  if (pending) return pending;
  const started = login(ctx, key).finally(() => logins.delete(ctx.connectionId));
  logins.set(ctx.connectionId, started);
  return started;
}

/** forgets a connection's session (stop, or a test that starts over) */
export function forgetSession(connectionId: string): void {
  sessions.delete(connectionId);
}

/** one authenticated Coreapp call; a refused token logs in again and repeats the call once */
async function authed<T>(ctx: Ctx, run: (token: string) => Promise<T>): Promise<T> {
  const first = await session(ctx);
  try {
    return await run(first.token);
  } catch (error) {
    if (!(error instanceof ChannelError) || error.code !== 'AUTH' || error.providerCode === '1024') throw error;
    // only if nobody renewed it meanwhile: then the fresh token is tried first
    const now = sessions.get(ctx.connectionId);
    const next = now && now.token !== first.token ? now : await session(ctx, true);
    ctx.log.info('the Coreapp refused the bearer token; logged in again');
    return run(next.token);
  }
}

export async function coreappCall(
  ctx: Ctx,
  path: string,
  request: Omit<ProviderRequest, 'headers'> = {},
): Promise<unknown> {
  return authed(ctx, async (token) => {
    const res = await client(ctx).call(coreappUrl(ctx.config, path), {
      ...request,
      headers: { authorization: `Bearer ${token}` },
    });
    return res.json ?? {};
  });
}

/** the URL the Coreapp posts to: ours with the secret path segment (verify.ts) */
export function registeredWebhookUrl(ctx: Ctx): string {
  if (!ctx.config.webhookSecret) throw new ChannelError('INVALID_CONFIG', 'the connection has no webhook secret');
  return `${ctx.webhookUrl.replace(/\/+$/, '')}/${encodeURIComponent(ctx.config.webhookSecret)}`;
}

/**
 * start: log in (401 → AUTH, the connection turns ERROR) and register our webhook URL
 * (https://developers.facebook.com/docs/whatsapp/on-premises/reference/settings/app): delivery and read statuses
 * on, `callback_persist` so webhooks the hub could not take are kept and retried by the Coreapp.
 */
export async function startCoreapp(ctx: Ctx): Promise<void> {
  await session(ctx, true);
  await coreappCall(ctx, '/v1/settings/application', {
    method: 'PATCH',
    json: {
      callback_persist: true,
      webhooks: { url: registeredWebhookUrl(ctx), message: { sent: true, delivered: true, read: true } },
    },
    what: 'settings',
  });
  ctx.log.info('webhook URL registered at the Coreapp');
}

/** stop: end the session (https://developers.facebook.com/docs/whatsapp/on-premises/reference/users/logout); a failed logout is not fatal */
export async function stopCoreapp(ctx: Ctx): Promise<void> {
  const current = sessions.get(ctx.connectionId);
  forgetSession(ctx.connectionId);
  if (!current) return;
  try {
    await client(ctx).call(coreappUrl(ctx.config, '/v1/users/logout'), {
      method: 'POST',
      headers: { authorization: `Bearer ${current.token}` },
      what: 'logout',
    });
  } catch (error) {
    ctx.log.info(`logout failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** blue ticks for the customer when an operator opens the message (https://developers.facebook.com/docs/whatsapp/on-premises/guides/mark-as-read) */
export async function markCoreappRead(providerMessageId: string, ctx: Ctx): Promise<void> {
  await coreappCall(ctx, `/v1/messages/${encodeURIComponent(providerMessageId)}`, {
    method: 'PUT',
    json: { status: 'read' },
    what: 'mark as read',
  });
}

/** inbound media: GET /v1/media/{id} answers the bytes (https://developers.facebook.com/docs/whatsapp/on-premises/reference/media/media-id) */
export async function fetchCoreappMedia(
  media: { providerMediaId: string; mimeType?: string },
  ctx: Ctx,
): Promise<FetchedMedia> {
  const { bytes, headers } = await authed(ctx, (token) =>
    client(ctx).download(coreappUrl(ctx.config, `/v1/media/${encodeURIComponent(media.providerMediaId)}`), {
      headers: { authorization: `Bearer ${token}` },
      what: 'media download',
    }),
  );
  const mimeType = headers.get('content-type') ?? media.mimeType ?? 'application/octet-stream';
  return { bytes, mimeType };
}

/** outbound media: the file as the raw body of POST /v1/media with its Content-Type → media id (https://developers.facebook.com/docs/whatsapp/on-premises/reference/media) */
export async function uploadCoreappMedia(ctx: Ctx, file: { bytes: Buffer; mimeType: string }): Promise<string> {
  const res = uploadResponseSchema.safeParse(
    await coreappCall(ctx, '/v1/media', {
      method: 'POST',
      bytes: { data: file.bytes, contentType: file.mimeType },
      what: 'media upload',
    }),
  );
  if (!res.success) throw new ChannelError('UNAVAILABLE', 'media upload answered without an id');
  return (res.data.media[0] as { id: string }).id;
}

/**
 * The templates of the WhatsApp Business Account, listed like the Cloud channel lists them (one implementation:
 * channel-kit/whatsapp-business): the Coreapp has no template list of its own, templates live on the account
 * (https://developers.facebook.com/docs/whatsapp/business-management-api/message-templates).
 */
export async function syncCoreappTemplates(ctx: Ctx): Promise<ProviderTemplate[]> {
  const { businessAccountId, graphAccessToken, graphApiBaseUrl, graphApiVersion } = ctx.config;
  if (!businessAccountId || !graphAccessToken || !ctx.config.templateNamespace)
    throw new ChannelError(
      'INVALID_CONFIG',
      'set businessAccountId, graphAccessToken and templateNamespace to list and send templates',
    );
  const graph = providerClient({
    provider: 'Graph API',
    http: ctx.http,
    signal: ctx.signal,
    secrets: [graphAccessToken, ctx.config.password],
  });
  return listWhatsAppTemplates(async (path) => {
    const res = await graph.call(`${graphApiBaseUrl.replace(/\/+$/, '')}/${graphApiVersion}/${path}`, {
      headers: { authorization: `Bearer ${graphAccessToken}` },
      what: 'template list',
    });
    return res.json;
  }, businessAccountId);
}

const utc = (ms: number) => `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/**
 * The provider's health. The bearer token: the hub logs in again every round, so a changed or locked password is
 * found while the current token still works — the Coreapp keeps every token valid until its `expires_after`
 * (https://developers.facebook.com/docs/whatsapp/on-premises/reference/users/login), so sends go on and then stop
 * at once. A refused renewal throws AUTH (failing, with the current token's end in the words); a renewal the
 * Coreapp did not answer leaves the current token's end graded by the warning days (14 and 3 by default: with the
 * Coreapp's 7-day tokens a failing renewal warns at once); a renewal that worked is healthy whatever the new
 * token's lifetime, since the hub renews it before it ends. Then the webhook URL the Coreapp posts to
 * (GET /v1/settings/application, https://developers.facebook.com/docs/whatsapp/on-premises/reference/settings/app):
 * another URL (set by hand or by another tool) loses every inbound message.
 */
export async function coreappHealth(ctx: Ctx, ask: HealthAsk): Promise<ProviderHealthCheck[]> {
  const current = sessions.get(ctx.connectionId);
  const what = 'The Coreapp bearer token';
  let renewed: Session;
  try {
    renewed = await session(ctx, true);
  } catch (error) {
    if (!(error instanceof ChannelError)) throw error;
    const valid = current && current.expiresAt > ask.now.getTime() ? current : undefined;
    if (error.code === 'AUTH')
      throw new ChannelError(
        'AUTH',
        `the Coreapp refused the token renewal (${error.message})${valid ? `; the current token works until ${utc(valid.expiresAt)}, then nothing is sent` : ''}`,
        { providerCode: error.providerCode ?? undefined },
      );
    // never logged in (the connection's start failed too): nothing to grade, the error says it
    if (!current) throw error;
    const graded = expiryCheck({
      name: 'token_expiry',
      what,
      expiresAt: new Date(current.expiresAt),
      fix: `the hub could not renew it (${error.message}); check that the Coreapp is reachable`,
      ask,
    });
    return [{ ...graded, state: graded.state === 'healthy' ? 'warning' : graded.state }];
  }
  const checks: ProviderHealthCheck[] = [
    {
      name: 'token_expiry',
      state: 'healthy',
      expiresAt: new Date(renewed.expiresAt).toISOString(),
      detail: `${what} was renewed; the new one is valid until ${utc(renewed.expiresAt)} and is renewed before it ends`,
    },
  ];
  const settings = settingsResponseSchema.safeParse(
    await coreappCall(ctx, '/v1/settings/application', { what: 'settings' }),
  );
  if (!settings.success)
    throw new ChannelError('UNAVAILABLE', `${PROVIDER} answered the settings in an unexpected shape`);
  const url = settings.data.settings.application.webhooks?.url ?? '';
  const ours = registeredWebhookUrl(ctx);
  // the path carries the webhook secret: the words name our URL without it
  const shown = ctx.webhookUrl;
  checks.push(
    url === ours
      ? { name: 'webhook', state: 'healthy', detail: `The Coreapp posts its webhooks to ${shown}` }
      : {
          name: 'webhook',
          state: 'warning',
          detail: url
            ? `The Coreapp posts its webhooks to ${url.startsWith(shown) ? `${shown}/… with another secret` : url}, not to ${shown} (a hand edit or another tool changed it) — restart the connection to register it again`
            : `The Coreapp has no webhook URL: inbound messages do not reach ${shown} — restart the connection to register it`,
        },
  );
  return checks;
}
