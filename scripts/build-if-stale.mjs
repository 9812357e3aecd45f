#!/usr/bin/env node
// `npm start` and `npm run sandbox` build once, then start fast: the build runs only when a source file, a
// package manifest or the lock file is newer than the last successful build (a stamp file written after it).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const STAMP = 'packages/server/dist/.build-stamp';
const SKIP = new Set(['node_modules', 'dist', '.vite', 'test-results']);

function newest(path) {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let max = st.mtimeMs;
  for (const entry of readdirSync(path)) if (!SKIP.has(entry)) max = Math.max(max, newest(join(path, entry)));
  return max;
}

const inputs = ['package.json', 'package-lock.json', 'tsconfig.base.json', 'tsconfig.json'];
for (const pkg of readdirSync('packages')) {
  for (const f of ['src', 'package.json', 'tsconfig.json', 'index.html', 'vite.config.ts'])
    inputs.push(join('packages', pkg, f));
}
const sources = Math.max(...inputs.map(newest));
const built = existsSync(STAMP) ? statSync(STAMP).mtimeMs : 0;
if (built >= sources) process.exit(0);
process.stdout.write(built ? 'sources changed since the last build: building…\n' : 'first start: building…\n');
const r = spawnSync('npm', ['run', 'build', '--silent'], { stdio: 'inherit' });
if (r.status !== 0) process.exit(r.status ?? 1);
writeFileSync(STAMP, `${new Date().toISOString()}\n`);
