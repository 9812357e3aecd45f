/** @module app/sandbox-channels/whatsapp — the sandbox's WhatsApp number on the local Cloud API simulator */
import { startWhatsAppSimulator } from '@switchboard/simulators';
import type { SandboxChannel, SandboxPhoneLine } from './channel.js';

export const whatsappSandbox: SandboxChannel = {
  type: 'whatsapp',
  label: 'WhatsApp',
  // the app's WhatsApp glyph (packages/web/src/icons.tsx)
  icon: 'M5 19l1.3-3.7A8 8 0 1 1 9 18.6zM9 9c0 3 3 6 6 6l1-1.5-2-1-1 1c-1 0-2.5-1.5-2.5-2.5l1-1-1-2z',
  async start() {
    const wa = await startWhatsAppSimulator({
      receipts: { sentAfterMs: 100, deliveredAfterMs: 400, readAfterMs: 1500 },
    });
    const d = wa.defaults;
    if (!d) throw new Error('the WhatsApp simulator started without its default number');
    // two numbers on one connection, so sticky senders can be tried: customers alternate between them, and every
    // reply leaves from the number the customer wrote to
    const second = wa.createPhoneNumber({
      wabaId: d.wabaId,
      displayPhoneNumber: '15550783882',
      verifiedName: 'Switchboard Test 2',
    });
    const numbers = [d.phoneNumberId, second.id];
    const display = new Map([
      [d.phoneNumberId, `+${d.displayPhoneNumber}`],
      [second.id, `+${second.displayPhoneNumber}`],
    ]);
    const writesTo = new Map<string, string>();
    return {
      simulatorUrl: wa.url,
      connection: {
        type: 'whatsapp',
        name: 'Sandbox WhatsApp number',
        config: {
          accessToken: d.accessToken,
          appSecret: wa.app.secret,
          appId: wa.app.id,
          businessAccountId: d.wabaId,
          phoneNumberIds: numbers,
          apiBaseUrl: wa.url,
        },
      },
      async connected(conn) {
        await wa.configureWebhook({ url: conn.webhookUrl, verifyToken: String(conn.config.verifyToken) });
      },
      createCustomer(name) {
        const waId = `1555${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
        wa.createCustomer({ waId, profileName: name || 'Customer' });
        writesTo.set(waId, numbers[writesTo.size % numbers.length] as string);
        return { id: waId };
      },
      sendText(id, text) {
        wa.sendText({ from: id, text, phoneNumberId: writesTo.get(id) ?? d.phoneNumberId });
      },
      press(id, { messageId, buttonId, title }) {
        wa.sendButtonReply({
          from: id,
          phoneNumberId: writesTo.get(id) ?? d.phoneNumberId,
          replyTo: String(messageId),
          id: buttonId,
          ...(title ? { title } : {}),
        });
      },
      lines(id) {
        const lines: SandboxPhoneLine[] = [];
        for (const m of wa.receivedMessages({ from: id })) {
          const msg = m.message as {
            type?: string;
            text?: { body?: string };
            interactive?: { button_reply?: { title?: string } };
          };
          const text = msg.text?.body ?? msg.interactive?.button_reply?.title ?? `[${msg.type ?? 'message'}]`;
          lines.push({
            at: new Date(m.at).toISOString(),
            direction: 'out',
            text,
            messageId: m.wamid,
            via: display.get(m.phoneNumberId),
          });
        }
        for (const m of wa.sentMessages({ to: id })) {
          const request = m.request as Record<string, Record<string, unknown>> & { type?: string };
          const interactive = request.interactive as
            | { body?: { text?: string }; action?: { buttons?: Array<{ reply: { id: string; title: string } }> } }
            | undefined;
          const rendered = typeof m.rendered === 'string' ? m.rendered : m.rendered?.body;
          const text =
            rendered ?? (request.text?.body as string | undefined) ?? interactive?.body?.text ?? `[${m.type}]`;
          const buttons = interactive?.action?.buttons?.map((b) => ({ id: b.reply.id, title: b.reply.title }));
          lines.push({
            at: new Date(m.createdAt).toISOString(),
            direction: 'in',
            text,
            messageId: m.wamid,
            via: display.get(m.phoneNumberId),
            ...(buttons?.length ? { buttons } : {}),
          });
        }
        return lines;
      },
      advance: (ms) => wa.advanceClock({ ms }),
      close: () => wa.close(),
    };
  },
};
