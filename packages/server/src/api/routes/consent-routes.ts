/**
 * @module api/routes/consent-routes — a contact's consent per channel type under /api/v1/contacts/{id}/consent:
 * read it, or record an opt-out or opt-in by hand (an operator in the app, or an integration).
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Hub } from '../../core/hub.js';
import { principalOf } from '../auth.js';
import { ConsentSchema, ErrorSchema, IdParams } from '../schemas.js';

const ConsentListSchema = z.object({ data: z.array(ConsentSchema) }).meta({ id: 'ConsentList' });
const SetConsentSchema = z
  .object({
    channelType: z.string().min(1).max(40).describe('the channel type, such as whatsapp'),
    optedOut: z.boolean().describe('true: nothing more is sent on this channel type; false: sends are allowed again'),
    address: z
      .string()
      .min(1)
      .max(320)
      .optional()
      .describe('one identity of that channel type; all of them when absent'),
    source: z
      .enum(['operator', 'api'])
      .default('api')
      .describe('who recorded it: an operator in the app, or an integration (default)'),
  })
  .meta({ id: 'SetConsent' });

export function consentRoutes(app: FastifyInstance, hub: Hub): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const errors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema };

  r.get(
    '/contacts/:id/consent',
    {
      schema: {
        tags: ['contacts'],
        summary: "The contact's opt-outs per channel type and identity, with when and how they were set",
        params: IdParams,
        response: { 200: ConsentListSchema, ...errors },
      },
    },
    async (req) => {
      const { workspaceId } = principalOf(req);
      // a contact that does not exist is a 404, not an empty list
      await hub.conversations.contact360(workspaceId, req.params.id);
      return { data: await hub.consent.forContact(workspaceId, req.params.id) };
    },
  );

  r.put(
    '/contacts/:id/consent',
    {
      schema: {
        tags: ['contacts'],
        summary:
          'Record that the contact opted out of a channel type (sends to them are refused with 422 OPTED_OUT) or back in',
        params: IdParams,
        body: SetConsentSchema,
        response: { 200: ConsentListSchema, ...errors },
      },
    },
    async (req) => {
      const principal = principalOf(req);
      const { source, ...input } = req.body;
      const data = await hub.consent.setForContact(
        principal.workspaceId,
        req.params.id,
        input,
        source,
        `user:${principal.userId}`,
      );
      return { data };
    },
  );
}
