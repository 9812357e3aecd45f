#!/usr/bin/env node
/**
 * @module app/cli
 * `switchboard start [--role api|worker|all]`, `switchboard migrate`, `switchboard token create [--name N]`.
 */
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, loadSandboxConfig, type Config } from './config.js';
import { createSwitchboard, openStore, VERSION } from './main.js';
import { bootstrapWorkspace, createApiKey } from '../core/workspaces/workspace-bootstrap.js';
import { generateApiToken } from '../core/security/api-tokens.js';
import type { Role } from '../core/hub.js';
import { startSandbox } from './sandbox.js';
import { startBanner } from './banner.js';
import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { exportDatabase, importDatabase, type TransferLine } from '../store/sql/data-transfer.js';

const HELP = `Switchboard ${VERSION} — omnichannel messaging hub

Usage: switchboard <command> [options]

Commands:
  start [--role api|worker|all]   run the server (default role: all)
  sandbox                         run with local provider simulators and a customer phone page (127.0.0.1)
  migrate                         create or update the database schema, then exit
  token create [--name NAME]      create an API token for the workspace owner and print it once
  export [--file F]               write every table as JSON lines (default: standard output)
  import --file F                 load an export into the configured database (e.g. DATABASE_URL=postgres://…)
  --help                          show this help

Configuration comes from the environment: PORT, HOST, SWITCHBOARD_DATA_DIR, DATABASE_URL, NATS_URL,
SWITCHBOARD_PUBLIC_URL, SWITCHBOARD_ADMIN_TOKEN, SWITCHBOARD_MASTER_KEY (see README.md).`;

function fail(message: string): never {
  process.stderr.write(`switchboard: ${message}\n`);
  process.exit(1);
}

async function start(config: Config, role: Role): Promise<void> {
  const sb = await createSwitchboard(config, { role });
  const address = await sb.listen();
  // the banner goes out in one write, so a reader never sees half of it
  process.stdout.write(
    `${startBanner({
      version: VERSION,
      role,
      address,
      publicUrl: config.publicUrl,
      store: config.databaseUrl ? 'PostgreSQL' : `SQLite in ${config.dataDir}`,
      bus: config.natsUrl ? `NATS JetStream (${config.natsPrefix})` : 'in-process',
      ownerEmail: sb.bootstrap.ownerEmail,
      generatedToken: sb.bootstrap.generatedToken,
      generatedPassword: sb.bootstrap.generatedPassword,
    })}\n`,
  );
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    sb.log.info({ signal }, 'shutting down: draining in-flight work');
    const force = setTimeout(() => process.exit(1), 30_000);
    force.unref();
    sb.close().then(
      () => process.exit(0),
      (error: unknown) => {
        sb.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      role: { type: 'string', default: 'all' },
      name: { type: 'string', default: 'cli token' },
      file: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, sub] = positionals;
  if (values.help || !command) {
    process.stdout.write(`${HELP}\n`);
    return;
  }
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) fail(`configuration error: ${error.message}`);
    throw error;
  }
  if (command === 'start') {
    const role = values.role as Role;
    if (!['api', 'worker', 'all'].includes(role)) fail(`--role must be api, worker or all (got ${role})`);
    await start(config, role);
  } else if (command === 'sandbox') {
    const sandbox = await startSandbox(loadSandboxConfig());
    const { ownerEmail, generatedPassword } = sandbox.sb.bootstrap;
    process.stdout.write(
      [
        '',
        `Switchboard sandbox is running on ${sandbox.url} — nothing here talks to the internet.`,
        `  Open ${config.publicUrl}/sandbox and write as a customer on any channel; the replies you send from the`,
        '  inbox on the right (or through the API) arrive on the phone on the left.',
        generatedPassword
          ? `  Sign in as ${ownerEmail} with the password ${generatedPassword} (the operator app ${config.publicUrl}/app/ takes the same)`
          : `  Sign in as ${ownerEmail} with SWITCHBOARD_OWNER_PASSWORD (the operator app ${config.publicUrl}/app/ takes the same)`,
        `  Admin API token: ${sandbox.token}`,
        ...Object.values(sandbox.channels).map(
          (c) => `  ${c.label}: connection ${c.connectionId}, simulator ${c.simulatorUrl}`,
        ),
        '',
      ].join('\n'),
    );
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      sandbox.sb.log.info({ signal }, 'shutting down the sandbox: draining in-flight work, stopping the simulators');
      sandbox.close().then(
        () => process.exit(0),
        (error: unknown) => {
          sandbox.sb.log.error({ err: error }, 'sandbox shutdown failed');
          process.exit(1);
        },
      );
    };
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
  } else if (command === 'export') {
    // the export holds sealed secrets and raw events: readable by the hub's user only. A path that cannot be
    // written (a missing directory, a full disk) ends the command with one line, not an unhandled 'error' event
    const out = values.file ? createWriteStream(values.file, { mode: 0o600 }) : process.stdout;
    out.on('error', (error: Error) =>
      fail(`export: cannot write ${values.file ?? 'standard output'}: ${error.message}`),
    );
    if (values.file) await once(out, 'open');
    const store = openStore(config);
    await store.migrate();
    let n = 0;
    for await (const line of exportDatabase(store)) {
      if (!out.write(`${JSON.stringify(line)}\n`)) await once(out, 'drain');
      n++;
    }
    if (values.file) await new Promise<void>((resolve) => (out as ReturnType<typeof createWriteStream>).end(resolve));
    await store.close();
    process.stderr.write(`exported ${n} rows from the ${store.dialect} store\n`);
  } else if (command === 'import') {
    if (!values.file) fail('import needs --file F (an export written by switchboard export)');
    const store = openStore(config);
    await store.migrate();
    const input = createReadStream(values.file);
    input.on('error', (error: Error) => fail(`import: cannot read ${values.file}: ${error.message}`));
    const lines = createInterface({ input, crlfDelay: Infinity });
    const counts = await importDatabase(
      store,
      (async function* () {
        for await (const line of lines) if (line.trim()) yield JSON.parse(line) as TransferLine;
      })(),
    );
    await store.close();
    process.stdout.write(
      `imported into the ${store.dialect} store: ${
        Object.entries(counts)
          .map(([t, c]) => `${t} ${c}`)
          .join(', ') || 'nothing'
      }\n`,
    );
  } else if (command === 'migrate') {
    const store = openStore(config);
    await store.migrate();
    await store.close();
    process.stdout.write('database schema is up to date\n');
  } else if (command === 'token' && sub === 'create') {
    const store = openStore(config);
    await store.migrate();
    const now = new Date().toISOString();
    const { workspaceId, ownerId } = await bootstrapWorkspace(store, undefined, now);
    const token = generateApiToken();
    await createApiKey(store, workspaceId, ownerId, values.name ?? 'cli token', token, now);
    await store.close();
    process.stdout.write(`${token}\n`);
  } else {
    fail(`unknown command '${[command, sub].filter(Boolean).join(' ')}' (see switchboard --help)`);
  }
}

main(process.argv.slice(2)).catch((error: unknown) => fail(error instanceof Error ? error.message : String(error)));
