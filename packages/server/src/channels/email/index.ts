/** @module channels/email — a mailbox as a channel: IMAP in (listen mode, IDLE), SMTP out (docs/channels/email.md). */
import { defineConnector } from '../../channel-kit/index.js';
import { checkImap, checkImapAnswer, fetchEmailMedia, listenEmail } from './api.js';
import { emailConfigSchema, type EmailConfig } from './config.js';
import { emailEventKey, parseEmail } from './parse.js';
import { emailHealth, forgetAuth, mailAuth } from './oauth.js';
import { checkSmtp, checkSmtpAnswer, closeTransport, emailSend } from './send.js';

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
  // where each value a person brings is found at the provider (the form links it beside the field)
  configHelp: {
    address: { title: 'Support address', helpUrl: 'https://support.google.com/mail/answer/7126229' },
    imap: { title: 'IMAP server', helpUrl: 'https://support.google.com/mail/answer/7126229' },
    smtp: { title: 'SMTP server', helpUrl: 'https://support.google.com/mail/answer/7126229' },
    imapPassword: { title: 'IMAP password', helpUrl: 'https://support.google.com/accounts/answer/185833' },
    smtpPassword: { title: 'SMTP password', helpUrl: 'https://support.google.com/accounts/answer/185833' },
    oauthClientSecret: {
      title: 'OAuth client secret',
      helpUrl: 'https://developers.google.com/identity/protocols/oauth2/web-server#creatingcred',
    },
    oauthRefreshToken: {
      title: 'OAuth refresh token',
      helpUrl: 'https://developers.google.com/gmail/imap/xoauth2-protocol',
    },
  },
  inbound: { mode: 'listen', listen: listenEmail, parse: parseEmail, eventKey: emailEventKey },
  send: emailSend,
  features: {
    fetchMedia: fetchEmailMedia,
    // an OAuth2 mailbox's refresh, tried each round: a revoked grant is failing before the next login
    health: emailHealth,
    // each server's own answer, so the channel form can say which of the two refused and why
    async check(ctx) {
      const answer = async (name: string, run: () => Promise<string>) =>
        run().then(
          (text) => ({ name, ok: true, answer: text }),
          (error: unknown) => ({ name, ok: false, answer: error instanceof Error ? error.message : String(error) }),
        );
      let auth: Awaited<ReturnType<typeof mailAuth>>;
      try {
        auth = await mailAuth(ctx);
      } catch (error) {
        const text = error instanceof Error ? error.message : String(error);
        return [{ name: 'OAuth2', ok: false, answer: text }];
      }
      return Promise.all([
        answer('IMAP', () => checkImapAnswer(ctx.config, auth)),
        answer('SMTP', () => checkSmtpAnswer(ctx.config, auth)),
      ]);
    },
  },
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
