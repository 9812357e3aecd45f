/**
 * Back-pressure on ingest: with a small backlog bound and nothing processing (an `api`-only process on SQLite),
 * webhooks past the bound are answered 503 + Retry-After with nothing stored; every one answered 200 is stored and,
 * once a full process runs on the same data dir, processed exactly once — as is every refused one its provider
 * sends again. /metrics shows the backlog and its lag meanwhile.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { signTestBody, testConnector } from '../channel-kit/test-connector.js';
import { eventually, startTestServer, type TestServer } from '../testing/test-server.js';
import { fakeProvider, type FakeProvider } from '../testing/fake-provider.js';

const SIGNING = 'signing-secret-for-backpressure';
const BOUND = 5;

describe('ingest back-pressure', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-backpressure-'));
  let provider: FakeProvider | undefined;
  let t: TestServer | undefined;
  afterAll(async () => {
    await t?.close();
    await provider?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const env = { SWITCHBOARD_INGEST_MAX_BACKLOG: String(BOUND) };
  const post = (server: TestServer, connectionId: string, n: number) => {
    const raw = JSON.stringify({
      id: `bp-${n}`,
      type: 'message',
      from: `+1555010${n}`,
      name: `C${n}`,
      text: `hi ${n}`,
    });
    return fetch(`${server.url}/webhooks/${connectionId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-test-signature': signTestBody(SIGNING, raw) },
      body: raw,
    });
  };
  const db = <T>(sql: string): T => {
    const d = new Database(join(dataDir, 'switchboard.db'), { readonly: true });
    try {
      return d.prepare(sql).get() as T;
    } finally {
      d.close();
    }
  };

  it('answers 503 + Retry-After past the bound, stores nothing for it, and loses nothing it acknowledged', async () => {
    provider = await fakeProvider();
    t = await startTestServer({ role: 'api', dataDir, extraConnectors: [testConnector], env });
    const created = await t.api<{ id: string }>('POST', '/api/v1/connections', {
      type: 'x-test',
      name: 'bounded',
      config: { signingSecret: SIGNING, apiToken: 'api-token-for-tests', apiBaseUrl: provider.url },
    });
    const connectionId = created.body.id;
    expect((await t.api<{ status: string }>('POST', `/api/v1/connections/${connectionId}/start`)).body.status).toBe(
      'RUNNING',
    );

    // the periodic re-read of the backlog stops here, so the figure is exactly what this process stored (a read that
    // overlaps a store may count that one twice: it errs high, never low)
    const backpressure = t.sb.hub.ingest.backpressure;
    expect(backpressure).toBeDefined();
    backpressure?.stop();
    const acked: number[] = [];
    const refused: number[] = [];
    for (let n = 1; n <= BOUND + 3; n++) {
      const res = await post(t, connectionId, n);
      if (res.status === 200) acked.push(n);
      else {
        expect(res.status).toBe(503);
        const retryAfter = Number(res.headers.get('retry-after'));
        expect(retryAfter).toBeGreaterThanOrEqual(1);
        expect(retryAfter).toBeLessThanOrEqual(60);
        expect(((await res.json()) as { error: { code: string } }).error.code).toBe('UNAVAILABLE');
        refused.push(n);
      }
    }
    expect(acked).toEqual([1, 2, 3, 4, 5]);
    expect(refused).toEqual([6, 7, 8]);
    // exactly what was acknowledged is stored, pending (nothing processes in an api-only process)
    expect(db<{ n: number }>('select count(*) as n from inbound_events').n).toBe(BOUND);
    expect(db<{ n: number }>("select count(*) as n from inbound_events where status = 'pending'").n).toBe(BOUND);

    await backpressure?.refresh();
    expect(backpressure?.snapshot().pending).toBe(BOUND);
    await new Promise((r) => setTimeout(r, 1100));
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    expect(metrics).toMatch(/switchboard_queue_depth\{queue="inbound_pending"\} 5\b/);
    const lag = Number(/^switchboard_inbound_lag_seconds (\S+)$/m.exec(metrics)?.[1]);
    expect(lag).toBeGreaterThanOrEqual(1);
    expect(metrics).toMatch(/switchboard_webhooks_rejected_total\{channel="x-test",reason="backlog"\} 3\b/);
    await t.close();
    t = undefined;

    // a full process on the same data: the backlog is processed, and the provider's retries are taken once it drained
    t = await startTestServer({ dataDir, extraConnectors: [testConnector], env });
    await eventually(
      () => db<{ n: number }>("select count(*) as n from messages where direction = 'inbound'").n === BOUND,
      20_000,
    );
    const server = t;
    for (const n of refused)
      await eventually(async () => (await post(server, connectionId, n)).status === 200, 20_000, `retry of ${n}`);
    await eventually(
      () => db<{ n: number }>("select count(*) as n from inbound_events where status = 'pending'").n === 0,
      20_000,
    );
    expect(db<{ n: number }>("select count(*) as n from messages where direction = 'inbound'").n).toBe(BOUND + 3);
    expect(
      db<{ n: number }>("select count(distinct provider_message_id) as n from messages where direction = 'inbound'").n,
    ).toBe(BOUND + 3);
    const after = await (await fetch(`${t.url}/metrics`)).text();
    expect(after).toMatch(/^switchboard_inbound_lag_seconds 0$/m);
  });
});
