/**
 * Stored raw events hold no credential (docs/security.md "Stored raw events"): inbound traffic through Telegram,
 * WhatsApp and web chat with known secrets, then every secret value is searched for in the database files' bytes
 * (.db, -wal), in `switchboard export`'s output and in the captured log lines. The data directory is created 0700
 * and the database with its -wal and -shm files 0600.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  startTelegramSimulator,
  startWhatsAppSimulator,
  type TelegramSimulator,
  type WhatsAppSimulator,
} from '@switchboard/simulators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestServer, TEST_ADMIN_TOKEN, type TestServer } from '../testing/test-server.js';
import { exportDatabase } from '../store/sql/data-transfer.js';
import type { KyselyStore } from '../store/sql/kysely-store.js';
import type { InboundEventRecord } from '../core/ports/index.js';

interface Conn {
  id: string;
  status: string;
  webhookUrl: string;
}

const TELEGRAM_SECRET = 'known-telegram-webhook-secret-0001';
const SESSION_SECRET = 'known-webchat-session-secret-0002';
const VERIFY_TOKEN = 'known-whatsapp-verify-token-0003';
const mode = (path: string) => (statSync(path).mode & 0o777).toString(8);

describe('stored raw events', () => {
  let tg: TelegramSimulator;
  let wa: WhatsAppSimulator;
  let t: TestServer;
  const root = mkdtempSync(join(tmpdir(), 'switchboard-raw-'));
  // a data directory the hub creates itself (mkdtemp would already be 0700)
  const dataDir = join(root, 'nested', 'data');
  const secrets: string[] = [TEST_ADMIN_TOKEN, TELEGRAM_SECRET, SESSION_SECRET];

  const start = async (type: string, config: Record<string, unknown>) => {
    const created = await t.api<Conn>('POST', '/api/v1/connections', { type, name: type, config });
    expect(created.status).toBe(201);
    const started = await t.api<Conn>('POST', `/api/v1/connections/${created.body.id}/start`);
    expect(started.body.status).toBe('RUNNING');
    return created.body;
  };
  const inboundCount = async (connectionId: string) =>
    (await t.api<{ data: Array<{ id: string }> }>('GET', `/api/v1/conversations?connectionId=${connectionId}&limit=50`))
      .body.data.length;

  beforeAll(async () => {
    tg = await startTelegramSimulator({ webhookRetryScale: 0.001 });
    wa = await startWhatsAppSimulator({ webhooks: { retryScale: 0.001 } });
    t = await startTestServer({ dataDir });
  });
  afterAll(async () => {
    await t?.close();
    await tg?.close();
    await wa?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('keep no secret and no visitor token in the database files, the export or the logs', async () => {
    const botToken = tg.defaultBot?.token ?? '';
    const waDefaults = wa.defaults;
    if (!waDefaults) throw new Error('simulator not seeded');
    secrets.push(botToken, waDefaults.accessToken, wa.app.secret);

    const telegram = await start('telegram', { botToken, secretToken: TELEGRAM_SECRET, apiBaseUrl: tg.url });
    const ana = tg.createUser({ firstName: 'Ana' });
    tg.sendText({ token: botToken, from: ana.id, text: 'hello from telegram' });
    await tg.idle();

    const whatsapp = await start('whatsapp', {
      accessToken: waDefaults.accessToken,
      appSecret: wa.app.secret,
      businessAccountId: waDefaults.wabaId,
      phoneNumberIds: [waDefaults.phoneNumberId],
      verifyToken: VERIFY_TOKEN,
      apiBaseUrl: wa.url,
    });
    expect((await wa.configureWebhook({ url: whatsapp.webhookUrl, verifyToken: VERIFY_TOKEN }))?.ok).toBe(true);
    wa.sendText({ from: '15550001111', text: 'hello from whatsapp', profileName: 'Bo' });

    const webchat = await start('webchat', { sessionSecret: SESSION_SECRET });
    const session = (await (await fetch(`${t.url}/webchat/${webchat.id}/sessions`, { method: 'POST' })).json()) as {
      token: string;
      visitorId: string;
    };
    secrets.push(session.token, session.token.split('.')[1] as string);
    const sent = await fetch(`${t.url}/webchat/${webchat.id}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${session.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ clientMessageId: 'c1', text: 'hello from the web' }),
    });
    expect(sent.status).toBe(200);

    // every message went through the stored raw event into a conversation (the processor re-parses what was stored)
    for (const c of [telegram, whatsapp, webchat])
      await eventually(async () => (await inboundCount(c.id)) > 0, 10_000, `a conversation on ${c.id}`);

    const events = new Map<string, InboundEventRecord>();
    for (const line of await collect(t.sb.store as KyselyStore))
      if (line.table === 'inbound_events')
        events.set(String(line.row.connection_id), {
          headers: JSON.parse(String(line.row.headers)),
        } as InboundEventRecord);
    // what re-verifies or re-parses is kept; credentials only as a digest
    expect(events.get(telegram.id)?.headers).toEqual({
      'content-type': 'application/json',
      'x-telegram-bot-api-secret-token': expect.stringMatching(/^sha256:[0-9a-f]{16}$/),
    });
    expect(events.get(whatsapp.id)?.headers).toEqual({
      'content-type': 'application/json',
      'x-hub-signature-256': expect.stringMatching(/^sha256=[0-9a-f]{64}$/),
    });
    expect(events.get(webchat.id)?.headers).toEqual({
      'content-type': 'application/json',
      'x-webchat-visitor': session.visitorId,
      authorization: expect.stringMatching(/^sha256:[0-9a-f]{16}$/),
    });

    const lines = await collect(t.sb.store as KyselyStore);
    const exported = lines.map((l) => JSON.stringify(l)).join('\n');
    // the verify token is configuration shown to operators (it is pasted at Meta), not a sealed secret: it is kept
    // in the connection, but neither in a raw event (the GET handshake is answered, not stored) nor in a log line
    const rawEvents = lines
      .filter((l) => l.table === 'inbound_events')
      .map((l) => JSON.stringify(l))
      .join('\n');
    expect([rawEvents.includes(VERIFY_TOKEN), t.logs.join('').includes(VERIFY_TOKEN)]).toEqual([false, false]);
    const files = ['switchboard.db', 'switchboard.db-wal'].map((f) => join(dataDir, f)).filter(existsSync);
    const bytes = files.map((f) => readFileSync(f).toString('latin1')).join('\n');
    const logs = t.logs.join('');
    const found = (where: string, text: string) =>
      secrets.filter((s) => s.length > 0 && text.includes(s)).map((s) => `${where}: ${s}`);
    expect([...found('database', bytes), ...found('export', exported), ...found('logs', logs)]).toEqual([]);
  });

  it('are in a data directory only the hub may enter, in database files only the hub may read', () => {
    expect(mode(dataDir)).toBe('700');
    for (const f of ['switchboard.db', 'switchboard.db-wal', 'switchboard.db-shm'])
      expect([f, mode(join(dataDir, f))]).toEqual([f, '600']);
  });
});

async function collect(store: KyselyStore): Promise<Array<{ table: string; row: Record<string, unknown> }>> {
  const lines: Array<{ table: string; row: Record<string, unknown> }> = [];
  for await (const line of exportDatabase(store)) lines.push(line);
  return lines;
}
