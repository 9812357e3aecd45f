/**
 * An LLM agent on a SIP line, end to end: SIPp plays the carrier and a caller who asks two questions (WAVs spoken
 * by espeak-ng, streamed as RTP), the hub cuts each into an utterance that the agent's speech-to-text (the
 * OpenAI-compatible simulator, verbose_json) transcribes with the recogniser's confidence, the LLM answers with the
 * call so far as its history, and the answer is spoken back: the test's own socket receives the call's audio and
 * hears speech after each question. Then the line follows its agent: stopped with it, a caller (SIPp, then
 * baresip) hears the closed message and the hub hangs up, nothing stored; started with it, calls are answered
 * again. A stop with calls under way ends them together, and our call ids are our own, never the caller's Call-ID.
 */
import { startOpenAiSimulator, type OpenAiSimulator } from '@switchboard/simulators';
import { createSocket, type Socket } from 'node:dgram';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeG711, decodeWav } from '../../channel-kit/index.js';
import { hubReads } from '../../testing/hub-reads.js';
import { freeUdpPort, freeUdpRange, runBaresip, runSipp, speechWav } from '../../testing/sip-peers.js';
import { eventually, startTestServer, type TestServer } from '../../testing/test-server.js';
import { type ConnView as Conn, type ConvView as Conv, type MsgView as Msg } from '../../testing/call-views.js';

const OURS = '+15005550121';
const AI_KEY = 'sk-sip-agent-key-0001';
const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

/** what the hub sends to a port of the test: each PCMU packet's loudness by its arrival, from the first packet */
class Earpiece {
  readonly frames: Array<{ atMs: number; rms: number }> = [];
  private first: number | undefined;
  private constructor(
    private readonly socket: Socket,
    readonly port: number,
  ) {
    socket.on('message', (msg) => {
      if (msg.length <= 12 || ((msg[1] as number) & 0x7f) !== 0) return;
      const now = performance.now();
      this.first ??= now;
      const samples = decodeG711('PCMU', new Uint8Array(msg.subarray(12)));
      let sum = 0;
      for (const s of samples) sum += s * s;
      this.frames.push({ atMs: now - this.first, rms: Math.sqrt(sum / samples.length) });
    });
  }

  static async open(): Promise<Earpiece> {
    const socket = createSocket('udp4');
    await new Promise<void>((r) => socket.bind(0, '127.0.0.1', r));
    return new Earpiece(socket, socket.address().port);
  }

  /** the loud stretches heard: [fromMs, toMs], frames above 300 RMS joined across gaps under half a second */
  speech(): Array<[number, number]> {
    const out: Array<[number, number]> = [];
    for (const f of this.frames) {
      if (f.rms < 300) continue;
      const last = out.at(-1);
      if (last && f.atMs - last[1] < 500) last[1] = f.atMs;
      else out.push([f.atMs, f.atMs]);
    }
    return out.filter(([a, b]) => b - a >= 400);
  }

  close(): Promise<void> {
    return new Promise((r) => this.socket.close(() => r()));
  }
}

describe('an LLM agent answering calls on a SIP line', () => {
  let ai: OpenAiSimulator;
  let t: TestServer;
  let conn: Conn;
  let agentId: string;
  let hubPort: number;
  let carrierPort: number;
  const reads = hubReads(() => t);

  beforeAll(async () => {
    ai = await startOpenAiSimulator({ apiKeys: [AI_KEY] });
    t = await startTestServer({ allowPrivateNetwork: true });
    hubPort = await freeUdpPort();
    carrierPort = await freeUdpPort();
    const created = await t.api<Conn>('POST', '/api/v1/connections', {
      type: 'sip',
      name: 'Agent line',
      config: {
        trunk: { host: '127.0.0.1', port: carrierPort, transport: 'udp', register: false },
        didNumbers: [OURS],
        listenAddress: '127.0.0.1',
        listenPort: hubPort,
        rtpPortRange: await freeUdpRange(40),
        maxCalls: 4,
        closedMessage: 'We are closed for today. Please call again tomorrow.',
      },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    conn = created.body;
    const agent = await t.api<{ id: string }>('POST', '/api/v1/agents', {
      kind: 'llm',
      name: 'phone assistant',
      config: {
        baseUrl: ai.baseUrl,
        model: 'gpt-4o-mini',
        apiKey: AI_KEY,
        speechToText: { baseUrl: ai.baseUrl, apiKey: AI_KEY, model: 'whisper-1', waitMs: 10_000 },
      },
    });
    expect(agent.status, JSON.stringify(agent.body)).toBe(201);
    agentId = agent.body.id;
    await t.api('PUT', `/api/v1/agents/${agentId}/connections`, {
      connections: [{ connectionId: conn.id, inbound: true }],
    });
    // the line has no start of its own: it starts with its agent
    expect((await t.api<{ status: string }>('POST', `/api/v1/agents/${agentId}/start`)).body.status).toBe('RUNNING');
    await eventually(
      async () => (await t.api<Conn>('GET', `/api/v1/connections/${conn.id}`)).body.status === 'RUNNING',
      10_000,
      'the line running with its agent',
    );
  }, 30_000);
  afterAll(async () => {
    await t?.close();
    await ai?.close();
  });

  it('answers spoken questions: transcribed with confidence, the history to the LLM, the answers heard', async () => {
    ai.addRule({ contains: 'where is my order', reply: 'Your order ships tomorrow.', times: 1 });
    ai.addRule({ contains: 'when will it arrive', reply: 'It arrives on Friday.', times: 1 });
    ai.setTranscript('Hi, where is my order?', undefined, { avgLogprob: -0.2 });
    const caller = '+14155550141';
    const ear = await Earpiece.open();
    const calling = runSipp({
      scenario: fixture('uac-talk.xml'),
      values: {
        caller,
        listenPort: ear.port,
        greetingMs: 4500,
        first: speechWav('Hi, where is my order?', 'q-order'),
        thinkMs: 9000,
        second: speechWav('And when will it arrive?', 'q-arrive'),
        afterMs: 8000,
      },
      target: `127.0.0.1:${hubPort}`,
      service: OURS,
      localPort: carrierPort,
      mediaPort: await freeUdpPort(),
      timeoutSeconds: 60,
    });
    // the second question is another transcript: set once the first was asked for
    await eventually(
      async () => ai.calls('transcriptions').length >= 1 || undefined,
      20_000,
      'the first transcription',
    );
    ai.setTranscript('And when will it arrive?', undefined, { avgLogprob: -0.9, noSpeechProb: 0.3 });
    const run = await calling;
    await ear.close();
    expect(run.code, run.output).toBe(0);

    const conversation = await reads.conversationWith<Conv>(conn.id, caller);
    const turns = await eventually(
      async () => {
        const list = (await reads.messagesOf<Msg>(conversation.id)).filter((m) => !m.metadata.recording);
        return list.length >= 4 && list.every((m) => m.direction === 'outbound' || m.metadata.transcript)
          ? list
          : undefined;
      },
      15_000,
      'the four turns',
    );
    expect(turns.map((m) => [m.direction, m.content.type, m.content.text ?? m.metadata.transcript])).toEqual([
      ['inbound', 'audio', 'Hi, where is my order?'],
      ['outbound', 'text', 'Your order ships tomorrow.'],
      ['inbound', 'audio', 'And when will it arrive?'],
      ['outbound', 'text', 'It arrives on Friday.'],
    ]);
    // the recogniser's confidence: exp of the mean avg_logprob of the segments
    expect(turns[0]?.metadata.confidence).toBe(0.819);
    expect(turns[2]?.metadata.confidence).toBe(0.407);
    expect(ai.calls('transcriptions').map((c) => c.body?.responseFormat)).toEqual(['verbose_json', 'verbose_json']);
    // the second turn's request carries the call so far
    const last = ai.calls('chat').at(-1)?.body as { messages: Array<{ role: string; content: string }> };
    expect(last.messages.filter((m) => m.role !== 'system').map((m) => [m.role, m.content])).toEqual([
      ['user', 'Hi, where is my order?'],
      ['assistant', 'Your order ships tomorrow.'],
      ['user', 'And when will it arrive?'],
    ]);
    expect(turns.filter((m) => m.direction === 'outbound').map((m) => m.status)).toEqual(['sent', 'sent']);
    // what the caller heard: the greeting, then speech after each question (the questions start at 4.5 s and 13.5 s)
    const heard = ear.speech();
    expect(heard[0]?.[0], JSON.stringify(heard)).toBeLessThan(1000);
    expect(
      heard.some(([from]) => from > 6000 && from < 13_500),
      JSON.stringify(heard),
    ).toBe(true);
    expect(
      heard.some(([from]) => from > 15_000 && from < 21_500),
      JSON.stringify(heard),
    ).toBe(true);
    // the call's id is the hub's own, not the Call-ID SIPp chose
    const callId = turns[0]?.metadata.call as string;
    expect(callId).toMatch(/^sip-[0-9a-f]{24}$/);
    const call = await eventually(
      async () => {
        const c = await t.sb.store.findCallByProviderId(conn.id, callId);
        return c?.endedAt ? c : undefined;
      },
      10_000,
      'the call ended',
    );
    expect(call).toMatchObject({ state: 'completed', from: caller, to: OURS });
  }, 90_000);

  const status = async () => (await t.api<Conn>('GET', `/api/v1/connections/${conn.id}`)).body.status;
  const conversations = async () =>
    (await t.api<{ data: Conv[] }>('GET', `/api/v1/conversations?connectionId=${conn.id}&limit=200`)).body.data;
  const closedCall = async (caller: string, ear: Earpiece, carrier = carrierPort) =>
    runSipp({
      scenario: fixture('uac-closed.xml'),
      values: { caller, listenPort: ear.port, byeWithinMs: 12_000 },
      target: `127.0.0.1:${hubPort}`,
      service: OURS,
      localPort: carrier,
      mediaPort: await freeUdpPort(),
      timeoutSeconds: 20,
    });

  it('the line follows its agent: stopped with it, callers hear the closed message and the hub hangs up; started with it again', async () => {
    const stopped = await t.api<{ status: string }>('POST', `/api/v1/agents/${agentId}/stop`);
    expect(stopped.body.status).toBe('STOPPED');
    expect(await status()).toBe('STOPPED');
    const before = (await conversations()).length;
    // SIPp: answered, the closed message heard, then the hub's BYE (the scenario fails without it)
    const ear = await Earpiece.open();
    const started = Date.now();
    const run = await closedCall('+14155550151', ear);
    await ear.close();
    expect(run.code, run.output).toBe(0);
    const heard = ear.speech();
    const spoken = heard.reduce((n, [a, b]) => n + (b - a), 0);
    // "We are closed for today. Please call again tomorrow." is about three seconds of espeak-ng speech
    expect(spoken, JSON.stringify(heard)).toBeGreaterThan(2000);
    expect(Date.now() - started).toBeLessThan(10_000);
    // baresip, a second user agent: it hears the message, and the call ends before baresip would give up
    const calling = runBaresip({
      uri: `sip:${OURS}@127.0.0.1:${hubPort}`,
      source: speechWav('hello is anybody there', 'closed-source', 'signed-integer', 15),
      seconds: 14,
      sipPort: await freeUdpPort(),
      rtp: await freeUdpRange(10),
    });
    const bare = await calling;
    const dump = readdirSync(bare.dir).find((f) => f.endsWith('-dec.wav'));
    expect(dump, bare.output).toBeDefined();
    const wav = decodeWav(readFileSync(join(bare.dir, dump as string)));
    let sum = 0;
    const first = wav.samples.subarray(0, 8000 * 3);
    for (const x of first) sum += x * x;
    expect(Math.sqrt(sum / first.length), bare.output).toBeGreaterThan(300);
    // the hub hung up once the message was said: baresip heard far less than its 14 s
    expect(wav.samples.length / wav.channels / 8000, bare.output).toBeLessThan(9);
    // nothing of either call is stored
    expect(await conversations()).toHaveLength(before);
    expect((await conversations()).some((c) => c.address === '+14155550151' || c.address === '+14155550177')).toBe(
      false,
    );

    // started with its agent, the line answers with its greeting again (the closed line let go of the port)
    expect((await t.api<{ status: string }>('POST', `/api/v1/agents/${agentId}/start`)).body.status).toBe('RUNNING');
    await eventually(async () => (await status()) === 'RUNNING' || undefined, 10_000, 'the line running again');
    const again = await Earpiece.open();
    const caller = '+14155550152';
    const talk = await runSipp({
      scenario: fixture('uac-talk.xml'),
      values: {
        caller,
        listenPort: again.port,
        greetingMs: 3500,
        first: speechWav('Hello?', 'q-hello'),
        thinkMs: 1500,
        second: speechWav('Hello?', 'q-hello'),
        afterMs: 500,
      },
      target: `127.0.0.1:${hubPort}`,
      service: OURS,
      localPort: carrierPort,
      mediaPort: await freeUdpPort(),
      timeoutSeconds: 30,
    });
    await again.close();
    expect(talk.code, talk.output).toBe(0);
    expect(again.speech()[0]?.[0]).toBeLessThan(1000);
    await reads.conversationWith<Conv>(conn.id, caller);
  }, 90_000);

  it('a caller who says nothing is asked "Are you still there?" twice, then hears goodbye and the hub hangs up', async () => {
    const patched = await t.api('PATCH', `/api/v1/connections/${conn.id}`, { config: { silenceRepromptSeconds: 2 } });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    try {
      await eventually(async () => (await status()) === 'RUNNING' || undefined, 10_000, 'the line running again');
      const ear = await Earpiece.open();
      const caller = '+14155550171';
      // the caller listens and never speaks; the scenario fails unless the hub hangs up within 25 s
      const run = await runSipp({
        scenario: fixture('uac-closed.xml'),
        values: { caller, listenPort: ear.port, byeWithinMs: 25_000 },
        target: `127.0.0.1:${hubPort}`,
        service: OURS,
        localPort: carrierPort,
        mediaPort: await freeUdpPort(),
        timeoutSeconds: 35,
      });
      await ear.close();
      expect(run.code, run.output).toBe(0);
      // the greeting, two "Are you still there?", "Goodbye.": four things said, each after two seconds of silence
      const heard = ear.speech();
      expect(heard.length, JSON.stringify(heard)).toBe(4);
      for (let i = 1; i < heard.length; i++)
        expect((heard[i] as [number, number])[0] - (heard[i - 1] as [number, number])[1]).toBeGreaterThan(1500);
      const conversation = await reads.conversationWith<Conv>(conn.id, caller);
      const calls = await eventually(
        async () => {
          const r = await t.api<{ data: Array<{ state: string; endedAt: string | null }> }>(
            'GET',
            `/api/v1/conversations/${conversation.id}/calls`,
          );
          return r.body.data[0]?.endedAt ? r.body.data : undefined;
        },
        10_000,
        'the call ended',
      );
      expect(calls[0]?.state).toBe('completed');
      // the prompts are the line's own words, not turns of the conversation
      const said = (await reads.messagesOf<Msg>(conversation.id)).filter((m) => !m.metadata.recording);
      expect(said).toEqual([]);
    } finally {
      await t.api('PATCH', `/api/v1/connections/${conn.id}`, { config: { silenceRepromptSeconds: 6 } });
      await eventually(async () => (await status()) === 'RUNNING' || undefined, 10_000, 'the line running again');
    }
  }, 90_000);

  it('a stop with calls under way hangs up on every caller at once', async () => {
    const ears = await Promise.all([Earpiece.open(), Earpiece.open(), Earpiece.open()]);
    const callers = ['+14155550161', '+14155550162', '+14155550163'];
    // three carriers' calls, each waiting for the hub's BYE (the trunk is known by its address, any port)
    const runs = callers.map(async (caller, i) => closedCall(caller, ears[i] as Earpiece, await freeUdpPort()));
    const live = await Promise.all(callers.map((c) => reads.conversationWith<Conv>(conn.id, c)));
    await eventually(
      async () => {
        for (const c of live) {
          const calls = await t.api<{ data: Array<{ state: string }> }>('GET', `/api/v1/conversations/${c.id}/calls`);
          if (calls.body.data[0]?.state !== 'in-progress') return undefined;
        }
        return true;
      },
      10_000,
      'three calls in progress',
    );
    const stopping = Date.now();
    expect((await t.api<{ status: string }>('POST', `/api/v1/agents/${agentId}/stop`)).body.status).toBe('STOPPED');
    const done = await Promise.all(runs);
    for (const ear of ears) await ear.close();
    for (const r of done) expect(r.code, r.output).toBe(0);
    expect(Date.now() - stopping).toBeLessThan(8000);
    for (const c of live) {
      const calls = await eventually(
        async () => {
          const list = await t.api<{ data: Array<{ state: string; endedAt: string | null }> }>(
            'GET',
            `/api/v1/conversations/${c.id}/calls`,
          );
          return list.body.data[0]?.endedAt ? list.body.data : undefined;
        },
        10_000,
        'the call ended',
      );
      expect(calls[0]?.state).toBe('completed');
    }
  }, 60_000);
});
