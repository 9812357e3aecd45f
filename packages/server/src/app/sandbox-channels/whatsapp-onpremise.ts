/** @module app/sandbox-channels/whatsapp-onpremise — the sandbox's WhatsApp number behind a local On-Premises Coreapp simulator */
import { startWhatsAppOnPremSimulator } from '@switchboard/simulators';
import type { SandboxChannel, SandboxPhoneLine } from './channel.js';

export const whatsappOnPremSandbox: SandboxChannel = {
  type: 'whatsapp-onpremise',
  label: 'WhatsApp On-Premises',
  // the WhatsApp glyph (packages/web/src/icons.tsx) in a box: the business's own server
  icon: 'M3 3h18v18H3zM8 16l.8-2.2A5 5 0 1 1 10 15.4zM10 10c0 2 2 4 4 4l.6-1-1.2-.6-.6.6c-.6 0-1.6-1-1.6-1.6l.6-.6-.6-1.2z',
  async start() {
    const sim = await startWhatsAppOnPremSimulator({
      receipts: { sentAfterMs: 100, deliveredAfterMs: 400, readAfterMs: 1500 },
    });
    return {
      simulatorUrl: sim.url,
      connection: {
        type: 'whatsapp-onpremise',
        name: 'Sandbox WhatsApp On-Premises',
        config: {
          baseUrl: sim.url,
          username: sim.credentials.username,
          password: sim.credentials.password,
          phoneNumber: sim.phoneNumber,
          templateNamespace: sim.namespace,
        },
      },
      // the connector registers its webhook URL itself at start (PATCH /v1/settings/application)
      createCustomer(name) {
        const waId = `1555${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
        sim.createCustomer({ waId, profileName: name || 'Customer' });
        return { id: waId };
      },
      sendText(id, text) {
        sim.sendText({ from: id, text });
      },
      press(id, { messageId, buttonId, title }) {
        sim.sendButtonReply({ from: id, replyTo: String(messageId), id: buttonId, ...(title ? { title } : {}) });
      },
      lines(id) {
        const lines: SandboxPhoneLine[] = [];
        for (const m of sim.receivedMessages({ from: id })) {
          const msg = m.message as { text?: { body?: string }; interactive?: { button_reply?: { title?: string } } };
          lines.push({
            at: new Date(m.at).toISOString(),
            direction: 'out',
            text: msg.text?.body ?? msg.interactive?.button_reply?.title ?? `[${m.type}]`,
            messageId: m.id,
          });
        }
        for (const m of sim.sentMessages({ to: id })) {
          const request = m.request as {
            text?: { body?: string };
            interactive?: {
              body?: { text?: string };
              action?: { buttons?: Array<{ reply: { id: string; title: string } }> };
            };
          };
          const buttons = request.interactive?.action?.buttons?.map((b) => ({ id: b.reply.id, title: b.reply.title }));
          lines.push({
            at: new Date(m.createdAt).toISOString(),
            direction: 'in',
            text: m.rendered ?? request.text?.body ?? request.interactive?.body?.text ?? `[${m.type}]`,
            messageId: m.id,
            ...(buttons?.length ? { buttons } : {}),
          });
        }
        return lines;
      },
      advance: (ms) => sim.advanceClock({ ms }),
      close: () => sim.close(),
    };
  },
};
