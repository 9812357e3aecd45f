/**
 * The outbound pipeline against a scripted provider over real HTTP: retries with backoff on 5xx, Retry-After
 * honoured on 429, permanent errors fail with {code, message}, a revoked token turns the connection to ERROR
 * with a log line while the message fails visibly, and messages queued while stopped go out on start.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { testConnector } from '../channel-kit/test-connector.js';
import { eventually, startTestServer, type TestServer } from '../testing/test-server.js';
import { fakeProvider, type FakeProvider } from '../testing/fake-provider.js';

interface Msg {
  id: string;
  status: string;
  statusDetail: { code: string; message: string } | null;
  providerMessageId: string | null;
}

describe('outbound pipeline', () => {
  let t: TestServer;
  let provider: FakeProvider;
  let connectionId: string;
  const send = async (to: string, text: string) =>
    (await t.api<Msg>('POST', '/api/v1/messages', { connectionId, to, content: { type: 'text', text } })).body;
  const settled = (id: string) =>
    eventually(
      async () => {
        const m = (await t.api<Msg>('GET', `/api/v1/messages/${id}`)).body;
        return m.status === 'sent' || m.status === 'failed' ? m : undefined;
      },
      10_000,
      `message ${id} to settle`,
    );

  beforeAll(async () => {
    provider = await fakeProvider();
    t = await startTestServer({ extraConnectors: [testConnector], env: { SWITCHBOARD_OUTBOUND_MAX_ATTEMPTS: '3' } });
    connectionId = (
      await t.api<{ id: string }>('POST', '/api/v1/connections', {
        type: 'x-test',
        name: 'gw',
        config: {
          signingSecret: 'signing-secret-1',
          apiToken: 'api-token-value-1',
          apiBaseUrl: provider.url,
          checkOnStart: true,
        },
      })
    ).body.id;
    expect((await t.api<{ status: string }>('POST', `/api/v1/connections/${connectionId}/start`)).body.status).toBe(
      'RUNNING',
    );
  });
  beforeEach(() => {
    provider.failNext.length = 0;
    provider.revoked = false;
  });
  afterAll(async () => {
    await t.close();
    await provider.close();
  });

  it('sends and stores the provider id', async () => {
    const m = await send('+100', 'plain');
    const done = await settled(m.id);
    expect(done.status).toBe('sent');
    expect(done.providerMessageId).toMatch(/^prov-/);
    expect(provider.received.find((r) => r.ref === m.id)?.authorization).toBe('Bearer api-token-value-1');
  });

  it("keeps the hub's own marks out of a caller's metadata: no forged call transfer, human-agent tag or campaign", async () => {
    const r = await t.api<Msg & { metadata: Record<string, unknown> }>('POST', '/api/v1/messages', {
      connectionId,
      to: '+101',
      content: { type: 'text', text: 'marked' },
      metadata: {
        note: 'kept',
        handoffAfter: true,
        transferTo: ['+19995550123', 'sip:attacker@example.com'],
        humanAgentTag: true,
        campaign: { campaignId: 'cmp_x' },
      },
    });
    expect(r.status).toBe(202);
    const stored = (await t.api<{ metadata: Record<string, unknown> }>('GET', `/api/v1/messages/${r.body.id}`)).body;
    expect(stored.metadata.note).toBe('kept');
    for (const key of ['handoffAfter', 'transferTo', 'humanAgentTag', 'campaign'])
      expect([key, stored.metadata[key]]).toEqual([key, undefined]);
  });

  it('retries a 5xx with backoff and then sends exactly once', async () => {
    provider.failNext.push({ status: 503 }, { status: 500 });
    const m = await send('+101', 'after two failures');
    const done = await settled(m.id);
    expect(done.status).toBe('sent');
    expect(provider.received.filter((r) => r.ref === m.id)).toHaveLength(1);
  });

  it('honours Retry-After on 429', async () => {
    provider.failNext.push({ status: 429, headers: { 'retry-after': '1' } });
    const started = Date.now();
    const m = await send('+102', 'rate limited once');
    const done = await settled(m.id);
    expect(done.status).toBe('sent');
    const sentAt = provider.received.find((r) => r.ref === m.id)?.at ?? 0;
    expect(sentAt - started).toBeGreaterThanOrEqual(900);
  });

  it('fails with the provider reason after the last attempt', async () => {
    provider.failNext.push({ status: 502 }, { status: 502 }, { status: 502 });
    const m = await send('+103', 'never');
    const done = await settled(m.id);
    expect(done.status).toBe('failed');
    expect(done.statusDetail).toEqual({ code: 'UNAVAILABLE', message: 'scripted 502' });
  });

  it('fails a permanently rejected message without retrying', async () => {
    provider.failNext.push({ status: 400, body: { error: { message: 'bad recipient format' } } });
    const m = await send('+104', 'rejected');
    const done = await settled(m.id);
    expect(done.statusDetail).toEqual({ code: 'REJECTED', message: 'bad recipient format' });
  });

  it('turns the connection to ERROR on a revoked token; queued messages wait and go out after a restart', async () => {
    provider.revoked = true;
    const m = await send('+105', 'token revoked');
    const done = await settled(m.id);
    expect(done.status).toBe('failed');
    expect(done.statusDetail?.code).toBe('AUTH');
    const conn = await eventually(async () => {
      const c = (await t.api<{ status: string; statusReason: string }>('GET', `/api/v1/connections/${connectionId}`))
        .body;
      return c.status === 'ERROR' ? c : undefined;
    });
    expect(conn.statusReason).toMatch(/credentials/);
    // the log line is written beside the status change, not in its transaction: wait for it the same way
    const logged = await eventually(async () => {
      const logs = (
        await t.api<{ data: Array<{ level: string; message: string }> }>(
          'GET',
          `/api/v1/connections/${connectionId}/logs`,
        )
      ).body.data;
      return logs.some((l) => l.level === 'error' && /credentials/.test(l.message)) || undefined;
    });
    expect(logged).toBe(true);

    const waiting = await send('+106', 'queued while in error');
    await new Promise((r) => setTimeout(r, 300));
    expect((await t.api<Msg>('GET', `/api/v1/messages/${waiting.id}`)).body.status).toBe('queued');
    // rotate the token, restart: the waiting message goes out
    provider.revoked = false;
    const rotated = await t.api<{ config: Record<string, unknown> }>('PATCH', `/api/v1/connections/${connectionId}`, {
      config: { apiToken: 'api-token-value-2' },
    });
    expect(rotated.body.config.apiToken).toBe('********');
    expect((await t.api<{ status: string }>('POST', `/api/v1/connections/${connectionId}/start`)).body.status).toBe(
      'RUNNING',
    );
    expect((await settled(waiting.id)).status).toBe('sent');
    expect(provider.received.find((r) => r.ref === waiting.id)?.authorization).toBe('Bearer api-token-value-2');
  });

  it('puts a connection whose start is refused into ERROR with the reason', async () => {
    provider.revoked = true;
    const other = (
      await t.api<{ id: string }>('POST', '/api/v1/connections', {
        type: 'x-test',
        name: 'bad',
        config: {
          signingSecret: 'signing-secret-1',
          apiToken: 'api-token-bad-99',
          apiBaseUrl: provider.url,
          checkOnStart: true,
        },
      })
    ).body.id;
    const started = await t.api<{ status: string; statusReason: string }>('POST', `/api/v1/connections/${other}/start`);
    expect(started.body.status).toBe('ERROR');
    expect(started.body.statusReason).toBe('AUTH: token revoked');
    const stopped = await t.api<{ status: string }>('POST', `/api/v1/connections/${other}/stop`);
    expect(stopped.body.status).toBe('STOPPED');
  });

  it('refuses content the channel cannot carry, even degraded, with 422', async () => {
    // a location would arrive as a map link (core/degradation); a customer's button reply has no text form to send
    const res = await t.api<{ error: { code: string } }>('POST', '/api/v1/messages', {
      connectionId,
      to: '+107',
      content: { type: 'interactive', interactive: { kind: 'button_reply', reply: { id: 'yes', title: 'Yes' } } },
    });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('UNSUPPORTED_CONTENT');
  });
});
