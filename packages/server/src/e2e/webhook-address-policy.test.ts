/**
 * The address policy over the API: outgoing webhook subscriptions (and agents) to loopback, private and metadata
 * addresses, in every spelling. A counting server on 127.0.0.1 proves each refusal opened no connection; names
 * resolve through an injected resolver, never real DNS. Without the workspace's opt-in a literal private address
 * answers 400 at create and a name resolving to one is refused at delivery ("refused by the address policy" in the
 * delivery log, dead at once, not retried); with it, 127.0.0.1 is delivered to, and metadata addresses are still
 * refused both ways.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestServer, type TestServer } from '../testing/test-server.js';

interface Delivery {
  id: string;
  status: string;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  nextAttemptAt: string | null;
}
interface ApiError {
  error: { code: string; message: string; details?: { fields?: Array<{ field: string; message: string }> } };
}

/** the injected DNS: names of the test zone, nothing else resolves */
const ZONE: Record<string, string[]> = {
  'receiver.lan.test': ['127.0.0.1'],
  'metadata.lan.test': ['169.254.169.254'],
  'mixed.lan.test': ['93.184.216.34', '10.0.0.7'],
};
const resolve = (hostname: string): Promise<string[]> => {
  const addresses = ZONE[hostname.toLowerCase()];
  return addresses
    ? Promise.resolve(addresses)
    : Promise.reject(Object.assign(new Error(`${hostname} not in the test zone`), { code: 'ENOTFOUND' }));
};

describe('address policy for admin-configured URLs', () => {
  let t: TestServer;
  let receiver: Server;
  let port: number;
  let connections = 0;
  const requests: string[] = [];
  let conn: string;

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      requests.push(req.url ?? '');
      req.resume();
      req.on('end', () => res.writeHead(204).end());
    });
    receiver.on('connection', (_socket: Socket) => {
      connections++;
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    port = (receiver.address() as AddressInfo).port;
    t = await startTestServer({
      resolve,
      env: { SWITCHBOARD_WEBHOOK_RETRY_BASE_MS: '100', SWITCHBOARD_WEBHOOK_TIMEOUT_MS: '1000' },
    });
    conn = (await t.api<{ id: string }>('POST', '/api/v1/connections', { type: 'webchat', name: 'hooks' })).body.id;
    await t.api('POST', `/api/v1/connections/${conn}/start`);
  });
  afterAll(async () => {
    await t.close();
    receiver.closeAllConnections();
    await new Promise((r) => receiver.close(r));
  });

  const subscribe = (url: string) =>
    t.api<{ id: string } & ApiError>('POST', '/api/v1/webhook-subscriptions', {
      url,
      eventTypes: ['message.received'],
    });
  let said = 0;
  const visitorSays = async (text: string) => {
    const session = (await (await fetch(`${t.url}/webchat/${conn}/sessions`, { method: 'POST' })).json()) as {
      token: string;
    };
    const res = await fetch(`${t.url}/webchat/${conn}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${session.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ clientMessageId: `${text}-${said++}`, text }),
    });
    expect(res.status).toBe(200);
  };
  const deliveriesOf = async (sub: string) =>
    (await t.api<{ data: Delivery[] }>('GET', `/api/v1/webhook-subscriptions/${sub}/deliveries`)).body.data;

  it('answers 400 at create for loopback, private and metadata addresses in every spelling, opening no connection', async () => {
    const refused = [
      `http://2130706433:${port}/decimal`,
      `http://0x7f000001:${port}/hex`,
      `http://0x7f.1:${port}/short-hex`,
      `http://0177.0.0.1:${port}/octal`,
      `http://127.1:${port}/short`,
      `http://127.0.0.1:${port}/dotted`,
      `http://localhost:${port}/name`,
      `http://[::1]:${port}/v6`,
      `http://[::ffff:127.0.0.1]:${port}/mapped`,
      'http://10.1.2.3/lan',
      'http://192.168.0.10/lan',
      'http://169.254.169.254/latest/meta-data/',
      'http://[fd00:ec2::254]/latest/meta-data/',
      'http://100.100.100.200/latest/meta-data/',
      'http://0xa9fea9fe/latest/meta-data/',
      'http://[2002:a9fe:a9fe::]/',
    ];
    for (const url of refused) {
      const r = await subscribe(url);
      expect(r.status, url).toBe(400);
      expect(r.body.error.message, url).toMatch(/refused by the address policy/);
      expect(r.body.error.details?.fields?.[0]?.field, url).toBe('url');
    }
    for (const url of ['ftp://example.com/x', 'file:///etc/passwd', 'gopher://127.0.0.1:70/'])
      expect((await subscribe(url)).status, url).toBe(400);
    // the answer says why, and what would allow a private address
    const decimal = await subscribe(`http://2130706433:${port}/x`);
    expect(decimal.body.error.message).toContain('127.0.0.1');
    expect(decimal.body.error.message).toContain('allow private networks');
    expect((await subscribe('http://169.254.169.254/latest/meta-data/')).body.error.message).not.toContain(
      'allow private networks',
    );
    // an update is held to the same policy
    const ok = await subscribe('https://hooks.example.com/x');
    expect(ok.status).toBe(201);
    const patched = await t.api<ApiError>('PATCH', `/api/v1/webhook-subscriptions/${ok.body.id}`, {
      url: `http://2130706433:${port}/x`,
    });
    expect(patched.status).toBe(400);
    expect(patched.body.error.message).toMatch(/refused by the address policy/);
    expect((await t.api<{ url: string }>('GET', `/api/v1/webhook-subscriptions/${ok.body.id}`)).body.url).toBe(
      'https://hooks.example.com/x',
    );
    await t.api('DELETE', `/api/v1/webhook-subscriptions/${ok.body.id}`);
    // agents' URLs too
    const bot = await t.api<ApiError>('POST', '/api/v1/agents', {
      kind: 'webhook',
      name: 'LAN bot',
      config: { url: `http://2130706433:${port}/bot` },
    });
    expect(bot.status).toBe(400);
    expect(bot.body.error.details?.fields?.[0]?.field).toBe('url');
    const llm = await t.api<ApiError>('POST', '/api/v1/agents', {
      kind: 'llm',
      name: 'Metadata AI',
      config: { baseUrl: 'http://169.254.169.254/v1', model: 'm' },
    });
    expect(llm.status).toBe(400);
    const stt = await t.api<ApiError>('POST', '/api/v1/agents', {
      kind: 'flow',
      name: 'Flow',
      config: { speechToText: { baseUrl: `http://127.0.0.1:${port}/v1` } },
    });
    expect(stt.status).toBe(400);
    expect(stt.body.error.details?.fields?.[0]?.field).toBe('speechToText.baseUrl');
    // a connection's apiBaseUrl is the provider endpoint: private is allowed (a simulator), metadata never
    const telegram = (apiBaseUrl: string) =>
      t.api<ApiError>('POST', '/api/v1/connections', {
        type: 'telegram',
        name: 'tg',
        config: { botToken: '123456:ABCdef', apiBaseUrl },
      });
    const metadataApi = await telegram('http://0xa9fea9fe/bot');
    expect(metadataApi.status).toBe(400);
    expect(metadataApi.body.error.details?.fields?.[0]).toMatchObject({
      field: 'apiBaseUrl',
      message: expect.stringMatching(/^refused by the address policy: 169\.254\.169\.254 is a cloud metadata address/),
    });
    expect((await telegram(`http://127.0.0.1:${port}/bot`)).status).toBe(201);
    expect(connections).toBe(0);
  });

  let lanSub: string;
  it('refuses at delivery a name that resolves to a private address: dead at once, the policy in the log, no connection', async () => {
    const created = await subscribe(`http://receiver.lan.test:${port}/lan`);
    expect(created.status).toBe(201);
    lanSub = created.body.id;
    await visitorSays('hello lan');
    const d = await eventually(
      async () => (await deliveriesOf(lanSub)).find((x) => x.status === 'dead'),
      10_000,
      'the refused delivery',
    );
    expect(d.lastError).toMatch(
      /^refused by the address policy: receiver\.lan\.test \(127\.0\.0\.1\) is a loopback address/,
    );
    expect(d).toMatchObject({ attempts: 1, lastStatusCode: null, nextAttemptAt: null });
    // a mix of public and private answers is refused as a whole (the socket could be opened to either)
    const mixed = (await subscribe('http://mixed.lan.test/hook')).body.id;
    await visitorSays('hello mixed');
    const m = await eventually(
      async () => (await deliveriesOf(mixed)).find((x) => x.status === 'dead'),
      10_000,
      'the mixed delivery',
    );
    expect(m.lastError).toMatch(/^refused by the address policy: mixed\.lan\.test \(10\.0\.0\.7\)/);
    await t.api('DELETE', `/api/v1/webhook-subscriptions/${mixed}`);
    // not retried: still one attempt a while later
    await new Promise((r) => setTimeout(r, 400));
    expect((await deliveriesOf(lanSub))[0]?.attempts).toBe(1);
    expect(t.logs.some((l) => l.includes('refused by the address policy'))).toBe(true);
    expect(connections).toBe(0);
    expect(requests).toEqual([]);
  });

  it('lets owners and admins opt in to private networks; operators may only read the setting', async () => {
    expect((await t.api<{ allowPrivateNetwork: boolean }>('GET', '/api/v1/workspace')).body.allowPrivateNetwork).toBe(
      false,
    );
    const invited = await t.api('POST', '/api/v1/users', {
      email: 'op@example.com',
      name: 'Op',
      role: 'operator',
      password: 'operator password 1',
    });
    expect(invited.status).toBe(201);
    const login = await t.api<{ token: string }>('POST', '/api/v1/auth/login', {
      email: 'op@example.com',
      password: 'operator password 1',
    });
    const op = { authorization: `Bearer ${login.body.token}` };
    expect(
      (await t.api<{ allowPrivateNetwork: boolean }>('GET', '/api/v1/workspace', undefined, op)).body,
    ).toMatchObject({ allowPrivateNetwork: false });
    expect((await t.api('PATCH', '/api/v1/workspace', { allowPrivateNetwork: true }, op)).status).toBe(403);
    expect((await t.api('PATCH', '/api/v1/workspace', { allowPrivateNetwork: 'yes' })).status).toBe(400);
    const opted = await t.api<{ id: string; allowPrivateNetwork: boolean }>('PATCH', '/api/v1/workspace', {
      allowPrivateNetwork: true,
    });
    expect(opted.status).toBe(200);
    expect(opted.body.allowPrivateNetwork).toBe(true);
    expect(
      (await t.api<{ allowPrivateNetwork: boolean }>('GET', '/api/v1/workspace', undefined, op)).body
        .allowPrivateNetwork,
    ).toBe(true);
    expect(t.logs.some((l) => l.includes('private networks allowed'))).toBe(true);
  });

  it('with the opt-in delivers to 127.0.0.1 (by address and by name) and replays what was refused', async () => {
    const direct = await subscribe(`http://127.0.0.1:${port}/direct`);
    expect(direct.status).toBe(201);
    await visitorSays('hello again');
    await eventually(
      async () => (await deliveriesOf(direct.body.id)).find((x) => x.status === 'delivered'),
      10_000,
      'the delivery to 127.0.0.1',
    );
    // the name resolves (at connect time too) through the same resolver
    await eventually(
      async () => (await deliveriesOf(lanSub)).find((x) => x.status === 'delivered'),
      10_000,
      'the delivery by name',
    );
    const refused = (await deliveriesOf(lanSub)).find((x) => x.status === 'dead') as Delivery;
    expect((await t.api('POST', `/api/v1/webhook-deliveries/${refused.id}/replay`)).status).toBe(200);
    await eventually(
      async () => (await deliveriesOf(lanSub)).find((x) => x.id === refused.id && x.status === 'delivered'),
      10_000,
      'the replayed delivery',
    );
    expect(requests).toEqual(expect.arrayContaining(['/direct', '/lan']));
    expect(connections).toBeGreaterThan(0);
    await t.api('DELETE', `/api/v1/webhook-subscriptions/${direct.body.id}`);
    await t.api('DELETE', `/api/v1/webhook-subscriptions/${lanSub}`);
  });

  it('with the opt-in still refuses metadata addresses: 400 as written, dead at delivery by name', async () => {
    const before = connections;
    for (const url of [
      'http://169.254.169.254/latest/meta-data/',
      'http://[fd00:ec2::254]/',
      'http://100.100.100.200/',
      'http://2852039166/latest/meta-data/',
    ]) {
      const r = await subscribe(url);
      expect(r.status, url).toBe(400);
      expect(r.body.error.message, url).toMatch(/refused by the address policy/);
    }
    const byName = (await subscribe('http://metadata.lan.test/latest/meta-data/')).body.id;
    await visitorSays('hello metadata');
    const d = await eventually(
      async () => (await deliveriesOf(byName)).find((x) => x.status === 'dead'),
      10_000,
      'the metadata delivery',
    );
    expect(d.lastError).toMatch(
      /^refused by the address policy: metadata\.lan\.test \(169\.254\.169\.254\) is a cloud metadata address/,
    );
    expect(connections).toBe(before);
    await t.api('PATCH', '/api/v1/workspace', { allowPrivateNetwork: false });
  });
});
