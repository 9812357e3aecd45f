/**
 * The email connector against the shared contract (a listen connector: no webhook signature to check) and its own
 * pure parts: parse of stored envelopes, threading keys, subject normalisation, HTML sanitising, SMTP error mapping.
 */
import { describe, expect, it } from 'vitest';
import type { ListenedUpdate } from '../../channel-kit/connector.js';
import { runConnectorContract } from '../../channel-kit/contract.js';
import { InboundEventSchema } from '../../model/index.js';
import { envelopeFromSource, sanitizeMailHtml } from './api.js';
import { emailConfigSchema, type EmailConfig } from './config.js';
import { bounceMail, firstMail, listened, replyMail } from './fixtures/mails.js';
import { emailConnector } from './index.js';
import { normalizeSubject } from './parse.js';
import { smtpError } from './send.js';

const config: EmailConfig = emailConfigSchema.parse({
  address: 'support@example.test',
  imap: { host: '127.0.0.1', port: 1143, secure: false, user: 'support' },
  smtp: { host: '127.0.0.1', port: 1025, secure: false, user: 'support' },
  imapPassword: 'imap-secret-1',
  smtpPassword: 'smtp-secret-1',
});

// fetchMedia reads attachments from the mailbox over IMAP, not over the HTTP the contract fakes: it runs against a
// real Dovecot in email.e2e.test.ts, so the contract sees the connector without it
runConnectorContract(
  { ...emailConnector, features: {} },
  {
    config,
    otherSecretConfig: { ...config, imapPassword: 'imap-secret-2', smtpPassword: 'smtp-secret-2' },
    // what the listener hands the hub for a mail: the stored envelope (api.ts), with its Message-ID and UID
    listen: {
      updates: [
        { name: 'a first mail with an attachment', update: update(firstMail), expect: 'events' },
        { name: 'a reply in a thread', update: update(replyMail), expect: 'events' },
        { name: 'a bounce of our message', update: update(bounceMail), expect: 'events' },
      ],
      unknownUpdate: update({ kind: 'something-else' }),
      fuzz: {
        config,
        documents: [firstMail, replyMail, bounceMail],
        headers: () => ({ 'message-id': '<fuzz@customer.example>', 'x-imap-uid': '1:1' }),
        headerNames: ['message-id', 'x-imap-uid'],
        ignoresReceivedAt: false,
        numRuns: 150,
      },
    },
    absentFeatures: {
      health:
        'only OAuth2 mailboxes have one (a refresh at the issuer), checked in email-oauth.e2e.test.ts against a real token endpoint',
      optOut: 'mail has its own unsubscribe (List-Unsubscribe), not keywords in a reply',
      fetchMedia: 'checked against a real IMAP server in email.e2e.test.ts (the contract fakes HTTP only)',
      typing: 'mail has no typing indicator',
      readReceipts: 'read receipts (MDN) are not requested: they leak reading habits and few clients send them',
      templates: 'mail has no provider-approved templates',
      senders: 'one connection is one address',
      visitors: 'customers write from their own mail accounts',
    },
  },
);

function update(envelope: unknown): ListenedUpdate {
  const messageId = (envelope as { messageId?: unknown }).messageId;
  return {
    body: Buffer.from(JSON.stringify(envelope)),
    headers: { ...(typeof messageId === 'string' ? { 'message-id': messageId } : {}), 'x-imap-uid': '7:42' },
  };
}

const parse = (e: unknown) => emailConnector.inbound.parse(listened(e), config);

describe('email parse', () => {
  it('turns a first mail into a text message and one message per attachment, threaded by its own Message-ID', () => {
    const out = parse(firstMail);
    expect(out.kind).toBe('events');
    if (out.kind !== 'events') return;
    for (const e of out.events) InboundEventSchema.parse(e);
    expect(out.events).toHaveLength(2);
    expect(out.events[0]).toMatchObject({
      kind: 'message',
      providerMessageId: '<first-1@customer.example>',
      threadKey: '<first-1@customer.example>',
      from: { address: 'ana@customer.example', name: 'Ana' },
      content: { type: 'text', text: 'Where is my order?' },
      metadata: { subject: 'Order 42 is late', cc: [{ address: 'boss@customer.example' }] },
    });
    expect(out.events[1]).toMatchObject({
      providerMessageId: '<first-1@customer.example>#0',
      content: {
        type: 'document',
        media: { providerMediaId: '<first-1@customer.example> 0', fileName: 'invoice.pdf' },
      },
    });
    expect(parse(firstMail)).toEqual(out);
  });

  it('threads a reply by the root of its References', () => {
    const out = parse(replyMail);
    expect(out.kind === 'events' && out.events[0]).toMatchObject({ threadKey: '<first-1@customer.example>' });
    const inReplyOnly = parse({ ...replyMail, references: [] });
    expect(inReplyOnly.kind === 'events' && inReplyOnly.events[0]).toMatchObject({
      threadKey: '<msg_01.abc@example.test>',
    });
  });

  it('names the mails a reply answers, nearest first, and its normalised subject for the hub to thread by', () => {
    const out = parse(replyMail);
    expect(out.kind === 'events' && out.events[0]).toMatchObject({
      threadRefs: ['<msg_01.abc@example.test>', '<first-1@customer.example>'],
      subject: 'Order 42 is late',
    });
    const first = parse(firstMail);
    expect(first.kind === 'events' && first.events[0] && 'threadRefs' in first.events[0]).toBe(false);
  });

  it('marks an auto-reply automated, so no agent or rule answers it', () => {
    const auto = parse({ ...firstMail, autoReply: true });
    expect(auto.kind === 'events' && auto.events[0]).toMatchObject({ automated: true, metadata: { autoReply: true } });
    const human = parse(firstMail);
    expect(human.kind === 'events' && human.events[0] && 'automated' in human.events[0]).toBe(false);
  });

  it('turns a bounce into a failed status of our message, never a conversation', () => {
    expect(parse(bounceMail)).toEqual({
      kind: 'events',
      events: [
        {
          kind: 'status',
          providerMessageId: '<msg_01.abc@example.test>',
          status: 'failed',
          detail: { code: '5.1.1', message: 'smtp; 550 5.1.1 unknown' },
          timestamp: firstMail.date,
        },
      ],
    });
  });

  it('ignores our own mail seen in the mailbox, and mail without a sender', () => {
    expect(parse({ ...firstMail, from: { address: 'Support@Example.test' } }).kind).toBe('ignored');
    const { from: _from, ...noFrom } = firstMail;
    expect(parse(noFrom).kind).toBe('ignored');
  });

  it('keys raw events by Message-ID', () => {
    expect(emailConnector.inbound.mode === 'listen' && emailConnector.inbound.eventKey?.(listened(firstMail))).toBe(
      '<first-1@customer.example>',
    );
  });
});

describe('email helpers', () => {
  it('normalises reply and forward prefixes in several languages', () => {
    expect(normalizeSubject('Re: AW: Fwd: Order 42')).toBe('Order 42');
    expect(normalizeSubject('Ответ: Заказ')).toBe('Заказ');
    expect(normalizeSubject('RE[2]: x')).toBe('x');
    expect(normalizeSubject('Regarding: x')).toBe('Regarding: x');
  });

  it('sanitises HTML: no scripts, handlers or remote images; inline cid images stay', () => {
    const clean = sanitizeMailHtml(
      '<p onclick="x()">Hi</p><script>alert(1)</script><img src="https://t.example/p.gif"><img src="cid:a@b">' +
        '<a href="javascript:alert(1)">x</a><style>body{}</style>',
    );
    expect(clean).toContain('<p>Hi</p>');
    expect(clean).toContain('src="cid:a@b"');
    expect(clean).not.toMatch(/script|onclick|javascript|style/);
    // the remote image keeps its address for "load images", without a src that would fetch it
    expect(clean).toContain('<img data-remote-src="https://t.example/p.gif" />');
    expect(clean).not.toMatch(/\ssrc="https?:/);
    const forged = sanitizeMailHtml(
      '<img data-remote-src="javascript:alert(1)"><img src="x"><img src="/api/v1/me"><a href="https://x.example">y</a>',
    );
    expect(forged).toBe(
      '<img /><img /><img /><a href="https://x.example" target="_blank" rel="noopener noreferrer">y</a>',
    );
  });

  it('maps SMTP replies: 535 AUTH, 5xx REJECTED with the reply, 4xx and dropped connections retryable', () => {
    expect(smtpError({ code: 'EAUTH', responseCode: 535, response: '535 5.7.8 bad' }).code).toBe('AUTH');
    const rejected = smtpError({ responseCode: 550, response: '550 5.1.1 no such user' });
    expect([rejected.code, rejected.message, rejected.retryable]).toEqual([
      'REJECTED',
      '550 5.1.1 no such user',
      false,
    ]);
    expect(smtpError({ responseCode: 451, response: '451 try later' })).toMatchObject({
      code: 'UNAVAILABLE',
      retryable: true,
    });
    expect(smtpError({ code: 'ECONNECTION' })).toMatchObject({ code: 'UNAVAILABLE', retryable: true });
  });
});

describe('email envelopes from RFC 5322 source', () => {
  const where = { mailbox: 'INBOX', uidValidity: '1', uid: 1 };
  const mail = (headers: string, body: string) =>
    Buffer.from(
      `From: Ana <ana@customer.example>\r\nTo: support@example.test\r\nSubject: Re: Order 42\r\n` +
        `Message-ID: <r-1@customer.example>\r\nDate: Mon, 07 Dec 2026 10:00:00 +0000\r\n${headers}` +
        `MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${body}`,
    );

  it('keeps the quoted history of a reply in the text and its new part apart', async () => {
    const env = await envelopeFromSource(
      mail(
        '',
        'Thanks, that works!\r\n\r\nOn Mon, 7 Dec 2026 at 09:00, Example Support <support@example.test> wrote:\r\n' +
          '> Your order ships today.\r\n> \r\n',
      ),
      where,
    );
    expect(env.text).toContain('> Your order ships today.');
    expect(env.replyText).toBe('Thanks, that works!');
    const plain = await envelopeFromSource(mail('', 'Just a question\r\non two lines\r\n'), where);
    expect(plain.replyText).toBeUndefined();
  });

  it('recognises auto-replies by Auto-Submitted, Precedence and X-Autoreply (RFC 3834), not Auto-Submitted: no', async () => {
    const auto = async (h: string) => (await envelopeFromSource(mail(h, 'away'), where)).autoReply;
    expect(await auto('Auto-Submitted: auto-replied\r\n')).toBe(true);
    expect(await auto('Auto-Submitted: auto-generated\r\n')).toBe(true);
    expect(await auto('Precedence: bulk\r\n')).toBe(true);
    expect(await auto('Precedence: list\r\n')).toBe(true);
    expect(await auto('X-Autoreply: yes\r\n')).toBe(true);
    expect(await auto('Auto-Submitted: no\r\n')).toBe(false);
    expect(await auto('')).toBe(false);
  });
});

describe('email health (OAuth2)', () => {
  const oauthConfig: EmailConfig = emailConfigSchema.parse({
    address: 'support@example.test',
    imap: { host: '127.0.0.1', port: 1143, secure: false, user: 'support' },
    smtp: { host: '127.0.0.1', port: 1025, secure: false, user: 'support' },
    auth: { type: 'oauth2', clientId: 'switchboard', tokenUrl: 'https://oauth2.example.test/token' },
    oauthRefreshToken: 'rt-secret-1',
  });
  const ctx = (answer: { status: number; body: unknown }) => ({
    connectionId: `conn_mail_${Math.random()}`,
    config: oauthConfig,
    webhookUrl: '',
    http: () => Promise.resolve(new Response(JSON.stringify(answer.body), { status: answer.status })),
    log: { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined },
    signal: new AbortController().signal,
  });
  const ask = () => ({ now: new Date(), expiryWarningDays: [14, 3] });

  it("warns ahead of a grant's end the issuer names (refresh_token_expires_in), and fails a refused refresh", async () => {
    const health = emailConnector.features.health;
    if (!health) throw new Error('no health feature');
    const good = await health(
      ctx({
        status: 200,
        body: { access_token: 'at-1', expires_in: 3599, refresh_token_expires_in: 5 * 86_400 },
      }) as never,
      ask(),
    );
    expect(good.find((c) => c.name === 'oauth')).toMatchObject({ state: 'healthy' });
    expect(good.find((c) => c.name === 'refresh_token')).toMatchObject({ state: 'warning', stage: '14d' });
    const refused = await health(
      ctx({
        status: 400,
        body: { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' },
      }) as never,
      ask(),
    );
    expect(refused).toEqual([
      expect.objectContaining({
        name: 'oauth',
        state: 'failing',
        detail: expect.stringContaining('reconnect the account'),
      }),
    ]);
    expect(JSON.stringify(refused)).not.toContain('rt-secret-1');
    expect(await health({ ...ctx({ status: 500, body: {} }), config }, ask())).toEqual([]);
  });
});
