/** @module app/sandbox-channels/messenger — the sandbox's Facebook Page on the local Messenger Platform simulator */
import { startMetaMessagingSimulator, type MetaSentRecord } from '@switchboard/simulators';
import type { SandboxChannel, SandboxPhoneLine } from './channel.js';

type Kind = 'page' | 'instagram';

/** what a Send API body shows on the phone: text, a button template's buttons, quick replies, a card */
function lineOf(s: MetaSentRecord): SandboxPhoneLine {
  const message = (s.body.message ?? {}) as {
    text?: string;
    quick_replies?: Array<{ title: string; payload: string }>;
    attachment?: {
      type?: string;
      payload?: {
        template_type?: string;
        text?: string;
        buttons?: Array<{ title: string; payload?: string }>;
        elements?: Array<{ title: string }>;
      };
    };
  };
  const payload = message.attachment?.payload;
  const text =
    message.text ??
    payload?.text ??
    payload?.elements?.map((e) => e.title).join(' | ') ??
    `[${message.attachment?.type ?? 'message'}]`;
  const buttons =
    message.quick_replies?.map((q) => ({ id: q.payload, title: q.title })) ??
    payload?.buttons?.filter((b) => b.payload).map((b) => ({ id: b.payload as string, title: b.title }));
  return {
    at: new Date(s.at).toISOString(),
    direction: 'in',
    text,
    messageId: s.mid,
    ...(buttons?.length ? { buttons } : {}),
  };
}

/** the Messenger and Instagram phones differ only in the account kind and the connection's config names */
export function metaSandbox(kind: Kind, meta: { type: string; label: string; icon: string }): SandboxChannel {
  return {
    ...meta,
    async start() {
      const sim = await startMetaMessagingSimulator({ deliveryAfterMs: 300, readAfterMs: 1200 });
      const account = kind === 'page' ? sim.createPage({ name: 'Sandbox Page' }) : sim.createInstagramAccount();
      return {
        simulatorUrl: sim.url,
        connection: {
          type: meta.type,
          name: `Sandbox ${meta.label}`,
          config:
            kind === 'page'
              ? { pageId: account.id, pageAccessToken: account.token, appSecret: sim.app.secret, apiBaseUrl: sim.url }
              : {
                  instagramAccountId: account.id,
                  accessToken: account.token,
                  appSecret: sim.app.secret,
                  apiBaseUrl: sim.url,
                },
        },
        async connected(conn) {
          await sim.configureWebhook({ url: conn.webhookUrl, verifyToken: String(conn.config.verifyToken) });
        },
        createCustomer(name) {
          const [first, ...rest] = (name || 'Customer').split(' ');
          return sim.createCustomer({
            accountId: account.id,
            firstName: first ?? 'Customer',
            lastName: rest.join(' '),
          });
        },
        sendText(id, text) {
          sim.sendText({ accountId: account.id, from: id, text });
        },
        // a quick reply comes back as a message with the payload; a button template's button as a postback
        press(id, { messageId, buttonId, title }) {
          const sent = sim.sent({ accountId: account.id }).find((s) => s.mid === String(messageId));
          const message = (sent?.body.message ?? {}) as { quick_replies?: unknown[] };
          if (message.quick_replies)
            sim.sendText({ accountId: account.id, from: id, text: title ?? buttonId, quickReplyPayload: buttonId });
          else sim.sendPostback({ accountId: account.id, from: id, title: title ?? buttonId, payload: buttonId });
        },
        lines(id) {
          const lines: SandboxPhoneLine[] = sim
            .received({ accountId: account.id, from: id })
            .map((r) => ({ at: new Date(r.at).toISOString(), direction: 'out', text: r.text, messageId: r.mid }));
          for (const s of sim.sent({ accountId: account.id })) if (s.recipient === id) lines.push(lineOf(s));
          return lines;
        },
        close: () => sim.close(),
      };
    },
  };
}

export const messengerSandbox: SandboxChannel = metaSandbox('page', {
  type: 'messenger',
  label: 'Messenger',
  // the app's messenger glyph (packages/web/src/icons.tsx)
  icon: 'M12 3a9 8.5 0 0 0-5 15.6V21l3-1.7a9 8.5 0 1 0 2-16.3zM7 14l3.5-3.5 2.5 2 4-4',
});
