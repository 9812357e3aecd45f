/**
 * What the providers say of a connection, end to end on a real hub and the simulators (the connectors' `health`
 * feature): a Messenger Page token that ends in 2 days is a warning ahead of time and our app's subscription cut
 * down by another tool is one too, until a restart subscribes it again; a Twilio number whose SmsUrl another app
 * changed; a VK callback server moved elsewhere. Each is fixed by restarting the connection.
 */
import {
  startMetaMessagingSimulator,
  startTwilioSimulator,
  startVkSimulator,
  startWhatsAppSimulator,
  type MetaMessagingSimulator,
  type TwilioSimulator,
  type VkSimulator,
  type WhatsAppSimulator,
} from '@switchboard/simulators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestServer, type TestServer } from '../testing/test-server.js';

interface Check {
  name: string;
  state: string;
  detail: string;
  expiresAt?: string;
  stage?: string;
}
interface Health {
  state: string;
  checks: Check[];
}
interface Conn {
  id: string;
  status: string;
  statusReason: string | null;
  webhookUrl: string;
}

const DAY = 86_400_000;

describe('provider health checks', () => {
  let t: TestServer;
  let meta: MetaMessagingSimulator;
  let twilio: TwilioSimulator;
  let vk: VkSimulator;
  let wa: WhatsAppSimulator;

  const create = async (type: string, config: Record<string, unknown>) => {
    const res = await t.api<Conn>('POST', '/api/v1/connections', { type, name: `${type} health`, config });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body;
  };
  const start = async (conn: Conn) => {
    const res = await t.api<Conn>('POST', `/api/v1/connections/${conn.id}/start`);
    expect([res.body.status, res.body.statusReason]).toEqual(['RUNNING', null]);
  };
  const restart = async (conn: Conn) => {
    expect((await t.api<Conn>('POST', `/api/v1/connections/${conn.id}/stop`)).body.status).toBe('STOPPED');
    await start(conn);
  };
  const check = async (conn: Conn) => {
    const res = await t.api<Health>('POST', `/api/v1/connections/${conn.id}/health`);
    expect(res.status).toBe(200);
    return res.body;
  };
  const named = (h: Health, name: string) => h.checks.find((c) => c.name === name);

  beforeAll(async () => {
    meta = await startMetaMessagingSimulator();
    twilio = await startTwilioSimulator({ numbers: ['+15005550006'] });
    vk = await startVkSimulator({ callbackRetryScale: 0.001 });
    wa = await startWhatsAppSimulator({ webhooks: { retryScale: 0.001 } });
    t = await startTestServer({ allowPrivateNetwork: true });
  });
  afterAll(async () => {
    await t?.close();
    await Promise.all([meta?.close(), twilio?.close(), vk?.close(), wa?.close()]);
  });

  it('Messenger: a token ending in 2 days is a warning, and a cut-down subscription one until a restart', async () => {
    const page = meta.createPage({
      name: 'Acme Shoes',
      tokenExpiresInMs: 2 * DAY - 60_000,
      dataAccessExpiresInMs: 60 * DAY,
    });
    const conn = await create('messenger', {
      pageId: page.id,
      pageAccessToken: page.token,
      appSecret: meta.app.secret,
      apiBaseUrl: meta.url,
    });
    await start(conn);
    let health = await check(conn);
    expect(named(health, 'token_expiry')).toMatchObject({ state: 'warning', stage: '3d' });
    expect(named(health, 'token_expiry')?.detail).toMatch(
      /^The Messenger access token expires in 2 days, at .* — generate a new token/,
    );
    expect(named(health, 'data_access')).toMatchObject({ state: 'healthy' });
    expect(named(health, 'webhook')).toMatchObject({ state: 'healthy' });
    expect(health.state).toBe('warning');
    // another tool re-subscribes the app with only `messages`: the other webhooks stop without an error anywhere
    meta.setSubscribedFields(page.id, ['messages']);
    health = await check(conn);
    expect(named(health, 'webhook')).toMatchObject({ state: 'warning' });
    expect(named(health, 'webhook')?.detail).toContain('without message_echoes, message_deliveries');
    meta.setSubscribedFields(page.id, null);
    expect(named(await check(conn), 'webhook')?.detail).toContain(`has not subscribed this app (${meta.app.id})`);
    await restart(conn);
    expect(named(await check(conn), 'webhook')).toMatchObject({ state: 'healthy' });
    // the token renewed (a new one never ends): the warning is gone
    meta.setTokenExpiry(page.id, { expiresInMs: 0 });
    health = await check(conn);
    expect(named(health, 'token_expiry')).toMatchObject({
      state: 'healthy',
      detail: 'The Messenger access token does not expire',
    });
  });

  it('Twilio: a number whose SmsUrl another app changed is a warning naming that URL; a restart points it back', async () => {
    const conn = await create('twilio-sms', {
      accountSid: twilio.accountSid,
      authToken: twilio.authToken,
      from: ['+15005550006'],
      apiBaseUrl: twilio.url,
    });
    await start(conn);
    expect(twilio.numberConfig('+15005550006')?.smsUrl).toBe(conn.webhookUrl);
    let health = await check(conn);
    expect(named(health, 'account')).toMatchObject({ state: 'healthy' });
    expect(named(health, 'webhook')).toMatchObject({ state: 'healthy' });
    // another app takes the number over through the same REST API
    const auth = `Basic ${Buffer.from(`${twilio.accountSid}:${twilio.authToken}`).toString('base64')}`;
    const base = `${twilio.url}/2010-04-01/Accounts/${twilio.accountSid}/IncomingPhoneNumbers`;
    const list = (await (
      await fetch(`${base}.json?PhoneNumber=${encodeURIComponent('+15005550006')}`, {
        headers: { authorization: auth },
      })
    ).json()) as { incoming_phone_numbers: Array<{ sid: string }> };
    const sid = list.incoming_phone_numbers[0]?.sid ?? '';
    const moved = await fetch(`${base}/${sid}.json`, {
      method: 'POST',
      headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ SmsUrl: 'https://other-app.example/sms' }),
    });
    expect(moved.status).toBe(200);
    health = await check(conn);
    expect(named(health, 'webhook')).toMatchObject({ state: 'warning' });
    expect(named(health, 'webhook')?.detail).toContain(
      `Twilio sends incoming SMS for +15005550006 to https://other-app.example/sms, not to ${conn.webhookUrl}`,
    );
    await restart(conn);
    expect(named(await check(conn), 'webhook')).toMatchObject({ state: 'healthy' });
  });

  it('VK: a callback server moved to another URL is a warning; a restart registers ours again', async () => {
    const conn = await create('vk', { groupId: vk.groupId, accessToken: vk.token, apiBaseUrl: vk.url });
    await start(conn);
    const server = await eventually(
      () => Promise.resolve(vk.callbackServers().find((s) => s.url === conn.webhookUrl && s.status === 'ok')),
      10_000,
      'callback server confirmed',
    );
    expect(named(await check(conn), 'webhook')).toMatchObject({ state: 'healthy' });
    // someone edits the server in the community's settings (groups.editCallbackServer) to another bot's URL
    const form = new URLSearchParams({
      group_id: String(vk.groupId),
      server_id: String(server.id),
      url: 'https://other-bot.example/vk',
      access_token: vk.token,
      v: '5.199',
    });
    const edited = (await (
      await fetch(`${vk.url}/method/groups.editCallbackServer`, { method: 'POST', body: form })
    ).json()) as {
      response?: unknown;
    };
    expect(edited.response).toBe(1);
    const health = await check(conn);
    expect(named(health, 'webhook')).toMatchObject({ state: 'warning' });
    expect(named(health, 'webhook')?.detail).toContain(`VK has no callback server with ${conn.webhookUrl}`);
    expect(named(health, 'webhook')?.detail).toContain('https://other-bot.example/vk');
    await restart(conn);
    await eventually(
      async () => ((named(await check(conn), 'webhook')?.state ?? '') === 'healthy' ? true : undefined),
      10_000,
      'our callback server confirmed again',
    );
  });

  it('WhatsApp Cloud: a user token ending in 2 days warns, and an app no longer subscribed to the WABA does too', async () => {
    const seeded = wa.defaults;
    if (!seeded) throw new Error('simulator not seeded');
    const { token } = wa.createAccessToken({ expiresInMs: 2 * DAY - 60_000 });
    const conn = await create('whatsapp', {
      accessToken: token,
      appSecret: wa.app.secret,
      businessAccountId: seeded.wabaId,
      phoneNumberIds: [seeded.phoneNumberId],
      apiBaseUrl: wa.url,
    });
    await start(conn);
    let health = await check(conn);
    expect(named(health, 'token_expiry')).toMatchObject({ state: 'warning', stage: '3d' });
    expect(named(health, 'token_expiry')?.detail).toContain('The WhatsApp access token expires in 2 days');
    expect(named(health, 'webhook')).toMatchObject({ state: 'healthy' });
    // another integration removes our app from the WABA (DELETE /{waba-id}/subscribed_apps)
    const removed = await fetch(`${wa.url}/v21.0/${seeded.wabaId}/subscribed_apps`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(removed.status).toBe(200);
    health = await check(conn);
    expect(named(health, 'webhook')).toMatchObject({ state: 'warning' });
    expect(named(health, 'webhook')?.detail).toContain(`to WhatsApp Business Account ${seeded.wabaId}'s webhooks`);
  });
});
