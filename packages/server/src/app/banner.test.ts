/**
 * The start banner as a newcomer reads it: the first start's commands run in bash exactly as printed and leave a
 * running web chat behind; nothing printed is a `<placeholder>`; a later start says how to sign in and get a token.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firstStartCommands, startBanner } from './banner.js';
import { startTestServer, type TestServer } from '../testing/test-server.js';

const base = {
  version: '1.2.3',
  role: 'all',
  address: 'http://0.0.0.0:8080',
  publicUrl: 'http://localhost:8080',
  store: 'SQLite in ./data',
  bus: 'in-process',
  ownerEmail: 'owner@localhost',
};

describe('the start banner', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t.close());

  it('prints first-start commands that work as pasted into bash', async () => {
    const script = firstStartCommands(t.url, t.token).join('\n');
    // asynchronously: the hub answering curl runs in this process
    const { stdout: out } = await promisify(execFile)('bash', ['-euo', 'pipefail', '-c', script], { timeout: 20_000 });
    const id = /webchat\/(\S+)\/test/.exec(out)?.[1];
    expect(id).toMatch(/^conn_/);
    const conn = await t.api<{ type: string; status: string }>('GET', `/api/v1/connections/${String(id)}`);
    expect(conn.body).toMatchObject({ type: 'webchat', status: 'RUNNING' });
  });

  it('has no placeholders to replace, and shows the one-time credentials on the first start', () => {
    const first = startBanner({ ...base, generatedToken: 'sb_first', generatedPassword: 'pw-first' });
    expect(first).not.toMatch(/<[a-z]+>/i);
    expect(first).toContain('export SWITCHBOARD_TOKEN=sb_first');
    expect(first).toContain('pw-first');
    expect(first).toContain('/api/v1/events -H "Authorization: Bearer $SWITCHBOARD_TOKEN"');
  });

  it('tells a later start how to sign in and how to create a token', () => {
    const later = startBanner(base);
    expect(later).toContain('Sign in to http://localhost:8080/app/ as owner@localhost');
    expect(later).toContain('SWITCHBOARD_OWNER_PASSWORD');
    expect(later).toContain('npx switchboard token create');
    expect(later).not.toContain('SWITCHBOARD_TOKEN=');
  });
});
