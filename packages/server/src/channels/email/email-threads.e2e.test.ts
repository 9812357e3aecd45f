/**
 * Mail threads end to end, against a real Dovecot and an smtp-server MTA (testing/dovecot.ts) and a real hub: replies
 * that lost their References (threaded by In-Reply-To, then by subject, never across senders), a thread we start with
 * a subject and cc, the guard against answering robots (RFC 3834) and our own automatic answers marked
 * Auto-Submitted, and two mailboxes running side by side as two connections.
 */
import { ImapFlow } from 'imapflow';
import { simpleParser, type ParsedMail } from 'mailparser';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Content } from '../../model/index.js';
import { startDovecot, startMta, type Dovecot, type Mta } from '../../testing/dovecot.js';
import { eventually, startTestServer, type TestServer } from '../../testing/test-server.js';

interface Conv {
  id: string;
  connectionId: string;
  address: string;
  threadKey: string | null;
  subject: string | null;
}
interface Msg {
  id: string;
  conversationId: string;
  direction: string;
  status: string;
  content: Content;
  providerMessageId: string | null;
  metadata: Record<string, unknown>;
}
interface Conn {
  id: string;
  status: string;
}

const USERS = [
  { user: 'support', password: 'support-pw' },
  { user: 'sales', password: 'sales-pw' },
  { user: 'customer', password: 'customer-pw' },
  { user: 'colleague', password: 'colleague-pw' },
  { user: 'other', password: 'other-pw' },
];

describe('email threads, subjects, cc and robots (Dovecot + SMTP)', () => {
  let dovecot: Dovecot;
  let mta: Mta;
  let t: TestServer;
  let support: Conn;

  const smtpAs = (user: string) =>
    nodemailer.createTransport({
      host: '127.0.0.1',
      port: mta.port,
      secure: false,
      ignoreTLS: true,
      auth: { user, pass: `${user}-pw` },
    });
  const imapAs = async (user: string) => {
    const client = new ImapFlow({
      host: dovecot.host,
      port: dovecot.imapPort,
      secure: false,
      auth: { user, pass: `${user}-pw` },
      logger: false,
    });
    await client.connect();
    return client;
  };
  const mailsOf = async (user: string): Promise<ParsedMail[]> => {
    const client = await imapAs(user);
    try {
      const lock = await client.getMailboxLock('INBOX');
      try {
        const out: ParsedMail[] = [];
        if (!client.mailbox || client.mailbox.exists === 0) return out;
        for await (const m of client.fetch('1:*', { source: true }))
          if (m.source) out.push(await simpleParser(m.source));
        return out;
      } finally {
        lock.release();
      }
    } finally {
      await client.logout();
    }
  };
  /** a mail put straight into a mailbox, with exactly the headers given (no client adds References) */
  const deliverRaw = async (user: string, headers: Record<string, string>, body: string) => {
    const client = await imapAs(user);
    const lines = Object.entries({
      Date: new Date().toUTCString(),
      'MIME-Version': '1.0',
      'Content-Type': 'text/plain; charset=utf-8',
      ...headers,
    }).map(([k, v]) => `${k}: ${v}`);
    await client.append('INBOX', `${lines.join('\r\n')}\r\n\r\n${body}\r\n`);
    await client.logout();
  };
  const conversations = async () => (await t.api<{ data: Conv[] }>('GET', '/api/v1/conversations?limit=200')).body.data;
  const messagesOf = async (id: string) =>
    (await t.api<{ data: Msg[] }>('GET', `/api/v1/conversations/${id}/messages?limit=200`)).body.data;
  const message = async (id: string) => (await t.api<Msg>('GET', `/api/v1/messages/${id}`)).body;
  const inboundWithId = (messageId: string) =>
    eventually(
      async () => {
        for (const c of await conversations()) {
          const m = (await messagesOf(c.id)).find((x) => x.providerMessageId === messageId);
          if (m) return m;
        }
        return undefined;
      },
      15_000,
      `the mail ${messageId}`,
    );
  const sent = (id: string) =>
    eventually(
      async () => {
        const m = await message(id);
        return m.status === 'sent' || m.status === 'failed' ? m : undefined;
      },
      15_000,
      'the message sent',
    );
  const mailIn = (user: string, messageId: string) =>
    eventually(
      async () => (await mailsOf(user)).find((m) => m.messageId === messageId),
      15_000,
      `${messageId} in ${user}'s mailbox`,
    );
  const config = (user: string) => ({
    address: `${user}@example.test`,
    displayName: `Example ${user}`,
    imap: { host: '127.0.0.1', port: dovecot.imapPort, secure: false, user },
    smtp: { host: '127.0.0.1', port: mta.port, secure: false, starttls: false, user },
    imapPassword: `${user}-pw`,
    smtpPassword: `${user}-pw`,
    pollSeconds: 5,
  });
  const connect = async (user: string) => {
    const created = await t.api<Conn>('POST', '/api/v1/connections', {
      type: 'email',
      name: `${user} mailbox`,
      config: config(user),
    });
    expect(created.status).toBe(201);
    const started = await t.api<Conn>('POST', `/api/v1/connections/${created.body.id}/start`);
    expect(started.body.status).toBe('RUNNING');
    return started.body;
  };

  beforeAll(async () => {
    dovecot = await startDovecot(USERS);
    mta = await startMta(dovecot, USERS);
    t = await startTestServer();
    support = await connect('support');
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await mta?.stop();
    await dovecot?.stop();
  });

  it('a reply that lost References joins by In-Reply-To, one that lost every header by subject; never across senders', async () => {
    const first = await smtpAs('customer').sendMail({
      from: 'customer@example.test',
      to: 'support@example.test',
      subject: 'Printer broken',
      text: 'It prints nothing.',
    });
    const firstMsg = await inboundWithId(first.messageId);
    const conv = (await conversations()).find((c) => c.id === firstMsg.conversationId) as Conv;
    expect(conv.subject).toBe('Printer broken');

    const reply = await t.api<Msg>('POST', `/api/v1/conversations/${conv.id}/messages`, {
      content: { type: 'text', text: 'Is it plugged in?' },
    });
    const ours = await sent(reply.body.id);
    expect(ours.status).toBe('sent');
    await mailIn('customer', ours.providerMessageId as string);

    // a client that keeps only In-Reply-To, naming our reply (not the thread's root)
    await deliverRaw(
      'support',
      {
        From: 'customer@example.test',
        To: 'support@example.test',
        Subject: 'Re: Printer broken',
        'Message-ID': '<irt-only@example.test>',
        'In-Reply-To': ours.providerMessageId as string,
      },
      'Yes it is.',
    );
    expect((await inboundWithId('<irt-only@example.test>')).conversationId).toBe(conv.id);
    // a client that keeps no threading header at all: the subject with the same sender, "AW:" stripped
    await deliverRaw(
      'support',
      {
        From: 'customer@example.test',
        To: 'support@example.test',
        Subject: 'AW: Printer broken',
        'Message-ID': '<no-headers@example.test>',
      },
      'Still nothing.',
    );
    expect((await inboundWithId('<no-headers@example.test>')).conversationId).toBe(conv.id);
    // someone else with the same subject, even naming our mail: their own conversation
    await deliverRaw(
      'support',
      {
        From: 'other@example.test',
        To: 'support@example.test',
        Subject: 'Re: Printer broken',
        'Message-ID': '<other-sender@example.test>',
        'In-Reply-To': ours.providerMessageId as string,
      },
      'Mine too!',
    );
    const other = await inboundWithId('<other-sender@example.test>');
    expect(other.conversationId).not.toBe(conv.id);
    const otherConv = (await conversations()).find((c) => c.id === other.conversationId) as Conv;
    expect(otherConv).toMatchObject({ address: 'other@example.test', subject: 'Printer broken' });
    // a new subject from the first sender: a new conversation
    await deliverRaw(
      'support',
      {
        From: 'customer@example.test',
        To: 'support@example.test',
        Subject: 'Scanner question',
        'Message-ID': '<new-subject@example.test>',
      },
      'Different topic.',
    );
    expect((await inboundWithId('<new-subject@example.test>')).conversationId).not.toBe(conv.id);
  });

  it('POST /api/v1/messages starts a thread with a subject and cc; the answer joins it; the next reply threads', async () => {
    const start = await t.api<Msg>('POST', '/api/v1/messages', {
      connectionId: support.id,
      to: 'customer@Example.TEST',
      subject: 'Your invoice 7',
      cc: ['colleague@example.test'],
      content: { type: 'text', text: 'Please find your invoice details below.' },
    });
    expect(start.status, JSON.stringify(start.body)).toBe(202);
    const out = await sent(start.body.id);
    expect(out.status).toBe('sent');
    expect(out.metadata).toMatchObject({ subject: 'Your invoice 7', cc: [{ address: 'colleague@example.test' }] });
    const ourId = out.providerMessageId as string;
    const got = await mailIn('customer', ourId);
    expect(got.subject).toBe('Your invoice 7');
    expect(got.cc && !Array.isArray(got.cc) ? got.cc.value.map((a) => a.address) : []).toEqual([
      'colleague@example.test',
    ]);
    expect(got.inReplyTo).toBeUndefined();
    expect(got.headers.get('auto-submitted')).toBeUndefined();
    await mailIn('colleague', ourId);
    const conv = await eventually(
      async () => (await conversations()).find((c) => c.id === out.conversationId && c.threadKey === ourId),
      10_000,
      'the conversation keyed by our Message-ID',
    );
    expect(conv.subject).toBe('Your invoice 7');

    const answer = await smtpAs('customer').sendMail({
      from: 'customer@example.test',
      to: 'support@example.test',
      subject: 'Re: Your invoice 7',
      text: 'Thanks, paid.',
      inReplyTo: ourId,
      references: [ourId],
    });
    expect((await inboundWithId(answer.messageId)).conversationId).toBe(conv.id);

    const next = await t.api<Msg>('POST', `/api/v1/conversations/${conv.id}/messages`, {
      content: { type: 'text', text: 'Received, thank you.' },
      cc: ['colleague@example.test'],
    });
    expect(next.status).toBe(202);
    const nextOut = await sent(next.body.id);
    expect(nextOut.status, JSON.stringify(nextOut)).toBe('sent');
    const nextMail = await mailIn('customer', nextOut.providerMessageId as string);
    expect(nextMail.subject).toBe('Re: Your invoice 7');
    expect(nextMail.inReplyTo).toBe(answer.messageId);
    expect([nextMail.references].flat()).toEqual([ourId, answer.messageId]);
    await mailIn('colleague', nextOut.providerMessageId as string);
  });

  it("a rule's automatic answer is marked Auto-Submitted; an auto-reply is stored, marked, and never answered", async () => {
    const rule = await t.api('POST', '/api/v1/routing-rules', {
      connectionId: support.id,
      name: 'Urgent mail',
      conditions: { keywords: ['urgent'] },
      actions: [{ type: 'reply', text: 'We got your urgent mail and answer within the hour.' }],
    });
    expect(rule.status, JSON.stringify(rule.body)).toBe(201);

    const human = await smtpAs('customer').sendMail({
      from: 'customer@example.test',
      to: 'support@example.test',
      subject: 'Help',
      text: 'This is urgent, please call me.',
    });
    const humanMsg = await inboundWithId(human.messageId);
    const answered = await eventually(
      async () =>
        (await messagesOf(humanMsg.conversationId)).find((m) => m.direction === 'outbound' && m.status === 'sent'),
      15_000,
      "the rule's answer",
    );
    const answerMail = await mailIn('customer', answered.providerMessageId as string);
    expect(answerMail.headers.get('auto-submitted')).toBe('auto-replied');
    expect(answerMail.inReplyTo).toBe(human.messageId);

    // an out-of-office answering that: it matches the rule too, but a robot is never answered by a robot
    const before = (await mailsOf('customer')).length;
    const away = await smtpAs('customer').sendMail({
      from: 'customer@example.test',
      to: 'support@example.test',
      subject: 'Automatic reply: urgent matters',
      text: 'I am out of the office; for urgent matters call the desk.',
      headers: { 'Auto-Submitted': 'auto-replied', 'X-Autoreply': 'yes' },
    });
    const awayMsg = await inboundWithId(away.messageId);
    expect(awayMsg.metadata).toMatchObject({ autoReply: true, automated: true });
    // routing has run on it (the conversation is decided) and still nothing answered
    await eventually(
      async () => {
        const c = await t.api<{ handler: string | null }>('GET', `/api/v1/conversations/${awayMsg.conversationId}`);
        return c.body.handler !== null;
      },
      10_000,
      'the auto-reply routed',
    );
    await new Promise((r) => setTimeout(r, 1500));
    expect((await messagesOf(awayMsg.conversationId)).filter((m) => m.direction === 'outbound')).toEqual([]);
    expect((await mailsOf('customer')).length).toBe(before);
  });

  it('two mailboxes run side by side as two connections, each with its own mail and lifecycle', async () => {
    const sales = await connect('sales');
    const toSales = await smtpAs('customer').sendMail({
      from: 'customer@example.test',
      to: 'sales@example.test',
      subject: 'A quote please',
      text: 'For 10 printers.',
    });
    const toSupport = await smtpAs('customer').sendMail({
      from: 'customer@example.test',
      to: 'support@example.test',
      subject: 'Toner',
      text: 'Which toner fits?',
    });
    const salesMsg = await inboundWithId(toSales.messageId);
    const supportMsg = await inboundWithId(toSupport.messageId);
    const convs = await conversations();
    expect(convs.find((c) => c.id === salesMsg.conversationId)?.connectionId).toBe(sales.id);
    expect(convs.find((c) => c.id === supportMsg.conversationId)?.connectionId).toBe(support.id);

    // stopping one leaves the other reading its mailbox
    expect((await t.api<Conn>('POST', `/api/v1/connections/${sales.id}/stop`)).body.status).toBe('STOPPED');
    const later = await smtpAs('customer').sendMail({
      from: 'customer@example.test',
      to: 'support@example.test',
      subject: 'Toner again',
      text: 'Any news?',
    });
    await inboundWithId(later.messageId);
    expect((await t.api<Conn>('GET', `/api/v1/connections/${support.id}`)).body.status).toBe('RUNNING');
  });

  it("Test connection reports each server's answer and leaves the status alone", async () => {
    const ok = await t.api<{ checks: Array<{ name: string; ok: boolean; answer: string }> }>(
      'POST',
      `/api/v1/connections/${support.id}/check`,
    );
    expect(ok.status).toBe(200);
    expect(ok.body.checks).toEqual([
      { name: 'IMAP', ok: true, answer: expect.stringMatching(/^logged in as support; INBOX has \d+ messages$/) },
      { name: 'SMTP', ok: true, answer: `logged in as support at 127.0.0.1:${mta.port}` },
    ]);
    const types = await t.api<{ data: Array<{ type: string; canCheck: boolean }> }>('GET', '/api/v1/connection-types');
    expect(types.body.data.find((c) => c.type === 'email')?.canCheck).toBe(true);
    expect(types.body.data.find((c) => c.type === 'webchat')?.canCheck).toBe(false);

    const wrong = await t.api<Conn>('POST', '/api/v1/connections', {
      type: 'email',
      name: 'Wrong SMTP password',
      config: { ...config('support'), smtpPassword: 'not-the-password' },
    });
    const bad = await t.api<{ checks: Array<{ name: string; ok: boolean; answer: string }> }>(
      'POST',
      `/api/v1/connections/${wrong.body.id}/check`,
    );
    expect(bad.body.checks[0]).toMatchObject({ name: 'IMAP', ok: true });
    expect(bad.body.checks[1]).toMatchObject({ name: 'SMTP', ok: false });
    expect(bad.body.checks[1]?.answer).toMatch(/^SMTP login refused: 535/);
    expect(JSON.stringify(bad.body)).not.toContain('not-the-password');
    expect((await t.api<Conn>('GET', `/api/v1/connections/${wrong.body.id}`)).body.status).toBe('STOPPED');
    await t.api('DELETE', `/api/v1/connections/${wrong.body.id}`);
  });
});
