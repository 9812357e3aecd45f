/**
 * Handoff, teams and the timeline over real HTTP, with the built-in flow bot as the connection's inbound agent:
 * the agent answers; asking for a person hands off to the team (round-robin, per-operator capacity) and the agent
 * stays silent; an operator replying takes over; when every member is full the conversation waits in the team inbox
 * and is assigned as soon as a conversation is resolved; resolving returns the contact to the agent or keeps them
 * with humans; the handoff and assign endpoints; a redelivered routing row neither routes nor answers twice; work
 * the bus lost is routed again by recovery.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOPIC_ROUTING } from '../core/events.js';
import type { KyselyStore } from '../store/sql/kysely-store.js';
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
  type TimelineEvent,
  type Visitor,
} from '../testing/routing-fixtures.js';

const GREETING = 'Hi, I am the support bot. Ask me about opening hours, or write "person".';
const HOURS = 'We are open 9 to 17.';
const HANDING_OFF = 'Connecting you with a person.';

describe('handoff, teams and the timeline', () => {
  let t: TestServer;
  let conn: string;
  let agent: string;
  let team: string;
  let ana: Operator;
  let ben: Operator;
  const convOf = async (id: string) => (await t.api<Conv>('GET', `/api/v1/conversations/${id}`)).body;
  const waitTimeline = (id: string, pred: (events: TimelineEvent[]) => boolean, what: string) =>
    eventually(
      async () => {
        const events = await timelineOf(t, id);
        return pred(events) ? events : undefined;
      },
      10_000,
      what,
    );
  const types = (events: TimelineEvent[]) => events.map((e) => e.type);

  beforeAll(async () => {
    t = await startTestServer();
    conn = (await t.api<{ id: string }>('POST', '/api/v1/connections', { type: 'webchat', name: 'Support chat' })).body
      .id;
    await t.api('POST', `/api/v1/connections/${conn}/start`);
    ana = await newOperator(t, 'ana@example.com');
    ben = await newOperator(t, 'ben@example.com');
    // capacity one each: the third conversation has to wait
    team = (
      await t.api<{ id: string }>('POST', '/api/v1/teams', {
        name: 'Support',
        members: [
          { userId: ana.id, capacity: 1 },
          { userId: ben.id, capacity: 1 },
        ],
      })
    ).body.id;
    const bot = await t.api<{ id: string }>('POST', '/api/v1/agents', {
      kind: 'flow',
      name: 'Support bot',
      config: {
        start: 'menu',
        nodes: [
          { id: 'menu', type: 'message', text: GREETING },
          { id: 'human', type: 'handoff', text: HANDING_OFF, reason: 'the customer asked for a person' },
        ],
        faq: [
          { keywords: ['hours'], answer: HOURS },
          { keywords: ['person'], answer: 'One moment.', next: 'human' },
        ],
        fallback: 'Sorry, I did not get that.',
        maxMisses: 5,
      },
    });
    expect(bot.status, JSON.stringify(bot.body)).toBe(201);
    agent = bot.body.id;
    await t.api('PUT', `/api/v1/agents/${agent}/connections`, { connections: [{ connectionId: conn, inbound: true }] });
    expect((await t.api<{ status: string }>('POST', `/api/v1/agents/${agent}/start`)).body.status).toBe('RUNNING');
    // conversations about an order go to the agent first, with the Support team behind it
    const rule = await t.api('POST', '/api/v1/routing-rules', {
      connectionId: conn,
      name: 'Orders',
      conditions: { keywords: ['order'] },
      actions: [
        { type: 'agent', agentId: agent },
        { type: 'team', teamId: team },
      ],
    });
    expect(rule.status).toBe(201);
  });
  afterAll(() => t.close());

  const visitors: Record<string, Visitor> = {};
  const convs: Record<string, string> = {};

  it('the agent answers; asking for a person hands off to the team round-robin, and the agent then stays silent', async () => {
    const a = (visitors.a = await newVisitor(t, conn));
    await a.say('Where is my order?');
    const c = await routedConversation(t, conn, a.visitorId);
    convs.a = c.id;
    expect(c).toMatchObject({ handler: 'agent', agentId: agent, teamId: team, assigneeId: null });
    await eventually(async () => outboundTexts(await messagesOf(t, c.id)).includes(GREETING), 10_000, 'the greeting');

    await a.say('What are your hours?');
    await eventually(async () => outboundTexts(await messagesOf(t, c.id)).includes(HOURS), 10_000, 'the FAQ answer');
    await a.say('I want a person');
    const events = await waitTimeline(c.id, (e) => e.some((x) => x.type === 'handoff'), 'the handoff');
    const after = await convOf(c.id);
    expect(after).toMatchObject({ handler: 'human', agentId: agent, teamId: team });
    expect([ana.id, ben.id]).toContain(after.assigneeId);
    expect(types(events)).toEqual([
      'rule.fired',
      'agent.replied',
      'agent.replied',
      'agent.replied',
      'handoff',
      'assigned',
    ]);
    expect(events[4]).toMatchObject({
      actor: `agent:${agent}`,
      data: { from: 'agent', to: 'human', reason: 'the customer asked for a person', teamId: team },
    });
    expect(events[5]?.data).toMatchObject({ userId: after.assigneeId, via: 'round-robin', teamId: team });
    expect(outboundTexts(await messagesOf(t, c.id))).toEqual([GREETING, HOURS, 'One moment.', HANDING_OFF]);

    // a human owns it: the agent is silent (the message is routed: nothing new in the timeline, no reply)
    await a.say('hello? what are your hours?');
    await eventually(
      async () => (await messagesOf(t, c.id)).filter((m) => m.direction === 'inbound').length === 4,
      10_000,
      'the fourth message',
    );
    await new Promise((r) => setTimeout(r, 300));
    expect(outboundTexts(await messagesOf(t, c.id))).toHaveLength(4);
    expect(await timelineOf(t, c.id)).toHaveLength(6);
  });

  it('an operator replying takes the conversation over from the agent', async () => {
    const b = (visitors.b = await newVisitor(t, conn));
    await b.say('hi there');
    // no rule matches: the default route is the connection's inbound agent (no team behind it)
    const c = await routedConversation(t, conn, b.visitorId);
    convs.b = c.id;
    expect(c).toMatchObject({ handler: 'agent', agentId: agent, teamId: null });
    await eventually(async () => outboundTexts(await messagesOf(t, c.id)).includes(GREETING), 10_000, 'the greeting');
    // the turn records its reply on the timeline after queueing it: wait for that too, or the API reply below may
    // be recorded first on a loaded machine
    await eventually(
      async () => types(await timelineOf(t, c.id)).includes('agent.replied'),
      10_000,
      'the agent turn on the timeline',
    );
    // an external bot answering later through the API names its agent: that is not a takeover
    const botReply = await t.api('POST', `/api/v1/conversations/${c.id}/messages`, {
      content: { type: 'text', text: 'The bot, answering later.' },
      metadata: { agentId: agent },
    });
    expect(botReply.status).toBe(202);
    expect(await convOf(c.id)).toMatchObject({ handler: 'agent', assigneeId: null });
    const other = (await convOf(convs.a ?? '')).assigneeId === ana.id ? ben : ana;
    const sent = await t.api(
      'POST',
      `/api/v1/conversations/${c.id}/messages`,
      { content: { type: 'text', text: 'Hi, a human here.' } },
      other.headers,
    );
    expect(sent.status).toBe(202);
    expect(await convOf(c.id)).toMatchObject({ handler: 'human', assigneeId: other.id });
    const events = await timelineOf(t, c.id);
    expect(types(events)).toEqual(['routed.default', 'agent.replied', 'agent.replied', 'handoff', 'assigned']);
    expect(events[2]).toMatchObject({
      actor: `agent:${agent}`,
      data: { previews: ['The bot, answering later.'], via: 'api' },
    });
    expect(events[3]).toMatchObject({
      actor: `user:${other.id}`,
      data: { from: 'agent', reason: 'an operator replied' },
    });
    await b.say('what are your hours?');
    await eventually(
      async () => (await messagesOf(t, c.id)).filter((m) => m.direction === 'inbound').length === 2,
      10_000,
      'the second message',
    );
    await new Promise((r) => setTimeout(r, 300));
    expect(outboundTexts(await messagesOf(t, c.id))).toEqual([
      GREETING,
      'The bot, answering later.',
      'Hi, a human here.',
    ]);
  });

  it('with every member at capacity the conversation waits in the team inbox, and is assigned when a conversation is resolved', async () => {
    const c3 = (visitors.c = await newVisitor(t, conn));
    await c3.say('my order is broken');
    const c = await routedConversation(t, conn, c3.visitorId);
    convs.c = c.id;
    await c3.say('person please');
    const events = await waitTimeline(c.id, (e) => e.some((x) => x.type === 'team.queued'), 'queued in the team inbox');
    expect(types(events).slice(-2)).toEqual(['handoff', 'team.queued']);
    expect(await convOf(c.id)).toMatchObject({ handler: 'human', teamId: team, assigneeId: null });

    // the team's members are checked: nobody from elsewhere, nobody twice
    expect(
      (await t.api('PATCH', `/api/v1/teams/${team}`, { members: [{ userId: 'usr_elsewhere', capacity: 1 }] })).status,
    ).toBe(400);
    expect(
      (
        await t.api('PATCH', `/api/v1/teams/${team}`, {
          members: [
            { userId: ana.id, capacity: 1 },
            { userId: ana.id, capacity: 2 },
          ],
        })
      ).status,
    ).toBe(400);
    expect((await t.api<{ members: unknown[] }>('GET', `/api/v1/teams/${team}`)).body.members).toEqual([
      { userId: ana.id, capacity: 1 },
      { userId: ben.id, capacity: 1 },
    ]);
    expect(
      (await t.api<{ data: Array<{ id: string }> }>('GET', '/api/v1/teams', undefined, ana.headers)).body.data.map(
        (x) => x.id,
      ),
    ).toEqual([team]);

    // ana and ben each hold one open conversation; resolving conversation a frees its operator
    const a = await convOf(convs.a ?? '');
    const resolved = await t.api<Conv>('PATCH', `/api/v1/conversations/${a.id}`, { status: 'resolved' }, ana.headers);
    expect(resolved.status).toBe(200);
    expect((await convOf(c.id)).assigneeId).toBe(a.assigneeId);
    const after = await timelineOf(t, c.id);
    expect(after.at(-1)).toMatchObject({
      type: 'assigned',
      actor: 'system',
      data: { userId: a.assigneeId, via: 'round-robin', reason: 'capacity freed' },
    });
    expect((await timelineOf(t, a.id)).at(-1)).toMatchObject({ type: 'resolved', actor: `user:${ana.id}` });
  });

  it('resolving without returnToAgent keeps the contact with humans; with it, the agent answers the next conversation', async () => {
    // b: resolved by its operator without returning it; the customer writes again → a new conversation, same operator
    const b = await convOf(convs.b ?? '');
    await t.api('PATCH', `/api/v1/conversations/${b.id}`, { status: 'resolved' });
    await visitors.b?.say('one more question about my order');
    const next = await routedConversation(t, conn, visitors.b?.visitorId ?? '', "b's next conversation");
    expect(next.id).not.toBe(b.id);
    expect(next).toMatchObject({ handler: 'human', assigneeId: b.assigneeId });
    const events = await timelineOf(t, next.id);
    expect(types(events)).toEqual(['routed.continued', 'assigned']);
    expect(events[0]?.data).toMatchObject({ previousConversationId: b.id });
    const [first] = await messagesOf(t, next.id);
    const explained = await t.api<{ firedRule: unknown; route: { source: string; assigneeId: string | null } }>(
      'POST',
      '/api/v1/routing/explain',
      { messageId: first?.id },
    );
    expect(explained.body).toMatchObject({ firedRule: null, route: { source: 'continued', assigneeId: b.assigneeId } });
    await new Promise((r) => setTimeout(r, 300));
    expect(outboundTexts(await messagesOf(t, next.id))).toEqual([]);

    // c: resolved with returnToAgent → the agent has it; the next conversation goes through the rules to the agent
    const c = await t.api<Conv>('PATCH', `/api/v1/conversations/${convs.c ?? ''}`, {
      status: 'resolved',
      returnToAgent: true,
    });
    expect(c.body).toMatchObject({ status: 'resolved', handler: 'agent', agentId: agent });
    expect(types(await timelineOf(t, convs.c ?? '')).slice(-2)).toEqual(['resolved', 'returned_to_agent']);
    await visitors.c?.say('hello again');
    const again = await routedConversation(t, conn, visitors.c?.visitorId ?? '', "c's next conversation");
    expect(again).toMatchObject({ handler: 'agent', agentId: agent });
    await eventually(
      async () => outboundTexts(await messagesOf(t, again.id)).includes(GREETING),
      10_000,
      'the agent answering again',
    );
  });

  it('the handoff and assign endpoints move the conversation between agent and humans', async () => {
    const v = await newVisitor(t, conn);
    await v.say('good morning');
    const c = await routedConversation(t, conn, v.visitorId);
    await eventually(async () => outboundTexts(await messagesOf(t, c.id)).length > 0, 10_000, 'the greeting');

    // ana has room (her conversations are resolved), ben holds one at capacity one: round-robin picks ana
    const toTeam = await t.api<Conv>(
      'POST',
      `/api/v1/conversations/${c.id}/handoff`,
      { to: 'human', teamId: team, reason: 'VIP customer' },
      ana.headers,
    );
    expect(toTeam.status).toBe(200);
    expect(toTeam.body).toMatchObject({ handler: 'human', teamId: team, assigneeId: ana.id });
    const back = await t.api<Conv>('POST', `/api/v1/conversations/${c.id}/handoff`, { to: 'agent' }, ana.headers);
    expect(back.body).toMatchObject({ handler: 'agent', agentId: agent, assigneeId: null });
    // a manual assignment ignores capacity and moves the conversation to humans
    const assigned = await t.api<Conv>('POST', `/api/v1/conversations/${c.id}/assign`, { userId: ben.id }, ana.headers);
    expect(assigned.body).toMatchObject({ handler: 'human', assigneeId: ben.id });
    // unassigned, it goes back to the team inbox, where round-robin hands it to whoever has room (ana)
    const unassigned = await t.api<Conv>('POST', `/api/v1/conversations/${c.id}/assign`, { userId: null }, ana.headers);
    expect(unassigned.body).toMatchObject({ handler: 'human', teamId: team, assigneeId: ana.id });
    // PATCH assigneeId is the same operation
    const patched = await t.api<Conv>('PATCH', `/api/v1/conversations/${c.id}`, { assigneeId: ben.id }, ana.headers);
    expect(patched.body.assigneeId).toBe(ben.id);

    const events = await timelineOf(t, c.id);
    const routingTypes = types(events).filter((x) => x !== 'agent.replied');
    expect(routingTypes).toEqual([
      'routed.default',
      'handoff',
      'assigned',
      'returned_to_agent',
      'handoff',
      'assigned',
      'unassigned',
      'assigned',
      'assigned',
    ]);
    const routing = events.filter((e) => e.type !== 'agent.replied');
    expect(routing[1]).toMatchObject({ actor: `user:${ana.id}`, data: { reason: 'VIP customer', teamId: team } });
    expect(routing[2]?.data).toMatchObject({ userId: ana.id, via: 'round-robin' });
    expect(routing[3]).toMatchObject({ data: { agentId: agent, previousAssigneeId: ana.id } });
    expect(routing[5]?.data).toMatchObject({ userId: ben.id });
    expect(routing[6]).toMatchObject({ actor: `user:${ana.id}`, data: { userId: ben.id } });
    expect(routing[7]).toMatchObject({ actor: 'system', data: { userId: ana.id, via: 'round-robin' } });
    expect(routing[8]).toMatchObject({ actor: `user:${ana.id}`, data: { userId: ben.id, via: 'manual' } });

    expect((await t.api('POST', `/api/v1/conversations/${c.id}/assign`, { userId: 'usr_nobody' })).status).toBe(400);
    expect(
      (await t.api('POST', `/api/v1/conversations/${c.id}/handoff`, { to: 'human', teamId: 'team_nowhere' })).status,
    ).toBe(400);
    expect((await t.api('POST', '/api/v1/conversations/conv_nowhere/assign', { userId: null })).status).toBe(404);

    // the timeline pages oldest first
    const first = await t.api<{ data: TimelineEvent[]; nextCursor: string | null }>(
      'GET',
      `/api/v1/conversations/${c.id}/timeline?limit=3`,
    );
    expect(first.body.data).toHaveLength(3);
    const second = await t.api<{ data: TimelineEvent[] }>(
      'GET',
      `/api/v1/conversations/${c.id}/timeline?limit=200&cursor=${first.body.nextCursor ?? ''}`,
    );
    expect([...first.body.data, ...second.body.data].map((e) => e.id)).toEqual(events.map((e) => e.id));
  });

  it('a redelivered routing row neither routes nor answers twice', async () => {
    const v = await newVisitor(t, conn);
    await v.say('order status please');
    const c = await routedConversation(t, conn, v.visitorId);
    await waitTimeline(c.id, (e) => e.some((x) => x.type === 'agent.replied'), 'the agent reply');
    const [message] = await messagesOf(t, c.id);
    const before = { messages: (await messagesOf(t, c.id)).length, timeline: (await timelineOf(t, c.id)).length };
    for (let i = 0; i < 3; i++)
      await t.sb.bus.publish(TOPIC_ROUTING, {
        key: c.id,
        payload: { messageId: message?.id, conversationId: c.id, workspaceId: t.sb.bootstrap.workspaceId },
      });
    await t.sb.hub.routing.process({
      messageId: message?.id ?? '',
      conversationId: c.id,
      workspaceId: t.sb.bootstrap.workspaceId,
    });
    await new Promise((r) => setTimeout(r, 400));
    expect((await messagesOf(t, c.id)).length).toBe(before.messages);
    expect((await timelineOf(t, c.id)).length).toBe(before.timeline);
    // nothing is left for recovery
    expect(await t.sb.hub.routing.recover(0)).toBe(0);
  });

  it('routing work the bus lost (published, never handled) is routed again by recovery, without a second answer', async () => {
    const v = await newVisitor(t, conn);
    await v.say('hello, my order');
    const c = await routedConversation(t, conn, v.visitorId);
    await waitTimeline(c.id, (e) => e.some((x) => x.type === 'agent.replied'), 'the agent reply');
    const replies = outboundTexts(await messagesOf(t, c.id));
    // rewind routing to "message stored and relayed, routing never ran" (the in-process bus lost it in a crash)
    const db = (t.sb.store as KyselyStore).kysely;
    const [message] = await messagesOf(t, c.id);
    await db
      .deleteFrom('routing_marks')
      .where('message_id', '=', message?.id ?? '')
      .execute();
    await db.deleteFrom('conversation_events').where('conversation_id', '=', c.id).execute();
    await db
      .updateTable('conversations')
      .set({ handler: null, agent_id: null, team_id: null, tags: sql<string>`'[]'` })
      .where('id', '=', c.id)
      .execute();

    expect(await t.sb.hub.routing.recover(0)).toBe(1);
    const events = await waitTimeline(c.id, (e) => e.some((x) => x.type === 'agent.replied'), 'routing again');
    expect(types(events)).toEqual(['rule.fired', 'agent.replied']);
    expect(await convOf(c.id)).toMatchObject({ handler: 'agent', agentId: agent, teamId: team });
    // the agent runtime dedups the turn of the same message: no second answer
    expect(outboundTexts(await messagesOf(t, c.id))).toEqual(replies);

    // a claim left by a worker that died after deciding, on a conversation humans now handle: finished, nothing re-run
    await t.api('POST', `/api/v1/conversations/${c.id}/handoff`, { to: 'human' });
    const settled = (await timelineOf(t, c.id)).length;
    await db
      .updateTable('routing_marks')
      .set({ state: 'claimed', finished_at: null })
      .where('message_id', '=', message?.id ?? '')
      .execute();
    expect(await t.sb.hub.routing.recover(0)).toBe(1);
    await eventually(
      async () =>
        (
          await db
            .selectFrom('routing_marks')
            .select('state')
            .where('message_id', '=', message?.id ?? '')
            .executeTakeFirst()
        )?.state === 'done',
      5000,
      'the stale claim finished',
    );
    expect((await timelineOf(t, c.id)).length).toBe(settled);
    expect(outboundTexts(await messagesOf(t, c.id))).toEqual(replies);
  });
});
