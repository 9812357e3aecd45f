/** @module app/sandbox-channels/vonage-sms — the sandbox's SMS number on the local Vonage simulator (Messages API) */
import { startVonageSimulator } from '@switchboard/simulators';
import type { SandboxChannel, SandboxPhoneLine } from './channel.js';

export const vonageSmsSandbox: SandboxChannel = {
  type: 'vonage-sms',
  label: 'SMS (Vonage)',
  // the app's sms glyph (packages/web/src/icons.tsx)
  icon: 'M4 4h16v12H8l-4 4zM8 9h.01M12 9h.01M16 9h.01',
  async start() {
    const sim = await startVonageSimulator({ receipts: { submittedAfterMs: 100, deliveredAfterMs: 600 } });
    const inbound: Array<{ from: string; text: string; at: number; id: string }> = [];
    return {
      simulatorUrl: sim.url,
      connection: {
        type: 'vonage-sms',
        name: 'Sandbox Vonage SMS number',
        config: {
          api: 'messages',
          apiKey: sim.account.apiKey,
          apiSecret: sim.account.apiSecret,
          applicationId: sim.application.id,
          privateKey: sim.application.privateKey,
          signatureSecret: sim.account.signatureSecret,
          from: `+${sim.number}`,
          apiBaseUrl: sim.url,
        },
      },
      // the connection's start points the application's webhooks at the hub; set them anyway for a stopped hub
      async connected(conn) {
        sim.configure({ inboundUrl: conn.webhookUrl, statusUrl: conn.webhookUrl });
        await Promise.resolve();
      },
      createCustomer() {
        return { id: `1555${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}` };
      },
      async sendText(id, text) {
        const { messageUuid } = await sim.inboundMessage({ from: id, text });
        inbound.push({ from: id, text, at: Date.now(), id: messageUuid });
      },
      // SMS has no buttons: the hub sends them as numbered text, and the customer answers with the number
      lines(id) {
        const lines: SandboxPhoneLine[] = inbound
          .filter((m) => m.from === id)
          .map((m) => ({ at: new Date(m.at).toISOString(), direction: 'out', text: m.text, messageId: m.id }));
        for (const m of sim.sent({ to: id }))
          lines.push({ at: new Date(m.at).toISOString(), direction: 'in', text: m.text, messageId: m.id });
        return lines.sort((a, b) => a.at.localeCompare(b.at));
      },
      close: () => sim.close(),
    };
  },
};
