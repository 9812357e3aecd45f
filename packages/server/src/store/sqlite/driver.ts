/**
 * @module store/sqlite/driver
 * Which better-sqlite3 the embedded store loads. Version 12 is the one that runs on Node 20; built for Node 24 it
 * aborts the process ("Assertion failed: (env) != nullptr" in Statement::~Statement) when the garbage collector
 * frees a statement outside a JavaScript context: Node 24's header-only `node::ObjectWrap`, which 12 compiles in,
 * removes an environment cleanup hook in its destructor and asserts there is an environment. A hub under load hits
 * it within seconds (the crash-safety test's server did). Version 13 is built on Node-API and ships its binaries in
 * the package, but needs Node 22 and fails on 20. So both are dependencies — 13 as the optional
 * `better-sqlite3-node22`, which npm skips on Node 20 (its `engines`) — and Node 22 and later load 13.
 */
import { createRequire } from 'node:module';
import { isMainThread, workerData } from 'node:worker_threads';
import type BetterSqlite3 from 'better-sqlite3';

const require = createRequire(import.meta.url);

/** the path of the driver package's entry for this Node: a worker thread loads the same one */
export function sqliteDriverPath(): string {
  // a thread started with `sqliteDriver` in its data loads what its parent resolved: module hooks the parent was
  // started with (the Node 24 test leg's) do not reach a worker thread
  const given: unknown = isMainThread ? undefined : (workerData as { sqliteDriver?: unknown } | null)?.sqliteDriver;
  if (typeof given === 'string') return given;
  if (Number(process.versions.node.split('.')[0]) >= 22) {
    try {
      return require.resolve('better-sqlite3-node22');
    } catch {
      // installed under Node 20 and run on a newer one: version 12 (npm install again to get 13)
    }
  }
  return require.resolve('better-sqlite3');
}

export const SqliteDriver = require(sqliteDriverPath()) as typeof BetterSqlite3;
