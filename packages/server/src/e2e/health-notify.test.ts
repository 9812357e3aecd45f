/**
 * A connection's health mailed to the workspace's owners and admins, end to end: a real hub, a real Dovecot and
 * SMTP server (testing/dovecot.ts) behind the email connection named as the workspace's notification channel, and
 * the Twilio simulator behind the connection whose health changes. The owner and the admin each get one mail when
 * the number's SmsUrl is taken over (an operator none); the connection flapping back and forth within the interval
 * mails nothing more; once the interval has passed, the state it settled in ("healthy again") goes out. A channel
 * that is not an email connection is refused, and nothing changes.
 */
import { ImapFlow } from 'imapflow';
import { simpleParser, type ParsedMail } from 'mailparser';
import { startTwilioSimulator, type TwilioSimulator } from '@switchboard/simulators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDovecot, startMta, type Dovecot, type Mta } from '../testing/dovecot.js';
import { eventually, startTestServer, testClock, type TestServer } from '../testing/test-server.js';

interface Conn {
  id: string;
  status: string;
  statusReason: string | null;
  webhookUrl: string;
}
interface Health {
  state: string;
  checks: Array<{ name: string; state: string; detail: string }>;
}
interface Workspace {
  notificationConnectionId: string | null;
}

const USERS = [
  { user: 'support', password: 'support-pw' },
  { user: 'owner', password: 'owner-pw' },
  { user: 'ada', password: 'ada-pw' },
  { user: 'op', password: 'op-pw' },
];
const NUMBER = '+15005550006';
const MINUTE = 60_000;

describe('health e-mailed to the admins through the notification channel', () => {
  let dovecot: Dovecot;
  let mta: Mta;
  let twilio: TwilioSimulator;
  let t: TestServer;
  const clock = testClock();
  let email: Conn;
  let sms: Conn;

  const mailsOf = async (user: string): Promise<ParsedMail[]> => {
    const u = USERS.find((x) => x.user === user) as (typeof USERS)[number];
    const client = new ImapFlow({
      host: dovecot.host,
      port: dovecot.imapPort,
      secure: false,
      auth: { user: u.user, pass: u.password },
      logger: false,
    });
    await client.connect();
    try {
      const lock = await client.getMailboxLock('INBOX');
      try {
        const out: ParsedMail[] = [];
        if ((client.mailbox && client.mailbox.exists) === 0) return out;
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
  const create = async (type: string, name: string, config: Record<string, unknown>) => {
    const res = await t.api<Conn>('POST', '/api/v1/connections', { type, name, config });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const started = await t.api<Conn>('POST', `/api/v1/connections/${res.body.id}/start`);
    expect([started.body.status, started.body.statusReason]).toEqual(['RUNNING', null]);
    return res.body;
  };
  const check = async () => (await t.api<Health>('POST', `/api/v1/connections/${sms.id}/health`)).body;
  /** the webhook finding (the connection as a whole also waits for its first message, which is not mailed) */
  const webhook = async () => (await check()).checks.find((c) => c.name === 'webhook')?.state;
  /** points the Twilio number's SmsUrl elsewhere (another app) or back at us */
  const setSmsUrl = async (url: string) => {
    const auth = `Basic ${Buffer.from(`${twilio.accountSid}:${twilio.authToken}`).toString('base64')}`;
    const base = `${twilio.url}/2010-04-01/Accounts/${twilio.accountSid}/IncomingPhoneNumbers`;
    const list = (await (
      await fetch(`${base}.json?PhoneNumber=${encodeURIComponent(NUMBER)}`, { headers: { authorization: auth } })
    ).json()) as { incoming_phone_numbers: Array<{ sid: string }> };
    const res = await fetch(`${base}/${list.incoming_phone_numbers[0]?.sid ?? ''}.json`, {
      method: 'POST',
      headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ SmsUrl: url }),
    });
    expect(res.status).toBe(200);
  };
  const settle = () => t.sb.hub.healthAlerts.idle();

  beforeAll(async () => {
    dovecot = await startDovecot(USERS);
    mta = await startMta(dovecot, USERS);
    twilio = await startTwilioSimulator({ numbers: [NUMBER] });
    t = await startTestServer({
      clock,
      allowPrivateNetwork: true,
      env: { SWITCHBOARD_OWNER_EMAIL: 'owner@example.test', SWITCHBOARD_NOTIFY_MIN_INTERVAL_MINUTES: '30' },
    });
    for (const [user, role] of [
      ['ada', 'admin'],
      ['op', 'operator'],
    ] as const) {
      const res = await t.api('POST', '/api/v1/users', { email: `${user}@example.test`, name: user, role });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    }
    email = await create('email', 'Alerts mailbox', {
      address: 'support@example.test',
      displayName: 'Switchboard alerts',
      imap: { host: '127.0.0.1', port: dovecot.imapPort, secure: false, user: 'support' },
      smtp: { host: '127.0.0.1', port: mta.port, secure: false, starttls: false, user: 'support' },
      imapPassword: 'support-pw',
      smtpPassword: 'support-pw',
      pollSeconds: 5,
    });
    sms = await create('twilio-sms', 'Shop SMS', {
      accountSid: twilio.accountSid,
      authToken: twilio.authToken,
      from: [NUMBER],
      apiBaseUrl: twilio.url,
    });
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await twilio?.close();
    await mta?.stop();
    await dovecot?.stop();
  });

  it('refuses a notification channel that is not an email connection of this workspace, changing nothing', async () => {
    const notEmail = await t.api<{ error: { code: string; message: string } }>('PATCH', '/api/v1/workspace', {
      notificationConnectionId: sms.id,
    });
    expect(notEmail.status).toBe(400);
    expect(notEmail.body.error.message).toContain('is not an email connection');
    const unknown = await t.api('PATCH', '/api/v1/workspace', {
      notificationConnectionId: 'conn_01nosuchconnection',
      keepDeletedContent: true,
    });
    expect(unknown.status).toBe(400);
    expect((await t.api('PATCH', '/api/v1/workspace', { notificationConnectionId: 'not an id' })).status).toBe(400);
    const ws = (await t.api<Workspace & { keepDeletedContent: boolean }>('GET', '/api/v1/workspace')).body;
    expect(ws).toMatchObject({ notificationConnectionId: null, keepDeletedContent: false });
    const set = await t.api<Workspace>('PATCH', '/api/v1/workspace', { notificationConnectionId: email.id });
    expect(set.status).toBe(200);
    expect(set.body.notificationConnectionId).toBe(email.id);
  });

  it('mails the owner and the admin once when the health turns warning, not on flapping, then "healthy again"', async () => {
    // a new connection waiting for its first message is no news: nothing was mailed for it
    await check();
    await settle();
    expect(await mailsOf('owner')).toHaveLength(0);

    await setSmsUrl('https://other-app.example/sms');
    expect(await webhook()).toBe('warning');
    await settle();
    const first = await eventually(
      async () => {
        const [owner, ada] = await Promise.all([mailsOf('owner'), mailsOf('ada')]);
        return owner.length > 0 && ada.length > 0 ? { owner, ada } : undefined;
      },
      15_000,
      'the warning mailed to the owner and the admin',
    );
    const mail = first.owner[0] as ParsedMail;
    expect(mail.subject).toBe('[Switchboard] SMS (Twilio) “Shop SMS” is warning');
    expect(mail.text).toContain('https://other-app.example/sms');
    expect(mail.text).toContain('/#/health');
    expect(mail.from?.text).toContain('support@example.test');
    // each admin alone on the To line, marked as written by a robot (RFC 3834)
    expect(mail.to && !Array.isArray(mail.to) ? mail.to.text : '').toBe('owner@example.test');
    expect(mail.headers.get('auto-submitted')).toBe('auto-generated');
    expect(JSON.stringify(first)).not.toContain(twilio.authToken);

    // flapping within the interval: fixed, broken, fixed again — no more mail
    await setSmsUrl(sms.webhookUrl);
    expect(await webhook()).toBe('healthy');
    await setSmsUrl('https://other-app.example/sms');
    expect(await webhook()).toBe('warning');
    await setSmsUrl(sms.webhookUrl);
    expect(await webhook()).toBe('healthy');
    await settle();
    await new Promise((r) => setTimeout(r, 1000));
    expect(await mailsOf('owner')).toHaveLength(1);
    expect(await mailsOf('ada')).toHaveLength(1);

    // the interval passes: the next round mails the state it settled in, once
    clock.advance(31 * MINUTE);
    await check();
    await settle();
    const second = await eventually(
      async () => {
        const owner = await mailsOf('owner');
        return owner.length === 2 ? owner : undefined;
      },
      15_000,
      'the recovery mailed',
    );
    expect(second[1]?.subject).toBe('[Switchboard] SMS (Twilio) “Shop SMS” is healthy again');
    await check();
    await settle();
    await eventually(async () => ((await mailsOf('ada')).length === 2 ? true : undefined), 15_000, 'ada too');
    expect(await mailsOf('owner')).toHaveLength(2);
    // an operator is not an admin: nothing
    expect(await mailsOf('op')).toHaveLength(0);
  });
});
