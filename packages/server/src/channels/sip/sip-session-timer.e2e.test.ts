/**
 * Session timers (RFC 4028) on a SIP line, with SIPp as the carrier. As the answering side the hub refuses an
 * interval under its Min-SE with 422, answers Session-Expires with the refresher and Require: timer, takes refreshes
 * by re-INVITE without an offer and by UPDATE, hangs up when the caller stops refreshing, and refreshes itself when
 * the caller cannot. As the calling side it offers Session-Expires, asks again after a 422 with the interval
 * wanted, and refreshes at half the interval when the answer leaves that to it. The slow cases (an interval is at
 * least 90 s) run side by side.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hubReads } from '../../testing/hub-reads.js';
import { freeUdpPort, freeUdpRange, runSipp } from '../../testing/sip-peers.js';
import { eventually, startTestServer, type TestServer } from '../../testing/test-server.js';
import { type ConnView as Conn, type ConvView as Conv, type CallView } from '../../testing/call-views.js';

const OURS = '+15005550131';
const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

describe('sip session timers (RFC 4028) with SIPp', () => {
  let t: TestServer;
  let conn: Conn;
  let hubPort: number;
  let trunkPort: number;
  const reads = hubReads(() => t);

  const caller = async (scenario: string, values: Record<string, string | number>, timeoutSeconds: number) =>
    runSipp({
      scenario: fixture(scenario),
      values,
      target: `127.0.0.1:${hubPort}`,
      service: OURS,
      // the trunk is known by its address: each caller on a port of its own
      localPort: await freeUdpPort(),
      mediaPort: await freeUdpPort(),
      timeoutSeconds,
    });
  const callsWith = async (address: string) => {
    const conversation = await reads.conversationWith<Conv>(conn.id, address);
    return eventually(
      async () => {
        const list = await t.api<{ data: CallView[] }>('GET', `/api/v1/conversations/${conversation.id}/calls`);
        return list.body.data[0]?.endedAt ? list.body.data : undefined;
      },
      10_000,
      `the call of ${address} ended`,
    );
  };

  beforeAll(async () => {
    t = await startTestServer();
    hubPort = await freeUdpPort();
    trunkPort = await freeUdpPort();
    const created = await t.api<Conn>('POST', '/api/v1/connections', {
      type: 'sip',
      name: 'Timed trunk',
      config: {
        trunk: { host: '127.0.0.1', port: trunkPort, transport: 'udp', register: false },
        didNumbers: [OURS],
        listenAddress: '127.0.0.1',
        listenPort: hubPort,
        rtpPortRange: await freeUdpRange(40),
        sessionExpiresSeconds: 90,
        greeting: 'Hello.',
        // these callers stay silent for a minute and more: nobody asks whether they are still there
        silenceRepromptSeconds: 0,
      },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    conn = created.body;
    expect((await t.api<Conn>('POST', `/api/v1/connections/${conn.id}/start`)).body.status).toBe('RUNNING');
  }, 30_000);
  afterAll(async () => {
    await t?.close();
  });

  it('refuses a config whose Min-SE is under the 90 s RFC 4028 allows', async () => {
    const bad = await t.api<{ error: { code: string; message: string } }>('PATCH', `/api/v1/connections/${conn.id}`, {
      config: { minSessionExpiresSeconds: 30 },
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toMatch(/minSessionExpiresSeconds/);
  });

  it.concurrent(
    '422 under Min-SE; then Session-Expires with refresher and Require; re-INVITE and UPDATE refreshes answered',
    async () => {
      const run = await caller('uac-session-timer.xml', { caller: '+14155550171' }, 20);
      expect(run.code, run.output).toBe(0);
      const calls = await callsWith('+14155550171');
      // the 422 stored nothing: one call, completed by the caller's BYE
      expect(calls.map((c) => c.state)).toEqual(['completed']);
    },
    40_000,
  );

  it.concurrent(
    'a caller that stops refreshing is hung up before the session expires (90 s less 30 s)',
    async () => {
      const started = Date.now();
      const run = await caller(
        'uac-session-expiry.xml',
        { caller: '+14155550172', expires: 90, byeWithinMs: 70_000 },
        80,
      );
      const took = Date.now() - started;
      expect(run.code, run.output).toBe(0);
      expect(took).toBeGreaterThan(58_000);
      expect(took).toBeLessThan(66_000);
      const calls = await callsWith('+14155550172');
      expect(calls[0]?.state).toBe('failed');
      expect(calls[0]?.hangupCause).toMatch(/session expired without a refresh/);
    },
    90_000,
  );

  it.concurrent(
    'a caller without timer support behind a proxy: the hub refreshes at half the interval',
    async () => {
      const started = Date.now();
      const run = await caller(
        'uac-session-refreshed.xml',
        { caller: '+14155550173', expires: 90, refreshWithinMs: 55_000 },
        70,
      );
      expect(run.code, run.output).toBe(0);
      const took = Date.now() - started;
      expect(took).toBeGreaterThan(44_000);
      expect(took).toBeLessThan(52_000);
      expect((await callsWith('+14155550173'))[0]?.state).toBe('completed');
    },
    90_000,
  );

  it.concurrent(
    'placing a call: Session-Expires offered, a 422 answered with the interval wanted, refreshed at half of it',
    async () => {
      const run = runSipp({
        scenario: fixture('uas-session-timer.xml'),
        values: { offered: 90, wanted: 100, refreshWithinMs: 60_000 },
        localPort: trunkPort,
        mediaPort: await freeUdpPort(),
        timeoutSeconds: 75,
      });
      await new Promise((r) => setTimeout(r, 300));
      const placed = await t.api<CallView & { error?: unknown }>('POST', '/api/v1/calls', {
        connectionId: conn.id,
        to: '+14155550174',
      });
      expect(placed.status, JSON.stringify(placed.body)).toBe(201);
      const started = Date.now();
      const done = await run;
      expect(done.code, done.output).toBe(0);
      // refreshed at 50 s of the 100 granted, then the trunk hung up half a second later
      expect(Date.now() - started).toBeGreaterThan(48_000);
      const call = await eventually(
        async () => {
          const list = await t.api<{ data: CallView[] }>(
            'GET',
            `/api/v1/conversations/${placed.body.conversationId}/calls`,
          );
          return list.body.data[0]?.endedAt ? list.body.data[0] : undefined;
        },
        10_000,
        'the placed call ended',
      );
      expect(call.state).toBe('completed');
    },
    90_000,
  );
});
