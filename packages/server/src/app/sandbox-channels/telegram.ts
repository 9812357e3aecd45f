/** @module app/sandbox-channels/telegram — the sandbox's Telegram bot on the local Bot API simulator */
import { startTelegramSimulator } from '@switchboard/simulators';
import { describeBody, type SandboxChannel, type SandboxPhoneLine } from './channel.js';

export const telegramSandbox: SandboxChannel = {
  type: 'telegram',
  label: 'Telegram',
  emoji: '✈️',
  async start() {
    const tg = await startTelegramSimulator({ webhookRetryScale: 0.01 });
    const bot = tg.defaultBot;
    if (!bot) throw new Error('the Telegram simulator started without its default bot');
    return {
      simulatorUrl: tg.url,
      connection: {
        type: 'telegram',
        name: 'Sandbox Telegram bot',
        config: { botToken: bot.token, apiBaseUrl: tg.url },
      },
      createCustomer(name) {
        const user = tg.createUser({ firstName: name || 'Customer', startedWith: [bot.token] });
        return { id: String(user.id) };
      },
      sendText(id, text) {
        tg.sendText({ token: bot.token, from: Number(id), text });
      },
      press(id, { messageId, buttonId }) {
        tg.pressButton({ token: bot.token, from: Number(id), messageId: Number(messageId), data: buttonId });
      },
      lines(id) {
        const lines: SandboxPhoneLine[] = [];
        for (const m of tg.messages({ token: bot.token, chatId: Number(id) })) {
          const msg = m.message as unknown as Record<string, unknown> & {
            date: number;
            message_id: number;
            reply_markup?: { inline_keyboard?: Array<Array<{ text: string; callback_data?: string }>> };
          };
          const buttons = msg.reply_markup?.inline_keyboard
            ?.flat()
            .map((b) => ({ id: b.callback_data ?? b.text, title: b.text }));
          lines.push({
            at: new Date(msg.date * 1000).toISOString(),
            direction: m.direction === 'inbound' ? 'out' : 'in',
            text: describeBody(msg),
            messageId: msg.message_id,
            ...(buttons?.length ? { buttons } : {}),
          });
        }
        return lines;
      },
      close: () => tg.close(),
    };
  },
};
