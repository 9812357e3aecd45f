/**
 * @module channels/bird/config — a Bird (formerly MessageBird) channel connection: one Bird channel (SMS or
 * WhatsApp) of one workspace (https://docs.bird.com/api/channels-api), the access key, and the signing key of the
 * webhook subscriptions the connector creates (https://docs.bird.com/api/notifications-api/api-reference/webhook-subscriptions).
 */
import { z } from 'zod';
import { defaultRegionField, optOutField, secret } from '../../channel-kit/index.js';

/** the Bird channel platforms this connector speaks; learned from the channel at start */
export const BIRD_CHANNEL_KINDS = ['sms', 'whatsapp'] as const;
export type BirdChannelKind = (typeof BIRD_CHANNEL_KINDS)[number];

export const birdConfigSchema = z.object({
  accessKey: secret(z.string().min(1), {
    description: 'Bird access key (Organization settings → Access keys), sent as Authorization: AccessKey …',
  }),
  workspaceId: z.string().min(1).describe('Bird workspace id'),
  channelId: z.string().min(1).describe('The Bird channel (an SMS number or a WhatsApp number) this connection uses'),
  signingKey: secret(z.string().min(16), {
    generated: true,
    description:
      'Signing key of the webhook subscriptions the connector creates (messagebird-signature); generated when absent',
  }).optional(),
  apiBaseUrl: z.url().default('https://api.bird.com').describe('Bird API base URL (a simulator in tests)'),
  channelKind: z
    .enum(BIRD_CHANNEL_KINDS)
    .optional()
    .describe("The channel's platform (sms or whatsapp), learned from Bird at start"),
  defaultRegion: defaultRegionField(),
  optOut: optOutField(),
});
export type BirdConfig = z.infer<typeof birdConfigSchema>;

export function prepareBirdConfig(config: BirdConfig, generateSecret: () => string): BirdConfig {
  return config.signingKey ? config : { ...config, signingKey: generateSecret() };
}
