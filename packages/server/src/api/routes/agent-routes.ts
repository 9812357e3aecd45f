/** @module api/routes/agent-routes — /api/v1/agents: agent kinds, CRUD, start/stop and the agent's channels. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Hub } from '../../core/hub.js';
import { CONNECTION_STATUSES } from '../../core/ports/index.js';
import { principalOf, requireRole } from '../auth.js';
import {
  CONFIG_MAX_BYTES,
  ErrorSchema,
  IdParams,
  PageQuerySchema,
  RoutingWarningSchema,
  jsonObject,
  pageOf,
} from '../schemas.js';

const AGENT_KINDS = ['flow', 'llm', 'webhook'] as const;

const AgentSchema = z
  .object({
    id: z.string(),
    kind: z.enum(AGENT_KINDS),
    name: z.string(),
    description: z.string(),
    status: z.enum(CONNECTION_STATUSES),
    statusReason: z.string().nullable(),
    config: z.record(z.string(), z.unknown()).describe('secret fields are masked as "********"'),
    createdAt: z.string(),
    updatedAt: z.string(),
    // generated secrets are shown once
    generatedSecrets: z
      .array(z.string())
      .optional()
      .describe(
        "only in the answer to POST /agents: config fields the server generated because they were left empty (a webhook agent's signing secret); they appear in full in this answer only, masked afterwards",
      ),
  })
  .meta({ id: 'Agent' });

const AgentTypeSchema = z
  .object({
    kind: z.enum(AGENT_KINDS),
    displayName: z.string(),
    description: z.string(),
    configSchema: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'AgentType' });

const CreateAgentSchema = z.object({
  kind: z.string().min(1).describe('flow | llm | webhook'),
  name: z.string().min(1).max(200),
  description: z.string().max(2000).optional(),
  config: jsonObject(CONFIG_MAX_BYTES).default({}),
});

const UpdateAgentSchema = z.object({
  name: z.string().min(1).max(200).optional(),
  description: z.string().max(2000).optional(),
  config: jsonObject(CONFIG_MAX_BYTES)
    .optional()
    .describe(
      'partial: omitted fields and masked secrets keep their value; a new secret value replaces it. A running agent restarts with the new config',
    ),
});

const AgentChannelsSchema = z
  .object({
    data: z.array(
      z.object({
        connectionId: z.string(),
        connectionName: z.string(),
        channelType: z.string(),
        inbound: z
          .boolean()
          .describe("this agent answers the connection's inbound messages (at most one agent per connection)"),
        active: z
          .object({ inbound: z.boolean() })
          .nullable()
          .describe('what the agent applied when it last started; null = not applied yet'),
      }),
    ),
    restartRequired: z
      .boolean()
      .describe('the running agent has not applied the saved channels (changes apply at once, so rarely true)'),
    warnings: z
      .array(RoutingWarningSchema)
      .describe(
        "routing that will not work as set up, involving this agent (e.g. a rule hands another agent all of a connection's traffic)",
      ),
  })
  .meta({ id: 'AgentChannels' });

const InboundHoldersSchema = z
  .object({
    data: z.array(
      z.object({
        connectionId: z.string(),
        connectionName: z.string(),
        agentId: z.string(),
        agentName: z.string(),
        active: z.boolean().describe('the agent is running and answers the inbound messages now'),
      }),
    ),
  })
  .meta({ id: 'InboundHolders' });

const SetAgentChannelsSchema = z.object({
  connections: z
    .array(z.object({ connectionId: z.string().min(1).max(100), inbound: z.boolean().default(false) }))
    .max(500),
});

export function agentRoutes(app: FastifyInstance, hub: Hub): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['agents'];
  const errors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema };

  r.get(
    '/agent-types',
    {
      schema: {
        tags,
        summary: 'The agent kinds, with their config JSON Schema',
        response: { 200: z.object({ data: z.array(AgentTypeSchema) }) },
      },
    },
    async () => ({ data: hub.agents.catalog() }),
  );

  r.post(
    '/agent-types/flow/try',
    {
      schema: {
        tags,
        summary:
          'One turn of a flow bot from its config as edited (not saved): its replies, the contact fields it would collect, a handoff, and the state for the next turn. Nothing is stored or sent; 400 lists what is wrong with the config',
        body: z.object({
          config: jsonObject(CONFIG_MAX_BYTES),
          state: z
            .object({
              at: z.string().max(100).optional(),
              misses: z.number().int().min(0).max(1000),
              handedOff: z.boolean().optional(),
            })
            .nullable()
            .default(null)
            .describe('what the previous try turn answered as `state`; null starts a new conversation'),
          text: z.string().max(4096),
          buttonId: z.string().max(200).optional(),
        }),
        response: {
          200: z
            .object({
              replies: z.array(z.record(z.string(), z.unknown())),
              collect: z.record(z.string(), z.string()),
              handoff: z.object({ reason: z.string() }).nullable(),
              state: z.record(z.string(), z.unknown()),
            })
            .meta({ id: 'FlowTryResult' }),
          ...errors,
        },
      },
    },
    async (req) => {
      requireRole(req, 'admin');
      const { config, state, text, buttonId } = req.body;
      const step = hub.agents.tryFlow(config, state, { text, ...(buttonId ? { buttonId } : {}) });
      return {
        replies: step.replies as unknown as Array<Record<string, unknown>>,
        collect: step.collect,
        handoff: step.handoff ?? null,
        state: step.state as unknown as Record<string, unknown>,
      };
    },
  );

  r.get(
    '/agents/inbound',
    {
      schema: {
        tags,
        summary:
          "Which agent handles each connection's inbound messages (at most one per connection); connections no agent holds are not listed",
        response: { 200: InboundHoldersSchema, ...errors },
      },
    },
    async (req) => ({ data: await hub.agents.inboundHolders(principalOf(req).workspaceId) }),
  );

  r.get(
    '/agents',
    { schema: { tags, querystring: PageQuerySchema, response: { 200: pageOf(AgentSchema), ...errors } } },
    async (req) => {
      const page = await hub.agents.list(principalOf(req).workspaceId, req.query);
      return { data: page.data.map((a) => hub.agents.view(a)), nextCursor: page.nextCursor };
    },
  );

  r.post(
    '/agents',
    { schema: { tags, body: CreateAgentSchema, response: { 201: AgentSchema, ...errors } } },
    async (req, reply) =>
      reply.code(201).send(await hub.agents.create(requireRole(req, 'admin').workspaceId, req.body)),
  );

  r.get('/agents/:id', { schema: { tags, params: IdParams, response: { 200: AgentSchema, ...errors } } }, async (req) =>
    hub.agents.view(await hub.agents.get(principalOf(req).workspaceId, req.params.id)),
  );

  r.patch(
    '/agents/:id',
    { schema: { tags, params: IdParams, body: UpdateAgentSchema, response: { 200: AgentSchema, ...errors } } },
    async (req) => hub.agents.update(requireRole(req, 'admin').workspaceId, req.params.id, req.body),
  );

  r.delete(
    '/agents/:id',
    { schema: { tags, params: IdParams, response: { 204: z.null(), ...errors } } },
    async (req, reply) => {
      await hub.agents.remove(requireRole(req, 'admin').workspaceId, req.params.id);
      return reply.code(204).send(null);
    },
  );

  r.post(
    '/agents/:id/start',
    {
      schema: {
        tags,
        summary:
          'Start the agent: checks its config (an llm agent calls GET {baseUrl}/models) and applies its channels',
        params: IdParams,
        response: { 200: AgentSchema, ...errors },
      },
    },
    async (req) => hub.agents.start(requireRole(req, 'admin').workspaceId, req.params.id),
  );

  r.post(
    '/agents/:id/stop',
    { schema: { tags, params: IdParams, response: { 200: AgentSchema, ...errors } } },
    async (req) => hub.agents.stop(requireRole(req, 'admin').workspaceId, req.params.id),
  );

  r.get(
    '/agents/:id/connections',
    {
      schema: {
        tags,
        summary: "The agent's communication channels",
        params: IdParams,
        response: { 200: AgentChannelsSchema, ...errors },
      },
    },
    async (req) => {
      const ws = principalOf(req).workspaceId;
      const channels = await hub.agents.channels(ws, req.params.id);
      return { ...channels, warnings: await hub.routingRules.warnings(ws, [req.params.id]) };
    },
  );

  r.put(
    '/agents/:id/connections',
    {
      schema: {
        tags,
        summary:
          "Set the agent's channels; 409 when another agent already handles a connection's inbound messages. A running agent applies them at once; a stopped one when it starts",
        params: IdParams,
        body: SetAgentChannelsSchema,
        response: { 200: AgentChannelsSchema, ...errors },
      },
    },
    async (req) => {
      const ws = requireRole(req, 'admin').workspaceId;
      const channels = await hub.agents.setChannels(ws, req.params.id, req.body.connections);
      return { ...channels, warnings: await hub.routingRules.warnings(ws, [req.params.id]) };
    },
  );
}
