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
    notificationConnectionId: z
      .string()
      .nullable()
      .describe(
        "the email connection the workspace's owners and admins are written to about the hub itself: a connection's health turning warning or failing, and back (at most one mail per connection per SWITCHBOARD_NOTIFY_MIN_INTERVAL_MINUTES); null: no e-mails",
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
          .object({
            allowPrivateNetwork: z.boolean().optional(),
            keepDeletedContent: z.boolean().optional(),
            notificationConnectionId: z
              .string()
              .regex(/^conn_[a-z0-9]{1,64}$/, 'a connection id')
              .nullable()
              .optional()
              .describe('an email connection of this workspace, or null to send no e-mails'),
          })
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
