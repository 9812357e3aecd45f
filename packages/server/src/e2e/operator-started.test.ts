/**
 * Conversations an operator starts through `POST /api/v1/messages` are theirs from the start, over real HTTP with the
 * built-in flow bot as the connection's inbound agent: the conversation is handled by humans and assigned to the
 * writing user at once, so the customer's answer skips the bot (a customer writing first still gets it); a bot
 * starting a conversation (`metadata.agentId`) leaves it to routing; writing into a conversation the agent handles
 * takes it over, as a reply does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestServer, type TestServer } from '../testing/test-server.js';
import {
  messagesOf,
  newOperator,
  newVisitor,
  outboundTexts,
  routedConversation,
  timelineOf,
  type Conv,
  type Operator,
  type Visitor,
} from '../testing/routing-fixtures.js';

const GREETING = 'Hi, I am the bot.';

describe('conversations started by an operator', () => {
  let t: TestServer;
  let conn: string;
  let agent: string;
  let ana: Operator;
  let ben: Operator;
  const convOf = async (id: string) => (await t.api<Conv>('GET', `/api/v1/conversations/${id}`)).body;
  const start = async (
    to: string,
    text: string,
    headers?: Record<string, string>,
    metadata?: Record<string, unknown>,
  ) => {
    const res = await t.api<{ id: string; conversationId: string }>(
      'POST',
      '/api/v1/messages',
      { connectionId: conn, to, content: { type: 'text', text }, ...(metadata ? { metadata } : {}) },
      headers,
    );
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    return res.body;
  };
  /** the visitor answers; resolves once the answer is stored and routing has handled it */
  const answer = async (v: Visitor, conversationId: string, text: string) => {
    await v.say(text);
    const stored = await eventually(
      async () =>
        (await messagesOf(t, conversationId)).find((m) => m.direction === 'inbound' && m.content.text === text),
      10_000,
      `the answer "${text}"`,
    );
    // routing this message now (a no-op when the bus got there first; a human-handled message is marked done in the
    // transaction that claims it) makes "the bot stayed silent" a fact, not a wait
    await t.sb.hub.routing.process({ messageId: stored.id, conversationId, workspaceId: t.sb.bootstrap.workspaceId });
  };

  beforeAll(async () => {
    t = await startTestServer();
    conn = (await t.api<{ id: string }>('POST', '/api/v1/connections', { type: 'webchat', name: 'Support chat' })).body
      .id;
    await t.api('POST', `/api/v1/connections/${conn}/start`);
    ana = await newOperator(t, 'ana.started@example.com');
    ben = await newOperator(t, 'ben.started@example.com');
    const bot = await t.api<{ id: string }>('POST', '/api/v1/agents', {
      kind: 'flow',
      name: 'Bot',
      config: { greeting: GREETING, fallback: 'Sorry?', maxMisses: 5 },
    });
    expect(bot.status, JSON.stringify(bot.body)).toBe(201);
    agent = bot.body.id;
    await t.api('PUT', `/api/v1/agents/${agent}/connections`, { connections: [{ connectionId: conn, inbound: true }] });
    expect((await t.api<{ status: string }>('POST', `/api/v1/agents/${agent}/start`)).body.status).toBe('RUNNING');
  });
  afterAll(() => t.close());

  it('a customer writing first gets the bot (the control case)', async () => {
    const v = await newVisitor(t, conn);
    await v.say('hello');
    const c = await routedConversation(t, conn, v.visitorId);
    expect(c).toMatchObject({ handler: 'agent', agentId: agent });
    await eventually(async () => outboundTexts(await messagesOf(t, c.id)).includes(GREETING), 10_000, 'the greeting');
  });

  it("is handled by the operator who started it from the start: the customer's answer skips the bot", async () => {
    const v = await newVisitor(t, conn);
    const sent = await start(v.visitorId, 'Hi, Ana from support here about your order.', ana.headers);
    const c = await convOf(sent.conversationId);
    expect(c).toMatchObject({ handler: 'human', assigneeId: ana.id, agentId: null, teamId: null });
    const timeline = await timelineOf(t, c.id);
    expect(timeline.map((e) => ({ type: e.type, actor: e.actor, data: e.data }))).toEqual([
      {
        type: 'assigned',
        actor: `user:${ana.id}`,
        data: { userId: ana.id, teamId: null, via: 'started', reason: 'the operator started the conversation' },
      },
    ]);

    await answer(v, c.id, 'hello');
    expect(outboundTexts(await messagesOf(t, c.id))).toEqual(['Hi, Ana from support here about your order.']);
    expect(await convOf(c.id)).toMatchObject({ handler: 'human', assigneeId: ana.id });
    expect((await timelineOf(t, c.id)).map((e) => e.type)).toEqual(['assigned']);
    // writing again into it changes nothing
    await start(v.visitorId, 'Still there?', ana.headers);
    expect(await convOf(c.id)).toMatchObject({ handler: 'human', assigneeId: ana.id });
  });

  it('a bot starting a conversation (metadata.agentId) leaves it to routing: the answer goes to the agent', async () => {
    const v = await newVisitor(t, conn);
    const sent = await start(v.visitorId, 'Hello from the bot', undefined, { agentId: agent });
    expect(await convOf(sent.conversationId)).toMatchObject({ handler: null, assigneeId: null });
    await answer(v, sent.conversationId, 'hi bot');
    expect(await convOf(sent.conversationId)).toMatchObject({ handler: 'agent', agentId: agent });
    await eventually(
      async () => outboundTexts(await messagesOf(t, sent.conversationId)).includes(GREETING),
      10_000,
      'the greeting',
    );
  });

  it('writing to a customer whose open conversation the agent handles takes it over, as a reply does', async () => {
    const v = await newVisitor(t, conn);
    await v.say('hello there');
    const c = await routedConversation(t, conn, v.visitorId);
    expect(c.handler).toBe('agent');
    await eventually(async () => outboundTexts(await messagesOf(t, c.id)).includes(GREETING), 10_000, 'the greeting');
    const sent = await start(v.visitorId, 'Ben here, I will take it from here.', ben.headers);
    expect(sent.conversationId).toBe(c.id);
    expect(await convOf(c.id)).toMatchObject({ handler: 'human', assigneeId: ben.id });
    expect((await timelineOf(t, c.id)).filter((e) => e.type === 'handoff').map((e) => e.data)).toEqual([
      expect.objectContaining({ from: 'agent', to: 'human', reason: 'an operator replied' }),
    ]);
    await answer(v, c.id, 'thanks');
    expect(outboundTexts(await messagesOf(t, c.id))).toEqual([GREETING, 'Ben here, I will take it from here.']);
  });
});
