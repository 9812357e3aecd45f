// The Coreapp simulator on its own: login and token expiry, the webhook setting, flat webhooks and their retries,
// media both ways, sends with their window and template rules (https://developers.facebook.com/docs/whatsapp/on-premises/reference).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startWebhookReceiver, type WebhookReceiver } from '../testing/webhook-receiver.js';
import { startWhatsAppOnPremSimulator, type WhatsAppOnPremSimulator } from './simulator.js';

let sim: WhatsAppOnPremSimulator;
let hub: WebhookReceiver;

beforeEach(async () => {
  hub = await startWebhookReceiver();
  sim = await startWhatsAppOnPremSimulator({
    password: 'Secret-Pass-1',
    webhooks: { retryScale: 0.001 },
    receipts: { sentAfterMs: 5, deliveredAfterMs: 10, readAfterMs: 0 },
  });
});
afterEach(async () => {
  await sim.close();
  await hub.close();
});

const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;
async function call(path: string, init: { method?: string; token?: string; json?: unknown; auth?: string } = {}) {
  const res = await fetch(`${sim.url}${path}`, {
    method: init.method ?? (init.json !== undefined ? 'POST' : 'GET'),
    headers: {
      ...(init.auth ? { authorization: init.auth } : init.token ? { authorization: `Bearer ${init.token}` } : {}),
      ...(init.json !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(init.json !== undefined ? { body: JSON.stringify(init.json) } : {}),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}
async function login(): Promise<string> {
  const res = await call('/v1/users/login', { method: 'POST', auth: basic('admin', 'Secret-Pass-1') });
  expect(res.status).toBe(200);
  const users = res.body.users as Array<{ token: string; expires_after: string }>;
  return (users[0] as { token: string }).token;
}
async function register(token: string) {
  const res = await call('/v1/settings/application', {
    method: 'PATCH',
    token,
    json: { callback_persist: true, webhooks: { url: `${hub.url}/hook` } },
  });
  expect(res.status).toBe(200);
}

describe('login (https://developers.facebook.com/docs/whatsapp/on-premises/reference/users/login)', () => {
  it('hands out a bearer token for basic auth that expires after 7 days', async () => {
    const res = await call('/v1/users/login', { method: 'POST', auth: basic('admin', 'Secret-Pass-1') });
    const [user] = res.body.users as Array<{ token: string; expires_after: string }>;
    expect(user?.expires_after).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\+00:00$/);
    const expires = Date.parse((user?.expires_after ?? '').replace(' ', 'T'));
    expect(expires - Date.now()).toBeGreaterThan(7 * 86_400_000 - 5000);
    expect((await call('/v1/settings/application', { token: user?.token ?? '' })).status).toBe(200);
    sim.advanceClock({ ms: 7 * 86_400_000 });
    const expired = await call('/v1/settings/application', { token: user?.token ?? '' });
    expect(expired.status).toBe(401);
    expect((expired.body.errors as Array<{ code: number }>)[0]?.code).toBe(1005);
  });

  it('refuses a wrong password, a missing token and a token after logout', async () => {
    expect((await call('/v1/users/login', { method: 'POST', auth: basic('admin', 'nope') })).status).toBe(401);
    expect((await call('/v1/messages', { json: { to: '1', type: 'text', text: { body: 'x' } } })).status).toBe(401);
    const token = await login();
    expect((await call('/v1/users/logout', { method: 'POST', token })).status).toBe(200);
    expect((await call('/v1/settings/application', { token })).status).toBe(401);
  });
});

describe('webhooks (https://developers.facebook.com/docs/whatsapp/on-premises/webhooks)', () => {
  it('posts flat message bodies to the registered URL and retries until it answers 200', async () => {
    await register(await login());
    hub.script({ status: 500 }, { status: 204 });
    const { id } = sim.sendText({ from: '16315551234', text: 'Hello', profileName: 'Kerry' });
    const requests = await hub.waitFor(3);
    const body = JSON.parse((requests[2]?.body ?? Buffer.alloc(0)).toString()) as Record<string, unknown>;
    expect(body).toEqual({
      contacts: [{ profile: { name: 'Kerry' }, wa_id: '16315551234' }],
      messages: [
        { from: '16315551234', id, timestamp: expect.stringMatching(/^\d+$/), type: 'text', text: { body: 'Hello' } },
      ],
    });
    expect(body).not.toHaveProperty('object');
    expect(requests[0]?.path).toBe('/hook');
    await sim.idle();
    expect(sim.webhookDeliveries()[0]?.attempts.map((a) => a.status)).toEqual([500, 204, 200]);
  });

  it('sends statuses forward, and a free-form send outside 24 h fails with 470', async () => {
    const token = await login();
    await register(token);
    sim.sendText({ from: '16315551234', text: 'hi' });
    const ok = await call('/v1/messages', { token, json: { to: '16315551234', type: 'text', text: { body: 'yo' } } });
    const okId = (ok.body.messages as Array<{ id: string }>)[0]?.id;
    sim.advanceClock({ ms: 25 * 3600 * 1000 });
    const late = await call('/v1/messages', { token, json: { to: '16315551234', type: 'text', text: { body: 'x' } } });
    const lateId = (late.body.messages as Array<{ id: string }>)[0]?.id;
    await sim.idle();
    const statuses = hub.requests
      .map((r) => JSON.parse(r.body.toString()) as { statuses?: Array<Record<string, unknown>> })
      .flatMap((b) => b.statuses ?? []);
    // each status is its own POST: they may arrive in either order, as from a real Coreapp
    expect(
      statuses
        .filter((s) => s.id === okId)
        .map((s) => String(s.status))
        .sort(),
    ).toEqual(['delivered', 'sent']);
    expect(statuses.filter((s) => s.id === lateId)).toEqual([
      expect.objectContaining({ status: 'failed', errors: [expect.objectContaining({ code: 470 })] }),
    ]);
  });
});

describe('messages and media (https://developers.facebook.com/docs/whatsapp/on-premises/reference/messages)', () => {
  it('uploads raw bytes, serves media by id, and checks the template namespace', async () => {
    const token = await login();
    await register(token);
    const up = await fetch(`${sim.url}/v1/media`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'image/png' },
      body: Buffer.from('PNGDATA'),
    });
    const mediaId = ((await up.json()) as { media: Array<{ id: string }> }).media[0]?.id ?? '';
    const down = await fetch(`${sim.url}/v1/media/${mediaId}`, { headers: { authorization: `Bearer ${token}` } });
    expect(down.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await down.arrayBuffer()).toString()).toBe('PNGDATA');
    expect((await call('/v1/media/nope', { token })).status).toBe(404);
    // the Cloud API's messaging_product is not a Coreapp parameter
    const cloudish = await call('/v1/messages', {
      token,
      json: { messaging_product: 'whatsapp', to: '1555', type: 'text', text: { body: 'x' } },
    });
    expect(cloudish.status).toBe(400);
    sim.createCustomer({ waId: '15550001111' });
    const template = (ns: string) => ({
      to: '15550001111',
      type: 'template',
      template: {
        namespace: ns,
        name: 'order_update',
        language: { policy: 'deterministic', code: 'en_US' },
        components: [
          {
            type: 'body',
            parameters: [
              { type: 'text', text: 'A1' },
              { type: 'text', text: 'Monday' },
            ],
          },
        ],
      },
    });
    const good = await call('/v1/messages', { token, json: template(sim.namespace) });
    const bad = await call('/v1/messages', { token, json: template('wrong_namespace') });
    await sim.idle();
    const [g, b] = [good, bad].map((r) => (r.body.messages as Array<{ id: string }>)[0]?.id);
    expect(sim.sentMessages().find((m) => m.id === g)).toMatchObject({
      status: 'delivered',
      rendered: 'Your order A1 ships on Monday.',
    });
    expect(sim.sentMessages().find((m) => m.id === b)?.status).toBe('failed');
  });
});
