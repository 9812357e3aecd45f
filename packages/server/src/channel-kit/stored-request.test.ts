/** What of a webhook request's headers is stored with the raw event (docs/security.md "Stored raw events"). */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { credentialDigest, isCredentialDigest, storedHeaders } from './stored-request.js';

const headers = {
  'content-type': 'application/json',
  'user-agent': 'TelegramBot',
  cookie: 'session=abc',
  'x-forwarded-for': '10.0.0.1',
  'x-telegram-bot-api-secret-token': 'shared-secret-value-0001',
  authorization: 'Bearer vis_x.signature',
  'x-signature': 'sha256=00ff',
  absent: undefined,
};

describe('stored headers', () => {
  it('keep content-type alone when the connector declares nothing', () => {
    expect(storedHeaders(headers)).toEqual({ 'content-type': 'application/json' });
  });

  it('keep the declared headers as received and the credentials as a digest; drop everything else', () => {
    const stored = storedHeaders(headers, {
      keep: ['content-type', 'x-signature', 'absent'],
      digest: ['x-telegram-bot-api-secret-token', 'authorization'],
    });
    expect(stored).toEqual({
      'content-type': 'application/json',
      'x-signature': 'sha256=00ff',
      'x-telegram-bot-api-secret-token': credentialDigest('shared-secret-value-0001'),
      authorization: credentialDigest('Bearer vis_x.signature'),
    });
    expect(JSON.stringify(stored)).not.toMatch(
      /shared-secret-value-0001|vis_x\.signature|session=abc|TelegramBot|10\.0\.0\.1/,
    );
  });

  it('digest a credential to sha256: and 16 hex digits of its SHA-256: tells secrets apart, reveals none', () => {
    const d = credentialDigest('shared-secret-value-0001');
    expect(d).toBe(`sha256:${createHash('sha256').update('shared-secret-value-0001').digest('hex').slice(0, 16)}`);
    expect(credentialDigest('shared-secret-value-0002')).not.toBe(d);
    expect([
      isCredentialDigest(d),
      isCredentialDigest('sha256=00ff'),
      isCredentialDigest('Bearer x'),
      isCredentialDigest(undefined),
    ]).toEqual([true, false, false, false]);
  });
});
