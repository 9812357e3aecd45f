/**
 * The mailbox listener when things go wrong, against a real Dovecot (testing/dovecot.ts) and a real hub: a server
 * that announces no IDLE is polled; the IMAP server going away and coming back is reconnected with backoff and
 * caught up from the cursor; a hub stopped in the middle of a sync resumes it without missing or doubling a mail.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDovecot, startMta, type Dovecot, type Mta } from '../../testing/dovecot.js';
import { freePort, spawnServer } from '../../testing/server-process.js';
import { eventually, startTestServer, TEST_ADMIN_TOKEN, type TestServer } from '../../testing/test-server.js';

interface Msg {
  providerMessageId: string | null;
  direction: string;
}
interface Conn {
  id: string;
  status: string;
}

const USERS = [{ user: 'support', password: 'support-pw' }];
// Dovecot 2.3's own post-login list, without IDLE (RFC 2177)
const NO_IDLE =
  'IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE LITERAL+ SORT THREAD=REFERENCES MULTIAPPEND UNSELECT CHILDREN ' +
  'NAMESPACE UIDPLUS LIST-EXTENDED I18NLEVEL=1 CONDSTORE QRESYNC ESEARCH ESORT SEARCHRES WITHIN CONTEXT=SEARCH ' +
  'LIST-STATUS BINARY MOVE SNIPPET=FUZZY SPECIAL-USE';

function rawMail(id: string, subject: string): string {
  return [
    'From: customer@example.test',
    'To: support@example.test',
    `Subject: ${subject}`,
    `Message-ID: <${id}@example.test>`,
    `Date: ${new Date().toUTCString()}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    `Body of ${subject}`,
    '',
  ].join('\r\n');
}

async function append(dovecot: Dovecot, mails: string[], receivedAt?: Date): Promise<void> {
  const client = new ImapFlow({
    host: dovecot.host,
    port: dovecot.imapPort,
    secure: false,
    auth: { user: 'support', pass: 'support-pw' },
    logger: false,
  });
  await client.connect();
  for (const m of mails) await client.append('INBOX', m, [], receivedAt);
  await client.logout();
}

describe('email listener resilience (Dovecot)', () => {
  let dovecot: Dovecot;
  let mta: Mta;
  let t: TestServer;
  let dataDir: string;
  let conn: Conn;

  // read from the in-process hub, or from a hub running as its own process (base URL given)
  const inboundIds = async (base?: string) => {
    const get = async <T>(path: string): Promise<T> =>
      base
        ? ((await (
            await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } })
          ).json()) as T)
        : (await t.api<T>('GET', path)).body;
    const convs = (await get<{ data: Array<{ id: string }> }>('/api/v1/conversations?limit=200')).data;
    const msgs = await Promise.all(
      convs.map(async (c) => (await get<{ data: Msg[] }>(`/api/v1/conversations/${c.id}/messages?limit=200`)).data),
    );
    return msgs
      .flat()
      .filter((m) => m.direction === 'inbound')
      .map((m) => m.providerMessageId as string);
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'switchboard-email-resilience-'));
    dovecot = await startDovecot(USERS, { imapCapability: NO_IDLE });
    mta = await startMta(dovecot, USERS);
    t = await startTestServer({ dataDir });
    const created = await t.api<Conn>('POST', '/api/v1/connections', {
      type: 'email',
      name: 'Support mailbox',
      config: {
        address: 'support@example.test',
        imap: { host: '127.0.0.1', port: dovecot.imapPort, secure: false, user: 'support' },
        smtp: { host: '127.0.0.1', port: mta.port, secure: false, starttls: false, user: 'support' },
        imapPassword: 'support-pw',
        smtpPassword: 'support-pw',
        pollSeconds: 2,
      },
    });
    conn = created.body;
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await mta?.stop();
    await dovecot?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('the first start imports the last initialSyncDays of mail, not older; a server without IDLE is polled', async () => {
    // received 30 days ago (the IMAP internal date SEARCH SINCE reads), and yesterday
    await append(dovecot, [rawMail('old-1', 'Long ago')], new Date(Date.now() - 30 * 86_400_000));
    await append(dovecot, [rawMail('recent-1', 'Yesterday')], new Date(Date.now() - 86_400_000));
    const probe = new ImapFlow({
      host: dovecot.host,
      port: dovecot.imapPort,
      secure: false,
      auth: { user: 'support', pass: 'support-pw' },
      logger: false,
    });
    await probe.connect();
    expect(probe.capabilities.has('IDLE')).toBe(false);
    await probe.logout();
    expect((await t.api<Conn>('POST', `/api/v1/connections/${conn.id}/start`)).body.status).toBe('RUNNING');
    await eventually(async () => (await inboundIds()).includes('<recent-1@example.test>'), 15_000, 'the recent mail');
    await append(dovecot, [rawMail('poll-1', 'Polled')]);
    await eventually(async () => (await inboundIds()).includes('<poll-1@example.test>'), 15_000, 'the polled mail');
    expect(await inboundIds()).not.toContain('<old-1@example.test>');
  });

  it('the IMAP server going away and coming back: reconnected, caught up, nothing doubled', async () => {
    await dovecot.restart(1500);
    await append(dovecot, [rawMail('after-drop-1', 'After the drop')]);
    await eventually(
      async () => (await inboundIds()).includes('<after-drop-1@example.test>'),
      30_000,
      'the mail after the server came back',
    );
    expect((await t.api<Conn>('GET', `/api/v1/connections/${conn.id}`)).body.status).toBe('RUNNING');
    const ids = await inboundIds();
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('a hub stopped in the middle of a sync resumes it: every mail once', async () => {
    const before = (await inboundIds()).length;
    await t.close();
    const batch = Array.from({ length: 40 }, (_, i) => rawMail(`batch-${i}`, `Batch ${i}`));
    await append(dovecot, batch);
    t = await startTestServer({ dataDir });
    // stopped as soon as the sync has begun and before it ended
    const partial = await eventually(
      async () => {
        const n = (await inboundIds()).length - before;
        return n > 0 ? n : undefined;
      },
      30_000,
      'the sync started',
    );
    await t.close();
    expect(partial).toBeLessThan(40);
    t = await startTestServer({ dataDir });
    await eventually(
      async () => (await inboundIds()).length - before >= 40,
      60_000,
      'the rest of the batch after the restart',
    );
    await new Promise((r) => setTimeout(r, 2500));
    const ids = await inboundIds();
    expect(new Set(ids).size).toBe(ids.length);
    for (let i = 0; i < 40; i++) expect(ids).toContain(`<batch-${i}@example.test>`);
    expect(ids.length).toBe(before + 40);
  });

  it('a hub killed (SIGKILL) in the middle of a sync resumes it: every mail once', async () => {
    const before = (await inboundIds()).length;
    await t.close();
    const batch = Array.from({ length: 40 }, (_, i) => rawMail(`killed-${i}`, `Killed ${i}`));
    await append(dovecot, batch);
    // the same data dir run as its own process, so it can die without closing anything
    const port = await freePort();
    const proc = await spawnServer(
      {
        SWITCHBOARD_DATA_DIR: dataDir,
        SWITCHBOARD_ADMIN_TOKEN: TEST_ADMIN_TOKEN,
        SWITCHBOARD_PUBLIC_URL: `http://127.0.0.1:${port}`,
      },
      port,
    );
    let partial: number;
    try {
      partial = await eventually(
        async () => {
          const n = (await inboundIds(proc.url)).length - before;
          return n > 0 ? n : undefined;
        },
        30_000,
        'the sync started',
      );
    } finally {
      await proc.kill('SIGKILL');
    }
    expect(partial).toBeLessThan(40);
    t = await startTestServer({ dataDir });
    await eventually(
      async () => (await inboundIds()).length - before >= 40,
      60_000,
      'the rest of the batch after the kill',
    );
    await new Promise((r) => setTimeout(r, 2500));
    const ids = await inboundIds();
    expect(new Set(ids).size).toBe(ids.length);
    for (let i = 0; i < 40; i++) expect(ids).toContain(`<killed-${i}@example.test>`);
    expect(ids.length).toBe(before + 40);
  });
});
