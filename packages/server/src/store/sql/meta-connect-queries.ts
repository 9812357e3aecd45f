/**
 * @module store/sql/meta-connect-queries
 * The MetaConnectStoreOps port (core/ports/meta-connect-store.ts) over Kysely, for both dialects: meta_connect_grants
 * (0020_meta_connect). Claiming a state is one UPDATE … WHERE state_used_at IS NULL, so two callbacks racing with
 * one state cannot both win.
 */
import type { Selectable } from 'kysely';
import type { MetaConnectStoreOps, MetaGrantRecord } from '../../core/ports/index.js';
import type { MetaConnectGrantsTable } from './schema.js';
import { Queries } from './queries.js';

const toGrant = (r: Selectable<MetaConnectGrantsTable>): MetaGrantRecord => ({
  id: r.id,
  workspaceId: r.workspace_id,
  userId: r.user_id,
  channelType: r.channel_type,
  stateHash: r.state_hash,
  nonceHash: r.nonce_hash,
  redirectUri: r.redirect_uri,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  stateUsedAt: r.state_used_at,
  token: r.token,
  tokenExpiresAt: r.token_expires_at,
});

export class MetaConnectQueries extends Queries implements MetaConnectStoreOps {
  async insertMetaGrant(g: MetaGrantRecord): Promise<void> {
    await this.db
      .insertInto('meta_connect_grants')
      .values({
        id: g.id,
        workspace_id: g.workspaceId,
        user_id: g.userId,
        channel_type: g.channelType,
        state_hash: g.stateHash,
        nonce_hash: g.nonceHash,
        redirect_uri: g.redirectUri,
        created_at: g.createdAt,
        expires_at: g.expiresAt,
        state_used_at: g.stateUsedAt,
        token: g.token,
        token_expires_at: g.tokenExpiresAt,
      })
      .execute();
  }

  async claimMetaState(stateHash: string, at: string): Promise<MetaGrantRecord | undefined> {
    const claimed = await this.db
      .updateTable('meta_connect_grants')
      .set({ state_used_at: at })
      .where('state_hash', '=', stateHash)
      .where('state_used_at', 'is', null)
      .where('expires_at', '>', at)
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) !== 1) return undefined;
    const row = await this.db
      .selectFrom('meta_connect_grants')
      .selectAll()
      .where('state_hash', '=', stateHash)
      .executeTakeFirst();
    return row ? toGrant(row) : undefined;
  }

  async setMetaGrantToken(id: string, token: string, tokenExpiresAt: string | null): Promise<void> {
    await this.db
      .updateTable('meta_connect_grants')
      .set({ token, token_expires_at: tokenExpiresAt })
      .where('id', '=', id)
      .execute();
  }

  async getMetaGrant(id: string): Promise<MetaGrantRecord | undefined> {
    const row = await this.db.selectFrom('meta_connect_grants').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toGrant(row) : undefined;
  }

  async deleteExpiredMetaGrants(before: string): Promise<number> {
    const res = await this.db.deleteFrom('meta_connect_grants').where('expires_at', '<', before).executeTakeFirst();
    return Number(res.numDeletedRows);
  }
}
