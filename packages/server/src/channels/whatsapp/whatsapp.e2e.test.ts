/**
 * The WhatsApp connector end to end: a real hub (127.0.0.1) against the WhatsApp Cloud API simulator — start checks,
 * the GET handshake, signed webhooks of every type and in batches, dedup, signature rejection, operator replies
 * with forward-only statuses, provider failures and retries; plus media, templates and mark-as-read called directly.
 */
import { createHmac } from 'node:crypto';
import { join } from 'node:path';
import { startWhatsAppSimulator, type WhatsAppSimulator } from '@switchboard/simulators';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BaseContext, SendContext } from '../../channel-kit/index.js';
import { eventually, startTestServer, type TestServer } from '../../testing/test-server.js';
import type { WhatsAppConfig } from './config.js';
import { markWhatsAppRead, whatsappConnector } from './index.js';

/** the hub stores WhatsApp customers in E.164, the wa_id with a + (core/contacts/address-normalizer.ts) */
const e164 = (waId: string) => `+${waId}`;

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
  from: string;
  to: string;
  providerMessageId: string | null;
  statusDetail: { code: string; message: string } | null;
  content: Record<string, unknown> & { type: string };
}
interface Conv {
  id: string;
  address: string;
  senderAddress: string | null;
}

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

describe('whatsapp connector against the Cloud API simulator', () => {
  let sim: WhatsAppSimulator;
  let t: TestServer;
  let conn: Conn;
  let config: WhatsAppConfig;

  const defaults = () => {
    if (!sim.defaults) throw new Error('simulator not seeded');
    return sim.defaults;
  };
  const createConnection = async (overrides: Record<string, unknown> = {}) => {
    const res = await t.api<Conn>('POST', '/api/v1/connections', {
      type: 'whatsapp',
      name: 'WhatsApp',
      config: {
        accessToken: defaults().accessToken,
        appSecret: sim.app.secret,
        businessAccountId: defaults().wabaId,
        phoneNumberIds: [defaults().phoneNumberId],
        apiBaseUrl: sim.url,
        ...overrides,
      },
    });
    expect(res.status).toBe(201);
    return res.body;
  };
  const conversationOf = (address: string) =>
    eventually(
      async () =>
        (
          await t.api<{ data: Conv[] }>('GET', `/api/v1/conversations?connectionId=${conn.id}&limit=200`)
        ).body.data.find((c) => c.address === e164(address)),
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
      10_000,
      `message ${id} ${status}`,
    );
  const reply = async (conversationId: string, text: string) => {
    const res = await t.api<Msg>('POST', `/api/v1/conversations/${conversationId}/messages`, {
      content: { type: 'text', text },
    });
    expect(res.status).toBe(202);
    return res.body;
  };
  /** a customer writes first (opens the 24 h window at the hub and the simulator) */
  const customerSays = async (from: string, text: string) => {
    const { wamid } = sim.sendText({ from, text, profileName: `Customer ${from.slice(-2)}` });
    const conv = await conversationOf(from);
    await eventually(
      async () => (await messagesOf(conv.id)).some((m) => m.providerMessageId === wamid),
      10_000,
      `inbound ${wamid}`,
    );
    return conv;
  };
  const direct = (): SendContext<WhatsAppConfig> & BaseContext<WhatsAppConfig> => ({
    connectionId: conn.id,
    config,
    webhookUrl: conn.webhookUrl,
    http: (url, init) => fetch(url, init),
    signal: new AbortController().signal,
    log: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
    media: {
      read: (url) =>
        Promise.resolve(
          url === '/media/dot.png'
            ? { bytes: PNG, mimeType: 'image/png', fileName: 'dot.png' }
            : { bytes: Buffer.from('%PDF-1.4 test'), mimeType: 'application/pdf', fileName: 'terms.pdf' },
        ),
    },
  });

  beforeAll(async () => {
    sim = await startWhatsAppSimulator({
      webhooks: { retryScale: 0.001 },
      receipts: { sentAfterMs: 50, deliveredAfterMs: 150, readAfterMs: 300 },
    });
    t = await startTestServer({ env: { SWITCHBOARD_OUTBOUND_MAX_ATTEMPTS: '4' } });
    conn = await createConnection();
    config = {
      accessToken: defaults().accessToken,
      appSecret: sim.app.secret,
      businessAccountId: defaults().wabaId,
      phoneNumberIds: [defaults().phoneNumberId],
      verifyToken: String(conn.config.verifyToken),
      apiVersion: 'v21.0',
      apiBaseUrl: sim.url,
      messagesPerSecond: 80,
    };
  });
  afterAll(async () => {
    await t?.close();
    await sim?.close();
  });

  it('creates the connection with a generated verify token shown and the secrets masked; start checks the account', async () => {
    expect(conn.config.accessToken).toBe('********');
    expect(conn.config.appSecret).toBe('********');
    expect(String(conn.config.verifyToken).length).toBeGreaterThanOrEqual(16);
    const started = await t.api<Conn>('POST', `/api/v1/connections/${conn.id}/start`);
    expect([started.body.status, started.body.statusReason]).toEqual(['RUNNING', null]);
    expect(
      sim
        .apiCalls({ op: 'phone.get' })
        .some((c) => c.path.endsWith(`/${defaults().phoneNumberId}`) && c.status === 200),
    ).toBe(true);
  });

  it('puts a connection with a revoked token or an unknown number into ERROR with the provider reason', async () => {
    const { token } = sim.createAccessToken();
    sim.revokeToken({ token });
    const revoked = await createConnection({ accessToken: token });
    const r1 = await t.api<Conn>('POST', `/api/v1/connections/${revoked.id}/start`);
    expect(r1.body.status).toBe('ERROR');
    expect(r1.body.statusReason).toMatch(
      /^AUTH: \(#190\) Error validating access token: The session has been invalidated/,
    );
    expect(r1.body.statusReason).not.toContain(token);
    const unknown = await createConnection({ phoneNumberIds: [defaults().phoneNumberId, '999000111'] });
    const r2 = await t.api<Conn>('POST', `/api/v1/connections/${unknown.id}/start`);
    expect(r2.body.status).toBe('ERROR');
    expect(r2.body.statusReason).toMatch(
      /^INVALID_CONFIG: phone number id 999000111 is unknown to this access token: .*Object with ID '999000111' does not exist/,
    );
  });

  it("passes Meta's GET handshake with our verify token; a wrong token gets 403", async () => {
    const ok = await sim.configureWebhook({ url: conn.webhookUrl, verifyToken: config.verifyToken as string });
    expect(ok?.ok).toBe(true);
    const wrong = await sim.verifyWebhook({ url: conn.webhookUrl, verifyToken: 'not-the-token' });
    expect([wrong.ok, wrong.status]).toEqual([false, 403]);
  });

  it('stores customer messages of every type as messages', async () => {
    const from = '16505550101';
    const text = sim.sendText({ from, text: 'Does it come in blue?', profileName: 'Sheena' });
    const image = sim.sendMedia({ from, type: 'image', data: PNG, mimeType: 'image/png', caption: 'like this' });
    const voice = sim.sendMedia({
      from,
      type: 'audio',
      data: Buffer.from('OggS voice'),
      mimeType: 'audio/ogg; codecs=opus',
      voice: true,
    });
    const doc = sim.sendMedia({
      from,
      type: 'document',
      data: Buffer.from('%PDF'),
      mimeType: 'application/pdf',
      filename: 'order.pdf',
    });
    const location = sim.sendLocation({ from, latitude: 52.52, longitude: 13.405, name: 'Berlin' });
    const contacts = sim.sendContacts({
      from,
      contacts: [{ name: { formatted_name: 'Ada Lovelace' }, phones: [{ phone: '+44 20 7946 0000' }] }],
    });
    const reaction = sim.sendReaction({ from, messageId: text.wamid, emoji: '\u2764\uFE0F' });
    const unsupported = sim.sendUnsupported({ from });
    const conv = await conversationOf(from);
    const all = await eventually(
      async () => {
        const list = await messagesOf(conv.id);
        return list.length >= 7 ? list : undefined;
      },
      10_000,
      'seven messages',
    );
    const byWamid = (w: string) => all.find((m) => m.providerMessageId === w);
    expect(byWamid(text.wamid)?.content).toEqual({ type: 'text', text: 'Does it come in blue?' });
    expect(byWamid(image.wamid)?.content).toMatchObject({
      type: 'image',
      media: { mimeType: 'image/png', caption: 'like this', providerMediaId: image.message.image?.id },
    });
    expect(byWamid(voice.wamid)?.content.type).toBe('audio');
    expect(byWamid(doc.wamid)?.content).toMatchObject({ type: 'document', media: { fileName: 'order.pdf' } });
    expect(byWamid(location.wamid)?.content).toMatchObject({
      type: 'location',
      location: { latitude: 52.52, longitude: 13.405, name: 'Berlin' },
    });
    expect(byWamid(contacts.wamid)?.content).toMatchObject({
      type: 'contact',
      contacts: [{ name: 'Ada Lovelace', phones: ['+44 20 7946 0000'] }],
    });
    expect(byWamid(reaction.wamid)?.content).toEqual({
      type: 'reaction',
      reaction: { emoji: '\u2764\uFE0F', targetProviderMessageId: text.wamid },
    });
    expect(byWamid(unsupported.wamid)).toBeUndefined();
    expect(
      all.every((m) => m.direction === 'inbound' && m.from === e164(from) && m.to === defaults().phoneNumberId),
    ).toBe(true);
    expect((await conversationOf(from)).senderAddress).toBe(defaults().phoneNumberId);
  });

  it('stores every message of a batched POST (several customers, one delivery)', async () => {
    const before = sim.webhookDeliveries().length;
    const sent: Array<{ from: string; wamid: string }> = [];
    await sim.batch(() => {
      for (const from of ['16505550201', '16505550202', '16505550201', '16505550203'])
        sent.push({ from, wamid: sim.sendText({ from, text: `batched from ${from}` }).wamid });
    });
    await sim.idle();
    const deliveries = sim.webhookDeliveries().slice(before);
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]?.eventCount).toBe(4);
    for (const { from, wamid } of sent) {
      const conv = await conversationOf(from);
      await eventually(
        async () => (await messagesOf(conv.id)).some((m) => m.providerMessageId === wamid),
        10_000,
        `batched ${wamid}`,
      );
    }
    expect(await messagesOf((await conversationOf('16505550201')).id)).toHaveLength(2);
  });

  it('stores a re-delivered webhook once', async () => {
    const from = '16505550301';
    const { wamid } = sim.sendText({ from, text: 'only once please' });
    await sim.idle();
    const delivery = sim.webhookDeliveries().find((d) => d.body.includes(wamid));
    if (!delivery) throw new Error('no delivery');
    const again = await Promise.all(
      [1, 2].map(() => fetch(conn.webhookUrl, { method: 'POST', headers: delivery.headers, body: delivery.body })),
    );
    expect(again.map((r) => r.status)).toEqual([200, 200]);
    const conv = await conversationOf(from);
    await new Promise((r) => setTimeout(r, 300));
    expect((await messagesOf(conv.id)).filter((m) => m.providerMessageId === wamid)).toHaveLength(1);
    // the same message re-sent in other bytes (a re-signed batch) is still stored once, by its wamid
    const rebatched = delivery.body.replace('"entry":[', '"entry":[{"id":"0","changes":[]},');
    const res = await fetch(conn.webhookUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-hub-signature-256': `sha256=${createHmac('sha256', sim.app.secret).update(rebatched).digest('hex')}`,
      },
      body: rebatched,
    });
    expect(res.status).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    expect((await messagesOf(conv.id)).filter((m) => m.providerMessageId === wamid)).toHaveLength(1);
    // byte-identical re-deliveries were dropped before storage (event key); the re-batched one was stored and deduped by wamid
    const db = new Database(join(t.dataDir, 'switchboard.db'), { readonly: true });
    const row = db
      .prepare('select count(*) as n from inbound_events where connection_id = ? and cast(body as text) like ?')
      .get(conn.id, `%${wamid}%`) as { n: number };
    db.close();
    expect(row.n).toBe(2);
  });

  it('rejects a missing or tampered signature with 401 and stores nothing', async () => {
    const from = '16505550401';
    const body = JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: defaults().wabaId,
          changes: [
            {
              field: 'messages',
              value: {
                messaging_product: 'whatsapp',
                metadata: {
                  display_phone_number: defaults().displayPhoneNumber,
                  phone_number_id: defaults().phoneNumberId,
                },
                contacts: [{ profile: { name: 'Mallory' }, wa_id: from }],
                messages: [
                  { from, id: 'wamid.forged', timestamp: '1749416383', type: 'text', text: { body: 'forged' } },
                ],
              },
            },
          ],
        },
      ],
    });
    const signature = `sha256=${createHmac('sha256', sim.app.secret).update(body).digest('hex')}`;
    const missing = await fetch(conn.webhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    const tampered = await fetch(conn.webhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature },
      body: body.replace('forged', 'f0rged'),
    });
    const wrongKey = await fetch(conn.webhookUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-hub-signature-256': `sha256=${createHmac('sha256', 'guessed').update(body).digest('hex')}`,
      },
      body,
    });
    expect([missing.status, tampered.status, wrongKey.status]).toEqual([401, 401, 401]);
    await new Promise((r) => setTimeout(r, 300));
    const convs = (await t.api<{ data: Conv[] }>('GET', `/api/v1/conversations?connectionId=${conn.id}&limit=200`)).body
      .data;
    expect(convs.some((c) => c.address === from || c.address === e164(from))).toBe(false);
    const logs = (
      await t.api<{ data: Array<{ event: string; message: string }> }>(
        'GET',
        `/api/v1/connections/${conn.id}/logs?limit=200`,
      )
    ).body.data;
    expect(logs.some((l) => l.event === 'webhook_rejected')).toBe(true);
  });

  it('sends an operator reply within the window; delivered and read statuses follow', async () => {
    const conv = await customerSays('16505550501', 'hello?');
    const out = await reply(conv.id, 'Hi! Yes, it comes in blue.');
    const read = await statusOf(out.id, 'read');
    // the hub sends the E.164 form it stores; Graph takes a phone number with its + (https://developers.facebook.com/docs/whatsapp/cloud-api/reference/messages)
    const record = sim.sentMessages({ to: '16505550501' }).find((m) => m.wamid === read.providerMessageId);
    expect(record?.request).toMatchObject({
      messaging_product: 'whatsapp',
      to: e164('16505550501'),
      type: 'text',
      text: { body: 'Hi! Yes, it comes in blue.' },
      biz_opaque_callback_data: out.id,
    });
    expect(record?.phoneNumberId).toBe(defaults().phoneNumberId);
    expect(read.from).toBe(defaults().phoneNumberId);
    expect(record?.statuses.map((s) => s.status)).toEqual(['sent', 'delivered', 'read']);
  });

  it('never moves a status backwards when the simulator emits them out of order', async () => {
    const conv = await customerSays('16505550601', 'order?');
    sim.setReceiptTimings({ deliveredAfterMs: null, readAfterMs: null });
    try {
      const out = await reply(conv.id, 'out of order');
      const sent = await statusOf(out.id, 'sent');
      const wamid = sent.providerMessageId as string;
      await sim.idle();
      sim.emitStatus({ wamid, status: 'read' });
      await statusOf(out.id, 'read');
      sim.emitStatus({ wamid, status: 'delivered' });
      sim.emitStatus({ wamid, status: 'sent' });
      sim.emitStatus({ wamid, status: 'failed', errorCode: 131026 });
      await sim.idle();
      await new Promise((r) => setTimeout(r, 400));
      expect((await message(out.id)).status).toBe('read');
    } finally {
      sim.setReceiptTimings({ deliveredAfterMs: 150, readAfterMs: 300 });
    }
  });

  it('fails an undeliverable reply (131026) with the provider message, reported asynchronously or synchronously', async () => {
    const from = '16505550701';
    const conv = await customerSays(from, 'hi');
    sim.updateCustomer({ waId: from, undeliverable: true });
    const asyncOut = await reply(conv.id, 'will not arrive');
    const failed = await statusOf(asyncOut.id, 'failed');
    expect(failed.statusDetail).toEqual({
      code: 'INVALID_RECIPIENT',
      message: '(#131026) Message undeliverable: Message Undeliverable.',
    });
    sim.updateCustomer({ waId: from, undeliverable: false });
    sim.injectFault({ op: 'messages', error: { code: 131026 }, times: 1 });
    const syncOut = await reply(conv.id, 'refused at once');
    const refused = await statusOf(syncOut.id, 'failed');
    expect(refused.statusDetail).toEqual({
      code: 'INVALID_RECIPIENT',
      message: '(#131026) Message undeliverable: Message Undeliverable.',
    });
    expect(sim.apiCalls({ op: 'messages' }).filter((c) => c.errorCode === 131026)).toHaveLength(1);
  });

  it('retries a throughput limit (130429) and then sends exactly once', async () => {
    const conv = await customerSays('16505550801', 'still there?');
    const calls = sim.apiCalls({ op: 'messages' }).length;
    sim.injectFault({ op: 'messages', error: { code: 130429 }, times: 1 });
    const out = await reply(conv.id, 'after a rate limit');
    const sent = await eventually(
      async () => {
        const m = await message(out.id);
        return m.providerMessageId ? m : undefined;
      },
      10_000,
      'the retried send',
    );
    const mine = sim.apiCalls({ op: 'messages' }).slice(calls);
    expect(mine.map((c) => [c.status, c.errorCode ?? null])).toEqual([
      [400, 130429],
      [200, null],
    ]);
    expect(
      sim
        .sentMessages({ to: '16505550801' })
        .filter((m) => (m.request.text as { body?: string } | undefined)?.body === 'after a rate limit'),
    ).toHaveLength(1);
    expect(sent.providerMessageId).toMatch(/^wamid\./);
  });

  describe('connector functions called directly against the simulator', () => {
    it('fetchMedia downloads a customer file through the short-lived url with the bearer', async () => {
      const { message: m } = sim.sendMedia({ from: '16505550901', type: 'image', data: PNG, mimeType: 'image/png' });
      const media = await whatsappConnector.features.fetchMedia?.({ providerMediaId: m.image?.id as string }, direct());
      expect(media?.mimeType).toBe('image/png');
      expect(media?.bytes.equals(PNG)).toBe(true);
      const err = await whatsappConnector.features
        .fetchMedia?.({ providerMediaId: '123456789' }, direct())
        .catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'REJECTED', providerCode: '100' });
    });

    it('markRead marks the customer message read at the provider', async () => {
      const { wamid } = sim.sendText({ from: '16505551001', text: 'read me' });
      await markWhatsAppRead(wamid, defaults().phoneNumberId, direct());
      expect(
        sim.receivedMessages({ from: '16505551001' }).find((m) => m.wamid === wamid)?.readByBusinessAt,
      ).toBeGreaterThan(0);
      const second = sim.sendText({ from: '16505551001', text: 'and me' });
      await whatsappConnector.features.readReceipts?.(
        { providerMessageId: second.wamid, from: defaults().phoneNumberId },
        direct(),
      );
      expect(
        sim.receivedMessages({ from: '16505551001' }).find((m) => m.wamid === second.wamid)?.readByBusinessAt,
      ).toBeGreaterThan(0);
      await expect(markWhatsAppRead('wamid.unknown', defaults().phoneNumberId, direct())).rejects.toMatchObject({
        code: 'REJECTED',
        providerCode: '100',
      });
    });

    it('uploads our stored media and sends it by id (image with caption, document with file name)', async () => {
      sim.sendText({ from: '16505551101', text: 'send me the files' });
      const base = { conversationId: 'conv_x', to: '16505551101' };
      const img = await whatsappConnector.send(
        {
          ...base,
          id: 'msg_img',
          content: { type: 'image', media: { url: '/media/dot.png', mimeType: 'image/png', caption: 'a dot' } },
        },
        direct(),
      );
      const doc = await whatsappConnector.send(
        {
          ...base,
          id: 'msg_doc',
          content: {
            type: 'document',
            media: { url: '/media/terms.pdf', mimeType: 'application/pdf', fileName: 'terms.pdf' },
          },
        },
        direct(),
      );
      expect(img.from).toBe(defaults().phoneNumberId);
      const sent = sim.sentMessages({ to: '16505551101' });
      const imgReq = sent.find((m) => m.wamid === img.providerMessageId)?.request as {
        image: { id: string; caption: string };
      };
      expect(imgReq.image.caption).toBe('a dot');
      expect(sent.find((m) => m.wamid === doc.providerMessageId)?.request).toMatchObject({
        type: 'document',
        document: { filename: 'terms.pdf' },
      });
      expect(sim.apiCalls({ op: 'media.upload' }).filter((c) => c.status === 200).length).toBeGreaterThanOrEqual(2);
      const back = await whatsappConnector.features.fetchMedia?.({ providerMediaId: imgReq.image.id }, direct());
      expect(back?.bytes.equals(PNG)).toBe(true);
    });

    it('sends buttons, a list, a location, contacts and a reaction in the shapes Graph accepts', async () => {
      const { wamid } = sim.sendText({ from: '16505551201', text: 'options?' });
      const base = { conversationId: 'conv_y', to: '16505551201' };
      const contents = [
        {
          type: 'interactive',
          interactive: {
            kind: 'buttons',
            text: 'Pick one',
            buttons: [
              { id: 'b1', title: 'Yes' },
              { id: 'b2', title: 'No' },
            ],
          },
        },
        {
          type: 'interactive',
          interactive: {
            kind: 'list',
            text: 'Sizes',
            buttons: [
              { id: 's', title: 'Small' },
              { id: 'l', title: 'Large' },
            ],
          },
        },
        { type: 'location', location: { latitude: 37.48, longitude: -122.14, name: 'HQ' } },
        { type: 'contact', contacts: [{ name: 'Barbara Johnson', phones: ['+19405551234'], emails: [] }] },
        { type: 'reaction', reaction: { emoji: '\u{1F44D}', targetProviderMessageId: wamid } },
      ] as const;
      for (const [i, content] of contents.entries()) {
        const receipt = await whatsappConnector.send(
          { ...base, id: `msg_${i}`, content: structuredClone(content) as never },
          direct(),
        );
        expect(receipt.providerMessageId).toMatch(/^wamid\./);
      }
      expect(sim.sentMessages({ to: '16505551201' }).map((m) => m.type)).toEqual([
        'interactive',
        'interactive',
        'location',
        'contacts',
        'reaction',
      ]);
    });

    it('syncTemplates follows paging and derives variables; a template send renders them', async () => {
      sim.createTemplate({
        name: 'order_update',
        category: 'UTILITY',
        components: [
          { type: 'HEADER', format: 'TEXT', text: 'Order {{1}}' },
          { type: 'BODY', text: 'Hi {{1}}, order {{2}} ships on {{3}}.' },
          { type: 'BUTTONS', buttons: [{ type: 'URL', text: 'Track', url: 'https://shop.example/track/{{1}}' }] },
        ],
      });
      for (let i = 0; i < 120; i++)
        sim.createTemplate({
          name: `bulk_${String(i).padStart(3, '0')}`,
          components: [{ type: 'BODY', text: 'Bulk {{1}}' }],
        });
      const templates = (await whatsappConnector.features.templates?.sync(direct())) ?? [];
      expect(templates).toHaveLength(122);
      expect(sim.apiCalls({ op: 'templates.list' }).length).toBeGreaterThanOrEqual(2);
      const order = templates.find((x) => x.name === 'order_update');
      expect(order).toMatchObject({
        language: 'en_US',
        status: 'APPROVED',
        category: 'UTILITY',
        variables: ['header.1', '1', '2', '3', 'button.0.1'],
        body: 'Hi {{1}}, order {{2}} ships on {{3}}.',
      });
      expect(templates.find((x) => x.name === 'hello_world')?.variables).toEqual([]);

      const variables = Object.fromEntries(
        (order?.variables ?? []).map((v) => [
          v,
          { 'header.1': '#42', '1': 'Ana', '2': 'B-42', '3': 'Friday', 'button.0.1': 'B-42' }[v] ?? '',
        ]),
      );
      const receipt = await whatsappConnector.send(
        {
          id: 'msg_tpl',
          conversationId: 'c',
          to: '16505551301',
          content: { type: 'template', template: { name: 'order_update', language: 'en_US', variables } },
        },
        direct(),
      );
      const rec = sim.sentMessages({ to: '16505551301' }).find((m) => m.wamid === receipt.providerMessageId);
      expect(rec?.rendered).toMatchObject({
        header: 'Order #42',
        body: 'Hi Ana, order B-42 ships on Friday.',
        buttons: ['Track <https://shop.example/track/B-42>'],
      });
      const wrong = await whatsappConnector
        .send(
          {
            id: 'msg_tpl2',
            conversationId: 'c',
            to: '16505551301',
            content: {
              type: 'template',
              template: { name: 'order_update', language: 'en_US', variables: { '1': 'Ana' } },
            },
          },
          direct(),
        )
        .catch((e: unknown) => e);
      expect(wrong).toMatchObject({ code: 'REJECTED', providerCode: '132000' });
    });
  });
});
