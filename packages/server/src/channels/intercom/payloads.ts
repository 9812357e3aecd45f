/**
 * @module channels/intercom/payloads — the Intercom wire shapes we read (https://developers.intercom.com/docs/references/rest-api/api.intercom.io):
 * the webhook `notification_event` whose `data.item` is a conversation, the conversation object (its `source`, its
 * `contacts`, its `conversation_parts`), the admin (`GET /me`, `GET /admins/{id}`) and the `error.list` body.
 * Lenient: unknown keys pass, so a new Intercom field never breaks parsing.
 */
import { z } from 'zod';

const id = z.union([z.string(), z.number()]).transform(String);

/** who wrote a part: `user`, `lead`, `contact`, `admin`, `bot` or `team` */
export const intercomAuthorSchema = z
  .object({
    type: z.string(),
    id: id.optional(),
    name: z.string().nullish(),
    email: z.string().nullish(),
  })
  .loose();

export const intercomAttachmentSchema = z
  .object({
    type: z.string().optional(),
    name: z.string().nullish(),
    url: z.string().min(1),
    content_type: z.string().nullish(),
    filesize: z.number().nullish(),
  })
  .loose();

/** one part of a conversation (https://developers.intercom.com/docs/references/rest-api/api.intercom.io/conversations/conversation) */
export const intercomPartSchema = z
  .object({
    type: z.string().optional(),
    id: id,
    part_type: z.string(),
    body: z.string().nullish(),
    created_at: z.number().nullish(),
    updated_at: z.number().nullish(),
    author: intercomAuthorSchema.nullish(),
    assigned_to: z.object({ type: z.string().optional(), id: id.optional() }).loose().nullish(),
    attachments: z.array(z.unknown()).nullish(),
    redacted: z.boolean().nullish(),
  })
  .loose();
export type IntercomPart = z.infer<typeof intercomPartSchema>;

export const intercomConversationSchema = z
  .object({
    type: z.literal('conversation').optional(),
    id: id,
    created_at: z.number().nullish(),
    updated_at: z.number().nullish(),
    state: z.string().nullish(),
    open: z.boolean().nullish(),
    admin_assignee_id: id.nullish(),
    team_assignee_id: id.nullish(),
    source: z
      .object({
        type: z.string().optional(),
        id: id.optional(),
        delivered_as: z.string().nullish(),
        subject: z.string().nullish(),
        body: z.string().nullish(),
        author: intercomAuthorSchema.nullish(),
        attachments: z.array(z.unknown()).nullish(),
      })
      .loose()
      .nullish(),
    contacts: z
      .object({
        contacts: z.array(z.object({ type: z.string().optional(), id: id }).loose()).default([]),
      })
      .loose()
      .nullish(),
    conversation_parts: z
      .object({ conversation_parts: z.array(z.unknown()).default([]), total_count: z.number().optional() })
      .loose()
      .nullish(),
  })
  .loose();
export type IntercomConversation = z.infer<typeof intercomConversationSchema>;

/** every webhook (https://developers.intercom.com/docs/references/webhooks/webhook-models) */
export const intercomNotificationSchema = z
  .object({
    type: z.literal('notification_event'),
    id: z.string().min(1),
    topic: z.string().min(1),
    app_id: z.string().optional(),
    data: z.object({ type: z.string().optional(), item: z.unknown() }).loose(),
    created_at: z.number().optional(),
  })
  .loose();

export const intercomAdminSchema = z
  .object({ type: z.string(), id: id, name: z.string().nullish(), email: z.string().nullish() })
  .loose();

/** `{type: "error.list", request_id, errors: [{code, message}]}` (https://developers.intercom.com/docs/references/rest-api/errors/error-objects) */
export const intercomErrorSchema = z
  .object({
    type: z.literal('error.list'),
    request_id: z.string().nullish(),
    errors: z.array(z.object({ code: z.string(), message: z.string().nullish() }).loose()).default([]),
  })
  .loose();
