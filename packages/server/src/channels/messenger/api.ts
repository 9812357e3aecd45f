/** @module channels/messenger/api — the Page as a Graph target (https://developers.facebook.com/docs/messenger-platform/reference/send-api). */
import type { MetaGraphTarget } from '../../channel-kit/index.js';
import type { MessengerConfig } from './config.js';

/** the webhook fields we handle (https://developers.facebook.com/docs/messenger-platform/webhooks#events) */
export const MESSENGER_FIELDS = [
  'messages',
  'message_echoes',
  'message_deliveries',
  'message_reads',
  'messaging_postbacks',
  'messaging_referrals',
  'message_reactions',
  'standby',
] as const;

export function pageTarget(config: MessengerConfig): MetaGraphTarget {
  return {
    provider: 'Messenger',
    apiBaseUrl: config.apiBaseUrl,
    apiVersion: config.apiVersion,
    accountId: config.pageId,
    accessToken: config.pageAccessToken,
    secrets: [config.pageAccessToken, config.appSecret],
  };
}
