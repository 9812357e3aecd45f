/**
 * The operator's day over real HTTP: one assignment rule for replies (the operator who replies owns a conversation
 * nobody owns, whether a bot or the human queue had it; an assigned one keeps its assignee; a bot writing through
 * the API takes nothing), and who wrote each outbound message (`metadata.operatorId`, set by the hub, never taken
 * from the caller).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestServer, type TestServer } from '../testing/test-server.js';
import {
  newOperator,
  newVisitor,
  routedConversation,
  timelineOf,
  type Conv,
  type Msg,
  type Operator,
} from '../testing/routing-fixtures.js';

describe('operator day: replies and who wrote them', () => {
  let t: TestServer;
  let conn: string;
  let ana: Operator;
  let ben: Operator;
  const convOf = async (id: string) => (await t.api<Conv>('GET', `/api/v1/conversations/${id}`)).body;
  const reply = (id: string, text: string, who: Operator, metadata?: Record<string, unknown>) =>
    t.api<Msg>(
      'POST',
      `/api/v1/conversations/${id}/messages`,
      { content: { type: 'text', text }, ...(metadata ? { metadata } : {}) },
      who.headers,
    );
  const queued = async (text: string) => {
    const v = await newVisitor(t, conn);
    await v.say(text);
    const c = await routedConversation(t, conn, v.visitorId);
    // no inbound agent, no rule: the human queue, nobody assigned
    expect(c).toMatchObject({ handler: 'human', assigneeId: null, agentId: null });
    return c;
  };

  beforeAll(async () => {
    t = await startTestServer();
    conn = (await t.api<{ id: string }>('POST', '/api/v1/connections', { type: 'webchat', name: 'Help desk' })).body.id;
    await t.api('POST', `/api/v1/connections/${conn}/start`);
    ana = await newOperator(t, 'ana.day@example.com');
    ben = await newOperator(t, 'ben.day@example.com');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('replying on an unassigned human-queue conversation assigns the operator, with an "assigned" timeline entry', async () => {
    const c = await queued('Where is my parcel?');
    const sent = await reply(c.id, 'Let me check that for you.', ana);
    expect(sent.status).toBe(202);
    expect(await convOf(c.id)).toMatchObject({ handler: 'human', assigneeId: ana.id });
    const events = await eventually(
      async () => {
        const list = await timelineOf(t, c.id);
        return list.some((e) => e.type === 'assigned') ? list : undefined;
      },
      10_000,
      'the assigned timeline entry',
    );
    expect(events.find((e) => e.type === 'assigned')).toMatchObject({
      actor: `user:${ana.id}`,
      data: { userId: ana.id, via: 'reply' },
    });
    // a second operator's reply does not take it from the first
    expect((await reply(c.id, 'Ana has it, I just add the tracking link.', ben)).status).toBe(202);
    expect((await convOf(c.id)).assigneeId).toBe(ana.id);
  });

  it('an assigned conversation keeps its assignee; a bot writing through the API assigns nobody', async () => {
    const assigned = await queued('Can I change my address?');
    await t.api('POST', `/api/v1/conversations/${assigned.id}/assign`, { userId: ben.id });
    await reply(assigned.id, 'Ben is on holiday, I am covering.', ana);
    expect((await convOf(assigned.id)).assigneeId).toBe(ben.id);

    const botWrites = await queued('Do you ship to Norway?');
    expect((await reply(botWrites.id, 'Yes, in 3 days.', ana, { agentId: 'agt_external' })).status).toBe(202);
    expect(await convOf(botWrites.id)).toMatchObject({ handler: 'human', assigneeId: null });
  });

  it('tries a flow bot from an unsaved config: replies, collected fields, handoff and the next state; 400 on a broken flow', async () => {
    const config = {
      greeting: 'Hi!',
      nodes: [
        { id: 'ask', type: 'ask', text: 'Your email?', field: 'email', validate: 'email', next: 'human' },
        { id: 'human', type: 'handoff', text: 'A person will write.', reason: 'wants a person' },
      ],
    };
    const first = await t.api<{ replies: Array<{ text?: string }>; state: Record<string, unknown> }>(
      'POST',
      '/api/v1/agent-types/flow/try',
      { config, state: null, text: 'hello' },
    );
    expect(first.status).toBe(200);
    expect(first.body.replies.map((r) => r.text)).toEqual(['Hi!', 'Your email?']);
    const second = await t.api<{
      replies: Array<{ text?: string }>;
      collect: Record<string, string>;
      handoff: { reason: string } | null;
    }>('POST', '/api/v1/agent-types/flow/try', { config, state: first.body.state, text: 'ana@example.com' });
    expect(second.body).toMatchObject({
      collect: { email: 'ana@example.com' },
      handoff: { reason: 'wants a person' },
    });
    expect(second.body.replies.map((r) => r.text)).toEqual(['A person will write.']);
    // nothing was stored: no agent, no contact touched
    expect((await t.api<{ data: unknown[] }>('GET', '/api/v1/agents')).body.data).toEqual([]);
    const broken = await t.api<{ error: { code: string; message: string } }>('POST', '/api/v1/agent-types/flow/try', {
      config: { nodes: [{ id: 'a', type: 'message', text: 'x', next: 'nowhere' }] },
      state: null,
      text: 'hi',
    });
    expect(broken.status).toBe(400);
    expect(broken.body.error.message).toContain('nowhere');
    // operators answer conversations; configuring bots is for admins
    const tried = await t.api('POST', '/api/v1/agent-types/flow/try', { config, state: null, text: 'hi' }, ana.headers);
    expect(tried.status).toBe(403);
  });

  it("marks who wrote each message: the operator's id from the session, never from the caller", async () => {
    const c = await queued('Hello?');
    const sent = await reply(c.id, 'Hi, Ana here.', ana, { operatorId: 'usr_forged', ticket: 'T-9' });
    expect(sent.body.metadata).toEqual({ ticket: 'T-9', operatorId: ana.id });
    const bot = await reply(c.id, 'Automated: your order shipped.', ana, { agentId: 'agt_external' });
    expect(bot.body.metadata).toEqual({ agentId: 'agt_external' });
    const stored = (
      await t.api<{ data: Msg[] }>('GET', `/api/v1/conversations/${c.id}/messages?limit=50`)
    ).body.data.filter((m) => m.direction === 'outbound');
    expect(stored.map((m) => m.metadata.operatorId ?? null)).toEqual([ana.id, null]);
  });
});
