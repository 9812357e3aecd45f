/**
 * @module store/sql/key-check-queries
 * The KeyCheckStoreOps port (core/ports/key-check-store.ts) over Kysely, for both dialects: one row in key_checks
 * (0009_key_check), and a look for any sealed secret in the tables that hold them (databases from before the check).
 */
import type { KeyCheckStoreOps } from '../../core/ports/index.js';
import { Queries } from './queries.js';

/** the SecretBox format (core/security/secret-box.ts) inside a JSON config text */
const SEALED_IN_JSON = /"(enc:v1:[A-Za-z0-9_-]+:[A-Za-z0-9_-]+:[A-Za-z0-9_-]*)"/;
const MASTER = 'master';

export class KeyCheckQueries extends Queries implements KeyCheckStoreOps {
  async getKeyCheck(): Promise<string | undefined> {
    const row = await this.db.selectFrom('key_checks').select('value').where('id', '=', MASTER).executeTakeFirst();
    return row?.value;
  }

  async insertKeyCheck(sealed: string, at: string): Promise<void> {
    await this.db
      .insertInto('key_checks')
      .values({ id: MASTER, value: sealed, created_at: at })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
  }

  async findSealedSecret(): Promise<string | undefined> {
    for (const table of ['connections', 'agents'] as const) {
      const row = await this.db
        .selectFrom(table)
        .select('config')
        .where('config', 'like', '%"enc:v1:%')
        .limit(1)
        .executeTakeFirst();
      const sealed = row && SEALED_IN_JSON.exec(row.config)?.[1];
      if (sealed) return sealed;
    }
    const sub = await this.db
      .selectFrom('webhook_subscriptions')
      .select('secret')
      .where('secret', 'like', 'enc:v1:%')
      .limit(1)
      .executeTakeFirst();
    return sub?.secret;
  }
}
