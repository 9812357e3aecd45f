/**
 * @module channels/vk/verify — the Callback API proves itself with the `secret` field inside the JSON body
 * (https://dev.vk.com/en/api/callback/getting-started): compared in constant time, fail closed. The confirmation
 * request carries no event and is accepted when it names our community, so its code can be answered.
 */
import { safeEqual, type Verdict, type WebhookRequest } from '../../channel-kit/index.js';
import type { VkConfig } from './config.js';

export function readCallback(req: WebhookRequest): Record<string, unknown> | undefined {
  try {
    const json: unknown = JSON.parse(req.rawBody.toString('utf8'));
    return json && typeof json === 'object' && !Array.isArray(json) ? (json as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export function verifyVk(req: WebhookRequest, config: VkConfig): Verdict {
  if (req.method !== 'POST') return { ok: false, status: 403, reason: 'VK sends callbacks by POST' };
  const body = readCallback(req);
  if (!body) return { ok: false, status: 403, reason: 'body is not a VK callback' };
  if (body.type === 'confirmation' && body.group_id === config.groupId && body.secret === undefined)
    return { ok: true };
  const received = typeof body.secret === 'string' ? body.secret : undefined;
  if (!config.secret) return { ok: false, status: 403, reason: 'the connection has no callback secret' };
  if (!received) return { ok: false, status: 401, reason: 'missing secret' };
  if (!safeEqual(config.secret, received)) return { ok: false, status: 403, reason: 'secret mismatch' };
  if (body.group_id !== config.groupId) return { ok: false, status: 403, reason: 'callback for another community' };
  return { ok: true };
}
