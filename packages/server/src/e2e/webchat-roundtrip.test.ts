/**
 * A webchat round trip over real HTTP: visitor message → conversation + message visible through the API and the
 * event stream → operator reply → the visitor's live stream (and history on reload).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectSse, eventually, startTestServer, type TestServer } from '../testing/test-server.js';

describe('webchat round trip', () => {
  let t: TestServer;
  let connectionId: string;
  beforeAll(async () => {
    t = await startTestServer();
    const created = await t.api<{ id: string; status: string }>('POST', '/api/v1/connections', {
      type: 'webchat',
      name: 'Site chat',
    });
    expect(created.status).toBe(201);
    connectionId = created.body.id;
    const started = await t.api<{ status: string }>('POST', `/api/v1/connections/${connectionId}/start`);
    expect(started.body.status).toBe('RUNNING');
  });
  afterAll(() => t.close());

  it('carries a visitor message to the operator and the reply back live', async () => {
    const operatorStream = collectSse(`${t.url}/api/v1/events`, { authorization: `Bearer ${t.token}` });
    await operatorStream.ready;
    const session = (await (await fetch(`${t.url}/webchat/${connectionId}/sessions`, { method: 'POST' })).json()) as {
      token: string;
      visitorId: string;
    };
    const visitorStream = collectSse(
      `${t.url}/webchat/${connectionId}/stream?token=${encodeURIComponent(session.token)}`,
    );
    await visitorStream.ready;

    const sent = await fetch(`${t.url}/webchat/${connectionId}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${session.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ clientMessageId: 'c-1', text: 'Hello, I need help with my order' }),
    });
    expect(sent.status).toBe(200);

    const received = await eventually(
      () => operatorStream.events.find((e) => e.event === 'message.received'),
      5000,
      'message.received on the operator stream',
    );
    const message = (
      received.data as {
        data: { message: { conversationId: string; content: unknown; direction: string; from: string } };
      }
    ).data.message;
    expect(message.content).toEqual({ type: 'text', text: 'Hello, I need help with my order' });
    expect(message.direction).toBe('inbound');
    expect(message.from).toBe(session.visitorId);

    const conversations = await t.api<{ data: Array<{ id: string; unreadCount: number; lastMessagePreview: string }> }>(
      'GET',
      `/api/v1/conversations?connectionId=${connectionId}`,
    );
    expect(conversations.body.data).toHaveLength(1);
    expect(conversations.body.data[0]?.id).toBe(message.conversationId);
    expect(conversations.body.data[0]?.unreadCount).toBe(1);

    const reply = await t.api<{ id: string; status: string }>(
      'POST',
      `/api/v1/conversations/${message.conversationId}/messages`,
      { content: { type: 'text', text: 'Sure — what is the order number?' } },
    );
    expect(reply.status).toBe(202);
    expect(reply.body.status).toBe('queued');

    const live = await eventually(
      () =>
        visitorStream.events.find(
          (e) => e.event === 'message' && (e.data as { direction: string }).direction === 'outbound',
        ),
      5000,
      'the reply on the visitor stream',
    );
    expect((live.data as { content: unknown }).content).toEqual({
      type: 'text',
      text: 'Sure — what is the order number?',
    });
    const status = await eventually(
      async () => {
        const m = await t.api<{ status: string }>('GET', `/api/v1/messages/${reply.body.id}`);
        return m.body.status === 'sent' ? m.body : undefined;
      },
      5000,
      'the reply to be sent',
    );
    expect(status.status).toBe('sent');

    // reload: history has both messages in order
    const history = (await (
      await fetch(`${t.url}/webchat/${connectionId}/messages`, {
        headers: { authorization: `Bearer ${session.token}` },
      })
    ).json()) as { messages: Array<{ direction: string }> };
    expect(history.messages.map((m) => m.direction)).toEqual(['inbound', 'outbound']);

    // operator typing reaches the visitor
    await t.api('POST', `/api/v1/conversations/${message.conversationId}/typing`);
    await eventually(
      () => visitorStream.events.find((e) => e.event === 'typing'),
      5000,
      'typing on the visitor stream',
    );
    operatorStream.close();
    visitorStream.close();
  });

  it('refuses a visitor without a valid session and stores nothing', async () => {
    const before = await t.api<{ data: unknown[] }>('GET', '/api/v1/conversations');
    const res = await fetch(`${t.url}/webchat/${connectionId}/messages`, {
      method: 'POST',
      headers: { authorization: 'Bearer vis_01aaaaaaaaaaaaaaaaaaaaaaaa.forged', 'content-type': 'application/json' },
      body: JSON.stringify({ clientMessageId: 'x', text: 'forged' }),
    });
    expect(res.status).toBe(401);
    const after = await t.api<{ data: unknown[] }>('GET', '/api/v1/conversations');
    expect(after.body.data.length).toBe(before.body.data.length);
  });

  it('replays missed events after Last-Event-ID', async () => {
    const all = collectSse(`${t.url}/api/v1/events`, { authorization: `Bearer ${t.token}`, 'last-event-id': '0' });
    await all.ready;
    const ids = all.events.filter((e) => e.id).map((e) => Number(e.id));
    expect(ids.length).toBeGreaterThan(3);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    all.close();
  });
});
