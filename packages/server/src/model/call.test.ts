import { describe, expect, it } from 'vitest';
import { callPreview, formatCallDuration } from './call.js';

const ended = {
  direction: 'inbound' as const,
  state: 'completed' as const,
  answeredAt: '2026-01-01T00:00:01.000Z',
  durationSeconds: 72,
  answeredBy: null,
};

describe('the inbox line of an ended call', () => {
  it('an answered call says its outcome and its length', () => {
    expect(callPreview(ended)).toBe('Call · completed · 1:12');
    expect(callPreview({ ...ended, durationSeconds: 3725 })).toBe('Call · completed · 1:02:05');
    expect(callPreview({ ...ended, durationSeconds: null })).toBe('Call · completed · 0:00');
  });

  it('an incoming call nobody answered is a missed call, whatever the provider called its end', () => {
    for (const state of ['no-answer', 'canceled', 'busy'] as const)
      expect(callPreview({ ...ended, state, answeredAt: null, durationSeconds: 0 })).toBe('Missed call');
  });

  it('a placed call nobody answered says why; an answering machine and a voicemail are named', () => {
    expect(
      callPreview({ ...ended, direction: 'outbound', state: 'no-answer', answeredAt: null, durationSeconds: 0 }),
    ).toBe('Call · no answer');
    expect(callPreview({ ...ended, direction: 'outbound', answeredBy: 'machine', durationSeconds: 9 })).toBe(
      'Call · completed · answering machine · 0:09',
    );
    expect(callPreview({ ...ended, durationSeconds: 31 }, { voicemail: true })).toBe(
      'Call · completed · 0:31 · voicemail',
    );
  });

  it('durations round to whole seconds and never go negative', () => {
    expect(formatCallDuration(59.6)).toBe('1:00');
    expect(formatCallDuration(-3)).toBe('0:00');
  });
});
