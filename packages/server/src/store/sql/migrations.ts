/**
 * @module store/sql/migrations
 * Schema migrations for both dialects, run by Kysely's Migrator. Dialect differences are confined to column
 * types (auto-increment, bytes) and stated where they occur. Never edit a shipped migration: add a new one.
 */
import { sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import { foldEmailCase, normalizeIdentities } from './identity-normalization.js';
import { scrubStoredHeaders } from './header-scrub.js';
import { scrubStoredBodies } from './body-scrub.js';
import type { Database } from './schema.js';

export type Dialect = 'sqlite' | 'postgres';

function initial(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      const bytes = dialect === 'sqlite' ? 'blob' : 'bytea';
      await db.schema
        .createTable('workspaces')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('users')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
        .addColumn('email', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('password_hash', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('users_workspace_email', ['workspace_id', 'email'])
        .execute();
      await db.schema
        .createTable('api_keys')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('prefix', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('last_used_at', 'text')
        .execute();
      await db.schema
        .createTable('connections')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('config', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('status_reason', 'text')
        .addColumn('deprecated', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('connections_workspace').on('connections').columns(['workspace_id', 'id']).execute();
      await db.schema
        .createTable('connection_logs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('connection_id', 'text', (c) => c.notNull().references('connections.id').onDelete('cascade'))
        .addColumn('level', 'text', (c) => c.notNull())
        .addColumn('event', 'text', (c) => c.notNull())
        .addColumn('message', 'text', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('connection_logs_connection')
        .on('connection_logs')
        .columns(['connection_id', 'id'])
        .execute();
      await db.schema
        .createTable('contacts')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
        .addColumn('name', 'text')
        .addColumn('attributes', 'text', (c) => c.notNull().defaultTo('{}'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('contacts_workspace').on('contacts').columns(['workspace_id', 'id']).execute();
      await db.schema
        .createTable('contact_identities')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('workspace_id', 'text', (c) => c.notNull())
        .addColumn('contact_id', 'text', (c) => c.notNull().references('contacts.id').onDelete('cascade'))
        .addColumn('channel_type', 'text', (c) => c.notNull())
        .addColumn('address', 'text', (c) => c.notNull())
        .addColumn('connection_id', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('identities_unique', ['workspace_id', 'channel_type', 'address'])
        .execute();
      await db.schema.createIndex('identities_contact').on('contact_identities').column('contact_id').execute();
      await db.schema
        .createTable('conversations')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('workspace_id', 'text', (c) => c.notNull())
        .addColumn('contact_id', 'text', (c) => c.notNull().references('contacts.id'))
        .addColumn('connection_id', 'text', (c) => c.notNull())
        .addColumn('channel_type', 'text', (c) => c.notNull())
        .addColumn('address', 'text', (c) => c.notNull())
        .addColumn('thread_key', 'text')
        .addColumn('status', 'text', (c) => c.notNull())
        // set while the conversation is open, NULL once resolved: the unique index makes "find or open" race-free
        .addColumn('open_key', 'text', (c) => c.unique())
        .addColumn('assignee_id', 'text')
        .addColumn('sender_address', 'text')
        .addColumn('window_expires_at', 'text')
        .addColumn('last_message_at', 'text')
        .addColumn('last_message_preview', 'text')
        .addColumn('unread_count', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('conversations_workspace')
        .on('conversations')
        .columns(['workspace_id', 'id'])
        .execute();
      await db.schema.createIndex('conversations_contact').on('conversations').columns(['contact_id']).execute();
      await db.schema
        .createTable('messages')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('workspace_id', 'text', (c) => c.notNull())
        .addColumn('conversation_id', 'text', (c) => c.notNull().references('conversations.id'))
        .addColumn('connection_id', 'text', (c) => c.notNull())
        .addColumn('channel_type', 'text', (c) => c.notNull())
        .addColumn('direction', 'text', (c) => c.notNull())
        .addColumn('from_addr', 'text', (c) => c.notNull())
        .addColumn('to_addr', 'text', (c) => c.notNull())
        .addColumn('content', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('status_detail', 'text')
        .addColumn('provider_message_id', 'text')
        .addColumn('timestamp', 'text', (c) => c.notNull())
        .addColumn('edited_at', 'text')
        .addColumn('metadata', 'text', (c) => c.notNull().defaultTo('{}'))
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('next_attempt_at', 'text')
        .addColumn('send_started_at', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        // the dedup: a provider re-delivery of the same message is ignored by the database itself
        .addUniqueConstraint('messages_provider_unique', ['connection_id', 'provider_message_id'])
        .execute();
      await db.schema.createIndex('messages_conversation').on('messages').columns(['conversation_id', 'id']).execute();
      await db.schema.createIndex('messages_queue').on('messages').columns(['status', 'next_attempt_at']).execute();
      await db.schema
        .createTable('message_status_events')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('message_id', 'text')
        .addColumn('connection_id', 'text', (c) => c.notNull())
        .addColumn('provider_message_id', 'text')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('detail', 'text')
        .addColumn('occurred_at', 'text', (c) => c.notNull())
        .addColumn('applied', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema
        .createIndex('status_events_provider')
        .on('message_status_events')
        .columns(['connection_id', 'provider_message_id'])
        .execute();
      await db.schema
        .createIndex('status_events_message')
        .on('message_status_events')
        .columns(['message_id'])
        .execute();
      await db.schema
        .createTable('inbound_events')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('workspace_id', 'text', (c) => c.notNull())
        .addColumn('connection_id', 'text', (c) => c.notNull())
        .addColumn('event_key', 'text')
        .addColumn('method', 'text', (c) => c.notNull())
        .addColumn('url', 'text', (c) => c.notNull())
        .addColumn('headers', 'text', (c) => c.notNull())
        .addColumn('body', sql.raw(bytes), (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('error', 'text')
        .addColumn('received_at', 'text', (c) => c.notNull())
        .addColumn('processed_at', 'text')
        .addUniqueConstraint('inbound_events_key', ['connection_id', 'event_key'])
        .execute();
      await db.schema.createIndex('inbound_events_status').on('inbound_events').columns(['status', 'id']).execute();
      let outbox = db.schema.createTable('outbox');
      outbox =
        dialect === 'sqlite'
          ? outbox.addColumn('seq', 'integer', (c) => c.primaryKey().autoIncrement())
          : outbox.addColumn('seq', 'bigserial', (c) => c.primaryKey());
      await outbox
        .addColumn('topic', 'text', (c) => c.notNull())
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('workspace_id', 'text')
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('published_at', 'text')
        .execute();
      await db.schema.createIndex('outbox_unpublished').on('outbox').columns(['published_at', 'seq']).execute();
      await db.schema.createIndex('outbox_workspace').on('outbox').columns(['workspace_id', 'seq']).execute();
    },
  };
}

/** attachments and the media store, provider templates, sticky senders and the business-initiated template rule */
function mediaTemplatesSenders(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      const bytes = dialect === 'sqlite' ? 'blob' : 'bytea';
      await db.schema
        .createTable('attachments')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('workspace_id', 'text', (c) => c.notNull())
        .addColumn('message_id', 'text')
        .addColumn('connection_id', 'text')
        .addColumn('provider_media_id', 'text')
        .addColumn('mime_type', 'text', (c) => c.notNull())
        .addColumn('file_name', 'text')
        .addColumn('size', 'integer')
        // pending → ready (bytes stored) | failed (error says why)
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('error', 'text')
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('access_key', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('attachments_message').on('attachments').column('message_id').execute();
      await db.schema.createIndex('attachments_state').on('attachments').columns(['state', 'id']).execute();
      // the bytes, for the database-backed media store (the default; a shared directory is the alternative)
      await db.schema
        .createTable('media_blobs')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('bytes', sql.raw(bytes), (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('templates')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('workspace_id', 'text', (c) => c.notNull())
        .addColumn('connection_id', 'text', (c) => c.notNull().references('connections.id').onDelete('cascade'))
        .addColumn('provider_template_id', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('language', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('category', 'text', (c) => c.notNull())
        .addColumn('components', 'text', (c) => c.notNull())
        .addColumn('variables', 'text', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('synced_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('templates_unique', ['connection_id', 'name', 'language'])
        .execute();
      await db.schema.alterTable('conversations').addColumn('last_inbound_at', 'text').execute();
      await db.schema.alterTable('conversations').addColumn('last_business_template_at', 'text').execute();
      await db.schema
        .alterTable('connections')
        .addColumn('sender_rotation', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
    },
  };
}

/** shared rate-limit buckets (all workers pace together) and durable dead letters */
function bucketsDeadLetters(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('rate_buckets')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('tokens', 'double precision', (c) => c.notNull())
        .addColumn('updated_ms', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('dead_letters')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('workspace_id', 'text')
        .addColumn('topic', 'text', (c) => c.notNull())
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('error', 'text', (c) => c.notNull())
        .addColumn('deliveries', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('replayed_at', 'text')
        .execute();
      await db.schema
        .createIndex('dead_letters_workspace')
        .on('dead_letters')
        .columns(['workspace_id', 'id'])
        .execute();
    },
  };
}

/** outgoing webhooks: subscriptions and their durable delivery log */
function outgoingWebhooks(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('webhook_subscriptions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('workspace_id', 'text', (c) => c.notNull())
        .addColumn('url', 'text', (c) => c.notNull())
        .addColumn('event_types', 'text', (c) => c.notNull())
        .addColumn('secret', 'text', (c) => c.notNull())
        .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('webhook_subscriptions_workspace')
        .on('webhook_subscriptions')
        .columns(['workspace_id', 'id'])
        .execute();
      await db.schema
        .createTable('webhook_deliveries')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('subscription_id', 'text', (c) =>
          c.notNull().references('webhook_subscriptions.id').onDelete('cascade'),
        )
        .addColumn('workspace_id', 'text', (c) => c.notNull())
        .addColumn('event_seq', 'bigint', (c) => c.notNull())
        .addColumn('event_type', 'text', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        // pending → delivered | dead (gave up after the retry window)
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('next_attempt_at', 'text')
        .addColumn('claimed_until', 'text')
        .addColumn('last_status_code', 'integer')
        .addColumn('last_error', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('delivered_at', 'text')
        // one delivery per event per subscription, however many relays saw the event
        .addUniqueConstraint('webhook_deliveries_unique', ['subscription_id', 'event_seq'])
        .execute();
      await db.schema
        .createIndex('webhook_deliveries_due')
        .on('webhook_deliveries')
        .columns(['status', 'next_attempt_at'])
        .execute();
      await db.schema
        .createIndex('webhook_deliveries_subscription')
        .on('webhook_deliveries')
        .columns(['subscription_id', 'id'])
        .execute();
    },
  };
}

/** sign-in sessions are API keys that expire */
function sessions(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .alterTable('api_keys')
        .addColumn('kind', 'text', (c) => c.notNull().defaultTo('api'))
        .execute();
      await db.schema.alterTable('api_keys').addColumn('expires_at', 'text').execute();
      await db.schema.createIndex('api_keys_user').on('api_keys').column('user_id').execute();
      await db.schema.createIndex('users_email').on('users').column('email').execute();
    },
  };
}

// agents, their channel attachments (desired + applied at start), per-conversation sessions, turns
/** agents (flow, llm, webhook), their channel attachments, conversation sessions and idempotent turns */
function agents(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('agents')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('config', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('status_reason', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('agents_workspace').on('agents').columns(['workspace_id', 'id']).execute();
      // attached/inbound: what the admin set (the agent's page); active_*: the set applied when the agent last started
      await db.schema
        .createTable('agent_connections')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('workspace_id', 'text', (c) => c.notNull())
        .addColumn('agent_id', 'text', (c) => c.notNull().references('agents.id').onDelete('cascade'))
        .addColumn('connection_id', 'text', (c) => c.notNull().references('connections.id').onDelete('cascade'))
        .addColumn('attached', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('inbound', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('active_attached', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('active_inbound', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('agent_connections_pair', ['agent_id', 'connection_id'])
        .execute();
      // at most one agent handles a connection's inbound traffic, in the desired set and in the applied one
      await db.schema
        .createIndex('agent_connections_one_inbound')
        .on('agent_connections')
        .column('connection_id')
        .unique()
        .where(sql.ref('inbound'), '=', 1)
        .execute();
      await db.schema
        .createIndex('agent_connections_one_active_inbound')
        .on('agent_connections')
        .column('connection_id')
        .unique()
        .where(sql.ref('active_inbound'), '=', 1)
        .execute();
      await db.schema
        .createTable('agent_sessions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('workspace_id', 'text', (c) => c.notNull())
        .addColumn('agent_id', 'text', (c) => c.notNull().references('agents.id').onDelete('cascade'))
        .addColumn('conversation_id', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('turns', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('agent_sessions_pair', ['agent_id', 'conversation_id'])
        .execute();
      // one turn per (agent, inbound message): a redelivered routing row never answers twice
      await db.schema
        .createTable('agent_turns')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('workspace_id', 'text', (c) => c.notNull())
        .addColumn('agent_id', 'text', (c) => c.notNull().references('agents.id').onDelete('cascade'))
        .addColumn('message_id', 'text', (c) => c.notNull())
        .addColumn('conversation_id', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('outcome', 'text')
        .addColumn('started_at', 'text', (c) => c.notNull())
        .addColumn('finished_at', 'text')
        .addUniqueConstraint('agent_turns_once', ['agent_id', 'message_id'])
        .execute();
    },
  };
}

/** routing rules, teams with members and capacity, who handles a conversation, its timeline, routing marks */
function routing(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('routing_rules')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
        // NULL: every connection of the workspace (evaluated after the connection's own rules)
        .addColumn('connection_id', 'text', (c) => c.references('connections.id').onDelete('cascade'))
        .addColumn('position', 'integer', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('conditions', 'text', (c) => c.notNull())
        .addColumn('actions', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('routing_rules_scope')
        .on('routing_rules')
        .columns(['workspace_id', 'connection_id', 'position'])
        .execute();
      await db.schema
        .createTable('teams')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
        .addColumn('name', 'text', (c) => c.notNull())
        // round-robin cursor; `version` is bumped to take the row lock for an assignment
        .addColumn('last_assigned_user_id', 'text')
        .addColumn('version', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('teams_workspace').on('teams').columns(['workspace_id', 'id']).execute();
      await db.schema
        .createTable('team_members')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('team_id', 'text', (c) => c.notNull().references('teams.id').onDelete('cascade'))
        .addColumn('workspace_id', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('capacity', 'integer', (c) => c.notNull())
        .addUniqueConstraint('team_members_pair', ['team_id', 'user_id'])
        .execute();
      await db.schema.alterTable('conversations').addColumn('handler', 'text').execute();
      await db.schema.alterTable('conversations').addColumn('agent_id', 'text').execute();
      await db.schema.alterTable('conversations').addColumn('team_id', 'text').execute();
      await db.schema
        .alterTable('conversations')
        .addColumn('tags', 'text', (c) => c.notNull().defaultTo('[]'))
        .execute();
      await db.schema
        .createIndex('conversations_team_queue')
        .on('conversations')
        .columns(['team_id', 'assignee_id', 'id'])
        .execute();
      await db.schema
        .createIndex('conversations_assignee')
        .on('conversations')
        .columns(['assignee_id', 'status'])
        .execute();
      await db.schema
        .createTable('conversation_events')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('workspace_id', 'text', (c) => c.notNull())
        .addColumn('conversation_id', 'text', (c) => c.notNull().references('conversations.id'))
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('data', 'text', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('conversation_events_conversation')
        .on('conversation_events')
        .columns(['conversation_id', 'id'])
        .execute();
      // one row per stored inbound message once routing took it: the exactly-once claim
      await db.schema
        .createTable('routing_marks')
        .addColumn('message_id', 'text', (c) => c.primaryKey())
        .addColumn('workspace_id', 'text', (c) => c.notNull())
        .addColumn('conversation_id', 'text', (c) => c.notNull())
        // claimed (decision committed, agent turn pending) → done
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('claimed_at', 'text', (c) => c.notNull())
        .addColumn('finished_at', 'text')
        .execute();
      await db.schema.createIndex('routing_marks_state').on('routing_marks').columns(['state', 'claimed_at']).execute();
    },
  };
}

/** the per-workspace opt-in that lets admin-configured URLs reach private ranges (core/security/address-guard.ts) */
function workspaceNetworkPolicy(): Migration {
  return {
    async up(db) {
      await db.schema
        .alterTable('workspaces')
        .addColumn('allow_private_network', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
    },
  };
}

/** which address each webchat visitor wrote from (hashed), so open conversations per address can be capped */
function visitorLimits(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('visitor_addresses')
        .addColumn('connection_id', 'text', (c) => c.notNull().references('connections.id').onDelete('cascade'))
        .addColumn('visitor_id', 'text', (c) => c.notNull())
        .addColumn('address_key', 'text', (c) => c.notNull())
        .addColumn('recorded_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('visitor_addresses_pk', ['connection_id', 'visitor_id'])
        .execute();
      await db.schema
        .createIndex('visitor_addresses_address')
        .on('visitor_addresses')
        .columns(['connection_id', 'address_key'])
        .execute();
      await db.schema.createIndex('visitor_addresses_recorded').on('visitor_addresses').column('recorded_at').execute();
      // the cap looks up each counted visitor's conversations by (connection, address)
      await db.schema
        .createIndex('conversations_connection_address')
        .on('conversations')
        .columns(['connection_id', 'address'])
        .execute();
    },
  };
}

/** a known text sealed with the master key on first use: a start with another key is refused (core/security/key-check) */
function keyCheck(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('key_checks')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
    },
  };
}

/**
 * one spelling per customer address (E.164 phones, case-folded email domains) and the duplicate contacts that
 * creates merged, the merged-away ones kept as tombstones (contacts.merged_into); store/sql/identity-normalization.ts
 */
function normalizeIdentitiesMigration(dialect: Dialect): Migration {
  return { up: (db: Kysely<unknown>) => normalizeIdentities(db, dialect) };
}

/** per-identity opt-out (STOP) with its time and source (core/ports/consent-store.ts) */
function consent(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      // idempotent like 0012 and 0013: a re-run (a database restored from a copy taken mid-upgrade) finds it there
      await db.schema
        .createTable('consents')
        .ifNotExists()
        // a single key column for switchboard export's paging (store/sql/data-transfer.ts)
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
        .addColumn('channel_type', 'text', (c) => c.notNull())
        .addColumn('address', 'text', (c) => c.notNull())
        .addColumn('opted_out', 'integer', (c) => c.notNull())
        .addColumn('opted_out_at', 'text')
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('keyword', 'text')
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('consents_identity', ['workspace_id', 'channel_type', 'address'])
        .execute();
    },
  };
}

/** where a listening connection (long poll, mailbox) resumes: core/inbound/listen-runner.ts; idempotent */
function listenCursor(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      const columns =
        (await db.introspection.getTables()).find((t) => t.name === 'connections')?.columns.map((c) => c.name) ?? [];
      if (!columns.includes('listen_cursor'))
        await db.schema.alterTable('connections').addColumn('listen_cursor', 'text').execute();
    },
  };
}

/**
 * a contact's own tags (a JSON array, like conversations.tags): PATCH /contacts/{id}, GET /contacts?tag=; and the
 * time a contact was erased (DELETE /contacts/{id}): the blanked row stays, so its tombstoned messages keep their
 * conversation and contact
 */
function contactTags(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      // idempotent: a database restored from a copy taken mid-upgrade may already have the columns
      const columns =
        (await db.introspection.getTables()).find((t) => t.name === 'contacts')?.columns.map((c) => c.name) ?? [];
      if (!columns.includes('tags'))
        await db.schema
          .alterTable('contacts')
          .addColumn('tags', 'text', (c) => c.notNull().defaultTo('[]'))
          .execute();
      if (!columns.includes('erased_at'))
        await db.schema.alterTable('contacts').addColumn('erased_at', 'text').execute();
    },
  };
}

/** parts of concatenated inbound messages (core/inbound/message-parts.ts); idempotent */
function messageParts(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('message_parts')
        .ifNotExists()
        .addColumn('connection_id', 'text', (c) => c.notNull().references('connections.id').onDelete('cascade'))
        .addColumn('group_key', 'text', (c) => c.notNull())
        .addColumn('part_index', 'integer', (c) => c.notNull())
        .addColumn('total', 'integer', (c) => c.notNull())
        .addColumn('event', 'text', (c) => c.notNull())
        .addColumn('received_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('message_parts_pk', ['connection_id', 'group_key', 'part_index'])
        .execute();
    },
  };
}

function connectionHealth(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('connection_health')
        .ifNotExists()
        .addColumn('connection_id', 'text', (c) => c.primaryKey().references('connections.id').onDelete('cascade'))
        .addColumn('workspace_id', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('checks', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('connection_health_workspace')
        .ifNotExists()
        .on('connection_health')
        .column('workspace_id')
        .execute();
      // the health checks read a connection's last inbound/outbound and its recent outbound trouble
      await db.schema
        .createIndex('messages_connection_activity')
        .ifNotExists()
        .on('messages')
        .columns(['connection_id', 'direction', 'created_at'])
        .execute();
    },
  };
}

/**
 * 0028_health_watch: every outbound provider call's outcome and duration (core/health: the burst-of-errors watch,
 * 429 counts and latency percentiles), kept a day (the hourly message counts of the Health page use
 * messages_connection_activity from 0027)
 */
function healthWatch(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('provider_calls')
        .ifNotExists()
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('connection_id', 'text', (c) => c.notNull().references('connections.id').onDelete('cascade'))
        .addColumn('workspace_id', 'text', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        // 'ok' or the ChannelError code the call ended with (RATE_LIMITED for a 429, UNAVAILABLE for a 5xx or a timeout)
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('duration_ms', 'integer', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('provider_calls_connection_at')
        .ifNotExists()
        .on('provider_calls')
        .columns(['connection_id', 'at'])
        .execute();
      await db.schema.createIndex('provider_calls_at').ifNotExists().on('provider_calls').column('at').execute();
    },
  };
}

/**
 * 0038_health_notify: the workspace's notification channel (an email connection its owners and admins are written
 * to, core/notifications) and one mark per notification key — when its last mail went and what it said — so every
 * process holds to the same pace (no mail storm on a flapping connection). Idempotent, like every migration after 0012.
 */
function healthNotify(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      const columns =
        (await db.introspection.getTables()).find((t) => t.name === 'workspaces')?.columns.map((c) => c.name) ?? [];
      if (!columns.includes('notification_connection_id'))
        await db.schema.alterTable('workspaces').addColumn('notification_connection_id', 'text').execute();
      await db.schema
        .createTable('notification_marks')
        .ifNotExists()
        .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('sent_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('notification_marks_pk', ['workspace_id', 'key'])
        .execute();
    },
  };
}

/**
 * 0032_calls: phone calls on voice connections, one per (connection, provider call id) — the key status callbacks
 * are matched by — and listed by conversation. Idempotent, like every migration after 0012.
 */
function calls(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('calls')
        .ifNotExists()
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('workspace_id', 'text', (c) => c.notNull())
        .addColumn('conversation_id', 'text', (c) => c.notNull().references('conversations.id').onDelete('cascade'))
        .addColumn('connection_id', 'text', (c) => c.notNull().references('connections.id').onDelete('cascade'))
        .addColumn('provider_call_id', 'text', (c) => c.notNull())
        .addColumn('direction', 'text', (c) => c.notNull())
        .addColumn('from_addr', 'text', (c) => c.notNull())
        .addColumn('to_addr', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('started_at', 'text', (c) => c.notNull())
        .addColumn('answered_at', 'text')
        .addColumn('ended_at', 'text')
        .addColumn('duration_seconds', 'integer')
        .addColumn('answered_by', 'text')
        .addColumn('hangup_cause', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('calls_provider_call', ['connection_id', 'provider_call_id'])
        .execute();
      await db.schema
        .createIndex('calls_conversation')
        .ifNotExists()
        .on('calls')
        .columns(['conversation_id', 'started_at'])
        .execute();
    },
  };
}

/**
 * 0037_call_agent: the agent an outbound call was placed for (it answers that call's conversation instead of the
 * connection's inbound agent), and where an operator's phone rings when a call is transferred to them (a phone
 * number or a SIP URI). Idempotent, like every migration after 0012.
 */
function callAgent(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      const tables = await db.introspection.getTables();
      const columnsOf = (name: string) => tables.find((t) => t.name === name)?.columns.map((c) => c.name) ?? [];
      if (!columnsOf('calls').includes('agent_id'))
        await db.schema.alterTable('calls').addColumn('agent_id', 'text').execute();
      if (!columnsOf('users').includes('phone'))
        await db.schema.alterTable('users').addColumn('phone', 'text').execute();
    },
  };
}

/** "Connect with Meta" dialogs in flight (core/meta-connect): minutes-long rows, the state unique */
function metaConnect(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('meta_connect_grants')
        .ifNotExists()
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id').onDelete('cascade'))
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('channel_type', 'text', (c) => c.notNull())
        .addColumn('state_hash', 'text', (c) => c.notNull().unique())
        .addColumn('nonce_hash', 'text', (c) => c.notNull())
        .addColumn('redirect_uri', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('state_used_at', 'text')
        .addColumn('token', 'text')
        .addColumn('token_expires_at', 'text')
        .execute();
    },
  };
}

/**
 * 0021_meta_profiles: the profile picture a channel fetched for a contact (an attachment of the contact, erased with
 * it), and what a customer deleted (Instagram unsend), kept only when the workspace keeps deleted content for audit.
 * Idempotent, like 0013.
 */
function metaProfiles(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      const tables = await db.introspection.getTables();
      const columnsOf = (name: string) => tables.find((t) => t.name === name)?.columns.map((c) => c.name) ?? [];
      if (!columnsOf('attachments').includes('contact_id'))
        await db.schema.alterTable('attachments').addColumn('contact_id', 'text').execute();
      if (!columnsOf('messages').includes('deleted_content'))
        await db.schema.alterTable('messages').addColumn('deleted_content', 'text').execute();
      if (!columnsOf('workspaces').includes('keep_deleted_content'))
        await db.schema
          .alterTable('workspaces')
          .addColumn('keep_deleted_content', 'integer', (c) => c.notNull().defaultTo(0))
          .execute();
    },
  };
}

/** when a message's status last moved (the status tooltip says when it was delivered or read, not when it was written) */
function operatorDay(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      // idempotent, like every migration after 0012 (a re-run of the scrub runs the later ones again)
      const columns =
        (await db.introspection.getTables()).find((t) => t.name === 'messages')?.columns.map((c) => c.name) ?? [];
      if (!columns.includes('status_at'))
        await db.schema.alterTable('messages').addColumn('status_at', 'text').execute();
    },
  };
}

export function migrationProvider(dialect: Dialect): MigrationProvider {
  return {
    getMigrations: () =>
      Promise.resolve({
        '0001_initial': initial(dialect),
        '0002_media_templates_senders': mediaTemplatesSenders(dialect),
        '0003_buckets_dead_letters': bucketsDeadLetters(),
        '0004_outgoing_webhooks': outgoingWebhooks(),
        '0005_sessions': sessions(),
        '0006_agents': agents(),
        '0007_routing': routing(),
        '0008_workspace_network_policy': workspaceNetworkPolicy(),
        '0009_key_check': keyCheck(),
        '0010_normalize_identities': normalizeIdentitiesMigration(dialect),
        '0011_visitor_limits': visitorLimits(),
        '0012_scrub_stored_headers': { up: (db: Kysely<unknown>) => scrubStoredHeaders(db as Kysely<Database>) },
        '0013_contact_tags': contactTags(),
        '0014_consent': consent(),
        '0015_listen_cursor': listenCursor(),
        '0017_vonage': messageParts(),
        '0020_meta_connect': metaConnect(),
        '0021_meta_profiles': metaProfiles(),
        '0024_email': conversationSubject(),
        '0025_vk_rcs': { up: (db: Kysely<unknown>) => scrubStoredBodies(db as Kysely<Database>) },
        '0026_operator_day': operatorDay(),
        '0027_connection_health': connectionHealth(),
        '0028_health_watch': healthWatch(),
        '0030_segments_campaigns': segmentsCampaigns(),
        '0032_calls': calls(),
        '0034_email_case': { up: (db: Kysely<unknown>) => foldEmailCase(db, dialect) },
        '0035_campaign_variants': campaignVariants(),
        '0037_call_agent': callAgent(),
        '0038_health_notify': healthNotify(),
        '0039_campaign_job_order': campaignJobOrder(),
      }),
  };
}

/**
 * the subject of a mail thread on its conversation (shown at the top, and the threading fallback: a reply that lost
 * its References finds the sender's conversation of the same normalised subject)
 */
function conversationSubject(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      const columns =
        (await db.introspection.getTables()).find((t) => t.name === 'conversations')?.columns.map((c) => c.name) ?? [];
      if (!columns.includes('subject')) {
        await db.schema.alterTable('conversations').addColumn('subject', 'text').execute();
        await db.schema
          .createIndex('conversations_subject')
          .ifNotExists()
          .on('conversations')
          .columns(['connection_id', 'contact_id', 'subject'])
          .execute();
      }
    },
  };
}

/**
 * 0030_segments_campaigns: saved segments (a filter tree over contacts), campaigns (audience, steps, state), the
 * contacts of an explicit or uploaded audience, the recipients frozen at start, and one job row per recipient × step
 * whose unique key is what makes a redelivered or re-run job send nothing twice. Idempotent, like 0013.
 */
function segmentsCampaigns(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('segments')
        .ifNotExists()
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('filter', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('segments_workspace')
        .ifNotExists()
        .on('segments')
        .columns(['workspace_id', 'id'])
        .execute();
      await db.schema
        .createTable('campaigns')
        .ifNotExists()
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('status_reason', 'text')
        .addColumn('audience', 'text', (c) => c.notNull())
        .addColumn('steps', 'text', (c) => c.notNull())
        .addColumn('settings', 'text', (c) => c.notNull())
        .addColumn('scheduled_at', 'text')
        .addColumn('started_at', 'text')
        .addColumn('finished_at', 'text')
        .addColumn('freeze_cursor', 'text')
        .addColumn('frozen_at', 'text')
        .addColumn('freeze_lease_until', 'text')
        .addColumn('created_by', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('campaigns_workspace')
        .ifNotExists()
        .on('campaigns')
        .columns(['workspace_id', 'id'])
        .execute();
      await db.schema.createIndex('campaigns_status').ifNotExists().on('campaigns').columns(['status']).execute();
      await db.schema
        .createTable('campaign_audience')
        .ifNotExists()
        .addColumn('campaign_id', 'text', (c) => c.notNull().references('campaigns.id').onDelete('cascade'))
        .addColumn('contact_id', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('campaign_audience_pk', ['campaign_id', 'contact_id'])
        .execute();
      await db.schema
        .createTable('campaign_recipients')
        .ifNotExists()
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('campaign_id', 'text', (c) => c.notNull().references('campaigns.id').onDelete('cascade'))
        .addColumn('workspace_id', 'text', (c) => c.notNull())
        .addColumn('contact_id', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('reason', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('campaign_recipients_contact', ['campaign_id', 'contact_id'])
        .execute();
      await db.schema
        .createTable('campaign_jobs')
        .ifNotExists()
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('campaign_id', 'text', (c) => c.notNull().references('campaigns.id').onDelete('cascade'))
        .addColumn('workspace_id', 'text', (c) => c.notNull())
        .addColumn('contact_id', 'text', (c) => c.notNull())
        .addColumn('step_index', 'integer', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('reason', 'text')
        .addColumn('due_at', 'text', (c) => c.notNull())
        .addColumn('lease_until', 'text')
        .addColumn('claim_token', 'text')
        .addColumn('message_id', 'text')
        .addColumn('conversation_id', 'text')
        .addColumn('queued_at', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('campaign_jobs_step', ['campaign_id', 'contact_id', 'step_index'])
        .execute();
      await db.schema
        .createIndex('campaign_jobs_due')
        .ifNotExists()
        .on('campaign_jobs')
        .columns(['campaign_id', 'status', 'due_at'])
        .execute();
      await db.schema
        .createIndex('campaign_jobs_message')
        .ifNotExists()
        .on('campaign_jobs')
        .columns(['message_id'])
        .execute();
    },
  };
}

/**
 * 0035_campaign_variants: per job, the A/B variant its recipient was assigned, the end of its reply attribution window
 * and the first reply attributed to it (written by the inbound path, so statistics count a stored column instead of
 * searching every recipient's messages); jobs are found by contact for that. Jobs queued before it get the reply
 * the old rule counted (any inbound message after the send) so their statistics do not change. Idempotent, like 0013.
 */
function campaignVariants(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      const columns =
        (await db.introspection.getTables()).find((t) => t.name === 'campaign_jobs')?.columns.map((c) => c.name) ?? [];
      if (!columns.includes('variant'))
        await db.schema.alterTable('campaign_jobs').addColumn('variant', 'integer').execute();
      if (!columns.includes('attribution_until'))
        await db.schema.alterTable('campaign_jobs').addColumn('attribution_until', 'text').execute();
      if (!columns.includes('replied_at')) {
        await db.schema.alterTable('campaign_jobs').addColumn('replied_at', 'text').execute();
        await sql`update campaign_jobs set replied_at = (select min(im.created_at) from messages im join conversations ic on ic.id = im.conversation_id where ic.contact_id = campaign_jobs.contact_id and im.direction = 'inbound' and im.created_at > campaign_jobs.queued_at) where queued_at is not null`.execute(
          db,
        );
      }
      await db.schema
        .createIndex('campaign_jobs_contact')
        .ifNotExists()
        .on('campaign_jobs')
        .columns(['workspace_id', 'contact_id', 'attribution_until'])
        .execute();
    },
  };
}

/**
 * 0039_campaign_job_order: the runner's reads walk an index instead of sorting the campaign. Due jobs in
 * (due_at, id) order come from an index with the id in it (without it every round sorted all pending jobs: 40 ms a
 * round at 40,000 recipients), the latest sends from one on queued_at (the failure check reads the newest few
 * hundred, not every job sent so far), and a message's job by (message, campaign, status).
 */
function campaignJobOrder(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createIndex('campaign_jobs_due_order')
        .ifNotExists()
        .on('campaign_jobs')
        .columns(['campaign_id', 'status', 'due_at', 'id'])
        .execute();
      await db.schema.dropIndex('campaign_jobs_due').ifExists().execute();
      await db.schema
        .createIndex('campaign_jobs_queued')
        .ifNotExists()
        .on('campaign_jobs')
        .columns(['campaign_id', 'status', 'queued_at'])
        .execute();
      // a queued message's job by its id, with the campaign and state in the index: with the message id alone,
      // SQLite's planner took the (campaign, status) index above for "is this queued message one of the campaign's"
      // and walked every job sent so far for each message in the queue (166 ms a round at 40,000 recipients)
      await db.schema
        .createIndex('campaign_jobs_message_job')
        .ifNotExists()
        .on('campaign_jobs')
        .columns(['message_id', 'campaign_id', 'status'])
        .execute();
      await db.schema.dropIndex('campaign_jobs_message').ifExists().execute();
    },
  };
}
