/** @module channels/email — a mailbox as a channel: IMAP in (listen mode, IDLE), SMTP out (docs/channels/email.md). */
import { defineConnector } from '../../channel-kit/index.js';
import { checkImap, fetchEmailMedia, listenEmail } from './api.js';
import { emailConfigSchema, type EmailConfig } from './config.js';
import { emailEventKey, parseEmail } from './parse.js';
import { forgetAuth, mailAuth } from './oauth.js';
import { checkSmtp, closeTransport, emailSend } from './send.js';

const MB = 1024 * 1024;

export const emailConnector = defineConnector({
  type: 'email',
  displayName: 'Email',
  description: 'A mailbox: mail is read over IMAP and answered over SMTP, each thread a conversation.',
  limits: {
    inbound: ['text', 'image', 'audio', 'video', 'document'],
    maxTextLength: 65536,
    // mail has no buttons: choices arrive as numbered text (core/degradation)
    buttons: 0,
    // SMTP reports no delivery or reading: 'sent' is final unless a bounce (DSN) says otherwise
    receipts: { delivered: false, read: false },
    maxMediaBytes: 25 * MB,
  },
  addressKind: 'email',
  configSchema: emailConfigSchema,
  inbound: { mode: 'listen', listen: listenEmail, parse: parseEmail, eventKey: emailEventKey },
  send: emailSend,
  features: { fetchMedia: fetchEmailMedia },
  async start(ctx) {
    const auth = await mailAuth(ctx);
    await checkImap(ctx.config, auth);
    await checkSmtp(ctx.connectionId, ctx.config, auth);
  },
  stop(ctx) {
    closeTransport(ctx.connectionId);
    forgetAuth(ctx.connectionId);
    return Promise.resolve();
  },
});
export type { EmailConfig };
