/**
 * @module core/security/secret-box
 * AES-256-GCM encryption of connection secrets at rest. Sealed values look like `enc:v1:<iv>:<tag>:<ciphertext>`
 * (base64url) so they are recognisable and the format can evolve.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import type { SecretBox } from '../ports/index.js';

const PREFIX = 'enc:v1:';

export function createSecretBox(key: Buffer): SecretBox {
  if (key.length !== 32) throw new Error('the master key must be 32 bytes');
  return {
    seal(plain: string): string {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const ciphertext = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      const tag = cipher.getAuthTag();
      return `${PREFIX}${iv.toString('base64url')}:${tag.toString('base64url')}:${ciphertext.toString('base64url')}`;
    },
    open(sealed: string): string {
      if (!sealed.startsWith(PREFIX)) throw new Error('not a sealed secret');
      const [iv, tag, ciphertext] = sealed.slice(PREFIX.length).split(':');
      if (!iv || !tag || ciphertext === undefined) throw new Error('malformed sealed secret');
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
    },
    isSealed(value: unknown): value is string {
      return typeof value === 'string' && value.startsWith(PREFIX);
    },
    mac(purpose: string, data: string): string {
      // one key per purpose, so a signature made for one use can never pass for another
      const derived = createHmac('sha256', key).update(`switchboard:${purpose}`).digest();
      return createHmac('sha256', derived).update(data).digest('base64url');
    },
  };
}
