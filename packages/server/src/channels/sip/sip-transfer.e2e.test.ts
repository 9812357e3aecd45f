/**
 * Transfer and voicemail on the SIP connector, end to end with real SIP peers: SIPp plays the carrier calling in,
 * another SIPp the trunk delivering the hub's transfer calls to the operators (told apart by the number dialled).
 * What the caller and the answering operator hear is caught on UDP sockets of the test, named as their media ports
 * in their SDP. The operator speaks a 1500 Hz tone and the caller, once transferred, a 700 Hz one: each must reach
 * the other across the hub, and both must be in the call's stereo recording (caller left, hub right).
 * - the flow agent hands off: its last words, then the operators' phones ring in turn — a team member's that rings
 *   out (CANCEL after transferRingSeconds), a busy one (486), a SIP URI that answers; the operator hangs up, so
 *   does the caller's leg; the call names the operator;
 * - the caller presses 0: the connection's operators, the same bridge; the caller hangs up, so does the operator's leg;
 * - nobody answers: the voicemail message, a tone, the caller's words kept until a silence ends it; stored as an audio
 *   message with its transcript, the conversation left open for a callback.
 */
import { startOpenAiSimulator, type OpenAiSimulator } from '@switchboard/simulators';
import { execFileSync } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeG711, decodeWav } from '../../channel-kit/index.js';
import { hubReads } from '../../testing/hub-reads.js';
import { freeUdpPort, freeUdpRange, runSipp, speechWav, untilUdpBound, type SippRun } from '../../testing/sip-peers.js';
import { eventually, startTestServer, type TestServer } from '../../testing/test-server.js';
import {
  answerWith,
  type ConnView as Conn,
  type ConvView as Conv,
  type MsgView as Msg,
  type CallView,
} from '../../testing/call-views.js';

const OURS = '+15005550116';
const TEAM_PHONE = '+15550000001';
const BUSY_OPERATOR = '+15550000002';
const DESK = 'sip:desk@pbx.example.com';
const AI_KEY = 'sk-sip-transfer-key-01';
const VOICEMAIL_WORDS = 'Please call me back about my order';
const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const DTMF = (d: string) => `/usr/share/sip-tester/dtmf_2833_${d}.pcap`;
const work = mkdtempSync(join(tmpdir(), 'sip-transfer-'));

/** a steady tone as SIPp streams it (8 kHz μ-law WAV) */
function toneWav(hz: number, seconds: number, name: string): string {
  const out = join(work, `${name}.wav`);
  execFileSync('sox', [
    '-n',
    '-r',
    '8000',
    '-c',
    '1',
    '-e',
    'u-law',
    out,
    'synth',
    String(seconds),
    'sine',
    String(hz),
  ]);
  return out;
}

/** the share of a stretch's energy at `hz` (Goertzel): near 1 for a pure tone, small for speech or silence */
function toneShare(samples: ArrayLike<number>, hz: number): number {
  const n = samples.length;
  const k = (2 * Math.cos((2 * Math.PI * hz) / 8000)) as number;
  let s1 = 0;
  let s2 = 0;
  let energy = 0;
  for (let i = 0; i < n; i++) {
    const x = samples[i] as number;
    energy += x * x;
    const s0 = x + k * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  if (energy < n * 100 * 100) return 0;
  const power = s1 * s1 + s2 * s2 - k * s1 * s2;
  return (2 * power) / (n * energy);
}

/** how many 200 ms windows of the audio hold mostly a tone of `hz` */
function toneWindows(samples: ArrayLike<number>, hz: number): number {
  let found = 0;
  for (let i = 0; i + 1600 <= samples.length; i += 1600)
    if (toneShare(Array.prototype.slice.call(samples, i, i + 1600) as number[], hz) > 0.5) found++;
  return found;
}

function channel(samples: Int16Array, which: 0 | 1): Int16Array {
  const out = new Int16Array(samples.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = samples[2 * i + which] as number;
  return out;
}

/** a UDP socket standing in for a party's phone: what the hub sends it, decoded (PCMU), in order of arrival */
async function earpiece(): Promise<{ port: number; heard: () => Int16Array; packets: () => number; close(): void }> {
  const socket: Socket = createSocket('udp4');
  const frames: Int16Array[] = [];
  socket.on('message', (msg) => {
    if (msg.length < 12 || ((msg[1] as number) & 0x7f) !== 0) return;
    const offset = 12 + ((msg[0] as number) & 0x0f) * 4;
    frames.push(decodeG711('PCMU', new Uint8Array(msg.subarray(offset))));
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  return {
    port: socket.address().port,
    heard: () => {
      const all = new Int16Array(frames.reduce((n, f) => n + f.length, 0));
      let k = 0;
      for (const f of frames) {
        all.set(f, k);
        k += f.length;
      }
      return all;
    },
    packets: () => frames.length,
    close: () => socket.close(),
  };
}

describe('sip transfer and voicemail with SIPp as the carrier and the operators', () => {
  let ai: OpenAiSimulator;
  let t: TestServer;
  let conn: Conn;
  let hubPort: number;
  let trunkPort: number;
  let operatorVoice: string;
  let callerVoice: string;
  const reads = hubReads(() => t);

  /** the operators behind the trunk: SIPp answering `calls` INVITEs, then ending */
  const operators = async (values: Record<string, string | number>, calls: number) => {
    const trace = join(work, `operators-${Date.now()}.log`);
    const run = runSipp({
      scenario: fixture('uas-operators.xml'),
      values: { voice: operatorVoice, holdMs: 20_000, ...values },
      localPort: trunkPort,
      mediaPort: await freeUdpPort(),
      timeoutSeconds: 50,
      extra: ['-m', String(calls), '-trace_msg', '-message_file', trace],
    });
    // SIPp binds before the call comes
    await untilUdpBound(trunkPort);
    /**
     * the numbers and URIs the hub rang, in order: one per call (Call-ID), so a retransmission or a signed repeat
     * counts once and the same operator rung twice counts twice
     */
    const rung = () => {
      const calls = new Map<string, string>();
      for (const block of readFileSync(trace, 'utf8').split(/^-{10,}.*$/m)) {
        const uri = /^INVITE (\S+) SIP\/2\.0/m.exec(block)?.[1];
        const callId = /^(?:Call-ID|i):\s*(\S+)/im.exec(block)?.[1];
        if (uri && callId && !calls.has(callId)) calls.set(callId, uri);
      }
      return [...calls.values()];
    };
    return { done: run, rung };
  };
  const caller = async (values: Record<string, string | number>): Promise<SippRun> =>
    runSipp({
      scenario: fixture('uac-transfer.xml'),
      values: { greetingMs: 1500, waitMs: 30_000, ...values },
      target: `127.0.0.1:${hubPort}`,
      service: OURS,
      localPort: await freeUdpPort(),
      mediaPort: await freeUdpPort(),
      timeoutSeconds: 50,
    });
  const callOf = async (conversationId: string) =>
    eventually(
      async () => {
        const list = await t.api<{ data: CallView[] }>('GET', `/api/v1/conversations/${conversationId}/calls`);
        return list.body.data[0]?.endedAt ? list.body.data[0] : undefined;
      },
      15_000,
      'the call ended',
    );
  const ready = async (conversationId: string, pick: (m: Msg) => boolean, what: string) =>
    eventually(
      async () => {
        const m = (await reads.messagesOf<Msg>(conversationId)).find(pick);
        return m?.content.media?.state === 'ready' ? m : undefined;
      },
      15_000,
      what,
    );
  const wavOf = async (m: Msg) =>
    decodeWav(Buffer.from(await (await fetch(m.content.media?.url as string)).arrayBuffer()));

  beforeAll(async () => {
    ai = await startOpenAiSimulator({ apiKeys: [AI_KEY], defaultTranscript: VOICEMAIL_WORDS });
    t = await startTestServer({ allowPrivateNetwork: true });
    hubPort = await freeUdpPort();
    trunkPort = await freeUdpPort();
    operatorVoice = toneWav(1500, 4, 'operator');
    callerVoice = toneWav(700, 4, 'caller');
    const created = await t.api<Conn>('POST', '/api/v1/connections', {
      type: 'sip',
      name: 'Trunk with operators',
      config: {
        trunk: { host: '127.0.0.1', port: trunkPort, transport: 'udp', register: false },
        didNumbers: [OURS],
        listenAddress: '127.0.0.1',
        listenPort: hubPort,
        rtpPortRange: await freeUdpRange(40),
        greeting: 'Hello.',
        operatorNumber: BUSY_OPERATOR,
        operators: [DESK],
        transferRingSeconds: 2,
        voicemailMessage: 'Leave a message after the tone.',
        voicemailSilenceSeconds: 5,
      },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    conn = created.body;
    const started = await t.api<Conn>('POST', `/api/v1/connections/${conn.id}/start`);
    expect(started.body.status, started.body.statusReason ?? '').toBe('RUNNING');
    await answerWith(t, conn.id, {
      kind: 'flow',
      name: 'front desk',
      config: {
        start: 'person',
        nodes: [{ id: 'person', type: 'handoff', text: 'Let me find a colleague for you.', reason: 'asked' }],
        speechToText: { baseUrl: ai.baseUrl, apiKey: AI_KEY, waitMs: 10_000 },
      },
    });
  }, 30_000);
  afterAll(async () => {
    await t?.close();
    await ai?.close();
  });

  it("the agent's handoff rings the team member (rings out), the busy operator, then the desk that answers: bridged both ways and recorded", async () => {
    const me = (await t.api<{ id: string }>('GET', '/api/v1/me')).body;
    expect((await t.api('PATCH', `/api/v1/users/${me.id}`, { phone: TEAM_PHONE })).status).toBe(200);
    const callerEar = await earpiece();
    const operatorEar = await earpiece();
    try {
      // the desk hangs up 8 s after answering: the caller's leg is ended by the hub
      const desk = await operators(
        { answering: 'desk@', busy: BUSY_OPERATOR.slice(1), hearPort: operatorEar.port, holdMs: 8000 },
        3,
      );
      const number = '+14155550140';
      const started = Date.now();
      const run = await caller({
        caller: number,
        hearPort: callerEar.port,
        dtmf: DTMF('1'),
        beforeSpeechMs: 8000,
        speech: callerVoice,
      });
      const seconds = (Date.now() - started) / 1000;
      expect(run.code, run.output).toBe(0);
      const ops = await desk.done;
      expect(ops.code, ops.output).toBe(0);
      // the caller waited up to 30 s for a BYE: the hub's came when the desk hung up
      expect(seconds).toBeLessThan(28);
      // in turn: the team member's phone, the connection's operator number, its SIP operator (through the trunk)
      expect(desk.rung()).toEqual([
        `sip:${TEAM_PHONE.slice(1)}@127.0.0.1:${trunkPort}`,
        `sip:${BUSY_OPERATOR.slice(1)}@127.0.0.1:${trunkPort}`,
        DESK,
      ]);

      // what the caller heard: the agent, then the operator's tone; what the operator heard: the caller's tone
      expect(toneWindows(callerEar.heard(), 1500)).toBeGreaterThan(5);
      expect(toneWindows(operatorEar.heard(), 700)).toBeGreaterThan(5);

      const conversation = await reads.conversationWith<Conv>(conn.id, number);
      const call = await callOf(conversation.id);
      expect(call).toMatchObject({ state: 'completed', answeredBy: `operator:${DESK}` });
      const recording = await ready(conversation.id, (m) => Boolean(m.metadata.recording), 'the call recording');
      expect(recording.metadata).toMatchObject({ recording: { source: 'call', channels: 2, operator: DESK } });
      const wav = await wavOf(recording);
      expect(wav).toMatchObject({ channels: 2, sampleRate: 8000 });
      // the caller left, the business right: the agent's words and then the operator's tone
      expect(toneWindows(channel(wav.samples, 1), 1500)).toBeGreaterThan(5);
      expect(toneWindows(channel(wav.samples, 0), 700)).toBeGreaterThan(5);
      const messages = await reads.messagesOf<Msg>(conversation.id);
      expect(messages.filter((m) => m.direction === 'outbound').map((m) => m.content.text)).toEqual([
        'Let me find a colleague for you.',
      ]);
      expect((await t.api<{ handler?: string }>('GET', `/api/v1/conversations/${conversation.id}`)).body.handler).toBe(
        'human',
      );
    } finally {
      callerEar.close();
      operatorEar.close();
      await t.api('PATCH', `/api/v1/users/${me.id}`, { phone: null });
    }
  }, 70_000);

  it('pressing 0 rings the connection’s operators: the busy one, then the desk; the caller hangs up, so does the desk', async () => {
    const callerEar = await earpiece();
    const operatorEar = await earpiece();
    try {
      // the desk would wait 20 s for a BYE: it gets the hub's when the caller hangs up
      const desk = await operators(
        { answering: 'desk@', busy: BUSY_OPERATOR.slice(1), hearPort: operatorEar.port, holdMs: 20_000 },
        2,
      );
      const number = '+14155550141';
      const run = await caller({
        caller: number,
        hearPort: callerEar.port,
        dtmf: DTMF('0'),
        beforeSpeechMs: 8000,
        speech: callerVoice,
        waitMs: 6000,
      });
      expect(run.code, run.output).toBe(0);
      const hungUpAt = Date.now();
      const ops = await desk.done;
      expect(ops.code, ops.output).toBe(0);
      expect(Date.now() - hungUpAt).toBeLessThan(5000);
      expect(desk.rung()).toEqual([`sip:${BUSY_OPERATOR.slice(1)}@127.0.0.1:${trunkPort}`, DESK]);
      expect(toneWindows(callerEar.heard(), 1500)).toBeGreaterThan(5);
      expect(toneWindows(operatorEar.heard(), 700)).toBeGreaterThan(5);

      const conversation = await reads.conversationWith<Conv>(conn.id, number);
      const call = await callOf(conversation.id);
      expect(call).toMatchObject({ state: 'completed', answeredBy: `operator:${DESK}` });
      const messages = await reads.messagesOf<Msg>(conversation.id);
      const key = messages.find((m) => m.metadata.dtmf === '0');
      expect(key?.metadata).toMatchObject({ dtmf: '0', transfer: BUSY_OPERATOR, automated: true });
      // a person was asked for: the agent did not answer the key
      expect(messages.filter((m) => m.direction === 'outbound')).toEqual([]);
      const recording = await ready(conversation.id, (m) => Boolean(m.metadata.recording), 'the call recording');
      const wav = await wavOf(recording);
      expect(toneWindows(channel(wav.samples, 1), 1500)).toBeGreaterThan(5);
    } finally {
      callerEar.close();
      operatorEar.close();
    }
  }, 70_000);

  it('nobody answers: the voicemail message and tone, the caller’s words kept as a transcribed audio message, the conversation open', async () => {
    const callerEar = await earpiece();
    try {
      const nobody = await operators(
        { answering: 'nobody-answers@', busy: `${BUSY_OPERATOR.slice(1)}|desk@`, hearPort: callerEar.port },
        2,
      );
      const number = '+14155550142';
      const started = Date.now();
      const run = await caller({
        caller: number,
        hearPort: callerEar.port,
        dtmf: DTMF('0'),
        beforeSpeechMs: 9000,
        speech: speechWav(VOICEMAIL_WORDS, 'voicemail-words'),
      });
      expect(run.code, run.output).toBe(0);
      // the caller never hangs up: the voicemail's silence ended the call
      expect((Date.now() - started) / 1000).toBeLessThan(28);
      expect((await nobody.done).code).toBe(0);
      expect(nobody.rung()).toHaveLength(2);
      // the tone before the recording (1 kHz) was heard
      expect(toneWindows(callerEar.heard(), 1000)).toBeGreaterThanOrEqual(1);

      const conversation = await reads.conversationWith<Conv>(conn.id, number);
      const call = await callOf(conversation.id);
      expect(call.state).toBe('completed');
      expect(call.answeredBy).toBeNull();
      const voicemail = await ready(conversation.id, (m) => Boolean(m.metadata.voicemail), 'the voicemail');
      expect(voicemail).toMatchObject({ direction: 'inbound', content: { type: 'audio' } });
      expect(voicemail.metadata).toMatchObject({ recording: { source: 'voicemail', channels: 1 }, automated: true });
      const wav = await wavOf(voicemail);
      expect(wav).toMatchObject({ channels: 1, sampleRate: 8000 });
      // the words (about 2 s of speech), without the silence that ended it
      expect(wav.samples.length / 8000).toBeGreaterThan(1.5);
      expect(wav.samples.length / 8000).toBeLessThan(4.5);
      const transcribed = await reads.messageUntil<Msg>(
        voicemail.id,
        (m) => typeof m.metadata.transcript === 'string',
        'the voicemail transcribed',
      );
      expect(transcribed.metadata.transcript).toBe(VOICEMAIL_WORDS);
      const open = await t.api<Conv>('GET', `/api/v1/conversations/${conversation.id}`);
      expect(open.body.status).not.toBe('resolved');
      // the whole call is recorded too: the caller's words on the left
      const recording = await ready(
        conversation.id,
        (m) => m.metadata.recording?.valueOf() !== undefined && !m.metadata.voicemail,
        'the call recording',
      );
      expect((await wavOf(recording)).channels).toBe(2);
    } finally {
      callerEar.close();
    }
  }, 70_000);
});
