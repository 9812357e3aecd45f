/**
 * Secrets never leave: a connection's secret values appear in no API response and no log line, are encrypted
 * at rest, and survive rotation without recreating the connection.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConnector } from '../channel-kit/test-connector.js';
import { startTestServer, type TestServer } from '../testing/test-server.js';
import { fakeProvider, type FakeProvider } from '../testing/fake-provider.js';

const SIGNING = 'very-secret-signing-value-42';
const TOKEN = 'very-secret-api-token-value-77';
const ROTATED = 'rotated-secret-token-value-88';

describe('secrets', () => {
  let t: TestServer;
  let provider: FakeProvider;
  const responses: string[] = [];
  const call = async (method: string, path: string, body?: unknown) => {
    const r = await t.api(method, path, body);
    responses.push(JSON.stringify(r.body), JSON.stringify([...r.headers]));
    return r;
  };
  beforeAll(async () => {
    provider = await fakeProvider();
    t = await startTestServer({ extraConnectors: [testConnector] });
  });
  afterAll(async () => {
    await t.close();
    await provider.close();
  });

  it('appear in no API response and no log line, and are encrypted at rest', async () => {
    const created = await call('POST', '/api/v1/connections', {
      type: 'x-test',
      name: 'secretive',
      config: { signingSecret: SIGNING, apiToken: TOKEN, apiBaseUrl: provider.url, checkOnStart: true },
    });
    const id = (created.body as { id: string }).id;
    await call('POST', `/api/v1/connections/${id}/start`);
    await call('GET', `/api/v1/connections/${id}`);
    await call('GET', '/api/v1/connections');
    await call('GET', `/api/v1/connections/${id}/logs`);
    await call('GET', '/api/v1/connection-types');
    await call('GET', '/api/v1/openapi.json');
    // provider errors quoting the token must not leak either
    provider.failNext.push({ status: 400, body: { error: { message: `invalid token ${TOKEN}` } } });
    const m = await call('POST', '/api/v1/messages', {
      connectionId: id,
      to: '+1',
      content: { type: 'text', text: 'hi' },
    });
    await new Promise((r) => setTimeout(r, 500));
    const failed = await call('GET', `/api/v1/messages/${(m.body as { id: string }).id}`);
    await call('PATCH', `/api/v1/connections/${id}`, { config: { apiToken: ROTATED } });
    await call('GET', `/api/v1/connections/${id}`);
    await call('GET', '/metrics');
    expect((failed.body as { statusDetail: { message: string } }).statusDetail.message).toBe(
      'invalid token [REDACTED]',
    );

    const everything = `${responses.join('\n')}\n${t.logs.join('')}`;
    for (const secret of [SIGNING, TOKEN, ROTATED]) expect(everything).not.toContain(secret);
    const dbBytes =
      readFileSync(join(t.dataDir, 'switchboard.db')).toString('latin1') +
      readFileSync(join(t.dataDir, 'switchboard.db-wal')).toString('latin1');
    for (const secret of [SIGNING, TOKEN, ROTATED]) expect(dbBytes).not.toContain(secret);
    // rotation took effect without recreating the connection
    provider.received.length = 0;
    await call('POST', '/api/v1/messages', {
      connectionId: id,
      to: '+2',
      content: { type: 'text', text: 'after rotation' },
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(provider.received[0]?.authorization).toBe(`Bearer ${ROTATED}`);
  });
});
