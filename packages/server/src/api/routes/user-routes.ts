/**
 * @module api/routes/user-routes
 * Sign-in with email and password (public, rate-limited per address and per email), sign-out, the current
 * user, and the workspace's users (owners and admins invite and manage them).
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Hub } from '../../core/hub.js';
import { AppError } from '../../core/errors.js';
import type { Role } from '../../core/ports/index.js';
import { OPERATOR_ADDRESS } from '../../model/index.js';
import { bearerToken, FailedAuthLimiter, principalOf, rateLimited, type BearerAuth } from '../auth.js';
import { ErrorSchema, IdParams } from '../schemas.js';

const UserSchema = z
  .object({
    id: z.string(),
    workspaceId: z.string(),
    email: z.string(),
    name: z.string(),
    role: z.enum(['owner', 'admin', 'operator']),
    phone: z.string().nullable().describe('where a phone call transferred to this operator rings'),
    createdAt: z.string(),
  })
  .meta({ id: 'User' });
const RoleSchema = z.enum(['owner', 'admin', 'operator']);

/**
 * POST /api/v1/auth/login — outside the bearer-protected scope. Unlike a token, a password is guessable, so a
 * client over the limit is refused before the password is checked: failures count per client address and per
 * email (a guesser spread over many addresses still gets 20 tries a minute at one account).
 */
export function signInRoutes(app: FastifyInstance, hub: Hub, auth: BearerAuth): void {
  const emailLimiter = new FailedAuthLimiter();
  app.withTypeProvider<ZodTypeProvider>().post(
    '/auth/login',
    {
      schema: {
        tags: ['auth'],
        summary: 'Sign in with email and password; answers a session token (Bearer) valid 30 days',
        security: [],
        body: z.object({
          email: z.string().min(3).max(320),
          password: z.string().min(1).max(500),
          workspaceId: z
            .string()
            .min(1)
            .max(100)
            .optional()
            .describe('needed when the email belongs to more than one workspace (409 WORKSPACE_REQUIRED)'),
        }),
        response: {
          200: z.object({ token: z.string(), expiresAt: z.string(), user: UserSchema }),
          401: ErrorSchema,
          409: ErrorSchema,
          429: ErrorSchema,
        },
      },
    },
    async (req, reply) => {
      const email = req.body.email.trim().toLowerCase();
      const blocked = auth.limiter.blockedFor(req.ip) ?? emailLimiter.blockedFor(email);
      if (blocked !== undefined) throw rateLimited(reply, blocked, 'from this address or for this email');
      const session = await hub.users.signIn(email, req.body.password, req.body.workspaceId);
      if (!session) {
        auth.limiter.recordFailure(req.ip);
        emailLimiter.recordFailure(email);
        throw new AppError('UNAUTHORIZED', 'wrong email or password');
      }
      return session;
    },
  );
}

export function userRoutes(app: FastifyInstance, hub: Hub, auth: BearerAuth): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['users'];
  const errors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema };
  const actor = (req: Parameters<typeof principalOf>[0]) => {
    const p = principalOf(req);
    return { workspaceId: p.workspaceId, userId: p.userId, role: p.role as Role };
  };

  r.post(
    '/auth/logout',
    { schema: { tags: ['auth'], summary: 'End this session', response: { 204: z.null() } } },
    async (req, reply) => {
      const token = bearerToken(req.headers.authorization) ?? '';
      await hub.users.signOut(token);
      auth.forget(token);
      return reply.code(204).send(null);
    },
  );
  r.get(
    '/me',
    { schema: { tags, summary: 'The signed-in user', response: { 200: UserSchema, ...errors } } },
    async (req) => {
      const a = actor(req);
      return hub.users.me(a.workspaceId, a.userId);
    },
  );
  r.get(
    '/users',
    { schema: { tags, response: { 200: z.object({ data: z.array(UserSchema) }), ...errors } } },
    async (req) => ({ data: await hub.users.list(actor(req).workspaceId) }),
  );
  r.post(
    '/users',
    {
      schema: {
        tags,
        summary: 'Invite a user; without a password one is generated and answered once',
        body: z.object({
          email: z.email(),
          name: z.string().min(1).max(200),
          role: RoleSchema,
          password: z.string().min(8).max(500).optional(),
        }),
        response: { 201: z.object({ user: UserSchema, password: z.string().optional() }), ...errors },
      },
    },
    async (req, reply) => {
      const a = actor(req);
      const { user, password } = await hub.users.invite(a.workspaceId, a.role, req.body);
      return reply.code(201).send({ user, ...(password ? { password } : {}) });
    },
  );
  r.patch(
    '/users/:id',
    {
      schema: {
        tags,
        params: IdParams,
        body: z.object({
          name: z.string().min(1).max(200).optional(),
          role: RoleSchema.optional(),
          password: z.string().min(8).max(500).optional(),
          currentPassword: z
            .string()
            .min(1)
            .max(500)
            .optional()
            .describe('required when you change your own password (not when an admin resets someone else’s)'),
          phone: z
            .string()
            .regex(
              OPERATOR_ADDRESS,
              'an E.164 number such as +15017122661 or a SIP URI such as sip:desk@pbx.example.com',
            )
            .nullable()
            .optional()
            .describe(
              'where a call handed to this operator rings (E.164 or a SIP URI), rung in turn with the team; null removes it',
            ),
        }),
        response: { 200: UserSchema, ...errors },
      },
    },
    async (req) => {
      const a = actor(req);
      return hub.users.update(a.workspaceId, a, req.params.id, req.body);
    },
  );
  r.delete(
    '/users/:id',
    { schema: { tags, params: IdParams, response: { 204: z.null(), ...errors } } },
    async (req, reply) => {
      const a = actor(req);
      await hub.users.remove(a.workspaceId, a, req.params.id);
      return reply.code(204).send(null);
    },
  );
}
