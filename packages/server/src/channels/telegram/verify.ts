/** @module channels/telegram/verify — webhook authenticity: the X-Telegram-Bot-Api-Secret-Token header set with setWebhook (https://core.telegram.org/bots/api#setwebhook). */
import { safeEqual, type Verdict, type WebhookRequest } from '../../channel-kit/index.js';
import type { TelegramConfig } from './config.js';

export const SECRET_HEADER = 'x-telegram-bot-api-secret-token';

/** Telegram signs nothing; the secret token in the header is the only proof. Constant time, fails closed. */
export function verifyTelegram(req: WebhookRequest, config: TelegramConfig): Verdict {
  const received = req.headers[SECRET_HEADER];
  if (!config.secretToken) return { ok: false, status: 401, reason: 'the connection has no webhook secret token' };
  if (!received) return { ok: false, status: 401, reason: 'missing X-Telegram-Bot-Api-Secret-Token' };
  return safeEqual(config.secretToken, received)
    ? { ok: true }
    : { ok: false, status: 401, reason: 'X-Telegram-Bot-Api-Secret-Token mismatch' };
}
