// The Vonage simulator against independent references: the legacy `sig` against the signing guide's test vector (https://developer.vonage.com/en/getting-started/concepts/signing-messages),
// webhook JWTs checked with node's own HMAC (not jose, which signs them), our application JWT rejected when it is
// signed by another key, and legacy errors answered inside HTTP 200.
import { createHash, createHmac, generateKeyPairSync } from 'node:crypto';
import { SignJWT, importPKCS8 } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebhookReceiver, type WebhookReceiver } from '../testing/webhook-receiver.js';
import { legacySig } from './signing.js';
import { startVonageSimulator, type VonageSimulator } from './simulator.js';

const VECTOR = {
  msisdn: '447700900001',
  to: '447700900000',
  messageId: '0A0000000123ABCD1',
  text: 'Hello world',
  type: 'text',
  keyword: 'HELLO',
  'message-timestamp': '2020-01-01 12:00:00',
  timestamp: '1577880000',
  nonce: 'aaaaaaaa-bbbb-cccc-dddd-0123456789ab',
  'api-key': 'abcd1234',
};

describe('vonage simulator', () => {
  let sim: VonageSimulator;
  let rx: WebhookReceiver;
  beforeAll(async () => {
    rx = await startWebhookReceiver();
    sim = await startVonageSimulator({ receipts: { submittedAfterMs: 600_000, deliveredAfterMs: 600_000 } });
    sim.configure({ inboundUrl: `${rx.url}/in`, statusUrl: `${rx.url}/status`, moUrl: `${rx.url}/mo` });
  });
  afterAll(async () => {
    await sim.close();
    await rx.close();
  });

  it('signs legacy webhooks as the documented test vector says', () => {
    expect(legacySig(VECTOR, 'sigsecret', 'md5hash')).toBe('57beb6e028f6e337b99c7d4a85c92b1f');
    expect(legacySig(VECTOR, 'sigsecret', 'sha256hmac')).toBe(
      '8904c9a9bed67122276acd862911139e69b0318c4da782e5b5f9bd6d76da8071',
    );
  });

  it('signs Messages webhooks HS256 with payload_hash of the exact body', async () => {
    await sim.inboundMessage({ from: '447700900001', text: 'hi' });
    const [req] = await rx.waitFor(1);
    const token = String(req?.headers.authorization).replace(/^Bearer /, '');
    const [h, p, s] = token.split('.') as [string, string, string];
    expect(createHmac('sha256', sim.account.signatureSecret).update(`${h}.${p}`).digest('base64url')).toBe(s);
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
    expect(claims.payload_hash).toBe(
      createHash('sha256')
        .update(req?.body ?? Buffer.alloc(0))
        .digest('hex'),
    );
    expect(claims).toMatchObject({ api_key: sim.account.apiKey, application_id: sim.application.id });
  });

  it('accepts an application JWT of the application key only', async () => {
    const send = async (key: string) => {
      const token = await new SignJWT({ application_id: sim.application.id })
        .setProtectedHeader({ alg: 'RS256', typ: 'JWT' })
        .setIssuedAt()
        .setJti('j1')
        .sign(await importPKCS8(key, 'RS256'));
      return fetch(`${sim.url}/v1/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ message_type: 'text', channel: 'sms', to: '447700900001', from: 'X', text: 'hi' }),
      });
    };
    const ok = await send(sim.application.privateKey);
    expect(ok.status).toBe(202);
    expect(((await ok.json()) as { message_uuid: string }).message_uuid).toMatch(/^[0-9a-f-]{36}$/);
    const other = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    const bad = await send(other.privateKey);
    expect(bad.status).toBe(401);
    expect(((await bad.json()) as { title: string }).title).toBe('Unauthorized');
  });

  it('answers legacy errors with HTTP 200 and a per-message status; throttles at 30 requests/s per key', async () => {
    const post = (form: Record<string, string>) =>
      fetch(`${sim.url}/sms/json`, { method: 'POST', body: new URLSearchParams(form) }).then(async (r) => ({
        status: r.status,
        body: (await r.json()) as { messages: Array<{ status: string }> },
      }));
    const bad = await post({
      api_key: sim.account.apiKey,
      api_secret: 'wrong',
      from: 'X',
      to: '447700900001',
      text: 'x',
    });
    expect(bad.status).toBe(200);
    expect(bad.body.messages[0]?.status).toBe('4');
    const form = {
      api_key: sim.account.apiKey,
      api_secret: sim.account.apiSecret,
      from: 'X',
      to: '447700900001',
      text: 'x',
    };
    const answers = await Promise.all(Array.from({ length: 40 }, () => post(form)));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(answers.some((a) => a.body.messages[0]?.status === '1')).toBe(true);
  });

  it('delivers concatenated inbound parts in the order asked, sharing one concat-ref', async () => {
    const before = rx.requests.length;
    await sim.inboundSms({ from: '447700900009', text: 'aaaabbbbcccc', parts: 3, order: [2, 3, 1] });
    const reqs = (await rx.waitFor(before + 3))
      .slice(before)
      .map((r) => Object.fromEntries(new URLSearchParams(r.body.toString())));
    expect(reqs.map((r) => r['concat-part'])).toEqual(['2', '3', '1']);
    expect(new Set(reqs.map((r) => r['concat-ref'])).size).toBe(1);
    for (const r of reqs) expect(legacySig(r, sim.account.signatureSecret, 'md5hash')).toBe(r.sig);
  });
});
