/**
 * Outgoing webhooks over real HTTP: deliveries verified by signature on the receiving side (independent HMAC),
 * retried after a failing receiver recovers with the same delivery id, dead when it never does, and replayed —
 * one delivery or a time range — from the delivery log.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestServer, type TestServer } from '../testing/test-server.js';

interface Received {
  path: string;
  headers: Record<string, string>;
  body: string;
  verified: boolean;
}
interface Delivery {
  id: string;
  status: string;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  eventType: string;
}

const SECRET = 'whsec_test_receiver_secret_0123456789';

describe('outgoing webhooks', () => {
  let t: TestServer;
  let receiver: Server;
  let base: string;
  const received: Received[] = [];
  const failuresLeft: Record<string, number> = { '/flaky': 2, '/down': Number.POSITIVE_INFINITY };

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
        // the receiver's own check, as an integrator would write it
        const expected = `v1=${createHmac('sha256', SECRET).update(`${headers['switchboard-timestamp']}.${body}`).digest('hex')}`;
        const got = headers['switchboard-signature'] ?? '';
        const verified = got.length === expected.length && timingSafeEqual(Buffer.from(got), Buffer.from(expected));
        received.push({ path: req.url ?? '', headers, body, verified });
        const left = failuresLeft[req.url ?? ''] ?? 0;
        if (left > 0) {
          failuresLeft[req.url ?? ''] = left - 1;
          res.writeHead(503).end('busy');
          return;
        }
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    // the receiver listens on 127.0.0.1: the workspace opts in to private networks
    t = await startTestServer({
      allowPrivateNetwork: true,
      env: {
        SWITCHBOARD_WEBHOOK_RETRY_BASE_MS: '100',
        SWITCHBOARD_WEBHOOK_MAX_AGE_MS: '1500',
        SWITCHBOARD_WEBHOOK_TIMEOUT_MS: '1000',
      },
    });
  });
  afterAll(async () => {
    await t.close();
    receiver.closeAllConnections();
    await new Promise((r) => receiver.close(r));
  });

  const subscribe = async (path: string, eventTypes: string[]) => {
    const r = await t.api<{ id: string; secret: string }>('POST', '/api/v1/webhook-subscriptions', {
      url: `${base}${path}`,
      eventTypes,
      secret: SECRET,
    });
    expect(r.status).toBe(201);
    expect(r.body.secret).toBe(SECRET);
    return r.body.id;
  };
  const visitorSays = async (conn: string, text: string) => {
    const session = (await (await fetch(`${t.url}/webchat/${conn}/sessions`, { method: 'POST' })).json()) as {
      token: string;
    };
    await fetch(`${t.url}/webchat/${conn}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${session.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ clientMessageId: text, text }),
    });
  };
  const deliveriesOf = async (sub: string) =>
    (await t.api<{ data: Delivery[] }>('GET', `/api/v1/webhook-subscriptions/${sub}/deliveries`)).body.data;

  it('signs deliveries, retries until the receiver recovers (same delivery id), and gives up on a dead receiver', async () => {
    const ok = await subscribe('/ok', ['message.received']);
    const flaky = await subscribe('/flaky', ['message.received', 'conversation.created']);
    const down = await subscribe('/down', ['*']);
    const conn = (await t.api<{ id: string }>('POST', '/api/v1/connections', { type: 'webchat', name: 'hooks' })).body
      .id;
    await t.api('POST', `/api/v1/connections/${conn}/start`);
    await visitorSays(conn, 'hello hooks');

    const first = await eventually(() => received.find((r) => r.path === '/ok'), 10_000, 'a delivery to /ok');
    expect(first.verified).toBe(true);
    expect(first.headers['switchboard-event']).toBe('message.received');
    const body = JSON.parse(first.body) as { type: string; data: { message: { content: unknown } }; id: string };
    expect(body.type).toBe('message.received');
    expect(body.data.message.content).toEqual({ type: 'text', text: 'hello hooks' });
    expect((await t.api<{ secret: string }>('GET', `/api/v1/webhook-subscriptions/${ok}`)).body.secret).toBe(
      '********',
    );

    // the flaky receiver answers 503 twice, then takes everything: retried with the same delivery ids
    await eventually(
      async () => (await deliveriesOf(flaky)).filter((d) => d.status === 'delivered').length === 2,
      10_000,
      'flaky deliveries',
    );
    const flakyHits = received.filter((r) => r.path === '/flaky');
    const ids = new Set(flakyHits.map((r) => r.headers['switchboard-delivery']));
    expect(ids.size).toBe(2);
    expect(flakyHits.length).toBe(4);
    expect(flakyHits.every((r) => r.verified)).toBe(true);
    // two 503s spread over the two deliveries: four attempts in all, each attempt logged
    expect((await deliveriesOf(flaky)).reduce((n, d) => n + d.attempts, 0)).toBe(4);

    // the dead receiver: retried within the window, then dead with the last answer recorded
    const dead = await eventually(
      async () => {
        const ds = await deliveriesOf(down);
        return ds.length > 0 && ds.every((d) => d.status === 'dead') ? ds : undefined;
      },
      15_000,
      'deliveries to /down to die',
    );
    expect(dead[0]?.lastStatusCode).toBe(503);
    expect(dead[0]?.attempts).toBeGreaterThan(1);

    // replay one dead delivery after the receiver is back: delivered, same id
    failuresLeft['/down'] = 0;
    const target = dead[0] as Delivery;
    const before = received.filter((r) => r.headers['switchboard-delivery'] === target.id).length;
    expect((await t.api('POST', `/api/v1/webhook-deliveries/${target.id}/replay`)).status).toBe(200);
    await eventually(
      async () => (await deliveriesOf(down)).find((d) => d.id === target.id)?.status === 'delivered',
      10_000,
      'the replayed delivery',
    );
    expect(received.filter((r) => r.headers['switchboard-delivery'] === target.id).length).toBe(before + 1);

    // replay a time range
    const range = await t.api<{ replayed: number }>('POST', `/api/v1/webhook-subscriptions/${down}/replay`, {
      from: new Date(Date.now() - 60_000).toISOString(),
      to: new Date(Date.now() + 1000).toISOString(),
    });
    expect(range.body.replayed).toBe(dead.length);
    await eventually(
      async () => (await deliveriesOf(down)).every((d) => d.status === 'delivered'),
      10_000,
      'the replayed range',
    );
    expect(t.logs.join('')).not.toContain(SECRET);
  });

  it('validates subscriptions and scopes them to the workspace', async () => {
    expect((await t.api('POST', '/api/v1/webhook-subscriptions', { url: 'ftp://x', eventTypes: ['*'] })).status).toBe(
      400,
    );
    expect(
      (await t.api('POST', '/api/v1/webhook-subscriptions', { url: `${base}/x`, eventTypes: ['no.such.event'] }))
        .status,
    ).toBe(400);
    const created = await t.api<{ id: string; secret: string }>('POST', '/api/v1/webhook-subscriptions', {
      url: `${base}/x`,
      eventTypes: ['message.status'],
    });
    expect(created.body.secret).toMatch(/^whsec_/);
    expect((await t.api('PATCH', `/api/v1/webhook-subscriptions/${created.body.id}`, { active: false })).status).toBe(
      200,
    );
    expect((await t.api('DELETE', `/api/v1/webhook-subscriptions/${created.body.id}`)).status).toBe(204);
    expect((await t.api('GET', `/api/v1/webhook-subscriptions/${created.body.id}`)).status).toBe(404);
  });
});
