/**
 * A campaign that pauses itself (too many of its latest sends failed for good) is mailed to the workspace's owners
 * and admins through the notification channel, end to end: a real hub, a real Dovecot and SMTP server behind the
 * email connection named as the channel, and the Twilio simulator answering 21211 (not a valid number) for every
 * recipient of an SMS campaign. One mail per pause, naming the campaign and the reason.
 */
import { ImapFlow } from 'imapflow';
import { simpleParser, type ParsedMail } from 'mailparser';
import { startTwilioSimulator, type TwilioSimulator } from '@switchboard/simulators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDovecot, startMta, type Dovecot, type Mta } from '../testing/dovecot.js';
import { eventually, startTestServer, type TestServer } from '../testing/test-server.js';

const USERS = [
  { user: 'support', password: 'support-pw' },
  { user: 'owner', password: 'owner-pw' },
];
const NUMBER = '+15005550006';

describe('a campaign pausing itself is mailed to the admins', () => {
  let dovecot: Dovecot;
  let mta: Mta;
  let twilio: TwilioSimulator;
  let t: TestServer;

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
    const res = await t.api<{ id: string }>('POST', '/api/v1/connections', { type, name, config });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const started = await t.api<{ status: string }>('POST', `/api/v1/connections/${res.body.id}/start`);
    expect(started.body.status).toBe('RUNNING');
    return res.body;
  };

  beforeAll(async () => {
    dovecot = await startDovecot(USERS);
    mta = await startMta(dovecot, USERS);
    twilio = await startTwilioSimulator({ numbers: [NUMBER] });
    t = await startTestServer({ allowPrivateNetwork: true, env: { SWITCHBOARD_OWNER_EMAIL: 'owner@example.test' } });
    const email = await create('email', 'Alerts mailbox', {
      address: 'support@example.test',
      displayName: 'Switchboard alerts',
      imap: { host: '127.0.0.1', port: dovecot.imapPort, secure: false, user: 'support' },
      smtp: { host: '127.0.0.1', port: mta.port, secure: false, starttls: false, user: 'support' },
      imapPassword: 'support-pw',
      smtpPassword: 'support-pw',
      pollSeconds: 5,
    });
    expect((await t.api('PATCH', '/api/v1/workspace', { notificationConnectionId: email.id })).status).toBe(200);
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await twilio?.close();
    await mta?.stop();
    await dovecot?.stop();
  });

  it('mails the pause once, with the campaign and the reason', async () => {
    const sms = await create('twilio-sms', 'Shop SMS', {
      accountSid: twilio.accountSid,
      authToken: twilio.authToken,
      from: [NUMBER],
      apiBaseUrl: twilio.url,
    });
    const contactIds: string[] = [];
    for (let i = 0; i < 14; i++) {
      const phone = `+12025550${String(100 + i)}`;
      twilio.markInvalid(phone, 21211);
      const r = await t.api<{ id: string }>('POST', '/api/v1/contacts', {
        name: `Bad number ${i}`,
        identities: [{ channelType: 'twilio-sms', address: phone }],
      });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      contactIds.push(r.body.id);
    }
    const created = await t.api<{ id: string }>('POST', '/api/v1/campaigns', {
      name: 'Spring sale',
      audience: { type: 'contacts' },
      contactIds,
      settings: { inFlight: 2, failurePause: { ratio: 0.5, window: 10 } },
      steps: [{ connectionId: sms.id, content: { type: 'text', text: 'Spring sale: 20 % off' } }],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect((await t.api('POST', `/api/v1/campaigns/${created.body.id}/start`)).status).toBe(200);
    const paused = await eventually(
      async () => {
        const c = (await t.api<{ status: string; statusReason: string }>('GET', `/api/v1/campaigns/${created.body.id}`))
          .body;
        return c.status === 'paused' ? c : undefined;
      },
      20_000,
      'the campaign to pause itself',
    );
    const mails = await eventually(
      async () => {
        const owner = await mailsOf('owner');
        return owner.length > 0 ? owner : undefined;
      },
      15_000,
      'the pause mailed to the owner',
    );
    const mail = mails[0] as ParsedMail;
    expect(mail.subject).toContain('Campaign "Spring sale" paused itself');
    expect(mail.text).toContain(paused.statusReason);
    expect(mail.headers.get('auto-submitted')).toBe('auto-generated');
    await new Promise((r) => setTimeout(r, 1000));
    expect(await mailsOf('owner')).toHaveLength(1);
  });
});
