/**
 * @module api/routes/webhook-routes
 * GET|HEAD|POST /webhooks/{connectionId} (and POST /webhooks/{connectionId}/{secret}): every provider's webhooks and
 * handshakes. The body is kept as raw bytes (signatures are computed over them) and capped by the configured limit
 * (413 above it).
 *
 * These requests are answered by a plain node:http listener that runs before fastify's router (the server is built
 * by `serverFactory` in api/server.ts): a webhook needs none of what fastify adds per request — routing through
 * the whole API's tree, hooks, a request logger child, content-type parsing, reply serialisation — and on the
 * machine's one event loop that overhead was ~30 % of a bare node:http answer (docs/benchmarks.md, "The HTTP path").
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyReply } from 'fastify';
import type { HttpReply, WebhookRequest } from '../../channel-kit/index.js';
import type { Hub } from '../../core/hub.js';

export function sendReply(reply: FastifyReply, r: HttpReply): FastifyReply {
  reply.code(r.status);
  for (const [k, v] of Object.entries(r.headers ?? {})) reply.header(k, v);
  return reply.send(r.body ?? '');
}

const UNAVAILABLE: HttpReply = {
  status: 503,
  headers: { 'content-type': 'application/json', 'retry-after': '5' },
  body: JSON.stringify({ error: { code: 'UNAVAILABLE', message: 'temporarily unable to store the webhook' } }),
};
const CLOSING: HttpReply = {
  status: 503,
  headers: { 'content-type': 'application/json', connection: 'close', 'retry-after': '5' },
  body: JSON.stringify({ error: { code: 'UNAVAILABLE', message: 'the server is shutting down' } }),
};
const TOO_LARGE: HttpReply = {
  status: 413,
  headers: { 'content-type': 'application/json', connection: 'close' },
  body: JSON.stringify({ error: { code: 'PAYLOAD_TOO_LARGE', message: 'request body is larger than the limit' } }),
};

/** /webhooks/{id} or /webhooks/{id}/{secret}, nothing else (a trailing slash or a third segment is not a webhook) */
const WEBHOOK_PATH = /^\/webhooks\/([^/?#]+)(?:\/([^/?#]+))?$/;

function writeReply(res: ServerResponse, r: HttpReply): void {
  const body = r.body ?? '';
  const headers: Record<string, string | number> = { ...r.headers };
  if (!Object.keys(headers).some((k) => k.toLowerCase() === 'content-type'))
    headers['content-type'] = 'text/plain; charset=utf-8';
  headers['content-length'] = Buffer.byteLength(body);
  res.writeHead(r.status, headers);
  res.end(body);
}

/** 413 before reading the rest: the answer is flushed first, then the connection closed (the body is not wanted) */
function refuseTooLarge(req: IncomingMessage, res: ServerResponse): void {
  res.once('finish', () => req.destroy());
  writeReply(res, TOO_LARGE);
}

export interface WebhookListener {
  /** answers a webhook request and returns true; returns false (and touches nothing) for any other request */
  handle(req: IncomingMessage, res: ServerResponse): boolean;
  /** from now on every webhook is answered 503 + Retry-After (the server is closing; the provider retries) */
  close(): void;
}

export function webhookListener(
  hub: Hub,
  options: { publicUrl: string; bodyLimit: number; warn: (details: object, message: string) => void },
): WebhookListener {
  let closing = false;

  const answer = async (res: ServerResponse, connectionId: string, request: WebhookRequest): Promise<void> => {
    let reply: HttpReply;
    try {
      reply = await hub.ingest.handle(connectionId, request);
    } catch (error) {
      // the store could not take it (a database restart): nothing was acknowledged, so the provider retries
      options.warn({ err: error }, 'webhook not stored; answering 503 so the provider retries');
      reply = UNAVAILABLE;
    }
    if (!res.destroyed) writeReply(res, reply);
  };

  const toRequest = (req: IncomingMessage, rawBody: Buffer): WebhookRequest => {
    const url = req.url ?? '/';
    const headers: Record<string, string | undefined> = {};
    // node lower-cases header names and joins repeated ones, except set-cookie (an array)
    for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v.join(', ') : v;
    const query: Record<string, string | undefined> = {};
    const q = url.indexOf('?');
    if (q >= 0) for (const [k, v] of new URLSearchParams(url.slice(q + 1))) query[k] = v;
    return { method: req.method ?? 'GET', url: `${options.publicUrl}${url}`, headers, query, rawBody };
  };

  return {
    close() {
      closing = true;
    },
    handle(req, res) {
      const url = req.url ?? '';
      if (!url.startsWith('/webhooks/')) return false;
      const q = url.indexOf('?');
      const match = WEBHOOK_PATH.exec(q >= 0 ? url.slice(0, q) : url);
      if (!match) return false;
      const method = req.method;
      const withSecret = match[2] !== undefined;
      if (!(method === 'POST' || (!withSecret && (method === 'GET' || method === 'HEAD')))) return false;
      let connectionId: string;
      try {
        connectionId = decodeURIComponent(match[1]!);
      } catch {
        return false; // fastify answers a malformed escape with 400
      }
      if (closing) {
        writeReply(res, CLOSING);
        req.resume();
        return true;
      }
      if (method !== 'POST') {
        req.resume();
        void answer(res, connectionId, toRequest(req, Buffer.alloc(0)));
        return true;
      }
      const declared = Number(req.headers['content-length']);
      if (Number.isFinite(declared) && declared > options.bodyLimit) {
        refuseTooLarge(req, res);
        return true;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      let tooLarge = false;
      req.on('data', (chunk: Buffer) => {
        if (tooLarge) return;
        size += chunk.length;
        if (size > options.bodyLimit) {
          tooLarge = true;
          chunks.length = 0;
          refuseTooLarge(req, res);
          return;
        }
        chunks.push(chunk);
      });
      req.on('error', () => undefined);
      req.on('end', () => {
        if (tooLarge) return;
        const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
        void answer(res, connectionId, toRequest(req, body));
      });
      return true;
    },
  };
}
