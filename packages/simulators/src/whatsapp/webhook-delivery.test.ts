import { createHmac, timingSafeEqual } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { callGraph } from '../testing/graph-client.js';
import { startWebhookReceiver, type ReceivedRequest, type WebhookReceiver } from '../testing/webhook-receiver.js';
import { startWhatsAppSimulator, type WhatsAppSimulator } from './simulator.js';
import { signatures } from './webhook-delivery.js';

const APP_SECRET = 'test_app_secret_123';
const CUSTOMER = '16505551234';
let sim: WhatsAppSimulator;
let hub: WebhookReceiver;

/** Independent reference check (node:crypto here, not the simulator's signer): HMAC-SHA256 of the raw bytes. */
function verifyMetaSignature(req: ReceivedRequest, secret: string): boolean {
  const header = String(req.headers['x-hub-signature-256'] ?? '');
  if (!header.startsWith('sha256=')) return false;
  const expected = Buffer.from(createHmac('sha256', secret).update(req.body).digest('hex'));
  const given = Buffer.from(header.slice('sha256='.length));
  return given.length === expected.length && timingSafeEqual(given, expected);
}
const payloadOf = (req: ReceivedRequest) => JSON.parse(req.body.toString('utf8'));

beforeEach(async () => {
  hub = await startWebhookReceiver();
  sim = await startWhatsAppSimulator({
    appSecret: APP_SECRET,
    webhookUrl: `${hub.url}/webhooks/wa`,
    receipts: { sentAfterMs: 5, deliveredAfterMs: 15, readAfterMs: 25 },
    // Meta's backoff (15 s doubling) scaled 1000× down → 15 ms, 30 ms, …
    webhooks: { retryScale: 0.001 },
  });
});
afterEach(async () => {
  await sim.close();
  await hub.close();
});

describe('signing (https://developers.facebook.com/docs/graph-api/webhooks/getting-started#event-notifications)', () => {
  it('matches a pinned test vector', () => {
    const body = Buffer.from('{"object":"whatsapp_business_account","entry":[]}');
    expect(signatures(body, 'app_secret').sha256).toBe(
      'sha256=c236c758c9b2bd40b388a550eeca09eaca72384dd0aa5e7c31d19cddac5bba46',
    );
    expect(`sha256=${createHmac('sha256', 'app_secret').update(body).digest('hex')}`).toBe(
      signatures(body, 'app_secret').sha256,
    );
  });

  it('signs the exact raw bytes, which Meta-escape non-ASCII and slashes', async () => {
    sim.sendText({ from: CUSTOMER, profileName: 'Zoë', text: 'Olá! see https://x.test/a 👍' });
    const [req] = await hub.waitFor(1);
    expect(req!.method).toBe('POST');
    expect(req!.path).toBe('/webhooks/wa');
    expect(req!.headers['content-type']).toBe('application/json');
    expect(verifyMetaSignature(req!, APP_SECRET)).toBe(true);
    expect(verifyMetaSignature(req!, 'wrong_secret')).toBe(false);
    expect(req!.headers['x-hub-signature']).toBe(
      `sha1=${createHmac('sha1', APP_SECRET).update(req!.body).digest('hex')}`,
    );
    const raw = req!.body.toString('utf8');
    expect(raw).toContain('Zo\\u00eb');
    expect(raw).toContain('https:\\/\\/x.test\\/a');
    expect(raw).toContain('\\ud83d\\udc4d');
    expect([...raw].every((ch) => ch.charCodeAt(0) < 0x80)).toBe(true);
    // re-serialising the parsed body gives different bytes — verification must use the raw body
    const reserialised = Buffer.from(JSON.stringify(JSON.parse(raw)));
    expect(reserialised.equals(req!.body)).toBe(false);
    expect(payloadOf(req!).entry[0].changes[0].value.messages[0].text.body).toBe('Olá! see https://x.test/a 👍');
  });
});

describe('inbound messages (https://developers.facebook.com/docs/whatsapp/cloud-api/webhooks/components)', () => {
  it('delivers the full whatsapp_business_account envelope', async () => {
    const { wamid } = sim.sendText({ from: CUSTOMER, profileName: 'Sheena', text: 'Does it come in another color?' });
    const [req] = await hub.waitFor(1);
    expect(payloadOf(req!)).toEqual({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: sim.defaults!.wabaId,
          changes: [
            {
              value: {
                messaging_product: 'whatsapp',
                metadata: { display_phone_number: '15550783881', phone_number_id: sim.defaults!.phoneNumberId },
                contacts: [{ profile: { name: 'Sheena' }, wa_id: CUSTOMER }],
                messages: [
                  {
                    from: CUSTOMER,
                    id: wamid,
                    timestamp: expect.stringMatching(/^\d+$/),
                    type: 'text',
                    text: { body: 'Does it come in another color?' },
                  },
                ],
              },
              field: 'messages',
            },
          ],
        },
      ],
    });
  });

  it('delivers media the hub can fetch with its token', async () => {
    const bytes = Buffer.from('fake-jpeg-bytes');
    sim.sendMedia({ from: CUSTOMER, type: 'image', data: bytes, caption: 'my receipt' });
    sim.sendMedia({ from: CUSTOMER, type: 'audio', data: Buffer.from('ogg'), voice: true });
    const reqs = await hub.waitFor(2);
    const image = payloadOf(reqs[0]!).entry[0].changes[0].value.messages[0];
    expect(image).toMatchObject({
      type: 'image',
      image: { mime_type: 'image/jpeg', caption: 'my receipt', id: expect.any(String), sha256: expect.any(String) },
    });
    expect(payloadOf(reqs[1]!).entry[0].changes[0].value.messages[0].audio).toMatchObject({
      mime_type: 'audio/ogg; codecs=opus',
      voice: true,
    });
    const token = sim.defaults!.accessToken;
    const info = await callGraph(sim.url, token, 'GET', `/v21.0/${image.image.id as string}`);
    const file = await fetch(info.body.url as string, { headers: { authorization: `Bearer ${token}` } });
    expect(Buffer.from(await file.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it('delivers button replies, list replies, template quick replies and reactions with context', async () => {
    const token = sim.defaults!.accessToken;
    const path = `/v21.0/${sim.defaults!.phoneNumberId}/messages`;
    sim.sendText({ from: CUSTOMER, text: 'menu' });
    const buttons = await callGraph(sim.url, token, 'POST', path, {
      messaging_product: 'whatsapp',
      to: CUSTOMER,
      type: 'interactive',
      interactive: {
        type: 'button',
        body: { text: 'Confirm?' },
        action: { buttons: [{ type: 'reply', reply: { id: 'yes', title: 'Yes' } }] },
      },
    });
    const list = await callGraph(sim.url, token, 'POST', path, {
      messaging_product: 'whatsapp',
      to: CUSTOMER,
      type: 'interactive',
      interactive: {
        type: 'list',
        body: { text: 'Pick' },
        action: {
          button: 'Open',
          sections: [{ title: 'S', rows: [{ id: 'r1', title: 'Row 1', description: 'first' }] }],
        },
      },
    });
    const template = await callGraph(sim.url, token, 'POST', path, {
      messaging_product: 'whatsapp',
      to: CUSTOMER,
      type: 'template',
      template: { name: 'hello_world', language: { code: 'en_US' } },
    });
    const b = buttons.body.messages[0].id as string;
    sim.sendButtonReply({ from: CUSTOMER, replyTo: b, id: 'yes' });
    sim.sendListReply({ from: CUSTOMER, replyTo: list.body.messages[0].id as string, id: 'r1' });
    sim.sendTemplateButtonReply({
      from: CUSTOMER,
      replyTo: template.body.messages[0].id as string,
      text: 'Stop promotions',
    });
    sim.sendReaction({ from: CUSTOMER, messageId: b, emoji: '❤️' });
    sim.sendReaction({ from: CUSTOMER, messageId: b, emoji: '' });
    await sim.idle();
    const messages = hub.requests
      .map(payloadOf)
      .flatMap((p) => p.entry[0].changes[0].value.messages ?? [])
      .slice(1);
    expect(messages.map((m: { type: string }) => m.type)).toEqual([
      'interactive',
      'interactive',
      'button',
      'reaction',
      'reaction',
    ]);
    expect(messages[0]).toMatchObject({
      context: { from: '15550783881', id: b },
      interactive: { type: 'button_reply', button_reply: { id: 'yes', title: 'Yes' } },
    });
    expect(messages[1].interactive).toEqual({
      type: 'list_reply',
      list_reply: { id: 'r1', title: 'Row 1', description: 'first' },
    });
    expect(messages[2].button).toEqual({ payload: 'Stop promotions', text: 'Stop promotions' });
    expect(messages[3].reaction).toEqual({ message_id: b, emoji: '❤️' });
    expect(messages[4].reaction).toEqual({ message_id: b });
  });
});

describe('status webhooks (https://developers.facebook.com/docs/whatsapp/cloud-api/webhooks/payload-examples#message-status-updates)', () => {
  it('reports sent → delivered → read with conversation and pricing on the first two', async () => {
    sim.sendText({ from: CUSTOMER, text: 'hi' });
    const sent = await callGraph(
      sim.url,
      sim.defaults!.accessToken,
      'POST',
      `/v21.0/${sim.defaults!.phoneNumberId}/messages`,
      {
        messaging_product: 'whatsapp',
        to: CUSTOMER,
        text: { body: 'hello' },
        biz_opaque_callback_data: 'msg_123',
      },
    );
    const wamid = sent.body.messages[0].id as string;
    await hub.waitFor(4);
    await sim.idle();
    const statuses = hub.requests.slice(1).map((r) => payloadOf(r).entry[0].changes[0].value.statuses[0]);
    expect(statuses.map((s) => s.status)).toEqual(['sent', 'delivered', 'read']);
    expect(statuses[0]).toEqual({
      id: wamid,
      status: 'sent',
      timestamp: expect.stringMatching(/^\d+$/),
      recipient_id: CUSTOMER,
      biz_opaque_callback_data: 'msg_123',
      conversation: { id: expect.any(String), expiration_timestamp: expect.any(String), origin: { type: 'service' } },
      pricing: { billable: false, pricing_model: 'PMP', category: 'service', type: 'free_customer_service' },
    });
    expect(statuses[1].conversation).not.toHaveProperty('expiration_timestamp');
    expect(statuses[2]).not.toHaveProperty('pricing');
    for (const r of hub.requests) expect(verifyMetaSignature(r, APP_SECRET)).toBe(true);
  });

  it('omits conversation from v24.0 on, and skips read for customers without read receipts', async () => {
    sim.createCustomer({ waId: CUSTOMER, readReceipts: false });
    sim.sendText({ from: CUSTOMER, text: 'hi' });
    await callGraph(sim.url, sim.defaults!.accessToken, 'POST', `/v24.0/${sim.defaults!.phoneNumberId}/messages`, {
      messaging_product: 'whatsapp',
      to: CUSTOMER,
      text: { body: 'x' },
    });
    await new Promise((r) => setTimeout(r, 60));
    await sim.idle();
    const statuses = hub.requests.slice(1).map((r) => payloadOf(r).entry[0].changes[0].value.statuses[0]);
    expect(statuses.map((s) => s.status)).toEqual(['sent', 'delivered']);
    expect(statuses[0]).not.toHaveProperty('conversation');
    expect(statuses[0].pricing).toMatchObject({ pricing_model: 'PMP' });
  });
});

describe('delivery behaviour', () => {
  it('retries with backoff until a failing receiver recovers', async () => {
    hub.script({ status: 500 }, { status: 503 });
    const { wamid } = sim.sendText({ from: CUSTOMER, text: 'retry me' });
    const reqs = await hub.waitFor(3);
    await sim.idle();
    expect(new Set(reqs.map((r) => r.body.toString()))).toHaveProperty('size', 1);
    expect(reqs[2]!.at - reqs[1]!.at).toBeGreaterThanOrEqual(reqs[1]!.at - reqs[0]!.at);
    const [delivery] = sim.webhookDeliveries();
    expect(delivery).toMatchObject({ state: 'delivered', eventCount: 1 });
    expect(delivery!.attempts.map((a) => [a.status, a.retryInMs])).toEqual([
      [500, 15],
      [503, 30],
      [200, undefined],
    ]);
    expect(payloadOf(reqs[2]!).entry[0].changes[0].value.messages[0].id).toBe(wamid);
  });

  it('treats non-200 2xx as failure when successOnlyOn200 is set', async () => {
    const strict = await startWhatsAppSimulator({
      webhookUrl: hub.url,
      webhooks: { retryScale: 0.001, successOnlyOn200: true },
    });
    try {
      hub.script({ status: 204 });
      strict.sendText({ from: CUSTOMER, text: 'x' });
      await hub.waitFor(2);
      await strict.idle();
      expect(strict.webhookDeliveries()[0]!.attempts.map((a) => a.status)).toEqual([204, 200]);
    } finally {
      await strict.close();
    }
  });

  it('batches several messages and statuses into one POST when asked', async () => {
    await sim.batch(() => {
      sim.sendText({ from: CUSTOMER, profileName: 'A', text: 'one' });
      sim.sendText({ from: CUSTOMER, profileName: 'A', text: 'two' });
      sim.sendText({ from: '447700900123', profileName: 'B', text: 'three' });
    });
    const [req] = await hub.waitFor(1);
    await sim.idle();
    expect(hub.requests).toHaveLength(1);
    expect(verifyMetaSignature(req!, APP_SECRET)).toBe(true);
    const value = payloadOf(req!).entry[0].changes[0].value;
    expect(value.messages.map((m: { text: { body: string } }) => m.text.body)).toEqual(['one', 'two', 'three']);
    expect(value.contacts).toEqual([
      { profile: { name: 'A' }, wa_id: CUSTOMER },
      { profile: { name: 'B' }, wa_id: '447700900123' },
    ]);

    const batching = await startWhatsAppSimulator({
      webhookUrl: hub.url,
      receipts: { sentAfterMs: 1, deliveredAfterMs: 1, readAfterMs: null },
      webhooks: { batchWindowMs: 40 },
    });
    try {
      batching.sendText({ from: CUSTOMER, text: 'hi' });
      const token = batching.defaults!.accessToken;
      const path = `/v21.0/${batching.defaults!.phoneNumberId}/messages`;
      await callGraph(batching.url, token, 'POST', path, {
        messaging_product: 'whatsapp',
        to: CUSTOMER,
        text: { body: 'a' },
      });
      await callGraph(batching.url, token, 'POST', path, {
        messaging_product: 'whatsapp',
        to: CUSTOMER,
        text: { body: 'b' },
      });
      await new Promise((r) => setTimeout(r, 120));
      await batching.idle();
      const bodies = hub.requests.slice(1).map(payloadOf);
      const changes = bodies.flatMap((b) => b.entry[0].changes);
      const statuses = changes.flatMap((c: { value: { statuses?: unknown[] } }) => c.value.statuses ?? []);
      expect(statuses).toHaveLength(4);
      expect(changes.some((c: { value: { statuses?: unknown[] } }) => (c.value.statuses?.length ?? 0) > 1)).toBe(true);
    } finally {
      await batching.close();
    }
  });

  it('skips delivery when the app is unsubscribed from the WABA', async () => {
    const token = sim.defaults!.accessToken;
    expect((await callGraph(sim.url, token, 'DELETE', `/v21.0/${sim.defaults!.wabaId}/subscribed_apps`)).body).toEqual({
      success: true,
    });
    sim.sendText({ from: CUSTOMER, text: 'lost' });
    await new Promise((r) => setTimeout(r, 20));
    expect(hub.requests).toHaveLength(0);
    expect(sim.webhookDeliveries()[0]).toMatchObject({
      state: 'skipped',
      reason: expect.stringContaining('not subscribed'),
    });
    await callGraph(sim.url, token, 'POST', `/v21.0/${sim.defaults!.wabaId}/subscribed_apps`, {});
    sim.sendText({ from: CUSTOMER, text: 'found' });
    await hub.waitFor(1);
  });
});

describe('verification handshake (https://developers.facebook.com/docs/graph-api/webhooks/getting-started#verification-requests)', () => {
  function answerChallenges(expectedToken: string) {
    hub.fallback = (req) => {
      const q = new URL(req.path, 'http://x').searchParams;
      if (req.method === 'GET' && q.get('hub.mode') === 'subscribe' && q.get('hub.verify_token') === expectedToken)
        return { status: 200, body: q.get('hub.challenge') ?? '' };
      return req.method === 'GET' ? { status: 403, body: 'Forbidden' } : { status: 200 };
    };
  }

  it('sends hub.mode/hub.challenge/hub.verify_token and expects the raw challenge back', async () => {
    answerChallenges('my-verify-token');
    const ok = await sim.verifyWebhook({
      url: `${hub.url}/webhooks/wa`,
      verifyToken: 'my-verify-token',
      challenge: '1158201444',
    });
    expect(ok).toMatchObject({ ok: true, status: 200, body: '1158201444' });
    const req = hub.requests[0]!;
    expect(req.method).toBe('GET');
    expect(Object.fromEntries(new URL(req.path, 'http://x').searchParams)).toEqual({
      'hub.mode': 'subscribe',
      'hub.challenge': '1158201444',
      'hub.verify_token': 'my-verify-token',
    });
    const bad = await sim.verifyWebhook({ url: `${hub.url}/webhooks/wa`, verifyToken: 'wrong' });
    expect(bad).toMatchObject({ ok: false, status: 403 });
  });

  it('configureWebhook verifies first and refuses an endpoint that fails the handshake', async () => {
    answerChallenges('tok');
    await expect(sim.configureWebhook({ url: `${hub.url}/other`, verifyToken: 'nope' })).rejects.toThrow(
      /verification failed/,
    );
    const result = await sim.configureWebhook({ url: `${hub.url}/other`, verifyToken: 'tok' });
    expect(result?.ok).toBe(true);
    sim.sendText({ from: CUSTOMER, text: 'to the new url' });
    await hub.waitFor(3);
    expect(hub.requests.at(-1)!.path).toBe('/other');
  });

  it('verifies a per-WABA override callback through subscribed_apps', async () => {
    answerChallenges('override-token');
    const token = sim.defaults!.accessToken;
    const path = `/v21.0/${sim.defaults!.wabaId}/subscribed_apps`;
    const rejected = await callGraph(sim.url, token, 'POST', path, {
      override_callback_uri: `${hub.url}/override`,
      verify_token: 'bad',
    });
    expect(rejected.body.error).toMatchObject({
      code: 2200,
      message: expect.stringContaining('Callback verification failed'),
    });
    expect(
      (
        await callGraph(sim.url, token, 'POST', path, {
          override_callback_uri: `${hub.url}/override`,
          verify_token: 'override-token',
        })
      ).body,
    ).toEqual({ success: true });
    expect((await callGraph(sim.url, token, 'GET', path)).body.data[0]).toMatchObject({
      override_callback_uri: `${hub.url}/override`,
    });
    sim.sendText({ from: CUSTOMER, text: 'x' });
    await hub.waitFor(3); // two handshakes, then the message
    expect(hub.requests.at(-1)!.path).toBe('/override');
  });
});

describe('template status webhooks', () => {
  it('emits message_template_status_update when a template changes status', async () => {
    sim.createTemplate({ name: 'promo', category: 'MARKETING', components: [{ type: 'BODY', text: 'Sale' }] });
    const t = sim.setTemplateStatus({ name: 'promo', status: 'PAUSED' });
    const [req] = await hub.waitFor(1);
    expect(payloadOf(req!).entry[0].changes[0]).toEqual({
      value: {
        event: 'PAUSED',
        message_template_id: Number(t.id),
        message_template_name: 'promo',
        message_template_language: 'en_US',
        reason: 'NONE',
      },
      field: 'message_template_status_update',
    });
  });
});
