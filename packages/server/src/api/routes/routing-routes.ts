/**
 * @module api/routes/routing-routes
 * Routing rules (per connection or workspace-wide, ordered), "which rule fires for this message, and why", and the
 * conversation's routing controls: assign an operator, hand off between agent and humans, the decision timeline.
 * Admins manage rules; operators may assign, hand off and read timelines.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Hub } from '../../core/hub.js';
import { conversationView } from '../../core/conversations/conversation-writer.js';
import { ruleView } from '../../core/routing/routing-rule-service.js';
import { timelineView } from '../../core/conversations/timeline.js';
import { principalOf, requireRole } from '../auth.js';
import {
  ConversationSchema,
  ErrorSchema,
  IdParams,
  RoutingWarningSchema,
  METADATA_MAX_BYTES,
  PageQuerySchema,
  jsonObject,
  pageOf,
} from '../schemas.js';

const Weekday = z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']);
const HHMM = z.string().regex(/^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'HH:MM');

export const RoutingConditionsSchema = z
  .object({
    channelTypes: z.array(z.string().min(1).max(64)).max(50).optional().describe('the connection type is one of these'),
    keywords: z
      .array(z.string().min(1).max(200))
      .max(200)
      .optional()
      .describe('any of these words or phrases, whole words, case-insensitive'),
    regex: z
      .string()
      .min(1)
      .max(500)
      .optional()
      .describe(
        'a regular expression in RE2 syntax (no lookaround or backreferences), tested case-insensitively against the first 4,096 characters of the message text',
      ),
    contactAttributes: z
      .array(
        z.object({
          key: z.string().min(1).max(200),
          equals: z
            .union([z.string().max(1000), z.number(), z.boolean()])
            .optional()
            .describe('compared as trimmed text, case-insensitively'),
          exists: z.boolean().optional(),
        }),
      )
      .max(50)
      .optional(),
    businessHours: z
      .object({
        timeZone: z.string().min(1).max(64).describe('IANA time zone, e.g. Europe/Berlin'),
        days: z.array(Weekday).min(1).max(7),
        from: HHMM,
        to: HHMM.describe('exclusive; before `from` = the range runs past midnight'),
        inside: z.boolean().default(true).describe('true: holds inside these hours; false: outside them'),
      })
      .optional(),
    newContact: z
      .boolean()
      .optional()
      .describe('true: the contact has no earlier conversation; false: a returning contact'),
  })
  .meta({ id: 'RoutingConditions' });

export const RoutingActionSchema = z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('agent'), agentId: z.string().min(1).max(100) }),
    z.object({ type: z.literal('team'), teamId: z.string().min(1).max(100) }),
    z.object({ type: z.literal('assign'), userId: z.string().min(1).max(100) }),
    z.object({ type: z.literal('tag'), tag: z.string().min(1).max(100) }),
    z.object({ type: z.literal('reply'), text: z.string().min(1).max(4096) }),
    z
      .object({ type: z.literal('workflow'), webhookId: z.string().min(1).max(100) })
      .describe(
        'start a workflow: a signed POST (event workflow.trigger) to the outgoing webhook subscription, which may answer {"actions": [reply | tag | assign | handoff]}',
      ),
  ])
  .meta({ id: 'RoutingAction' });

const RuleSchema = z
  .object({
    id: z.string(),
    connectionId: z
      .string()
      .nullable()
      .describe("null: every connection of the workspace, after the connection's own rules"),
    position: z.number(),
    name: z.string(),
    enabled: z.boolean(),
    conditions: RoutingConditionsSchema,
    actions: z.array(RoutingActionSchema),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'RoutingRule' });

const SavedRuleSchema = RuleSchema.extend({
  warnings: z
    .array(RoutingWarningSchema)
    .describe('what will not work as set up, involving this rule (the save succeeded all the same)'),
}).meta({ id: 'SavedRoutingRule' });

const CheckSchema = z.object({ condition: z.string(), ok: z.boolean(), detail: z.string() });
const ExplanationSchema = z
  .object({
    input: z.object({
      connectionId: z.string(),
      channelType: z.string(),
      text: z.string(),
      contactAttributes: z.record(z.string(), z.unknown()),
      newContact: z.boolean(),
      at: z.string(),
    }),
    firedRule: z
      .object({ id: z.string(), name: z.string() })
      .nullable()
      .describe('null: no rule fired, the default route applies'),
    route: z.object({
      source: z.enum(['rule', 'default', 'continued']),
      handler: z.enum(['agent', 'human']),
      agentId: z.string().nullable(),
      teamId: z.string().nullable(),
      assigneeId: z.string().nullable(),
      tags: z.array(z.string()),
      replies: z.array(z.string()),
      actions: z.array(RoutingActionSchema),
      notes: z.array(z.string()),
    }),
    rules: z.array(
      z.object({
        ruleId: z.string(),
        name: z.string(),
        connectionId: z.string().nullable(),
        position: z.number(),
        enabled: z.boolean(),
        matched: z.boolean(),
        fired: z.boolean(),
        checks: z.array(CheckSchema),
        reason: z.string(),
      }),
    ),
  })
  .meta({ id: 'RoutingExplanation' });

const TimelineEventSchema = z
  .object({
    id: z.string(),
    conversationId: z.string(),
    type: z
      .string()
      .describe(
        'rule.fired, routed.default, routed.continued, agent.replied, agent.error, agent.unavailable, handoff, returned_to_agent, assigned, unassigned, team.queued, tagged, auto_reply, auto_reply.failed, resolved, workflow.answered, workflow.failed, campaign.sent',
      ),
    actor: z.string().describe("'system', 'rule:<id>', 'agent:<id>' or 'user:<id>'"),
    data: z.record(z.string(), z.unknown()),
    at: z.string(),
  })
  .meta({ id: 'TimelineEvent' });

export function routingRoutes(app: FastifyInstance, hub: Hub): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['routing'];
  const errors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema };
  // rules are the workspace's configuration: admins and owners
  const admin = (req: Parameters<typeof requireRole>[0]) => requireRole(req, 'admin').workspaceId;
  const now = () => hub.deps.clock.now();

  r.get(
    '/routing-rules',
    {
      schema: {
        tags,
        summary: "Routing rules in evaluation order: the connection's own, then the workspace-wide ones",
        querystring: z.object({
          connectionId: z
            .string()
            .max(100)
            .optional()
            .describe('only this connection\'s rules; "none" for the workspace-wide ones'),
        }),
        response: { 200: z.object({ data: z.array(RuleSchema) }), ...errors },
      },
    },
    async (req) => {
      const ws = principalOf(req).workspaceId;
      const filter = req.query.connectionId === 'none' ? null : req.query.connectionId;
      return { data: (await hub.routingRules.list(ws, filter)).map(ruleView) };
    },
  );

  r.post(
    '/routing-rules',
    {
      schema: {
        tags,
        summary: 'Add a rule at the end of its scope (a connection, or workspace-wide when connectionId is null)',
        body: z.object({
          connectionId: z.string().min(1).max(100).nullable().optional(),
          name: z.string().min(1).max(200),
          enabled: z.boolean().optional(),
          conditions: RoutingConditionsSchema.optional(),
          actions: z.array(RoutingActionSchema).min(1).max(20),
        }),
        response: { 201: SavedRuleSchema, ...errors },
      },
    },
    async (req, reply) => {
      const ws = admin(req);
      const rule = await hub.routingRules.create(ws, req.body);
      return reply.code(201).send({ ...ruleView(rule), warnings: await hub.routingRules.warnings(ws, [rule.id]) });
    },
  );

  r.get(
    '/routing-rules/warnings',
    {
      schema: {
        tags,
        summary:
          "What in the workspace's routing will not work as set up: rules that never fire, two agents for one connection's traffic, teams without members",
        response: { 200: z.object({ data: z.array(RoutingWarningSchema) }), ...errors },
      },
    },
    async (req) => ({ data: await hub.routingRules.warnings(principalOf(req).workspaceId) }),
  );

  r.get(
    '/routing-rules/:id',
    { schema: { tags, params: IdParams, response: { 200: RuleSchema, ...errors } } },
    async (req) => ruleView(await hub.routingRules.get(principalOf(req).workspaceId, req.params.id)),
  );

  r.patch(
    '/routing-rules/:id',
    {
      schema: {
        tags,
        params: IdParams,
        body: z.object({
          name: z.string().min(1).max(200).optional(),
          enabled: z.boolean().optional(),
          conditions: RoutingConditionsSchema.optional(),
          actions: z.array(RoutingActionSchema).min(1).max(20).optional(),
        }),
        response: { 200: SavedRuleSchema, ...errors },
      },
    },
    async (req) => {
      const ws = admin(req);
      const rule = await hub.routingRules.update(ws, req.params.id, req.body);
      return { ...ruleView(rule), warnings: await hub.routingRules.warnings(ws, [rule.id]) };
    },
  );

  r.delete(
    '/routing-rules/:id',
    { schema: { tags, params: IdParams, response: { 204: z.null(), ...errors } } },
    async (req, reply) => {
      await hub.routingRules.remove(admin(req), req.params.id);
      return reply.code(204).send(null);
    },
  );

  r.put(
    '/routing-rules/order',
    {
      schema: {
        tags,
        summary: "Set the order of a scope's rules (list every rule of the scope once, first evaluated first)",
        body: z.object({
          connectionId: z.string().min(1).max(100).nullable().describe('null: the workspace-wide rules'),
          ruleIds: z.array(z.string().min(1).max(100)).max(1000),
        }),
        response: { 200: z.object({ data: z.array(RuleSchema) }), ...errors },
      },
    },
    async (req) => ({
      data: (await hub.routingRules.reorder(admin(req), req.body.connectionId, req.body.ruleIds)).map(ruleView),
    }),
  );

  r.post(
    '/routing/explain',
    {
      schema: {
        tags,
        summary:
          'Which rule fires for this message, and why: a stored message (messageId), or a message described by connectionId, text and contact',
        body: z.object({
          messageId: z.string().min(1).max(100).optional(),
          connectionId: z.string().min(1).max(100).optional(),
          text: z.string().max(65536).optional(),
          contactId: z.string().min(1).max(100).optional(),
          contactAttributes: jsonObject(METADATA_MAX_BYTES).optional(),
          newContact: z.boolean().optional(),
          at: z.iso.datetime({ offset: true }).optional().describe('when the message arrives (default: now)'),
        }),
        response: { 200: ExplanationSchema, ...errors },
      },
    },
    async (req) => hub.routingDecisions.explain(principalOf(req).workspaceId, req.body),
  );

  // conversations: operators assign, hand off and read the timeline
  r.post(
    '/conversations/:id/assign',
    {
      schema: {
        tags: ['conversations'],
        summary: 'Assign an operator (null: unassign); an agent handling the conversation steps back',
        params: IdParams,
        body: z.object({ userId: z.string().min(1).max(100).nullable() }),
        response: { 200: ConversationSchema, ...errors },
      },
    },
    async (req) => {
      const p = principalOf(req);
      return conversationView(
        await hub.routingCommands.assign(p.workspaceId, req.params.id, req.body.userId, p.userId),
        now(),
      );
    },
  );

  r.post(
    '/conversations/:id/handoff',
    {
      schema: {
        tags: ['conversations'],
        summary: 'Hand the conversation to humans (optionally a team: round-robin) or to an agent',
        params: IdParams,
        body: z.object({
          to: z.enum(['human', 'agent']),
          agentId: z
            .string()
            .min(1)
            .max(100)
            .optional()
            .describe("to agent: default the conversation's agent or the connection's inbound agent"),
          teamId: z.string().min(1).max(100).optional(),
          reason: z.string().max(500).optional(),
        }),
        response: { 200: ConversationSchema, ...errors },
      },
    },
    async (req) => {
      const p = principalOf(req);
      return conversationView(
        await hub.routingCommands.handoff(p.workspaceId, req.params.id, req.body, p.userId),
        now(),
      );
    },
  );

  r.get(
    '/conversations/:id/timeline',
    {
      schema: {
        tags: ['conversations'],
        summary: 'Every routing decision in the conversation, oldest first',
        params: IdParams,
        querystring: PageQuerySchema,
        response: { 200: pageOf(TimelineEventSchema), ...errors },
      },
    },
    async (req) => {
      const page = await hub.routingCommands.timeline(principalOf(req).workspaceId, req.params.id, req.query);
      return { data: page.data.map(timelineView), nextCursor: page.nextCursor };
    },
  );
}
