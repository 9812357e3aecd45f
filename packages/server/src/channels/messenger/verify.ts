/** @module channels/messenger/verify — the Meta webhook signature, shared with the other Meta channels (channel-kit/meta-webhook). */
import { metaBodyEventKey, verifyMetaSignature, type Verdict, type WebhookRequest } from '../../channel-kit/index.js';
import type { MessengerConfig } from './config.js';

export function verifyMessenger(req: WebhookRequest, config: MessengerConfig): Verdict {
  return verifyMetaSignature(req, config.appSecret);
}

export const messengerEventKey = (req: WebhookRequest): string | undefined =>
  metaBodyEventKey(req, 'messenger-webhook-body');
