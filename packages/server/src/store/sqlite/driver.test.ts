/**
 * The embedded store loads the better-sqlite3 its Node runs safely: 12 on Node 20, 13 (Node-API) from Node 22 on —
 * the suite's Node 24 leg (scripts/test-node24.mjs) runs this file too.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SqliteDriver, sqliteDriverPath } from './driver.js';

describe('the SQLite driver', () => {
  it('is version 12 on Node 20 and 13 on Node 22 and later, and opens a database', () => {
    const entry = sqliteDriverPath();
    const pkg = JSON.parse(readFileSync(join(dirname(entry), '..', 'package.json'), 'utf8')) as {
      name: string;
      version: string;
    };
    expect(pkg.name).toBe('better-sqlite3');
    const node = Number(process.versions.node.split('.')[0]);
    expect(pkg.version.split('.')[0]).toBe(node >= 22 ? '13' : '12');
    const db = new SqliteDriver(':memory:');
    expect(db.prepare('select 40 + 2 as answer').get()).toEqual({ answer: 42 });
    db.close();
  });
});
