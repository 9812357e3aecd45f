/** @module channels/instagram/api — the Instagram account as a Graph target (https://developers.facebook.com/docs/instagram-platform/instagram-api-with-facebook-login/messaging-api). */
import type { MetaGraphTarget } from '../../channel-kit/index.js';
import type { InstagramConfig } from './config.js';

/** the webhook fields we handle (https://developers.facebook.com/docs/instagram-platform/webhooks) */
export const INSTAGRAM_FIELDS = [
  'messages',
  'messaging_postbacks',
  'messaging_seen',
  'message_reactions',
  'messaging_referral',
] as const;

export function accountTarget(config: InstagramConfig): MetaGraphTarget {
  return {
    provider: 'Instagram',
    apiBaseUrl: config.apiBaseUrl,
    apiVersion: config.apiVersion,
    accountId: config.instagramAccountId,
    accessToken: config.accessToken,
    secrets: [config.accessToken, config.appSecret],
  };
}
