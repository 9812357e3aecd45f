/**
 * @module app/sandbox-channels/intercom — the sandbox's Intercom workspace on the local Intercom simulator: the
 * phone page plays the customer in the Intercom Messenger; replies arrive as our admin's conversation parts
 */
import { startIntercomSimulator, type IntercomPart } from '@switchboard/simulators';
import type { SandboxChannel, SandboxPhoneLine } from './channel.js';

/** the Messenger shows HTML bodies as text */
const textOf = (html: string | null): string =>
  (html ?? '')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/p>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .trim();

const lineOf = (p: Pick<IntercomPart, 'id' | 'body' | 'created_at' | 'attachments'>, direction: 'in' | 'out') => ({
  at: new Date(p.created_at * 1000).toISOString(),
  direction,
  messageId: p.id,
  text: textOf(p.body) || p.attachments.map((a) => `[${a.name}]`).join(' ') || '[message]',
});

export const intercomSandbox: SandboxChannel = {
  type: 'intercom',
  label: 'Intercom',
  // the app's intercom glyph (packages/web/src/icons.tsx)
  icon: 'M4 4h16v12H14l-5 4v-4H4zM8 8v4M12 7v6M16 8v4',
  async start() {
    const intercom = await startIntercomSimulator({ webhooks: { retryScale: 0.01 } });
    return {
      simulatorUrl: intercom.url,
      connection: {
        type: 'intercom',
        name: 'Sandbox Intercom workspace',
        config: {
          accessToken: intercom.accessToken,
          clientSecret: intercom.clientSecret,
          adminId: intercom.botAdmin.id,
          apiBaseUrl: intercom.url,
        },
      },
      // the Developer Hub's webhook setting, pointed at the connection
      connected: ({ webhookUrl }) => intercom.setWebhook(webhookUrl),
      createCustomer: (name) => ({ id: intercom.addContact({ name }).id }),
      sendText(id, text) {
        // the customer writes into their latest conversation (opening it again if closed), or starts one
        const latest = intercom.conversations({ contactId: id }).at(-1);
        if (latest) intercom.customerReplies(latest.id, { text });
        else intercom.customerStarts({ contactId: id, text });
      },
      lines(id) {
        const lines: SandboxPhoneLine[] = [];
        for (const c of intercom.conversations({ contactId: id })) {
          lines.push(
            lineOf(
              { id: c.source.id, body: c.source.body, created_at: c.createdAt, attachments: c.source.attachments },
              'out',
            ),
          );
          for (const p of c.parts) {
            if (p.part_type !== 'comment') continue; // notes, closes and assignments are the inbox's, not the customer's
            lines.push(lineOf(p, p.author.type === 'admin' || p.author.type === 'bot' ? 'in' : 'out'));
          }
        }
        return lines.sort((a, b) => a.at.localeCompare(b.at));
      },
      close: () => intercom.close(),
    };
  },
};
