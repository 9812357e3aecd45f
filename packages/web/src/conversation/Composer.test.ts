import { describe, expect, it } from 'vitest';
import { draftContent, mediaTypeFor } from './Composer.tsx';

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
