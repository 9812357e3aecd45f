/**
 * @module channels/email/api
 * The mail servers: IMAP (imapflow) for the mailbox — listening with IDLE, fetching attachments, appending our sent
 * mail — and the turning of a raw RFC 5322 message into the envelope the hub stores (mailparser, sanitize-html).
 */
import { createHash } from 'node:crypto';
import { ImapFlow, type ImapFlowOptions } from 'imapflow';
import EmailReplyParser from 'email-reply-parser';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import sanitizeHtml from 'sanitize-html';
import { ChannelError, type BaseContext, type FetchedMedia, type ListenContext } from '../../channel-kit/index.js';
import { moveTarget, type EmailConfig } from './config.js';
import { mailAuth, type MailAuth } from './oauth.js';
import type { EmailAddress, EmailEnvelope } from './payloads.js';

const silentLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

export function imapClient(config: EmailConfig, auth: MailAuth): ImapFlow {
  const options: ImapFlowOptions = {
    host: config.imap.host,
    port: config.imap.port,
    secure: config.imap.secure,
    auth:
      auth.kind === 'oauth2'
        ? { user: config.imap.user, accessToken: auth.accessToken }
        : { user: config.imap.user, pass: config.imapPassword ?? '' },
    logger: silentLogger,
    // re-IDLE well before servers drop an idle client (RFC 2177: every 29 minutes at the latest)
    maxIdleTime: config.pollSeconds * 1000,
    // servers without IDLE are polled with NOOP (imapflow `missingIdleCommand`)
    missingIdleCommand: 'NOOP',
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 5 * 60_000,
    tls: config.tlsCa ? { ca: config.tlsCa } : {},
  };
  return new ImapFlow(options);
}

interface ImapFailure {
  authenticationFailed?: boolean;
  responseText?: string;
  serverResponseCode?: string;
  code?: string;
  message?: string;
}

/** imapflow's failure → a ChannelError; a refused login is AUTH with the server's own answer */
export function imapError(error: unknown, what: string): ChannelError {
  const e = (error ?? {}) as ImapFailure;
  const answer = e.responseText ?? e.message ?? String(error);
  if (e.authenticationFailed || e.serverResponseCode === 'AUTHENTICATIONFAILED')
    return new ChannelError('AUTH', `IMAP login refused: ${answer}`, { providerCode: e.serverResponseCode });
  return new ChannelError('UNAVAILABLE', `IMAP ${what} failed: ${e.code ?? answer}`, { cause: error });
}

async function connected(config: EmailConfig, auth: MailAuth): Promise<ImapFlow> {
  const client = imapClient(config, auth);
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    client.close();
    throw imapError(error, 'connection');
  }
  return client;
}

async function done(client: ImapFlow): Promise<void> {
  await client.logout().catch(() => client.close());
}

function addresses(value: AddressObject | AddressObject[] | undefined): EmailAddress[] {
  const list = value === undefined ? [] : Array.isArray(value) ? value : [value];
  return list.flatMap((a) =>
    a.value
      .filter((v) => v.address)
      .map((v) => ({ address: (v.address as string).toLowerCase(), ...(v.name ? { name: v.name } : {}) })),
  );
}

/**
 * HTML an operator may see: no scripts, styles, handlers or forms; images only from the mail itself (cid:, data:).
 * A remote image (a tracking pixel, a newsletter's pictures) keeps its address in `data-remote-src` without a `src`:
 * nothing is fetched until the operator asks the app to load images
 */
export function sanitizeMailHtml(html: string): string {
  return sanitizeHtml(html, {
    allowedTags: sanitizeHtml.defaults.allowedTags.concat(['img']),
    allowedAttributes: {
      a: ['href', 'title', 'target', 'rel'],
      img: ['src', 'alt', 'width', 'height', 'data-remote-src'],
      '*': ['dir', 'lang'],
    },
    allowedSchemesByTag: { img: ['cid', 'data'], a: ['http', 'https', 'mailto'] },
    allowProtocolRelative: false,
    transformTags: {
      img: (tagName, attribs) => {
        const { src, 'data-remote-src': _forged, ...rest } = attribs;
        if (src && /^https?:\/\//i.test(src)) return { tagName, attribs: { ...rest, 'data-remote-src': src } };
        // only the mail's own parts: a relative src would resolve against the app and fetch from the hub
        return { tagName, attribs: { ...rest, ...(src && /^(cid|data):/i.test(src) ? { src } : {}) } };
      },
      // a link opens outside the app, without telling the site where it was clicked
      a: (tagName, attribs) => ({ tagName, attribs: { ...attribs, target: '_blank', rel: 'noopener noreferrer' } }),
    },
  });
}

function header(parsed: ParsedMail, name: string): string | undefined {
  const v = parsed.headers.get(name);
  if (v === undefined) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'object' && v !== null && 'value' in v) {
    const { value, params } = v as { value: string; params?: Record<string, string> };
    return [value, ...Object.entries(params ?? {}).map(([k, p]) => `${k}=${p}`)].join('; ');
  }
  return String(v);
}

/** RFC 3834 Auto-Submitted, Precedence bulk/list/auto_reply, X-Autoreply, X-Autorespond */
function isAutoReply(parsed: ParsedMail): boolean {
  const auto = header(parsed, 'auto-submitted');
  if (auto && !/^no\b/i.test(auto.trim())) return true;
  if (/^(bulk|auto_reply|list|junk)\b/i.test(header(parsed, 'precedence')?.trim() ?? '')) return true;
  return header(parsed, 'x-autoreply') !== undefined || header(parsed, 'x-autorespond') !== undefined;
}

/** a DSN (RFC 3464): mailparser folds the delivery-status part into the text, so its fields are read from there */
function bounceOf(parsed: ParsedMail, raw: string): EmailEnvelope['bounce'] {
  const type = header(parsed, 'content-type') ?? '';
  if (!/multipart\/report/i.test(type) || !/report-type=["']?delivery-status/i.test(type)) return undefined;
  const text = `${parsed.text ?? ''}\n${raw}`;
  const original =
    /Original-Message-ID:\s*(<[^>\s]+>)/i.exec(text)?.[1] ??
    // the returned headers (text/rfc822-headers) carry the original's Message-ID after the report's own
    [...raw.matchAll(/^Message-ID:\s*(<[^>\s]+>)/gim)].map((m) => m[1]).find((id) => id !== parsed.messageId);
  const status = /^Status:\s*([245]\.\d{1,3}\.\d{1,3})/im.exec(text)?.[1];
  const diagnostic = /^Diagnostic-Code:\s*(.+)$/im.exec(text)?.[1]?.trim();
  return {
    ...(original ? { originalMessageId: original } : {}),
    ...(status ? { status } : {}),
    ...(diagnostic ? { diagnostic } : {}),
  };
}

/**
 * the new part of a reply: the quoted history ("On … wrote:", "> " lines) and the signature are cut by
 * email-reply-parser (a port of GitHub's EmailReplyParser); the app shows it and folds the rest behind "…"
 */
function replyPart(text: string): { replyText?: string } {
  const visible = new EmailReplyParser().parseReply(text.slice(0, 65_536)).trim();
  return visible && visible !== text.trim() ? { replyText: visible } : {};
}

const asArray = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

export async function envelopeFromSource(
  source: Buffer,
  where: { mailbox: string; uidValidity: string; uid: number },
): Promise<EmailEnvelope> {
  const parsed = await simpleParser(source, { skipImageLinks: true, skipTextToHtml: true });
  const from = addresses(parsed.from)[0];
  const date = (parsed.date ?? new Date(0)).toISOString();
  const subject = parsed.subject ?? '';
  // Message-ID is optional (RFC 5322 §3.6.4): a digest of date, sender and subject stands in for it
  const messageId =
    parsed.messageId ??
    `<${createHash('sha256')
      .update(`${date}\n${from?.address ?? ''}\n${subject}`)
      .digest('hex')
      .slice(0, 32)}@no-message-id>`;
  const bounce = bounceOf(parsed, source.toString('latin1'));
  const attachments = parsed.attachments
    .map((a, index) => ({ a, index }))
    .filter(
      ({ a }) => !bounce || !/^(message\/delivery-status|text\/rfc822-headers|message\/rfc822)/i.test(a.contentType),
    )
    .map(({ a, index }) => ({
      index,
      ...(a.filename ? { fileName: a.filename } : {}),
      mimeType: a.contentType || 'application/octet-stream',
      size: a.size,
      ...(a.cid ? { cid: a.cid } : {}),
      inline: a.contentDisposition === 'inline',
    }));
  return {
    kind: 'mail',
    ...where,
    messageId,
    ...(parsed.inReplyTo ? { inReplyTo: parsed.inReplyTo } : {}),
    references: asArray(parsed.references),
    ...(from ? { from } : {}),
    to: addresses(parsed.to),
    cc: addresses(parsed.cc),
    subject,
    date,
    text: parsed.text ?? '',
    ...replyPart(parsed.text ?? ''),
    ...(typeof parsed.html === 'string' && parsed.html ? { html: sanitizeMailHtml(parsed.html) } : {}),
    autoReply: isAutoReply(parsed),
    ...(bounce ? { bounce } : {}),
    attachments,
  };
}

/** the stored cursor: "<uidValidity>:<last UID stored>" */
function readCursor(value: string | undefined): { uidValidity: string; lastUid: number } | undefined {
  const m = /^(\d+):(\d+)$/.exec(value ?? '');
  return m ? { uidValidity: m[1] as string, lastUid: Number(m[2]) } : undefined;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const onAbort = () => {
      clearTimeout(t);
      resolve();
    };
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });

/** one session: catch up from the cursor, then wait (IDLE) for new mail and catch up again, until the signal */
async function session(client: ImapFlow, ctx: ListenContext<EmailConfig>): Promise<void> {
  const { config } = ctx;
  const lock = await client.getMailboxLock(config.mailbox);
  try {
    const closed = new Promise<never>((_, reject) =>
      client.once('close', () => reject(new Error('connection closed'))),
    );
    closed.catch(() => undefined);
    while (!ctx.signal.aborted) {
      const mailbox = client.mailbox;
      if (!mailbox) throw new Error('mailbox not open');
      const uidValidity = String(mailbox.uidValidity);
      const cursor = readCursor(await ctx.cursor.get());
      let uids: number[];
      if (cursor && cursor.uidValidity === uidValidity) {
        uids = ((await client.search({ uid: `${cursor.lastUid + 1}:*` }, { uid: true })) || []).filter(
          (u) => u > cursor.lastUid,
        );
      } else {
        // first start, or UIDVALIDITY changed (RFC 3501 §2.3.1.1: every cached UID is void): read the recent
        // mail again; the Message-ID dedup drops what was stored before
        if (cursor) ctx.log.warn('UIDVALIDITY changed; resyncing the mailbox', { mailbox: config.mailbox });
        const since = new Date(Date.now() - config.initialSyncDays * 86_400_000);
        uids = (await client.search({ since }, { uid: true })) || [];
        if (uids.length === 0) await ctx.cursor.set(`${uidValidity}:${Math.max(0, Number(mailbox.uidNext) - 1)}`);
      }
      uids.sort((a, b) => a - b);
      for (const uid of uids) {
        if (ctx.signal.aborted) return;
        const message = await client.fetchOne(String(uid), { source: true, uid: true }, { uid: true });
        if (message && message.source) {
          const envelope = await envelopeFromSource(message.source, { mailbox: config.mailbox, uidValidity, uid });
          await ctx.deliver({
            body: Buffer.from(JSON.stringify(envelope)),
            headers: { 'message-id': envelope.messageId, 'x-imap-uid': `${uidValidity}:${uid}` },
          });
          await afterImport(client, config, uid);
        }
        // only after the mail is stored durably: a crash before this line reads it again, never skips it
        await ctx.cursor.set(`${uidValidity}:${uid}`);
      }
      // IDLE (RFC 2177) until the server announces new mail; the next command ends it. Servers without IDLE get
      // imapflow's missingIdleCommand (NOOP) and are polled every pollSeconds
      const announced = new Promise<void>((resolve) => client.once('exists', () => resolve()));
      client.idle().catch(() => undefined);
      await Promise.race([announced, sleep(config.pollSeconds * 1000, ctx.signal), closed]);
    }
  } finally {
    lock.release();
  }
}

async function afterImport(client: ImapFlow, config: EmailConfig, uid: number): Promise<void> {
  const target = moveTarget(config);
  if (target) {
    await client.messageMove(String(uid), target, { uid: true });
  } else if (config.afterImport === 'seen') {
    await client.messageFlagsAdd(String(uid), ['\\Seen'], { uid: true });
  }
}

/** the listener: sessions one after another, reconnecting with backoff; a refused login ends it (connection ERROR) */
export async function listenEmail(ctx: ListenContext<EmailConfig>): Promise<void> {
  let backoff = 500;
  while (!ctx.signal.aborted) {
    const client = imapClient(ctx.config, await mailAuth(ctx));
    client.on('error', (error: Error) => ctx.log.warn('IMAP connection error', { error: error.message }));
    // stop: LOGOUT (ends IDLE), and close the socket if the server does not answer
    const abort = () => void client.logout().catch(() => client.close());
    ctx.signal.addEventListener('abort', abort, { once: true });
    try {
      try {
        await client.connect();
      } catch (error) {
        throw imapError(error, 'connection');
      }
      backoff = 500;
      await session(client, ctx);
    } catch (error) {
      if (ctx.signal.aborted) break;
      if (error instanceof ChannelError && error.code === 'AUTH') throw error;
      ctx.log.warn('IMAP session ended; reconnecting', {
        error: error instanceof Error ? error.message : String(error),
        delayMs: backoff,
      });
      await sleep(backoff, ctx.signal);
      backoff = Math.min(backoff * 2, 60_000);
    } finally {
      ctx.signal.removeEventListener('abort', abort);
      if (client.usable) await done(client);
      else client.close();
    }
  }
}

/** logs in to IMAP and opens the mailbox, so a wrong password shows at start with the server's answer */
export async function checkImap(config: EmailConfig, auth: MailAuth): Promise<void> {
  const client = await connected(config, auth);
  try {
    await client.mailboxOpen(config.mailbox, { readOnly: true }).catch((error: unknown) => {
      throw new ChannelError('INVALID_CONFIG', `mailbox ${config.mailbox}: ${imapError(error, 'select').message}`);
    });
  } finally {
    await done(client);
  }
}

/** "Test connection" for IMAP: the login and the mailbox, in the server's own words */
export async function checkImapAnswer(config: EmailConfig, auth: MailAuth): Promise<string> {
  const client = await connected(config, auth);
  try {
    const box = await client.mailboxOpen(config.mailbox, { readOnly: true }).catch((error: unknown) => {
      throw new ChannelError('INVALID_CONFIG', `mailbox ${config.mailbox}: ${imapError(error, 'select').message}`);
    });
    return `logged in as ${config.imap.user}; ${box.path} has ${box.exists} messages`;
  } finally {
    await done(client);
  }
}

/** the folders a stored mail may be in now: the mailbox, or where afterImport moved it */
function foldersOf(config: EmailConfig): string[] {
  const target = moveTarget(config);
  return target ? [config.mailbox, target] : [config.mailbox];
}

/** an attachment of a stored mail, found again by its Message-ID (UIDs change when afterImport moves it) */
export async function fetchEmailMedia(
  media: { providerMediaId: string },
  ctx: BaseContext<EmailConfig>,
): Promise<FetchedMedia> {
  const space = media.providerMediaId.lastIndexOf(' ');
  const messageId = media.providerMediaId.slice(0, space);
  const index = Number(media.providerMediaId.slice(space + 1));
  const client = await connected(ctx.config, await mailAuth(ctx));
  try {
    for (const folder of foldersOf(ctx.config)) {
      const lock = await client.getMailboxLock(folder);
      try {
        const uids = (await client.search({ header: { 'message-id': messageId } }, { uid: true })) || [];
        const uid = uids[uids.length - 1];
        if (uid === undefined) continue;
        const message = await client.fetchOne(String(uid), { source: true }, { uid: true });
        if (!message || !message.source) continue;
        const parsed = await simpleParser(message.source);
        const a = parsed.attachments[index];
        if (!a) throw new ChannelError('REJECTED', `the mail has no attachment ${index}`);
        return { bytes: a.content, mimeType: a.contentType, ...(a.filename ? { fileName: a.filename } : {}) };
      } finally {
        lock.release();
      }
    }
    throw new ChannelError('REJECTED', 'the mail is no longer in the mailbox');
  } finally {
    await done(client);
  }
}

export interface ThreadInfo {
  subject?: string;
  /** the latest mail of the thread: In-Reply-To */
  parent?: string;
  references: string[];
}

/**
 * The thread a reply belongs to, read from the mailbox: the mails whose Message-ID is the thread's root or whose
 * References name it; the latest is the parent (In-Reply-To), its References plus its id the new References.
 */
export async function threadOf(config: EmailConfig, auth: MailAuth, root: string): Promise<ThreadInfo> {
  const client = await connected(config, auth);
  try {
    const mails: Array<{ date: number; id: string; references: string[]; subject: string }> = [];
    // our own mails of the thread are in Sent: a thread we started has nothing else until the customer answers
    const sent = await sentFolderOf(client, config);
    for (const folder of [...foldersOf(config), ...(sent ? [sent] : [])]) {
      const lock = await client.getMailboxLock(folder);
      try {
        const own = (await client.search({ header: { 'message-id': root } }, { uid: true })) || [];
        const replies = (await client.search({ header: { references: root } }, { uid: true })) || [];
        const answers = (await client.search({ header: { 'in-reply-to': root } }, { uid: true })) || [];
        for (const uid of new Set([...own, ...replies, ...answers])) {
          const m = await client.fetchOne(
            String(uid),
            { headers: ['message-id', 'in-reply-to', 'references', 'subject', 'date'] },
            { uid: true },
          );
          if (!m || !m.headers) continue;
          const parsed = await simpleParser(m.headers);
          if (!parsed.messageId) continue;
          mails.push({
            date: parsed.date?.getTime() ?? 0,
            id: parsed.messageId,
            references: [...asArray(parsed.references), ...(parsed.inReplyTo ? [parsed.inReplyTo] : [])],
            subject: parsed.subject ?? '',
          });
        }
      } finally {
        lock.release();
      }
    }
    // the latest mail no other one answers: Date has whole seconds, so a quick answer can share its parent's second
    const answered = new Set(mails.flatMap((m) => m.references));
    const leaves = mails.filter((m) => !answered.has(m.id));
    const best = (leaves.length > 0 ? leaves : mails).reduce<(typeof mails)[number] | undefined>(
      (a, m) => (!a || m.date >= a.date ? m : a),
      undefined,
    );
    if (!best) return { references: [root] };
    const references = [...new Set([...best.references.filter((r) => r !== best.id), best.id])];
    return {
      subject: best.subject,
      parent: best.id,
      references: references.includes(root) ? references : [root, ...references],
    };
  } finally {
    await done(client);
  }
}

/** the configured Sent folder, else the one flagged \\Sent (RFC 6154 SPECIAL-USE) */
async function sentFolderOf(client: ImapFlow, config: EmailConfig): Promise<string | undefined> {
  return config.sentFolder ?? (await client.list()).find((f) => f.specialUse === '\\Sent')?.path;
}

/** appends a copy of our sent mail to the Sent folder (the configured one, else the \Sent SPECIAL-USE one) */
export async function appendSent(config: EmailConfig, auth: MailAuth, raw: Buffer): Promise<string | undefined> {
  const client = await connected(config, auth);
  try {
    const folder = await sentFolderOf(client, config);
    if (!folder) return undefined;
    await client.append(folder, raw, ['\\Seen']);
    return folder;
  } finally {
    await done(client);
  }
}
