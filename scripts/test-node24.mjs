#!/usr/bin/env node
// The suite's Node 24 leg: the SQLite store contract, the WAL checkpointer's worker thread and end-to-end tests that
// start real hubs (in process, and as separate processes killed with SIGKILL) run again on Node 24, so `engines`
// stays a true claim for 24 too. Node 24 comes from the npm registry (the `node` package) into
// node_modules/.cache/switchboard-node24, with the better-sqlite3 a Node 24 install gets (the optional
// `better-sqlite3-node22`, version 13: store/sqlite/driver.ts says why); node_modules itself is left as Node 20
// built it. Installed once, then reused: the leg takes about a minute.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CACHE = join(ROOT, 'node_modules', '.cache', 'switchboard-node24');
const NODE = join(CACHE, 'node_modules', 'node', 'bin', 'node');
const SQLITE = join(CACHE, 'node_modules', 'better-sqlite3');
const MAJOR = '24';
const TIMEOUT_MS = 6 * 60_000;
/** the exit code that tells scripts/test.mjs the leg could not run here */
const SKIPPED = 3;

const FILES = [
  'packages/server/src/store/sqlite/driver.test.ts',
  'packages/server/src/store/sqlite/sqlite-store.test.ts',
  'packages/server/src/store/sqlite/checkpointer.test.ts',
  'packages/server/src/e2e/rest-api.test.ts',
  'packages/server/src/e2e/webhook-pipeline.test.ts',
  'packages/server/src/e2e/routing-conflicts.test.ts',
  'packages/server/src/e2e/crash-safety.test.ts',
  'packages/server/src/channels/telegram/telegram.e2e.test.ts',
];

/** "npm:better-sqlite3@13.2.0" → "better-sqlite3@13.2.0": the same version a Node 24 install gets */
const server = JSON.parse(readFileSync(join(ROOT, 'packages', 'server', 'package.json'), 'utf8'));
const driverSpec = String(server.optionalDependencies['better-sqlite3-node22']).replace(/^npm:/, '');
const driverVersion = driverSpec.split('@').pop();

const versionOf = (bin) => spawnSync(bin, ['-v'], { encoding: 'utf8' }).stdout?.trim() ?? '';
const installedDriver = () =>
  existsSync(join(SQLITE, 'package.json'))
    ? JSON.parse(readFileSync(join(SQLITE, 'package.json'), 'utf8')).version
    : '';

if (!existsSync(NODE) || !versionOf(NODE).startsWith(`v${MAJOR}.`) || installedDriver() !== driverVersion) {
  process.stdout.write(`installing node@${MAJOR} and ${driverSpec} into ${CACHE}\n`);
  const r = spawnSync(
    'npm',
    [
      'install',
      '--prefix',
      CACHE,
      '--no-save',
      '--no-package-lock',
      '--no-audit',
      '--no-fund',
      '--loglevel=error',
    ].concat([`node@${MAJOR}`, driverSpec]),
    { stdio: 'inherit', timeout: 3 * 60_000 },
  );
  if (r.status !== 0 || !existsSync(NODE)) {
    // offline on a developer's machine the leg is skipped (said so, and counted as skipped); on CI it fails
    process.stdout.write(`could not install Node ${MAJOR} from the npm registry (exit ${r.status})\n`);
    process.exit(process.env.CI === 'true' ? 1 : SKIPPED);
  }
}
process.stdout.write(`Node ${versionOf(NODE)}, better-sqlite3 ${installedDriver()}\n`);

const env = {
  ...process.env,
  PATH: `${dirname(NODE)}${delimiter}${process.env.PATH ?? ''}`,
  NODE_OPTIONS:
    `${process.env.NODE_OPTIONS ?? ''} --import=${join(ROOT, 'scripts', 'node24', 'sqlite-binding.mjs')}`.trim(),
  SWITCHBOARD_SQLITE_PACKAGE_DIR: SQLITE,
};
const run = spawnSync(NODE, [join(ROOT, 'node_modules', 'vitest', 'vitest.mjs'), 'run', ...FILES], {
  cwd: ROOT,
  env,
  stdio: 'inherit',
  timeout: TIMEOUT_MS,
});
if (run.error) process.stdout.write(`the Node ${MAJOR} leg stopped: ${run.error.message}\n`);
process.exit(run.status ?? 1);
