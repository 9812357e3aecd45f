/**
 * Routing rules pick the right target: conditions one by one (channel, keywords as whole words, regex, contact
 * attributes, business hours in a time zone across midnight and daylight saving, new contact), order and the
 * enabled flag, and the explanation given for every rule.
 */
import { describe, expect, it } from 'vitest';
import type { RoutingConditions, RoutingRuleRecord } from '../ports/index.js';
import {
  checkConditions,
  evaluateRules,
  keywordPattern,
  messageText,
  ruleProblems,
  withinHours,
  type RoutingInput,
} from './rules.js';

let n = 0;
function rule(name: string, conditions: RoutingConditions, extra: Partial<RoutingRuleRecord> = {}): RoutingRuleRecord {
  n++;
  return {
    id: `rr_${n}`,
    workspaceId: 'ws_1',
    connectionId: 'conn_1',
    position: n,
    name,
    enabled: true,
    conditions,
    actions: [{ type: 'tag', tag: name }],
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...extra,
  };
}

// Monday 2026-01-05 10:30 in Berlin (UTC+1 in winter) = 09:30 UTC
const MONDAY_MORNING_BERLIN = new Date('2026-01-05T09:30:00.000Z');
const input = (over: Partial<RoutingInput> = {}): RoutingInput => ({
  text: 'Hello, I need help with my order',
  channelType: 'webchat',
  contactAttributes: {},
  newContact: true,
  at: MONDAY_MORNING_BERLIN,
  ...over,
});
const office = {
  timeZone: 'Europe/Berlin',
  days: ['mon', 'tue', 'wed', 'thu', 'fri'] as const,
  from: '09:00',
  to: '17:00',
};

describe('routing rules', () => {
  it('the first enabled rule whose conditions all hold fires; the others say why not', () => {
    const rules = [
      rule('billing', { keywords: ['invoice', 'refund'] }),
      rule('disabled sales', { keywords: ['order'] }, { enabled: false }),
      rule('orders', { keywords: ['order'] }),
      rule('catch-all', {}),
    ];
    const result = evaluateRules(rules, input());
    expect(result.fired?.name).toBe('orders');
    expect(result.rules.map((r) => [r.name, r.matched, r.fired])).toEqual([
      ['billing', false, false],
      ['disabled sales', true, false],
      ['orders', true, true],
      ['catch-all', true, false],
    ]);
    expect(result.rules[0]?.reason).toContain('none of "invoice", "refund"');
    expect(result.rules[1]?.reason).toBe('disabled (its conditions would hold)');
    expect(result.rules[2]?.reason).toContain('the text contains "order"');
    expect(result.rules[3]?.reason).toBe('matched, but "orders" comes first');
  });

  it('nothing fires when no rule matches (the default route applies)', () => {
    const result = evaluateRules([rule('billing', { keywords: ['invoice'] })], input());
    expect(result.fired).toBeUndefined();
    expect(result.rules[0]?.matched).toBe(false);
  });

  it('keywords match whole words and phrases, case-insensitively, in any script', () => {
    expect(keywordPattern('order').test('my ORDER is late')).toBe(true);
    expect(keywordPattern('order').test('we reordered it')).toBe(false);
    expect(keywordPattern('order').test('orders')).toBe(false);
    expect(keywordPattern('track my order').test('please track   my order!')).toBe(true);
    expect(keywordPattern('заказ').test('Где мой заказ?')).toBe(true);
    expect(keywordPattern('заказ').test('заказы')).toBe(false);
    expect(keywordPattern('c++').test('help with c++ please')).toBe(true);
  });

  it('regex conditions are case-insensitive and report what matched', () => {
    const [check] = checkConditions({ regex: 'order\\s*#?\\d{4,}' }, input({ text: 'where is Order #12345?' }));
    expect(check).toMatchObject({ condition: 'regex', ok: true });
    expect(check?.detail).toContain('Order #12345');
    expect(checkConditions({ regex: '^\\d+$' }, input())[0]?.ok).toBe(false);
  });

  it('channel type and new contact', () => {
    expect(checkConditions({ channelTypes: ['telegram', 'whatsapp'] }, input())[0]).toMatchObject({
      ok: false,
      detail: 'channel webchat is not one of telegram, whatsapp',
    });
    expect(checkConditions({ channelTypes: ['webchat'] }, input())[0]?.ok).toBe(true);
    expect(checkConditions({ newContact: true }, input({ newContact: false }))[0]).toMatchObject({
      ok: false,
      detail: 'the contact is returning',
    });
    expect(checkConditions({ newContact: false }, input({ newContact: false }))[0]?.ok).toBe(true);
  });

  it('contact attributes: equals (by text, case-insensitively) and exists', () => {
    const attrs = { plan: 'Enterprise', seats: 40, email: '', vip: true };
    const check = (c: RoutingConditions['contactAttributes']) =>
      checkConditions({ contactAttributes: c }, input({ contactAttributes: attrs }))[0];
    expect(check([{ key: 'plan', equals: 'enterprise' }])?.ok).toBe(true);
    expect(check([{ key: 'plan', equals: 'free' }])).toMatchObject({
      ok: false,
      detail: 'plan is "Enterprise", not "free"',
    });
    expect(check([{ key: 'seats', equals: 40 }])?.ok).toBe(true);
    // forms deliver text: "40" and 40 are the same value
    expect(check([{ key: 'seats', equals: '40' }])?.ok).toBe(true);
    expect(check([{ key: 'seats', equals: 41 }])?.ok).toBe(false);
    expect(
      check([
        { key: 'vip', equals: true },
        { key: 'plan', exists: true },
      ])?.ok,
    ).toBe(true);
    expect(check([{ key: 'email', exists: true }])).toMatchObject({ ok: false, detail: 'email is not set' });
    expect(
      check([
        { key: 'email', exists: false },
        { key: 'country', exists: false },
      ])?.ok,
    ).toBe(true);
    expect(check([{ key: 'country', equals: 'DE' }])).toMatchObject({
      ok: false,
      detail: 'country is not set, not "DE"',
    });
  });

  it("business hours in the rule's time zone, inside and outside", () => {
    const inside = rule(
      'office hours',
      { businessHours: { ...office, days: [...office.days], inside: true } },
      { actions: [{ type: 'team', teamId: 'team_1' }] },
    );
    const outside = rule(
      'after hours',
      { businessHours: { ...office, days: [...office.days], inside: false } },
      { actions: [{ type: 'reply', text: 'We are closed' }] },
    );
    const rules = [inside, outside];
    // 10:30 Monday in Berlin
    expect(evaluateRules(rules, input()).fired?.name).toBe('office hours');
    expect(evaluateRules(rules, input()).rules[0]?.checks[0]?.detail).toBe(
      'mon 10:30 Europe/Berlin is inside mon,tue,wed,thu,fri 09:00–17:00 (the rule wants inside)',
    );
    // 17:00 Monday in Berlin: the end is exclusive
    expect(evaluateRules(rules, input({ at: new Date('2026-01-05T16:00:00.000Z') })).fired?.name).toBe('after hours');
    // 08:59 Berlin is 07:59 UTC: before opening
    expect(evaluateRules(rules, input({ at: new Date('2026-01-05T07:59:00.000Z') })).fired?.name).toBe('after hours');
    // Saturday noon
    expect(evaluateRules(rules, input({ at: new Date('2026-01-10T11:00:00.000Z') })).fired?.name).toBe('after hours');
    // the same UTC instant is Monday 18:30 in Tokyo: outside there, inside in Berlin
    const tokyo = rule('tokyo office', {
      businessHours: { ...office, days: [...office.days], timeZone: 'Asia/Tokyo', inside: true },
    });
    expect(evaluateRules([tokyo], input()).fired).toBeUndefined();
  });

  it('business hours follow daylight saving (Berlin summer time is UTC+2)', () => {
    const hours = { ...office, days: [...office.days] };
    // Monday 2026-07-06 07:30 UTC = 09:30 in Berlin summer time (would be 08:30 with a fixed +1 offset)
    expect(withinHours(hours, new Date('2026-07-06T07:30:00.000Z')).within).toBe(true);
    expect(withinHours(hours, new Date('2026-07-06T15:30:00.000Z')).within).toBe(false);
  });

  it('hours past midnight belong to the day they start on', () => {
    const night = { timeZone: 'UTC', days: ['fri' as const], from: '22:00', to: '06:00' };
    expect(withinHours(night, new Date('2026-01-09T23:00:00.000Z')).within).toBe(true); // Friday 23:00
    expect(withinHours(night, new Date('2026-01-10T05:59:00.000Z')).within).toBe(true); // Saturday 05:59, Friday's night
    expect(withinHours(night, new Date('2026-01-10T06:00:00.000Z')).within).toBe(false);
    expect(withinHours(night, new Date('2026-01-10T23:00:00.000Z')).within).toBe(false); // Saturday night
    expect(withinHours(night, new Date('2026-01-09T05:00:00.000Z')).within).toBe(false); // Friday early: Thursday's night
    expect(
      withinHours({ timeZone: 'UTC', days: ['mon'], from: '20:00', to: '24:00' }, new Date('2026-01-05T23:59:00.000Z'))
        .within,
    ).toBe(true);
  });

  it('all conditions of a rule must hold', () => {
    const vipHours = rule('vip in office hours', {
      keywords: ['order'],
      contactAttributes: [{ key: 'vip', equals: true }],
      businessHours: { ...office, days: [...office.days], inside: true },
      channelTypes: ['webchat'],
    });
    expect(evaluateRules([vipHours], input({ contactAttributes: { vip: true } })).fired?.name).toBe(
      'vip in office hours',
    );
    const notVip = evaluateRules([vipHours], input({ contactAttributes: {} }));
    expect(notVip.fired).toBeUndefined();
    expect(notVip.rules[0]?.checks.filter((c) => !c.ok).map((c) => c.condition)).toEqual(['contactAttributes']);
  });

  it('message text comes from text, captions and chosen buttons', () => {
    expect(messageText({ type: 'text', text: 'hi' })).toBe('hi');
    expect(
      messageText({ type: 'image', media: { url: 'http://x/1', mimeType: 'image/png', caption: 'my order' } }),
    ).toBe('my order');
    expect(messageText({ type: 'location', location: { latitude: 1, longitude: 2 } })).toBe('');
  });

  it('refuses rules it could not evaluate', () => {
    expect(ruleProblems({ regex: '(' }, [{ type: 'tag', tag: 'x' }])[0]).toMatch(/^regex:/);
    expect(
      ruleProblems(
        { businessHours: { timeZone: 'Mars/Olympus', days: ['mon'], from: '09:00', to: '17:00', inside: true } },
        [{ type: 'tag', tag: 'x' }],
      ),
    ).toEqual(['businessHours.timeZone: "Mars/Olympus" is not an IANA time zone (e.g. Europe/Berlin)']);
    expect(
      ruleProblems({ businessHours: { timeZone: 'UTC', days: [], from: '25:00', to: '09:00', inside: true } }, [
        { type: 'tag', tag: 'x' },
      ]),
    ).toHaveLength(2);
    expect(
      ruleProblems({}, [
        { type: 'agent', agentId: 'a' },
        { type: 'assign', userId: 'u' },
      ]),
    ).toEqual(['actions: hand to an agent or assign an operator, not both']);
    expect(ruleProblems({}, [])).toEqual(['actions: at least one action']);
    expect(
      ruleProblems({ keywords: ['order'] }, [
        { type: 'agent', agentId: 'a' },
        { type: 'team', teamId: 't' },
        { type: 'reply', text: 'hi' },
      ]),
    ).toEqual([]);
  });
});
