/**
 * The WhatsApp rules the hub enforces, end to end against the Cloud API simulator: the 24-hour window (422 outside
 * it, reopened by the customer), templates synced from the WABA and validated before sending, one business-initiated
 * template until the customer replies (409), sticky sender rotation over two numbers, and inbound media fetched by
 * id into Switchboard's store after the message exists.
 */
import { startWhatsAppSimulator, type WhatsAppSimulator } from '@switchboard/simulators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestServer, testClock, type TestServer } from '../../testing/test-server.js';

/** the hub stores WhatsApp customers in E.164, the wa_id with a + (core/contacts/address-normalizer.ts) */
const e164 = (waId: string) => `+${waId}`;

interface Conv {
  id: string;
  address: string;
  senderAddress: string | null;
  window: { open: boolean; awaitingReply: boolean; templateSentAt: string | null } | null;
}
interface Msg {
  id: string;
  status: string;
  from: string;
  content: { type: string; template?: { text?: string }; media?: { url: string; state?: string } };
  error?: { code: string; message: string; details?: { conversationId?: string; lastTemplateAt?: string } };
}

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

describe('whatsapp rules enforced by the hub (simulator)', () => {
  let sim: WhatsAppSimulator;
  let t: TestServer;
  let connectionId: string;
  let second: string;
  const clock = testClock();

  const conversationOf = (address: string) =>
    eventually(
      async () =>
        (
          await t.api<{ data: Conv[] }>('GET', `/api/v1/conversations?connectionId=${connectionId}&limit=200`)
        ).body.data.find((c) => c.address === e164(address)),
      10_000,
      `conversation with ${address}`,
    );
  const send = (conversationId: string, body: unknown) =>
    t.api<Msg>('POST', `/api/v1/conversations/${conversationId}/messages`, body);
  const orderTemplate = (order: string) => ({
    template: { name: 'order_update', language: 'en_US', variables: { 1: '{{contact.name}}', 2: order } },
  });

  beforeAll(async () => {
    sim = await startWhatsAppSimulator({
      webhooks: { retryScale: 0.001 },
      receipts: { sentAfterMs: 50, deliveredAfterMs: 100, readAfterMs: 200 },
    });
    const d = sim.defaults;
    if (!d) throw new Error('simulator not seeded');
    second = sim.createPhoneNumber({ wabaId: d.wabaId, displayPhoneNumber: '15550009999' }).id;
    sim.createTemplate({
      wabaId: d.wabaId,
      name: 'order_update',
      language: 'en_US',
      category: 'UTILITY',
      components: [{ type: 'BODY', text: 'Hi {{1}}, your order {{2}} has shipped.' }],
    });
    t = await startTestServer({ clock });
    connectionId = (
      await t.api<{ id: string }>('POST', '/api/v1/connections', {
        type: 'whatsapp',
        name: 'WhatsApp',
        config: {
          accessToken: d.accessToken,
          appSecret: sim.app.secret,
          businessAccountId: d.wabaId,
          phoneNumberIds: [d.phoneNumberId, second],
          apiBaseUrl: sim.url,
        },
      })
    ).body.id;
    const started = await t.api<{ status: string; webhookUrl: string; config: { verifyToken: string } }>(
      'POST',
      `/api/v1/connections/${connectionId}/start`,
    );
    expect(started.body.status).toBe('RUNNING');
    await sim.configureWebhook({ url: started.body.webhookUrl, verifyToken: started.body.config.verifyToken });
  });
  afterAll(async () => {
    await t?.close();
    await sim?.close();
  });

  it('syncs the WABA templates with their variables when the connection starts', async () => {
    const templates = await eventually(async () => {
      const r = await t.api<{ data: Array<{ name: string; language: string; status: string; variables: string[] }> }>(
        'GET',
        `/api/v1/connections/${connectionId}/templates`,
      );
      return r.body.data.find((x) => x.name === 'order_update') ? r.body.data : undefined;
    });
    expect(templates.find((x) => x.name === 'order_update')).toMatchObject({
      language: 'en_US',
      status: 'APPROVED',
      variables: ['1', '2'],
    });
  });

  it('enforces the 24-hour window and the business-initiated template rule', async () => {
    sim.sendText({ from: '4915111111111', text: 'Where is my order?', profileName: 'Lena' });
    const conv = await conversationOf('4915111111111');
    expect(conv.window?.open).toBe(true);
    const inside = await send(conv.id, { content: { type: 'text', text: 'Let me check.' } });
    expect(inside.status).toBe(202);
    await eventually(() => sim.sentMessages({ to: '4915111111111' }).length === 1);

    // provider and hub move on together: the simulator stamps messages with its own clock
    clock.advance(25 * 3_600_000);
    sim.advanceClock({ ms: 25 * 3_600_000 });
    const outside = await send(conv.id, { content: { type: 'text', text: 'Still there?' } });
    expect(outside.status).toBe(422);
    expect(outside.body.error?.code).toBe('WINDOW_CLOSED');
    const badVars = await send(conv.id, {
      template: { name: 'order_update', language: 'en_US', variables: { 1: 'Lena' } },
    });
    expect(badVars.status).toBe(400);
    expect(sim.sentMessages({ to: '4915111111111' })).toHaveLength(1);

    const template = await send(conv.id, orderTemplate('A-1'));
    expect(template.status).toBe(202);
    expect(template.body.content.template?.text).toBe('Hi Lena, your order A-1 has shipped.');
    const atProvider = await eventually(() =>
      sim.sentMessages({ to: '4915111111111' }).find((m) => m.type === 'template'),
    );
    expect(atProvider.rendered?.body).toBe('Hi Lena, your order A-1 has shipped.');
    expect((await t.api<Conv>('GET', `/api/v1/conversations/${conv.id}`)).body.window).toMatchObject({
      open: false,
      awaitingReply: true,
    });

    const again = await send(conv.id, orderTemplate('A-2'));
    expect(again.status).toBe(409);
    expect(again.body.error?.details?.conversationId).toBe(conv.id);
    // the conversation says when the waiting template went: the time the 409 names
    const waiting = (await t.api<Conv>('GET', `/api/v1/conversations/${conv.id}`)).body.window;
    expect(waiting?.templateSentAt).toMatch(/^\d{4}-/);
    expect(waiting?.templateSentAt).toBe(again.body.error?.details?.lastTemplateAt);

    sim.sendText({ from: '4915111111111', text: 'Thanks!' });
    await eventually(
      async () => (await t.api<Conv>('GET', `/api/v1/conversations/${conv.id}`)).body.window?.open === true,
      10_000,
      'the window to reopen',
    );
    expect((await t.api<Conv>('GET', `/api/v1/conversations/${conv.id}`)).body.window?.templateSentAt).toBeNull();
    expect((await send(conv.id, { content: { type: 'text', text: 'Anytime.' } })).status).toBe(202);
  });

  it('rotates new recipients over the numbers and keeps each on its own', async () => {
    const d = sim.defaults;
    const senders: Record<string, string> = {};
    for (const to of ['4915100000001', '4915100000002', '4915100000003', '4915100000004']) {
      const m = await t.api<Msg>('POST', '/api/v1/messages', {
        connectionId,
        to,
        template: { name: 'order_update', language: 'en_US', variables: { 1: 'there', 2: 'B' } },
      });
      expect(m.status).toBe(202);
      senders[to] = m.body.from;
    }
    expect(new Set(Object.values(senders))).toEqual(new Set([d?.phoneNumberId, second]));
    for (const [to, from] of Object.entries(senders)) {
      const sent = await eventually(
        () => sim.sentMessages({ to }).find((m) => m.type === 'template'),
        10_000,
        `template to ${to}`,
      );
      expect(sent.phoneNumberId).toBe(from);
    }
    // the customer answers the number they were written from; the reply goes out from the same number
    sim.sendText({ from: '4915100000002', text: 'ok', phoneNumberId: senders['4915100000002'] as string });
    const conv = await conversationOf('4915100000002');
    await eventually(
      async () => (await t.api<Conv>('GET', `/api/v1/conversations/${conv.id}`)).body.window?.open === true,
    );
    const follow = await send(conv.id, { content: { type: 'text', text: 'great' } });
    expect(follow.body.from).toBe(senders['4915100000002']);
    await eventually(() =>
      sim
        .sentMessages({ to: '4915100000002' })
        .some((m) => m.type === 'text' && m.phoneNumberId === senders['4915100000002']),
    );
  });

  it('stores an inbound image after its message, fetched by media id', async () => {
    sim.sendMedia({ from: '4915122222222', type: 'image', data: PNG, mimeType: 'image/png', caption: 'the damage' });
    const conv = await conversationOf('4915122222222');
    const ready = await eventually(
      async () => {
        const { data } = (await t.api<{ data: Msg[] }>('GET', `/api/v1/conversations/${conv.id}/messages`)).body;
        return data.find((m) => m.content.media?.state === 'ready');
      },
      10_000,
      'the image to be stored',
    );
    const file = await fetch(ready.content.media?.url ?? '');
    expect(file.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await file.arrayBuffer()).equals(PNG)).toBe(true);
  });
});
