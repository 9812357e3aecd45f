import { describe, expect, it } from 'vitest';
import { type BotApiError } from './errors.js';
import { detectEntities, formatText } from './parse-mode.js';

const fail = (text: string, mode: string) => {
  try {
    formatText(text, mode);
  } catch (err) {
    return (err as BotApiError).description;
  }
  return 'no error';
};

describe('formatText', () => {
  it('parses nested HTML with UTF-16 offsets', () => {
    const r = formatText(
      '👍 <b>bold <i>both</i></b> <code>x&amp;y</code> <pre><code class="language-ts">let a</code></pre>',
      'HTML',
    );
    expect(r.text).toBe('👍 bold both x&y let a');
    expect(r.entities).toEqual([
      { type: 'bold', offset: 3, length: 9 },
      { type: 'italic', offset: 8, length: 4 },
      { type: 'code', offset: 13, length: 3 },
      { type: 'pre', offset: 17, length: 5, language: 'ts' },
    ]);
  });

  it('reports HTML errors like the Bot API', () => {
    expect(fail('<foo>x</foo>', 'HTML')).toBe(
      'Bad Request: can\'t parse entities: Unsupported start tag "foo" at byte offset 0',
    );
    expect(fail('<b>x', 'HTML')).toBe(
      'Bad Request: can\'t parse entities: Can\'t find end tag corresponding to start tag "b"',
    );
    expect(fail('<b>x</i>', 'HTML')).toBe(
      'Bad Request: can\'t parse entities: Unmatched end tag at byte offset 4, expected "</b>", found "</i>"',
    );
  });

  it('parses MarkdownV2 and requires escaping reserved characters', () => {
    const r = formatText('*bold _it_* __u__ ~s~ ||sp|| [link](https://x.test/\\)) `c\\`` 1\\+1', 'MarkdownV2');
    expect(r.text).toBe('bold it u s sp link c` 1+1');
    expect(r.entities.map((e) => e.type)).toEqual([
      'bold',
      'italic',
      'underline',
      'strikethrough',
      'spoiler',
      'text_link',
      'code',
    ]);
    expect(r.entities.find((e) => e.type === 'text_link')?.url).toBe('https://x.test/)');
    expect(fail('a-b', 'MarkdownV2')).toBe(
      "Bad Request: can't parse entities: Character '-' is reserved and must be escaped with the preceding '\\'",
    );
    expect(fail('*open', 'MarkdownV2')).toBe(
      "Bad Request: can't parse entities: Can't find end of Bold entity at byte offset 0",
    );
  });

  it('parses legacy Markdown', () => {
    expect(formatText('*b* _i_ [t](https://x.test)', 'Markdown')).toEqual({
      text: 'b i t',
      entities: [
        { type: 'bold', offset: 0, length: 1 },
        { type: 'italic', offset: 2, length: 1 },
        { type: 'text_link', offset: 4, length: 1, url: 'https://x.test' },
      ],
    });
    expect(fail('*open', 'Markdown')).toBe(
      "Bad Request: can't parse entities: Can't find end of the entity starting at byte offset 0",
    );
  });

  it('trims whitespace and detects automatic entities', () => {
    expect(formatText('  /start@my_bot hi  ', undefined)).toEqual({
      text: '/start@my_bot hi',
      entities: [{ type: 'bot_command', offset: 0, length: 13 }],
    });
    expect(detectEntities('mail a@b.co or see https://x.test/p, #tag @someone')).toEqual([
      { type: 'url', offset: 19, length: 16 },
      { type: 'email', offset: 5, length: 6 },
      { type: 'mention', offset: 42, length: 8 },
      { type: 'hashtag', offset: 37, length: 4 },
    ]);
  });
});
