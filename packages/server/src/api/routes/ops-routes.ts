/** @module api/routes/ops-routes — /healthz (store and bus reachable) and /metrics (Prometheus text). */
import type { FastifyInstance } from 'fastify';
import type { Hub } from '../../core/hub.js';

export function opsRoutes(app: FastifyInstance, hub: Hub, metricsText: () => Promise<string>): void {
  app.get(
    '/healthz',
    { schema: { tags: ['operations'], summary: '200 when the store and the bus are reachable' } },
    async (_req, reply) => {
      const [store, bus] = await Promise.all([hub.deps.store.ping(), hub.deps.bus.ping()]);
      return reply.code(store && bus ? 200 : 503).send({ status: store && bus ? 'ok' : 'degraded', store, bus });
    },
  );
  app.get('/metrics', { schema: { tags: ['operations'], summary: 'Prometheus metrics' } }, async (_req, reply) =>
    reply.type('text/plain; version=0.0.4').send(await metricsText()),
  );
}
