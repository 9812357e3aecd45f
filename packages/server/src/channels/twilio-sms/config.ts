/** @module channels/twilio-sms/config — a Twilio Programmable Messaging connection's settings (https://www.twilio.com/docs/messaging/api/message-resource#create-a-message-resource, https://www.twilio.com/docs/iam/api-keys). */
import { z } from 'zod';
import { defaultRegionField, optOutField, secret } from '../../channel-kit/index.js';

const E164 = /^\+[1-9]\d{6,14}$/;

export const twilioSmsConfigSchema = z
  .object({
    accountSid: z
      .string()
      .regex(/^AC[0-9a-fA-F]{32}$/, 'an Account SID: AC followed by 32 hex digits')
      .describe('Account SID (Console → Account info)'),
    authToken: secret(z.string().min(1), {
      description:
        'Auth Token: the key of X-Twilio-Signature on every webhook (and the API password without an API key)',
    }),
    apiKeySid: z
      .string()
      .regex(/^SK[0-9a-fA-F]{32}$/, 'an API key SID: SK followed by 32 hex digits')
      .optional()
      .describe('API key SID to call the REST API with instead of the Auth Token'),
    apiKeySecret: secret(z.string().min(1).optional(), { description: 'The API key secret' }),
    from: z
      .array(z.string().regex(E164, 'an E.164 number such as +15017122661'))
      .default([])
      .describe('Twilio numbers this connection sends from; each customer stays on the number first used'),
    messagingServiceSid: z
      .string()
      .regex(/^MG[0-9a-fA-F]{32}$/, 'a Messaging Service SID: MG followed by 32 hex digits')
      .optional()
      .describe('Send through a Messaging Service (its sender pool) instead of fixed numbers'),
    messagesPerSecond: z
      .number()
      .positive()
      .max(1000)
      .default(1)
      .describe('Throughput per sender number: 1 for a US long code, up to 100+ for short codes'),
    apiBaseUrl: z.url().default('https://api.twilio.com').describe('Twilio REST API base URL (a simulator in tests)'),
    defaultRegion: defaultRegionField(),
    optOut: optOutField(),
  })
  .refine((c) => c.from.length > 0 || c.messagingServiceSid !== undefined, {
    message: 'give one or more `from` numbers or a messagingServiceSid',
    path: ['from'],
  })
  .refine((c) => (c.apiKeySid === undefined) === (c.apiKeySecret === undefined), {
    message: 'apiKeySid and apiKeySecret go together',
    path: ['apiKeySecret'],
  });
export type TwilioSmsConfig = z.infer<typeof twilioSmsConfigSchema>;
