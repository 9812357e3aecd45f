/**
 * @module api/routes/meta-connect-routes — "Connect with Meta" (core/meta-connect): GET|POST /api/v1/meta/connect,
 * the accounts of a grant and the connection made from a pick, and GET /meta/connect/callback, where Facebook
 * sends the browser back. The dialog's state is bound to an HttpOnly, SameSite=Lax cookie set when it is opened.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Hub } from '../../core/hub.js';
import { META_CALLBACK_PATH } from '../../core/meta-connect/meta-connect-service.js';
import { principalOf, requireRole } from '../auth.js';
import { ConnectionSchema, ErrorSchema } from '../schemas.js';

export const META_NONCE_COOKIE = 'sb_meta_connect';

const StatusSchema = z
  .object({ enabled: z.boolean(), reason: z.string().nullable(), types: z.array(z.string()) })
  .meta({ id: 'MetaConnectStatus' });
const AccountsSchema = z
  .object({
    channelType: z.string(),
    pages: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        instagram: z.object({ id: z.string(), username: z.string().optional() }).optional(),
      }),
    ),
    whatsapp: z.array(
      z.object({
        businessAccountId: z.string(),
        phoneNumbers: z.array(
          z.object({ id: z.string(), displayPhoneNumber: z.string().optional(), verifiedName: z.string().optional() }),
        ),
      }),
    ),
  })
  .meta({ id: 'MetaConnectAccounts' });

function cookieValue(req: FastifyRequest, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

function nonceCookie(value: string, maxAgeSeconds: number, secure: boolean): string {
  return [
    `${META_NONCE_COOKIE}=${value}`,
    `Path=${META_CALLBACK_PATH}`,
    `Max-Age=${maxAgeSeconds}`,
    'HttpOnly',
    'SameSite=Lax',
    ...(secure ? ['Secure'] : []),
  ].join('; ');
}

/** the authenticated half, under /api/v1 */
export function metaConnectRoutes(app: FastifyInstance, hub: Hub): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['connections'];
  const errors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema };
  const secure = hub.deps.settings.publicUrl.startsWith('https:');

  r.get(
    '/meta/connect',
    {
      schema: {
        tags,
        summary: 'Whether Connect with Meta is offered (SWITCHBOARD_META_APP_ID and _SECRET set), and for which types',
        response: { 200: StatusSchema, 401: ErrorSchema },
      },
    },
    async (req) => {
      principalOf(req);
      return hub.metaConnect.status();
    },
  );

  r.post(
    '/meta/connect',
    {
      schema: {
        tags,
        summary: 'Opens a Connect with Meta dialog: answers its URL and sets the cookie its callback must carry',
        body: z.object({ type: z.string() }),
        response: {
          201: z.object({ grantId: z.string(), dialogUrl: z.string(), expiresAt: z.string() }),
          ...errors,
        },
      },
    },
    async (req, reply) => {
      const p = requireRole(req, 'admin');
      const { grantId, dialogUrl, nonce, expiresAt } = await hub.metaConnect.start(p, req.body.type);
      const maxAge = Math.max(1, Math.floor((Date.parse(expiresAt) - Date.now()) / 1000));
      return reply
        .code(201)
        .header('set-cookie', nonceCookie(nonce, maxAge, secure))
        .send({ grantId, dialogUrl, expiresAt });
    },
  );

  r.get(
    '/meta/connect/:grantId/accounts',
    {
      schema: {
        tags,
        summary: 'The Pages, Instagram accounts or WhatsApp numbers the person granted',
        params: z.object({ grantId: z.string() }),
        response: { 200: AccountsSchema, ...errors },
      },
    },
    async (req) => hub.metaConnect.accounts(requireRole(req, 'admin'), req.params.grantId),
  );

  r.post(
    '/meta/connect/:grantId/connections',
    {
      schema: {
        tags,
        summary: 'Creates (and starts) the connection for the account picked',
        params: z.object({ grantId: z.string() }),
        body: z.object({
          accountId: z.string().min(1),
          phoneNumberIds: z.array(z.string()).optional(),
          name: z.string().min(1).max(200),
          description: z.string().max(2000).optional(),
        }),
        response: { 201: ConnectionSchema, ...errors },
      },
    },
    async (req, reply) => {
      const view = await hub.metaConnect.connect(requireRole(req, 'admin'), req.params.grantId, req.body);
      return reply.code(201).send(view);
    },
  );
}

/** the browser half: Facebook redirects here; on success the browser goes on to the app to pick the account */
export function metaCallbackRoute(app: FastifyInstance, hub: Hub): void {
  const secure = hub.deps.settings.publicUrl.startsWith('https:');
  app.get(
    META_CALLBACK_PATH,
    { schema: { hide: true } },
    async (
      req: FastifyRequest<{
        Querystring: { code?: string; state?: string; error?: string; error_description?: string };
      }>,
      reply: FastifyReply,
    ) => {
      const nonce = cookieValue(req, META_NONCE_COOKIE);
      // the cookie is spent whatever happens: a state is good for one callback
      reply.header('set-cookie', nonceCookie('', 0, secure));
      const grant = await hub.metaConnect.callback(req.query, nonce);
      return reply.redirect(
        `${hub.deps.settings.publicUrl}/app/#/settings/channels?metaGrant=${encodeURIComponent(grant.id)}`,
        303,
      );
    },
  );
}
