/**
 * @module app/sandbox-channels/twilio-sms — the sandbox's SMS number on the local Twilio Messaging simulator. SMS has
 * no buttons, so there is no `press`: the customer answers a numbered option by texting its number.
 */
import { startTwilioSimulator } from '@switchboard/simulators';
import type { SandboxChannel, SandboxPhoneLine } from './channel.js';

const NUMBER = '+15005550006';

export const twilioSmsSandbox: SandboxChannel = {
  type: 'twilio-sms',
  label: 'SMS (Twilio)',
  // the app's sms glyph (packages/web/src/icons.tsx)
  icon: 'M4 4h16v12H8l-4 4zM8 9h.01M12 9h.01M16 9h.01',
  async start() {
    const sim = await startTwilioSimulator({
      numbers: [NUMBER],
      statusDelaysMs: { sending: 100, sent: 300, delivered: 900 },
    });
    return {
      simulatorUrl: sim.url,
      connection: {
        type: 'twilio-sms',
        name: 'Sandbox SMS number',
        // the connection's start points the number's SMS URL at the hub (IncomingPhoneNumbers update)
        config: { accountSid: sim.accountSid, authToken: sim.authToken, from: [NUMBER], apiBaseUrl: sim.url },
      },
      // the phone's id is its number without the + (it travels in the phone page's URLs)
      createCustomer() {
        return { id: `1415555${String(Math.floor(Math.random() * 1e4)).padStart(4, '0')}` };
      },
      async sendText(id, text) {
        const { attempt } = await sim.sendSms({ from: `+${id}`, to: NUMBER, body: text });
        if (attempt && attempt.status !== 200)
          throw new Error(`the hub answered the SMS webhook with ${attempt.status}`);
      },
      lines(id) {
        const phone = `+${id}`;
        const lines: SandboxPhoneLine[] = [];
        for (const m of sim.messages()) {
          const at = new Date(Date.parse(m.dateCreated) || Date.now()).toISOString();
          if (m.direction === 'inbound' && m.from === phone)
            lines.push({ at, direction: 'out', text: m.body || '[MMS]', messageId: m.sid });
          else if (m.direction === 'outbound-api' && m.to === phone)
            lines.push({ at, direction: 'in', text: m.body || '[MMS]', messageId: m.sid });
        }
        return lines;
      },
      close: () => sim.close(),
    };
  },
};
