#!/usr/bin/env node
// `npm run bench` — the issue "Measure it": ingest vs a bare node:http server, pipeline throughput and
// webhook→event latency, outbound pacing against the WhatsApp simulator, and memory (idle and per widget
// connection). Everything runs on 127.0.0.1 against the built server (packages/server/dist) in child processes;
// autocannon, the paced senders and the simulators run in this process. Prints a table and, as its last line, one
// JSON object; writes bench/results/<date>.json and docs/benchmarks.md.
//
// Options: --duration <s> (ingest run length, default 5), --connections <n> (autocannon, default 50),
//          --pipeline-seconds <s> (sustained pipeline run, default 30), --widgets <n> (memory test, default 5000),
//          --rates 500,1000,2000, --rate-seconds <s> (default 3), --scaled-seconds <s> (scaled pipeline, default 15),
//          --voice-calls 5,10,20,40 (concurrent SIP calls per voice level), --no-doc (do not rewrite
//          docs/benchmarks.md), --only ingest,scaled,pacing,memory,campaign,voice (a subset; nothing written),
//          --cpu-prof <dir> (the hub processes write V8 CPU profiles there, for `node --cpu-prof`),
//          --campaign-recipients <n> (the campaign part's audience, default 100000: a single-step WhatsApp template
//          campaign over 3 numbers at 80 msg/s each; the audience is written into the database before the start)
//
// Scaled mode uses the machine's PostgreSQL (SWITCHBOARD_TEST_PG_URL, default postgres://postgres@127.0.0.1:5432/test;
// a fresh database, dropped afterwards) and NATS (SWITCHBOARD_TEST_NATS_URL, default nats://127.0.0.1:4222; streams
// under a fresh prefix, deleted afterwards).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import autocannon from 'autocannon';
import Database from 'better-sqlite3';
import pg from 'pg';
import { connect as natsConnect } from 'nats';
import { startTelegramSimulator, startTwilioSimulator, startWhatsAppSimulator } from '@switchboard/simulators';
import { benchVoice } from './voice.mjs';
import {
  ROOT,
  cpuMsOf,
  eventually,
  freePort,
  makeApi,
  makePoster,
  mdTable,
  openSse,
  percentile,
  round,
  rssAfterGc,
  rssOf,
  sleep,
  spawnServer,
  telegramBody,
  textTable,
  whatsappBody,
  whatsappSignature,
} from './lib.mjs';

const { values: opts } = parseArgs({
  options: {
    duration: { type: 'string', default: '5' },
    connections: { type: 'string', default: '50' },
    widgets: { type: 'string', default: '5000' },
    rates: { type: 'string', default: '500,1000,2000' },
    'rate-seconds': { type: 'string', default: '3' },
    'pipeline-seconds': { type: 'string', default: '30' },
    'scaled-seconds': { type: 'string', default: '15' },
    'no-doc': { type: 'boolean', default: false },
    only: { type: 'string', default: 'ingest,scaled,pacing,memory,campaign,voice' },
    'campaign-recipients': { type: 'string', default: '100000' },
    'voice-calls': { type: 'string' },
    'cpu-prof': { type: 'string' },
  },
});
const DURATION = Number(opts.duration);
const CONNECTIONS = Number(opts.connections);
const WIDGETS = Number(opts.widgets);
const RATES = opts.rates
  .split(',')
  .map(Number)
  .filter((n) => n > 0);
const RATE_SECONDS = Number(opts['rate-seconds']);
const PIPELINE_SECONDS = Number(opts['pipeline-seconds']);
const SCALED_SECONDS = Number(opts['scaled-seconds']);
const ONLY = new Set(opts.only.split(','));
const PARTIAL = !['ingest', 'scaled', 'pacing', 'memory', 'campaign', 'voice'].every((p) => ONLY.has(p));
const CAMPAIGN_RECIPIENTS = Number(opts['campaign-recipients']);
// concurrent SIP calls per voice level (bench/voice.mjs)
const VOICE_LEVELS = (opts['voice-calls'] ?? '5,10,20,40').split(',').map(Number);
const PG_ADMIN_URL = process.env.SWITCHBOARD_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const NATS_URL = process.env.SWITCHBOARD_TEST_NATS_URL ?? 'nats://127.0.0.1:4222';
const PROFILE_ARGS = opts['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', opts['cpu-prof']] : [];
const TOKEN = `sb_bench_${randomBytes(12).toString('hex')}`;
const MASTER_KEY = randomBytes(32).toString('hex');
const startedAt = Date.now();
const log = (s) => process.stderr.write(`[bench ${((Date.now() - startedAt) / 1000).toFixed(1)}s] ${s}\n`);

const cleanups = [];
const cleanup = async () => {
  while (cleanups.length) {
    try {
      await cleanups.pop()();
    } catch {
      // best effort
    }
  }
};
process.on('SIGINT', () => void cleanup().then(() => process.exit(130)));

/** a Switchboard child process on a fresh SQLite data dir, with a WhatsApp and a Telegram connection */
async function startHub({ wa, tg, gc = false, waNumbers, messagesPerSecond, connections = ['whatsapp', 'telegram'] }) {
  const dataDir = mkdtempSync(join(os.tmpdir(), 'switchboard-bench-'));
  const port = await freePort();
  const srv = await spawnServer({
    port,
    gc,
    execArgs: PROFILE_ARGS,
    env: {
      SWITCHBOARD_DATA_DIR: dataDir,
      SWITCHBOARD_ADMIN_TOKEN: TOKEN,
      SWITCHBOARD_MASTER_KEY: MASTER_KEY,
      SWITCHBOARD_PUBLIC_URL: `http://127.0.0.1:${port}`,
      LOG_LEVEL: 'warn',
    },
  });
  const stop = async () => {
    srv.child.kill('SIGTERM');
    await Promise.race([srv.exited, sleep(10_000)]);
    await srv.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  };
  cleanups.push(stop);
  const api = makeApi(() => srv.url, TOKEN);
  const dbFile = join(dataDir, 'switchboard.db');
  const hub = {
    srv,
    api,
    dataDir,
    dbFile,
    stop,
    count: async (sql) => dbCount(dbFile, sql),
  };
  await addConnections(hub, { wa, tg, waNumbers, messagesPerSecond, connections });
  return hub;
}

/**
 * Scaled mode on this machine: a fresh database on the machine's PostgreSQL, streams under a fresh prefix on its
 * NATS, one `--role api` and one `--role worker` process.
 */
async function startScaledHub({ wa }) {
  const dbName = `switchboard_bench_${randomBytes(6).toString('hex')}`;
  const admin = async (sql) => {
    const c = new pg.Client({ connectionString: PG_ADMIN_URL });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  await admin(`create database ${dbName}`);
  const dbUrl = new URL(PG_ADMIN_URL);
  dbUrl.pathname = `/${dbName}`;
  const prefix = `bench${randomBytes(4).toString('hex')}`;
  const dataDir = mkdtempSync(join(os.tmpdir(), 'switchboard-bench-scaled-'));
  const pool = new pg.Pool({ connectionString: dbUrl.toString(), max: 2 });
  pool.on('error', () => undefined);
  const [apiPort, workerPort] = [await freePort(), await freePort()];
  const env = {
    DATABASE_URL: dbUrl.toString(),
    NATS_URL,
    SWITCHBOARD_NATS_PREFIX: prefix,
    SWITCHBOARD_DATA_DIR: dataDir,
    SWITCHBOARD_ADMIN_TOKEN: TOKEN,
    SWITCHBOARD_MASTER_KEY: MASTER_KEY,
    SWITCHBOARD_PUBLIC_URL: `http://127.0.0.1:${apiPort}`,
    LOG_LEVEL: 'warn',
  };
  const procs = [];
  const stop = async () => {
    for (const p of procs) p.child.kill('SIGTERM');
    await Promise.race([Promise.all(procs.map((p) => p.exited)), sleep(10_000)]);
    await Promise.all(procs.map((p) => p.kill('SIGKILL')));
    procs.length = 0;
    await pool.end().catch(() => undefined);
    await admin(`drop database if exists ${dbName} with (force)`).catch(() => undefined);
    await deleteNatsStreams(prefix).catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  };
  cleanups.push(stop);
  // the api process migrates first; the worker then finds the schema in place
  const srv = await spawnServer({ env, port: apiPort, args: ['start', '--role', 'api'], execArgs: PROFILE_ARGS });
  procs.push(srv);
  procs.push(await spawnServer({ env, port: workerPort, args: ['start', '--role', 'worker'], execArgs: PROFILE_ARGS }));
  const api = makeApi(() => srv.url, TOKEN);
  const hub = {
    srv,
    api,
    stop,
    count: async (sql) => Number((await pool.query(sql)).rows[0].n),
  };
  await addConnections(hub, { wa, connections: ['whatsapp'] });
  return hub;
}

async function deleteNatsStreams(prefix) {
  const nc = await natsConnect({ servers: NATS_URL, timeout: 3000 });
  try {
    const jsm = await nc.jetstreamManager();
    const names = [];
    for await (const name of jsm.streams.names()) if (name.startsWith(`${prefix}_`)) names.push(name);
    for (const name of names) await jsm.streams.delete(name);
  } finally {
    await nc.close();
  }
}

async function addConnections(hub, { wa, tg, waNumbers, messagesPerSecond, connections }) {
  const { api } = hub;
  if (connections.includes('whatsapp')) {
    const d = wa.defaults;
    const config = {
      accessToken: d.accessToken,
      appSecret: wa.app.secret,
      businessAccountId: d.wabaId,
      phoneNumberIds: waNumbers ?? [d.phoneNumberId],
      apiBaseUrl: wa.url,
      ...(messagesPerSecond ? { messagesPerSecond } : {}),
    };
    const created = await api('POST', '/api/v1/connections', { type: 'whatsapp', name: 'bench whatsapp', config });
    if (created.status !== 201 && created.status !== 200)
      throw new Error(`create whatsapp connection: ${created.status} ${JSON.stringify(created.body)}`);
    const started = await api('POST', `/api/v1/connections/${created.body.id}/start`);
    if (started.body?.status !== 'RUNNING')
      throw new Error(`whatsapp connection did not start: ${JSON.stringify(started.body)}`);
    hub.wa = { id: created.body.id, appSecret: wa.app.secret, wabaId: d.wabaId, phoneNumberId: d.phoneNumberId };
  }
  if (connections.includes('telegram')) {
    const secretToken = `bench_${randomBytes(16).toString('hex')}`;
    const created = await api('POST', '/api/v1/connections', {
      type: 'telegram',
      name: 'bench telegram',
      config: { botToken: tg.defaultBot.token, secretToken, apiBaseUrl: tg.url },
    });
    if (created.status !== 201 && created.status !== 200)
      throw new Error(`create telegram connection: ${created.status} ${JSON.stringify(created.body)}`);
    const started = await api('POST', `/api/v1/connections/${created.body.id}/start`);
    if (started.body?.status !== 'RUNNING')
      throw new Error(`telegram connection did not start: ${JSON.stringify(started.body)}`);
    hub.tg = { id: created.body.id, secretToken };
  }
}

function dbCount(dbFile, sql) {
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).get().n;
  } finally {
    db.close();
  }
}
const storedInbound = (hub) => hub.count("select count(*) as n from messages where direction = 'inbound'");
const pendingInbound = (hub) => hub.count("select count(*) as n from inbound_events where status = 'pending'");
const drain = async (hub, what, timeoutMs = 120_000) => {
  const t0 = Date.now();
  await eventually(
    async () => (await pendingInbound(hub)) === 0,
    timeoutMs,
    `${what}: pending inbound events to drain`,
    200,
  );
  return Date.now() - t0;
};

// unique ids across the whole run
let seq = 0;
const CUSTOMERS = 1000;
const waRequest = (hub, text) => {
  const n = ++seq;
  const from = `49151${String(1_000_000 + (n % CUSTOMERS)).padStart(7, '0')}`;
  const wamid = `wamid.bench${n}.${randomBytes(4).toString('hex')}`;
  const body = whatsappBody({
    wabaId: hub.wa.wabaId,
    phoneNumberId: hub.wa.phoneNumberId,
    from,
    wamid,
    text: text ?? `bench message ${wamid}`,
  });
  return {
    body,
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': whatsappSignature(hub.wa.appSecret, body) },
    wamid,
  };
};
const tgRequest = (hub) => {
  const n = ++seq;
  const body = telegramBody({
    updateId: 900_000_000 + n,
    userId: 5_100_000_000 + (n % CUSTOMERS),
    messageId: n,
    text: `bench update ${n}`,
  });
  return {
    body,
    headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': hub.tg.secretToken },
  };
};

/** autocannon against url; makeReq() → {body, headers} per request (unique ids, fresh signature) */
function cannon({ url, makeReq, duration, amount, connections = CONNECTIONS }) {
  return new Promise((resolve, reject) => {
    const requests = makeReq
      ? [
          {
            method: 'POST',
            setupRequest: (req) => {
              const r = makeReq();
              return { ...req, method: 'POST', body: r.body, headers: r.headers };
            },
          },
        ]
      : [{ method: 'POST', body: '{"hello":"world"}', headers: { 'content-type': 'application/json' } }];
    autocannon(
      { url, connections, pipelining: 1, ...(amount ? { amount } : { duration }), requests, timeout: 20 },
      (err, res) => (err ? reject(err) : resolve(res)),
    );
  });
}
const summarize = (res) => ({
  reqPerSec: round(res.requests.average, 0),
  p50Ms: res.latency.p50,
  p99Ms: res.latency.p99,
  total: res.requests.total,
  non2xx: res.non2xx,
  errors: res.errors,
  timeouts: res.timeouts,
});

// ---------------------------------------------------------------------------------------------------------------

/** a baseline server (bare node:http, or the durable floor) in its own child process; the same autocannon settings */
async function startBaseline(script, ready) {
  const port = await freePort();
  const dir = mkdtempSync(join(os.tmpdir(), 'switchboard-bench-floor-'));
  const srv = await spawnServer({
    port,
    script: join(ROOT, 'bench', script),
    args: [],
    ready,
    env: { DURABLE_FLOOR_DIR: dir },
  });
  const stop = async () => {
    await srv.kill('SIGTERM');
    await srv.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  cleanups.push(stop);
  await cannon({ url: srv.url, duration: 1 }); // warm-up
  const run = async () =>
    summarize(
      await cannon({
        url: `${srv.url}/webhooks/x`,
        duration: DURATION,
        makeReq: () => ({ body: JSON.stringify({ id: ++seq }), headers: { 'content-type': 'application/json' } }),
      }),
    );
  return { run, stop };
}

/**
 * The pipeline sustained: signed WhatsApp webhooks at saturation for `seconds`; messages stored in that window per
 * second, and the backlog (acknowledged, not yet processed) when it ends.
 */
async function sustainedPipeline(hub, url, seconds) {
  const base = await storedInbound(hub);
  const t0 = performance.now();
  const sat = summarize(await cannon({ url, duration: seconds, makeReq: () => waRequest(hub) }));
  const elapsedMs = performance.now() - t0;
  const stored = (await storedInbound(hub)) - base;
  const backlogAtEnd = await pendingInbound(hub);
  const drainMs = await drain(hub, 'sustained pipeline', 300_000);
  const acked = sat.total - sat.non2xx;
  return {
    seconds: round(elapsedMs / 1000, 1),
    acked,
    ackPerSec: round(acked / (elapsedMs / 1000), 0),
    stored,
    perSec: round(stored / (elapsedMs / 1000), 0),
    backlogAtEnd,
    drainMs,
    non2xx: sat.non2xx,
    errors: sat.errors,
    ackP99Ms: sat.p99Ms,
  };
}

/** webhook → message.received latency at fixed rates (paced sender, events matched by message text) */
async function latencyAtRates(hub, waUrl) {
  const latency = [];
  const sendAt = new Map();
  const seen = [];
  const sse = openSse(
    `${hub.srv.url}/api/v1/events?types=message.received`,
    { authorization: `Bearer ${TOKEN}` },
    (event, data, at) => {
      if (event !== 'message.received') return;
      const text = JSON.parse(data)?.data?.message?.content?.text;
      const sent = sendAt.get(text);
      if (sent !== undefined) {
        seen.push(at - sent);
        sendAt.delete(text);
      }
    },
  );
  await sse.ready;
  const poster = makePoster(128);
  for (const rate of RATES) {
    seen.length = 0;
    sendAt.clear();
    log(`latency: ${rate} msg/s for ${RATE_SECONDS}s`);
    let sent = 0;
    let failed = 0;
    const total = rate * RATE_SECONDS;
    const begin = performance.now();
    const inflight = new Set();
    while (sent < total && performance.now() - begin < RATE_SECONDS * 1000 + 5000) {
      const due = Math.min(total, Math.floor(((performance.now() - begin) / 1000) * rate));
      while (sent < due) {
        const text = `lat ${rate} ${sent} ${randomBytes(3).toString('hex')}`;
        const r = waRequest(hub, text);
        sendAt.set(text, performance.now());
        const p = poster
          .post(waUrl, r.headers, r.body)
          .then(
            (s) => {
              if (s !== 200) failed++;
            },
            () => {
              failed++;
            },
          )
          .finally(() => inflight.delete(p));
        inflight.add(p);
        sent++;
      }
      await sleep(2);
    }
    const sendSeconds = (performance.now() - begin) / 1000;
    await Promise.all(inflight);
    await eventually(() => seen.length >= sent - failed, 40_000, `events for ${rate} msg/s`, 50).catch(() => undefined);
    const sorted = [...seen].sort((a, b) => a - b);
    latency.push({
      rate,
      sent,
      achievedRate: round(sent / sendSeconds, 0),
      failed,
      events: seen.length,
      missing: sent - failed - seen.length,
      p50Ms: round(percentile(sorted, 50), 1),
      p99Ms: round(percentile(sorted, 99), 1),
      maxMs: round(sorted.at(-1), 1),
    });
    await drain(hub, `latency ${rate}`, 60_000);
    await sleep(500);
  }
  sse.close();
  poster.close();
  return latency;
}

async function benchIngestAndPipeline(wa, tg) {
  // 1. the baselines: bare node:http, and the durable floor (append + group fdatasync); each before and after
  const bare = await startBaseline('bare-server.mjs', 'bare server is running');
  log(`ingest: bare node:http ${DURATION}s × ${CONNECTIONS} connections`);
  const bare1 = await bare.run();
  await bare.stop();
  const floor = await startBaseline('durable-floor-server.mjs', 'durable floor server is running');
  log(`ingest: durable floor (node:http + append + group fdatasync) ${DURATION}s`);
  const floor1 = await floor.run();
  await floor.stop();

  const hub = await startHub({ wa, tg });
  const waUrl = `${hub.srv.url}/webhooks/${hub.wa.id}`;
  const tgUrl = `${hub.srv.url}/webhooks/${hub.tg.id}`;
  log('ingest: warm-up');
  await cannon({ url: waUrl, duration: 1, makeReq: () => waRequest(hub) });
  await drain(hub, 'warm-up');

  log(`ingest: Switchboard WhatsApp-shaped ${DURATION}s`);
  const before = await storedInbound(hub);
  // the hub's CPU per webhook (ingest and processing, every thread, until drained): comparable on a loaded machine
  let cpu0 = cpuMsOf(hub.srv.pid);
  const waRes = summarize(await cannon({ url: waUrl, duration: DURATION, makeReq: () => waRequest(hub) }));
  const waBacklog = await pendingInbound(hub);
  const waDrainMs = await drain(hub, 'whatsapp ingest');
  const waCpuMsPerWebhook = round((cpuMsOf(hub.srv.pid) - cpu0) / Math.max(1, waRes.total), 3);
  log(`ingest: Switchboard Telegram-shaped ${DURATION}s (WhatsApp backlog ${waBacklog} drained in ${waDrainMs} ms)`);
  cpu0 = cpuMsOf(hub.srv.pid);
  const tgRes = summarize(await cannon({ url: tgUrl, duration: DURATION, makeReq: () => tgRequest(hub) }));
  const tgBacklog = await pendingInbound(hub);
  const tgDrainMs = await drain(hub, 'telegram ingest');
  const tgCpuMsPerWebhook = round((cpuMsOf(hub.srv.pid) - cpu0) / Math.max(1, tgRes.total), 3);
  const storedDuringIngest = (await storedInbound(hub)) - before;

  // the baselines again, on a machine as loaded as during the hub's runs
  const bareAgain = await startBaseline('bare-server.mjs', 'bare server is running');
  log(`ingest: bare node:http again ${DURATION}s`);
  const bare2 = await bareAgain.run();
  await bareAgain.stop();
  const floorAgain = await startBaseline('durable-floor-server.mjs', 'durable floor server is running');
  log(`ingest: durable floor again ${DURATION}s`);
  const floor2 = await floorAgain.run();
  await floorAgain.stop();
  const bareReqPerSec = (bare1.reqPerSec + bare2.reqPerSec) / 2;
  const floorReqPerSec = (floor1.reqPerSec + floor2.reqPerSec) / 2;
  const ingestPerSec = (waRes.reqPerSec + tgRes.reqPerSec) / 2;

  // 2a. the pipeline sustained at saturation
  log(`pipeline: WhatsApp webhooks at saturation for ${PIPELINE_SECONDS}s`);
  const pipeline = await sustainedPipeline(hub, waUrl, PIPELINE_SECONDS);
  log(
    `pipeline: ${pipeline.perSec} msg/s stored, acked ${pipeline.ackPerSec}/s, backlog ${pipeline.backlogAtEnd} at the end (drained in ${pipeline.drainMs} ms)`,
  );

  // 2b. webhook → message.received latency at fixed rates
  const latency = await latencyAtRates(hub, waUrl);
  await hub.stop();
  return {
    bare: { first: bare1, second: bare2, reqPerSec: round(bareReqPerSec, 0) },
    durableFloor: { first: floor1, second: floor2, reqPerSec: round(floorReqPerSec, 0) },
    whatsapp: { ...waRes, backlogAtEnd: waBacklog, drainMs: waDrainMs, cpuMsPerWebhook: waCpuMsPerWebhook },
    telegram: { ...tgRes, backlogAtEnd: tgBacklog, drainMs: tgDrainMs, cpuMsPerWebhook: tgCpuMsPerWebhook },
    storedDuringIngest,
    ingestPerSec: round(ingestPerSec, 0),
    ingestRatio: round(ingestPerSec / bareReqPerSec, 3),
    ingestVsDurableFloor: round(ingestPerSec / floorReqPerSec, 3),
    pipeline,
    latency,
  };
}

/** scaled mode (PostgreSQL + NATS, one api and one worker process): ingest and the pipeline, WhatsApp-shaped */
async function benchScaled(wa) {
  const hub = await startScaledHub({ wa });
  const waUrl = `${hub.srv.url}/webhooks/${hub.wa.id}`;
  log('scaled: warm-up');
  await cannon({ url: waUrl, duration: 1, makeReq: () => waRequest(hub) });
  await drain(hub, 'scaled warm-up');
  log(`scaled: ingest WhatsApp-shaped ${DURATION}s`);
  const ingest = summarize(await cannon({ url: waUrl, duration: DURATION, makeReq: () => waRequest(hub) }));
  const backlogAtEnd = await pendingInbound(hub);
  const drainMs = await drain(hub, 'scaled ingest', 300_000);
  log(
    `scaled: pipeline at saturation for ${SCALED_SECONDS}s (ingest backlog ${backlogAtEnd} drained in ${drainMs} ms)`,
  );
  const pipeline = await sustainedPipeline(hub, waUrl, SCALED_SECONDS);
  await hub.stop();
  return { ingest: { ...ingest, backlogAtEnd, drainMs }, pipeline };
}

async function benchPacing(tg) {
  const LIMIT = 80;
  const PER_NUMBER = 400;
  const wa = await startWhatsAppSimulator({
    throughputMps: LIMIT,
    receipts: { sentAfterMs: null, deliveredAfterMs: null, readAfterMs: null },
  });
  cleanups.push(() => wa.close());
  const d = wa.defaults;
  const numbers = [
    d.phoneNumberId,
    wa.createPhoneNumber({ wabaId: d.wabaId, displayPhoneNumber: '15550001111' }).id,
    wa.createPhoneNumber({ wabaId: d.wabaId, displayPhoneNumber: '15550002222' }).id,
  ];
  wa.createTemplate({
    wabaId: d.wabaId,
    name: 'bench_notice',
    language: 'en_US',
    category: 'UTILITY',
    components: [{ type: 'BODY', text: 'Hello {{1}}, your ticket {{2}} was updated.' }],
  });
  const hub = await startHub({ wa, tg, waNumbers: numbers, connections: ['whatsapp'] });
  await eventually(
    async () =>
      (await hub.api('GET', `/api/v1/connections/${hub.wa.id}/templates`)).body?.data?.some(
        (t) => t.name === 'bench_notice',
      ),
    15_000,
    'template sync',
  );
  const total = PER_NUMBER * numbers.length;
  // queue while the connection is stopped (if the hub accepts that), then start it: the queue is then ahead of the
  // pacer and the send rate is the pacer's, not the rate at which this script can POST (~80/s on this machine)
  await hub.api('POST', `/api/v1/connections/${hub.wa.id}/stop`);
  const queueOne = (i) =>
    hub.api('POST', '/api/v1/messages', {
      connectionId: hub.wa.id,
      to: `4917${String(10_000_000 + i)}`,
      template: { name: 'bench_notice', language: 'en_US', variables: { 1: 'there', 2: `T-${i}` } },
    });
  const probe = await queueOne(0);
  const queuedWhileStopped = probe.status === 202;
  if (!queuedWhileStopped) {
    log(`pacing: the hub refuses to queue on a stopped connection (${probe.status}); queueing live instead`);
    await hub.api('POST', `/api/v1/connections/${hub.wa.id}/start`);
  }
  log(
    `pacing: queueing ${total} template messages over ${numbers.length} numbers (limit ${LIMIT} msg/s each)${queuedWhileStopped ? ' while the connection is stopped' : ''}`,
  );
  const t0 = Date.now();
  let next = queuedWhileStopped ? 1 : 0;
  let rejected = 0;
  const byNumber = {};
  if (queuedWhileStopped) byNumber[probe.body.from] = 1;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < total) {
        const i = next++;
        const r = await queueOne(i);
        if (r.status !== 202) rejected++;
        else byNumber[r.body.from] = (byNumber[r.body.from] ?? 0) + 1;
      }
    }),
  );
  const queuedMs = Date.now() - t0;
  if (queuedWhileStopped) await hub.api('POST', `/api/v1/connections/${hub.wa.id}/start`);
  await eventually(
    () => wa.sentMessages().length >= total - rejected,
    60_000,
    'all paced messages at the simulator',
    100,
  ).catch(() => undefined);
  const perNumber = numbers.map((id) => {
    const times = wa
      .sentMessages({ phoneNumberId: id })
      .map((m) => Number(m.createdAt))
      .sort((a, b) => a - b);
    const first = times[0];
    const last = times.at(-1);
    const overall = times.length > 1 ? (times.length - 1) / ((last - first) / 1000) : NaN;
    // steady state: after the first second (the provider's and the hub's buckets both start full)
    const steady = times.filter((t) => t >= first + 1000);
    const steadyRate = steady.length > 1 ? (steady.length - 1) / ((steady.at(-1) - steady[0]) / 1000) : NaN;
    // messages per second since the first one (shows the opening burst and the steady rate)
    const perSecond = [];
    for (const t of times)
      perSecond[Math.floor((t - first) / 1000)] = (perSecond[Math.floor((t - first) / 1000)] ?? 0) + 1;
    return {
      phoneNumberId: id,
      assigned: byNumber[id] ?? 0,
      sent: times.length,
      overallRate: round(overall, 1),
      steadyRate: round(steadyRate, 1),
      errorPct: round((Math.abs(steadyRate - LIMIT) / LIMIT) * 100, 2),
      perSecond: Array.from(perSecond, (n) => n ?? 0),
    };
  });
  const provider429 = wa.apiCalls({ op: 'messages' }).filter((c) => c.errorCode === 130429).length;
  const statusCounts = dbCountStatuses(hub.dbFile);
  await hub.stop();
  await wa.close();
  return {
    limit: LIMIT,
    queued: total,
    rejected,
    queuedMs,
    queuedWhileStopped,
    perNumber,
    pacingErrorPct: Math.max(...perNumber.map((p) => p.errorPct ?? 100)),
    provider429,
    statusCounts,
  };
}

/**
 * Twilio SMS pacing: three sender numbers at `messagesPerSecond` each against the Twilio simulator, which answers
 * 429 (20429) to anything faster; the hub's per-number pacer must keep every number at the rate with no 429.
 */
async function benchTwilioPacing() {
  const LIMIT = 10;
  const PER_NUMBER = 60;
  const numbers = ['+15005550006', '+15005550007', '+15005550008'];
  const sim = await startTwilioSimulator({ numbers, messagesPerSecond: LIMIT, outOfOrderRate: 0 });
  cleanups.push(() => sim.close());
  const hub = await startHub({ connections: [] });
  const created = await hub.api('POST', '/api/v1/connections', {
    type: 'twilio-sms',
    name: 'bench twilio',
    config: {
      accountSid: sim.accountSid,
      authToken: sim.authToken,
      from: numbers,
      apiBaseUrl: sim.url,
      messagesPerSecond: LIMIT,
    },
  });
  if (created.status !== 201)
    throw new Error(`create twilio connection: ${created.status} ${JSON.stringify(created.body)}`);
  const id = created.body.id;
  const total = PER_NUMBER * numbers.length;
  log(
    `pacing (Twilio): queueing ${total} SMS over ${numbers.length} numbers (limit ${LIMIT} msg/s each) while stopped`,
  );
  let next = 0;
  let rejected = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < total) {
        const i = next++;
        const r = await hub.api('POST', '/api/v1/messages', {
          connectionId: id,
          to: `+1415${String(5_000_000 + i)}`,
          content: { type: 'text', text: `Your code is ${100000 + i}` },
        });
        if (r.status !== 202) rejected++;
      }
    }),
  );
  const started = await hub.api('POST', `/api/v1/connections/${id}/start`);
  if (started.body?.status !== 'RUNNING')
    throw new Error(`twilio connection did not start: ${JSON.stringify(started.body)}`);
  await eventually(
    () => sim.messages({ direction: 'outbound-api' }).length >= total - rejected,
    120_000,
    'all paced SMS at the simulator',
    100,
  ).catch(() => undefined);
  const perNumber = numbers.map((n) => {
    const times = sim
      .messages({ direction: 'outbound-api' })
      .filter((m) => m.from === n)
      .map((m) => m.createdAtMs)
      .sort((a, b) => a - b);
    const steady = times.filter((t) => t >= times[0] + 1000);
    const steadyRate = steady.length > 1 ? (steady.length - 1) / ((steady.at(-1) - steady[0]) / 1000) : NaN;
    return {
      number: n,
      sent: times.length,
      steadyRate: round(steadyRate, 1),
      errorPct: round((Math.abs(steadyRate - LIMIT) / LIMIT) * 100, 2),
    };
  });
  const provider429 = sim.apiErrors().filter((e) => e.code === 20429).length;
  await hub.stop();
  await sim.close();
  return {
    limit: LIMIT,
    queued: total,
    rejected,
    perNumber,
    pacingErrorPct: Math.max(...perNumber.map((p) => p.errorPct ?? 100)),
    provider429,
  };
}

function dbCountStatuses(dbFile) {
  const db = new Database(dbFile, { readonly: true });
  try {
    return Object.fromEntries(
      db
        .prepare("select status, count(*) as n from messages where direction = 'outbound' group by status")
        .all()
        .map((r) => [r.status, r.n]),
    );
  } finally {
    db.close();
  }
}

async function benchMemory(wa, tg) {
  const hub = await startHub({ wa, tg, gc: true, connections: [] });
  const conn = await hub.api('POST', '/api/v1/connections', { type: 'webchat', name: 'bench widgets' });
  await hub.api('POST', `/api/v1/connections/${conn.body.id}/start`);
  await sleep(2000);
  const idle = await rssAfterGc(hub.srv.pid);
  log(`memory: idle RSS ${(idle / 2 ** 20).toFixed(1)} MB; opening ${WIDGETS} widget streams`);
  const tokens = [];
  let next = 0;
  let sessionErrors = 0;
  const deadline = Date.now() + 90_000;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < WIDGETS && Date.now() < deadline) {
        next++;
        const res = await fetch(`${hub.srv.url}/webchat/${conn.body.id}/sessions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{}',
        });
        const body = await res.json().catch(() => ({}));
        if (res.status === 200 || res.status === 201) tokens.push(body.token);
        else sessionErrors++;
      }
    }),
  );
  const afterSessions = rssOf(hub.srv.pid);
  const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
  const streams = [];
  let streamErrors = 0;
  for (let i = 0; i < tokens.length && Date.now() < deadline; i += 200) {
    const chunk = tokens
      .slice(i, i + 200)
      .map((t) =>
        openSse(`${hub.srv.url}/webchat/${conn.body.id}/stream?token=${encodeURIComponent(t)}`, {}, null, agent),
      );
    streams.push(...chunk);
    const results = await Promise.allSettled(
      chunk.map((s) =>
        Promise.race([
          s.ready,
          sleep(20_000).then(() => {
            throw new Error('no ready');
          }),
        ]),
      ),
    );
    streamErrors += results.filter((r) => r.status === 'rejected').length;
  }
  const open = streams.length - streamErrors;
  await sleep(1000);
  const withWidgets = await rssAfterGc(hub.srv.pid);
  const heldConns = await countSockets(hub.srv.pid);
  for (const s of streams) s.close();
  agent.destroy();
  await hub.stop();
  return {
    widgetsRequested: WIDGETS,
    sessions: tokens.length,
    sessionErrors,
    streamsOpen: open,
    streamErrors,
    serverSockets: heldConns,
    rssIdleMb: round(idle / 2 ** 20, 1),
    rssAfterSessionsMb: round(afterSessions / 2 ** 20, 1),
    rssWithWidgetsMb: round(withWidgets / 2 ** 20, 1),
    rssPerWidgetKb: round((withWidgets - idle) / 1024 / Math.max(1, open), 1),
  };
}

async function countSockets(pid) {
  try {
    const { readdirSync, readlinkSync } = await import('node:fs');
    return readdirSync(`/proc/${pid}/fd`).filter((f) => {
      try {
        return readlinkSync(`/proc/${pid}/fd/${f}`).startsWith('socket:');
      } catch {
        return false;
      }
    }).length;
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------------------------------------

/**
 * A single-step WhatsApp template campaign to CAMPAIGN_RECIPIENTS contacts over 3 numbers at 80 msg/s each against
 * the simulator (which answers 130429 to anything faster): the rate achieved, the 130429s, start → first send, the
 * hub's RSS while it runs, and how long operator replies on the same numbers wait meanwhile (the campaign lane).
 * The audience is written into the database first (the contact import runs at a few dozen rows a second on a busy
 * machine), as tagged contacts with a WhatsApp identity, and the campaign's audience is a segment over the tag.
 */
async function benchCampaign(tg) {
  const LIMIT = 80;
  const N = CAMPAIGN_RECIPIENTS;
  const wa = await startWhatsAppSimulator({
    throughputMps: LIMIT,
    receipts: { sentAfterMs: null, deliveredAfterMs: null, readAfterMs: null },
  });
  cleanups.push(() => wa.close());
  const d = wa.defaults;
  const numbers = [
    d.phoneNumberId,
    wa.createPhoneNumber({ wabaId: d.wabaId, displayPhoneNumber: '15550003333' }).id,
    wa.createPhoneNumber({ wabaId: d.wabaId, displayPhoneNumber: '15550004444' }).id,
  ];
  wa.createTemplate({
    wabaId: d.wabaId,
    name: 'bench_campaign',
    language: 'en_US',
    category: 'MARKETING',
    components: [{ type: 'BODY', text: 'Hello {{1}}, our offer for you.' }],
  });
  wa.createTemplate({
    wabaId: d.wabaId,
    name: 'bench_reply',
    language: 'en_US',
    category: 'UTILITY',
    components: [{ type: 'BODY', text: 'Operator note {{1}}' }],
  });
  const hub = await startHub({ wa, tg, waNumbers: numbers, connections: ['whatsapp'], gc: true });
  await eventually(
    async () =>
      ((await hub.api('GET', `/api/v1/connections/${hub.wa.id}/templates`)).body?.data ?? []).filter((t) =>
        t.name.startsWith('bench_'),
      ).length === 2,
    15_000,
    'template sync',
  );
  log(`campaign: writing ${N} contacts into the database`);
  const seedStart = Date.now();
  {
    const db = new Database(hub.dbFile);
    db.pragma('busy_timeout = 10000');
    const workspaceId = db.prepare('select id from workspaces order by created_at limit 1').get().id;
    const now = new Date().toISOString();
    const contact = db.prepare(
      "insert into contacts (id, workspace_id, name, attributes, created_at, updated_at, tags) values (?, ?, ?, '{}', ?, ?, '[\"bench_campaign\"]')",
    );
    const identity = db.prepare(
      "insert into contact_identities (id, workspace_id, contact_id, channel_type, address, connection_id, created_at) values (?, ?, ?, 'whatsapp', ?, null, ?)",
    );
    const pad = (i) => String(i).padStart(7, '0');
    const chunk = db.transaction((from, to) => {
      for (let i = from; i < to; i++) {
        contact.run(`ct_bench_${pad(i)}`, workspaceId, `Bench ${i}`, now, now);
        identity.run(`cid_bench_${pad(i)}`, workspaceId, `ct_bench_${pad(i)}`, `+4915${pad(i)}`, now);
      }
    });
    for (let i = 0; i < N; i += 5000) chunk(i, Math.min(N, i + 5000));
    db.close();
  }
  log(`campaign: ${N} contacts in ${((Date.now() - seedStart) / 1000).toFixed(1)} s`);
  const segment = await hub.api('POST', '/api/v1/segments', {
    name: 'bench',
    filter: { all: [{ field: 'tag', op: 'has', value: 'bench_campaign' }] },
  });
  const campaign = (
    await hub.api('POST', '/api/v1/campaigns', {
      name: 'bench campaign',
      audience: { type: 'segment', segmentId: segment.body.id },
      settings: { inFlight: 300 },
      steps: [
        {
          connectionId: hub.wa.id,
          content: {
            type: 'template',
            name: 'bench_campaign',
            language: 'en_US',
            variables: { 1: { field: 'name', fallback: 'there' } },
          },
        },
      ],
    })
  ).body;
  const rss = [];
  // RSS after a full collection (gc-preload's SIGUSR2): what the hub holds, not garbage V8 has not collected yet
  const sampler = setInterval(() => {
    try {
      process.kill(hub.srv.pid, 'SIGUSR2');
      setTimeout(() => {
        try {
          rss.push(rssOf(hub.srv.pid));
        } catch {
          // exited
        }
      }, 300);
    } catch {
      // exited
    }
  }, 2000);
  const campaignSends = () => wa.sentMessages().filter((m) => m.rendered?.body?.startsWith('Hello '));
  const t0 = Date.now();
  const started = await hub.api('POST', `/api/v1/campaigns/${campaign.id}/start`);
  if (started.body?.status !== 'running') throw new Error(`campaign did not start: ${JSON.stringify(started.body)}`);
  // operator replies while it runs: business-initiated (a template) to customers of their own, every 250 ms
  const replies = [];
  let replying = true;
  const replier = (async () => {
    await eventually(() => campaignSends().length > 0, 30_000, 'the first campaign send', 20);
    for (let i = 0; replying; i++) {
      const to = `4930${String(1_000_000 + i)}`;
      const at = Date.now();
      const r = await hub.api('POST', '/api/v1/messages', {
        connectionId: hub.wa.id,
        to,
        template: { name: 'bench_reply', language: 'en_US', variables: { 1: `R-${i}` } },
      });
      if (r.status === 202) replies.push({ to, at, from: r.body.from });
      await sleep(250);
    }
  })();
  // bounded: at six times the paced duration the figures are taken from what went (and the campaign canceled)
  const completed = await eventually(
    async () => (await hub.api('GET', `/api/v1/campaigns/${campaign.id}/stats`)).body?.status === 'completed',
    Math.ceil((N / (LIMIT * numbers.length)) * 6000) + 120_000,
    'the campaign to complete',
    1000,
  ).catch(() => false);
  if (!completed) await hub.api('POST', `/api/v1/campaigns/${campaign.id}/cancel`);
  replying = false;
  await replier;
  clearInterval(sampler);
  const sends = campaignSends();
  const times = sends.map((m) => Number(m.createdAt)).sort((a, b) => a - b);
  const steadyOf = (ts) => {
    const steady = ts.filter((t) => t >= ts[0] + 1000);
    return steady.length > 1 ? (steady.length - 1) / ((steady.at(-1) - steady[0]) / 1000) : NaN;
  };
  const perNumber = numbers.map((id) => {
    const ts = sends
      .filter((m) => m.phoneNumberId === id)
      .map((m) => Number(m.createdAt))
      .sort((a, b) => a - b);
    return { phoneNumberId: id, sent: ts.length, steadyRate: round(steadyOf(ts), 1) };
  });
  // the simulator's messages by recipient, once per look (a filter over every sent message per reply was
  // replies × messages: minutes after a 100,000-recipient run)
  const firstTo = () => {
    const first = new Map();
    for (const m of wa.sentMessages()) if (!first.has(m.to)) first.set(m.to, m);
    return first;
  };
  await eventually(
    () => {
      const first = firstTo();
      return replies.every((r) => first.has(r.to));
    },
    30_000,
    'the replies at the simulator',
    500,
  ).catch(() => undefined);
  const firstSent = firstTo();
  const waits = replies
    .map((r) => {
      const m = firstSent.get(r.to);
      return m ? Number(m.createdAt) - r.at : NaN;
    })
    .filter(Number.isFinite)
    .sort((a, b) => a - b);
  const steadyRate = round(steadyOf(times), 1);
  const limit = LIMIT * numbers.length;
  const result = {
    recipients: N,
    completed,
    limit,
    sent: sends.length,
    seconds: round((times.at(-1) - times[0]) / 1000, 1),
    steadyRate,
    ratePct: round((steadyRate / limit) * 100, 1),
    perNumber,
    firstSendMs: times.length ? times[0] - t0 : null,
    provider429: wa.apiCalls({ op: 'messages' }).filter((c) => c.errorCode === 130429).length,
    rss: {
      samples: rss.length,
      firstMb: round((rss[0] ?? NaN) / 2 ** 20, 0),
      lastMb: round((rss.at(-1) ?? NaN) / 2 ** 20, 0),
      maxMb: round(Math.max(...rss) / 2 ** 20, 0),
      // at a quarter, half and three quarters of the run: flat when the audience is not held in memory
      quartersMb: [0.25, 0.5, 0.75].map((q) => round((rss[Math.floor(rss.length * q)] ?? NaN) / 2 ** 20, 0)),
    },
    replyWait: {
      count: waits.length,
      p50Ms: round(percentile(waits, 50), 0),
      p99Ms: round(percentile(waits, 99), 0),
      maxMs: round(waits.at(-1) ?? NaN, 0),
    },
  };
  log(`campaign: ${JSON.stringify(result)}`);
  await hub.stop();
  await wa.close();
  return result;
}

async function main() {
  const wa = await startWhatsAppSimulator({ rateLimits: false });
  const tg = await startTelegramSimulator({ rateLimits: false });
  cleanups.push(
    () => wa.close(),
    () => tg.close(),
  );

  if (PARTIAL) {
    // a subset (while working on one part): print its figures, write nothing
    const part = {};
    if (ONLY.has('ingest')) part.ingest = await benchIngestAndPipeline(wa, tg);
    if (ONLY.has('scaled')) part.scaled = await benchScaled(wa);
    if (ONLY.has('pacing')) part.pacing = await benchPacing(tg);
    if (ONLY.has('pacing')) part.twilioPacing = await benchTwilioPacing();
    if (ONLY.has('memory')) part.memory = await benchMemory(wa, tg);
    if (ONLY.has('campaign')) part.campaign = await benchCampaign(tg);
    if (ONLY.has('voice')) part.voice = await benchVoice(VOICE_LEVELS);
    await cleanup();
    process.stdout.write(`${JSON.stringify(part, null, 2)}\n`);
    return;
  }
  const ingest = await benchIngestAndPipeline(wa, tg);
  const scaled = await benchScaled(wa);
  const pacing = await benchPacing(tg);
  const twilioPacing = await benchTwilioPacing();
  const memory = await benchMemory(wa, tg);
  const campaign = await benchCampaign(tg);
  const voice = await benchVoice(VOICE_LEVELS);
  await cleanup();

  const lat = (rate) => ingest.latency.find((l) => l.rate === rate);
  const date = new Date().toISOString().slice(0, 10);
  const machine = {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    totalMemGb: round(os.totalmem() / 2 ** 30, 1),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
  };
  const summary = {
    date,
    machine,
    ingestRatio: ingest.ingestRatio,
    ingestVsDurableFloor: ingest.ingestVsDurableFloor,
    ingestPerSec: ingest.ingestPerSec,
    bareReqPerSec: ingest.bare.reqPerSec,
    durableFloorReqPerSec: ingest.durableFloor.reqPerSec,
    ingestWhatsappPerSec: ingest.whatsapp.reqPerSec,
    ingestTelegramPerSec: ingest.telegram.reqPerSec,
    ingestCpuMsPerWebhook: round((ingest.whatsapp.cpuMsPerWebhook + ingest.telegram.cpuMsPerWebhook) / 2, 3),
    ingestP50Ms: ingest.whatsapp.p50Ms,
    ingestP99Ms: ingest.whatsapp.p99Ms,
    pipelinePerSec: ingest.pipeline.perSec,
    pipelineSeconds: ingest.pipeline.seconds,
    pipelineBacklogAtEnd: ingest.pipeline.backlogAtEnd,
    p50WebhookToEventMs: lat(1000)?.p50Ms ?? null,
    p99WebhookToEventMs: lat(1000)?.p99Ms ?? null,
    p99WebhookToEventMs2000: lat(2000)?.p99Ms ?? null,
    scaledIngestPerSec: scaled.ingest.reqPerSec,
    scaledPipelinePerSec: scaled.pipeline.perSec,
    scaledPipelineBacklogAtEnd: scaled.pipeline.backlogAtEnd,
    latency: ingest.latency,
    pacingErrorPct: pacing.pacingErrorPct,
    provider429: pacing.provider429,
    twilioPacingErrorPct: twilioPacing.pacingErrorPct,
    twilioProvider429: twilioPacing.provider429,
    campaignRecipients: campaign.recipients,
    campaignRate: campaign.steadyRate,
    campaignFirstSendMs: campaign.firstSendMs,
    campaignProvider429: campaign.provider429,
    campaignReplyP99Ms: campaign.replyWait.p99Ms,
    rssIdleMb: memory.rssIdleMb,
    rssPerWidgetKb: memory.rssPerWidgetKb,
    widgets: memory.streamsOpen,
    voiceMaxCallsUnder1PctLate: voice.maxCallsUnder1PctLate,
    durationSeconds: round((Date.now() - startedAt) / 1000, 0),
  };
  const full = { summary, ingest, scaled, pacing, twilioPacing, memory, campaign, voice };

  const goals = [
    [
      'ingest vs bare node:http',
      `${(summary.ingestRatio * 100).toFixed(1)} % (${summary.ingestPerSec} vs ${summary.bareReqPerSec} req/s)`,
      '≥ 60 %',
      summary.ingestRatio >= 0.6,
    ],
    [
      'ingest vs the durable floor',
      `${(summary.ingestVsDurableFloor * 100).toFixed(1)} % (${summary.ingestPerSec} vs ${summary.durableFloorReqPerSec} req/s: node:http + append + group fdatasync)`,
      '≥ 90 %',
      summary.ingestVsDurableFloor >= 0.9,
    ],
    [
      '  WhatsApp-shaped webhooks',
      `${ingest.whatsapp.reqPerSec} req/s, p50 ${ingest.whatsapp.p50Ms} ms, p99 ${ingest.whatsapp.p99Ms} ms; hub CPU ${ingest.whatsapp.cpuMsPerWebhook} ms per webhook`,
      '',
      null,
    ],
    [
      '  Telegram-shaped webhooks',
      `${ingest.telegram.reqPerSec} req/s, p50 ${ingest.telegram.p50Ms} ms, p99 ${ingest.telegram.p99Ms} ms; hub CPU ${ingest.telegram.cpuMsPerWebhook} ms per webhook`,
      '',
      null,
    ],
    [
      '  bare node:http',
      `${ingest.bare.reqPerSec} req/s, p50 ${ingest.bare.first.p50Ms} ms, p99 ${ingest.bare.first.p99Ms} ms`,
      '',
      null,
    ],
    [
      '  durable floor',
      `${ingest.durableFloor.reqPerSec} req/s, p50 ${ingest.durableFloor.first.p50Ms} ms, p99 ${ingest.durableFloor.first.p99Ms} ms`,
      '',
      null,
    ],
    [
      'pipeline (stored, sustained at saturation)',
      `${summary.pipelinePerSec} msg/s (${ingest.pipeline.stored} in ${ingest.pipeline.seconds} s; acked at ${ingest.pipeline.ackPerSec}/s; backlog at the end ${ingest.pipeline.backlogAtEnd}, drained in ${(ingest.pipeline.drainMs / 1000).toFixed(1)} s)`,
      '≥ 5,000 msg/s',
      summary.pipelinePerSec >= 5000,
    ],
    ...ingest.latency.map((l) => [
      `webhook→event @ ${l.rate}/s`,
      `p50 ${l.p50Ms} ms, p99 ${l.p99Ms} ms (sent ${l.achievedRate}/s, ${l.missing} missing)`,
      l.rate === 2000 ? 'p99 < 50 ms' : '',
      l.rate === 2000 ? l.p99Ms < 50 && l.missing === 0 : null,
    ]),
    [
      'scaled ingest (PostgreSQL + NATS, 1 api + 1 worker)',
      `${summary.scaledIngestPerSec} req/s, p50 ${scaled.ingest.p50Ms} ms, p99 ${scaled.ingest.p99Ms} ms`,
      '',
      null,
    ],
    [
      'scaled pipeline (sustained)',
      `${summary.scaledPipelinePerSec} msg/s (${scaled.pipeline.stored} in ${scaled.pipeline.seconds} s; acked at ${scaled.pipeline.ackPerSec}/s; backlog at the end ${scaled.pipeline.backlogAtEnd}, drained in ${(scaled.pipeline.drainMs / 1000).toFixed(1)} s)`,
      '',
      null,
    ],
    [
      'outbound pacing error',
      `${summary.pacingErrorPct} % (${pacing.perNumber.map((p) => p.steadyRate).join(' / ')} msg/s vs ${pacing.limit})`,
      '≤ 2 %',
      summary.pacingErrorPct <= 2,
    ],
    ['provider 130429 answers', String(summary.provider429), '0', summary.provider429 === 0],
    [
      'Twilio SMS pacing error',
      `${summary.twilioPacingErrorPct} % (${twilioPacing.perNumber.map((p) => p.steadyRate).join(' / ')} msg/s vs ${twilioPacing.limit})`,
      '≤ 2 %',
      summary.twilioPacingErrorPct <= 2,
    ],
    ['Twilio 429 (20429) answers', String(summary.twilioProvider429), '0', summary.twilioProvider429 === 0],
    [
      `campaign: ${campaign.recipients} recipients over 3 numbers`,
      `${campaign.steadyRate} msg/s (${campaign.ratePct} % of ${campaign.limit}; ${campaign.perNumber.map((p) => p.steadyRate).join(' / ')} per number), ${campaign.sent} sent in ${campaign.seconds} s`,
      'within 2 % of 240',
      null,
    ],
    ['  campaign 130429 answers', String(campaign.provider429), '0', null],
    ['  campaign start → first send', `${campaign.firstSendMs} ms`, '< 1 s', null],
    [
      '  campaign RSS',
      `${campaign.rss.firstMb} → ${campaign.rss.lastMb} MB (max ${campaign.rss.maxMb} MB, ${campaign.rss.samples} samples)`,
      'flat',
      null,
    ],
    [
      '  reply wait during the campaign',
      `p50 ${campaign.replyWait.p50Ms} ms, p99 ${campaign.replyWait.p99Ms} ms (${campaign.replyWait.count} replies)`,
      'one pacing interval',
      null,
    ],
    ['idle RSS', `${summary.rssIdleMb} MB`, '≤ 150 MB', summary.rssIdleMb <= 150],
    [
      'RSS per widget connection',
      `${summary.rssPerWidgetKb} KB (${memory.streamsOpen} streams, ${memory.rssWithWidgetsMb} MB total)`,
      '≤ 50 KB',
      summary.rssPerWidgetKb <= 50,
    ],
    [
      'concurrent SIP calls with RTP (frames > 20 ms late < 1 %)',
      `${voice.maxCallsUnder1PctLate} calls (${voice.levels.map((l) => `${l.calls}: ${l.latePct} % late, worst ${l.worstLateMs} ms`).join('; ')})`,
      'a figure',
      null,
    ],
  ];
  const verdict = (ok) => (ok === null ? '' : ok ? 'met' : 'MISSED');
  process.stdout.write(
    `\n${textTable(
      ['measure', 'result', 'goal', ''],
      goals.map((g) => [g[0], g[1], g[2], verdict(g[3])]),
    )}\n\n`,
  );

  mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
  writeFileSync(join(ROOT, 'bench', 'results', `${date}.json`), `${JSON.stringify(full, null, 2)}\n`);
  if (!opts['no-doc'])
    writeDoc(
      full,
      goals.map((g) => [g[0].replace(/^ {2}/, '↳ '), g[1], g[2], verdict(g[3])]),
    );
  process.stdout.write(`${JSON.stringify(summary)}\n`);
}

function writeDoc(full, rows) {
  const { summary: s } = full;
  const file = join(ROOT, 'docs', 'benchmarks.md');
  const marker = '<!-- bench:results -->';
  const table = [
    marker,
    `Last run: **${s.date}**, \`npm run bench\` (${s.durationSeconds} s). Machine: **${s.machine.cpus} cores** (${s.machine.cpuModel}), **${s.machine.totalMemGb} GB** RAM, Node ${s.machine.node}, ${s.machine.platform}. Raw figures: \`bench/results/${s.date}.json\`.`,
    '',
    mdTable(['measure', 'result', 'goal (target, not a gate)', ''], rows),
    marker,
  ].join('\n');
  let doc;
  try {
    doc = readText(file);
  } catch {
    doc = undefined;
  }
  if (doc && doc.includes(marker)) {
    const [head, , tail] = doc.split(marker);
    doc = `${head}${table}${tail}`;
  } else doc = `# Benchmarks\n\n${table}\n`;
  writeFileSync(file, doc);
}
function readText(file) {
  return readFileSync(file, 'utf8');
}

main().catch(async (error) => {
  process.stderr.write(`bench failed: ${error.stack ?? error}\n`);
  await cleanup();
  process.exit(1);
});
