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

export interface PlaceCallRequest {
  connectionId: string;
  to: string;
  greeting?: string | undefined;
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
      return tx.findCallByProviderId(live.record.id, placed.providerCallId);
    });
    this.deps.afterCommit();
    if (!call) throw new Error('the placed call was not stored');
    await this.connections.log(live.record.id, 'info', 'call_placed', `call ${call.id} to ${to} placed`);
    return callView(call);
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
