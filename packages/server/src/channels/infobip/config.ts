/**
 * @module channels/infobip/config — an Infobip connection: the account's own API host (`https://<xxxxx>.api.infobip.com`,
 * https://www.infobip.com/docs/essentials/api-essentials/base-url), the API key sent as `Authorization: App <key>`
 * (https://www.infobip.com/docs/essentials/api-essentials/api-authentication), one channel (SMS, WhatsApp or Viber)
 * and its sender, and the extra authorization header Infobip is set up to send with every webhook. Infobip signs
 * no webhook, so that header is the only proof a request comes from Infobip: it is required.
 */
import { z } from 'zod';
import { defaultRegionField, optOutField, secret } from '../../channel-kit/index.js';

export const INFOBIP_CHANNELS = ['sms', 'whatsapp', 'viber'] as const;
export type InfobipChannel = (typeof INFOBIP_CHANNELS)[number];

export const infobipConfigSchema = z.object({
  baseUrl: z
    .url()
    .describe("The account's API base URL shown in the Infobip portal, e.g. https://xxxxx.api.infobip.com"),
  apiKey: secret(z.string().min(1), { description: 'Infobip API key, sent as Authorization: App …' }),
  channel: z.enum(INFOBIP_CHANNELS).describe('The Infobip channel this connection carries: sms, whatsapp or viber'),
  from: z
    .string()
    .min(1)
    .describe('Sender: the SMS number or alphanumeric sender, the WhatsApp number, or the Viber sender name'),
  webhookAuth: secret(z.string().min(8), {
    description:
      'The full Authorization header value Infobip is configured to send with webhooks (e.g. "Basic …" or "App …"); every webhook without it is refused',
  }),
  apiBaseUrl: z.url().optional().describe('Overrides baseUrl for API calls (a proxy, or a simulator in tests)'),
  defaultRegion: defaultRegionField(),
  optOut: optOutField(),
});
export type InfobipConfig = z.infer<typeof infobipConfigSchema>;

/** where API calls go: the override when set, else the account's base URL */
export const apiBase = (config: InfobipConfig): string => (config.apiBaseUrl ?? config.baseUrl).replace(/\/+$/, '');
