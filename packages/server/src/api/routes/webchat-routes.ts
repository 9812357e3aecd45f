/**
 * @module api/routes/webchat-routes
 * Visitor-facing endpoints of webchat connections (called from any website, so CORS is open; visitors
 * authenticate with their session token, never with cookies): session, send, typing, history, live stream,
 * and a minimal test page. Sessions, messages and typing are rate-limited and conversations per address capped in
 * core (core/webchat/visitor-limits.ts); the routes hand it the client address. Also the public settings (appearance, greeting, opening hours), the offline form
 * (rate-limited per client IP) and visitor uploads (raw body, its Content-Type; size and type limited).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Hub } from '../../core/hub.js';
import { openSse } from '../sse.js';
import { sendReply } from './webhook-routes.js';
import { FailedAuthLimiter } from '../auth.js';
import { webchatTestPage } from './webchat-test-page.js';
import { WebchatPublicSettingsSchema } from '../schemas.js';

const Params = z.object({ connectionId: z.string().min(1).max(100) });
const token = (req: FastifyRequest): string | undefined => {
  const h = req.headers.authorization;
  if (h?.startsWith('Bearer ')) return h.slice(7).trim();
  const q = (req.query as { token?: string } | undefined)?.token;
  return typeof q === 'string' ? q : undefined;
};

export interface WebchatRouteOptions {
  /** largest visitor upload (SWITCHBOARD_MEDIA_MAX_BYTES) */
  mediaLimit?: number;
  /** offline-form submissions per client IP in the window */
  offlinePerIp?: { max: number; windowMs: number };
  /** visitor uploads per client IP in the window */
  uploadsPerIp?: { max: number; windowMs: number };
}

/** the largest file a visitor may send, whatever SWITCHBOARD_MEDIA_MAX_BYTES allows operators */
export const VISITOR_UPLOAD_MAX = 10 * 1024 * 1024;

const Attachment = z.object({
  url: z.string().max(2000),
  mimeType: z.string().max(200),
  fileName: z.string().max(255).optional(),
  size: z.number().int().positive().optional(),
});
const OfflineBody = z.object({
  email: z.email().max(254),
  name: z.string().trim().max(200).optional(),
  message: z.string().trim().min(1).max(5000),
  clientMessageId: z.string().min(1).max(100).optional(),
});

export async function webchatRoutes(app: FastifyInstance, hub: Hub, options: WebchatRouteOptions = {}): Promise<void> {
  // anyone can open a visitor session, so visitor files get a smaller cap than operators' uploads and a rate
  // limit per client address: the hub must not become a free file host or a way to fill its disk
  const mediaLimit = Math.min(options.mediaLimit ?? VISITOR_UPLOAD_MAX, VISITOR_UPLOAD_MAX);
  const uploadLimiter = new FailedAuthLimiter({
    maxFailures: options.uploadsPerIp?.max ?? 30,
    windowMs: options.uploadsPerIp?.windowMs ?? 10 * 60_000,
  });
  // the same sliding window as failed sign-ins, counting every submission: a form anyone can post must not
  // become a way to flood the inbox
  const offlineLimiter = new FailedAuthLimiter({
    maxFailures: options.offlinePerIp?.max ?? 5,
    windowMs: options.offlinePerIp?.windowMs ?? 15 * 60_000,
  });
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

    r.post(
      '/webchat/:connectionId/sessions',
      { schema: { tags, params: Params, summary: 'Start an anonymous visitor session' } },
      async (req, reply) => reply.code(201).send(await hub.visitors.createSession(req.params.connectionId, req.ip)),
    );

    r.post(
      '/webchat/:connectionId/messages',
      {
        schema: {
          tags,
          params: Params,
          summary: 'Send a visitor message (Bearer visitor token)',
          body: z.object({
            clientMessageId: z.string().min(1).max(100),
            text: z.string().min(1).max(10000).optional(),
            name: z.string().max(200).optional(),
            attachment: Attachment.optional(),
          }),
        },
      },
      async (req, reply) => {
        // req.ip: the client address as SWITCHBOARD_TRUST_PROXY allows (Fastify trustProxy, api/server.ts)
        await hub.visitors.admitMessage(req.params.connectionId, token(req), req.ip);
        if (req.body.attachment) await hub.visitors.checkAttachment(req.params.connectionId, req.body.attachment.url);
        return sendReply(reply, await hub.visitors.send(req.params.connectionId, token(req), req.body));
      },
    );

    r.post('/webchat/:connectionId/typing', { schema: { tags, params: Params } }, async (req, reply) => {
      await hub.visitors.typing(req.params.connectionId, token(req), req.ip);
      return reply.code(204).send(null);
    });

    r.get(
      '/webchat/:connectionId/messages',
      { schema: { tags, params: Params, summary: "The visitor's conversation so far (for reloads)" } },
      async (req) => hub.visitors.history(req.params.connectionId, token(req)),
    );

    r.get(
      '/webchat/:connectionId/stream',
      {
        schema: {
          tags,
          params: Params,
          summary: 'Live operator replies and typing (SSE; token in the query for EventSource)',
          querystring: z.object({ token: z.string().optional() }),
        },
      },
      async (req, reply) => {
        const t = token(req);
        await hub.visitors.visitorOf(req.params.connectionId, t); // fail before hijacking, so errors keep their JSON shape
        const stream = openSse(req, reply);
        const remove = await hub.visitors.stream(req.params.connectionId, t, (type, data) => stream.send(type, data));
        stream.onClose(remove);
        stream.send('ready', {});
      },
    );

    r.get(
      '/webchat/:connectionId/settings',
      {
        schema: {
          tags,
          params: Params,
          summary:
            'Public widget settings: appearance, greeting, whether the chat is inside its opening hours now, offline behaviour',
          response: { 200: WebchatPublicSettingsSchema },
        },
      },
      async (req, reply) => {
        reply.header('cache-control', 'no-store');
        // the connector computes them (an open record to core); e2e/webchat-settings.test.ts checks answers against this schema
        return hub.visitors.settings(req.params.connectionId) as Promise<z.infer<typeof WebchatPublicSettingsSchema>>;
      },
    );

    r.post(
      '/webchat/:connectionId/offline',
      {
        schema: {
          tags,
          params: Params,
          body: OfflineBody,
          summary:
            'The offline form: leaves an email and a message; opens a conversation (optional Bearer visitor token)',
        },
      },
      async (req, reply) => {
        const wait = offlineLimiter.blockedFor(req.ip);
        if (wait !== undefined) {
          reply.header('retry-after', String(Math.ceil(wait / 1000)));
          return reply
            .code(429)
            .send({ error: { code: 'RATE_LIMITED', message: 'too many messages from this address; try again later' } });
        }
        offlineLimiter.recordFailure(req.ip);
        const { reply: ingested, session } = await hub.visitors.offline(
          req.params.connectionId,
          token(req),
          req.body,
          req.ip,
        );
        if (ingested.status !== 200) return sendReply(reply, ingested);
        return reply.code(202).send({ accepted: true, ...(session ? { session } : {}) });
      },
    );

    await scope.register(async (uploads) => {
      uploads.removeAllContentTypeParsers();
      uploads.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: mediaLimit }, (_req, body, done) =>
        done(null, body),
      );
      uploads.withTypeProvider<ZodTypeProvider>().post(
        '/webchat/:connectionId/uploads',
        {
          bodyLimit: mediaLimit,
          // the session is checked before the body is read: no stranger streams megabytes at us
          onRequest: async (req, reply) => {
            await hub.visitors.visitorOf((req.params as { connectionId: string }).connectionId, token(req));
            const wait = uploadLimiter.blockedFor(req.ip);
            if (wait !== undefined) {
              reply.header('retry-after', String(Math.ceil(wait / 1000)));
              return reply.code(429).send({
                error: { code: 'RATE_LIMITED', message: 'too many uploads from this address; try again later' },
              });
            }
            uploadLimiter.recordFailure(req.ip);
          },
          schema: {
            tags,
            params: Params,
            querystring: z.object({ fileName: z.string().max(255).optional() }),
            summary: 'Upload a file to send (Bearer visitor token; the body is the file, Content-Type its type)',
          },
        },
        async (req, reply) => {
          const mimeType =
            (req.headers['content-type'] ?? 'application/octet-stream').split(';')[0]?.trim().toLowerCase() ||
            'application/octet-stream';
          const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
          return reply
            .code(201)
            .send(
              await hub.visitors.upload(
                req.params.connectionId,
                token(req),
                body,
                mimeType,
                req.query.fileName ?? null,
                mediaLimit,
              ),
            );
        },
      );
    });

    r.get('/webchat/:connectionId/test', { schema: { hide: true, params: Params } }, async (req, reply) =>
      reply.type('text/html; charset=utf-8').send(webchatTestPage(req.params.connectionId)),
    );
  });
}
