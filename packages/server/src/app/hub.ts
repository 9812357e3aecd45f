/**
 * @module app/hub
 * Builds core's services over the ports, each from the ones it needs, in dependency order, and runs their
 * lifecycle by role. The order is the wiring: the webhook service first (it writes no outbox rows), then the outbox
 * relay that fans events out to it, then CoreDeps whose `afterCommit` wakes that relay — so every commit that wrote
 * outbox rows is relayed at once, without any service patching another's dependencies.
 */
import { MetaConnectService } from '../core/meta-connect/meta-connect-service.js';
import type { CoreDeps, CorePorts } from '../core/deps.js';
import type { Hub, Role } from '../core/hub.js';
import type { Subscription } from '../core/ports/index.js';
import { ConnectionService } from '../core/connections/connection-service.js';
import { ContactService } from '../core/contacts/contact-service.js';
import { ConversationService } from '../core/conversations/conversation-service.js';
import { WebhookIngest } from '../core/inbound/webhook-ingest.js';
import { ListenRunner } from '../core/inbound/listen-runner.js';
import { InboundProcessor } from '../core/inbound/inbound-processor.js';
import { MessageQueue } from '../core/outbound/message-queue.js';
import { OutboundWorker } from '../core/outbound/outbound-worker.js';
import { TokenBucketPacer, type Pacer } from '../core/outbound/pacer.js';
import { OutboxRelay } from '../core/outbox/relay.js';
import { RealtimeHub } from '../core/realtime/realtime-hub.js';
import { RecoverySweeps } from '../core/recovery/recovery-sweeps.js';
import { DEFAULT_HEALTH_SETTINGS, HealthService } from '../core/health/health-service.js';
import { HealthAlerts } from '../core/health/health-alerts.js';
import { AdminNotifier, DEFAULT_NOTIFY_SETTINGS } from '../core/notifications/admin-notifier.js';
import { CallService } from '../core/calls/call-service.js';
import { VisitorService } from '../core/webchat/visitor-service.js';
import { ContactProfiles } from '../core/inbound/contact-profiles.js';
import { MediaService } from '../core/media/media-service.js';
import { TemplateService } from '../core/templates/template-service.js';
import { DeadLetterService } from '../core/recovery/dead-letter-service.js';
import { UserService } from '../core/workspaces/user-service.js';
import { WorkspaceService } from '../core/workspaces/workspace-service.js';
import { WebhookService, type WebhookSettings } from '../core/webhooks/webhook-service.js';
import { AgentService } from '../core/agents/agent-service.js';
import { AgentTurns } from '../core/agents/agent-turns.js';
import { RoutingService } from '../core/routing/routing-service.js';
import { RoutingDecisions } from '../core/routing/routing-decisions.js';
import { RoutingCommands } from '../core/routing/routing-commands.js';
import { WorkflowTrigger } from '../core/routing/workflow-trigger.js';
import { Ownership } from '../core/routing/ownership.js';
import { RoutingRuleService } from '../core/routing/routing-rule-service.js';
import { ConsentService } from '../core/consent/consent-service.js';
import { TeamService } from '../core/teams/team-service.js';
import { SegmentService } from '../core/campaigns/segment-service.js';
import { CampaignService } from '../core/campaigns/campaign-service.js';
import { CampaignRunner, DEFAULT_RUNNER_SETTINGS } from '../core/campaigns/campaign-runner.js';
import { ContactTransfer, storedContactTags } from '../core/contacts/contact-import.js';

export const DEFAULT_WEBHOOK_SETTINGS: WebhookSettings = {
  retryBaseMs: 10_000,
  retryMaxMs: 3_600_000,
  maxAgeMs: 86_400_000,
  timeoutMs: 10_000,
};

export interface HubOptions {
  /**
   * The outbox relay runs in another thread of this process (the processing thread, app/processing-thread.ts): this
   * hub never starts its own (two relays on one table would publish every row twice on the in-process bus), and a
   * commit here wakes that one instead.
   */
  relayElsewhere?: () => void;
}

export function createHub(
  ports: CorePorts,
  pacer: Pacer = new TokenBucketPacer(),
  webhookSettings: WebhookSettings = DEFAULT_WEBHOOK_SETTINGS,
  options: HubOptions = {},
): Hub {
  const webhooks = new WebhookService(ports, webhookSettings);
  const relay = new OutboxRelay(ports.store, ports.bus, ports.clock, ports.log.child({ component: 'outbox' }), {
    onPublished: (rows) => webhooks.fanOut(rows),
  });
  const relayElsewhere = options.relayElsewhere;
  const deps: CoreDeps = { ...ports, afterCommit: relayElsewhere ?? (() => relay.kick()) };

  const connections = new ConnectionService(deps);
  const conversations = new ConversationService(deps, connections);
  const contacts = new ContactService(deps);
  const ingest = new WebhookIngest(deps, connections);
  // connectors that fetch their own updates start listening once their connection runs, and stop with it
  const listeners = new ListenRunner(deps, connections);
  connections.onRunning((record) => listeners.started(record));
  connections.onChange((connectionId, change) => listeners.changed(connectionId, change));
  const media = new MediaService(deps, connections, deps.media, deps.settings.mediaMaxBytes);
  const inbound = new InboundProcessor(deps, connections, (...args) => media.registerInbound(...args));
  const profiles = new ContactProfiles(deps, connections, deps.media, (a) => media.urlFor(a));
  const templates = new TemplateService(deps, connections);
  const deadLetters = new DeadLetterService(deps);
  const users = new UserService(deps);
  const notifier = new AdminNotifier(deps, connections, {
    ...DEFAULT_NOTIFY_SETTINGS,
    ...(deps.settings.notifyMinIntervalMs ? { minIntervalMs: deps.settings.notifyMinIntervalMs } : {}),
  });
  const workspaces = new WorkspaceService(deps, (workspaceId, id) => notifier.assertUsable(workspaceId, id));
  const messages = new MessageQueue(
    deps,
    connections,
    templates,
    (workspaceId, content) => media.prepareOutbound(workspaceId, content),
    (url) => media.shareLink(url),
  );
  const outbound = new OutboundWorker(deps, connections, pacer, media.access());
  // a phone line stopped with its agent tells callers it is closed (a SIP line keeps a closed line listening)
  const agents = new AgentService(deps, connections, (connectionId) => listeners.closeLine(connectionId));
  const agentTurns = new AgentTurns(deps, messages, media, agents.codec, (workspaceId, conversationId) =>
    conversations.agentComposing(workspaceId, conversationId),
  );
  // a voicemail is transcribed once its file is stored, by the agent that took the call
  media.onReady((workspaceId, messageId) => agentTurns.transcribeVoicemail(workspaceId, messageId));
  const teams = new TeamService(deps);
  const consent = new ConsentService(deps);
  const routingRules = new RoutingRuleService(deps);
  const routingDecisions = new RoutingDecisions(deps, agentTurns, { continuationMs: 86_400_000 });
  const ownership = new Ownership(teams);
  const routing = new RoutingService(deps, messages, agentTurns, routingDecisions, ownership, {
    claimLeaseMs: deps.settings.sendLeaseMs,
  });
  const routingCommands = new RoutingCommands(deps, messages, teams, routingDecisions, ownership);
  routing.useWorkflows(new WorkflowTrigger(deps, messages, ownership));
  const realtime = new RealtimeHub(deps.bus);
  const recovery = new RecoverySweeps(deps, outbound);
  const visitors = new VisitorService(deps, connections, ingest, realtime, media);
  const health = new HealthService(
    deps,
    connections,
    {
      ...DEFAULT_HEALTH_SETTINGS,
      ...(deps.settings.healthIntervalMs ? { intervalMs: deps.settings.healthIntervalMs } : {}),
      ...(deps.settings.healthExpiryWarningDays ? { expiryWarningDays: deps.settings.healthExpiryWarningDays } : {}),
      ...(deps.settings.healthSilenceFloorMs ? { silenceFloorMs: deps.settings.healthSilenceFloorMs } : {}),
    },
    () => outbound.calls.flush(),
  );
  const healthAlerts = new HealthAlerts(deps, notifier);
  health.onStored((record, checks) => healthAlerts.consider(record, checks));
  const calls = new CallService(deps, connections);
  // a connection that starts running is looked at right away (its webhook as the provider has it, …)
  connections.onRunning((record) => health.started(record));

  // a connection that starts running brings its provider's templates up to date
  connections.onRunning(async (record) => {
    if (deps.registry.get(record.type)?.features.templates) await templates.sync(record.workspaceId, record.id);
  });
  deps.bus.onDeadLetter((letter) => {
    deps.log.error(
      { topic: letter.topic, key: letter.message.key, deliveries: letter.deliveries, error: letter.error },
      'message dead-lettered after repeated failures',
    );
    void deadLetters
      .record(letter)
      .catch((error: unknown) => deps.log.error({ err: error }, 'could not store a dead letter'));
  });

  const segments = new SegmentService(deps);
  const campaigns = new CampaignService(
    deps,
    connections,
    new ContactTransfer(
      deps,
      (workspaceId, page, q) => conversations.contacts(workspaceId, page, q),
      storedContactTags,
    ),
  );
  // an automatic pause is mailed to the workspace's admins through its notification channel, once per campaign per
  // the notifier's interval (what it could not send is already a log line of the notifier's)
  const campaignRunner = new CampaignRunner(
    deps,
    connections,
    messages,
    DEFAULT_RUNNER_SETTINGS,
    async (ws, subject, text) => {
      await notifier.notifyAdmins(ws, { subject, text });
    },
  );

  const subscriptions: Subscription[] = [];
  return {
    deps,
    connections,
    health,
    notifier,
    healthAlerts,
    calls,
    conversations,
    contacts,
    ingest,
    inbound,
    messages,
    outbound,
    relay,
    realtime,
    recovery,
    visitors,
    media,
    templates,
    deadLetters,
    webhooks,
    users,
    workspaces,
    agents,
    agentTurns,
    routing,
    routingDecisions,
    routingCommands,
    routingRules,
    teams,
    consent,
    metaConnect: new MetaConnectService(deps, connections),
    segments,
    campaigns,
    campaignRunner,

    async start(role: Role, options: { recoverLeaseMs: number; split?: 'front' | 'back' }): Promise<void> {
      // split: one process, two threads on one SQLite file — the front (HTTP, ingest, realtime, the lifecycle of
      // connections and agents) and the back (the relay, every consumer, the sweeps); see docs/architecture.md
      const split = options.split;
      if (role === 'api' || role === 'all') {
        if (split !== 'back') {
          realtime.start();
          await ingest.backpressure?.start();
        }
      }
      if (!relayElsewhere) relay.start();
      if (role === 'worker' || role === 'all') {
        if (split !== 'front') {
          subscriptions.push(inbound.subscribe(), outbound.subscribe(), media.subscribe(), profiles.subscribe());
          const recovered = { ...(await recovery.recover(options.recoverLeaseMs)), media: await media.recover() };
          if (recovered.inbound + recovered.outbound + recovered.interrupted + recovered.media > 0)
            deps.log.info(recovered, 'recovered pending work');
          recovery.start();
          // consume the routing topic; re-drive routing a crash lost (see RoutingService.recover)
          subscriptions.push(routing.subscribe());
          const routed = await routing.recover(options.recoverLeaseMs);
          if (routed > 0) deps.log.info({ routing: routed }, 'recovered routing work');
          routing.start();
          webhooks.start();
          health.start();
        }
        // the back thread is restarted when it dies: connections and agents are resumed once, by the front, whose
        // connection service also stops their listeners
        if (split !== 'back') {
          await connections.resumeAll();
          await agents.resumeAll();
        }
        if (split !== 'front') {
          // campaign jobs a crashed process had claimed are free again; then the runner takes up every campaign
          const released = await campaignRunner.recover(options.recoverLeaseMs);
          if (released > 0) deps.log.info({ campaignJobs: released }, 'recovered campaign jobs');
          campaignRunner.start();
        }
      }
    },

    async stop(): Promise<void> {
      // listeners first: they still deliver what they hold while the store is open
      await listeners.stop();
      await campaignRunner.stop();
      ingest.backpressure?.stop();
      await recovery.stop();
      await health.stop();
      await healthAlerts.idle();
      await routing.stop();
      await webhooks.stop();
      await Promise.all(subscriptions.map((s) => s.close()));
      // the provider calls of the sends that just ended
      await outbound.calls.flush();
      if (!relayElsewhere) await relay.flush().catch(() => undefined);
      await relay.stop();
      await realtime.stop();
    },
  };
}
