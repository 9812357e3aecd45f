/**
 * The same hub on PostgreSQL: an embedded install is exported with `switchboard export`, imported into a fresh
 * PostgreSQL database with `switchboard import`, and the hub started on DATABASE_URL carries on — conversations,
 * messages, media, sealed secrets (same master key) and event ids all continue.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { testConnector } from '../channel-kit/test-connector.js';
import { collectSse, eventually, startTestServer } from '../testing/test-server.js';

const ADMIN_URL = process.env.SWITCHBOARD_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const CLI = join(dirname(fileURLToPath(import.meta.url)), '..', 'app', 'cli.ts');

describe('PostgreSQL mode and moving an embedded install to it', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-pgmode-'));
  const dbName = `switchboard_mode_${randomBytes(5).toString('hex')}`;
  const dbUrl = (() => {
    const u = new URL(ADMIN_URL);
    u.pathname = `/${dbName}`;
    return u.toString();
  })();
  const admin = async (statement: string) => {
    const c = new pg.Client({ connectionString: ADMIN_URL });
    await c.connect();
    await c.query(statement);
    await c.end();
  };
  afterAll(async () => {
    await admin(`drop database if exists ${dbName} with (force)`);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('exports, imports and continues on PostgreSQL', async () => {
    // 1. an embedded install with a conversation, a secret-bearing connection and a file
    const embedded = await startTestServer({ dataDir, extraConnectors: [testConnector] });
    const chat = (await embedded.api<{ id: string }>('POST', '/api/v1/connections', { type: 'webchat', name: 'site' }))
      .body.id;
    await embedded.api('POST', `/api/v1/connections/${chat}/start`);
    const gateway = (
      await embedded.api<{ id: string }>('POST', '/api/v1/connections', {
        type: 'x-test',
        name: 'gw',
        config: { signingSecret: 'moving-signing-secret', apiToken: 'moving-api-token' },
      })
    ).body.id;
    const session = (await (await fetch(`${embedded.url}/webchat/${chat}/sessions`, { method: 'POST' })).json()) as {
      token: string;
    };
    const say = (url: string, id: string) =>
      fetch(`${url}/webchat/${chat}/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${session.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ clientMessageId: id, text: `message ${id}` }),
      });
    await say(embedded.url, 'one');
    const conv = await eventually(
      async () => (await embedded.api<{ data: Array<{ id: string }> }>('GET', '/api/v1/conversations')).body.data[0],
    );
    const upload = await embedded.api<{ url: string }>('POST', '/api/v1/media?fileName=a.txt', 'file bytes', {
      'content-type': 'text/plain',
    });
    const before = collectSse(`${embedded.url}/api/v1/events`, {
      authorization: `Bearer ${embedded.token}`,
      'last-event-id': '0',
    });
    await before.ready;
    const lastSeq = Math.max(...before.events.filter((e) => e.id).map((e) => Number(e.id)));
    before.close();
    await embedded.sb.close();

    // 2. switchboard export → switchboard import into PostgreSQL
    const file = join(dataDir, 'export.jsonl');
    const run = (args: string[], env: Record<string, string>) =>
      spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], {
        env: { ...process.env, SWITCHBOARD_DATA_DIR: dataDir, ...env },
        encoding: 'utf8',
        timeout: 60_000,
      });
    const exported = run(['export', '--file', file], {});
    expect(exported.status, exported.stderr).toBe(0);
    expect(exported.stderr).toMatch(/exported \d+ rows from the sqlite store/);
    await admin(`create database ${dbName}`);
    const imported = run(['import', '--file', file], { DATABASE_URL: dbUrl });
    expect(imported.status, imported.stderr).toBe(0);
    expect(imported.stdout).toMatch(/imported into the postgres store: .*messages \d+/);
    // importing again changes nothing (insert-or-ignore)
    expect(run(['import', '--file', file], { DATABASE_URL: dbUrl }).status).toBe(0);

    // 3. the hub on PostgreSQL carries on
    const scaled = await startTestServer({ dataDir, extraConnectors: [testConnector], env: { DATABASE_URL: dbUrl } });
    try {
      expect(scaled.sb.store.dialect).toBe('postgres');
      const messages = (
        await scaled.api<{ data: Array<{ content: { text: string } }> }>(
          'GET',
          `/api/v1/conversations/${conv.id}/messages`,
        )
      ).body.data;
      expect(messages.map((m) => m.content.text)).toEqual(['message one']);
      const moved = new URL(upload.body.url);
      const file2 = await fetch(`${scaled.url}${moved.pathname}`);
      expect(await file2.text()).toBe('file bytes');
      expect(
        (await scaled.api<{ config: Record<string, unknown> }>('GET', `/api/v1/connections/${gateway}`)).body.config,
      ).toMatchObject({ signingSecret: '********', apiToken: '********' });
      // the chat connection was RUNNING: it resumed; the same visitor goes on in the same conversation
      await eventually(
        async () =>
          (await scaled.api<{ status: string }>('GET', `/api/v1/connections/${chat}`)).body.status === 'RUNNING',
      );
      const stream = collectSse(`${scaled.url}/api/v1/events`, { authorization: `Bearer ${scaled.token}` });
      await stream.ready;
      expect((await say(scaled.url, 'two')).status).toBe(200);
      const received = await eventually(
        () => stream.events.find((e) => e.event === 'message.received'),
        10_000,
        'the new message event',
      );
      expect(Number(received.id)).toBeGreaterThan(lastSeq);
      const after = (
        await scaled.api<{ data: Array<{ content: { text: string } }> }>(
          'GET',
          `/api/v1/conversations/${conv.id}/messages`,
        )
      ).body.data;
      expect(after.map((m) => m.content.text)).toEqual(['message one', 'message two']);
      stream.close();
    } finally {
      await scaled.sb.close();
    }
  }, 120_000);
});
