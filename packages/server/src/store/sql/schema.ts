/**
 * @module store/sql/schema
 * Table types for Kysely. Same columns in SQLite and PostgreSQL: ISO-8601 text timestamps (sortable), JSON as
 * text, booleans as 0/1 integers, so one query layer serves both dialects.
 */
import type { Generated } from 'kysely';

export interface WorkspacesTable {
  id: string;
  name: string;
  created_at: string;
  allow_private_network: Generated<number>;
  /** 0021_meta_profiles: keep what customers delete (for the workspace's audit), 1 = yes */
  keep_deleted_content: Generated<number>;
  /** 0038_health_notify: the email connection owners and admins are notified through */
  notification_connection_id: string | null;
}
export interface UsersTable {
  id: string;
  workspace_id: string;
  email: string;
  name: string;
  role: string;
  password_hash: string | null;
  created_at: string;
  /** 0037: where a transferred call rings this operator (E.164 or a SIP URI) */
  phone: string | null;
}
export interface ApiKeysTable {
  id: string;
  workspace_id: string;
  user_id: string;
  name: string;
  token_hash: string;
  prefix: string;
  created_at: string;
  last_used_at: string | null;
  kind: Generated<string>;
  expires_at: string | null;
}
export interface ConnectionsTable {
  id: string;
  workspace_id: string;
  type: string;
  name: string;
  description: string;
  config: string;
  status: string;
  status_reason: string | null;
  deprecated: number;
  sender_rotation: Generated<number>;
  created_at: string;
  updated_at: string;
  /** a listening connection's provider cursor (0015_listen_cursor) */
  listen_cursor: string | null;
}
export interface ConnectionLogsTable {
  id: string;
  connection_id: string;
  level: string;
  event: string;
  message: string;
  at: string;
}
export interface ContactsTable {
  id: string;
  workspace_id: string;
  name: string | null;
  attributes: string;
  created_at: string;
  updated_at: string;
  /** set on a contact merged into another (0010_normalize_identities): a tombstone that answers with its survivor */
  merged_into: string | null;
  /** JSON array of strings (0013_contact_tags) */
  tags: Generated<string>;
  /** set when the contact was erased (0013_contact_tags): a blank row kept for its tombstoned messages */
  erased_at: string | null;
}
export interface ContactIdentitiesTable {
  id: string;
  workspace_id: string;
  contact_id: string;
  channel_type: string;
  address: string;
  connection_id: string | null;
  created_at: string;
}
export interface ConversationsTable {
  id: string;
  workspace_id: string;
  contact_id: string;
  connection_id: string;
  channel_type: string;
  address: string;
  thread_key: string | null;
  status: string;
  open_key: string | null;
  assignee_id: string | null;
  sender_address: string | null;
  window_expires_at: string | null;
  last_inbound_at: string | null;
  last_business_template_at: string | null;
  last_message_at: string | null;
  last_message_preview: string | null;
  unread_count: number;
  created_at: string;
  updated_at: string;
  // 0007_routing
  handler: string | null;
  agent_id: string | null;
  team_id: string | null;
  tags: Generated<string>;
  // 0024_email
  subject: string | null;
}
export interface MessagesTable {
  id: string;
  workspace_id: string;
  conversation_id: string;
  connection_id: string;
  channel_type: string;
  direction: string;
  from_addr: string;
  to_addr: string;
  content: string;
  status: string;
  status_detail: string | null;
  /** when the status last moved; null while queued (added by 0026_operator_day) */
  status_at: Generated<string | null>;
  provider_message_id: string | null;
  timestamp: string;
  edited_at: string | null;
  metadata: string;
  attempts: number;
  next_attempt_at: string | null;
  send_started_at: string | null;
  created_at: string;
  /** 0021_meta_profiles: what the customer deleted, kept for the workspace's audit (JSON content) */
  deleted_content?: string | null;
}
export interface MessageStatusEventsTable {
  id: string;
  message_id: string | null;
  connection_id: string;
  provider_message_id: string | null;
  status: string;
  detail: string | null;
  occurred_at: string;
  applied: number;
}
export interface InboundEventsTable {
  id: string;
  workspace_id: string;
  connection_id: string;
  event_key: string | null;
  method: string;
  url: string;
  headers: string;
  body: Buffer;
  status: string;
  error: string | null;
  received_at: string;
  processed_at: string | null;
}
export interface OutboxTable {
  seq: Generated<number>;
  topic: string;
  key: string;
  workspace_id: string | null;
  payload: string;
  created_at: string;
  published_at: string | null;
}

export interface AttachmentsTable {
  id: string;
  workspace_id: string;
  message_id: string | null;
  connection_id: string | null;
  provider_media_id: string | null;
  mime_type: string;
  file_name: string | null;
  size: number | null;
  state: string;
  error: string | null;
  attempts: number;
  access_key: string;
  created_at: string;
  updated_at: string;
  /** 0021_meta_profiles: the contact whose profile picture this is */
  contact_id?: string | null;
}
export interface MediaBlobsTable {
  key: string;
  bytes: Buffer;
  created_at: string;
}
export interface TemplatesTable {
  id: string;
  workspace_id: string;
  connection_id: string;
  provider_template_id: string;
  name: string;
  language: string;
  status: string;
  category: string;
  components: string;
  variables: string;
  body: string;
  synced_at: string;
}

export interface RateBucketsTable {
  key: string;
  tokens: number;
  updated_ms: number | string;
}
export interface DeadLettersTable {
  id: string;
  workspace_id: string | null;
  topic: string;
  key: string;
  payload: string;
  error: string;
  deliveries: number;
  created_at: string;
  replayed_at: string | null;
}

export interface WebhookSubscriptionsTable {
  id: string;
  workspace_id: string;
  url: string;
  event_types: string;
  secret: string;
  active: number;
  description: string;
  created_at: string;
  updated_at: string;
}
export interface WebhookDeliveriesTable {
  id: string;
  subscription_id: string;
  workspace_id: string;
  event_seq: number | string;
  event_type: string;
  body: string;
  status: string;
  attempts: number;
  next_attempt_at: string | null;
  claimed_until: string | null;
  last_status_code: number | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
  delivered_at: string | null;
}

// 0006_agents
export interface AgentsTable {
  id: string;
  workspace_id: string;
  kind: string;
  name: string;
  description: string;
  config: string;
  status: string;
  status_reason: string | null;
  created_at: string;
  updated_at: string;
}
export interface AgentConnectionsTable {
  id: string;
  workspace_id: string;
  agent_id: string;
  connection_id: string;
  attached: number;
  inbound: number;
  active_attached: number;
  active_inbound: number;
  created_at: string;
  updated_at: string;
}
export interface AgentSessionsTable {
  id: string;
  workspace_id: string;
  agent_id: string;
  conversation_id: string;
  state: string;
  turns: number;
  created_at: string;
  updated_at: string;
}
export interface AgentTurnsTable {
  id: string;
  workspace_id: string;
  agent_id: string;
  message_id: string;
  conversation_id: string;
  status: string;
  outcome: string | null;
  started_at: string;
  finished_at: string | null;
}

// 0007_routing
export interface RoutingRulesTable {
  id: string;
  workspace_id: string;
  connection_id: string | null;
  position: number;
  name: string;
  enabled: number;
  conditions: string;
  actions: string;
  created_at: string;
  updated_at: string;
}
export interface TeamsTable {
  id: string;
  workspace_id: string;
  name: string;
  last_assigned_user_id: string | null;
  version: Generated<number>;
  created_at: string;
  updated_at: string;
}
export interface TeamMembersTable {
  id: string;
  team_id: string;
  workspace_id: string;
  user_id: string;
  capacity: number;
}
export interface ConversationEventsTable {
  id: string;
  workspace_id: string;
  conversation_id: string;
  type: string;
  actor: string;
  data: string;
  at: string;
}
export interface RoutingMarksTable {
  message_id: string;
  workspace_id: string;
  conversation_id: string;
  state: string;
  claimed_at: string;
  finished_at: string | null;
}

// webchat visitor limits (0011_visitor_limits)
export interface VisitorAddressesTable {
  connection_id: string;
  visitor_id: string;
  address_key: string;
  recorded_at: string;
}

/** the master key's check value (0009_key_check) */
export interface KeyChecksTable {
  id: string;
  value: string;
  created_at: string;
}

/** 0014_consent: one row per (workspace, channel type, address) that ever opted out or in */
export interface ConsentsTable {
  id: string;
  workspace_id: string;
  channel_type: string;
  address: string;
  opted_out: number;
  opted_out_at: string | null;
  source: string;
  keyword: string | null;
  updated_at: string;
}
/** 0017_vonage: parts of a concatenated inbound message until all arrived (index 0 is the group's lock row) */
export interface MessagePartsTable {
  connection_id: string;
  group_key: string;
  part_index: number;
  total: number;
  event: string;
  received_at: string;
}
/** 0027_connection_health: the last result of a connection's health checks (core/health) */
export interface ConnectionHealthTable {
  connection_id: string;
  workspace_id: string;
  state: string;
  checks: string;
  updated_at: string;
}
/** 0038_health_notify: when the last mail of one notification key went, and what it said */
export interface NotificationMarksTable {
  workspace_id: string;
  key: string;
  state: string;
  sent_at: string;
}
/** 0028_health_watch: one outbound provider call (core/health), kept a day */
export interface ProviderCallsTable {
  id: string;
  connection_id: string;
  workspace_id: string;
  at: string;
  outcome: string;
  duration_ms: number;
}
/** 0020_meta_connect: one row per "Connect with Meta" dialog, its state single-use, its token sealed */
export interface MetaConnectGrantsTable {
  id: string;
  workspace_id: string;
  user_id: string;
  channel_type: string;
  state_hash: string;
  nonce_hash: string;
  redirect_uri: string;
  created_at: string;
  expires_at: string;
  state_used_at: string | null;
  token: string | null;
  token_expires_at: string | null;
}
/** 0030_segments_campaigns: a saved filter over the workspace's contacts (JSON tree, core/ports/campaign-store.ts) */
export interface SegmentsTable {
  id: string;
  workspace_id: string;
  name: string;
  filter: string;
  created_at: string;
  updated_at: string;
}
/** 0030_segments_campaigns: a campaign; audience, steps and settings are JSON */
export interface CampaignsTable {
  id: string;
  workspace_id: string;
  name: string;
  status: string;
  status_reason: string | null;
  audience: string;
  steps: string;
  settings: string;
  scheduled_at: string | null;
  started_at: string | null;
  finished_at: string | null;
  /** the last contact id frozen into recipients; null before the first batch */
  freeze_cursor: string | null;
  /** set once every audience contact is a recipient */
  frozen_at: string | null;
  /** the worker freezing the next batch holds this lease (compare-and-set) */
  freeze_lease_until: string | null;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}
/** 0030_segments_campaigns: the contacts of an explicit or uploaded (CSV) audience */
export interface CampaignAudienceTable {
  campaign_id: string;
  contact_id: string;
}
/** 0030_segments_campaigns: one row per audience contact, frozen at start: included, or excluded with a reason */
export interface CampaignRecipientsTable {
  id: string;
  campaign_id: string;
  workspace_id: string;
  contact_id: string;
  status: string;
  reason: string | null;
  created_at: string;
}
/** 0030_segments_campaigns: one durable job per recipient × step, unique on (campaign, contact, step) */
export interface CampaignJobsTable {
  id: string;
  campaign_id: string;
  workspace_id: string;
  contact_id: string;
  step_index: number;
  status: string;
  reason: string | null;
  due_at: string;
  lease_until: string | null;
  /** who holds the claim: a claim taken over after its lease ran out is no longer the old worker's to finish */
  claim_token: string | null;
  message_id: string | null;
  conversation_id: string | null;
  queued_at: string | null;
  /** 0035_campaign_variants: the A/B variant's index (null: the step has none) */
  variant: number | null;
  /** 0035_campaign_variants: replies until then count for this step */
  attribution_until: string | null;
  /** 0035_campaign_variants: the first reply attributed to this step */
  replied_at: string | null;
  created_at: string;
  updated_at: string;
}
/** 0032_calls: one row per provider call on a voice connection (model/call.ts) */
export interface CallsTable {
  id: string;
  workspace_id: string;
  conversation_id: string;
  connection_id: string;
  provider_call_id: string;
  direction: string;
  from_addr: string;
  to_addr: string;
  state: string;
  started_at: string;
  answered_at: string | null;
  ended_at: string | null;
  duration_seconds: number | null;
  answered_by: string | null;
  hangup_cause: string | null;
  created_at: string;
  updated_at: string;
  /** 0037: the agent an outbound call was placed for */
  agent_id: string | null;
}
export interface Database {
  segments: SegmentsTable;
  campaigns: CampaignsTable;
  campaign_audience: CampaignAudienceTable;
  campaign_recipients: CampaignRecipientsTable;
  campaign_jobs: CampaignJobsTable;
  calls: CallsTable;
  connection_health: ConnectionHealthTable;
  provider_calls: ProviderCallsTable;
  notification_marks: NotificationMarksTable;
  message_parts: MessagePartsTable;
  consents: ConsentsTable;
  visitor_addresses: VisitorAddressesTable;
  key_checks: KeyChecksTable;
  routing_rules: RoutingRulesTable;
  teams: TeamsTable;
  team_members: TeamMembersTable;
  conversation_events: ConversationEventsTable;
  routing_marks: RoutingMarksTable;
  agents: AgentsTable;
  agent_connections: AgentConnectionsTable;
  agent_sessions: AgentSessionsTable;
  agent_turns: AgentTurnsTable;
  webhook_subscriptions: WebhookSubscriptionsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  rate_buckets: RateBucketsTable;
  dead_letters: DeadLettersTable;
  attachments: AttachmentsTable;
  media_blobs: MediaBlobsTable;
  templates: TemplatesTable;
  workspaces: WorkspacesTable;
  users: UsersTable;
  api_keys: ApiKeysTable;
  connections: ConnectionsTable;
  connection_logs: ConnectionLogsTable;
  contacts: ContactsTable;
  contact_identities: ContactIdentitiesTable;
  conversations: ConversationsTable;
  messages: MessagesTable;
  message_status_events: MessageStatusEventsTable;
  inbound_events: InboundEventsTable;
  outbox: OutboxTable;
  meta_connect_grants: MetaConnectGrantsTable;
}
