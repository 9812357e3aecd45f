/**
 * The `switchboard` command line as a user runs it: help, one-line configuration errors, migrate, token create,
 * first-start output, and a graceful SIGTERM.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, spawnServer } from '../testing/server-process.js';
import { eventually } from '../testing/test-server.js';

const CLI = join(dirname(fileURLToPath(import.meta.url)), '..', 'app', 'cli.ts');
const run = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });

describe('switchboard CLI', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-cli-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('prints help', () => {
    const r = run(['--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('switchboard <command>');
    expect(r.stdout).toContain('token create');
  });

  it('stops on a bad configuration value with one line naming the variable', () => {
    const r = run(['start'], { PORT: 'eighty' });
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^switchboard: configuration error: PORT: /)]);
  });

  it('migrates, creates a token that works, prints the admin token on first start, and shuts down gracefully', async () => {
    expect(run(['migrate'], { SWITCHBOARD_DATA_DIR: dataDir }).stdout).toContain('up to date');
    const token = run(['token', 'create', '--name', 'ci'], { SWITCHBOARD_DATA_DIR: dataDir }).stdout.trim();
    expect(token).toMatch(/^sb_[A-Za-z0-9_-]{43}$/);
    const port = await freePort();
    const server = await spawnServer({ SWITCHBOARD_DATA_DIR: dataDir }, port);
    const res = await fetch(`${server.url}/api/v1/connections`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    expect((statSync(join(dataDir, 'master.key')).mode & 0o777).toString(8)).toBe('600');
    expect(await server.kill('SIGTERM')).toBe(0);

    const fresh = mkdtempSync(join(tmpdir(), 'switchboard-first-'));
    const first = await spawnServer({ SWITCHBOARD_DATA_DIR: fresh }, await freePort());
    const out = await eventually(
      () => first.output.join('').includes('API reference') && first.output.join(''),
      10_000,
      'the first-start banner',
    );
    const printed = /Admin API token[^\n]*\n\s+(sb_\S+)/.exec(out)?.[1];
    expect(printed).toBeDefined();
    expect(
      (await fetch(`${first.url}/api/v1/connections`, { headers: { authorization: `Bearer ${printed}` } })).status,
    ).toBe(200);
    expect(out).toContain('/api/v1/connections');
    await first.kill('SIGTERM');
    rmSync(fresh, { recursive: true, force: true });
  }, 60_000);
});
