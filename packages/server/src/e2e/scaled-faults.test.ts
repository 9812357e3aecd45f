/**
 * The scaled mode under faults, on real engines: two API and two worker processes on a private PostgreSQL cluster
 * and a private NATS JetStream server (own ports and data dirs, so they can be restarted without touching the
 * machine's shared services). Under a steady webhook load (webchat visitor messages spread over both API processes)
 * we SIGKILL a worker, restart NATS, and restart PostgreSQL; after each, every acknowledged webhook is stored
 * exactly once and every queued reply is sent once or failed with a reason. Realtime events reach a client on the
 * other API process.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import * as net from 'node:net';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectSse, eventually } from '../testing/test-server.js';
import { UNLIMITED_VISITORS, freePort, spawnServer, type ServerProcess } from '../testing/server-process.js';

const TOKEN = `sb_scaled_${randomBytes(12).toString('hex')}`;

const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.end();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });

async function startNats(port: number, dir: string): Promise<ChildProcess> {
  const child = spawn('nats-server', ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', dir], { stdio: 'ignore' });
  await eventually(() => listening(port), 10_000, 'nats-server to listen');
  return child;
}

/** a private PostgreSQL cluster (initdb into a temp dir), run as the postgres user since initdb refuses root */
const PG_BIN = ['/usr/lib/postgresql']
  .filter(existsSync)
  .flatMap((d) => readdirSync(d).map((v) => join(d, v, 'bin')))
  .find((b) => existsSync(join(b, 'pg_ctl')));
const asPostgres = (cmd: string, args: string[]) =>
  execFileSync('runuser', ['-u', 'postgres', '--', join(PG_BIN as string, cmd), ...args], {
    stdio: 'ignore',
    timeout: 60_000,
  });
function pgCluster(dir: string, port: number) {
  const data = join(dir, 'pgdata');
  return {
    init() {
      chownSync(
        dir,
        Number(execFileSync('id', ['-u', 'postgres']).toString().trim()),
        Number(execFileSync('id', ['-g', 'postgres']).toString().trim()),
      );
      asPostgres('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres']);
    },
    start: () =>
      asPostgres('pg_ctl', [
        '-D',
        data,
        '-o',
        `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1`,
        '-l',
        join(dir, 'pg.log'),
        '-w',
        'start',
      ]),
    crash: () => asPostgres('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']),
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
  };
}

describe('scaled mode: 2 API + 2 worker processes on PostgreSQL + NATS JetStream', () => {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-scaled-'));
  let cluster: ReturnType<typeof pgCluster>;
  let natsPort: number;
  let nats: ChildProcess | undefined;
  let env: Record<string, string>;
  const procs: Record<string, ServerProcess> = {};
  const ports: Record<string, number> = {};
  let db: pg.Pool;
  let connectionId: string;
  let sessions: string[] = [];

  const api = async <T>(who: 'api1' | 'api2', method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${procs[who]?.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${TOKEN}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return (await res.json()) as T;
  };
  const start = async (name: string, role: string) => {
    ports[name] ??= await freePort();
    procs[name] = await spawnServer(env, ports[name] as number, ['start', '--role', role]);
  };
  /** webchat messages over both API processes; answers the ids acknowledged with 200 */
  const load = async (prefix: string, count: number, during?: (acked: number) => Promise<void> | void) => {
    const acked: string[] = [];
    let fired = false;
    await Promise.all(
      Array.from({ length: count }, async (_, i) => {
        await new Promise((r) => setTimeout(r, i * 4)); // a steady stream, not one burst
        const target = i % 2 === 0 ? 'api1' : 'api2';
        const id = `${prefix}-${i}`;
        try {
          const res = await fetch(`${procs[target]?.url}/webchat/${connectionId}/messages`, {
            method: 'POST',
            headers: { authorization: `Bearer ${sessions[i % sessions.length]}`, 'content-type': 'application/json' },
            body: JSON.stringify({ clientMessageId: id, text: id }),
          });
          if (res.status === 200) acked.push(id);
        } catch {
          // refused: not acknowledged, a real sender retries
        }
        if (!fired && acked.length >= count / 3 && during) {
          fired = true;
          await during(acked.length);
        }
      }),
    );
    return acked;
  };
  const checkExactlyOnce = async (ids: string[]) => {
    const rows = await eventually(
      async () => {
        const pending = await db.query("select count(*)::int as n from inbound_events where status = 'pending'");
        if (pending.rows[0].n > 0) return undefined;
        const r = await db.query<{ p: string; n: number }>(
          "select provider_message_id as p, count(*)::int as n from messages where direction = 'inbound' group by provider_message_id",
        );
        const stored = new Map(r.rows.map((x) => [x.p.split(':')[1] as string, x.n]));
        return ids.every((id) => stored.has(id)) ? r.rows : undefined;
      },
      60_000,
      'every acknowledged webhook to be processed',
    );
    expect(rows.filter((r) => r.n !== 1)).toEqual([]);
  };

  beforeAll(async () => {
    // the postgres user must be able to reach its data dir inside our temp dir
    chmodSync(dir, 0o755);
    mkdirSync(join(dir, 'pg'));
    cluster = pgCluster(join(dir, 'pg'), await freePort());
    cluster.init();
    cluster.start();
    const dbUrl = cluster.url;
    db = new pg.Pool({ connectionString: dbUrl, max: 2 });
    db.on('error', () => undefined);
    natsPort = await freePort();
    nats = await startNats(natsPort, join(dir, 'nats'));
    env = {
      DATABASE_URL: dbUrl,
      NATS_URL: `nats://127.0.0.1:${natsPort}`,
      SWITCHBOARD_NATS_PREFIX: `t${randomBytes(4).toString('hex')}`,
      SWITCHBOARD_ADMIN_TOKEN: TOKEN,
      SWITCHBOARD_MASTER_KEY: randomBytes(32).toString('hex'),
      SWITCHBOARD_DATA_DIR: join(dir, 'data'),
      SWITCHBOARD_SEND_LEASE_MS: '3000',
      SWITCHBOARD_RETRY_BASE_MS: '100',
      SWITCHBOARD_NATS_ACK_WAIT_MS: '5000',
      // a load test from one address, far past what visitors do: the visitor limits would refuse much of it
      ...UNLIMITED_VISITORS,
    };
    ports.api1 = await freePort();
    env.SWITCHBOARD_PUBLIC_URL = `http://127.0.0.1:${ports.api1}`;
    await start('api1', 'api');
    await Promise.all([start('api2', 'api'), start('worker1', 'worker'), start('worker2', 'worker')]);
    connectionId = (
      await api<{ id: string }>('api1', 'POST', '/api/v1/connections', { type: 'webchat', name: 'scaled' })
    ).id;
    expect((await api<{ status: string }>('api1', 'POST', `/api/v1/connections/${connectionId}/start`)).status).toBe(
      'RUNNING',
    );
    sessions = await Promise.all(
      Array.from(
        { length: 8 },
        async () =>
          (
            (await (await fetch(`${procs.api2?.url}/webchat/${connectionId}/sessions`, { method: 'POST' })).json()) as {
              token: string;
            }
          ).token,
      ),
    );
  }, 120_000);

  afterAll(async () => {
    await Promise.all(Object.values(procs).map((p) => p.kill('SIGKILL').catch(() => undefined)));
    nats?.kill('SIGKILL');
    await db?.end();
    try {
      cluster?.crash();
    } catch {
      // already down
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('shares the work and fans realtime events out to every API process', async () => {
    const stream = collectSse(`${procs.api2?.url}/api/v1/events?types=message.received`, {
      authorization: `Bearer ${TOKEN}`,
    });
    await stream.ready;
    const acked = await load('warm', 40);
    expect(acked).toHaveLength(40);
    await checkExactlyOnce(acked);
    await eventually(
      () => stream.events.filter((e) => e.event === 'message.received').length >= 40,
      20_000,
      'events on the other API process',
    );
    stream.close();
    // an operator reply through api2 reaches the visitor listening on api1, sent once
    const conv = (
      await api<{ data: Array<{ id: string; address: string }> }>('api2', 'GET', '/api/v1/conversations?limit=1')
    ).data[0];
    const visitorToken = sessions.find((s) => s.startsWith(`${conv?.address}.`));
    const visitor = collectSse(
      `${procs.api1?.url}/webchat/${connectionId}/stream?token=${encodeURIComponent(visitorToken ?? '')}`,
    );
    await visitor.ready;
    const reply = await api<{ id: string }>('api2', 'POST', `/api/v1/conversations/${conv?.id}/messages`, {
      content: { type: 'text', text: 'from another process' },
    });
    await eventually(
      () => visitor.events.some((e) => e.event === 'message' && (e.data as { id: string }).id === reply.id),
      20_000,
      'the reply on the visitor stream',
    );
    visitor.close();
  }, 120_000);

  it('loses and doubles nothing when a worker is SIGKILLed mid-load', async () => {
    const convs = (await api<{ data: Array<{ id: string }> }>('api1', 'GET', '/api/v1/conversations?limit=5')).data;
    const replies = await Promise.all(
      convs.map(
        async (c) =>
          (
            await api<{ id: string }>('api1', 'POST', `/api/v1/conversations/${c.id}/messages`, {
              content: { type: 'text', text: 'queued before the kill' },
            })
          ).id,
      ),
    );
    const acked = await load('kill', 300, async () => {
      await procs.worker1?.kill('SIGKILL');
    });
    await checkExactlyOnce(acked);
    for (const id of replies) {
      const m = await eventually(
        async () => {
          const r = await api<{ status: string; statusDetail: { code: string } | null }>(
            'api1',
            'GET',
            `/api/v1/messages/${id}`,
          );
          return r.status !== 'queued' ? r : undefined;
        },
        30_000,
        `reply ${id} to settle`,
      );
      expect(m.status === 'sent' || (m.status === 'failed' && m.statusDetail?.code)).toBeTruthy();
    }
    await start('worker1', 'worker');
  }, 180_000);

  it('loses and doubles nothing when NATS restarts mid-load', async () => {
    const acked = await load('nats', 300, async () => {
      nats?.kill('SIGKILL');
      await new Promise((r) => setTimeout(r, 500));
      nats = await startNats(natsPort, join(dir, 'nats'));
    });
    // senders retry what was refused while the hub could not take it
    await checkExactlyOnce(acked);
    expect(acked.length).toBeGreaterThan(100);
    const health = await fetch(`${procs.api1?.url}/healthz`);
    expect(health.status).toBe(200);
  }, 180_000);

  it('loses and doubles nothing when PostgreSQL restarts mid-load; processes reconnect by themselves', async () => {
    const acked = await load('pg', 300, async () => {
      cluster.crash();
      await new Promise((r) => setTimeout(r, 1000));
      cluster.start();
    });
    for (const [name, p] of Object.entries(procs))
      if (p.child.exitCode !== null) throw new Error(`${name} died: ${p.output.join('').slice(-3000)}`);
    await checkExactlyOnce(acked);
    expect(acked.length).toBeGreaterThan(100);
    for (const p of ['api1', 'api2'] as const) expect((await fetch(`${procs[p]?.url}/healthz`)).status).toBe(200);
  }, 180_000);
});
