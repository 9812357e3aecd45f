/**
 * @module store/sql/kysely-store
 * The Store port over Kysely: one query layer for SQLite and PostgreSQL, composed of one query module per port
 * (user-, connection-, inbound-, contact-, conversation-, attachment-, outbox-, pacing-, agent-, webhook-, visitor-,
 * key-check-, consent-, message-part-, health-, call- and routing-queries). Only connection setup lives in the dialect folders (store/sqlite, store/postgres). Dedup relies
 * on unique constraints + ON CONFLICT DO NOTHING, never on read-then-write.
 */
import { Migrator, sql, type Kysely } from 'kysely';
import type { CampaignStoreOps, RoutingStoreOps, Store, StoreOps } from '../../core/ports/index.js';
import type { Database } from './schema.js';
import { migrationProvider, type Dialect } from './migrations.js';
import type { HotStatements } from './hot-statements.js';
import { composeQueries, Queries } from './queries.js';
import { AgentQueries } from './agent-queries.js';
import { AttachmentQueries } from './attachment-queries.js';
import { ConnectionQueries } from './connection-queries.js';
import { ConsentQueries } from './consent-queries.js';
import { ContactQueries } from './contact-queries.js';
import { ConversationQueries } from './conversation-queries.js';
import { InboundQueries } from './inbound-queries.js';
import { KeyCheckQueries } from './key-check-queries.js';
import { OutboxQueries } from './outbox-queries.js';
import { PacingQueries } from './pacing-queries.js';
import { routingQueries } from './routing-queries.js';
import { campaignQueries } from './campaign-queries.js';
import { UserQueries } from './user-queries.js';
import { WebhookQueries } from './webhook-queries.js';
import { VisitorQueries } from './visitor-queries.js';
import { MessagePartQueries } from './message-part-queries.js';
import { HealthQueries } from './health-queries.js';
import { NotificationQueries } from './notification-queries.js';
import { MetaConnectQueries } from './meta-connect-queries.js';
import { CallQueries } from './call-queries.js';

/** the routing port is reached as `store.routing` (and `tx.routing`), built on first use per connection or transaction */
class RoutingAccess extends Queries {
  private routingOps: RoutingStoreOps | undefined;
  get routing(): RoutingStoreOps {
    this.routingOps ??= routingQueries(this.db);
    return this.routingOps;
  }
  private campaignOps: CampaignStoreOps | undefined;
  /** the campaigns port is reached the same way (`store.campaigns`, `tx.campaigns`) */
  get campaigns(): CampaignStoreOps {
    this.campaignOps ??= campaignQueries(this.db);
    return this.campaignOps;
  }
}

/** every operation of the Store on one connection or transaction */
const KyselyOps = composeQueries(RoutingAccess, [
  UserQueries,
  ConnectionQueries,
  InboundQueries,
  ContactQueries,
  ConversationQueries,
  AttachmentQueries,
  OutboxQueries,
  PacingQueries,
  AgentQueries,
  WebhookQueries,
  VisitorQueries,
  KeyCheckQueries,
  ConsentQueries,
  MessagePartQueries,
  HealthQueries,
  NotificationQueries,
  MetaConnectQueries,
  CallQueries,
] as const);

export class KyselyStore extends KyselyOps implements Store {
  constructor(
    /** the query builder, for whole-database tools (export/import) */
    readonly kysely: Kysely<Database>,
    readonly dialect: Dialect,
    /** native statements for the hot inbound path, used inside transactions only (store/sql/hot-statements.ts) */
    private readonly txHot?: HotStatements,
    /** a dialect's own way to run a durable transaction (store/sqlite: answered after the WAL sync) */
    private readonly runTransaction?: <T>(body: (db: Kysely<Database>) => Promise<T>) => Promise<T>,
  ) {
    super(kysely);
  }

  transaction<T>(fn: (tx: StoreOps) => Promise<T>): Promise<T> {
    if (this.runTransaction) return this.runTransaction((db) => fn(new KyselyOps(db, this.txHot)));
    return this.kysely.transaction().execute((trx) => fn(new KyselyOps(trx, this.txHot)));
  }

  async migrate(): Promise<void> {
    const migrator = new Migrator({ db: this.kysely, provider: migrationProvider(this.dialect) });
    const { error, results } = await migrator.migrateToLatest();
    if (error) {
      const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
      throw new Error(`migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`, {
        cause: error,
      });
    }
    // a migration that rewrote rows (0012 scrubbing credentials) leaves the old page images in the WAL until a checkpoint
    if (this.dialect === 'sqlite' && results?.some((r) => r.status === 'Success'))
      await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(this.kysely);
  }

  async checkpoint(): Promise<void> {
    if (this.dialect === 'sqlite') await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(this.kysely);
  }

  async ping(): Promise<boolean> {
    try {
      await sql`select 1`.execute(this.kysely);
      return true;
    } catch {
      return false;
    }
  }

  close(): Promise<void> {
    return this.kysely.destroy();
  }
}
