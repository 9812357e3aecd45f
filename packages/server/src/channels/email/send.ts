/**
 * @module channels/email/send
 * Outbound mail over SMTP (nodemailer, a pooled transport per connection): our own Message-ID (the provider
 * message id, so replies thread), In-Reply-To and References of the thread, "Re: subject", plain text plus an HTML
 * alternative, the signature, attachments from our media store; then a copy into the Sent folder over IMAP.
 */
import { randomBytes } from 'node:crypto';
import nodemailer, { type Transporter } from 'nodemailer';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type Mail from 'nodemailer/lib/mailer/index.js';
import { ChannelError, type OutboundMessage, type SendContext, type SendMap } from '../../channel-kit/index.js';
import { appendSent, threadOf } from './api.js';
import type { EmailConfig } from './config.js';
import { mailAuth, type MailAuth } from './oauth.js';
import { normalizeSubject } from './parse.js';

const transports = new Map<string, { key: string; transport: Transporter }>();

function transportFor(connectionId: string, config: EmailConfig, auth: MailAuth): Transporter {
  const key = JSON.stringify([config.smtp, config.smtpPassword, config.tlsCa, auth]);
  const cached = transports.get(connectionId);
  if (cached?.key === key) return cached.transport;
  cached?.transport.close();
  const transport = nodemailer.createTransport({
    pool: true,
    maxConnections: 2,
    host: config.smtp.host,
    port: config.smtp.port,
    secure: config.smtp.secure,
    requireTLS: config.smtp.starttls,
    ignoreTLS: !config.smtp.secure && !config.smtp.starttls,
    auth:
      auth.kind === 'oauth2'
        ? { type: 'OAuth2', user: config.smtp.user, accessToken: auth.accessToken }
        : { user: config.smtp.user, pass: config.smtpPassword ?? '' },
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 60_000,
    tls: config.tlsCa ? { ca: config.tlsCa } : {},
  });
  transports.set(connectionId, { key, transport });
  return transport;
}

export function closeTransport(connectionId: string): void {
  transports.get(connectionId)?.transport.close();
  transports.delete(connectionId);
}

interface SmtpFailure {
  code?: string;
  responseCode?: number;
  response?: string;
  message?: string;
}

/** SMTP replies (RFC 5321 §4.2.1): 5xx is permanent, 4xx and dropped connections are worth retrying */
export function smtpError(error: unknown): ChannelError {
  const e = (error ?? {}) as SmtpFailure;
  const answer = e.response ?? e.message ?? String(error);
  if (e.code === 'EAUTH' || e.responseCode === 535 || e.responseCode === 534)
    return new ChannelError('AUTH', `SMTP login refused: ${answer}`, { providerCode: e.responseCode });
  if (e.responseCode && e.responseCode >= 500)
    return new ChannelError('REJECTED', answer, { providerCode: e.responseCode });
  if (e.responseCode && e.responseCode >= 400)
    return new ChannelError('UNAVAILABLE', answer, { providerCode: e.responseCode, retryAfterMs: 30_000 });
  return new ChannelError('UNAVAILABLE', `SMTP ${e.code ?? 'connection'} failed`, { cause: error });
}

export async function checkSmtp(connectionId: string, config: EmailConfig, auth: MailAuth): Promise<void> {
  try {
    await transportFor(connectionId, config, auth).verify();
  } catch (error) {
    closeTransport(connectionId);
    throw smtpError(error);
  }
}

/** "Test connection" for SMTP: a fresh connection (not the pool), its greeting and the login */
export async function checkSmtpAnswer(config: EmailConfig, auth: MailAuth): Promise<string> {
  const transport = nodemailer.createTransport({
    host: config.smtp.host,
    port: config.smtp.port,
    secure: config.smtp.secure,
    requireTLS: config.smtp.starttls,
    ignoreTLS: !config.smtp.secure && !config.smtp.starttls,
    auth:
      auth.kind === 'oauth2'
        ? { type: 'OAuth2', user: config.smtp.user, accessToken: auth.accessToken }
        : { user: config.smtp.user, pass: config.smtpPassword ?? '' },
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 30_000,
    tls: config.tlsCa ? { ca: config.tlsCa } : {},
  });
  try {
    await transport.verify();
    return `logged in as ${config.smtp.user} at ${config.smtp.host}:${config.smtp.port}`;
  } catch (error) {
    throw smtpError(error);
  } finally {
    transport.close();
  }
}

const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** plain text to its HTML alternative: paragraphs, line breaks, **bold**, _italic_ and links */
function textToHtml(text: string): string {
  return text
    .split(/\n{2,}/)
    .map(
      (p) =>
        `<p>${escapeHtml(p)
          .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
          .replace(/(^|\s)_([^_]+)_(?=\s|$)/g, '$1<em>$2</em>')
          .replace(/\bhttps?:\/\/[^\s<]+/g, (u) => `<a href="${u}">${u}</a>`)
          .replace(/\n/g, '<br>')}</p>`,
    )
    .join('\n');
}

function domainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1);
}

async function sendMail(
  message: OutboundMessage,
  ctx: SendContext<EmailConfig>,
  body: { text: string; attachments: Mail.Attachment[] },
): Promise<{ providerMessageId: string }> {
  const { config } = ctx;
  const auth = await mailAuth(ctx);
  const messageId = `<${message.id}.${randomBytes(6).toString('hex')}@${domainOf(config.address)}>`;
  // the conversation's thread key is its root Message-ID (parse.ts); a conversation we started has none
  const thread = message.threadKey?.startsWith('<') ? await threadOf(config, auth, message.threadKey) : undefined;
  // the sender's subject for a thread we start; a reply follows its thread ("Re: …", RFC 5322 §3.6.5)
  const subject = thread?.subject
    ? `Re: ${normalizeSubject(thread.subject)}`
    : (message.subject ?? (thread ? 'Re: your message' : 'Your message'));
  const cc = (message.cc ?? []).filter((a) => a.toLowerCase() !== message.to.toLowerCase());
  const text = config.signature ? `${body.text}\n\n-- \n${config.signature}` : body.text;
  const options: Mail.Options = {
    from: config.displayName ? { name: config.displayName, address: config.address } : config.address,
    to: message.to,
    ...(cc.length > 0 ? { cc } : {}),
    subject,
    messageId,
    date: new Date(),
    text,
    html: textToHtml(text),
    attachments: body.attachments,
    ...(thread?.parent ? { inReplyTo: thread.parent } : {}),
    ...(thread ? { references: thread.references } : {}),
    // RFC 3834 §5: what an agent, a flow or a rule writes is marked, so the other side's robots do not answer it
    ...(message.automated ? { headers: { 'Auto-Submitted': thread ? 'auto-replied' : 'auto-generated' } } : {}),
  };
  const raw = await new MailComposer(options).compile().build();
  try {
    await transportFor(ctx.connectionId, config, auth).sendMail({
      envelope: { from: config.address, to: [message.to, ...cc] },
      raw,
    });
  } catch (error) {
    throw smtpError(error);
  }
  // the copy in Sent is a courtesy to other mail clients: the mail is out even when the append fails
  await appendSent(config, auth, raw).catch((error: unknown) =>
    ctx.log.warn('could not append the sent mail to the Sent folder', {
      error: error instanceof Error ? error.message : String(error),
    }),
  );
  // a thread we started is keyed by this first Message-ID: the customer's answer names it in References
  return { providerMessageId: messageId, ...(message.threadKey ? {} : { threadKey: messageId }) };
}

type MediaMessage = OutboundMessage & {
  content: {
    type: 'image' | 'document' | 'audio' | 'video';
    media: { url: string; fileName?: string; caption?: string };
  };
};

async function sendMedia(message: MediaMessage, ctx: SendContext<EmailConfig>) {
  const file = await ctx.media.read(message.content.media.url);
  if (file.bytes.length > ctx.config.maxAttachmentBytes)
    throw new ChannelError('REJECTED', `the attachment is larger than ${ctx.config.maxAttachmentBytes} bytes`);
  const fileName = message.content.media.fileName ?? file.fileName ?? 'attachment';
  return sendMail(message, ctx, {
    text: message.content.media.caption ?? fileName,
    attachments: [{ filename: fileName, content: file.bytes, contentType: file.mimeType }],
  });
}

export const emailSend: SendMap<EmailConfig> = {
  text: (message, ctx) => sendMail(message, ctx, { text: message.content.text, attachments: [] }),
  image: sendMedia,
  document: sendMedia,
  audio: sendMedia,
  video: sendMedia,
};
