/**
 * "Never stores anything" for requests that do not carry a valid signature, end to end: a real hub with a running
 * WhatsApp connection (started against a small Graph stub on 127.0.0.1) and a running test-connector connection
 * receives fast-check-generated unsigned, mis-signed and tampered webhooks on /webhooks/{id}. Every answer is a
 * 4xx (401/403 for a failed verification), never 2xx or 5xx, and the SQLite file itself shows that inbound_events,
 * messages, conversations and contacts did not change. A correctly signed request at the end proves the counting
 * sees what is stored.
 */
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signTestBody, testConnector } from '../channel-kit/test-connector.js';
import { batch, inboundMessages, statuses } from '../channels/whatsapp/fixtures/inbound.js';
import { eventually, startTestServer, type TestServer } from '../testing/test-server.js';

const RUNS = { numRuns: 150 };
const APP_SECRET = 'app-secret-webhook-fuzz-0001';
const SIGNING = 'signing-secret-webhook-fuzz';
const PHONE = '106540352242922';
const TABLES = ['inbound_events', 'messages', 'conversations', 'contacts'] as const;

const hmacHex = (secret: string, body: Buffer | string) => createHmac('sha256', secret).update(body).digest('hex');

/** just enough Graph API for start(): every object id asked for exists, templates are empty */
async function graphStub(): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://stub').pathname;
    const last = decodeURIComponent(path.split('/').pop() ?? '');
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify(
        last === 'message_templates'
          ? { data: [] }
          : { id: last, name: 'stub', display_phone_number: '15550783881', verified_name: 'Stub' },
      ),
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

// ---- what an attacker (or a broken proxy) sends ----------------------------------------------------------------
const realBodies: Buffer[] = [
  ...[inboundMessages.text, inboundMessages.image, statuses, batch].map((b) => Buffer.from(JSON.stringify(b))),
  Buffer.from(JSON.stringify({ id: 'p-1', type: 'message', from: '+15550001', text: 'hello' })),
  Buffer.from(
    JSON.stringify([
      { id: 'p-2', type: 'message', from: '+15550002', text: 'a' },
      { id: 's-1', type: 'status', messageId: 'x', status: 'read' },
    ]),
  ),
];
const body: fc.Arbitrary<Buffer> = fc.oneof(
  fc.constantFrom(...realBodies),
  fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
  fc.json({ maxDepth: 3 }).map((s) => Buffer.from(s)),
  fc.tuple(fc.constantFrom(...realBodies), fc.nat(), fc.integer({ min: 1, max: 255 })).map(([b, at, mask]) => {
    const out = Buffer.from(b);
    out[at % out.length] = (out[at % out.length] as number) ^ mask;
    return out;
  }),
);
/** how the signature is wrong, given the header name, the body and the right secret */
type Forgery = (name: string, raw: Buffer, secret: string) => Record<string, string>;
const forgery: fc.Arbitrary<{ label: string; make: Forgery }> = fc.oneof(
  fc.constant({ label: 'no signature', make: () => ({}) }),
  fc.string({ maxLength: 80 }).map((v) => ({ label: 'random value', make: (name: string) => ({ [name]: v }) })),
  fc
    .stringMatching(/^[0-9a-f]{64}$/)
    .map((hex) => ({ label: 'random hex', make: (name: string) => ({ [name]: `sha256=${hex}` }) })),
  fc.constant({
    label: 'another secret',
    make: (name: string, raw: Buffer) => ({ [name]: `sha256=${hmacHex('not-the-secret-0000', raw)}` }),
  }),
  fc.constant({
    label: 'signature of another body',
    make: (name: string, raw: Buffer, secret: string) => ({
      [name]: `sha256=${hmacHex(secret, Buffer.concat([raw, Buffer.from(' ')]))}`,
    }),
  }),
  fc.constant({
    label: 'upper-case hex',
    make: (name: string, raw: Buffer, secret: string) => ({ [name]: `sha256=${hmacHex(secret, raw).toUpperCase()}` }),
  }),
  fc.constant({
    label: 'no prefix',
    make: (name: string, raw: Buffer, secret: string) => ({ [name]: hmacHex(secret, raw) }),
  }),
  fc.constant({
    label: 'wrong header',
    make: (name: string, raw: Buffer, secret: string) => ({
      [`${name}-x`]: `sha256=${hmacHex(secret, raw)}`,
      'x-hub-signature': `sha1=${createHmac('sha1', secret).update(raw).digest('hex')}`,
    }),
  }),
  fc.nat().map((keep) => ({
    label: 'truncated',
    make: (name: string, raw: Buffer, secret: string) => ({
      [name]: `sha256=${hmacHex(secret, raw)}`.slice(0, 7 + (keep % 64)),
    }),
  })),
);
const contentType = fc.constantFrom(
  'application/json',
  'text/plain',
  'application/x-www-form-urlencoded',
  'application/octet-stream',
  'application/json; charset=utf-8',
);

describe('webhooks with a bad signature never store anything', () => {
  let t: TestServer;
  let stub: { url: string; close(): Promise<void> };
  let whatsapp: string;
  let gateway: string;
  const rows = () => {
    const db = new Database(join(t.dataDir, 'switchboard.db'), { readonly: true });
    try {
      return Object.fromEntries(
        TABLES.map((table) => [table, (db.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n]),
      );
    } finally {
      db.close();
    }
  };
  const statuses: number[] = [];

  beforeAll(async () => {
    stub = await graphStub();
    t = await startTestServer({ extraConnectors: [testConnector] });
    whatsapp = (
      await t.api<{ id: string }>('POST', '/api/v1/connections', {
        type: 'whatsapp',
        name: 'wa',
        config: {
          accessToken: 'EAAG-fuzz',
          appSecret: APP_SECRET,
          businessAccountId: '102290129340398',
          phoneNumberIds: [PHONE],
          verifyToken: 'verify-token-fuzz-0001',
          apiBaseUrl: stub.url,
        },
      })
    ).body.id;
    gateway = (
      await t.api<{ id: string }>('POST', '/api/v1/connections', {
        type: 'x-test',
        name: 'gw',
        config: { signingSecret: SIGNING, apiToken: 'api-token-webhook-fuzz' },
      })
    ).body.id;
    for (const id of [whatsapp, gateway]) {
      const started = await t.api<{ status: string; statusReason: string | null }>(
        'POST',
        `/api/v1/connections/${id}/start`,
      );
      expect(started.body.status, started.body.statusReason ?? '').toBe('RUNNING');
    }
  });
  afterAll(async () => {
    await t.close();
    await stub.close();
  });

  const post = async (id: string, raw: Buffer, headers: Record<string, string>) => {
    const res = await fetch(`${t.url}/webhooks/${id}`, { method: 'POST', headers, body: raw });
    await res.arrayBuffer();
    statuses.push(res.status);
    return res.status;
  };

  it.each([
    ['whatsapp', () => whatsapp, 'x-hub-signature-256', APP_SECRET],
    ['test connector', () => gateway, 'x-test-signature', SIGNING],
  ] as const)(
    '%s: unsigned, mis-signed and tampered POSTs answer 4xx and leave the database untouched',
    async (_name, id, header, secret) => {
      const before = rows();
      await fc.assert(
        fc.asyncProperty(body, forgery, contentType, async (raw, forged, type) => {
          const headers = { 'content-type': type, ...forged.make(header, raw, secret) };
          const status = await post(id(), raw, headers);
          expect(status, `${forged.label}: ${status}`).toBeGreaterThanOrEqual(400);
          expect(status).toBeLessThan(500);
          if (raw.length > 0) expect([401, 403]).toContain(status);
        }),
        RUNS,
      );
      // the original signature over a body changed after signing
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...realBodies),
          fc.nat(),
          fc.integer({ min: 1, max: 255 }),
          async (original, at, mask) => {
            const tampered = Buffer.from(original);
            tampered[at % tampered.length] = (tampered[at % tampered.length] as number) ^ mask;
            expect(
              await post(id(), tampered, {
                'content-type': 'application/json',
                [header]: `sha256=${hmacHex(secret, original)}`,
              }),
            ).toBe(401);
          },
        ),
        { numRuns: 50 },
      );
      await new Promise((r) => setTimeout(r, 150));
      expect(rows()).toEqual(before);
    },
  );

  it('whatsapp: handshakes with a wrong verify token answer 403 and store nothing', async () => {
    const before = rows();
    await fc.assert(
      fc.asyncProperty(
        fc.string({ maxLength: 30 }),
        fc.string({ maxLength: 30 }),
        fc.string({ maxLength: 30 }),
        async (mode, token, challenge) => {
          fc.pre(token !== 'verify-token-fuzz-0001');
          const q = new URLSearchParams({ 'hub.mode': mode, 'hub.verify_token': token, 'hub.challenge': challenge });
          const res = await fetch(`${t.url}/webhooks/${whatsapp}?${q.toString()}`);
          expect(res.status).toBe(403);
          expect(await res.text()).not.toContain(challenge.length > 3 ? challenge : '\u0000');
        },
      ),
      { numRuns: 50 },
    );
    expect(rows()).toEqual(before);
  });

  it('no answer was ever 2xx or 5xx, and a correctly signed request is stored (the counting is real)', async () => {
    expect(statuses.length).toBeGreaterThan(300);
    expect(statuses.filter((s) => s < 400 || s >= 500)).toEqual([]);
    const before = rows();
    const raw = JSON.stringify({ id: 'p-control', type: 'message', from: '+15559999', text: 'signed control' });
    const res = await fetch(`${t.url}/webhooks/${gateway}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-test-signature': signTestBody(SIGNING, raw) },
      body: raw,
    });
    expect(res.status).toBe(200);
    await eventually(() => (rows().messages ?? 0) > (before.messages ?? 0), 10_000, 'the control message');
    expect(rows().inbound_events).toBe((before.inbound_events ?? 0) + 1);
  });
});
