// Loaded with `--import` (through NODE_OPTIONS, so vitest's workers and the servers tests spawn load it too) when
// the suite runs on Node 24 from a checkout installed with Node 20: npm skipped the optional
// `better-sqlite3-node22` there (its engines), and node_modules/better-sqlite3 is built for Node 20. Both resolve
// to the copy of better-sqlite3 13 installed for Node 24 (SWITCHBOARD_SQLITE_PACKAGE_DIR), as a Node 24 install
// would have them. module.registerHooks covers import, require and require.resolve in this thread:
// https://nodejs.org/api/module.html#moduleregisterhooksoptions
import { registerHooks } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const dir = process.env.SWITCHBOARD_SQLITE_PACKAGE_DIR;
if (!dir) throw new Error('SWITCHBOARD_SQLITE_PACKAGE_DIR: the better-sqlite3 package installed for this Node');
const copy = `${pathToFileURL(dir).href}/`;
const main = pathToFileURL(join(dir, 'lib', 'index.js')).href;
const INSTALLED = /^file:\/\/.*\/node_modules\/better-sqlite3\//;

registerHooks({
  resolve(specifier, context, nextResolve) {
    if (specifier === 'better-sqlite3-node22') return { url: main, format: 'commonjs', shortCircuit: true };
    // vitest hands Node the path it resolved itself (…/node_modules/better-sqlite3/lib/index.js), plain code the name
    const resolved = nextResolve(specifier, context);
    if (!INSTALLED.test(resolved.url) || resolved.url.startsWith(copy)) return resolved;
    return { ...resolved, url: resolved.url.replace(INSTALLED, copy) };
  },
});
