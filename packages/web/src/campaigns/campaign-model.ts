/**
 * @module web/campaigns/campaign-model: what the campaign pages compute without the server — words for states,
 * outcomes and reasons, a segment filter as an editable tree, delays in the unit a person thinks in, a step's
 * timing (a delay or a time of day) and its A/B split, the steps a channel allows, the schedule's end date and reply
 * attribution window, and a campaign's progress from its statistics. Pure functions, unit-tested.
 */
import type { CampaignStats, CampaignStep, ConnectionType, SegmentFilter } from '../../../sdk/src/index.ts';

export type CampaignStatus = 'draft' | 'scheduled' | 'running' | 'paused' | 'completed' | 'canceled';
export type Content = NonNullable<CampaignStep['content']>;
export type Condition = CampaignStep['condition'];

export const STATUS_LABEL: Record<CampaignStatus, string> = {
  draft: 'Draft',
  scheduled: 'Scheduled',
  running: 'Running',
  paused: 'Paused',
  completed: 'Completed',
  canceled: 'Canceled',
};

/** which actions a campaign in a state offers (the server refuses the rest with 409) */
export function actionsFor(status: CampaignStatus): Array<'start' | 'pause' | 'resume' | 'cancel' | 'duplicate'> {
  switch (status) {
    case 'draft':
      return ['start', 'cancel', 'duplicate'];
    case 'scheduled':
      return ['pause', 'cancel', 'duplicate'];
    case 'running':
      return ['pause', 'cancel', 'duplicate'];
    case 'paused':
      return ['resume', 'cancel', 'duplicate'];
    default:
      return ['duplicate'];
  }
}

/** the outcomes GET /campaigns/{id}/recipients filters by, in the order a campaign reaches them */
export const OUTCOMES = [
  'pending',
  'queued',
  'sent',
  'delivered',
  'read',
  'replied',
  'failed',
  'skipped',
  'excluded',
] as const;
export type Outcome = (typeof OUTCOMES)[number];

const REASONS: Record<string, string> = {
  no_identity: 'No address on the channel',
  opted_out: 'Opted out',
  replied: 'Replied to the previous step',
  condition_replied: 'Replied (the step is for who did not)',
  condition_read: 'Read the previous step',
  condition_not_failed: 'The previous step did not fail',
  contact_gone: 'Contact merged or erased',
  no_step: 'Step removed',
  canceled: 'Campaign canceled',
  expired: 'Past the end date',
  local_time: 'Waits for its time of day',
  MISSING_FIELD: 'A field the message needs is empty',
};

/** a skip, exclusion or failure reason as a person reads it; provider codes and messages stay as they are */
export function reasonLabel(reason: string): string {
  const known = REASONS[reason];
  if (known) return known;
  const missing = /^MISSING_FIELD: (.*)$/.exec(reason);
  if (missing) return `Empty field: ${missing[1]}`;
  return reason;
}

export const CONDITION_LABEL: Record<Condition, string> = {
  always: 'Always',
  not_replied: 'Only if the previous step got no reply',
  not_read: 'Only if the previous step was not read',
  failed: 'Only if the previous step failed',
};

export type DelayUnit = 'minutes' | 'hours' | 'days';
export const UNIT_SECONDS: Record<DelayUnit, number> = { minutes: 60, hours: 3600, days: 86_400 };

/** seconds as the largest whole unit: 172800 → 2 days, 90 → 1.5 minutes */
export function splitDelay(seconds: number): { amount: number; unit: DelayUnit } {
  for (const unit of ['days', 'hours'] as const)
    if (seconds >= UNIT_SECONDS[unit] && seconds % UNIT_SECONDS[unit] === 0)
      return { amount: seconds / UNIT_SECONDS[unit], unit };
  return { amount: seconds / 60, unit: 'minutes' };
}
export function joinDelay(amount: number, unit: DelayUnit): number {
  return Math.max(0, Math.round(amount * UNIT_SECONDS[unit]));
}
export function delayLabel(seconds: number): string {
  if (seconds === 0) return 'immediately';
  if (seconds % 60 !== 0) return `after ${seconds} ${seconds === 1 ? 'second' : 'seconds'}`;
  const { amount, unit } = splitDelay(seconds);
  return `after ${amount} ${amount === 1 ? unit.slice(0, -1) : unit}`;
}

/** the content kinds a connection type can carry as a business-initiated campaign message */
export function contentKinds(type: ConnectionType | undefined): Array<Content['type']> {
  if (!type) return [];
  if (type.addressKind === 'email') return ['email'];
  const caps = type.capabilities ?? {};
  const kinds: Array<Content['type']> = [];
  if (caps.templates === true) kinds.push('template');
  // a channel with a customer-service window takes business-initiated messages as templates only
  if (typeof caps.windowHours !== 'number') kinds.push('text');
  return kinds;
}

export function emptyContent(kind: Content['type']): Content {
  if (kind === 'template') return { type: 'template', name: '', language: '', variables: {} };
  if (kind === 'email') return { type: 'email', subject: '', text: '' };
  return { type: 'text', text: '' };
}

/** a step's content in a few words: the template, the mail's subject, text, or its A/B variants and split */
export function stepContentLabel(step: CampaignStep): string {
  if (step.variants && step.variants.length > 0)
    return `A/B: ${step.variants.map((v) => `${v.name} ${v.percent} %`).join(', ')}`;
  return step.content ? contentLabel(step.content) : 'no content';
}

function contentLabel(c: Content): string {
  if (c.type === 'template') return `template ${c.name}`;
  if (c.type === 'email') return `email “${c.subject}”`;
  return 'text';
}

/** every variant of an A/B step in words: "A (60 %): template spring_offer; B (40 %): text" */
export function variantsLabel(step: CampaignStep): string {
  return (step.variants ?? []).map((v) => `${v.name} (${v.percent} %): ${contentLabel(v.content)}`).join('; ');
}

/** what is wrong with one content ('' when nothing); `where` names it: "Step 2" or "Step 2, variant B" */
function contentProblem(c: Content | undefined, where: string): string {
  if (!c) return `${where}: write the message`;
  if (c.type === 'template') {
    if (!c.name) return `${where}: choose a template`;
    for (const [name, source] of Object.entries(c.variables ?? {})) {
      if ('field' in source && (!source.field || source.field === 'attributes.'))
        return `${where}: variable ${name} needs a contact field`;
      if ('value' in source && !source.value.trim()) return `${where}: variable ${name} needs a value`;
    }
  } else if (c.type === 'email') {
    if (!c.subject.trim() || !c.text.trim()) return `${where}: an email needs a subject and a body`;
  } else if (!c.text.trim()) return `${where}: write the message`;
  return '';
}

/** what is wrong with a step before it is saved (the server checks again); '' when nothing */
export function stepProblem(step: CampaignStep, index: number): string {
  const where = `Step ${index + 1}`;
  if (!step.connectionId) return `${where}: choose a connection`;
  if (step.timeOfDay && !HHMM.test(step.timeOfDay.time)) return `${where}: choose the time of day (HH:MM)`;
  if (step.timeOfDay && !validDaysAfter(step.timeOfDay.daysAfter ?? 0))
    return `${where}: the days are a whole number from 0 to ${MAX_DAYS_AFTER}`;
  if (step.variants && step.variants.length > 0) {
    const split = splitProblem(step.variants);
    if (split) return `${where}: ${split}`;
    for (const v of step.variants) {
      const problem = contentProblem(v.content, `${where}, variant ${v.name}`);
      if (problem) return problem;
    }
    return '';
  }
  return contentProblem(step.content, where);
}

// --- A/B variants ---

export type Variant = NonNullable<CampaignStep['variants']>[number];
/** the route's limits: two to five variants, each a whole percent from 1 to 99 */
export const MAX_VARIANTS = 5;
const VARIANT_NAMES = ['A', 'B', 'C', 'D', 'E'];

export function splitTotal(variants: Array<Pick<Variant, 'percent'>>): number {
  return variants.reduce((n, v) => n + (Number.isFinite(v.percent) ? v.percent : 0), 0);
}

/** what is wrong with a split ('' when nothing): the shares are whole percents from 1 to 99 that add up to 100 */
export function splitProblem(variants: Array<Pick<Variant, 'name' | 'percent'>>): string {
  if (variants.length < 2) return 'an A/B split has two variants or more';
  if (variants.length > MAX_VARIANTS) return `an A/B split has at most ${MAX_VARIANTS} variants`;
  for (const v of variants)
    if (!Number.isInteger(v.percent) || v.percent < 1 || v.percent > 99)
      return `variant ${v.name}: the share is a whole percent from 1 to 99`;
  if (new Set(variants.map((v) => v.name)).size !== variants.length) return 'each variant has its own name';
  const total = splitTotal(variants);
  if (total !== 100) return `the split adds up to ${total} %, not 100 %`;
  return '';
}

/** `n` whole percents that add up to 100, the remainder on the first: 3 → 34, 33, 33 */
export function evenSplit(n: number): number[] {
  const each = Math.floor(100 / n);
  return Array.from({ length: n }, (_, i) => each + (i === 0 ? 100 - each * n : 0));
}

const nextName = (variants: Variant[]): string =>
  VARIANT_NAMES.find((n) => !variants.some((v) => v.name === n)) ?? `V${variants.length + 1}`;

/** a plain step split in two: A keeps its content, B starts empty of the same kind, half each */
export function splitStep(step: CampaignStep): CampaignStep {
  const { content, ...rest } = step;
  const first = content ?? emptyContent('text');
  return {
    ...rest,
    variants: [
      { name: 'A', percent: 50, content: first },
      { name: 'B', percent: 50, content: emptyContent(first.type) },
    ],
  };
}

/** one more variant (empty, of the last one's kind), the split made even again */
export function addVariant(step: CampaignStep): CampaignStep {
  const variants = step.variants ?? [];
  if (variants.length === 0) return splitStep(step);
  if (variants.length >= MAX_VARIANTS) return step;
  const last = variants[variants.length - 1] as Variant;
  const next = [...variants, { name: nextName(variants), percent: 0, content: emptyContent(last.content.type) }];
  const shares = evenSplit(next.length);
  return { ...step, variants: next.map((v, i) => ({ ...v, percent: shares[i] ?? 0 })) };
}

/**
 * a step without its variant `index`: the share goes to the variant before it (the first: to the next), so a split
 * that added up still does; with one variant left it is a plain step with that content again
 */
export function removeVariant(step: CampaignStep, index: number): CampaignStep {
  const variants = step.variants ?? [];
  const removed = variants[index];
  if (!removed) return step;
  const left = variants.filter((_, i) => i !== index);
  const { variants: _v, ...rest } = step;
  if (left.length === 1) return { ...rest, content: (left[0] as Variant).content };
  const heir = Math.max(0, index - 1);
  return { ...rest, variants: left.map((v, i) => (i === heir ? { ...v, percent: v.percent + removed.percent } : v)) };
}

// --- timing ---

export type Timing = 'now' | 'delay' | 'time';
/** the route's bounds for a time-of-day step: HH:MM (00:00–23:59), 0 to 30 days after the step came due */
export const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;
export const MAX_DAYS_AFTER = 30;
const validDaysAfter = (d: number) => Number.isInteger(d) && d >= 0 && d <= MAX_DAYS_AFTER;

export function stepTiming(step: CampaignStep): Timing {
  if (step.timeOfDay) return 'time';
  return (step.delaySeconds ?? 0) > 0 ? 'delay' : 'now';
}

/** a step with another timing: a time of day starts at 09:00, the next day for a follow-up */
export function withTiming(step: CampaignStep, timing: Timing, index: number, delayUnitSeconds: number): CampaignStep {
  const { timeOfDay: _t, ...rest } = step;
  if (timing === 'now') return { ...rest, delaySeconds: 0 };
  if (timing === 'delay') return { ...rest, delaySeconds: (index === 0 ? 1 : 2) * delayUnitSeconds };
  return { ...rest, delaySeconds: 0, timeOfDay: { time: '09:00', daysAfter: index === 0 ? 0 : 1 } };
}

/**
 * when a step goes, in words: "immediately", "after 2 hours", "at 09:00 the next day, the recipient's time" — a time
 * of day counts from when the step came due (after its delay, if it has one)
 */
export function timingLabel(step: CampaignStep): string {
  const t = step.timeOfDay;
  if (!t) return delayLabel(step.delaySeconds ?? 0);
  const days = t.daysAfter ?? 0;
  const when =
    days === 0
      ? `at the next ${t.time}`
      : days === 1
        ? `at ${t.time} the next day`
        : `at ${t.time}, ${days} days later`;
  const delay = step.delaySeconds ?? 0;
  return `${delay > 0 ? `${delayLabel(delay)}, then ` : ''}${when} in the recipient's time zone`;
}

// --- schedule settings ---

/** the reply attribution window the runner uses when a campaign sets none (DEFAULT_ATTRIBUTION_HOURS there) */
export const DEFAULT_ATTRIBUTION_HOURS = 72;
/** the route's bounds: one second to 30 days */
export const MAX_ATTRIBUTION_HOURS = 30 * 24;

/** the attribution field's text as hours: undefined when empty (the default), NaN when it is no valid window */
export function parseAttribution(text: string): number | undefined {
  const t = text.trim();
  if (!t) return undefined;
  const hours = Number(t.replace(',', '.'));
  return Number.isFinite(hours) && hours >= 1 / 3600 && hours <= MAX_ATTRIBUTION_HOURS ? hours : Number.NaN;
}

export function attributionLabel(hours: number | undefined): string {
  if (hours === undefined) return `${DEFAULT_ATTRIBUTION_HOURS} hours after each send (the default)`;
  if (hours < 1) {
    const minutes = Math.round(hours * 60 * 100) / 100;
    if (minutes >= 1) return `${minutes} ${minutes === 1 ? 'minute' : 'minutes'} after each send`;
    const seconds = Math.round(hours * 3600);
    return `${seconds} ${seconds === 1 ? 'second' : 'seconds'} after each send`;
  }
  return `${hours} ${hours === 1 ? 'hour' : 'hours'} after each send`;
}

/** what is wrong with an end date ('' when nothing): it is a time, after the start (the start refuses it otherwise) */
export function endProblem(endAt: string | null, startAt: string | null, now: number): string {
  if (endAt === null) return '';
  const end = Date.parse(endAt);
  if (Number.isNaN(end)) return 'Choose when it ends';
  const start = startAt === null ? now : Date.parse(startAt);
  if (end <= (Number.isNaN(start) ? now : Math.max(start, now)))
    return startAt === null ? 'The end date is in the past' : 'The end date is not after the start';
  return '';
}

// --- segment filters as an editable tree ---

export type SegmentField = 'attribute' | 'tag' | 'channel' | 'conversationStatus' | 'lastInboundAt' | 'createdAt';
/** one condition of a segment, loosely typed while it is edited */
export interface EditCondition {
  field: SegmentField;
  op: string;
  key?: string;
  value?: string | number;
}
export interface EditGroup {
  kind: 'all' | 'any';
  children: EditNode[];
}
export type EditNode = EditCondition | EditGroup;
export const isGroup = (n: EditNode): n is EditGroup => 'kind' in n;

export const FIELD_LABEL: Record<SegmentField, string> = {
  attribute: 'Attribute',
  tag: 'Tag',
  channel: 'Channel',
  conversationStatus: 'Conversation status',
  lastInboundAt: 'Last message from them',
  createdAt: 'Created',
};
export const OPS: Record<SegmentField, Array<[string, string]>> = {
  attribute: [
    ['equals', 'is'],
    ['not_equals', 'is not'],
    ['contains', 'contains'],
    ['exists', 'is set'],
    ['not_exists', 'is not set'],
  ],
  tag: [
    ['has', 'has'],
    ['not_has', 'does not have'],
  ],
  channel: [
    ['has', 'reachable on'],
    ['not_has', 'not reachable on'],
  ],
  conversationStatus: [
    ['has', 'has a conversation'],
    ['not_has', 'has no conversation'],
  ],
  lastInboundAt: [
    ['within_days', 'within the last … days'],
    ['not_within_days', 'not within the last … days'],
    ['after', 'after'],
    ['before', 'before'],
  ],
  createdAt: [
    ['within_days', 'within the last … days'],
    ['not_within_days', 'not within the last … days'],
    ['after', 'after'],
    ['before', 'before'],
  ],
};

export function defaultCondition(field: SegmentField): EditCondition {
  switch (field) {
    case 'attribute':
      return { field, key: '', op: 'equals', value: '' };
    case 'tag':
      return { field, op: 'has', value: '' };
    case 'channel':
      return { field, op: 'has', value: '' };
    case 'conversationStatus':
      return { field, op: 'has', value: 'open' };
    default:
      return { field, op: 'within_days', value: 30 };
  }
}

/** a condition after its operator changed: the value kept where it still fits */
export function withOp(c: EditCondition, op: string): EditCondition {
  if (c.field === 'lastInboundAt' || c.field === 'createdAt') {
    const days = op === 'within_days' || op === 'not_within_days';
    const wasDays = typeof c.value === 'number';
    if (days !== wasDays) return { ...c, op, value: days ? 30 : '' };
  }
  return { ...c, op };
}

/** the API's filter as an editable tree */
export function toEdit(filter: SegmentFilter): EditGroup {
  const node = (n: unknown): EditNode => {
    const o = n as Record<string, unknown>;
    if (Array.isArray(o.all)) return { kind: 'all', children: (o.all as unknown[]).map(node) };
    if (Array.isArray(o.any)) return { kind: 'any', children: (o.any as unknown[]).map(node) };
    return { ...(o as unknown as EditCondition) };
  };
  const root = node(filter);
  return isGroup(root) ? root : { kind: 'all', children: [root] };
}

/** the tree as the API takes it, or the first problem ("Condition 2: choose a tag") */
export function fromEdit(root: EditGroup): { filter: SegmentFilter } | { problem: string } {
  let count = 0;
  let problem = '';
  const build = (n: EditNode): unknown => {
    if (isGroup(n)) return { [n.kind]: n.children.map(build) };
    count++;
    const where = `Condition ${count}`;
    const out: Record<string, unknown> = { field: n.field, op: n.op };
    if (n.field === 'attribute') {
      if (!n.key?.trim()) problem ||= `${where}: name the attribute`;
      out.key = n.key?.trim();
      if (n.op !== 'exists' && n.op !== 'not_exists') {
        if (String(n.value ?? '').trim() === '') problem ||= `${where}: give a value`;
        out.value = String(n.value ?? '');
      }
    } else if (n.field === 'lastInboundAt' || n.field === 'createdAt') {
      if (n.op === 'within_days' || n.op === 'not_within_days') {
        const days = Number(n.value);
        if (!Number.isInteger(days) || days < 0) problem ||= `${where}: days are a whole number`;
        out.value = days;
      } else {
        const at = Date.parse(String(n.value ?? ''));
        if (Number.isNaN(at)) problem ||= `${where}: choose a date`;
        else out.value = new Date(at).toISOString();
      }
    } else {
      if (String(n.value ?? '').trim() === '') problem ||= `${where}: choose a value`;
      out.value = String(n.value ?? '').trim();
    }
    return out;
  };
  const filter = build(root) as SegmentFilter;
  if (count === 0) return { problem: 'Add at least one condition' };
  return problem ? { problem } : { filter };
}

/** how deep a node sits under the root (the root is 1); the API allows four levels */
export const MAX_DEPTH = 4;

// --- progress ---

export interface StepProgress {
  stepIndex: number;
  /** jobs finished one way or another: sent (or further), failed, skipped */
  done: number;
  skipped: number;
  optedOut: number;
}

export function stepProgress(step: CampaignStats['steps'][number]): StepProgress {
  const skipped = Object.values(step.skipped).reduce((a, b) => a + b, 0);
  return {
    stepIndex: step.stepIndex,
    done: step.sent + step.failed + skipped,
    skipped,
    optedOut: (step.skipped.opted_out ?? 0) + (step.failedBy.OPTED_OUT ?? 0),
  };
}

/**
 * how far a campaign is, 0..1: of every included recipient's steps, the share finished (sent or further, failed or
 * skipped — a skipped step also ends the sequence, so its later steps count as finished with it)
 */
export function overallProgress(stats: CampaignStats): number {
  const steps = stats.steps.length;
  if (stats.included === 0 || steps === 0) return stats.status === 'completed' ? 1 : 0;
  let done = 0;
  let ended = 0; // recipients whose sequence ended before this step
  for (const s of stats.steps) {
    const p = stepProgress(s);
    // a step that failed or was skipped ends the sequence: the recipient's later steps will never run
    done += p.done + ended;
    ended += s.failed + p.skipped;
  }
  if (stats.status === 'completed') return 1;
  return Math.min(1, done / (stats.included * steps));
}

export function percent(part: number, whole: number): string {
  if (whole <= 0) return '0 %';
  return `${Math.round((part / whole) * 100)} %`;
}
