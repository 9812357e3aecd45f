import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { safeEqual, verifyHmac } from './signature.js';
import { ChannelError, channelErrorFromHttpStatus, parseRetryAfter } from './errors.js';
import { configJsonSchema, secret, secretFieldNames } from './config-schema.js';
import { z } from 'zod';

describe('safeEqual', () => {
  it('compares content, fails closed on empty or missing values', () => {
    expect(safeEqual('abc', 'abc')).toBe(true);
    expect(safeEqual('abc', 'abd')).toBe(false);
    expect(safeEqual('abc', 'abcd')).toBe(false);
    expect(safeEqual('', '')).toBe(false);
    expect(safeEqual(undefined, 'x')).toBe(false);
    expect(safeEqual('x', null)).toBe(false);
  });
});

describe('verifyHmac', () => {
  const body = Buffer.from('{"a":1}');
  const good = `sha256=${createHmac('sha256', 'k3y').update(body).digest('hex')}`;
  it('accepts the signature an independent HMAC computes', () => {
    expect(
      verifyHmac({
        algorithm: 'sha256',
        secret: 'k3y',
        data: body,
        received: good,
        encoding: 'hex',
        prefix: 'sha256=',
      }),
    ).toBe(true);
  });
  it('rejects wrong secret, wrong prefix, missing pieces', () => {
    expect(
      verifyHmac({
        algorithm: 'sha256',
        secret: 'other',
        data: body,
        received: good,
        encoding: 'hex',
        prefix: 'sha256=',
      }),
    ).toBe(false);
    expect(
      verifyHmac({
        algorithm: 'sha256',
        secret: 'k3y',
        data: body,
        received: good.replace('sha256=', 'sha1='),
        encoding: 'hex',
        prefix: 'sha256=',
      }),
    ).toBe(false);
    expect(
      verifyHmac({ algorithm: 'sha256', secret: '', data: body, received: good, encoding: 'hex', prefix: 'sha256=' }),
    ).toBe(false);
    expect(
      verifyHmac({
        algorithm: 'sha256',
        secret: 'k3y',
        data: body,
        received: undefined,
        encoding: 'hex',
        prefix: 'sha256=',
      }),
    ).toBe(false);
  });
});

describe('errors', () => {
  it('map HTTP statuses to stable codes with retry verdicts', () => {
    expect(channelErrorFromHttpStatus(401, 'x').code).toBe('AUTH');
    expect(channelErrorFromHttpStatus(429, 'x', 2000)).toMatchObject({
      code: 'RATE_LIMITED',
      retryable: true,
      retryAfterMs: 2000,
    });
    expect(channelErrorFromHttpStatus(502, 'x')).toMatchObject({ code: 'UNAVAILABLE', retryable: true });
    expect(channelErrorFromHttpStatus(400, 'x')).toMatchObject({ code: 'REJECTED', retryable: false });
    expect(new ChannelError('REJECTED', 'x', { retryable: true }).retryable).toBe(true);
  });
  it('parse Retry-After in seconds and as a date', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4000)).toBe(6000);
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});

describe('config schema marks', () => {
  const schema = z.object({
    token: secret(z.string()),
    optionalSecret: secret(z.string()).optional(),
    name: z.string().default('x'),
  });
  it('finds secret fields through optional wrappers and marks them writeOnly in JSON Schema', () => {
    expect(secretFieldNames(schema)).toEqual(['token', 'optionalSecret']);
    const json = configJsonSchema(schema) as { properties: Record<string, { writeOnly?: boolean }> };
    expect(json.properties.token?.writeOnly).toBe(true);
    expect(json.properties.name?.writeOnly).toBeUndefined();
  });
});
