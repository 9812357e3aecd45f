// The voice part of `npm run bench`: concurrent SIP calls with RTP, answered by the hub's SIP user agent (the
// built packages/server/dist) in this process, each call's media in its worker thread. SIPp (Debian's sip-tester)
// is the carrier: it places `n` calls at once, each streaming 8 s of speech (espeak-ng + sox) and hanging up. For
// each level the figure is the share of the hub's 20 ms frames that left more than 20 ms late and the worst
// lateness, read from the media clock of every call; updates the agent hands the hub are counted, not stored (this
// measures the media path, not the database). A figure, not a gate: the largest level with under 1 % late frames.
import { execFileSync, spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, round, sleep } from './lib.mjs';

const DIST = join(ROOT, 'packages', 'server', 'dist', 'channels', 'sip');

function freeUdpPort() {
  return new Promise((resolve, reject) => {
    const s = createSocket('udp4');
    s.once('error', reject);
    s.bind(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function oneLevel(n, work, speech) {
  const { SipUserAgent } = await import(join(DIST, 'ua.js'));
  const { sipConfigSchema } = await import(join(DIST, 'config.js'));
  const carrierPort = await freeUdpPort();
  const listenPort = await freeUdpPort();
  const config = sipConfigSchema.parse({
    trunk: { host: '127.0.0.1', port: carrierPort },
    didNumbers: ['+15005550100'],
    listenAddress: '127.0.0.1',
    listenPort,
    rtpPortRange: { min: 40000, max: 40000 + 4 * n + 100 },
    maxCalls: n,
    // the bench's callers listen without a word: not asked whether they are still there, not hung up on
    silenceRepromptSeconds: 0,
    greeting: 'Hello, thank you for calling. Please hold while we connect you to the next available agent.',
  });
  const stats = [];
  let delivered = 0;
  const controller = new AbortController();
  const log = {
    debug: (msg, fields) => msg === 'call media' && stats.push(fields),
    info: () => undefined,
    warn: () => undefined,
    error: () => undefined,
  };
  const ua = new SipUserAgent({
    connectionId: `conn_bench_${n}`,
    config,
    webhookUrl: '',
    http: fetch,
    log,
    signal: controller.signal,
    deliver: async () => {
      delivered++;
      return true;
    },
    cursor: { get: async () => undefined, set: async () => undefined },
  });
  const running = ua.run();
  await sleep(300);
  let xml = readFileSync(join(ROOT, 'packages/server/src/channels/sip/fixtures/uac-call.xml'), 'utf8');
  const values = {
    caller: '+14155550100',
    greetingMs: 500,
    speech,
    thinkMs: 6000,
    dtmf: '/usr/share/sip-tester/dtmf_2833_1.pcap',
    afterMs: 500,
  };
  for (const [k, v] of Object.entries(values)) xml = xml.replaceAll(`{{${k}}}`, String(v));
  const file = join(work, `bench-${n}.xml`);
  writeFileSync(file, xml);
  const mediaPort = await freeUdpPort();
  const started = Date.now();
  const code = await new Promise((resolve) => {
    const child = spawn(
      'sipp',
      [
        `127.0.0.1:${listenPort}`,
        '-sf',
        file,
        '-s',
        '+15005550100',
        '-i',
        '127.0.0.1',
        '-p',
        String(carrierPort),
        '-mi',
        '127.0.0.1',
        '-mp',
        String(mediaPort),
        '-m',
        String(n),
        '-l',
        String(n),
        '-r',
        String(n),
        '-rp',
        '1000',
        '-nostdin',
        '-timeout',
        '60s',
        '-timeout_error',
      ],
      { cwd: work, stdio: 'ignore' },
    );
    const kill = setTimeout(() => child.kill('SIGKILL'), 75_000);
    child.on('close', (c) => {
      clearTimeout(kill);
      resolve(c);
    });
  });
  const seconds = (Date.now() - started) / 1000;
  controller.abort();
  await running.catch(() => undefined);
  const frames = stats.reduce((a, s) => a + s.framesSent, 0);
  const late = stats.reduce((a, s) => a + s.lateFrames, 0);
  return {
    calls: n,
    callsMeasured: stats.length,
    sippExit: code,
    seconds: round(seconds, 1),
    framesSent: frames,
    lateFrames: late,
    latePct: frames ? round((100 * late) / frames, 2) : null,
    worstLateMs: round(Math.max(0, ...stats.map((s) => s.maxLateMs)), 1),
    packetsReceived: stats.reduce((a, s) => a + s.packetsReceived, 0),
    updatesDelivered: delivered,
  };
}

export async function benchVoice(levels = [10, 25, 50]) {
  const work = mkdtempSync(join(tmpdir(), 'bench-voice-'));
  const raw = join(work, 'speech-22k.wav');
  const speech = join(work, 'speech.wav');
  execFileSync('espeak-ng', [
    '-w',
    raw,
    'Hello, I would like to know where my order is. It was due on Monday and has not come yet.',
  ]);
  execFileSync('sox', [raw, '-r', '8000', '-c', '1', '-e', 'u-law', speech]);
  const results = [];
  for (const n of levels) {
    results.push(await oneLevel(n, work, speech));
    await sleep(500);
  }
  const ok = results.filter((r) => r.callsMeasured === r.calls && r.latePct !== null && r.latePct < 1);
  return { levels: results, maxCallsUnder1PctLate: ok.length ? Math.max(...ok.map((r) => r.calls)) : 0 };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const levels = (process.argv[2] ?? '10,25,50').split(',').map(Number);
  process.stdout.write(`${JSON.stringify(await benchVoice(levels), null, 2)}\n`);
}
