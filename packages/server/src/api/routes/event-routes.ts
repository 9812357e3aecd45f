/**
 * @module api/routes/event-routes
 * GET /api/v1/events: the workspace's events as SSE. Reconnecting with Last-Event-ID replays what was missed
 * (events are kept in the outbox for the retention period).
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Hub } from '../../core/hub.js';
import { EVENT_TYPES } from '../../model/index.js';
import { principalOf } from '../auth.js';
import { openSse } from '../sse.js';

export function eventRoutes(app: FastifyInstance, hub: Hub): void {
  app.get(
    '/events',
    {
      schema: {
        tags: ['events'],
        summary: `Server-sent events: ${EVENT_TYPES.join(', ')}`,
        querystring: z.object({ types: z.string().optional().describe('comma-separated event types to receive') }),
        headers: z.object({ 'last-event-id': z.string().optional() }).loose(),
      },
    },
    async (request, reply) => {
      const { workspaceId } = principalOf(request);
      const types = (request.query as { types?: string }).types?.split(',').filter(Boolean);
      const wanted = (type: string) => !types || types.includes(type);
      const stream = openSse(request, reply);
      const buffered: Array<{ id: string; type: string; data: unknown }> = [];
      let replaying = true;
      let lastSeq = Number(request.headers['last-event-id'] ?? NaN);
      const remove = hub.realtime.add({
        workspaceId,
        send: (event) => {
          if (!wanted(event.type)) return;
          const data = { type: event.type, conversationId: event.conversationId ?? null, data: event.data };
          if (replaying) buffered.push({ id: event.id, type: event.type, data });
          else if (!event.id || Number(event.id) > lastSeq) stream.send(event.type, data, event.id || undefined);
        },
      });
      stream.onClose(remove);
      if (Number.isFinite(lastSeq)) {
        for (;;) {
          const rows = await hub.deps.store.listEventsSince(workspaceId, lastSeq, 500);
          for (const row of rows) {
            const type = String(row.payload.type);
            if (wanted(type))
              stream.send(
                type,
                { type, conversationId: row.payload.conversationId ?? null, data: row.payload.data },
                String(row.seq),
              );
            lastSeq = row.seq;
          }
          if (rows.length < 500) break;
        }
      } else lastSeq = -1;
      replaying = false;
      for (const b of buffered) if (!b.id || Number(b.id) > lastSeq) stream.send(b.type, b.data, b.id || undefined);
      stream.send('ready', { workspaceId });
    },
  );
}
