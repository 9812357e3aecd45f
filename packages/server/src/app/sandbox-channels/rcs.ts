/** @module app/sandbox-channels/rcs — the sandbox's RCS agent on the local RBM simulator */
import { startRcsSimulator } from '@switchboard/simulators';
import type { SandboxChannel, SandboxPhoneLine } from './channel.js';

export const rcsSandbox: SandboxChannel = {
  type: 'rcs',
  label: 'RCS',
  // the app's rcs glyph (packages/web/src/icons.tsx)
  icon: 'M3 5h18v11H9l-5 4V5zM7 9h10M7 12h6',
  async start() {
    const sim = await startRcsSimulator({ retryScale: 0.1 });
    const written: Array<{ at: string; phone: string; text: string }> = [];
    let next = 0;
    return {
      simulatorUrl: sim.url,
      connection: {
        type: 'rcs',
        name: 'Sandbox RCS agent',
        config: {
          agentId: sim.agentId,
          serviceAccountKey: sim.serviceAccountKey,
          clientToken: sim.clientToken,
          apiBaseUrl: sim.url,
          tokenUrl: sim.tokenUrl,
        },
      },
      async connected(connection) {
        if (!(await sim.configureWebhook(connection.webhookUrl))) throw new Error('the RBM webhook handshake failed');
      },
      // the phone page names a customer by the digits of the number
      createCustomer: () => ({ id: `1415555${String(1000 + next++).slice(-4)}` }),
      async sendText(id, text) {
        written.push({ at: new Date().toISOString(), phone: `+${id}`, text });
        await sim.userText(`+${id}`, text);
      },
      async press(id, { buttonId, title }) {
        written.push({ at: new Date().toISOString(), phone: `+${id}`, text: title ?? buttonId });
        await sim.userSuggestionResponse(`+${id}`, buttonId, title ?? buttonId);
      },
      lines(id) {
        const lines: SandboxPhoneLine[] = [
          ...written
            .filter((w) => w.phone === `+${id}`)
            .map((w) => ({ at: w.at, direction: 'out' as const, text: w.text })),
          ...sim.messages
            .filter((m) => m.phone === `+${id}`)
            .map((m) => {
              const c = m.contentMessage as {
                text?: string;
                suggestions?: Array<{ reply?: { text: string; postbackData: string } }>;
                richCard?: unknown;
                contentInfo?: { fileUrl?: string };
              };
              const buttons = c.suggestions?.flatMap((s) =>
                s.reply ? [{ id: s.reply.postbackData, title: s.reply.text }] : [],
              );
              return {
                at: m.sendTime,
                direction: 'in' as const,
                text: c.text ?? (c.richCard ? '[rich card]' : (c.contentInfo?.fileUrl ?? '')),
                messageId: m.messageId,
                ...(buttons?.length ? { buttons } : {}),
              };
            }),
        ];
        return lines.sort((a, b) => a.at.localeCompare(b.at));
      },
      close: () => sim.close(),
    };
  },
};
