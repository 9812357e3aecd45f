/** @module app/sandbox-channels/infobip — the sandbox's Infobip WhatsApp sender on the local Infobip simulator */
import { startInfobipSimulator, type InfobipSentRecord } from '@switchboard/simulators';
import type { SandboxChannel, SandboxPhoneLine } from './channel.js';

interface OttContent {
  text?: unknown;
  caption?: unknown;
  body?: { text?: unknown };
  action?: {
    buttons?: Array<{ id?: unknown; title?: unknown }>;
    sections?: Array<{ rows?: Array<{ id?: unknown; title?: unknown }> }>;
  };
}

/** what the phone shows of a message the business sent */
function lineOf(m: InfobipSentRecord): { text: string; buttons?: Array<{ id: string; title: string }> } {
  const c = (m.content ?? {}) as OttContent;
  const options = [...(c.action?.buttons ?? []), ...(c.action?.sections ?? []).flatMap((s) => s.rows ?? [])]
    .filter((b): b is { id: string; title: string } => typeof b.id === 'string' && typeof b.title === 'string')
    .map((b) => ({ id: b.id, title: b.title }));
  const text =
    (typeof c.text === 'string' && c.text) ||
    (typeof c.body?.text === 'string' && c.body.text) ||
    (typeof c.caption === 'string' && c.caption) ||
    m.text ||
    `[${m.type}]`;
  return { text, ...(options.length > 0 ? { buttons: options } : {}) };
}

/** what the phone shows of a message the customer wrote */
function customerText(result: Record<string, unknown>): string {
  const m = (result.message ?? {}) as { type?: string; text?: string; title?: string; caption?: string };
  return m.text ?? m.title ?? m.caption ?? (typeof result.text === 'string' ? result.text : `[${m.type ?? 'message'}]`);
}

export const infobipSandbox: SandboxChannel = {
  type: 'infobip',
  label: 'Infobip (WhatsApp)',
  // the app's aggregator glyph (packages/web/src/icons.tsx)
  icon: 'M12 3v6M12 15v6M3 12h6M15 12h6M12 12m-3 0a3 3 0 1 0 6 0 3 3 0 1 0-6 0',
  async start() {
    const sim = await startInfobipSimulator({
      webhooks: { retryScale: 0.01 },
      receipts: { deliveredAfterMs: 400, seenAfterMs: 1500 },
    });
    return {
      simulatorUrl: sim.url,
      connection: {
        type: 'infobip',
        name: 'Sandbox Infobip WhatsApp sender',
        config: {
          baseUrl: sim.url,
          apiBaseUrl: sim.url,
          apiKey: sim.apiKey,
          channel: 'whatsapp',
          from: sim.whatsappNumber,
          webhookAuth: sim.webhookAuth,
        },
      },
      // inbound forwarding is set on the number in Infobip's portal: here, on the simulator's number
      async connected(conn) {
        sim.forwardTo(sim.whatsappNumber, conn.webhookUrl);
        await Promise.resolve();
      },
      createCustomer() {
        // the phone page uses the id in its URLs: digits, the number Infobip writes without "+"
        return { id: `3859${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}` };
      },
      sendText(id, text) {
        sim.customerSends({ from: id, text });
      },
      press(id, { messageId, buttonId, title }) {
        sim.customerSends({ from: id, reply: { id: buttonId, title: title ?? buttonId, replyTo: String(messageId) } });
      },
      lines(id) {
        const lines: SandboxPhoneLine[] = sim.received({ from: id }).map((m) => ({
          at: m.receivedAt,
          direction: 'out',
          messageId: m.messageId,
          text: customerText(m.result),
        }));
        for (const m of sim.sent({ to: id }))
          lines.push({
            at: new Date(Date.parse(m.sentAt.replace(/\+0000$/, 'Z'))).toISOString(),
            direction: 'in',
            messageId: m.messageId,
            ...lineOf(m),
          });
        return lines.sort((a, b) => a.at.localeCompare(b.at));
      },
      advance: (ms) => sim.clock.advance(ms),
      close: () => sim.close(),
    };
  },
};
