/**
 * @module testing/sip-peers
 * Real SIP peers for tests, from Debian's packages (scripts/system-packages.txt): SIPp (`sip-tester`) as the carrier
 * running XML scenarios, and test audio spoken by espeak-ng and made telephone audio by sox. Everything binds to
 * 127.0.0.1 on free ports and every run is bounded in time.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** a UDP port nobody holds right now on 127.0.0.1 */
export function freeUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createSocket('udp4');
    s.once('error', reject);
    s.bind(0, '127.0.0.1', () => {
      const port = s.address().port;
      s.close(() => resolve(port));
    });
  });
}

/**
 * resolves once something holds UDP `port` on 127.0.0.1 (a SIPp server scenario ready for requests), read from the
 * kernel's socket table (/proc/net/udp, proc(5)) so that the port is never probed by binding it; bounded by `ms`
 */
export async function untilUdpBound(port: number, ms = 5000): Promise<void> {
  const local = `0100007F:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  const deadline = Date.now() + ms;
  for (;;) {
    const table = readFileSync('/proc/net/udp', 'utf8');
    if (table.split('\n').some((line) => line.trim().split(/\s+/)[1] === local)) return;
    if (Date.now() > deadline) throw new Error(`nothing bound UDP 127.0.0.1:${port} within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** an even port whose next `count` ports are free on UDP (an RTP range for the hub) */
export async function freeUdpRange(count: number): Promise<{ min: number; max: number }> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const min = 20000 + 2 * Math.floor(Math.random() * 10000);
    const sockets = [];
    let ok = true;
    for (let p = min; p < min + count && ok; p++) {
      const s = createSocket('udp4');
      ok = await new Promise<boolean>((resolve) => {
        s.once('error', () => resolve(false));
        s.bind(p, '127.0.0.1', () => resolve(true));
      });
      sockets.push(s);
    }
    for (const s of sockets) s.close();
    if (ok) return { min, max: min + count };
  }
  throw new Error('no free UDP port range');
}

const work = mkdtempSync(join(tmpdir(), 'sip-peers-'));

/** spoken words as an 8 kHz WAV: μ-law (what SIPp's rtp_stream plays as PCMU) or 16-bit (baresip's aufile) */
export function speechWav(
  text: string,
  name: string,
  encoding: 'u-law' | 'signed-integer' = 'u-law',
  /** silence after the words (baresip hangs up when its source file ends) */
  padSeconds = 0,
): string {
  const raw = join(work, `${name}-22k.wav`);
  const out = join(work, `${name}.wav`);
  execFileSync('espeak-ng', ['-v', 'en-us', '-w', raw, text]);
  execFileSync('sox', [
    raw,
    '-r',
    '8000',
    '-c',
    '1',
    '-e',
    encoding,
    ...(encoding === 'u-law' ? [] : ['-b', '16']),
    out,
    'pad',
    '0',
    String(padSeconds),
  ]);
  return out;
}

export interface SippRun {
  code: number | null;
  output: string;
}

/** runs a SIPp scenario (its `{{name}}` placeholders filled in), against `target` when given; resolves when SIPp ends */
export function runSipp(options: {
  scenario: string;
  values?: Record<string, string | number>;
  /** the UA a client scenario calls; absent for a server scenario (SIPp waits for requests) */
  target?: string;
  service?: string;
  localPort: number;
  mediaPort: number;
  timeoutSeconds: number;
  extra?: string[];
}): Promise<SippRun> {
  let xml = readFileSync(options.scenario, 'utf8');
  for (const [k, v] of Object.entries(options.values ?? {})) xml = xml.replaceAll(`{{${k}}}`, String(v));
  const file = join(work, `scenario-${options.localPort}.xml`);
  writeFileSync(file, xml);
  const args = [
    ...(options.target ? [options.target] : []),
    '-sf',
    file,
    ...(options.service ? ['-s', options.service] : []),
    '-i',
    '127.0.0.1',
    '-p',
    String(options.localPort),
    '-mi',
    '127.0.0.1',
    '-mp',
    String(options.mediaPort),
    '-m',
    '1',
    '-l',
    '1',
    '-nostdin',
    '-timeout',
    `${options.timeoutSeconds}s`,
    '-timeout_error',
    '-trace_err',
    '-error_file',
    join(work, `errors-${options.localPort}.log`),
    ...(options.extra ?? []),
  ];
  return new Promise((resolve) => {
    const child = spawn('sipp', args, { cwd: work, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output = (output + c.toString()).slice(-20_000)));
    child.stderr.on('data', (c: Buffer) => (output = (output + c.toString()).slice(-20_000)));
    const kill = setTimeout(() => child.kill('SIGKILL'), (options.timeoutSeconds + 10) * 1000);
    child.on('close', (code) => {
      clearTimeout(kill);
      let errors = '';
      try {
        errors = readFileSync(join(work, `errors-${options.localPort}.log`), 'utf8');
      } catch {
        // no errors written
      }
      resolve({ code, output: `${output}\n${errors}`.slice(-20_000) });
    });
  });
}

/**
 * baresip (https://github.com/baresip/baresip) as a second, independent user agent: it dials `uri` from its own
 * config folder, sends `source` as its microphone and, through the `sndfile` filter, writes what it hears
 * (`dump-*-dec.wav`) into the folder; it quits after `seconds`
 */
export function runBaresip(options: {
  uri: string;
  source: string;
  seconds: number;
  sipPort: number;
  rtp: { min: number; max: number };
}): Promise<{ code: number | null; output: string; dir: string }> {
  const dir = mkdtempSync(join(work, 'baresip-'));
  writeFileSync(
    join(dir, 'config'),
    [
      'poll_method epoll',
      `sip_listen 127.0.0.1:${options.sipPort}`,
      'sip_transports udp',
      `rtp_ports ${options.rtp.min}-${options.rtp.max}`,
      'net_interface 127.0.0.1',
      // a bridge as the loudspeaker: no sound device is needed, what is heard is dumped by sndfile
      'audio_player aubridge,hub',
      `audio_source aufile,${options.source}`,
      'audio_alert aubridge,alert',
      'module_path /usr/lib/baresip/modules',
      'module g711.so',
      'module aufile.so',
      'module aubridge.so',
      'module sndfile.so',
      'module_app account.so',
      'module_app menu.so',
      `snd_path ${dir}`,
      '',
    ].join('\n'),
  );
  writeFileSync(join(dir, 'accounts'), `<sip:+14155550177@127.0.0.1:${options.sipPort}>;regint=0;audio_codecs=PCMU\n`);
  writeFileSync(join(dir, 'contacts'), '');
  return new Promise((resolve) => {
    const child = spawn('baresip', ['-f', dir, '-t', String(options.seconds), '-e', `/dial ${options.uri}`], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output = (output + c.toString()).slice(-20_000)));
    child.stderr.on('data', (c: Buffer) => (output = (output + c.toString()).slice(-20_000)));
    const kill = setTimeout(() => child.kill('SIGKILL'), (options.seconds + 10) * 1000);
    child.on('close', (code) => {
      clearTimeout(kill);
      resolve({ code, output, dir });
    });
  });
}
