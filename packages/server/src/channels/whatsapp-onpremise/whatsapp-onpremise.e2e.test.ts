/**
 * The WhatsApp On-Premises connector end to end: a real hub (127.0.0.1) against the Coreapp simulator — login and
 * the webhook URL with its secret at start, a refused login, flat webhooks of every kind, forged webhooks refused
 * with nothing stored, the Coreapp's retries while the hub refuses, media both ways, statuses forward only, the
 * 24-hour window and namespaced templates (listed from the Graph API of the WhatsApp Cloud simulator, where the
 * account's templates live), and the bearer token: renewed before it expires, and again when the Coreapp refuses it.
 */
import {
  startWhatsAppOnPremSimulator,
  startWhatsAppSimulator,
  type WhatsAppOnPremSimulator,
  type WhatsAppSimulator,
} from '@switchboard/simulators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestServer, testClock, type TestServer } from '../../testing/test-server.js';
import { hubReads } from '../../testing/hub-reads.js';
import { whatsappOnPremConnector } from './index.js';

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
  providerMessageId: string | null;
  content: Record<string, unknown> & {
    type: string;
    text?: string;
    media?: { url: string; state?: string; mimeType?: string };
    template?: { text?: string };
  };
  error?: { code: string };
}
interface Conv {
  id: string;
  address: string;
  window: { open: boolean } | null;
}

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

describe('whatsapp-onpremise against the Coreapp simulator', () => {
  let sim: WhatsAppOnPremSimulator;
  let graph: WhatsAppSimulator;
  let t: TestServer;
  let conn: Conn;
  const clock = testClock();

  const config = (overrides: Record<string, unknown> = {}) => ({
    baseUrl: sim.url,
    username: sim.credentials.username,
    password: sim.credentials.password,
    phoneNumber: sim.phoneNumber,
    templateNamespace: sim.namespace,
    businessAccountId: graph.defaults?.wabaId,
    graphAccessToken: graph.defaults?.accessToken,
    graphApiBaseUrl: graph.url,
    ...overrides,
  });
  const create = async (overrides: Record<string, unknown> = {}) => {
    const res = await t.api<Conn>('POST', '/api/v1/connections', {
      type: 'whatsapp-onpremise',
      name: 'On-Premises',
      config: config(overrides),
    });
    expect(res.status).toBe(201);
    return res.body;
  };
  const reads = hubReads(() => t);
  const conversationOf = (waId: string) => reads.conversationWith<Conv>(conn.id, `+${waId}`);
  const messagesOf = (conversationId: string) => reads.messagesOf<Msg>(conversationId);
  const inboundOf = (conversationId: string, providerMessageId: string) =>
    eventually(
      async () => (await messagesOf(conversationId)).find((m) => m.providerMessageId === providerMessageId),
      10_000,
      `message ${providerMessageId}`,
    );
  const send = (conversationId: string, body: unknown) =>
    t.api<Msg>('POST', `/api/v1/conversations/${conversationId}/messages`, body);
  const statusOf = (id: string, status: string) =>
    reads.messageUntil<Msg>(id, (m) => m.status === status, `message ${id} ${status}`, 10_000);

  beforeAll(async () => {
    sim = await startWhatsAppOnPremSimulator({
      webhooks: { retryScale: 0.001 },
      receipts: { sentAfterMs: 20, deliveredAfterMs: 60, readAfterMs: 0 },
    });
    graph = await startWhatsAppSimulator({ rateLimits: false });
    graph.createTemplate({
      name: 'order_update',
      language: 'en_US',
      category: 'UTILITY',
      components: [{ type: 'BODY', text: 'Your order {{1}} ships on {{2}}.' }],
    });
    t = await startTestServer({ clock });
    conn = await create();
    const started = await t.api<Conn>('POST', `/api/v1/connections/${conn.id}/start`);
    expect(started.body.statusReason).toBeNull();
    expect(started.body.status).toBe('RUNNING');
  });
  afterAll(async () => {
    await t?.close();
    await sim?.close();
    await graph?.close();
  });

  it('logs in and registers the webhook URL with its secret path segment at start', () => {
    const registered = sim.webhookUrl() ?? '';
    expect(registered.startsWith(`${conn.webhookUrl}/`)).toBe(true);
    expect(registered.slice(conn.webhookUrl.length + 1).length).toBeGreaterThanOrEqual(24);
    expect(sim.apiCalls({ op: 'login' }).map((c) => c.status)).toContain(200);
    expect(sim.apiCalls({ op: 'settings' }).at(-1)?.status).toBe(200);
  });

  it('a refused login turns the connection to ERROR with the reason', async () => {
    const bad = await create({ password: 'not-the-password' });
    const res = await t.api<Conn>('POST', `/api/v1/connections/${bad.id}/start`);
    const failed = await eventually(async () => {
      const c = (await t.api<Conn>('GET', `/api/v1/connections/${bad.id}`)).body;
      return c.status === 'ERROR' ? c : undefined;
    });
    expect([res.body.status, failed.status]).toContain('ERROR');
    expect(failed.statusReason).toMatch(/Access denied|1005/);
    expect(failed.statusReason).not.toContain('not-the-password');
  });

  it('stores a customer’s text with the profile name; forged webhooks are refused and store nothing', async () => {
    const { id } = sim.sendText({ from: '16315551234', text: 'Hello from the Coreapp', profileName: 'Kerry Fisher' });
    const conv = await conversationOf('16315551234');
    const m = await inboundOf(conv.id, id);
    expect(m.content).toEqual({ type: 'text', text: 'Hello from the Coreapp' });
    // the operator opens the message: blue ticks for the customer through the Coreapp
    await whatsappOnPremConnector.features.readReceipts?.(
      { providerMessageId: id, from: sim.phoneNumber },
      {
        connectionId: conn.id,
        config: config() as never,
        webhookUrl: conn.webhookUrl,
        http: (url, init) => fetch(url, init),
        log: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
        signal: new AbortController().signal,
      },
    );
    expect(sim.receivedMessages({ from: '16315551234' }).find((x) => x.id === id)?.readByBusiness).toBe(true);
    const contact = await t.api<{ data: Array<{ name: string; identities: Array<{ address: string }> }> }>(
      'GET',
      '/api/v1/contacts?q=16315551234',
    );
    expect(contact.body.data[0]?.name).toBe('Kerry Fisher');

    const forged = JSON.stringify({
      contacts: [{ profile: { name: 'Mallory' }, wa_id: '16315551234' }],
      messages: [{ from: '16315551234', id: 'FORGED1', timestamp: '1518694235', type: 'text', text: { body: 'x' } }],
    });
    const post = (url: string, headers: Record<string, string> = {}) =>
      fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: forged });
    expect((await post(conn.webhookUrl)).status).toBe(401);
    expect((await post(`${conn.webhookUrl}/wrong-secret-0000000000000000000000`)).status).toBe(401);
    expect((await post(conn.webhookUrl, { 'x-switchboard-webhook-secret': 'guess' })).status).toBe(401);
    const right = sim.webhookUrl() ?? '';
    expect((await post(right, { 'x-switchboard-webhook-secret': 'guess' })).status).toBe(401);
    await new Promise((r) => setTimeout(r, 300));
    expect((await messagesOf(conv.id)).some((x) => x.providerMessageId === 'FORGED1')).toBe(false);
  });

  it('reads every kind of inbound message and fetches media by id into the store', async () => {
    const from = '16315550002';
    sim.sendText({ from, text: 'first', profileName: 'Ana' });
    const conv = await conversationOf(from);
    const image = sim.sendMedia({ from, type: 'image', data: PNG, mimeType: 'image/png', caption: 'the damage' });
    const voice = sim.sendMedia({ from, type: 'voice', data: Buffer.from('OggS-voice') });
    const doc = sim.sendMedia({ from, type: 'document', data: Buffer.from('%PDF-1.4'), filename: 'order.pdf' });
    const loc = sim.sendLocation({ from, latitude: 52.52, longitude: 13.405, name: 'Office' });
    const card = sim.sendContacts({
      from,
      contacts: [{ name: { formatted_name: 'Barbara Johnson' }, phones: [{ phone: '+1 940 555 1234' }] }],
    });
    const list = sim.sendListReply({ from, replyTo: 'gBEGsomeList', id: 'row-2', title: 'Tuesday' });
    const tpl = sim.sendTemplateButtonReply({ from, replyTo: 'gBEGsomeTemplate', text: 'Yes', payload: 'CONFIRM' });
    const react = sim.sendReaction({ from, messageId: image.id, emoji: '👍' });

    const ready = await eventually(
      async () => {
        const m = await inboundOf(conv.id, image.id);
        return m.content.media?.state === 'ready' ? m : undefined;
      },
      10_000,
      'the image stored',
    );
    const file = await fetch(ready.content.media?.url ?? '');
    expect(file.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await file.arrayBuffer()).equals(PNG)).toBe(true);
    expect(ready.content).toMatchObject({ type: 'image', media: { caption: 'the damage' } });
    expect((await inboundOf(conv.id, voice.id)).content.type).toBe('audio');
    expect((await inboundOf(conv.id, doc.id)).content).toMatchObject({
      type: 'document',
      media: { fileName: 'order.pdf' },
    });
    expect((await inboundOf(conv.id, loc.id)).content).toMatchObject({
      type: 'location',
      location: { latitude: 52.52, longitude: 13.405, name: 'Office' },
    });
    expect((await inboundOf(conv.id, card.id)).content).toMatchObject({
      type: 'contact',
      contacts: [{ name: 'Barbara Johnson', phones: ['+1 940 555 1234'] }],
    });
    expect((await inboundOf(conv.id, list.id)).content).toMatchObject({
      interactive: { kind: 'list_reply', reply: { id: 'row-2', title: 'Tuesday' } },
    });
    expect((await inboundOf(conv.id, tpl.id)).content).toMatchObject({
      interactive: { kind: 'button_reply', reply: { id: 'CONFIRM', title: 'Yes' } },
    });
    const reaction = await eventually(async () =>
      (await messagesOf(conv.id)).find((m) => m.content.type === 'reaction' || m.providerMessageId === react.id),
    );
    expect(reaction).toBeDefined();
  });

  it('sends text, buttons and media, and statuses only move forward', async () => {
    const from = '16315550003';
    sim.sendText({ from, text: 'help?' });
    const conv = await conversationOf(from);
    const text = await send(conv.id, { content: { type: 'text', text: 'How can I help?' } });
    expect(text.status).toBe(202);
    const delivered = await statusOf(text.body.id, 'delivered');
    const atCoreapp = sim.sentMessages({ to: from }).find((m) => m.id === delivered.providerMessageId);
    expect(atCoreapp?.request).toEqual({
      recipient_type: 'individual',
      to: from,
      type: 'text',
      text: { body: 'How can I help?', preview_url: false },
    });
    // a late `sent` after `delivered` does not move it back
    const before = sim.webhookDeliveries().length;
    sim.emitStatus({ id: delivered.providerMessageId as string, status: 'sent' });
    await sim.idle();
    const late = sim.webhookDeliveries().slice(before);
    expect(
      late.map((d) => [d.state, (JSON.parse(d.body) as { statuses: Array<{ status: string }> }).statuses[0]?.status]),
    ).toEqual([['delivered', 'sent']]);
    await new Promise((r) => setTimeout(r, 200));
    expect((await t.api<Msg>('GET', `/api/v1/messages/${text.body.id}`)).body.status).toBe('delivered');

    const buttons = await send(conv.id, {
      content: {
        type: 'interactive',
        interactive: {
          kind: 'buttons',
          text: 'Pick one',
          buttons: [
            { id: 'a', title: 'A' },
            { id: 'b', title: 'B' },
          ],
        },
      },
    });
    const sentButtons = await statusOf(buttons.body.id, 'delivered');
    const reply = sim.sendButtonReply({ from, replyTo: sentButtons.providerMessageId as string, id: 'b' });
    expect((await inboundOf(conv.id, reply.id)).content).toMatchObject({
      interactive: { kind: 'button_reply', reply: { id: 'b', title: 'B' } },
    });

    // an image of ours (the one a customer sent earlier) goes up as raw bytes, then out by media id
    const stored = (await messagesOf((await conversationOf('16315550002')).id)).find(
      (m) => m.content.type === 'image' && m.content.media?.state === 'ready',
    );
    const image = await send(conv.id, {
      content: {
        type: 'image',
        media: { url: stored?.content.media?.url, mimeType: 'image/png', caption: 'like this' },
      },
    });
    expect(image.status).toBe(202);
    const sentImage = await statusOf(image.body.id, 'delivered');
    const rec = sim.sentMessages({ to: from }).find((m) => m.id === sentImage.providerMessageId);
    const mediaId = (rec?.request.image as { id: string; caption: string }).id;
    expect(rec?.request.image).toEqual({ id: mediaId, caption: 'like this' });
    expect(sim.media({ id: mediaId })?.bytes.equals(PNG)).toBe(true);
  });

  it('keeps the 24-hour window and sends namespaced templates outside it', async () => {
    const templates = await eventually(async () => {
      const r = await t.api<{ data: Array<{ name: string; variables: string[] }> }>(
        'GET',
        `/api/v1/connections/${conn.id}/templates`,
      );
      return r.body.data.find((x) => x.name === 'order_update');
    });
    expect(templates.variables).toEqual(['1', '2']);
    const from = '16315550004';
    sim.sendText({ from, text: 'order?' });
    const conv = await conversationOf(from);
    clock.advance(25 * 3_600_000);
    sim.advanceClock({ ms: 25 * 3_600_000 });
    const late = await send(conv.id, { content: { type: 'text', text: 'Still there?' } });
    expect(late.status).toBe(422);
    expect(late.body.error?.code).toBe('WINDOW_CLOSED');
    const tpl = await send(conv.id, {
      template: { name: 'order_update', language: 'en_US', variables: { 1: 'A-7', 2: 'Monday' } },
    });
    expect(tpl.status).toBe(202);
    const sent = await statusOf(tpl.body.id, 'delivered');
    const rec = sim.sentMessages({ to: from }).find((m) => m.id === sent.providerMessageId);
    expect(rec?.rendered).toBe('Your order A-7 ships on Monday.');
    expect(rec?.request.template).toMatchObject({ namespace: sim.namespace, language: { policy: 'deterministic' } });
  });

  it('retries webhooks the hub refused (stopped connection) until it takes them', async () => {
    await t.api('POST', `/api/v1/connections/${conn.id}/stop`);
    const { id } = sim.sendText({ from: '16315550005', text: 'while you were away' });
    await eventually(() => (sim.webhookDeliveries().at(-1)?.attempts.length ?? 0) >= 2, 10_000, 'two refusals');
    expect(sim.webhookDeliveries().at(-1)?.attempts[0]?.status).toBe(503);
    const restarted = await t.api<Conn>('POST', `/api/v1/connections/${conn.id}/start`);
    expect(restarted.body.status).toBe('RUNNING');
    const conv = await conversationOf('16315550005');
    expect((await inboundOf(conv.id, id)).content).toEqual({ type: 'text', text: 'while you were away' });
  });

  it('logs in again when the Coreapp refuses an expired token, and the reply still goes', async () => {
    const from = '16315550006';
    sim.sendText({ from, text: 'hi' });
    const conv = await conversationOf(from);
    const loginsBefore = sim.apiCalls({ op: 'login' }).length;
    sim.expireTokens();
    const res = await send(conv.id, { content: { type: 'text', text: 'after expiry' } });
    const m = await statusOf(res.body.id, 'delivered');
    expect(sim.sentMessages({ to: from }).some((x) => x.id === m.providerMessageId)).toBe(true);
    expect(sim.apiCalls({ op: 'login' }).length).toBe(loginsBefore + 1);
    expect(sim.apiCalls({ op: 'messages' }).some((c) => c.status === 401)).toBe(true);
    const c = (await t.api<Conn>('GET', `/api/v1/connections/${conn.id}`)).body;
    expect(c.status).toBe('RUNNING');
  });
});

describe('whatsapp-onpremise: a short-lived token is renewed before it expires', () => {
  let sim: WhatsAppOnPremSimulator;
  let t: TestServer;
  beforeAll(async () => {
    // 2 s tokens: renewed in their last second, while still valid
    sim = await startWhatsAppOnPremSimulator({
      tokenTtlMs: 2000,
      webhooks: { retryScale: 0.001 },
      receipts: { sentAfterMs: 10, deliveredAfterMs: 20, readAfterMs: 0 },
    });
    t = await startTestServer();
  });
  afterAll(async () => {
    await t?.close();
    await sim?.close();
  });

  it('sends across two token lifetimes without one refused call', async () => {
    const conn = (
      await t.api<Conn>('POST', '/api/v1/connections', {
        type: 'whatsapp-onpremise',
        name: 'Short tokens',
        config: { baseUrl: sim.url, username: sim.credentials.username, password: sim.credentials.password },
      })
    ).body;
    expect((await t.api<Conn>('POST', `/api/v1/connections/${conn.id}/start`)).body.status).toBe('RUNNING');
    sim.sendText({ from: '16315550100', text: 'hello' });
    const conv = await eventually(async () =>
      (await t.api<{ data: Conv[] }>('GET', `/api/v1/conversations?connectionId=${conn.id}`)).body.data.at(0),
    );
    for (let i = 0; i < 3; i++) {
      const res = await t.api<Msg>('POST', `/api/v1/conversations/${conv.id}/messages`, {
        content: { type: 'text', text: `message ${i}` },
      });
      expect(res.status).toBe(202);
      await eventually(
        async () => (await t.api<Msg>('GET', `/api/v1/messages/${res.body.id}`)).body.status === 'delivered',
      );
      await new Promise((r) => setTimeout(r, 1100));
    }
    expect(sim.sentMessages()).toHaveLength(3);
    expect(sim.apiCalls({ op: 'login' }).length).toBeGreaterThanOrEqual(3);
    expect(sim.apiCalls().filter((c) => c.status === 401)).toEqual([]);
  });
});
