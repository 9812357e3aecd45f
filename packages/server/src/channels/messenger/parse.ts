/** @module channels/messenger/parse — object `page` webhooks → events (https://developers.facebook.com/docs/messenger-platform/webhooks); the envelope is read by the kit's Messenger Platform parser. */
import {
  metaHandshake,
  parseMessengerPlatform,
  type WebhookOutcome,
  type WebhookRequest,
} from '../../channel-kit/index.js';
import type { MessengerConfig } from './config.js';

export function parseMessenger(req: WebhookRequest, config: MessengerConfig): WebhookOutcome {
  if (req.method === 'GET') return metaHandshake(req, config.verifyToken);
  return parseMessengerPlatform(req.rawBody, 'page');
}
