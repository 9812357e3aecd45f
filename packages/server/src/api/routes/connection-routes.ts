/** @module api/routes/connection-routes — /api/v1/connections and the connector catalog. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Hub } from '../../core/hub.js';
import { principalOf, requireRole, roleOf } from '../auth.js';
import {
  ConnectionHealthSchema,
  ConnectionHealthSummarySchema,
  ConnectionChecksSchema,
  ConnectionLogSchema,
  ConnectionSchema,
  ConnectorTypeSchema,
  CreateConnectionSchema,
  ErrorSchema,
  IdParams,
  PageQuerySchema,
  UpdateConnectionSchema,
  pageOf,
} from '../schemas.js';

export function connectionRoutes(app: FastifyInstance, hub: Hub): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['connections'];
  const errors = { 400: ErrorSchema, 401: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema };

  r.get(
    '/connection-types',
    {
      schema: {
        tags,
        summary: 'The connection types this server offers, with capabilities and config JSON Schema',
        response: { 200: z.object({ data: z.array(ConnectorTypeSchema) }) },
      },
    },
    async () => ({ data: hub.connections.catalog() }),
  );

  r.get(
    '/connections',
    { schema: { tags, querystring: PageQuerySchema, response: { 200: pageOf(ConnectionSchema), ...errors } } },
    async (req) => {
      const p = principalOf(req);
      const page = await hub.connections.list(p.workspaceId, req.query);
      const data = await Promise.all(
        page.data.map(async (c) => ({
          ...hub.connections.view(c, roleOf(p)),
          health: (await hub.health.view(c)) ?? null,
        })),
      );
      return { data, nextCursor: page.nextCursor };
    },
  );

  r.get(
    '/connections/health-summary',
    {
      schema: {
        tags,
        summary:
          'Every connection with its health, last inbound and outbound, the last hour of sends (error rate, 429s, 5xx, provider latency p50/p95) and its messages per hour over 24 h',
        response: { 200: z.object({ data: z.array(ConnectionHealthSummarySchema) }), ...errors },
      },
    },
    async (req) => ({ data: await hub.health.summary(principalOf(req).workspaceId) }),
  );

  r.post(
    '/connections',
    { schema: { tags, body: CreateConnectionSchema, response: { 201: ConnectionSchema, ...errors } } },
    async (req, reply) => {
      const view = await hub.connections.create(requireRole(req, 'admin').workspaceId, req.body);
      return reply.code(201).send(view);
    },
  );

  // operators read a connection as they read the list and its logs: secrets masked, admin-only values too
  r.get(
    '/connections/:id',
    { schema: { tags, params: IdParams, response: { 200: ConnectionSchema, ...errors } } },
    async (req) => {
      const p = principalOf(req);
      const record = await hub.connections.get(p.workspaceId, req.params.id);
      return { ...hub.connections.view(record, roleOf(p)), health: (await hub.health.view(record)) ?? null };
    },
  );

  r.patch(
    '/connections/:id',
    {
      schema: { tags, params: IdParams, body: UpdateConnectionSchema, response: { 200: ConnectionSchema, ...errors } },
    },
    async (req) => hub.connections.update(requireRole(req, 'admin').workspaceId, req.params.id, req.body),
  );

  r.delete(
    '/connections/:id',
    { schema: { tags, params: IdParams, response: { 204: z.null(), ...errors } } },
    async (req, reply) => {
      await hub.connections.remove(requireRole(req, 'admin').workspaceId, req.params.id);
      return reply.code(204).send(null);
    },
  );

  r.post(
    '/connections/:id/start',
    { schema: { tags, params: IdParams, response: { 200: ConnectionSchema, ...errors } } },
    async (req) => hub.connections.start(requireRole(req, 'admin').workspaceId, req.params.id),
  );

  r.post(
    '/connections/:id/check',
    {
      schema: {
        tags,
        summary:
          "Test connection: log in to each of the provider's servers with the stored config and report each answer; the connection's status does not change",
        params: IdParams,
        response: { 200: ConnectionChecksSchema, ...errors },
      },
    },
    async (req) => ({ checks: await hub.connections.check(requireRole(req, 'admin').workspaceId, req.params.id) }),
  );

  r.post(
    '/connections/:id/stop',
    { schema: { tags, params: IdParams, response: { 200: ConnectionSchema, ...errors } } },
    async (req) => hub.connections.stop(requireRole(req, 'admin').workspaceId, req.params.id),
  );

  r.post(
    '/connections/:id/health',
    {
      schema: {
        tags,
        summary: "Checks the connection's health now: asks the provider and reads the messages",
        params: IdParams,
        response: { 200: ConnectionHealthSchema, ...errors },
      },
    },
    async (req) => hub.health.check(principalOf(req).workspaceId, req.params.id),
  );

  r.post(
    '/connections/:id/test-event',
    {
      schema: {
        tags,
        summary: 'Send a test event: the provider delivers a test inbound message to this connection',
        description:
          "Asks the provider's own test facility (Messenger: Meta's sample notification, what the App Dashboard's Test button sends) to deliver a test inbound message to the connection's webhook; when it arrives the first-message check turns healthy. Only for channel types whose `features` (GET /connection-types) include `testEvent`: 409 otherwise, and 409 when the connection is not running; 503 with the provider's words when it refused.",
        params: IdParams,
        response: {
          202: z
            .object({ requested: z.literal(true), detail: z.string().describe('what the provider answered') })
            .meta({ id: 'TestEventRequested' }),
          ...errors,
          403: ErrorSchema,
          503: ErrorSchema,
        },
      },
    },
    async (req, reply) => {
      const p = requireRole(req, 'admin');
      return reply.code(202).send(await hub.health.testEvent(p.workspaceId, req.params.id));
    },
  );

  r.get(
    '/connections/:id/logs',
    {
      schema: {
        tags,
        params: IdParams,
        querystring: PageQuerySchema,
        response: { 200: pageOf(ConnectionLogSchema), ...errors },
      },
    },
    async (req) => {
      const connection = await hub.connections.get(principalOf(req).workspaceId, req.params.id);
      const page = await hub.connections.logs(connection.id, req.query);
      return {
        data: page.data.map(({ id, level, event, message, at }) => ({ id, level, event, message, at })),
        nextCursor: page.nextCursor,
      };
    },
  );
}

const TemplateSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    language: z.string(),
    status: z.string(),
    category: z.string(),
    variables: z
      .array(z.string())
      .describe('values may reference the contact: {{contact.name}}, {{contact.address}}, {{contact.attributes.key}}'),
    body: z.string(),
    components: z.array(z.unknown()),
    syncedAt: z.string(),
  })
  .meta({ id: 'Template' });

export function templateRoutes(app: FastifyInstance, hub: Hub): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const view = (t: Awaited<ReturnType<Hub['templates']['list']>>[number]) => ({
    id: t.id,
    name: t.name,
    language: t.language,
    status: t.status,
    category: t.category,
    variables: t.variables,
    body: t.body,
    components: t.components,
    syncedAt: t.syncedAt,
  });
  r.get(
    '/connections/:id/templates',
    {
      schema: {
        tags: ['templates'],
        summary: 'Templates synced from the provider',
        params: IdParams,
        response: { 200: z.object({ data: z.array(TemplateSchema) }), 404: ErrorSchema },
      },
    },
    async (req) => ({ data: (await hub.templates.list(principalOf(req).workspaceId, req.params.id)).map(view) }),
  );
  r.post(
    '/connections/:id/templates/sync',
    {
      schema: {
        tags: ['templates'],
        summary: 'Fetch the templates from the provider now',
        params: IdParams,
        response: { 200: z.object({ data: z.array(TemplateSchema) }), 404: ErrorSchema, 422: ErrorSchema },
      },
    },
    async (req) => ({
      data: (await hub.templates.sync(requireRole(req, 'admin').workspaceId, req.params.id)).map(view),
    }),
  );
}
