/**
 * @module channels/email/oauth
 * The credentials of a mailbox: its passwords, or an OAuth2 access token refreshed with the refresh token (RFC 6749
 * §6) before it expires and used over XOAUTH2 (https://developers.google.com/gmail/imap/xoauth2-protocol).
 */
import {
  ChannelError,
  expiryCheck,
  providerClient,
  type BaseContext,
  type HealthAsk,
  type ProviderHealthCheck,
} from '../../channel-kit/index.js';
import type { EmailConfig } from './config.js';

export type MailAuth =
  | { kind: 'password' }
  | {
      kind: 'oauth2';
      accessToken: string;
      /**
       * epoch ms when the refresh token itself ends, where the issuer says so (`refresh_token_expires_in`: Google for
       * time-limited grants, https://developers.google.com/identity/protocols/oauth2/web-server#exchange-authorization-code;
       * Microsoft for single-page apps)
       */
      refreshExpiresAt?: number;
    };

/** refresh this long before the token's end, so a login never starts with a token about to expire */
const MARGIN_MS = 60_000;
const cache = new Map<string, { key: string; accessToken: string; expiresAt: number; refreshExpiresAt?: number }>();

export async function mailAuth(
  ctx: Pick<BaseContext<EmailConfig>, 'connectionId' | 'config' | 'http'>,
): Promise<MailAuth> {
  const { config } = ctx;
  if (!config.auth) return { kind: 'password' };
  const key = JSON.stringify([config.auth, config.oauthRefreshToken, config.oauthClientSecret]);
  const cached = cache.get(ctx.connectionId);
  if (cached?.key === key && cached.expiresAt - MARGIN_MS > Date.now())
    return {
      kind: 'oauth2',
      accessToken: cached.accessToken,
      ...(cached.refreshExpiresAt ? { refreshExpiresAt: cached.refreshExpiresAt } : {}),
    };
  const body = new URLSearchParams({
    grant_type: 'refresh_token',
    refresh_token: config.oauthRefreshToken ?? '',
    client_id: config.auth.clientId,
    ...(config.oauthClientSecret ? { client_secret: config.oauthClientSecret } : {}),
  });
  // the kit's client: a bounded call, transport errors named by code only, the refresh token and client secret
  // scrubbed from every message
  const client = providerClient({
    provider: 'OAuth2 token endpoint',
    http: ctx.http,
    secrets: [config.oauthRefreshToken, config.oauthClientSecret],
    mapError: (res) => {
      const refused = tokenAnswer(res.json);
      // RFC 6749 §5.2: a revoked or expired refresh token is invalid_grant; only a new consent brings the mailbox back
      if (refused.error === 'invalid_grant' || refused.error === 'invalid_client' || res.status === 401)
        return new ChannelError(
          'AUTH',
          `OAuth2 refresh refused (${refused.error ?? res.status}): reconnect the account`,
          { providerCode: refused.error ?? res.status },
        );
      return new ChannelError(
        'UNAVAILABLE',
        `OAuth2 token endpoint answered ${res.status} ${refused.error ?? ''}`.trim(),
        res.retryAfterMs ? { retryAfterMs: res.retryAfterMs } : {},
      );
    },
  });
  const res = await client.call(config.auth.tokenUrl, {
    form: body,
    headers: { accept: 'application/json' },
    what: 'token refresh',
    timeoutMs: 15_000,
  });
  const answer = tokenAnswer(res.json);
  if (!answer.access_token)
    throw new ChannelError('UNAVAILABLE', `OAuth2 token endpoint answered ${res.status} without an access_token`);
  const refreshIn = answer.refresh_token_expires_in;
  // a refresh answer without the field keeps what an earlier one said (Google repeats it, Microsoft may not)
  const refreshExpiresAt =
    typeof refreshIn === 'number' && refreshIn > 0
      ? Date.now() + refreshIn * 1000
      : cached?.key === key
        ? cached.refreshExpiresAt
        : undefined;
  cache.set(ctx.connectionId, {
    key,
    accessToken: answer.access_token,
    expiresAt: Date.now() + (answer.expires_in ?? 3600) * 1000,
    ...(refreshExpiresAt ? { refreshExpiresAt } : {}),
  });
  return { kind: 'oauth2', accessToken: answer.access_token, ...(refreshExpiresAt ? { refreshExpiresAt } : {}) };
}

/** the fields of a token endpoint's answer we read (RFC 6749 §5.1 and §5.2), whatever else it holds */
function tokenAnswer(json: unknown): {
  access_token?: string;
  expires_in?: number;
  refresh_token_expires_in?: number;
  error?: string;
} {
  const o = json && typeof json === 'object' ? (json as Record<string, unknown>) : {};
  const str = (v: unknown) => (typeof v === 'string' && v.length > 0 ? v : undefined);
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
  const out: { access_token?: string; expires_in?: number; refresh_token_expires_in?: number; error?: string } = {};
  const access = str(o.access_token);
  if (access) out.access_token = access;
  const expires = num(o.expires_in);
  if (expires !== undefined) out.expires_in = expires;
  const refreshExpires = num(o.refresh_token_expires_in);
  if (refreshExpires !== undefined) out.refresh_token_expires_in = refreshExpires;
  const error = str(o.error);
  if (error) out.error = error;
  return out;
}

export function forgetAuth(connectionId: string): void {
  cache.delete(connectionId);
}

/**
 * The provider's health of an OAuth2 mailbox: a refresh now (not the cached token), so a refresh token revoked at the
 * issuer (a changed password, a removed consent, an admin's revoke) is found while the current access token still
 * works — before the next login fails and the mailbox stops. A refusal is failing with the issuer's words and the fix;
 * the refresh token's own end, where the issuer gives one, warns ahead. A password mailbox has nothing to ask
 * beyond its IMAP session, whose failure turns the connection to ERROR.
 */
export async function emailHealth(ctx: BaseContext<EmailConfig>, ask: HealthAsk): Promise<ProviderHealthCheck[]> {
  if (!ctx.config.auth) return [];
  const issuer = new URL(ctx.config.auth.tokenUrl).host;
  forgetAuth(ctx.connectionId);
  let auth: MailAuth;
  try {
    auth = await mailAuth(ctx);
  } catch (error) {
    if (!(error instanceof ChannelError) || error.code !== 'AUTH') throw error;
    return [
      {
        name: 'oauth',
        state: 'failing',
        detail: `${issuer} refused to refresh the mailbox's access token: ${error.message} (sign in to ${ctx.config.address} again and save the new refresh token); mail stops at the next login`,
      },
    ];
  }
  const refreshEnd = auth.kind === 'oauth2' && auth.refreshExpiresAt ? new Date(auth.refreshExpiresAt) : undefined;
  return [
    { name: 'oauth', state: 'healthy', detail: `${issuer} refreshes the mailbox's access token` },
    ...(refreshEnd
      ? [
          expiryCheck({
            name: 'refresh_token',
            what: `The OAuth2 grant for ${ctx.config.address}`,
            expiresAt: refreshEnd,
            fix: 'reconnect the account (sign in again) before then',
            ask,
          }),
        ]
      : []),
  ];
}
