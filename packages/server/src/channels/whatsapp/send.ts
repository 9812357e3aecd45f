/**
 * @module channels/whatsapp/send — unified content → POST /{version}/{phone-number-id}/messages
 * (https://developers.facebook.com/docs/whatsapp/cloud-api/reference/messages): text, media (uploaded first, https://developers.facebook.com/docs/whatsapp/cloud-api/reference/media), reply buttons and lists, templates, location, contacts, reactions.
 * Errors are mapped in api.ts (https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes).
 */
import {
  ChannelError,
  isChannelError,
  type OutboundMessage,
  type SendContext,
  type SendReceipt,
} from '../../channel-kit/index.js';
import type { Content } from '../../model/index.js';
import { graphCall, uploadMedia } from './api.js';
import type { WhatsAppConfig } from './config.js';
import { sendResponseSchema } from './payloads.js';

type Ctx = SendContext<WhatsAppConfig>;
type TemplateContent = Extract<Content, { type: 'template' }>['template'];

/** the hub's sticky sender when it is one of ours, else the first number */
export function senderFor(message: Pick<OutboundMessage, 'from'>, config: WhatsAppConfig): string {
  return message.from && config.phoneNumberIds.includes(message.from)
    ? message.from
    : (config.phoneNumberIds[0] as string);
}

const isNumeric = (k: string) => /^\d+$/.test(k);

/** "1","2"… positional (in numeric order) or a name (`parameter_name`, named templates) → a text parameter */
function textParams(entries: Array<[string, string]>): Array<{ type: 'text'; text: string; parameter_name?: string }> {
  const sorted = [...entries].sort(([a], [b]) =>
    isNumeric(a) && isNumeric(b) ? Number(a) - Number(b) : isNumeric(a) ? -1 : isNumeric(b) ? 1 : a.localeCompare(b),
  );
  return sorted.map(([k, v]) =>
    isNumeric(k) ? { type: 'text' as const, text: v } : { type: 'text' as const, parameter_name: k, text: v },
  );
}

/**
 * Template components from `variables` (the names syncTemplates lists, see templateVariables in api.ts):
 * "1","2"… or named → body; "header.1"/"header.<name>" → text header; "header.image|video|document" → media
 * header (https link or media id); "header.location" → "lat,long"; "button.<i>.1" → URL button suffix;
 * "button.<i>.payload" → quick-reply payload; "button.<i>.code" → COPY_CODE coupon.
 */
export function templateComponents(variables: Record<string, string>): unknown[] {
  const body: Array<[string, string]> = [];
  const headerText: Array<[string, string]> = [];
  let headerOther: Record<string, unknown> | undefined;
  const buttons = new Map<number, { sub_type: string; parameters: unknown[] }>();
  for (const [key, value] of Object.entries(variables)) {
    const button = /^button\.(\d+)\.(.+)$/.exec(key);
    if (button) {
      const index = Number(button[1]);
      const part = button[2] as string;
      const param =
        part === 'payload'
          ? { sub_type: 'quick_reply', p: { type: 'payload', payload: value } }
          : part === 'code'
            ? { sub_type: 'copy_code', p: { type: 'coupon_code', coupon_code: value } }
            : { sub_type: 'url', p: { type: 'text', text: value } };
      buttons.set(index, {
        sub_type: param.sub_type,
        parameters: [...(buttons.get(index)?.parameters ?? []), param.p],
      });
      continue;
    }
    const header = /^header\.(.+)$/.exec(key);
    if (header) {
      const part = header[1] as string;
      if (part === 'image' || part === 'video' || part === 'document') {
        headerOther = { type: part, [part]: /^https?:\/\//i.test(value) ? { link: value } : { id: value } };
      } else if (part === 'location') {
        const [latitude, longitude, name, address] = value.split(',').map((s) => s.trim());
        headerOther = {
          type: 'location',
          location: {
            latitude: Number(latitude),
            longitude: Number(longitude),
            ...(name ? { name } : {}),
            ...(address ? { address } : {}),
          },
        };
      } else headerText.push([part, value]);
      continue;
    }
    body.push([key, value]);
  }
  const components: unknown[] = [];
  if (headerOther) components.push({ type: 'header', parameters: [headerOther] });
  else if (headerText.length > 0) components.push({ type: 'header', parameters: textParams(headerText) });
  if (body.length > 0) components.push({ type: 'body', parameters: textParams(body) });
  for (const [index, b] of [...buttons.entries()].sort(([a], [c]) => a - c))
    components.push({ type: 'button', sub_type: b.sub_type, index: String(index), parameters: b.parameters });
  return components;
}

function templateBody(t: TemplateContent): Record<string, unknown> {
  const components = templateComponents(t.variables);
  return { name: t.name, language: { code: t.language }, ...(components.length > 0 ? { components } : {}) };
}

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

/** the type-specific part of the message body */
async function payloadFor(content: Content, ctx: Ctx, phoneNumberId: string): Promise<Record<string, unknown>> {
  switch (content.type) {
    case 'text':
      return { type: 'text', text: { body: content.text, preview_url: /https?:\/\//i.test(content.text) } };
    case 'image':
    case 'audio':
    case 'video':
    case 'document':
    case 'sticker': {
      const { media } = content;
      const id = await mediaId(ctx, phoneNumberId, media.url);
      const caption =
        media.caption && (content.type === 'image' || content.type === 'video' || content.type === 'document')
          ? { caption: media.caption }
          : {};
      const filename = content.type === 'document' && media.fileName ? { filename: media.fileName } : {};
      return { type: content.type, [content.type]: { id, ...caption, ...filename } };
    }
    case 'location': {
      const l = content.location;
      return {
        type: 'location',
        location: {
          latitude: l.latitude,
          longitude: l.longitude,
          ...(l.name ? { name: l.name } : {}),
          ...(l.address ? { address: l.address } : {}),
        },
      };
    }
    case 'contact':
      return {
        type: 'contacts',
        contacts: content.contacts.map((c) => {
          const [first, ...rest] = c.name.trim().split(/\s+/);
          return {
            name: {
              formatted_name: c.name,
              first_name: first || c.name,
              ...(rest.length > 0 ? { last_name: rest.join(' ') } : {}),
            },
            ...(c.phones.length > 0 ? { phones: c.phones.map((phone) => ({ phone })) } : {}),
            ...(c.emails.length > 0 ? { emails: c.emails.map((email) => ({ email })) } : {}),
          };
        }),
      };
    case 'interactive': {
      const i = content.interactive;
      const buttons = i.buttons ?? [];
      if (!i.text) throw new ChannelError('REJECTED', 'WhatsApp interactive messages need a body text');
      if (buttons.length === 0)
        throw new ChannelError('REJECTED', 'WhatsApp interactive messages need at least one button or row');
      if (i.kind === 'buttons') {
        if (buttons.length > 3) throw new ChannelError('UNSUPPORTED', 'WhatsApp allows at most 3 reply buttons');
        return {
          type: 'interactive',
          interactive: {
            type: 'button',
            body: { text: i.text },
            action: { buttons: buttons.map((b) => ({ type: 'reply', reply: { id: b.id, title: b.title } })) },
          },
        };
      }
      if (i.kind === 'list') {
        if (buttons.length > 10) throw new ChannelError('UNSUPPORTED', 'WhatsApp lists allow at most 10 rows');
        return {
          type: 'interactive',
          interactive: {
            type: 'list',
            body: { text: i.text },
            action: { button: 'Choose', sections: [{ rows: buttons.map((b) => ({ id: b.id, title: b.title })) }] },
          },
        };
      }
      throw new ChannelError('UNSUPPORTED', `a ${i.kind} is what a customer sends, not something we can send`);
    }
    case 'reaction':
      return {
        type: 'reaction',
        reaction: { message_id: content.reaction.targetProviderMessageId, emoji: content.reaction.emoji },
      };
    case 'template':
      return { type: 'template', template: templateBody(content.template) };
    case 'cards':
      // not declared in the capabilities: the hub turns a gallery into text before a connector sees it
      throw new ChannelError('UNSUPPORTED', 'WhatsApp cannot send a gallery of cards');
  }
}

export async function sendWhatsApp(message: OutboundMessage, ctx: Ctx): Promise<SendReceipt> {
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
    ...(await payloadFor(message.content, ctx, phoneNumberId)),
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
}
