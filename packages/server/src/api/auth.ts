/**
 * @module api/auth
 * Bearer-token authentication for /api/v1. Tokens are looked up by their SHA-256 hash; the principal carries
 * the workspace every query is scoped to.
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

export function bearerAuth(store: Store): (request: FastifyRequest, reply: FastifyReply) => Promise<void> {
  const cache = new Map<string, { at: number; principal: Principal }>();
  return async (request) => {
    const header = request.headers.authorization;
    const token = header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
    if (!token) throw new AppError('UNAUTHORIZED', 'missing bearer token');
    const hit = cache.get(token);
    if (hit && Date.now() - hit.at < CACHE_MS) {
      request.principal = hit.principal;
      return;
    }
    const principal = await authenticate(store, token);
    if (!principal) throw new AppError('UNAUTHORIZED', 'invalid bearer token');
    if (cache.size > 10_000) cache.clear();
    cache.set(token, { at: Date.now(), principal });
    request.principal = principal;
  };
}
