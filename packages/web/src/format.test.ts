import { describe, expect, it } from 'vitest';
import { fullTime, withTimes } from './format.ts';

describe('withTimes: a server sentence reads its times as the app writes them', () => {
  it('cuts out every ISO time and writes it with fullTime, keeping the rest of the sentence', () => {
    const at = '2026-03-01T10:00:00.000Z';
    expect(withTimes(`The first message arrived at ${at}`)).toEqual([
      'The first message arrived at ',
      { iso: at, text: fullTime(at) },
    ]);
    expect(withTimes('from 2026-03-01T10:00Z to 2026-03-02T11:30:00+02:00.')).toEqual([
      'from ',
      { iso: '2026-03-01T10:00Z', text: fullTime('2026-03-01T10:00Z') },
      ' to ',
      { iso: '2026-03-02T11:30:00+02:00', text: fullTime('2026-03-02T11:30:00+02:00') },
      '.',
    ]);
  });

  it('leaves a sentence without a time, a bare date and an impossible time as they are', () => {
    expect(withTimes('Sends go through')).toEqual(['Sends go through']);
    expect(withTimes('since 2026-03-01')).toEqual(['since 2026-03-01']);
    expect(withTimes('at 2026-13-45T99:99Z')).toEqual(['at 2026-13-45T99:99Z']);
  });
});
