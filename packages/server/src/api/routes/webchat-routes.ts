/**
 * @module api/routes/webchat-routes
 * Visitor-facing endpoints of webchat connections (called from any website, so CORS is open; visitors
 * authenticate with their session token, never with cookies): session, send, typing, history, live stream,
 * and a minimal test page.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Hub } from '../../core/hub.js';
import { openSse } from '../sse.js';
import { sendReply } from './webhook-routes.js';
import { webchatTestPage } from './webchat-test-page.js';

const Params = z.object({ connectionId: z.string().min(1).max(100) });
const token = (req: FastifyRequest): string | undefined => {
  const h = req.headers.authorization;
  if (h?.startsWith('Bearer ')) return h.slice(7).trim();
  const q = (req.query as { token?: string } | undefined)?.token;
  return typeof q === 'string' ? q : undefined;
};

export async function webchatRoutes(app: FastifyInstance, hub: Hub): Promise<void> {
  await app.register(async (scope) => {
    scope.addHook('onRequest', async (req, reply) => {
      reply.header('access-control-allow-origin', req.headers.origin ?? '*');
      reply.header('vary', 'origin');
      reply.header('access-control-allow-headers', 'authorization, content-type');
      reply.header('access-control-allow-methods', 'GET, POST, OPTIONS');
      reply.header('access-control-max-age', '600');
    });
    scope.options('/webchat/:connectionId/*', { schema: { hide: true } }, (_req, reply) => reply.code(204).send(null));
    const r = scope.withTypeProvider<ZodTypeProvider>();
    const tags = ['webchat visitors'];

    r.post('/webchat/:connectionId/sessions', { schema: { tags, params: Params, summary: 'Start an anonymous visitor session' } }, async (req, reply) =>
      reply.code(201).send(await hub.visitors.createSession(req.params.connectionId)));

    r.post('/webchat/:connectionId/messages', {
      schema: { tags, params: Params, summary: 'Send a visitor message (Bearer visitor token)', body: z.object({ clientMessageId: z.string().min(1).max(100), text: z.string().min(1).max(10000).optional(), name: z.string().max(200).optional() }) },
    }, async (req, reply) => sendReply(reply, await hub.visitors.send(req.params.connectionId, token(req), req.body)));

    r.post('/webchat/:connectionId/typing', { schema: { tags, params: Params } }, async (req, reply) => {
      await hub.visitors.typing(req.params.connectionId, token(req));
      return reply.code(204).send(null);
    });

    r.get('/webchat/:connectionId/messages', { schema: { tags, params: Params, summary: 'The visitor\'s conversation so far (for reloads)' } }, async (req) =>
      hub.visitors.history(req.params.connectionId, token(req)));

    r.get('/webchat/:connectionId/stream', { schema: { tags, params: Params, summary: 'Live operator replies and typing (SSE; token in the query for EventSource)', querystring: z.object({ token: z.string().optional() }) } }, async (req, reply) => {
      const t = token(req);
      await hub.visitors.visitorOf(req.params.connectionId, t); // fail before hijacking, so errors keep their JSON shape
      const stream = openSse(req, reply);
      const remove = await hub.visitors.stream(req.params.connectionId, t, (type, data) => stream.send(type, data));
      stream.onClose(remove);
      stream.send('ready', {});
    });

    r.get('/webchat/:connectionId/test', { schema: { hide: true, params: Params } }, async (req, reply) =>
      reply.type('text/html; charset=utf-8').send(webchatTestPage(req.params.connectionId)));
  });
}
