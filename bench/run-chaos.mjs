#!/usr/bin/env node
// `npm run chaos` — faults under a webhook ingest, then proof that nothing was lost or doubled.
//
// Embedded (default): one server process on SQLite, SIGKILLed --kills times during an ingest of --count signed
// WhatsApp-shaped webhooks and restarted on the same data dir each time. Senders retry whatever was not
// acknowledged (and at the end re-deliver some that were). Operator replies are queued on the WhatsApp connection
// (to the WhatsApp simulator) after every restart, so some are in flight at the next kill.
// Scaled (--scaled): 2 API + 2 worker processes on a private PostgreSQL cluster (initdb as the postgres user) and a
// private nats-server; during the ingest a worker is SIGKILLed, NATS is restarted and PostgreSQL is crashed and
// restarted (the approach of packages/server/src/e2e/scaled-faults.test.ts).
//
// At the end: every acknowledged webhook is stored exactly once (and nothing is stored twice); every queued reply
// is sent once at the provider or failed with a reason; every stored inbound message is routed (its routing mark
// 'done') and every conversation decided exactly once. Prints a summary table; exits 1 on any loss or duplicate.
//
// Options: --count N (default 100000, the issue's figure; ≈ 3 min embedded here), --kills N (embedded, default 8),
//          --concurrency N (default 32), --scaled, --max-seconds N (overall bound, default 600)
//
// --scenario campaign: a one-step WhatsApp template campaign to --recipients N contacts (default 10000, max-seconds
// 1800; the audience uploaded as CSV through the API) through the Cloud API simulator; the hub is SIGKILLed --kills times (default 2 here) while it sends (scaled: the faults above),
// restarted each time. At the end every recipient has exactly one message (sent, or failed INTERRUPTED where a kill
// cut its provider call: never retried, the provider may have it) and the simulator received at most one per
// recipient — none twice, none lost without a reason; the campaign completes.
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import pg from 'pg';
import { startWhatsAppSimulator } from '@switchboard/simulators';
import {
  eventually,
  freePort,
  makeApi,
  makePoster,
  sleep,
  spawnServer,
  textTable,
  whatsappBody,
  whatsappSignature,
} from './lib.mjs';

const { values: opts } = parseArgs({
  options: {
    count: { type: 'string', default: '100000' },
    kills: { type: 'string', default: '8' },
    concurrency: { type: 'string', default: '32' },
    scaled: { type: 'boolean', default: false },
    'max-seconds': { type: 'string', default: '600' },
    scenario: { type: 'string', default: 'ingest' },
    recipients: { type: 'string', default: '10000' },
  },
});
const SCENARIO = opts.scenario;
if (SCENARIO !== 'ingest' && SCENARIO !== 'campaign') throw new Error('--scenario is ingest or campaign');
const RECIPIENTS = Number(opts.recipients);
const COUNT = Number(opts.count);
const KILLS = opts.scenario === 'campaign' && !process.argv.includes('--kills') ? 2 : Number(opts.kills);
const CONCURRENCY = Number(opts.concurrency);
const SCALED = opts.scaled;
// the campaign scenario creates its audience through the contact import first (minutes for 10,000 on a busy machine)
const MAX_MS =
  (opts.scenario === 'campaign' && !process.argv.includes('--max-seconds') ? 1800 : Number(opts['max-seconds'])) * 1000;
const TOKEN = `sb_chaos_${randomBytes(12).toString('hex')}`;
const MASTER_KEY = randomBytes(32).toString('hex');
const CUSTOMERS = 500;
const startedAt = Date.now();
const log = (s) => process.stderr.write(`[chaos ${((Date.now() - startedAt) / 1000).toFixed(1)}s] ${s}\n`);
const overDeadline = () => Date.now() - startedAt > MAX_MS;

const cleanups = [];
async function cleanup() {
  while (cleanups.length) {
    try {
      await cleanups.pop()();
    } catch {
      // best effort
    }
  }
}
process.on('SIGINT', () => void cleanup().then(() => process.exit(130)));

// ---- embedded: one process on SQLite -----------------------------------------------------------------------------
async function embeddedCluster() {
  const dir = mkdtempSync(join(os.tmpdir(), 'switchboard-chaos-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const port = await freePort();
  const env = {
    SWITCHBOARD_DATA_DIR: dir,
    SWITCHBOARD_ADMIN_TOKEN: TOKEN,
    SWITCHBOARD_MASTER_KEY: MASTER_KEY,
    SWITCHBOARD_PUBLIC_URL: `http://127.0.0.1:${port}`,
    SWITCHBOARD_RETRY_BASE_MS: '100',
    SWITCHBOARD_RETRY_MAX_MS: '2000',
  };
  let server = await spawnServer({ env, port });
  cleanups.push(() => server.kill('SIGKILL'));
  const dbFile = join(dir, 'switchboard.db');
  const query = async (sql) => {
    const db = new Database(dbFile, { readonly: true });
    try {
      return db.prepare(sql).all();
    } finally {
      db.close();
    }
  };
  const faults = Array.from({ length: KILLS }, (_, k) => ({
    name: `SIGKILL #${k + 1}`,
    async run() {
      await server.kill('SIGKILL');
      const pending = (await query("select count(*) as n from inbound_events where status = 'pending'"))[0].n;
      server = await spawnServer({ env, port });
      return `pending at kill: ${pending}`;
    },
  }));
  return {
    mode: 'embedded (SQLite, 1 process)',
    apiUrl: () => server.url,
    webhookUrls: () => [server.url],
    query,
    faults,
    alive: () => [server],
  };
}

// ---- scaled: 2 API + 2 workers on PostgreSQL + NATS --------------------------------------------------------------
const listening = (port) =>
  new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.end();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });

async function scaledCluster() {
  const PG_BIN = ['/usr/lib/postgresql']
    .filter(existsSync)
    .flatMap((d) => readdirSync(d).map((v) => join(d, v, 'bin')))
    .find((b) => existsSync(join(b, 'pg_ctl')));
  if (!PG_BIN) throw new Error('--scaled needs PostgreSQL server binaries under /usr/lib/postgresql/*/bin');
  const dir = mkdtempSync(join(os.tmpdir(), 'switchboard-chaos-scaled-'));
  chmodSync(dir, 0o755);
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const pgDir = join(dir, 'pg');
  mkdirSync(pgDir);
  const pgPort = await freePort();
  const asPostgres = (cmd, args) =>
    execFileSync('runuser', ['-u', 'postgres', '--', join(PG_BIN, cmd), ...args], { stdio: 'ignore', timeout: 60_000 });
  chownSync(
    pgDir,
    Number(execFileSync('id', ['-u', 'postgres']).toString().trim()),
    Number(execFileSync('id', ['-g', 'postgres']).toString().trim()),
  );
  asPostgres('initdb', ['-D', join(pgDir, 'data'), '-A', 'trust', '-U', 'postgres']);
  const pgStart = () =>
    asPostgres('pg_ctl', [
      '-D',
      join(pgDir, 'data'),
      '-o',
      `-p ${pgPort} -k ${pgDir} -c listen_addresses=127.0.0.1`,
      '-l',
      join(pgDir, 'pg.log'),
      '-w',
      'start',
    ]);
  const pgCrash = () => asPostgres('pg_ctl', ['-D', join(pgDir, 'data'), '-m', 'immediate', '-w', 'stop']);
  pgStart();
  cleanups.push(() => {
    try {
      pgCrash();
    } catch {
      /* down */
    }
  });
  const dbUrl = `postgres://postgres@127.0.0.1:${pgPort}/postgres`;
  const pool = new pg.Pool({ connectionString: dbUrl, max: 2 });
  pool.on('error', () => undefined);
  cleanups.push(() => pool.end());

  const natsPort = await freePort();
  let nats;
  const startNats = async () => {
    nats = spawn('nats-server', ['-js', '-a', '127.0.0.1', '-p', String(natsPort), '-sd', join(dir, 'nats')], {
      stdio: 'ignore',
    });
    await eventually(() => listening(natsPort), 10_000, 'nats-server to listen');
  };
  await startNats();
  cleanups.push(() => nats?.kill('SIGKILL'));

  const ports = {
    api1: await freePort(),
    api2: await freePort(),
    worker1: await freePort(),
    worker2: await freePort(),
  };
  const env = {
    DATABASE_URL: dbUrl,
    NATS_URL: `nats://127.0.0.1:${natsPort}`,
    SWITCHBOARD_NATS_PREFIX: `chaos${randomBytes(3).toString('hex')}`,
    SWITCHBOARD_ADMIN_TOKEN: TOKEN,
    SWITCHBOARD_MASTER_KEY: MASTER_KEY,
    SWITCHBOARD_DATA_DIR: join(dir, 'data'),
    SWITCHBOARD_PUBLIC_URL: `http://127.0.0.1:${ports.api1}`,
    SWITCHBOARD_SEND_LEASE_MS: '3000',
    SWITCHBOARD_RETRY_BASE_MS: '100',
    SWITCHBOARD_RETRY_MAX_MS: '2000',
    SWITCHBOARD_NATS_ACK_WAIT_MS: '5000',
  };
  const procs = {};
  const start = async (name, role) => {
    // a generous start: four processes migrate and connect at once on a machine that may be busy
    procs[name] = await spawnServer({ env, port: ports[name], args: ['start', '--role', role], timeoutMs: 90_000 });
  };
  await start('api1', 'api');
  await Promise.all([start('api2', 'api'), start('worker1', 'worker'), start('worker2', 'worker')]);
  cleanups.push(() => Promise.all(Object.values(procs).map((p) => p.kill('SIGKILL'))));
  const restarting = [];
  const startFailures = [];
  // like a process supervisor: a process that exits while starting (e.g. PostgreSQL is down) is started again
  const supervise = async (name, role) => {
    for (let attempt = 1; attempt <= 20; attempt++) {
      try {
        await start(name, role);
        return;
      } catch (error) {
        startFailures.push(`${name} attempt ${attempt}: ${String(error.message).split('\n')[0].slice(0, 200)}`);
        log(`${name} failed to start (attempt ${attempt}); retrying in 1 s`);
        await sleep(1000);
      }
    }
    throw new Error(`${name} did not start after 20 attempts`);
  };
  const query = async (sql) => (await pool.query(sql.replace(/count\(\*\)/g, 'count(*)::int'))).rows;
  const faults = [
    // the restart runs in the background so the next faults still land under load
    {
      name: 'SIGKILL worker1',
      async run() {
        await procs.worker1.kill('SIGKILL');
        restarting.push(sleep(2000).then(() => supervise('worker1', 'worker')));
        return 'worker1 restarted 2 s later';
      },
    },
    {
      name: 'restart NATS',
      async run() {
        nats.kill('SIGKILL');
        await sleep(500);
        await startNats();
        return 'nats-server SIGKILLed, restarted after 0.5 s';
      },
    },
    {
      name: 'restart PostgreSQL',
      async run() {
        pgCrash();
        await sleep(1000);
        pgStart();
        return 'pg_ctl stop -m immediate, started after 1 s';
      },
    },
  ];
  return {
    mode: 'scaled (PostgreSQL + NATS JetStream, 2 API + 2 workers)',
    apiUrl: () => procs.api1.url,
    webhookUrls: () => [procs.api1.url, procs.api2.url],
    query,
    faults,
    alive: () => Object.values(procs),
    exec: (sql, params) => pool.query(sql, params),
    settle: () => Promise.all(restarting),
    startFailures,
  };
}

// ---- the run ------------------------------------------------------------------------------------------------------
async function main() {
  const wa = await startWhatsAppSimulator({
    rateLimits: false,
    receipts: { sentAfterMs: null, deliveredAfterMs: null, readAfterMs: null },
  });
  cleanups.push(() => wa.close());
  const cluster = SCALED ? await scaledCluster() : await embeddedCluster();
  if (SCENARIO === 'campaign') return campaignChaos(cluster, wa);
  log(`${cluster.mode}: ${COUNT} webhooks, ${cluster.faults.length} faults`);
  const api = makeApi(cluster.apiUrl, TOKEN);
  const d = wa.defaults;
  const created = await api('POST', '/api/v1/connections', {
    type: 'whatsapp',
    name: 'chaos',
    config: {
      accessToken: d.accessToken,
      appSecret: wa.app.secret,
      businessAccountId: d.wabaId,
      phoneNumberIds: [d.phoneNumberId],
      apiBaseUrl: wa.url,
    },
  });
  const connectionId = created.body.id;
  const started = await api('POST', `/api/v1/connections/${connectionId}/start`);
  if (started.body?.status !== 'RUNNING') throw new Error(`connection did not start: ${JSON.stringify(started.body)}`);

  const bodyOf = (i) => {
    const body = whatsappBody({
      wabaId: d.wabaId,
      phoneNumberId: d.phoneNumberId,
      from: `49160${String(1_000_000 + (i % CUSTOMERS))}`,
      wamid: `wamid.chaos.${i}`,
      text: `chaos ${i}`,
    });
    return { body, headers: { 'x-hub-signature-256': whatsappSignature(wa.app.secret, body) } };
  };
  const poster = makePoster(CONCURRENCY * 2);
  cleanups.push(() => poster.close());
  const acked = new Uint8Array(COUNT);
  let ackedCount = 0;
  let attempts = 0;
  let refused = 0;
  let non200 = 0;
  const queue = Array.from({ length: COUNT }, (_, i) => i);
  const retry = [];
  let rr = 0;
  const send = async (i) => {
    const urls = cluster.webhookUrls();
    const url = `${urls[rr++ % urls.length]}/webhooks/${connectionId}`;
    const { body, headers } = bodyOf(i);
    attempts++;
    try {
      const status = await poster.post(url, headers, body, 15_000);
      if (status === 200) return true;
      non200++;
    } catch {
      refused++;
    }
    return false;
  };
  let stopSenders = false;
  const sender = async () => {
    while (!stopSenders && !overDeadline()) {
      const i = retry.length > 0 && (queue.length === 0 || Math.random() < 0.5) ? retry.shift() : queue.shift();
      if (i === undefined) {
        if (ackedCount >= COUNT) return;
        await sleep(20);
        continue;
      }
      if (await send(i)) {
        if (!acked[i]) {
          acked[i] = 1;
          ackedCount++;
        }
      } else {
        retry.push(i);
        await sleep(20);
      }
    }
  };

  // operator replies, queued after each fault so some are in flight at the next one
  const replies = [];
  const queueReplies = async (tag, n = 5) => {
    try {
      const convs =
        (await api('GET', `/api/v1/conversations?connectionId=${connectionId}&limit=${n}`)).body?.data ?? [];
      for (const c of convs) {
        const text = `reply ${tag} ${c.id} ${randomBytes(3).toString('hex')}`;
        const r = await api('POST', `/api/v1/conversations/${c.id}/messages`, { content: { type: 'text', text } });
        if (r.status === 202) replies.push({ id: r.body.id, text });
      }
    } catch {
      // a fault in progress: the next round queues more
    }
  };

  const faultLog = [];
  const faultRunner = async () => {
    for (let k = 0; k < cluster.faults.length; k++) {
      const threshold = Math.floor((COUNT * (k + 1)) / (cluster.faults.length + 1));
      while (ackedCount < threshold && !overDeadline()) await sleep(20);
      if (overDeadline()) return;
      await queueReplies(`before-${k}`);
      const fault = cluster.faults[k];
      const t0 = Date.now();
      const atAcked = ackedCount;
      const note = await fault.run();
      faultLog.push({ fault: fault.name, atAcked, ms: Date.now() - t0, note });
      log(`${fault.name} at ${ackedCount} acknowledged (${note})`);
      await queueReplies(`after-${k}`);
    }
  };
  const ingestStart = Date.now();
  await Promise.all([...Array.from({ length: CONCURRENCY }, sender), faultRunner()]);
  const ingestMs = Date.now() - ingestStart;
  stopSenders = true;
  await cluster.settle?.();
  log(
    `ingest done: ${ackedCount}/${COUNT} acknowledged, ${attempts} attempts (${refused} refused/reset, ${non200} non-200) in ${(ingestMs / 1000).toFixed(1)} s`,
  );

  // senders re-deliver some acknowledged webhooks (a provider retrying a delivery it thinks failed): still once each
  const redeliver = Array.from({ length: Math.min(1000, ackedCount) }, () => Math.floor(Math.random() * COUNT)).filter(
    (i) => acked[i],
  );
  let redeliveredOk = 0;
  for (let i = 0; i < redeliver.length; i += CONCURRENCY)
    await Promise.all(
      redeliver.slice(i, i + CONCURRENCY).map(async (x) => {
        if (await send(x)) redeliveredOk++;
      }),
    );

  // wait for processing to finish, then count (bounded)
  const settleStart = Date.now();
  await eventually(
    async () => (await cluster.query("select count(*) as n from inbound_events where status = 'pending'"))[0].n === 0,
    300_000,
    'pending inbound events to drain',
    500,
  );
  const rows = await cluster.query(
    "select provider_message_id as p, count(*) as n from messages where direction = 'inbound' group by provider_message_id",
  );
  const stored = new Map();
  for (const r of rows) {
    const m = /wamid\.chaos\.(\d+)/.exec(r.p ?? '');
    if (m) stored.set(Number(m[1]), (stored.get(Number(m[1])) ?? 0) + Number(r.n));
  }
  let lost = 0;
  let duplicated = 0;
  for (let i = 0; i < COUNT; i++) if (acked[i] && !stored.has(i)) lost++;
  for (const n of stored.values()) if (n > 1) duplicated++;
  const failedInbound = (await cluster.query("select count(*) as n from inbound_events where status = 'failed'"))[0].n;

  // routing, exactly once: every stored inbound message gets its routing mark ('done': no agent here), and every
  // conversation exactly one routing decision in its timeline — or none because an operator's reply took it before
  // routing reached its first message (the replies below go to the newest conversations, some not yet routed: the
  // reply assigns the operator, and routing then leaves a conversation people handle alone)
  const unrouted = async () =>
    Number(
      (
        await cluster.query(
          "select count(*) as n from messages m where m.direction = 'inbound' and not exists (select 1 from routing_marks r where r.message_id = m.id and r.state = 'done')",
        )
      )[0].n,
    );
  await eventually(async () => (await unrouted()) === 0, 120_000, 'every inbound message to be routed', 500).catch(
    () => undefined,
  );
  const routing = {
    unrouted: await unrouted(),
    decisionsDoubled: Number(
      (
        await cluster.query(
          "select count(*) as n from (select conversation_id from conversation_events where type in ('routed.default', 'rule.fired', 'routed.continued') group by conversation_id having count(*) > 1) d",
        )
      )[0].n,
    ),
    undecided: Number(
      (
        await cluster.query(
          "select count(*) as n from conversations c where exists (select 1 from messages m where m.conversation_id = c.id and m.direction = 'inbound') and not exists (select 1 from conversation_events e where e.conversation_id = c.id and (e.type in ('routed.default', 'rule.fired', 'routed.continued') or (e.type = 'assigned' and e.actor like 'user:%')))",
        )
      )[0].n,
    ),
    operatorFirst: Number(
      (
        await cluster.query(
          "select count(*) as n from conversations c where exists (select 1 from conversation_events e where e.conversation_id = c.id and e.type = 'assigned' and e.actor like 'user:%') and not exists (select 1 from conversation_events e where e.conversation_id = c.id and e.type in ('routed.default', 'rule.fired', 'routed.continued'))",
        )
      )[0].n,
    ),
  };

  // every reply: sent once at the provider, or failed with a reason
  const settled = await eventually(
    async () => {
      const states = await Promise.all(
        replies.map(async (r) => ({ ...r, ...(await api('GET', `/api/v1/messages/${r.id}`)).body })),
      );
      return states.every((s) => s.status && s.status !== 'queued' && s.status !== 'sending') ? states : undefined;
    },
    120_000,
    'replies to settle',
    500,
  ).catch(() => undefined);
  const atProvider = new Map();
  for (const m of wa.sentMessages()) {
    const text = m.request?.text?.body;
    if (text) atProvider.set(text, (atProvider.get(text) ?? 0) + 1);
  }
  const replyStats = {
    queued: replies.length,
    sent: 0,
    failedWithReason: 0,
    stuck: 0,
    sentTwice: 0,
    sentButNotAtProvider: 0,
    failedReasons: {},
  };
  for (const s of settled ?? replies.map((r) => ({ ...r, status: 'unknown' }))) {
    const n = atProvider.get(s.text) ?? 0;
    if (n > 1) replyStats.sentTwice++;
    if (['sent', 'delivered', 'read'].includes(s.status)) {
      replyStats.sent++;
      if (n !== 1) replyStats.sentButNotAtProvider++;
    } else if (s.status === 'failed' && (s.statusDetail?.code || s.error?.code)) {
      replyStats.failedWithReason++;
      const code = s.statusDetail?.code ?? s.error?.code;
      replyStats.failedReasons[code] = (replyStats.failedReasons[code] ?? 0) + 1;
    } else replyStats.stuck++;
  }
  const settleMs = Date.now() - settleStart;

  const ok =
    lost === 0 &&
    duplicated === 0 &&
    ackedCount === COUNT &&
    stored.size === COUNT &&
    replyStats.stuck === 0 &&
    replyStats.sentTwice === 0 &&
    replyStats.sentButNotAtProvider === 0 &&
    routing.unrouted === 0 &&
    routing.decisionsDoubled === 0 &&
    routing.undecided === 0;
  const summary = {
    mode: cluster.mode,
    count: COUNT,
    acknowledged: ackedCount,
    attempts,
    refusedOrReset: refused,
    non200,
    redelivered: redeliver.length,
    redeliveredOk,
    stored: stored.size,
    lost,
    duplicated,
    failedInbound,
    routing,
    faults: faultLog,
    replies: replyStats,
    startFailures: cluster.startFailures ?? [],
    ingestSeconds: Math.round(ingestMs / 100) / 10,
    settleSeconds: Math.round(settleMs / 100) / 10,
    totalSeconds: Math.round((Date.now() - startedAt) / 100) / 10,
    ok,
  };
  const rowsOut = [
    ['mode', cluster.mode],
    [
      'webhooks',
      `${COUNT} (${attempts} POSTs incl. re-deliveries: ${refused} refused/reset, ${non200} non-200, all retried)`,
    ],
    ['acknowledged', String(ackedCount)],
    ['faults', faultLog.map((f) => `${f.fault} @${f.atAcked}`).join(', ')],
    ['stored (distinct)', String(stored.size)],
    ['acknowledged but lost', String(lost)],
    ['stored more than once', String(duplicated)],
    ['inbound events failed', String(failedInbound)],
    [
      'routing',
      `${routing.unrouted} inbound messages without a routing mark, ${routing.decisionsDoubled} conversations decided twice, ${routing.undecided} never decided (${routing.operatorFirst} taken by an operator's reply before routing reached them)`,
    ],
    ['re-deliveries of acked', `${redeliver.length} (${redeliveredOk} answered 200)`],
    [
      'operator replies',
      `${replyStats.queued} queued: ${replyStats.sent} sent once, ${replyStats.failedWithReason} failed with a reason ${JSON.stringify(replyStats.failedReasons)}, ${replyStats.stuck} stuck, ${replyStats.sentTwice} sent twice`,
    ],
    ['time', `ingest ${summary.ingestSeconds} s, settle ${summary.settleSeconds} s, total ${summary.totalSeconds} s`],
    ...(cluster.startFailures?.length ? [['restarts that failed (retried)', cluster.startFailures.join('; ')]] : []),
    ['verdict', ok ? 'OK: nothing lost, nothing doubled' : 'FAILED'],
  ];
  process.stdout.write(`\n${textTable(['check', 'result'], rowsOut)}\n\n${JSON.stringify(summary)}\n`);
  await cleanup();
  process.exit(ok ? 0 : 1);
}

// ---- the campaign scenario ---------------------------------------------------------------------------------------
async function campaignChaos(cluster, wa) {
  log(`${cluster.mode}: a campaign to ${RECIPIENTS} recipients, ${cluster.faults.length} faults`);
  const api = makeApi(cluster.apiUrl, TOKEN);
  const d = wa.defaults;
  wa.createTemplate({
    wabaId: d.wabaId,
    name: 'chaos_offer',
    language: 'en_US',
    category: 'MARKETING',
    components: [{ type: 'BODY', text: 'Hello {{1}}, this is our offer.' }],
  });
  const created = await api('POST', '/api/v1/connections', {
    type: 'whatsapp',
    name: 'chaos campaign',
    config: {
      accessToken: d.accessToken,
      appSecret: wa.app.secret,
      businessAccountId: d.wabaId,
      phoneNumberIds: [d.phoneNumberId],
      apiBaseUrl: wa.url,
    },
  });
  const connectionId = created.body.id;
  const started = await api('POST', `/api/v1/connections/${connectionId}/start`);
  if (started.body?.status !== 'RUNNING') throw new Error(`connection did not start: ${JSON.stringify(started.body)}`);
  // the template list is synced from the provider: the campaign's start checks the template exists
  await eventually(
    async () =>
      ((await api('GET', `/api/v1/connections/${connectionId}/templates`)).body?.data ?? []).some(
        (t) => t.name === 'chaos_offer',
      ),
    30_000,
    'the template to sync',
    200,
  );
  // scaled: the audience is written into PostgreSQL first (the contact import answers a few rows a second there on a
  // busy machine), tagged, and the campaign's audience is a segment over the tag; embedded: uploaded as CSV
  let audience = { type: 'contacts' };
  if (cluster.exec) {
    const workspaceId = (await cluster.query('select id from workspaces order by created_at limit 1'))[0].id;
    const now = new Date().toISOString();
    const pad = (i) => String(i).padStart(7, '0');
    for (let from = 0; from < RECIPIENTS; from += 500) {
      const ids = Array.from({ length: Math.min(500, RECIPIENTS - from) }, (_, k) => from + k);
      const values = ids.map((_, k) => `($${k * 2 + 1}, $${k * 2 + 2})`).join(', ');
      await cluster.exec(
        `insert into contacts (id, workspace_id, name, attributes, created_at, updated_at, tags) select v.id, '${workspaceId}', v.name, '{}', '${now}', '${now}', '["chaos"]' from (values ${values}) as v(id, name)`,
        ids.flatMap((i) => [`ct_chaos_${pad(i)}`, `C${i}`]),
      );
      await cluster.exec(
        `insert into contact_identities (id, workspace_id, contact_id, channel_type, address, connection_id, created_at) select v.id, '${workspaceId}', v.contact, 'whatsapp', v.address, null, '${now}' from (values ${ids.map((_, k) => `($${k * 3 + 1}, $${k * 3 + 2}, $${k * 3 + 3})`).join(', ')}) as v(id, contact, address)`,
        ids.flatMap((i) => [
          `cid_chaos_${pad(i)}`,
          `ct_chaos_${pad(i)}`,
          `+1555${String(1_000_000 + i).padStart(7, '0')}`,
        ]),
      );
    }
    const segment = await api('POST', '/api/v1/segments', {
      name: 'chaos',
      filter: { all: [{ field: 'tag', op: 'has', value: 'chaos' }] },
    });
    audience = { type: 'segment', segmentId: segment.body.id };
  }
  const campaign = (
    await api('POST', '/api/v1/campaigns', {
      name: 'chaos',
      audience,
      steps: [
        {
          connectionId,
          content: {
            type: 'template',
            name: 'chaos_offer',
            language: 'en_US',
            variables: { 1: { field: 'name', fallback: 'there' } },
          },
        },
      ],
    })
  ).body;
  const phone = (i) => `+1555${String(1_000_000 + i).padStart(7, '0')}`;
  // uploads of 500 rows: each answers well within the client's 30 s timeout on a busy machine
  for (let from = 0; !cluster.exec && from < RECIPIENTS; from += 500) {
    const rows = Array.from({ length: Math.min(500, RECIPIENTS - from) }, (_, k) => `C${from + k},${phone(from + k)}`);
    const r = await api('POST', `/api/v1/campaigns/${campaign.id}/contacts`, {
      csv: ['name,phone', ...rows].join('\n'),
    });
    if (r.status !== 200) throw new Error(`audience upload: ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
  }
  const atSim = () => wa.sentMessages().length;
  const t0 = Date.now();
  const start = await api('POST', `/api/v1/campaigns/${campaign.id}/start`);
  if (start.body?.status !== 'running') throw new Error(`campaign did not start: ${JSON.stringify(start.body)}`);
  const faultLog = [];
  for (let k = 0; k < cluster.faults.length; k++) {
    const threshold = Math.floor((RECIPIENTS * (k + 1)) / (cluster.faults.length + 1));
    await eventually(() => atSim() >= threshold || overDeadline(), MAX_MS, `${threshold} sends`, 50);
    if (overDeadline()) break;
    const fault = cluster.faults[k];
    const at = atSim();
    const note = await fault.run();
    faultLog.push({ fault: fault.name, atSent: at, note });
    log(`${fault.name} at ${at} sent (${note})`);
  }
  await cluster.settle?.();
  const stats = await eventually(
    async () => {
      const r = await api('GET', `/api/v1/campaigns/${campaign.id}/stats`).catch(() => undefined);
      return r?.body?.status === 'completed' ? r.body : overDeadline() ? (r?.body ?? {}) : undefined;
    },
    MAX_MS,
    'the campaign to complete',
    500,
  );
  const runSeconds = (Date.now() - t0) / 1000;
  // the hub's side: one message row per recipient, and how each ended
  const rows = await cluster.query(
    `select to_addr as address, status, status_detail as detail from messages where direction = 'outbound' and metadata like '%${campaign.id}%'`,
  );
  const perRecipient = new Map();
  const outcomes = {};
  for (const r of rows) {
    perRecipient.set(r.address, (perRecipient.get(r.address) ?? 0) + 1);
    const code = r.status === 'failed' ? JSON.parse(r.detail ?? '{}').code : null;
    const key = code ? `failed ${code}` : r.status;
    outcomes[key] = (outcomes[key] ?? 0) + 1;
  }
  const twiceInHub = [...perRecipient.values()].filter((n) => n > 1).length;
  const missingInHub = RECIPIENTS - perRecipient.size;
  // the provider's side: how many each recipient received
  const received = new Map();
  for (const m of wa.sentMessages()) received.set(m.waId, (received.get(m.waId) ?? 0) + 1);
  const twiceAtSim = [...received.values()].filter((n) => n > 1).length;
  const interrupted = outcomes['failed INTERRUPTED'] ?? 0;
  const otherFailures = Object.entries(outcomes).filter(([k]) => k.startsWith('failed') && k !== 'failed INTERRUPTED');
  // a recipient the simulator never saw must be one whose send a kill cut (INTERRUPTED), never a silent loss
  const notAtSim = RECIPIENTS - received.size;
  const ok =
    stats.status === 'completed' &&
    twiceInHub === 0 &&
    missingInHub === 0 &&
    twiceAtSim === 0 &&
    notAtSim <= interrupted &&
    otherFailures.length === 0;
  const summary = {
    scenario: 'campaign',
    mode: cluster.mode,
    recipients: RECIPIENTS,
    faults: faultLog,
    status: stats.status,
    hubMessages: rows.length,
    outcomes,
    twiceInHub,
    missingInHub,
    atSimulator: received.size,
    twiceAtSim,
    notAtSim,
    runSeconds: Math.round(runSeconds * 10) / 10,
    ok,
  };
  const rowsOut = [
    ['mode', cluster.mode],
    ['recipients', String(RECIPIENTS)],
    ['faults', faultLog.map((f) => `${f.fault} @${f.atSent} sent`).join(', ')],
    ['campaign', `${stats.status} after ${summary.runSeconds} s`],
    ['messages in the hub', `${rows.length}: ${JSON.stringify(outcomes)}`],
    ['recipients with 2+ messages (hub)', String(twiceInHub)],
    ['recipients without a message (hub)', String(missingInHub)],
    ['received at the simulator', `${received.size} recipients, ${twiceAtSim} of them twice`],
    ['not at the simulator', `${notAtSim} (≤ ${interrupted} INTERRUPTED by a kill)`],
    ['verdict', ok ? 'OK: every recipient at most once, none lost without a reason' : 'FAILED'],
  ];
  process.stdout.write(`\n${textTable(['check', 'result'], rowsOut)}\n\n${JSON.stringify(summary)}\n`);
  await cleanup();
  process.exit(ok ? 0 : 1);
}

main().catch(async (error) => {
  process.stderr.write(`chaos failed: ${error.stack ?? error}\n`);
  await cleanup();
  process.exit(2);
});
