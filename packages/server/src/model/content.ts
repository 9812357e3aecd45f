/**
 * @module model/content
 * The unified message content every channel is normalized into. Pure schemas, no I/O.
 */
import { z } from 'zod';

export const MediaSchema = z.object({
  url: z
    .string()
    .describe(
      'Served by Switchboard itself once the bytes are stored. To send: the url of an upload of this workspace (POST /api/v1/media), or an http(s) URL the hub fetches into its own store first; anything else is 400',
    ),
  mimeType: z.string(),
  fileName: z.string().optional(),
  size: z.number().int().nonnegative().optional(),
  caption: z.string().optional(),
  /** pending until the attachment job stored the bytes; failed when the provider's file could not be fetched */
  state: z.enum(['pending', 'ready', 'failed']).optional(),
  /** inbound: the provider's handle for the file (Telegram file_id, WhatsApp media id), fetched by the media job */
  providerMediaId: z.string().optional(),
});
export type Media = z.infer<typeof MediaSchema>;

export const ButtonSchema = z.object({ id: z.string().min(1).max(256), title: z.string().min(1).max(256) });
export type Button = z.infer<typeof ButtonSchema>;

export const TextContentSchema = z.object({ type: z.literal('text'), text: z.string().min(1).max(65536) });
export const MediaContentSchema = z.object({
  type: z.enum(['image', 'audio', 'video', 'document', 'sticker']),
  media: MediaSchema,
});
export const LocationContentSchema = z.object({
  type: z.literal('location'),
  location: z.object({
    latitude: z.number().min(-90).max(90),
    longitude: z.number().min(-180).max(180),
    name: z.string().optional(),
    address: z.string().optional(),
  }),
});
export const ContactCardContentSchema = z.object({
  type: z.literal('contact'),
  contacts: z
    .array(
      z.object({
        name: z.string(),
        phones: z.array(z.string()).default([]),
        emails: z.array(z.string()).default([]),
      }),
    )
    .min(1),
});
export const InteractiveContentSchema = z.object({
  type: z.literal('interactive'),
  interactive: z.object({
    /** buttons or a list offered to the customer (outbound), or the reply the customer chose (inbound) */
    kind: z.enum(['buttons', 'list', 'button_reply', 'list_reply']),
    text: z.string().optional(),
    buttons: z.array(ButtonSchema).optional(),
    reply: ButtonSchema.optional(),
  }),
});
/** a link button on a card opens the page; a reply button answers like an interactive button (button_reply) */
export const CardButtonSchema = ButtonSchema.extend({
  url: z.url({ protocol: /^https?$/ }).optional(),
});
export const CardSchema = z.object({
  title: z.string().min(1).max(256),
  subtitle: z.string().max(1024).optional(),
  imageUrl: z.url({ protocol: /^https?$/ }).optional(),
  buttons: z.array(CardButtonSchema).max(3).default([]),
});
export type Card = z.infer<typeof CardSchema>;
/** a gallery (carousel) of 1–10 cards, each with a title, subtitle, image and up to 3 buttons */
export const CardsContentSchema = z.object({
  type: z.literal('cards'),
  cards: z.array(CardSchema).min(1).max(10),
  /** a line above the gallery */
  text: z.string().max(4096).optional(),
});
export const ReactionContentSchema = z.object({
  type: z.literal('reaction'),
  reaction: z.object({ emoji: z.string(), targetProviderMessageId: z.string() }),
});
export const TemplateContentSchema = z.object({
  type: z.literal('template'),
  template: z.object({
    name: z.string().min(1),
    language: z.string().min(1),
    variables: z.record(z.string(), z.string()).default({}),
    /** the rendered body, for display in inboxes */
    text: z.string().optional(),
  }),
});

export const ContentSchema = z.discriminatedUnion('type', [
  TextContentSchema,
  MediaContentSchema,
  LocationContentSchema,
  ContactCardContentSchema,
  InteractiveContentSchema,
  CardsContentSchema,
  ReactionContentSchema,
  TemplateContentSchema,
]);
export type Content = z.infer<typeof ContentSchema>;
export type ContentType = Content['type'];
export const CONTENT_TYPES = [
  'text',
  'image',
  'audio',
  'video',
  'document',
  'sticker',
  'location',
  'contact',
  'interactive',
  'cards',
  'reaction',
  'template',
] as const satisfies readonly ContentType[];

/** A short human-readable line for inbox previews and logs. */
export function contentPreview(content: Content): string {
  switch (content.type) {
    case 'text':
      return content.text.slice(0, 200);
    case 'image':
    case 'audio':
    case 'video':
    case 'document':
    case 'sticker':
      return content.media.caption ?? `[${content.type}]`;
    case 'location':
      return '[location]';
    case 'contact':
      return '[contact]';
    case 'interactive':
      return content.interactive.reply?.title ?? content.interactive.text ?? '[interactive]';
    case 'cards':
      return content.text ?? content.cards[0]?.title ?? '[cards]';
    case 'reaction':
      return content.reaction.emoji;
    case 'template':
      return content.template.text ?? `[template ${content.template.name}]`;
  }
}
