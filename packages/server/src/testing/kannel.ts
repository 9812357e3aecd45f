/**
 * @module testing/kannel
 * A real Kannel for tests (Debian `kannel` + `kannel-extras`), as the test's own processes: a private kannel.conf in a
 * temp dir, `bearerbox` (core, a `smsc = fake` SMSC) and `smsbox` (sendsms HTTP + the sms-service that calls the
 * hub), all on free ports on 127.0.0.1, and Kannel's own fake SMSC client `fakesmsc` in interactive mode as the
 * customers' phones: a line written to its stdin is an SMS a phone sends (MO); every SMS bearerbox hands to it (MT)
 * is printed as "Got message N: <from to type data>". Installs the packages first when they are missing and the tests
 * run as root (scripts/ensure-system-packages.sh, as CI does). No system service or system-wide config is touched.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './server-process.js';

const BEARERBOX = '/usr/sbin/bearerbox';
const SMSBOX = '/usr/sbin/smsbox';
/** where Debian's kannel-extras ships Kannel's test SMSC client */
export const FAKESMSC = '/usr/lib/kannel/test/fakesmsc';

/** installs kannel + kannel-extras when missing (root only, as on CI); false when they are still missing */
export function ensureKannel(): boolean {
  if (existsSync(BEARERBOX) && existsSync(SMSBOX) && existsSync(FAKESMSC)) return true;
  if (process.getuid?.() !== 0) return false;
  const script = fileURLToPath(new URL('../../../../scripts/ensure-system-packages.sh', import.meta.url));
  execFileSync('bash', [script], { stdio: 'inherit', timeout: 300_000 });
  return existsSync(BEARERBOX) && existsSync(SMSBOX) && existsSync(FAKESMSC);
}

export interface PhoneSms {
  from: string;
  to: string;
  text: string;
  /** how many SMS parts carried it (a concatenated message arrives in parts with a UDH) */
  parts: number;
}

export interface KannelOptions {
  /** the sms-service get-url (Kannel escapes such as %p stay as written) */
  getUrl: string;
  sendsmsUser: { username: string; password: string };
  /** smsc `denied-prefix`: receivers Kannel cannot route (403 "Not routable") */
  deniedPrefix?: string;
}

export interface Kannel {
  /** the smsbox base URL (sendsms-port) */
  url: string;
  dir: string;
  /** a phone sends an SMS through the fake SMSC */
  phoneSends(from: string, to: string, text: string): void;
  /** what reached the phones, concatenated parts joined */
  received(): PhoneSms[];
  /** the SMSC goes away (Kannel queues MTs: "3: Queued for later delivery") and comes back */
  disconnectSmsc(): Promise<void>;
  connectSmsc(): Promise<void>;
  log(): string;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`Kannel: ${what} did not happen within ${timeoutMs} ms`);
    await sleep(100);
  }
}

/** URL-encoded bytes as fakesmsc writes and reads them (`+` is a space) */
function percentBytes(encoded: string): Buffer {
  const out: number[] = [];
  for (let i = 0; i < encoded.length; i++) {
    const c = encoded[i] as string;
    if (c === '%' && /^[0-9a-fA-F]{2}$/.test(encoded.slice(i + 1, i + 3))) {
      out.push(Number.parseInt(encoded.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (c === '+') out.push(0x20);
    else out.push(...Buffer.from(c, 'utf8'));
  }
  return Buffer.from(out);
}

const utf16be = (bytes: Buffer): string => {
  const swapped = Buffer.from(bytes.subarray(0, bytes.length - (bytes.length % 2)));
  swapped.swap16();
  return swapped.toString('utf16le');
};
/** the fake SMSC line does not say the coding of a UDH part: UCS-2 shows in its zero and surrogate bytes */
const looksUcs2 = (bytes: Buffer): boolean =>
  bytes.length % 2 === 0 && bytes.some((b) => b === 0x00 || (b >= 0xd8 && b <= 0xdf));

/** "from to type data" as smsc_fake writes an MT (gw/smsc/smsc_fake.c sms_to_client) */
export function parsePhoneLines(lines: string[]): PhoneSms[] {
  const done: PhoneSms[] = [];
  const pending = new Map<string, { from: string; to: string; total: number; parts: Map<number, Buffer> }>();
  let lastText: PhoneSms | undefined;
  for (const line of lines) {
    // smsc_fake writes 7-bit text raw, so a line break in it starts a new line that carries no header: it continues
    // the text before it
    if (!/^\S+ \S+ (text|data|ucs-2|ucs2|udh) /.test(line)) {
      if (lastText) lastText.text += `\n${line}`;
      continue;
    }
    lastText = undefined;
    const [from, to, type, ...rest] = line.split(' ');
    if (!from || !to || !type) continue;
    if (type === 'text') {
      lastText = { from, to, text: rest.join(' '), parts: 1 };
      done.push(lastText);
    }
    if (type === 'data') done.push({ from, to, text: percentBytes(rest.join(' ')).toString('utf8'), parts: 1 });
    else if (type === 'ucs-2' || type === 'ucs2')
      done.push({ from, to, text: utf16be(percentBytes(rest.join(' '))), parts: 1 });
    else if (type === 'udh') {
      const udh = percentBytes(rest[0] ?? '');
      const data = percentBytes(rest.slice(2).join(' '));
      // IEI 0x00: concatenation with an 8-bit reference (3GPP TS 23.040 §9.2.3.24.1)
      if (udh.length < 6 || udh[1] !== 0x00) continue;
      const [ref, total, seq] = [udh[3] as number, udh[4] as number, udh[5] as number];
      const key = `${from}|${to}|${ref}`;
      const entry = pending.get(key) ?? { from, to, total, parts: new Map<number, Buffer>() };
      entry.parts.set(seq, data);
      pending.set(key, entry);
      if (entry.parts.size === entry.total) {
        pending.delete(key);
        const bytes = Buffer.concat([...entry.parts.entries()].sort((a, b) => a[0] - b[0]).map(([, b]) => b));
        done.push({ from, to, text: looksUcs2(bytes) ? utf16be(bytes) : bytes.toString('utf8'), parts: entry.total });
      }
    }
  }
  return done;
}

/** a phone's SMS as a fakesmsc line: plain text when it is printable ASCII, else UCS-2 (URL-encoded UTF-16BE) */
function phoneLine(from: string, to: string, text: string): string {
  if (/^[\x20-\x7e]+$/.test(text)) return `${from} ${to} text ${text}\n`;
  const bytes = Buffer.from(text, 'utf16le');
  bytes.swap16();
  return `${from} ${to} ucs2 ${[...bytes].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('')}\n`;
}

export async function startKannel(options: KannelOptions): Promise<Kannel> {
  if (!ensureKannel())
    throw new Error('kannel and kannel-extras are not installed (scripts/ensure-system-packages.sh)');
  const dir = mkdtempSync(join(tmpdir(), 'kannel-'));
  const [adminPort, boxPort, smscPort, sendsmsPort] = [
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  const adminPassword = 'admin-' + Math.random().toString(36).slice(2);
  const conf = join(dir, 'kannel.conf');
  const q = (v: string) => `"${v.replace(/"/g, '\\"')}"`;
  writeFileSync(
    conf,
    [
      'group = core',
      `admin-port = ${adminPort}`,
      'admin-interface = 127.0.0.1',
      `admin-password = ${adminPassword}`,
      `smsbox-port = ${boxPort}`,
      'smsbox-interface = 127.0.0.1',
      'box-allow-ip = 127.0.0.1',
      `log-file = ${q(join(dir, 'bearerbox.log'))}`,
      'log-level = 1',
      'dlr-storage = internal',
      '',
      'group = smsc',
      'smsc = fake',
      'smsc-id = fake',
      `port = ${smscPort}`,
      'our-host = 127.0.0.1',
      'connect-allow-ip = 127.0.0.1',
      ...(options.deniedPrefix ? [`denied-prefix = ${q(options.deniedPrefix)}`] : []),
      '',
      'group = smsbox',
      'bearerbox-host = 127.0.0.1',
      `bearerbox-port = ${boxPort}`,
      `sendsms-port = ${sendsmsPort}`,
      'sendsms-interface = 127.0.0.1',
      `log-file = ${q(join(dir, 'smsbox.log'))}`,
      'log-level = 1',
      // a UCS-2 SMS from a phone reaches the get-url as UTF-8
      'mo-recode = true',
      '',
      'group = sendsms-user',
      `username = ${q(options.sendsmsUser.username)}`,
      `password = ${q(options.sendsmsUser.password)}`,
      'max-messages = 10',
      'concatenation = true',
      '',
      'group = sms-service',
      'keyword = default',
      'catch-all = true',
      `get-url = ${q(options.getUrl)}`,
      // the hub answers nothing to send back; never turn its answer into a reply SMS
      'max-messages = 0',
      '',
    ].join('\n'),
  );
  const children: ChildProcess[] = [];
  let output = '';
  const run = (bin: string, args: string[]) => {
    const child = spawn(bin, args, { stdio: ['pipe', 'pipe', 'pipe'], cwd: dir });
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    children.push(child);
    return child;
  };
  const admin = () =>
    fetch(`http://127.0.0.1:${adminPort}/status.txt?password=${adminPassword}`, {
      signal: AbortSignal.timeout(2000),
    }).then((r) => r.text());
  const smscOnline = async () => /FAKE:\d+ \(online/.test(await admin());

  let phoneLog = '';
  let phone: ChildProcess | undefined;
  const connectSmsc = async () => {
    // the fake SMSC serves one client at a time: a second one would wait unserved
    if (phone && phone.exitCode === null && phone.signalCode === null) return;
    let buffered = '';
    phone = run(FAKESMSC, ['-H', '127.0.0.1', '-r', String(smscPort), '-i', '0', '-v', '0']);
    const collect = (d: Buffer) => {
      buffered += d.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const l of lines) {
        const m = /Got message \d+: <(.*)>$/.exec(l);
        if (m) phoneLog += `${m[1]}\n`;
      }
    };
    phone.stdout?.on('data', collect);
    phone.stderr?.on('data', collect);
    await until('the fake SMSC connection', smscOnline);
  };

  const stopChild = async (child: ChildProcess, signal: NodeJS.Signals) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill(signal);
    await Promise.race([exited, sleep(5000)]);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };

  try {
    run(BEARERBOX, [conf]);
    await until('bearerbox', async () => /Status: running/.test(await admin()));
    run(SMSBOX, [conf]);
    // smsbox answers sendsms once it is connected to bearerbox: a call without a receiver sends nothing
    await until('smsbox', async () => {
      const r = await fetch(`http://127.0.0.1:${sendsmsPort}/cgi-bin/sendsms`, { signal: AbortSignal.timeout(2000) });
      await r.text();
      return r.status === 403 || r.status === 400;
    });
    await connectSmsc();
  } catch (error) {
    for (const c of children) c.kill('SIGKILL');
    const logs = ['bearerbox.log', 'smsbox.log']
      .map((f) => (existsSync(join(dir, f)) ? readFileSync(join(dir, f), 'utf8').slice(-2000) : ''))
      .join('\n');
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`${(error as Error).message}\n${output.slice(-2000)}\n${logs}`);
  }

  return {
    url: `http://127.0.0.1:${sendsmsPort}`,
    dir,
    phoneSends(from, to, text) {
      if (!phone?.stdin) throw new Error('the fake SMSC is disconnected');
      phone.stdin.write(phoneLine(from, to, text));
    },
    received: () => parsePhoneLines(phoneLog.split('\n').slice(0, -1)),
    async disconnectSmsc() {
      if (phone) await stopChild(phone, 'SIGINT');
      phone = undefined;
      await until('the fake SMSC to go', async () => !(await smscOnline()));
    },
    connectSmsc,
    log: () =>
      ['bearerbox.log', 'smsbox.log']
        .map((f) => (existsSync(join(dir, f)) ? readFileSync(join(dir, f), 'utf8') : ''))
        .join('\n'),
    async stop() {
      if (phone) await stopChild(phone, 'SIGINT');
      // bearerbox tells smsbox to shut down; SIGTERM is its orderly shutdown
      for (const c of [...children].reverse()) await stopChild(c, 'SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
