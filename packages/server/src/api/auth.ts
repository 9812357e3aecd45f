/**
 * @module api/auth
 * Bearer-token authentication for /api/v1. Tokens are looked up by their SHA-256 hash; the principal carries
 * the workspace every query is scoped to. Repeated failed authentications from one client IP are rate-limited
 * (429 + Retry-After) before any token of that IP is looked at again.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../core/errors.js';
import type { Store } from '../core/ports/index.js';
import { authenticate } from '../core/workspaces/workspace-bootstrap.js';

export interface Principal { workspaceId: string; userId: string; role: string }

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
  /** failed authentications allowed per client IP within the window (default 20) */
  maxFailures?: number;
  /** the sliding window (default one minute) */
  windowMs?: number;
  /** the time source (tests) */
  now?: () => number;
}

const MAX_TRACKED_CLIENTS = 10_000;

/**
 * Failed bearer authentications per client IP in a sliding window (a log of failure times, at most maxFailures
 * per IP). An IP over the limit is answered 429 without its token being looked at, until its oldest failure in
 * the window expires; other IPs are not affected.
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

  private recent(ip: string, now: number): number[] {
    const times = (this.failures.get(ip) ?? []).filter((at) => now - at < this.windowMs);
    if (times.length === 0) this.failures.delete(ip);
    else this.failures.set(ip, times);
    return times;
  }

  /** milliseconds until this IP may try again, or undefined when it may try now */
  blockedFor(ip: string): number | undefined {
    const now = this.now();
    const times = this.recent(ip, now);
    if (times.length < this.max) return undefined;
    const oldest = times[times.length - this.max] as number;
    return Math.max(1, oldest + this.windowMs - now);
  }

  recordFailure(ip: string): void {
    const now = this.now();
    const times = this.recent(ip, now);
    times.push(now);
    // keep only what the limit needs: the newest max failures
    this.failures.set(ip, times.slice(-this.max));
    if (this.failures.size > MAX_TRACKED_CLIENTS) this.prune(now);
  }

  private prune(now: number): void {
    for (const [ip, times] of this.failures) {
      if (times.every((at) => now - at >= this.windowMs)) this.failures.delete(ip);
    }
    // a flood from more addresses than we track: forget the oldest entries (Map keeps insertion order)
    // (down to 90 %, so a sustained flood does not scan the map on every failure)
    for (const ip of this.failures.keys()) {
      if (this.failures.size <= MAX_TRACKED_CLIENTS * 0.9) break;
      this.failures.delete(ip);
    }
  }
}

export type BearerAuth = ((request: FastifyRequest, reply: FastifyReply) => Promise<void>) & {
  /** forgets a token at once (sign-out), instead of at the end of the short cache */
  forget(token: string): void;
  /** the same failed-attempt limiter guards the password sign-in */
  limiter: FailedAuthLimiter;
};

/** the role a route needs: operators answer conversations; admins and owners manage the workspace */
export function requireRole(request: FastifyRequest, role: 'admin' | 'owner'): Principal {
  const principal = principalOf(request);
  const rank: Record<string, number> = { operator: 1, admin: 2, owner: 3 };
  if ((rank[principal.role] ?? 0) < (rank[role] ?? 99)) throw new AppError('FORBIDDEN', `this needs the ${role} role (you are ${principal.role})`);
  return principal;
}

export function bearerAuth(store: Store, limit: FailedAuthLimit = {}): BearerAuth {
  const cache = new Map<string, { at: number; principal: Principal }>();
  const limiter = new FailedAuthLimiter(limit);
  const check = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const blocked = limiter.blockedFor(request.ip);
    if (blocked !== undefined) {
      const seconds = Math.ceil(blocked / 1000);
      reply.header('retry-after', String(seconds));
      throw new AppError('RATE_LIMITED', `too many failed sign-ins from this address; try again in ${seconds} s`);
    }
    const header = request.headers.authorization;
    const token = header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
    if (!token) throw new AppError('UNAUTHORIZED', 'missing bearer token');
    const hit = cache.get(token);
    if (hit && Date.now() - hit.at < CACHE_MS) {
      request.principal = hit.principal;
      return;
    }
    const principal = await authenticate(store, token);
    if (!principal) {
      // only a token that was presented and refused counts: a request without one guesses nothing
      limiter.recordFailure(request.ip);
      throw new AppError('UNAUTHORIZED', 'invalid bearer token');
    }
    if (cache.size > 10_000) cache.clear();
    cache.set(token, { at: Date.now(), principal });
    request.principal = principal;
  };
  return Object.assign(check, { forget: (token: string) => void cache.delete(token), limiter });
}
