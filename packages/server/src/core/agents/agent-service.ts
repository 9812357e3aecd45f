/**
 * @module core/agents/agent-service
 * Agents (flow, llm, webhook) as admins manage them: CRUD, the start/stop lifecycle (the connection statuses:
 * STOPPED → STARTING → RUNNING | ERROR(reason); STOPPING → STOPPED, each a compare-and-set plus an `agent.status`
 * event) and their channels (desired on the agent's page, applied when the agent starts; one inbound agent per
 * connection, held by a unique index). The turns routing asks for are core/agents/agent-turns.ts.
 */
import { newId } from '../../model/index.js';
import { AppError, notFound } from '../errors.js';
import { eventRow } from '../events.js';
import type {
  AgentConnectionRecord,
  AgentKind,
  AgentRecord,
  ConnectionStatus,
  Page,
  PageQuery,
  StoreOps,
} from '../ports/index.js';
import type { CoreDeps } from '../deps.js';
import type { ConnectionService } from '../connections/connection-service.js';
import { AdminEndpoints } from '../security/admin-endpoints.js';
import {
  AgentConfigCodec,
  agentCatalog,
  isAgentKind,
  AGENT_KINDS,
  type FlowConfig,
  type LlmConfig,
} from './agent-config.js';
import { flowGraphIssues, runFlow, type FlowState, type FlowStep } from './flow-engine.js';
import { checkProvider } from './llm-agent.js';

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

export interface InboundHolderView {
  connectionId: string;
  connectionName: string;
  agentId: string;
  agentName: string;
  active: boolean;
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

export class AgentService {
  readonly codec: AgentConfigCodec;
  private readonly endpoints: AdminEndpoints;

  constructor(
    private readonly deps: CoreDeps,
    private readonly connections: ConnectionService,
    /** a line stopped with its agent that answers callers with its closed message while stopped (a SIP listener) */
    private readonly closeLine: (connectionId: string) => Promise<void> = () => Promise.resolve(),
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
      await checkProvider(await this.endpoints.client(workspaceId), llm);
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
    await this.followAgent(record, 'stop');
    return this.view(await this.get(workspaceId, id));
  }

  /** at boot: finish what a stopped process left half-done (an agent's RUNNING state lives in the database) */
  async resumeAll(): Promise<void> {
    for (const record of await this.deps.store.listAgentsByStatus(['STARTING', 'STOPPING'])) {
      if (record.status === 'STOPPING') await this.transition(record, 'STOPPED', null, ['STOPPING']);
      else await this.runStart(record);
    }
    // the lines of stopped agents go on telling callers they are closed, as they did before the process stopped
    for (const record of await this.deps.store.listAgentsByStatus(['STOPPED'])) await this.closeLinesOf(record);
  }

  private async closeLinesOf(record: AgentRecord): Promise<void> {
    for (const row of await this.deps.store.listAgentConnections(record.id)) {
      if (!row.activeInbound) continue;
      const connection = await this.deps.store.getConnection(record.workspaceId, row.connectionId);
      if (connection?.status !== 'STOPPED' || this.deps.registry.get(connection.type)?.capabilities.spoken !== true)
        continue;
      await this.closeLine(connection.id).catch((error: unknown) =>
        this.deps.log.warn(
          { agentId: record.id, connectionId: connection.id },
          `the closed line did not start: ${this.deps.redactor.scrub(errorText(error))}`,
        ),
      );
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
      if (await this.transition(record, 'RUNNING', null, ['STARTING'])) {
        this.deps.log.info({ agentId: record.id }, 'agent running');
        await this.followAgent(record, 'start');
      }
    } catch (error) {
      const reason = this.deps.redactor.scrub(errorText(error));
      this.deps.log.warn({ agentId: record.id }, `agent start failed: ${reason}`);
      await this.transition(record, 'ERROR', reason, ['STARTING']);
    }
  }

  /**
   * Phone lines have no lifecycle of their own: the voice connections this agent answers (inbound applied) start
   * when it starts (pointing the numbers at us) and stop when it stops — a stopped line tells callers it is closed.
   * A line that fails to start shows it on its own status; the agent runs anyway (its other channels work).
   */
  private async followAgent(record: AgentRecord, action: 'start' | 'stop'): Promise<void> {
    for (const row of await this.deps.store.listAgentConnections(record.id)) {
      if (!row.activeInbound) continue;
      const connection = await this.deps.store.getConnection(record.workspaceId, row.connectionId);
      if (!connection || this.deps.registry.get(connection.type)?.capabilities.spoken !== true) continue;
      const wanted = action === 'start' ? connection.status === 'STOPPED' : connection.status === 'RUNNING';
      if (!wanted) continue;
      try {
        if (action === 'start') await this.connections.start(record.workspaceId, connection.id);
        else {
          await this.connections.stop(record.workspaceId, connection.id);
          await this.closeLine(connection.id);
        }
        await this.connections.log(
          connection.id,
          'info',
          action === 'start' ? 'started_with_agent' : 'stopped_with_agent',
          `${action === 'start' ? 'started' : 'stopped'} with its agent ${record.name}`,
        );
      } catch (error) {
        this.deps.log.warn(
          { agentId: record.id, connectionId: connection.id },
          `the voice line did not ${action} with its agent: ${this.deps.redactor.scrub(errorText(error))}`,
        );
      }
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

  /**
   * one turn of a flow bot as it would run, for the editor's "try it" pane: the config as edited (not saved), the
   * state the previous try turn left (null: a new conversation), what the customer writes or taps. Nothing is
   * stored or sent; fields the flow collects are only listed
   */
  tryFlow(
    config: Record<string, unknown>,
    state: FlowState | null,
    input: { text: string; buttonId?: string },
  ): FlowStep {
    const valid = this.codec.validate('flow', config) as FlowConfig;
    return runFlow(valid, state ?? undefined, input);
  }

  /**
   * which agent answers each connection's inbound messages (the admin's setting), and whether it does now (running
   * with it applied): what Settings › Channels and the agent page show before anyone tries to take it
   */
  async inboundHolders(workspaceId: string): Promise<InboundHolderView[]> {
    const out: InboundHolderView[] = [];
    let cursor: string | undefined;
    for (let pages = 0; pages < 100; pages++) {
      const page = await this.deps.store.listConnections(workspaceId, { limit: 200, cursor });
      for (const connection of page.data) {
        const holder = await this.deps.store.findInboundHolder(connection.id, '');
        if (!holder) continue;
        const activeId = await this.deps.store.findActiveInboundAgent(workspaceId, connection.id);
        out.push({
          connectionId: connection.id,
          connectionName: connection.name,
          agentId: holder.id,
          agentName: holder.name,
          active: activeId === holder.id,
        });
      }
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    return out;
  }

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
            // names only: the app shows this as it is; the ids are in the details for API clients
            `"${holder.name}" already answers new conversations on "${connection?.name ?? 'this connection'}" — turn its Inbound off first, or leave Inbound off here`,
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
        // a running agent takes its new channels at once, as a settings change does: nobody has to restart it
        if (agent.status === 'RUNNING') await tx.applyAgentConnections(agent.id, now);
      });
    } catch (error) {
      if (error instanceof AppError) throw error;
      // the unique index refused a concurrent claim: answer like the check above
      throw (await conflict(this.deps.store)) ?? error;
    }
    return this.channels(workspaceId, id);
  }
}
