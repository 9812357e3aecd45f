/**
 * @module channels/vk/payloads — the Callback API / Bots Long Poll event shapes we read and the API envelope
 * (VKCOM/vk-api-schema callback/objects.json, messages/objects.json, base/objects.json `base_error`).
 */
import { z } from 'zod';

const sizeSchema = z.object({
  type: z.string().optional(),
  url: z.string(),
  width: z.number().optional(),
  height: z.number().optional(),
});
export const attachmentSchema = z.object({
  type: z.string(),
  photo: z
    .object({
      id: z.number(),
      owner_id: z.number(),
      sizes: z.array(sizeSchema).default([]),
      text: z.string().optional(),
    })
    .optional(),
  doc: z
    .object({
      id: z.number(),
      owner_id: z.number(),
      title: z.string().optional(),
      ext: z.string().optional(),
      url: z.string().optional(),
      size: z.number().optional(),
    })
    .optional(),
  audio_message: z
    .object({
      id: z.number(),
      owner_id: z.number(),
      link_ogg: z.string().optional(),
      link_mp3: z.string().optional(),
      duration: z.number().optional(),
      transcript: z.string().optional(),
    })
    .optional(),
  video: z.object({ id: z.number(), owner_id: z.number(), title: z.string().optional() }).optional(),
  sticker: z.object({ sticker_id: z.number(), images: z.array(sizeSchema).optional() }).optional(),
  link: z.object({ url: z.string(), title: z.string().optional() }).optional(),
  wall: z
    .object({
      id: z.number(),
      owner_id: z.number().optional(),
      from_id: z.number().optional(),
      text: z.string().optional(),
    })
    .optional(),
});
export type VkAttachment = z.infer<typeof attachmentSchema>;

const baseMessage = {
  id: z.number().int().default(0),
  date: z.number(),
  peer_id: z.number().int(),
  from_id: z.number().int(),
  text: z.string().default(''),
  conversation_message_id: z.number().int(),
  out: z.number().optional(),
  attachments: z.array(attachmentSchema).default([]),
  payload: z.string().optional(),
  geo: z
    .object({
      // coordinates outside the globe are not a place (the hub's location content refuses them)
      coordinates: z.object({ latitude: z.number().min(-90).max(90), longitude: z.number().min(-180).max(180) }),
      place: z.object({ title: z.string().optional() }).optional(),
    })
    .optional(),
  update_time: z.number().optional(),
};
const quoted = z.object({
  id: z.number().optional(),
  conversation_message_id: z.number().optional(),
  from_id: z.number().optional(),
  text: z.string().optional(),
});
export const messageSchema = z.object({
  ...baseMessage,
  reply_message: quoted.optional(),
  fwd_messages: z.array(quoted).optional(),
});
export type VkMessage = z.infer<typeof messageSchema>;

export const callbackSchema = z.object({
  type: z.string(),
  group_id: z.number().int(),
  event_id: z.string().optional(),
  v: z.string().optional(),
  secret: z.string().optional(),
  object: z.unknown().optional(),
});

export const messageNewObject = z.object({ message: messageSchema });
export const messageEventObject = z.object({
  user_id: z.number().int(),
  peer_id: z.number().int(),
  event_id: z.string().min(1),
  payload: z.unknown().optional(),
  conversation_message_id: z.number().int().optional(),
});
export const messageReadObject = z.object({
  from_id: z.number().int(),
  peer_id: z.number().int(),
  read_message_id: z.number().int().optional(),
  conversation_message_id: z.number().int().optional(),
});
/** message_allow `{user_id, key}`, message_deny `{user_id}` (vk-api-schema callback_message_allow / _deny) */
export const consentObject = z.object({ user_id: z.number().int() });
export const typingObject = z.object({
  from_id: z.number().int(),
  to_id: z.number().int().optional(),
  state: z.string(),
});

/** `{"response": …}` or `{"error": {"error_code", "error_msg", "request_params"}}` (https://dev.vk.com/en/reference/errors) */
export const apiEnvelopeSchema = z.object({
  response: z.unknown().optional(),
  error: z.object({ error_code: z.number(), error_msg: z.string().default('') }).optional(),
});

/** the Callback API events we model; the same names the long poll delivers */
export const HANDLED_EVENTS = [
  'message_new',
  'message_edit',
  'message_event',
  'message_allow',
  'message_deny',
  'message_read',
  'message_typing_state',
] as const;
