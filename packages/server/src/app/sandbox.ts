/**
 * @module app/sandbox
 * `switchboard sandbox`: the hub with local Telegram and WhatsApp simulators and ready connections, plus a
 * "customer phone" page where a newcomer writes as a Telegram or WhatsApp user and watches the conversation
 * arrive in Switchboard — no accounts, no internet. Data lives in a fresh `sandbox/` folder of the data dir.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import {
  startTelegramSimulator,
  startWhatsAppSimulator,
  type TelegramSimulator,
  type WhatsAppSimulator,
} from '@switchboard/simulators';
import { generateApiToken } from '../core/security/api-tokens.js';
import type { Config } from './config.js';
import { createSwitchboard, type Switchboard } from './main.js';
import { sandboxPage } from './sandbox-page.js';

export interface Sandbox {
  sb: Switchboard;
  telegram: TelegramSimulator;
  whatsapp: WhatsAppSimulator;
  token: string;
  url: string;
  connections: { telegram: string; whatsapp: string };
  close(): Promise<void>;
}

interface PhoneLine {
  at: string;
  direction: 'in' | 'out';
  text: string;
  buttons?: Array<{ id: string; title: string }>;
  messageId?: number | string;
}

function describe(body: Record<string, unknown>): string {
  if (typeof body.text === 'string') return body.text;
  if (typeof body.caption === 'string') return body.caption;
  for (const k of ['photo', 'document', 'voice', 'audio', 'video', 'sticker', 'location', 'contact'])
    if (k in body) return `[${k}]`;
  return '[message]';
}

function sandboxRoutes(
  app: FastifyInstance,
  tg: TelegramSimulator,
  wa: WhatsAppSimulator,
  token: string,
  bot: string,
): void {
  app.get('/sandbox', { schema: { hide: true } }, async (_req, reply) =>
    reply.type('text/html; charset=utf-8').send(sandboxPage(token)),
  );
  app.post('/sandbox/api/customers', { schema: { hide: true } }, async (req) => {
    const { channel, name } = req.body as { channel: 'telegram' | 'whatsapp'; name: string };
    if (channel === 'telegram') {
      const user = tg.createUser({ firstName: name || 'Customer', startedWith: [bot] });
      return { id: String(user.id) };
    }
    const waId = `1555${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
    wa.createCustomer({ waId, profileName: name || 'Customer' });
    return { id: waId };
  });
  app.post('/sandbox/api/:channel/:id/messages', { schema: { hide: true } }, async (req) => {
    const { channel, id } = req.params as { channel: string; id: string };
    const { text } = req.body as { text: string };
    if (channel === 'telegram') tg.sendText({ token: bot, from: Number(id), text });
    else wa.sendText({ from: id, text });
    return { ok: true };
  });
  app.post('/sandbox/api/:channel/:id/press', { schema: { hide: true } }, async (req) => {
    const { channel, id } = req.params as { channel: string; id: string };
    const { messageId, buttonId, title } = req.body as { messageId: number | string; buttonId: string; title?: string };
    if (channel === 'telegram')
      tg.pressButton({ token: bot, from: Number(id), messageId: Number(messageId), data: buttonId });
    else wa.sendButtonReply({ from: id, replyTo: String(messageId), id: buttonId, ...(title ? { title } : {}) });
    return { ok: true };
  });
  app.get('/sandbox/api/:channel/:id/messages', { schema: { hide: true } }, async (req) => {
    const { channel, id } = req.params as { channel: string; id: string };
    const lines: PhoneLine[] = [];
    if (channel === 'telegram') {
      for (const m of tg.messages({ token: bot, chatId: Number(id) })) {
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
          text: describe(msg),
          messageId: msg.message_id,
          ...(buttons?.length ? { buttons } : {}),
        });
      }
    } else {
      for (const m of wa.receivedMessages({ from: id })) {
        const msg = m.message as {
          type?: string;
          text?: { body?: string };
          interactive?: { button_reply?: { title?: string } };
        };
        const text = msg.text?.body ?? msg.interactive?.button_reply?.title ?? `[${msg.type ?? 'message'}]`;
        lines.push({ at: new Date(m.at).toISOString(), direction: 'out', text, messageId: m.wamid });
      }
      for (const m of wa.sentMessages({ to: id })) {
        const request = m.request as Record<string, Record<string, unknown>> & { type?: string };
        const interactive = request.interactive as
          | { body?: { text?: string }; action?: { buttons?: Array<{ reply: { id: string; title: string } }> } }
          | undefined;
        const rendered = typeof m.rendered === 'string' ? m.rendered : m.rendered?.body;
        const text = rendered ?? (request.text?.body as string | undefined) ?? interactive?.body?.text ?? `[${m.type}]`;
        const buttons = interactive?.action?.buttons?.map((b) => ({ id: b.reply.id, title: b.reply.title }));
        lines.push({
          at: new Date(m.createdAt).toISOString(),
          direction: 'in',
          text,
          messageId: m.wamid,
          ...(buttons?.length ? { buttons } : {}),
        });
      }
    }
    return { lines: lines.sort((a, b) => a.at.localeCompare(b.at)) };
  });
}

export async function startSandbox(config: Config): Promise<Sandbox> {
  const telegram = await startTelegramSimulator({ webhookRetryScale: 0.01 });
  const whatsapp = await startWhatsAppSimulator({
    receipts: { sentAfterMs: 100, deliveredAfterMs: 400, readAfterMs: 1500 },
  });
  const bot = telegram.defaultBot;
  const d = whatsapp.defaults;
  if (!bot || !d) throw new Error('the simulators started without their default bot and number');
  const dataDir = join(config.dataDir, 'sandbox');
  rmSync(dataDir, { recursive: true, force: true });
  const token = config.adminToken ?? generateApiToken();
  const sb = await createSwitchboard(
    { ...config, dataDir, mediaDir: join(dataDir, 'media'), adminToken: token },
    {
      extraRoutes: (app) => sandboxRoutes(app, telegram, whatsapp, token, bot.token),
    },
  );
  const url = await sb.listen();
  const ws = sb.bootstrap.workspaceId;
  const tgConn = await sb.hub.connections.create(ws, {
    type: 'telegram',
    name: 'Sandbox Telegram bot',
    config: { botToken: bot.token, apiBaseUrl: telegram.url },
  });
  await sb.hub.connections.start(ws, tgConn.id);
  const waConn = await sb.hub.connections.create(ws, {
    type: 'whatsapp',
    name: 'Sandbox WhatsApp number',
    config: {
      accessToken: d.accessToken,
      appSecret: whatsapp.app.secret,
      appId: whatsapp.app.id,
      businessAccountId: d.wabaId,
      phoneNumberIds: [d.phoneNumberId],
      apiBaseUrl: whatsapp.url,
    },
  });
  await sb.hub.connections.start(ws, waConn.id);
  await whatsapp.configureWebhook({ url: waConn.webhookUrl, verifyToken: String(waConn.config.verifyToken) });
  return {
    sb,
    telegram,
    whatsapp,
    token,
    url,
    connections: { telegram: tgConn.id, whatsapp: waConn.id },
    async close() {
      await sb.close();
      await telegram.close();
      await whatsapp.close();
    },
  };
}
