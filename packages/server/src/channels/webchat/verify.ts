/**
 * @module channels/webchat/verify — a visitor request carries its session token as a bearer token and names its
 * visitor in X-Webchat-Visitor (set by the hub's visitor endpoints): the token is stored with the raw event only as
 * a digest, so the stored request keeps who sent it in a header that is not a credential.
 */
import { isCredentialDigest, type Verdict, type WebhookRequest } from '../../channel-kit/index.js';
import type { WebchatConfig } from './config.js';
import { checkVisitorToken, isVisitorId } from './visitor-token.js';

export const VISITOR_HEADER = 'x-webchat-visitor';

export function bearer(req: WebhookRequest): string | undefined {
  const auth = req.headers.authorization;
  return auth?.startsWith('Bearer ') ? auth.slice(7).trim() : undefined;
}

/**
 * The visitor a request is from: the one its token was issued for, or — for a raw event as stored, whose token is a
 * digest — the one the header names. Only verified requests are stored, and verify requires the two to agree.
 * Raw events stored before the header existed hold the whole token and no header.
 */
export function visitorOf(req: WebhookRequest, config: WebchatConfig): string | undefined {
  const named = req.headers[VISITOR_HEADER];
  const fromToken = checkVisitorToken(config, bearer(req));
  if (fromToken) return named === undefined || named === fromToken ? fromToken : undefined;
  return isCredentialDigest(req.headers.authorization) && isVisitorId(named) ? named : undefined;
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
  if (!path.startsWith('/webchat/'))
    return { ok: false, status: 403, reason: 'visitor messages go through /webchat/{connectionId}/messages' };
  const token = bearer(req);
  if (!token) return { ok: false, status: 401, reason: 'missing visitor token' };
  const visitorId = checkVisitorToken(config, token);
  if (!visitorId) return { ok: false, status: 401, reason: 'invalid visitor token' };
  return req.headers[VISITOR_HEADER] === visitorId
    ? { ok: true }
    : { ok: false, status: 401, reason: "X-Webchat-Visitor does not name the token's visitor" };
}
