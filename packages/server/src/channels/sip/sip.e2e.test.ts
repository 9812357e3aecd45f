/**
 * The SIP connector end to end: a real hub (127.0.0.1) whose SIP user agent answers SIPp playing the carrier. The
 * caller hears the greeting (espeak-ng over RTP), says something (a WAV made with espeak-ng + sox, streamed by
 * SIPp), which becomes an audio message the flow agent's speech-to-text (the OpenAI-compatible simulator) reads;
 * the agent's menu is spoken, the caller presses 1 (RFC 4733), the answer is spoken, the caller hangs up. Every
 * turn is stored in order and the stereo recording (caller left, hub right, neither silent) is attached. Unknown
 * numbers are refused 404, a call over capacity 486.
 */
import { startOpenAiSimulator, type OpenAiSimulator } from '@switchboard/simulators';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeWav } from '../../channel-kit/index.js';
import { hubReads } from '../../testing/hub-reads.js';
import { freeUdpPort, freeUdpRange, runBaresip, runSipp, speechWav } from '../../testing/sip-peers.js';
import { eventually, startTestServer, type TestServer } from '../../testing/test-server.js';
import {
  answerWith,
  type ConnView as Conn,
  type ConvView as Conv,
  type MsgView as Msg,
} from '../../testing/call-views.js';

const OURS = '+15005550106';
const AI_KEY = 'sk-sip-test-key-0001';
const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const DTMF_1 = '/usr/share/sip-tester/dtmf_2833_1.pcap';

function rmsOf(samples: Int16Array | number[], from = 0, step = 1): number {
  let sum = 0;
  let n = 0;
  for (let i = from; i < samples.length; i += step) {
    const s = samples[i] as number;
    sum += s * s;
    n++;
  }
  return n ? Math.sqrt(sum / n) : 0;
}

describe('sip connector with SIPp as the carrier', () => {
  let ai: OpenAiSimulator;
  let t: TestServer;
  let conn: Conn;
  let hubPort: number;
  let carrierPort: number;
  const reads = hubReads(() => t);

  const sipp = async (
    scenario: string,
    values: Record<string, string | number>,
    service = OURS,
    localPort = carrierPort,
    timeoutSeconds = 60,
  ) =>
    runSipp({
      scenario: fixture(scenario),
      values,
      target: `127.0.0.1:${hubPort}`,
      service,
      localPort,
      mediaPort: await freeUdpPort(),
      timeoutSeconds,
    });

  beforeAll(async () => {
    ai = await startOpenAiSimulator({ apiKeys: [AI_KEY], defaultTranscript: 'Hello there, I have a question' });
    t = await startTestServer({ allowPrivateNetwork: true });
    hubPort = await freeUdpPort();
    carrierPort = await freeUdpPort();
    const created = await t.api<Conn>('POST', '/api/v1/connections', {
      type: 'sip',
      name: 'Trunk',
      config: {
        trunk: { host: '127.0.0.1', port: carrierPort, transport: 'udp', register: false },
        didNumbers: [OURS],
        listenAddress: '127.0.0.1',
        listenPort: hubPort,
        rtpPortRange: await freeUdpRange(40),
        maxCalls: 1,
        // a moment of ringing, so a carrier can give up before the answer (CANCEL)
        ringMs: 800,
      },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    conn = created.body;
    const started = await t.api<Conn>('POST', `/api/v1/connections/${conn.id}/start`);
    expect(started.body.status, started.body.statusReason ?? '').toBe('RUNNING');
    await answerWith(t, conn.id, {
      kind: 'flow',
      name: 'phone menu',
      config: {
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
        speechToText: { baseUrl: ai.baseUrl, apiKey: AI_KEY, waitMs: 10_000 },
      },
    });
  }, 30_000);
  afterAll(async () => {
    await t?.close();
    await ai?.close();
  });

  it('answers a call: greeting, speech turned into an audio message, a DTMF menu, replies spoken, the recording kept', async () => {
    const caller = '+14155550101';
    const run = await sipp('uac-call.xml', {
      caller,
      greetingMs: 3500,
      speech: speechWav('Hello there, I have a question', 'hello'),
      thinkMs: 9000,
      dtmf: DTMF_1,
      afterMs: 4500,
    });
    expect(run.code, run.output).toBe(0);
    const conversation = await reads.conversationWith<Conv>(conn.id, caller);
    const messages = await eventually(
      async () => {
        const list = await reads.messagesOf<Msg>(conversation.id);
        return list.length >= 5 && list.some((m) => m.metadata.recording) ? list : undefined;
      },
      15_000,
      'the turns and the recording',
    );
    const turns = messages.filter((m) => !m.metadata.recording);
    expect(turns.map((m) => [m.direction, m.content.type, m.content.text ?? m.metadata.transcript])).toEqual([
      ['inbound', 'audio', 'Hello there, I have a question'],
      [
        'outbound',
        'text',
        'Welcome to Acme.\n\nWhat can I do for you?\n\nReply 1 for Opening hours\nReply 2 for Something else',
      ],
      ['inbound', 'text', '1'],
      ['outbound', 'text', 'We are open from nine to five.'],
    ]);
    expect(turns.filter((m) => m.direction === 'outbound').map((m) => m.status)).toEqual(['sent', 'sent']);
    expect(turns[2]?.metadata).toMatchObject({ dtmf: '1' });
    // the utterance's audio is the caller's words, cut by the voice-activity detector
    const utterance = turns[0] as Msg;
    await eventually(
      async () => (await reads.messagesOf<Msg>(conversation.id))[0]?.content.media?.state === 'ready',
      10_000,
      'utterance stored',
    );
    const said = decodeWav(Buffer.from(await (await fetch(utterance.content.media?.url as string)).arrayBuffer()));
    expect(said.sampleRate).toBe(8000);
    expect(said.samples.length / 8000).toBeGreaterThan(1);
    expect(said.samples.length / 8000).toBeLessThan(4);
    expect(ai.calls('transcriptions')).toHaveLength(1);

    const call = await eventually(
      async () => {
        const c = await t.sb.store.findCallByProviderId(conn.id, (utterance.metadata.call as string) ?? '');
        return c?.endedAt ? c : undefined;
      },
      10_000,
      'the call ended',
    );
    expect(call).toMatchObject({ state: 'completed', direction: 'inbound', from: caller, to: OURS });
    const recording = messages.find((m) => m.metadata.recording) as Msg;
    await eventually(
      async () =>
        (await reads.messagesOf<Msg>(conversation.id)).find((m) => m.id === recording.id)?.content.media?.state ===
        'ready',
      10_000,
      'recording stored',
    );
    const wav = decodeWav(Buffer.from(await (await fetch(recording.content.media?.url as string)).arrayBuffer()));
    expect(wav.channels).toBe(2);
    expect(wav.sampleRate).toBe(8000);
    // ~17.5 s of call: the scenario's pauses
    const seconds = wav.samples.length / 2 / 8000;
    expect(seconds).toBeGreaterThan(15);
    expect(seconds).toBeLessThan(22);
    // caller (left) spoke, the hub (right) spoke: neither is silence
    expect(rmsOf(wav.samples, 0, 2)).toBeGreaterThan(200);
    expect(rmsOf(wav.samples, 1, 2)).toBeGreaterThan(200);
  }, 90_000);

  it('refuses a number it does not serve with 404, and nothing is stored', async () => {
    const before = (await t.api<{ data: unknown[] }>('GET', '/api/v1/conversations')).body.data.length;
    const run = await sipp('uac-refused.xml', { expect: 404 }, '+15005550199');
    expect(run.code, run.output).toBe(0);
    expect((await t.api<{ data: unknown[] }>('GET', '/api/v1/conversations')).body.data).toHaveLength(before);
  }, 30_000);

  it('baresip calls in and hears the greeting (not silence); a second call over maxCalls is refused 486', async () => {
    const calling = runBaresip({
      uri: `sip:${OURS}@127.0.0.1:${hubPort}`,
      source: speechWav('one moment please', 'baresip-source', 'signed-integer', 10),
      seconds: 7,
      sipPort: await freeUdpPort(),
      rtp: await freeUdpRange(10),
    });
    const conversation = await reads.conversationWith<Conv>(conn.id, '+14155550177');
    // the connection takes one call at a time (maxCalls: 1): another caller meanwhile hears busy
    const busy = await sipp('uac-refused.xml', { expect: 486 }, OURS, await freeUdpPort());
    expect(busy.code, busy.output).toBe(0);
    const heard = await calling;
    const dump = readdirSync(heard.dir).find((f) => f.endsWith('-dec.wav'));
    expect(dump, heard.output).toBeDefined();
    const wav = decodeWav(readFileSync(join(heard.dir, dump as string)));
    expect(wav.sampleRate).toBe(8000);
    // what baresip heard holds the greeting (about 3 s of espeak-ng speech), loud enough to be speech
    expect(wav.samples.length / wav.channels / 8000).toBeGreaterThan(3);
    expect(rmsOf(wav.samples.subarray(0, 8000 * 3))).toBeGreaterThan(300);
    const record = await eventually(
      async () => {
        const messages = await reads.messagesOf<Msg>(conversation.id);
        const id = messages[0]?.metadata.call as string | undefined;
        const c = id ? await t.sb.store.findCallByProviderId(conn.id, id) : undefined;
        return c?.endedAt ? c : undefined;
      },
      10_000,
      'the baresip call ended',
    );
    expect(record).toMatchObject({ state: 'completed', from: '+14155550177', to: OURS });
  }, 40_000);

  it('answers OPTIONS keepalives; a call canceled while it rings is 487 and ends canceled', async () => {
    const caller = '+14155550133';
    const run = await sipp('uac-signalling.xml', { caller }, OURS, carrierPort, 15);
    expect(run.code, run.output).toBe(0);
    const conversation = await reads.conversationWith<Conv>(conn.id, caller);
    const calls = await eventually(
      async () => {
        const list = await t.api<{ data: Array<{ state: string; hangupCause: string | null }> }>(
          'GET',
          `/api/v1/conversations/${conversation.id}/calls`,
        );
        return list.status === 200 && list.body.data[0]?.state === 'canceled' ? list.body.data : undefined;
      },
      10_000,
      'the call canceled',
    );
    expect(calls[0]?.hangupCause).toMatch(/hung up before the answer/);
  }, 30_000);

  it('a re-INVITE putting the call on hold is answered recvonly, in the codec of the call (PCMA)', async () => {
    const run = await sipp('uac-hold.xml', { caller: '+14155550134' }, OURS, carrierPort, 15);
    expect(run.code, run.output).toBe(0);
  }, 30_000);
});
