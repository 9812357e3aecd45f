/**
 * The Twilio Voice connector end to end: a real hub (127.0.0.1) against the Twilio simulator's voice side, which
 * rings our number, follows the TwiML we answer (and our live call updates) and plays a scripted caller. Start
 * points the number's Voice URL at us; a flow agent answers a DTMF menu and an LLM agent a spoken question (the
 * OpenAI-compatible simulator), every utterance and reply stored in order; pressing 0 transfers to the operator, and
 * an unanswered transfer takes a voicemail whose WAV is fetched into our media store; call states, events and
 * /metrics follow; a missing or tampered X-Twilio-Signature is refused and nothing is stored.
 */
import {
  readWav,
  startOpenAiSimulator,
  startTwilioSimulator,
  type OpenAiSimulator,
  type TwilioSimulator,
} from '@switchboard/simulators';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hubReads } from '../../testing/hub-reads.js';
import { collectSse, eventually, startTestServer, type TestServer } from '../../testing/test-server.js';

interface Conn {
  id: string;
  status: string;
  statusReason: string | null;
  webhookUrl: string;
}
interface Conv {
  id: string;
  address: string;
  threadKey?: string | null;
}
interface Msg {
  id: string;
  direction: string;
  status: string;
  content: { type: string; text?: string; media?: { state?: string; url: string; mimeType: string } };
  metadata: Record<string, unknown>;
}

const OURS = '+15005550006';
const OPERATOR = '+15005550099';
const OPERATOR2 = '+15005550098';
const DESK = 'sip:desk@pbx.example.com';
const TEAM_PHONE = '+15005550097';
const AI_KEY = 'sk-voice-test-key-0001';

describe('twilio-voice connector against the Twilio simulator', () => {
  let sim: TwilioSimulator;
  let ai: OpenAiSimulator;
  let t: TestServer;
  let conn: Conn;
  const reads = hubReads(() => t);

  const createConnection = async (overrides: Record<string, unknown> = {}) => {
    const res = await t.api<Conn>('POST', '/api/v1/connections', {
      type: 'twilio-voice',
      name: 'Phone',
      config: {
        accountSid: sim.accountSid,
        authToken: sim.authToken,
        phoneNumbers: [OURS],
        apiBaseUrl: sim.url,
        operatorNumber: OPERATOR,
        operators: [OPERATOR2, DESK],
        ringSeconds: 5,
        ...overrides,
      },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body;
  };
  const agent = async (kind: string, config: Record<string, unknown>) => {
    const created = await t.api<{ id: string }>('POST', '/api/v1/agents', { kind, name: `${kind} phone`, config });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return created.body.id;
  };
  /** the agent answers the connection's calls (the previous one stopped first) */
  let current: string | undefined;
  const answerWith = async (agentId: string) => {
    if (current) {
      await t.api('POST', `/api/v1/agents/${current}/stop`);
      await t.api('PUT', `/api/v1/agents/${current}/connections`, { connections: [] });
    }
    expect(
      (
        await t.api('PUT', `/api/v1/agents/${agentId}/connections`, {
          connections: [{ connectionId: conn.id, inbound: true }],
        })
      ).status,
    ).toBe(200);
    expect((await t.api<{ status: string }>('POST', `/api/v1/agents/${agentId}/start`)).body.status).toBe('RUNNING');
    current = agentId;
  };
  const callOf = (sid: string) => t.sb.store.findCallByProviderId(conn.id, sid);
  const texts = async (conversationId: string) =>
    (await reads.messagesOf<Msg>(conversationId)).filter((m) => m.content.type === 'text');
  /** the conversation's audio message of a recording `source` (call, voicemail, transfer), once fetched */
  const recordingOf = (conversationId: string, source: string) =>
    eventually(
      async () => {
        const audio = (await reads.messagesOf<Msg>(conversationId)).find(
          (m) => m.content.type === 'audio' && (m.metadata.recording as { source?: string })?.source === source,
        );
        return audio?.content.media?.state === 'ready' ? audio : undefined;
      },
      15_000,
      `the ${source} recording`,
    );
  const ended = (sid: string) =>
    eventually(
      async () => {
        const c = await callOf(sid);
        return c && c.endedAt ? c : undefined;
      },
      15_000,
      `call ${sid} ended`,
    );

  beforeAll(async () => {
    sim = await startTwilioSimulator({ numbers: [OURS], voiceTimeScale: 0.2 });
    ai = await startOpenAiSimulator({ apiKeys: [AI_KEY] });
    t = await startTestServer({ allowPrivateNetwork: true });
    conn = await createConnection();
    const started = await t.api<Conn>('POST', `/api/v1/connections/${conn.id}/start`);
    expect(started.body.status, started.body.statusReason ?? '').toBe('RUNNING');
  });
  afterAll(async () => {
    await t?.close();
    await sim?.close();
    await ai?.close();
  });

  it("points the number's Voice URL and status callback at the connection; a refused Auth Token is ERROR", async () => {
    expect(sim.numberConfig(OURS)).toMatchObject({
      voiceUrl: conn.webhookUrl,
      statusCallback: `${conn.webhookUrl}?step=status`,
    });
    const bad = await createConnection({ authToken: 'not-the-token' });
    const res = await t.api<Conn>('POST', `/api/v1/connections/${bad.id}/start`);
    expect(res.body.status).toBe('ERROR');
    expect(res.body.statusReason).toMatch(/20003|Authenticate/);
    await t.api('DELETE', `/api/v1/connections/${bad.id}`);
  });

  it('a flow agent answers a call: speech, then a DTMF menu, every turn stored in order; the call completes', async () => {
    await answerWith(
      await agent('flow', {
        greeting: 'Welcome to Acme.',
        start: 'menu',
        nodes: [
          {
            id: 'menu',
            type: 'buttons',
            text: 'What can I do for you?',
            buttons: [
              { title: 'Opening hours', next: 'hours' },
              { title: 'Something else', next: 'else' },
            ],
          },
          { id: 'hours', type: 'message', text: 'We are open from nine to five.' },
          { id: 'else', type: 'message', text: 'Please call again tomorrow.' },
        ],
        fallback: 'Sorry, I did not get that.',
        maxMisses: 3,
      }),
    );
    const stream = collectSse(`${t.url}/api/v1/events`, { authorization: `Bearer ${t.token}` });
    await stream.ready;
    // an integrator's receiver of outgoing webhooks, subscribed to the call events
    const hooks: Array<{ type: string; data: { call: { state: string } } }> = [];
    const receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        hooks.push(JSON.parse(body) as (typeof hooks)[number]);
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const sub = await t.api('POST', '/api/v1/webhook-subscriptions', {
      url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`,
      eventTypes: ['call.started', 'call.ended'],
    });
    expect(sub.status, JSON.stringify(sub.body)).toBe(201);
    const caller = '+14155550101';
    const call = await sim.placeCall({ from: caller, lines: [{ speech: 'Hello there' }, { digits: '1' }] });
    await call.done;
    expect(call.errors).toEqual([]);
    expect(call.heard).toEqual([
      'Hello, thank you for calling. How can I help you?',
      'Welcome to Acme.\n\nWhat can I do for you?\n\nPress 1 for Opening hours\nPress 2 for Something else',
      'We are open from nine to five.',
    ]);
    const conversation = await reads.conversationWith<Conv>(conn.id, caller);
    const messages = await eventually(
      async () => {
        const list = await texts(conversation.id);
        return list.length >= 4 ? list : undefined;
      },
      10_000,
      'four messages',
    );
    expect(messages.map((m) => [m.direction, m.content.text])).toEqual([
      ['inbound', 'Hello there'],
      [
        'outbound',
        'Welcome to Acme.\n\nWhat can I do for you?\n\nReply 1 for Opening hours\nReply 2 for Something else',
      ],
      ['inbound', '1'],
      ['outbound', 'We are open from nine to five.'],
    ]);
    expect(messages[0]?.metadata).toMatchObject({ speech: true, confidence: 0.9, call: call.sid });
    expect(messages[2]?.metadata).toMatchObject({ dtmf: '1' });
    const record = await ended(call.sid);
    expect(record).toMatchObject({ state: 'completed', direction: 'inbound', from: caller, to: OURS });
    expect(record.conversationId).toBe(conversation.id);
    await eventually(() => stream.events.some((e) => e.event === 'call.ended'), 5_000, 'call.ended event');
    const callEvents = stream.events.filter((e) => e.event.startsWith('call.'));
    stream.close();
    expect(callEvents.map((e) => e.event)).toEqual(['call.started', 'call.updated', 'call.ended']);
    // the whole call was recorded from its first verb, both parties: the stereo WAV is in the conversation
    const recording = await recordingOf(conversation.id, 'call');
    expect(recording.metadata).toMatchObject({ recording: { channels: 2 } });
    const wav = readWav(Buffer.from(await (await fetch(recording.content.media?.url as string)).arrayBuffer()));
    expect(wav).toMatchObject({ channels: 2, sampleRate: 8000 });
    expect(wav?.seconds).toBeGreaterThan(0);
    expect(wav?.peak).toBeGreaterThan(1000);
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    expect(metrics).toMatch(/switchboard_calls\{channel="twilio-voice",state="completed"\} [1-9]/);
    expect(metrics).toContain('# TYPE switchboard_call_duration_seconds histogram');
    expect(metrics).toMatch(
      /switchboard_call_duration_seconds_bucket\{channel="twilio-voice",state="completed",le="\+Inf"\} [1-9]/,
    );
    expect(metrics).toMatch(
      /switchboard_call_duration_seconds_count\{channel="twilio-voice",state="completed"\} [1-9]/,
    );
    await eventually(() => hooks.length >= 2, 10_000, 'the call webhooks');
    receiver.close();
    await t.api('DELETE', `/api/v1/webhook-subscriptions/${(sub.body as { id: string }).id}`);
    expect(hooks.map((h) => [h.type, h.data.call.state])).toEqual([
      ['call.started', 'ringing'],
      ['call.ended', 'completed'],
    ]);
  });

  it('an LLM agent answers spoken questions, each turn with the conversation history', async () => {
    ai.addRule({ contains: 'where is my order', reply: 'Your order ships tomorrow.', times: 1 });
    ai.addRule({ contains: 'when will it arrive', reply: 'It arrives on Friday.', times: 1 });
    await answerWith(await agent('llm', { baseUrl: ai.baseUrl, model: 'gpt-4o-mini', apiKey: AI_KEY }));
    const caller = '+14155550102';
    const call = await sim.placeCall({
      from: caller,
      lines: [{ speech: 'Hi, where is my order?', confidence: 0.87 }, { speech: 'And when will it arrive?' }],
    });
    await call.done;
    expect(call.heard.slice(1)).toEqual(['Your order ships tomorrow.', 'It arrives on Friday.']);
    const conversation = await reads.conversationWith<Conv>(conn.id, caller);
    const messages = await texts(conversation.id);
    expect(messages.map((m) => [m.direction, m.content.text])).toEqual([
      ['inbound', 'Hi, where is my order?'],
      ['outbound', 'Your order ships tomorrow.'],
      ['inbound', 'And when will it arrive?'],
      ['outbound', 'It arrives on Friday.'],
    ]);
    expect(messages[0]?.metadata.confidence).toBe(0.87);
    // the second turn's request carries the call so far
    const last = ai.calls('chat').at(-1)?.body as { messages: Array<{ role: string; content: string }> };
    expect(last.messages.filter((m) => m.role !== 'system').map((m) => [m.role, m.content])).toEqual([
      ['user', 'Hi, where is my order?'],
      ['assistant', 'Your order ships tomorrow.'],
      ['user', 'And when will it arrive?'],
    ]);
    expect((await ended(call.sid)).state).toBe('completed');
  });

  it("the LLM agent's handoff_to_human rings the operators' own phones after its last words; their part is recorded", async () => {
    ai.addRule({
      contains: 'speak to a person',
      toolCall: {
        name: 'handoff_to_human',
        arguments: { reason: 'the caller asked' },
        content: 'Sure, connecting you now.',
      },
      times: 1,
    });
    // the operator's phone is theirs: the hub rings it before the connection's operator line
    const me = (await t.api<{ id: string }>('GET', '/api/v1/me')).body;
    const bad = await t.api<{ error: { code: string } }>('PATCH', `/api/v1/users/${me.id}`, { phone: 'call me' });
    expect(bad.status).toBe(400);
    const phoned = await t.api<{ phone: string }>('PATCH', `/api/v1/users/${me.id}`, { phone: TEAM_PHONE });
    expect(phoned.body.phone).toBe(TEAM_PHONE);
    sim.setOperator(TEAM_PHONE, 'no-answer');
    sim.setOperator(OPERATOR, 'answer');
    const caller = '+14155550110';
    const call = await sim.placeCall({ from: caller, lines: [{ speech: 'I want to speak to a person' }] });
    await call.done;
    await t.api('PATCH', `/api/v1/users/${me.id}`, { phone: null });
    expect(call.heard.at(-1)).toBe('Sure, connecting you now.');
    expect(call.dialed).toEqual([TEAM_PHONE, OPERATOR]);
    const conversation = await reads.conversationWith<Conv>(conn.id, caller);
    const transferred = await recordingOf(conversation.id, 'transfer');
    expect(transferred.metadata).toMatchObject({ recording: { source: 'transfer', operator: OPERATOR, channels: 2 } });
    await eventually(
      async () =>
        (await t.api<{ handler?: string }>('GET', `/api/v1/conversations/${conversation.id}`)).body.handler === 'human',
      10_000,
      'the conversation handed to people',
    );
  });

  it('places an outbound call answered by a person: the agent talks, the call and its stereo recording are kept', async () => {
    ai.addRule({ contains: 'who is this', reply: 'This is Acme, calling about your order.', times: 1 });
    const callee = '+14155550105';
    sim.setCallee(callee, 'human', [{ speech: 'Who is this?' }]);
    const res = await t.api<{ id: string; providerCallId: string; state: string; direction: string; error?: unknown }>(
      'POST',
      '/api/v1/calls',
      { connectionId: conn.id, to: '+1 (415) 555-0105', greeting: 'Hello, this is a call from Acme.' },
    );
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ state: 'ringing', direction: 'outbound', from: OURS, to: callee });
    const simCall = await eventually(() => sim.call(res.body.providerCallId), 5_000, 'the simulated call');
    await simCall.done;
    expect(simCall.heard).toEqual(['Hello, this is a call from Acme.', 'This is Acme, calling about your order.']);
    const record = await ended(res.body.providerCallId);
    expect(record).toMatchObject({ state: 'completed', answeredBy: 'human', direction: 'outbound' });
    expect(record.answeredAt).not.toBeNull();
    const calls = await t.api<{ data: Array<{ id: string; state: string }> }>(
      'GET',
      `/api/v1/conversations/${record.conversationId}/calls`,
    );
    expect(calls.body.data.map((c) => [c.id, c.state])).toEqual([[res.body.id, 'completed']]);
    const recording = await eventually(
      async () => {
        const audio = (await reads.messagesOf<Msg>(record.conversationId)).find((m) => m.content.type === 'audio');
        return audio?.content.media?.state === 'ready' ? audio : undefined;
      },
      15_000,
      'the call recording',
    );
    expect(recording.metadata).toMatchObject({ recording: { source: 'call', channels: 2 } });
    const wav = readWav(Buffer.from(await (await fetch(recording.content.media?.url as string)).arrayBuffer()));
    expect(wav).toMatchObject({ channels: 2, sampleRate: 8000 });
    expect(wav?.peak).toBeGreaterThan(1000);
  });

  it('an outbound call to a busy or unanswered number ends with that outcome; a refused number is 422 CALL_FAILED', async () => {
    for (const [callee, outcome] of [
      ['+14155550106', 'busy'],
      ['+14155550107', 'no-answer'],
    ] as const) {
      sim.setCallee(callee, outcome);
      const res = await t.api<{ providerCallId: string }>('POST', '/api/v1/calls', {
        connectionId: conn.id,
        to: callee,
      });
      expect(res.status).toBe(201);
      expect(await ended(res.body.providerCallId)).toMatchObject({
        state: outcome,
        durationSeconds: 0,
        answeredAt: null,
        hangupCause: outcome,
      });
    }
    sim.markInvalid('+14155550108', 21211);
    const refused = await t.api<{ error: { code: string; message: string } }>('POST', '/api/v1/calls', {
      connectionId: conn.id,
      to: '+14155550108',
    });
    expect(refused.status).toBe(422);
    expect(refused.body.error).toMatchObject({ code: 'CALL_FAILED' });
    expect(refused.body.error.message).toContain('Twilio 21211');
    const malformed = await t.api<{ error: { code: string } }>('POST', '/api/v1/calls', {
      connectionId: conn.id,
      to: 'abc',
    });
    expect(malformed.status).toBe(400);
    // a text message cannot start anything on a phone line: the call is placed instead
    const text = await t.api<{ error: { code: string; message: string } }>('POST', '/api/v1/messages', {
      connectionId: conn.id,
      to: '+14155550111',
      content: { type: 'text', text: 'hello' },
    });
    expect(text.status).toBe(422);
    expect(text.body.error.message).toContain('POST /api/v1/calls');
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    expect(metrics).toMatch(/switchboard_calls\{channel="twilio-voice",state="busy"\} 1/);
    expect(metrics).toMatch(/switchboard_calls\{channel="twilio-voice",state="no-answer"\} 1/);
  });

  it('pressing 0 rings the operators in turn (number, number, SIP URI) until one answers; their part is recorded', async () => {
    sim.setOperator(OPERATOR, 'answer');
    const taken = await sim.placeCall({ from: '+14155550103', lines: [{ digits: '0' }] });
    await taken.done;
    expect(taken.dialed).toEqual([OPERATOR]);
    expect(taken.verbs).not.toContain('Record');

    sim.setOperator(OPERATOR, 'no-answer');
    sim.setOperator(OPERATOR2, 'busy');
    sim.setOperator(DESK, 'answer');
    const caller = '+14155550113';
    const inTurn = await sim.placeCall({ from: caller, lines: [{ digits: '0' }] });
    await inTurn.done;
    expect(inTurn.dialed).toEqual([OPERATOR, OPERATOR2, DESK]);
    expect(inTurn.verbs).not.toContain('Record');
    // "please hold" once, not before each operator
    expect(inTurn.heard.filter((h) => h.startsWith('Please hold'))).toHaveLength(1);
    const conversation = await reads.conversationWith<Conv>(conn.id, caller);
    const part = await recordingOf(conversation.id, 'transfer');
    expect(part.metadata).toMatchObject({ recording: { operator: DESK } });
    const wav = readWav(Buffer.from(await (await fetch(part.content.media?.url as string)).arrayBuffer()));
    expect(wav).toMatchObject({ channels: 2 });
    expect(wav?.peak).toBeGreaterThan(1000);
  });

  it('nobody of the operators answers: the voicemail is recorded, transcribed, and the conversation stays open', async () => {
    for (const o of [OPERATOR, OPERATOR2, DESK]) sim.setOperator(o, 'no-answer');
    const caller = '+14155550104';
    const words = 'Please call me back about my invoice, thanks.';
    const call = await sim.placeCall({ from: caller, lines: [{ digits: '0' }, { speech: words }] });
    await call.done;
    expect(call.dialed).toEqual([OPERATOR, OPERATOR2, DESK]);
    expect(call.verbs).toContain('Record');
    expect(call.heard.at(-1)).toBe('Thank you for your message. Goodbye.');
    const conversation = await reads.conversationWith<Conv>(conn.id, caller);
    const audio = await recordingOf(conversation.id, 'voicemail');
    const transcript = await eventually(
      async () => (await texts(conversation.id)).find((m) => m.metadata.voicemail !== undefined),
      15_000,
      'the voicemail transcript',
    );
    expect(transcript).toMatchObject({ direction: 'inbound', content: { text: words } });
    expect(transcript.metadata).toMatchObject({ transcript: words });
    const list = await texts(conversation.id);
    expect(list[0]?.metadata).toMatchObject({ dtmf: '0', transfer: OPERATOR });
    // the session waits for a person to call back
    const open = await t.api<{ status: string }>('GET', `/api/v1/conversations/${conversation.id}`);
    expect(open.body.status).not.toBe('resolved');
    const bytes = Buffer.from(await (await fetch(audio.content.media?.url as string)).arrayBuffer());
    const recorded = sim.recordings().find((r) => r.callSid === call.sid && r.source === 'RecordVerb');
    expect(bytes.equals(recorded?.wav as Buffer)).toBe(true);
    const wav = readWav(bytes);
    expect(wav).toMatchObject({ channels: 1, sampleRate: 8000, bitsPerSample: 16 });
    expect(wav?.seconds).toBeCloseTo(recorded?.seconds as number, 2);
    expect(wav?.peak).toBeGreaterThan(1000);
  });

  it('places a call answered by the agent named (not the inbound one), stored on the call; a bad agentId is refused', async () => {
    const flow = await agent('flow', {
      greeting: 'Hi, Acme reminders here.',
      start: 'ask',
      nodes: [
        {
          id: 'ask',
          type: 'buttons',
          text: 'Shall we keep your appointment?',
          buttons: [
            { title: 'Keep it', next: 'kept' },
            { title: 'Cancel it', next: 'cancelled' },
          ],
        },
        { id: 'kept', type: 'message', text: 'See you then.' },
        { id: 'cancelled', type: 'message', text: 'It is cancelled.' },
      ],
      fallback: 'Sorry?',
      maxMisses: 3,
    });
    const placedBefore = sim.calls().length;
    const unknown = await t.api<{ error: { code: string } }>('POST', '/api/v1/calls', {
      connectionId: conn.id,
      to: '+14155550120',
      agentId: 'agt_nobody',
    });
    expect(unknown.status).toBe(404);
    const stopped = await t.api<{ error: { code: string; message: string } }>('POST', '/api/v1/calls', {
      connectionId: conn.id,
      to: '+14155550120',
      agentId: flow,
    });
    expect(stopped.status).toBe(409);
    expect(stopped.body.error.message).toContain('STOPPED');
    expect((await t.api<{ status: string }>('POST', `/api/v1/agents/${flow}/start`)).body.status).toBe('RUNNING');
    const detached = await t.api<{ error: { message: string } }>('POST', '/api/v1/calls', {
      connectionId: conn.id,
      to: '+14155550120',
      agentId: flow,
    });
    expect(detached.status).toBe(409);
    expect(detached.body.error.message).toContain('not attached');
    expect(sim.calls().length).toBe(placedBefore);
    // attached without Inbound: it answers only the calls placed for it
    await t.api('POST', `/api/v1/agents/${flow}/stop`);
    expect(
      (
        await t.api('PUT', `/api/v1/agents/${flow}/connections`, {
          connections: [{ connectionId: conn.id, inbound: false }],
        })
      ).status,
    ).toBe(200);
    expect((await t.api<{ status: string }>('POST', `/api/v1/agents/${flow}/start`)).body.status).toBe('RUNNING');
    const callee = '+14155550120';
    sim.setCallee(callee, 'human', [{ speech: 'Hello?' }, { digits: '1' }]);
    const res = await t.api<{ id: string; providerCallId: string; agentId: string | null }>('POST', '/api/v1/calls', {
      connectionId: conn.id,
      to: callee,
      agentId: flow,
      greeting: 'Hello, this is Acme.',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.agentId).toBe(flow);
    const simCall = await eventually(() => sim.call(res.body.providerCallId), 5_000, 'the simulated call');
    await simCall.done;
    expect(simCall.heard).toEqual([
      'Hello, this is Acme.',
      'Hi, Acme reminders here.\n\nShall we keep your appointment?\n\nPress 1 for Keep it\nPress 2 for Cancel it',
      'See you then.',
    ]);
    const record = await ended(res.body.providerCallId);
    expect(record).toMatchObject({ state: 'completed', agentId: flow, answeredBy: 'human' });
    const conversation = await t.api<{ agentId: string | null; handler: string | null }>(
      'GET',
      `/api/v1/conversations/${record.conversationId}`,
    );
    expect(conversation.body).toMatchObject({ handler: 'agent', agentId: flow });
    const replies = (await texts(record.conversationId)).filter((m) => m.direction === 'outbound');
    expect(replies.every((m) => m.metadata.agentId === flow)).toBe(true);
    await t.api('POST', `/api/v1/agents/${flow}/stop`);
    await t.api('PUT', `/api/v1/agents/${flow}/connections`, { connections: [] });
  });

  it('an answering machine hears the greeting, the call ends, and answeredBy says machine', async () => {
    const callee = '+14155550121';
    sim.setCallee(callee, 'machine');
    const res = await t.api<{ providerCallId: string }>('POST', '/api/v1/calls', {
      connectionId: conn.id,
      to: callee,
      greeting: 'Acme here, please call us back.',
    });
    expect(res.status).toBe(201);
    const simCall = await eventually(() => sim.call(res.body.providerCallId), 5_000, 'the simulated call');
    await simCall.done;
    expect(simCall.heard).toEqual(['Acme here, please call us back.']);
    expect(simCall.verbs).toContain('Hangup');
    expect(simCall.verbs).not.toContain('Gather');
    expect(await ended(res.body.providerCallId)).toMatchObject({ state: 'completed', answeredBy: 'machine' });
  });

  it('the line follows its agent: stopped with it, callers hear the closed message; started with it again', async () => {
    expect(current).toBeDefined();
    const stopped = await t.api<{ status: string }>('POST', `/api/v1/agents/${current as string}/stop`);
    expect(stopped.body.status).toBe('STOPPED');
    const line = await t.api<Conn>('GET', `/api/v1/connections/${conn.id}`);
    expect(line.body.status).toBe('STOPPED');
    const caller = '+14155550122';
    const call = await sim.placeCall({ from: caller, lines: [{ speech: 'Hello?' }] });
    await call.done;
    expect(call.errors).toEqual([]);
    expect(call.heard).toEqual(['Sorry, we cannot take your call right now. Please call again later.']);
    expect(call.verbs).toEqual(['Say', 'Hangup']);
    expect(await callOf(call.sid)).toBeUndefined();
    // a forged request is not answered with words
    const forged = await sim.placeCall({ from: caller, lines: [], signWith: 'forged-token' });
    await forged.done;
    expect(forged.heard).toEqual([]);
    const started = await t.api<{ status: string }>('POST', `/api/v1/agents/${current as string}/start`);
    expect(started.body.status).toBe('RUNNING');
    expect((await t.api<Conn>('GET', `/api/v1/connections/${conn.id}`)).body.status).toBe('RUNNING');
    const again = await sim.placeCall({ from: caller, lines: [] });
    await again.done;
    expect(again.heard[0]).toBe('Hello, thank you for calling. How can I help you?');
  });

  it('refuses a call whose signature is tampered or missing, and stores nothing of it', async () => {
    // the earlier calls' last callbacks are processed first, so the count below can only move by this test's requests
    await eventually(
      async () => (await t.sb.store.countQueued()).inboundPending === 0,
      10_000,
      'earlier webhooks processed',
    );
    const before = (await t.sb.store.countQueued()).inboundPending;
    const caller = '+14155550109';
    const forged = await sim.placeCall({ from: caller, lines: [{ speech: 'hello' }], signWith: 'forged-token' });
    await forged.done;
    expect(forged.errors.join()).toMatch(/11200/);
    const attempt = sim.webhookAttempts().find((a) => a.params.CallSid === forged.sid);
    expect(attempt?.status).toBe(401);
    const missing = await fetch(conn.webhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...attempt?.params }).toString(),
    });
    expect(missing.status).toBe(401);
    expect(await callOf(forged.sid)).toBeUndefined();
    const conversations = (
      await t.api<{ data: Conv[] }>('GET', `/api/v1/conversations?connectionId=${conn.id}&limit=200`)
    ).body.data;
    expect(conversations.some((c) => c.address === caller)).toBe(false);
    expect((await t.sb.store.countQueued()).inboundPending).toBe(before);
  });
});
