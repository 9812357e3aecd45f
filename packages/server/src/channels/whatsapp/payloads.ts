/**
 * @module channels/whatsapp/payloads — the Cloud API wire shapes we read: webhook envelope, messages, statuses
 * (https://developers.facebook.com/docs/whatsapp/cloud-api/webhooks/components, https://developers.facebook.com/docs/whatsapp/cloud-api/webhooks/payload-examples#message-status-updates) and Graph responses: send, media, templates, errors (https://developers.facebook.com/docs/whatsapp/cloud-api/reference/messages, https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes). Lenient: unknown keys
 * pass, so a new Meta field never breaks parsing.
 */
import { z } from 'zod';
import { waContactsSchema } from '../../channel-kit/index.js';

// the message, status and template objects are shared with the On-Premises API (channel-kit/whatsapp-business)

/** `value` of a `messages` change; messages and statuses are parsed one by one so one odd item spoils nothing */
export const waMessagesValueSchema = z.object({
  metadata: z.object({ phone_number_id: z.string().min(1), display_phone_number: z.string().optional() }),
  contacts: waContactsSchema,
  messages: z.array(z.unknown()).optional(),
  statuses: z.array(z.unknown()).optional(),
});

export const waEnvelopeSchema = z.object({
  object: z.literal('whatsapp_business_account'),
  entry: z
    .array(
      z.object({
        id: z.string().optional(),
        changes: z.array(z.object({ field: z.string(), value: z.unknown() })).default([]),
      }),
    )
    .default([]),
});

/** Graph's error envelope (https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes) */
export const graphErrorSchema = z.object({
  error: z.object({
    message: z.string().default(''),
    type: z.string().optional(),
    code: z.coerce.number().optional(),
    error_subcode: z.coerce.number().optional(),
    error_data: z.object({ details: z.string().optional() }).optional(),
    is_transient: z.boolean().optional(),
    fbtrace_id: z.string().optional(),
  }),
});
export type GraphErrorBody = z.infer<typeof graphErrorSchema>['error'];

export const sendResponseSchema = z.object({ messages: z.array(z.object({ id: z.string().min(1) })).min(1) });
export const uploadResponseSchema = z.object({ id: z.string().min(1) });
export const mediaInfoSchema = z.object({ url: z.string().min(1), mime_type: z.string().optional() });
export const phoneNumberSchema = z.object({
  id: z.string(),
  display_phone_number: z.string().optional(),
  verified_name: z.string().optional(),
});
