/**
 * @module channels/rcs/send — unified content → agentMessages.create with messageId = our message id (the
 * platform ignores a repeated id, so a retried send is never doubled;
 * https://developers.google.com/business-communications/rcs-business-messaging/reference/rest/v1/phones.agentMessages/create):
 * text with suggested replies and actions, rich cards and carousels, files by URL; a capability check first
 * (phones.getCapabilities, cached), typing and read events.
 */
import { randomUUID } from 'node:crypto';
import {
  ChannelError,
  type BaseContext,
  type OutboundMessage,
  type SendContext,
  type SendMap,
  type SendReceipt,
} from '../../channel-kit/index.js';
import type { Card } from '../../model/index.js';
import { callRbm, downloadRbm } from './api.js';
import { rbmBase, type RcsConfig } from './config.js';

const capable = new Map<string, number>();

/** phones.getCapabilities before the first message to a number; a 404 means the device is not RCS-capable */
export async function checkCapability(to: string, ctx: BaseContext<RcsConfig>, now = Date.now()): Promise<void> {
  const key = `${ctx.config.agentId} ${to}`;
  if ((capable.get(key) ?? 0) > now) return;
  try {
    await callRbm(
      ctx,
      'GET',
      `${rbmBase(ctx.config)}/v1/phones/${encodeURIComponent(to)}/capabilities?requestId=${randomUUID()}&agentId=${encodeURIComponent(ctx.config.agentId)}`,
      undefined,
      'capabilities',
    );
  } catch (error) {
    // 404: the device is not RCS-enabled — the hub's fallback connection (SMS) may carry the message
    if (error instanceof ChannelError && error.providerCode === '404')
      throw new ChannelError('INVALID_RECIPIENT', `${error.message} (capability check)`, {
        providerCode: 404,
        unreachable: true,
      });
    throw error;
  }
  capable.set(key, now + ctx.config.capabilityTtlSeconds * 1000);
}

type Suggestion = Record<string, unknown>;
const MAX_SUGGESTIONS = 11;

/** a button → a suggested reply, or an open-URL action (https://developers.google.com/business-communications/rcs-business-messaging/guides/build/suggested-replies) */
function suggestion(b: { id: string; title: string; url?: string | undefined }): Suggestion {
  const text = b.title.slice(0, 25);
  const postbackData = b.id.slice(0, 2048);
  if (b.url) return { action: { text, postbackData, openUrlAction: { url: b.url } } };
  if (/^tel:\+?\d+$/.test(b.id)) return { action: { text, postbackData, dialAction: { phoneNumber: b.id.slice(4) } } };
  if (b.id === 'share_location') return { action: { text, postbackData, shareLocationAction: {} } };
  // `calendar:<start>/<end>` (RFC 3339 times) offers to add an event titled like the button
  const calendar = /^calendar:([^/\s]+)\/([^/\s]+)$/.exec(b.id);
  if (
    calendar &&
    Number.isFinite(Date.parse(calendar[1] as string)) &&
    Number.isFinite(Date.parse(calendar[2] as string))
  )
    return {
      action: {
        text,
        postbackData,
        createCalendarEventAction: {
          startTime: new Date(calendar[1] as string).toISOString(),
          endTime: new Date(calendar[2] as string).toISOString(),
          title: b.title.slice(0, 100),
          description: b.title.slice(0, 500),
        },
      },
    };
  return { reply: { text, postbackData } };
}

/**
 * RBM fetches the file itself (contentInfo.fileUrl): our signed, expiring link to it, absolute
 * (https://developers.google.com/business-communications/rcs-business-messaging/guides/build/send#media)
 */
const absolute = (url: string, ctx: SendContext<RcsConfig>): string =>
  new URL(ctx.media.shareLink ? ctx.media.shareLink(url) : url, ctx.webhookUrl).toString();

function cardContent(c: Card): Record<string, unknown> {
  return {
    title: c.title.slice(0, 200),
    ...(c.subtitle ? { description: c.subtitle.slice(0, 2000) } : {}),
    ...(c.imageUrl ? { media: { height: 'MEDIUM', contentInfo: { fileUrl: c.imageUrl } } } : {}),
    ...(c.buttons.length > 0 ? { suggestions: c.buttons.slice(0, 4).map(suggestion) } : {}),
  };
}

async function create(
  message: OutboundMessage,
  ctx: SendContext<RcsConfig>,
  contentMessage: Record<string, unknown>,
): Promise<SendReceipt> {
  if (!/^\+[1-9]\d{6,14}$/.test(message.to)) throw new ChannelError('INVALID_RECIPIENT', 'RBM needs an E.164 number');
  await checkCapability(message.to, ctx);
  const url = `${rbmBase(ctx.config)}/v1/phones/${encodeURIComponent(message.to)}/agentMessages?messageId=${encodeURIComponent(message.id)}&agentId=${encodeURIComponent(ctx.config.agentId)}`;
  try {
    await callRbm(ctx, 'POST', url, { contentMessage }, 'agentMessages.create');
  } catch (error) {
    // a repeat of a messageId already used is the same message: already sent
    if (!(error instanceof ChannelError && error.providerCode === '409')) throw error;
  }
  return { providerMessageId: message.id };
}

export const rcsSend: SendMap<RcsConfig> = {
  text: (m, ctx) => create(m, ctx, { text: m.content.text }),
  interactive: (m, ctx) => {
    const { text, buttons = [] } = m.content.interactive;
    if (!text || buttons.length === 0) throw new ChannelError('REJECTED', 'RBM suggestions need a text and buttons');
    return create(m, ctx, { text, suggestions: buttons.slice(0, MAX_SUGGESTIONS).map(suggestion) });
  },
  cards: (m, ctx) => {
    const cards = m.content.cards;
    const richCard =
      cards.length === 1
        ? { standaloneCard: { cardOrientation: 'VERTICAL', cardContent: cardContent(cards[0] as Card) } }
        : { carouselCard: { cardWidth: 'MEDIUM', cardContents: cards.map(cardContent) } };
    return create(m, ctx, { richCard });
  },
  image: (m, ctx) => create(m, ctx, { contentInfo: { fileUrl: absolute(m.content.media.url, ctx) } }),
  video: (m, ctx) => create(m, ctx, { contentInfo: { fileUrl: absolute(m.content.media.url, ctx) } }),
  document: (m, ctx) => create(m, ctx, { contentInfo: { fileUrl: absolute(m.content.media.url, ctx) } }),
};

/** agentEvents IS_TYPING (https://developers.google.com/business-communications/rcs-business-messaging/reference/rest/v1/phones.agentEvents) */
export async function sendRcsTyping(to: string, ctx: BaseContext<RcsConfig>): Promise<void> {
  await callRbm(
    ctx,
    'POST',
    `${rbmBase(ctx.config)}/v1/phones/${encodeURIComponent(to)}/agentEvents?eventId=${randomUUID()}&agentId=${encodeURIComponent(ctx.config.agentId)}`,
    { eventType: 'IS_TYPING' },
    'agentEvents.create',
  );
}

/** agentEvents READ for the customer's message */
export async function markRcsRead(
  message: { providerMessageId: string; from: string },
  ctx: BaseContext<RcsConfig>,
): Promise<void> {
  await callRbm(
    ctx,
    'POST',
    `${rbmBase(ctx.config)}/v1/phones/${encodeURIComponent(message.from)}/agentEvents?eventId=${randomUUID()}&agentId=${encodeURIComponent(ctx.config.agentId)}`,
    { eventType: 'READ', messageId: message.providerMessageId },
    'agentEvents.create',
  );
}

/** a user file from its fileUri */
export async function fetchRcsMedia(
  media: { providerMediaId: string; mimeType?: string },
  ctx: BaseContext<RcsConfig>,
) {
  const { bytes, contentType } = await downloadRbm(ctx, media.providerMediaId);
  return { bytes, mimeType: media.mimeType ?? contentType ?? 'application/octet-stream' };
}

/**
 * agentMessages.delete: revokes a message not yet delivered; once delivered the platform answers 404
 * (https://developers.google.com/business-communications/rcs-business-messaging/reference/rest/v1/phones.agentMessages/delete)
 */
export async function revokeRcs(
  message: { to: string; providerMessageId: string },
  ctx: BaseContext<RcsConfig>,
): Promise<void> {
  try {
    await callRbm(
      ctx,
      'DELETE',
      `${rbmBase(ctx.config)}/v1/phones/${encodeURIComponent(message.to)}/agentMessages/${encodeURIComponent(message.providerMessageId)}?agentId=${encodeURIComponent(ctx.config.agentId)}`,
      undefined,
      'agentMessages.delete',
    );
  } catch (error) {
    if (error instanceof ChannelError && error.providerCode === '404')
      throw new ChannelError('REJECTED', 'RBM could not revoke the message: it was delivered already (or is unknown)', {
        providerCode: 404,
      });
    throw error;
  }
}
