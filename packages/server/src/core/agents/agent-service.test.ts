/** Replies fitted to the channel: buttons become a numbered list where the channel has none (or too few); long text is cut. */
import { describe, expect, it } from 'vitest';
import type { Capabilities } from '../../channel-kit/index.js';
import { fitContent } from './agent-service.js';

const caps = (over: Partial<Capabilities>): Capabilities => ({
  outbound: ['text', 'interactive'],
  inbound: ['text'],
  maxTextLength: 4096,
  buttons: 3,
  templates: false,
  typing: false,
  receipts: { delivered: false, read: false },
  ...over,
});
const buttons = {
  type: 'interactive' as const,
  interactive: {
    kind: 'buttons' as const,
    text: 'Pick',
    buttons: [
      { id: 'a', title: 'Alpha' },
      { id: 'b', title: 'Beta' },
    ],
  },
};

describe('fitContent', () => {
  it('keeps buttons where the channel has enough', () => {
    expect(fitContent(buttons, caps({}))).toEqual(buttons);
  });
  it('turns buttons into a numbered list without interactive support or with too few buttons', () => {
    const text = { type: 'text', text: 'Pick\n\n1. Alpha\n2. Beta' };
    expect(fitContent(buttons, caps({ outbound: ['text'] }))).toEqual(text);
    expect(fitContent(buttons, caps({ buttons: 1 }))).toEqual(text);
  });
  it('cuts text to the channel limit', () => {
    expect(fitContent({ type: 'text', text: 'abcdefghij' }, caps({ maxTextLength: 5 }))).toEqual({
      type: 'text',
      text: 'abcd…',
    });
  });
});
