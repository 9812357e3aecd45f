/**
 * The sms-gateway connector end to end against a REAL Kannel (Debian's bearerbox + smsbox, its fake SMSC, and
 * Kannel's own `fakesmsc` as the customers' phones; testing/kannel.ts) and a real hub on 127.0.0.1: the start check
 * of the sendsms user, a phone's SMS through the sms-service get-url (Basic auth with the inbound secret; missing and
 * wrong secrets refused, nothing stored), replies through sendsms with the segments answered, concatenated parts on
 * the phone, DLRs (8, then 1) applied forward-only, Kannel queueing while the SMSC is away ("3: Queued for later
 * delivery") and delivering when it is back, "Not routable" as an invalid recipient, STOP/START/HELP answered by the
 * hub, the 422 OPTED_OUT refusal, and buttons as numbered text answered with "1".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKannel, type Kannel } from '../../testing/kannel.js';
import { eventually, startTestServer, type TestServer } from '../../testing/test-server.js';
import { hubReads } from '../../testing/hub-reads.js';
import { kannelGetUrl } from './send.js';

interface Conn {
  id: string;
  status: string;
  statusReason: string | null;
  webhookUrl: string;
  config: Record<string, unknown>;
}
interface Msg {
  id: string;
  status: string;
  direction: string;
  providerMessageId: string | null;
  statusDetail: { code: string; message: string } | null;
  content: Record<string, unknown> & { type: string; text?: string };
  segments?: { encoding: string; count: number; perSegment: number };
  error?: { code: string; message: string };
}
interface Conv {
  id: string;
  address: string;
  contactId: string;
}

const SHORT_CODE = '12345';
const USER = { username: 'switchboard', password: 'sendsms-pass_0001' };

describe('sms-gateway against a real Kannel', { timeout: 60_000 }, () => {
  let t: TestServer;
  let kannel: Kannel;
  let conn: Conn;
  let config: Record<string, unknown>;

  const reads = hubReads(() => t);
  const conversationOf = (address: string) => reads.conversationWith<Conv>(conn.id, address, 15_000);
  const messagesOf = (conversationId: string) => reads.messagesOf<Msg>(conversationId);
  const statusOf = (id: string, status: string) =>
    reads.messageUntil<Msg>(id, (m) => m.status === status, `message ${id} ${status}`, 20_000);
  const phoneSays = async (phone: string, text: string) => {
    const known = (
      await t.api<{ data: Conv[] }>('GET', `/api/v1/conversations?connectionId=${conn.id}&limit=200`)
    ).body.data.find((c) => c.address === phone);
    const count = known ? (await messagesOf(known.id)).length : 0;
    kannel.phoneSends(phone, SHORT_CODE, text);
    const conv = await conversationOf(phone);
    await eventually(async () => (await messagesOf(conv.id)).length > count, 15_000, `"${text}" from ${phone}`);
    return conv;
  };
  const reply = (conversationId: string, content: unknown) =>
    t.api<Msg>('POST', `/api/v1/conversations/${conversationId}/messages`, { content });
  const phoneGot = (phone: string, match: (text: string) => boolean, what: string) =>
    eventually(() => kannel.received().find((m) => m.to === phone && match(m.text)), 15_000, what);

  beforeAll(async () => {
    t = await startTestServer({ env: { SWITCHBOARD_OUTBOUND_MAX_ATTEMPTS: '3' } });
    config = {
      mode: 'kannel',
      // replaced by the smsbox address once Kannel runs: its sms-service needs this connection's webhook URL first
      apiBaseUrl: 'http://127.0.0.1:9',
      username: USER.username,
      password: USER.password,
      from: SHORT_CODE,
      optOut: { helpText: 'Acme support. Reply STOP to opt out.' },
    };
    const created = await t.api<Conn>('POST', '/api/v1/connections', { type: 'sms-gateway', name: 'Kannel', config });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    conn = created.body;
    const secret = String(conn.config.inboundSecret);
    expect(secret).toMatch(/^[A-Za-z0-9_-]{16,}$/);
    kannel = await startKannel({
      getUrl: kannelGetUrl(conn.webhookUrl, secret),
      sendsmsUser: USER,
      deniedPrefix: '+4420',
    });
    config = { ...config, apiBaseUrl: kannel.url, inboundSecret: secret };
    const patched = await t.api<Conn>('PATCH', `/api/v1/connections/${conn.id}`, { config });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    const started = await t.api<Conn>('POST', `/api/v1/connections/${conn.id}/start`);
    expect([started.body.status, started.body.statusReason]).toEqual(['RUNNING', null]);
  }, 60_000);
  afterAll(async () => {
    await kannel?.stop();
    await t?.close();
  });

  it('start checks the sendsms user: a wrong password is ERROR (AUTH) without the password in the reason', async () => {
    const bad = await t.api<Conn>('POST', '/api/v1/connections', {
      type: 'sms-gateway',
      name: 'Kannel, wrong password',
      config: { ...config, password: 'not-the-password', inboundSecret: undefined },
    });
    const res = await t.api<Conn>('POST', `/api/v1/connections/${bad.body.id}/start`);
    expect(res.body.status).toBe('ERROR');
    expect(res.body.statusReason).toMatch(/^AUTH: Kannel answered 403 "Authorization failed for sendsms"/);
    expect(res.body.statusReason).not.toContain('not-the-password');
  });

  it('receives a phone’s SMS through the get-url, text kept as sent, and refuses calls without the secret', async () => {
    const phone = '+4915112345001';
    const conv = await phoneSays(phone, 'Hallo  Welt, ich habe eine Frage 😀');
    const [first] = await messagesOf(conv.id);
    expect(first?.content).toEqual({ type: 'text', text: 'Hallo  Welt, ich habe eine Frage 😀' });
    expect(first?.providerMessageId).toMatch(/^[0-9a-f-]{36}$/);
    const forged = `${conn.webhookUrl}?from=${encodeURIComponent(phone)}&to=${SHORT_CODE}&text=forged&id=x1&time=1`;
    expect((await fetch(forged)).status).toBe(401);
    const wrong = await fetch(forged, {
      headers: { authorization: `Basic ${Buffer.from('switchboard:another-secret-123456').toString('base64')}` },
    });
    expect(wrong.status).toBe(401);
    // Kannel fetching the same get-url again (http-request-retry) is the same message: stored once
    const auth = {
      authorization: `Basic ${Buffer.from(`switchboard:${String(config.inboundSecret)}`).toString('base64')}`,
    };
    const again = `${conn.webhookUrl}?from=${encodeURIComponent(phone)}&to=${SHORT_CODE}&text=retried&id=${first?.providerMessageId ?? ''}&time=1796604723`;
    expect((await fetch(again, { headers: auth })).status).toBe(200);
    expect((await fetch(again, { headers: auth })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    expect((await messagesOf(conv.id)).map((m) => m.content.text)).toEqual(['Hallo  Welt, ich habe eine Frage 😀']);
  });

  it('replies through sendsms with segments answered; the phone gets them (long ones in parts); DLRs make them delivered', async () => {
    const phone = '+4915112345002';
    const conv = await phoneSays(phone, 'hi');
    const res = await reply(conv.id, { type: 'text', text: 'Danke 😀' });
    expect(res.status).toBe(202);
    expect(res.body.segments).toMatchObject({ encoding: 'UCS-2', count: 1, perSegment: 70 });
    const long = 'Your order 4711 has shipped. '.repeat(7).trim();
    const res2 = await reply(conv.id, { type: 'text', text: long });
    expect(res2.body.segments).toMatchObject({ encoding: 'GSM-7', count: 2, perSegment: 153 });
    await statusOf(res.body.id, 'delivered');
    const delivered = await statusOf(res2.body.id, 'delivered');
    expect(delivered.providerMessageId).toBe(res2.body.id);
    expect(await phoneGot(phone, (x) => x === 'Danke 😀', 'the emoji reply')).toMatchObject({ from: SHORT_CODE });
    expect((await phoneGot(phone, (x) => x === long, 'the long reply')).parts).toBe(2);
    const over = await reply(conv.id, { type: 'text', text: 'a'.repeat(1531) });
    expect(over.status).toBe(400);
    expect(JSON.stringify(over.body)).toContain('1530');
  });

  it('keeps a message Kannel queued while the SMSC was away, and delivers it when the SMSC is back', async () => {
    const phone = '+4915112345003';
    const conv = await phoneSays(phone, 'are you there?');
    await kannel.disconnectSmsc();
    try {
      const res = await reply(conv.id, { type: 'text', text: 'queued while the SMSC is away' });
      // "3: Queued for later delivery": Kannel has it, so it is sent from the hub's side, not failed, not retried
      await statusOf(res.body.id, 'sent');
      expect(kannel.received().some((m) => m.text === 'queued while the SMSC is away')).toBe(false);
      await kannel.connectSmsc();
      await statusOf(res.body.id, 'delivered');
      await phoneGot(phone, (x) => x === 'queued while the SMSC is away', 'the queued reply');
    } finally {
      await kannel.connectSmsc().catch(() => undefined);
    }
  });

  it('fails a number Kannel cannot route as an invalid recipient', async () => {
    const res = await t.api<Msg>('POST', '/api/v1/messages', {
      connectionId: conn.id,
      to: '+442079460123',
      content: { type: 'text', text: 'nowhere to go' },
    });
    expect(res.status).toBe(202);
    const failed = await statusOf(res.body.id, 'failed');
    expect(failed.statusDetail).toMatchObject({ code: 'INVALID_RECIPIENT' });
    expect(failed.statusDetail?.message).toMatch(/Not routable/);
  });

  it('STOP opts the number out with a confirmation, sends are refused with 422 until START; HELP gets the help text', async () => {
    const phone = '+4915112345004';
    const conv = await phoneSays(phone, 'hello');
    const consent = async () => JSON.stringify((await t.api('GET', `/api/v1/contacts/${conv.contactId}/consent`)).body);
    kannel.phoneSends(phone, SHORT_CODE, 'STOP');
    await eventually(async () => (await consent()).includes('"optedOut":true'), 15_000, 'opted out');
    await phoneGot(phone, (x) => x.startsWith('You are unsubscribed'), 'the opt-out confirmation');
    const refused = await reply(conv.id, { type: 'text', text: 'are you there?' });
    expect(refused.status).toBe(422);
    expect(refused.body.error?.code).toBe('OPTED_OUT');
    expect(kannel.received().some((m) => m.text === 'are you there?')).toBe(false);
    kannel.phoneSends(phone, SHORT_CODE, 'START');
    await eventually(async () => (await consent()).includes('"optedOut":false'), 15_000, 'opted in');
    await phoneGot(phone, (x) => x.startsWith('You are subscribed again'), 'the opt-in confirmation');
    const ok = await reply(conv.id, { type: 'text', text: 'welcome back' });
    expect(ok.status).toBe(202);
    await statusOf(ok.body.id, 'delivered');
    kannel.phoneSends(phone, SHORT_CODE, 'help');
    await phoneGot(phone, (x) => x === 'Acme support. Reply STOP to opt out.', 'the help text');
  });

  it('sends buttons as numbered text; the phone’s "1" comes back as the button reply', async () => {
    const phone = '+4915112345005';
    const conv = await phoneSays(phone, 'options?');
    const res = await reply(conv.id, {
      type: 'interactive',
      interactive: {
        kind: 'buttons',
        text: 'Pick one',
        buttons: [
          { id: 'yes', title: 'Yes' },
          { id: 'no', title: 'No' },
        ],
      },
    });
    expect(res.status).toBe(202);
    await phoneGot(phone, (x) => x === 'Pick one\n\nReply 1 for Yes\nReply 2 for No', 'the numbered options');
    await statusOf(res.body.id, 'delivered');
    kannel.phoneSends(phone, SHORT_CODE, '1');
    const answer = await eventually(
      async () =>
        (await messagesOf(conv.id)).find((m) => m.content.type === 'interactive' && m.direction === 'inbound'),
      15_000,
      'the answer',
    );
    expect(answer.content).toMatchObject({ interactive: { kind: 'button_reply', reply: { id: 'yes' } } });
  });
});
