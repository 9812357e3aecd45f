/**
 * The inbound pipeline over real HTTP with the kit's HMAC test connector: dedup by database constraint,
 * signatures checked before anything is stored, the documented status codes for unknown/stopped/oversized requests,
 * and statuses applied forward-only even when they arrive out of order.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signTestBody, testConnector } from '../channel-kit/test-connector.js';
import { eventually, startTestServer, type TestServer } from '../testing/test-server.js';
import { fakeProvider, type FakeProvider } from '../testing/fake-provider.js';

const SIGNING = 'signing-secret-for-tests';

describe('inbound webhook pipeline', () => {
  let t: TestServer;
  let provider: FakeProvider;
  let connectionId: string;
  const post = (body: unknown, headers: Record<string, string> = {}, id = connectionId) => {
    const raw = typeof body === 'string' ? body : JSON.stringify(body);
    return fetch(`${t.url}/webhooks/${id}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-test-signature': signTestBody(SIGNING, raw), ...headers },
      body: raw,
    });
  };
  const messagesOf = async (conversationId: string) =>
    (
      await t.api<{ data: Array<{ id: string; status: string; content: { text?: string } }> }>(
        'GET',
        `/api/v1/conversations/${conversationId}/messages`,
      )
    ).body.data;
  const stored = async () =>
    Number((await t.sb.store.countQueued()).inboundPending) +
    (await t.api<{ data: unknown[] }>('GET', '/api/v1/conversations?limit=200')).body.data.length;

  beforeAll(async () => {
    provider = await fakeProvider();
    t = await startTestServer({ extraConnectors: [testConnector], env: { SWITCHBOARD_BODY_LIMIT: '4096' } });
    const created = await t.api<{ id: string }>('POST', '/api/v1/connections', {
      type: 'x-test',
      name: 'gateway',
      config: { signingSecret: SIGNING, apiToken: 'api-token-for-tests', apiBaseUrl: provider.url },
    });
    connectionId = created.body.id;
    await t.api('POST', `/api/v1/connections/${connectionId}/start`);
  });
  afterAll(async () => {
    await t.close();
    await provider.close();
  });

  it('stores the same webhook delivered three times as one message', async () => {
    const update = {
      id: 'p-100',
      type: 'message',
      from: '+15550001',
      name: 'Ana',
      text: 'hello once',
      at: '2024-05-01T10:00:00.000Z',
    };
    const answers = await Promise.all([post(update), post(update), post(update)]);
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200]);
    const conv = await eventually(async () =>
      (await t.api<{ data: Array<{ id: string; address: string }> }>('GET', '/api/v1/conversations')).body.data.find(
        (c) => c.address === '+15550001',
      ),
    );
    await new Promise((r) => setTimeout(r, 200));
    const messages = await messagesOf(conv.id);
    expect(messages.filter((m) => m.content.text === 'hello once')).toHaveLength(1);
    const contact = await t.api<{ name: string; identities: Array<{ address: string }> }>(
      'GET',
      `/api/v1/contacts/${(await t.api<{ contactId: string }>('GET', `/api/v1/conversations/${conv.id}`)).body.contactId}`,
    );
    expect(contact.body.name).toBe('Ana');
    expect(contact.body.identities.map((i) => i.address)).toEqual(['+15550001']);
  });

  it('drops a re-delivered event by its provider event key before storing it again', async () => {
    const update = { id: 'p-101', type: 'message', from: '+15550002', text: 'keyed' };
    await post(update, { 'x-test-delivery': 'd-1' });
    await post(update, { 'x-test-delivery': 'd-1' });
    const db = new Database(join(t.dataDir, 'switchboard.db'), { readonly: true });
    const row = db.prepare("select count(*) as n from inbound_events where event_key = 'd-1'").get() as { n: number };
    db.close();
    expect(row.n).toBe(1);
    await eventually(async () =>
      (await t.api<{ data: Array<{ address: string }> }>('GET', '/api/v1/conversations')).body.data.find(
        (c) => c.address === '+15550002',
      ),
    );
  });

  it('rejects a tampered, a missing and a wrong-secret signature with nothing stored and a log line', async () => {
    const before = await stored();
    const body = JSON.stringify({ id: 'p-evil', type: 'message', from: '+15559999', text: 'evil' });
    const tampered = await fetch(`${t.url}/webhooks/${connectionId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-test-signature': signTestBody(SIGNING, body) },
      body: body.replace('evil', 'evi1'),
    });
    const missing = await fetch(`${t.url}/webhooks/${connectionId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    const wrong = await fetch(`${t.url}/webhooks/${connectionId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-test-signature': signTestBody('another-secret', body) },
      body,
    });
    expect([tampered.status, missing.status, wrong.status]).toEqual([401, 401, 401]);
    expect(await tampered.json()).toEqual({ error: { code: 'UNAUTHORIZED', message: 'webhook verification failed' } });
    await new Promise((r) => setTimeout(r, 100));
    expect(await stored()).toBe(before);
    const logs = await t.api<{ data: Array<{ event: string }> }>('GET', `/api/v1/connections/${connectionId}/logs`);
    expect(logs.body.data.some((l) => l.event === 'webhook_rejected')).toBe(true);
  });

  it('answers 404 for an unknown connection and 413 for a body over the limit', async () => {
    expect((await post({ id: 'x', type: 'message', from: 'a', text: 'b' }, {}, 'conn_nope')).status).toBe(404);
    const big = await post({ id: 'big', type: 'message', from: '+1', text: 'x'.repeat(5000) });
    expect(big.status).toBe(413);
    expect(((await big.json()) as { error: { code: string } }).error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('answers 503 with Retry-After while the connection is stopped, and stores nothing', async () => {
    const other = await t.api<{ id: string }>('POST', '/api/v1/connections', {
      type: 'x-test',
      name: 'stopped one',
      config: { signingSecret: SIGNING, apiToken: 'api-token-for-tests' },
    });
    const before = await stored();
    const res = await post(
      { id: 'p-200', type: 'message', from: '+15550003', text: 'while stopped' },
      {},
      other.body.id,
    );
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('30');
    expect(await stored()).toBe(before);
  });

  it('acknowledges a verified update it does not model as ignored', async () => {
    const res = await post({ id: 'p-300', type: 'poll_answer' });
    expect(res.status).toBe(200);
  });

  it('applies statuses forward-only, including ones that arrive before the send receipt', async () => {
    provider.nextIds.push('prov-1');
    const sent = await t.api<{ id: string }>('POST', '/api/v1/messages', {
      connectionId,
      to: '+15550010',
      content: { type: 'text', text: 'order shipped' },
    });
    expect(sent.status).toBe(202);
    await eventually(
      async () => (await t.api<{ status: string }>('GET', `/api/v1/messages/${sent.body.id}`)).body.status === 'sent',
    );
    // read arrives first, then a late delivered: status must stay read
    await post({ id: 's-1', type: 'status', messageId: 'prov-1', status: 'read' });
    await eventually(
      async () => (await t.api<{ status: string }>('GET', `/api/v1/messages/${sent.body.id}`)).body.status === 'read',
    );
    await post({ id: 's-2', type: 'status', messageId: 'prov-1', status: 'delivered' });
    await new Promise((r) => setTimeout(r, 150));
    expect((await t.api<{ status: string }>('GET', `/api/v1/messages/${sent.body.id}`)).body.status).toBe('read');

    // a status for a provider id we have not recorded yet is applied once the receipt lands
    provider.delayMs = 300;
    provider.nextIds.push('prov-2');
    const second = await t.api<{ id: string }>('POST', '/api/v1/messages', {
      connectionId,
      to: '+15550011',
      content: { type: 'text', text: 'racing receipt' },
    });
    await eventually(() => provider.received.some((r) => r.text === 'racing receipt'));
    await post({ id: 's-3', type: 'status', messageId: 'prov-2', status: 'delivered' });
    provider.delayMs = 0;
    await eventually(
      async () =>
        (await t.api<{ status: string }>('GET', `/api/v1/messages/${second.body.id}`)).body.status === 'delivered',
      5000,
      'orphan status applied',
    );
  });
});
