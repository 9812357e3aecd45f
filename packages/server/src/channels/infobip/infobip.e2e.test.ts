/**
 * The Infobip connector end to end: a real hub on 127.0.0.1 and the Infobip simulator. Start (key checked), SMS,
 * WhatsApp and Viber connections; inbound of every WhatsApp kind with media fetched with the key; batched inbound
 * and batched delivery reports, each entry stored once; the authorization header valid / missing / wrong; a
 * re-delivered push stored once; sends with our messageId, notifyUrl and callbackData; reports out of order applied
 * forward-only; seen reports; templates synced and sent; failures with Infobip's error details; 400 → failed with its text, 429 → retried,
 * 401 → connection ERROR.
 */
import {
  INFOBIP_ERRORS,
  INFOBIP_REPORT_ERRORS,
  INFOBIP_STATUSES,
  startInfobipSimulator,
  type InfobipSimulator,
} from '@switchboard/simulators';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Content } from '../../model/index.js';
import { eventually, startTestServer, type TestServer } from '../../testing/test-server.js';
import { hubReads, TINY_PNG } from '../../testing/hub-reads.js';

interface Conv {
  id: string;
  address: string;
}
interface Msg {
  id: string;
  direction: string;
  status: string;
  content: Content & { media?: { state?: string; url: string } };
  statusDetail: { code: string; message: string } | null;
  providerMessageId: string | null;
}
interface Conn {
  id: string;
  status: string;
  statusReason: string | null;
  webhookUrl: string;
  config: Record<string, unknown>;
}

const PNG = TINY_PNG;

describe('infobip connector end to end', () => {
  let sim: InfobipSimulator;
  let t: TestServer;
  let wa: Conn;
  let sms: Conn;
  let viber: Conn;

  const reads = hubReads(() => t);
  const conversationOf = (connectionId: string, address: string) => reads.conversationWith<Conv>(connectionId, address);
  const messagesOf = (conversationId: string) => reads.messagesOf<Msg>(conversationId);
  const message = (id: string) => reads.message<Msg>(id);
  const until = (id: string, ok: (m: Msg) => boolean, what: string) => reads.messageUntil<Msg>(id, ok, what);
  const reply = (conversationId: string, content: Content) => reads.reply<Msg>(conversationId, content);
  const create = async (channel: string, from: string, extra: Record<string, unknown> = {}) => {
    const res = await t.api<Conn>('POST', '/api/v1/connections', {
      type: 'infobip',
      name: `Infobip ${channel}`,
      config: {
        baseUrl: sim.url,
        apiBaseUrl: sim.url,
        apiKey: sim.apiKey,
        channel,
        from,
        webhookAuth: sim.webhookAuth,
        ...extra,
      },
    });
    expect(res.status).toBe(201);
    sim.forwardTo(from, res.body.webhookUrl);
    return res.body;
  };
  const post = (conn: Conn, body: string, headers: Record<string, string>) =>
    fetch(conn.webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

  beforeAll(async () => {
    sim = await startInfobipSimulator({ webhooks: { retryScale: 0.0005, batchWindowMs: 40 }, receipts: false });
    t = await startTestServer({ env: { SWITCHBOARD_OUTBOUND_MAX_ATTEMPTS: '3' } });
    wa = await create('whatsapp', sim.whatsappNumber);
    sms = await create('sms', sim.smsNumber);
    viber = await create('viber', sim.viberSender);
    expect(wa.config.apiKey).toBe('********');
    expect(wa.config.webhookAuth).toBe('********');
  });
  afterAll(async () => {
    await t?.close();
    await sim?.close();
  });

  it('starts: the API key reads the account; a wrong key does not start', async () => {
    for (const c of [wa, sms, viber]) {
      const started = await t.api<Conn>('POST', `/api/v1/connections/${c.id}/start`);
      expect(started.body).toMatchObject({ status: 'RUNNING', statusReason: null });
    }
    const bad = await t.api<Conn>('POST', '/api/v1/connections', {
      type: 'infobip',
      name: 'bad key',
      config: {
        baseUrl: sim.url,
        apiBaseUrl: sim.url,
        apiKey: 'not-a-key',
        channel: 'sms',
        from: sim.smsNumber,
        webhookAuth: sim.webhookAuth,
      },
    });
    const res = (await t.api<Conn>('POST', `/api/v1/connections/${bad.body.id}/start`)).body;
    expect(res.status).toBe('ERROR');
    expect(res.statusReason).toMatch(/Invalid login details/);
  });

  it('receives WhatsApp text, image, document, location, a button, a list row and a quick reply; media fetched with the key', async () => {
    const from = '385916000001';
    sim.customerSends({ from, name: 'Frank', text: 'hello, my order is late' });
    sim.customerSends({ from, image: { data: PNG, contentType: 'image/png', caption: 'the box' } });
    sim.customerSends({ from, document: { data: Buffer.from('%PDF-1.4 test'), contentType: 'application/pdf' } });
    sim.customerSends({ from, location: { latitude: 45.815, longitude: 15.98, name: 'Zagreb' } });
    sim.customerSends({ from, reply: { id: 'yes', title: 'Yes' } });
    sim.customerSends({ from, reply: { id: 'slot_1', title: 'Tomorrow', list: true } });
    sim.customerSends({ from, quickReply: { text: 'Stop promotions', payload: 'stop' } });
    await sim.idle();
    // one window: one request carrying all seven
    expect(sim.pushes().filter((p) => p.url === wa.webhookUrl && p.kind === 'inbound')[0]?.count).toBe(7);
    const conv = await conversationOf(wa.id, `+${from}`);
    const all = await eventually(
      async () => {
        const list = await messagesOf(conv.id);
        return list.length >= 7 ? list : undefined;
      },
      10_000,
      'seven messages',
    );
    expect(all.map((m) => m.content.type).sort()).toEqual([
      'document',
      'image',
      'interactive',
      'interactive',
      'interactive',
      'location',
      'text',
    ]);
    const image = all.find((m) => m.content.type === 'image') as Msg;
    const ready = await until(image.id, (m) => m.content.media?.state === 'ready', 'image stored');
    const bytes = Buffer.from(await (await fetch(ready.content.media?.url ?? '')).arrayBuffer());
    expect(bytes.equals(PNG)).toBe(true);
  });

  it('marks the customer’s last WhatsApp message read when the operator opens the conversation', async () => {
    const conv = await conversationOf(wa.id, '+385916000001');
    const last = sim.received({ from: '385916000001' }).at(-1);
    const res = await t.api('PATCH', `/api/v1/conversations/${conv.id}`, { markRead: true });
    expect(res.status).toBe(200);
    await eventually(
      async () => (sim.readMarks().includes(last?.messageId ?? '') ? true : undefined),
      10_000,
      'read mark',
    );
  });

  it('stores every message of a batched SMS push once, each in its own conversation', async () => {
    const numbers = ['385916000101', '385916000102', '385916000103'];
    for (const n of numbers) sim.customerSends({ channel: 'sms', from: n, text: `hello from ${n}` });
    await sim.idle();
    const push = sim
      .pushes()
      .filter((p) => p.url === sms.webhookUrl)
      .at(-1);
    expect(push?.count).toBe(3);
    for (const n of numbers) {
      const conv = await conversationOf(sms.id, `+${n}`);
      expect((await messagesOf(conv.id)).map((m) => m.content)).toEqual([{ type: 'text', text: `hello from ${n}` }]);
    }
    // the same push again (a retry after a lost answer) adds nothing
    expect(await sim.replay(push?.id ?? '')).toBe(200);
    await new Promise((r) => setTimeout(r, 400));
    const conv = await conversationOf(sms.id, `+${numbers[0]}`);
    expect(await messagesOf(conv.id)).toHaveLength(1);
    // another push holding one message already stored and a new one: only the new one is added
    const parsed = JSON.parse(push?.body ?? '{}') as { results: Array<Record<string, unknown>> };
    const fresh = {
      ...parsed.results[0],
      messageId: '900000000000000001',
      text: 'a second word',
      cleanText: 'second word',
    };
    const mixed = JSON.stringify({ results: [parsed.results[0], fresh], messageCount: 2, pendingMessageCount: 0 });
    expect((await post(sms, mixed, push?.headers ?? {})).status).toBe(200);
    const both = await eventually(
      async () => {
        const list = await messagesOf(conv.id);
        return list.length >= 2 ? list : undefined;
      },
      10_000,
      'the new message of the mixed push',
    );
    await new Promise((r) => setTimeout(r, 300));
    expect(
      (await messagesOf(conv.id))
        .map((m) => m.content)
        .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
    ).toEqual([
      { type: 'text', text: 'a second word' },
      { type: 'text', text: `hello from ${numbers[0]}` },
    ]);
    expect(both).toHaveLength(2);
  });

  it('refuses a push without the authorization header, or with another value; nothing is stored', async () => {
    const push = sim.pushes().find((p) => p.url === sms.webhookUrl);
    if (!push) throw new Error('no push');
    const { authorization, ...without } = push.headers;
    expect(authorization).toBe(sim.webhookAuth);
    const body = push.body.replace(/hello from/g, 'forged');
    expect((await post(sms, body, without)).status).toBe(401);
    expect((await post(sms, body, { ...without, authorization: `App ${sim.apiKey}` })).status).toBe(401);
    expect((await post(sms, body, { ...without, authorization: `${authorization}x` })).status).toBe(401);
    // the right header: the same body goes in
    expect((await post(sms, push.body, push.headers)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    const convs = (await t.api<{ data: Conv[] }>('GET', `/api/v1/conversations?connectionId=${sms.id}&limit=200`)).body
      .data;
    for (const c of convs)
      for (const m of await messagesOf(c.id)) expect(JSON.stringify(m.content)).not.toContain('forged');
  });

  it('sends with our messageId, notifyUrl and callbackData; reports apply forward-only even out of order; seen → read', async () => {
    const from = '385916000001';
    const conv = await conversationOf(wa.id, `+${from}`);
    const sent = await reply(conv.id, { type: 'text', text: 'We are on it' });
    const m = await until(sent.id, (x) => x.status === 'sent', 'sent');
    const out = sim.sent({ to: from }).find((x) => x.messageId === sent.id);
    expect(out).toMatchObject({ type: 'text', content: { text: 'We are on it' }, notifyUrl: wa.webhookUrl });
    expect(JSON.parse(out?.callbackData ?? '{}')).toEqual({ messageId: sent.id, conversationId: conv.id });
    expect(m.providerMessageId).toBe(sent.id);
    sim.emitReport(sent.id, INFOBIP_STATUSES.delivered);
    await until(sent.id, (x) => x.status === 'delivered', 'delivered');
    sim.emitReport(sent.id, INFOBIP_STATUSES.pendingEnroute); // late, out of order
    await sim.idle();
    await new Promise((r) => setTimeout(r, 300));
    expect((await message(sent.id)).status).toBe('delivered');
    sim.emitSeen(sent.id);
    await until(sent.id, (x) => x.status === 'read', 'read');
  });

  it('applies a batch of delivery reports: each its own message, failures with Infobip’s status and error kept', async () => {
    const smsConv = await conversationOf(sms.id, '+385916000101');
    const a = await reply(smsConv.id, { type: 'text', text: 'one' });
    const b = await reply(smsConv.id, { type: 'text', text: 'two' });
    const c = await reply(smsConv.id, { type: 'text', text: 'three' });
    for (const x of [a, b, c]) await until(x.id, (y) => y.status === 'sent', 'sent');
    expect(sim.sent({ channel: 'sms' }).find((x) => x.messageId === a.id)).toMatchObject({
      from: sim.smsNumber,
      to: '385916000101',
      text: 'one',
      notifyUrl: sms.webhookUrl,
    });
    sim.emitReport(a.id, INFOBIP_STATUSES.delivered);
    sim.emitReport(b.id, INFOBIP_STATUSES.undeliverable, INFOBIP_REPORT_ERRORS.absentSubscriber);
    sim.emitReport(c.id, INFOBIP_STATUSES.expired);
    await sim.idle();
    const push = sim
      .pushes()
      .filter((p) => p.url === sms.webhookUrl && p.kind === 'reports')
      .at(-1);
    expect(push?.count).toBe(3);
    await until(a.id, (x) => x.status === 'delivered', 'a delivered');
    const failed = await until(b.id, (x) => x.status === 'failed', 'b failed');
    expect(failed.statusDetail).toEqual({
      code: 'INVALID_RECIPIENT',
      message:
        'UNDELIVERABLE_NOT_DELIVERED (9): Message sent not delivered; EC_ABSENT_SUBSCRIBER (27): Absent Subscriber',
    });
    expect((await until(c.id, (x) => x.status === 'failed', 'c failed')).statusDetail?.message).toMatch(/EXPIRED/);
  });

  it('sends WhatsApp buttons to the buttons endpoint and images by a link Infobip can fetch; SMS gets numbered text', async () => {
    const conv = await conversationOf(wa.id, '+385916000001');
    const content: Content = {
      type: 'interactive',
      interactive: {
        kind: 'buttons',
        text: 'Confirm?',
        buttons: [
          { id: 'y', title: 'Yes' },
          { id: 'n', title: 'No' },
        ],
      },
    };
    const b = await reply(conv.id, content);
    await until(b.id, (x) => x.status === 'sent', 'buttons sent');
    expect(sim.sent().find((x) => x.messageId === b.id)).toMatchObject({
      type: 'interactive/buttons',
      content: {
        body: { text: 'Confirm?' },
        action: { buttons: [{ type: 'REPLY', id: 'y', title: 'Yes' }, { id: 'n' }] },
      },
    });
    const s = await reply((await conversationOf(sms.id, '+385916000102')).id, content);
    await until(s.id, (x) => x.status === 'sent', 'sms sent');
    expect(sim.sent({ channel: 'sms' }).find((x) => x.messageId === s.id)?.text).toMatch(/1.*Yes[\s\S]*2.*No/);

    const up = await fetch(`${t.url}/api/v1/media?fileName=pixel.png`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.token}`, 'content-type': 'image/png' },
      body: PNG,
    });
    const media = (await up.json()) as { url: string };
    const img = await reply(conv.id, {
      type: 'image',
      media: { url: media.url, mimeType: 'image/png', caption: 'a pixel' },
    });
    await until(img.id, (x) => x.status === 'sent', 'image sent');
    // Infobip downloads the mediaUrl itself: the signed link we gave must answer with the bytes
    const rec = await eventually(
      async () => {
        const r = sim.sent().find((x) => x.messageId === img.id);
        return r?.media ? r : undefined;
      },
      10_000,
      'image fetched by Infobip',
    );
    expect(rec).toMatchObject({ type: 'image', content: { caption: 'a pixel' } });
    expect(rec.media).toMatchObject({ status: 200, bytes: PNG.length });
  });

  it('sends Viber text through the v2 messages endpoint with the delivery webhook', async () => {
    sim.customerSends({ channel: 'viber', from: '385916000201', text: 'hi on viber' });
    const conv = await conversationOf(viber.id, '+385916000201');
    const v = await reply(conv.id, { type: 'text', text: 'hello on viber' });
    await until(v.id, (x) => x.status === 'sent', 'viber sent');
    expect(sim.sent({ channel: 'viber' }).find((x) => x.messageId === v.id)).toMatchObject({
      type: 'TEXT',
      from: sim.viberSender,
      content: { type: 'TEXT', text: 'hello on viber' },
      notifyUrl: viber.webhookUrl,
    });
    sim.emitReport(v.id, INFOBIP_STATUSES.delivered);
    await until(v.id, (x) => x.status === 'delivered', 'viber delivered');
  });

  it('syncs the WhatsApp sender’s templates and sends one with its placeholders in order', async () => {
    sim.addTemplate({
      name: 'order_update',
      language: 'en',
      status: 'APPROVED',
      category: 'UTILITY',
      body: 'Hi {{1}}, order {{2}} ships today',
    });
    const synced = await t.api<{ data: Array<{ name: string; status: string; variables: string[] }> }>(
      'POST',
      `/api/v1/connections/${wa.id}/templates/sync`,
    );
    expect(synced.body.data.find((x) => x.name === 'order_update')).toMatchObject({
      status: 'APPROVED',
      variables: ['1', '2'],
    });
    const res = await t.api<Msg>('POST', '/api/v1/messages', {
      connectionId: wa.id,
      to: '+385916000007',
      template: { name: 'order_update', language: 'en', variables: { '2': 'A-17', '1': 'Ana' } },
    });
    expect(res.status).toBe(202);
    await until(res.body.id, (x) => x.status === 'sent', 'template sent');
    expect(sim.sent().find((x) => x.messageId === res.body.id)).toMatchObject({
      type: 'template',
      to: '385916000007',
      content: {
        templateName: 'order_update',
        language: 'en',
        templateData: { body: { placeholders: ['Ana', 'A-17'] } },
      },
    });
  });

  it('a 400 fails the message with Infobip’s text; a 429 is retried and sent once', async () => {
    const conv = await conversationOf(wa.id, '+385916000001');
    sim.fault({
      op: 'sendWhatsApp',
      error: INFOBIP_ERRORS.badRequest({ 'content.text': ['size must be between 1 and 4096'] }),
    });
    const bad = await reply(conv.id, { type: 'text', text: 'refused' });
    const failed = await until(bad.id, (x) => x.status === 'failed', 'failed');
    expect(failed.statusDetail).toMatchObject({
      code: 'REJECTED',
      message: expect.stringContaining('size must be between 1 and 4096'),
    });
    sim.fault({ op: 'sendWhatsApp', error: INFOBIP_ERRORS.tooManyRequests() });
    const later = await reply(conv.id, { type: 'text', text: 'after a pause' });
    await until(later.id, (x) => x.status === 'sent', 'sent after 429');
    expect(sim.sent().filter((x) => x.messageId === later.id)).toHaveLength(1);
  });

  it('a 401 from Infobip fails the message and turns the connection to ERROR', async () => {
    const conv = await conversationOf(wa.id, '+385916000001');
    sim.fault({ op: 'sendWhatsApp', error: INFOBIP_ERRORS.unauthorized() });
    const m = await reply(conv.id, { type: 'text', text: 'no key' });
    const failed = await until(m.id, (x) => x.status === 'failed', 'failed');
    expect(failed.statusDetail?.code).toBe('AUTH');
    const conn = await eventually(
      async () => {
        const c = (await t.api<Conn>('GET', `/api/v1/connections/${wa.id}`)).body;
        return c.status === 'ERROR' ? c : undefined;
      },
      10_000,
      'ERROR',
    );
    expect(conn.statusReason).not.toContain(sim.apiKey);
  });
  it('keeps neither the API key nor the webhook authorization in logs or the database (the header only as a digest)', async () => {
    const db = ['switchboard.db', 'switchboard.db-wal']
      .map((f) => {
        try {
          return readFileSync(join(t.dataDir, f)).toString('latin1');
        } catch {
          return '';
        }
      })
      .join('');
    const everything = `${db}\n${t.logs.join('')}`;
    expect(db.length).toBeGreaterThan(0);
    for (const secret of [sim.apiKey, sim.webhookAuth]) expect(everything).not.toContain(secret);
  });
});
