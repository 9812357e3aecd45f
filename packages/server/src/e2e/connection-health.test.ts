/**
 * A connection's health end to end, on a real hub and the Telegram Bot API simulator: the webhook Telegram has
 * against ours (another app took it over → warning in Telegram's words, re-registering fixes it), the first-message
 * check flipping on the first customer message, a burst of provider 5xx turning the outbound and provider-call
 * checks to warning and back once the retries go through, the state in the connection list, its log and /metrics.
 */
import { startTelegramSimulator, type TelegramSimulator } from '@switchboard/simulators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addWorkspace, eventually, startTestServer, type TestServer } from '../testing/test-server.js';

interface Check {
  name: string;
  state: string;
  detail: string;
  checkedAt: string;
}
interface Health {
  state: string;
  checks: Check[];
  updatedAt: string;
}
interface Conn {
  id: string;
  status: string;
  health?: Health | null;
}
interface Log {
  event: string;
  message: string;
}

describe('connection health', () => {
  let sim: TelegramSimulator;
  let t: TestServer;
  let token: string;
  let conn: Conn;

  const check = async () => {
    const res = await t.api<Health>('POST', `/api/v1/connections/${conn.id}/health`);
    expect(res.status).toBe(200);
    return res.body;
  };
  const named = (h: Health | null | undefined, name: string) => h?.checks.find((c) => c.name === name);
  const read = async () => (await t.api<Conn>('GET', `/api/v1/connections/${conn.id}`)).body;
  const logs = async () => (await t.api<{ data: Log[] }>('GET', `/api/v1/connections/${conn.id}/logs`)).body.data;

  beforeAll(async () => {
    sim = await startTelegramSimulator({ webhookRetryScale: 0.001, rateLimits: false });
    token = sim.defaultBot?.token ?? '';
    t = await startTestServer({ env: { SWITCHBOARD_OUTBOUND_MAX_ATTEMPTS: '60' } });
    conn = (
      await t.api<Conn>('POST', '/api/v1/connections', {
        type: 'telegram',
        name: 'Support bot',
        config: { botToken: token, apiBaseUrl: sim.url },
      })
    ).body;
  });
  afterAll(async () => {
    await t?.close();
    await sim?.close();
  });

  it('has no health before it ever ran, and is checked as soon as it starts', async () => {
    expect((await read()).health).toBeNull();
    expect((await t.api<Conn>('POST', `/api/v1/connections/${conn.id}/start`)).body.status).toBe('RUNNING');
    const health = await eventually(async () => (await read()).health ?? undefined, 5000, 'health after start');
    expect(named(health, 'webhook')).toMatchObject({ state: 'healthy' });
    expect(named(health, 'pending_updates')).toMatchObject({ state: 'healthy' });
    // a running connection stays RUNNING; what is not proven yet is a warning beside it
    expect(named(health, 'first_message')).toMatchObject({
      state: 'warning',
      detail: 'Waiting for the first message — send one from Telegram to Support bot',
    });
    expect(health.state).toBe('warning');
    expect((await read()).status).toBe('RUNNING');
    expect(sim.apiCalls({ token, method: 'getWebhookInfo' }).length).toBeGreaterThan(0);
    expect((await logs()).find((l) => l.event === 'health')?.message).toContain('health unchecked → warning');
  });

  it('warns in Telegram words when another app took the webhook over, and re-registering fixes it', async () => {
    // another app sets its own webhook for the same bot (a closed local port: deliveries there fail)
    const other = 'http://127.0.0.1:9/other-app';
    const set = await fetch(`${sim.url}/bot${token}/setWebhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ url: other }),
    });
    expect(set.status).toBe(200);
    const warned = await check();
    expect(warned.state).toBe('warning');
    expect(named(warned, 'webhook')?.state).toBe('warning');
    expect(named(warned, 'webhook')?.detail).toContain(`delivers this bot's updates to ${other}`);
    expect(named(warned, 'webhook')?.detail).toContain('re-register');
    expect(named((await read()).health, 'webhook')?.state).toBe('warning');

    await t.api('POST', `/api/v1/connections/${conn.id}/stop`);
    await t.api('POST', `/api/v1/connections/${conn.id}/start`);
    expect(sim.webhookInfo({ token }).url).toBe(`${t.url}/webhooks/${conn.id}`);
    expect(named(await check(), 'webhook')?.state).toBe('healthy');
  });

  it('turns the first-message check green as soon as a customer writes', async () => {
    const ana = sim.createUser({ firstName: 'Ana' });
    sim.sendText({ token, from: ana.id, text: 'hello?' });
    const health = await eventually(
      async () => {
        const h = (await read()).health;
        return named(h, 'first_message')?.state === 'healthy' ? h : undefined;
      },
      10_000,
      'first message seen',
    );
    expect(named(health, 'first_message')?.detail).toMatch(/^The first message arrived at \d{4}-/);
    expect(health?.state).toBe('healthy');
  });

  it('warns on a burst of provider 5xx, and is healthy again once the retries went through', async () => {
    const conversations = (await t.api<{ data: Array<{ id: string }> }>('GET', '/api/v1/conversations')).body.data;
    const conversationId = conversations[0]?.id ?? '';
    sim.injectFault({ method: 'sendMessage', token, times: 0, error: { error_code: 502, description: 'Bad Gateway' } });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await t.api<{ id: string }>('POST', `/api/v1/conversations/${conversationId}/messages`, {
        content: { type: 'text', text: `update ${i}` },
      });
      expect(res.status).toBe(202);
      ids.push(res.body.id);
    }
    const warned = await eventually(
      async () => {
        const h = await check();
        return named(h, 'outbound_errors')?.state === 'warning' ? h : undefined;
      },
      10_000,
      'outbound errors seen',
    );
    // one chat's messages go in order, so the first in retry holds the rest: at least one of five in trouble
    expect(named(warned, 'outbound_errors')?.detail).toMatch(
      /^[1-5] of 5 messages sent in the last 60 min failed or wait for a retry after a provider error/,
    );
    expect(warned.state).toBe('warning');
    // the provider calls themselves: every attempt so far answered 502
    const burst = await eventually(
      async () => {
        const h = await check();
        return named(h, 'provider_errors')?.state === 'warning' ? h : undefined;
      },
      10_000,
      'the burst of 5xx seen',
    );
    expect(named(burst, 'provider_errors')?.detail).toMatch(
      /^Telegram answered (\d+) of the last \1 sends in 15 min with trouble: \1 × a server error or no answer \(5xx, timeout\)/,
    );
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    expect(metrics).toContain(`switchboard_connection_health{connection="${conn.id}",state="warning"} 1`);

    sim.clearFaults();
    await eventually(
      async () => {
        const statuses = await Promise.all(
          ids.map(async (id) => (await t.api<{ status: string }>('GET', `/api/v1/messages/${id}`)).body.status),
        );
        return statuses.every((s) => s === 'sent') ? true : undefined;
      },
      15_000,
      'the retries to go through',
    );
    const healed = await check();
    expect(named(healed, 'outbound_errors')?.state).toBe('healthy');
    // five sends in a row went through: the burst has passed although its calls are still in the window
    expect(named(healed, 'provider_errors')).toMatchObject({ state: 'healthy' });
    expect(healed.state).toBe('healthy');
    const list = (await t.api<{ data: Conn[] }>('GET', '/api/v1/connections')).body.data;
    expect(list.find((c) => c.id === conn.id)?.health?.state).toBe('healthy');
    expect(await (await fetch(`${t.url}/metrics`)).text()).toContain(
      `switchboard_connection_health{connection="${conn.id}",state="healthy"} 1`,
    );
    expect((await logs()).some((l) => l.event === 'health' && l.message.startsWith('health warning → healthy'))).toBe(
      true,
    );
  });

  it("summarises every connection for the Health page: the last hour's sends, 5xx, latency and 24 hourly counts", async () => {
    interface Summary {
      connectionId: string;
      lastInboundAt: string | null;
      lastOutboundAt: string | null;
      health: Health | null;
      lastHour: {
        outbound: number;
        providerCalls: number;
        serverErrors: number;
        rateLimited: number;
        latencyP50Ms: number | null;
        latencyP95Ms: number | null;
      };
      hourly: Array<{ hour: string; inbound: number; outbound: number }>;
    }
    const res = await t.api<{ data: Summary[] }>('GET', '/api/v1/connections/health-summary');
    expect(res.status).toBe(200);
    const mine = res.body.data.find((s) => s.connectionId === conn.id);
    if (!mine) throw new Error('the connection is not in the summary');
    expect(mine.health?.state).toBe('healthy');
    expect(mine.lastInboundAt).not.toBeNull();
    expect(mine.lastOutboundAt).not.toBeNull();
    expect(mine.lastHour.outbound).toBe(5);
    // the retries of the burst: every 502 is a call, and the five that went through
    expect(mine.lastHour.serverErrors).toBeGreaterThanOrEqual(1);
    expect(mine.lastHour.providerCalls).toBe(mine.lastHour.serverErrors + 5);
    expect(mine.lastHour.rateLimited).toBe(0);
    expect(mine.lastHour.latencyP50Ms).not.toBeNull();
    expect(mine.lastHour.latencyP95Ms ?? -1).toBeGreaterThanOrEqual(mine.lastHour.latencyP50Ms ?? 0);
    expect(mine.hourly).toHaveLength(24);
    expect(Date.parse(mine.hourly[23]?.hour ?? '')).toBeLessThanOrEqual(Date.now());
    expect(Date.now() - Date.parse(mine.hourly[23]?.hour ?? '')).toBeLessThan(3_600_000);
    expect(mine.hourly.reduce((n, h) => n + h.inbound, 0)).toBe(1);
    expect(mine.hourly.reduce((n, h) => n + h.outbound, 0)).toBe(5);
    // another workspace sees none of it
    const other = await addWorkspace(t, 'sb_other_health_token_0001', 'health-other@example.com');
    expect(other.workspaceId).toBeTruthy();
    const theirs = await t.api<{ data: Summary[] }>('GET', '/api/v1/connections/health-summary', undefined, {
      authorization: 'Bearer sb_other_health_token_0001',
    });
    expect(theirs.status).toBe(200);
    expect(theirs.body.data).toEqual([]);
  });
});
