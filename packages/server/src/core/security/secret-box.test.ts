import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSecretBox } from './secret-box.js';

describe('secret box (AES-256-GCM)', () => {
  const box = createSecretBox(randomBytes(32));
  it('round-trips and never stores the clear value', () => {
    const sealed = box.seal('bot-token-123');
    expect(sealed).not.toContain('bot-token-123');
    expect(box.isSealed(sealed)).toBe(true);
    expect(box.open(sealed)).toBe('bot-token-123');
    expect(box.seal('x')).not.toBe(box.seal('x'));
  });
  it('refuses a tampered ciphertext and another key', () => {
    const sealed = box.seal('secret');
    const parts = sealed.split(':');
    const ct = Buffer.from(parts[4] as string, 'base64url');
    ct[0] = (ct[0] as number) ^ 1;
    parts[4] = ct.toString('base64url');
    expect(() => box.open(parts.join(':'))).toThrow();
    expect(() => createSecretBox(randomBytes(32)).open(sealed)).toThrow();
    expect(() => createSecretBox(randomBytes(16))).toThrow();
  });
  it('signs with a key per purpose: the same data signs the same, another purpose or master key signs differently', () => {
    const sig = box.mac('media-link', 'att_1.1700000000');
    expect(sig).toMatch(/^[\w-]{43}$/);
    expect(box.mac('media-link', 'att_1.1700000000')).toBe(sig);
    expect(box.mac('media-link', 'att_1.1700000001')).not.toBe(sig);
    expect(box.mac('another-use', 'att_1.1700000000')).not.toBe(sig);
    expect(createSecretBox(randomBytes(32)).mac('media-link', 'att_1.1700000000')).not.toBe(sig);
  });
});
