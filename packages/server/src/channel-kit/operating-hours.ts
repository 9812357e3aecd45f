/**
 * @module channel-kit/operating-hours
 * Weekly opening hours in an IANA time zone, and whether an instant falls inside them. Pure: the wall-clock time
 * comes from Intl in the configured zone, so daylight-saving shifts need no special casing.
 */
import { z } from 'zod';

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;

export function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

/** one opening interval starting on `day`; `to` before `from` runs past midnight into the next day */
export const OpeningRangeSchema = z
  .object({
    day: z.enum(WEEKDAYS),
    from: z.string().regex(HHMM, 'HH:MM (00:00–23:59)'),
    to: z.string().regex(HHMM, 'HH:MM (00:00–24:00)'),
  })
  .refine((r) => r.from !== r.to && r.from !== '24:00', {
    message: 'a range needs a start before 24:00 and an end different from its start',
  });
export type OpeningRange = z.infer<typeof OpeningRangeSchema>;

export const OperatingHoursSchema = z.object({
  /** off: always open */
  enabled: z.boolean().default(false),
  timeZone: z.string().max(64).refine(isTimeZone, 'an IANA time zone such as Europe/Berlin').default('UTC'),
  schedule: z.array(OpeningRangeSchema).max(70).default([]),
});
export type OperatingHours = z.infer<typeof OperatingHoursSchema>;

const minutes = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** the weekday and minute of the day an instant shows on a wall clock in `timeZone` */
export function wallClock(instant: Date, timeZone: string): { day: Weekday; minute: number } {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(instant);
  const get = (type: string): string => parts.find((p) => p.type === type)?.value ?? '';
  const day = get('weekday').slice(0, 3).toLowerCase() as Weekday;
  return { day, minute: (Number(get('hour')) % 24) * 60 + Number(get('minute')) };
}

function previous(day: Weekday): Weekday {
  return WEEKDAYS[(WEEKDAYS.indexOf(day) + 6) % 7] as Weekday;
}

/** true when the hours are switched off or `instant` falls inside one of the ranges */
export function isWithinHours(
  hours: Pick<OperatingHours, 'enabled' | 'timeZone' | 'schedule'> | undefined,
  instant: Date,
): boolean {
  if (!hours?.enabled) return true;
  const { day, minute } = wallClock(instant, hours.timeZone);
  return hours.schedule.some((r) => {
    const from = minutes(r.from);
    const to = minutes(r.to);
    if (from < to) return r.day === day && minute >= from && minute < to;
    // overnight: from `from` on its day until `to` on the next day
    return (r.day === day && minute >= from) || (r.day === previous(day) && minute < to);
  });
}
