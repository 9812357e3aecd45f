/**
 * The Twilio SMS connector end to end: a real hub (127.0.0.1) against the Twilio Messaging simulator — start checks
 * (number pointed at us, 20003 → ERROR), X-Twilio-Signature (valid, missing, tampered, another URL), inbound text and
 * MMS (fetched with basic auth as a media job), replies with status callbacks applied forward-only, Advanced Opt-Out
 * STOP/START/HELP, the 422 OPTED_OUT refusal, 21610, segments and the 1,600 limit, buttons degraded to numbered text
 * and answered with "1", and 429 retried.
 */
import { startTwilioSimulator, type TwilioSimulator } from '@switchboard/simulators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestServer, type TestServer } from '../../testing/test-server.js';

interface Conn {
  id: string;
  status: string;
  statusReason: string | null;
  webhookUrl: string;
}
interface Msg {
  id: string;
  status: string;
  direction: string;
  from: string;
  to: string;
  providerMessageId: string | null;
  statusDetail: { code: string; message: string } | null;
  content: Record<string, unknown> & { type: string; text?: string; media?: { state?: string; url: string } };
  segments?: { encoding: string; count: number; perSegment: number };
}
interface Conv {
  id: string;
  address: string;
  contactId: string;
  senderAddress: string | null;
}

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);
const OURS = ['+15005550006', '+15005550007'];

describe('twilio-sms connector against the Twilio Messaging simulator', () => {
  let sim: TwilioSimulator;
  let t: TestServer;
  let conn: Conn;

  const createConnection = async (overrides: Record<string, unknown> = {}) => {
    const res = await t.api<Conn>('POST', '/api/v1/connections', {
      type: 'twilio-sms',
      name: 'SMS',
      config: {
        accountSid: sim.accountSid,
        authToken: sim.authToken,
        from: OURS,
        apiBaseUrl: sim.url,
        messagesPerSecond: 5,
        optOut: { helpKeywords: ['HELP', 'AYUDA'], helpText: 'Acme support: reply STOP to opt out.' },
        ...overrides,
      },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body;
  };
  const conversationOf = (address: string) =>
    eventually(
      async () =>
        (
          await t.api<{ data: Conv[] }>('GET', `/api/v1/conversations?connectionId=${conn.id}&limit=200`)
        ).body.data.find((c) => c.address === address),
      10_000,
      `conversation with ${address}`,
    );
  const messagesOf = async (conversationId: string) =>
    (await t.api<{ data: Msg[] }>('GET', `/api/v1/conversations/${conversationId}/messages?limit=200`)).body.data;
  const message = async (id: string) => (await t.api<Msg>('GET', `/api/v1/messages/${id}`)).body;
  const statusOf = (id: string, status: string) =>
    eventually(
      async () => {
        const m = await message(id);
        return m.status === status ? m : undefined;
      },
      15_000,
      `message ${id} ${status}`,
    );
  const customerSays = async (from: string, body: string, to?: string) => {
    const { sid, attempt } = await sim.sendSms({ from, body, ...(to ? { to } : {}) });
    expect(attempt?.status).toBe(200);
    const conv = await conversationOf(from);
    await eventually(
      async () => (await messagesOf(conv.id)).find((m) => m.providerMessageId === sid),
      10_000,
      `inbound ${sid}`,
    );
    return conv;
  };
  const reply = (conversationId: string, content: unknown) =>
    t.api<Msg & { error?: { code: string; message: string } }>(
      'POST',
      `/api/v1/conversations/${conversationId}/messages`,
      {
        content,
      },
    );

  beforeAll(async () => {
    sim = await startTwilioSimulator({
      numbers: OURS,
      statusDelaysMs: { sending: 20, sent: 60, delivered: 150 },
      outOfOrderRate: 0.5,
    });
    t = await startTestServer({ env: { SWITCHBOARD_OUTBOUND_MAX_ATTEMPTS: '4' } });
    conn = await createConnection();
    const started = await t.api<Conn>('POST', `/api/v1/connections/${conn.id}/start`);
    expect([started.body.status, started.body.statusReason]).toEqual(['RUNNING', null]);
  });
  afterAll(async () => {
    await t?.close();
    await sim?.close();
  });

  it('start checks the account and points each number at our webhook URL; a wrong token is ERROR (20003)', async () => {
    for (const n of OURS) expect(sim.numberConfig(n)?.smsUrl).toBe(conn.webhookUrl);
    const bad = await createConnection({ authToken: 'not-the-token' });
    const res = await t.api<Conn>('POST', `/api/v1/connections/${bad.id}/start`);
    expect(res.body.status).toBe('ERROR');
    expect(res.body.statusReason).toMatch(/^AUTH: Authenticate \(Twilio 20003\)/);
    expect(res.body.statusReason).not.toContain('not-the-token');
    // the failed start re-pointed nothing
    for (const n of OURS) expect(sim.numberConfig(n)?.smsUrl).toBe(conn.webhookUrl);
  });

  it('accepts a correctly signed webhook with empty TwiML and refuses missing, tampered and other-URL signatures', async () => {
    const params = {
      MessageSid: 'SM' + 'a'.repeat(32),
      AccountSid: sim.accountSid,
      From: '+14155550100',
      To: OURS[0] as string,
      Body: 'signed',
      NumMedia: '0',
      SmsStatus: 'received',
    };
    const ok = await sim.postSigned(conn.webhookUrl, params);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatch(/<Response\/>/);
    const other = await sim.postSigned(conn.webhookUrl, params, `${conn.webhookUrl}?other=1`);
    expect(other.status).toBe(401);
    const post = (headers: Record<string, string>, body: string) =>
      fetch(conn.webhookUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body,
      });
    const body = new URLSearchParams(params).toString();
    expect((await post({}, body)).status).toBe(401);
    expect((await post({ 'x-twilio-signature': ok.signature }, body.replace('signed', 'forged'))).status).toBe(401);
    const forged = await sim.sendSms({ from: '+14155550199', body: 'hi', signWith: 'another-token' });
    expect(forged.attempt?.status).toBe(401);
    const conv = await conversationOf('+14155550100');
    expect((await messagesOf(conv.id)).map((m) => m.content.text)).toEqual(['signed']);
  });

  it('stores MMS media fetched with basic auth as a media job', async () => {
    const { sid } = await sim.sendSms({
      from: '+14155550101',
      body: 'my receipt',
      media: [
        { data: PNG, contentType: 'image/png' },
        { data: Buffer.from('%PDF-1.4 x'), contentType: 'application/pdf' },
      ],
    });
    const conv = await conversationOf('+14155550101');
    const ready = await eventually(
      async () => {
        const list = await messagesOf(conv.id);
        return list.length === 2 && list.every((m) => m.content.media?.state === 'ready') ? list : undefined;
      },
      15_000,
      'both media ready',
    );
    const image = ready.find((m) => m.providerMessageId === sid);
    expect(image?.content).toMatchObject({ type: 'image', media: { caption: 'my receipt', mimeType: 'image/png' } });
    const bytes = Buffer.from(await (await fetch(image?.content.media?.url as string)).arrayBuffer());
    expect(bytes.equals(PNG)).toBe(true);
    expect(ready.some((m) => m.content.type === 'document')).toBe(true);
    expect(sim.unauthorizedMediaRequests).toBe(0);
  });

  it('replies with segments in the answer, from a sticky number, with statuses applied forward-only', async () => {
    const customer = '+14155550102';
    const conv = await customerSays(customer, 'hello');
    // what the composer shows as the operator types: the hub's preview with the segments
    const preview = await t.api<{ segments?: { encoding: string; count: number }; maxTextLength?: number }>(
      'POST',
      `/api/v1/conversations/${conv.id}/preview`,
      { content: { type: 'text', text: '😀' } },
    );
    expect(preview.body).toMatchObject({
      segments: { encoding: 'UCS-2', count: 1, perSegment: 70 },
      maxTextLength: 1600,
    });
    const res = await reply(conv.id, { type: 'text', text: 'Thanks 😀' });
    expect(res.status).toBe(202);
    expect(res.body.segments).toMatchObject({ encoding: 'UCS-2', count: 1, perSegment: 70 });
    const long = await reply(conv.id, { type: 'text', text: 'a'.repeat(161) });
    expect(long.body.segments).toMatchObject({ encoding: 'GSM-7', count: 2, perSegment: 153 });
    const over = await reply(conv.id, { type: 'text', text: 'a'.repeat(1601) });
    expect(over.status).toBe(400);
    expect(JSON.stringify(over.body)).toContain('1600');
    const delivered = await statusOf(res.body.id, 'delivered');
    await statusOf(long.body.id, 'delivered');
    const sent = sim.messages({ to: customer, direction: 'outbound-api' });
    expect(sent.map((m) => m.from)).toEqual([delivered.from, delivered.from]);
    expect(sent[0]?.statusCallback).toBe(conn.webhookUrl);
    // every callback (sending, sent, delivered — some out of order) has come; delivered stays
    await eventually(
      () => sim.webhookAttempts().filter((a) => a.params.MessageSid === sent[0]?.sid).length === 3,
      10_000,
      'three callbacks',
    );
    expect((await message(res.body.id)).status).toBe('delivered');
  });

  it('answers each customer from the number they wrote to, and sends MMS with a signed, expiring link', async () => {
    const a = await customerSays('+14155550110', 'hi', OURS[0]);
    const b = await customerSays('+14155550111', 'hi', OURS[1]);
    const ra = await reply(a.id, { type: 'text', text: 'to a' });
    const rb = await reply(b.id, { type: 'text', text: 'to b' });
    const [ma, mb] = [await statusOf(ra.body.id, 'delivered'), await statusOf(rb.body.id, 'delivered')];
    expect([ma.from, mb.from]).toEqual(OURS);
    const upload = await fetch(`${t.url}/api/v1/media?fileName=dot.png`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.token}`, 'content-type': 'image/png' },
      body: PNG,
    });
    const att = (await upload.json()) as { url: string };
    const mms = await reply(a.id, { type: 'image', media: { url: att.url, mimeType: 'image/png', caption: 'a dot' } });
    expect(mms.status).toBe(202);
    await statusOf(mms.body.id, 'delivered');
    const sent = sim.messages({ to: '+14155550110', direction: 'outbound-api' }).at(-1);
    expect(sent?.from).toBe(ma.from);
    expect(sent?.body).toBe('a dot');
    expect(sent?.mediaUrls[0]).toMatch(/\/media\/att_\w+\/link\?expires=\d+&signature=/);
    expect(sent?.mediaUrls[0]).not.toContain(att.url);
  });

  it('rotates customers the business writes to first over the numbers, each staying on theirs', async () => {
    const first = async (to: string) => {
      const res = await t.api<Msg>('POST', '/api/v1/messages', {
        connectionId: conn.id,
        to,
        content: { type: 'text', text: 'news' },
      });
      return (await statusOf(res.body.id, 'delivered')).from;
    };
    const x = await first('+14155550120');
    const y = await first('+14155550121');
    expect(new Set([x, y])).toEqual(new Set(OURS));
    expect(await first('+14155550120')).toBe(x);
  });

  it('sends through a Messaging Service when configured instead of numbers', async () => {
    const service = 'MG' + 'c'.repeat(32);
    const svc = await createConnection({ from: [], messagingServiceSid: service });
    expect((await t.api<Conn>('POST', `/api/v1/connections/${svc.id}/start`)).body.status).toBe('RUNNING');
    const res = await t.api<Msg>('POST', '/api/v1/messages', {
      connectionId: svc.id,
      to: '+14155550112',
      content: { type: 'text', text: 'via the service' },
    });
    expect(res.status).toBe(202);
    await statusOf(res.body.id, 'delivered');
    expect(sim.messages({ to: '+14155550112' })[0]?.messagingServiceSid).toBe(service);
  });

  it('keeps the ErrorCode of an undelivered message in statusDetail', async () => {
    const conv = await customerSays('+14155550007', 'hi');
    const res = await reply(conv.id, { type: 'text', text: 'will be filtered' });
    const failed = await statusOf(res.body.id, 'failed');
    expect(failed.statusDetail).toMatchObject({ code: '30007' });
    expect(failed.statusDetail?.message).toMatch(/30007/);
  });

  it('degrades buttons to numbered text; "1" comes back as the button reply', async () => {
    const customer = '+14155550103';
    const conv = await customerSays(customer, 'options?');
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
    await statusOf(res.body.id, 'delivered');
    expect(sim.inbox(customer).at(-1)?.body).toBe('Pick one\n\nReply 1 for Yes\nReply 2 for No');
    const { sid } = await sim.sendSms({ from: customer, body: '1' });
    const answer = await eventually(
      async () => (await messagesOf(conv.id)).find((m) => m.providerMessageId === sid),
      10_000,
      'the answer',
    );
    expect(answer.content).toMatchObject({
      type: 'interactive',
      interactive: { kind: 'button_reply', reply: { id: 'yes' } },
    });
  });

  it('records STOP and START from Advanced Opt-Out, refuses sends in between with 422, and answers HELP', async () => {
    const customer = '+14155550104';
    const conv = await customerSays(customer, 'hi');
    await sim.sendSms({ from: customer, body: 'STOP' });
    const consent = async () =>
      (
        await t.api<Array<{ channelType: string; optedOut: boolean }> | { data: Array<{ optedOut: boolean }> }>(
          'GET',
          `/api/v1/contacts/${conv.contactId}/consent`,
        )
      ).body;
    await eventually(async () => JSON.stringify(await consent()).includes('"optedOut":true'), 10_000, 'opted out');
    const refused = await reply(conv.id, { type: 'text', text: 'are you there?' });
    expect(refused.status).toBe(422);
    expect(refused.body.error?.code).toBe('OPTED_OUT');
    // Twilio answered STOP itself: the hub sent nothing
    expect(sim.messages({ to: customer, direction: 'outbound-api' })).toEqual([]);
    await sim.sendSms({ from: customer, body: 'START' });
    await eventually(async () => JSON.stringify(await consent()).includes('"optedOut":false'), 10_000, 'opted in');
    const ok = await reply(conv.id, { type: 'text', text: 'welcome back' });
    expect(ok.status).toBe(202);
    await statusOf(ok.body.id, 'delivered');
    // a help keyword only the connection knows: the hub answers with its help text
    await sim.sendSms({ from: customer, body: 'ayuda' });
    await eventually(
      () => sim.inbox(customer).some((m) => m.body === 'Acme support: reply STOP to opt out.'),
      10_000,
      'help text',
    );
    // HELP recognised by Twilio: Twilio answered, the hub does not answer twice
    const before = sim.messages({ to: customer, direction: 'outbound-api' }).length;
    await sim.sendSms({ from: customer, body: 'HELP' });
    await new Promise((r) => setTimeout(r, 300));
    expect(sim.messages({ to: customer, direction: 'outbound-api' }).length).toBe(before);
  });

  it('maps 21610 to a failed OPTED_OUT and records the opt-out; 21211 is an invalid number', async () => {
    const customer = '+14155550105';
    const conv = await customerSays(customer, 'hi');
    sim.addFault({ op: 'messages.create', error: { code: 21610 } });
    const res = await reply(conv.id, { type: 'text', text: 'promo' });
    const failed = await statusOf(res.body.id, 'failed');
    expect(failed.statusDetail?.code).toBe('OPTED_OUT');
    const again = await reply(conv.id, { type: 'text', text: 'promo 2' });
    expect(again.status).toBe(422);
    const other = '+14155550106';
    sim.markInvalid(other, 21211);
    const conv2 = await customerSays(other, 'hi');
    const bad = await reply(conv2.id, { type: 'text', text: 'x' });
    const f2 = await statusOf(bad.body.id, 'failed');
    expect(f2.statusDetail).toMatchObject({ code: 'INVALID_RECIPIENT' });
    expect(f2.statusDetail?.message).toMatch(/21211: invalid number/);
  });

  it('retries a 429 (20429) after a backoff and delivers', async () => {
    const conv = await customerSays('+14155550108', 'hi');
    sim.addFault({ op: 'messages.create', times: 2, error: { code: 20429 } });
    const res = await reply(conv.id, { type: 'text', text: 'eventually' });
    await statusOf(res.body.id, 'delivered');
    expect(sim.messages({ to: '+14155550108', direction: 'outbound-api' }).length).toBe(1);
  });

  it('turns a connection ERROR when Twilio rejects the credentials on send (20003)', async () => {
    const conv = await customerSays('+14155550109', 'hi');
    sim.addFault({ op: 'messages.create', error: { code: 20003 } });
    const res = await reply(conv.id, { type: 'text', text: 'x' });
    const failed = await statusOf(res.body.id, 'failed');
    expect(failed.statusDetail?.code).toBe('AUTH');
    const c = await eventually(
      async () => {
        const r = await t.api<Conn>('GET', `/api/v1/connections/${conn.id}`);
        return r.body.status === 'ERROR' ? r.body : undefined;
      },
      10_000,
      'connection ERROR',
    );
    expect(c.statusReason).toMatch(/20003/);
  });
  it('calls the REST API with an API key when one is configured', async () => {
    const key = sim.createApiKey();
    const keyed = await createConnection({ apiKeySid: key.sid, apiKeySecret: key.secret });
    expect((await t.api<Conn>('POST', `/api/v1/connections/${keyed.id}/start`)).body.status).toBe('RUNNING');
    const res = await t.api<Msg>('POST', '/api/v1/messages', {
      connectionId: keyed.id,
      to: '+14155550113',
      content: { type: 'text', text: 'keyed' },
    });
    await statusOf(res.body.id, 'delivered');
    // last: its start pointed the numbers' webhooks at this connection
  });
});
