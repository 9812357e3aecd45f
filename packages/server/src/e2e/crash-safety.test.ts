/**
 * Crash safety: SIGKILL the server right after a burst of acknowledged webhooks (webchat visitor messages go
 * through the same ingest as every provider), restart on the same data dir, and check every acknowledged event
 * was processed exactly once — also when the sender retries after the crash. Operator replies queued before the
 * crash end sent or failed with a reason, never stuck.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { eventually } from '../testing/test-server.js';
import {
  UNLIMITED_VISITORS,
  freePort,
  spawnServer,
  type ServerProcess,
  processApi,
} from '../testing/server-process.js';

const TOKEN = 'sb_crash_test_token_0123456789abcdef';
const VISITORS = 10;
const PER_ROUND = 300;
const ROUNDS = 3;

describe.each([
  { mode: 'one thread', threadEnv: {} as Record<string, string>, startMs: 30_000 },
  // processing on its own thread: acknowledged at ingest speed, so each kill leaves a backlog behind
  {
    mode: 'processing thread',
    threadEnv: { SWITCHBOARD_INGEST_WORKERS: '1' } as Record<string, string>,
    startMs: 90_000,
  },
])('crash safety (SIGKILL, $mode)', ({ mode, threadEnv, startMs }) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-crash-'));
  let server: ServerProcess | undefined;
  afterAll(async () => {
    await server?.kill();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('processes every acknowledged webhook exactly once across repeated kills', async () => {
    const port = await freePort();
    // a load test from one address, far past what visitors do: the visitor limits would refuse most of it
    const env = { SWITCHBOARD_DATA_DIR: dataDir, SWITCHBOARD_ADMIN_TOKEN: TOKEN, ...UNLIMITED_VISITORS, ...threadEnv };
    server = await spawnServer(env, port, ['start'], startMs);
    const api = processApi(() => server, TOKEN);
    const conn = await api<{ id: string }>('POST', '/api/v1/connections', { type: 'webchat', name: 'crash' });
    await api('POST', `/api/v1/connections/${conn.id}/start`);
    const sessions: string[] = [];
    for (let i = 0; i < VISITORS; i++)
      sessions.push(
        (
          (await (await fetch(`${server.url}/webchat/${conn.id}/sessions`, { method: 'POST' })).json()) as {
            token: string;
          }
        ).token,
      );

    const acknowledged: Array<{ token: string; clientMessageId: string }> = [];
    const all: Array<{ token: string; clientMessageId: string }> = [];
    const replies: string[] = [];
    const pendingAtKill: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const url = server.url;
      // a few operator replies queued just before the crash
      const convs = await api<{ data: Array<{ id: string }> }>('GET', '/api/v1/conversations?limit=200');
      for (const c of convs.data.slice(0, 3))
        replies.push(
          (
            await api<{ id: string }>('POST', `/api/v1/conversations/${c.id}/messages`, {
              content: { type: 'text', text: `reply ${round}` },
            })
          ).id,
        );
      const batch = Array.from({ length: PER_ROUND }, (_, i) => ({
        token: sessions[i % VISITORS] as string,
        clientMessageId: `r${round}-m${i}`,
      }));
      all.push(...batch);
      // kill mid-burst: once two thirds are acknowledged, the rest are in flight or not yet sent
      let ackedThisRound = 0;
      let killing: Promise<unknown> | undefined;
      const current = server;
      await Promise.all(
        batch.map(async (m) => {
          try {
            const res = await fetch(`${url}/webchat/${conn.id}/messages`, {
              method: 'POST',
              headers: { authorization: `Bearer ${m.token}`, 'content-type': 'application/json' },
              body: JSON.stringify({ clientMessageId: m.clientMessageId, text: `message ${m.clientMessageId}` }),
            });
            if (res.status === 200 && !killing) {
              acknowledged.push(m);
              if (++ackedThisRound >= (PER_ROUND * 2) / 3) killing = current.kill('SIGKILL');
            }
          } catch {
            // the process died under this request: not acknowledged, the sender will retry
          }
        }),
      );
      await (killing ?? current.kill('SIGKILL'));
      const db = new Database(join(dataDir, 'switchboard.db'), { readonly: true });
      pendingAtKill.push(
        (db.prepare("select count(*) as n from inbound_events where status = 'pending'").get() as { n: number }).n,
      );
      db.close();
      server = await spawnServer(env, port, ['start'], startMs);
    }
    // senders retry what was not acknowledged, and re-deliver some that were: still exactly once each
    const ackedIds = new Set(acknowledged.map((m) => m.clientMessageId));
    const retries = [...all.filter((m) => !ackedIds.has(m.clientMessageId)), ...acknowledged.slice(0, 100)];
    await Promise.all(
      retries.map(async (m) => {
        const res = await fetch(`${server?.url}/webchat/${conn.id}/messages`, {
          method: 'POST',
          headers: { authorization: `Bearer ${m.token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ clientMessageId: m.clientMessageId, text: `message ${m.clientMessageId}` }),
        });
        expect(res.status).toBe(200);
      }),
    );

    expect(acknowledged.length).toBeGreaterThanOrEqual((ROUNDS * (PER_ROUND * 2)) / 3);
    const counts = await eventually(
      () => {
        const db = new Database(join(dataDir, 'switchboard.db'), { readonly: true });
        const pending = (
          db.prepare("select count(*) as n from inbound_events where status = 'pending'").get() as { n: number }
        ).n;
        const rows = db
          .prepare(
            "select provider_message_id as p, count(*) as n from messages where direction = 'inbound' group by provider_message_id",
          )
          .all() as Array<{ p: string; n: number }>;
        db.close();
        return pending === 0 ? rows : undefined;
      },
      20_000,
      'all pending inbound events to be processed',
    );
    expect(counts.filter((r) => r.n > 1)).toEqual([]);
    const stored = new Set(counts.map((r) => r.p.split(':')[1]));
    for (const m of acknowledged) expect(stored.has(m.clientMessageId)).toBe(true);
    expect(counts.length).toBe(PER_ROUND * ROUNDS);
    const replyStates = await eventually(
      async () => {
        const states = await Promise.all(
          replies.map((id) =>
            api<{ status: string; statusDetail: { code: string } | null }>('GET', `/api/v1/messages/${id}`),
          ),
        );
        return states.every((s) => s.status !== 'queued') ? states : undefined;
      },
      10_000,
      'replies to settle',
    );
    for (const s of replyStates)
      expect(s.status === 'sent' || (s.status === 'failed' && s.statusDetail?.code)).toBeTruthy();
    // with processing on its own thread the kills found acknowledged work waiting (what this test is about)
    if (threadEnv.SWITCHBOARD_INGEST_WORKERS) expect(pendingAtKill.some((n) => n > 0)).toBe(true);
    // how much work the kills interrupted (for the record)
    process.stdout.write(
      `crash-safety (${mode}): ${acknowledged.length} acknowledged, pending at each kill: ${pendingAtKill.join(', ')}\n`,
    );
  }, 400_000);
});
