/**
 * @module channels/intercom/send — unified content → `POST /conversations/{id}/reply` as our admin
 * (https://developers.intercom.com/docs/references/rest-api/api.intercom.io/conversations/replyconversation):
 * `{message_type: "comment", type: "admin", admin_id, body, attachment_urls}` into the Intercom conversation the
 * Switchboard conversation mirrors (its thread), or `message_type: "note"` for an operator's internal note. Files go
 * as our signed, expiring media links, which Intercom fetches itself (at most 10 per reply). Intercom answers 200 with
 * the whole conversation; the id of the part we just wrote is our provider message id, the one its
 * `conversation.admin.replied` webhook will name again. Errors are mapped in api.ts.
 */
import {
  ChannelError,
  type ContentOf,
  type SendContext,
  type SendHandler,
  type SendMap,
} from '../../channel-kit/index.js';
import type { Content, ContentType } from '../../model/index.js';
import { intercomCall } from './api.js';
import type { IntercomConfig } from './config.js';
import { intercomConversationSchema, intercomPartSchema } from './payloads.js';

type Ctx = SendContext<IntercomConfig>;
type Reply = { body?: string; attachment_urls?: string[] };
type Payload<T extends ContentType> = (content: ContentOf<T>, ctx: Ctx) => Reply;

const escapeHtml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** plain text → the HTML Intercom shows: one paragraph per blank-line block, line breaks kept */
export function textToHtml(text: string): string {
  return text
    .split(/\n{2,}/)
    .map((block) => `<p>${escapeHtml(block).replace(/\n/g, '<br>')}</p>`)
    .join('');
}

type MediaContent = Extract<Content, { media: unknown }>;

const media: Payload<MediaContent['type']> = (content, ctx) => {
  const m = content.media;
  const link = ctx.media.shareLink ? ctx.media.shareLink(m.url) : m.url;
  if (!/^https?:\/\//i.test(link))
    throw new ChannelError('REJECTED', 'the attachment has no link Intercom could fetch', { retryable: false });
  return { ...(m.caption ? { body: textToHtml(m.caption) } : {}), attachment_urls: [link] };
};

function via<T extends ContentType>(payload: Payload<T>): SendHandler<IntercomConfig, T> {
  return async (message, ctx) => {
    const conversationId = message.threadKey;
    if (!conversationId)
      throw new ChannelError(
        'INVALID_RECIPIENT',
        'an Intercom reply goes into an Intercom conversation; this conversation does not mirror one',
      );
    const messageType = message.internalNote ? 'note' : 'comment';
    const request = {
      message_type: messageType,
      type: 'admin',
      admin_id: ctx.config.adminId,
      ...payload(message.content, ctx),
    };
    const answer = intercomConversationSchema.safeParse(
      await intercomCall(ctx, `/conversations/${encodeURIComponent(conversationId)}/reply`, {
        json: request,
        what: 'reply',
      }),
    );
    // the part we just wrote: the newest of its type by our admin (Intercom lists parts oldest first)
    const parts = answer.success ? (answer.data.conversation_parts?.conversation_parts ?? []) : [];
    const ours = [...parts]
      .reverse()
      .map((p) => intercomPartSchema.safeParse(p))
      .find((p) => p.success && p.data.part_type === messageType && p.data.author?.id === ctx.config.adminId);
    // accepted but no part id: retrying could write to the customer twice, so this fails for good
    if (!ours?.success)
      throw new ChannelError('UNAVAILABLE', 'Intercom accepted the reply without the part it wrote', {
        retryable: false,
      });
    return { providerMessageId: ours.data.id };
  };
}

/** what an admin reply carries: text (HTML) and files by URL; buttons, places and cards arrive degraded to text */
export const intercomSend: SendMap<IntercomConfig> = {
  text: via((content) => ({ body: textToHtml(content.text) })),
  image: via(media),
  audio: via(media),
  video: via(media),
  document: via(media),
  sticker: via(media),
};
