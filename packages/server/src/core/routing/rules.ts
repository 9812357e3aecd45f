/**
 * @module core/routing/rules
 * Routing rule evaluation, pure: conditions (channel type, keywords, regex, contact attributes, business hours in
 * a time zone, new contact) against one message; the first enabled rule whose conditions all hold fires. Every rule
 * gets an explanation of each check, which is what "which rule fires for this message, and why" answers.
 */
import type { Content } from '../../model/index.js';
import { isTimeZone, wallClock as clockIn, WEEKDAYS } from '../../channel-kit/index.js';
import type {
  BusinessHoursCondition,
  RoutingAction,
  RoutingConditions,
  RoutingRuleRecord,
  Weekday,
} from '../ports/index.js';
import { adminPatternProblem, runAdminPattern } from '../patterns/admin-pattern.js';

/** what the conditions look at */
export interface RoutingInput {
  text: string;
  channelType: string;
  contactAttributes: Record<string, unknown>;
  /** the contact has no earlier conversation */
  newContact: boolean;
  at: Date;
}

export type ConditionName = keyof RoutingConditions;
export interface ConditionCheck {
  condition: ConditionName;
  ok: boolean;
  detail: string;
}

export interface RuleExplanation {
  ruleId: string;
  name: string;
  connectionId: string | null;
  position: number;
  enabled: boolean;
  /** every condition holds (for a disabled rule: would hold) */
  matched: boolean;
  /** this is the rule that fires */
  fired: boolean;
  checks: ConditionCheck[];
  /** one line: why it fired or not */
  reason: string;
}

export interface Evaluation {
  fired: RoutingRuleRecord | undefined;
  rules: RuleExplanation[];
}

/** the words a message says, for keywords and regexes: text, captions, the title of a chosen button */
export function messageText(content: Content): string {
  switch (content.type) {
    case 'text':
      return content.text;
    case 'image':
    case 'audio':
    case 'video':
    case 'document':
    case 'sticker':
      return content.media.caption ?? '';
    case 'interactive':
      return content.interactive.reply?.title ?? content.interactive.text ?? '';
    case 'template':
      return content.template.text ?? '';
    case 'cards':
      return content.text ?? '';
    case 'location':
    case 'contact':
    case 'reaction':
      return '';
  }
}

const escapeRegex = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** a keyword or phrase as a whole-word, case-insensitive pattern (letters and digits of any script are word characters) */
export function keywordPattern(keyword: string): RegExp {
  const body = keyword.trim().split(/\s+/).map(escapeRegex).join('\\s+');
  return new RegExp(`(?<![\\p{L}\\p{N}_])${body}(?![\\p{L}\\p{N}_])`, 'iu');
}

const HHMM = /^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/;
const minutesOf = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

export { isTimeZone };

/** the weekday and wall-clock minute an instant shows in a time zone (channel-kit's clock), with a readable note */
export function wallClock(at: Date, timeZone: string): { day: Weekday; minute: number; text: string } {
  const { day, minute } = clockIn(at, timeZone);
  const hh = String(Math.floor(minute / 60)).padStart(2, '0');
  const mm = String(minute % 60).padStart(2, '0');
  return { day, minute, text: `${day} ${hh}:${mm} ${timeZone}` };
}

/**
 * whether an instant falls within the hours: `from`–`to` on each listed day (end exclusive); when `to` is not after
 * `from` the range runs past midnight and its early-morning part belongs to the day the range started on
 */
export function withinHours(
  hours: Pick<BusinessHoursCondition, 'timeZone' | 'days' | 'from' | 'to'>,
  at: Date,
): { within: boolean; local: string } {
  const { day, minute, text } = wallClock(at, hours.timeZone);
  const from = minutesOf(hours.from);
  const to = minutesOf(hours.to);
  const days = new Set(hours.days);
  let within: boolean;
  if (from < to) within = days.has(day) && minute >= from && minute < to;
  else {
    const previous = WEEKDAYS[(WEEKDAYS.indexOf(day) + 6) % 7] as Weekday;
    within = (days.has(day) && minute >= from) || (days.has(previous) && minute < to);
  }
  return { within, local: text };
}

/** an attribute value as conditions compare it: trimmed, lower-case text */
export function attributeText(value: unknown): string {
  return (typeof value === 'string' ? value : JSON.stringify(value)).trim().toLowerCase();
}

export function checkConditions(conditions: RoutingConditions, input: RoutingInput): ConditionCheck[] {
  const checks: ConditionCheck[] = [];
  if (conditions.channelTypes && conditions.channelTypes.length > 0) {
    const ok = conditions.channelTypes.includes(input.channelType);
    checks.push({
      condition: 'channelTypes',
      ok,
      detail: `channel ${input.channelType} ${ok ? 'is' : 'is not'} one of ${conditions.channelTypes.join(', ')}`,
    });
  }
  if (conditions.keywords && conditions.keywords.length > 0) {
    const hit = conditions.keywords.find((k) => k.trim() !== '' && keywordPattern(k).test(input.text));
    checks.push({
      condition: 'keywords',
      ok: hit !== undefined,
      detail:
        hit !== undefined
          ? `the text contains "${hit}"`
          : `the text contains none of ${conditions.keywords.map((k) => `"${k}"`).join(', ')}`,
    });
  }
  if (conditions.regex) {
    const result = runAdminPattern(conditions.regex, input.text);
    const ok = result.kind === 'match';
    const detail =
      result.kind === 'match'
        ? `/${conditions.regex}/i matches "${result.matched.slice(0, 80)}"`
        : result.kind === 'no-match'
          ? `/${conditions.regex}/i does not match the text`
          : `invalid regular expression: ${result.problem}`;
    checks.push({ condition: 'regex', ok, detail });
  }
  if (conditions.contactAttributes && conditions.contactAttributes.length > 0) {
    const failed: string[] = [];
    const held: string[] = [];
    for (const c of conditions.contactAttributes) {
      const value = input.contactAttributes[c.key];
      const present = value !== undefined && value !== null && value !== '';
      if (c.exists !== undefined && present !== c.exists) failed.push(`${c.key} is ${present ? 'set' : 'not set'}`);
      else if (c.equals !== undefined && (!present || attributeText(value) !== attributeText(c.equals)))
        failed.push(`${c.key} is ${present ? JSON.stringify(value) : 'not set'}, not ${JSON.stringify(c.equals)}`);
      else
        held.push(
          c.equals !== undefined
            ? `${c.key} = ${JSON.stringify(c.equals)}`
            : `${c.key} ${c.exists === false ? 'is not set' : 'is set'}`,
        );
    }
    checks.push({
      condition: 'contactAttributes',
      ok: failed.length === 0,
      detail: failed.length === 0 ? held.join('; ') : failed.join('; '),
    });
  }
  if (conditions.businessHours) {
    const hours = conditions.businessHours;
    const { within, local } = withinHours(hours, input.at);
    const ok = within === hours.inside;
    checks.push({
      condition: 'businessHours',
      ok,
      detail: `${local} is ${within ? 'inside' : 'outside'} ${hours.days.join(',')} ${hours.from}–${hours.to} (the rule wants ${hours.inside ? 'inside' : 'outside'})`,
    });
  }
  if (conditions.newContact !== undefined) {
    const ok = input.newContact === conditions.newContact;
    checks.push({ condition: 'newContact', ok, detail: `the contact is ${input.newContact ? 'new' : 'returning'}` });
  }
  return checks;
}

/** the first enabled rule (in the given order) whose conditions all hold fires; every rule is explained */
export function evaluateRules(rules: RoutingRuleRecord[], input: RoutingInput): Evaluation {
  let fired: RoutingRuleRecord | undefined;
  const explained = rules.map((rule): RuleExplanation => {
    const checks = checkConditions(rule.conditions, input);
    const failed = checks.filter((c) => !c.ok);
    const matched = failed.length === 0;
    let reason: string;
    let fires = false;
    if (!rule.enabled) reason = matched ? 'disabled (its conditions would hold)' : 'disabled';
    else if (!matched) reason = `not matched: ${failed.map((c) => c.detail).join('; ')}`;
    else if (fired) reason = `matched, but "${fired.name}" comes first`;
    else {
      fires = true;
      fired = rule;
      reason =
        checks.length === 0
          ? 'fired: no conditions (always holds)'
          : `fired: ${checks.map((c) => c.detail).join('; ')}`;
    }
    return {
      ruleId: rule.id,
      name: rule.name,
      connectionId: rule.connectionId,
      position: rule.position,
      enabled: rule.enabled,
      matched,
      fired: fires,
      checks,
      reason,
    };
  });
  return { fired, rules: explained };
}

/** problems with a rule an admin is saving (empty: fine) */
export function ruleProblems(conditions: RoutingConditions, actions: RoutingAction[]): string[] {
  const problems: string[] = [];
  if (conditions.regex !== undefined) {
    const problem = adminPatternProblem(conditions.regex);
    if (problem) problems.push(`regex: ${problem}`);
  }
  const hours = conditions.businessHours;
  if (hours) {
    if (!isTimeZone(hours.timeZone))
      problems.push(`businessHours.timeZone: "${hours.timeZone}" is not an IANA time zone (e.g. Europe/Berlin)`);
    if (!HHMM.test(hours.from) || hours.from === '24:00')
      problems.push('businessHours.from: HH:MM between 00:00 and 23:59');
    if (!HHMM.test(hours.to)) problems.push('businessHours.to: HH:MM between 00:00 and 24:00');
    if (hours.from === hours.to) problems.push('businessHours: from and to must differ');
    if (hours.days.length === 0) problems.push('businessHours.days: at least one day');
    for (const d of hours.days)
      if (!WEEKDAYS.includes(d)) problems.push(`businessHours.days: "${d}" is not one of ${WEEKDAYS.join(', ')}`);
  }
  for (const k of conditions.keywords ?? []) if (k.trim() === '') problems.push('keywords: empty keyword');
  const targets = actions.filter((a) => a.type === 'agent' || a.type === 'assign');
  if (actions.filter((a) => a.type === 'agent').length > 1) problems.push('actions: at most one agent');
  if (actions.filter((a) => a.type === 'team').length > 1) problems.push('actions: at most one team');
  if (actions.filter((a) => a.type === 'assign').length > 1) problems.push('actions: at most one assign');
  if (targets.length > 1) problems.push('actions: hand to an agent or assign an operator, not both');
  if (actions.length === 0) problems.push('actions: at least one action');
  return problems;
}
