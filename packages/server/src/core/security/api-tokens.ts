/**
 * @module core/security/api-tokens
 * API tokens: 32 random bytes, shown once, stored as a SHA-256 hash (a high-entropy token needs no slow hash).
 */
import { createHash, randomBytes } from 'node:crypto';

export function generateApiToken(): string {
  return `sb_${randomBytes(32).toString('base64url')}`;
}

export function hashApiToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function tokenPrefix(token: string): string {
  return token.slice(0, 7);
}

export function generateSecret(): string {
  return randomBytes(24).toString('base64url');
}
