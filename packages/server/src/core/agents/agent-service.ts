/**
 * @module core/agents/agent-service
 * Agents (flow, llm, webhook): CRUD, the start/stop lifecycle (the connection statuses: STOPPED → STARTING →
 * RUNNING | ERROR(reason); STOPPING → STOPPED, each a compare-and-set plus an `agent.status` event), their channels
 * (desired on the agent's page, applied when the agent starts; one inbound agent per connection, held by a unique
 * index), and turns — the `AgentDispatcher` routing calls. A turn is claimed once per (agent, inbound message), so
 * a redelivered routing row never answers twice; provider failures degrade to the fallback reply plus a handoff.
 */
import { contentPreview, newId, type Content } from '../../model/index.js';
import { AppError, notFound } from '../errors.js';
import { eventRow } from '../events.js';
import type {
  AgentConnectionRecord,
  AgentKind,
  AgentRecord,
  AgentSessionRecord,
  ConnectionStatus,
  ConversationRecord,
  MessageRecord,
  Page,
  PageQuery,
  StoreOps,
} from '../ports/index.js';
import type { CoreDeps } from '../deps.js';
import type { ConnectionService } from '../connections/connection-service.js';
import type { MessageQueue } from '../outbound/message-queue.js';
import type { MediaService } from '../media/media-service.js';
import { conversationView, messageView } from '../conversations/conversation-writer.js';
import { AdminEndpoints } from '../security/admin-endpoints.js';
import type { AgentDispatcher, AgentTurnInput, AgentTurnOutcome } from './agent-dispatcher.js';
import {
  AgentConfigCodec,
  agentCatalog,
  isAgentKind,
  AGENT_KINDS,
  type FlowConfig,
  type LlmConfig,
  type WebhookAgentConfig,
} from './agent-config.js';
import { flowGraphIssues, runFlow, type FlowState } from './flow-engine.js';
import { buildChatRequest, chatTurn, checkProvider, contentAsText } from './llm-agent.js';
import { callWebhookBot } from './webhook-agent.js';
import { transcribe } from './transcription.js';

export interface AgentView {
  id: string;
  kind: AgentKind;
  name: string;
  description: string;
  status: ConnectionStatus;
  statusReason: string | null;
  config: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
  /** only in the answer that created the agent: config fields the server generated, shown there in full once */
  generatedSecrets?: string[];
}

export interface AgentChannelView {
  connectionId: string;
  connectionName: string;
  channelType: string;
  /** as set on the agent's page */
  inbound: boolean;
  /** what the agent applied when it last started (null: not applied yet) */
  active: { inbound: boolean } | null;
}

export interface AgentChannelsView {
  data: AgentChannelView[];
  /** the page differs from what the running agent applied: restart the agent to apply it */
  restartRequired: boolean;
}

export interface CreateAgentInput {
  kind: string;
  name: string;
  description?: string | undefined;
  config: Record<string, unknown>;
}
export interface UpdateAgentInput {
  name?: string | undefined;
  description?: string | undefined;
  config?: Record<string, unknown> | undefined;
}

/** what a kind decided in one turn, before anything is sent */
interface KindResult {
  replies: Content[];
  handoff?: { reason: string } | undefined;
  error?: string | undefined;
  state?: Record<string, unknown> | undefined;
}

/** a running turn older than this is taken to be a crashed worker's and is run again */
const TURN_LEASE_MS = 5 * 60_000;

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** the URLs of a config the hub calls: each is under the workspace's address policy */
function configUrls(config: Record<string, unknown>): Array<{ field: string; url: string | undefined }> {
  const stt = config.speechToText as { baseUrl?: unknown } | undefined;
  const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return [
    { field: 'baseUrl', url: text(config.baseUrl) },
    { field: 'url', url: text(config.url) },
    { field: 'speechToText.baseUrl', url: text(stt?.baseUrl) },
  ];
}

export class AgentService implements AgentDispatcher {
  readonly codec: AgentConfigCodec;
  private readonly endpoints: AdminEndpoints;

  constructor(
    private readonly deps: CoreDeps,
    private readonly connections: ConnectionService,
    private readonly messages: MessageQueue,
    private readonly media: MediaService,
  ) {
    this.codec = new AgentConfigCodec(deps.secrets, deps.redactor);
    this.endpoints = new AdminEndpoints(deps);
  }

  catalog(): ReturnType<typeof agentCatalog> {
    return agentCatalog();
  }

  view(record: AgentRecord): AgentView {
    return {
      id: record.id,
      kind: record.kind,
      name: record.name,
      description: record.description,
      status: record.status,
      statusReason: record.statusReason,
      config: this.codec.mask(record.kind, record.config),
      createdAt: record.createdAt,
      updatedAt: record.updatedAt,
    };
  }

  private kindOf(kind: string): AgentKind {
    if (!isAgentKind(kind))
      throw new AppError('VALIDATION', `unknown agent kind '${kind}'`, {
        fields: [{ field: 'kind', message: `one of: ${Object.keys(AGENT_KINDS).join(', ')}` }],
      });
    return kind;
  }

  async create(workspaceId: string, input: CreateAgentInput): Promise<AgentView> {
    const kind = this.kindOf(input.kind);
    const { config: filled, generated } = this.codec.fillGenerated(kind, input.config);
    const plain = this.codec.validate(kind, filled);
    await this.endpoints.check(workspaceId, configUrls(plain));
    const now = this.deps.clock.now().toISOString();
    const record: AgentRecord = {
      id: newId('agt'),
      workspaceId,
      kind,
      name: input.name,
      description: input.description ?? '',
      config: this.codec.seal(kind, plain),
      status: 'STOPPED',
      statusReason: null,
      createdAt: now,
      updatedAt: now,
    };
    await this.deps.store.insertAgent(record);
    const view = this.view(record);
    if (generated.length === 0) return view;
    // a generated secret is shown in full once, here (like an outgoing webhook subscription's); masked afterwards
    return {
      ...view,
      config: { ...view.config, ...Object.fromEntries(generated.map((name) => [name, plain[name]])) },
      generatedSecrets: generated,
    };
  }

  async get(workspaceId: string, id: string): Promise<AgentRecord> {
    const record = await this.deps.store.getAgent(workspaceId, id);
    if (!record) throw notFound('agent');
    return record;
  }

  list(workspaceId: string, page: PageQuery): Promise<Page<AgentRecord>> {
    return this.deps.store.listAgents(workspaceId, page);
  }

  /**
   * A config change to a running agent is checked first (the provider call a start makes) and then swapped in while
   * the agent stays RUNNING — a stop/start would leave a gap in which every customer message found the agent not
   * running and was handed to people. A config that fails the check answers 422 and changes nothing. The swap also
   * applies the agent's pending channels, as a restart would.
   */
  async update(workspaceId: string, id: string, input: UpdateAgentInput): Promise<AgentView> {
    const record = await this.get(workspaceId, id);
    let config: Record<string, unknown> | undefined;
    if (input.config) {
      const plain = this.codec.validate(record.kind, this.codec.merge(record.kind, record.config, input.config));
      await this.endpoints.check(workspaceId, configUrls(plain));
      if (record.status === 'RUNNING') {
        try {
          await this.checkConfig(workspaceId, record.kind, plain);
        } catch (error) {
          throw new AppError(
            'AGENT_CHECK_FAILED',
            `the agent keeps its current settings: ${this.deps.redactor.scrub(errorText(error))}`,
          );
        }
      }
      config = this.codec.seal(record.kind, plain);
    }
    const now = this.deps.clock.now().toISOString();
    await this.deps.store.transaction(async (tx) => {
      await tx.updateAgent(workspaceId, id, {
        name: input.name,
        description: input.description,
        config,
        updatedAt: now,
      });
      if (config && record.status === 'RUNNING') await tx.applyAgentConnections(record.id, now);
    });
    return this.view(await this.get(workspaceId, id));
  }

  /** what a start checks: an llm's key and model with the provider, a flow's graph */
  private async checkConfig(
    workspaceId: string,
    kind: AgentRecord['kind'],
    config: Record<string, unknown>,
  ): Promise<void> {
    if (kind === 'llm') {
      const llm = config as LlmConfig;
      await checkProvider(await this.httpFor(workspaceId), llm);
    } else if (kind === 'flow') {
      const issues = flowGraphIssues(config as FlowConfig);
      if (issues.length > 0)
        throw new Error(`the flow is invalid: ${issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    }
  }

  async remove(workspaceId: string, id: string): Promise<void> {
    await this.get(workspaceId, id);
    await this.deps.store.deleteAgent(workspaceId, id);
  }

  // --- lifecycle -------------------------------------------------------------------------------------------------

  async start(workspaceId: string, id: string): Promise<AgentView> {
    const record = await this.get(workspaceId, id);
    if (record.status === 'RUNNING' || record.status === 'STARTING') return this.view(record);
    if (!(await this.transition(record, 'STARTING', null, ['STOPPED', 'ERROR']))) {
      throw new AppError('CONFLICT', `agent is ${record.status}; try again when it has settled`);
    }
    await this.runStart(record);
    return this.view(await this.get(workspaceId, id));
  }

  async stop(workspaceId: string, id: string): Promise<AgentView> {
    const record = await this.get(workspaceId, id);
    if (record.status === 'STOPPED') return this.view(record);
    if (!(await this.transition(record, 'STOPPING', null, ['RUNNING', 'ERROR', 'STARTING']))) {
      throw new AppError('CONFLICT', `agent is ${record.status}; try again when it has settled`);
    }
    await this.transition(record, 'STOPPED', null, ['STOPPING']);
    this.deps.log.info({ agentId: id }, 'agent stopped');
    return this.view(await this.get(workspaceId, id));
  }

  /** at boot: finish what a stopped process left half-done (an agent's RUNNING state lives in the database) */
  async resumeAll(): Promise<void> {
    for (const record of await this.deps.store.listAgentsByStatus(['STARTING', 'STOPPING'])) {
      if (record.status === 'STOPPING') await this.transition(record, 'STOPPED', null, ['STOPPING']);
      else await this.runStart(record);
    }
  }

  private async runStart(record: AgentRecord): Promise<void> {
    try {
      const fresh = (await this.deps.store.getAgent(record.workspaceId, record.id)) ?? record;
      await this.checkConfig(
        fresh.workspaceId,
        fresh.kind,
        this.codec.validate(fresh.kind, this.codec.open(fresh.kind, fresh.config)),
      );
      const now = this.deps.clock.now().toISOString();
      await this.deps.store.transaction((tx) => tx.applyAgentConnections(record.id, now));
      if (await this.transition(record, 'RUNNING', null, ['STARTING']))
        this.deps.log.info({ agentId: record.id }, 'agent running');
    } catch (error) {
      const reason = this.deps.redactor.scrub(errorText(error));
      this.deps.log.warn({ agentId: record.id }, `agent start failed: ${reason}`);
      await this.transition(record, 'ERROR', reason, ['STARTING']);
    }
  }

  private async transition(
    record: AgentRecord,
    status: ConnectionStatus,
    reason: string | null,
    from: ConnectionStatus[],
  ): Promise<boolean> {
    const now = this.deps.clock.now().toISOString();
    const changed = await this.deps.store.transaction(async (tx) => {
      const ok = await tx.setAgentStatus(record.id, status, reason, now, from);
      if (ok)
        await tx.insertOutbox(
          [
            eventRow('agent.status', record.workspaceId, {
              agentId: record.id,
              name: record.name,
              kind: record.kind,
              status,
              statusReason: reason,
            }),
          ],
          now,
        );
      return ok;
    });
    if (changed) this.deps.afterCommit();
    return changed;
  }

  // --- channels --------------------------------------------------------------------------------------------------

  async channels(workspaceId: string, id: string): Promise<AgentChannelsView> {
    const agent = await this.get(workspaceId, id);
    const rows = await this.deps.store.listAgentConnections(agent.id);
    const data: AgentChannelView[] = [];
    for (const row of rows.filter((r) => r.attached)) {
      const connection = await this.deps.store.getConnection(workspaceId, row.connectionId);
      if (!connection) continue;
      data.push({
        connectionId: row.connectionId,
        connectionName: connection.name,
        channelType: connection.type,
        inbound: row.inbound,
        active: row.activeAttached ? { inbound: row.activeInbound } : null,
      });
    }
    const differs = (r: AgentConnectionRecord) => r.attached !== r.activeAttached || r.inbound !== r.activeInbound;
    return { data, restartRequired: agent.status === 'RUNNING' && rows.some(differs) };
  }

  /**
   * Replaces the agent's channels. A connection whose inbound traffic another agent handles answers 409 naming that
   * agent; the unique index decides when two admins race, and its violation is answered the same way.
   */
  async setChannels(
    workspaceId: string,
    id: string,
    rows: Array<{ connectionId: string; inbound: boolean }>,
  ): Promise<AgentChannelsView> {
    const agent = await this.get(workspaceId, id);
    const seen = new Set<string>();
    for (const [i, row] of rows.entries()) {
      if (seen.has(row.connectionId))
        throw new AppError('VALIDATION', `connection ${row.connectionId} is listed twice`, {
          fields: [{ field: `connections.${i}.connectionId`, message: 'listed twice' }],
        });
      seen.add(row.connectionId);
      if (!(await this.deps.store.getConnection(workspaceId, row.connectionId)))
        throw notFound(`connection ${row.connectionId}`);
    }
    // reads through `ops` only: inside the transaction the root store would wait for the transaction's connection
    const conflict = async (ops: StoreOps): Promise<AppError | undefined> => {
      for (const row of rows.filter((r) => r.inbound)) {
        const holder = await ops.findInboundHolder(row.connectionId, agent.id);
        if (holder) {
          const connection = await ops.getConnection(workspaceId, row.connectionId);
          return new AppError(
            'CONFLICT',
            `agent "${holder.name}" (${holder.id}) already handles inbound messages of connection "${connection?.name ?? row.connectionId}"; turn its Inbound off first`,
            {
              connectionId: row.connectionId,
              agentId: holder.id,
              agentName: holder.name,
            },
          );
        }
      }
      return undefined;
    };
    const now = this.deps.clock.now().toISOString();
    try {
      await this.deps.store.transaction(async (tx) => {
        const refused = await conflict(tx);
        if (refused) throw refused;
        await tx.setAgentConnections(workspaceId, agent.id, rows, now);
      });
    } catch (error) {
      if (error instanceof AppError) throw error;
      // the unique index refused a concurrent claim: answer like the check above
      throw (await conflict(this.deps.store)) ?? error;
    }
    return this.channels(workspaceId, id);
  }

  // --- the dispatcher (routing calls these) -----------------------------------------------------------------------

  inboundAgentFor(workspaceId: string, connectionId: string): Promise<string | undefined> {
    return this.deps.store.findActiveInboundAgent(workspaceId, connectionId);
  }

  async isRunning(workspaceId: string, agentId: string): Promise<boolean> {
    return (await this.deps.store.getAgent(workspaceId, agentId))?.status === 'RUNNING';
  }

  async runTurn(input: AgentTurnInput): Promise<AgentTurnOutcome> {
    const { workspaceId, agentId, conversationId, messageId } = input;
    const agent = await this.deps.store.getAgent(workspaceId, agentId);
    if (!agent || agent.status !== 'RUNNING') {
      const reason = agent ? `agent "${agent.name}" is ${agent.status}` : 'the agent no longer exists';
      return { replyMessageIds: [], replyPreviews: [], handoff: { reason }, error: reason };
    }
    const conversation = await this.deps.store.getConversation(workspaceId, conversationId);
    let message = await this.deps.store.getMessage(workspaceId, messageId);
    if (!conversation || !message || message.conversationId !== conversation.id) {
      return { replyMessageIds: [], replyPreviews: [], error: 'the conversation or message no longer exists' };
    }
    const channel = await this.deps.store.getAgentConnection(agent.id, conversation.connectionId);
    if (!channel?.activeAttached) {
      const reason = `agent "${agent.name}" is not attached to this conversation's connection`;
      return { replyMessageIds: [], replyPreviews: [], handoff: { reason }, error: reason };
    }
    const now = this.deps.clock.now();
    const freshId = newId('agturn');
    const claim = await this.deps.store.claimAgentTurn(
      {
        id: freshId,
        workspaceId,
        agentId,
        messageId,
        conversationId,
        status: 'running',
        outcome: null,
        startedAt: now.toISOString(),
        finishedAt: null,
      },
      input.staleBefore ?? new Date(now.getTime() - TURN_LEASE_MS).toISOString(),
    );
    if (claim.kind === 'done') return claim.turn.outcome as unknown as AgentTurnOutcome;
    // another worker is in the middle of this very turn: not an answer of "nothing" — the work is retried later
    if (claim.kind === 'busy') throw new Error("this message's agent turn is still running elsewhere");
    const turn = claim.turn;
    const log = this.deps.log.child({ agentId, conversationId, messageId });
    if (turn.id !== freshId) {
      // taken over from a worker that died: replies it already queued stand, and no second decision is made
      const already = (await this.deps.store.listRecentMessages(conversation.id, 50)).filter(
        (m) => m.direction === 'outbound' && m.metadata.agentTurnId === turn.id,
      );
      if (already.length > 0) {
        const outcome: AgentTurnOutcome = {
          replyMessageIds: already.map((m) => m.id),
          replyPreviews: already.map((m) => contentPreview(m.content)),
        };
        await this.deps.store.finishAgentTurn(
          turn.id,
          outcome as unknown as Record<string, unknown>,
          this.deps.clock.now().toISOString(),
        );
        log.info(
          { turnId: turn.id, replies: already.length },
          'took over an interrupted agent turn whose replies were already queued',
        );
        return outcome;
      }
    }
    const sent: { ids: string[]; previews: string[] } = { ids: [], previews: [] };
    try {
      const config = this.codec.validate(agent.kind, this.codec.open(agent.kind, agent.config));
      message = await this.withTranscript(config, message, log);
      const session = await this.deps.store.getAgentSession(agent.id, conversation.id);
      const result = await this.decide(agent, config, conversation, message, session, turn.id);
      let error = result.error;
      let handoff = result.handoff;
      for (const reply of result.replies) {
        try {
          // the queue fits the reply to the channel (core/degradation): numbered buttons, split text
          const queued = await this.messages.sendToConversation(workspaceId, conversation.id, reply, {
            agentId: agent.id,
            agentName: agent.name,
            agentTurnId: turn.id,
          });
          sent.ids.push(queued.id);
          sent.previews.push(contentPreview(queued.content));
        } catch (sendError) {
          error = `could not send the reply: ${errorText(sendError)}`;
          // a customer who opted out (STOP) is not waiting for a person either: no handoff
          if (!(sendError instanceof AppError && sendError.code === 'OPTED_OUT'))
            handoff ??= { reason: 'the agent could not send its reply' };
          break;
        }
      }
      if (error) log.warn({}, `agent turn degraded: ${this.deps.redactor.scrub(error)}`);
      const outcome: AgentTurnOutcome = {
        replyMessageIds: sent.ids,
        replyPreviews: sent.previews,
        ...(handoff ? { handoff } : {}),
        ...(error ? { error: this.deps.redactor.scrub(error) } : {}),
      };
      const at = this.deps.clock.now().toISOString();
      await this.deps.store.saveAgentSession({
        id: session?.id ?? newId('ags'),
        workspaceId,
        agentId: agent.id,
        conversationId: conversation.id,
        state: result.state ?? session?.state ?? {},
        // turns since the last handoff: a conversation given back to the agent gets a fresh budget
        turns: handoff ? 0 : (session?.turns ?? 0) + 1,
        createdAt: session?.createdAt ?? at,
        updatedAt: at,
      });
      await this.deps.store.finishAgentTurn(turn.id, outcome as unknown as Record<string, unknown>, at);
      return outcome;
    } catch (error) {
      // not a provider failure (those degrade above): let the routing row be redelivered, unless a reply already went out
      if (sent.ids.length === 0) await this.deps.store.releaseAgentTurn(turn.id).catch(() => undefined);
      throw error;
    }
  }

  private async decide(
    agent: AgentRecord,
    config: Record<string, unknown>,
    conversation: ConversationRecord,
    message: MessageRecord,
    session: AgentSessionRecord | undefined,
    turnId: string,
  ): Promise<KindResult> {
    switch (agent.kind) {
      case 'flow':
        return this.flowTurn(config as FlowConfig, conversation, message, session);
      case 'llm':
        return this.llmTurn(config as LlmConfig, conversation, session);
      case 'webhook':
        return this.webhookTurn(agent, config as WebhookAgentConfig, conversation, message, turnId);
    }
  }

  private async flowTurn(
    config: FlowConfig,
    conversation: ConversationRecord,
    message: MessageRecord,
    session: AgentSessionRecord | undefined,
  ): Promise<KindResult> {
    const content = message.content;
    const input =
      content.type === 'interactive' && content.interactive.reply
        ? { text: content.interactive.reply.title, buttonId: content.interactive.reply.id }
        : { text: contentAsText(content, message.metadata) };
    const step = runFlow(config, session ? (session.state as unknown as FlowState) : undefined, input);
    if (Object.keys(step.collect).length > 0) {
      const at = this.deps.clock.now().toISOString();
      await this.deps.store.transaction((tx) => tx.mergeContactAttributes(conversation.contactId, step.collect, at));
    }
    return { replies: step.replies, handoff: step.handoff, state: step.state as unknown as Record<string, unknown> };
  }

  private async llmTurn(
    config: LlmConfig,
    conversation: ConversationRecord,
    session: AgentSessionRecord | undefined,
  ): Promise<KindResult> {
    const handoffText = (text?: string) => {
      const t = text ?? config.handoffMessage;
      return t ? [{ type: 'text', text: t } as Content] : [];
    };
    if ((session?.turns ?? 0) >= config.maxTurns) {
      return {
        replies: handoffText(),
        handoff: { reason: `the agent reached its limit of ${config.maxTurns} turns in this conversation` },
      };
    }
    try {
      const history = await this.deps.store.listRecentMessages(conversation.id, config.historyLimit);
      const answer = await chatTurn(
        await this.httpFor(conversation.workspaceId),
        config,
        buildChatRequest(config, history),
      );
      if (answer.handoff) return { replies: handoffText(answer.text), handoff: answer.handoff };
      return { replies: [{ type: 'text', text: answer.text as string }] };
    } catch (error) {
      return {
        replies: [{ type: 'text', text: config.fallbackReply }],
        handoff: { reason: 'the AI provider failed' },
        error: errorText(error),
      };
    }
  }

  private async webhookTurn(
    agent: AgentRecord,
    config: WebhookAgentConfig,
    conversation: ConversationRecord,
    message: MessageRecord,
    turnId: string,
  ): Promise<KindResult> {
    const contact = await this.deps.store.getContact(conversation.workspaceId, conversation.contactId);
    const now = this.deps.clock.now();
    try {
      const answer = await callWebhookBot(
        await this.httpFor(conversation.workspaceId),
        config,
        {
          id: turnId,
          occurredAt: message.timestamp,
          data: {
            agent: { id: agent.id, name: agent.name },
            conversation: conversationView(conversation, now),
            message: messageView(message),
            contact: contact ? { id: contact.id, name: contact.name, attributes: contact.attributes } : null,
          },
        },
        now,
      );
      const replies =
        answer.handoff && answer.replies.length === 0 && config.handoffMessage
          ? [{ type: 'text', text: config.handoffMessage } as Content]
          : answer.replies;
      return { replies, handoff: answer.handoff };
    } catch (error) {
      return {
        replies: [{ type: 'text', text: config.fallbackReply }],
        handoff: { reason: 'the bot failed' },
        error: errorText(error),
      };
    }
  }

  /**
   * HTTP to the URLs the admin configured (model server, bot, transcription): private ranges only when the workspace
   * opted in (a local model server), link-local and metadata never — the policy as it is at this call
   */
  private httpFor(workspaceId: string): Promise<CoreDeps['http']> {
    return this.endpoints.client(workspaceId);
  }

  /**
   * A voice message is transcribed once (when speech-to-text is configured): the transcript is stored on the message
   * (`metadata.transcript`, announced as `message.updated`) and is what the agent reads. A failure is logged and the
   * agent reads "[voice message]".
   */
  private async withTranscript(
    config: Record<string, unknown>,
    message: MessageRecord,
    log: CoreDeps['log'],
  ): Promise<MessageRecord> {
    const stt = config.speechToText as (FlowConfig['speechToText'] & object) | undefined;
    if (!stt || message.content.type !== 'audio' || typeof message.metadata.transcript === 'string') return message;
    try {
      const deadline = Date.now() + stt.waitMs;
      let current = message;
      while (current.content.type === 'audio' && current.content.media.state === 'pending' && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 200));
        current = (await this.deps.store.getMessage(message.workspaceId, message.id)) ?? current;
      }
      if (current.content.type !== 'audio') return current;
      if (current.content.media.state === 'pending')
        throw new Error(`the voice message was not downloaded within ${stt.waitMs} ms`);
      if (current.content.media.state === 'failed') throw new Error('the voice message could not be downloaded');
      const audio = await this.media.access().read(current.content.media.url);
      const text = await transcribe(await this.httpFor(message.workspaceId), stt, audio, 60_000);
      const fresh = (await this.deps.store.getMessage(message.workspaceId, message.id)) ?? current;
      const updated: MessageRecord = {
        ...fresh,
        metadata: { ...fresh.metadata, transcript: text, transcriptModel: stt.model },
      };
      const at = this.deps.clock.now().toISOString();
      await this.deps.store.transaction(async (tx) => {
        await tx.replaceMessageMetadata(message.id, updated.metadata);
        await tx.insertOutbox(
          [eventRow('message.updated', message.workspaceId, { message: messageView(updated) }, message.conversationId)],
          at,
        );
      });
      this.deps.afterCommit();
      return updated;
    } catch (error) {
      log.warn({}, `voice message not transcribed: ${this.deps.redactor.scrub(errorText(error))}`);
      return message;
    }
  }
}
