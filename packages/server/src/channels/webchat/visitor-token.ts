/**
 * @module channels/webchat/visitor-token
 * Visitor session tokens: `<visitorId>.<HMAC-SHA256(sessionSecret, "visitor:" + visitorId)>`. Stateless, so any
 * API process can check them; rotating the session secret signs every visitor out.
 */
import { hmac, safeEqual } from '../../channel-kit/index.js';
import type { WebchatConfig } from './config.js';

const sign = (secretValue: string, visitorId: string): string =>
  hmac('sha256', secretValue, `visitor:${visitorId}`, 'base64url');

export function issueVisitorToken(config: WebchatConfig, visitorId: string): string {
  if (!config.sessionSecret) throw new Error('webchat connection has no session secret');
  return `${visitorId}.${sign(config.sessionSecret, visitorId)}`;
}

export const isVisitorId = (value: unknown): value is string =>
  typeof value === 'string' && /^vis_[0-9a-z]{26}$/.test(value);

export function checkVisitorToken(config: WebchatConfig, token: string | undefined): string | undefined {
  if (!token || !config.sessionSecret) return undefined;
  const dot = token.lastIndexOf('.');
  if (dot <= 0) return undefined;
  const visitorId = token.slice(0, dot);
  if (!isVisitorId(visitorId)) return undefined;
  return safeEqual(sign(config.sessionSecret, visitorId), token.slice(dot + 1)) ? visitorId : undefined;
}
