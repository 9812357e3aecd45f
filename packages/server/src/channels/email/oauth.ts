/**
 * @module channels/email/oauth
 * The credentials of a mailbox: its passwords, or an OAuth2 access token refreshed with the refresh token (RFC 6749
 * §6) before it expires and used over XOAUTH2 (https://developers.google.com/gmail/imap/xoauth2-protocol).
 */
import { ChannelError, type BaseContext } from '../../channel-kit/index.js';
import type { EmailConfig } from './config.js';

export type MailAuth = { kind: 'password' } | { kind: 'oauth2'; accessToken: string };

/** refresh this long before the token's end, so a login never starts with a token about to expire */
const MARGIN_MS = 60_000;
const cache = new Map<string, { key: string; accessToken: string; expiresAt: number }>();

export async function mailAuth(
  ctx: Pick<BaseContext<EmailConfig>, 'connectionId' | 'config' | 'http'>,
): Promise<MailAuth> {
  const { config } = ctx;
  if (!config.auth) return { kind: 'password' };
  const key = JSON.stringify([config.auth, config.oauthRefreshToken, config.oauthClientSecret]);
  const cached = cache.get(ctx.connectionId);
  if (cached?.key === key && cached.expiresAt - MARGIN_MS > Date.now())
    return { kind: 'oauth2', accessToken: cached.accessToken };
  const body = new URLSearchParams({
    grant_type: 'refresh_token',
    refresh_token: config.oauthRefreshToken ?? '',
    client_id: config.auth.clientId,
    ...(config.oauthClientSecret ? { client_secret: config.oauthClientSecret } : {}),
  });
  let res: Response;
  try {
    res = await ctx.http(config.auth.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body,
    });
  } catch (error) {
    if (error instanceof ChannelError) throw error;
    throw new ChannelError('UNAVAILABLE', 'OAuth2 token endpoint unreachable', { cause: error });
  }
  const answer = (await res.json().catch(() => ({}))) as {
    access_token?: string;
    expires_in?: number;
    error?: string;
    error_description?: string;
  };
  // RFC 6749 §5.2: a revoked or expired refresh token is invalid_grant; only a new consent brings the mailbox back
  if (answer.error === 'invalid_grant' || answer.error === 'invalid_client' || res.status === 401)
    throw new ChannelError('AUTH', `OAuth2 refresh refused (${answer.error ?? res.status}): reconnect the account`, {
      providerCode: answer.error ?? res.status,
    });
  if (!res.ok || !answer.access_token)
    throw new ChannelError('UNAVAILABLE', `OAuth2 token endpoint answered ${res.status} ${answer.error ?? ''}`.trim());
  cache.set(ctx.connectionId, {
    key,
    accessToken: answer.access_token,
    expiresAt: Date.now() + (answer.expires_in ?? 3600) * 1000,
  });
  return { kind: 'oauth2', accessToken: answer.access_token };
}

export function forgetAuth(connectionId: string): void {
  cache.delete(connectionId);
}
