/**
 * Free-form JSON in requests (message metadata, contact attributes, connection and agent config) is bounded in depth
 * and size at validation: a body nested 5,000 levels deep parses (JSON.parse copes), but answers 400 with the reason on
 * every endpoint that takes such JSON, and nothing is stored; ordinary nested metadata is still accepted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/test-server.js';
import { JSON_MAX_DEPTH, jsonBoundsIssue } from '../api/schemas.js';

/** {"k":{"k":…{"k":1}…}} as text, `depth` objects deep (built as text: building it as a value and stringifying would itself overflow) */
const nestedText = (depth: number): string => `${'{"k":'.repeat(depth - 1)}{"k":1}${'}'.repeat(depth - 1)}`;
const DEEP = nestedText(5000);

describe('input bounds on free-form JSON', () => {
  let t: TestServer;
  let conn = '';
  let conversationId = '';
  let agentId = '';

  beforeAll(async () => {
    t = await startTestServer();
    conn = (await t.api<{ id: string }>('POST', '/api/v1/connections', { type: 'webchat', name: 'Bounds chat' })).body
      .id;
    await t.api('POST', `/api/v1/connections/${conn}/start`);
    const started = await t.api<{ conversationId: string }>('POST', '/api/v1/messages', {
      connectionId: conn,
      to: 'vis_bounds_1',
      content: { type: 'text', text: 'hello' },
    });
    expect(started.status).toBe(202);
    conversationId = started.body.conversationId;
    const agent = await t.api<{ id: string }>('POST', '/api/v1/agents', {
      kind: 'webhook',
      name: 'hook',
      config: { url: 'http://127.0.0.1:9/agent' },
    });
    agentId = agent.body.id;
  });
  afterAll(() => t.close());

  const counts = async () => ({
    conversations: (await t.api<{ data: unknown[] }>('GET', '/api/v1/conversations?limit=200')).body.data.length,
    messages: (await t.api<{ data: unknown[] }>('GET', `/api/v1/conversations/${conversationId}/messages?limit=200`))
      .body.data.length,
    connections: (await t.api<{ data: unknown[] }>('GET', '/api/v1/connections?limit=200')).body.data.length,
    agents: (await t.api<{ data: unknown[] }>('GET', '/api/v1/agents?limit=200')).body.data.length,
  });

  it('answers 400 with the reason, not 500, for JSON 5,000 levels deep on every endpoint that takes free-form JSON; nothing is stored', async () => {
    const before = await counts();
    expect(agentId).not.toBe('');
    const endpoints: Array<[string, string, string]> = [
      [
        'POST',
        '/api/v1/messages',
        `{"connectionId":"${conn}","to":"vis_bounds_2","content":{"type":"text","text":"x"},"metadata":${DEEP}}`,
      ],
      [
        'POST',
        `/api/v1/conversations/${conversationId}/messages`,
        `{"content":{"type":"text","text":"x"},"metadata":${DEEP}}`,
      ],
      ['POST', '/api/v1/routing/explain', `{"connectionId":"${conn}","text":"x","contactAttributes":${DEEP}}`],
      ['POST', '/api/v1/connections', `{"type":"webchat","name":"deep","config":{"title":"t","extra":${DEEP}}}`],
      ['PATCH', `/api/v1/connections/${conn}`, `{"config":{"title":"t","extra":${DEEP}}}`],
      [
        'POST',
        '/api/v1/agents',
        `{"kind":"webhook","name":"deep","config":{"url":"http://127.0.0.1:9/a","extra":${DEEP}}}`,
      ],
      ['PATCH', `/api/v1/agents/${agentId}`, `{"config":{"extra":${DEEP}}}`],
    ];
    for (const [method, path, body] of endpoints) {
      const res = await t.api<{ error: { code: string; message: string } }>(method, path, body, {
        'content-type': 'application/json',
      });
      expect(res.status, `${method} ${path}: ${JSON.stringify(res.body).slice(0, 200)}`).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION');
      expect(res.body.error.message).toContain(`nested deeper than ${JSON_MAX_DEPTH} levels`);
    }
    // Fastify's body parser (JSON.parse, then secure-json-parse's prototype scan) copes with depth near the body limit
    const deepest = await t.api<{ error: { code: string } }>(
      'POST',
      '/api/v1/messages',
      `{"connectionId":"${conn}","to":"vis_bounds_3","content":{"type":"text","text":"x"},"metadata":${nestedText(150_000)}}`,
      { 'content-type': 'application/json' },
    );
    expect(deepest.status).toBe(400);
    expect(deepest.body.error.code).toBe('VALIDATION');
    expect(await counts()).toEqual(before);
    // the connection's config kept its old value
    const connection = await t.api<{ config: Record<string, unknown> }>('GET', `/api/v1/connections/${conn}`);
    expect(connection.body.config).not.toHaveProperty('extra');
  });

  it('refuses metadata larger than its size bound with the reason', async () => {
    const res = await t.api<{ error: { message: string } }>(
      'POST',
      `/api/v1/conversations/${conversationId}/messages`,
      { content: { type: 'text', text: 'x' }, metadata: { note: 'n'.repeat(20_000) } },
    );
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/metadata: larger than 16384 bytes as JSON/);
  });

  it('still accepts ordinary nested metadata and contact attributes', async () => {
    const metadata = {
      order: { id: 'B-7', lines: [{ sku: 'a', qty: 2, tags: ['gift', { wrap: { color: 'red' } }] }] },
      source: null,
      vip: true,
    };
    const reply = await t.api<{ metadata: Record<string, unknown> }>(
      'POST',
      `/api/v1/conversations/${conversationId}/messages`,
      { content: { type: 'text', text: 'nested ok' }, metadata },
    );
    expect(reply.status, JSON.stringify(reply.body)).toBe(202);
    expect(reply.body.metadata).toMatchObject(metadata);
    const explain = await t.api('POST', '/api/v1/routing/explain', {
      connectionId: conn,
      text: 'x',
      contactAttributes: { plan: { tier: 'gold', since: 2020 } },
    });
    expect(explain.status).toBe(200);
    // exactly at the depth bound is fine; one more level is not
    expect(
      (
        await t.api(
          'POST',
          `/api/v1/conversations/${conversationId}/messages`,
          `{"content":{"type":"text","text":"d"},"metadata":${nestedText(JSON_MAX_DEPTH)}}`,
          { 'content-type': 'application/json' },
        )
      ).status,
    ).toBe(202);
    expect(
      (
        await t.api(
          'POST',
          `/api/v1/conversations/${conversationId}/messages`,
          `{"content":{"type":"text","text":"d"},"metadata":${nestedText(JSON_MAX_DEPTH + 1)}}`,
          { 'content-type': 'application/json' },
        )
      ).status,
    ).toBe(400);
  });

  it('measures depth and size without recursion, even 200,000 levels deep', () => {
    const deep = JSON.parse(nestedText(200_000)) as unknown;
    expect(jsonBoundsIssue(deep, 32, 1e9)).toBe('nested deeper than 32 levels');
    expect(jsonBoundsIssue({ a: [1, 'two', null, { b: true }] }, 3, 1e9)).toBeUndefined();
    expect(jsonBoundsIssue({ a: [1, 'two', null, { b: true }] }, 2, 1e9)).toBe('nested deeper than 2 levels');
    const value = { a: [1, 'two', null, { b: true }], 'q"': 'é\n' };
    const exact = JSON.stringify(value).length;
    expect(jsonBoundsIssue(value, 32, exact)).toBeUndefined();
    expect(jsonBoundsIssue(value, 32, exact - 1)).toBe(`larger than ${exact - 1} bytes as JSON`);
  });
});
