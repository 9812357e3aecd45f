/** @module channels/rcs/config — an RBM agent connection (https://developers.google.com/business-communications/rcs-business-messaging/guides/get-started/register-partner). */
import { z } from 'zod';
import { defaultRegionField, providerEndpoint, secret } from '../../channel-kit/index.js';

/** regional API hosts (https://developers.google.com/business-communications/rcs-business-messaging/reference/rest) */
export const RBM_HOSTS = {
  global: 'https://rcsbusinessmessaging.googleapis.com',
  us: 'https://us-rcsbusinessmessaging.googleapis.com',
  eu: 'https://europe-rcsbusinessmessaging.googleapis.com',
  apac: 'https://asia-rcsbusinessmessaging.googleapis.com',
} as const;

export const rcsConfigSchema = z.object({
  agentId: z.string().min(1).describe('The RBM agent id'),
  serviceAccountKey: secret(z.string().min(2), { description: 'The Google service-account key (JSON) of the agent' }),
  clientToken: secret(z.string().min(1), { description: 'The client token set in the agent webhook configuration' }),
  region: z.enum(['global', 'us', 'eu', 'apac']).default('global'),
  smsFallbackConnectionId: z
    .string()
    .optional()
    .describe('A phone channel connection (SMS) that carries messages to numbers RCS cannot reach'),
  apiBaseUrl: z.url().optional().describe('RBM API host; default the region host'),
  tokenUrl: z.url().default('https://oauth2.googleapis.com/token').describe('OAuth token endpoint'),
  iamApiBaseUrl: providerEndpoint(z.url())
    .default('https://iam.googleapis.com')
    .describe("IAM API host: the health check reads the service-account key's end there"),
  capabilityTtlSeconds: z.number().int().positive().default(86_400),
  undeliveredFallbackSeconds: z
    .number()
    .positive()
    .default(600)
    .describe(
      'A message not delivered this long is revoked and sent over the SMS fallback connection instead (with smsFallbackConnectionId)',
    ),
  defaultRegion: defaultRegionField(),
});
export type RcsConfig = z.infer<typeof rcsConfigSchema>;

export const rbmBase = (config: RcsConfig): string =>
  (config.apiBaseUrl ?? RBM_HOSTS[config.region]).replace(/\/+$/, '');
