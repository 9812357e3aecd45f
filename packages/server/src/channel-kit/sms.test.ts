import { describe, expect, it } from 'vitest';
import { smsSegments } from './sms.js';

describe('SMS segments', () => {
  it('GSM-7 holds 160 characters in one SMS and 153 per part after that', () => {
    expect(smsSegments('a'.repeat(160))).toMatchObject({ encoding: 'GSM-7', count: 1, perSegment: 160 });
    expect(smsSegments('a'.repeat(161))).toMatchObject({ encoding: 'GSM-7', count: 2, perSegment: 153 });
    expect(smsSegments('a'.repeat(306)).count).toBe(2);
    expect(smsSegments('a'.repeat(307)).count).toBe(3);
  });
  it('a single emoji turns the text into UCS-2: 70 per SMS, 67 per part', () => {
    expect(smsSegments('Thanks 😀')).toMatchObject({
      encoding: 'UCS-2',
      count: 1,
      perSegment: 70,
      unicodeCharacters: ['😀'],
    });
    expect(smsSegments('😀' + 'a'.repeat(69)).count).toBe(2);
    expect(smsSegments('Привет').encoding).toBe('UCS-2');
  });
  it('GSM extension characters take two septets', () => {
    expect(smsSegments('€'.repeat(80))).toMatchObject({ encoding: 'GSM-7', count: 1 });
    expect(smsSegments('€'.repeat(81)).count).toBe(2);
  });
});
