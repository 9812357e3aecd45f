/** @module api/routes/dead-letter-routes — /api/v1/dead-letters: work that failed every delivery; replay one. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Hub } from '../../core/hub.js';
import type { DeadLetterRecord } from '../../core/ports/index.js';
import { principalOf, requireRole } from '../auth.js';
import { ErrorSchema, IdParams, PageQuerySchema, pageOf } from '../schemas.js';

const DeadLetterSchema = z
  .object({
    id: z.string(),
    topic: z.string(),
    key: z.string(),
    payload: z.record(z.string(), z.unknown()),
    error: z.string(),
    deliveries: z.number(),
    createdAt: z.string(),
    replayedAt: z.string().nullable(),
  })
  .meta({ id: 'DeadLetter' });

const view = (d: DeadLetterRecord) => ({
  id: d.id,
  topic: d.topic,
  key: d.key,
  payload: d.payload,
  error: d.error,
  deliveries: d.deliveries,
  createdAt: d.createdAt,
  replayedAt: d.replayedAt,
});

export function deadLetterRoutes(app: FastifyInstance, hub: Hub): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['operations'];
  r.get(
    '/dead-letters',
    {
      schema: {
        tags,
        summary: 'Work that failed every delivery attempt',
        querystring: PageQuerySchema,
        response: { 200: pageOf(DeadLetterSchema), 401: ErrorSchema },
      },
    },
    async (req) => {
      const p = await hub.deadLetters.list(principalOf(req).workspaceId, req.query);
      return { data: p.data.map(view), nextCursor: p.nextCursor };
    },
  );
  r.post(
    '/dead-letters/:id/replay',
    {
      schema: {
        tags,
        summary: 'Hand a dead letter to the bus again',
        params: IdParams,
        response: { 200: DeadLetterSchema, 404: ErrorSchema },
      },
    },
    async (req) => view(await hub.deadLetters.replay(requireRole(req, 'admin').workspaceId, req.params.id)),
  );
}
