#!/usr/bin/env node
// The HTTP layer alone, on the webhook route's shape: how much a request costs in bare node:http, in fastify with the
// webhook route as it was registered before (a scoped buffer content-type parser, a route with params, reply.send),
// and in the server as built now (fastify's serverFactory with the webhook listener in front of its router). Every
// variant reads the body, copies the headers, answers `{"ok":true}`; none stores anything — this isolates the
// framework's per-request overhead from the hub's work. Each variant runs twice, alternating, in its own child
// process (`node bench/http-overhead.mjs [--duration 4]`); last line JSON. Reported: requests per second, and the
// server process's CPU time per request (process.cpuUsage over the measured run) — the figure that stays comparable
// on a loaded machine.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { ROOT, freePort, round } from './lib.mjs';

const VARIANTS = ['bare', 'fastify-route', 'listener'];
const OK = '{"ok":true}';

async function serve(kind, port) {
  const http = await import('node:http');
  // CPU time per request is the figure that holds on a loaded machine (throughput depends on what else runs)
  let requests = 0;
  process.on('SIGUSR2', () => {
    const u = process.cpuUsage();
    process.stdout.write(`cpu ${u.user + u.system} ${requests}\n`);
  });
  const counted = (fn) => (req, res) => {
    requests++;
    return fn(req, res);
  };
  const require = createRequire(join(ROOT, 'packages', 'server', 'package.json'));
  const Fastify = require('fastify');
  const lean = (req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const headers = {};
      for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v.join(', ') : v;
      void Buffer.concat(chunks);
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': OK.length });
      res.end(OK);
    });
  };
  if (kind === 'bare') {
    http.createServer(counted(lean)).listen(port, '127.0.0.1', () => process.stdout.write('ready\n'));
    return;
  }
  const app = Fastify({
    bodyLimit: 1048576,
    return503OnClosing: true,
    forceCloseConnections: true,
    ...(kind === 'listener'
      ? {
          serverFactory: (handler) =>
            http.createServer(
              counted((req, res) => (req.url.startsWith('/webhooks/') ? lean(req, res) : handler(req, res))),
            ),
        }
      : {}),
  });
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: 1048576 }, (_r, b, d) => d(null, b));
    scope.post('/webhooks/:connectionId', { schema: { hide: true }, bodyLimit: 1048576 }, async (request, reply) => {
      if (kind === 'fastify-route') requests++;
      const headers = {};
      for (const [k, v] of Object.entries(request.headers))
        headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
      const url = new URL(request.url, 'http://internal.invalid');
      for (const [k, v] of url.searchParams) headers[`q:${k}`] = v;
      reply.code(200);
      reply.header('content-type', 'application/json');
      return reply.send(OK);
    });
  });
  await app.listen({ port, host: '127.0.0.1' });
  process.stdout.write('ready\n');
}

async function main() {
  const { values } = parseArgs({ options: { duration: { type: 'string', default: '4' }, serve: { type: 'string' } } });
  if (values.serve) return serve(values.serve, Number(process.env.PORT));
  const body = JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [{ id: '1', changes: [{ value: { messages: [{ id: 'wamid.x', text: { body: 'hello there' } }] } }] }],
  });
  const one = async (kind) => {
    const port = await freePort();
    const child = spawn(process.execPath, [process.argv[1], '--serve', kind], {
      env: { ...process.env, PORT: String(port) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise((r) => child.stdout.on('data', (d) => String(d).includes('ready') && r()));
    const run = (duration) =>
      new Promise((resolve, reject) =>
        autocannon(
          {
            url: `http://127.0.0.1:${port}/webhooks/01JBENCH`,
            method: 'POST',
            body,
            headers: { 'content-type': 'application/json', 'x-hub-signature-256': 'sha256=00' },
            connections: 50,
            duration,
          },
          (e, r) => (e ? reject(e) : resolve(r)),
        ),
      );
    const cpu = () =>
      new Promise((resolve) => {
        const onData = (d) => {
          const m = /cpu (\d+) (\d+)/.exec(String(d));
          if (!m) return;
          child.stdout.off('data', onData);
          resolve({ us: Number(m[1]), n: Number(m[2]) });
        };
        child.stdout.on('data', onData);
        child.kill('SIGUSR2');
      });
    await run(1);
    const c0 = await cpu();
    const r = await run(Number(values.duration));
    const c1 = await cpu();
    child.kill();
    return { reqPerSec: r.requests.average, cpuUsPerRequest: (c1.us - c0.us) / Math.max(1, c1.n - c0.n) };
  };
  const runs = Object.fromEntries(VARIANTS.map((v) => [v, []]));
  for (let round = 0; round < 2; round++) for (const v of VARIANTS) runs[v].push(await one(v));
  const mean = (a) => a.reduce((x, y) => x + y, 0) / a.length;
  const rate = (v) => mean(runs[v].map((r) => r.reqPerSec));
  const cpuUs = (v) => mean(runs[v].map((r) => r.cpuUsPerRequest));
  const result = Object.fromEntries(
    VARIANTS.map((v) => [
      v,
      {
        reqPerSec: round(rate(v), 0),
        vsBare: round(rate(v) / rate('bare'), 3),
        cpuUsPerRequest: round(cpuUs(v), 1),
        cpuVsBare: round(cpuUs(v) / cpuUs('bare'), 2),
        runs: runs[v],
      },
    ]),
  );
  for (const v of VARIANTS)
    process.stderr.write(
      `${v.padEnd(14)} ${result[v].reqPerSec} req/s (${(result[v].vsBare * 100).toFixed(0)} % of bare), ${result[v].cpuUsPerRequest} µs CPU per request (${result[v].cpuVsBare} × bare)\n`,
    );
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});
