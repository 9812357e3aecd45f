/**
 * @module core/conversations/call-writer
 * Writes a provider's call event inside the inbound transaction: the first event of a call finds or creates the
 * customer's contact, opens the call's conversation (its thread is the call, so each call is a session of its own)
 * and inserts the `call` row; every event then moves the call's state forward only, by compare-and-set, with the
 * times it implies (answered, ended, duration); a live call's `answeredBy` may change without its state (a transfer
 * answered by an operator). Each change is one outbox event: `call.started`, `call.updated`,
 * `call.ended`, which the event stream and outgoing webhooks carry.
 */
import {
  callPreview,
  isFinalCallState,
  isForwardCallState,
  newId,
  type Call,
  type InboundCallEvent,
} from '../../model/index.js';
import { providerAddress } from '../contacts/address-normalizer.js';
import { eventRow } from '../events.js';
import type { CallPatch, CallRecord } from '../ports/index.js';
import {
  conversationView,
  findOrOpenConversation,
  isVoicemail,
  upsertContact,
  type WriteContext,
} from './conversation-writer.js';

export function callView(c: CallRecord): Call {
  return {
    id: c.id,
    conversationId: c.conversationId,
    connectionId: c.connectionId,
    providerCallId: c.providerCallId,
    direction: c.direction,
    from: c.from,
    to: c.to,
    state: c.state,
    startedAt: c.startedAt,
    answeredAt: c.answeredAt,
    endedAt: c.endedAt,
    durationSeconds: c.durationSeconds,
    answeredBy: c.answeredBy,
    hangupCause: c.hangupCause,
    agentId: c.agentId ?? null,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
  };
}

/** what moving `call` to the event's state sets: the answer time on answer; end time, duration and cause at the end */
export function callPatch(call: CallRecord, event: InboundCallEvent, now: string): CallPatch {
  const patch: CallPatch = { state: event.state, updatedAt: now };
  if (event.answeredBy) patch.answeredBy = event.answeredBy;
  if (event.state === 'in-progress') {
    patch.answeredAt = call.answeredAt ?? event.timestamp;
    return patch;
  }
  const endedAt = event.timestamp;
  let answeredAt = call.answeredAt;
  // the final callback may overtake the answered one: the billed duration tells when it was answered
  if (answeredAt === null && event.state === 'completed' && event.durationSeconds !== undefined)
    answeredAt = new Date(Date.parse(endedAt) - event.durationSeconds * 1000).toISOString();
  patch.endedAt = endedAt;
  if (answeredAt !== call.answeredAt) patch.answeredAt = answeredAt;
  patch.durationSeconds =
    event.durationSeconds ??
    (answeredAt === null ? 0 : Math.max(0, Math.round((Date.parse(endedAt) - Date.parse(answeredAt)) / 1000)));
  if (event.hangupCause) patch.hangupCause = event.hangupCause;
  else if (event.state !== 'completed') patch.hangupCause = event.state;
  return patch;
}

/** a call event as the hub writes it: the provider's, plus the agent a call we placed was placed for */
export type CallWrite = InboundCallEvent & { agentId?: string };

async function firstEvent(ctx: WriteContext, event: CallWrite): Promise<CallRecord> {
  const { tx, connection, now, outbox } = ctx;
  const customer = providerAddress(ctx.addressRules, event.customer.address);
  const business = providerAddress(ctx.addressRules, event.business);
  const { contactId } = await upsertContact(
    tx,
    connection.workspaceId,
    connection.type,
    customer,
    event.customer.name,
    connection.id,
    now,
    outbox,
  );
  const conversation = await findOrOpenConversation(
    tx,
    connection,
    contactId,
    customer,
    event.threadKey ?? event.providerCallId,
    now,
    outbox,
    { senderAddress: business },
  );
  const inbound = event.direction === 'inbound';
  const call: CallRecord = {
    id: newId('call'),
    workspaceId: connection.workspaceId,
    conversationId: conversation.id,
    connectionId: connection.id,
    providerCallId: event.providerCallId,
    direction: event.direction,
    from: inbound ? customer : business,
    to: inbound ? business : customer,
    state: 'ringing',
    startedAt: event.timestamp,
    answeredAt: null,
    endedAt: null,
    durationSeconds: null,
    answeredBy: null,
    hangupCause: null,
    agentId: event.agentId ?? null,
    createdAt: now,
    updatedAt: now,
  };
  if (!(await tx.insertCall(call))) {
    const winner = await tx.findCallByProviderId(connection.id, event.providerCallId);
    if (!winner) throw new Error('call vanished during insert');
    return winner;
  }
  outbox.push(eventRow('call.started', connection.workspaceId, { call: callView(call) }, call.conversationId));
  return call;
}

/** Applies a call event; a state that is not forward of the stored one (a late or repeated callback) changes nothing. */
export async function applyInboundCall(ctx: WriteContext, event: CallWrite): Promise<void> {
  const { tx, connection, now, outbox } = ctx;
  let call = (await tx.findCallByProviderId(connection.id, event.providerCallId)) ?? (await firstEvent(ctx, event));
  for (let attempt = 0; attempt < 3; attempt++) {
    // a live call taken by someone else (an operator after a transfer) names them without moving its state: only an
    // answered call, and only to an operator — a ringing call has nobody to hand over, and an agent never takes a
    // call back from a person
    const renamed =
      event.state === 'in-progress' &&
      call.state === 'in-progress' &&
      event.answeredBy !== undefined &&
      event.answeredBy.startsWith('operator:') &&
      event.answeredBy !== call.answeredBy;
    if (!renamed && !isForwardCallState(call.state, event.state)) return;
    const patch: CallPatch = renamed
      ? { state: call.state, answeredBy: event.answeredBy ?? null, updatedAt: now }
      : callPatch(call, event, now);
    if (await tx.updateCallState(call.id, call.state, patch)) {
      const updated: CallRecord = { ...call, ...patch };
      const type = isFinalCallState(event.state) ? 'call.ended' : 'call.updated';
      outbox.push(eventRow(type, connection.workspaceId, { call: callView(updated) }, call.conversationId));
      if (isFinalCallState(event.state)) await previewEndedCall(ctx, updated);
      return;
    }
    // another writer moved it meanwhile: read it again and decide on what it is now
    const again = await tx.findCallByProviderId(connection.id, event.providerCallId);
    if (!again) return;
    call = again;
  }
}

/**
 * The conversation of a call that ended reads as the call in the inbox ("Call · completed · 1:12", "Missed call"),
 * at the time it ended; the recording and voicemail that may follow keep that line (conversation-writer).
 */
async function previewEndedCall(ctx: WriteContext, call: CallRecord): Promise<void> {
  const { tx, connection, now, outbox } = ctx;
  const conversation = await tx.getConversation(connection.workspaceId, call.conversationId);
  if (!conversation) return;
  const endedAt = call.endedAt ?? now;
  const lastMessageAt =
    conversation.lastMessageAt !== null && conversation.lastMessageAt > endedAt ? conversation.lastMessageAt : endedAt;
  // a voicemail may be stored before the end is reported (the provider's callbacks race): it still counts
  const recent = await tx.listRecentMessages(conversation.id, 20);
  const voicemail = recent.some((m) => m.metadata.call === call.providerCallId && isVoicemail(m.metadata));
  const patch = { lastMessagePreview: callPreview(call, { voicemail }), lastMessageAt, updatedAt: now };
  await tx.updateConversation(conversation.id, patch);
  outbox.push(
    eventRow(
      'conversation.updated',
      connection.workspaceId,
      { conversation: conversationView({ ...conversation, ...patch }, new Date(now)) },
      conversation.id,
    ),
  );
}
