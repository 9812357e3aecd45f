/**
 * The webhook listener that answers /webhooks/… before fastify's router: what it takes (GET/HEAD/POST on the two
 * documented paths), what it leaves to fastify (everything else: 404 as before), and the body limit on a streamed
 * body without a Content-Length — with nothing stored for what it refuses.
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signTestBody, testConnector } from '../../channel-kit/test-connector.js';
import { eventually, startTestServer, type TestServer } from '../../testing/test-server.js';
import { fakeProvider, type FakeProvider } from '../../testing/fake-provider.js';

const SIGNING = 'signing-secret-for-listener-tests';

/** a POST whose body is sent in chunks (Transfer-Encoding: chunked, no Content-Length) */
function postChunked(
  url: string,
  chunks: string[],
  headers: Record<string, string>,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    for (const c of chunks) req.write(c);
    req.end();
  });
}

describe('webhook listener', () => {
  let t: TestServer;
  let provider: FakeProvider;
  let connectionId: string;
  const pending = async () => Number((await t.sb.store.countQueued()).inboundPending);

  beforeAll(async () => {
    provider = await fakeProvider();
    t = await startTestServer({ extraConnectors: [testConnector], env: { SWITCHBOARD_BODY_LIMIT: '4096' } });
    const created = await t.api<{ id: string }>('POST', '/api/v1/connections', {
      type: 'x-test',
      name: 'listener',
      config: { signingSecret: SIGNING, apiToken: 'api-token-for-tests', apiBaseUrl: provider.url },
    });
    connectionId = created.body.id;
    await t.api('POST', `/api/v1/connections/${connectionId}/start`);
  });
  afterAll(async () => {
    await t.close();
    await provider.close();
  });

  it('stores a signed chunked POST and refuses a chunked body over the limit with 413, storing nothing', async () => {
    const raw = JSON.stringify({ id: 'l-1', type: 'message', from: '+15550101', name: 'Li', text: 'chunked hello' });
    const ok = await postChunked(`${t.url}/webhooks/${connectionId}?via=chunks`, [raw.slice(0, 10), raw.slice(10)], {
      'content-type': 'application/json',
      'x-test-signature': signTestBody(SIGNING, raw),
    });
    expect(ok.status).toBe(200);
    await eventually(async () => (await pending()) === 0);
    const conversations = await t.api<{ data: unknown[] }>('GET', '/api/v1/conversations');
    expect(conversations.body.data).toHaveLength(1);

    const big = JSON.stringify({ id: 'l-2', type: 'message', from: '+15550102', text: 'x'.repeat(6000) });
    const refused = await postChunked(`${t.url}/webhooks/${connectionId}`, [big.slice(0, 3000), big.slice(3000)], {
      'content-type': 'application/json',
      'x-test-signature': signTestBody(SIGNING, big),
    });
    expect(refused.status).toBe(413);
    expect(JSON.parse(refused.body).error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(await pending()).toBe(0);
    expect((await t.api<{ data: unknown[] }>('GET', '/api/v1/conversations')).body.data).toHaveLength(1);
  });

  it('leaves other paths and methods to the router (404), and answers an unknown connection 404 itself', async () => {
    for (const [method, path] of [
      ['POST', `/webhooks/${connectionId}/`],
      ['POST', `/webhooks/${connectionId}/a/b`],
      ['PUT', `/webhooks/${connectionId}`],
      ['GET', `/webhooks/${connectionId}/secret`],
      ['POST', '/webhooks/'],
    ] as const) {
      const res = await fetch(`${t.url}${path}`, { method, body: method === 'GET' ? undefined : '{}' });
      expect(res.status, `${method} ${path}`).toBe(404);
    }
    const unknown = await fetch(`${t.url}/webhooks/con_unknown`, { method: 'POST', body: '{}' });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
    const head = await fetch(`${t.url}/webhooks/con_unknown`, { method: 'HEAD' });
    expect(head.status).toBe(404);
    expect(await head.text()).toBe('');
    expect(await pending()).toBe(0);
  });
});
