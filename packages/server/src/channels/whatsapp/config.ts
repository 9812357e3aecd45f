/** @module channels/whatsapp/config — a WhatsApp Cloud API connection's settings (https://developers.facebook.com/docs/whatsapp/cloud-api/get-started, https://developers.facebook.com/docs/graph-api/webhooks/getting-started#event-notifications, https://developers.facebook.com/docs/whatsapp/cloud-api/overview#throughput). */
import { z } from 'zod';
import { adminOnly, defaultRegionField, optOutField, secret } from '../../channel-kit/index.js';

export const whatsappConfigSchema = z.object({
  accessToken: secret(z.string().min(1), {
    description: 'System User access token with whatsapp_business_messaging (and _management for templates)',
  }),
  appSecret: secret(z.string().min(1), { description: 'App Secret: the key of X-Hub-Signature-256 on every webhook' }),
  businessAccountId: z
    .string()
    .regex(/^\d+$/, 'a numeric WhatsApp Business Account id')
    .describe('WhatsApp Business Account (WABA) id; templates are listed from it'),
  phoneNumberIds: z
    .array(z.string().regex(/^\d+$/, 'a numeric phone number id'))
    .min(1)
    .describe('Business phone number ids this connection sends from'),
  // the admin pastes it into Meta's App Dashboard (Webhooks → Verify token):
  // https://developers.facebook.com/docs/graph-api/webhooks/getting-started#configure-webhooks-product
  verifyToken: adminOnly(z.string().min(8).optional(), {
    description:
      'Paste this at Meta as the webhook "Verify token"; generated when absent (shown to owners and admins only)',
  }),
  appId: z.string().optional().describe('Meta app id (informational)'),
  apiVersion: z
    .string()
    .regex(/^v\d+\.\d+$/, 'like v21.0')
    .default('v21.0')
    .describe('Graph API version'),
  apiBaseUrl: z.url().default('https://graph.facebook.com').describe('Graph API base URL (a simulator in tests)'),
  defaultRegion: defaultRegionField(),
  optOut: optOutField(),
  messagesPerSecond: z
    .number()
    .int()
    .positive()
    .max(1000)
    .default(80)
    .describe(
      'Throughput per business number (Meta default 80, https://developers.facebook.com/docs/whatsapp/cloud-api/overview#throughput)',
    ),
});
export type WhatsAppConfig = z.infer<typeof whatsappConfigSchema>;
