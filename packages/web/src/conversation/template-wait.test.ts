import { describe, expect, it } from 'vitest';
import type { Conversation } from '../../../sdk/src/index.ts';
import { fullTime } from '../format.ts';
import { blockedAfter, templateBlockedUntil, waitingText } from './template-wait.ts';

const HOUR = 3_600_000;
const sentAt = '2026-03-01T10:00:00.000Z';
const now = Date.parse(sentAt) + 2 * HOUR;
const win = (over: Partial<NonNullable<Conversation['window']>>): Pick<Conversation, 'window'> => ({
  window: { expiresAt: sentAt, open: false, awaitingReply: true, templateSentAt: sentAt, ...over },
});

describe('a template waiting for the answer blocks another until the window hours have passed', () => {
  it('blocks for the channel window hours after the template, then no longer', () => {
    expect(templateBlockedUntil(win({}), 24, now)).toBe('2026-03-02T10:00:00.000Z');
    expect(templateBlockedUntil(win({}), 24, Date.parse(sentAt) + 24 * HOUR + 1)).toBeUndefined();
    // a channel that does not say has WhatsApp's 24 hours
    expect(templateBlockedUntil(win({}), undefined, now)).toBe('2026-03-02T10:00:00.000Z');
    expect(templateBlockedUntil(win({}), 1, now)).toBeUndefined();
  });

  it('does not block when the customer answered, the window is open, or nothing waits', () => {
    expect(templateBlockedUntil(win({ awaitingReply: false, templateSentAt: null }), 24, now)).toBeUndefined();
    expect(templateBlockedUntil(win({ open: true }), 24, now)).toBeUndefined();
    expect(templateBlockedUntil({ window: null }, 24, now)).toBeUndefined();
    expect(blockedAfter('not a time', 24, now)).toBeUndefined();
  });

  it('says when it went, whose answer it waits for and when another can go, in the app’s words', () => {
    const until = '2026-03-02T10:00:00.000Z';
    expect(waitingText('Rita', sentAt, until)).toBe(
      `A template was already sent ${fullTime(sentAt)} and waits for Rita's reply; another can be sent after ${fullTime(until)}.`,
    );
    expect(waitingText('Rita', undefined, undefined)).toBe("A template was already sent and waits for Rita's reply.");
  });
});
