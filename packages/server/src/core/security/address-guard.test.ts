/**
 * The SSRF guard around connectors' HTTP: literal IPv4/IPv6 addresses and names resolving to non-public addresses
 * are refused (REJECTED) before any connection is made, the connection's apiBaseUrl origin stays reachable, and
 * redirects are re-checked hop by hop. Real traffic only on 127.0.0.1; "public" hosts use an injected resolver and
 * an injected inner client, so nothing leaves the machine.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isChannelError, type HttpClient } from '../../channel-kit/index.js';
import { testConnector } from '../../channel-kit/test-connector.js';
import { startTestServer } from '../../testing/test-server.js';
import { blockedAddressReason, classifyAddress, guardHttpClient, isBlockedAddress } from './address-guard.js';

const refusal = async (p: Promise<unknown>): Promise<string> => {
  try {
    await p;
  } catch (error) {
    if (isChannelError(error)) return error.code;
    throw error;
  }
  return 'ALLOWED';
};

/** an inner client that must never be called */
const unreachable: HttpClient = (url) => Promise.reject(new Error(`the guard let ${url} through`));

describe('address classification', () => {
  it.each([
    '127.0.0.1',
    '127.255.255.254',
    '10.0.0.1',
    '10.255.255.255',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '0.0.0.0',
    '0.1.2.3',
    '100.64.0.1',
    '100.100.100.200',
    '224.0.0.1',
    '255.255.255.255',
    '::1',
    '::',
    '0:0:0:0:0:0:0:1',
    'fe80::1',
    'febf::1',
    'fe80::1%eth0',
    'fc00::1',
    'fd12:3456:789a::1',
    'ff02::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:10.1.2.3',
    '::ffff:169.254.169.254',
    '::ffff:a9fe:a9fe',
    '::127.0.0.1',
    '0:0:0:0:0:ffff:c0a8:0101',
    '64:ff9b::7f00:1',
    '64:ff9b::10.0.0.1',
    '::ffff:0:127.0.0.1',
  ])('%s is not public', (ip) => {
    expect(isBlockedAddress(ip)).toBe(true);
  });

  it.each([
    '8.8.8.8',
    '93.184.216.34',
    '172.15.255.255',
    '172.32.0.1',
    '192.167.1.1',
    '169.253.1.1',
    '100.63.255.255',
    '100.128.0.1',
    '11.0.0.1',
    '2606:4700:4700::1111',
    '2a03:2880:f10c:83:face:b00c:0:25de',
    '::ffff:8.8.8.8',
    '64:ff9b::808:808',
    '2001:4860::1',
  ])('%s is public', (ip) => {
    expect(blockedAddressReason(ip)).toBeUndefined();
  });

  it.each([
    ['fd00:ec2::254', 'never'],
    ['100.100.100.200', 'never'],
    ['192.0.0.192', 'never'],
    ['fd20:ce::254', 'never'],
    ['2002:a9fe:a9fe::', 'never'],
    ['2002:7f00:1::', 'private'],
    ['::ffff:169.254.169.254', 'never'],
    ['::ffff:127.0.0.1', 'private'],
    ['64:ff9b::a9fe:a9fe', 'never'],
    ['64:ff9b:1::1', 'never'],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'never'],
    ['2130706433', 'private'],
    ['0x7f000001', 'private'],
    ['0177.0.0.1', 'private'],
    ['127.1', 'private'],
    ['0x7f.1', 'private'],
    ['2852039166', 'never'],
    ['0xa9fea9fe', 'never'],
    ['0251.0376.0251.0376', 'never'],
    ['169.254.1.1', 'never'],
    ['fe80::1', 'never'],
    ['[fe80::1%25eth0]', 'never'],
    ['0.0.0.0', 'never'],
    ['::', 'never'],
    ['10.0.0.1', 'private'],
    ['fd12::1', 'private'],
    ['8.8.8.8', 'public'],
    ['2606:4700:4700::1111', 'public'],
    ['not-an-ip', 'never'],
  ])('%s is %s', (address, expected) => {
    expect(classifyAddress(address).class).toBe(expected);
  });
});

describe('guardHttpClient', () => {
  let server: Server;
  let origin: string;
  let other: string;
  const hits: string[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      hits.push(`${req.headers.host ?? ''}${req.url ?? ''} ${req.headers.authorization ?? '-'}`);
      const m = /^\/redirect\?to=(.*)$/.exec(req.url ?? '');
      if (m) {
        res.writeHead(302, { location: decodeURIComponent(m[1] as string) });
        return res.end();
      }
      const loop = /^\/loop\/(\d+)$/.exec(req.url ?? '');
      if (loop && Number(loop[1]) < 6) {
        res.writeHead(307, { location: `/loop/${Number(loop[1]) + 1}` });
        return res.end();
      }
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(`ok ${req.url ?? ''}`);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    origin = `http://127.0.0.1:${port}`;
    other = `http://localhost:${port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('refuses IPv4 and IPv6 literals of non-public addresses without connecting', async () => {
    const http = guardHttpClient(unreachable, { apiBaseUrl: 'https://graph.facebook.com' });
    for (const url of [
      'http://127.0.0.1/',
      'http://127.1/',
      'http://2130706433/',
      'http://0x7f000001/',
      'http://10.0.0.8:8080/x',
      'http://172.20.1.1/',
      'http://192.168.0.1/',
      'http://169.254.169.254/latest/meta-data/',
      'http://0.0.0.0:22/',
      'http://[::1]/',
      'http://[::]/',
      'http://[fe80::1]/',
      'http://[fd00::1]/',
      'http://[::ffff:127.0.0.1]/',
      'http://[::ffff:a9fe:a9fe]/',
      'https://[fc00::5]:8443/',
    ]) {
      expect(await refusal(http(url)), url).toBe('REJECTED');
    }
  });

  it('refuses a host name that resolves to loopback (localhost, via the system resolver)', async () => {
    const http = guardHttpClient(unreachable);
    expect(await refusal(http('http://localhost:9/media'))).toBe('REJECTED');
  });

  it('refuses a host name when any of its addresses is private', async () => {
    const resolve = (host: string) =>
      Promise.resolve(host === 'mixed.example' ? ['93.184.216.34', '10.0.0.1'] : ['93.184.216.34']);
    const http = guardHttpClient(unreachable, { resolve });
    expect(await refusal(http('https://mixed.example/file'))).toBe('REJECTED');
    expect(
      await refusal(
        guardHttpClient(unreachable, { resolve: () => Promise.resolve(['::ffff:192.168.1.1']) })(
          'https://cdn.example/',
        ),
      ),
    ).toBe('REJECTED');
    expect(
      await refusal(
        guardHttpClient(unreachable, { resolve: () => Promise.reject(new Error('ENOTFOUND')) })(
          'https://nowhere.example/',
        ),
      ),
    ).toBe('UNAVAILABLE');
  });

  it('refuses schemes other than http and https', async () => {
    const http = guardHttpClient(unreachable);
    for (const url of ['file:///etc/passwd', 'data:text/plain,hi', 'ftp://93.184.216.34/x', 'not a url'])
      expect(await refusal(http(url)), url).toBe('REJECTED');
  });

  it('lets the origin of the connection apiBaseUrl through, even on 127.0.0.1', async () => {
    const http = guardHttpClient(fetch, { apiBaseUrl: `${origin}/v21.0` });
    const res = await http(`${origin}/media/1`);
    expect(await res.text()).toBe('ok /media/1');
    // the same host on another port, or another name for it, is another origin
    expect(await refusal(http(`${origin.replace(/:\d+$/, ':9')}/x`))).toBe('REJECTED');
    expect(await refusal(http(`${other}/x`))).toBe('REJECTED');
  });

  it('never lets a configured origin reach link-local addresses (cloud metadata)', async () => {
    for (const base of ['http://169.254.169.254', 'http://[fe80::1]:8080', 'http://metadata.internal']) {
      const http = guardHttpClient(unreachable, { apiBaseUrl: base, resolve: async () => ['169.254.169.254'] });
      expect(await refusal(http(`${base}/latest/meta-data/iam/security-credentials/`)), base).toBe('REJECTED');
    }
    // a configured private origin stays reachable
    const lan = guardHttpClient(async () => new Response('ok'), {
      apiBaseUrl: 'http://10.1.2.3:8080',
      resolve: async () => ['10.1.2.3'],
    });
    expect(await (await lan('http://10.1.2.3:8080/v1/models')).text()).toBe('ok');
  });

  it('follows redirects within the allowed origin, at most 5', async () => {
    const http = guardHttpClient(fetch, { apiBaseUrl: origin });
    expect(await (await http(`${origin}/redirect?to=${encodeURIComponent('/final')}`)).text()).toBe('ok /final');
    // /loop/1 → /loop/2 … → /loop/6: five redirects
    expect(await (await http(`${origin}/loop/1`)).text()).toBe('ok /loop/6');
  });

  it('refuses a redirect from the allowed origin to a private or loopback address', async () => {
    const http = guardHttpClient(fetch, { apiBaseUrl: origin });
    hits.length = 0;
    for (const target of [
      'http://169.254.169.254/latest/meta-data/',
      'http://10.0.0.1/',
      'http://[::1]:9/',
      `${other}/secret`,
      'http://localhost:9/',
    ]) {
      expect(
        await refusal(
          http(`${origin}/redirect?to=${encodeURIComponent(target)}`, {
            headers: { authorization: 'Bearer provider-token' },
          }),
        ),
        target,
      ).toBe('REJECTED');
    }
    // only the allowed origin was ever contacted
    expect(hits.every((h) => h.startsWith(origin.slice('http://'.length)))).toBe(true);
    expect(hits.some((h) => h.includes('/secret'))).toBe(false);
  });

  it('refuses a redirect chain longer than 5 hops', async () => {
    const http = guardHttpClient(fetch, { apiBaseUrl: origin });
    expect(await refusal(http(`${origin}/loop/0`))).toBe('REJECTED');
    const short = guardHttpClient(fetch, { apiBaseUrl: origin, maxRedirects: 10 });
    expect(await (await short(`${origin}/loop/0`)).text()).toBe('ok /loop/6');
  });

  it('re-checks a redirect to a public host and drops the credentials there; 303 continues as GET', async () => {
    const seen: Array<{ url: string; method: string; authorization: string | null; body: unknown }> = [];
    const inner: HttpClient = (url, init = {}) => {
      const headers = new Headers(init.headers);
      seen.push({
        url,
        method: init.method ?? 'GET',
        authorization: headers.get('authorization'),
        body: init.body ?? null,
      });
      expect(init.redirect).toBe('manual');
      if (url.startsWith('https://api.example/'))
        return Promise.resolve(
          new Response(null, { status: 303, headers: { location: 'https://cdn.example/file?sig=1' } }),
        );
      return Promise.resolve(new Response('bytes', { status: 200 }));
    };
    const resolve = () => Promise.resolve(['93.184.216.34', '2606:2800:220:1::1']);
    const http = guardHttpClient(inner, { apiBaseUrl: 'https://api.example', resolve });
    const res = await http('https://api.example/upload', {
      method: 'POST',
      body: 'data',
      headers: { authorization: 'Bearer t', 'content-type': 'text/plain' },
    });
    expect(await res.text()).toBe('bytes');
    expect(seen).toEqual([
      { url: 'https://api.example/upload', method: 'POST', authorization: 'Bearer t', body: 'data' },
      { url: 'https://cdn.example/file?sig=1', method: 'GET', authorization: null, body: null },
    ]);
  });

  it('answers a redirect as is when the caller asked for manual redirects', async () => {
    const http = guardHttpClient(fetch, { apiBaseUrl: origin });
    const res = await http(`${origin}/redirect?to=${encodeURIComponent('http://10.0.0.1/')}`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(await refusal(http(`${origin}/redirect?to=%2Ffinal`, { redirect: 'error' }))).toBe('REJECTED');
  });
});

describe('ConnectionService.context() hands connectors the guarded client', () => {
  it('refuses private addresses but reaches the connection apiBaseUrl on 127.0.0.1', async () => {
    const provider = createServer((_req, res) => res.end('provider'));
    await new Promise<void>((r) => provider.listen(0, '127.0.0.1', r));
    const apiBaseUrl = `http://127.0.0.1:${(provider.address() as AddressInfo).port}`;
    const t = await startTestServer({ extraConnectors: [testConnector] });
    try {
      const created = await t.api<{ id: string }>('POST', '/api/v1/connections', {
        type: 'x-test',
        name: 'guarded',
        config: { signingSecret: 'guard-signing-secret', apiToken: 'guard-api-token', apiBaseUrl },
      });
      const live = await t.sb.hub.connections.live(created.body.id);
      if (!live) throw new Error('connection not found');
      const ctx = t.sb.hub.connections.context(live, new AbortController().signal);
      expect(await (await ctx.http(`${apiBaseUrl}/media/1`)).text()).toBe('provider');
      for (const url of [
        'http://169.254.169.254/latest/meta-data/',
        'http://10.1.2.3/file',
        'http://[::1]:9/',
        'http://localhost:9/',
      ])
        expect(await refusal(ctx.http(url)), url).toBe('REJECTED');
    } finally {
      await t.close();
      await new Promise<void>((r) => provider.close(() => r()));
    }
  });
});
