/**
 * @module channels/whatsapp/send — unified content → POST /{version}/{phone-number-id}/messages
 * (https://developers.facebook.com/docs/whatsapp/cloud-api/reference/messages): text, media (uploaded first, https://developers.facebook.com/docs/whatsapp/cloud-api/reference/media), reply buttons and lists, templates, location, contacts, reactions.
 * Errors are mapped in api.ts (https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes).
 */
import {
  ChannelError,
  isChannelError,
  type ContentOf,
  type OutboundMessage,
  type SendContext,
  type SendHandler,
  type SendMap,
  templateComponents,
  whatsappBodies,
  whatsappTemplateBody,
} from '../../channel-kit/index.js';
import type { Content, ContentType } from '../../model/index.js';
import { graphCall, uploadMedia } from './api.js';
import type { WhatsAppConfig } from './config.js';
import { sendResponseSchema } from './payloads.js';

type Ctx = SendContext<WhatsAppConfig>;
type MediaContent = Extract<Content, { media: unknown }>;

/** the hub's sticky sender when it is one of ours, else the first number */
export function senderFor(message: Pick<OutboundMessage, 'from'>, config: WhatsAppConfig): string {
  return message.from && config.phoneNumberIds.includes(message.from)
    ? message.from
    : (config.phoneNumberIds[0] as string);
}

export { templateComponents };

async function mediaId(ctx: Ctx, phoneNumberId: string, url: string): Promise<string> {
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
  return uploadMedia(ctx, phoneNumberId, file);
}

type Payload<T extends ContentType> = (
  content: ContentOf<T>,
  ctx: Ctx,
  phoneNumberId: string,
) => Promise<Record<string, unknown>> | Record<string, unknown>;

const mediaPayload: Payload<MediaContent['type']> = async (content, ctx, phoneNumberId) =>
  whatsappBodies.media(content, await mediaId(ctx, phoneNumberId, content.media.url));

/** one POST /{phone-number-id}/messages; the content type's payload is the only part that differs */
function via<T extends ContentType>(payload: Payload<T>): SendHandler<WhatsAppConfig, T> {
  return async (message, ctx) => {
    const phoneNumberId = senderFor(message, ctx.config);
    const body = {
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: message.to,
      ...(message.replyToProviderMessageId && message.content.type !== 'reaction'
        ? { context: { message_id: message.replyToProviderMessageId } }
        : {}),
      // echoed in the statuses of this message (https://developers.facebook.com/docs/whatsapp/cloud-api/webhooks/payload-examples#message-status-updates), for correlation in logs
      biz_opaque_callback_data: message.id,
      ...(await payload(message.content, ctx, phoneNumberId)),
    };
    const res = sendResponseSchema.safeParse(
      await graphCall(ctx, `${encodeURIComponent(phoneNumberId)}/messages`, { json: body }),
    );
    // accepted but no id: retrying could message the customer twice, so this fails for good
    if (!res.success)
      throw new ChannelError('UNAVAILABLE', 'WhatsApp accepted the message without returning its id', {
        retryable: false,
      });
    return { providerMessageId: (res.data.messages[0] as { id: string }).id, from: phoneNumberId };
  };
}

const media = via(mediaPayload);

/** what WhatsApp Cloud sends, one handler per content type (https://developers.facebook.com/docs/whatsapp/cloud-api/reference/messages) */
export const whatsappSend: SendMap<WhatsAppConfig> = {
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
  template: via((content) => ({ type: 'template', template: whatsappTemplateBody(content.template) })),
};
