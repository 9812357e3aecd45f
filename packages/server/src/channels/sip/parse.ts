/**
 * @module channels/sip/parse — what the SIP user agent (ua.ts) hands the hub, into events. Each update is one JSON
 * object the agent wrote while the call ran; parse is pure, so the stored update gives the same events again:
 * - `call`: the call's state (ringing, in-progress, an outcome), forward only in the hub (core call-writer);
 * - `utterance`: what the caller said, cut by the voice-activity detector: an audio message whose file (8 kHz WAV)
 *   waits in the connection's spool until the media job fetches it (fetchMedia) and the agent's speech-to-text
 *   reads it;
 * - `dtmf`: a key the caller pressed (RFC 4733), a text message of its digit;
 * - `recording`: both parties in one stereo WAV, attached when the call ends (a record, routed to nobody); after a
 *   transfer the hub's channel holds the agent and then the operator, who is named;
 * - `voicemail`: what the caller left when no operator answered (8 kHz mono WAV), a message for a person to call back
 *   (no agent answers it: the call is over); transcribed by the hub like an utterance.
 */
import { z } from 'zod';
import type { WebhookOutcome, WebhookRequest } from '../../channel-kit/index.js';
import { CALL_STATES, type InboundEvent } from '../../model/index.js';
import type { SipConfig } from './config.js';

export const EVENT_HEADER = 'x-sip-event';
/** the spool's file names: made by the agent, never a path */
export const SPOOL_FILE = /^[a-z0-9-]{1,80}\.wav$/;

const base = {
  callId: z.string().min(1).max(300),
  customer: z.string().min(1).max(100),
  business: z.string().min(1).max(100),
  at: z.string().min(1).max(40),
};
const updateSchema = z.discriminatedUnion('event', [
  z.object({
    event: z.literal('call'),
    ...base,
    direction: z.enum(['inbound', 'outbound']),
    state: z.enum(CALL_STATES),
    durationSeconds: z.number().int().min(0).optional(),
    hangupCause: z.string().max(500).optional(),
    /** who took the call after a transfer: `operator:<address>` */
    answeredBy: z.string().max(200).optional(),
  }),
  z.object({
    event: z.literal('utterance'),
    ...base,
    seq: z.number().int().min(0),
    file: z.string().regex(SPOOL_FILE),
    startMs: z.number().int().min(0),
    durationMs: z.number().int().min(0),
    level: z.number().min(0),
    bargeIn: z.boolean().optional(),
  }),
  z.object({
    event: z.literal('dtmf'),
    ...base,
    seq: z.number().int().min(0),
    digit: z.string().regex(/^[0-9*#A-D]$/),
    /** the key asked for a person (0): the first operator the transfer rings */
    transfer: z.string().max(200).optional(),
  }),
  z.object({
    event: z.literal('recording'),
    ...base,
    file: z.string().regex(SPOOL_FILE),
    durationSeconds: z.number().min(0),
    /** the operator the call was transferred to, whose part is on the hub's channel */
    operator: z.string().max(200).optional(),
  }),
  z.object({
    event: z.literal('voicemail'),
    ...base,
    file: z.string().regex(SPOOL_FILE),
    durationSeconds: z.number().min(0),
  }),
]);
export type SipUpdate = z.infer<typeof updateSchema>;

export function sipEventKey(req: WebhookRequest): string | undefined {
  return req.headers[EVENT_HEADER];
}

export function parseSip(req: WebhookRequest, _config: SipConfig): WebhookOutcome {
  let json: unknown;
  try {
    json = JSON.parse(req.rawBody.toString('utf8'));
  } catch {
    return { kind: 'ignored', reason: 'not a JSON update of the SIP agent' };
  }
  const parsed = updateSchema.safeParse(json);
  if (!parsed.success) return { kind: 'ignored', reason: 'not an update of the SIP agent' };
  const u = parsed.data;
  const common = { from: { address: u.customer }, to: u.business, threadKey: u.callId, timestamp: u.at };
  let event: InboundEvent;
  switch (u.event) {
    case 'call':
      event = {
        kind: 'call',
        providerCallId: u.callId,
        direction: u.direction,
        customer: { address: u.customer },
        business: u.business,
        threadKey: u.callId,
        state: u.state,
        timestamp: u.at,
        ...(u.durationSeconds !== undefined ? { durationSeconds: u.durationSeconds } : {}),
        ...(u.hangupCause ? { hangupCause: u.hangupCause } : {}),
        ...(u.answeredBy ? { answeredBy: u.answeredBy } : {}),
      };
      break;
    case 'utterance':
      event = {
        kind: 'message',
        providerMessageId: `${u.callId}:u${u.seq}`,
        ...common,
        content: {
          type: 'audio',
          media: { url: '', providerMediaId: u.file, mimeType: 'audio/wav', fileName: u.file, caption: 'Caller' },
        },
        metadata: {
          call: u.callId,
          speech: true,
          utterance: { startMs: u.startMs, durationMs: u.durationMs, level: Math.round(u.level) },
          ...(u.bargeIn ? { bargeIn: true } : {}),
        },
      };
      break;
    case 'dtmf':
      event = {
        kind: 'message',
        providerMessageId: `${u.callId}:d${u.seq}`,
        ...common,
        content: { type: 'text', text: u.digit },
        metadata: { call: u.callId, dtmf: u.digit, ...(u.transfer ? { transfer: u.transfer } : {}) },
        // the caller asked for a person: no agent answers it (its answer would talk over the transfer)
        ...(u.transfer ? { automated: true } : {}),
      };
      break;
    case 'recording':
      event = {
        kind: 'message',
        providerMessageId: `${u.callId}:recording`,
        ...common,
        content: {
          type: 'audio',
          media: {
            url: '',
            providerMediaId: u.file,
            mimeType: 'audio/wav',
            fileName: u.file,
            caption: 'Call recording',
          },
        },
        metadata: {
          call: u.callId,
          recording: {
            source: 'call',
            channels: 2,
            durationSeconds: u.durationSeconds,
            ...(u.operator ? { operator: u.operator } : {}),
          },
        },
        passive: true,
      };
      break;
    case 'voicemail':
      event = {
        kind: 'message',
        providerMessageId: `${u.callId}:voicemail`,
        ...common,
        content: {
          type: 'audio',
          media: { url: '', providerMediaId: u.file, mimeType: 'audio/wav', fileName: u.file, caption: 'Voicemail' },
        },
        metadata: {
          call: u.callId,
          voicemail: { durationSeconds: u.durationSeconds },
          recording: { source: 'voicemail', channels: 1, durationSeconds: u.durationSeconds },
        },
        // like Twilio Voice's voicemail: for a person calling back, not for an agent (the call is over)
        automated: true,
      };
      break;
  }
  return { kind: 'events', events: [event] };
}
