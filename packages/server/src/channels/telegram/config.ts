/** @module channels/telegram/config — a Telegram bot connection's settings (https://core.telegram.org/bots/api#making-requests token, https://core.telegram.org/bots/api#available-methods setWebhook secret_token). */
import { z } from 'zod';
import { optOutField, secret } from '../../channel-kit/index.js';

/** setWebhook's secret_token: 1–256 characters of A-Z a-z 0-9 _ - (https://core.telegram.org/bots/api#available-methods) */
export const SECRET_TOKEN_PATTERN = /^[A-Za-z0-9_-]{1,256}$/;

export const telegramConfigSchema = z.object({
  botToken: secret(
    z.string().regex(/^\d+:[A-Za-z0-9_-]+$/, 'a bot token looks like 123456789:AAH…, as @BotFather gives it'),
    {
      description: 'The bot token from @BotFather',
    },
  ),
  secretToken: secret(z.string().regex(SECRET_TOKEN_PATTERN, 'only A-Z a-z 0-9 _ - and 1–256 characters'), {
    generated: true,
    description: 'Sent by Telegram in X-Telegram-Bot-Api-Secret-Token with every webhook; generated when absent',
  }).optional(),
  apiBaseUrl: z
    .url()
    .default('https://api.telegram.org')
    .describe('Bot API server (change for a local Bot API server or a simulator)'),
  botUsername: z.string().optional().describe("The bot's @username, learned from getMe at start"),
  optOut: optOutField(),
});
export type TelegramConfig = z.infer<typeof telegramConfigSchema>;

/** fills a generated webhook secret token in, restricted to the characters Telegram accepts */
export function prepareTelegramConfig(config: TelegramConfig, generateSecret: () => string): TelegramConfig {
  if (config.secretToken) return config;
  let token = '';
  for (let i = 0; i < 8 && token.length < 32; i++) token += generateSecret().replace(/[^A-Za-z0-9_-]/g, '');
  if (token.length === 0) throw new Error('could not generate a Telegram webhook secret token');
  return { ...config, secretToken: token.slice(0, 256) };
}
