/**
 * The SIP connector registering with a trunk: SIPp plays a registrar that challenges every REGISTER with a 401
 * digest and grants a short Expires; the hub answers the challenge (checked by SIPp's verifyauth), comes back before
 * the registration runs out and answers again. A registrar that keeps refusing turns the connection ERROR with the
 * reason, and the trunk password never shows in the API.
 */
import { createSocket } from 'node:dgram';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freeUdpPort, freeUdpRange, runSipp, type SippRun } from '../../testing/sip-peers.js';
import { eventually, startTestServer, type TestServer } from '../../testing/test-server.js';

interface Conn {
  id: string;
  status: string;
  statusReason: string | null;
  config: Record<string, unknown>;
}

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const PASSWORD = 'trunk-pass-0001';

describe('sip registration with digest auth', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => {
    await t?.close();
  });

  const connection = async (registrarPort: number, password: string) => {
    const created = await t.api<Conn>('POST', '/api/v1/connections', {
      type: 'sip',
      name: 'Registered trunk',
      config: {
        trunk: { host: '127.0.0.1', port: registrarPort, username: 'acme', register: true },
        password,
        didNumbers: ['+15005550107'],
        listenAddress: '127.0.0.1',
        listenPort: await freeUdpPort(),
        rtpPortRange: await freeUdpRange(10),
      },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(JSON.stringify(created.body)).not.toContain(password);
    return created.body;
  };
  const registrar = async (scenario: string, values: Record<string, string | number>, port: number) =>
    runSipp({
      scenario: fixture(scenario),
      values,
      localPort: port,
      mediaPort: await freeUdpPort(),
      timeoutSeconds: 20,
    });

  it('answers the 401 challenge and refreshes before Expires, challenged again each time', async () => {
    const port = await freeUdpPort();
    const run: Promise<SippRun> = registrar(
      'uas-registrar.xml',
      { user: 'acme', password: PASSWORD, expires: 4, rounds: 2 },
      port,
    );
    const conn = await connection(port, PASSWORD);
    const started = Date.now();
    const res = await t.api<Conn>('POST', `/api/v1/connections/${conn.id}/start`);
    expect(res.body.status, res.body.statusReason ?? '').toBe('RUNNING');
    const done = await run;
    // the second round came at half of the 4 s granted, well before they ran out
    const took = Date.now() - started;
    expect(done.code, done.output).toBe(0);
    expect(took).toBeGreaterThan(1500);
    expect(took).toBeLessThan(4000);
    expect((await t.api<Conn>('GET', `/api/v1/connections/${conn.id}`)).body.status).toBe('RUNNING');
    await t.api('POST', `/api/v1/connections/${conn.id}/stop`);
  }, 30_000);

  it('a registrar that keeps refusing our credentials turns the connection ERROR with the reason', async () => {
    const port = await freeUdpPort();
    const run = registrar('uas-refusing.xml', {}, port);
    const conn = await connection(port, 'a-wrong-password');
    await t.api<Conn>('POST', `/api/v1/connections/${conn.id}/start`);
    const failed = await eventually(
      async () => {
        const c = (await t.api<Conn>('GET', `/api/v1/connections/${conn.id}`)).body;
        return c.status === 'ERROR' ? c : undefined;
      },
      10_000,
      'the connection in ERROR',
    );
    expect(failed.statusReason).toMatch(/refused our registration \(401/);
    expect(JSON.stringify(failed)).not.toContain('a-wrong-password');
    expect((await run).code).toBe(0);
  }, 30_000);

  it('a digest answer computed with another password is refused 403 by the registrar: ERROR with the reason', async () => {
    const port = await freeUdpPort();
    const run = registrar('uas-registrar.xml', { user: 'acme', password: PASSWORD, expires: 60, rounds: 1 }, port);
    const conn = await connection(port, 'not-the-trunk-password');
    await t.api<Conn>('POST', `/api/v1/connections/${conn.id}/start`);
    const failed = await eventually(
      async () => {
        const c = (await t.api<Conn>('GET', `/api/v1/connections/${conn.id}`)).body;
        return c.status === 'ERROR' ? c : undefined;
      },
      10_000,
      'the connection in ERROR',
    );
    expect(failed.statusReason).toMatch(/refused our registration \(403/);
    // the registrar's own verdict: the answer did not verify
    expect((await run).code).not.toBe(0);
  }, 30_000);

  it('a SIP port another program holds is the connection’s error, and the process goes on', async () => {
    const holder = createSocket('udp4');
    await new Promise<void>((r) => holder.bind(0, '127.0.0.1', () => r()));
    try {
      const created = await t.api<Conn>('POST', '/api/v1/connections', {
        type: 'sip',
        name: 'Taken port',
        config: {
          trunk: { host: '127.0.0.1', port: await freeUdpPort() },
          didNumbers: ['+15005550107'],
          listenAddress: '127.0.0.1',
          listenPort: holder.address().port,
        },
      });
      await t.api('POST', `/api/v1/connections/${created.body.id}/start`);
      const failed = await eventually(
        async () => {
          const c = (await t.api<Conn>('GET', `/api/v1/connections/${created.body.id}`)).body;
          return c.status === 'ERROR' ? c : undefined;
        },
        10_000,
        'the connection in ERROR',
      );
      expect(failed.statusReason).toMatch(/SIP port 127\.0\.0\.1:\d+ cannot be used: .*EADDRINUSE/);
      expect((await t.api('GET', '/api/v1/connections')).status).toBe(200);
    } finally {
      holder.close();
    }
  }, 30_000);
});
