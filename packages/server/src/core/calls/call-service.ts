/**
 * @module core/calls/call-service
 * Phone calls as the API sees them: placing an outbound call on a voice connection (POST /api/v1/calls) and the
 * calls of a conversation. A placed call is written as the provider's first event would write it (the call's own
 * conversation, the `call` row ringing, `call.started`), in one transaction after the provider accepted it; the
 * provider's progress callbacks then move it forward through the inbound pipeline — whichever of the two comes
 * first creates the row, the unique (connection, provider call id) keeps it one.
 */
import { isChannelError } from '../../channel-kit/index.js';
import type { Call } from '../../model/index.js';
import { addressRulesFor, requireAddress } from '../contacts/address-normalizer.js';
import { applyInboundCall, callView } from '../conversations/call-writer.js';
import type { ConnectionService } from '../connections/connection-service.js';
import type { CoreDeps } from '../deps.js';
import { AppError, notFound } from '../errors.js';
import type { NewOutboxRow } from '../ports/index.js';
import { TimelineBatch } from '../conversations/timeline.js';

export interface PlaceCallRequest {
  connectionId: string;
  to: string;
  greeting?: string | undefined;
  /** the agent that answers this call (flow or LLM) instead of the connection's inbound agent */
  agentId?: string | undefined;
}

export class CallService {
  constructor(
    private readonly deps: CoreDeps,
    private readonly connections: ConnectionService,
  ) {}

  async place(workspaceId: string, input: PlaceCallRequest): Promise<Call> {
    const record = await this.connections.get(workspaceId, input.connectionId);
    const live = await this.connections.live(record.id);
    if (!live) throw notFound('connection');
    const calls = live.connector.features.calls;
    if (!calls)
      throw new AppError('UNSUPPORTED_CONTENT', `${live.connector.displayName} connections do not place phone calls`);
    if (live.record.status !== 'RUNNING')
      throw new AppError('CONNECTION_NOT_RUNNING', `the connection is ${live.record.status}: start it to place calls`);
    const rules = addressRulesFor(live.connector, live.config);
    const to = requireAddress(rules, input.to, 'to');
    if (input.agentId !== undefined) await this.checkAgent(workspaceId, input.agentId, live.record.id);
    let placed;
    try {
      placed = await calls.place(
        { to, ...(input.greeting ? { greeting: input.greeting } : {}) },
        this.connections.context(live, AbortSignal.timeout(this.deps.settings.connectorTimeoutMs)),
      );
    } catch (error) {
      throw await this.refused(live.record.id, error);
    }
    const now = this.deps.clock.now().toISOString();
    const outbox: NewOutboxRow[] = [];
    const call = await this.deps.store.transaction(async (tx) => {
      await applyInboundCall(
        { tx, connection: live.record, now, windowHours: undefined, addressRules: rules, outbox },
        {
          ...(input.agentId !== undefined ? { agentId: input.agentId } : {}),
          kind: 'call',
          providerCallId: placed.providerCallId,
          direction: 'outbound',
          customer: { address: placed.to },
          business: placed.from,
          threadKey: placed.providerCallId,
          state: 'ringing',
          timestamp: now,
        },
      );
      await tx.insertOutbox(outbox, now);
      let stored = await tx.findCallByProviderId(live.record.id, placed.providerCallId);
      // the provider's first callback may have written the call before us: it names no agent yet
      if (stored && input.agentId !== undefined && stored.agentId === null) {
        await tx.setCallAgent(stored.id, input.agentId);
        stored = { ...stored, agentId: input.agentId };
      }
      // the named agent answers the callee (compare-and-set: routing may have decided first, on a fast callback)
      if (stored && input.agentId !== undefined) {
        const routed = await tx.routing.setConversationRouting(
          stored.conversationId,
          { handler: 'agent', agentId: input.agentId, assigneeId: null, updatedAt: now },
          { handler: null },
        );
        if (routed) {
          const batch = new TimelineBatch(workspaceId, stored.conversationId, now);
          batch.add('call.agent', 'system', { agentId: input.agentId, callId: stored.id });
          await batch.write(tx, true, new Date(now));
        }
      }
      return stored;
    });
    this.deps.afterCommit();
    if (!call) throw new Error('the placed call was not stored');
    await this.connections.log(live.record.id, 'info', 'call_placed', `call ${call.id} to ${to} placed`);
    return callView(call);
  }

  /**
   * the agent named for a call: of this workspace (404 otherwise, as for any id of another), running and applied to
   * the connection (409: it would hand the call to people at its first turn, "not attached")
   */
  private async checkAgent(workspaceId: string, agentId: string, connectionId: string): Promise<void> {
    const agent = await this.deps.store.getAgent(workspaceId, agentId);
    if (!agent) throw notFound('agent');
    if (agent.status !== 'RUNNING')
      throw new AppError('CONFLICT', `agent ${agent.name} is ${agent.status}: start it to place calls for it`, {
        agentId,
      });
    const applied = (await this.deps.store.listAgentConnections(agentId)).some(
      (c) => c.connectionId === connectionId && c.activeAttached,
    );
    if (!applied)
      throw new AppError(
        'CONFLICT',
        `agent ${agent.name} is not attached to this connection: attach it (and restart it) to place calls for it`,
        { agentId, connectionId },
      );
  }

  /** the calls of a conversation, oldest first (404 for a conversation of another workspace) */
  async ofConversation(workspaceId: string, conversationId: string): Promise<Call[]> {
    const conversation = await this.deps.store.getConversation(workspaceId, conversationId);
    if (!conversation) throw notFound('conversation');
    return (await this.deps.store.listCallsOfConversation(workspaceId, conversationId)).map(callView);
  }

  /** a provider's refusal as the API's answer: a refused credential also turns the connection ERROR */
  private async refused(connectionId: string, error: unknown): Promise<AppError> {
    if (!isChannelError(error)) return new AppError('UNAVAILABLE', 'the call could not be placed');
    const message = this.deps.redactor.scrub(error.message);
    await this.connections.log(connectionId, 'warn', 'call_refused', `the provider refused the call: ${message}`);
    if (error.code === 'AUTH') {
      await this.connections.markError(connectionId, message);
      return new AppError('CALL_FAILED', `the provider refused the connection's credentials: ${message}`, {
        code: error.code,
        providerCode: error.providerCode,
      });
    }
    if (error.code === 'RATE_LIMITED') return new AppError('RATE_LIMITED', message);
    if (error.retryable) return new AppError('UNAVAILABLE', message);
    return new AppError('CALL_FAILED', message, { code: error.code, providerCode: error.providerCode });
  }
}
