/**
 * Migration 0025_vk_rcs over VK raw events stored the old way (the Callback API `secret` inside the body as
 * received): the secret becomes a digest, every other byte stays, the stored event parses as before, other
 * channels' bodies are untouched, a second run changes nothing, and on SQLite the secret is gone from the database
 * file and its WAL after the upgrade's start.
 */
import { existsSync, readFileSync } from 'node:fs';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectors } from '../../channels/index.js';
import { credentialDigest } from '../../channel-kit/index.js';
import { newId } from '../../model/index.js';
import type { Store } from '../../core/ports/index.js';
import { openTestStore } from '../../testing/test-databases.js';
import { STORED_BODY_0025 } from './body-scrub.js';
import type { KyselyStore } from './kysely-store.js';
import { migrationProvider } from './migrations.js';
import type { Database } from './schema.js';

const VK_SECRET = 'VkCallbackSecret0123456789scrub';
const at = new Date(Date.UTC(2026, 0, 1)).toISOString();
// a VK callback as it arrives (https://dev.vk.com/en/api/callback/getting-started), spacing kept as VK sends it
const vkBody = (secret: string) =>
  `{"group_id":200000001,"type":"message_new","event_id":"e1","v":"5.199","object":{"message":{"date":1,"from_id":1001,"id":7,"out":0,"peer_id":1001,"text":"the word \\"secret\\": stays","conversation_message_id":3,"attachments":[],"payload":"{\\"secret\\":\\"not ours\\"}"}},"secret":"${secret}"}`;

it('keeps the rules it scrubs by equal to what the connectors store today', () => {
  for (const c of connectors) {
    if (c.inbound.mode !== 'webhook') continue;
    expect({ type: c.type, rule: STORED_BODY_0025[c.type] }).toEqual({ type: c.type, rule: c.inbound.storedBody });
  }
});

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`0025_vk_rcs: ${dialect}`, () => {
    let store: Store;
    let db: Kysely<Database>;
    let dispose: () => Promise<void>;
    const ws = newId('ws');
    const conn = { vk: newId('conn'), telegram: newId('conn') };
    const rows = { vk: newId('evt'), telegram: newId('evt'), current: newId('evt') };
    const tgBody = `{"update_id":1,"message":{"text":"secret","chat":{"id":1}},"secret":"${VK_SECRET}x"}`;
    const scrub = async () => {
      const migrations = await migrationProvider(dialect).getMigrations();
      await migrations['0025_vk_rcs']?.up(db as unknown as Kysely<unknown>);
    };
    const bodyOf = async (id: string) =>
      Buffer.from(
        (await db.selectFrom('inbound_events').select('body').where('id', '=', id).executeTakeFirstOrThrow()).body,
      ).toString('utf8');

    beforeAll(async () => {
      let opened: Awaited<ReturnType<typeof openTestStore>>;
      ({ store, dispose } = opened = await openTestStore(dialect, 'bodyscrub'));
      db = (opened.store as KyselyStore).kysely;
      await store.migrate();
      await store.insertWorkspace({ id: ws, name: 'w', createdAt: at });
      for (const [type, id] of Object.entries(conn))
        await store.insertConnection({
          id,
          workspaceId: ws,
          type,
          name: type,
          description: '',
          status: 'RUNNING',
          statusReason: null,
          deprecated: false,
          config: {},
          createdAt: at,
          updatedAt: at,
        });
      const event = (id: string, connectionId: string, body: string) => ({
        id,
        workspace_id: ws,
        connection_id: connectionId,
        event_key: id,
        method: 'POST',
        url: 'https://hub.example/webhooks/x',
        headers: JSON.stringify({ 'content-type': 'application/json' }),
        body: Buffer.from(body),
        status: 'processed',
        error: null,
        received_at: at,
        processed_at: at,
      });
      await db
        .insertInto('inbound_events')
        .values([
          event(rows.vk, conn.vk, vkBody(VK_SECRET)),
          // another channel: its body is not VK's, whatever it holds
          event(rows.telegram, conn.telegram, tgBody),
          // a VK row written after the fix: already in the stored form
          event(rows.current, conn.vk, vkBody(credentialDigest(VK_SECRET))),
        ])
        .execute();
      if (dialect === 'sqlite') {
        // the old rows in the database file itself, then the upgrade's start through store.migrate()
        await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(db);
        await db
          .deleteFrom('kysely_migration' as never)
          // this one and the later ones (idempotent) run again, as an upgrade from before 0025 would
          .where('name' as never, '>=', '0025_vk_rcs' as never)
          .execute();
        await store.migrate();
      } else await scrub();
    });
    afterAll(async () => dispose());

    it('stores the secret as a digest and keeps every other byte of the body', async () => {
      expect(await bodyOf(rows.vk)).toBe(vkBody(credentialDigest(VK_SECRET)));
      expect(await bodyOf(rows.current)).toBe(vkBody(credentialDigest(VK_SECRET)));
      expect(await bodyOf(rows.telegram)).toBe(tgBody);
    });

    it('leaves a stored event that parses as it did', async () => {
      const vk = connectors.find((c) => c.type === 'vk');
      if (vk?.inbound.mode !== 'webhook') throw new Error('vk is a webhook connector');
      const request = (body: string) => ({
        method: 'POST',
        url: 'https://hub.example/webhooks/x',
        headers: { 'content-type': 'application/json' },
        query: {},
        rawBody: Buffer.from(body),
        receivedAt: at,
      });
      const config = { groupId: 200000001, accessToken: 'vk1.a.token', apiVersion: '5.199', inbound: 'callback' };
      const before = vk.inbound.parse(request(vkBody(VK_SECRET)), config);
      expect(before.kind).toBe('events');
      expect(vk.inbound.parse(request(await bodyOf(rows.vk)), config)).toEqual(before);
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
      it('leaves no copy of the secret in the database file or its WAL', async () => {
        const file = (
          await sql<{ file: string }>`select file from pragma_database_list where name = 'main'`.execute(db)
        ).rows[0]?.file as string;
        const bytes = Buffer.concat([
          readFileSync(file),
          ...(existsSync(`${file}-wal`) ? [readFileSync(`${file}-wal`)] : []),
        ]);
        // the Telegram row holds a different string that begins with it: look for the VK value as a whole
        expect(bytes.includes(Buffer.from(`"${VK_SECRET}"`))).toBe(false);
        expect(bytes.includes(Buffer.from(`"${VK_SECRET}x"`))).toBe(true);
      });
    }
  });
}
