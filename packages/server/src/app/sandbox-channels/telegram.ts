/** @module app/sandbox-channels/telegram — the sandbox's Telegram bot on the local Bot API simulator */
import { startTelegramSimulator } from '@switchboard/simulators';
import { describeBody, type SandboxChannel, type SandboxPhoneLine } from './channel.js';

export const telegramSandbox: SandboxChannel = {
  type: 'telegram',
  label: 'Telegram',
  // the app's Telegram glyph (packages/web/src/icons.tsx)
  icon: 'M21 4L3 11l6 2 2 6 3-4 4 3zM9 13l9-7',
  async start() {
    const tg = await startTelegramSimulator({ webhookRetryScale: 0.01 });
    const bot = tg.defaultBot;
    if (!bot) throw new Error('the Telegram simulator started without its default bot');
    // a button press is a callback query, not a chat message: the phone shows it as the customer's choice
    const presses = new Map<string, SandboxPhoneLine[]>();
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
      press(id, { messageId, buttonId, title }) {
        tg.pressButton({ token: bot.token, from: Number(id), messageId: Number(messageId), data: buttonId });
        const line: SandboxPhoneLine = {
          at: new Date().toISOString(),
          direction: 'out',
          text: `▸ ${title ?? buttonId}`,
        };
        presses.set(id, [...(presses.get(id) ?? []), line]);
      },
      lines(id) {
        const lines: SandboxPhoneLine[] = [...(presses.get(id) ?? [])];
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
      advance: (ms) => tg.advanceClock({ ms }),
      close: () => tg.close(),
    };
  },
};
