/**
 * Agents end to end on a real server: the API (kinds, CRUD with masked secrets, 400 listing fields, start/stop with
 * an llm key check, channels with the inbound-agent 409), and turns driven on real webchat conversations — an llm
 * agent talking to the OpenAI-compatible simulator through a conversation, a handoff tool call, provider errors and
 * timeouts degrading to the fallback reply plus a handoff, a redelivered turn answering once; a flow bot answering an
 * FAQ, branching on buttons, collecting an email into the contact and handing off; an external webhook bot verified
 * by its signature; a voice message transcribed before the agent reads it; and, through routing, a visitor's message
 * answered by the connection's inbound agent. The whole suite runs on SQLite and on a fresh PostgreSQL database.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOpenAiSimulator, type OpenAiSimulator } from '@switchboard/simulators';
import { signWebhook } from '../core/webhooks/webhook-service.js';
import type { AgentTurnOutcome } from '../core/agents/agent-dispatcher.js';
import { collectSse, eventually, startTestServer, type TestServer } from '../testing/test-server.js';
import { freshPostgresDatabase } from '../testing/test-databases.js';

interface Agent {
  id: string;
  kind: string;
  name: string;
  status: string;
  statusReason: string | null;
  config: Record<string, unknown>;
}
interface Msg {
  id: string;
  direction: string;
  content: {
    type: string;
    text?: string;
    interactive?: { kind: string; text?: string; buttons?: Array<{ id: string; title: string }> };
  };
  metadata: Record<string, unknown>;
}
interface ApiError {
  error: {
    code: string;
    message: string;
    details?: { fields?: Array<{ field: string; message: string }>; agentId?: string };
  };
}

/** the bot of the webhook agent: checks each request's signature, answers what the test queued */
function startBot(secret: string): Promise<{
  url: string;
  requests: Array<{ headers: IncomingMessage['headers']; body: Record<string, unknown>; verified: boolean }>;
  answers: Array<{ status: number; body?: unknown; delayMs?: number }>;
  server: Server;
}> {
  const requests: Array<{ headers: IncomingMessage['headers']; body: Record<string, unknown>; verified: boolean }> = [];
  const answers: Array<{ status: number; body?: unknown; delayMs?: number }> = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const timestamp = String(req.headers['switchboard-timestamp'] ?? '');
      requests.push({
        headers: req.headers,
        body: JSON.parse(raw) as Record<string, unknown>,
        verified: req.headers['switchboard-signature'] === signWebhook(secret, timestamp, raw),
      });
      const answer = answers.shift() ?? { status: 202 };
      setTimeout(() => {
        res.writeHead(answer.status, { 'content-type': 'application/json' });
        res.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
      }, answer.delayMs ?? 0);
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/bot`, requests, answers, server }),
    ),
  );
}

describe.each(['sqlite', 'postgres'] as const)('agents (%s)', (dialect) => {
  let t: TestServer;
  let database: Awaited<ReturnType<typeof freshPostgresDatabase>> | undefined;
  let ai: OpenAiSimulator;
  let bot: Awaited<ReturnType<typeof startBot>>;
  const BOT_SECRET = 'bot-signing-secret-0123456789';

  const connection = async (name: string) => {
    const id = (await t.api<{ id: string }>('POST', '/api/v1/connections', { type: 'webchat', name })).body.id;
    expect((await t.api<{ status: string }>('POST', `/api/v1/connections/${id}/start`)).body.status).toBe('RUNNING');
    return id;
  };
  const createAgent = async (kind: string, name: string, config: Record<string, unknown>) => {
    const res = await t.api<Agent>('POST', '/api/v1/agents', { kind, name, config });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body;
  };
  const attach = (agentId: string, connections: Array<{ connectionId: string; inbound: boolean }>) =>
    t.api<{ data: unknown[]; restartRequired: boolean } & ApiError>('PUT', `/api/v1/agents/${agentId}/connections`, {
      connections,
    });
  const start = (agentId: string) => t.api<Agent>('POST', `/api/v1/agents/${agentId}/start`);
  /** a webchat visitor: each `say` waits for the message to be stored and answers its conversation and id */
  const visitor = async (connectionId: string) => {
    const session = (await (await fetch(`${t.url}/webchat/${connectionId}/sessions`, { method: 'POST' })).json()) as {
      token: string;
      visitorId: string;
    };
    let n = 0;
    let conversationId = '';
    return {
      get conversationId() {
        return conversationId;
      },
      async say(text: string): Promise<{ conversationId: string; messageId: string }> {
        const res = await fetch(`${t.url}/webchat/${connectionId}/messages`, {
          method: 'POST',
          headers: { authorization: `Bearer ${session.token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ clientMessageId: `m${++n}`, text, name: 'Ana' }),
        });
        expect(res.status).toBe(200);
        const conv = await eventually(
          async () =>
            (
              await t.api<{ data: Array<{ id: string; address: string }> }>(
                'GET',
                `/api/v1/conversations?connectionId=${connectionId}`,
              )
            ).body.data.find((c) => c.address === session.visitorId),
          10_000,
          'the conversation',
        );
        conversationId = conv.id;
        const message = await eventually(
          async () =>
            (await messages(conv.id)).filter((m) => m.direction === 'inbound' && m.content.text === text).at(-1),
          10_000,
          `the message "${text}"`,
        );
        return { conversationId: conv.id, messageId: message.id };
      },
    };
  };
  const messages = async (conversationId: string) =>
    (await t.api<{ data: Msg[] }>('GET', `/api/v1/conversations/${conversationId}/messages?limit=200`)).body.data;
  const turn = (agentId: string, m: { conversationId: string; messageId: string }): Promise<AgentTurnOutcome> =>
    t.sb.hub.agentTurns.runTurn({ workspaceId: t.sb.bootstrap.workspaceId, agentId, ...m });
  const repliesOf = async (conversationId: string, outcome: AgentTurnOutcome) => {
    const all = await messages(conversationId);
    return outcome.replyMessageIds.map((id) => all.find((m) => m.id === id) as Msg);
  };

  beforeAll(async () => {
    ai = await startOpenAiSimulator({ apiKeys: ['sk-agents-test-key-0001'] });
    bot = await startBot(BOT_SECRET);
    if (dialect === 'postgres') database = await freshPostgresDatabase('agents');
    // the model server and the bots listen on 127.0.0.1: the workspace opts in to private networks
    t = await startTestServer({
      allowPrivateNetwork: true,
      ...(database ? { env: { DATABASE_URL: database.url } } : {}),
    });
  });
  afterAll(async () => {
    await t.close();
    await database?.drop();
    await ai.close();
    await new Promise((r) => bot.server.close(r));
  });

  it('lists the agent kinds with their config schemas (secrets write-only)', async () => {
    const res = await t.api<{
      data: Array<{ kind: string; configSchema: { properties: Record<string, { writeOnly?: boolean }> } }>;
    }>('GET', '/api/v1/agent-types');
    expect(res.status).toBe(200);
    expect(res.body.data.map((k) => k.kind).sort()).toEqual(['flow', 'llm', 'webhook']);
    const llm = res.body.data.find((k) => k.kind === 'llm');
    expect(llm?.configSchema.properties.apiKey?.writeOnly).toBe(true);
    expect(Object.keys(llm?.configSchema.properties ?? {})).toEqual(
      expect.arrayContaining([
        'baseUrl',
        'model',
        'systemPrompt',
        'knowledge',
        'temperature',
        'maxTurns',
        'speechToText',
      ]),
    );
  });

  it('creates, reads, updates and deletes agents; secrets are masked and kept; bad configs answer 400 listing fields', async () => {
    const bad = await t.api<ApiError>('POST', '/api/v1/agents', {
      kind: 'llm',
      name: 'Bad',
      config: { baseUrl: 'not a url', temperature: 5 },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details?.fields?.map((f) => f.field)).toEqual(
      expect.arrayContaining(['baseUrl', 'model', 'temperature']),
    );
    const badFlow = await t.api<ApiError>('POST', '/api/v1/agents', {
      kind: 'flow',
      name: 'Bad flow',
      config: { nodes: [{ id: 'a', type: 'message', text: 'hi', next: 'nowhere' }] },
    });
    expect(badFlow.status).toBe(400);
    expect(badFlow.body.error.details?.fields?.[0]?.field).toBe('nodes.0.next');
    expect((await t.api<ApiError>('POST', '/api/v1/agents', { kind: 'robot', name: 'x', config: {} })).status).toBe(
      400,
    );

    const agent = await createAgent('llm', 'Support AI', {
      baseUrl: ai.baseUrl,
      model: 'gpt-4o-mini',
      apiKey: 'sk-agents-test-key-0001',
      speechToText: { baseUrl: ai.baseUrl, apiKey: 'sk-agents-test-key-0001' },
    });
    expect(agent.status).toBe('STOPPED');
    expect(agent.config.apiKey).toBe('********');
    expect((agent.config.speechToText as Record<string, unknown>).apiKey).toBe('********');
    expect(JSON.stringify(agent)).not.toContain('sk-agents-test-key-0001');
    // the mask sent back keeps the key; the change applies
    const patched = await t.api<Agent>('PATCH', `/api/v1/agents/${agent.id}`, {
      name: 'Support AI 2',
      config: { apiKey: '********', temperature: 0.9, speechToText: { baseUrl: ai.baseUrl, apiKey: '********' } },
    });
    expect(patched.status).toBe(200);
    expect(patched.body.config.temperature).toBe(0.9);
    expect((await start(agent.id)).body.status).toBe('RUNNING');
    const list = await t.api<{ data: Agent[] }>('GET', '/api/v1/agents');
    expect(list.body.data.map((a) => a.id)).toContain(agent.id);
    expect(JSON.stringify(list.body)).not.toContain('sk-agents-test-key-0001');
    expect((await t.api<Agent>('POST', `/api/v1/agents/${agent.id}/stop`)).body.status).toBe('STOPPED');
    expect((await t.api('DELETE', `/api/v1/agents/${agent.id}`)).status).toBe(204);
    expect((await t.api('GET', `/api/v1/agents/${agent.id}`)).status).toBe(404);
  });

  it('an llm agent with a refused key turns ERROR with the reason; the right key makes it RUNNING', async () => {
    const agent = await createAgent('llm', 'Wrong key', {
      baseUrl: ai.baseUrl,
      model: 'gpt-4o-mini',
      apiKey: 'sk-wrong-key-99999999',
    });
    const stream = collectSse(`${t.url}/api/v1/events`, { authorization: `Bearer ${t.token}` });
    await stream.ready;
    const started = await start(agent.id);
    expect(started.body.status).toBe('ERROR');
    expect(started.body.statusReason).toContain('refused the API key');
    expect(started.body.statusReason).not.toContain('sk-wrong-key-99999999');
    const unknownModel = await createAgent('llm', 'Wrong model', {
      baseUrl: ai.baseUrl,
      model: 'gpt-9',
      apiKey: 'sk-agents-test-key-0001',
    });
    expect((await start(unknownModel.id)).body.statusReason).toContain("does not offer the model 'gpt-9'");
    await t.api('PATCH', `/api/v1/agents/${agent.id}`, { config: { apiKey: 'sk-agents-test-key-0001' } });
    expect((await start(agent.id)).body).toMatchObject({ status: 'RUNNING', statusReason: null });
    // every transition was announced as agent.status
    const statuses = await eventually(
      () => {
        const seen = stream.events
          .filter(
            (e) => e.event === 'agent.status' && (e.data as { data: { agentId: string } }).data.agentId === agent.id,
          )
          .map((e) => (e.data as { data: { status: string } }).data.status);
        return seen.length >= 4 ? seen : undefined;
      },
      5000,
      'the agent.status events',
    );
    expect(statuses).toEqual(['STARTING', 'ERROR', 'STARTING', 'RUNNING']);
    // settings of a running agent are checked first and swapped in without a stop: a bad key answers 422 and the
    // agent keeps running on its old settings; a good change keeps it RUNNING with no status change at all
    const bad = await t.api<ApiError>('PATCH', `/api/v1/agents/${agent.id}`, {
      config: { apiKey: 'sk-wrong-key-99999999' },
    });
    expect(bad.status).toBe(422);
    expect(bad.body.error.message).toContain('refused the API key');
    expect(bad.body.error.message).not.toContain('sk-wrong-key-99999999');
    const good = await t.api<Agent>('PATCH', `/api/v1/agents/${agent.id}`, { config: { temperature: 0.5 } });
    expect(good.body).toMatchObject({ status: 'RUNNING', config: { temperature: 0.5 } });
    await new Promise((r) => setTimeout(r, 200));
    stream.close();
    expect(
      stream.events.filter(
        (e) => e.event === 'agent.status' && (e.data as { data: { agentId: string } }).data.agentId === agent.id,
      ),
    ).toHaveLength(4);
  });

  it("only one agent handles a connection's inbound traffic: the second answers 409 naming the holder; a running agent applies changes at once", async () => {
    const conn = await connection('Inbound conflict');
    const first = await createAgent('flow', 'First bot', { greeting: 'Hi' });
    const second = await createAgent('flow', 'Second bot', { greeting: 'Hello' });
    const ok = await attach(first.id, [{ connectionId: conn, inbound: true }]);
    expect(ok.status).toBe(200);
    const conflict = await attach(second.id, [{ connectionId: conn, inbound: true }]);
    expect(conflict.status).toBe(409);
    expect(conflict.body.error.code).toBe('CONFLICT');
    expect(conflict.body.error.message).toContain('First bot');
    expect(conflict.body.error.details?.agentId).toBe(first.id);
    // with Inbound off the second agent may still be attached (it may only send)
    expect((await attach(second.id, [{ connectionId: conn, inbound: false }])).status).toBe(200);
    // the database holds the rule even when the check is bypassed
    await expect(
      t.sb.store.setAgentConnections(
        t.sb.bootstrap.workspaceId,
        second.id,
        [{ connectionId: conn, inbound: true }],
        new Date().toISOString(),
      ),
    ).rejects.toThrow();

    // not applied until the agent starts
    expect(await t.sb.hub.agentTurns.inboundAgentFor(t.sb.bootstrap.workspaceId, conn)).toBeUndefined();
    await start(first.id);
    expect(await t.sb.hub.agentTurns.inboundAgentFor(t.sb.bootstrap.workspaceId, conn)).toBe(first.id);
    // the holder is listed for Settings › Channels before anyone tries to take it
    const holders = await t.api<{ data: Array<Record<string, unknown>> }>('GET', '/api/v1/agents/inbound');
    expect(holders.body.data.filter((h) => h.connectionId === conn)).toEqual([
      {
        connectionId: conn,
        connectionName: 'Inbound conflict',
        agentId: first.id,
        agentName: 'First bot',
        active: true,
      },
    ]);
    // moving inbound to the second agent: the running first agent lets go at once, no restart
    expect((await attach(first.id, [{ connectionId: conn, inbound: false }])).body.restartRequired).toBe(false);
    expect(await t.sb.hub.agentTurns.inboundAgentFor(t.sb.bootstrap.workspaceId, conn)).toBeUndefined();
    expect((await attach(second.id, [{ connectionId: conn, inbound: true }])).status).toBe(200);
    // the second agent is stopped: it holds the setting, and takes the traffic when it starts
    const pending = await t.api<{ data: Array<Record<string, unknown>> }>('GET', '/api/v1/agents/inbound');
    expect(pending.body.data.filter((h) => h.connectionId === conn)).toEqual([
      expect.objectContaining({ agentId: second.id, agentName: 'Second bot', active: false }),
    ]);
    expect(await t.sb.hub.agentTurns.inboundAgentFor(t.sb.bootstrap.workspaceId, conn)).toBeUndefined();
    await start(second.id);
    expect(await t.sb.hub.agentTurns.inboundAgentFor(t.sb.bootstrap.workspaceId, conn)).toBe(second.id);
    const view = await t.api<{
      data: Array<{ connectionId: string; inbound: boolean; active: { inbound: boolean } | null }>;
    }>('GET', `/api/v1/agents/${second.id}/connections`);
    expect(view.body.data).toEqual([
      expect.objectContaining({ connectionId: conn, inbound: true, active: { inbound: true }, channelType: 'webchat' }),
    ]);
    await t.api('POST', `/api/v1/agents/${first.id}/stop`);
    await t.api('POST', `/api/v1/agents/${second.id}/stop`);
    // an unknown connection is 404
    expect((await attach(first.id, [{ connectionId: 'conn_nope', inbound: false }])).status).toBe(404);
  });

  it('an llm agent answers through a conversation from its history, hands off by tool call, and answers a redelivered turn once', async () => {
    const conn = await connection('LLM channel');
    const agent = await createAgent('llm', 'Shop assistant', {
      baseUrl: ai.baseUrl,
      model: 'gpt-4o-mini',
      apiKey: 'sk-agents-test-key-0001',
      systemPrompt: 'You help customers of the Acme shop.',
      knowledge: ['Shipping takes 3 days.'],
      temperature: 0.2,
      maxTokens: 300,
      handoffMessage: 'Connecting you with a colleague.',
    });
    await attach(agent.id, [{ connectionId: conn, inbound: false }]);
    expect((await start(agent.id)).body.status).toBe('RUNNING');
    ai.addRule({ contains: 'shipping', reply: 'Shipping takes 3 days.', times: 1 });
    ai.addRule({
      contains: 'human',
      toolCall: { name: 'handoff_to_human', arguments: { reason: 'customer asked for a person' } },
      times: 1,
    });
    const v = await visitor(conn);

    const m1 = await v.say('How long does shipping take?');
    const o1 = await turn(agent.id, m1);
    expect(o1.error).toBeUndefined();
    expect(o1.handoff).toBeUndefined();
    expect(o1.replyPreviews).toEqual(['Shipping takes 3 days.']);
    const [reply] = await repliesOf(m1.conversationId, o1);
    expect(reply?.content).toEqual({ type: 'text', text: 'Shipping takes 3 days.' });
    expect(reply?.metadata.agentId).toBe(agent.id);
    const req1 = ai.calls('chat').at(-1)?.body as {
      messages: Array<{ role: string; content: string }>;
      tools: Array<{ function: { name: string } }>;
      temperature: number;
      max_tokens: number;
    };
    expect(req1.messages[0]).toEqual({
      role: 'system',
      content: expect.stringContaining('Shipping takes 3 days.') as string,
    });
    expect(req1.messages.at(-1)).toEqual({ role: 'user', content: 'How long does shipping take?' });
    expect(req1.tools[0]?.function.name).toBe('handoff_to_human');
    expect(req1).toMatchObject({ temperature: 0.2, max_tokens: 300, model: 'gpt-4o-mini' });

    // the redelivered routing row: same outcome, nothing sent twice
    const calls = ai.calls('chat').length;
    expect(await turn(agent.id, m1)).toEqual(o1);
    expect(ai.calls('chat')).toHaveLength(calls);
    expect((await messages(m1.conversationId)).filter((m) => m.direction === 'outbound')).toHaveLength(1);

    // the model sees the conversation so far (its own reply as assistant) and hands off
    const m2 = await v.say('Can I talk to a human?');
    const o2 = await turn(agent.id, m2);
    expect(o2.handoff).toEqual({ reason: 'customer asked for a person' });
    expect(o2.replyPreviews).toEqual(['Connecting you with a colleague.']);
    const req2 = ai.calls('chat').at(-1)?.body as { messages: Array<{ role: string; content: string }> };
    expect(req2.messages.slice(1)).toEqual([
      { role: 'user', content: 'How long does shipping take?' },
      { role: 'assistant', content: 'Shipping takes 3 days.' },
      { role: 'user', content: 'Can I talk to a human?' },
    ]);
  });

  it('a turn taken over from a dead worker keeps the replies it had queued and makes no second decision; a live one is retried later', async () => {
    const conn = await connection('Takeover channel');
    const agent = await createAgent('llm', 'Takeover', {
      baseUrl: ai.baseUrl,
      model: 'gpt-4o-mini',
      apiKey: 'sk-agents-test-key-0001',
    });
    await attach(agent.id, [{ connectionId: conn, inbound: false }]);
    expect((await start(agent.id)).body.status).toBe('RUNNING');
    const v = await visitor(conn);
    const store = t.sb.hub.deps.store;
    const ws = t.sb.bootstrap.workspaceId;

    // a worker claimed the turn, queued its reply and died before recording the outcome
    const m1 = await v.say('Where is my order?');
    const dead = {
      id: 'agturn_deadworker1',
      workspaceId: ws,
      agentId: agent.id,
      messageId: m1.messageId,
      conversationId: m1.conversationId,
      status: 'running' as const,
      outcome: null,
      startedAt: '2020-01-01T00:00:00.000Z',
      finishedAt: null,
    };
    expect((await store.claimAgentTurn(dead, '2000-01-01T00:00:00.000Z')).kind).toBe('claimed');
    const queued = await t.sb.hub.messages.sendToConversation(
      ws,
      m1.conversationId,
      { type: 'text', text: 'It left the warehouse today.' },
      { agentId: agent.id, agentTurnId: dead.id },
    );
    const calls = ai.calls('chat').length;
    const taken = await t.sb.hub.agentTurns.runTurn({
      workspaceId: ws,
      agentId: agent.id,
      ...m1,
      staleBefore: new Date().toISOString(),
    });
    expect(taken.replyMessageIds).toEqual([queued.id]);
    expect(ai.calls('chat')).toHaveLength(calls);
    expect((await messages(m1.conversationId)).filter((m) => m.direction === 'outbound')).toHaveLength(1);
    expect(await turn(agent.id, m1)).toEqual(taken);

    // a turn another worker is still running is not answered with "nothing": the work is retried later
    const m2 = await v.say('And the invoice?');
    const live = { ...dead, id: 'agturn_liveworker1', messageId: m2.messageId, startedAt: new Date().toISOString() };
    expect((await store.claimAgentTurn(live, '2000-01-01T00:00:00.000Z')).kind).toBe('claimed');
    await expect(turn(agent.id, m2)).rejects.toThrow(/still running elsewhere/);
    await t.api('POST', `/api/v1/agents/${agent.id}/stop`);
  });

  it('provider errors and timeouts degrade to the fallback reply plus a handoff, never silence; max turns hands off', async () => {
    const conn = await connection('LLM failures');
    const agent = await createAgent('llm', 'Fragile AI', {
      baseUrl: ai.baseUrl,
      model: 'gpt-4o-mini',
      apiKey: 'sk-agents-test-key-0001',
      timeoutMs: 1000,
      fallbackReply: 'We will get back to you.',
      maxTurns: 2,
    });
    await attach(agent.id, [{ connectionId: conn, inbound: false }]);
    await start(agent.id);
    const v = await visitor(conn);
    ai.addRule({ contains: 'explode', error: { status: 500 }, times: 1 });
    const o1 = await turn(agent.id, await v.say('please explode'));
    expect(o1).toMatchObject({
      replyPreviews: ['We will get back to you.'],
      handoff: { reason: 'the AI provider failed' },
    });
    expect(o1.error).toContain('500');
    ai.addRule({ contains: 'ratelimit', error: { status: 429, retryAfterSeconds: 3 }, times: 1 });
    const o2 = await turn(agent.id, await v.say('ratelimit me'));
    expect(o2.error).toContain('429');
    expect(o2.replyPreviews).toEqual(['We will get back to you.']);
    ai.addRule({ contains: 'slowly', reply: 'too late', latencyMs: 1500, times: 1 });
    const o3 = await turn(agent.id, await v.say('answer slowly'));
    expect(o3.error).toContain('within 1000 ms');
    expect(o3.handoff).toBeDefined();
    // a handoff restarts the count (the conversation may be given back); two answered turns, then maxTurns (2)
    // hands the third to a person without a provider call
    expect((await turn(agent.id, await v.say('hello again'))).handoff).toBeUndefined();
    expect((await turn(agent.id, await v.say('and again'))).handoff).toBeUndefined();
    // the simulator records a call when it has answered it: the slow one (1.5 s) may still be on its way
    await eventually(() => ai.calls('chat').some((c) => JSON.stringify(c.body).includes('answer slowly')) || undefined);
    const calls = ai.calls('chat').length;
    const o4 = await turn(agent.id, await v.say('one more time'));
    expect(o4.handoff?.reason).toContain('limit of 2 turns');
    expect(ai.calls('chat')).toHaveLength(calls);
  });

  it('a flow bot greets, answers an FAQ, branches on buttons, collects an email into the contact and hands off', async () => {
    const conn = await connection('Flow channel');
    const agent = await createAgent('flow', 'Help bot', {
      greeting: 'Welcome to Acme!',
      nodes: [
        {
          id: 'menu',
          type: 'buttons',
          text: 'How can I help?',
          buttons: [
            { id: 'newsletter', title: 'Newsletter', next: 'email' },
            { id: 'person', title: 'Talk to a person', next: 'human' },
          ],
        },
        {
          id: 'email',
          type: 'ask',
          text: 'Your email address?',
          field: 'email',
          validate: 'email',
          invalidText: 'That does not look like an email address.',
          next: 'thanks',
        },
        { id: 'thanks', type: 'message', text: 'Thanks, you are subscribed.', next: 'menu' },
        {
          id: 'human',
          type: 'handoff',
          text: 'A colleague will be with you shortly.',
          reason: 'the customer chose to talk to a person',
        },
      ],
      faq: [{ keywords: ['opening hours', 'open'], answer: 'We are open 9:00–17:00, Monday to Friday.' }],
    });
    await attach(agent.id, [{ connectionId: conn, inbound: false }]);
    expect((await start(agent.id)).body.status).toBe('RUNNING');
    const v = await visitor(conn);

    const o1 = await turn(agent.id, await v.say('hi'));
    const r1 = await repliesOf(v.conversationId, o1);
    expect(r1.map((m) => m.content.type)).toEqual(['text', 'interactive']);
    expect(r1[0]?.content.text).toBe('Welcome to Acme!');
    expect(r1[1]?.content.interactive?.buttons?.map((b) => b.title)).toEqual(['Newsletter', 'Talk to a person']);
    expect(r1.every((m) => m.metadata.agentId === agent.id)).toBe(true);

    const o2 = await turn(agent.id, await v.say('When are you OPEN?'));
    expect(o2.replyPreviews).toEqual(['We are open 9:00–17:00, Monday to Friday.']);
    expect(o2.handoff).toBeUndefined();

    expect((await turn(agent.id, await v.say('Newsletter'))).replyPreviews).toEqual(['Your email address?']);
    expect((await turn(agent.id, await v.say('not-an-email'))).replyPreviews).toEqual([
      'That does not look like an email address.',
    ]);
    const o5 = await turn(agent.id, await v.say('Ana@Example.com'));
    expect(o5.replyPreviews).toEqual(['Thanks, you are subscribed.', 'How can I help?']);
    const conv = (await t.api<{ contactId: string }>('GET', `/api/v1/conversations/${v.conversationId}`)).body;
    const contact = (await t.api<{ attributes: Record<string, unknown> }>('GET', `/api/v1/contacts/${conv.contactId}`))
      .body;
    expect(contact.attributes.email).toBe('ana@example.com');

    // the numbered answer (channels without buttons show a list) picks the second button
    const o6 = await turn(agent.id, await v.say('2'));
    expect(o6.handoff).toEqual({ reason: 'the customer chose to talk to a person' });
    expect(o6.replyPreviews).toEqual(['A colleague will be with you shortly.']);
  });

  it('an external webhook bot gets the signed event and replies in its response; an empty answer means later; failures degrade', async () => {
    const conn = await connection('Bot channel');
    const agent = await createAgent('webhook', 'External bot', {
      url: bot.url,
      secret: BOT_SECRET,
      timeoutMs: 1000,
      fallbackReply: 'Our bot is away.',
    });
    expect(agent.config.secret).toBe('********');
    await attach(agent.id, [{ connectionId: conn, inbound: false }]);
    expect((await start(agent.id)).body.status).toBe('RUNNING');
    const v = await visitor(conn);

    bot.answers.push({
      status: 200,
      body: {
        replies: [
          { text: 'Hello from the bot' },
          {
            content: {
              type: 'interactive',
              interactive: { kind: 'buttons', text: 'Pick one', buttons: [{ id: 'a', title: 'A' }] },
            },
          },
        ],
      },
    });
    const m1 = await v.say('hello bot');
    const o1 = await turn(agent.id, m1);
    expect(o1.replyPreviews).toEqual(['Hello from the bot', 'Pick one']);
    const request = bot.requests.at(-1);
    expect(request?.verified).toBe(true);
    expect(request?.headers['switchboard-event']).toBe('message.received');
    expect(request?.body).toMatchObject({
      type: 'message.received',
      data: {
        message: { id: m1.messageId, content: { type: 'text', text: 'hello bot' } },
        conversation: { id: m1.conversationId },
        agent: { id: agent.id },
      },
    });
    expect(request?.headers['switchboard-delivery']).toBe(request?.body.id);

    // 202 without a body: the bot answers later through the API
    bot.answers.push({ status: 202 });
    const o2 = await turn(agent.id, await v.say('think about it'));
    expect(o2).toEqual({ replyMessageIds: [], replyPreviews: [] });
    const later = await t.api<Msg>('POST', `/api/v1/conversations/${v.conversationId}/messages`, {
      content: { type: 'text', text: 'Answer from the bot, later' },
      metadata: { agentId: agent.id },
    });
    expect(later.status).toBe(202);

    bot.answers.push({ status: 200, body: { handoff: { reason: 'bot gave up' } } });
    expect((await turn(agent.id, await v.say('complicated'))).handoff).toEqual({ reason: 'bot gave up' });

    bot.answers.push({ status: 503, body: { oops: true } });
    const o4 = await turn(agent.id, await v.say('are you there?'));
    expect(o4).toMatchObject({ replyPreviews: ['Our bot is away.'], handoff: { reason: 'the bot failed' } });
    expect(o4.error).toContain('503');
    bot.answers.push({ status: 200, body: { replies: 'not a list' } });
    expect((await turn(agent.id, await v.say('garbage please'))).error).toContain('not {replies');
    bot.answers.push({ status: 200, body: { replies: [{ text: 'slow' }] }, delayMs: 1500 });
    expect((await turn(agent.id, await v.say('slow bot'))).error).toContain('within 1000 ms');
  });

  // a webhook bot is always signed
  it('a webhook agent created without a signing secret gets a generated one, shown once, masked afterwards, and used to sign', async () => {
    const created = await t.api<Agent & { generatedSecrets?: string[] }>('POST', '/api/v1/agents', {
      kind: 'webhook',
      name: 'Unsigned bot?',
      config: { url: bot.url, timeoutMs: 1000 },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.generatedSecrets).toEqual(['secret']);
    const generated = String(created.body.config.secret);
    expect(generated).toMatch(/^whsec_[A-Za-z0-9_-]{32}$/);
    const stored = await t.sb.store.getAgent(t.sb.bootstrap.workspaceId, created.body.id);
    expect(JSON.stringify(stored?.config)).not.toContain(generated); // sealed at rest like a typed one
    const read = (await t.api<Agent & { generatedSecrets?: string[] }>('GET', `/api/v1/agents/${created.body.id}`))
      .body;
    expect(read.config.secret).toBe('********');
    expect(read.generatedSecrets).toBeUndefined();
    expect(JSON.stringify((await t.api('GET', '/api/v1/agents')).body)).not.toContain(generated);
    // an empty string is "left empty" too; a typed secret is never echoed
    const empty = await t.api<Agent & { generatedSecrets?: string[] }>('POST', '/api/v1/agents', {
      kind: 'webhook',
      name: 'Empty secret',
      config: { url: bot.url, secret: '' },
    });
    expect(empty.body.generatedSecrets).toEqual(['secret']);
    expect(String(empty.body.config.secret)).toMatch(/^whsec_/);
    expect(String(empty.body.config.secret)).not.toBe(generated);
    const typed = await t.api<Agent & { generatedSecrets?: string[] }>('POST', '/api/v1/agents', {
      kind: 'webhook',
      name: 'Typed secret',
      config: { url: bot.url, secret: BOT_SECRET },
    });
    expect(typed.body.config.secret).toBe('********');
    expect(typed.body.generatedSecrets).toBeUndefined();
    // afterwards it can be rotated or kept, not removed: a webhook bot is always signed
    const removed = await t.api<ApiError>('PATCH', `/api/v1/agents/${created.body.id}`, { config: { secret: null } });
    expect(removed.status).toBe(400);
    expect(removed.body.error.details?.fields?.map((f) => f.field)).toEqual(['secret']);

    // the bot verifies the requests with the generated secret (a config patch keeps it)
    const ownBot = await startBot(generated);
    try {
      expect((await t.api('PATCH', `/api/v1/agents/${created.body.id}`, { config: { url: ownBot.url } })).status).toBe(
        200,
      );
      const conn = await connection('Generated secret channel');
      await attach(created.body.id, [{ connectionId: conn, inbound: false }]);
      expect((await start(created.body.id)).body.status).toBe('RUNNING');
      ownBot.answers.push({ status: 200, body: { replies: [{ text: 'signed and sound' }] } });
      const v = await visitor(conn);
      expect((await turn(created.body.id, await v.say('is this signed?'))).replyPreviews).toEqual(['signed and sound']);
      expect(ownBot.requests).toHaveLength(1);
      expect(ownBot.requests[0]?.verified).toBe(true);
    } finally {
      await new Promise((r) => ownBot.server.close(r));
    }
  });

  it('a voice message is transcribed when speech-to-text is configured; the transcript is stored and is what the agent reads', async () => {
    const conn = await connection('Voice channel');
    const agent = await createAgent('llm', 'Voice AI', {
      baseUrl: ai.baseUrl,
      model: 'gpt-4o-mini',
      apiKey: 'sk-agents-test-key-0001',
      speechToText: { baseUrl: ai.baseUrl, apiKey: 'sk-agents-test-key-0001', model: 'whisper-1' },
    });
    await attach(agent.id, [{ connectionId: conn, inbound: false }]);
    await start(agent.id);
    const v = await visitor(conn);
    const first = await v.say('hello');
    // a voice note in the same conversation (stored as the inbound pipeline stores one, with our media URL)
    const audio = Buffer.from('OggS voice note bytes: where is my parcel');
    ai.setTranscript('where is my parcel', audio);
    ai.addRule({ contains: 'where is my parcel', reply: 'It is on its way.', times: 1 });
    const upload = await t.api<{ url: string }>('POST', '/api/v1/media?fileName=voice.ogg', audio.toString('utf8'), {
      'content-type': 'audio/ogg',
    });
    expect(upload.status).toBe(201);
    const conversation = await t.sb.store.getConversation(t.sb.bootstrap.workspaceId, first.conversationId);
    const voiceId = `msg_voice${Date.now()}`;
    await t.sb.store.insertMessage({
      id: voiceId,
      workspaceId: t.sb.bootstrap.workspaceId,
      conversationId: first.conversationId,
      connectionId: conn,
      channelType: 'webchat',
      direction: 'inbound',
      from: conversation?.address ?? '',
      to: '',
      content: { type: 'audio', media: { url: upload.body.url, mimeType: 'audio/ogg', state: 'ready' } },
      status: 'received',
      providerMessageId: `voice-${voiceId}`,
      timestamp: new Date().toISOString(),
      metadata: {},
      createdAt: new Date().toISOString(),
    });
    const outcome = await turn(agent.id, { conversationId: first.conversationId, messageId: voiceId });
    expect(outcome.replyPreviews).toEqual(['It is on its way.']);
    expect(ai.calls('transcriptions').at(-1)?.body).toMatchObject({
      model: 'whisper-1',
      mimeType: 'audio/ogg',
      size: audio.length,
    });
    const stored = (await t.api<Msg>('GET', `/api/v1/messages/${voiceId}`)).body;
    expect(stored.metadata.transcript).toBe('where is my parcel');
    const request = ai.calls('chat').at(-1)?.body as { messages: Array<{ role: string; content: string }> };
    expect(request.messages.at(-1)).toEqual({ role: 'user', content: 'where is my parcel' });

    // a voice note whose file is still being fetched: the turn waits for it, then transcribes
    const audio2 = Buffer.from('OggS second voice note: cancel my order');
    ai.setTranscript('cancel my order', audio2);
    const upload2 = await t.api<{ url: string }>('POST', '/api/v1/media?fileName=voice2.ogg', audio2.toString('utf8'), {
      'content-type': 'audio/ogg',
    });
    const pendingId = `msg_voice2${Date.now()}`;
    const content = {
      type: 'audio' as const,
      media: { url: upload2.body.url, mimeType: 'audio/ogg', state: 'pending' as const },
    };
    await t.sb.store.insertMessage({
      id: pendingId,
      workspaceId: t.sb.bootstrap.workspaceId,
      conversationId: first.conversationId,
      connectionId: conn,
      channelType: 'webchat',
      direction: 'inbound',
      from: conversation?.address ?? '',
      to: '',
      content,
      status: 'received',
      providerMessageId: `voice-${pendingId}`,
      timestamp: new Date().toISOString(),
      metadata: {},
      createdAt: new Date().toISOString(),
    });
    const transcribedBefore = ai.calls('transcriptions').length;
    const waiting = turn(agent.id, { conversationId: first.conversationId, messageId: pendingId });
    await new Promise((r) => setTimeout(r, 400));
    expect(ai.calls('transcriptions')).toHaveLength(transcribedBefore);
    const readyAt = Date.now();
    await t.sb.store.replaceMessageContent(pendingId, { ...content, media: { ...content.media, state: 'ready' } });
    await waiting;
    // nothing was sent for transcription while the file was pending
    expect(ai.calls('transcriptions').length).toBe(transcribedBefore + 1);
    expect(ai.calls('transcriptions').at(-1)?.at).toBeGreaterThanOrEqual(readyAt);
    expect((await t.api<Msg>('GET', `/api/v1/messages/${pendingId}`)).body.metadata.transcript).toBe('cancel my order');
  });

  it('a turn for an agent that is stopped or not attached to the connection hands off instead of answering', async () => {
    const conn = await connection('Unattached');
    const agent = await createAgent('flow', 'Lonely bot', { greeting: 'Hi' });
    await start(agent.id);
    const v = await visitor(conn);
    const m = await v.say('anyone?');
    const o = await turn(agent.id, m);
    expect(o.replyMessageIds).toEqual([]);
    expect(o.handoff?.reason).toContain('not attached');
    await t.api('POST', `/api/v1/agents/${agent.id}/stop`);
    expect((await turn(agent.id, m)).handoff?.reason).toContain('STOPPED');
  });

  it("through routing: a visitor writes and the connection's inbound agent answers", async () => {
    const conn = await connection('Routed channel');
    const agent = await createAgent('flow', 'Front desk', {
      greeting: 'Hello, this is the front desk bot.',
      faq: [{ keywords: ['price'], answer: 'It costs 10 EUR.' }],
    });
    await attach(agent.id, [{ connectionId: conn, inbound: true }]);
    await start(agent.id);
    const v = await visitor(conn);
    await v.say('what is the price?');
    const replies = await eventually(
      async () => {
        const out = (await messages(v.conversationId)).filter((m) => m.direction === 'outbound');
        return out.length >= 2 ? out : undefined;
      },
      10_000,
      "the agent's replies",
    );
    expect(replies.map((m) => m.content.text)).toEqual(['Hello, this is the front desk bot.', 'It costs 10 EUR.']);
    expect(replies.every((m) => m.metadata.agentId === agent.id)).toBe(true);
  });
});
