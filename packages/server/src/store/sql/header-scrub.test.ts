/**
 * Migration 0012_scrub_stored_headers over raw events stored the old way (every header as received): credentials
 * become digests, undeclared headers go, web chat rows keep what their parse needs, a second run changes nothing,
 * and on SQLite the secrets are gone from the database file and its WAL after the upgrade's start, not only from
 * the rows.
 */
import { readFileSync, existsSync } from 'node:fs';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectors } from '../../channels/index.js';
import { credentialDigest } from '../../channel-kit/index.js';
import { newId } from '../../model/index.js';
import type { Store } from '../../core/ports/index.js';
import { openTestStore } from '../../testing/test-databases.js';
import { STORED_HEADERS_0012 } from './header-scrub.js';
import type { KyselyStore } from './kysely-store.js';
import { migrationProvider } from './migrations.js';
import type { Database } from './schema.js';

const TG_SECRET = 'tg-secret-token-0123456789-scrub';
const VISITOR = 'vis_01hzzzzzzzzzzzzzzzzzzzzzzz';
const VISITOR_TOKEN = `${VISITOR}.Q2hlY2tUaGlzU2lnbmF0dXJlMDEyMzQ1Njc4OWFiY2Rl`;
const CUSTOM_KEY = 'custom-api-key-value-0123456789';
const SIGNATURE = 'sha256=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';
const at = new Date(Date.UTC(2026, 0, 1)).toISOString();

it('keeps the rules it scrubs by equal to what the connectors store today', () => {
  for (const c of connectors) {
    if (c.inbound.mode !== 'webhook') continue;
    const want = c.inbound.storedHeaders ?? { keep: ['content-type'] };
    const have = STORED_HEADERS_0012[c.type] ?? {};
    expect({ type: c.type, keep: [...(have.keep ?? [])].sort(), digest: [...(have.digest ?? [])].sort() }).toEqual({
      type: c.type,
      keep: [...(want.keep ?? [])].sort(),
      digest: [...(want.digest ?? [])].sort(),
    });
  }
});

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`0012_scrub_stored_headers: ${dialect}`, () => {
    let store: Store;
    let db: Kysely<Database>;
    let dispose: () => Promise<void>;
    const ws = newId('ws');
    const conn = { telegram: newId('conn'), webchat: newId('conn'), whatsapp: newId('conn'), custom: newId('conn') };
    const rows = {
      telegram: newId('evt'),
      webchat: newId('evt'),
      whatsapp: newId('evt'),
      custom: newId('evt'),
      current: newId('evt'),
    };
    const scrub = async () => {
      const migrations = await migrationProvider(dialect).getMigrations();
      await migrations['0012_scrub_stored_headers']?.up(db as unknown as Kysely<unknown>);
    };
    const headersOf = async (id: string) =>
      JSON.parse(
        (await db.selectFrom('inbound_events').select('headers').where('id', '=', id).executeTakeFirstOrThrow())
          .headers,
      ) as Record<string, string>;

    beforeAll(async () => {
      let opened: Awaited<ReturnType<typeof openTestStore>>;
      ({ store, dispose } = opened = await openTestStore(dialect, 'scrub'));
      db = (opened.store as KyselyStore).kysely;
      await store.migrate();
      await store.insertWorkspace({ id: ws, name: 'w', createdAt: at });
      for (const [type, id] of Object.entries(conn)) {
        await store.insertConnection({
          id,
          workspaceId: ws,
          type: type === 'custom' ? 'x-custom' : type,
          name: type,
          description: '',
          status: 'RUNNING',
          statusReason: null,
          deprecated: false,
          config: {},
          createdAt: at,
          updatedAt: at,
        });
      }
      const event = (id: string, connectionId: string, headers: Record<string, string>) => ({
        id,
        workspace_id: ws,
        connection_id: connectionId,
        event_key: id,
        method: 'POST',
        url: 'https://hub.example/webhooks/x',
        headers: JSON.stringify(headers),
        body: Buffer.from('{}'),
        status: 'processed',
        error: null,
        received_at: at,
        processed_at: at,
      });
      // what the old allow-list kept: x-* and authorization as received
      await db
        .insertInto('inbound_events')
        .values([
          event(rows.telegram, conn.telegram, {
            'content-type': 'application/json',
            'x-telegram-bot-api-secret-token': TG_SECRET,
            'x-forwarded-for': '203.0.113.9',
          }),
          event(rows.webchat, conn.webchat, {
            'content-type': 'application/json',
            authorization: `Bearer ${VISITOR_TOKEN}`,
            'x-request-id': 'r1',
          }),
          event(rows.whatsapp, conn.whatsapp, {
            'content-type': 'application/json',
            'x-hub-signature-256': SIGNATURE,
            'x-forwarded-proto': 'https',
          }),
          event(rows.custom, conn.custom, {
            'content-type': 'application/json',
            'x-custom-api-key': CUSTOM_KEY,
            'x-custom-delivery': 'd-1',
          }),
          // a row written after the fix: already in the stored form
          event(rows.current, conn.webchat, {
            'content-type': 'application/json',
            'x-webchat-visitor': VISITOR,
            authorization: credentialDigest(`Bearer ${VISITOR_TOKEN}`),
          }),
        ])
        .execute();
      if (dialect === 'sqlite') {
        // the old rows in the database file itself, as after any checkpoint of a running hub; then the upgrade's
        // start: the migration runs through store.migrate(), which checkpoints what it rewrote
        await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(db);
        // 0012 and the migrations after it run again (Kysely runs migrations in order only; the later ones are
        // idempotent)
        await db
          .deleteFrom('kysely_migration' as never)
          .where('name' as never, '>=', '0012_scrub_stored_headers' as never)
          .execute();
        await store.migrate();
      } else await scrub();
    });
    afterAll(async () => dispose());

    it('stores credentials as digests, drops undeclared headers, keeps what re-verifies or re-parses', async () => {
      expect(await headersOf(rows.telegram)).toEqual({
        'content-type': 'application/json',
        'x-telegram-bot-api-secret-token': credentialDigest(TG_SECRET),
      });
      expect(await headersOf(rows.whatsapp)).toEqual({
        'content-type': 'application/json',
        'x-hub-signature-256': SIGNATURE,
      });
      expect(await headersOf(rows.custom)).toEqual({
        'content-type': 'application/json',
        'x-custom-api-key': credentialDigest(CUSTOM_KEY),
        'x-custom-delivery': 'd-1',
      });
    });

    it('gives a web chat row the visitor its parse needs once the token is a digest, so it still parses the same', async () => {
      const headers = await headersOf(rows.webchat);
      expect(headers).toEqual({
        'content-type': 'application/json',
        'x-webchat-visitor': VISITOR,
        authorization: credentialDigest(`Bearer ${VISITOR_TOKEN}`),
      });
      expect(await headersOf(rows.current)).toEqual(headers);
    });

    it('changes nothing when run again', async () => {
      const before = await db
        .selectFrom('inbound_events')
        .selectAll()
        .where('workspace_id', '=', ws)
        .orderBy('id')
        .execute();
      await scrub();
      expect(
        await db.selectFrom('inbound_events').selectAll().where('workspace_id', '=', ws).orderBy('id').execute(),
      ).toEqual(before);
    });

    if (dialect === 'sqlite') {
      it('leaves no copy of a scrubbed secret in the database file or its WAL', async () => {
        const file = (
          await sql<{ file: string }>`select file from pragma_database_list where name = 'main'`.execute(db)
        ).rows[0]?.file as string;
        const bytes = Buffer.concat([
          readFileSync(file),
          ...(existsSync(`${file}-wal`) ? [readFileSync(`${file}-wal`)] : []),
        ]);
        for (const secret of [TG_SECRET, VISITOR_TOKEN.split('.')[1] as string, CUSTOM_KEY])
          expect(bytes.includes(Buffer.from(secret)), secret).toBe(false);
      });
    }
  });
}
