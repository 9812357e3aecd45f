import { describe, expect, it } from 'vitest';
import { ccList, draftContent, mediaTypeFor, segmentsText } from './Composer.tsx';

describe('the content type of an attachment', () => {
  const all = ['text', 'image', 'audio', 'video', 'document'];
  it('follows the file type where the channel carries it', () => {
    expect(mediaTypeFor('image/png', all)).toBe('image');
    expect(mediaTypeFor('audio/ogg', all)).toBe('audio');
    expect(mediaTypeFor('video/mp4', all)).toBe('video');
    expect(mediaTypeFor('application/pdf', all)).toBe('document');
  });
  it('sends what cannot be previewed safely, or what the channel lacks, as a document', () => {
    expect(mediaTypeFor('image/svg+xml', all)).toBe('document');
    expect(mediaTypeFor('video/mp4', ['text', 'image', 'document'])).toBe('document');
    expect(mediaTypeFor('image/png', ['text'])).toBeUndefined();
  });
});

describe('the content of a draft (what the delivery preview is asked about)', () => {
  it('is text, buttons with their text, or nothing', () => {
    expect(draftContent('  hi  ', null)).toEqual({ type: 'text', text: 'hi' });
    expect(draftContent('Shall we?', ['Yes', ' ', 'No'])).toEqual({
      type: 'interactive',
      interactive: {
        kind: 'buttons',
        text: 'Shall we?',
        buttons: [
          { id: 'btn-1', title: 'Yes' },
          { id: 'btn-2', title: 'No' },
        ],
      },
    });
    expect(draftContent(' ', ['Yes'])).toBeUndefined();
    expect(draftContent('', null)).toBeUndefined();
  });
});

describe('the SMS segments line', () => {
  it('names the encoding, the segments and the length against the limit', () => {
    expect(
      segmentsText(
        {
          segments: { encoding: 'UCS-2', count: 1, characters: 8, perSegment: 70, unicodeCharacters: ['😀'] },
          maxTextLength: 1600,
        },
        9,
      ),
    ).toBe('UCS-2 · 1 segment (70 characters each) · 9 / 1600');
    expect(segmentsText({}, 3)).toBe('');
  });
});

describe('the cc of a mail reply', () => {
  it('reads addresses separated by commas, semicolons or spaces', () => {
    expect(ccList(' a@x.example, b@y.example;c@z.example  d@w.example ')).toEqual([
      'a@x.example',
      'b@y.example',
      'c@z.example',
      'd@w.example',
    ]);
    expect(ccList('  ')).toEqual([]);
  });
});
