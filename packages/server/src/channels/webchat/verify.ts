/** @module channels/webchat/verify — a visitor request carries its session token as a bearer token. */
import type { Verdict, WebhookRequest } from '../../channel-kit/index.js';
import type { WebchatConfig } from './config.js';
import { checkVisitorToken } from './visitor-token.js';

export function bearer(req: WebhookRequest): string | undefined {
  const auth = req.headers.authorization;
  return auth?.startsWith('Bearer ') ? auth.slice(7).trim() : undefined;
}

export function verifyWebchat(req: WebhookRequest, config: WebchatConfig): Verdict {
  // visitors write only through the visitor endpoints (/webchat/{id}/…), which shape and stamp their messages;
  // the generic /webhooks/{id} route is not a way around that
  let path: string;
  try {
    path = new URL(req.url, 'http://visitor.invalid').pathname;
  } catch {
    return { ok: false, status: 403, reason: 'not a visitor endpoint' };
  }
  if (!path.startsWith('/webchat/')) return { ok: false, status: 403, reason: 'visitor messages go through /webchat/{connectionId}/messages' };
  const token = bearer(req);
  if (!token) return { ok: false, status: 401, reason: 'missing visitor token' };
  return checkVisitorToken(config, token) ? { ok: true } : { ok: false, status: 401, reason: 'invalid visitor token' };
}
