/** @module channels/vk/config — a VK community connection's settings (https://dev.vk.com/en/api/callback/getting-started, https://dev.vk.com/en/api/api-requests). */
import { z } from 'zod';
import { secret } from '../../channel-kit/index.js';

export const vkConfigSchema = z.object({
  groupId: z.coerce.number().int().positive().describe('The community id (without the minus sign)'),
  accessToken: secret(z.string().min(8), { description: 'A community access token with the messages right' }),
  secret: secret(z.string().regex(/^[A-Za-z0-9]{1,50}$/, 'VK accepts up to 50 letters and digits'), {
    generated: true,
    description: 'The Callback API secret key VK puts in every request; generated when absent',
  }).optional(),
  confirmationCode: z
    .string()
    .max(100)
    .optional()
    .describe('The string VK expects back to the confirmation request; fetched at start when the token allows'),
  inbound: z.enum(['callback', 'longpoll']).default('callback').describe('Callback API (webhook) or Bots Long Poll'),
  apiVersion: z.string().default('5.199'),
  apiBaseUrl: z.url().default('https://api.vk.com').describe('VK API host (change for a proxy or a simulator)'),
});
export type VkConfig = z.infer<typeof vkConfigSchema>;

/** the Callback API secret: letters and digits, at most 50 (https://dev.vk.com/en/method/groups.setCallbackSettings) */
export function prepareVkConfig(config: VkConfig, generateSecret: () => string): VkConfig {
  if (config.secret) return config;
  let value = '';
  for (let i = 0; i < 8 && value.length < 32; i++) value += generateSecret().replace(/[^A-Za-z0-9]/g, '');
  if (value.length === 0) throw new Error('could not generate a VK callback secret');
  return { ...config, secret: value.slice(0, 50) };
}
