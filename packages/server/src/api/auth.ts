/**
 * @module api/auth
 * Bearer-token authentication for /api/v1. Tokens are looked up by their SHA-256 hash; the principal carries
 * the workspace every query is scoped to. The scheme name is case-insensitive (RFC 9110 §11.1). A presented
 * token is always checked first: a valid token is never refused by the failure limiter, so failures from one
 * address (often a whole office behind a proxy) cannot lock its owner out. Refused tokens are counted per
 * client address and per token prefix; over either limit a refused token is answered 429 + Retry-After.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../core/errors.js';
import type { Role, Store } from '../core/ports/index.js';
import { tokenPrefix } from '../core/security/api-tokens.js';
import { authenticate } from '../core/workspaces/workspace-bootstrap.js';

export interface Principal {
  workspaceId: string;
  userId: string;
  role: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new AppError('UNAUTHORIZED', 'missing or invalid bearer token');
  return request.principal;
}

const CACHE_MS = 5000;

export interface FailedAuthLimit {
  /** failures allowed per key within the window (default 20) */
  maxFailures?: number;
  /** the sliding window (default one minute) */
  windowMs?: number;
  /** the time source (tests) */
  now?: () => number;
}

const MAX_TRACKED_CLIENTS = 10_000;

/**
 * Failures per key (a client address, a token prefix, an email) in a sliding window (a log of failure times, at
 * most maxFailures per key). A key over the limit stays blocked until its oldest failure in the window expires;
 * other keys are not affected. One limiter holds one kind of key, so a flood of one kind (random prefixes)
 * cannot evict the entries of another (the attacker's address).
 */
export class FailedAuthLimiter {
  private readonly failures = new Map<string, number[]>();
  private readonly max: number;
  private readonly windowMs: number;
  private readonly now: () => number;

  constructor(options: FailedAuthLimit = {}) {
    this.max = options.maxFailures ?? 20;
    this.windowMs = options.windowMs ?? 60_000;
    this.now = options.now ?? Date.now;
  }

  private recent(key: string, now: number): number[] {
    const times = (this.failures.get(key) ?? []).filter((at) => now - at < this.windowMs);
    if (times.length === 0) this.failures.delete(key);
    else this.failures.set(key, times);
    return times;
  }

  /** milliseconds until this key may try again, or undefined when it may try now */
  blockedFor(key: string): number | undefined {
    const now = this.now();
    const times = this.recent(key, now);
    if (times.length < this.max) return undefined;
    const oldest = times[times.length - this.max] as number;
    return Math.max(1, oldest + this.windowMs - now);
  }

  recordFailure(key: string): void {
    const now = this.now();
    const times = this.recent(key, now);
    times.push(now);
    // keep only what the limit needs: the newest max failures
    this.failures.set(key, times.slice(-this.max));
    if (this.failures.size > MAX_TRACKED_CLIENTS) this.prune(now);
  }

  private prune(now: number): void {
    for (const [key, times] of this.failures) {
      if (times.every((at) => now - at >= this.windowMs)) this.failures.delete(key);
    }
    // a flood from more addresses than we track: forget the oldest entries (Map keeps insertion order)
    // (down to 90 %, so a sustained flood does not scan the map on every failure)
    for (const key of this.failures.keys()) {
      if (this.failures.size <= MAX_TRACKED_CLIENTS * 0.9) break;
      this.failures.delete(key);
    }
  }
}

export type BearerAuth = ((request: FastifyRequest, reply: FastifyReply) => Promise<void>) & {
  /** forgets a token at once (sign-out), instead of at the end of the short cache */
  forget(token: string): void;
  /** failures per client address; the password sign-in counts against the same one */
  limiter: FailedAuthLimiter;
  /** failures per token prefix (the first characters of a refused token) */
  prefixLimiter: FailedAuthLimiter;
};

/**
 * The token of an `Authorization: Bearer <token>` header. The scheme is matched case-insensitively
 * (RFC 9110 §11.1: "bearer", "BEARER"), separated by one or more spaces; anything else is no token.
 */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^bearer +(\S+) *$/i.exec(header ?? '');
  return match?.[1];
}

/** the 429 of a blocked client: the seconds to wait, in Retry-After and in the message */
export function rateLimited(reply: FastifyReply, blockedMs: number, what: string): AppError {
  const seconds = Math.ceil(blockedMs / 1000);
  reply.header('retry-after', String(seconds));
  return new AppError('RATE_LIMITED', `too many failed sign-ins ${what}; try again in ${seconds} s`);
}

const longest = (...waits: Array<number | undefined>): number | undefined =>
  waits.reduce<number | undefined>((max, w) => (w === undefined ? max : Math.max(max ?? 0, w)), undefined);

/** the principal's role as the core knows it (an unknown stored value reads as the least privileged) */
export function roleOf(principal: Principal): Role {
  return principal.role === 'owner' || principal.role === 'admin' ? principal.role : 'operator';
}

/** the role a route needs: operators answer conversations; admins and owners manage the workspace */
export function requireRole(request: FastifyRequest, role: 'admin' | 'owner'): Principal {
  const principal = principalOf(request);
  const rank: Record<string, number> = { operator: 1, admin: 2, owner: 3 };
  if ((rank[principal.role] ?? 0) < (rank[role] ?? 99))
    throw new AppError('FORBIDDEN', `this needs the ${role} role (you are ${principal.role})`);
  return principal;
}

export function bearerAuth(store: Store, limit: FailedAuthLimit = {}): BearerAuth {
  const cache = new Map<string, { at: number; principal: Principal }>();
  const limiter = new FailedAuthLimiter(limit);
  const prefixLimiter = new FailedAuthLimiter(limit);
  const check = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const token = bearerToken(request.headers.authorization);
    if (!token) throw new AppError('UNAUTHORIZED', 'missing bearer token');
    const hit = cache.get(token);
    if (hit && Date.now() - hit.at < CACHE_MS) {
      request.principal = hit.principal;
      return;
    }
    // the token is looked at before the limiter: a lookup by hash is cheap, and a valid token must always pass
    const principal = await authenticate(store, token);
    if (!principal) {
      const prefix = tokenPrefix(token);
      const blocked = longest(limiter.blockedFor(request.ip), prefixLimiter.blockedFor(prefix));
      if (blocked !== undefined) throw rateLimited(reply, blocked, 'from this address or with this token prefix');
      // only a token that was presented and refused counts: a request without one guesses nothing
      limiter.recordFailure(request.ip);
      prefixLimiter.recordFailure(prefix);
      throw new AppError('UNAUTHORIZED', 'invalid bearer token');
    }
    if (cache.size > 10_000) cache.clear();
    cache.set(token, { at: Date.now(), principal });
    request.principal = principal;
  };
  return Object.assign(check, { forget: (token: string) => void cache.delete(token), limiter, prefixLimiter });
}
