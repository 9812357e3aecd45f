/**
 * @module core/campaigns/step-timing
 * Two pure decisions of the campaign runner: which A/B variant a recipient gets (a hash of campaign, step and
 * contact, so a retried, redelivered or restarted job picks the same one without reading anything), and the instant
 * of a local time of day in a recipient's time zone (a "10:00 local" step).
 */
import { createHash } from 'node:crypto';
import type { StepVariant } from '../ports/index.js';

/** buckets the split is cut into: percentages of whole numbers fall on bucket boundaries */
const BUCKETS = 10_000;

/** the index of the variant this recipient gets: the same for the same campaign, step and contact, always */
export function assignVariant(
  campaignId: string,
  stepIndex: number,
  contactId: string,
  variants: Pick<StepVariant, 'percent'>[],
): number {
  const digest = createHash('sha256').update(`${campaignId}:${stepIndex}:${contactId}`).digest();
  const bucket = digest.readUInt32BE(0) % BUCKETS;
  let upTo = 0;
  for (const [i, v] of variants.entries()) {
    upTo += (v.percent * BUCKETS) / 100;
    if (bucket < upTo) return i;
  }
  return variants.length - 1;
}

/** the calendar date and wall-clock minute of `instant` in `timeZone` */
function localParts(instant: Date, timeZone: string): { y: number; m: number; d: number; minute: number } {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(instant);
  const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return { y: get('year'), m: get('month'), d: get('day'), minute: (get('hour') % 24) * 60 + get('minute') };
}

/** the zone's offset from UTC at `instant`, in minutes (east positive) */
function offsetMinutes(instant: Date, timeZone: string): number {
  const p = localParts(instant, timeZone);
  const asUtc = Date.UTC(p.y, p.m - 1, p.d, Math.floor(p.minute / 60), p.minute % 60);
  return Math.round((asUtc - Math.floor(instant.getTime() / 60_000) * 60_000) / 60_000);
}

/** the instant the wall clock of `timeZone` shows `minute` on the date y-m-d (a time skipped by DST moves forward) */
function zonedInstant(y: number, m: number, d: number, minute: number, timeZone: string): Date {
  const naive = Date.UTC(y, m - 1, d, Math.floor(minute / 60), minute % 60);
  // twice: the offset at the first guess may differ from the offset at the answer across a DST change
  let at = naive - offsetMinutes(new Date(naive), timeZone) * 60_000;
  at = naive - offsetMinutes(new Date(at), timeZone) * 60_000;
  return new Date(at);
}

/**
 * when a step at `time` (HH:MM, local in `timeZone`) goes, counted from `from`: on the local date `daysAfter` days
 * after `from`'s; with 0 days, the same day while the time is still ahead, else the next day
 */
export function nextLocalTime(from: Date, time: string, daysAfter: number, timeZone: string): Date {
  const [h, mm] = time.split(':').map(Number);
  const minute = (h ?? 0) * 60 + (mm ?? 0);
  const p = localParts(from, timeZone);
  // calendar arithmetic on the local date (Date.UTC rolls over months and years)
  const day = (offset: number) => {
    const date = new Date(Date.UTC(p.y, p.m - 1, p.d + offset));
    return zonedInstant(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(), minute, timeZone);
  };
  const target = day(daysAfter);
  if (target.getTime() >= from.getTime()) return target;
  return day(daysAfter + 1);
}
