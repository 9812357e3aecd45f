/**
 * @module api/routes/workspace-routes
 * The signed-in user's workspace and its settings: read by every role, changed by owners and admins.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Hub } from '../../core/hub.js';
import { principalOf, requireRole } from '../auth.js';
import { ErrorSchema } from '../schemas.js';

const WorkspaceSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    allowPrivateNetwork: z
      .boolean()
      .describe(
        'admin-configured URLs (webhook receivers, agents) may reach private ranges such as 10.0.0.0/8 or 127.0.0.1; link-local and cloud metadata addresses are refused regardless',
      ),
    keepDeletedContent: z
      .boolean()
      .describe(
        'what a customer deletes (Instagram unsend) is kept out of the conversation for audit, readable by owners and admins at GET /messages/{id}/deleted-content; off: it is dropped',
      ),
    createdAt: z.string(),
  })
  .meta({ id: 'Workspace' });

export function workspaceRoutes(app: FastifyInstance, hub: Hub): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['workspace'];
  const errors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema };

  r.get(
    '/workspace',
    { schema: { tags, summary: 'The workspace of the signed-in user', response: { 200: WorkspaceSchema, ...errors } } },
    async (req) => hub.workspaces.get(principalOf(req).workspaceId),
  );
  r.patch(
    '/workspace',
    {
      schema: {
        tags,
        summary: 'Change workspace settings (owners and admins)',
        body: z
          .object({ allowPrivateNetwork: z.boolean().optional(), keepDeletedContent: z.boolean().optional() })
          .strict(),
        response: { 200: WorkspaceSchema, ...errors },
      },
    },
    async (req) => {
      const p = requireRole(req, 'admin');
      return hub.workspaces.update(p.workspaceId, p.userId, req.body);
    },
  );
}
