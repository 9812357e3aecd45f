/**
 * @module api/routes/subscription-routes
 * Outgoing webhook subscriptions, their delivery log, and replays (one delivery, or a time range).
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Hub } from '../../core/hub.js';
import type { WebhookDeliveryRecord, WebhookSubscriptionRecord } from '../../core/ports/index.js';
import { EVENT_TYPES } from '../../model/index.js';
import { requireRole } from '../auth.js';
import { ErrorSchema, IdParams, PageQuerySchema, pageOf } from '../schemas.js';

// workflow.trigger is no hub event: a subscription listing only it receives nothing but the calls of routing
// rules that start a workflow with it (core/routing/workflow-trigger)
const EventTypes = z
  .array(z.enum(['*', ...EVENT_TYPES, 'workflow.trigger']))
  .min(1)
  .describe('event types to deliver; "*" for all; "workflow.trigger" alone: only the calls of routing workflows');
const SubscriptionSchema = z
  .object({
    id: z.string(),
    url: z.string(),
    eventTypes: z.array(z.string()),
    active: z.boolean(),
    description: z.string(),
    secret: z
      .string()
      .describe('the signing secret: shown in full only in the answer that created it, masked afterwards'),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'WebhookSubscription' });
const DeliverySchema = z
  .object({
    id: z.string().describe('Switchboard-Delivery header: the same across retries and replays'),
    eventId: z.string(),
    eventType: z.string(),
    status: z.enum(['pending', 'delivered', 'dead']),
    attempts: z.number(),
    nextAttemptAt: z.string().nullable(),
    lastStatusCode: z.number().nullable(),
    lastError: z.string().nullable(),
    createdAt: z.string().describe('when it was (re)queued'),
    deliveredAt: z.string().nullable(),
  })
  .meta({ id: 'WebhookDelivery' });

const subView = (s: WebhookSubscriptionRecord, secret = '********') => ({
  id: s.id,
  url: s.url,
  eventTypes: s.eventTypes,
  active: s.active,
  description: s.description,
  secret,
  createdAt: s.createdAt,
  updatedAt: s.updatedAt,
});
const deliveryView = (d: WebhookDeliveryRecord) => ({
  id: d.id,
  eventId: String(d.eventSeq),
  eventType: d.eventType,
  status: d.status,
  attempts: d.attempts,
  nextAttemptAt: d.nextAttemptAt,
  lastStatusCode: d.lastStatusCode,
  lastError: d.lastError,
  createdAt: d.createdAt,
  deliveredAt: d.deliveredAt,
});

export function subscriptionRoutes(app: FastifyInstance, hub: Hub): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['outgoing webhooks'];
  const errors = { 400: ErrorSchema, 401: ErrorSchema, 404: ErrorSchema };
  // integrations are the workspace's business: admins and owners
  const ws = (req: Parameters<typeof requireRole>[0]) => requireRole(req, 'admin').workspaceId;

  r.get(
    '/webhook-subscriptions',
    { schema: { tags, querystring: PageQuerySchema, response: { 200: pageOf(SubscriptionSchema), ...errors } } },
    async (req) => {
      const p = await hub.webhooks.list(ws(req), req.query);
      return { data: p.data.map((s) => subView(s)), nextCursor: p.nextCursor };
    },
  );
  r.post(
    '/webhook-subscriptions',
    {
      schema: {
        tags,
        summary:
          'Subscribe a URL to events; deliveries are signed: Switchboard-Signature: v1=hex(HMAC-SHA256(secret, timestamp + "." + body))',
        body: z.object({
          url: z.string().min(1).max(2000),
          eventTypes: EventTypes,
          secret: z.string().min(16).max(200).optional(),
          description: z.string().max(500).optional(),
          active: z.boolean().optional(),
        }),
        response: { 201: SubscriptionSchema, ...errors },
      },
    },
    async (req, reply) => {
      const { subscription, secret } = await hub.webhooks.create(ws(req), req.body);
      return reply.code(201).send(subView(subscription, secret));
    },
  );
  r.get(
    '/webhook-subscriptions/:id',
    { schema: { tags, params: IdParams, response: { 200: SubscriptionSchema, ...errors } } },
    async (req) => subView(await hub.webhooks.get(ws(req), req.params.id)),
  );
  r.patch(
    '/webhook-subscriptions/:id',
    {
      schema: {
        tags,
        params: IdParams,
        body: z.object({
          url: z.string().min(1).max(2000).optional(),
          eventTypes: EventTypes.optional(),
          secret: z.string().min(16).max(200).optional(),
          description: z.string().max(500).optional(),
          active: z.boolean().optional(),
        }),
        response: { 200: SubscriptionSchema, ...errors },
      },
    },
    async (req) => subView(await hub.webhooks.update(ws(req), req.params.id, req.body)),
  );
  r.delete(
    '/webhook-subscriptions/:id',
    { schema: { tags, params: IdParams, response: { 204: z.null(), ...errors } } },
    async (req, reply) => {
      await hub.webhooks.remove(ws(req), req.params.id);
      return reply.code(204).send(null);
    },
  );
  r.get(
    '/webhook-subscriptions/:id/deliveries',
    {
      schema: {
        tags,
        summary: 'The delivery log, newest first',
        params: IdParams,
        querystring: PageQuerySchema,
        response: { 200: pageOf(DeliverySchema), ...errors },
      },
    },
    async (req) => {
      const p = await hub.webhooks.deliveries(ws(req), req.params.id, req.query);
      return { data: p.data.map(deliveryView), nextCursor: p.nextCursor };
    },
  );
  r.post(
    '/webhook-subscriptions/:id/replay',
    {
      schema: {
        tags,
        summary: 'Deliver again every delivery queued within [from, to]',
        params: IdParams,
        body: z.object({ from: z.iso.datetime(), to: z.iso.datetime() }),
        response: { 200: z.object({ replayed: z.number() }), ...errors },
      },
    },
    async (req) => ({ replayed: await hub.webhooks.replayRange(ws(req), req.params.id, req.body.from, req.body.to) }),
  );
  r.post(
    '/webhook-deliveries/:id/replay',
    {
      schema: {
        tags,
        summary: 'Deliver one delivery again (same delivery id)',
        params: IdParams,
        response: { 200: DeliverySchema, ...errors },
      },
    },
    async (req) => deliveryView(await hub.webhooks.replayOne(ws(req), req.params.id)),
  );
}
