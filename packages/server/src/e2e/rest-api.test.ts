/**
 * The public REST surface: bearer auth, the error shape, validation listing bad fields, pagination, workspace
 * isolation (another workspace's ids answer 404), connection CRUD with the deprecated flag, the OpenAPI 3.1
 * document, /healthz and /metrics.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConnector } from '../channel-kit/test-connector.js';
import { addWorkspace, startTestServer, type TestServer } from '../testing/test-server.js';

describe('REST API', () => {
  let t: TestServer;
  const OTHER = 'sb_other_workspace_token_0123456789';
  beforeAll(async () => {
    t = await startTestServer({ extraConnectors: [testConnector] });
    await addWorkspace(t, OTHER, 'o@x');
  });
  afterAll(() => t.close());

  it('requires a valid bearer token', async () => {
    expect((await t.api('GET', '/api/v1/connections', undefined, { authorization: '' })).status).toBe(401);
    const bad = await t.api<{ error: { code: string } }>('GET', '/api/v1/connections', undefined, {
      authorization: 'Bearer nope',
    });
    expect(bad.status).toBe(401);
    expect(bad.body.error.code).toBe('UNAUTHORIZED');
  });

  it('validates a connection config with the connector schema and lists the bad fields', async () => {
    const res = await t.api<{
      error: { code: string; message: string; details: { fields: Array<{ field: string }> } };
    }>('POST', '/api/v1/connections', {
      type: 'x-test',
      name: 'bad',
      config: { signingSecret: 'short', apiBaseUrl: 'not a url' },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION');
    expect(res.body.error.details.fields.map((f) => f.field).sort()).toEqual([
      'apiBaseUrl',
      'apiToken',
      'signingSecret',
    ]);
    const unknown = await t.api<{ error: { message: string } }>('POST', '/api/v1/connections', {
      type: 'carrier-pigeon',
      name: 'x',
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toMatch(/unknown connection type/);
    const missing = await t.api<{ error: { code: string } }>('POST', '/api/v1/connections', { type: 'webchat' });
    expect(missing.status).toBe(400);
  });

  it('answers malformed JSON with 400 and a reason', async () => {
    const res = await t.api<{ error: { code: string; message: string } }>(
      'POST',
      '/api/v1/connections',
      '{"type": "webchat",',
      { 'content-type': 'application/json' },
    );
    expect(res.status).toBe(400);
    expect(res.body.error.message.length).toBeGreaterThan(0);
  });

  it('creates, reads, updates, deprecates and deletes connections, paginated', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++)
      ids.push(
        (await t.api<{ id: string }>('POST', '/api/v1/connections', { type: 'webchat', name: `chat ${i}` })).body.id,
      );
    const first = await t.api<{ data: Array<{ id: string }>; nextCursor: string }>(
      'GET',
      '/api/v1/connections?limit=2',
    );
    expect(first.body.data).toHaveLength(2);
    const second = await t.api<{ data: Array<{ id: string }>; nextCursor: string | null }>(
      'GET',
      `/api/v1/connections?limit=2&cursor=${first.body.nextCursor}`,
    );
    expect([...first.body.data, ...second.body.data].map((c) => c.id)).toEqual(expect.arrayContaining(ids));
    const patched = await t.api<{
      name: string;
      deprecated: boolean;
      config: { title: string; sessionSecret: string };
    }>('PATCH', `/api/v1/connections/${ids[0]}`, { name: 'renamed', deprecated: true, config: { title: 'Hello' } });
    expect(patched.body).toMatchObject({
      name: 'renamed',
      deprecated: true,
      config: { title: 'Hello', sessionSecret: '********' },
    });
    expect((await t.api('DELETE', `/api/v1/connections/${ids[2]}`)).status).toBe(204);
    expect((await t.api('GET', `/api/v1/connections/${ids[2]}`)).status).toBe(404);
    expect(
      (await t.api<{ data: Array<{ event: string }> }>('GET', `/api/v1/connections/${ids[0]}/logs`)).body.data.map(
        (l) => l.event,
      ),
    ).toEqual(['config_updated', 'created']);
    const types = await t.api<{ data: Array<{ type: string; configSchema: { properties: Record<string, unknown> } }> }>(
      'GET',
      '/api/v1/connection-types',
    );
    expect(types.body.data.find((c) => c.type === 'webchat')?.configSchema.properties).toHaveProperty('sessionSecret');
    // the web chat generates its session secret; Telegram and WhatsApp need the provider's tokens
    const needs = Object.fromEntries(
      (types.body.data as Array<{ type: string; needsCredentials?: boolean }>).map((c) => [c.type, c.needsCredentials]),
    );
    expect(needs).toMatchObject({ webchat: false, telegram: true, whatsapp: true });
  });

  it('answers 404 for every id of another workspace', async () => {
    const conn = (await t.api<{ id: string }>('POST', '/api/v1/connections', { type: 'webchat', name: 'mine' })).body
      .id;
    await t.api('POST', `/api/v1/connections/${conn}/start`);
    const session = (await (await fetch(`${t.url}/webchat/${conn}/sessions`, { method: 'POST' })).json()) as {
      token: string;
    };
    await fetch(`${t.url}/webchat/${conn}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${session.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ clientMessageId: '1', text: 'hi' }),
    });
    await new Promise((r) => setTimeout(r, 200));
    const conv = (
      await t.api<{ data: Array<{ id: string; contactId: string }> }>(
        'GET',
        `/api/v1/conversations?connectionId=${conn}`,
      )
    ).body.data[0];
    const msg = (await t.api<{ data: Array<{ id: string }> }>('GET', `/api/v1/conversations/${conv?.id}/messages`)).body
      .data[0];
    const other = { authorization: `Bearer ${OTHER}` };
    const probes: Array<[string, string, unknown?]> = [
      ['GET', `/api/v1/connections/${conn}`],
      ['PATCH', `/api/v1/connections/${conn}`, { name: 'x' }],
      ['DELETE', `/api/v1/connections/${conn}`],
      ['POST', `/api/v1/connections/${conn}/start`],
      ['POST', `/api/v1/connections/${conn}/stop`],
      ['GET', `/api/v1/connections/${conn}/logs`],
      ['GET', `/api/v1/contacts/${conv?.contactId}`],
      ['GET', `/api/v1/conversations/${conv?.id}`],
      ['PATCH', `/api/v1/conversations/${conv?.id}`, { status: 'resolved' }],
      ['GET', `/api/v1/conversations/${conv?.id}/messages`],
      ['POST', `/api/v1/conversations/${conv?.id}/messages`, { content: { type: 'text', text: 'x' } }],
      ['POST', `/api/v1/conversations/${conv?.id}/typing`],
      ['GET', `/api/v1/messages/${msg?.id}`],
      ['POST', '/api/v1/messages', { connectionId: conn, to: 'x', content: { type: 'text', text: 'x' } }],
    ];
    for (const [method, path, body] of probes) {
      const res = await t.api(method, path, body, other);
      expect(`${method} ${path} → ${res.status}`).toBe(`${method} ${path} → 404`);
    }
    expect((await t.api<{ data: unknown[] }>('GET', '/api/v1/conversations', undefined, other)).body.data).toEqual([]);
    expect((await t.api<{ data: unknown[] }>('GET', '/api/v1/contacts', undefined, other)).body.data).toEqual([]);
    // and the owner still has everything
    expect((await t.api('GET', `/api/v1/conversations/${conv?.id}`)).status).toBe(200);
  });

  it('resolves and reopens a conversation; a new message after resolving opens a new one', async () => {
    const conn = (await t.api<{ id: string }>('POST', '/api/v1/connections', { type: 'webchat', name: 'resolve' })).body
      .id;
    await t.api('POST', `/api/v1/connections/${conn}/start`);
    const session = (await (await fetch(`${t.url}/webchat/${conn}/sessions`, { method: 'POST' })).json()) as {
      token: string;
    };
    const say = (id: string) =>
      fetch(`${t.url}/webchat/${conn}/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${session.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ clientMessageId: id, text: id }),
      });
    await say('one');
    await new Promise((r) => setTimeout(r, 150));
    const conv = (await t.api<{ data: Array<{ id: string }> }>('GET', `/api/v1/conversations?connectionId=${conn}`))
      .body.data[0]?.id;
    expect(
      (await t.api<{ status: string }>('PATCH', `/api/v1/conversations/${conv}`, { status: 'resolved' })).body.status,
    ).toBe('resolved');
    expect(
      (await t.api<{ data: unknown[] }>('GET', `/api/v1/conversations?connectionId=${conn}&status=open`)).body.data,
    ).toEqual([]);
    // an assignee must be a user of the workspace
    expect((await t.api('PATCH', `/api/v1/conversations/${conv}`, { assigneeId: 'usr_x' })).status).toBe(400);
    const me = (await t.api<{ id: string }>('GET', '/api/v1/me')).body.id;
    expect(
      (
        await t.api<{ status: string }>('PATCH', `/api/v1/conversations/${conv}`, {
          status: 'open',
          assigneeId: me,
          markRead: true,
        })
      ).body,
    ).toMatchObject({ status: 'open', assigneeId: me, unreadCount: 0 });
    await t.api('PATCH', `/api/v1/conversations/${conv}`, { status: 'resolved' });
    await say('two');
    await new Promise((r) => setTimeout(r, 150));
    const all = (
      await t.api<{ data: Array<{ id: string; status: string }> }>('GET', `/api/v1/conversations?connectionId=${conn}`)
    ).body.data;
    expect(all.map((c) => c.status).sort()).toEqual(['open', 'resolved']);
    // reopening the old one while the new one is open is a conflict
    expect((await t.api('PATCH', `/api/v1/conversations/${conv}`, { status: 'open' })).status).toBe(409);
  });

  it('publishes an OpenAPI 3.1 document of the API', async () => {
    const doc = await t.api<{
      openapi: string;
      paths: Record<string, Record<string, unknown>>;
      components: { schemas: Record<string, unknown> };
    }>('GET', '/api/v1/openapi.json', undefined, { authorization: '' });
    expect(doc.body.openapi).toBe('3.1.0');
    for (const p of [
      '/api/v1/connections',
      '/api/v1/connections/{id}',
      '/api/v1/connections/{id}/start',
      '/api/v1/connections/{id}/stop',
      '/api/v1/connections/{id}/logs',
      '/api/v1/contacts',
      '/api/v1/contacts/{id}',
      '/api/v1/conversations',
      '/api/v1/conversations/{id}',
      '/api/v1/conversations/{id}/messages',
      '/api/v1/messages',
      '/api/v1/events',
      '/healthz',
      '/metrics',
    ]) {
      expect(doc.body.paths, p).toHaveProperty([p]);
    }
    expect(Object.keys(doc.body.paths['/api/v1/connections'] ?? {})).toEqual(expect.arrayContaining(['get', 'post']));
    expect(JSON.stringify(doc.body.paths['/api/v1/connections']?.post)).toContain('"type"');
  });

  it('reports health and Prometheus metrics', async () => {
    expect((await t.api<{ status: string }>('GET', '/healthz')).body).toEqual({ status: 'ok', store: true, bus: true });
    const metrics = await t.api<string>('GET', '/metrics');
    expect(metrics.body).toContain('switchboard_webhooks_received_total');
    expect(metrics.body).toContain('switchboard_queue_depth{queue="outbound_queued"}');
    expect(metrics.body).toContain('switchboard_messages_total{direction="inbound",status="received"}');
  });
});
