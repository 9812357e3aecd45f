import { describe, expect, it } from 'vitest';
import { quietUntil } from './campaign-runner.js';

describe('campaign quiet hours', () => {
  const overnight = { from: '21:00', to: '09:00' };
  it("holds a send inside an overnight range until it ends, in the contact's time zone", () => {
    // 22:30 in Berlin (CET, UTC+1) on a winter evening: quiet until 09:00 Berlin = 08:00 UTC the next day
    expect(quietUntil(overnight, 'Europe/Berlin', new Date('2026-01-15T21:30:20.500Z'))?.toISOString()).toBe(
      '2026-01-16T08:00:00.000Z',
    );
    // 06:15 in New York (UTC-5): until 09:00 there = 14:00 UTC
    expect(quietUntil(overnight, 'America/New_York', new Date('2026-01-15T11:15:00Z'))?.toISOString()).toBe(
      '2026-01-15T14:00:00.000Z',
    );
  });
  it('lets a send through outside the range, and at the minute it ends', () => {
    expect(quietUntil(overnight, 'Europe/Berlin', new Date('2026-01-15T12:00:00Z'))).toBeUndefined();
    expect(quietUntil(overnight, 'Europe/Berlin', new Date('2026-01-15T08:00:00Z'))).toBeUndefined();
  });
  it('handles a range within one day', () => {
    const lunch = { from: '12:00', to: '13:30' };
    expect(quietUntil(lunch, 'UTC', new Date('2026-01-15T12:10:00Z'))?.toISOString()).toBe('2026-01-15T13:30:00.000Z');
    expect(quietUntil(lunch, 'UTC', new Date('2026-01-15T13:30:00Z'))).toBeUndefined();
  });
});
