import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'nats';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { BusMessage, DeadLetter } from '../core/ports/index.js';
import { runBusContract } from './bus.contract.js';
import { createNatsBus, partitionOf, type NatsBus, type NatsBusOptions } from './nats.js';

const SHARED_URL = 'nats://127.0.0.1:4222';
/** one namespace per test run: streams are named `${run}_…` and deleted afterwards */
const run = `sbtest_${randomBytes(4).toString('hex')}`;
let opened = 0;
const fast: Partial<NatsBusOptions> = {
  retryBaseMs: 20,
  retryMaxMs: 200,
  ackWaitMs: 5000,
  pullExpiresMs: 1000,
  reconnectTimeWaitMs: 100,
};
const open = (options: Partial<NatsBusOptions> = {}): Promise<NatsBus> =>
  createNatsBus({ url: SHARED_URL, prefix: `${run}_${++opened}`, ...fast, ...options });

const until = async (fn: () => boolean, ms = 10_000, what = 'condition') => {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

async function deleteStreams(url: string, namePrefix: string): Promise<void> {
  const nc = await connect({ servers: url, timeout: 3000 });
  try {
    const jsm = await nc.jetstreamManager();
    const names: string[] = [];
    for await (const name of jsm.streams.names()) if (name.startsWith(namePrefix)) names.push(name);
    for (const name of names) await jsm.streams.delete(name);
  } finally {
    await nc.close();
  }
}

afterAll(async () => {
  await deleteStreams(SHARED_URL, `${run}_`);
});

runBusContract('nats', () => open());

describe('nats bus', () => {
  const buses: NatsBus[] = [];
  const track = (bus: NatsBus): NatsBus => (buses.push(bus), bus);
  afterEach(async () => {
    await Promise.all(buses.splice(0).map((b) => b.close()));
  });

  it('spreads keys over partitions with a stable hash', () => {
    expect(partitionOf('a', 16)).toBe(12);
    expect(partitionOf('b', 16)).toBe(5);
    const used = new Set(Array.from({ length: 200 }, (_, i) => partitionOf(`conn-${i}`, 16)));
    expect(used.size).toBe(16);
  });

  it('shares a topic between two processes: each message handled once, per-key order and exclusivity kept', async () => {
    const prefix = `${run}_${++opened}`;
    const one = track(await createNatsBus({ url: SHARED_URL, prefix, ...fast }));
    const two = track(await createNatsBus({ url: SHARED_URL, prefix, ...fast }));
    const handled: Array<{ by: string; key: string; n: number }> = [];
    const inFlight = new Map<string, number>();
    let exclusive = true;
    const handler = (by: string) => async (m: BusMessage) => {
      const count = (inFlight.get(m.key) ?? 0) + 1;
      inFlight.set(m.key, count);
      if (count > 1) exclusive = false;
      await new Promise((r) => setTimeout(r, 1 + Math.floor(Math.random() * 4)));
      handled.push({ by, key: m.key, n: Number(m.payload.n) });
      inFlight.set(m.key, count - 1);
    };
    one.consume('shared', handler('one'), { concurrency: 8 });
    two.consume('shared', handler('two'), { concurrency: 8 });
    const keys = Array.from({ length: 12 }, (_, i) => `key-${i}`);
    const perKey = 15;
    // publish from both processes; per key from one publisher, in order (as the outbox relay does)
    await Promise.all(
      keys.map(async (key, i) => {
        const publisher = i % 2 === 0 ? one : two;
        for (let n = 0; n < perKey; n++) await publisher.publish('shared', { key, payload: { n } });
      }),
    );
    await until(() => handled.length >= keys.length * perKey, 20_000, 'all messages');
    await new Promise((r) => setTimeout(r, 200)); // any duplicate would show up now
    expect(handled).toHaveLength(keys.length * perKey);
    for (const key of keys) {
      expect(handled.filter((h) => h.key === key).map((h) => h.n)).toEqual([...Array(perKey).keys()]);
    }
    expect(exclusive).toBe(true);
    expect(handled.some((h) => h.by === 'one')).toBe(true);
    expect(handled.some((h) => h.by === 'two')).toBe(true);
  });

  it('delivers a message published twice with the same id once (Nats-Msg-Id dedup)', async () => {
    const bus = track(await open());
    const seen: string[] = [];
    bus.consume('dedup', async (m) => {
      seen.push(String(m.payload.tag));
    });
    await bus.publish('dedup', { key: 'k', payload: { tag: 'first' }, id: 'same-id' });
    await bus.publish('dedup', { key: 'k', payload: { tag: 'again' }, id: 'same-id' });
    await bus.publish('dedup', { key: 'k', payload: { tag: 'marker' }, id: 'other-id' });
    await until(() => seen.includes('marker'), 10_000, 'marker');
    expect(seen).toEqual(['first', 'marker']);
  });

  it('keeps a failing message in place: later messages of its key wait for its redelivery', async () => {
    const bus = track(await open());
    const seen: string[] = [];
    bus.consume(
      'strict',
      async (m, d) => {
        seen.push(`${String(m.payload.n)}#${d.attempt}`);
        if (m.payload.n === 1 && d.attempt < 3) throw new Error('not yet');
      },
      { maxDeliveries: 5 },
    );
    for (let n = 1; n <= 3; n++) await bus.publish('strict', { key: 'k', payload: { n } });
    await until(() => seen.length === 5, 10_000, 'five deliveries');
    expect(seen).toEqual(['1#1', '1#2', '1#3', '2#1', '3#1']);
  });

  it('lists, replays and discards dead letters', async () => {
    const bus = track(await open());
    const letters: DeadLetter[] = [];
    bus.onDeadLetter((l) => letters.push(l));
    let broken = true;
    const done: string[] = [];
    bus.consume(
      'jobs',
      async (m) => {
        if (broken) throw new Error(`broken ${m.key}`);
        done.push(m.key);
      },
      { maxDeliveries: 2 },
    );
    bus.consume(
      'other',
      async () => {
        throw new Error('always');
      },
      { maxDeliveries: 1 },
    );
    await bus.publish('jobs', { key: 'x', payload: { n: 1 }, id: 'job-x' });
    await bus.publish('jobs', { key: 'y', payload: { n: 2 } });
    await bus.publish('other', { key: 'z', payload: { n: 3 } });
    await until(() => letters.length === 3, 10_000, 'three dead letters');

    const jobs = await bus.listDeadLetters('jobs');
    expect(jobs).toHaveLength(2);
    expect(jobs.map((l) => l.message.key).sort()).toEqual(['x', 'y']);
    const x = jobs.find((l) => l.message.key === 'x');
    expect(x).toMatchObject({
      topic: 'jobs',
      deliveries: 2,
      error: 'broken x',
      message: { key: 'x', payload: { n: 1 }, id: 'job-x' },
    });
    expect(typeof x?.seq).toBe('number');
    expect(Number.isNaN(Date.parse(x?.at ?? ''))).toBe(false);
    const all = await bus.listDeadLetters();
    expect(all.map((l) => l.topic).sort()).toEqual(['jobs', 'jobs', 'other']);
    expect(all.map((l) => l.seq)).toEqual([...all.map((l) => l.seq)].sort((a, b) => a - b));
    expect(await bus.listDeadLetters(undefined, 1)).toHaveLength(1);
    expect(await bus.listDeadLetters(undefined, 10, all[0]?.seq)).toHaveLength(2);

    broken = false;
    const replayed = await bus.replayDeadLetter(x?.seq ?? -1);
    expect(replayed.message.key).toBe('x');
    await until(() => done.includes('x'), 10_000, 'replayed message');
    expect((await bus.listDeadLetters('jobs')).map((l) => l.message.key)).toEqual(['y']);
    await expect(bus.replayDeadLetter(x?.seq ?? -1)).rejects.toThrow(/not found/);

    const other = (await bus.listDeadLetters('other'))[0];
    expect(await bus.discardDeadLetter(other?.seq ?? -1)).toBe(true);
    expect(await bus.discardDeadLetter(other?.seq ?? -1)).toBe(false);
    expect(await bus.listDeadLetters('other')).toEqual([]);
    expect(done).toEqual(['x']);
  });

  it('delivers publish() of a topic to work consumers and broadcast subscribers alike; broadcast-only topics skip the stream', async () => {
    const prefix = `${run}_${++opened}`;
    const one = track(await createNatsBus({ url: SHARED_URL, prefix, ...fast, broadcastOnlyTopics: ['live'] }));
    const two = track(await createNatsBus({ url: SHARED_URL, prefix, ...fast, broadcastOnlyTopics: ['live'] }));
    const work: unknown[] = [];
    const heard = { one: [] as unknown[], two: [] as unknown[] };
    one.consume('both', async (m) => {
      work.push(m.payload.n);
    });
    one.subscribeBroadcast('both', (m) => heard.one.push(m.payload.n));
    two.subscribeBroadcast('both', (m) => heard.two.push(m.payload.n));
    two.subscribeBroadcast('live', (m) => heard.two.push(m.payload.n));
    await two.publish('both', { key: 'k', payload: { n: 1 } });
    await one.publish('live', { key: 'k', payload: { n: 2 } });
    await until(() => work.length === 1 && heard.one.length === 1 && heard.two.length === 2, 10_000, 'deliveries');
    expect([...heard.two].sort()).toEqual([1, 2]); // different publishers: no order between them
    expect(() => one.consume('live', async () => undefined)).toThrow(/broadcast only/);
    const nc = await connect({ servers: SHARED_URL });
    const jsm = await nc.jetstreamManager();
    const names: string[] = [];
    for await (const name of jsm.streams.names()) if (name.startsWith(`${prefix}_`)) names.push(name);
    await nc.close();
    expect(names.sort()).toEqual([`${prefix}_dead`, `${prefix}_work_both`]);
  });

  it('rejects bad names', async () => {
    await expect(createNatsBus({ url: SHARED_URL, prefix: 'bad.prefix' })).rejects.toThrow(/invalid prefix/);
    const bus = track(await open());
    await expect(bus.publish('a.b', { key: 'k', payload: {} })).rejects.toThrow(/invalid topic/);
  });
});

// ------------------------------------------------------------------ a private nats-server, killed and restarted

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });

const listening = async (port: number, ms = 10_000): Promise<void> => {
  const end = Date.now() + ms;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ host: '127.0.0.1', port }, () => (socket.destroy(), resolve(true)));
      socket.on('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > end) throw new Error(`nats-server did not listen on ${port}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe('nats bus across a server restart', () => {
  let child: ChildProcess | undefined;
  let storeDir = '';
  let port = 0;
  const buses: NatsBus[] = [];

  const startServer = async () => {
    const proc = spawn('nats-server', ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', storeDir], {
      stdio: 'ignore',
    });
    child = proc;
    await listening(port);
  };
  const killServer = async () => {
    const proc = child;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGKILL');
    await exited;
  };

  afterAll(async () => {
    await Promise.all(buses.splice(0).map((b) => b.close()));
    await killServer();
    if (storeDir) rmSync(storeDir, { recursive: true, force: true });
  });

  it('keeps publishing and consuming after a SIGKILL and restart, and loses nothing stored before', async () => {
    port = await freePort();
    storeDir = mkdtempSync(join(tmpdir(), 'sb-nats-'));
    await startServer();
    const url = `nats://127.0.0.1:${port}`;
    const bus = await createNatsBus({ url, prefix: 'restart', ...fast, publishTimeoutMs: 20_000 });
    buses.push(bus);
    const handled = new Set<number>();
    bus.consume('live', async (m) => {
      handled.add(Number(m.payload.n));
    });
    for (let n = 0; n < 10; n++) await bus.publish('live', { key: `k${n % 3}`, payload: { n } });
    await until(() => handled.size === 10, 10_000, 'first ten');
    // stored, nobody consumes them yet
    for (let n = 0; n < 10; n++) await bus.publish('parked', { key: `k${n % 3}`, payload: { n } });

    await killServer();
    expect(await bus.ping()).toBe(false);
    // published while the server is down: these wait for the reconnect instead of failing
    const whileDown = Promise.all(
      Array.from({ length: 10 }, (_, i) => bus.publish('live', { key: `k${i % 3}`, payload: { n: 10 + i } })),
    );
    await new Promise((r) => setTimeout(r, 500));
    await startServer();
    await whileDown;
    await until(() => handled.size === 20, 15_000, 'messages published while down');
    for (let n = 20; n < 25; n++) await bus.publish('live', { key: `k${n % 3}`, payload: { n } });
    await until(() => handled.size === 25, 10_000, 'messages published after restart');
    expect([...handled].sort((a, b) => a - b)).toEqual([...Array(25).keys()]);

    const parked = new Set<number>();
    bus.consume('parked', async (m) => {
      parked.add(Number(m.payload.n));
    });
    await until(() => parked.size === 10, 10_000, 'messages stored before the kill');
    expect(await bus.ping()).toBe(true);
  });

  it('rejects a publish after the bounded timeout while the server stays down; fails fast when unreachable at start', async () => {
    const url = `nats://127.0.0.1:${port}`;
    const bus = await createNatsBus({ url, prefix: 'restart', ...fast, publishTimeoutMs: 1500 });
    buses.push(bus);
    await killServer();
    const started = Date.now();
    await expect(bus.publish('live', { key: 'k', payload: { n: 99 } })).rejects.toThrow(/failed after/);
    expect(Date.now() - started).toBeLessThan(5000);
    await expect(createNatsBus({ url, prefix: 'restart' })).rejects.toThrow();
    const closing = Date.now();
    await bus.close(); // closing while disconnected is bounded too
    expect(Date.now() - closing).toBeLessThan(5000);
  });
});
