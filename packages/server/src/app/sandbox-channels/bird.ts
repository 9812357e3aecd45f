/** @module app/sandbox-channels/bird — the sandbox's Bird WhatsApp channel on the local Bird platform simulator */
import { startBirdSimulator } from '@switchboard/simulators';
import type { SandboxChannel, SandboxPhoneLine } from './channel.js';

interface BirdWireBody {
  type?: string;
  text?: { text?: string; actions?: Array<{ postback?: { text?: string; payload?: string } }> };
  list?: { text?: string; actions?: Array<{ postback?: { text?: string; payload?: string } }> };
  image?: { text?: string };
  file?: { text?: string };
}

function lineOf(body: BirdWireBody | undefined, template: Record<string, unknown> | undefined) {
  if (template) return { text: `[template ${String(template.projectId)}]` };
  const actions = body?.text?.actions ?? body?.list?.actions ?? [];
  const buttons = actions
    .map((a) => a.postback)
    .filter((p): p is { text: string; payload: string } => Boolean(p?.text && p.payload))
    .map((p) => ({ id: p.payload, title: p.text }));
  const text =
    body?.text?.text ?? body?.list?.text ?? body?.image?.text ?? body?.file?.text ?? `[${body?.type ?? 'message'}]`;
  return { text, ...(buttons.length > 0 ? { buttons } : {}) };
}

export const birdSandbox: SandboxChannel = {
  type: 'bird',
  label: 'Bird (WhatsApp)',
  // the app's aggregator glyph (packages/web/src/icons.tsx)
  icon: 'M12 3v6M12 15v6M3 12h6M15 12h6M12 12m-3 0a3 3 0 1 0 6 0 3 3 0 1 0-6 0',
  async start() {
    const bird = await startBirdSimulator({
      webhooks: { retryScale: 0.01 },
      receipts: { sentAfterMs: 100, deliveredAfterMs: 400, readAfterMs: 1500 },
    });
    return {
      simulatorUrl: bird.url,
      connection: {
        type: 'bird',
        name: 'Sandbox Bird WhatsApp channel',
        config: {
          accessKey: bird.accessKey,
          workspaceId: bird.workspaceId,
          channelId: bird.whatsappChannel.id,
          apiBaseUrl: bird.url,
        },
      },
      createCustomer() {
        // the phone page uses the id in its URLs: digits, the number is +<id>
        return { id: `3161${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}` };
      },
      sendText(id, text) {
        bird.customerSends({ from: `+${id}`, text });
      },
      press(id, { messageId, buttonId, title }) {
        bird.customerSends({
          from: `+${id}`,
          postback: { payload: buttonId, text: title ?? buttonId, replyTo: String(messageId) },
        });
      },
      lines(id) {
        const lines: SandboxPhoneLine[] = [];
        for (const m of bird.received({ from: `+${id}` }))
          lines.push({
            at: m.createdAt,
            direction: 'out',
            messageId: m.id,
            ...lineOf(m.body as BirdWireBody, undefined),
          });
        for (const m of bird.sent({ to: `+${id}` }))
          lines.push({
            at: m.createdAt,
            direction: 'in',
            messageId: m.id,
            ...lineOf(m.body as BirdWireBody, m.template),
          });
        return lines.sort((a, b) => a.at.localeCompare(b.at));
      },
      close: () => bird.close(),
    };
  },
};
