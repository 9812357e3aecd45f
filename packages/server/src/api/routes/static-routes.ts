/**
 * @module api/routes/static-routes
 * Serves the built front ends: the embeddable web chat widget (`GET /widget.js`, any origin may load it) and the
 * operator app under `/app/` (a single-page app: unknown paths fall back to its index.html). Files are read from
 * the packages' `dist` folders; when one is not built, the answer is a 404 saying which build to run.
 */
import { readFile } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';

export interface StaticRoutesOptions {
  /** absolute path of the built widget script */
  widgetFile?: string;
  /** absolute path of the operator app's build output (holds index.html) */
  webDir?: string;
}

// relative to this module, so it works from both src/ and dist/
export const DEFAULT_WIDGET_FILE = fileURLToPath(new URL('../../../../widget/dist/widget.js', import.meta.url));
export const DEFAULT_WEB_DIR = fileURLToPath(new URL('../../../../web/dist/', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

async function readOrNull(file: string): Promise<Buffer | null> {
  try {
    return await readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR') return null;
    throw err;
  }
}

function notBuilt(reply: FastifyReply, what: string, command: string): FastifyReply {
  return reply
    .code(404)
    .send({ error: { code: 'NOT_BUILT', message: `${what} is not built: run \`${command}\` and restart` } });
}

/**
 * The hub's icon: a speech bubble on the app's dark header colour. SVG, so one file serves every size; browsers
 * that ask for /favicon.ico take it by its content type.
 */
export const FAVICON_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><rect width="24" height="24" rx="5" fill="#111827"/>' +
  '<path d="M5 6h14v9H10l-5 4z" fill="none" stroke="#fff" stroke-width="1.8" stroke-linejoin="round"/>' +
  '<path d="M9 10.5h.01M12 10.5h.01M15 10.5h.01" stroke="#fff" stroke-width="2.2" stroke-linecap="round"/></svg>';

export function staticRoutes(app: FastifyInstance, options: StaticRoutesOptions = {}): void {
  for (const url of ['/favicon.ico', '/favicon.svg'])
    app.get(url, { schema: { hide: true } }, async (_req, reply) =>
      reply.type('image/svg+xml').header('cache-control', 'public, max-age=86400').send(FAVICON_SVG),
    );
  const widgetFile = options.widgetFile ?? DEFAULT_WIDGET_FILE;
  const webDir = resolve(options.webDir ?? DEFAULT_WEB_DIR);

  app.get('/widget.js', { schema: { hide: true } }, async (_req, reply) => {
    const body = await readOrNull(widgetFile);
    if (!body) return notBuilt(reply, 'the web chat widget', 'npm run build -w @switchboard/widget');
    return reply
      .header('content-type', 'text/javascript; charset=utf-8')
      .header('access-control-allow-origin', '*')
      .header('cross-origin-resource-policy', 'cross-origin')
      .header('cache-control', 'public, max-age=300')
      .header('x-content-type-options', 'nosniff')
      .send(body);
  });

  app.get('/', { schema: { hide: true } }, async (_req, reply) => reply.redirect('/app/', 302));
  app.get('/app', { schema: { hide: true } }, async (_req, reply) => reply.redirect('/app/', 302));

  app.get('/app/*', { schema: { hide: true } }, async (req, reply) => {
    let rest: string;
    try {
      rest = decodeURIComponent((req.params as { '*'?: string })['*'] ?? '');
    } catch {
      return reply.code(400).send({ error: { code: 'BAD_REQUEST', message: 'malformed path' } });
    }
    const file = resolve(webDir, rest);
    if (file !== webDir && !file.startsWith(webDir + sep))
      return reply.code(404).send({ error: { code: 'NOT_FOUND', message: 'not found' } });
    const ext = extname(file);
    let body = rest && ext ? await readOrNull(file) : null;
    let type = TYPES[ext] ?? 'application/octet-stream';
    if (!body) {
      // a missing asset is a 404; any other path is a client-side route of the single-page app
      if (ext && ext !== '.html')
        return reply.code(404).send({ error: { code: 'NOT_FOUND', message: `no file /app/${rest}` } });
      body = await readOrNull(resolve(webDir, 'index.html'));
      if (!body) return notBuilt(reply, 'the operator app', 'npm run build -w @switchboard/web');
      type = TYPES['.html'] as string;
    }
    const immutable = rest.startsWith('assets/');
    return reply
      .header('content-type', type)
      .header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
      .header('x-content-type-options', 'nosniff')
      .header('x-frame-options', 'DENY')
      .header('referrer-policy', 'no-referrer')
      .send(body);
  });
}
