// The Bot API method registry, keyed by lower-case method name (method names are case-insensitive, https://core.telegram.org/bots/api#making-requests).
import { fileMethods } from './input-files.js';
import type { BotMethod } from './method-context.js';
import { messageMethods } from './message-methods.js';
import { tgErrors } from './errors.js';
import { webhookMethods } from './webhook-methods.js';

const getMe: BotMethod = ({ bot }) => ({ ...bot.user });

const getChat: BotMethod = (ctx) => {
  const chat = ctx.rt.state.knownChat(ctx.bot, ctx.params.chatId());
  return { ...chat.chat, accent_color_id: 0, max_reaction_count: 11 };
};

const commands = new WeakMap<object, unknown[]>();

const setMyCommands: BotMethod = (ctx) => {
  const list = ctx.params.json<unknown>('commands', () =>
    tgErrors.invalidParameter("can't parse commands JSON object"),
  );
  if (!Array.isArray(list)) throw tgErrors.invalidParameter("can't parse commands JSON object");
  commands.set(ctx.bot, list);
  return true;
};

export const botMethods: Record<string, BotMethod> = {
  getme: getMe,
  getchat: getChat,
  setmycommands: setMyCommands,
  getmycommands: ({ bot }) => commands.get(bot) ?? [],
  deletemycommands: ({ bot }) => {
    commands.delete(bot);
    return true;
  },
  ...webhookMethods,
  ...messageMethods,
  ...fileMethods,
};
