/**
 * @module web/campaigns/campaign-model: what the campaign pages compute without the server — words for states,
 * outcomes and reasons, a segment filter as an editable tree, delays in the unit a person thinks in, the steps a
 * channel allows, and a campaign's progress from its statistics. Pure functions, unit-tested.
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
  const c = step.content;
  if (!c) return 'no content';
  if (c.type === 'template') return `template ${c.name}`;
  if (c.type === 'email') return `email “${c.subject}”`;
  return 'text';
}

/** what is wrong with a step before it is saved (the server checks again); '' when nothing */
export function stepProblem(step: CampaignStep, index: number): string {
  if (!step.connectionId) return `Step ${index + 1}: choose a connection`;
  // A/B variants are written through the API and checked by the server; the builder keeps them as they are
  if (step.variants && step.variants.length > 0) return '';
  const c = step.content;
  if (!c) return `Step ${index + 1}: write the message`;
  if (c.type === 'template') {
    if (!c.name) return `Step ${index + 1}: choose a template`;
    for (const [name, source] of Object.entries(c.variables ?? {})) {
      if ('field' in source && (!source.field || source.field === 'attributes.'))
        return `Step ${index + 1}: variable ${name} needs a contact field`;
      if ('value' in source && !source.value.trim()) return `Step ${index + 1}: variable ${name} needs a value`;
    }
  } else if (c.type === 'email') {
    if (!c.subject.trim() || !c.text.trim()) return `Step ${index + 1}: an email needs a subject and a body`;
  } else if (!c.text.trim()) return `Step ${index + 1}: write the message`;
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
