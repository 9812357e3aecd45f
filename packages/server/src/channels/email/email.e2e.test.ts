/**
 * The email connector end to end: a real hub on 127.0.0.1, a real Dovecot IMAP server (testing/dovecot.ts) holding
 * the support and the customer mailboxes, and a real SMTP server (smtp-server) delivering into them. The customer
 * writes with nodemailer through that MTA and reads the hub's answers from their own mailbox over IMAP.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';
import { simpleParser } from 'mailparser';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Content } from '../../model/index.js';
import { startDovecot, startMta, type Dovecot, type Mta } from '../../testing/dovecot.js';
import { eventually, startTestServer, type TestServer } from '../../testing/test-server.js';
import { TINY_PNG } from '../../testing/hub-reads.js';

interface Conv {
  id: string;
  connectionId: string;
  address: string;
  threadKey: string | null;
}
interface Msg {
  id: string;
  direction: string;
  status: string;
  content: Content;
  statusDetail: { code: string; message: string } | null;
  providerMessageId: string | null;
  metadata: Record<string, unknown>;
}
interface Conn {
  id: string;
  status: string;
  statusReason: string | null;
  config: Record<string, unknown>;
}

const USERS = [
  { user: 'support', password: 'support-pw' },
  { user: 'customer', password: 'customer-pw' },
];
const PNG = TINY_PNG;
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

describe('email connector end to end (Dovecot + SMTP)', () => {
  let dovecot: Dovecot;
  let mta: Mta;
  let t: TestServer;
  let conn: Conn;
  let dataDir: string;

  const customerSmtp = () =>
    nodemailer.createTransport({
      host: '127.0.0.1',
      port: mta.port,
      secure: false,
      ignoreTLS: true,
      auth: { user: 'customer', pass: 'customer-pw' },
    });
  const imapAs = async (user: string) => {
    const u = USERS.find((x) => x.user === user) as (typeof USERS)[number];
    const client = new ImapFlow({
      host: dovecot.host,
      port: dovecot.imapPort,
      secure: false,
      auth: { user: u.user, pass: u.password },
      logger: false,
    });
    await client.connect();
    return client;
  };
  /** the customer's mails (or another folder's), parsed */
  const mailsOf = async (user: string, folder = 'INBOX') => {
    const client = await imapAs(user);
    try {
      const lock = await client.getMailboxLock(folder);
      try {
        const out = [];
        for await (const m of client.fetch('1:*', { source: true, flags: true }))
          if (m.source) out.push({ parsed: await simpleParser(m.source), flags: m.flags ?? new Set<string>() });
        return out;
      } catch {
        return [];
      } finally {
        lock.release();
      }
    } finally {
      await client.logout();
    }
  };
  const conversations = async () => (await t.api<{ data: Conv[] }>('GET', '/api/v1/conversations?limit=200')).body.data;
  const messagesOf = async (id: string) =>
    (await t.api<{ data: Msg[] }>('GET', `/api/v1/conversations/${id}/messages?limit=200`)).body.data;
  const allInbound = async () => (await Promise.all((await conversations()).map((c) => messagesOf(c.id)))).flat();
  const config = (overrides: Record<string, unknown> = {}) => ({
    address: 'support@example.test',
    displayName: 'Example Support',
    imap: { host: '127.0.0.1', port: dovecot.imapPort, secure: false, user: 'support' },
    smtp: { host: '127.0.0.1', port: mta.port, secure: false, starttls: false, user: 'support' },
    imapPassword: 'support-pw',
    smtpPassword: 'support-pw',
    signature: 'Example Support team',
    pollSeconds: 5,
    ...overrides,
  });
  const startHub = async () => {
    // our own data dir: the hub's close() then keeps it for the restart
    t = await startTestServer({ dataDir });
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'switchboard-email-'));
    dovecot = await startDovecot(USERS);
    mta = await startMta(dovecot, USERS);
    await startHub();
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await mta?.stop();
    await dovecot?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('a wrong password turns the connection to ERROR with the server answer', async () => {
    const created = await t.api<Conn>('POST', '/api/v1/connections', {
      type: 'email',
      name: 'Wrong password',
      config: config({ imapPassword: 'not-the-password' }),
    });
    expect(created.status).toBe(201);
    expect(created.body.config.imapPassword).toBe('********');
    const started = await t.api<Conn>('POST', `/api/v1/connections/${created.body.id}/start`);
    expect(started.body.status).toBe('ERROR');
    expect(started.body.statusReason).toMatch(/IMAP login refused: .*(Authentication failed|AUTHENTICATIONFAILED)/i);
    expect(started.body.statusReason).not.toContain('not-the-password');
    await t.api('DELETE', `/api/v1/connections/${created.body.id}`);
  });

  it('starts: logs in to IMAP and SMTP', async () => {
    const created = await t.api<Conn>('POST', '/api/v1/connections', {
      type: 'email',
      name: 'Support mailbox',
      config: config(),
    });
    expect(created.status).toBe(201);
    conn = created.body;
    const started = await t.api<Conn>('POST', `/api/v1/connections/${conn.id}/start`);
    expect(started.body).toMatchObject({ status: 'RUNNING', statusReason: null });
  });

  let firstMessageId = '';
  let convId = '';
  it('a customer mail with HTML, an inline image, a PDF and a Latin-1 body arrives as one conversation; IDLE delivers it', async () => {
    const sentAt = Date.now();
    const info = await customerSmtp().sendMail({
      from: 'Ana Müller <Customer@Example.TEST>',
      to: 'support@example.test',
      subject: 'Order 42 is late',
      text: 'Hallo, wo bleibt meine Bestellung? Grüße',
      html:
        '<p>Hallo, wo bleibt meine <b>Bestellung</b>?</p><img src="cid:logo@example"><script>alert(1)</script>' +
        '<img src="http://127.0.0.1:9/pixel.gif" width="1"><a href="javascript:alert(2)" onclick="x()">x</a>',
      attachments: [
        { filename: 'logo.png', content: PNG, contentType: 'image/png', cid: 'logo@example' },
        { filename: 'invoice.pdf', content: PDF, contentType: 'application/pdf' },
      ],
    });
    firstMessageId = info.messageId;
    const conv = await eventually(
      async () => (await conversations()).find((c) => c.address === 'customer@example.test'),
      15_000,
      'the conversation',
    );
    convId = conv.id;
    expect(conv.threadKey).toBe(firstMessageId);
    const msgs = await eventually(
      async () => {
        const m = await messagesOf(conv.id);
        return m.length >= 3 ? m : undefined;
      },
      15_000,
      'text and two attachments',
    );
    // IDLE: far sooner than the 5 s poll would bring it (relative: the machine is loaded)
    expect(Date.now() - sentAt).toBeLessThan(5_000);
    const text = msgs.find((m) => m.content.type === 'text') as Msg;
    expect(text.providerMessageId).toBe(firstMessageId);
    expect(text.content).toMatchObject({ type: 'text', text: expect.stringContaining('Bestellung') });
    expect(text.metadata.subject).toBe('Order 42 is late');
    const html = String(text.metadata.html);
    expect(html).toContain('<b>Bestellung</b>');
    expect(html).toContain('cid:logo@example');
    expect(html).not.toMatch(/script|alert|onclick|javascript:/);
    // the tracking pixel is kept for "load images" only: no src that would fetch it
    expect(html).toContain('data-remote-src="http://127.0.0.1:9/pixel.gif"');
    expect(html).not.toMatch(/\ssrc="http/);
    const image = msgs.find((m) => m.content.type === 'image') as Msg & { content: { media: { url: string } } };
    const pdf = msgs.find((m) => m.content.type === 'document') as Msg & { content: { media: { url: string } } };
    expect(image.metadata.cid).toBe('logo@example');
    for (const [m, bytes] of [
      [image, PNG],
      [pdf, PDF],
    ] as const) {
      const ready = await eventually(
        async () => {
          const got = (await t.api<Msg>('GET', `/api/v1/messages/${m.id}`)).body as typeof m;
          return (got.content as { media: { state?: string } }).media.state === 'ready' ? got : undefined;
        },
        15_000,
        'attachment stored',
      );
      const res = await fetch(ready.content.media.url, { headers: { authorization: `Bearer ${t.token}` } });
      expect(Buffer.from(await res.arrayBuffer())).toEqual(bytes);
    }
    // a body in ISO-8859-1 (8bit), as older mail clients still write it
    const latin1 = await imapAs('support');
    await latin1.append(
      'INBOX',
      Buffer.concat([
        Buffer.from(
          'From: customer@example.test\r\nTo: support@example.test\r\nSubject: Umlaute\r\n' +
            `Message-ID: <latin1-1@example.test>\r\nDate: ${new Date().toUTCString()}\r\nMIME-Version: 1.0\r\n` +
            'Content-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: 8bit\r\n\r\n',
        ),
        Buffer.from('Viele Grüße aus Köln\r\n', 'latin1'),
      ]),
    );
    await latin1.logout();
    const umlaut = await eventually(
      async () => (await allInbound()).find((m) => m.providerMessageId === '<latin1-1@example.test>'),
      15_000,
      'the Latin-1 mail',
    );
    expect(umlaut.content).toEqual({ type: 'text', text: 'Viele Grüße aus Köln' });
    // afterImport "seen": the mail is marked read in the support mailbox
    await eventually(
      async () => (await mailsOf('support')).find((m) => m.parsed.messageId === firstMessageId)?.flags.has('\\Seen'),
      10_000,
      'the mail marked seen',
    );
  });

  let replyMessageId = '';
  it("the operator's reply reaches the customer with threading headers, a Sent copy, and the customer's answer joins the conversation", async () => {
    const res = await t.api<Msg>('POST', `/api/v1/conversations/${convId}/messages`, {
      content: { type: 'text', text: 'Your order ships **today**.' },
    });
    expect(res.status).toBe(202);
    const sent = await eventually(
      async () => {
        const m = (await t.api<Msg>('GET', `/api/v1/messages/${res.body.id}`)).body;
        return m.status === 'sent' || m.status === 'failed' ? m : undefined;
      },
      15_000,
      'the reply sent',
    );
    expect(sent.status).toBe('sent');
    replyMessageId = sent.providerMessageId ?? '';
    expect(replyMessageId).toMatch(/^<msg_.+@example\.test>$/);
    const got = await eventually(
      async () => (await mailsOf('customer')).find((m) => m.parsed.messageId === replyMessageId),
      15_000,
      'the reply in the customer mailbox',
    );
    expect(got.parsed.inReplyTo).toBe(firstMessageId);
    expect([got.parsed.references].flat()).toEqual([firstMessageId]);
    expect(got.parsed.subject).toBe('Re: Order 42 is late');
    expect(got.parsed.text).toContain('Your order ships **today**.');
    expect(got.parsed.text).toContain('Example Support team');
    expect(String(got.parsed.html)).toContain('<strong>today</strong>');
    const sentCopy = await mailsOf('support', 'Sent');
    expect(sentCopy.map((m) => m.parsed.messageId)).toContain(replyMessageId);

    const answer = await customerSmtp().sendMail({
      from: 'customer@example.test',
      to: 'support@example.test',
      subject: 'Re: Order 42 is late',
      text: 'Thanks!',
      inReplyTo: replyMessageId,
      references: [firstMessageId, replyMessageId],
    });
    await eventually(
      async () => (await messagesOf(convId)).find((m) => m.providerMessageId === answer.messageId),
      15_000,
      'the answer in the same conversation',
    );
    expect((await conversations()).filter((c) => c.threadKey === firstMessageId)).toHaveLength(1);
  });

  it('an auto-reply is stored and marked; a bounce marks our message failed with the DSN status', async () => {
    const auto = await customerSmtp().sendMail({
      from: 'customer@example.test',
      to: 'support@example.test',
      subject: 'Out of office',
      text: 'I am away.',
      headers: { 'Auto-Submitted': 'auto-replied' },
    });
    const autoMsg = await eventually(
      async () => (await allInbound()).find((m) => m.providerMessageId === auto.messageId),
      15_000,
      'the auto-reply',
    );
    expect(autoMsg.metadata.autoReply).toBe(true);

    const res = await t.api<Msg>('POST', `/api/v1/conversations/${convId}/messages`, {
      content: { type: 'text', text: 'One more thing' },
    });
    const out = await eventually(
      async () => {
        const m = (await t.api<Msg>('GET', `/api/v1/messages/${res.body.id}`)).body;
        return m.status === 'sent' ? m : undefined;
      },
      15_000,
      'sent',
    );
    const dsn = [
      'From: Mail Delivery System <MAILER-DAEMON@example.test>',
      'To: support@example.test',
      'Subject: Undelivered Mail Returned to Sender',
      'Message-ID: <dsn-1@example.test>',
      `Date: ${new Date().toUTCString()}`,
      'MIME-Version: 1.0',
      'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/plain',
      '',
      'Your message could not be delivered.',
      '--b1',
      'Content-Type: message/delivery-status',
      '',
      'Reporting-MTA: dns; mx.example.test',
      '',
      'Final-Recipient: rfc822; customer@example.test',
      'Action: failed',
      'Status: 5.1.1',
      'Diagnostic-Code: smtp; 550 5.1.1 mailbox unavailable',
      '--b1',
      'Content-Type: text/rfc822-headers',
      '',
      `Message-ID: ${out.providerMessageId}`,
      'Subject: Re: Order 42 is late',
      '--b1--',
      '',
    ].join('\r\n');
    const support = await imapAs('support');
    await support.append('INBOX', dsn);
    await support.logout();
    const failed = await eventually(
      async () => {
        const m = (await t.api<Msg>('GET', `/api/v1/messages/${res.body.id}`)).body;
        return m.status === 'failed' ? m : undefined;
      },
      15_000,
      'the bounced message failed',
    );
    expect(failed.statusDetail).toEqual({ code: '5.1.1', message: 'smtp; 550 5.1.1 mailbox unavailable' });
    expect((await allInbound()).find((m) => m.providerMessageId === '<dsn-1@example.test>')).toBeUndefined();
  });

  it('an SMTP 5xx fails the message with the server reply', async () => {
    mta.failNext({ code: 550, message: '5.1.1 <customer@example.test>: Recipient address rejected' });
    const res = await t.api<Msg>('POST', `/api/v1/conversations/${convId}/messages`, {
      content: { type: 'text', text: 'will bounce at SMTP' },
    });
    const failed = await eventually(
      async () => {
        const m = (await t.api<Msg>('GET', `/api/v1/messages/${res.body.id}`)).body;
        return m.status === 'failed' ? m : undefined;
      },
      15_000,
      'failed',
    );
    expect(failed.statusDetail?.message).toMatch(/550 5\.1\.1 .*Recipient address rejected/);
  });

  it('a restarted hub resumes from the cursor: mail that came while it was down arrives once, nothing doubles', async () => {
    const before = (await allInbound()).length;
    await t.close();
    const whileDown = await customerSmtp().sendMail({
      from: 'customer@example.test',
      to: 'support@example.test',
      subject: 'Another question',
      text: 'Sent while the hub was down',
    });
    await startHub();
    await eventually(
      async () =>
        (await t.api<Conn>('GET', `/api/v1/connections/${conn.id}`)).body.status === 'RUNNING' ||
        (await t.api<Conn>('POST', `/api/v1/connections/${conn.id}/start`)).body.status === 'RUNNING',
      15_000,
      'running again',
    );
    await eventually(
      async () => (await allInbound()).find((m) => m.providerMessageId === whileDown.messageId),
      15_000,
      'the mail sent while down',
    );
    await new Promise((r) => setTimeout(r, 1500));
    const all = await allInbound();
    const ids = all.filter((m) => m.direction === 'inbound').map((m) => m.providerMessageId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(all.length).toBe(before + 1);
  });

  it('a changed UIDVALIDITY resyncs without duplicates', async () => {
    const before = await allInbound();
    const probe = await imapAs('support');
    const validityBefore = (await probe.mailboxOpen('INBOX')).uidValidity;
    await probe.logout();
    await t.api('POST', `/api/v1/connections/${conn.id}/stop`);
    // Dovecot gives the mailbox a new UIDVALIDITY when its uid list is lost (an admin restoring a backup)
    const maildir = `${dovecot.dir}/mail/support`;
    for (const f of readdirSync(maildir)) if (f.startsWith('dovecot')) rmSync(join(maildir, f), { force: true });
    await new Promise((r) => setTimeout(r, 1100)); // UIDVALIDITY is a timestamp in seconds
    const support = await imapAs('support');
    const opened = await support.mailboxOpen('INBOX');
    await support.logout();
    expect(opened.uidValidity).not.toBe(validityBefore);
    await t.api('POST', `/api/v1/connections/${conn.id}/start`);
    const fresh = await customerSmtp().sendMail({
      from: 'customer@example.test',
      to: 'support@example.test',
      subject: 'After the restore',
      text: 'new one',
    });
    await eventually(
      async () => (await allInbound()).find((m) => m.providerMessageId === fresh.messageId),
      20_000,
      'mail after the UIDVALIDITY change',
    );
    await new Promise((r) => setTimeout(r, 1500));
    const after = await allInbound();
    expect(after.length).toBe(before.length + 1);
  });
  it('afterImport move:<folder> moves imported mail out of the mailbox; its attachments are still fetched', async () => {
    await t.api('POST', `/api/v1/connections/${conn.id}/stop`);
    const created = await t.api<Conn>('POST', '/api/v1/connections', {
      type: 'email',
      name: 'Archiving mailbox',
      config: config({ afterImport: 'move:Archive' }),
    });
    const started = await t.api<Conn>('POST', `/api/v1/connections/${created.body.id}/start`);
    expect(started.body.status).toBe('RUNNING');
    await customerSmtp().sendMail({
      from: 'customer@example.test',
      to: 'support@example.test',
      subject: 'With a file',
      text: 'see attached',
      attachments: [{ filename: 'notes.pdf', content: PDF, contentType: 'application/pdf' }],
    });
    await eventually(async () => (await mailsOf('support')).length === 0, 20_000, 'the inbox emptied');
    const archived = await mailsOf('support', 'Archive');
    expect(archived.map((m) => m.parsed.subject)).toContain('With a file');
    const doc = await eventually(
      async () => {
        const convs = (await conversations()).filter((c) => c.connectionId === created.body.id);
        const msgs = (await Promise.all(convs.map((c) => messagesOf(c.id)))).flat();
        return msgs.find(
          (m) =>
            m.content.type === 'document' &&
            (m.content as { media: { fileName?: string; state?: string } }).media.fileName === 'notes.pdf' &&
            (m.content as { media: { state?: string } }).media.state === 'ready',
        );
      },
      20_000,
      'the attachment fetched from the Archive folder',
    );
    const res = await fetch((doc.content as { media: { url: string } }).media.url);
    expect(Buffer.from(await res.arrayBuffer())).toEqual(PDF);
  });
});
