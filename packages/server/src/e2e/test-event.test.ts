/**
 * "Send a test event" end to end on a real hub and the Messenger simulator: the hub asks Meta's sample notification
 * (`/{app-id}/subscriptions_sample`) for the Page, Meta delivers the signed webhook, and the first-message check
 * turns healthy with the time it arrived. A channel without a test facility answers 409 and a stopped connection
 * 409, an operator 403; nothing is requested then. Instagram (object=instagram) and WhatsApp Cloud
 * (object=whatsapp_business_account, whose sample names our first phone number) do the same.
 */
import {
  startMetaMessagingSimulator,
  startTelegramSimulator,
  startWhatsAppSimulator,
  type MetaMessagingSimulator,
  type TelegramSimulator,
  type WhatsAppSimulator,
} from '@switchboard/simulators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestServer, type TestServer } from '../testing/test-server.js';

interface Conn {
  id: string;
  status: string;
  webhookUrl: string;
  config: Record<string, unknown>;
}
interface Health {
  state: string;
  checks: Array<{ name: string; state: string; detail: string }>;
}

describe('send a test event', () => {
  let t: TestServer;
  let meta: MetaMessagingSimulator;
  let telegram: TelegramSimulator;
  let conn: Conn;

  const firstMessage = async (id: string) =>
    (await t.api<Health>('GET', `/api/v1/connections/${id}`)).body as unknown as { health: Health };
  const samples = () => meta.calls().filter((c) => c.path.endsWith('/subscriptions_sample'));

  beforeAll(async () => {
    meta = await startMetaMessagingSimulator();
    telegram = await startTelegramSimulator({ webhookRetryScale: 0.001, rateLimits: false });
    t = await startTestServer({ allowPrivateNetwork: true });
    const page = meta.createPage({ name: 'Acme Shoes' });
    const created = await t.api<Conn>('POST', '/api/v1/connections', {
      type: 'messenger',
      name: 'Acme Shoes',
      config: { pageId: page.id, pageAccessToken: page.token, appSecret: meta.app.secret, apiBaseUrl: meta.url },
    });
    expect(created.status).toBe(201);
    conn = created.body;
    expect(
      (await meta.configureWebhook({ url: conn.webhookUrl, verifyToken: String(conn.config.verifyToken) })).ok,
    ).toBe(true);
  });
  afterAll(async () => {
    await t?.close();
    await meta?.close();
    await telegram?.close();
  });

  it('refuses a stopped connection, and a channel without a test facility', async () => {
    const stopped = await t.api<{ error: { code: string; message: string } }>(
      'POST',
      `/api/v1/connections/${conn.id}/test-event`,
    );
    expect(stopped.status).toBe(409);
    expect(stopped.body.error.message).toContain('start it');
    const bot = telegram.defaultBot?.token ?? '';
    const tg = await t.api<Conn>('POST', '/api/v1/connections', {
      type: 'telegram',
      name: 'Support bot',
      config: { botToken: bot, apiBaseUrl: telegram.url },
    });
    await t.api('POST', `/api/v1/connections/${tg.body.id}/start`);
    const none = await t.api<{ error: { message: string } }>('POST', `/api/v1/connections/${tg.body.id}/test-event`);
    expect(none.status).toBe(409);
    expect(none.body.error.message).toContain('has no test facility');
    const types = (
      await t.api<{ data: Array<{ type: string; features: string[] }> }>('GET', '/api/v1/connection-types')
    ).body.data;
    expect(types.find((x) => x.type === 'messenger')?.features).toContain('testEvent');
    expect(types.find((x) => x.type === 'telegram')?.features).not.toContain('testEvent');
    expect(samples()).toHaveLength(0);
  });

  it('an operator may not ask for one', async () => {
    const invited = await t.api<{ user: { id: string }; password: string }>('POST', '/api/v1/users', {
      email: 'op@example.test',
      name: 'Op',
      role: 'operator',
    });
    expect(invited.status).toBe(201);
    const op = await t.api<{ token: string }>('POST', '/api/v1/auth/login', {
      email: 'op@example.test',
      password: invited.body.password,
    });
    expect(op.status).toBe(200);
    const res = await t.api('POST', `/api/v1/connections/${conn.id}/test-event`, undefined, {
      authorization: `Bearer ${op.body.token}`,
    });
    expect(res.status).toBe(403);
    expect(samples()).toHaveLength(0);
  });

  it('Meta delivers the sample to our webhook and the first-message check turns healthy', async () => {
    expect((await t.api<Conn>('POST', `/api/v1/connections/${conn.id}/start`)).body.status).toBe('RUNNING');
    const before = (await firstMessage(conn.id)).health.checks.find((c) => c.name === 'first_message');
    expect(before?.state).toBe('warning');
    const res = await t.api<{ requested: boolean; detail: string }>(
      'POST',
      `/api/v1/connections/${conn.id}/test-event`,
    );
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(res.body.requested).toBe(true);
    expect(res.body.detail).toContain(conn.webhookUrl);
    expect(JSON.stringify(res.body)).not.toContain(meta.app.secret);
    expect(samples()).toHaveLength(1);
    const after = await eventually(
      async () => {
        const c = (await firstMessage(conn.id)).health.checks.find((x) => x.name === 'first_message');
        return c?.state === 'healthy' ? c : undefined;
      },
      10_000,
      'the first-message check healthy',
    );
    expect(after.detail).toMatch(/^The first message arrived at \d{4}-/);
    // it is a message like any: in the inbox, from the sample's sender
    const convs = (await t.api<{ data: Array<{ id: string; connectionId: string }> }>('GET', '/api/v1/conversations'))
      .body.data;
    expect(convs.some((c) => c.connectionId === conn.id)).toBe(true);
    const logs = (
      await t.api<{ data: Array<{ event: string; message: string }> }>('GET', `/api/v1/connections/${conn.id}/logs`)
    ).body.data;
    expect(logs.some((l) => l.event === 'test_event' && l.message.startsWith('test event requested'))).toBe(true);
  });
});

describe('send a test event: Instagram', () => {
  let t: TestServer;
  let meta: MetaMessagingSimulator;
  let conn: Conn;

  beforeAll(async () => {
    meta = await startMetaMessagingSimulator();
    t = await startTestServer({ allowPrivateNetwork: true });
    const account = meta.createInstagramAccount({ name: 'acme.shoes' });
    const created = await t.api<Conn>('POST', '/api/v1/connections', {
      type: 'instagram',
      name: 'Acme on Instagram',
      config: {
        instagramAccountId: account.id,
        accessToken: account.token,
        appSecret: meta.app.secret,
        apiBaseUrl: meta.url,
      },
    });
    expect(created.status).toBe(201);
    conn = created.body;
    expect(
      (await meta.configureWebhook({ url: conn.webhookUrl, verifyToken: String(conn.config.verifyToken) })).ok,
    ).toBe(true);
    expect((await t.api<Conn>('POST', `/api/v1/connections/${conn.id}/start`)).body.status).toBe('RUNNING');
  });
  afterAll(async () => {
    await t?.close();
    await meta?.close();
  });

  it('Meta delivers an object=instagram sample and the first-message check turns healthy', async () => {
    const types = (
      await t.api<{ data: Array<{ type: string; features: string[] }> }>('GET', '/api/v1/connection-types')
    ).body.data;
    expect(types.find((x) => x.type === 'instagram')?.features).toContain('testEvent');
    const check = async () =>
      ((await t.api('GET', `/api/v1/connections/${conn.id}`)).body as unknown as { health: Health }).health.checks.find(
        (c) => c.name === 'first_message',
      );
    expect((await check())?.state).toBe('warning');
    const res = await t.api<{ requested: boolean; detail: string }>(
      'POST',
      `/api/v1/connections/${conn.id}/test-event`,
    );
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(res.body.detail).toContain(conn.webhookUrl);
    expect(JSON.stringify(res.body)).not.toContain(meta.app.secret);
    expect(meta.calls().filter((c) => c.path.endsWith('/subscriptions_sample'))).toHaveLength(1);
    const after = await eventually(
      async () => {
        const c = await check();
        return c?.state === 'healthy' ? c : undefined;
      },
      10_000,
      'the first-message check healthy',
    );
    expect(after.detail).toMatch(/^The first message arrived at \d{4}-/);
    const convs = (await t.api<{ data: Array<{ connectionId: string }> }>('GET', '/api/v1/conversations')).body.data;
    expect(convs.some((c) => c.connectionId === conn.id)).toBe(true);
  });

  it("a rejected app secret is the provider's words, and nothing arrives", async () => {
    // a second account whose connection holds a wrong App Secret: Meta refuses the app token
    const other = meta.createInstagramAccount({ name: 'acme.outlet' });
    const bad = await t.api<Conn>('POST', '/api/v1/connections', {
      type: 'instagram',
      name: 'Outlet',
      config: {
        instagramAccountId: other.id,
        accessToken: other.token,
        appSecret: 'not-the-app-secret',
        apiBaseUrl: meta.url,
      },
    });
    expect(bad.status).toBe(201);
    await t.api('POST', `/api/v1/connections/${bad.body.id}/start`);
    const before = meta.calls().filter((c) => c.path.endsWith('/subscriptions_sample')).length;
    const res = await t.api<{ error: { code: string; message: string } }>(
      'POST',
      `/api/v1/connections/${bad.body.id}/test-event`,
    );
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(JSON.stringify(res.body)).not.toContain('not-the-app-secret');
    expect(meta.calls().filter((c) => c.path.endsWith('/subscriptions_sample')).length).toBe(before + 1);
  });
});

describe('send a test event: WhatsApp Cloud', () => {
  let t: TestServer;
  let sim: WhatsAppSimulator;
  let conn: Conn;

  const check = async () =>
    ((await t.api('GET', `/api/v1/connections/${conn.id}`)).body as unknown as { health: Health }).health.checks.find(
      (c) => c.name === 'first_message',
    );
  const samples = () => sim.apiCalls({ op: 'subscriptions_sample' });

  beforeAll(async () => {
    sim = await startWhatsAppSimulator({ webhooks: { retryScale: 0.001 } });
    t = await startTestServer({ allowPrivateNetwork: true });
    const d = sim.defaults;
    if (!d) throw new Error('simulator not seeded');
    const created = await t.api<Conn>('POST', '/api/v1/connections', {
      type: 'whatsapp',
      name: 'Acme WhatsApp',
      config: {
        accessToken: d.accessToken,
        appSecret: sim.app.secret,
        businessAccountId: d.wabaId,
        phoneNumberIds: [d.phoneNumberId],
        apiBaseUrl: sim.url,
      },
    });
    expect(created.status).toBe(201);
    conn = created.body;
    expect(
      (await sim.configureWebhook({ url: conn.webhookUrl, verifyToken: String(conn.config.verifyToken) }))?.ok,
    ).toBe(true);
    expect((await t.api<Conn>('POST', `/api/v1/connections/${conn.id}/start`)).body.status).toBe('RUNNING');
  });
  afterAll(async () => {
    await t?.close();
    await sim?.close();
  });

  it('Meta delivers a signed whatsapp_business_account sample and the first-message check turns healthy', async () => {
    const types = (
      await t.api<{ data: Array<{ type: string; features: string[] }> }>('GET', '/api/v1/connection-types')
    ).body.data;
    expect(types.find((x) => x.type === 'whatsapp')?.features).toContain('testEvent');
    expect((await check())?.state).toBe('warning');
    const res = await t.api<{ requested: boolean; detail: string }>(
      'POST',
      `/api/v1/connections/${conn.id}/test-event`,
    );
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(res.body.detail).toContain(conn.webhookUrl);
    expect(JSON.stringify(res.body)).not.toContain(sim.app.secret);
    expect(samples()).toHaveLength(1);
    const after = await eventually(
      async () => {
        const c = await check();
        return c?.state === 'healthy' ? c : undefined;
      },
      10_000,
      'the first-message check healthy',
    );
    expect(after.detail).toMatch(/^The first message arrived at \d{4}-/);
    // the delivery was signed with the app secret and named our number in its metadata
    const delivery = sim.webhookDeliveries().find((x) => x.body.includes('Test event from Switchboard'));
    expect(delivery?.headers['x-hub-signature-256']).toMatch(/^sha256=/);
    expect(delivery?.body).toContain(`"phone_number_id":"${sim.defaults?.phoneNumberId ?? ''}"`);
    // a message like any (as Messenger's): in the inbox, from the sample's sender
    const convs = (await t.api<{ data: Array<{ connectionId: string }> }>('GET', '/api/v1/conversations')).body.data;
    expect(convs.some((c) => c.connectionId === conn.id)).toBe(true);
  });

  it("a wrong App Secret is refused by Meta: the provider's words, no secret in them, nothing delivered", async () => {
    const d = sim.defaults;
    if (!d) throw new Error('simulator not seeded');
    const bad = await t.api<Conn>('POST', '/api/v1/connections', {
      type: 'whatsapp',
      name: 'Wrong secret',
      config: {
        accessToken: d.accessToken,
        appSecret: 'not-the-app-secret',
        businessAccountId: d.wabaId,
        phoneNumberIds: [d.phoneNumberId],
        apiBaseUrl: sim.url,
      },
    });
    expect(bad.status).toBe(201);
    await t.api('POST', `/api/v1/connections/${bad.body.id}/start`);
    const delivered = sim.webhookDeliveries().length;
    const res = await t.api<{ error: { message: string } }>('POST', `/api/v1/connections/${bad.body.id}/test-event`);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(JSON.stringify(res.body)).not.toContain('not-the-app-secret');
    expect(samples().at(-1)?.status).toBe(401);
    expect(sim.webhookDeliveries().length).toBe(delivered);
  });
});
