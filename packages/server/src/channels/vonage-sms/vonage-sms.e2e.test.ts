/**
 * The Vonage SMS connector end to end: a real hub on 127.0.0.1 against the Vonage simulator, for the Messages API
 * (JWT-signed webhooks: valid, missing, for another body, wrong secret — nothing stored; statuses forward-only with
 * their error; credentials rejected at start; 429 retried) and the legacy SMS API (sig valid/tampered, concatenated
 * parts in and out of order and across a hub restart, delivery receipts, status codes inside HTTP 200 answers).
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import Database from 'better-sqlite3';
import {
  startVonageSimulator,
  vonageLegacySig,
  signVonageWebhookJwt,
  type VonageSimulator,
} from '@switchboard/simulators';
import { verifySignature } from '@vonage/jwt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestServer, type TestServer } from '../../testing/test-server.js';

interface Conv {
  id: string;
  address: string;
}
interface Msg {
  id: string;
  direction: string;
  status: string;
  content: { type: string; text?: string };
  statusDetail: { code: string; message: string } | null;
  providerMessageId: string | null;
}
interface Conn {
  id: string;
  status: string;
  statusReason: string | null;
  webhookUrl: string;
}

function helpers(get: () => TestServer) {
  const conversations = async () =>
    (await get().api<{ data: Conv[] }>('GET', '/api/v1/conversations?limit=200')).body.data;
  const conversationOf = (address: string) =>
    eventually(
      async () => (await conversations()).find((c) => c.address === address),
      15_000,
      `conversation of ${address}`,
    );
  const messagesOf = async (id: string) =>
    (await get().api<{ data: Msg[] }>('GET', `/api/v1/conversations/${id}/messages?limit=200`)).body.data;
  const messageWith = (id: string, match: (m: Msg) => boolean, what: string) =>
    eventually(async () => (await messagesOf(id)).find(match), 15_000, what);
  const reply = async (conversationId: string, text: string) => {
    const res = await get().api<Msg>('POST', `/api/v1/conversations/${conversationId}/messages`, {
      content: { type: 'text', text },
    });
    expect(res.status).toBe(202);
    return res.body;
  };
  const message = async (id: string) => (await get().api<Msg>('GET', `/api/v1/messages/${id}`)).body;
  const statusOf = (id: string, want: string[]) =>
    eventually(
      async () => {
        const m = await message(id);
        return want.includes(m.status) ? m : undefined;
      },
      15_000,
      `message ${id} to reach ${want.join('|')}`,
    );
  return { conversations, conversationOf, messagesOf, messageWith, reply, message, statusOf };
}

describe('vonage-sms end to end: Messages API', () => {
  let sim: VonageSimulator;
  let t: TestServer;
  let conn: Conn;
  const h = helpers(() => t);
  const config = () => ({
    api: 'messages',
    apiKey: sim.account.apiKey,
    apiSecret: sim.account.apiSecret,
    applicationId: sim.application.id,
    privateKey: sim.application.privateKey,
    signatureSecret: sim.account.signatureSecret,
    from: `+${sim.number}`,
    apiBaseUrl: sim.url,
  });

  beforeAll(async () => {
    // statuses are driven by each test
    sim = await startVonageSimulator({ receipts: { submittedAfterMs: 600_000, deliveredAfterMs: 600_000 } });
    t = await startTestServer({ env: { SWITCHBOARD_OUTBOUND_MAX_ATTEMPTS: '4' } });
    const created = await t.api<Conn>('POST', '/api/v1/connections', {
      type: 'vonage-sms',
      name: 'Vonage',
      config: config(),
    });
    expect(created.status).toBe(201);
    conn = created.body;
  });
  afterAll(async () => {
    await t?.close();
    await sim?.close();
  });

  it('starts: checks the key, checks the application key pair and points its webhooks at us', async () => {
    const started = await t.api<Conn>('POST', `/api/v1/connections/${conn.id}/start`);
    expect(started.body).toMatchObject({ status: 'RUNNING', statusReason: null });
    expect(sim.settings()).toMatchObject({ inboundUrl: conn.webhookUrl, statusUrl: conn.webhookUrl });
  });

  it('a rejected credential turns the connection to ERROR with the reason', async () => {
    const bad = await t.api<Conn>('POST', '/api/v1/connections', {
      type: 'vonage-sms',
      name: 'Vonage wrong secret',
      config: { ...config(), apiSecret: 'not-the-secret' },
    });
    const started = await t.api<Conn>('POST', `/api/v1/connections/${bad.body.id}/start`);
    const after = (await t.api<Conn>('GET', `/api/v1/connections/${bad.body.id}`)).body;
    expect([started.body.status, after.status]).toContain('ERROR');
    expect(after.statusReason ?? started.body.statusReason).toMatch(/401/);
  });

  it('receives a signed inbound SMS (the simulator signs as Vonage: @vonage/jwt verifies it)', async () => {
    const { status } = await sim.inboundMessage({ from: '447700900101', text: 'hello over messages' });
    expect(status).toBe(200);
    const conv = await h.conversationOf('+447700900101');
    await h.messageWith(conv.id, (m) => m.content.text === 'hello over messages', 'the inbound message');
    const attempt = sim.webhookAttempts().find((a) => a.body.includes('hello over messages'));
    expect(attempt).toBeDefined();
    const body = Buffer.from(attempt?.body ?? '');
    const token = await signVonageWebhookJwt(body, sim.account.signatureSecret, {
      apiKey: sim.account.apiKey,
      applicationId: sim.application.id,
    });
    expect(verifySignature(token, sim.account.signatureSecret)).toBe(true);
  });

  it('refuses a missing token, a token for another body and a token of another secret; nothing is stored', async () => {
    const body = (text: string) =>
      Buffer.from(
        JSON.stringify({
          channel: 'sms',
          message_uuid: `uuid-${text}`,
          to: sim.number,
          from: '447700900102',
          timestamp: '2026-12-05T00:00:00Z',
          text,
          message_type: 'text',
        }),
      );
    const post = (b: Buffer, authorization?: string) =>
      fetch(conn.webhookUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
        body: b,
      }).then((r) => r.status);
    const claims = { apiKey: sim.account.apiKey, applicationId: sim.application.id };
    expect(await post(body('forged-missing'))).toBe(401);
    const other = await signVonageWebhookJwt(body('the signed one'), sim.account.signatureSecret, claims);
    expect(await post(body('forged-other-body'), `Bearer ${other}`)).toBe(401);
    const wrong = await signVonageWebhookJwt(body('forged-wrong'), 'wrong-secret', claims);
    expect(await post(body('forged-wrong'), `Bearer ${wrong}`)).toBe(401);
    // the hash claim is what binds the token to the body
    expect(createHash('sha256').update(body('the signed one')).digest('hex')).not.toBe(
      createHash('sha256').update(body('forged-other-body')).digest('hex'),
    );
    const good = await signVonageWebhookJwt(body('signed-ok'), sim.account.signatureSecret, claims);
    expect(await post(body('signed-ok'), `Bearer ${good}`)).toBe(200);
    const conv = await h.conversationOf('+447700900102');
    await h.messageWith(conv.id, (m) => m.content.text === 'signed-ok', 'the signed message');
    const texts = (await h.messagesOf(conv.id)).map((m) => m.content.text);
    expect(texts.filter((x) => x?.startsWith('forged'))).toEqual([]);
    const db = new Database(join(t.dataDir, 'switchboard.db'), { readonly: true });
    try {
      const rows = db
        .prepare(`SELECT count(*) AS n FROM inbound_events WHERE CAST(body AS TEXT) LIKE '%"text":"forged-%'`)
        .get() as {
        n: number;
      };
      expect(rows.n).toBe(0);
    } finally {
      db.close();
    }
  });

  it('sends with an application JWT; statuses apply forward-only; a rejection keeps its error', async () => {
    const conv = await h.conversationOf('+447700900101');
    const out = await h.reply(conv.id, 'your order shipped');
    const sent = await h.statusOf(out.id, ['sent']);
    const uuid = sent.providerMessageId ?? '';
    expect(sim.sent({ to: '+447700900101' }).map((o) => o.text)).toContain('your order shipped');
    expect(await sim.status(uuid, 'delivered')).toBe(200);
    await h.statusOf(out.id, ['delivered']);
    // a late submitted does not move it back
    expect(await sim.status(uuid, 'submitted')).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    expect((await h.message(out.id)).status).toBe('delivered');

    const second = await h.reply(conv.id, 'second one');
    const s2 = await h.statusOf(second.id, ['sent']);
    await sim.status(s2.providerMessageId ?? '', 'rejected', {
      code: '1250',
      title: 'Number barred',
      detail: 'barred',
    });
    const failed = await h.statusOf(second.id, ['failed']);
    expect(failed.statusDetail).toMatchObject({ code: '1250', message: expect.stringContaining('Number barred') });
  });

  it('answers the SMS segments of a reply (a single emoji makes it UCS-2) and refuses a text over 1000 characters', async () => {
    const conv = await h.conversationOf('+447700900101');
    const res = await t.api<Msg & { segments?: { encoding: string; count: number; perSegment: number } }>(
      'POST',
      `/api/v1/conversations/${conv.id}/messages`,
      { content: { type: 'text', text: 'Danke 😀' } },
    );
    expect(res.status).toBe(202);
    expect(res.body.segments).toMatchObject({ encoding: 'UCS-2', count: 1, perSegment: 70 });
    const long = await t.api<{ segments?: { encoding: string; count: number } }>(
      'POST',
      `/api/v1/conversations/${conv.id}/messages`,
      { content: { type: 'text', text: 'a'.repeat(161) } },
    );
    expect(long.body.segments).toMatchObject({ encoding: 'GSM-7', count: 2 });
    const over = await t.api('POST', `/api/v1/conversations/${conv.id}/messages`, {
      content: { type: 'text', text: 'a'.repeat(1001) },
    });
    expect(over.status).toBe(400);
    expect(JSON.stringify(over.body)).toContain('1000');
  });

  it('sends buttons as numbered text, and a numbered answer comes back as the button', async () => {
    const conv = await h.conversationOf('+447700900101');
    const res = await t.api<Msg>('POST', `/api/v1/conversations/${conv.id}/messages`, {
      content: {
        type: 'interactive',
        interactive: {
          kind: 'buttons',
          text: 'Pick one',
          buttons: [
            { id: 'yes', title: 'Yes' },
            { id: 'no', title: 'No' },
          ],
        },
      },
    });
    expect(res.status).toBe(202);
    const out = await eventually(
      async () => sim.sent({ to: '+447700900101' }).find((o) => o.text.startsWith('Pick one')),
      15_000,
      'the numbered options at Vonage',
    );
    expect(out.text).toMatch(/Reply 2 for No/);
    await sim.inboundMessage({ from: '447700900101', text: '2' });
    await h.messageWith(
      conv.id,
      (m) => m.content.type === 'interactive' && JSON.stringify(m.content).includes('"no"'),
      'the chosen button',
    );
  });

  it('STOP opts the number out: sends to it are refused before Vonage', async () => {
    await sim.inboundMessage({ from: '447700900150', text: 'STOP' });
    await h.conversationOf('+447700900150');
    const refused = await eventually(
      async () => {
        const r = await t.api<{ error?: { code: string } }>('POST', '/api/v1/messages', {
          connectionId: conn.id,
          to: '+447700900150',
          content: { type: 'text', text: 'promo' },
        });
        return r.status === 422 ? r : undefined;
      },
      15_000,
      'the opted-out refusal',
    );
    expect(refused.body.error?.code).toBe('OPTED_OUT');
    expect(sim.sent({ to: '+447700900150' }).filter((o) => o.text === 'promo')).toEqual([]);
  });

  it('retries after a 429 and then sends', async () => {
    sim.fault({ op: 'messages', times: 1, error: { httpStatus: 429, retryAfterSeconds: 1 } });
    const conv = await h.conversationOf('+447700900101');
    const out = await h.reply(conv.id, 'after the throttle');
    await h.statusOf(out.id, ['sent']);
    expect(sim.sent().filter((o) => o.text === 'after the throttle')).toHaveLength(1);
  });
});

describe('vonage-sms end to end: legacy SMS API', () => {
  let sim: VonageSimulator;
  let t: TestServer;
  let conn: Conn;
  const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-vonage-'));
  const h = helpers(() => t);

  beforeAll(async () => {
    sim = await startVonageSimulator({
      signatureMethod: 'sha256hmac',
      receipts: { submittedAfterMs: 40, deliveredAfterMs: 150 },
    });
    t = await startTestServer({ dataDir, env: { SWITCHBOARD_OUTBOUND_MAX_ATTEMPTS: '4' } });
    const created = await t.api<Conn>('POST', '/api/v1/connections', {
      type: 'vonage-sms',
      name: 'Vonage SMS API',
      config: {
        api: 'sms',
        apiKey: sim.account.apiKey,
        apiSecret: sim.account.apiSecret,
        signatureSecret: sim.account.signatureSecret,
        signatureMethod: 'sha256hmac',
        from: `+${sim.number}`,
        apiBaseUrl: sim.url,
      },
    });
    expect(created.status).toBe(201);
    conn = created.body;
    const started = await t.api<Conn>('POST', `/api/v1/connections/${conn.id}/start`);
    expect(started.body).toMatchObject({ status: 'RUNNING' });
    expect(sim.settings()).toMatchObject({ moUrl: conn.webhookUrl, drUrl: conn.webhookUrl });
  });
  afterAll(async () => {
    await t?.close();
    await sim?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('receives a signed SMS and refuses a tampered one', async () => {
    const r = await sim.inboundSms({ from: '447700900201', text: 'hi from the legacy api' });
    expect(r.statuses).toEqual([200]);
    const conv = await h.conversationOf('+447700900201');
    await h.messageWith(conv.id, (m) => m.content.text === 'hi from the legacy api', 'the inbound SMS');
    const params: Record<string, string> = {
      msisdn: '447700900201',
      to: sim.number,
      messageId: 'TAMPERED0000001',
      text: 'original',
      type: 'text',
      'api-key': sim.account.apiKey,
      'message-timestamp': '2026-01-01 10:00:00',
      timestamp: '1767261600',
      nonce: 'n-1',
    };
    const sig = vonageLegacySig(params, sim.account.signatureSecret, 'sha256hmac');
    const tampered = new URLSearchParams({ ...params, text: 'tampered', sig }).toString();
    const res = await fetch(conn.webhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: tampered,
    });
    expect(res.status).toBe(401);
    const unsigned = await fetch(`${conn.webhookUrl}?${new URLSearchParams(params).toString()}`);
    expect(unsigned.status).toBe(401);
  });

  it('reassembles concatenated parts in order, whichever order they arrive in', async () => {
    await sim.inboundSms({
      from: '447700900202',
      text: 'first-part|second-part|third-part',
      parts: 3,
      order: [3, 1, 2],
    });
    const conv = await h.conversationOf('+447700900202');
    const whole = await h.messageWith(conv.id, (m) => m.direction === 'inbound', 'the reassembled message');
    expect(whole.content.text).toBe('first-part|second-part|third-part');
    await sim.inboundSms({ from: '447700900202', text: 'AAAABBBB', parts: 2 });
    await h.messageWith(conv.id, (m) => m.content.text === 'AAAABBBB', 'in-order parts');
    expect((await h.messagesOf(conv.id)).filter((m) => m.direction === 'inbound')).toHaveLength(2);
  });

  it('keeps an acknowledged part across a hub restart', async () => {
    const r = await sim.inboundSms({
      from: '447700900203',
      text: 'before restart / after restart',
      parts: 2,
      order: [2],
    });
    expect(r.statuses).toEqual([200]);
    await eventually(
      () => {
        const db = new Database(join(dataDir, 'switchboard.db'), { readonly: true });
        try {
          const row = db.prepare('SELECT count(*) AS n FROM message_parts WHERE part_index > 0').get() as { n: number };
          return row.n > 0 ? true : undefined;
        } finally {
          db.close();
        }
      },
      15_000,
      'the part kept',
    );
    await t.close();
    t = await startTestServer({ dataDir, env: { SWITCHBOARD_OUTBOUND_MAX_ATTEMPTS: '4' } });
    const again = await eventually(
      async () => {
        const c = (await t.api<Conn>('GET', `/api/v1/connections/${conn.id}`)).body;
        return c.status === 'RUNNING' ? c : undefined;
      },
      15_000,
      'the connection running again',
    );
    sim.configure({ moUrl: again.webhookUrl, drUrl: again.webhookUrl });
    conn = again;
    expect(await r.sendPart(1)).toBe(200);
    const conv = await h.conversationOf('+447700900203');
    const whole = await h.messageWith(conv.id, (m) => m.direction === 'inbound', 'the message of both parts');
    expect(whole.content.text).toBe('before restart / after restart');
  });

  it('sends, and applies the delivery receipts', async () => {
    const conv = await h.conversationOf('+447700900201');
    const out = await h.reply(conv.id, 'legacy reply');
    await h.statusOf(out.id, ['delivered']);
    expect(sim.sent({ to: '+447700900201' }).map((o) => o.text)).toContain('legacy reply');
  });

  it('reads status codes inside HTTP 200: throttled is retried, others fail with the text', async () => {
    const conv = await h.conversationOf('+447700900201');
    sim.fault({ op: 'sms', times: 1, error: { legacyStatus: '1', errorText: 'Throughput Rate Exceeded' } });
    const throttled = await h.reply(conv.id, 'after throttling');
    await h.statusOf(throttled.id, ['sent', 'delivered']);
    sim.fault({ op: 'sms', times: 1, error: { legacyStatus: '6', errorText: 'Invalid Message' } });
    const bad = await h.reply(conv.id, 'refused one');
    const failed = await h.statusOf(bad.id, ['failed']);
    expect(failed.statusDetail).toMatchObject({
      code: 'REJECTED',
      message: expect.stringContaining('Invalid Message'),
    });
  });

  it('an invalid-credentials status turns the connection to ERROR', async () => {
    sim.fault({ op: 'sms', times: 1, error: { legacyStatus: '4', errorText: 'Bad Credentials' } });
    const conv = await h.conversationOf('+447700900201');
    const out = await h.reply(conv.id, 'credentials gone');
    await h.statusOf(out.id, ['failed']);
    const c = await eventually(
      async () => {
        const x = (await t.api<Conn>('GET', `/api/v1/connections/${conn.id}`)).body;
        return x.status === 'ERROR' ? x : undefined;
      },
      15_000,
      'connection ERROR',
    );
    expect(c.statusReason).toMatch(/Bad Credentials/);
  });
});
