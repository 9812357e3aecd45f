/** @module channels/whatsapp-onpremise/config — a WhatsApp On-Premises API connection: the business's own Coreapp/webapp (https://developers.facebook.com/docs/whatsapp/on-premises/reference). */
import { z } from 'zod';
import { defaultRegionField, optOutField, providerEndpoint, secret } from '../../channel-kit/index.js';

export const whatsappOnPremConfigSchema = z.object({
  baseUrl: providerEndpoint(z.url()).describe(
    "The Coreapp/webapp's base URL, e.g. https://wa-webapp.example.com:9090 (the /v1 API lives under it)",
  ),
  username: z
    .string()
    .min(1)
    .describe(
      'Coreapp user that logs in with basic auth (an admin user, https://developers.facebook.com/docs/whatsapp/on-premises/reference/users/login)',
    ),
  password: secret(z.string().min(1), {
    description: "That user's password (after the Coreapp's first-login password change)",
  }),
  // the Coreapp signs no webhook (https://developers.facebook.com/docs/whatsapp/on-premises/webhooks): the URL we
  // register carries this secret as its last path segment, /webhooks/{connectionId}/{webhookSecret}
  webhookSecret: secret(z.string().min(24).optional(), {
    generated: true,
    description:
      'The secret last path segment of the webhook URL the hub registers at the Coreapp (a proxy may send it as the X-Switchboard-Webhook-Secret header instead); generated when absent',
  }),
  phoneNumber: z
    .string()
    .regex(/^\+?\d{6,15}$/, 'the business number in international format')
    .optional()
    .describe('The business phone number this Coreapp serves (shown as our address; informational)'),
  templateNamespace: z
    .string()
    .min(1)
    .optional()
    .describe("The WhatsApp Business Account's message template namespace; templates cannot be sent without it"),
  businessAccountId: z
    .string()
    .regex(/^\d+$/, 'a numeric WhatsApp Business Account id')
    .optional()
    .describe('WhatsApp Business Account id: templates are listed from it through the Graph API'),
  graphAccessToken: secret(z.string().min(1).optional(), {
    description: 'A Graph API token with whatsapp_business_management, to list the account’s templates',
  }),
  graphApiBaseUrl: providerEndpoint(z.url())
    .default('https://graph.facebook.com')
    .describe('Graph API base URL for the template list'),
  graphApiVersion: z
    .string()
    .regex(/^v\d+\.\d+$/, 'like v21.0')
    .default('v21.0')
    .describe('Graph API version for the template list'),
  defaultRegion: defaultRegionField(),
  optOut: optOutField(),
});
export type WhatsAppOnPremConfig = z.infer<typeof whatsappOnPremConfigSchema>;
