/**
 * @module core/ports/store
 * The Store port: everything core needs from a database, as the composition of one port per aggregate. A service
 * that needs one aggregate may depend on that port alone (e.g. core/outbound/store-pacer.ts on PacingStoreOps).
 * Implemented for SQLite and PostgreSQL by store/sql (one query module per port) over one contract
 * (store/store.contract.ts). Reads and writes are scoped by workspace wherever a caller could name another
 * workspace's id.
 */
import type { AgentStoreOps } from './agent-store.js';
import type { AttachmentStoreOps } from './attachment-store.js';
import type { ConnectionStoreOps } from './connection-store.js';
import type { ConsentStoreOps } from './consent-store.js';
import type { MessagePartStoreOps } from './message-part-store.js';
import type { ContactStoreOps } from './contact-store.js';
import type { ConversationStoreOps } from './conversation-store.js';
import type { InboundStoreOps } from './inbound-store.js';
import type { KeyCheckStoreOps } from './key-check-store.js';
import type { HealthStoreOps } from './health-store.js';
import type { NotificationStoreOps } from './notification-store.js';
import type { CallStoreOps } from './call-store.js';
import type { MetaConnectStoreOps } from './meta-connect-store.js';
import type { OutboxStoreOps } from './outbox-store.js';
import type { PacingStoreOps } from './pacing-store.js';
import type { RoutingStoreOps } from './routing-store.js';
import type { CampaignStoreOps } from './campaign-store.js';
import type { UserStoreOps } from './user-store.js';
import type { WebhookStoreOps } from './webhook-store.js';
import type { VisitorStoreOps } from './visitor-store.js';

/** Operations available inside and outside a transaction. */
export interface StoreOps
  extends
    UserStoreOps,
    ConnectionStoreOps,
    InboundStoreOps,
    ContactStoreOps,
    ConversationStoreOps,
    AttachmentStoreOps,
    OutboxStoreOps,
    PacingStoreOps,
    AgentStoreOps,
    WebhookStoreOps,
    VisitorStoreOps,
    KeyCheckStoreOps,
    ConsentStoreOps,
    MessagePartStoreOps,
    HealthStoreOps,
    NotificationStoreOps,
    MetaConnectStoreOps,
    CallStoreOps {
  /** rules, teams, the conversation timeline, routing marks (also inside transactions as `tx.routing`) */
  readonly routing: RoutingStoreOps;
  /** segments, campaigns, their recipients and jobs (also inside transactions as `tx.campaigns`) */
  readonly campaigns: CampaignStoreOps;
}

export interface Store extends StoreOps {
  readonly dialect: 'sqlite' | 'postgres';
  /** runs fn in one transaction; fn must not do provider I/O */
  transaction<T>(fn: (tx: StoreOps) => Promise<T>): Promise<T>;
  migrate(): Promise<void>;
  /**
   * after an erasure: committed changes are written into the database file and its log emptied (SQLite's WAL still
   * holds the erased rows' old pages until a checkpoint; secure_delete zeroes them in the file). PostgreSQL: nothing
   */
  checkpoint(): Promise<void>;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
