/**
 * Routing conflicts over real HTTP: saving a rule that an earlier catch-all shadows succeeds and answers a
 * `rule_shadowed` warning (gone once the catch-all is disabled); a catch-all to one agent on a connection whose
 * inbound agent is another is `agents_compete`, on the rule's save and on attaching the agent; a team without
 * members is `team_empty` until it has one. The workspace's warnings are listed for the rules page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/test-server.js';
import { newOperator } from '../testing/routing-fixtures.js';

interface Warning {
  code: string;
  message: string;
  ruleId?: string;
}
interface SavedRule {
  id: string;
  name: string;
  warnings: Warning[];
}

describe('routing-conflict warnings', () => {
  let t: TestServer;
  let conn: string;
  const rule = async (body: Record<string, unknown>) => {
    const res = await t.api<SavedRule>('POST', '/api/v1/routing-rules', { connectionId: conn, ...body });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body;
  };
  const listed = async () => (await t.api<{ data: Warning[] }>('GET', '/api/v1/routing-rules/warnings')).body.data;
  const agent = async (name: string) =>
    (
      await t.api<{ id: string }>('POST', '/api/v1/agents', {
        kind: 'flow',
        name,
        config: { nodes: [{ id: 'a', type: 'message', text: `Hi from ${name}` }] },
      })
    ).body.id;

  beforeAll(async () => {
    t = await startTestServer();
    conn = (await t.api<{ id: string }>('POST', '/api/v1/connections', { type: 'webchat', name: 'Site chat' })).body.id;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('a rule shadowed by an earlier catch-all is saved, with a warning; disabling the catch-all clears it', async () => {
    const all = await rule({ name: 'Everything', actions: [{ type: 'tag', tag: 'seen' }] });
    expect(all.warnings).toEqual([]);
    const refunds = await rule({
      name: 'Refunds',
      conditions: { keywords: ['refund'] },
      actions: [{ type: 'tag', tag: 'refund' }],
    });
    expect(refunds.warnings).toEqual([
      {
        code: 'rule_shadowed',
        ruleId: refunds.id,
        message: 'Rule "Refunds" never fires: "Everything" comes first and matches every message it matches',
      },
    ]);
    // the save went through all the same
    expect((await t.api<{ name: string }>('GET', `/api/v1/routing-rules/${refunds.id}`)).body.name).toBe('Refunds');
    expect((await listed()).map((w) => w.ruleId)).toEqual([refunds.id]);

    // the explanation agrees: the catch-all fires for a refund message
    const explained = await t.api<{ firedRule: { id: string } | null }>('POST', '/api/v1/routing/explain', {
      connectionId: conn,
      text: 'I want a refund',
    });
    expect(explained.body.firedRule?.id).toBe(all.id);

    const disabled = await t.api<SavedRule>('PATCH', `/api/v1/routing-rules/${all.id}`, { enabled: false });
    expect(disabled.status).toBe(200);
    expect(disabled.body.warnings).toEqual([]);
    expect(await listed()).toEqual([]);
    // enabling it again answers the warning about the rule it shadows
    const enabled = await t.api<SavedRule>('PATCH', `/api/v1/routing-rules/${all.id}`, { enabled: true });
    expect(enabled.body.warnings.map((w) => [w.code, w.ruleId])).toEqual([['rule_shadowed', refunds.id]]);
    await t.api('DELETE', `/api/v1/routing-rules/${all.id}`);
    await t.api('DELETE', `/api/v1/routing-rules/${refunds.id}`);
  });

  it("a catch-all to another agent than the connection's inbound agent: on the rule's save and on attaching", async () => {
    const greeter = await agent('Greeter bot');
    const sales = await agent('Sales bot');
    const attached = await t.api<{ warnings: Warning[] }>('PUT', `/api/v1/agents/${greeter}/connections`, {
      connections: [{ connectionId: conn, inbound: true }],
    });
    expect(attached.status).toBe(200);
    expect(attached.body.warnings).toEqual([]);
    const toSales = await rule({ name: 'All to sales', actions: [{ type: 'agent', agentId: sales }] });
    expect(toSales.warnings).toEqual([
      expect.objectContaining({
        code: 'agents_compete',
        ruleId: toSales.id,
        message: expect.stringContaining(
          'rule "All to sales" hands every new conversation to "Sales bot", so "Greeter bot", the connection\'s inbound agent, never gets one',
        ),
      }),
    ]);
    // attaching the inbound agent again says so too, and the agent's channels show it
    const again = await t.api<{ warnings: Warning[] }>('PUT', `/api/v1/agents/${greeter}/connections`, {
      connections: [{ connectionId: conn, inbound: true }],
    });
    expect(again.body.warnings.map((w) => w.code)).toEqual(['agents_compete']);
    const channels = await t.api<{ warnings: Warning[] }>('GET', `/api/v1/agents/${greeter}/connections`);
    expect(channels.body.warnings.map((w) => w.ruleId)).toEqual([toSales.id]);
    // narrowed to a keyword, the rule splits the traffic on purpose
    const narrowed = await t.api<SavedRule>('PATCH', `/api/v1/routing-rules/${toSales.id}`, {
      conditions: { keywords: ['price'] },
    });
    expect(narrowed.body.warnings).toEqual([]);
    await t.api('DELETE', `/api/v1/routing-rules/${toSales.id}`);
  });

  it('a team without members warns until it has one', async () => {
    const team = (await t.api<{ id: string }>('POST', '/api/v1/teams', { name: 'Billing', members: [] })).body.id;
    const billing = await rule({
      name: 'Invoices',
      conditions: { keywords: ['invoice'] },
      actions: [{ type: 'team', teamId: team }],
    });
    expect(billing.warnings).toEqual([
      {
        code: 'team_empty',
        ruleId: billing.id,
        message:
          'Team "Billing" has no members: the conversations rule "Invoices" sends there wait in the team inbox with nobody assigned. Add members in Routing › Teams',
      },
    ]);
    const ana = await newOperator(t, 'ana@example.com');
    expect((await t.api('PATCH', `/api/v1/teams/${team}`, { members: [{ userId: ana.id, capacity: 3 }] })).status).toBe(
      200,
    );
    expect(await listed()).toEqual([]);
  });
});
