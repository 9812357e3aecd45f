/**
 * OAuth2 for email end to end: a local OAuth2 token endpoint (refresh_token grant, RFC 6749 §6, and token
 * introspection, RFC 7662), Dovecot's oauth2 passdb pointed at it for XOAUTH2 logins over IMAP, and the SMTP MTA
 * checking XOAUTH2 tokens against the same issuer. A revoked refresh token (invalid_grant) turns the connection to ERROR.
 */
import { createServer, type Server } from 'node:http';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDovecot, startMta, type Dovecot, type Mta } from '../../testing/dovecot.js';
import { freePort } from '../../testing/server-process.js';
import { eventually, startTestServer, type TestServer } from '../../testing/test-server.js';

interface Conn {
  id: string;
  status: string;
  statusReason: string | null;
  config: Record<string, unknown>;
}
interface Msg {
  id: string;
  status: string;
  providerMessageId: string | null;
}

const USERS = [
  { user: 'support', password: 'only-for-the-test-setup' },
  { user: 'customer', password: 'customer-pw' },
];

describe('email over OAuth2 (XOAUTH2 against Dovecot oauth2 passdb)', () => {
  let tokenServer: Server;
  let tokenUrl = '';
  const issuer = {
    refreshToken: 'rt-support-1',
    revoked: false,
    refreshes: 0,
    introspections: 0,
    issued: new Set<string>(),
  };
  let dovecot: Dovecot;
  let mta: Mta;
  let t: TestServer;
  let conn: Conn;

  beforeAll(async () => {
    const port = await freePort();
    tokenServer = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const form = new URLSearchParams(Buffer.concat(chunks).toString());
        res.setHeader('content-type', 'application/json');
        if (req.url === '/token') {
          if (
            form.get('grant_type') !== 'refresh_token' ||
            form.get('refresh_token') !== issuer.refreshToken ||
            issuer.revoked ||
            form.get('client_id') !== 'switchboard' ||
            form.get('client_secret') !== 'client-secret-1'
          ) {
            res.statusCode = 400;
            res.end(
              JSON.stringify({ error: 'invalid_grant', error_description: 'Token has been expired or revoked.' }),
            );
            return;
          }
          issuer.refreshes++;
          const token = `at-${issuer.refreshes}-${Math.random().toString(36).slice(2)}`;
          issuer.issued.add(token);
          // 61 s: within the connector's 60 s margin after a second, so the next use refreshes
          res.end(JSON.stringify({ access_token: token, token_type: 'Bearer', expires_in: 61 }));
          return;
        }
        if (req.url === '/introspect') {
          issuer.introspections++;
          const token = form.get('token') ?? '';
          res.end(JSON.stringify(issuer.issued.has(token) ? { active: true, username: 'support' } : { active: false }));
          return;
        }
        res.statusCode = 404;
        res.end('{}');
      });
    });
    await new Promise<void>((r) => tokenServer.listen(port, '127.0.0.1', () => r()));
    tokenUrl = `http://127.0.0.1:${port}/token`;
    dovecot = await startDovecot(USERS, { oauth2IntrospectionUrl: `http://127.0.0.1:${port}/introspect` });
    mta = await startMta(dovecot, USERS, (token) => (issuer.issued.has(token) ? 'support' : undefined));
    t = await startTestServer();
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await mta?.stop();
    await dovecot?.stop();
    await new Promise((r) => tokenServer?.close(r));
  });

  it('starts with a refreshed access token over XOAUTH2, receives and sends mail', async () => {
    const created = await t.api<Conn>('POST', '/api/v1/connections', {
      type: 'email',
      name: 'OAuth mailbox',
      config: {
        address: 'support@example.test',
        imap: { host: '127.0.0.1', port: dovecot.imapPort, secure: false, user: 'support' },
        smtp: { host: '127.0.0.1', port: mta.port, secure: false, user: 'support' },
        auth: { type: 'oauth2', clientId: 'switchboard', tokenUrl },
        // the token endpoint is on 127.0.0.1: its origin is trusted for this connection
        apiBaseUrl: new URL(tokenUrl).origin,
        oauthClientSecret: 'client-secret-1',
        oauthRefreshToken: issuer.refreshToken,
        pollSeconds: 5,
      },
    });
    expect(created.status).toBe(201);
    expect(created.body.config.oauthRefreshToken).toBe('********');
    conn = created.body;
    const started = await t.api<Conn>('POST', `/api/v1/connections/${conn.id}/start`);
    expect(started.body).toMatchObject({ status: 'RUNNING', statusReason: null });
    expect(issuer.refreshes).toBeGreaterThanOrEqual(1);
    // Dovecot asked the issuer about the token: the IMAP login really was XOAUTH2
    expect(issuer.introspections).toBeGreaterThanOrEqual(1);

    const mail = await nodemailer
      .createTransport({
        host: '127.0.0.1',
        port: mta.port,
        secure: false,
        ignoreTLS: true,
        auth: { user: 'customer', pass: 'customer-pw' },
      })
      .sendMail({ from: 'customer@example.test', to: 'support@example.test', subject: 'Hi', text: 'over oauth' });
    const conv = await eventually(
      async () =>
        (
          await t.api<{ data: Array<{ id: string; threadKey: string | null }> }>('GET', '/api/v1/conversations')
        ).body.data.find((c) => c.threadKey === mail.messageId),
      15_000,
      'the conversation',
    );
    const refreshesBefore = issuer.refreshes;
    await new Promise((r) => setTimeout(r, 1200)); // the token is now inside the refresh margin
    const res = await t.api<Msg>('POST', `/api/v1/conversations/${conv.id}/messages`, {
      content: { type: 'text', text: 'answered over XOAUTH2' },
    });
    const sent = await eventually(
      async () => {
        const m = (await t.api<Msg>('GET', `/api/v1/messages/${res.body.id}`)).body;
        return m.status === 'sent' || m.status === 'failed' ? m : undefined;
      },
      15_000,
      'sent',
    );
    expect(sent.status).toBe('sent');
    expect(issuer.refreshes).toBeGreaterThan(refreshesBefore);
    expect(mta.accepted.some((a) => a.from === 'support@example.test')).toBe(true);
  });

  it('health refreshes at the issuer: a revoked grant is failing (reconnect the account) while the mailbox still runs', async () => {
    const check = async () =>
      (
        await t.api<{ state: string; checks: Array<{ name: string; state: string; detail: string }> }>(
          'POST',
          `/api/v1/connections/${conn.id}/health`,
        )
      ).body;
    const before = issuer.refreshes;
    let health = await check();
    expect(health.checks.find((c) => c.name === 'oauth')).toMatchObject({ state: 'healthy' });
    expect(issuer.refreshes).toBe(before + 1);
    issuer.revoked = true;
    health = await check();
    expect(health.state).toBe('failing');
    const oauth = health.checks.find((c) => c.name === 'oauth');
    expect(oauth?.state).toBe('failing');
    expect(oauth?.detail).toMatch(/refused to refresh.*invalid_grant.*reconnect the account/);
    expect(oauth?.detail).not.toContain(issuer.refreshToken);
    expect((await t.api<Conn>('GET', `/api/v1/connections/${conn.id}`)).body.status).toBe('RUNNING');
    issuer.revoked = false;
    expect((await check()).checks.find((c) => c.name === 'oauth')).toMatchObject({ state: 'healthy' });
  });

  it('a revoked refresh token (invalid_grant) turns the connection to ERROR: reconnect the account', async () => {
    await t.api('POST', `/api/v1/connections/${conn.id}/stop`);
    issuer.revoked = true;
    const started = await t.api<Conn>('POST', `/api/v1/connections/${conn.id}/start`);
    expect(started.body.status).toBe('ERROR');
    expect(started.body.statusReason).toMatch(/invalid_grant.*reconnect the account/);
    expect(started.body.statusReason).not.toContain(issuer.refreshToken);
  });
});
