/**
 * @module api/routes/team-routes
 * Teams of operators with a per-operator capacity; conversations routed to a team are assigned round-robin among
 * members below capacity, or wait in the team inbox. Admins manage teams; everyone signed in may read them.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Hub } from '../../core/hub.js';
import { principalOf, requireRole } from '../auth.js';
import { ErrorSchema, IdParams, PageQuerySchema, pageOf } from '../schemas.js';

const MemberSchema = z.object({
  userId: z.string().min(1).max(100),
  capacity: z
    .number()
    .int()
    .min(0)
    .max(1000)
    .describe('open conversations the operator takes at once from round-robin (0: none, e.g. away)'),
});

const TeamSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    members: z.array(MemberSchema),
    lastAssignedUserId: z.string().nullable().describe('the round-robin cursor'),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Team' });

export function teamRoutes(app: FastifyInstance, hub: Hub): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['teams'];
  const errors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema };
  const admin = (req: Parameters<typeof requireRole>[0]) => requireRole(req, 'admin').workspaceId;
  const members = z.array(MemberSchema).max(500);

  r.get(
    '/teams',
    { schema: { tags, querystring: PageQuerySchema, response: { 200: pageOf(TeamSchema), ...errors } } },
    async (req) => hub.teams.list(principalOf(req).workspaceId, req.query),
  );

  r.post(
    '/teams',
    {
      schema: {
        tags,
        body: z.object({ name: z.string().min(1).max(200), members: members.optional() }),
        response: { 201: TeamSchema, ...errors },
      },
    },
    async (req, reply) => reply.code(201).send(await hub.teams.create(admin(req), req.body)),
  );

  r.get('/teams/:id', { schema: { tags, params: IdParams, response: { 200: TeamSchema, ...errors } } }, async (req) =>
    hub.teams.get(principalOf(req).workspaceId, req.params.id),
  );

  r.patch(
    '/teams/:id',
    {
      schema: {
        tags,
        summary:
          'Rename, or replace the member list (added members and raised capacities take waiting conversations at once)',
        params: IdParams,
        body: z.object({ name: z.string().min(1).max(200).optional(), members: members.optional() }),
        response: { 200: TeamSchema, ...errors },
      },
    },
    async (req) => hub.teams.update(admin(req), req.params.id, req.body),
  );

  r.delete(
    '/teams/:id',
    {
      schema: {
        tags,
        summary: 'Delete the team; its conversations leave the team inbox',
        params: IdParams,
        response: { 204: z.null(), ...errors },
      },
    },
    async (req, reply) => {
      await hub.teams.remove(admin(req), req.params.id);
      return reply.code(204).send(null);
    },
  );
}
