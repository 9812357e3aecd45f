/**
 * @module app/sandbox-channels/sms-gateway — the sandbox's self-hosted SMS gateway: the `http` mode against the local
 * phone gateway app simulator (a real Kannel needs Debian packages the sandbox does not ask for). SMS has no buttons:
 * the customer answers a numbered option by texting its number.
 */
import { randomBytes } from 'node:crypto';
import { startSmsGatewaySimulator } from '@switchboard/simulators';
import type { SandboxChannel, SandboxPhoneLine } from './channel.js';

export const smsGatewaySandbox: SandboxChannel = {
  type: 'sms-gateway',
  label: 'SMS (own gateway)',
  // the app's sms glyph (packages/web/src/icons.tsx)
  icon: 'M4 4h16v12H8l-4 4zM8 9h.01M12 9h.01M16 9h.01',
  async start() {
    const secret = randomBytes(24).toString('base64url');
    const sim = await startSmsGatewaySimulator({ secret, statusDelaysMs: { sent: 200, delivered: 700 } });
    let webhookUrl: string | undefined;
    const said: Array<{ phone: string; text: string; at: string }> = [];
    return {
      simulatorUrl: sim.url,
      connection: {
        type: 'sms-gateway',
        name: 'Sandbox SMS gateway',
        config: { mode: 'http', apiBaseUrl: sim.url, password: sim.token, from: sim.number, inboundSecret: secret },
      },
      connected(connection) {
        webhookUrl = connection.webhookUrl;
        return Promise.resolve();
      },
      // the phone's id is its number without the + (it travels in the phone page's URLs)
      createCustomer() {
        return { id: `4915112${String(Math.floor(Math.random() * 1e5)).padStart(5, '0')}` };
      },
      async sendText(id, text) {
        if (!webhookUrl) throw new Error('the sandbox connection is not running yet');
        const status = await sim.receive(webhookUrl, `+${id}`, text);
        if (status !== 200) throw new Error(`the hub answered the gateway's event with ${status}`);
        said.push({ phone: `+${id}`, text, at: new Date().toISOString() });
      },
      lines(id) {
        const phone = `+${id}`;
        const lines: SandboxPhoneLine[] = said
          .filter((m) => m.phone === phone)
          .map((m, i) => ({ at: m.at, direction: 'out', text: m.text, messageId: `in-${i}` }));
        for (const m of sim.sent())
          if (m.to === phone) lines.push({ at: m.at, direction: 'in', text: m.text, messageId: m.id });
        return lines.sort((a, b) => a.at.localeCompare(b.at));
      },
      close: () => sim.close(),
    };
  },
};
