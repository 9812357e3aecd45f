/**
 * @module channels/intercom/api — the Intercom REST calls of the connector (https://developers.intercom.com/docs/references/rest-api/api.intercom.io):
 * one client with `Authorization: Bearer …` and `Intercom-Version`, Intercom's `error.list` body mapped once to
 * ChannelError codes (401 and token errors → AUTH, 429 → RATE_LIMITED until `X-RateLimit-Reset`, 5xx →
 * UNAVAILABLE, a missing conversation → INVALID_RECIPIENT, other 4xx → REJECTED with Intercom's message), the start
 * check of the token and the admin, closing or assigning a conversation resolved here, and attachment downloads.
 */
import {
  ChannelError,
  providerClient,
  type BaseContext,
  type FetchedMedia,
  type ProviderClient,
  type ProviderHealthCheck,
  type ProviderRequest,
  type ProviderResponse,
  type StartResult,
} from '../../channel-kit/index.js';
import type { IntercomConfig } from './config.js';
import { intercomAdminSchema, intercomErrorSchema } from './payloads.js';

type Ctx = BaseContext<IntercomConfig>;

/** error codes that say the token itself is bad (https://developers.intercom.com/docs/references/rest-api/errors/error-codes) */
const TOKEN_CODES = new Set([
  'unauthorized',
  'missing_authorization',
  'token_unauthorized',
  'token_revoked',
  'token_blocked',
  'token_not_found',
  'token_expired',
]);

/**
 * when the rate-limit window ends: `X-RateLimit-Reset` is the unix time (seconds) of the next window
 * (https://developers.intercom.com/docs/references/rest-api/errors/rate-limiting); a Retry-After wins when present
 */
export function intercomRetryAfterMs(res: Pick<ProviderResponse, 'headers' | 'retryAfterMs'>, now = Date.now()) {
  if (res.retryAfterMs !== undefined) return Math.max(1000, res.retryAfterMs);
  const reset = Number(res.headers.get('x-ratelimit-reset'));
  if (Number.isFinite(reset) && reset > 0) return Math.min(3_600_000, Math.max(1000, reset * 1000 - now));
  return 10_000; // one 10-second window
}

/** Intercom answered non-2xx: its `error.list` → a ChannelError */
export function intercomError(status: number, json: unknown, retryAfterMs: number): ChannelError {
  const body = intercomErrorSchema.safeParse(json);
  const first = body.success ? body.data.errors[0] : undefined;
  const code = first?.code;
  const message = first?.message ? first.message : `Intercom answered HTTP ${status}`;
  const text = code && !message.includes(code) ? `${message} (${code})` : message;
  const providerCode = code ?? status;
  if (status === 401 || (code !== undefined && TOKEN_CODES.has(code)))
    return new ChannelError('AUTH', text, { providerCode });
  if (status === 429 || code === 'rate_limit_exceeded')
    return new ChannelError('RATE_LIMITED', text, { providerCode, retryAfterMs });
  if (status >= 500 || status === 408) return new ChannelError('UNAVAILABLE', text, { providerCode });
  if (status === 404) return new ChannelError('INVALID_RECIPIENT', text, { providerCode });
  return new ChannelError('REJECTED', text, { providerCode });
}

function client(ctx: Ctx): ProviderClient {
  return providerClient({
    provider: 'Intercom',
    http: ctx.http,
    signal: ctx.signal,
    secrets: [ctx.config.accessToken, ctx.config.clientSecret],
    mapError: (res) => {
      const error = intercomError(res.status, res.json, intercomRetryAfterMs(res));
      ctx.log.warn(`Intercom call failed: ${error.code}`, { status: res.status, intercomCode: error.providerCode });
      return error;
    },
  });
}

const headers = (ctx: Ctx): Record<string, string> => ({
  authorization: `Bearer ${ctx.config.accessToken}`,
  accept: 'application/json',
  'intercom-version': ctx.config.apiVersion,
});
export const apiUrl = (config: IntercomConfig, path: string) => `${config.apiBaseUrl.replace(/\/+$/, '')}${path}`;

/** one authenticated call; answers the parsed JSON body or throws a mapped ChannelError */
export async function intercomCall(
  ctx: Ctx,
  path: string,
  init: Omit<ProviderRequest, 'headers'> = {},
): Promise<unknown> {
  const res = await client(ctx).call(apiUrl(ctx.config, path), { ...init, headers: headers(ctx) });
  if (res.json === undefined)
    throw new ChannelError('UNAVAILABLE', `Intercom answered HTTP ${res.status} with a body that is not JSON`, {
      providerCode: res.status,
    });
  return res.json;
}

/**
 * start: `GET /me` must answer for the token (401 → AUTH, the connection turns ERROR), then the admin our replies are
 * sent as must exist in the workspace (`GET /admins/{id}`, 404 → INVALID_CONFIG). Intercom's webhooks are set up in
 * the app's Developer Hub, not through the API: the connection's webhook URL goes there.
 */
export async function startIntercom(ctx: Ctx): Promise<StartResult<IntercomConfig> | void> {
  const me = intercomAdminSchema.safeParse(await intercomCall(ctx, '/me', { what: 'GET /me' }));
  if (!me.success) throw new ChannelError('UNAVAILABLE', 'Intercom answered GET /me in an unexpected shape');
  let admin;
  try {
    admin = intercomAdminSchema.safeParse(
      await intercomCall(ctx, `/admins/${encodeURIComponent(ctx.config.adminId)}`, { what: 'GET /admins' }),
    );
  } catch (error) {
    if (error instanceof ChannelError && error.code === 'INVALID_RECIPIENT')
      throw new ChannelError(
        'INVALID_CONFIG',
        `admin ${ctx.config.adminId} is not a teammate of this Intercom workspace`,
        {
          providerCode: error.providerCode ?? undefined,
        },
      );
    throw error;
  }
  if (!admin.success || admin.data.type !== 'admin')
    throw new ChannelError('INVALID_CONFIG', `Intercom id ${ctx.config.adminId} is not an admin`);
  ctx.log.info(`Intercom token of ${me.data.name ?? me.data.id}; replies go as ${admin.data.name ?? admin.data.id}`);
}

/**
 * the operator resolved the conversation here: close it in Intercom as our admin, or assign it
 * (`POST /conversations/{id}/parts`, https://developers.intercom.com/docs/references/rest-api/api.intercom.io/conversations/manageconversation)
 */
export async function mirrorResolved(conversation: { threadKey: string | null }, ctx: Ctx): Promise<void> {
  const { onResolve, adminId } = ctx.config;
  if (onResolve === 'none' || !conversation.threadKey) return;
  const body =
    onResolve === 'close'
      ? { message_type: 'close', type: 'admin', admin_id: adminId }
      : {
          message_type: 'assignment',
          type: 'admin',
          admin_id: adminId,
          assignee_id: ctx.config.resolveAssigneeId ?? adminId,
        };
  await intercomCall(ctx, `/conversations/${encodeURIComponent(conversation.threadKey)}/parts`, {
    json: body,
    what: `${onResolve} conversation`,
  });
}

/** the token goes only to the API's own origin; attachment URLs elsewhere (Intercom's CDN) are pre-signed */
function apiHosted(url: string, config: IntercomConfig): boolean {
  try {
    return new URL(url).origin === new URL(config.apiBaseUrl).origin;
  } catch {
    return false;
  }
}

/** an inbound attachment: its URL (the providerMediaId), as Intercom's conversation part names it */
export async function fetchIntercomMedia(
  media: { providerMediaId: string; mimeType?: string },
  ctx: Ctx,
): Promise<FetchedMedia> {
  const url = media.providerMediaId;
  const { bytes, headers: h } = await client(ctx).download(
    url,
    apiHosted(url, ctx.config) ? { headers: headers(ctx) } : {},
  );
  const mimeType = h.get('content-type')?.split(';')[0]?.trim() || media.mimeType || 'application/octet-stream';
  return { bytes, mimeType };
}

/**
 * The provider's health, as far as Intercom exposes it: the access token (`GET /me` — a revoked or rotated token
 * is AUTH, failing; https://developers.intercom.com/docs/references/rest-api/api.intercom.io/admins/identifyadmin)
 * and the admin our replies go as (`GET /admins/{id}`, https://developers.intercom.com/docs/references/rest-api/api.intercom.io/admins/retrieveadmin):
 * removed from the workspace → failing (every reply is refused); in away mode → warning (Intercom's assignment skips
 * it, and the Messenger shows the team as away, https://www.intercom.com/help/en/articles/6211498-set-yourself-away).
 * The webhook's URL and topics are set in the Developer Hub and no API reads them, so they are not compared: the
 * first-message check shows whether webhooks arrive.
 */
export async function intercomHealth(ctx: Ctx): Promise<ProviderHealthCheck[]> {
  const me = intercomAdminSchema.safeParse(await intercomCall(ctx, '/me', { what: 'GET /me' }));
  if (!me.success) throw new ChannelError('UNAVAILABLE', 'Intercom answered GET /me in an unexpected shape');
  const app = (me.data.app as { name?: unknown } | undefined)?.name;
  const checks: ProviderHealthCheck[] = [
    {
      name: 'token',
      state: 'healthy',
      detail: `The access token works${typeof app === 'string' ? ` for the Intercom workspace ${app}` : ''}`,
    },
  ];
  const { adminId } = ctx.config;
  let admin;
  try {
    admin = intercomAdminSchema.safeParse(
      await intercomCall(ctx, `/admins/${encodeURIComponent(adminId)}`, { what: 'GET /admins' }),
    );
  } catch (error) {
    if (!(error instanceof ChannelError) || error.code !== 'INVALID_RECIPIENT') throw error;
    checks.push({
      name: 'admin',
      state: 'failing',
      detail: `Admin ${adminId} is no longer a teammate of this Intercom workspace: every reply is refused — set another admin id in the connection`,
    });
    return checks;
  }
  if (!admin.success || admin.data.type !== 'admin')
    throw new ChannelError('UNAVAILABLE', 'Intercom answered GET /admins in an unexpected shape');
  const name = admin.data.name ?? adminId;
  checks.push(
    admin.data.away_mode_enabled === true
      ? {
          name: 'admin',
          state: 'warning',
          detail: `${name}, the admin replies go as, is in away mode in Intercom: Intercom assigns it no new conversations and shows it as away — turn away mode off for ${name} in Intercom`,
        }
      : { name: 'admin', state: 'healthy', detail: `Replies go as ${name}, a teammate of the workspace` },
  );
  return checks;
}
