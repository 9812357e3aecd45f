/**
 * @module api/routes/media-routes
 * POST /api/v1/media uploads a file (raw body, its Content-Type; ?fileName=) and answers its URL, usable in a
 * message's content. GET /media/{id}/{accessKey} serves the bytes to whoever holds that URL (web app, widget).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Hub } from '../../core/hub.js';
import type { AttachmentRecord } from '../../core/ports/index.js';
import { principalOf } from '../auth.js';
import { ErrorSchema } from '../schemas.js';

const AttachmentSchema = z
  .object({ id: z.string(), url: z.string(), mimeType: z.string(), size: z.number(), fileName: z.string().nullable() })
  .meta({ id: 'Attachment' });

export async function mediaUploadRoutes(app: FastifyInstance, hub: Hub, limit: number): Promise<void> {
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: limit }, (_req, body, done) => done(null, body));
    scope.withTypeProvider<ZodTypeProvider>().post(
      '/media',
      {
        bodyLimit: limit,
        schema: {
          tags: ['media'],
          summary: 'Upload a file; the body is the file, Content-Type its type',
          querystring: z.object({ fileName: z.string().max(255).optional() }),
          response: { 201: AttachmentSchema, 400: ErrorSchema, 401: ErrorSchema, 413: ErrorSchema },
        },
      },
      async (req: FastifyRequest<{ Querystring: { fileName?: string } }>, reply) => {
        const mimeType =
          (req.headers['content-type'] ?? 'application/octet-stream').split(';')[0]?.trim() ||
          'application/octet-stream';
        const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
        const a = await hub.media.upload(principalOf(req).workspaceId, body, mimeType, req.query.fileName ?? null);
        return reply
          .code(201)
          .send({ id: a.id, url: a.url, mimeType: a.mimeType, size: a.size ?? body.length, fileName: a.fileName });
      },
    );
  });
}

export function mediaServeRoutes(app: FastifyInstance, hub: Hub): void {
  app.get(
    '/media/:id/link',
    {
      schema: {
        tags: ['media'],
        summary: 'The bytes of an attachment through a signed, expiring link (what a channel without files gets)',
        params: z.object({ id: z.string() }),
        querystring: z.object({ expires: z.string().max(20).optional(), signature: z.string().max(100).optional() }),
      },
    },
    async (req, reply) => {
      const { id } = req.params as { id: string };
      const { expires, signature } = req.query as { expires?: string; signature?: string };
      const { attachment, bytes } = await hub.media.openShared(id, expires ?? '', signature ?? '');
      return sendFile(reply, attachment, bytes);
    },
  );
  app.get(
    '/media/:id/:key',
    {
      schema: {
        tags: ['media'],
        summary: 'The bytes of an attachment (capability URL)',
        params: z.object({ id: z.string(), key: z.string() }),
      },
    },
    async (req, reply) => {
      const { id, key } = req.params as { id: string; key: string };
      const { attachment, bytes } = await hub.media.open(id, key);
      return sendFile(reply, attachment, bytes);
    },
  );
}

function sendFile(reply: FastifyReply, attachment: AttachmentRecord, bytes: Buffer): FastifyReply {
  reply.header('content-type', attachment.mimeType);
  reply.header('cache-control', 'private, max-age=86400, immutable');
  reply.header('x-content-type-options', 'nosniff');
  // never rendered inline as a page of ours: an uploaded HTML or SVG file cannot script the app's origin
  const inline = /^(image\/(png|jpeg|gif|webp)|audio\/|video\/)/.test(attachment.mimeType);
  // RFC 6266: an ASCII fallback plus the UTF-8 name (a raw non-Latin-1 name would make the header invalid)
  const name = attachment.fileName ?? attachment.id;
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  reply.header(
    'content-disposition',
    `${inline ? 'inline' : 'attachment'}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`,
  );
  return reply.send(bytes);
}
