/**
 * The SIP connector when a call does not go as planned. Barge-in: the caller speaks into the greeting, which stops
 * at once (the recording's hub channel falls silent while the caller talks) and the utterance says so. A crash:
 * the hub is killed (SIGKILL, a process of its own) in the middle of a call; started again on the same data, it
 * ends that call `failed` with the reason, the conversation and what was said before the crash kept.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeWav } from '../../channel-kit/index.js';
import { freePort, spawnServer } from '../../testing/server-process.js';
import { freeUdpPort, freeUdpRange, runSipp, speechWav } from '../../testing/sip-peers.js';
import { eventually, startTestServer, TEST_ADMIN_TOKEN, type TestServer } from '../../testing/test-server.js';
import {
  type ConnView as Conn,
  type ConvView as Conv,
  type MsgView as Msg,
  type CallView,
} from '../../testing/call-views.js';

const OURS = '+15005550109';
const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const LONG_GREETING =
  'Hello and welcome to the Acme customer line. Our opening hours are from nine in the morning to five in the evening, Monday to Friday.';

function rmsOf(samples: Int16Array, channel: number, fromS: number, toS: number): number {
  let sum = 0;
  let n = 0;
  for (let i = Math.floor(fromS * 8000); i < Math.min(samples.length / 2, Math.floor(toS * 8000)); i++) {
    sum += (samples[2 * i + channel] as number) ** 2;
    n++;
  }
  return n ? Math.sqrt(sum / n) : 0;
}

async function sipConfig(carrierPort: number) {
  return {
    trunk: { host: '127.0.0.1', port: carrierPort, transport: 'udp', register: false },
    didNumbers: [OURS],
    listenAddress: '127.0.0.1',
    listenPort: await freeUdpPort(),
    rtpPortRange: await freeUdpRange(20),
    greeting: LONG_GREETING,
  };
}

describe('sip calls that do not go as planned', () => {
  let t: TestServer | undefined;
  afterAll(async () => {
    await t?.close();
  });

  it('barge-in: the caller speaking into the greeting stops it, and the utterance is marked', async () => {
    t = await startTestServer();
    const carrierPort = await freeUdpPort();
    const config = await sipConfig(carrierPort);
    const conn = (await t.api<Conn>('POST', '/api/v1/connections', { type: 'sip', name: 'Barge', config })).body;
    expect((await t.api<Conn>('POST', `/api/v1/connections/${conn.id}/start`)).body.status).toBe('RUNNING');
    const caller = '+14155550160';
    const run = await runSipp({
      scenario: fixture('uac-call.xml'),
      values: {
        caller,
        greetingMs: 1500,
        speech: speechWav('Hello there, I have a question', 'hello'),
        thinkMs: 3000,
        dtmf: '/usr/share/sip-tester/dtmf_2833_1.pcap',
        afterMs: 500,
      },
      target: `127.0.0.1:${config.listenPort}`,
      service: OURS,
      localPort: carrierPort,
      mediaPort: await freeUdpPort(),
      timeoutSeconds: 30,
    });
    expect(run.code, run.output).toBe(0);
    const server = t;
    const conversation = await eventually(
      async () =>
        (await server.api<{ data: Conv[] }>('GET', `/api/v1/conversations?connectionId=${conn.id}`)).body.data.find(
          (c) => c.address === caller,
        ),
      10_000,
      'the conversation',
    );
    const messages = await eventually(
      async () => {
        const list = (await server.api<{ data: Msg[] }>('GET', `/api/v1/conversations/${conversation.id}/messages`))
          .body.data;
        const rec = list.find((m) => m.metadata.recording);
        return rec?.content.media?.state === 'ready' ? list : undefined;
      },
      15_000,
      'the recording',
    );
    const utterance = messages.find((m) => m.metadata.speech) as Msg;
    expect(utterance.metadata.bargeIn).toBe(true);
    const startS = (utterance.metadata.utterance as { startMs: number }).startMs / 1000;
    const recording = messages.find((m) => m.metadata.recording) as Msg;
    const wav = decodeWav(Buffer.from(await (await fetch(recording.content.media?.url as string)).arrayBuffer()));
    // the greeting played until the caller spoke, then the hub's side was quiet while they talked
    expect(rmsOf(wav.samples, 1, 0.2, startS)).toBeGreaterThan(300);
    expect(rmsOf(wav.samples, 1, startS + 0.3, startS + 1.8)).toBeLessThan(20);
    expect(rmsOf(wav.samples, 0, startS, startS + 1.8)).toBeGreaterThan(300);
    await t.close();
    t = undefined;
  }, 60_000);

  it('a hub killed in the middle of a call ends it failed, with the reason, when it starts again', async () => {
    // a data folder of the test's own: a test server removes the one it made when it closes
    const dataDir = mkdtempSync(join(tmpdir(), 'sip-crash-'));
    const first = await startTestServer({ dataDir });
    const carrierPort = await freeUdpPort();
    const config = await sipConfig(carrierPort);
    const conn = (await first.api<Conn>('POST', '/api/v1/connections', { type: 'sip', name: 'Crash', config })).body;
    expect((await first.api<Conn>('POST', `/api/v1/connections/${conn.id}/start`)).body.status).toBe('RUNNING');
    await first.close();
    // the same data run as its own process, so that it can die without closing anything
    const port = await freePort();
    const proc = await spawnServer(
      {
        SWITCHBOARD_DATA_DIR: dataDir,
        SWITCHBOARD_ADMIN_TOKEN: TEST_ADMIN_TOKEN,
        SWITCHBOARD_PUBLIC_URL: `http://127.0.0.1:${port}`,
      },
      port,
    );
    const caller = '+14155550161';
    const get = async <T>(path: string, url: string) =>
      (await (await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } })).json()) as T;
    const calling = runSipp({
      scenario: fixture('uac-call.xml'),
      values: {
        caller,
        greetingMs: 1000,
        speech: speechWav('Hello there, I have a question', 'hello'),
        thinkMs: 20000,
        dtmf: '/usr/share/sip-tester/dtmf_2833_1.pcap',
        afterMs: 500,
      },
      target: `127.0.0.1:${config.listenPort}`,
      service: OURS,
      localPort: carrierPort,
      mediaPort: await freeUdpPort(),
      timeoutSeconds: 12,
    });
    let conversation: Conv;
    try {
      conversation = await eventually(
        async () => {
          const c = (await get<{ data: Conv[] }>(`/api/v1/conversations?connectionId=${conn.id}`, proc.url)).data.find(
            (x) => x.address === caller,
          );
          if (!c) return undefined;
          const msgs = (await get<{ data: Msg[] }>(`/api/v1/conversations/${c.id}/messages`, proc.url)).data;
          // killed once the caller's first words are stored
          return msgs.some((m) => m.metadata.speech) ? c : undefined;
        },
        20_000,
        'the call under way',
      );
    } finally {
      await proc.kill('SIGKILL');
    }
    // the carrier gives up on its own (nobody answers its BYE)
    await calling;
    t = await startTestServer({ dataDir });
    const server = t;
    const call = await eventually(
      async () => {
        const list = await server.api<{ data: CallView[] }>('GET', `/api/v1/conversations/${conversation.id}/calls`);
        return list.body.data[0]?.endedAt ? list.body.data[0] : undefined;
      },
      15_000,
      'the cut call ended',
    );
    expect(call).toMatchObject({ state: 'failed', hangupCause: 'the hub stopped during the call' });
    const messages = (await server.api<{ data: Msg[] }>('GET', `/api/v1/conversations/${conversation.id}/messages`))
      .body.data;
    expect(messages.filter((m) => m.metadata.speech)).toHaveLength(1);
  }, 90_000);
});
