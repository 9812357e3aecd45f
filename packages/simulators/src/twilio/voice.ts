// Twilio Programmable Voice, simulated: calls to our numbers' Voice URL and calls placed through Calls.json, whose
// TwiML the simulator follows as Twilio does (https://www.twilio.com/docs/voice/twiml) — <Say> text is what the
// caller hears, <Gather> is answered by the scripted caller's next line as SpeechResult/Confidence or Digits,
// <Pause>, <Redirect>, <Dial> to a <Number> or <Sip> (the dialled operator answers, is busy or does not answer; with
// `record` the answered part is recorded), <Record> (a voicemail recorded as a real WAV, transcribed when asked),
// <Start><Recording> (the call recorded from there to its end, both parties), <Hangup>. A live call update (POST /Calls/{sid}.json with Twiml or Url) interrupts what
// the call is doing at once; one to a call that ended answers 21220. Status callbacks (StatusCallbackEvent) and
// recording callbacks are posted signed. Time in the call (pauses, gather timeouts, durations) runs `timeScale`
// times faster than real.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DOMParser, type Element } from '@xmldom/xmldom';
import { readBody } from '../http/read-body.js';
import { respondJson, respondRaw } from '../http/respond.js';
import type { TimerSet } from '../timer-set.js';
import { pcmWav } from './wav.js';

/** what the scripted caller says or presses at one <Gather> (or into a <Record>) */
export interface CallerLine {
  speech?: string;
  digits?: string;
  /** Twilio's recogniser confidence for the speech (default 0.9) */
  confidence?: number;
  /** seconds (simulated) the caller thinks before saying it: the call stays live meanwhile */
  afterSeconds?: number;
}

export type CalleeBehaviour = 'human' | 'machine' | 'busy' | 'no-answer' | 'failed';
export type OperatorBehaviour = 'answer' | 'busy' | 'no-answer';

export interface SimRecording {
  sid: string;
  callSid: string;
  url: string;
  seconds: number;
  channels: 1 | 2;
  source: 'RecordVerb' | 'OutboundAPI' | 'DialVerb' | 'StartCallRecordingTwiML';
  wav: Buffer;
}

export interface SimCall {
  sid: string;
  from: string;
  to: string;
  direction: 'inbound' | 'outbound-api';
  status: string;
  /** what the caller heard, in order (<Say> texts) */
  heard: string[];
  /** what the caller said or pressed, in order */
  said: string[];
  /** numbers <Dial>led */
  dialed: string[];
  /** the verbs followed, in order (Say, Gather, Pause, Redirect, Dial, Record, Hangup, update) */
  verbs: string[];
  /** TwiML documents that could not be followed (Twilio's 12100 "Document parse failure") */
  errors: string[];
  answeredBy?: string;
  durationSeconds: number;
  /** resolves when the call has ended and its last callbacks went out */
  done: Promise<SimCall>;
}

interface LiveCall extends SimCall {
  lines: CallerLine[];
  /** the caller speaks only after hearing something since their last line */
  heardSinceLine: boolean;
  pending?: string;
  wake?: () => void;
  startedAt: number;
  answeredAt?: number;
  endedAt?: number;
  statusCallback?: string;
  statusEvents: Set<string>;
  record?: { callback?: string; since?: number };
  machineDetection: boolean;
  finish: () => void;
}

export interface VoiceNumber {
  sid: string;
  voiceUrl: string | null;
  voiceStatusCallback: string | null;
}

export interface VoiceContext {
  accountSid: string;
  base(): string;
  numbers: Map<string, VoiceNumber>;
  invalid: Map<string, number>;
  timers: TimerSet;
  timeScale: number;
  post(
    url: string,
    params: Record<string, string>,
    signUrl?: string,
    token?: string,
  ): Promise<{ status: number; body: string }>;
  fail(res: ServerResponse, code: number, override?: { code: number; status?: number; message?: string }): void;
}

const hex = (n: number) => randomBytes(n).toString('hex');

export function createVoice(ctx: VoiceContext) {
  const calls = new Map<string, LiveCall>();
  const recordings = new Map<string, SimRecording>();
  const callees = new Map<string, { behaviour: CalleeBehaviour; lines: CallerLine[] }>();
  const operators = new Map<string, OperatorBehaviour>();
  const scaled = (seconds: number) => Math.max(1, Math.round(seconds * 1000 * ctx.timeScale));

  const callParams = (c: LiveCall): Record<string, string> => ({
    AccountSid: ctx.accountSid,
    ApiVersion: '2010-04-01',
    CallSid: c.sid,
    CallStatus: c.status,
    Direction: c.direction,
    From: c.from,
    To: c.to,
    Caller: c.from,
    Called: c.to,
    ...(c.answeredBy ? { AnsweredBy: c.answeredBy } : {}),
  });

  /** fetches a TwiML document (a webhook the call follows) */
  const fetchTwiml = async (
    url: string,
    params: Record<string, string>,
    token?: string,
  ): Promise<string | undefined> => {
    const r = await ctx.post(url, params, url, token);
    if (r.status < 200 || r.status >= 300) return undefined; // Twilio: 11200 HTTP retrieval failure, the call ends
    return r.body;
  };

  const simulatedSeconds = (c: LiveCall, from?: number) =>
    from === undefined ? 0 : Math.max(0, Math.round((Date.now() - from) / 1000 / ctx.timeScale));

  const statusCallback = async (c: LiveCall, event: string, extra: Record<string, string> = {}) => {
    if (!c.statusCallback) return;
    if (c.direction === 'outbound-api' && !c.statusEvents.has(event)) return;
    await ctx.post(c.statusCallback, {
      ...callParams(c),
      CallbackSource: 'call-progress-events',
      Timestamp: new Date().toUTCString().replace('GMT', '+0000'),
      ...extra,
    });
  };

  const makeRecording = (c: LiveCall, seconds: number, channels: 1 | 2, source: SimRecording['source']) => {
    const sid = `RE${hex(16)}`;
    const rec: SimRecording = {
      sid,
      callSid: c.sid,
      url: `${ctx.base()}/2010-04-01/Accounts/${ctx.accountSid}/Recordings/${sid}`,
      seconds,
      channels,
      source,
      wav: pcmWav({ seconds, channels }),
    };
    recordings.set(sid, rec);
    return rec;
  };

  const transcriptionCallback = async (url: string, c: LiveCall, rec: SimRecording, text: string | undefined) => {
    await ctx.post(url, {
      ...callParams(c),
      RecordingSid: rec.sid,
      RecordingUrl: rec.url,
      TranscriptionSid: `TR${hex(16)}`,
      TranscriptionText: text ?? '',
      TranscriptionStatus: text ? 'completed' : 'failed',
      TranscriptionUrl: `${ctx.base()}/2010-04-01/Accounts/${ctx.accountSid}/Transcriptions/TR${hex(16)}`,
    });
  };

  const recordingCallback = async (url: string, rec: SimRecording) => {
    await ctx.post(url, {
      AccountSid: ctx.accountSid,
      CallSid: rec.callSid,
      RecordingSid: rec.sid,
      RecordingUrl: rec.url,
      RecordingStatus: 'completed',
      RecordingDuration: String(Math.round(rec.seconds)),
      RecordingChannels: String(rec.channels),
      RecordingStartTime: new Date().toUTCString().replace('GMT', '+0000'),
      RecordingSource: rec.source,
    });
  };

  /** waits `ms`, or less when a live update arrives; true when it was interrupted */
  const interruptible = (c: LiveCall, ms: number): Promise<boolean> =>
    new Promise((resolve) => {
      if (c.pending !== undefined) return resolve(true);
      const t = ctx.timers.after(ms, () => {
        c.wake = undefined;
        resolve(false);
      });
      c.wake = () => {
        ctx.timers.cancel(t);
        c.wake = undefined;
        resolve(true);
      };
    });

  const takePending = (c: LiveCall): string | undefined => {
    const doc = c.pending;
    c.pending = undefined;
    if (doc !== undefined) c.verbs.push('update');
    return doc;
  };

  const hear = (c: LiveCall, el: Element) => {
    const text = (el.textContent ?? '').trim();
    c.verbs.push(el.tagName);
    if (el.tagName === 'Say') c.heard.push(text);
    else c.heard.push(`[play ${text}]`);
    c.heardSinceLine = true;
  };

  /** follows one TwiML document; answers the next document to follow, or undefined when the call is over */
  const follow = async (c: LiveCall, doc: string): Promise<string | undefined> => {
    let root: Element | null = null;
    try {
      const errors: string[] = [];
      const parsed = new DOMParser({ onError: (_level, message) => void errors.push(message) }).parseFromString(
        doc,
        'text/xml',
      );
      root = parsed.documentElement as unknown as Element | null;
      if (errors.length > 0 || !root || root.tagName !== 'Response')
        throw new Error(errors.join('; ') || 'no <Response>');
    } catch (error) {
      c.errors.push(`12100 Document parse failure: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    }
    const verbs = Array.from({ length: root.childNodes.length }, (_, i) => root.childNodes.item(i)).filter(
      (n): n is Element => n !== null && n.nodeType === 1,
    );
    for (const el of verbs) {
      const pending = takePending(c);
      if (pending !== undefined) return pending;
      const attr = (name: string) => el.getAttribute(name) ?? undefined;
      switch (el.tagName) {
        case 'Say':
        case 'Play':
          hear(c, el);
          break;
        case 'Pause': {
          c.verbs.push('Pause');
          if (await interruptible(c, scaled(Number(attr('length') ?? '1') || 1))) return takePending(c);
          break;
        }
        case 'Gather': {
          c.verbs.push('Gather');
          const nested = Array.from({ length: el.childNodes.length }, (_, i) => el.childNodes.item(i)).filter(
            (n): n is Element => n !== null && n.nodeType === 1 && (n as Element).tagName !== undefined,
          );
          for (const n of nested) if (n.tagName === 'Say' || n.tagName === 'Play') hear(c, n);
          const input = (attr('input') ?? 'dtmf').split(/\s+/);
          if (c.lines.length === 0) {
            // the caller has nothing more to say: they hang up
            c.verbs.push('caller hung up');
            return undefined;
          }
          const line = c.heardSinceLine ? c.lines[0] : undefined;
          const usable = line && ((line.speech && input.includes('speech')) || (line.digits && input.includes('dtmf')));
          if (!usable) {
            if (await interruptible(c, scaled(Number(attr('timeout') ?? '5') || 5))) return takePending(c);
            break; // nothing heard: Twilio falls through to the next verb
          }
          if (line.afterSeconds && (await interruptible(c, scaled(line.afterSeconds)))) return takePending(c);
          c.lines.shift();
          c.heardSinceLine = false;
          const params: Record<string, string> = { ...callParams(c) };
          if (line.digits && input.includes('dtmf')) {
            params.Digits = line.digits;
            params.FinishedOnKey = '';
            c.said.push(line.digits);
          } else {
            params.SpeechResult = line.speech as string;
            params.Confidence = String(line.confidence ?? 0.9);
            c.said.push(line.speech as string);
          }
          const action = attr('action');
          if (!action) return undefined;
          return fetchTwiml(new URL(action, ctx.base()).toString(), params);
        }
        case 'Redirect': {
          c.verbs.push('Redirect');
          return fetchTwiml(new URL((el.textContent ?? '').trim(), ctx.base()).toString(), callParams(c));
        }
        case 'Dial': {
          c.verbs.push('Dial');
          const nounEl = el.getElementsByTagName('Number').item(0) ?? el.getElementsByTagName('Sip').item(0);
          const number = ((nounEl ? nounEl.textContent : el.textContent) ?? '').trim();
          c.dialed.push(number);
          const behaviour = operators.get(number) ?? 'no-answer';
          const timeout = Number(attr('timeout') ?? '30') || 30;
          if (await interruptible(c, scaled(behaviour === 'answer' ? 3 : behaviour === 'busy' ? 1 : timeout)))
            return takePending(c);
          const action = attr('action');
          const outcome = behaviour === 'answer' ? 'completed' : behaviour;
          // record-from-answer(-dual): the part with the operator, from their answer (https://www.twilio.com/docs/voice/twiml/dial#record)
          const record = attr('record') ?? 'do-not-record';
          const dialRecordCallback = attr('recordingStatusCallback');
          if (behaviour === 'answer' && record !== 'do-not-record' && dialRecordCallback) {
            const rec = makeRecording(c, 3, record.endsWith('-dual') ? 2 : 1, 'DialVerb');
            const url = new URL(dialRecordCallback, ctx.base()).toString();
            ctx.timers.after(scaled(0.5), () => void recordingCallback(url, rec));
          }
          if (!action) break;
          return fetchTwiml(new URL(action, ctx.base()).toString(), {
            ...callParams(c),
            DialCallStatus: outcome,
            DialCallSid: `CA${hex(16)}`,
            DialCallDuration: behaviour === 'answer' ? '3' : '0',
          });
        }
        case 'Start': {
          c.verbs.push('Start');
          const recording = el.getElementsByTagName('Recording').item(0);
          // <Start><Recording>: recorded from now until the call ends, the file posted then (https://www.twilio.com/docs/voice/twiml/recording)
          if (recording && !c.record)
            c.record = {
              ...(recording.getAttribute('recordingStatusCallback')
                ? {
                    callback: new URL(
                      recording.getAttribute('recordingStatusCallback') as string,
                      ctx.base(),
                    ).toString(),
                  }
                : {}),
              since: Date.now(),
            };
          break;
        }
        case 'Record': {
          c.verbs.push('Record');
          // the caller speaks their message (their next line) after the beep
          const line = c.lines.shift();
          c.heardSinceLine = false;
          if (line?.speech) c.said.push(line.speech);
          const seconds = Math.min(
            Number(attr('maxLength') ?? '3600') || 3600,
            Math.max(2, Math.ceil((line?.speech?.length ?? 20) / 12)),
          );
          const rec = makeRecording(c, seconds, 1, 'RecordVerb');
          const callback = attr('recordingStatusCallback');
          if (callback) {
            const url = new URL(callback, ctx.base()).toString();
            // the file is ready a moment after the recording ends
            ctx.timers.after(scaled(0.5), () => void recordingCallback(url, rec));
          }
          const transcribeTo = attr('transcribeCallback');
          if (attr('transcribe') === 'true' && transcribeTo) {
            const url = new URL(transcribeTo, ctx.base()).toString();
            // a transcription takes longer than the file (https://www.twilio.com/docs/voice/twiml/record#transcribe)
            ctx.timers.after(scaled(1), () => void transcriptionCallback(url, c, rec, line?.speech));
          }
          const action = attr('action');
          if (!action) break;
          return fetchTwiml(new URL(action, ctx.base()).toString(), {
            ...callParams(c),
            RecordingUrl: rec.url,
            RecordingSid: rec.sid,
            RecordingDuration: String(seconds),
            Digits: 'hangup',
          });
        }
        case 'Hangup':
        case 'Reject':
          c.verbs.push(el.tagName);
          return undefined;
        default:
          c.errors.push(`12200 Schema validation warning: <${el.tagName}> is not a Voice verb`);
      }
    }
    return takePending(c);
  };

  const end = async (c: LiveCall, status: string) => {
    if (['completed', 'busy', 'no-answer', 'failed', 'canceled'].includes(c.status)) return;
    c.status = status;
    c.endedAt = Date.now();
    c.durationSeconds = simulatedSeconds(c, c.answeredAt);
    await statusCallback(c, 'completed', { CallDuration: String(c.durationSeconds) });
    if (c.record?.callback && c.answeredAt !== undefined && status === 'completed') {
      const seconds = c.record.since === undefined ? c.durationSeconds : simulatedSeconds(c, c.record.since);
      const rec = makeRecording(
        c,
        Math.max(1, seconds),
        2,
        c.record.since === undefined ? 'OutboundAPI' : 'StartCallRecordingTwiML',
      );
      await recordingCallback(c.record.callback, rec);
    }
    c.finish();
  };

  const run = async (c: LiveCall, first: string | undefined) => {
    let doc = first;
    while (doc !== undefined) doc = await follow(c, doc);
    await end(c, 'completed');
  };

  const newCall = (input: {
    from: string;
    to: string;
    direction: LiveCall['direction'];
    lines: CallerLine[];
    statusCallback?: string;
    statusEvents?: string[];
  }): LiveCall => {
    let finish = () => undefined as void;
    const c = {
      sid: `CA${hex(16)}`,
      from: input.from,
      to: input.to,
      direction: input.direction,
      status: input.direction === 'inbound' ? 'ringing' : 'queued',
      heard: [],
      said: [],
      dialed: [],
      verbs: [],
      errors: [],
      durationSeconds: 0,
      lines: [...input.lines],
      heardSinceLine: true,
      startedAt: Date.now(),
      statusEvents: new Set(input.statusEvents ?? ['completed']),
      machineDetection: false,
      finish: () => finish(),
      ...(input.statusCallback ? { statusCallback: input.statusCallback } : {}),
    } as unknown as LiveCall;
    c.done = new Promise<SimCall>((resolve) => {
      finish = () => resolve(c);
    });
    calls.set(c.sid, c);
    return c;
  };

  /** Twilio's times: GMT in RFC 2822 ("Tue, 31 Aug 2010 20:36:28 +0000") */
  const rfc2822 = (ms: number | undefined) =>
    ms === undefined ? null : new Date(ms).toUTCString().replace('GMT', '+0000');

  // the call as Twilio answers it (https://www.twilio.com/docs/voice/api/call-resource#call-properties): duration
  // and end_time empty unless the call completed, start_time from when it was dialled
  const resource = (c: LiveCall) => ({
    sid: c.sid,
    account_sid: ctx.accountSid,
    from: c.from,
    to: c.to,
    status: c.status,
    direction: c.direction,
    answered_by: c.answeredBy ?? null,
    duration: c.status === 'completed' ? String(c.durationSeconds) : null,
    start_time: c.status === 'queued' ? null : rfc2822(c.startedAt),
    end_time: c.status === 'completed' ? rfc2822(c.endedAt) : null,
    api_version: '2010-04-01',
    uri: `/2010-04-01/Accounts/${ctx.accountSid}/Calls/${c.sid}.json`,
  });

  /** POST /Calls.json: Twilio rings the callee, reports each progress, and follows Url once answered */
  const create = async (req: IncomingMessage, res: ServerResponse) => {
    const form = new URLSearchParams((await readBody(req, 1 << 20)).toString('utf8'));
    const to = form.get('To') ?? '';
    const from = form.get('From') ?? '';
    const url = form.get('Url') ?? form.get('Twiml');
    if (!to) return ctx.fail(res, 21201);
    if (!/^\+[1-9]\d{6,14}$/.test(to)) return ctx.fail(res, 21211);
    const bad = ctx.invalid.get(to);
    if (bad) return ctx.fail(res, bad);
    if (!ctx.numbers.has(from)) return ctx.fail(res, 21210);
    if (!url) return ctx.fail(res, 21205);
    const callee = callees.get(to) ?? { behaviour: 'human' as const, lines: [] };
    const c = newCall({
      from,
      to,
      direction: 'outbound-api',
      lines: callee.lines,
      ...(form.get('StatusCallback') ? { statusCallback: form.get('StatusCallback') as string } : {}),
      statusEvents: form.getAll('StatusCallbackEvent').flatMap((e) => e.split(/\s+/)),
    });
    c.machineDetection = ['Enable', 'DetectMessageEnd'].includes(form.get('MachineDetection') ?? '');
    if (form.get('Record') === 'true')
      c.record = {
        ...(form.get('RecordingStatusCallback') ? { callback: form.get('RecordingStatusCallback') as string } : {}),
      };
    respondJson(res, 201, resource(c));
    const step = async () => {
      c.status = 'initiated';
      await statusCallback(c, 'initiated');
      c.status = 'ringing';
      await statusCallback(c, 'ringing');
      if (!(await ctx.timers.sleep(scaled(2)))) return;
      if (callee.behaviour === 'busy' || callee.behaviour === 'no-answer' || callee.behaviour === 'failed') {
        await end(c, callee.behaviour);
        return;
      }
      c.status = 'in-progress';
      c.answeredAt = Date.now();
      if (c.machineDetection) c.answeredBy = callee.behaviour === 'machine' ? 'machine_start' : 'human';
      await statusCallback(c, 'answered');
      const target = form.get('Url');
      const doc = target ? await fetchTwiml(target, callParams(c)) : (form.get('Twiml') ?? undefined);
      await run(c, doc);
    };
    void step();
  };

  /** POST /Calls/{sid}.json: a live call follows new TwiML at once */
  const update = async (sid: string, req: IncomingMessage, res: ServerResponse) => {
    const c = calls.get(sid);
    if (!c) return ctx.fail(res, 20404);
    const form = new URLSearchParams((await readBody(req, 1 << 20)).toString('utf8'));
    if (c.status !== 'in-progress')
      return ctx.fail(res, 21220, { code: 21220, status: 400, message: 'Call is not in-progress. Cannot redirect.' });
    const twimlDoc = form.get('Twiml');
    const url = form.get('Url');
    if (form.get('Status') === 'completed') {
      c.pending = '<Response><Hangup/></Response>';
    } else if (twimlDoc) c.pending = twimlDoc;
    else if (url) c.pending = (await fetchTwiml(url, callParams(c))) ?? '<Response><Hangup/></Response>';
    else return ctx.fail(res, 21205);
    c.wake?.();
    respondJson(res, 200, resource(c));
  };

  return {
    /** REST routes of the voice API under /2010-04-01/Accounts/{sid}/…; false when the path is not one of them */
    async handle(collection: string, id: string | undefined, req: IncomingMessage, res: ServerResponse, ext: string) {
      if (collection === '/Calls' && req.method === 'POST' && !id) {
        await create(req, res);
        return true;
      }
      if (collection === '/Calls' && id && req.method === 'POST') {
        await update(id, req, res);
        return true;
      }
      if (collection === '/Calls' && id) {
        const c = calls.get(id);
        if (c) respondJson(res, 200, resource(c));
        else ctx.fail(res, 20404);
        return true;
      }
      if (collection === '/Recordings' && id) {
        const rec = recordings.get(id);
        if (!rec) ctx.fail(res, 20404);
        else if (ext === 'json')
          respondJson(res, 200, {
            sid: rec.sid,
            call_sid: rec.callSid,
            duration: String(Math.round(rec.seconds)),
            channels: rec.channels,
          });
        else respondRaw(res, 200, rec.wav, { 'content-type': 'audio/x-wav' });
        return true;
      }
      return false;
    },

    /** a caller dials one of our numbers: Twilio fetches its Voice URL and follows the TwiML */
    async placeIncomingCall(input: {
      from: string;
      to?: string;
      lines: CallerLine[];
      signWith?: string;
    }): Promise<SimCall> {
      const to = input.to ?? ([...ctx.numbers.keys()][0] as string);
      const number = ctx.numbers.get(to);
      const c = newCall({
        from: input.from,
        to,
        direction: 'inbound',
        lines: input.lines,
        ...(number?.voiceStatusCallback ? { statusCallback: number.voiceStatusCallback } : {}),
      });
      const start = async () => {
        if (!number?.voiceUrl) {
          c.errors.push('no Voice URL configured for the number');
          c.status = 'failed';
          c.finish();
          return;
        }
        const doc = await fetchTwiml(number.voiceUrl, callParams(c), input.signWith);
        if (doc === undefined) {
          c.errors.push('11200 HTTP retrieval failure: the Voice URL did not answer 2xx');
          c.status = 'failed';
          // a request signed with another token is a forgery, not Twilio: nothing of Twilio's follows it
          if (input.signWith === undefined) await statusCallback(c, 'completed', { CallDuration: '0' });
          c.finish();
          return;
        }
        c.status = 'in-progress';
        c.answeredAt = Date.now();
        await run(c, doc);
      };
      void start();
      return c;
    },

    setCallee(number: string, behaviour: CalleeBehaviour, lines: CallerLine[] = []) {
      callees.set(number, { behaviour, lines });
    },
    setOperator(number: string, behaviour: OperatorBehaviour) {
      operators.set(number, behaviour);
    },
    calls: (): SimCall[] => [...calls.values()],
    call: (sid: string): SimCall | undefined => calls.get(sid),
    recordings: (): SimRecording[] => [...recordings.values()],
  };
}
