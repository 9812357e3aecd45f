/**
 * The silence watch end to end on a real hub (its clock moved by the test) and the Telegram simulator: a connection
 * learns its pace from its own inbound history, an unusually long quiet — past the multiple of its usual gap and
 * the floor — is a warning naming both, and the next customer message clears it.
 */
import { startTelegramSimulator, type TelegramSimulator } from '@switchboard/simulators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestServer, testClock, type TestServer } from '../testing/test-server.js';

interface Check {
  name: string;
  state: string;
  detail: string;
}
interface Health {
  state: string;
  checks: Check[];
}

const MINUTE = 60_000;

describe('silence watch', () => {
  let sim: TelegramSimulator;
  let t: TestServer;
  let token: string;
  let connId: string;
  const clock = testClock();

  const silence = async () =>
    (await t.api<Health>('POST', `/api/v1/connections/${connId}/health`)).body.checks.find((c) => c.name === 'silence');
  const inboundCount = async () =>
    (
      await t
        .api<{ data: Array<{ id: string }> }>('GET', '/api/v1/conversations?limit=200')
        .then(async (r) =>
          Promise.all(
            r.body.data.map(
              async (c) =>
                (await t.api<{ data: Array<{ direction: string }> }>('GET', `/api/v1/conversations/${c.id}/messages`))
                  .body.data,
            ),
          ),
        )
    )
      .flat()
      .filter((m) => m.direction === 'inbound').length;
  const customerWrites = async (text: string) => {
    const before = await inboundCount();
    sim.sendText({ token, from: ana, text });
    await eventually(async () => ((await inboundCount()) > before ? true : undefined), 10_000, `inbound "${text}"`);
  };
  let ana = 0;

  beforeAll(async () => {
    sim = await startTelegramSimulator({ webhookRetryScale: 0.001, rateLimits: false });
    token = sim.defaultBot?.token ?? '';
    // the floor at 30 min: the learned multiple (4 × 5 min = 20 min) stays below it until the pace is slower
    t = await startTestServer({ clock, env: { SWITCHBOARD_HEALTH_SILENCE_FLOOR_MINUTES: '30' } });
    const conn = await t.api<{ id: string }>('POST', '/api/v1/connections', {
      type: 'telegram',
      name: 'Support bot',
      config: { botToken: token, apiBaseUrl: sim.url },
    });
    connId = conn.body.id;
    expect((await t.api<{ status: string }>('POST', `/api/v1/connections/${connId}/start`)).body.status).toBe(
      'RUNNING',
    );
    ana = sim.createUser({ firstName: 'Ana' }).id;
  });
  afterAll(async () => {
    await t?.close();
    await sim?.close();
  });

  it('learns the pace first, then warns after a quiet far longer than usual, and clears on the next message', async () => {
    await customerWrites('first');
    expect((await silence())?.detail).toMatch(/^Learning this connection's usual pace/);
    // ten more, five minutes apart on the hub's clock
    for (let i = 0; i < 10; i++) {
      clock.advance(5 * MINUTE);
      await customerWrites(`message ${i}`);
    }
    expect(await silence()).toMatchObject({
      state: 'healthy',
      detail: 'Messages arrive at the pace this connection has learned',
    });
    // 25 minutes: past 4 × the usual 5 min, still under the 30-minute floor
    clock.advance(25 * MINUTE);
    expect((await silence())?.state).toBe('healthy');
    clock.advance(50 * MINUTE);
    const warned = await silence();
    expect(warned?.state).toBe('warning');
    expect(warned?.detail).toMatch(
      /^No message has arrived for 1 h; nine in ten of this connection's last 11 messages came within 5 min of the one before/,
    );
    const logs = (
      await t.api<{ data: Array<{ event: string; message: string }> }>('GET', `/api/v1/connections/${connId}/logs`)
    ).body.data;
    expect(logs.some((l) => l.event === 'health' && l.message.includes('No message has arrived for 1 h'))).toBe(true);
    await customerWrites('back again');
    expect((await silence())?.state).toBe('healthy');
  });
});
