/**
 * @module channels/whatsapp-onpremise/payloads — the Coreapp's wire shapes: the flat webhook body
 * (https://developers.facebook.com/docs/whatsapp/on-premises/webhooks/inbound, .../webhooks/outbound), its answers
 * (`{messages:[{id}], meta}`, `{media:[{id}]}`, `{users:[{token, expires_after}]}`) and its error envelope
 * `{errors:[{code, title, details}]}` (https://developers.facebook.com/docs/whatsapp/on-premises/errors).
 * The message and status objects themselves are WhatsApp's, shared with the Cloud API (channel-kit/whatsapp-business).
 */
import { z } from 'zod';
import { waContactsSchema } from '../../channel-kit/index.js';

export const flatWebhookSchema = z.object({
  contacts: waContactsSchema,
  messages: z.array(z.unknown()).optional(),
  statuses: z.array(z.unknown()).optional(),
  errors: z.array(z.unknown()).optional(),
});

export const coreappErrorSchema = z.object({
  errors: z
    .array(
      z.object({
        code: z.coerce.number(),
        title: z.string().optional(),
        details: z.string().optional(),
      }),
    )
    .min(1),
});
export type CoreappErrorBody = z.infer<typeof coreappErrorSchema>['errors'][number];

export const loginResponseSchema = z.object({
  users: z.array(z.object({ token: z.string().min(1), expires_after: z.string().optional() })).min(1),
});
export const sendResponseSchema = z.object({ messages: z.array(z.object({ id: z.string().min(1) })).min(1) });
export const uploadResponseSchema = z.object({ media: z.array(z.object({ id: z.string().min(1) })).min(1) });
/** GET /v1/settings/application (https://developers.facebook.com/docs/whatsapp/on-premises/reference/settings/app) */
export const settingsResponseSchema = z.object({
  settings: z.object({
    application: z.object({ webhooks: z.object({ url: z.string().optional() }).optional() }),
  }),
});
