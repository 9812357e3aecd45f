/** @module channels/instagram/verify — the Meta webhook signature, shared with the other Meta channels (channel-kit/meta-webhook). */
import { metaBodyEventKey, verifyMetaSignature, type Verdict, type WebhookRequest } from '../../channel-kit/index.js';
import type { InstagramConfig } from './config.js';

export function verifyInstagram(req: WebhookRequest, config: InstagramConfig): Verdict {
  return verifyMetaSignature(req, config.appSecret);
}

export const instagramEventKey = (req: WebhookRequest): string | undefined =>
  metaBodyEventKey(req, 'instagram-webhook-body');
