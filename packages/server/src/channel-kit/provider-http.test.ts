import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChannelError } from './errors.js';
import { providerClient } from './provider-http.js';

const TOKEN = 'tok-1234567890-secret';
let server: Server;
let base: string;
const seen: Array<{ method: string; url: string; type: string | undefined; body: string }> = [];

async function bodyOf(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

beforeAll(async () => {
  server = createServer((req, res) => {
    void bodyOf(req).then((body) => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', type: req.headers['content-type'], body });
      if (req.url?.startsWith('/ok'))
        return res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      if (req.url?.startsWith('/empty')) return res.writeHead(204).end();
      if (req.url?.startsWith('/bytes'))
        return res.writeHead(200, { 'content-type': 'image/png; charset=binary' }).end(Buffer.from([1, 2, 3]));
      if (req.url?.startsWith('/limited'))
        return res
          .writeHead(429, { 'retry-after': '7', 'content-type': 'application/json' })
          .end(`{"error":"slow down ${TOKEN}"}`);
      if (req.url?.startsWith('/slow')) return setTimeout(() => res.writeHead(200).end('{}'), 2_000);
      res.writeHead(500).end('boom');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const client = (over: Partial<Parameters<typeof providerClient>[0]> = {}) =>
  providerClient({ provider: 'Acme', http: (url, init) => fetch(url, init), secrets: [TOKEN], ...over });

describe('providerClient', () => {
  it('sends JSON and form bodies with their content types and reads the answer once', async () => {
    const json = await client().call(`${base}/ok`, { json: { a: 1 } });
    expect(json).toMatchObject({ status: 200, ok: true, json: { ok: true } });
    await client().call(`${base}/ok`, { form: new URLSearchParams({ To: '+15550100', Body: 'hi' }) });
    await client().call(`${base}/ok`);
    expect(seen.slice(-3)).toEqual([
      { method: 'POST', url: '/ok', type: 'application/json', body: '{"a":1}' },
      { method: 'POST', url: '/ok', type: 'application/x-www-form-urlencoded', body: 'To=%2B15550100&Body=hi' },
      { method: 'GET', url: '/ok', type: undefined, body: '' },
    ]);
    expect((await client().call(`${base}/empty`)).json).toBeUndefined();
  });

  it('maps a non-2xx answer with the connector mapping, Retry-After parsed and secrets scrubbed', async () => {
    const generic = await client()
      .call(`${base}/limited`, { what: 'send' })
      .catch((e: unknown) => e);
    expect(generic).toMatchObject({
      code: 'RATE_LIMITED',
      retryAfterMs: 7000,
      message: 'Acme answered HTTP 429 to send',
    });
    const own = await client({
      mapError: (res) => new ChannelError('REJECTED', res.text, { providerCode: res.status }),
    })
      .call(`${base}/limited`)
      .catch((e: unknown) => e);
    expect(own).toMatchObject({ code: 'REJECTED', providerCode: '429', message: '{"error":"slow down ********"}' });
    expect(
      await client()
        .call(`${base}/fail`)
        .catch((e: unknown) => (e as ChannelError).code),
    ).toBe('UNAVAILABLE');
  });

  it('describes transport failures by their code only, never the URL with its token', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const e = await client()
      .call(`http://127.0.0.1:${port}/bot${TOKEN}/getMe`, { what: 'getMe' })
      .catch((err: unknown) => err as ChannelError);
    expect(e).toMatchObject({
      code: 'UNAVAILABLE',
      retryable: true,
      message: 'Acme unreachable (ECONNREFUSED) during getMe',
    });
  });

  it('bounds one call with its own timeout, and passes the hub’s own refusals through untouched', async () => {
    const started = Date.now();
    const slow = await client()
      .call(`${base}/slow`, { timeoutMs: 100, what: 'poll' })
      .catch((e: unknown) => e);
    expect(slow).toMatchObject({ code: 'UNAVAILABLE', message: 'Acme timed out during poll' });
    expect(Date.now() - started).toBeLessThan(1_500);
    const refusal = new ChannelError('REJECTED', 'refused by the address policy');
    let asked = false;
    const guarded = providerClient({
      provider: 'Acme',
      http: () => {
        asked = true;
        return Promise.reject(refusal);
      },
    });
    expect(await guarded.call('http://10.0.0.1/x').catch((e: unknown) => e)).toBe(refusal);
    expect(asked).toBe(true);
  });

  it('downloads bytes with the content type', async () => {
    const file = await client().download(`${base}/bytes`);
    expect([...file.bytes]).toEqual([1, 2, 3]);
    expect(file.contentType).toBe('image/png');
    expect(
      await client()
        .download(`${base}/limited`)
        .catch((e: unknown) => (e as ChannelError).code),
    ).toBe('RATE_LIMITED');
  });
});
