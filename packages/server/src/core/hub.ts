/**
 * @module core/hub
 * The typed set of services the API (and tests) receive. It is only a shape: app/hub.ts builds every service in
 * dependency order and runs their lifecycle, so no service constructs, patches or looks up another.
 */
import type { CoreDeps } from './deps.js';
import type { ConnectionService } from './connections/connection-service.js';
import type { ConversationService } from './conversations/conversation-service.js';
import type { ContactService } from './contacts/contact-service.js';
import type { WebhookIngest } from './inbound/webhook-ingest.js';
import type { InboundProcessor } from './inbound/inbound-processor.js';
import type { MessageQueue } from './outbound/message-queue.js';
import type { OutboundWorker } from './outbound/outbound-worker.js';
import type { OutboxRelay } from './outbox/relay.js';
import type { RealtimeHub } from './realtime/realtime-hub.js';
import type { RecoverySweeps } from './recovery/recovery-sweeps.js';
import type { VisitorService } from './webchat/visitor-service.js';
import type { MediaService } from './media/media-service.js';
import type { TemplateService } from './templates/template-service.js';
import type { DeadLetterService } from './recovery/dead-letter-service.js';
import type { UserService } from './workspaces/user-service.js';
import type { WorkspaceService } from './workspaces/workspace-service.js';
import type { WebhookService } from './webhooks/webhook-service.js';
import type { AgentService } from './agents/agent-service.js';
import type { AgentTurns } from './agents/agent-turns.js';
import type { RoutingService } from './routing/routing-service.js';
import type { RoutingDecisions } from './routing/routing-decisions.js';
import type { RoutingCommands } from './routing/routing-commands.js';
import type { RoutingRuleService } from './routing/routing-rule-service.js';
import type { TeamService } from './teams/team-service.js';
import type { ConsentService } from './consent/consent-service.js';
import type { HealthService } from './health/health-service.js';
import type { AdminNotifier } from './notifications/admin-notifier.js';
import type { HealthAlerts } from './health/health-alerts.js';
import type { MetaConnectService } from './meta-connect/meta-connect-service.js';
import type { SegmentService } from './campaigns/segment-service.js';
import type { CampaignService } from './campaigns/campaign-service.js';
import type { CampaignRunner } from './campaigns/campaign-runner.js';
import type { CallService } from './calls/call-service.js';

/** what a process runs: the API role serves requests and realtime; the worker role consumes topics and sweeps */
export type Role = 'api' | 'worker' | 'all';

export interface Hub {
  readonly deps: CoreDeps;
  readonly connections: ConnectionService;
  /** each connection's health beside its status: what the provider and the messages say */
  readonly health: HealthService;
  /** e-mails to the workspace's owners and admins through its notification channel (health alerts, campaigns) */
  readonly notifier: AdminNotifier;
  /** a connection's health turning warning/failing (and back), mailed to the admins */
  readonly healthAlerts: HealthAlerts;
  /** phone calls: placing one, a conversation's calls */
  readonly calls: CallService;
  readonly conversations: ConversationService;
  readonly contacts: ContactService;
  readonly ingest: WebhookIngest;
  readonly inbound: InboundProcessor;
  readonly messages: MessageQueue;
  readonly outbound: OutboundWorker;
  readonly relay: OutboxRelay;
  readonly realtime: RealtimeHub;
  readonly recovery: RecoverySweeps;
  readonly visitors: VisitorService;
  readonly media: MediaService;
  readonly templates: TemplateService;
  readonly deadLetters: DeadLetterService;
  readonly webhooks: WebhookService;
  readonly users: UserService;
  /** the workspace's settings (the private-network opt-in) */
  readonly workspaces: WorkspaceService;
  /** flow/llm/webhook agents as admins manage them (CRUD, lifecycle, channels) */
  readonly agents: AgentService;
  /** the AgentDispatcher routing calls: which agent answers, and one turn of it */
  readonly agentTurns: AgentTurns;
  /** the routing consumer: who handles each new inbound message, exactly once; recovery of lost routing */
  readonly routing: RoutingService;
  /** what routing would decide, and why (rules page) */
  readonly routingDecisions: RoutingDecisions;
  /** operators and the API: reply, start a conversation, assign, hand off, resolve, timeline */
  readonly routingCommands: RoutingCommands;
  readonly routingRules: RoutingRuleService;
  readonly teams: TeamService;
  /** per-identity opt-out (STOP) and opt-in */
  readonly consent: ConsentService;
  /** Connect with Meta: the OAuth dialog, its callback, the accounts granted, the connection from the pick */
  readonly metaConnect: MetaConnectService;
  /** saved audiences: filters over contacts, counted by the database */
  readonly segments: SegmentService;
  /** campaigns as admins manage them: drafts, audience, start/pause/resume/cancel, recipients, statistics */
  readonly campaigns: CampaignService;
  /** the worker side of campaigns: freeze, dispatch one message per recipient × step, finish */
  readonly campaignRunner: CampaignRunner;
  /**
   * `split`: this hub is one of two threads of one process (app/processing-thread.ts) — `front` serves HTTP, ingest,
   * realtime and resumes connections and agents; `back` runs the relay, the consumers and the sweeps
   */
  start(role: Role, options: { recoverLeaseMs: number; split?: 'front' | 'back' }): Promise<void>;
  /** stop taking work, let in-flight work finish, flush the outbox */
  stop(): Promise<void>;
}
