/**
 * @module channels/intercom/config — an Intercom workspace mirrored into Switchboard: the app's access token, the
 * app's client secret (it signs the webhooks, https://developers.intercom.com/docs/references/webhooks/webhook-models),
 * the admin our replies are sent as, and what an operator's "resolve" does to the Intercom conversation.
 */
import { z } from 'zod';
import { secret } from '../../channel-kit/index.js';

/** what resolving a conversation in Switchboard does in Intercom */
export const INTERCOM_ON_RESOLVE = ['close', 'assign', 'none'] as const;

export const intercomConfigSchema = z.object({
  accessToken: secret(z.string().min(1), {
    description: 'Access token of the Intercom app (Developer Hub → Authentication), sent as Authorization: Bearer …',
  }),
  clientSecret: secret(z.string().min(1), {
    description: "The app's client secret (Developer Hub → Basic information): Intercom signs webhooks with it",
  }),
  adminId: z
    .string()
    .regex(/^\d+$/, 'an Intercom admin id is numeric')
    .describe('The Intercom admin (teammate) our replies and notes are sent as'),
  apiVersion: z
    .string()
    .regex(/^\d+\.\d+$|^Unstable$/, 'an Intercom API version such as 2.11')
    .default('2.11')
    .describe(
      'Intercom-Version header (https://developers.intercom.com/docs/build-an-integration/learn-more/rest-apis/api-versioning)',
    ),
  apiBaseUrl: z
    .url()
    .default('https://api.intercom.io')
    .describe('Intercom API base URL (a regional host, a simulator)'),
  onResolve: z
    .enum(INTERCOM_ON_RESOLVE)
    .default('close')
    .describe(
      'When an operator resolves a conversation here: close it in Intercom, assign it in Intercom (to resolveAssigneeId), or leave it',
    ),
  resolveAssigneeId: z
    .string()
    .regex(/^\d+$/)
    .optional()
    .describe('The Intercom admin or team a resolved conversation is assigned to (onResolve: assign); default adminId'),
});
export type IntercomConfig = z.infer<typeof intercomConfigSchema>;
