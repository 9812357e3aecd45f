/** A credential's end as a finding: healthy, the 14-day warning, the 3-day warning (a new stage), failing once ended. */
import { describe, expect, it } from 'vitest';
import { expiryCheck } from './credential-expiry.js';

const DAY = 86_400_000;
const now = new Date('2026-12-07T12:00:00.000Z');
const check = (expiresAt: Date | undefined, expiryWarningDays = [14, 3]) =>
  expiryCheck({ name: 'token_expiry', what: 'The token', expiresAt, fix: 'renew it', ask: { now, expiryWarningDays } });

describe('expiryCheck', () => {
  it('is healthy without an end and before the first warning day', () => {
    expect(check(undefined)).toEqual({ name: 'token_expiry', state: 'healthy', detail: 'The token does not expire' });
    expect(check(new Date(now.getTime() + 30 * DAY))).toMatchObject({
      state: 'healthy',
      detail: 'The token is valid until 2027-01-06 12:00 UTC',
      expiresAt: '2027-01-06T12:00:00.000Z',
    });
  });

  it('warns 14 days ahead, then again (a new stage) 3 days ahead, with the days left, the time and the fix', () => {
    expect(check(new Date(now.getTime() + 10 * DAY))).toMatchObject({
      state: 'warning',
      stage: '14d',
      detail: 'The token expires in 10 days, at 2026-12-17 12:00 UTC — renew it',
    });
    expect(check(new Date(now.getTime() + 2 * DAY - 60_000))).toMatchObject({
      state: 'warning',
      stage: '3d',
      detail: expect.stringContaining('expires in 2 days'),
    });
    expect(check(new Date(now.getTime() + 3_600_000)).detail).toContain('expires in 1 day,');
  });

  it('fails once the end has passed, and follows configured warning days', () => {
    expect(check(new Date(now.getTime() - 1000))).toMatchObject({
      state: 'failing',
      stage: 'expired',
      detail: 'The token expired at 2026-12-07 11:59 UTC — renew it',
    });
    expect(check(new Date(now.getTime() + 20 * DAY), [30, 7])).toMatchObject({ state: 'warning', stage: '30d' });
    expect(check(new Date(now.getTime() + 10 * DAY), [7])).toMatchObject({ state: 'healthy' });
  });
});
