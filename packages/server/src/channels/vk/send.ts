/**
 * @module channels/vk/send — unified content → messages.send (https://dev.vk.com/en/method/messages.send): text,
 * keyboards from buttons, carousels from cards, photos and documents uploaded through the upload servers
 * (https://dev.vk.com/en/api/upload/photo-in-message, https://dev.vk.com/en/api/upload/document-in-message).
 */
import { createHash } from 'node:crypto';
import {
  ChannelError,
  isChannelError,
  type BaseContext,
  type FetchedMedia,
  type ProviderProfile,
  type OutboundMessage,
  type SendContext,
  type SendMap,
  type SendReceipt,
} from '../../channel-kit/index.js';
import type { Content, InboundMessageEvent } from '../../model/index.js';
import { callVk, fetchVkMedia, uploadTo, vkError } from './api.js';
import type { VkConfig } from './config.js';
import { vkMessageKey } from './parse.js';

/**
 * random_id "to avoid resending the message": the same id twice is sent once (https://dev.vk.com/en/method/messages.send),
 * so it is derived from our message id and a retried send is never doubled. A positive int32.
 */
export function randomIdOf(messageId: string): number {
  return createHash('sha256').update(messageId).digest().readUInt32BE(0) & 0x7fffffff;
}

const peerOf = (message: OutboundMessage): string => message.threadKey ?? message.to;

async function sendVk(
  message: OutboundMessage,
  ctx: SendContext<VkConfig>,
  params: Record<string, string | number>,
  // a part of a text VK found too long (914): its own random_id, as stable across retries as the message's
  part = '',
): Promise<SendReceipt> {
  const peer = peerOf(message);
  if (!/^-?\d+$/.test(peer)) throw new ChannelError('INVALID_RECIPIENT', 'a VK peer id is a number');
  const answer = await callVk(ctx, 'messages.send', {
    group_id: ctx.config.groupId,
    peer_ids: peer,
    random_id: randomIdOf(part ? `${message.id}#${part}` : message.id),
    ...params,
  });
  // with peer_ids VK answers [{peer_id, message_id, conversation_message_id, error?}]
  const first = Array.isArray(answer) ? (answer[0] as Record<string, unknown> | undefined) : undefined;
  const error = first?.error as { code?: number; description?: string } | undefined;
  if (error && typeof error.code === 'number') {
    throw vkError(error.code, error.description ?? '');
  }
  const cmid = first?.conversation_message_id;
  if (typeof cmid !== 'number')
    throw new ChannelError('UNAVAILABLE', 'VK sent an unreadable answer to messages.send', { retryable: false });
  return { providerMessageId: vkMessageKey(Number(peer), cmid) };
}

/** two halves of a text, cut at the space nearest the middle (or the middle itself when there is none) */
export function halves(text: string): [string, string] {
  const chars = [...text];
  const middle = Math.floor(chars.length / 2);
  let cut = middle;
  for (let d = 0; d < middle; d++) {
    if (/\s/.test(chars[middle - d] ?? '')) {
      cut = middle - d;
      break;
    }
    if (/\s/.test(chars[middle + d] ?? '')) {
      cut = middle + d;
      break;
    }
  }
  return [chars.slice(0, cut).join('').trimEnd(), chars.slice(cut).join('').trimStart()];
}

/**
 * a text VK refuses as too long (error 914, https://dev.vk.com/en/reference/errors) is cut in two and each half
 * sent, in order, each with its own stable random_id (so a retry after a lost answer doubles nothing); the receipt
 * names the last part
 */
async function sendText(
  message: OutboundMessage,
  ctx: SendContext<VkConfig>,
  text: string,
  part = '',
): Promise<SendReceipt> {
  try {
    return await sendVk(message, ctx, { message: text }, part);
  } catch (error) {
    if (!(error instanceof ChannelError && error.providerCode === '914') || [...text].length < 2 || part.length >= 12)
      throw error;
    ctx.log.info('VK found the text too long (914); sending it in two parts', { length: text.length });
    const [first, second] = halves(text);
    await sendText(message, ctx, first, `${part}1`);
    return sendText(message, ctx, second, `${part}2`);
  }
}

/** a button's payload names our button id; ≤ 255 bytes (https://dev.vk.com/en/api/bots/development/keyboard) */
function payloadOf(id: string): string {
  const payload = JSON.stringify({ id });
  if (Buffer.byteLength(payload) > 255)
    throw new ChannelError('REJECTED', 'a VK button payload holds at most 255 bytes');
  return payload;
}

/** inline callback buttons, one per row: a press comes back as message_event */
export function keyboardOf(buttons: Array<{ id: string; title: string; url?: string | undefined }>): string {
  return JSON.stringify({
    inline: true,
    buttons: buttons.map((b) => [
      b.url
        ? { action: { type: 'open_link', link: b.url, label: b.title.slice(0, 40) } }
        : { action: { type: 'callback', label: b.title.slice(0, 40), payload: payloadOf(b.id) } },
    ]),
  });
}

/**
 * a regular keyboard of text buttons, one per row, hidden after a press: the press is a message_new with the
 * label as text and our payload (https://dev.vk.com/en/api/bots/development/keyboard)
 */
export function replyKeyboardOf(buttons: Array<{ id: string; title: string }>): string {
  return JSON.stringify({
    one_time: true,
    buttons: buttons.map((b) => [
      { action: { type: 'text', label: b.title.slice(0, 40), payload: payloadOf(b.id) }, color: 'secondary' },
    ]),
  });
}

async function readFile(content: Extract<Content, { media: unknown }>, ctx: SendContext<VkConfig>) {
  try {
    return await ctx.media.read(content.media.url);
  } catch (error) {
    if (isChannelError(error)) throw error;
    throw new ChannelError('UNAVAILABLE', 'the stored attachment could not be read');
  }
}

/** photos.getMessagesUploadServer → upload → photos.saveMessagesPhoto → `photo<owner>_<id>` */
async function uploadPhoto(
  content: Extract<Content, { media: unknown }>,
  peer: string,
  ctx: SendContext<VkConfig>,
): Promise<string> {
  const file = await readFile(content, ctx);
  const server = (await callVk(ctx, 'photos.getMessagesUploadServer', { peer_id: peer })) as { upload_url?: string };
  if (!server.upload_url) throw new ChannelError('UNAVAILABLE', 'VK gave no upload server');
  const up = await uploadTo(ctx, server.upload_url, 'photo', {
    ...file,
    fileName: file.fileName ?? content.media.fileName ?? 'photo.jpg',
  });
  const saved = (await callVk(ctx, 'photos.saveMessagesPhoto', {
    photo: String(up.photo ?? ''),
    server: String(up.server ?? ''),
    hash: String(up.hash ?? ''),
  })) as Array<{ id: number; owner_id: number; access_key?: string }>;
  const p = saved[0];
  if (!p) throw new ChannelError('UNAVAILABLE', 'VK saved no photo');
  return `photo${p.owner_id}_${p.id}${p.access_key ? `_${p.access_key}` : ''}`;
}

/** docs.getMessagesUploadServer (type doc or audio_message) → upload → docs.save → `doc<owner>_<id>` */
async function uploadDoc(
  content: Extract<Content, { media: unknown }>,
  peer: string,
  ctx: SendContext<VkConfig>,
): Promise<string> {
  const file = await readFile(content, ctx);
  const voice = content.type === 'audio' && /ogg|opus/i.test(file.mimeType);
  const server = (await callVk(ctx, 'docs.getMessagesUploadServer', {
    peer_id: peer,
    type: voice ? 'audio_message' : 'doc',
  })) as { upload_url?: string };
  if (!server.upload_url) throw new ChannelError('UNAVAILABLE', 'VK gave no upload server');
  const up = await uploadTo(ctx, server.upload_url, 'file', {
    ...file,
    fileName: file.fileName ?? content.media.fileName ?? 'file',
  });
  const saved = (await callVk(ctx, 'docs.save', {
    file: String(up.file ?? ''),
    title: file.fileName ?? content.media.fileName ?? 'file',
  })) as {
    type?: string;
    doc?: { id: number; owner_id: number };
    audio_message?: { id: number; owner_id: number };
  };
  const d = saved.doc ?? saved.audio_message;
  if (!d) throw new ChannelError('UNAVAILABLE', 'VK saved no document');
  return `doc${d.owner_id}_${d.id}`;
}

/** what a VK community sends, one handler per content type */
export const vkSend: SendMap<VkConfig> = {
  text: (m, ctx) => sendText(m, ctx, m.content.text),
  interactive: (m, ctx) => {
    const { text, buttons = [], kind } = m.content.interactive;
    if (buttons.length === 0 || !text) throw new ChannelError('REJECTED', 'VK needs a text and buttons');
    // a list: the regular keyboard under the input field, its text buttons sending their label (and payload)
    return sendVk(m, ctx, {
      message: text,
      keyboard: kind === 'list' ? replyKeyboardOf(buttons) : keyboardOf(buttons),
    });
  },
  cards: (m, ctx) => {
    // a carousel template: up to 10 elements, each with up to 3 buttons (https://dev.vk.com/en/api/bots/development/messages#carousel)
    const template = JSON.stringify({
      type: 'carousel',
      elements: m.content.cards.map((c) => ({
        title: c.title.slice(0, 80),
        description: (c.subtitle ?? c.title).slice(0, 80),
        buttons: (c.buttons.length > 0 ? c.buttons : [{ id: c.title.slice(0, 100), title: c.title }]).map((b) =>
          b.url
            ? { action: { type: 'open_link', link: b.url, label: b.title.slice(0, 40) } }
            : { action: { type: 'callback', label: b.title.slice(0, 40), payload: payloadOf(b.id) } },
        ),
      })),
    });
    return sendVk(m, ctx, { message: m.content.text ?? m.content.cards[0]?.title ?? ' ', template });
  },
  image: async (m, ctx) => {
    const attachment = await uploadPhoto(m.content, peerOf(m), ctx);
    return sendVk(m, ctx, { attachment, ...(m.content.media.caption ? { message: m.content.media.caption } : {}) });
  },
  document: async (m, ctx) => {
    const attachment = await uploadDoc(m.content, peerOf(m), ctx);
    return sendVk(m, ctx, { attachment, ...(m.content.media.caption ? { message: m.content.media.caption } : {}) });
  },
  audio: async (m, ctx) => sendVk(m, ctx, { attachment: await uploadDoc(m.content, peerOf(m), ctx) }),
  location: (m, ctx) =>
    sendVk(m, ctx, {
      lat: m.content.location.latitude,
      long: m.content.location.longitude,
      message: m.content.location.name ?? ' ',
    }),
};

/**
 * messages.sendMessageEventAnswer: a callback button keeps spinning until the community answers the press
 * (https://dev.vk.com/en/method/messages.sendMessageEventAnswer); without event_data it just stops
 */
export async function answerVkButton(event: InboundMessageEvent, ctx: BaseContext<VkConfig>): Promise<void> {
  const eventId = event.metadata?.callbackEventId;
  const peerId = event.metadata?.peerId;
  // a text button's press is an ordinary message: nothing waits for an answer
  if (typeof eventId !== 'string' || typeof peerId !== 'number') return;
  await callVk(ctx, 'messages.sendMessageEventAnswer', {
    event_id: eventId,
    user_id: event.from.address,
    peer_id: peerId,
  });
}

/** users.get once for a new customer: their name and photo (https://dev.vk.com/en/method/users.get) */
export async function vkProfile(address: string, ctx: BaseContext<VkConfig>): Promise<ProviderProfile> {
  if (!/^\d+$/.test(address)) return {};
  const answer = await callVk(ctx, 'users.get', { user_ids: address, fields: 'photo_200,screen_name' });
  const user = Array.isArray(answer) ? (answer[0] as Record<string, unknown> | undefined) : undefined;
  if (!user) return {};
  const name = [user.first_name, user.last_name].filter((v) => typeof v === 'string' && v.length > 0).join(' ');
  const attributes: Record<string, string> = {};
  const photo = typeof user.photo_200 === 'string' ? user.photo_200 : undefined;
  if (photo) attributes.avatarUrl = photo;
  if (typeof user.screen_name === 'string') attributes.vkProfileUrl = `https://vk.com/${user.screen_name}`;
  // the picture's bytes come into our store like Messenger's: a CDN link can change or go away with the user's
  // privacy settings. A user without a photo gets VK's camera placeholder (https://vk.com/images/camera_200.png),
  // which is no picture of them (https://dev.vk.com/en/reference/objects/user#photo_200)
  let picture: FetchedMedia | undefined;
  if (photo && /^https?:\/\//i.test(photo) && !/\/images\/camera_\d+\./.test(photo)) {
    try {
      picture = await fetchVkMedia({ providerMediaId: photo, mimeType: 'image/jpeg' }, ctx);
    } catch (error) {
      ctx.log.warn('VK profile picture not downloaded', {
        reason: error instanceof Error ? error.message : String(error),
      });
    }
  }
  return { ...(name ? { name } : {}), attributes, ...(picture ? { picture } : {}) };
}

/** messages.setActivity: "typing…" for about 10 s (https://dev.vk.com/en/method/messages.setActivity) */
export async function sendVkTyping(to: string, ctx: BaseContext<VkConfig>): Promise<void> {
  await callVk(ctx, 'messages.setActivity', { group_id: ctx.config.groupId, peer_id: to, type: 'typing' });
}

/** messages.markAsRead of the customer's conversation (https://dev.vk.com/en/method/messages.markAsRead) */
export async function markVkRead(
  message: { providerMessageId: string; from: string },
  ctx: BaseContext<VkConfig>,
): Promise<void> {
  const peer = message.providerMessageId.split('_')[0] ?? message.from;
  await callVk(ctx, 'messages.markAsRead', {
    group_id: ctx.config.groupId,
    peer_id: peer,
    mark_conversation_as_read: 1,
  });
}
