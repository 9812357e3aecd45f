/** Opening hours: day boundaries, overnight ranges, time zones and daylight-saving shifts. */
import { describe, expect, it } from 'vitest';
import { isTimeZone, isWithinHours, OperatingHoursSchema, wallClock, type OperatingHours } from './operating-hours.js';

const hours = (h: Partial<OperatingHours>): OperatingHours => OperatingHoursSchema.parse({ enabled: true, ...h });
const at = (iso: string) => new Date(iso);

describe('wallClock', () => {
  it('reads the weekday and minute in the zone, not in UTC', () => {
    // 2026-01-05 is a Monday
    expect(wallClock(at('2026-01-05T23:30:00Z'), 'UTC')).toEqual({ day: 'mon', minute: 23 * 60 + 30 });
    expect(wallClock(at('2026-01-05T23:30:00Z'), 'Europe/Berlin')).toEqual({ day: 'tue', minute: 30 });
    expect(wallClock(at('2026-01-05T03:00:00Z'), 'America/Los_Angeles')).toEqual({ day: 'sun', minute: 19 * 60 });
    expect(wallClock(at('2026-01-05T00:00:00Z'), 'UTC')).toEqual({ day: 'mon', minute: 0 });
  });
});

describe('isWithinHours', () => {
  const weekdays9to17 = hours({
    timeZone: 'Europe/Berlin',
    schedule: ['mon', 'tue', 'wed', 'thu', 'fri'].map((day) => ({
      day,
      from: '09:00',
      to: '17:00',
    })) as OperatingHours['schedule'],
  });

  it('is always open when switched off or absent', () => {
    expect(isWithinHours(undefined, at('2026-01-04T03:00:00Z'))).toBe(true);
    expect(isWithinHours({ ...weekdays9to17, enabled: false }, at('2026-01-04T03:00:00Z'))).toBe(true);
  });

  it('includes the start minute and excludes the end minute', () => {
    // winter: Berlin is UTC+1
    expect(isWithinHours(weekdays9to17, at('2026-01-05T07:59:59Z'))).toBe(false);
    expect(isWithinHours(weekdays9to17, at('2026-01-05T08:00:00Z'))).toBe(true);
    expect(isWithinHours(weekdays9to17, at('2026-01-05T15:59:59Z'))).toBe(true);
    expect(isWithinHours(weekdays9to17, at('2026-01-05T16:00:00Z'))).toBe(false);
  });

  it('is closed on days without ranges', () => {
    expect(isWithinHours(weekdays9to17, at('2026-01-03T10:00:00Z'))).toBe(false); // Saturday
    expect(isWithinHours(weekdays9to17, at('2026-01-04T10:00:00Z'))).toBe(false); // Sunday
  });

  it('follows daylight saving time: 09:00 local is 08:00 UTC in winter and 07:00 UTC in summer', () => {
    expect(isWithinHours(weekdays9to17, at('2026-07-01T07:00:00Z'))).toBe(true); // 09:00 CEST
    expect(isWithinHours(weekdays9to17, at('2026-07-01T06:59:00Z'))).toBe(false);
    expect(isWithinHours(weekdays9to17, at('2026-12-01T07:00:00Z'))).toBe(false); // 08:00 CET
    expect(isWithinHours(weekdays9to17, at('2026-12-01T08:00:00Z'))).toBe(true);
  });

  it('handles the spring-forward night (New York, 2026-03-08 02:00 → 03:00)', () => {
    const sundayEarly = hours({ timeZone: 'America/New_York', schedule: [{ day: 'sun', from: '01:00', to: '03:30' }] });
    expect(isWithinHours(sundayEarly, at('2026-03-08T06:30:00Z'))).toBe(true); // 01:30 EST
    expect(isWithinHours(sundayEarly, at('2026-03-08T07:15:00Z'))).toBe(true); // 03:15 EDT (02:xx never happens)
    expect(isWithinHours(sundayEarly, at('2026-03-08T07:30:00Z'))).toBe(false); // 03:30 EDT
  });

  it('handles the fall-back night (Berlin, 2026-10-25 03:00 → 02:00): both 02:30s are inside', () => {
    const sundayNight = hours({ timeZone: 'Europe/Berlin', schedule: [{ day: 'sun', from: '02:00', to: '03:00' }] });
    expect(isWithinHours(sundayNight, at('2026-10-25T00:30:00Z'))).toBe(true); // 02:30 CEST
    expect(isWithinHours(sundayNight, at('2026-10-25T01:30:00Z'))).toBe(true); // 02:30 CET
    expect(isWithinHours(sundayNight, at('2026-10-25T02:00:00Z'))).toBe(false); // 03:00 CET
  });

  it('runs an overnight range past midnight into the next day, also from Sunday into Monday', () => {
    const nights = hours({
      timeZone: 'UTC',
      schedule: [
        { day: 'fri', from: '22:00', to: '02:00' },
        { day: 'sun', from: '23:00', to: '01:00' },
      ],
    });
    expect(isWithinHours(nights, at('2026-01-09T21:59:00Z'))).toBe(false); // Fri 21:59
    expect(isWithinHours(nights, at('2026-01-09T22:00:00Z'))).toBe(true); // Fri 22:00
    expect(isWithinHours(nights, at('2026-01-10T01:59:00Z'))).toBe(true); // Sat 01:59
    expect(isWithinHours(nights, at('2026-01-10T02:00:00Z'))).toBe(false); // Sat 02:00
    expect(isWithinHours(nights, at('2026-01-10T23:30:00Z'))).toBe(false); // Sat 23:30: no range starts Saturday
    expect(isWithinHours(nights, at('2026-01-11T23:30:00Z'))).toBe(true); // Sun 23:30
    expect(isWithinHours(nights, at('2026-01-12T00:30:00Z'))).toBe(true); // Mon 00:30, from Sunday's range
    expect(isWithinHours(nights, at('2026-01-12T01:00:00Z'))).toBe(false);
  });

  it('treats 00:00–24:00 as the whole day and a day boundary in the zone, not in UTC', () => {
    const mondays = hours({ timeZone: 'Asia/Tokyo', schedule: [{ day: 'mon', from: '00:00', to: '24:00' }] });
    expect(isWithinHours(mondays, at('2026-01-04T14:59:59Z'))).toBe(false); // Sun 23:59:59 in Tokyo
    expect(isWithinHours(mondays, at('2026-01-04T15:00:00Z'))).toBe(true); // Mon 00:00 in Tokyo, still Sunday in UTC
    expect(isWithinHours(mondays, at('2026-01-05T14:59:00Z'))).toBe(true); // Mon 23:59
    expect(isWithinHours(mondays, at('2026-01-05T15:00:00Z'))).toBe(false); // Tue 00:00
  });

  it('uses several ranges per day (a lunch break)', () => {
    const split = hours({
      timeZone: 'UTC',
      schedule: [
        { day: 'mon', from: '09:00', to: '12:00' },
        { day: 'mon', from: '13:00', to: '17:00' },
      ],
    });
    expect(isWithinHours(split, at('2026-01-05T11:59:00Z'))).toBe(true);
    expect(isWithinHours(split, at('2026-01-05T12:30:00Z'))).toBe(false);
    expect(isWithinHours(split, at('2026-01-05T13:00:00Z'))).toBe(true);
  });
});

describe('OperatingHoursSchema', () => {
  it('accepts IANA zones and rejects others', () => {
    expect(isTimeZone('Europe/Berlin')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
    expect(OperatingHoursSchema.safeParse({ enabled: true, timeZone: 'Mars/Olympus' }).success).toBe(false);
  });
  it('rejects malformed and empty ranges', () => {
    const bad = (r: unknown) => OperatingHoursSchema.safeParse({ enabled: true, schedule: [r] }).success;
    expect(bad({ day: 'mon', from: '9:00', to: '17:00' })).toBe(false);
    expect(bad({ day: 'mon', from: '09:00', to: '24:01' })).toBe(false);
    expect(bad({ day: 'mon', from: '09:00', to: '09:00' })).toBe(false);
    expect(bad({ day: 'mon', from: '24:00', to: '01:00' })).toBe(false);
    expect(bad({ day: 'funday', from: '09:00', to: '10:00' })).toBe(false);
    expect(bad({ day: 'mon', from: '09:00', to: '10:00' })).toBe(true);
  });
  it('defaults to switched off in UTC', () => {
    expect(OperatingHoursSchema.parse({})).toEqual({ enabled: false, timeZone: 'UTC', schedule: [] });
  });
});
