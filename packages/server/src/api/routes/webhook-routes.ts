/**
 * @module api/routes/webhook-routes
 * GET|POST /webhooks/{connectionId} (and POST /webhooks/{connectionId}/{secret}): every provider's webhooks and handshakes. The body is kept as raw bytes
 * (signatures are computed over them) and capped by the configured limit (413 above it).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { HttpReply, WebhookRequest } from '../../channel-kit/index.js';
import type { Hub } from '../../core/hub.js';

export function toWebhookRequest(request: FastifyRequest, publicUrl: string): WebhookRequest {
  const headers: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(request.headers)) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  const query: Record<string, string | undefined> = {};
  const url = new URL(request.url, 'http://internal.invalid');
  for (const [k, v] of url.searchParams) query[k] = v;
  return {
    method: request.method,
    url: `${publicUrl}${request.url}`,
    headers,
    query,
    rawBody: Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0),
  };
}

export function sendReply(reply: FastifyReply, r: HttpReply): FastifyReply {
  reply.code(r.status);
  for (const [k, v] of Object.entries(r.headers ?? {})) reply.header(k, v);
  return reply.send(r.body ?? '');
}

export async function webhookRoutes(
  app: FastifyInstance,
  hub: Hub,
  options: { publicUrl: string; bodyLimit: number },
): Promise<void> {
  await app.register(async (scope) => {
    // raw bytes for every content type: the signature is over exactly what the provider sent
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: options.bodyLimit }, (_req, body, done) =>
      done(null, body),
    );
    const handler = async (request: FastifyRequest<{ Params: { connectionId: string } }>, reply: FastifyReply) => {
      try {
        return sendReply(
          reply,
          await hub.ingest.handle(request.params.connectionId, toWebhookRequest(request, options.publicUrl)),
        );
      } catch (error) {
        // the store could not take it (a database restart): nothing was acknowledged, so the provider retries
        request.log.warn({ err: error }, 'webhook not stored; answering 503 so the provider retries');
        return sendReply(reply, {
          status: 503,
          headers: { 'content-type': 'application/json', 'retry-after': '5' },
          body: JSON.stringify({ error: { code: 'UNAVAILABLE', message: 'temporarily unable to store the webhook' } }),
        });
      }
    };
    scope.get('/webhooks/:connectionId', { schema: { hide: true } }, handler);
    scope.post('/webhooks/:connectionId', { schema: { hide: true }, bodyLimit: options.bodyLimit }, handler);
    // a provider that signs nothing (the WhatsApp Coreapp) posts to a URL with a secret last segment, which the
    // connector's verify checks; the connection is the same
    scope.post(
      '/webhooks/:connectionId/:pathSecret',
      { schema: { hide: true }, bodyLimit: options.bodyLimit },
      handler,
    );
  });
}
