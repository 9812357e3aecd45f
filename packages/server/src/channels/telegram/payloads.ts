/** @module channels/telegram/payloads — the Bot API objects we read: Update, Message, CallbackQuery, File and the response envelope (https://core.telegram.org/bots/api#making-requests, https://core.telegram.org/bots/api#update). */
import { z } from 'zod';

export const userSchema = z.object({
  id: z.number(),
  is_bot: z.boolean().optional(),
  first_name: z.string(),
  last_name: z.string().optional(),
  username: z.string().optional(),
  language_code: z.string().optional(),
});
export type TgUser = z.infer<typeof userSchema>;

export const chatSchema = z.object({
  id: z.number(),
  /** private, group, supergroup or channel */
  type: z.string(),
  title: z.string().optional(),
  username: z.string().optional(),
  first_name: z.string().optional(),
  last_name: z.string().optional(),
});
export type TgChat = z.infer<typeof chatSchema>;

const fileFields = {
  file_id: z.string().min(1),
  file_unique_id: z.string().optional(),
  file_size: z.number().int().nonnegative().optional(),
};
export const photoSizeSchema = z.object({ ...fileFields, width: z.number().optional(), height: z.number().optional() });
export const documentSchema = z.object({
  ...fileFields,
  file_name: z.string().optional(),
  mime_type: z.string().optional(),
});
export const voiceSchema = z.object({
  ...fileFields,
  duration: z.number().optional(),
  mime_type: z.string().optional(),
});
export const audioSchema = voiceSchema.extend({
  file_name: z.string().optional(),
  performer: z.string().optional(),
  title: z.string().optional(),
});
export const videoSchema = voiceSchema.extend({
  file_name: z.string().optional(),
  width: z.number().optional(),
  height: z.number().optional(),
});
export const stickerSchema = z.object({
  ...fileFields,
  is_animated: z.boolean().optional(),
  is_video: z.boolean().optional(),
  emoji: z.string().optional(),
});
export const locationSchema = z.object({ latitude: z.number(), longitude: z.number() });
export const venueSchema = z.object({ location: locationSchema, title: z.string(), address: z.string() });
export const contactSchema = z.object({
  phone_number: z.string(),
  first_name: z.string(),
  last_name: z.string().optional(),
  user_id: z.number().optional(),
  vcard: z.string().optional(),
});

const inlineButtonSchema = z.object({ text: z.string(), callback_data: z.string().optional() });
const baseMessageShape = {
  message_id: z.number(),
  date: z.number(),
  chat: chatSchema,
  from: userSchema.optional(),
  sender_chat: chatSchema.optional(),
  message_thread_id: z.number().optional(),
  edit_date: z.number().optional(),
  text: z.string().optional(),
  caption: z.string().optional(),
  photo: z.array(photoSizeSchema).optional(),
  document: documentSchema.optional(),
  animation: videoSchema.optional(),
  voice: voiceSchema.optional(),
  audio: audioSchema.optional(),
  video: videoSchema.optional(),
  video_note: voiceSchema.optional(),
  sticker: stickerSchema.optional(),
  location: locationSchema.optional(),
  venue: venueSchema.optional(),
  contact: contactSchema.optional(),
  reply_markup: z.object({ inline_keyboard: z.array(z.array(inlineButtonSchema)) }).optional(),
};
/** a message quoted in reply_to_message (read only for its id) */
const quotedMessageSchema = z.object({ message_id: z.number() });
export const messageSchema = z.object({ ...baseMessageShape, reply_to_message: quotedMessageSchema.optional() });
export type TgMessage = z.infer<typeof messageSchema>;

export const callbackQuerySchema = z.object({
  id: z.string().min(1),
  from: userSchema,
  /** absent for buttons of inline-mode messages; may be an InaccessibleMessage (date 0) */
  message: messageSchema.optional(),
  chat_instance: z.string().optional(),
  data: z.string().optional(),
});
export type TgCallbackQuery = z.infer<typeof callbackQuerySchema>;

/** one Update carries update_id plus at most one of the optional kinds (https://core.telegram.org/bots/api#update) */
export const updateSchema = z.object({
  update_id: z.number().int(),
  message: messageSchema.optional(),
  edited_message: messageSchema.optional(),
  callback_query: callbackQuerySchema.optional(),
});

/** the update kinds parse() models; everything else is answered as ignored */
export const ALLOWED_UPDATES = ['message', 'edited_message', 'callback_query'] as const;

/** `{"ok":true,"result":…}` or `{"ok":false,"error_code":N,"description":"…","parameters"?:{…}}` (https://core.telegram.org/bots/api#making-requests) */
export const apiResponseSchema = z.object({
  ok: z.boolean(),
  result: z.unknown().optional(),
  error_code: z.number().optional(),
  description: z.string().optional(),
  parameters: z.object({ retry_after: z.number().optional(), migrate_to_chat_id: z.number().optional() }).optional(),
});
export type ApiResponse = z.infer<typeof apiResponseSchema>;

/** getMe's answer, read for the bot's username */
export const botUserSchema = z.object({
  id: z.number(),
  is_bot: z.boolean().optional(),
  username: z.string().optional(),
});
/** getFile's answer */
export const fileSchema = z.object({
  file_id: z.string(),
  file_size: z.number().optional(),
  file_path: z.string().optional(),
});
/** what every send* method answers with: the sent Message (we need its chat and id) */
export const sentMessageSchema = z.object({ message_id: z.number(), chat: z.object({ id: z.number() }) });
/** getWebhookInfo's answer, the fields the health check reads (https://core.telegram.org/bots/api#webhookinfo) */
export const webhookInfoSchema = z.object({
  url: z.string(),
  pending_update_count: z.number().int().nonnegative(),
  last_error_date: z.number().optional(),
  last_error_message: z.string().optional(),
});
