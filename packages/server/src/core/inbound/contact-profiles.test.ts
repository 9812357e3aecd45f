import { solidPng } from '@switchboard/simulators';
import { describe, expect, it } from 'vitest';
import { imageTypeOf } from './contact-profiles.js';

describe('imageTypeOf: a profile picture is stored only when its bytes are an image', () => {
  it('names the type by the signature, whatever the provider called it', () => {
    expect(imageTypeOf(solidPng(2, 2, [10, 20, 30]))).toBe('image/png');
    expect(imageTypeOf(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]))).toBe('image/jpeg');
    expect(imageTypeOf(Buffer.from('GIF89a\x01\x00\x01\x00', 'latin1'))).toBe('image/gif');
    expect(imageTypeOf(Buffer.from('RIFF\x24\x00\x00\x00WEBPVP8 ', 'latin1'))).toBe('image/webp');
  });

  it('refuses what only claims to be an image: text, an error page, a RIFF that is not WebP, nothing', () => {
    expect(imageTypeOf(Buffer.from('PROFILE-PICTURE-123'))).toBeUndefined();
    expect(imageTypeOf(Buffer.from('<!doctype html><title>404</title>'))).toBeUndefined();
    expect(imageTypeOf(Buffer.from('RIFF\x24\x00\x00\x00WAVEfmt ', 'latin1'))).toBeUndefined();
    expect(imageTypeOf(Buffer.alloc(0))).toBeUndefined();
  });
});
