/**
 * Repeated refused tokens are rate-limited per client address and per token prefix: 20 refused bearer tokens in
 * a minute, then 429 RATE_LIMITED with Retry-After for every further refused token of that address (or with that
 * prefix), while a valid token always passes — behind a proxy that does not pass the client address, one
 * guesser must not lock every user out. Other addresses and prefixes are not affected. A missing token is not a
 * guess and is not counted. The sliding window is checked with the limiter's own clock.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FailedAuthLimiter } from '../api/auth.js';
import { startTestServer, TEST_ADMIN_TOKEN, type TestServer } from '../testing/test-server.js';

describe('failed sign-in rate limit', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t.close());

  /** a request as if from `ip` (Fastify inject sets the socket address, as a real client would) */
  const from = async (ip: string, token: string | undefined) => {
    const res = await t.sb.app.inject({
      method: 'GET',
      url: '/api/v1/connections',
      remoteAddress: ip,
      headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
    });
    return {
      status: res.statusCode,
      headers: res.headers,
      body: res.json<{ error?: { code: string; message: string } }>(),
    };
  };
  const expectLimited = (res: Awaited<ReturnType<typeof from>>) => {
    expect(res.status).toBe(429);
    expect(res.body.error?.code).toBe('RATE_LIMITED');
    expect(res.body.error?.message).toMatch(/too many failed sign-ins/);
    const retryAfter = Number(res.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
  };

  it('answers 429 with Retry-After to refused tokens after 20 failures from one IP, and still lets a valid token in', async () => {
    const attacker = '203.0.113.7';
    for (let i = 0; i < 20; i++) {
      const res = await from(attacker, `sb_g${String(i).padStart(2, '0')}_guess`); // a prefix of its own each
      expect(res.status).toBe(401);
      expect(res.body.error?.code).toBe('UNAUTHORIZED');
    }
    expectLimited(await from(attacker, 'sb_g21_guess'));
    // the owner behind the same address (a proxy without SWITCHBOARD_TRUST_PROXY) is not locked out
    expect((await from(attacker, TEST_ADMIN_TOKEN)).status).toBe(200);
    expectLimited(await from(attacker, 'sb_g22_guess'));
    // other clients are not affected, successful or not
    expect((await from('198.51.100.20', TEST_ADMIN_TOKEN)).status).toBe(200);
    expect((await from('198.51.100.21', 'sb_wrong')).status).toBe(401);
    expect((await from('2001:db8::99', TEST_ADMIN_TOKEN)).status).toBe(200);
  });

  it('limits refused tokens per token prefix across addresses, never the valid token of that prefix', async () => {
    // a guesser spread over 20 addresses, all aiming at tokens starting like the admin's ("sb_test")
    for (let i = 0; i < 20; i++) expect((await from(`192.0.2.${i + 1}`, `sb_test_guess_${i}`)).status).toBe(401);
    expectLimited(await from('192.0.2.200', 'sb_test_guess_last'));
    expect((await from('192.0.2.201', TEST_ADMIN_TOKEN)).status).toBe(200);
    // another prefix from a fresh address is a fresh start
    expect((await from('192.0.2.202', 'sb_other_guess')).status).toBe(401);
  });

  it('does not count successful sign-ins or requests without a token', async () => {
    const ip = '203.0.113.8';
    for (let i = 0; i < 30; i++)
      expect((await from(ip, i % 2 === 0 ? TEST_ADMIN_TOKEN : undefined)).status).toBe(i % 2 === 0 ? 200 : 401);
    for (let i = 0; i < 19; i++) expect((await from(ip, `sb_h${String(i).padStart(2, '0')}_guess`)).status).toBe(401);
    expect((await from(ip, TEST_ADMIN_TOKEN)).status).toBe(200);
    expect((await from(ip, 'sb_hzz_guess')).status).toBe(401);
    expectLimited(await from(ip, 'sb_hyy_guess'));
    expect((await from(ip, TEST_ADMIN_TOKEN)).status).toBe(200);
  });

  it('applies over real HTTP on the loopback address as well', async () => {
    // a separate server, so the other tests' loopback requests are not locked out
    const s = await startTestServer();
    try {
      for (let i = 0; i < 20; i++)
        expect(
          (
            await s.api('GET', '/api/v1/connections', undefined, {
              authorization: `Bearer sb_w${String(i).padStart(2, '0')}_wrong`,
            })
          ).status,
        ).toBe(401);
      const limited = await s.api<{ error: { code: string } }>('GET', '/api/v1/connections', undefined, {
        authorization: 'Bearer sb_wzz_wrong',
      });
      expect(limited.status).toBe(429);
      expect(limited.body.error.code).toBe('RATE_LIMITED');
      expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
      expect((await s.api('GET', '/api/v1/connections')).status).toBe(200);
      // webhooks, webchat and operations endpoints do not use bearer auth and stay open
      expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
    } finally {
      await s.close();
    }
  });
});

describe('FailedAuthLimiter sliding window', () => {
  it('lets an IP in again as its oldest failures leave the window', () => {
    let now = 1_000_000;
    const limiter = new FailedAuthLimiter({ maxFailures: 3, windowMs: 60_000, now: () => now });
    limiter.recordFailure('a'); // t = 0
    now += 10_000;
    limiter.recordFailure('a'); // t = 10 s
    now += 10_000;
    expect(limiter.blockedFor('a')).toBeUndefined();
    limiter.recordFailure('a'); // t = 20 s
    expect(limiter.blockedFor('a')).toBe(40_000); // the first failure leaves the window at t = 60 s
    expect(limiter.blockedFor('b')).toBeUndefined();
    now += 39_999;
    expect(limiter.blockedFor('a')).toBe(1);
    now += 1;
    expect(limiter.blockedFor('a')).toBeUndefined(); // 2 failures in the last minute
    limiter.recordFailure('a'); // t = 60 s
    expect(limiter.blockedFor('a')).toBe(10_000); // now the t = 10 s failure is the oldest in the window
    now += 60_000;
    expect(limiter.blockedFor('a')).toBeUndefined();
  });

  it('stays bounded under a flood from many addresses', () => {
    let now = 0;
    const limiter = new FailedAuthLimiter({ maxFailures: 2, windowMs: 1000, now: () => now });
    for (let i = 0; i < 25_000; i++) {
      limiter.recordFailure(`10.0.${i >> 8}.${i & 255}`);
      now += 1;
    }
    // the most recent attackers are still tracked
    limiter.recordFailure('10.0.97.167');
    expect(limiter.blockedFor('10.0.97.167')).toBeDefined();
    expect((limiter as unknown as { failures: Map<string, number[]> }).failures.size).toBeLessThanOrEqual(10_001);
  });
});
