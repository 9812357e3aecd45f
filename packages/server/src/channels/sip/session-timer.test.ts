/**
 * RFC 4028 negotiation as the hub answers it (§9) and reads it (§7.2): the interval and refresher parsed from
 * Session-Expires (or compact `x`), 422 with our Min-SE under it, the refresher kept, chosen (uac) or forced (uas,
 * for a caller without timer support), Require only towards a caller that supports timers.
 */
import { describe, expect, it } from 'vitest';
import { readMinSe, readSessionExpires, supportsTimer, uacOffer, uasVerdict } from './session-timer.js';
import type { SipMessage } from './sip-stack.js';

const rq = (headers: Record<string, string>): SipMessage => ({ method: 'INVITE', headers: headers as never });

describe('session timer negotiation', () => {
  it('reads Session-Expires, its compact form and Min-SE; refuses what is not a number', () => {
    expect(readSessionExpires(rq({ 'session-expires': '1800;refresher=uac' }).headers)).toEqual({
      expires: 1800,
      refresher: 'uac',
    });
    expect(readSessionExpires(rq({ x: '120 ; Refresher=UAS' }).headers)).toEqual({ expires: 120, refresher: 'uas' });
    expect(readSessionExpires(rq({ 'session-expires': '300' }).headers)).toEqual({ expires: 300 });
    expect(readSessionExpires(rq({ 'session-expires': 'soon' }).headers)).toBeUndefined();
    expect(readMinSe(rq({ 'min-se': '90' }).headers)).toBe(90);
    expect(supportsTimer(rq({ supported: '100rel, Timer' }).headers)).toBe(true);
    expect(supportsTimer(rq({ supported: '100rel' }).headers)).toBe(false);
  });

  it('answers as UAS: 422 under Min-SE, the caller’s refresher kept, uac chosen, uas forced without support', () => {
    expect(uasVerdict(rq({}), { minSe: 90 })).toEqual({ kind: 'none' });
    expect(uasVerdict(rq({ supported: 'timer', 'session-expires': '60' }), { minSe: 90 })).toEqual({
      kind: 'too-small',
      headers: { 'min-se': '90' },
    });
    expect(uasVerdict(rq({ supported: 'timer', 'session-expires': '1800;refresher=uas' }), { minSe: 90 })).toEqual({
      kind: 'timer',
      interval: { expires: 1800, refresher: 'uas' },
      headers: { 'session-expires': '1800;refresher=uas', require: 'timer' },
    });
    expect(uasVerdict(rq({ supported: 'timer', 'session-expires': '600' }), { minSe: 90 })).toMatchObject({
      interval: { expires: 600, refresher: 'uac' },
    });
    // a proxy asked for the timer, the caller cannot refresh: we do, and Require would break the caller
    expect(uasVerdict(rq({ 'session-expires': '600;refresher=uac' }), { minSe: 90 })).toEqual({
      kind: 'timer',
      interval: { expires: 600, refresher: 'uas' },
      headers: { 'session-expires': '600;refresher=uas' },
    });
  });

  it('offers as UAC: Supported timer, the interval and our Min-SE', () => {
    expect(uacOffer(1800, 90)).toEqual({ supported: 'timer', 'session-expires': '1800', 'min-se': '90' });
  });
});
