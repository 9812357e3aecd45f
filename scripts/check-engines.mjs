#!/usr/bin/env node
// `engines` is a promise to whoever installs Switchboard: every package the lockfile installs must run on the
// oldest release of each Node line the root package.json names (else `npm install` warns EBADENGINE, or worse, it
// installs and fails). Optional packages are exempt: npm skips one whose engines do not fit, quietly — which is how
// the Node 22+ SQLite driver (better-sqlite3-node22) stays out of a Node 20 install.
import { readFileSync } from 'node:fs';
import semver from 'semver';

const root = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const lock = JSON.parse(readFileSync(new URL('../package-lock.json', import.meta.url), 'utf8'));
const range = root.engines.node;
// the lowest version of each line the range allows: 20.19.0, 22.13.0, 24.0.0 for "^20.19.0 || ^22.13.0 || >=24"
const oldest = new semver.Range(range).set.map(
  (comparators) => semver.minVersion(comparators.map(String).join(' ')).version,
);
const problems = [];
for (const [path, info] of Object.entries(lock.packages)) {
  const wants = info.engines?.node;
  if (!path || info.optional || typeof wants !== 'string') continue;
  for (const version of oldest)
    if (!semver.satisfies(version, wants))
      problems.push(`${path}@${info.version} needs Node ${wants}, engines allow ${version}`);
}
for (const p of problems) process.stdout.write(`${p}\n`);
process.stdout.write(
  `engines "${range}" (oldest ${oldest.join(', ')}): ${problems.length} package(s) that do not fit\n`,
);
process.exit(problems.length === 0 ? 0 : 1);
