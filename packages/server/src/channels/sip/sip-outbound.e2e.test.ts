/**
 * Calls the hub places through the SIP trunk (POST /api/v1/calls): SIPp plays the trunk. It challenges the INVITE
 * with a 401 digest (checked by SIPp's verifyauth), rings and answers; the callee hears the greeting, says something
 * and hangs up: the call is completed, outbound, with its utterance and the stereo recording. A busy callee (486)
 * ends `busy`, one that never answers is given up with CANCEL and ends `no-answer`.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeWav } from '../../channel-kit/index.js';
import { hubReads } from '../../testing/hub-reads.js';
import { freeUdpPort, freeUdpRange, runSipp, speechWav, type SippRun } from '../../testing/sip-peers.js';
import { eventually, startTestServer, type TestServer } from '../../testing/test-server.js';
import { type ConnView as Conn, type MsgView as Msg, type CallView } from '../../testing/call-views.js';

const OURS = '+15005550108';
const PASSWORD = 'trunk-pass-0002';
const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

function rmsOf(samples: Int16Array, from: number, step: number, end = samples.length): number {
  let sum = 0;
  let n = 0;
  for (let i = from; i < end; i += step) {
    sum += (samples[i] as number) ** 2;
    n++;
  }
  return n ? Math.sqrt(sum / n) : 0;
}

describe('sip outbound calls with SIPp as the trunk', () => {
  let t: TestServer;
  let conn: Conn;
  let trunkPort: number;
  const reads = hubReads(() => t);

  const trunk = async (
    scenario: string,
    values: Record<string, string | number> = {},
  ): Promise<{ done: Promise<SippRun> }> => {
    const run = runSipp({
      scenario: fixture(scenario),
      values,
      localPort: trunkPort,
      mediaPort: await freeUdpPort(),
      timeoutSeconds: 25,
    });
    // SIPp binds before the test places the call
    await new Promise((r) => setTimeout(r, 300));
    // wrapped: an awaited promise of a promise would wait for SIPp to end
    return { done: run };
  };
  const place = async (to: string, greeting?: string) => {
    const res = await t.api<CallView>('POST', '/api/v1/calls', {
      connectionId: conn.id,
      to,
      ...(greeting ? { greeting } : {}),
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body;
  };
  const ended = (call: CallView) =>
    eventually(
      async () => {
        const list = await t.api<{ data: CallView[] }>('GET', `/api/v1/conversations/${call.conversationId}/calls`);
        const c = list.body.data.find((x) => x.id === call.id);
        return c?.endedAt ? c : undefined;
      },
      20_000,
      'the call ended',
    );

  beforeAll(async () => {
    t = await startTestServer();
    trunkPort = await freeUdpPort();
    const created = await t.api<Conn>('POST', '/api/v1/connections', {
      type: 'sip',
      name: 'Outbound trunk',
      config: {
        trunk: { host: '127.0.0.1', port: trunkPort, username: 'acme', register: false },
        password: PASSWORD,
        didNumbers: [OURS],
        listenAddress: '127.0.0.1',
        listenPort: await freeUdpPort(),
        rtpPortRange: await freeUdpRange(20),
        ringTimeoutSeconds: 2,
      },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    conn = created.body;
    expect((await t.api<Conn>('POST', `/api/v1/connections/${conn.id}/start`)).body.status).toBe('RUNNING');
  }, 30_000);
  afterAll(async () => {
    await t?.close();
  });

  it('places a call: digest challenge answered, the greeting heard, the callee’s words kept, the call recorded', async () => {
    const run = await trunk('uas-answer.xml', {
      user: 'acme',
      password: PASSWORD,
      speech: speechWav('Yes, speaking. Thank you.', 'callee'),
    });
    const placed = await place('+1 (415) 555-0150', 'Hello, this is a call from Acme about your order.');
    expect(placed).toMatchObject({ direction: 'outbound', to: '+14155550150', from: OURS, state: 'ringing' });
    const done = await run.done;
    expect(done.code, done.output).toBe(0);
    const call = await ended(placed);
    expect(call).toMatchObject({ state: 'completed', direction: 'outbound' });
    const messages = await eventually(
      async () => {
        const list = await reads.messagesOf<Msg>(call.conversationId);
        return list.some((m) => m.metadata.recording) && list.some((m) => m.metadata.speech) ? list : undefined;
      },
      10_000,
      'the utterance and the recording',
    );
    const recording = messages.find((m) => m.metadata.recording) as Msg;
    await eventually(
      async () =>
        (await reads.messagesOf<Msg>(call.conversationId)).find((m) => m.id === recording.id)?.content.media?.state ===
        'ready',
      10_000,
      'recording stored',
    );
    const wav = decodeWav(Buffer.from(await (await fetch(recording.content.media?.url as string)).arrayBuffer()));
    expect(wav.channels).toBe(2);
    const seconds = wav.samples.length / 2 / 8000;
    expect(seconds).toBeGreaterThan(6);
    expect(seconds).toBeLessThan(10);
    // the hub's greeting in the first seconds (right), the callee's words after 4 s (left)
    expect(rmsOf(wav.samples, 1, 2, 2 * 8000 * 3)).toBeGreaterThan(300);
    expect(rmsOf(wav.samples, 2 * 8000 * 4, 2)).toBeGreaterThan(300);
  }, 45_000);

  it('a busy callee (486) ends the call busy', async () => {
    const run = await trunk('uas-busy.xml');
    const placed = await place('+14155550151');
    const call = await ended(placed);
    expect(call.state).toBe('busy');
    expect(call.hangupCause).toMatch(/486/);
    expect((await run.done).code).toBe(0);
  }, 30_000);

  it('a callee who never answers is given up with CANCEL after ringTimeoutSeconds: no-answer', async () => {
    const run = await trunk('uas-no-answer.xml');
    const started = Date.now();
    const placed = await place('+14155550152');
    const call = await ended(placed);
    expect(call.state).toBe('no-answer');
    expect(Date.now() - started).toBeGreaterThan(1800);
    const done = await run.done;
    expect(done.code, done.output).toBe(0);
  }, 30_000);
});
