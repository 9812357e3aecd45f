/** @module channels/webchat/verify — a visitor request carries its session token as a bearer token. */
import type { Verdict, WebhookRequest } from '../../channel-kit/index.js';
import type { WebchatConfig } from './config.js';
import { checkVisitorToken } from './visitor-token.js';

export function bearer(req: WebhookRequest): string | undefined {
  const auth = req.headers.authorization;
  return auth?.startsWith('Bearer ') ? auth.slice(7).trim() : undefined;
}

export function verifyWebchat(req: WebhookRequest, config: WebchatConfig): Verdict {
  const token = bearer(req);
  if (!token) return { ok: false, status: 401, reason: 'missing visitor token' };
  return checkVisitorToken(config, token) ? { ok: true } : { ok: false, status: 401, reason: 'invalid visitor token' };
}
