import { describe, expect, it } from 'vitest';
import { mediaTypeFor } from './Composer.tsx';

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
