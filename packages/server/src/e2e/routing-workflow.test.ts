/**
 * A routing rule that starts a workflow, over real HTTP: the hub POSTs the routed message to an outgoing webhook
 * subscription's URL, signed like its webhooks (Switchboard-Signature over "<timestamp>.<body>", event
 * workflow.trigger); the automation answers with actions (reply, tag, hand off to a team, assign) that the hub
 * applies, each on the conversation's timeline; a failing or unreadable answer is a `workflow.failed` entry and
 * the customer gets nothing twice; a rule naming a subscription of no one is refused.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signWebhook } from '../core/webhooks/webhook-service.js';
import { eventually, startTestServer, type TestServer } from '../testing/test-server.js';
import {
  messagesOf,
  newOperator,
  newVisitor,
  outboundTexts,
  timelineOf,
  type Conv,
  type Operator,
  type TimelineEvent,
} from '../testing/routing-fixtures.js';

const SECRET = 'whsec_workflow_test_0123456789';

interface Call {
  headers: IncomingMessage['headers'];
  body: { type: string; ruleId: string; conversation: { id: string }; message: { content: { text?: string } } };
  verified: boolean;
}

function startAutomation(): Promise<{
  url: string;
  calls: Call[];
  answers: Array<{ status: number; body: string }>;
  server: Server;
}> {
  const calls: Call[] = [];
  const answers: Array<{ status: number; body: string }> = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const timestamp = String(req.headers['switchboard-timestamp'] ?? '');
      calls.push({
        headers: req.headers,
        body: JSON.parse(raw) as Call['body'],
        verified: req.headers['switchboard-signature'] === signWebhook(SECRET, timestamp, raw),
      });
      const answer = answers.shift() ?? { status: 200, body: '' };
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(answer.body);
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/n8n/hook`, calls, answers, server }),
    ),
  );
}

describe('routing: a rule that starts a workflow', () => {
  let t: TestServer;
  let automation: Awaited<ReturnType<typeof startAutomation>>;
  let conn: string;
  let webhookId: string;
  let team: string;
  let rita: Operator;
  const convOf = async (id: string) => (await t.api<Conv>('GET', `/api/v1/conversations/${id}`)).body;
  const routed = async (text: string) => {
    const v = await newVisitor(t, conn);
    await v.say(text);
    return eventually(
      async () => {
        const list = await t.api<{ data: Array<Conv & { address: string }> }>(
          'GET',
          `/api/v1/conversations?connectionId=${conn}&limit=200`,
        );
        const c = list.body.data.find((x) => x.address === v.visitorId);
        if (!c) return undefined;
        const events = await timelineOf(t, c.id);
        return events.some((e) => e.type.startsWith('workflow.')) ? { c, events } : undefined;
      },
      10_000,
      `the workflow's outcome for "${text}"`,
    );
  };

  beforeAll(async () => {
    automation = await startAutomation();
    // the automation listens on 127.0.0.1: the workspace opts in to private networks
    t = await startTestServer({ allowPrivateNetwork: true });
    conn = (await t.api<{ id: string }>('POST', '/api/v1/connections', { type: 'webchat', name: 'Shop chat' })).body.id;
    await t.api('POST', `/api/v1/connections/${conn}/start`);
    rita = await newOperator(t, 'rita.workflow@example.com');
    team = (
      await t.api<{ id: string }>('POST', '/api/v1/teams', {
        name: 'Billing',
        members: [{ userId: rita.id, capacity: 5 }],
      })
    ).body.id;
    const sub = await t.api<{ id: string }>('POST', '/api/v1/webhook-subscriptions', {
      url: automation.url,
      eventTypes: ['workflow.trigger'],
      secret: SECRET,
      description: 'n8n: billing flow',
    });
    expect(sub.status).toBe(201);
    webhookId = sub.body.id;
    const rule = await t.api<{ id: string }>('POST', '/api/v1/routing-rules', {
      connectionId: conn,
      name: 'Invoices to the workflow',
      conditions: { keywords: ['invoice'] },
      actions: [{ type: 'workflow', webhookId }],
    });
    expect(rule.status, JSON.stringify(rule.body)).toBe(201);
  });
  afterAll(async () => {
    await t?.close();
    await new Promise((r) => automation?.server.close(r));
  });

  it('calls the automation, signed, and applies its answer: reply, tag, hand off to a team', async () => {
    automation.answers.push({
      status: 200,
      body: JSON.stringify({
        actions: [
          { type: 'reply', text: 'We found invoice 42; a colleague from billing takes over.' },
          { type: 'tag', tag: 'invoice' },
          { type: 'handoff', teamId: team, reason: 'billing question' },
        ],
      }),
    });
    const { c, events } = await routed('Where is my invoice?');
    const call = automation.calls.at(-1);
    expect(call?.verified).toBe(true);
    expect(call?.headers['switchboard-event']).toBe('workflow.trigger');
    expect(call?.body).toMatchObject({ type: 'workflow.trigger', conversation: { id: c.id } });
    expect(call?.body.message.content.text).toBe('Where is my invoice?');
    expect(events.find((e) => e.type === 'workflow.answered')?.data).toMatchObject({ webhookId });
    await eventually(
      async () => ((await convOf(c.id)).teamId === team ? true : undefined),
      10_000,
      'the handoff to the team',
    );
    expect(await convOf(c.id)).toMatchObject({
      handler: 'human',
      teamId: team,
      assigneeId: rita.id,
      tags: ['invoice'],
    });
    const texts = outboundTexts(
      await eventually(
        async () => {
          const m = await messagesOf(t, c.id);
          return m.some((x) => x.direction === 'outbound') ? m : undefined;
        },
        10_000,
        'the reply',
      ),
    );
    expect(texts).toEqual(['We found invoice 42; a colleague from billing takes over.']);
    const types = (await timelineOf(t, c.id)).map((e: TimelineEvent) => e.type);
    expect(types).toEqual(expect.arrayContaining(['rule.fired', 'workflow.answered', 'tagged', 'assigned']));
  });

  it('a failing automation leaves a workflow.failed entry and sends the customer nothing', async () => {
    automation.answers.push({ status: 500, body: 'boom' });
    const { c, events } = await routed('invoice please');
    expect(events.find((e) => e.type === 'workflow.failed')?.data).toMatchObject({
      webhookId,
      error: 'the workflow answered 500',
    });
    automation.answers.push({ status: 200, body: '{"actions":[{"type":"launch_rocket"}]}' });
    const odd = await routed('my invoice again');
    expect(String(odd.events.find((e) => e.type === 'workflow.failed')?.data.error)).toContain('not understood');
    for (const id of [c.id, odd.c.id]) expect(outboundTexts(await messagesOf(t, id))).toEqual([]);
  });

  it('refuses a rule whose workflow names no subscription of the workspace', async () => {
    const r = await t.api<{ error: { code: string; message: string } }>('POST', '/api/v1/routing-rules', {
      connectionId: conn,
      name: 'Broken',
      conditions: {},
      actions: [{ type: 'workflow', webhookId: 'whs_nope' }],
    });
    expect(r.status).toBe(400);
    expect(r.body.error.message).toContain('webhook subscription whs_nope is not in this workspace');
  });
});
