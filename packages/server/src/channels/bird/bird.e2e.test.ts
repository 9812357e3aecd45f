/**
 * The Bird connector end to end: a real hub on 127.0.0.1 and the Bird simulator. Start (key + channel checked, kind
 * learned, subscriptions created), inbound of every body type, signatures valid / missing / tampered / stale, re-deliveries
 * stored once, replies with `reference`, statuses out of order, templates, SMS degradation, Bird errors (4xx → failed
 * with its message, 429 → retried, 401 → connection ERROR), stop removing the subscriptions.
 */
import { BIRD_ERRORS, startBirdSimulator, type BirdSimulator } from '@switchboard/simulators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Content } from '../../model/index.js';
import { eventually, startTestServer, testClock, type TestServer } from '../../testing/test-server.js';
import { TINY_PNG } from '../../testing/hub-reads.js';

interface Conv {
  id: string;
  address: string;
  connectionId: string;
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

describe('bird connector end to end', () => {
  let sim: BirdSimulator;
  let t: TestServer;
  let wa: Conn;
  let sms: Conn;

  const conversationOf = (connectionId: string, address: string) =>
    eventually(
      async () =>
        (
          await t.api<{ data: Conv[] }>('GET', `/api/v1/conversations?connectionId=${connectionId}&limit=200`)
        ).body.data.find((c) => c.address === address),
      10_000,
      `conversation of ${address}`,
    );
  const messagesOf = async (conversationId: string) =>
    (await t.api<{ data: Msg[] }>('GET', `/api/v1/conversations/${conversationId}/messages?limit=200`)).body.data;
  const message = async (id: string) => (await t.api<Msg>('GET', `/api/v1/messages/${id}`)).body;
  const until = (id: string, ok: (m: Msg) => boolean, what: string) =>
    eventually(
      async () => {
        const m = await message(id);
        return ok(m) ? m : undefined;
      },
      15_000,
      what,
    );
  const reply = async (conversationId: string, content: Content) => {
    const res = await t.api<Msg>('POST', `/api/v1/conversations/${conversationId}/messages`, { content });
    expect(res.status).toBe(202);
    return res.body;
  };
  const create = async (channelId: string, name: string) => {
    const res = await t.api<Conn>('POST', '/api/v1/connections', {
      type: 'bird',
      name,
      config: { accessKey: sim.accessKey, workspaceId: sim.workspaceId, channelId, apiBaseUrl: sim.url },
    });
    expect(res.status).toBe(201);
    return res.body;
  };
  const post = (conn: Conn, body: string, headers: Record<string, string>) =>
    fetch(conn.webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

  beforeAll(async () => {
    sim = await startBirdSimulator({ webhooks: { retryScale: 0.0005 }, receipts: false });
    t = await startTestServer({ env: { SWITCHBOARD_OUTBOUND_MAX_ATTEMPTS: '3' } });
    wa = await create(sim.whatsappChannel.id, 'Bird WhatsApp');
    sms = await create(sim.smsChannel.id, 'Bird SMS');
    expect(wa.config.accessKey).toBe('********');
    expect(wa.config.signingKey).toBe('********');
  });
  afterAll(async () => {
    await t?.close();
    await sim?.close();
  });

  it('starts: checks the key and the channel, learns its kind, subscribes inbound, outbound and interaction for our URL', async () => {
    for (const c of [wa, sms]) {
      const started = await t.api<Conn>('POST', `/api/v1/connections/${c.id}/start`);
      expect(started.body).toMatchObject({ status: 'RUNNING', statusReason: null });
    }
    expect((await t.api<Conn>('GET', `/api/v1/connections/${wa.id}`)).body.config.channelKind).toBe('whatsapp');
    expect((await t.api<Conn>('GET', `/api/v1/connections/${sms.id}`)).body.config.channelKind).toBe('sms');
    const ours = sim.subscriptions().filter((s) => s.url === wa.webhookUrl);
    expect(ours.map((s) => s.event).sort()).toEqual(['whatsapp.inbound', 'whatsapp.interaction', 'whatsapp.outbound']);
    expect(
      ours.every((s) => s.eventFilters[0]?.value === sim.whatsappChannel.id && (s.signingKey?.length ?? 0) >= 16),
    ).toBe(true);
    expect(
      sim
        .subscriptions()
        .filter((s) => s.url === sms.webhookUrl)
        .map((s) => s.event)
        .sort(),
    ).toEqual(['sms.inbound', 'sms.interaction', 'sms.outbound']);
  });

  it('a wrong access key or an unknown channel does not start', async () => {
    const bad = await t.api<Conn>('POST', '/api/v1/connections', {
      type: 'bird',
      name: 'bad key',
      config: {
        accessKey: 'not-a-key',
        workspaceId: sim.workspaceId,
        channelId: sim.smsChannel.id,
        apiBaseUrl: sim.url,
      },
    });
    expect((await t.api<Conn>('POST', `/api/v1/connections/${bad.body.id}/start`)).body.status).toBe('ERROR');
    const unknown = await t.api<Conn>('POST', '/api/v1/connections', {
      type: 'bird',
      name: 'unknown channel',
      config: { accessKey: sim.accessKey, workspaceId: sim.workspaceId, channelId: 'nope', apiBaseUrl: sim.url },
    });
    const res = (await t.api<Conn>('POST', `/api/v1/connections/${unknown.body.id}/start`)).body;
    expect(res.status).toBe('ERROR');
    expect(res.statusReason).toMatch(/nope/);
  });

  it('receives text, image, file, location, a button and a list reply into one conversation; media fetched', async () => {
    const from = '+31612000001';
    sim.customerSends({ from, name: 'Ana', text: 'hello, my order is late' });
    sim.customerSends({ from, image: { data: PNG, contentType: 'image/png', caption: 'the box' } });
    sim.customerSends({
      from,
      file: { data: Buffer.from('%PDF-1.4 test'), contentType: 'application/pdf', filename: 'invoice.pdf' },
    });
    sim.customerSends({ from, location: { latitude: 52.37, longitude: 4.9, label: 'Amsterdam' } });
    sim.customerSends({ from, postback: { payload: 'yes', text: 'Yes' } });
    sim.customerSends({ from, postback: { payload: 'slot_1', text: 'Tomorrow', list: true } });
    await sim.idle();
    const conv = await conversationOf(wa.id, from);
    const all = await eventually(
      async () => {
        const list = await messagesOf(conv.id);
        return list.length >= 6 ? list : undefined;
      },
      10_000,
      'six messages',
    );
    expect(all.map((m) => m.content.type).sort()).toEqual([
      'document',
      'image',
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

  it('verifies signatures: missing, tampered and wrong-key requests are refused; nothing is stored', async () => {
    const d = sim.deliveries().find((x) => x.url === wa.webhookUrl && x.event === 'whatsapp.inbound');
    if (!d) throw new Error('no delivery');
    const { 'messagebird-signature': sig, ...unsigned } = d.headers;
    expect(sig).toBeTruthy();
    expect((await post(wa, d.body, unsigned)).status).toBe(401);
    expect((await post(wa, d.body.replace('hello', 'HELLO'), d.headers)).status).toBe(401);
    // the same bytes at another connection's URL (signed for this one) are refused there
    expect((await post(sms, d.body, d.headers)).status).toBe(401);
  });

  it('refuses a stale timestamp (a replay older than 5 minutes); Bird retries and the fresh retry is stored', async () => {
    const from = '+31612000002';
    sim.setTimestampSkew(-6 * 60_000);
    sim.customerSends({ from, text: 'stale then fresh' });
    const d = await eventually(
      async () => {
        const x = sim.deliveries().find((y) => y.body.includes('stale then fresh'));
        return x && x.attempts.length >= 1 && x.attempts[0]?.status ? x : undefined;
      },
      10_000,
      'first attempt',
    );
    expect(d.attempts[0]?.status).toBe(401);
    sim.setTimestampSkew(0);
    await eventually(async () => (d.state === 'delivered' ? true : undefined), 15_000, 'a later attempt delivered');
    const conv = await conversationOf(wa.id, from);
    expect((await messagesOf(conv.id)).filter((m) => m.content.type === 'text')).toHaveLength(1);
  });

  it('stores a re-delivered message once (dedup on the message id)', async () => {
    const from = '+31612000003';
    sim.customerSends({ from, text: 'only once' });
    await sim.idle();
    const d = sim.deliveries().find((x) => x.body.includes('only once'));
    if (!d) throw new Error('no delivery');
    expect(await sim.replay(d.id)).toBe(200);
    expect(await sim.replay(d.id)).toBe(200);
    const conv = await conversationOf(wa.id, from);
    await new Promise((r) => setTimeout(r, 500));
    expect((await messagesOf(conv.id)).filter((m) => m.direction === 'inbound')).toHaveLength(1);
  });

  it('replies with reference = our id; statuses applied forward-only even out of order; reads from interactions', async () => {
    const from = '+31612000001';
    const conv = await conversationOf(wa.id, from);
    const sent = await reply(conv.id, { type: 'text', text: 'We are on it' });
    const m = await until(sent.id, (x) => x.status === 'sent', 'sent');
    const out = sim.sent({ to: from }).find((x) => x.reference === sent.id);
    expect(out?.body).toEqual({ type: 'text', text: { text: 'We are on it' } });
    expect(m.providerMessageId).toBe(out?.id);
    sim.emitStatus(out?.id ?? '', 'delivered');
    await until(sent.id, (x) => x.status === 'delivered', 'delivered');
    sim.emitStatus(out?.id ?? '', 'sent'); // late, out of order
    await sim.idle();
    await new Promise((r) => setTimeout(r, 300));
    expect((await message(sent.id)).status).toBe('delivered');
    sim.emitInteraction(out?.id ?? '', 'read');
    await until(sent.id, (x) => x.status === 'read', 'read');
  });

  it('sends buttons as postbacks on WhatsApp, and as numbered text on SMS (limits by channel kind)', async () => {
    const conv = await conversationOf(wa.id, '+31612000001');
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
    const body = sim.sent().find((x) => x.reference === b.id)?.body as { text: { actions: unknown[] } };
    expect(body.text.actions).toHaveLength(2);
    sim.customerSends({ channelId: sim.smsChannel.id, from: '+31612000009', text: 'hi by sms' });
    const smsConv = await conversationOf(sms.id, '+31612000009');
    const s = await reply(smsConv.id, content);
    await eventually(
      async () => (sim.sent({ channelId: sim.smsChannel.id }).length > 0 ? true : undefined),
      10_000,
      'sms sent',
    );
    const smsBody = sim.sent({ channelId: sim.smsChannel.id })[0]?.body as {
      type: string;
      text: { text: string; actions?: unknown };
    };
    expect(smsBody.type).toBe('text');
    expect(smsBody.text.actions).toBeUndefined();
    expect(smsBody.text.text).toMatch(/1.*Yes[\s\S]*2.*No/);
    expect(s.id).toBeTruthy();
  });

  it('sends templates by project id + version + variables after a sync', async () => {
    const p = sim.addTemplate({
      name: 'order_update',
      version: 'v3',
      status: 'active',
      locales: ['en'],
      variables: ['name', 'order'],
      text: 'Hi {{name}}, order {{order}} ships today',
    });
    const synced = await t.api<{ data: Array<{ name: string; status: string; variables: string[] }> }>(
      'POST',
      `/api/v1/connections/${wa.id}/templates/sync`,
    );
    expect(synced.body.data.find((x) => x.name === 'order_update')).toMatchObject({
      status: 'APPROVED',
      variables: ['name', 'order'],
    });
    const res = await t.api<Msg>('POST', '/api/v1/messages', {
      connectionId: wa.id,
      to: '+31612000007',
      template: { name: 'order_update', language: 'en', variables: { name: 'Ana', order: 'A-17' } },
    });
    expect(res.status).toBe(202);
    await until(res.body.id, (x) => x.status === 'sent', 'template sent');
    expect(sim.sent().find((x) => x.reference === res.body.id)?.template).toEqual({
      projectId: p.id,
      version: 'v3',
      locale: 'en',
      parameters: [
        { type: 'string', key: 'name', value: 'Ana' },
        { type: 'string', key: 'order', value: 'A-17' },
      ],
    });
  });

  it('Bird 4xx → failed with its message; 429 → retried and sent', async () => {
    const conv = await conversationOf(wa.id, '+31612000001');
    sim.fault({ op: 'sendMessage', error: BIRD_ERRORS.invalidPayload({ body: ['text too long for this channel'] }) });
    const bad = await reply(conv.id, { type: 'text', text: 'refused' });
    const failed = await until(bad.id, (x) => x.status === 'failed', 'failed');
    expect(failed.statusDetail).toMatchObject({
      code: 'REJECTED',
      message: expect.stringContaining('The request payload is invalid'),
    });
    sim.fault({ op: 'sendMessage', error: BIRD_ERRORS.tooManyRequests(1) });
    const later = await reply(conv.id, { type: 'text', text: 'after a pause' });
    await until(later.id, (x) => x.status === 'sent', 'sent after 429');
    expect(sim.sent().filter((x) => x.reference === later.id)).toHaveLength(1);
  });

  it('stop removes the subscriptions; start creates them again without duplicates', async () => {
    await t.api('POST', `/api/v1/connections/${sms.id}/stop`);
    expect(sim.subscriptions().filter((s) => s.url === sms.webhookUrl)).toHaveLength(0);
    await t.api('POST', `/api/v1/connections/${wa.id}/stop`);
    await t.api('POST', `/api/v1/connections/${wa.id}/start`);
    expect(sim.subscriptions().filter((s) => s.url === wa.webhookUrl)).toHaveLength(3);
  });

  it('a 401 from Bird fails the message and turns the connection to ERROR', async () => {
    const conv = await conversationOf(wa.id, '+31612000001');
    sim.fault({ op: 'sendMessage', error: BIRD_ERRORS.unauthorized() });
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
    expect(conn.statusReason).not.toContain(sim.accessKey);
  });
});

describe('bird freshness is judged by the hub clock', () => {
  it('refuses a freshly signed request when the hub’s clock is 10 minutes ahead of Bird’s (verify sees the time of receipt)', async () => {
    const sim = await startBirdSimulator({ webhooks: { maxAttempts: 1 }, receipts: false });
    const clock = testClock(Date.now() + 10 * 60_000);
    const t = await startTestServer({ clock });
    try {
      const created = await t.api<Conn>('POST', '/api/v1/connections', {
        type: 'bird',
        name: 'clock',
        config: {
          accessKey: sim.accessKey,
          workspaceId: sim.workspaceId,
          channelId: sim.smsChannel.id,
          apiBaseUrl: sim.url,
        },
      });
      expect((await t.api<Conn>('POST', `/api/v1/connections/${created.body.id}/start`)).body.status).toBe('RUNNING');
      sim.customerSends({ channelId: sim.smsChannel.id, from: '+31612000100', text: 'from the past' });
      await sim.idle();
      expect(sim.deliveries()[0]?.attempts.map((a) => a.status)).toEqual([401]);
      clock.advance(-10 * 60_000);
      sim.customerSends({ channelId: sim.smsChannel.id, from: '+31612000100', text: 'in time' });
      await sim.idle();
      expect(sim.deliveries()[1]?.attempts.map((a) => a.status)).toEqual([200]);
    } finally {
      await t.close();
      await sim.close();
    }
  });
});
