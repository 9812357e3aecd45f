/** @module channels/telegram — a Telegram bot (Bot API, webhook mode) as a channel (https://core.telegram.org/bots/api). */
import { defineConnector } from '../../channel-kit/index.js';
import { fetchTelegramMedia, startTelegram, stopTelegram, telegramHealth } from './api.js';
import { prepareTelegramConfig, telegramConfigSchema, type TelegramConfig } from './config.js';
import { parseTelegram, telegramEventKey } from './parse.js';
import { sendTyping, telegramSend } from './send.js';
import { SECRET_HEADER, verifyTelegram } from './verify.js';

const MB = 1024 * 1024;

export const telegramConnector = defineConnector({
  type: 'telegram',
  displayName: 'Telegram',
  description: 'A Telegram bot: customers write to it in private chats or groups.',
  limits: {
    inbound: ['text', 'image', 'audio', 'video', 'document', 'sticker', 'location', 'contact', 'interactive'],
    maxTextLength: 4096,
    buttons: 8,
    receipts: { delivered: false, read: false },
    // Bot FAQ: ~30 messages/s per bot, ~1/s per chat with short bursts (https://core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this)
    rateLimit: { perSecond: 30, burst: 30 },
    perRecipientRateLimit: { perSecond: 1, burst: 3 },
    maxMediaBytes: 50 * MB,
  },
  // chat ids, not phone numbers (https://core.telegram.org/bots/api#chat)
  addressKind: 'opaque',
  configSchema: telegramConfigSchema,
  // where each value a person brings is found at the provider (the form links it beside the field)
  configHelp: {
    botToken: { title: 'Bot token', helpUrl: 'https://core.telegram.org/bots/features#botfather' },
  },
  prepareConfig: prepareTelegramConfig,
  inbound: {
    mode: 'webhook',
    verify: verifyTelegram,
    parse: parseTelegram,
    eventKey: telegramEventKey,
    storedHeaders: { keep: ['content-type'], digest: [SECRET_HEADER] },
  },
  send: telegramSend,
  features: {
    typing: sendTyping,
    fetchMedia: fetchTelegramMedia,
    // no keywords unless a connection turns them on: Telegram users block a bot instead of writing STOP
    optOut: {},
    health: telegramHealth,
  },
  start: startTelegram,
  stop: stopTelegram,
});
export type { TelegramConfig };
