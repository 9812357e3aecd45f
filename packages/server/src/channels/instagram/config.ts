/** @module channels/instagram/config — an Instagram professional account's messaging settings (https://developers.facebook.com/docs/instagram-platform/instagram-api-with-facebook-login/messaging-api, https://developers.facebook.com/docs/graph-api/webhooks/getting-started). */
import { z } from 'zod';
import { adminOnly, secret } from '../../channel-kit/index.js';

export const instagramConfigSchema = z.object({
  instagramAccountId: z
    .string()
    .regex(/^\d+$/, 'a numeric Instagram account id')
    .describe('Instagram professional account id'),
  accessToken: secret(z.string().min(1), { description: 'Access token with instagram_manage_messages' }),
  appSecret: secret(z.string().min(1), { description: 'App Secret: the key of X-Hub-Signature-256 on every webhook' }),
  verifyToken: adminOnly(z.string().min(8).optional(), {
    description: 'Paste this at Meta as the webhook "Verify token"; generated when absent',
  }),
  apiVersion: z
    .string()
    .regex(/^v\d+\.\d+$/, 'like v21.0')
    .default('v21.0')
    .describe('Graph API version'),
  apiBaseUrl: z.url().default('https://graph.facebook.com').describe('Graph API base URL (a simulator in tests)'),
});
export type InstagramConfig = z.infer<typeof instagramConfigSchema>;
