/**
 * @module channels/bird/send — unified content → `POST /workspaces/{ws}/channels/{ch}/messages`
 * (https://docs.bird.com/api/channels-api/api-reference/messaging): the receiver by its phone number, a `body` of
 * Bird's message types (text, image, file, location, postback buttons and lists,
 * https://docs.bird.com/api/channels-api/message-types) or a `template` by project id + version + locale +
 * parameters, and `reference` = our message id. Bird answers 202 with the message object; statuses follow as
 * webhooks. Errors are mapped in api.ts.
 */
import {
  ChannelError,
  isChannelError,
  type ContentOf,
  type SendContext,
  type SendHandler,
  type SendMap,
} from '../../channel-kit/index.js';
import type { Content, ContentType } from '../../model/index.js';
import { birdCall, channelUrl, resolveBirdTemplate, uploadBirdMedia } from './api.js';
import type { BirdConfig } from './config.js';
import { birdSendResponseSchema } from './payloads.js';

type Ctx = SendContext<BirdConfig>;
type Part = { body: Record<string, unknown> } | { template: Record<string, unknown> };
type Payload<T extends ContentType> = (content: ContentOf<T>, ctx: Ctx) => Promise<Part> | Part;

async function mediaUrl(ctx: Ctx, url: string): Promise<string> {
  let file;
  try {
    file = await ctx.media.read(url);
  } catch (error) {
    if (isChannelError(error)) throw error;
    throw new ChannelError(
      'REJECTED',
      `the attachment could not be read: ${error instanceof Error ? error.message : String(error)}`,
      {
        cause: error,
      },
    );
  }
  return uploadBirdMedia(ctx, file);
}

type MediaContent = Extract<Content, { media: unknown }>;

const media: Payload<MediaContent['type']> = async (content, ctx) => {
  const m = content.media;
  const url = await mediaUrl(ctx, m.url);
  const text = m.caption ? { text: m.caption } : {};
  if (content.type === 'image' || content.type === 'sticker')
    return { body: { type: 'image', image: { images: [{ mediaUrl: url }], ...text } } };
  return {
    body: {
      type: 'file',
      file: {
        files: [{ mediaUrl: url, contentType: m.mimeType, ...(m.fileName ? { filename: m.fileName } : {}) }],
        ...text,
      },
    },
  };
};

const postbacks = (buttons: ReadonlyArray<{ id: string; title: string }>) =>
  buttons.map((b) => ({ type: 'postback', postback: { text: b.title, payload: b.id } }));

function via<T extends ContentType>(payload: Payload<T>): SendHandler<BirdConfig, T> {
  return async (message, ctx) => {
    const part = await payload(message.content, ctx);
    const request = {
      receiver: { contacts: [{ identifierKey: 'phonenumber', identifierValue: message.to }] },
      ...part,
      // echoed in every status webhook of this message (https://docs.bird.com/api/channels-api/api-reference/messaging)
      reference: message.id,
      ...(message.replyToProviderMessageId
        ? { replyTo: { id: message.replyToProviderMessageId, type: 'message' } }
        : {}),
    };
    const res = birdSendResponseSchema.safeParse(
      await birdCall(ctx, channelUrl(ctx.config, '/messages'), { json: request }),
    );
    // accepted but no id: retrying could message the customer twice, so this fails for good
    if (!res.success)
      throw new ChannelError('UNAVAILABLE', 'Bird accepted the message without returning its id', { retryable: false });
    return { providerMessageId: res.data.id };
  };
}

/** what Bird sends on an SMS or WhatsApp channel; the connection's limits (limitsFor) decide buttons and lengths */
export const birdSend: SendMap<BirdConfig> = {
  text: via((content) => ({ body: { type: 'text', text: { text: content.text } } })),
  image: via(media),
  audio: via(media),
  video: via(media),
  document: via(media),
  sticker: via(media),
  location: via((content) => {
    const l = content.location;
    const place = { ...(l.name ? { label: l.name } : {}), ...(l.address ? { address: l.address } : {}) };
    return {
      body: {
        type: 'location',
        location: {
          coordinates: { latitude: l.latitude, longitude: l.longitude },
          ...(Object.keys(place).length > 0 ? { location: place } : {}),
        },
      },
    };
  }),
  interactive: via((content) => {
    const i = content.interactive;
    const buttons = i.buttons ?? [];
    if (!i.text) throw new ChannelError('REJECTED', 'Bird interactive messages need a body text');
    if (buttons.length === 0)
      throw new ChannelError('REJECTED', 'Bird interactive messages need at least one button or row');
    if (i.kind === 'buttons') return { body: { type: 'text', text: { text: i.text, actions: postbacks(buttons) } } };
    if (i.kind === 'list') return { body: { type: 'list', list: { text: i.text, actions: postbacks(buttons) } } };
    throw new ChannelError('UNSUPPORTED', `a ${i.kind} is what a customer sends, not something we can send`);
  }),
  template: via(async (content, ctx) => {
    const t = content.template;
    const { projectId, version } = await resolveBirdTemplate(ctx, t.name, t.language);
    return {
      template: {
        projectId,
        version,
        locale: t.language,
        parameters: Object.entries(t.variables).map(([key, value]) => ({ type: 'string', key, value })),
      },
    };
  }),
};
