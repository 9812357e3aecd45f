/**
 * Email over implicit TLS (IMAPS and SMTPS) with a self-signed certificate made for the test: trusted through the
 * connection's `tlsCa`, refused without it — certificate checks are never switched off.
 */
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selfSignedCert, startDovecot, startMta, type Dovecot, type Mta } from '../../testing/dovecot.js';
import { eventually, startTestServer, type TestServer } from '../../testing/test-server.js';

interface Conn {
  id: string;
  status: string;
  statusReason: string | null;
}

const USERS = [
  { user: 'support', password: 'support-pw' },
  { user: 'customer', password: 'customer-pw' },
];

describe('email over TLS', () => {
  let tls: { cert: string; key: string };
  let dovecot: Dovecot;
  let mta: Mta;
  let t: TestServer;
  const config = (tlsCa?: string) => ({
    address: 'support@example.test',
    imap: { host: '127.0.0.1', port: dovecot.imapsPort, secure: true, user: 'support' },
    smtp: { host: '127.0.0.1', port: mta.port, secure: true, user: 'support' },
    imapPassword: 'support-pw',
    smtpPassword: 'support-pw',
    pollSeconds: 5,
    ...(tlsCa ? { tlsCa } : {}),
  });

  beforeAll(async () => {
    tls = selfSignedCert();
    dovecot = await startDovecot(USERS, { tls });
    mta = await startMta(dovecot, USERS, undefined, tls);
    t = await startTestServer();
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await mta?.stop();
    await dovecot?.stop();
  });

  it('refuses a certificate it was not told to trust', async () => {
    const created = await t.api<Conn>('POST', '/api/v1/connections', {
      type: 'email',
      name: 'untrusted',
      config: config(),
    });
    const started = await t.api<Conn>('POST', `/api/v1/connections/${created.body.id}/start`);
    expect(started.body.status).toBe('ERROR');
    expect(started.body.statusReason).toMatch(/IMAP connection failed/);
    await t.api('DELETE', `/api/v1/connections/${created.body.id}`);
  });

  it('with the CA given, reads over IMAPS and answers over SMTPS', async () => {
    const created = await t.api<Conn>('POST', '/api/v1/connections', {
      type: 'email',
      name: 'tls',
      config: config(tls.cert),
    });
    const started = await t.api<Conn>('POST', `/api/v1/connections/${created.body.id}/start`);
    expect(started.body).toMatchObject({ status: 'RUNNING', statusReason: null });
    const mail = await nodemailer
      .createTransport({
        host: '127.0.0.1',
        port: mta.port,
        secure: true,
        tls: { ca: tls.cert },
        auth: { user: 'customer', pass: 'customer-pw' },
      })
      .sendMail({ from: 'customer@example.test', to: 'support@example.test', subject: 'TLS', text: 'over TLS' });
    const conv = await eventually(
      async () =>
        (
          await t.api<{ data: Array<{ id: string; threadKey: string | null }> }>('GET', '/api/v1/conversations')
        ).body.data.find((c) => c.threadKey === mail.messageId),
      15_000,
      'the conversation',
    );
    const res = await t.api<{ id: string }>('POST', `/api/v1/conversations/${conv.id}/messages`, {
      content: { type: 'text', text: 'answered over SMTPS' },
    });
    const sent = await eventually(
      async () => {
        const m = (await t.api<{ status: string }>('GET', `/api/v1/messages/${res.body.id}`)).body;
        return m.status === 'sent' || m.status === 'failed' ? m : undefined;
      },
      15_000,
      'sent',
    );
    expect(sent.status).toBe('sent');
  });
});
