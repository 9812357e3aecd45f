/**
 * @module channels/twilio-voice/parse — Twilio's voice webhooks into events, each step of a call answered with the
 * TwiML of the next (twiml.ts). Pure: what a request yields depends only on it and the config.
 *
 * - a new call (the number's Voice URL, https://www.twilio.com/docs/voice/twiml#request-parameters): the call,
 *   answered; the greeting is spoken and the caller listened to;
 * - `answered` (the Url of a call we placed, with AnsweredBy from answering-machine detection,
 *   https://www.twilio.com/docs/voice/answering-machine-detection): the same for the callee;
 * - `gather` (<Gather> action: SpeechResult + Confidence, or Digits): the caller's utterance or keys as a message of
 *   the call's conversation; the caller is held until the hub's answer replaces the hold (send.ts). Pressing 0 with
 *   operators configured transfers the call at once;
 * - `dialed` (<Dial> action: DialCallStatus): a transfer nobody took rings the next operator, after the last one
 *   a voicemail;
 * - `transcribed` (<Record transcribeCallback>: TranscriptionText, TranscriptionStatus): the voicemail's words as
 *   a text message of the call (searchable like any);
 * - `status` (StatusCallback: CallStatus, CallDuration, ErrorCode, https://www.twilio.com/docs/voice/api/call-resource#statuscallback):
 *   the call's state, forward only in the hub;
 * - `recording` (recordingStatusCallback: RecordingSid, RecordingUrl, RecordingDuration,
 *   https://www.twilio.com/docs/voice/api/recording#recordingstatuscallback): the recording as an audio message,
 *   its file fetched into our media store by the hub's media job (fetchMedia in api.ts).
 */
import { formParams, type HttpReply, type WebhookOutcome, type WebhookRequest } from '../../channel-kit/index.js';
import type { CallState, InboundCallEvent, InboundEvent, InboundMessageEvent } from '../../model/index.js';
import type { TwilioVoiceConfig } from './config.js';
import { stepOf } from './verify.js';
import {
  closed,
  hold,
  listen,
  operatorsOf,
  say,
  splitOperators,
  startRecording,
  transfer,
  twimlReply,
  voicemail,
} from './twiml.js';

export const EMPTY_TWIML: HttpReply = twimlReply([]);

/**
 * marks a status update the hub made itself at start from a fetched call (api.ts reconcileCalls): only a listened
 * update (`listen:` URL, never a webhook from outside) carries it
 */
export const RECONCILED_HEADER = 'x-switchboard-reconciled';

/** a listened update of this connection (reconcileCalls), not a webhook Twilio sent */
export const isReconciled = (req: Pick<WebhookRequest, 'url' | 'headers'>): boolean =>
  req.url.startsWith('listen:') && req.headers[RECONCILED_HEADER] === 'fetched';

const CALL_SID = /^CA[0-9a-fA-F]{32}$/;
const RECORDING_SID = /^RE[0-9a-fA-F]{32}$/;

/** Twilio's CallStatus → the hub's call state (queued and initiated are a call not yet ringing: ringing) */
const STATES: Record<string, CallState> = {
  queued: 'ringing',
  initiated: 'ringing',
  ringing: 'ringing',
  'in-progress': 'in-progress',
  completed: 'completed',
  busy: 'busy',
  'no-answer': 'no-answer',
  failed: 'failed',
  canceled: 'canceled',
};

/** AnsweredBy of answering-machine detection: a person, or a machine of some kind */
function answeredBy(value: string | undefined): string | undefined {
  if (!value || value === 'unknown') return undefined;
  return value === 'human' ? 'human' : value.startsWith('machine') || value === 'fax' ? 'machine' : undefined;
}

/** the hub's webhook URL this request came to, without our step query */
function webhookOf(req: WebhookRequest): string {
  const url = new URL(req.url);
  url.search = '';
  url.hash = '';
  return url.toString();
}

interface CallParams {
  sid: string;
  inbound: boolean;
  customer: string;
  business: string;
}

function callParams(p: (k: string) => string | undefined): CallParams | undefined {
  const sid = p('CallSid');
  const from = p('From')?.trim();
  const to = p('To')?.trim();
  if (!sid || !CALL_SID.test(sid) || !from || !to) return undefined;
  // outbound-api (a call we placed) and outbound-dial legs have the customer in To
  const inbound = !(p('Direction') ?? 'inbound').startsWith('outbound');
  return { sid, inbound, customer: inbound ? from : to, business: inbound ? to : from };
}

function callEvent(
  c: CallParams,
  state: CallState,
  at: string,
  extra: Partial<InboundCallEvent> = {},
): InboundCallEvent {
  return {
    kind: 'call',
    providerCallId: c.sid,
    direction: c.inbound ? 'inbound' : 'outbound',
    customer: { address: c.customer },
    business: c.business,
    threadKey: c.sid,
    state,
    timestamp: at,
    ...extra,
  };
}

function utterance(
  c: CallParams,
  id: string,
  text: string,
  at: string,
  metadata: Record<string, unknown>,
): InboundMessageEvent {
  return {
    kind: 'message',
    providerMessageId: `${c.sid}:${id}`,
    from: { address: c.customer },
    to: c.business,
    threadKey: c.sid,
    content: { type: 'text', text },
    timestamp: at,
    metadata: { call: c.sid, ...metadata },
  };
}

const events = (list: InboundEvent[], reply: HttpReply = EMPTY_TWIML): WebhookOutcome => ({
  kind: 'events',
  events: list,
  reply,
});

export function parseTwilioVoice(req: WebhookRequest, config: TwilioVoiceConfig): WebhookOutcome {
  const params = formParams(req);
  const p = (k: string) => params.get(k)?.[0];
  const account = p('AccountSid');
  if (account !== config.accountSid) return { kind: 'ignored', reason: 'not a request of this Twilio account' };
  const at = req.receivedAt ?? new Date(0).toISOString();
  let query: URLSearchParams;
  let webhook: string;
  try {
    query = new URL(req.url).searchParams;
    webhook = webhookOf(req);
  } catch {
    return { kind: 'ignored', reason: 'not a URL of this connection' };
  }
  if (req.url.startsWith('listen:'))
    return isReconciled(req) ? parseReconciled(p, at) : { kind: 'ignored', reason: 'not an update of this connector' };
  const step = stepOf(req);
  if (step === 'recording') return parseRecording(p, query, at);
  const c = callParams(p);
  if (!c) return { kind: 'ignored', reason: 'no CallSid, From and To' };
  // a gather id unique within the call, the same when the stored request is parsed again
  const listenId = `l${Date.parse(at) || 0}`;
  switch (step) {
    case 'call': {
      if (!c.inbound) return { kind: 'ignored', reason: 'an outbound call on the Voice URL' };
      // a call we place is recorded by Calls.json's Record; one we take, from its first verb
      const reply = twimlReply([
        ...(config.recordCalls ? [startRecording(webhook, c.customer)] : []),
        say(config, config.greeting),
        ...listen(config, webhook, 'greeting'),
      ]);
      return events([callEvent(c, 'ringing', at), callEvent(c, 'in-progress', at)], reply);
    }
    case 'answered': {
      const by = answeredBy(p('AnsweredBy'));
      const answered = callEvent(c, 'in-progress', at, by ? { answeredBy: by } : {});
      // a machine took the call: the greeting is left on it and the call ends (nobody is there to listen)
      if (by === 'machine')
        return events(
          [answered],
          twimlReply([say(config, query.get('greeting') ?? config.greeting), { name: 'Hangup' }]),
        );
      const greeting = query.get('greeting') ?? config.greeting;
      return events([answered], twimlReply([say(config, greeting), ...listen(config, webhook, 'greeting')]));
    }
    case 'gather': {
      const gather = (query.get('g') ?? '').slice(0, 100) || listenId;
      const digits = p('Digits')?.trim();
      const speech = p('SpeechResult')?.trim();
      if (digits && /^[0-9*#]{1,32}$/.test(digits)) {
        const message = utterance(c, gather, digits, at, { dtmf: digits });
        const operators = operatorsOf(config);
        if (digits === '0' && operators.length > 0)
          // the caller asked for a person: marked so that no agent answers it (its answer would cut the transfer)
          return events(
            [{ ...message, automated: true, metadata: { ...message.metadata, transfer: operators[0] } }],
            twimlReply(transfer(config, webhook, operators, c.customer)),
          );
        return events([message], twimlReply(hold(webhook)));
      }
      if (speech) {
        const confidence = Number.parseFloat(p('Confidence') ?? '');
        const metadata = {
          speech: true,
          transcript: speech.slice(0, 4096),
          ...(Number.isFinite(confidence) ? { confidence: Math.min(1, Math.max(0, confidence)) } : {}),
        };
        return events([utterance(c, gather, speech.slice(0, 4096), at, metadata)], twimlReply(hold(webhook)));
      }
      return {
        kind: 'ignored',
        reason: 'a gather without speech or keys',
        reply: twimlReply(listen(config, webhook, listenId, 1)),
      };
    }
    case 'listen': {
      const silences = Math.min(99, Number.parseInt(query.get('s') ?? '0', 10) || 0);
      return {
        kind: 'ignored',
        reason: 'listening again',
        reply: twimlReply(listen(config, webhook, listenId, silences)),
      };
    }
    case 'dialed': {
      const outcome = p('DialCallStatus') ?? '';
      if (outcome === 'completed' || outcome === 'answered')
        return { kind: 'ignored', reason: 'the transfer was answered', reply: twimlReply([{ name: 'Hangup' }]) };
      // the list the transfer began with (signed in the URL), or the connection's for a transfer of an older build
      const ringing = query.has('ops') ? splitOperators(query.get('ops')) : operatorsOf(config);
      const next = (Number.parseInt(query.get('i') ?? '0', 10) || 0) + 1;
      if (next < ringing.length && next < 20)
        return {
          kind: 'ignored',
          reason: `the transfer ended ${outcome || 'unanswered'}: ringing the next operator`,
          reply: twimlReply(transfer(config, webhook, ringing, query.get('customer') ?? c.customer, next)),
        };
      const reply = config.voicemail
        ? voicemail(config, webhook, c.customer)
        : [say(config, 'Sorry, nobody is available right now. Please call again later.'), { name: 'Hangup' }];
      return { kind: 'ignored', reason: `the transfer ended ${outcome || 'unanswered'}`, reply: twimlReply(reply) };
    }
    case 'transcribed':
      return parseTranscription(c, p, query, at);
    case 'recorded':
      return {
        kind: 'ignored',
        reason: 'the voicemail was recorded',
        reply: twimlReply([say(config, 'Thank you for your message. Goodbye.'), { name: 'Hangup' }]),
      };
    case 'status': {
      const state = STATES[p('CallStatus') ?? ''];
      if (!state) return { kind: 'ignored', reason: `call status ${p('CallStatus') ?? '(none)'}` };
      const duration = Number.parseInt(p('CallDuration') ?? '', 10);
      const code = p('ErrorCode') ?? p('SipResponseCode');
      const by = answeredBy(p('AnsweredBy'));
      return events([
        callEvent(c, state, at, {
          ...(Number.isFinite(duration) && duration >= 0 ? { durationSeconds: duration } : {}),
          ...(by ? { answeredBy: by } : {}),
          ...(code && state !== 'completed' ? { hangupCause: `${state} (Twilio ${code.slice(0, 20)})` } : {}),
        }),
      ]);
    }
    default:
      return { kind: 'ignored', reason: `unknown step ${step.slice(0, 40)}` };
  }
}

/**
 * a call the hub held as open when it started again, as Twilio answered its fetch: it ended while nobody was there
 * to take its callbacks (failed, Twilio's own outcome and billed seconds kept), or Twilio does not know it (20404)
 */
function parseReconciled(p: (k: string) => string | undefined, at: string): WebhookOutcome {
  const c = callParams(p);
  if (!c) return { kind: 'ignored', reason: 'no CallSid, From and To' };
  const status = p('CallStatus') ?? '';
  if (status === 'unknown')
    return events([
      callEvent(c, 'failed', at, {
        hangupCause: 'Twilio does not know the call (20404): the hub was not running when it ended',
      }),
    ]);
  if (!STATES[status]) return { kind: 'ignored', reason: `call status ${status.slice(0, 20) || '(none)'}` };
  const duration = Number.parseInt(p('CallDuration') ?? '', 10);
  const ended = Date.parse(p('EndTime') ?? '');
  const by = answeredBy(p('AnsweredBy'));
  return events([
    callEvent(c, 'failed', Number.isFinite(ended) ? new Date(ended).toISOString() : at, {
      ...(Number.isFinite(duration) && duration >= 0 ? { durationSeconds: duration } : {}),
      ...(by ? { answeredBy: by } : {}),
      hangupCause: `the hub was not running when the call ended (Twilio: ${status})`,
    }),
  ]);
}

const CAPTIONS = { call: 'Call recording', voicemail: 'Voicemail', transfer: "The operator's part" } as const;

/** the voicemail's words (TranscriptionStatus completed), a text message of the call beside its recording */
function parseTranscription(
  c: CallParams,
  p: (k: string) => string | undefined,
  query: URLSearchParams,
  at: string,
): WebhookOutcome {
  const recording = p('RecordingSid');
  const text = p('TranscriptionText')?.trim();
  if (!recording || !RECORDING_SID.test(recording))
    return { kind: 'ignored', reason: 'a transcription without RecordingSid' };
  if (p('TranscriptionStatus') !== 'completed' || !text)
    return { kind: 'ignored', reason: `voicemail transcription ${p('TranscriptionStatus') ?? 'empty'}` };
  return events([
    {
      kind: 'message',
      providerMessageId: `${c.sid}:transcript:${recording}`,
      from: { address: query.get('customer') ?? c.customer },
      threadKey: c.sid,
      content: { type: 'text', text: text.slice(0, 4096) },
      timestamp: at,
      metadata: { call: c.sid, voicemail: { recordingSid: recording }, transcript: text.slice(0, 4096) },
      // like the voicemail it transcribes: for a person calling back, not for an agent (the call is over)
      automated: true,
    },
  ]);
}

/** what callers hear while the connection is stopped: a new call (or a step of one) is told, status callbacks wait */
export function twilioVoiceWhileStopped(req: WebhookRequest, config: TwilioVoiceConfig): HttpReply | undefined {
  const step = stepOf(req);
  if (step === 'status' || step === 'recording' || step === 'transcribed') return undefined;
  const params = formParams(req);
  if (params.get('AccountSid')?.[0] !== config.accountSid) return undefined;
  return twimlReply(closed(config));
}

function parseRecording(p: (k: string) => string | undefined, query: URLSearchParams, at: string): WebhookOutcome {
  const sid = p('RecordingSid');
  const call = p('CallSid');
  const url = p('RecordingUrl');
  const customer = query.get('customer');
  if (!sid || !RECORDING_SID.test(sid) || !call || !CALL_SID.test(call) || !url || !customer)
    return { kind: 'ignored', reason: 'a recording callback without RecordingSid, CallSid, RecordingUrl and customer' };
  if (p('RecordingStatus') !== 'completed')
    return { kind: 'ignored', reason: `recording ${p('RecordingStatus') ?? ''}` };
  if (!/^https?:\/\//i.test(url)) return { kind: 'ignored', reason: 'RecordingUrl is not a URL' };
  const duration = Number.parseInt(p('RecordingDuration') ?? '', 10);
  const given = query.get('source');
  const source = given === 'voicemail' || given === 'transfer' ? given : 'call';
  const operator = source === 'transfer' ? (query.get('operator') ?? '').slice(0, 200) : '';
  // the file as WAV: RecordingUrl without an extension answers it (https://www.twilio.com/docs/voice/api/recording#fetch-a-recording-media-file)
  const media = `${url}.wav`;
  return events([
    {
      kind: 'message',
      providerMessageId: `${call}:recording:${sid}`,
      from: { address: customer },
      threadKey: call,
      content: {
        type: 'audio',
        media: {
          url: media,
          providerMediaId: media,
          mimeType: 'audio/wav',
          fileName: `${source}-${sid}.wav`,
          caption: CAPTIONS[source],
        },
      },
      timestamp: at,
      metadata: {
        call,
        recording: {
          sid,
          source,
          ...(operator ? { operator } : {}),
          ...(Number.isFinite(duration) ? { durationSeconds: duration } : {}),
          ...(p('RecordingChannels') ? { channels: Number(p('RecordingChannels')) || 1 } : {}),
        },
      },
      // a voicemail waits for a person to call back (no agent answers it: the call is over); a
      // call's recording is a record of it, routed to nobody
      ...(source === 'voicemail' ? { automated: true } : { passive: true }),
    },
  ]);
}
