/** What of a webhook request's headers is stored with the raw event (docs/security.md "Stored raw events"). */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { credentialDigest, isCredentialDigest, storedBody, storedHeaders } from './stored-request.js';

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

describe('stored body', () => {
  const spec = { digestJsonFields: ['secret'] };
  const stored = (text: string) => storedBody(Buffer.from(text), spec).toString('utf8');

  it('is the body as received when the connector declares nothing, or the body is not a JSON object', () => {
    const raw = Buffer.from('{"secret":"s3cr3t"}');
    expect(storedBody(raw)).toBe(raw);
    for (const text of ['not json', '["secret","s3cr3t"]', '"secret"', '{"secret":5}', '{"other":"s3cr3t"}'])
      expect(stored(text)).toBe(text);
  });

  it('digests the top-level field only, keeping every other byte (spacing, order, nested look-alikes)', () => {
    const text =
      '{ "type" : "message_new", "note": "\\"secret\\": \\"fake\\"",\n  "object": {"secret": "nested", "text": "\\"secret\\":\\"quoted\\"", "a": ["secret", {"secret":"deep"}]},\n  "secret" :  "s3cr\\u0033t" , "v":"5.199"}';
    expect(stored(text)).toBe(text.replace('"s3cr\\u0033t"', JSON.stringify(credentialDigest('s3cr3t'))));
    expect(JSON.parse(stored(text))).toMatchObject({
      secret: credentialDigest('s3cr3t'),
      note: '"secret": "fake"',
      object: { secret: 'nested', a: ['secret', { secret: 'deep' }] },
    });
  });

  it('digests a repeated member each time, and leaves a digest as it is (a second pass changes nothing)', () => {
    const text = '{"secret":"one","x":1,"secret":"two"}';
    const once = stored(text);
    expect(once).toBe(`{"secret":"${credentialDigest('one')}","x":1,"secret":"${credentialDigest('two')}"}`);
    expect(stored(once)).toBe(once);
  });

  it('re-serialises a body whose bytes are not UTF-8 rather than keep the secret', () => {
    const raw = Buffer.concat([Buffer.from('{"t":"'), Buffer.from([0xff]), Buffer.from('","secret":"s3cr3t"}')]);
    const out = storedBody(raw, spec);
    expect(out.includes(Buffer.from('s3cr3t'))).toBe(false);
    expect((JSON.parse(out.toString('utf8')) as { secret: string }).secret).toBe(credentialDigest('s3cr3t'));
  });
});
