/**
 * @module model/call
 * A phone call: a conversation on a voice connection carries one `call` record per call. Its state only moves
 * forward — ringing → in-progress → one final outcome — because providers report call progress out of order
 * (Twilio's status callbacks are independent requests, https://www.twilio.com/docs/voice/api/call-resource#statuscallback).
 */
import { z } from 'zod';

export const CALL_STATES = ['ringing', 'in-progress', 'completed', 'busy', 'no-answer', 'failed', 'canceled'] as const;
export type CallState = (typeof CALL_STATES)[number];
/** the outcomes a call ends with */
export const FINAL_CALL_STATES = ['completed', 'busy', 'no-answer', 'failed', 'canceled'] as const;
export type FinalCallState = (typeof FINAL_CALL_STATES)[number];

/**
 * where a transferred call rings a person: a phone number (E.164) or a SIP URI user@host[:port]
 * (https://www.twilio.com/docs/voice/twiml/sip); an operator's `phone` and a voice connection's operators. A URI
 * takes no parameters but `;user=phone` (RFC 3261 §19.1.1): `;transport=`, `;maddr=` and the like would let whoever
 * sets a phone choose how and to which host the hub sends the call, around the trunk; nor a password or `?headers`
 */
export const OPERATOR_ADDRESS = /^(\+[1-9]\d{6,14}|sips?:[^\s<>"@;?:]+@[A-Za-z0-9.-]+(:\d{1,5})?(;user=phone)?)$/;

export const CallDirectionSchema = z.enum(['inbound', 'outbound']);
export type CallDirection = z.infer<typeof CallDirectionSchema>;

export function isFinalCallState(state: CallState): state is FinalCallState {
  return (FINAL_CALL_STATES as readonly string[]).includes(state);
}

const rank = (state: CallState): number => (state === 'ringing' ? 0 : state === 'in-progress' ? 1 : 2);

/** whether a call in `from` may move to `to`: forward only, and an ended call never changes its outcome */
export function isForwardCallState(from: CallState, to: CallState): boolean {
  return rank(to) > rank(from);
}

/** a call as the API and events show it */
export interface Call {
  id: string;
  conversationId: string;
  connectionId: string;
  providerCallId: string;
  direction: CallDirection;
  /** E.164: the caller */
  from: string;
  /** E.164: the called number */
  to: string;
  state: CallState;
  startedAt: string;
  answeredAt: string | null;
  endedAt: string | null;
  /** seconds between answer and end (0 for a call nobody answered) */
  durationSeconds: number | null;
  /** who took the call: `agent:<id>`, `operator:<number>`, `machine` (answering-machine detection), `human` */
  answeredBy: string | null;
  /** why the call ended, in the provider's words where it said something */
  hangupCause: string | null;
  /** the agent an outbound call was placed for (it answers the call instead of the connection's inbound agent) */
  agentId: string | null;
  createdAt: string;
  updatedAt: string;
}

/** minutes and seconds of a call (1:12), hours first when it lasted that long (1:02:05) */
export function formatCallDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`;
}

/**
 * The inbox line of a call that ended: its outcome and length ("Call · completed · 1:12"), or "Missed call" for an
 * incoming call nobody answered. What the call left behind (its recording, a voicemail) adds to the call, so the
 * conversation keeps saying what happened instead of naming the last file.
 */
export function callPreview(
  call: Pick<Call, 'direction' | 'state' | 'answeredAt' | 'durationSeconds' | 'answeredBy'>,
  left: { voicemail?: boolean } = {},
): string {
  const outcome = call.state.replace('-', ' ');
  const voicemail = left.voicemail ? ' · voicemail' : '';
  if (call.answeredAt === null)
    return `${call.direction === 'inbound' ? 'Missed call' : `Call · ${outcome}`}${voicemail}`;
  const machine = call.answeredBy === 'machine' ? ' · answering machine' : '';
  return `Call · ${outcome}${machine} · ${formatCallDuration(call.durationSeconds ?? 0)}${voicemail}`;
}
