/**
 * @module core/hub
 * Assembles the use cases over the ports. Roles decide what runs: the API role serves requests and realtime,
 * the worker role consumes the inbound/outbound topics, relays the outbox and runs the sweeps.
 */
import type { CoreDeps } from './deps.js';
import { ConnectionService } from './connections/connection-service.js';
import { ConversationService } from './conversations/conversation-service.js';
import { WebhookIngest } from './inbound/webhook-ingest.js';
import { InboundProcessor } from './inbound/inbound-processor.js';
import { MessageQueue } from './outbound/message-queue.js';
import { OutboundWorker } from './outbound/outbound-worker.js';
import { TokenBucketPacer, type Pacer } from './outbound/pacer.js';
import { OutboxRelay } from './outbox/relay.js';
import { RealtimeHub } from './realtime/realtime-hub.js';
import { RecoverySweeps } from './recovery/recovery-sweeps.js';
import { VisitorService } from './webchat/visitor-service.js';
import type { Subscription } from './ports/index.js';
import { MediaService } from './media/media-service.js';
import { TemplateService } from './templates/template-service.js';
import { DeadLetterService } from './recovery/dead-letter-service.js';
import { UserService } from './workspaces/user-service.js';
import { WebhookService, type WebhookSettings } from './webhooks/webhook-service.js';
import { AgentService } from './agents/agent-service.js'; // agents area
// routing area
import { RoutingService } from './routing/routing-service.js';
import { RoutingRuleService } from './routing/routing-rule-service.js';
import { TeamService } from './teams/team-service.js';

export type Role = 'api' | 'worker' | 'all';

export class Hub {
  readonly connections: ConnectionService;
  readonly conversations: ConversationService;
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
  /** agents area: flow/llm/webhook agents; also routing's AgentDispatcher */
  readonly agents: AgentService;
  /** routing area: who handles a conversation (rules, agents, teams, handoff, timeline) */
  readonly routing: RoutingService;
  readonly routingRules: RoutingRuleService;
  readonly teams: TeamService;
  private readonly subscriptions: Subscription[] = [];

  constructor(readonly deps: CoreDeps, pacer: Pacer = new TokenBucketPacer(), webhookSettings: WebhookSettings = { retryBaseMs: 10_000, retryMaxMs: 3_600_000, maxAgeMs: 86_400_000, timeoutMs: 10_000 }) {
    this.webhooks = new WebhookService(deps, webhookSettings);
    this.relay = new OutboxRelay(deps.store, deps.bus, deps.clock, deps.log.child({ component: 'outbox' }), { onPublished: (rows) => this.webhooks.fanOut(rows) });
    const kick = deps.afterCommit;
    // every commit that wrote outbox rows wakes the relay at once
    deps.afterCommit = () => {
      kick();
      this.relay.kick();
    };
    this.connections = new ConnectionService(deps);
    this.conversations = new ConversationService(deps, this.connections);
    this.ingest = new WebhookIngest(deps, this.connections);
    this.media = new MediaService(deps, this.connections, deps.media);
    this.inbound = new InboundProcessor(deps, this.connections, (...args) => this.media.registerInbound(...args));
    this.templates = new TemplateService(deps, this.connections);
    this.deadLetters = new DeadLetterService(deps);
    this.users = new UserService(deps);
    this.messages = new MessageQueue(deps, this.connections, this.templates);
    this.connections.onRunning(async (record) => {
      if (this.deps.registry.get(record.type)?.syncTemplates) await this.templates.sync(record.workspaceId, record.id);
    });
    this.outbound = new OutboundWorker(deps, this.connections, pacer, this.media.access());
    this.agents = new AgentService(deps, this.connections, this.messages, this.media); // agents area
    // routing area
    this.teams = new TeamService(deps);
    this.routingRules = new RoutingRuleService(deps);
    this.routing = new RoutingService(deps, this.messages, this.teams, () => this.agents, { claimLeaseMs: deps.settings.sendLeaseMs, continuationMs: 86_400_000 });
    this.realtime = new RealtimeHub(deps.bus);
    this.recovery = new RecoverySweeps(deps, this.outbound);
    this.visitors = new VisitorService(deps, this.connections, this.ingest, this.realtime, this.media); // webchat: + media for visitor uploads
    deps.bus.onDeadLetter((letter) => {
      deps.log.error({ topic: letter.topic, key: letter.message.key, deliveries: letter.deliveries, error: letter.error }, 'message dead-lettered after repeated failures');
      void this.deadLetters.record(letter).catch((error: unknown) => deps.log.error({ err: error }, 'could not store a dead letter'));
    });
  }

  async start(role: Role, options: { recoverLeaseMs: number }): Promise<void> {
    if (role === 'api' || role === 'all') this.realtime.start();
    this.relay.start();
    if (role === 'worker' || role === 'all') {
      this.subscriptions.push(this.inbound.subscribe(), this.outbound.subscribe(), this.media.subscribe());
      const recovered = { ...(await this.recovery.recover(options.recoverLeaseMs)), media: await this.media.recover() };
      if (recovered.inbound + recovered.outbound + recovered.interrupted + recovered.media > 0) this.deps.log.info(recovered, 'recovered pending work');
      this.recovery.start();
      // routing area: consume the routing topic; re-drive routing a crash lost (see RoutingService.recover)
      this.subscriptions.push(this.routing.subscribe());
      const routed = await this.routing.recover(options.recoverLeaseMs);
      if (routed > 0) this.deps.log.info({ routing: routed }, 'recovered routing work');
      this.routing.start();
      this.webhooks.start();
      await this.connections.resumeAll();
      await this.agents.resumeAll(); // agents area
    }
  }

  /** stop taking work, let in-flight work finish, flush the outbox */
  async stop(): Promise<void> {
    await this.recovery.stop();
    await this.routing.stop(); // routing area
    await this.webhooks.stop();
    await Promise.all(this.subscriptions.map((s) => s.close()));
    await this.relay.flush().catch(() => undefined);
    await this.relay.stop();
    await this.realtime.stop();
  }
}
