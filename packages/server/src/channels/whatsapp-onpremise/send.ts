/**
 * @module channels/whatsapp-onpremise/send — unified content → POST /v1/messages on the Coreapp
 * (https://developers.facebook.com/docs/whatsapp/on-premises/reference/messages): the Cloud API's bodies
 * (channel-kit/whatsapp-business) without `messaging_product`, media uploaded first as raw bytes (POST /v1/media),
 * templates with the account's `namespace` and a deterministic language policy.
 */
import {
  ChannelError,
  isChannelError,
  whatsappBodies,
  whatsappTemplateBody,
  type ContentOf,
  type SendContext,
  type SendHandler,
  type SendMap,
} from '../../channel-kit/index.js';
import type { Content, ContentType } from '../../model/index.js';
import { coreappCall, uploadCoreappMedia } from './api.js';
import type { WhatsAppOnPremConfig } from './config.js';
import { sendResponseSchema } from './payloads.js';

type Ctx = SendContext<WhatsAppOnPremConfig>;
type MediaContent = Extract<Content, { media: unknown }>;
type Payload<T extends ContentType> = (
  content: ContentOf<T>,
  ctx: Ctx,
) => Promise<Record<string, unknown>> | Record<string, unknown>;

async function uploaded(ctx: Ctx, url: string): Promise<string> {
  let file;
  try {
    file = await ctx.media.read(url);
  } catch (error) {
    if (isChannelError(error)) throw error;
    throw new ChannelError(
      'REJECTED',
      `the attachment could not be read: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
  return uploadCoreappMedia(ctx, file);
}

function via<T extends ContentType>(payload: Payload<T>): SendHandler<WhatsAppOnPremConfig, T> {
  return async (message, ctx) => {
    const body = {
      recipient_type: 'individual',
      // the Coreapp takes the wa_id without the + (https://developers.facebook.com/docs/whatsapp/on-premises/reference/messages)
      to: message.to.replace(/^\+/, ''),
      ...(message.replyToProviderMessageId && message.content.type !== 'reaction'
        ? { context: { message_id: message.replyToProviderMessageId } }
        : {}),
      ...(await payload(message.content, ctx)),
    };
    const res = sendResponseSchema.safeParse(await coreappCall(ctx, '/v1/messages', { json: body, what: 'send' }));
    // accepted but no id: retrying could message the customer twice, so this fails for good
    if (!res.success)
      throw new ChannelError('UNAVAILABLE', 'the Coreapp accepted the message without returning its id', {
        retryable: false,
      });
    return { providerMessageId: (res.data.messages[0] as { id: string }).id };
  };
}

const media = via<MediaContent['type']>(async (content, ctx) =>
  whatsappBodies.media(content, await uploaded(ctx, content.media.url)),
);

export const whatsappOnPremSend: SendMap<WhatsAppOnPremConfig> = {
  text: via(whatsappBodies.text),
  image: media,
  audio: media,
  video: media,
  document: media,
  sticker: media,
  location: via(whatsappBodies.location),
  contact: via(whatsappBodies.contact),
  interactive: via(whatsappBodies.interactive),
  reaction: via(whatsappBodies.reaction),
  template: via((content, ctx) => {
    const namespace = ctx.config.templateNamespace;
    if (!namespace)
      throw new ChannelError('INVALID_CONFIG', 'templates need the account’s templateNamespace in the connection');
    return { type: 'template', template: whatsappTemplateBody(content.template, namespace) };
  }),
};
