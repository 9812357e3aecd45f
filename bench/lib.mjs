// Shared helpers for bench/run-bench.mjs and bench/run-chaos.mjs: spawn the built server (packages/server/dist) as
// a child process, call its API, sign provider-shaped webhooks, read SSE, read RSS. Loopback only; every wait is
// bounded.
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const CLI = join(ROOT, 'packages', 'server', 'dist', 'app', 'cli.js');
export const GC_PRELOAD = join(ROOT, 'bench', 'gc-preload.mjs');
export const HOST = '127.0.0.1';

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, HOST, () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** polls fn until truthy, at most timeoutMs */
export async function eventually(fn, timeoutMs = 10_000, what = 'condition', everyMs = 50) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/**
 * Starts `node packages/server/dist/app/cli.js start` (or another node script) as a child process and waits for its
 * banner. `gc: true` adds --expose-gc and a preload that runs gc() on SIGUSR2 (for idle RSS readings).
 */
export async function spawnServer({
  env,
  port,
  args = ['start'],
  gc = false,
  script = CLI,
  ready = 'is running',
  timeoutMs = 30_000,
  execArgs = [],
}) {
  const output = [];
  const nodeArgs = [...execArgs, ...(gc ? ['--expose-gc', '--import', GC_PRELOAD] : []), script, ...args];
  const child = spawn(process.execPath, nodeArgs, {
    env: { ...process.env, LOG_LEVEL: 'warn', ...env, PORT: String(port), HOST },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const keep = (d) => {
    output.push(d.toString());
    if (output.length > 200) output.splice(0, output.length - 200);
  };
  const exited = new Promise((r) => child.once('exit', (code, signal) => r(code ?? signal)));
  await new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`server did not start in ${timeoutMs} ms: ${output.join('')}`)),
      timeoutMs,
    );
    child.stdout.on('data', (d) => {
      keep(d);
      if (output.join('').includes(ready)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.stderr.on('data', keep);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}: ${output.join('').slice(-3000)}`));
    });
  });
  return {
    child,
    pid: child.pid,
    url: `http://${HOST}:${port}`,
    port,
    output,
    exited,
    async kill(signal = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return Promise.race([exited, sleep(15_000)]);
    },
  };
}

/** VmRSS of a process in bytes (Linux /proc) */
export function rssOf(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
}

/** CPU time (user + system, all threads) a process has used, in ms (Linux /proc; 10 ms resolution) */
export function cpuMsOf(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  // fields after the command: state is [0], utime [11], stime [12], in clock ticks (USER_HZ = 100 on Linux)
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** asks a gc-preloaded server to collect garbage, then reads its RSS */
export async function rssAfterGc(pid) {
  for (let i = 0; i < 3; i++) {
    process.kill(pid, 'SIGUSR2');
    await sleep(300);
  }
  return rssOf(pid);
}

export function makeApi(baseUrl, token) {
  return async function api(method, path, body) {
    const res = await fetch(`${baseUrl()}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    let parsed = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // keep text
    }
    return { status: res.status, body: parsed };
  };
}

// ---- provider-shaped webhook bodies (same shapes as channels/*/fixtures) ----

export const WA_PHONE_DISPLAY = '15550783881';

/** a WhatsApp Cloud API `messages` webhook with one text message (https://developers.facebook.com/docs/whatsapp/cloud-api/webhooks/components) */
export function whatsappBody({ wabaId, phoneNumberId, from, wamid, text, ts = Math.floor(Date.now() / 1000) }) {
  return JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: wabaId,
        changes: [
          {
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: WA_PHONE_DISPLAY, phone_number_id: phoneNumberId },
              contacts: [{ profile: { name: `Customer ${from.slice(-4)}` }, wa_id: from }],
              messages: [{ from, id: wamid, timestamp: String(ts), type: 'text', text: { body: text } }],
            },
            field: 'messages',
          },
        ],
      },
    ],
  });
}

export const whatsappSignature = (appSecret, raw) =>
  `sha256=${createHmac('sha256', appSecret).update(raw).digest('hex')}`;

/** a Telegram Update with a private text message (Bot API Update / Message) */
export function telegramBody({ updateId, userId, messageId, text, date = Math.floor(Date.now() / 1000) }) {
  const user = {
    id: userId,
    is_bot: false,
    first_name: 'Ana',
    last_name: `N${userId % 10_000}`,
    username: `user_${userId}`,
    language_code: 'en',
  };
  return JSON.stringify({
    update_id: updateId,
    message: {
      message_id: messageId,
      from: user,
      chat: { id: userId, first_name: 'Ana', last_name: user.last_name, username: user.username, type: 'private' },
      date,
      text,
    },
  });
}

// ---- a small keep-alive HTTP client for paced / chaos senders (lighter than fetch on 2 cores) ----

export function makePoster(maxSockets = 64) {
  const agent = new http.Agent({ keepAlive: true, maxSockets });
  /** resolves with the status code, or rejects on a socket error / timeout */
  const post = (url, headers, body, timeoutMs = 10_000) =>
    new Promise((resolve, reject) => {
      const req = http.request(
        url,
        {
          method: 'POST',
          agent,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers },
          timeout: timeoutMs,
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode));
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', reject);
      req.end(body);
    });
  return { post, agent, close: () => agent.destroy() };
}

/**
 * Opens an SSE stream with node:http; calls onEvent(event, data, receivedAtMs) per event. Returns {ready, close}.
 */
export function openSse(url, headers, onEvent, agent) {
  let markReady;
  let fail;
  const ready = new Promise((resolve, reject) => {
    markReady = resolve;
    fail = reject;
  });
  const req = http.get(
    url,
    { headers: { accept: 'text/event-stream', ...headers }, ...(agent ? { agent } : {}) },
    (res) => {
      if (res.statusCode !== 200) {
        fail(new Error(`SSE ${url} answered ${res.statusCode}`));
        res.resume();
        return;
      }
      res.setEncoding('utf8');
      let buffer = '';
      res.on('data', (chunk) => {
        const at = performance.now();
        buffer += chunk;
        let idx;
        while ((idx = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, idx);
          buffer = buffer.slice(idx + 2);
          let event;
          let data;
          for (const line of block.split('\n')) {
            if (line.startsWith('event:')) event = line.slice(6).trim();
            else if (line.startsWith('data:')) data = line.slice(5).trim();
          }
          if (!event) continue;
          if (event === 'ready') markReady();
          if (onEvent) onEvent(event, data, at);
        }
      });
      res.on('error', () => undefined);
    },
  );
  req.on('error', (e) => fail(e));
  return { ready, close: () => req.destroy(), req };
}

export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

export const round = (n, d = 1) => (Number.isFinite(n) ? Math.round(n * 10 ** d) / 10 ** d : null);

/** a minimal markdown table */
export function mdTable(header, rows) {
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

/** a fixed-width text table for the console */
export function textTable(header, rows) {
  const all = [header, ...rows].map((r) => r.map(String));
  const widths = header.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  const line = (r) => r.map((c, i) => c.padEnd(widths[i])).join('  ');
  return [line(all[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...all.slice(1).map(line)].join('\n');
}
