/**
 * The Twilio Voice connector's contract (runConnectorContract with Twilio-shaped voice requests, fixtures/fuzz.ts),
 * what each step of a call yields and answers (the call, utterances as messages, the hold, a transfer on 0, the
 * voicemail after an unanswered transfer, the recording as audio, status callbacks as call states), the dedup keys
 * and the voice error codes; the calls a start asks after at Twilio (the simulator), and what their updates yield.
 */
import { startTwilioSimulator } from '@switchboard/simulators';
import { describe, expect, it } from 'vitest';
import {
  isChannelError,
  listenedRequest,
  twilioError,
  type ListenedUpdate,
  type WebhookRequest,
} from '../../channel-kit/index.js';
import { runConnectorContract } from '../../channel-kit/contract.js';
import {
  CALL_SID,
  completed,
  digitsTurn,
  fuzzConfig,
  fuzzRequest,
  formBody,
  incomingCall,
  otherSecretConfig,
  recording,
  speechTurn,
  stepRequest,
  twilioVoiceFuzz,
  WEBHOOK_URL,
} from './fixtures/fuzz.js';
import { reconcileCalls, VOICE_TABLE } from './api.js';
import { twilioVoiceConnector } from './index.js';
import { parseTwilioVoice, twilioVoiceWhileStopped } from './parse.js';
import { twilioVoiceEventKey } from './verify.js';

const call = (p: Record<string, string>) => fuzzRequest(formBody(p));
const twilioJson = (code: number, status: number, message: string) => ({
  status,
  body: JSON.stringify({ code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status }),
});

runConnectorContract(twilioVoiceConnector, {
  config: fuzzConfig,
  otherSecretConfig,
  requests: [
    { name: 'incoming call', request: call(incomingCall), expect: 'events' },
    { name: 'gather: speech', request: stepRequest('gather', speechTurn, { g: 'greeting' }), expect: 'events' },
    { name: 'gather: keys', request: stepRequest('gather', digitsTurn, { g: 'msg_1' }), expect: 'events' },
    { name: 'status callback completed', request: stepRequest('status', completed), expect: 'events' },
    {
      name: 'voicemail recording',
      request: stepRequest('recording', recording, { customer: '+14155550100', source: 'voicemail' }),
      expect: 'events',
    },
    {
      name: 'listening again after a silence',
      request: stepRequest('listen', speechTurn, { s: '1' }),
      expect: 'ignored',
    },
  ],
  unknownUpdate: stepRequest('status', { ...completed, CallStatus: 'answering' }),
  stripSignature: (r: WebhookRequest) => ({ ...r, headers: { ...r.headers, 'x-twilio-signature': undefined } }),
  fuzz: twilioVoiceFuzz,
  features: {
    fetchMedia: {
      media: {
        providerMediaId: `${fuzzConfig.apiBaseUrl}/2010-04-01/Accounts/${fuzzConfig.accountSid}/Recordings/RE1.wav`,
      },
      success: [{ status: 200, headers: { 'content-type': 'audio/x-wav' }, body: 'RIFF....WAVEfmt ' }],
      auth: twilioJson(20003, 401, 'Authenticate'),
    },
    senders: { expect: ['+15005550006'] },
    calls: {
      input: { to: '+14155550100', greeting: 'Hi, this is Acme calling about your order.' },
      success: [
        { status: 201, body: JSON.stringify({ sid: 'CA' + 'f'.repeat(32), status: 'queued', to: '+14155550100' }) },
      ],
      auth: twilioJson(20003, 401, 'Authenticate'),
    },
  },
  absentFeatures: {
    health: "not checked yet: the numbers' Voice URL is set at start",
    typing: 'a phone call has no typing indicator',
    readReceipts: 'spoken replies have no read receipts',
    templates: 'calls speak free text; there are no templates to approve',
    visitors: 'callers are phone numbers, not web visitors',
    optOut: 'callers do not text keywords; a caller who does not want calls is blocked at Twilio',
  },
  send: {
    message: {
      id: 'msg_1',
      conversationId: 'conv_1',
      to: '+14155550100',
      threadKey: CALL_SID,
      content: { type: 'text', text: 'Your order ships tomorrow.' },
    },
    success: { status: 200, body: JSON.stringify({ sid: CALL_SID, status: 'in-progress' }) },
    auth: twilioJson(20003, 401, 'Authenticate'),
    rateLimited: twilioJson(20429, 429, 'Too Many Requests'),
    unavailable: twilioJson(20500, 500, 'Internal error'),
  },
});

const outcome = (req: WebhookRequest) => parseTwilioVoice(req, fuzzConfig);

describe('a call, step by step', () => {
  it('answers a new call: the call ringing then answered, the greeting spoken, listening for speech and keys', () => {
    const o = outcome(call(incomingCall));
    expect(o.kind === 'events' && o.events.map((e) => e.kind === 'call' && e.state)).toEqual([
      'ringing',
      'in-progress',
    ]);
    expect(o.kind === 'events' && o.events[0]).toMatchObject({
      providerCallId: CALL_SID,
      direction: 'inbound',
      customer: { address: '+14155550100' },
      business: '+15005550006',
      threadKey: CALL_SID,
    });
    const body = (o.kind === 'events' && o.reply?.body) || '';
    expect(body).toContain('<Say language="en-US">Hello, thank you for calling. How can I help you?</Say>');
    expect(body).toContain(`<Gather input="speech dtmf" action="${WEBHOOK_URL}?step=gather&amp;g=greeting"`);
    // recorded from the first verb, both parties, the file posted to the recording step
    expect(body).toMatch(
      /^<\?xml[^>]*><Response><Start><Recording channels="dual" recordingStatusCallback="[^"]*step=recording&amp;customer=%2B14155550100&amp;source=call"/,
    );
    const unrecorded = parseTwilioVoice(call(incomingCall), { ...fuzzConfig, recordCalls: false });
    expect(unrecorded.kind === 'events' && unrecorded.reply?.body).not.toContain('<Start>');
  });

  it('rings the operators in turn from the signed list, then takes a voicemail; a transcript is a message', () => {
    const config = { ...fuzzConfig, operators: ['sip:desk@pbx.example.com'] };
    const zero = parseTwilioVoice(stepRequest('gather', { ...digitsTurn, Digits: '0' }, { g: 'x' }), config);
    const first = (zero.kind === 'events' && zero.reply?.body) || '';
    expect(first).toContain('<Number>+15005550099</Number>');
    expect(first).toContain('i=0');
    const ops = '+15005550099 sip:desk@pbx.example.com';
    const next = parseTwilioVoice(
      stepRequest('dialed', { ...digitsTurn, DialCallStatus: 'busy' }, { customer: '+14155550100', ops, i: '0' }),
      config,
    );
    expect(next.kind === 'ignored' && next.reply?.body).toContain('<Sip>sip:desk@pbx.example.com</Sip>');
    expect(next.kind === 'ignored' && next.reply?.body).not.toContain('Please hold');
    const last = parseTwilioVoice(
      stepRequest('dialed', { ...digitsTurn, DialCallStatus: 'no-answer' }, { customer: '+14155550100', ops, i: '1' }),
      config,
    );
    expect(last.kind === 'ignored' && last.reply?.body).toContain('<Record ');
    const transcript = {
      ...digitsTurn,
      RecordingSid: recording.RecordingSid as string,
      TranscriptionText: 'Call me back.',
      TranscriptionStatus: 'completed',
    };
    const t = outcome(stepRequest('transcribed', transcript, { customer: '+14155550100' }));
    expect(t.kind === 'events' && t.events[0]).toMatchObject({
      kind: 'message',
      providerMessageId: `${CALL_SID}:transcript:${recording.RecordingSid}`,
      automated: true,
      content: { type: 'text', text: 'Call me back.' },
      metadata: { transcript: 'Call me back.', voicemail: { recordingSid: recording.RecordingSid } },
    });
    const failed = outcome(stepRequest('transcribed', { ...transcript, TranscriptionStatus: 'failed' }));
    expect(failed.kind).toBe('ignored');
    expect(twilioVoiceEventKey(stepRequest('transcribed', transcript))).toBe(`transcribed:${recording.RecordingSid}`);
  });

  it('while stopped, a call hears the closed message and ends; callbacks are not answered with words', () => {
    const closedReply = twilioVoiceWhileStopped(call(incomingCall), fuzzConfig);
    expect(closedReply?.body).toContain('<Say language="en-US">We are closed.</Say><Hangup/>');
    expect(twilioVoiceWhileStopped(stepRequest('status', completed), fuzzConfig)).toBeUndefined();
    expect(
      twilioVoiceWhileStopped(call({ ...incomingCall, AccountSid: 'AC' + '9'.repeat(32) }), fuzzConfig),
    ).toBeUndefined();
  });

  it('stores what the caller said (with the confidence) or pressed as messages of the call and holds the caller', () => {
    const s = outcome(stepRequest('gather', speechTurn, { g: 'greeting' }));
    expect(s.kind === 'events' && s.events[0]).toMatchObject({
      kind: 'message',
      providerMessageId: `${CALL_SID}:greeting`,
      threadKey: CALL_SID,
      content: { type: 'text', text: 'I would like to check my order.' },
      metadata: { speech: true, confidence: 0.92 },
    });
    expect(s.kind === 'events' && s.reply?.body).toContain('<Pause length="20"/>');
    const d = outcome(stepRequest('gather', digitsTurn, { g: 'msg_1' }));
    expect(d.kind === 'events' && d.events[0]).toMatchObject({ content: { text: '2' }, metadata: { dtmf: '2' } });
  });

  it('transfers on 0 to the operator, and an unanswered transfer ends in a voicemail recorded into the call', () => {
    const t = outcome(stepRequest('gather', { ...digitsTurn, Digits: '0' }, { g: 'x' }));
    expect(t.kind === 'events' && t.events[0]).toMatchObject({
      automated: true,
      metadata: { transfer: '+15005550099' },
    });
    expect(t.kind === 'events' && t.reply?.body).toContain('<Number>+15005550099</Number>');
    const busy = outcome(
      stepRequest('dialed', { ...digitsTurn, DialCallStatus: 'no-answer' }, { customer: '+14155550100' }),
    );
    expect(busy.kind === 'ignored' && busy.reply?.body).toMatch(
      /<Record [^>]*recordingStatusCallback="[^"]*step=recording/,
    );
    const taken = outcome(stepRequest('dialed', { ...digitsTurn, DialCallStatus: 'completed' }));
    expect(taken.kind === 'ignored' && taken.reply?.body).toContain('<Hangup/>');
    const r = outcome(stepRequest('recording', recording, { customer: '+14155550100', source: 'voicemail' }));
    expect(r.kind === 'events' && r.events[0]).toMatchObject({
      from: { address: '+14155550100' },
      threadKey: CALL_SID,
      automated: true,
      content: { type: 'audio', media: { mimeType: 'audio/wav', url: `${recording.RecordingUrl}.wav` } },
      metadata: { recording: { sid: recording.RecordingSid, durationSeconds: 7, source: 'voicemail' } },
    });
  });

  it('maps status callbacks to call states with the duration and a cause, and answering machines', () => {
    const c = outcome(stepRequest('status', completed));
    expect(c.kind === 'events' && c.events[0]).toMatchObject({ state: 'completed', durationSeconds: 42 });
    const out = { ...completed, Direction: 'outbound-api', From: '+15005550006', To: '+14155550100' };
    const busy = outcome(
      stepRequest('status', { ...out, CallStatus: 'busy', CallDuration: '0', SipResponseCode: '486' }),
    );
    expect(busy.kind === 'events' && busy.events[0]).toMatchObject({
      direction: 'outbound',
      customer: { address: '+14155550100' },
      state: 'busy',
      hangupCause: 'busy (Twilio 486)',
    });
    const machine = outcome(
      stepRequest('answered', { ...out, CallStatus: 'in-progress', AnsweredBy: 'machine_end_beep' }),
    );
    expect(machine.kind === 'events' && machine.events[0]).toMatchObject({ answeredBy: 'machine' });
    expect(machine.kind === 'events' && machine.reply?.body).toContain('<Hangup/>');
    expect(outcome(stepRequest('status', { ...completed, AccountSid: 'AC' + '9'.repeat(32) })).kind).toBe('ignored');
  });

  it('keys each step for dedup: a retried webhook is the same event, another gather is not', () => {
    const key = (r: WebhookRequest) => twilioVoiceEventKey(r);
    expect(key(stepRequest('gather', speechTurn, { g: 'a' }))).toBe(key(stepRequest('gather', speechTurn, { g: 'a' })));
    expect(key(stepRequest('gather', speechTurn, { g: 'a' }))).not.toBe(
      key(stepRequest('gather', speechTurn, { g: 'b' })),
    );
    expect(key(stepRequest('status', completed))).toBe(`status:${CALL_SID}:completed`);
    expect(key(stepRequest('listen', speechTurn))).toBeUndefined();
  });
});

describe('speaking a reply', () => {
  const send = async (handoffAfter: boolean, config = fuzzConfig) => {
    const bodies: string[] = [];
    const noop = () => undefined;
    await twilioVoiceConnector.send(
      {
        id: 'msg_9',
        conversationId: 'conv_9',
        to: '+14155550100',
        threadKey: CALL_SID,
        content: { type: 'text', text: 'Connecting you & thanks.' },
        ...(handoffAfter ? { handoffAfter } : {}),
      },
      {
        connectionId: 'conn_voice',
        config,
        webhookUrl: WEBHOOK_URL,
        http: (_url, init) => {
          bodies.push(String(init?.body));
          return Promise.resolve(
            new Response(JSON.stringify({ sid: CALL_SID }), { headers: { 'content-type': 'application/json' } }),
          );
        },
        log: { debug: noop, info: noop, warn: noop, error: noop },
        signal: new AbortController().signal,
        media: { read: () => Promise.reject(new Error('no media')) },
      },
    );
    return new URLSearchParams(bodies[0]).get('Twiml') ?? '';
  };

  it('says the reply and listens again under a gather named after the message', async () => {
    expect(await send(false)).toContain(
      `<Say language="en-US">Connecting you &amp; thanks.</Say><Gather input="speech dtmf" action="${WEBHOOK_URL}?step=gather&amp;g=msg_9"`,
    );
  });

  it("follows the agent's last words before a handoff with the transfer, or the voicemail without an operator", async () => {
    expect(await send(true)).toMatch(/<\/Say><Dial [^>]*><Number>\+15005550099<\/Number><\/Dial><\/Response>$/);
    const { operatorNumber: _unused, ...noOperator } = fuzzConfig;
    expect(await send(true, noOperator)).toMatch(/<\/Say><Say [^>]*>Nobody is available[^<]*<\/Say><Record /);
  });
});

describe('Twilio voice error codes', () => {
  it.each([
    [401, 20003, 'AUTH'],
    [400, 21211, 'INVALID_RECIPIENT'],
    [400, 21215, 'REJECTED'],
    [400, 21220, 'REJECTED'],
    [400, 13224, 'INVALID_RECIPIENT'],
    [400, 21210, 'INVALID_CONFIG'],
  ])('HTTP %i code %s → %s', (status, code, expected) => {
    const e = twilioError(status, { code, message: 'm' }, undefined, VOICE_TABLE);
    expect(isChannelError(e) && e.code).toBe(expected);
    expect(e.message).toContain(`Twilio ${code}`);
  });
});

describe('the open calls a start asks after', () => {
  const noop = () => undefined;
  const reconciled = (update: ListenedUpdate, config = fuzzConfig) =>
    parseTwilioVoice(listenedRequest('twilio-voice', update, '2026-12-08T04:00:00.000Z'), config);

  it('fetches each from Twilio: an ended call and an unknown one come back as updates, a live one does not', async () => {
    const sim = await startTwilioSimulator({ numbers: ['+15005550006'], voiceTimeScale: 0.2 });
    try {
      const config = { ...fuzzConfig, accountSid: sim.accountSid, authToken: sim.authToken, apiBaseUrl: sim.url };
      const ctx = {
        connectionId: 'conn_voice',
        config,
        webhookUrl: WEBHOOK_URL,
        http: (url: string, init?: RequestInit) => fetch(url, init),
        log: { debug: noop, info: noop, warn: noop, error: noop },
        signal: new AbortController().signal,
      };
      // a call we place whose Url nobody answers: it rings, then ends when the Url fails (Twilio 11200)
      const auth = `Basic ${Buffer.from(`${sim.accountSid}:${sim.authToken}`).toString('base64')}`;
      const placed = (await (
        await fetch(`${sim.url}/2010-04-01/Accounts/${sim.accountSid}/Calls.json`, {
          method: 'POST',
          headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ To: '+14155550100', From: '+15005550006', Url: 'http://127.0.0.1:9/answered' }),
        })
      ).json()) as { sid: string };
      const open = (sid: string) => ({
        providerCallId: sid,
        direction: 'outbound' as const,
        from: '+15005550006',
        to: '+14155550100',
        state: 'ringing' as const,
      });
      expect(await reconcileCalls([open(placed.sid)], ctx)).toEqual([]);
      const simCall = sim.call(placed.sid);
      await simCall?.done;
      const unknown = 'CA' + '2'.repeat(32);
      const updates = await reconcileCalls([open(placed.sid), open(unknown)], ctx);
      expect(updates).toHaveLength(2);
      const [endedUpdate, unknownUpdate] = updates as [ListenedUpdate, ListenedUpdate];
      const fields = new URLSearchParams(endedUpdate.body.toString());
      expect(Object.fromEntries(fields)).toMatchObject({
        CallSid: placed.sid,
        CallStatus: 'completed',
        CallDuration: String(simCall?.durationSeconds),
        Direction: 'outbound-api',
      });
      expect(Date.parse(fields.get('EndTime') ?? '')).toBeGreaterThan(0);
      const outcome = reconciled(endedUpdate, config);
      expect(outcome.kind === 'events' && outcome.events).toEqual([
        expect.objectContaining({
          kind: 'call',
          providerCallId: placed.sid,
          direction: 'outbound',
          state: 'failed',
          durationSeconds: simCall?.durationSeconds,
          hangupCause: 'the hub was not running when the call ended (Twilio: completed)',
          timestamp: new Date(Date.parse(fields.get('EndTime') as string)).toISOString(),
        }),
      ]);
      const lost = reconciled(unknownUpdate, config);
      expect(lost.kind === 'events' && lost.events).toEqual([
        expect.objectContaining({
          providerCallId: unknown,
          state: 'failed',
          hangupCause: 'Twilio does not know the call (20404): the hub was not running when it ended',
        }),
      ]);
      // keyed once per call, apart from the call's own webhooks
      const req = listenedRequest('twilio-voice', unknownUpdate);
      expect(twilioVoiceEventKey(req)).toBe(`reconciled:${unknown}`);
      // a refused Auth Token stops the start's reconciling (the connection is ERROR), not one call
      await expect(
        reconcileCalls([open(unknown)], { ...ctx, config: { ...config, authToken: 'wrong' } }),
      ).rejects.toMatchObject({
        code: 'AUTH',
      });
    } finally {
      await sim.close();
    }
  });

  it('takes the mark only from an update of the hub, never from a webhook', async () => {
    const body = formBody({ ...completed, CallStatus: 'unknown' });
    const status = stepRequest('status', { ...completed, CallStatus: 'unknown' });
    const forged = { ...status, headers: { ...status.headers, 'x-switchboard-reconciled': 'fetched' } };
    expect(parseTwilioVoice(forged, fuzzConfig)).toMatchObject({ kind: 'ignored' });
    expect(reconciled({ body })).toMatchObject({ kind: 'ignored', reason: 'not an update of this connector' });
    // 'completed' fixture of another account: refused like any request of another account
    expect(
      reconciled({
        body: formBody({ ...completed, AccountSid: 'AC' + '9'.repeat(32) }),
        headers: { 'x-switchboard-reconciled': 'fetched' },
      }),
    ).toMatchObject({ kind: 'ignored', reason: 'not a request of this Twilio account' });
  });
});
