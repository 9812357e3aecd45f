/**
 * @module channels/infobip/send — unified content → the send endpoint of the connection's channel, with our message
 * id as Infobip's `messageId` for the destination, `notifyUrl` = our webhook URL for its delivery reports, and
 * `callbackData` carrying our ids (echoed in every report):
 * - SMS: `POST /sms/2/text/advanced` (https://www.infobip.com/docs/api/channels/sms/sms-messaging/outbound-sms/send-sms-message);
 *   media go as text with a link, since SMS carries no files
 * - WhatsApp: `POST /whatsapp/1/message/{text|image|document|audio|video|sticker|location|interactive/buttons|interactive/list}`
 *   (https://www.infobip.com/docs/api/channels/whatsapp/whatsapp-outbound-messages)
 * - Viber: `POST /viber/2/messages` (https://www.infobip.com/docs/api/channels/viber/viber-business-messages/send-viber-messages;
 *   the exact v2 body is UNCONFIRMED)
 * A destination Infobip refuses in the answer itself (status group REJECTED) fails for good with its description.
 */
import {
  ChannelError,
  type ContentOf,
  type OutboundMessage,
  type SendContext,
  type SendMap,
  type SendReceipt,
} from '../../channel-kit/index.js';
import type { Content, ContentType } from '../../model/index.js';
import { codeForInfobipFailure, describeInfobipFailure, infobipCall } from './api.js';
import type { InfobipConfig } from './config.js';
import { infobipBulkSchema, infobipSentMessageSchema, type InfobipStatus } from './payloads.js';

type Ctx = SendContext<InfobipConfig>;
type MediaContent = Extract<Content, { media: unknown }>;

/** Infobip takes numbers in international form without "+" */
const bare = (address: string) => address.replace(/^\+/, '');
const callbackData = (m: OutboundMessage) => JSON.stringify({ messageId: m.id, conversationId: m.conversationId });

/** a link Infobip can fetch our file from (a signed, expiring link to our media store) */
const linkTo = (ctx: Ctx, url: string) => (ctx.media.shareLink ? ctx.media.shareLink(url) : url);

function accepted(messageId: string, status: InfobipStatus | undefined): SendReceipt {
  // REJECTED (5) or UNDELIVERABLE (2) in the answer itself: Infobip will not try this destination
  if (status && (status.groupId === 5 || status.groupId === 2 || status.groupName === 'REJECTED'))
    throw new ChannelError(codeForInfobipFailure(status, undefined), describeInfobipFailure(status, undefined), {
      providerCode: status.name ?? status.id,
      retryable: false,
    });
  return { providerMessageId: messageId };
}

/** a bulk answer (SMS, Viber): the one destination's message */
function fromBulk(json: unknown): SendReceipt {
  const bulk = infobipBulkSchema.safeParse(json);
  // accepted but no id: retrying could message the customer twice, so this fails for good
  if (!bulk.success)
    throw new ChannelError('UNAVAILABLE', 'Infobip accepted the message without returning its id', {
      retryable: false,
    });
  const m = bulk.data.messages[0] as { messageId: string; status?: InfobipStatus };
  return accepted(m.messageId, m.status);
}

function mediaAsText(ctx: Ctx, content: MediaContent): string {
  const link = linkTo(ctx, content.media.url);
  return [content.media.caption, link].filter(Boolean).join('\n');
}

function locationAsText(content: ContentOf<'location'>): string {
  const l = content.location;
  return [l.name, l.address, `https://maps.google.com/?q=${l.latitude},${l.longitude}`].filter(Boolean).join('\n');
}

/** the text an SMS or a Viber text carries for any content this module sends */
function asText(ctx: Ctx, content: Content): string {
  switch (content.type) {
    case 'text':
      return content.text;
    case 'location':
      return locationAsText(content);
    case 'image':
    case 'audio':
    case 'video':
    case 'document':
    case 'sticker':
      return mediaAsText(ctx, content);
    case 'interactive':
      // buttons: 0 on SMS and Viber, so core already made this numbered text; this is the fallback
      return content.interactive.text ?? '';
    default:
      throw new ChannelError('UNSUPPORTED', `Infobip cannot send ${content.type} content`);
  }
}

async function sendSms(message: OutboundMessage, ctx: Ctx): Promise<SendReceipt> {
  const json = await infobipCall(ctx, '/sms/2/text/advanced', {
    what: 'sms send',
    json: {
      messages: [
        {
          from: bare(ctx.config.from),
          destinations: [{ to: bare(message.to), messageId: message.id }],
          text: asText(ctx, message.content),
          notifyUrl: ctx.webhookUrl,
          notifyContentType: 'application/json',
          callbackData: callbackData(message),
        },
      ],
    },
  });
  return fromBulk(json);
}

function viberContent(ctx: Ctx, content: Content): Record<string, unknown> {
  if (content.type === 'image') {
    const caption = content.media.caption;
    return { type: 'IMAGE', mediaUrl: linkTo(ctx, content.media.url), ...(caption ? { text: caption } : {}) };
  }
  if (content.type === 'document')
    return {
      type: 'FILE',
      mediaUrl: linkTo(ctx, content.media.url),
      fileName: content.media.fileName ?? 'file',
    };
  return { type: 'TEXT', text: asText(ctx, content) };
}

async function sendViber(message: OutboundMessage, ctx: Ctx): Promise<SendReceipt> {
  const json = await infobipCall(ctx, '/viber/2/messages', {
    what: 'viber send',
    json: {
      messages: [
        {
          sender: ctx.config.from,
          destinations: [{ to: bare(message.to), messageId: message.id }],
          content: viberContent(ctx, message.content),
          webhooks: {
            delivery: { url: ctx.webhookUrl },
            contentType: 'application/json',
            callbackData: callbackData(message),
          },
        },
      ],
    },
  });
  return fromBulk(json);
}

/** the WhatsApp endpoint and `content` for one message */
function whatsappPart(ctx: Ctx, content: Content): { path: string; content: Record<string, unknown> } {
  switch (content.type) {
    case 'text':
      return { path: 'text', content: { text: content.text } };
    case 'image':
    case 'video':
      return {
        path: content.type,
        content: {
          mediaUrl: linkTo(ctx, content.media.url),
          ...(content.media.caption ? { caption: content.media.caption } : {}),
        },
      };
    case 'document':
      return {
        path: 'document',
        content: {
          mediaUrl: linkTo(ctx, content.media.url),
          ...(content.media.caption ? { caption: content.media.caption } : {}),
          ...(content.media.fileName ? { filename: content.media.fileName } : {}),
        },
      };
    case 'audio':
    case 'sticker':
      return { path: content.type, content: { mediaUrl: linkTo(ctx, content.media.url) } };
    case 'location': {
      const l = content.location;
      return {
        path: 'location',
        content: {
          latitude: l.latitude,
          longitude: l.longitude,
          ...(l.name ? { name: l.name } : {}),
          ...(l.address ? { address: l.address } : {}),
        },
      };
    }
    case 'interactive': {
      const i = content.interactive;
      const buttons = i.buttons ?? [];
      if (!i.text) throw new ChannelError('REJECTED', 'WhatsApp interactive messages need a body text');
      if (buttons.length === 0)
        throw new ChannelError('REJECTED', 'WhatsApp interactive messages need at least one button or row');
      if (i.kind === 'buttons')
        return {
          path: 'interactive/buttons',
          content: {
            body: { text: i.text },
            action: { buttons: buttons.map((b) => ({ type: 'REPLY', id: b.id, title: b.title })) },
          },
        };
      if (i.kind === 'list')
        return {
          path: 'interactive/list',
          content: {
            body: { text: i.text },
            action: {
              title: 'Choose',
              sections: [{ rows: buttons.map((b) => ({ id: b.id, title: b.title })) }],
            },
          },
        };
      throw new ChannelError('UNSUPPORTED', `a ${i.kind} is what a customer sends, not something we can send`);
    }
    default:
      throw new ChannelError('UNSUPPORTED', `Infobip WhatsApp cannot send ${content.type} content`);
  }
}

/**
 * a template: `POST /whatsapp/1/message/template` with the body placeholders in order
 * (https://www.infobip.com/docs/api/channels/whatsapp/whatsapp-outbound-messages/send-whatsapp-template-message)
 */
async function sendWhatsAppTemplate(
  message: OutboundMessage,
  ctx: Ctx,
  content: ContentOf<'template'>,
): Promise<SendReceipt> {
  const t = content.template;
  const placeholders = Object.keys(t.variables)
    .sort((a, b) => Number(a) - Number(b) || a.localeCompare(b))
    .map((k) => t.variables[k] as string);
  const json = await infobipCall(ctx, '/whatsapp/1/message/template', {
    what: 'whatsapp template',
    json: {
      messages: [
        {
          from: bare(ctx.config.from),
          to: bare(message.to),
          messageId: message.id,
          content: { templateName: t.name, templateData: { body: { placeholders } }, language: t.language },
          callbackData: callbackData(message),
          notifyUrl: ctx.webhookUrl,
        },
      ],
    },
  });
  return fromBulk(json);
}

async function sendWhatsApp(message: OutboundMessage, ctx: Ctx): Promise<SendReceipt> {
  if (message.content.type === 'template') return sendWhatsAppTemplate(message, ctx, message.content);
  const part = whatsappPart(ctx, message.content);
  const json = await infobipCall(ctx, `/whatsapp/1/message/${part.path}`, {
    what: `whatsapp ${part.path}`,
    json: {
      from: bare(ctx.config.from),
      to: bare(message.to),
      messageId: message.id,
      content: part.content,
      callbackData: callbackData(message),
      notifyUrl: ctx.webhookUrl,
    },
  });
  const sent = infobipSentMessageSchema.safeParse(json);
  if (!sent.success)
    throw new ChannelError('UNAVAILABLE', 'Infobip accepted the message without returning its id', {
      retryable: false,
    });
  return accepted(sent.data.messageId, sent.data.status);
}

async function send(message: OutboundMessage, ctx: Ctx): Promise<SendReceipt> {
  if (ctx.config.channel === 'whatsapp') return sendWhatsApp(message, ctx);
  // templates are WhatsApp's: an SMS or Viber connection syncs none, so none reaches here through the template service
  if (message.content.type === 'template')
    throw new ChannelError('UNSUPPORTED', `Infobip ${ctx.config.channel} has no message templates`);
  if (ctx.config.channel === 'viber') return sendViber(message, ctx);
  return sendSms(message, ctx);
}

const TYPES = [
  'text',
  'image',
  'audio',
  'video',
  'document',
  'sticker',
  'location',
  'interactive',
  'template',
] as const;

/** the same handler for every type: the connection's channel picks the endpoint (limitsFor shapes what reaches it) */
export const infobipSend: SendMap<InfobipConfig> = Object.fromEntries(
  TYPES.map((t: ContentType) => [t, send]),
) as SendMap<InfobipConfig>;
