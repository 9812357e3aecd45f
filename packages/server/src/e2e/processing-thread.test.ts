/**
 * Processing off the HTTP thread (SWITCHBOARD_INGEST_WORKERS=1): the HTTP thread verifies, stores and acknowledges;
 * the processing thread (its own SQLite connection) parses, writes messages, routes and relays. Realtime events
 * still reach the API's SSE clients, /metrics counts what the thread did and shows the backlog, and when the thread
 * dies mid-burst — with acknowledged events waiting and a batch in flight — it is started again and every
 * acknowledged event is processed exactly once, routed exactly once.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { collectSse, eventually, startTestServer, type TestServer } from '../testing/test-server.js';
import { UNLIMITED_VISITORS } from '../testing/server-process.js';

const VISITORS = 8;

describe('processing thread (embedded, SWITCHBOARD_INGEST_WORKERS=1)', () => {
  let t: TestServer | undefined;
  afterAll(async () => {
    await t?.close();
  });

  const count = (sql: string): number => {
    const db = new Database(join(t?.dataDir ?? '', 'switchboard.db'), { readonly: true });
    try {
      return (db.prepare(sql).get() as { n: number }).n;
    } finally {
      db.close();
    }
  };
  const inboundPerMessage = (): Array<{ p: string; n: number }> => {
    const db = new Database(join(t?.dataDir ?? '', 'switchboard.db'), { readonly: true });
    try {
      return db
        .prepare(
          "select provider_message_id as p, count(*) as n from messages where direction = 'inbound' group by provider_message_id",
        )
        .all() as Array<{ p: string; n: number }>;
    } finally {
      db.close();
    }
  };

  let connectionId = '';
  const sessions: string[] = [];
  const send = async (server: TestServer, token: string, id: string): Promise<number> => {
    const res = await fetch(`${server.url}/webchat/${connectionId}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ clientMessageId: id, text: `message ${id}` }),
    });
    await res.arrayBuffer();
    return res.status;
  };

  it('processes on the thread and still emits realtime events and metrics', async () => {
    t = await startTestServer({ env: { SWITCHBOARD_INGEST_WORKERS: '1', LOG_LEVEL: 'info', ...UNLIMITED_VISITORS } });
    const server = t;
    expect(server.sb.processing).toBeDefined();
    const conn = await server.api<{ id: string }>('POST', '/api/v1/connections', { type: 'webchat', name: 'thread' });
    connectionId = conn.body.id;
    expect((await server.api('POST', `/api/v1/connections/${connectionId}/start`)).status).toBe(200);
    for (let i = 0; i < VISITORS; i++) {
      const res = await fetch(`${server.url}/webchat/${connectionId}/sessions`, { method: 'POST' });
      sessions.push(((await res.json()) as { token: string }).token);
    }
    const stream = collectSse(`${server.url}/api/v1/events?types=message.received`, {
      authorization: `Bearer ${server.token}`,
    });
    await stream.ready;
    const ids = Array.from({ length: 40 }, (_, i) => `warm-${i}`);
    const statuses = await Promise.all(ids.map((id, i) => send(server, sessions[i % VISITORS] as string, id)));
    expect(statuses.every((s) => s === 200)).toBe(true);
    // the message.received events come from the processing thread's relay, through the bridge, to this SSE client
    await eventually(() => stream.events.length >= ids.length, 15_000, 'a message.received event per message');
    stream.close();
    const seen = stream.events.map((e) => JSON.stringify(e.data));
    for (const id of ids) expect(seen.filter((d) => d.includes(`message ${id}"`))).toHaveLength(1);
    expect(count("select count(*) as n from inbound_events where status = 'pending'")).toBe(0);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    // counted on the processing thread, reported by the HTTP thread's /metrics
    expect(metrics).toMatch(/switchboard_messages_total\{direction="inbound",status="received"\} 40/);
    expect(metrics).toMatch(/switchboard_queue_depth\{queue="inbound_pending"\} 0/);
    expect(metrics).toMatch(/switchboard_inbound_lag_seconds 0/);
  }, 60_000);

  it('restarts a thread that dies mid-burst and processes every acknowledged event exactly once', async () => {
    const server = t as TestServer;
    const processing = server.sb.processing;
    if (!processing) throw new Error('no processing thread');
    const acknowledged: string[] = [];
    const pendingAtKill: number[] = [];
    const KILLS = 3;
    const PER_ROUND = 600;
    for (let round = 0; round < KILLS; round++) {
      const ids = Array.from({ length: PER_ROUND }, (_, i) => `r${round}-${i}`);
      let killed: Promise<void> | undefined;
      let next = 0;
      // 32 senders; once a third of the round is acknowledged (the backlog is growing, a batch is being written),
      // the thread is ended abruptly
      await Promise.all(
        Array.from({ length: 32 }, async () => {
          while (next < ids.length) {
            const id = ids[next++] as string;
            const status = await send(server, sessions[next % VISITORS] as string, id);
            // acknowledged while the thread is down too: ingest needs only the HTTP thread
            expect(status).toBe(200);
            acknowledged.push(id);
            if (!killed && acknowledged.length >= round * PER_ROUND + PER_ROUND / 3) {
              pendingAtKill.push(count("select count(*) as n from inbound_events where status = 'pending'"));
              killed = processing.kill();
            }
          }
        }),
      );
      await killed;
      await processing.whenReady();
      expect(processing.restarts).toBe(round + 1);
    }
    const rows = await eventually(
      () => {
        const pending = count("select count(*) as n from inbound_events where status = 'pending'");
        return pending === 0 ? inboundPerMessage() : undefined;
      },
      60_000,
      'every acknowledged event to be processed',
    );
    expect(rows.filter((r) => r.n > 1)).toEqual([]);
    const stored = new Set(rows.map((r) => r.p.split(':')[1]));
    for (const id of acknowledged) expect(stored.has(id)).toBe(true);
    expect(rows.length).toBe(40 + KILLS * PER_ROUND);
    // the backlog was not empty at any kill: the thread died with acknowledged work waiting
    expect(pendingAtKill.every((n) => n > 0)).toBe(true);
    // routed exactly once: one 'done' mark per inbound message (the mark's key), and none missing
    await eventually(
      () =>
        count(
          "select count(*) as n from messages m where m.direction = 'inbound' and not exists (select 1 from routing_marks r where r.message_id = m.id and r.state = 'done')",
        ) === 0,
      30_000,
      'every inbound message to be routed',
    );
    expect(server.logs.some((l) => l.includes('the processing thread died'))).toBe(true);
    process.stdout.write(`processing-thread: pending at each kill: ${pendingAtKill.join(', ')}\n`);
  }, 120_000);
});
