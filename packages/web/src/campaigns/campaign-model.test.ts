import { describe, expect, it } from 'vitest';
import type { CampaignStats, ConnectionType } from '../../../sdk/src/index.ts';
import {
  actionsFor,
  addVariant,
  attributionLabel,
  contentKinds,
  delayLabel,
  endProblem,
  evenSplit,
  fromEdit,
  joinDelay,
  overallProgress,
  parseAttribution,
  reasonLabel,
  removeVariant,
  splitDelay,
  splitProblem,
  splitStep,
  splitTotal,
  stepContentLabel,
  stepProblem,
  stepTiming,
  timingLabel,
  toEdit,
  variantsLabel,
  withOp,
  withTiming,
} from './campaign-model.ts';

const type = (over: Partial<ConnectionType>): ConnectionType =>
  ({
    type: 'x',
    displayName: 'X',
    description: '',
    addressKind: 'phone',
    canCheck: false,
    capabilities: {},
    configSchema: {},
    features: [],
    needsCredentials: true,
    ...over,
  }) as ConnectionType;

const step = (over: Partial<CampaignStats['steps'][number]> = {}): CampaignStats['steps'][number] => ({
  stepIndex: 0,
  pending: 0,
  queued: 0,
  sent: 0,
  delivered: 0,
  read: 0,
  failed: 0,
  replied: 0,
  skipped: {},
  failedBy: {},
  variants: [],
  ...over,
});

describe('campaign model', () => {
  it('offers the actions a state allows', () => {
    expect(actionsFor('draft')).toEqual(['start', 'cancel', 'duplicate']);
    expect(actionsFor('running')).toEqual(['pause', 'cancel', 'duplicate']);
    expect(actionsFor('paused')).toEqual(['resume', 'cancel', 'duplicate']);
    expect(actionsFor('completed')).toEqual(['duplicate']);
  });

  it('writes delays in the largest whole unit', () => {
    expect(splitDelay(172_800)).toEqual({ amount: 2, unit: 'days' });
    expect(splitDelay(7200)).toEqual({ amount: 2, unit: 'hours' });
    expect(splitDelay(90)).toEqual({ amount: 1.5, unit: 'minutes' });
    expect(joinDelay(1.5, 'hours')).toBe(5400);
    expect(joinDelay(-3, 'days')).toBe(0);
    expect(delayLabel(0)).toBe('immediately');
    expect(delayLabel(86_400)).toBe('after 1 day');
    expect(delayLabel(3 * 3600)).toBe('after 3 hours');
    expect(delayLabel(12)).toBe('after 12 seconds');
    expect(delayLabel(90)).toBe('after 90 seconds');
  });

  it('offers templates on a windowed channel, text where business-initiated text goes, email on mail', () => {
    expect(contentKinds(type({ capabilities: { templates: true, windowHours: 24 } }))).toEqual(['template']);
    expect(contentKinds(type({ capabilities: { templates: true } }))).toEqual(['template', 'text']);
    expect(contentKinds(type({ capabilities: {} }))).toEqual(['text']);
    expect(contentKinds(type({ addressKind: 'email' }))).toEqual(['email']);
    expect(contentKinds(undefined)).toEqual([]);
  });

  it('names what a step lacks before it is saved', () => {
    const base = { delaySeconds: 0, condition: 'always' as const, stopOnReply: true };
    expect(stepProblem({ ...base, connectionId: '', content: { type: 'text', text: 'x' } }, 0)).toMatch(/connection/);
    expect(stepProblem({ ...base, connectionId: 'c', content: { type: 'text', text: ' ' } }, 1)).toBe(
      'Step 2: write the message',
    );
    expect(
      stepProblem(
        {
          ...base,
          connectionId: 'c',
          content: { type: 'template', name: 't', language: 'en', variables: { 2: { field: 'attributes.' } } },
        },
        0,
      ),
    ).toBe('Step 1: variable 2 needs a contact field');
    expect(
      stepProblem({ ...base, connectionId: 'c', content: { type: 'email', subject: 'Hi', text: 'Body' } }, 0),
    ).toBe('');
  });

  it('says what a step sends in a few words, an A/B step with its split', () => {
    const base = { connectionId: 'c', delaySeconds: 0, condition: 'always' as const, stopOnReply: true };
    expect(stepContentLabel({ ...base, content: { type: 'text', text: 'x' } })).toBe('text');
    expect(stepContentLabel({ ...base, content: { type: 'email', subject: 'Hi', text: 'B' } })).toBe('email “Hi”');
    const ab = {
      ...base,
      variants: [
        { name: 'Short', percent: 70, content: { type: 'text' as const, text: 'a' } },
        {
          name: 'Long',
          percent: 30,
          content: { type: 'template' as const, name: 'spring', language: 'en', variables: {} },
        },
      ],
    };
    expect(stepContentLabel(ab)).toBe('A/B: Short 70 %, Long 30 %');
    expect(variantsLabel(ab)).toBe('Short (70 %): text; Long (30 %): template spring');
    expect(stepProblem(ab, 0)).toBe('');
    expect(stepProblem({ ...base }, 0)).toBe('Step 1: write the message');
  });

  it('checks an A/B split: whole shares from 1 to 99 adding up to 100, names unique, each content written', () => {
    const v = (name: string, percent: number, text = 'hi') => ({
      name,
      percent,
      content: { type: 'text' as const, text },
    });
    expect(splitTotal([v('A', 60), v('B', 40)])).toBe(100);
    expect(splitProblem([v('A', 60), v('B', 40)])).toBe('');
    expect(splitProblem([v('A', 70), v('B', 20)])).toBe('the split adds up to 90 %, not 100 %');
    expect(splitProblem([v('A', 70), v('B', 40)])).toBe('the split adds up to 110 %, not 100 %');
    expect(splitProblem([v('A', 100)])).toBe('an A/B split has two variants or more');
    expect(splitProblem([v('A', 0), v('B', 100)])).toBe('variant A: the share is a whole percent from 1 to 99');
    expect(splitProblem([v('A', 50.5), v('B', 49.5)])).toBe('variant A: the share is a whole percent from 1 to 99');
    expect(splitProblem([v('A', Number.NaN), v('B', 40)])).toMatch(/variant A/);
    expect(splitProblem([v('A', 50), v('A', 50)])).toBe('each variant has its own name');
    const base = { connectionId: 'c', delaySeconds: 0, condition: 'always' as const, stopOnReply: true };
    // the step's problem names the step, and then the variant whose content lacks something
    expect(stepProblem({ ...base, variants: [v('A', 70), v('B', 20)] }, 0)).toBe(
      'Step 1: the split adds up to 90 %, not 100 %',
    );
    expect(stepProblem({ ...base, variants: [v('A', 60), v('B', 40, ' ')] }, 1)).toBe(
      'Step 2, variant B: write the message',
    );
  });

  it('splits a step into variants and back: A keeps the content, shares stay at 100, one left is a plain step', () => {
    const base = { connectionId: 'c', delaySeconds: 60, condition: 'not_replied' as const, stopOnReply: false };
    const plain = { ...base, content: { type: 'email' as const, subject: 'Hi', text: 'Body' } };
    const split = splitStep(plain);
    expect(split).toEqual({
      ...base,
      variants: [
        { name: 'A', percent: 50, content: plain.content },
        { name: 'B', percent: 50, content: { type: 'email', subject: '', text: '' } },
      ],
    });
    expect('content' in split).toBe(false);
    expect(evenSplit(3)).toEqual([34, 33, 33]);
    expect(evenSplit(2)).toEqual([50, 50]);
    const three = addVariant(split);
    expect(three.variants?.map((x) => [x.name, x.percent])).toEqual([
      ['A', 34],
      ['B', 33],
      ['C', 33],
    ]);
    // B goes: its share joins A's; the next added takes the first free letter again
    const noB = removeVariant(three, 1);
    expect(noB.variants?.map((x) => [x.name, x.percent])).toEqual([
      ['A', 67],
      ['C', 33],
    ]);
    expect(addVariant(noB).variants?.map((x) => x.name)).toEqual(['A', 'C', 'B']);
    // A goes: its share joins the next one
    expect(removeVariant(three, 0).variants?.map((x) => [x.name, x.percent])).toEqual([
      ['B', 67],
      ['C', 33],
    ]);
    // down to one: a plain step with that variant's content, nothing else changed
    const back = removeVariant(split, 1);
    expect(back).toEqual(plain);
    expect('variants' in back).toBe(false);
    let five = split;
    for (let i = 0; i < 5; i++) five = addVariant(five);
    expect(five.variants?.length).toBe(5);
    expect(splitTotal(five.variants ?? [])).toBe(100);
  });

  it('says when a step goes: immediately, after a delay, or at a time of day in the recipient’s zone', () => {
    const base = { connectionId: 'c', delaySeconds: 0, condition: 'always' as const, stopOnReply: true };
    expect(stepTiming(base)).toBe('now');
    expect(stepTiming({ ...base, delaySeconds: 3600 })).toBe('delay');
    const at = { ...base, timeOfDay: { time: '10:00', daysAfter: 0 } };
    expect(stepTiming(at)).toBe('time');
    expect(timingLabel(base)).toBe('immediately');
    expect(timingLabel({ ...base, delaySeconds: 7200 })).toBe('after 2 hours');
    expect(timingLabel(at)).toBe("at the next 10:00 in the recipient's time zone");
    expect(timingLabel({ ...base, timeOfDay: { time: '09:30', daysAfter: 1 } })).toBe(
      "at 09:30 the next day in the recipient's time zone",
    );
    expect(timingLabel({ ...base, timeOfDay: { time: '09:30', daysAfter: 3 } })).toBe(
      "at 09:30, 3 days later in the recipient's time zone",
    );
    expect(timingLabel({ ...base, delaySeconds: 3600, timeOfDay: { time: '18:00', daysAfter: 0 } })).toBe(
      "after 1 hour, then at the next 18:00 in the recipient's time zone",
    );
    // switching: a time of day drops the delay, a delay or "now" drops the time of day
    expect(withTiming({ ...base, delaySeconds: 600 }, 'time', 1, 3600)).toEqual({
      ...base,
      timeOfDay: { time: '09:00', daysAfter: 1 },
    });
    expect(withTiming(at, 'delay', 1, 3600)).toEqual({ ...base, delaySeconds: 7200 });
    expect(withTiming(at, 'now', 0, 3600)).toEqual(base);
    // the route's bounds: HH:MM and 0 to 30 days
    expect(
      stepProblem({ ...base, content: { type: 'text', text: 'x' }, timeOfDay: { time: '24:00', daysAfter: 0 } }, 0),
    ).toBe('Step 1: choose the time of day (HH:MM)');
    expect(
      stepProblem({ ...base, content: { type: 'text', text: 'x' }, timeOfDay: { time: '23:59', daysAfter: 31 } }, 0),
    ).toBe('Step 1: the days are a whole number from 0 to 30');
    expect(
      stepProblem({ ...base, content: { type: 'text', text: 'x' }, timeOfDay: { time: '00:00', daysAfter: 30 } }, 0),
    ).toBe('');
  });

  it('reads the attribution window and checks the end date against the start', () => {
    expect(parseAttribution('')).toBeUndefined();
    expect(parseAttribution(' 24 ')).toBe(24);
    expect(parseAttribution('1,5')).toBe(1.5);
    expect(parseAttribution('0')).toBeNaN();
    expect(parseAttribution('721')).toBeNaN();
    expect(parseAttribution('soon')).toBeNaN();
    expect(attributionLabel(undefined)).toBe('72 hours after each send (the default)');
    expect(attributionLabel(1)).toBe('1 hour after each send');
    expect(attributionLabel(48)).toBe('48 hours after each send');
    expect(attributionLabel(0.5)).toBe('30 minutes after each send');
    expect(attributionLabel(3 / 3600)).toBe('3 seconds after each send');
    const now = Date.parse('2030-01-01T12:00:00Z');
    expect(endProblem(null, null, now)).toBe('');
    expect(endProblem('2030-01-02T00:00:00Z', null, now)).toBe('');
    expect(endProblem('2029-12-31T00:00:00Z', null, now)).toBe('The end date is in the past');
    expect(endProblem('2030-01-03T00:00:00Z', '2030-01-02T00:00:00Z', now)).toBe('');
    expect(endProblem('2030-01-02T00:00:00Z', '2030-01-02T00:00:00Z', now)).toBe('The end date is not after the start');
    expect(endProblem('nonsense', null, now)).toBe('Choose when it ends');
  });

  it('turns a filter into an editable tree and back, with the first problem named', () => {
    const filter = {
      all: [
        { field: 'tag' as const, op: 'has' as const, value: 'vip' },
        {
          any: [
            { field: 'attribute' as const, key: 'city', op: 'equals' as const, value: 'Berlin' },
            { field: 'lastInboundAt' as const, op: 'within_days' as const, value: 30 },
          ],
        },
      ],
    };
    const tree = toEdit(filter);
    expect(tree.kind).toBe('all');
    expect(fromEdit(tree)).toEqual({ filter });
    expect(fromEdit({ kind: 'any', children: [] })).toEqual({ problem: 'Add at least one condition' });
    expect(
      fromEdit({
        kind: 'all',
        children: [
          { field: 'tag', op: 'has', value: 'a' },
          { field: 'tag', op: 'has', value: '' },
        ],
      }),
    ).toEqual({ problem: 'Condition 2: choose a value' });
    expect(fromEdit({ kind: 'all', children: [{ field: 'attribute', key: 'vip', op: 'exists' }] })).toEqual({
      filter: { all: [{ field: 'attribute', key: 'vip', op: 'exists' }] },
    });
    // a date condition switched from "within days" to "before" drops the number for a date
    const before = withOp({ field: 'createdAt', op: 'within_days', value: 30 }, 'before');
    expect(before.value).toBe('');
    expect(fromEdit({ kind: 'all', children: [before] })).toEqual({ problem: 'Condition 1: choose a date' });
    expect(fromEdit({ kind: 'all', children: [{ ...before, value: '2026-01-02' }] })).toEqual({
      filter: { all: [{ field: 'createdAt', op: 'before', value: '2026-01-02T00:00:00.000Z' }] },
    });
  });

  it('measures progress over every included recipient’s steps, an ended sequence counting as done', () => {
    const stats = (status: CampaignStats['status'], steps: CampaignStats['steps']): CampaignStats => ({
      status,
      audience: 12,
      included: 10,
      excluded: { no_identity: 2 },
      steps,
    });
    expect(overallProgress(stats('running', [step({ pending: 10 }), step({ stepIndex: 1 })]))).toBe(0);
    // 6 of step 1 went, 2 failed (their step 2 never comes), 2 waiting; step 2: 3 sent
    const mid = stats('running', [
      step({ sent: 6, failed: 2, pending: 2 }),
      step({ stepIndex: 1, sent: 3, pending: 3 }),
    ]);
    expect(overallProgress(mid)).toBeCloseTo((8 + 3 + 2) / 20);
    expect(overallProgress({ ...mid, status: 'completed' })).toBe(1);
  });

  it('reads reasons as words', () => {
    expect(reasonLabel('opted_out')).toBe('Opted out');
    expect(reasonLabel('local_time')).toBe('Waits for its time of day');
    expect(reasonLabel('expired')).toBe('Past the end date');
    expect(reasonLabel('MISSING_FIELD: 2 (attributes.order)')).toBe('Empty field: 2 (attributes.order)');
    expect(reasonLabel('131026')).toBe('131026');
  });
});
