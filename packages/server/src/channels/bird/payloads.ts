/**
 * @module channels/bird/payloads — the Bird platform wire shapes we read (https://docs.bird.com/api/channels-api,
 * https://docs.bird.com/api/notifications-api): the webhook envelope `{service, event, payload}`, the message object
 * (inbound messages and outbound status updates carry it), interactions, channels, webhook subscriptions, template
 * projects and Bird's error body `{code, message, details}`. Lenient: unknown keys pass, so a new Bird field never
 * breaks parsing.
 */
import { z } from 'zod';

const identifier = z.object({
  id: z.string().optional(),
  identifierKey: z.string().optional(),
  identifierValue: z.string().optional(),
  annotations: z.object({ name: z.string().optional() }).loose().optional(),
});

/** a postback a customer chose: a reply button or a list row (`{type: 'postback', postback: {text, payload}}`) */
export const birdActionSchema = z.object({
  type: z.string(),
  postback: z.object({ text: z.string().optional(), payload: z.string().optional() }).optional(),
  reply: z.object({ text: z.string().optional(), payload: z.string().optional() }).optional(),
});

const mediaItem = z.object({
  mediaUrl: z.string().min(1),
  contentType: z.string().optional(),
  filename: z.string().optional(),
  altText: z.string().optional(),
});

/** `body` of a Bird message: `type` names the key that holds it (https://docs.bird.com/api/channels-api/message-types) */
export const birdBodySchema = z.object({
  type: z.string(),
  text: z.object({ text: z.string(), actions: z.array(z.unknown()).optional() }).optional(),
  image: z.object({ images: z.array(z.unknown()).default([]), text: z.string().optional() }).optional(),
  file: z.object({ files: z.array(z.unknown()).default([]), text: z.string().optional() }).optional(),
  location: z
    .object({
      coordinates: z.object({ latitude: z.coerce.number(), longitude: z.coerce.number() }),
      location: z.object({ address: z.string().optional(), label: z.string().optional() }).optional(),
    })
    .optional(),
  list: z
    .object({
      title: z.string().optional(),
      text: z.string().optional(),
      actions: z.array(z.unknown()).default([]),
    })
    .optional(),
});
export type BirdBody = z.infer<typeof birdBodySchema>;
export const birdMediaItemSchema = mediaItem;

/** the message object (https://docs.bird.com/api/channels-api/api-reference/messaging) */
export const birdMessageSchema = z.object({
  id: z.string().min(1),
  channelId: z.string().optional(),
  direction: z.string().optional(),
  status: z.string().optional(),
  reason: z.string().optional(),
  reference: z.string().optional(),
  sender: z.object({ contact: identifier.optional(), connector: identifier.optional() }).loose().optional(),
  receiver: z
    .object({ contacts: z.array(identifier).optional(), connector: identifier.optional() })
    .loose()
    .optional(),
  body: z.unknown().optional(),
  replyTo: z.object({ id: z.string().optional(), type: z.string().optional() }).loose().optional(),
  failure: z
    .object({ code: z.union([z.string(), z.number()]).optional(), description: z.string().optional() })
    .loose()
    .optional(),
  createdAt: z.string().optional(),
  updatedAt: z.string().optional(),
  lastStatusAt: z.string().optional(),
});
export type BirdMessage = z.infer<typeof birdMessageSchema>;

/** a message interaction (read, opened, clicked…): names the message it happened to */
export const birdInteractionSchema = z.object({
  id: z.string().optional(),
  messageId: z.string().min(1),
  channelId: z.string().optional(),
  type: z.string(),
  createdAt: z.string().optional(),
});

/** every webhook: `{service: "channels", event: "<platform>.<inbound|outbound|interaction>", payload}` */
export const birdEnvelopeSchema = z.object({
  service: z.string(),
  event: z.string(),
  payload: z.unknown(),
});

/** Bird's error body (https://docs.bird.com/api/api-access/api-errors) */
export const birdErrorSchema = z.object({
  code: z.string().optional(),
  message: z.string().optional(),
  details: z.unknown().optional(),
});

export const birdChannelSchema = z.object({
  id: z.string(),
  name: z.string().optional(),
  platformId: z.string(),
  status: z.string().optional(),
  identifier: z.string().optional(),
});

export const birdSubscriptionListSchema = z.object({
  results: z
    .array(z.object({ id: z.string(), url: z.string().optional(), event: z.string().optional() }).loose())
    .default([]),
  nextPageToken: z.string().optional(),
});

export const birdProjectListSchema = z.object({
  results: z.array(z.object({ id: z.string(), name: z.string().optional() }).loose()).default([]),
  nextPageToken: z.string().optional(),
});

export const birdChannelTemplateListSchema = z.object({
  results: z
    .array(
      z
        .object({
          id: z.string(),
          status: z.string().default('unknown'),
          defaultLocale: z.string().optional(),
          supportedLocales: z.array(z.object({ locale: z.string() }).loose()).optional(),
          variables: z.array(z.object({ key: z.string() }).loose()).default([]),
          platformContent: z
            .array(z.object({ locale: z.string().optional(), text: z.string().optional() }).loose())
            .optional(),
          updatedAt: z.string().optional(),
        })
        .loose(),
    )
    .default([]),
});

export const birdSendResponseSchema = z.object({ id: z.string().min(1), status: z.string().optional() });
export const birdPresignSchema = z.object({
  mediaUrl: z.string().min(1),
  uploadUrl: z.string().min(1),
  uploadMethod: z.string().default('POST'),
  uploadFormData: z.record(z.string(), z.string()).default({}),
});
