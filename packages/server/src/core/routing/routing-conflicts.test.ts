/**
 * The routing-conflict detector: which earlier rule covers a later one (and that such a claim always agrees with
 * the matching rules themselves), shadowed rules per connection and workspace-wide, a catch-all handing a
 * connection's traffic to another agent than its inbound agent, teams without members, and which warnings a save
 * is answered with.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RoutingAction, RoutingConditions, RoutingRuleRecord } from '../ports/index.js';
import {
  covers,
  findConflicts,
  warningsAbout,
  type ConflictConnection,
  type RoutingSnapshot,
} from './routing-conflicts.js';
import { checkConditions, type RoutingInput } from './rules.js';

let n = 0;
function rule(
  name: string,
  conditions: RoutingConditions,
  actions: RoutingAction[] = [{ type: 'tag', tag: 'x' }],
  extra: Partial<RoutingRuleRecord> = {},
): RoutingRuleRecord {
  n++;
  return {
    id: `rr_${name.replace(/\W+/g, '_')}`,
    workspaceId: 'ws_1',
    connectionId: 'conn_tg',
    position: n,
    name,
    enabled: true,
    conditions,
    actions,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...extra,
  };
}

function snapshot(
  rules: RoutingRuleRecord[],
  connections: Array<Omit<ConflictConnection, 'rules'>> = [
    { id: 'conn_tg', name: 'Support bot', type: 'telegram', inboundAgent: undefined },
  ],
  teams: Array<[string, string, number]> = [],
): RoutingSnapshot {
  const byPosition = (a: RoutingRuleRecord, b: RoutingRuleRecord) => a.position - b.position;
  return {
    connections: connections.map((c) => ({
      ...c,
      rules: [
        ...rules.filter((r) => r.connectionId === c.id).sort(byPosition),
        ...rules.filter((r) => r.connectionId === null).sort(byPosition),
      ],
    })),
    rules,
    teams: new Map(teams.map(([id, name, members]) => [id, { name, members }])),
    agentNames: new Map([
      ['agt_greeter', 'Greeter bot'],
      ['agt_sales', 'Sales bot'],
    ]),
  };
}

describe('covers', () => {
  it('a rule without conditions covers everything; nothing but a catch-all covers a catch-all', () => {
    expect(covers({}, { keywords: ['refund'] }, 'telegram')).toBe(true);
    expect(covers({}, {}, 'telegram')).toBe(true);
    expect(covers({ keywords: ['refund'] }, {}, 'telegram')).toBe(false);
  });

  it('keywords: each later keyword must contain an earlier one as whole words', () => {
    expect(covers({ keywords: ['refund'] }, { keywords: ['Refund  now', 'refund'] }, 'telegram')).toBe(true);
    expect(covers({ keywords: ['refund', 'billing'] }, { keywords: ['billing'] }, 'telegram')).toBe(true);
    expect(covers({ keywords: ['refund'] }, { keywords: ['refunds'] }, 'telegram')).toBe(false);
    expect(covers({ keywords: ['refund'] }, { keywords: ['refund', 'order'] }, 'telegram')).toBe(false);
    expect(covers({ keywords: ['refund'] }, { regex: 'refund' }, 'telegram')).toBe(false);
  });

  it('channel types, regex, attributes, hours and new contact', () => {
    expect(covers({ channelTypes: ['telegram', 'sms'] }, {}, 'telegram')).toBe(true);
    expect(covers({ channelTypes: ['sms'] }, {}, 'telegram')).toBe(false);
    expect(covers({ regex: 'a+' }, { regex: 'a+', keywords: ['x'] }, 'telegram')).toBe(true);
    expect(covers({ regex: 'a+' }, { regex: 'aa+' }, 'telegram')).toBe(false);
    const vip = { contactAttributes: [{ key: 'plan', exists: true }] };
    expect(covers(vip, { contactAttributes: [{ key: 'plan', equals: 'Gold ' }] }, 'telegram')).toBe(true);
    expect(covers({ contactAttributes: [{ key: 'plan', equals: 'gold' }] }, vip, 'telegram')).toBe(false);
    expect(
      covers(
        { contactAttributes: [{ key: 'plan', equals: 'gold' }] },
        { contactAttributes: [{ key: 'plan', equals: ' GOLD' }] },
        'telegram',
      ),
    ).toBe(true);
    const hours = {
      timeZone: 'Europe/Berlin',
      days: ['mon', 'tue'] as const,
      from: '09:00',
      to: '17:00',
      inside: true,
    };
    expect(
      covers(
        { businessHours: { ...hours, days: [...hours.days] } },
        { businessHours: { ...hours, days: ['tue', 'mon'] } },
        'telegram',
      ),
    ).toBe(true);
    expect(
      covers(
        { businessHours: { ...hours, days: [...hours.days] } },
        { businessHours: { ...hours, days: [...hours.days], inside: false } },
        'telegram',
      ),
    ).toBe(false);
    expect(covers({ newContact: true }, { newContact: true, keywords: ['hi'] }, 'telegram')).toBe(true);
    expect(covers({ newContact: true }, {}, 'telegram')).toBe(false);
  });

  it('never claims a cover the matching rules disagree with (random conditions and messages)', () => {
    const words = ['refund', 'order', 'help', 'refund now', 'billing'];
    const conditions = fc.record(
      {
        channelTypes: fc.subarray(['telegram', 'sms', 'webchat'], { minLength: 1 }),
        keywords: fc.subarray(words, { minLength: 1 }),
        regex: fc.constantFrom('refund', 'ord(er)?'),
        contactAttributes: fc.array(
          fc.oneof(
            fc.record({ key: fc.constantFrom('plan', 'city'), exists: fc.boolean() }),
            fc.record({ key: fc.constantFrom('plan', 'city'), equals: fc.constantFrom('gold', 'Gold ', 'berlin') }),
          ),
          { maxLength: 2 },
        ),
        businessHours: fc.record({
          timeZone: fc.constant('Europe/Berlin'),
          days: fc.constantFrom(['mon', 'tue'] as Array<'mon' | 'tue'>, ['mon'] as Array<'mon'>),
          from: fc.constant('09:00'),
          to: fc.constant('17:00'),
          inside: fc.boolean(),
        }),
        newContact: fc.boolean(),
      },
      { requiredKeys: [] },
    );
    const input = fc.record({
      text: fc.array(fc.constantFrom(...words, 'please', 'my', 'ordering'), { maxLength: 5 }).map((w) => w.join(' ')),
      channelType: fc.constantFrom('telegram', 'sms', 'webchat'),
      contactAttributes: fc.record(
        { plan: fc.constantFrom('gold', 'GOLD', 'silver', ''), city: fc.constantFrom('Berlin', 'Paris') },
        { requiredKeys: [] },
      ),
      newContact: fc.boolean(),
      // a Monday and a Tuesday morning, a Monday night (Berlin)
      at: fc.constantFrom(
        new Date('2026-01-05T09:30:00Z'),
        new Date('2026-01-06T09:30:00Z'),
        new Date('2026-01-05T22:00:00Z'),
      ),
    });
    const holds = (c: RoutingConditions, i: RoutingInput) => checkConditions(c, i).every((x) => x.ok);
    fc.assert(
      fc.property(conditions, conditions, input, (earlier, later, i) => {
        fc.pre(holds(later, i));
        if (covers(earlier, later, i.channelType)) expect(holds(earlier, i)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  }, 60_000);
});

describe('findConflicts', () => {
  it('a catch-all early in the order shadows every later rule of the connection', () => {
    const all = rule('Everything to support', {});
    const refunds = rule('Refunds', { keywords: ['refund'] });
    const found = findConflicts(snapshot([all, refunds]));
    expect(found).toEqual([
      expect.objectContaining({
        code: 'rule_shadowed',
        ruleId: refunds.id,
        message: 'Rule "Refunds" never fires: "Everything to support" comes first and matches every message it matches',
      }),
    ]);
  });

  it('a disabled rule shadows nothing and a narrower rule first is fine', () => {
    const all = rule('Everything', {}, undefined, { enabled: false });
    const refunds = rule('Refunds', { keywords: ['refund'] });
    const after = rule('The rest', {});
    expect(findConflicts(snapshot([all, refunds, after]))).toEqual([]);
  });

  it('a workspace-wide rule: shadowed on one connection, or on every connection it applies to', () => {
    const connections = [
      { id: 'conn_tg', name: 'Support bot', type: 'telegram', inboundAgent: undefined },
      { id: 'conn_sms', name: 'SMS line', type: 'sms', inboundAgent: undefined },
    ];
    const tgAll = rule('Telegram: all', {});
    const wide = rule('Greet new contacts', { newContact: true }, undefined, { connectionId: null });
    expect(findConflicts(snapshot([tgAll, wide], connections))).toEqual([
      expect.objectContaining({
        ruleId: wide.id,
        message:
          'Rule "Greet new contacts" never fires on "Support bot": "Telegram: all" comes first there and matches every message it matches',
      }),
    ]);
    const smsAll = rule('SMS: all', {}, undefined, { connectionId: 'conn_sms' });
    const [w] = findConflicts(snapshot([tgAll, smsAll, wide], connections));
    expect(w?.message).toBe(
      'Rule "Greet new contacts" never fires on any connection: "Telegram: all", "SMS: all" come first and match every message it matches',
    );
    // a rule for Telegram only is not shadowed by the SMS catch-all
    const tgOnly = rule('Telegram new', { channelTypes: ['telegram'] }, undefined, { connectionId: null });
    expect(findConflicts(snapshot([smsAll, tgOnly], connections))).toEqual([]);
  });

  it("a catch-all to another agent than the connection's inbound agent: two agents for one connection", () => {
    const connections = [
      {
        id: 'conn_tg',
        name: 'Support bot',
        type: 'telegram',
        inboundAgent: { id: 'agt_greeter', name: 'Greeter bot' },
      },
    ];
    const sales = rule('All to sales', { channelTypes: ['telegram'] }, [{ type: 'agent', agentId: 'agt_sales' }]);
    const found = findConflicts(snapshot([sales], connections));
    expect(found).toEqual([
      {
        code: 'agents_compete',
        ruleId: sales.id,
        message:
          'Two agents take the inbound messages of "Support bot": rule "All to sales" hands every new conversation to "Sales bot", so "Greeter bot", the connection\'s inbound agent, never gets one. Narrow the rule or turn Inbound off for one of them',
        involves: [sales.id, 'agt_sales', 'agt_greeter', 'conn_tg'],
      },
    ]);
    // a keyword split between the agents is routing doing its job; the same agent is no conflict either
    const split = rule('Sales words', { keywords: ['price'] }, [{ type: 'agent', agentId: 'agt_sales' }]);
    const same = rule('All to greeter', {}, [{ type: 'agent', agentId: 'agt_greeter' }]);
    expect(findConflicts(snapshot([split, same], connections))).toEqual([]);
  });

  it('a team without members', () => {
    const billing = rule('Billing', { keywords: ['invoice'] }, [{ type: 'team', teamId: 'team_b' }]);
    const sales = rule('Sales', { keywords: ['price'] }, [{ type: 'team', teamId: 'team_s' }]);
    const found = findConflicts(
      snapshot([billing, sales], undefined, [
        ['team_b', 'Billing', 0],
        ['team_s', 'Sales', 2],
      ]),
    );
    expect(found).toEqual([
      expect.objectContaining({
        code: 'team_empty',
        ruleId: billing.id,
        message:
          'Team "Billing" has no members: the conversations rule "Billing" sends there wait in the team inbox with nobody assigned. Add members in Routing › Teams',
      }),
    ]);
  });

  it('a save is answered with the warnings that involve what was saved', () => {
    const all = rule('Everything', {});
    const refunds = rule('Refunds', { keywords: ['refund'] });
    const empty = rule('Team', { keywords: ['x'] }, [{ type: 'team', teamId: 'team_b' }]);
    const found = findConflicts(snapshot([all, refunds, empty], undefined, [['team_b', 'Billing', 0]]));
    expect(warningsAbout(found, [all.id]).map((w) => w.ruleId)).toEqual([refunds.id, empty.id]);
    expect(warningsAbout(found, ['team_b']).map((w) => w.code)).toEqual(['team_empty']);
    expect(warningsAbout(found).length).toBe(3);
    expect(warningsAbout(found, [all.id])[0]).not.toHaveProperty('involves');
  });
});
