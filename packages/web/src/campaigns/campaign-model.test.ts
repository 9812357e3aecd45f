import { describe, expect, it } from 'vitest';
import type { CampaignStats, ConnectionType } from '../../../sdk/src/index.ts';
import {
  actionsFor,
  contentKinds,
  delayLabel,
  fromEdit,
  joinDelay,
  overallProgress,
  reasonLabel,
  splitDelay,
  stepContentLabel,
  stepProblem,
  toEdit,
  withOp,
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

  it('says what a step sends in a few words, an A/B step with its split, kept as the server checks it', () => {
    const base = { connectionId: 'c', delaySeconds: 0, condition: 'always' as const, stopOnReply: true };
    expect(stepContentLabel({ ...base, content: { type: 'text', text: 'x' } })).toBe('text');
    expect(stepContentLabel({ ...base, content: { type: 'email', subject: 'Hi', text: 'B' } })).toBe('email “Hi”');
    const ab = {
      ...base,
      variants: [
        { name: 'Short', percent: 70, content: { type: 'text' as const, text: 'a' } },
        { name: 'Long', percent: 30, content: { type: 'text' as const, text: '' } },
      ],
    };
    expect(stepContentLabel(ab)).toBe('A/B: Short 70 %, Long 30 %');
    // the builder does not edit variants: it holds no opinion on them (the server validates the split)
    expect(stepProblem(ab, 0)).toBe('');
    expect(stepProblem({ ...base }, 0)).toBe('Step 1: write the message');
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
    expect(reasonLabel('MISSING_FIELD: 2 (attributes.order)')).toBe('Empty field: 2 (attributes.order)');
    expect(reasonLabel('131026')).toBe('131026');
  });
});
