/** @module channels/instagram/parse — object `instagram` webhooks → events (https://developers.facebook.com/docs/instagram-platform/webhooks): story mentions and replies, shares, messaging_seen, reactions, through the kit's Messenger Platform parser. */
import {
  metaHandshake,
  parseMessengerPlatform,
  type WebhookOutcome,
  type WebhookRequest,
} from '../../channel-kit/index.js';
import type { InstagramConfig } from './config.js';

export function parseInstagram(req: WebhookRequest, config: InstagramConfig): WebhookOutcome {
  if (req.method === 'GET') return metaHandshake(req, config.verifyToken);
  return parseMessengerPlatform(req.rawBody, 'instagram');
}
