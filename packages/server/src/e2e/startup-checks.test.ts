/**
 * The hub refuses to start, with one line and a non-zero exit, when it could only run broken: a master key that
 * cannot open the stored secrets (wrong, or missing and about to be replaced), or a media directory it cannot write.
 * `switchboard export` to a path it cannot write ends the same way (docs/security.md "Key handling").
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../app/config.js';
import { createSwitchboard } from '../app/main.js';
import { MasterKeyError } from '../core/security/key-check.js';
import { startTestServer } from '../testing/test-server.js';

const CLI = join(dirname(fileURLToPath(import.meta.url)), '..', 'app', 'cli.ts');
const run = (args: string[], env: Record<string, string>) =>
  spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
    encoding: 'utf8',
    timeout: 20_000,
  });
/** what a refused start prints: exactly one line on stderr, nothing on stdout, exit 1 */
const refused = (r: ReturnType<typeof run>) => ({
  status: r.status,
  stdout: r.stdout,
  stderr: r.stderr.trim().split('\n'),
});
const otherKey = () => randomBytes(32).toString('hex');

describe('the master key', () => {
  const root = mkdtempSync(join(tmpdir(), 'switchboard-key-'));
  const dataDir = join(root, 'data');
  const keyFile = join(dataDir, 'master.key');
  let connectionId: string;
  let key: string;
  const open = (env: Record<string, string> = {}) =>
    createSwitchboard(loadConfig({ SWITCHBOARD_DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...env }), {
      logWrite: () => undefined,
    });

  beforeAll(async () => {
    // a hub that sealed a secret (the web chat's session secret) and runs a connection
    const t = await startTestServer({ dataDir });
    const created = await t.api<{ id: string }>('POST', '/api/v1/connections', { type: 'webchat', name: 'chat' });
    connectionId = created.body.id;
    expect((await t.api<{ status: string }>('POST', `/api/v1/connections/${connectionId}/start`)).body.status).toBe(
      'RUNNING',
    );
    await t.close();
    key = readFileSync(keyFile, 'utf8');
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('is not regenerated when master.key is deleted: the start is refused with one line', () => {
    rmSync(keyFile);
    const r = run(['start'], { SWITCHBOARD_DATA_DIR: dataDir });
    expect(existsSync(keyFile)).toBe(false);
    writeFileSync(keyFile, key, { mode: 0o600 });
    expect(refused(r)).toEqual({
      status: 1,
      stdout: '',
      stderr: [
        expect.stringMatching(
          /^switchboard: no master key: \S+master\.key is missing and SWITCHBOARD_MASTER_KEY is unset, but the database holds secrets sealed with a key; restore/,
        ),
      ],
    });
  }, 30_000);

  it('refuses a start with another key, in master.key or in SWITCHBOARD_MASTER_KEY, before anything runs', async () => {
    writeFileSync(keyFile, otherKey());
    const r = run(['start'], { SWITCHBOARD_DATA_DIR: dataDir });
    writeFileSync(keyFile, key);
    expect(refused(r)).toEqual({
      status: 1,
      stdout: '',
      stderr: [
        expect.stringMatching(
          /^switchboard: the master key \(\S+master\.key\) cannot open this database's key check value: start with the key/,
        ),
      ],
    });
    await expect(open({ SWITCHBOARD_MASTER_KEY: otherKey() })).rejects.toThrow(
      new MasterKeyError(
        'the master key (SWITCHBOARD_MASTER_KEY) cannot open this database\'s key check value: start with the key the secrets were sealed with (see "Key handling" in docs/security.md)',
      ),
    );
    writeFileSync(keyFile, 'not a key');
    await expect(open()).rejects.toThrow(/master\.key does not hold a master key \(64 hex characters\)/);
    writeFileSync(keyFile, key);
  }, 30_000);

  it('vouches for a database from before the key check by one of its sealed secrets, then stores the check', async () => {
    const dropCheck = () => {
      const db = new Database(join(dataDir, 'switchboard.db'));
      db.prepare('delete from key_checks').run();
      db.close();
    };
    dropCheck();
    await expect(open({ SWITCHBOARD_MASTER_KEY: otherKey() })).rejects.toThrow(
      /cannot open this database's sealed secrets/,
    );
    rmSync(keyFile);
    await expect(open()).rejects.toThrow(/no master key: .*master\.key is missing/);
    writeFileSync(keyFile, key, { mode: 0o600 });
    // the right key: the hub starts, the connection runs, and the check value is stored for next time
    const sb = await open();
    expect((await sb.store.getConnectionUnscoped(connectionId))?.status).toBe('RUNNING');
    expect(await sb.store.getKeyCheck()).toMatch(/^enc:v1:/);
    await sb.close();
    await expect(open({ SWITCHBOARD_MASTER_KEY: otherKey() })).rejects.toThrow(
      /cannot open this database's key check value/,
    );
  });

  it('is generated, with its check value, for a new database only', async () => {
    const fresh = join(root, 'fresh');
    const sb = await createSwitchboard(loadConfig({ SWITCHBOARD_DATA_DIR: fresh, LOG_LEVEL: 'silent' }), {
      logWrite: () => undefined,
    });
    expect(await sb.store.getKeyCheck()).toMatch(/^enc:v1:/);
    await sb.close();
    expect((statSync(join(fresh, 'master.key')).mode & 0o777).toString(8)).toBe('600');
  });
});

describe('files the hub cannot write', () => {
  const root = mkdtempSync(join(tmpdir(), 'switchboard-files-'));
  // a path under a regular file cannot be created, whoever runs the test (root included)
  const blocker = join(root, 'not-a-directory');
  writeFileSync(blocker, '');
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('an unusable SWITCHBOARD_MEDIA_DIR refuses the start with one line naming the variable', () => {
    const r = run(['start'], {
      SWITCHBOARD_DATA_DIR: join(root, 'data'),
      SWITCHBOARD_MEDIA_STORE: 'directory',
      SWITCHBOARD_MEDIA_DIR: join(blocker, 'media'),
    });
    expect(refused(r)).toEqual({
      status: 1,
      stdout: '',
      stderr: [
        `switchboard: SWITCHBOARD_MEDIA_DIR: ${join(blocker, 'media')} cannot be used for media files (ENOTDIR)`,
      ],
    });
  }, 30_000);

  it('export to a path it cannot write ends with one line and exit 1; a written export is readable by its owner only', () => {
    const data = join(root, 'data');
    const r = run(['export', '--file', join(root, 'missing-dir', 'x.jsonl')], { SWITCHBOARD_DATA_DIR: data });
    expect(refused(r)).toEqual({
      status: 1,
      stdout: '',
      stderr: [
        expect.stringMatching(
          /^switchboard: export: cannot write \S+missing-dir\/x\.jsonl: ENOENT: no such file or directory/,
        ),
      ],
    });
    const file = join(root, 'export.jsonl');
    expect(run(['export', '--file', file], { SWITCHBOARD_DATA_DIR: data }).status).toBe(0);
    expect((statSync(file).mode & 0o777).toString(8)).toBe('600');
  }, 30_000);
});
