/**
 * Dead letters: work that fails every delivery is stored with its workspace (whatever the bus), listed through the
 * API only to that workspace, and replayed onto the bus once the cause is fixed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestServer, type TestServer } from '../testing/test-server.js';

describe('dead letters', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t.close());

  it('are kept per workspace, listed and replayed', async () => {
    const conn = (await t.api<{ id: string }>('POST', '/api/v1/connections', { type: 'webchat', name: 'dlq' })).body.id;
    await t.api('POST', `/api/v1/connections/${conn}/start`);
    const session = (await (await fetch(`${t.url}/webchat/${conn}/sessions`, { method: 'POST' })).json()) as {
      token: string;
    };
    await fetch(`${t.url}/webchat/${conn}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${session.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ clientMessageId: 'x', text: 'hi' }),
    });
    const conv = await eventually(
      async () =>
        (await t.api<{ data: Array<{ id: string }> }>('GET', `/api/v1/conversations?connectionId=${conn}`)).body
          .data[0],
    );
    const messageId = (await t.api<{ data: Array<{ id: string }> }>('GET', `/api/v1/conversations/${conv.id}/messages`))
      .body.data[0]?.id;

    // a consumer that fails until the "fix" is deployed
    let fixed = false;
    const handled: unknown[] = [];
    t.sb.bus.consume(
      'diagnostics',
      async (m) => {
        if (!fixed) throw new Error('downstream is down');
        handled.push(m.payload);
      },
      { maxDeliveries: 2 },
    );
    await t.sb.bus.publish('diagnostics', { key: conn, payload: { messageId } });
    const letter = await eventually(
      async () =>
        (
          await t.api<{
            data: Array<{ id: string; topic: string; error: string; deliveries: number; payload: unknown }>;
          }>('GET', '/api/v1/dead-letters')
        ).body.data[0],
      5000,
      'the dead letter',
    );
    expect(letter).toMatchObject({
      topic: 'diagnostics',
      error: 'downstream is down',
      deliveries: 2,
      payload: { messageId },
    });

    fixed = true;
    const replayed = await t.api<{ replayedAt: string | null }>('POST', `/api/v1/dead-letters/${letter.id}/replay`);
    expect(replayed.status).toBe(200);
    expect(replayed.body.replayedAt).not.toBeNull();
    await eventually(() => handled.length === 1, 5000, 'the replayed work');
    expect((await t.api('POST', '/api/v1/dead-letters/dlq_nope/replay')).status).toBe(404);
  });
});
