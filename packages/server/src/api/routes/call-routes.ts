/** @module api/routes/call-routes — phone calls under /api/v1: placing an outbound call, and a conversation's calls. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Hub } from '../../core/hub.js';
import { CALL_STATES } from '../../model/index.js';
import { principalOf } from '../auth.js';
import { ErrorSchema, IdParams } from '../schemas.js';

export const CallSchema = z
  .object({
    id: z.string(),
    conversationId: z.string(),
    connectionId: z.string(),
    providerCallId: z.string(),
    direction: z.enum(['inbound', 'outbound']),
    from: z.string().describe('E.164: the caller'),
    to: z.string().describe('E.164: the called number'),
    state: z.enum(CALL_STATES).describe('ringing → in-progress → completed | busy | no-answer | failed | canceled'),
    startedAt: z.string(),
    answeredAt: z.string().nullable(),
    endedAt: z.string().nullable(),
    durationSeconds: z.number().int().nullable(),
    answeredBy: z.string().nullable().describe('human or machine (answering-machine detection) when the provider said'),
    hangupCause: z.string().nullable(),
    agentId: z.string().nullable().describe('the agent an outbound call was placed for (it answers the call)'),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Call' });

export const PlaceCallSchema = z
  .object({
    connectionId: z.string().min(1),
    to: z.string().min(1).max(64).describe('the number to call; any spelling, normalised to E.164'),
    greeting: z
      .string()
      .min(1)
      .max(1000)
      .optional()
      .describe("spoken when the call is answered (else the connection's greeting)"),
    agentId: z
      .string()
      .min(1)
      .max(100)
      .optional()
      .describe(
        "the agent (flow or LLM) that talks to the callee instead of the connection's inbound agent: of this workspace (404), running and attached to the connection (409)",
      ),
  })
  .strict()
  .meta({ id: 'PlaceCall' });

export function callRoutes(app: FastifyInstance, hub: Hub): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const errors = {
    400: ErrorSchema,
    401: ErrorSchema,
    404: ErrorSchema,
    409: ErrorSchema,
    422: ErrorSchema,
    429: ErrorSchema,
    503: ErrorSchema,
  };

  r.post(
    '/calls',
    {
      schema: {
        tags: ['calls'],
        summary:
          "Call a number from a voice connection: the provider rings it (answering-machine detection on), the answer hears the greeting and then the agent named (else the connection's inbound agent); an answering machine hears the greeting and the call ends (answeredBy: machine); the call's progress arrives as call.updated / call.ended events. 422 CALL_FAILED when the provider refuses the number",
        body: PlaceCallSchema,
        response: { 201: CallSchema, ...errors },
      },
    },
    async (req, reply) => {
      const call = await hub.calls.place(principalOf(req).workspaceId, req.body);
      return reply.code(201).send(call);
    },
  );

  r.get(
    '/conversations/:id/calls',
    {
      schema: {
        tags: ['calls'],
        summary: 'The phone calls of a conversation, oldest first',
        params: IdParams,
        response: { 200: z.object({ data: z.array(CallSchema) }), ...errors },
      },
    },
    async (req) => ({ data: await hub.calls.ofConversation(principalOf(req).workspaceId, req.params.id) }),
  );
}
