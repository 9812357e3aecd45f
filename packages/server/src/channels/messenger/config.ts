/** @module channels/messenger/config — a Facebook Page's Messenger settings (https://developers.facebook.com/docs/messenger-platform/getting-started/app-setup, https://developers.facebook.com/docs/graph-api/webhooks/getting-started). */
import { z } from 'zod';
import { adminOnly, secret } from '../../channel-kit/index.js';

export const messengerConfigSchema = z.object({
  pageId: z.string().regex(/^\d+$/, 'a numeric Page id').describe('Facebook Page id'),
  pageAccessToken: secret(z.string().min(1), { description: 'Page access token with pages_messaging' }),
  appSecret: secret(z.string().min(1), { description: 'App Secret: the key of X-Hub-Signature-256 on every webhook' }),
  // pasted into the App Dashboard (Webhooks → Verify token), https://developers.facebook.com/docs/graph-api/webhooks/getting-started#configure-webhooks-product
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
export type MessengerConfig = z.infer<typeof messengerConfigSchema>;
