/**
 * @module channel-kit/meta-messaging — the Messenger Platform, shared by the `messenger` (object `page`) and
 * `instagram` (object `instagram`) channels: the webhook envelope → normalized events
 * (https://developers.facebook.com/docs/messenger-platform/webhooks, https://developers.facebook.com/docs/instagram-platform/webhooks),
 * the Graph client with the Send API's error codes (https://developers.facebook.com/docs/messenger-platform/error-codes),
 * and the Send API bodies (https://developers.facebook.com/docs/messenger-platform/reference/send-api). Pure where it
 * parses; I/O only through the context's http client.
 */
import type { Content, InboundEvent, InboundMessageEvent } from '../model/index.js';
import { InboundEventSchema } from '../model/index.js';
import type {
  BaseContext,
  FetchedMedia,
  HealthAsk,
  OutboundMessage,
  ProviderHealthCheck,
  ProviderProfile,
  SendContext,
  SendReceipt,
  WebhookOutcome,
} from './connector.js';
import { expiryCheck } from './credential-expiry.js';
import { ChannelError, channelErrorFromHttpStatus, isChannelError, type ChannelErrorCode } from './errors.js';
import { providerClient, type ProviderClient } from './provider-http.js';

/** our sends carry this prefix in `message.metadata`; their echoes are recognised by it and never stored twice */
export const OUR_ECHO_PREFIX = 'switchboard:';

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : undefined;
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
/** a number or numeric string as text; anything else (an object whose `toString` key is not a function) → '' */
const scalar = (v: unknown): string => (typeof v === 'number' || typeof v === 'string' ? String(v) : '');
const num = (v: unknown): number => (typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : NaN);

/** Messenger timestamps are milliseconds (https://developers.facebook.com/docs/messenger-platform/webhooks#event-notifications) */
function isoMs(value: unknown): string {
  const ms = num(value);
  return Number.isFinite(ms) && ms > 0 && ms <= 8.64e15 ? new Date(ms).toISOString() : new Date(0).toISOString();
}

const MEDIA_OF: Record<string, 'image' | 'video' | 'audio' | 'document'> = {
  image: 'image',
  video: 'video',
  audio: 'audio',
  file: 'document',
  // Instagram story mentions carry the story's media url (https://developers.facebook.com/docs/instagram-platform/instagram-api-with-instagram-login/messaging-api/story-mention)
  story_mention: 'image',
};

/**
 * one attachment → content. Media urls on lookaside.fbsbx.com expire (hours for Instagram stories), so the file is
 * fetched into our store right away: the url is the providerMediaId the media job downloads.
 */
function attachmentContent(a: Json, text: string | undefined): { content: Content; extra?: Json } | undefined {
  const type = str(a.type) ?? 'unknown';
  const payload = obj(a.payload) ?? {};
  const url = str(payload.url);
  const mediaType = MEDIA_OF[type];
  if (mediaType && url) {
    const isVideo = type === 'story_mention' && /\.mp4(\?|$)/i.test(url);
    const t = isVideo ? 'video' : mediaType;
    return {
      content: {
        type: t,
        media: {
          url: '',
          mimeType: {
            image: 'image/jpeg',
            video: 'video/mp4',
            audio: 'audio/mpeg',
            document: 'application/octet-stream',
          }[t],
          state: 'pending',
          providerMediaId: url,
          ...(text ? { caption: text } : {}),
        },
      },
      ...(type === 'story_mention' ? { extra: { storyMention: true } } : {}),
    };
  }
  if (type === 'location') {
    const c = obj(payload.coordinates);
    const lat = num(c?.lat);
    const long = num(c?.long);
    if (Number.isFinite(lat) && Number.isFinite(long) && Math.abs(lat) <= 90 && Math.abs(long) <= 180)
      return { content: { type: 'location', location: { latitude: lat, longitude: long } } };
  }
  // shares of posts and reels, templates, fallback links (https://developers.facebook.com/docs/messenger-platform/webhooks/webhook-events/messages)
  const title = str(a.title) ?? str(payload.title);
  const link = url ?? str(obj(a)?.url);
  if (type === 'share' || type === 'ig_reel' || type === 'reel' || type === 'fallback' || type === 'template') {
    const line = [text, title, link].filter(Boolean).join('\n');
    return {
      content: { type: 'text', text: line || `[${type}]` },
      extra: { attachmentType: type, ...(link ? { link } : {}) },
    };
  }
  // unsupported attachments are shown as such, not dropped (https://developers.facebook.com/docs/instagram-platform/webhooks)
  return { content: { type: 'text', text: text ?? `[unsupported attachment: ${type}]` }, extra: { unsupported: type } };
}

function referralAttributes(r: Json | undefined): Record<string, string> | undefined {
  if (!r) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries({
    source: r.source,
    type: r.type,
    ref: r.ref,
    ad_id: r.ad_id,
    url: r.referer_uri,
  }))
    if (typeof v === 'string' && v.length > 0) out[`referral_${k}`] = v;
  return Object.keys(out).length > 0 ? out : undefined;
}

/** one `messaging` (or `standby`) event → normalized events; echoes of our own sends and unknown kinds → none */
function eventsOf(e: Json, standby: boolean, pageId: string | undefined): InboundEvent[] {
  const sender = str(obj(e.sender)?.id);
  const recipient = str(obj(e.recipient)?.id);
  const timestamp = isoMs(e.timestamp);
  const out: InboundEvent[] = [];
  if (!sender) return out;
  const message = obj(e.message);
  const postback = obj(e.postback);
  const referral = referralAttributes(obj(e.referral) ?? obj(postback?.referral) ?? obj(message?.referral));
  const base = (mid: string, content: Content, metadata: Json): InboundMessageEvent => ({
    kind: 'message',
    providerMessageId: mid,
    from: { address: sender, ...(referral ? { attributes: referral } : {}) },
    ...(recipient ? { to: recipient } : {}),
    content,
    timestamp,
    ...(Object.keys(metadata).length > 0 || standby
      ? { metadata: { ...metadata, ...(standby ? { standby: true } : {}) } }
      : {}),
    ...(standby ? { passive: true } : {}),
  });
  if (message) {
    const mid = str(message.mid);
    if (!mid) return out;
    // the Page's own outbound (https://developers.facebook.com/docs/messenger-platform/webhooks/webhook-events/message-echoes):
    // ours carry our metadata and are already stored under the same mid
    if (message.is_echo === true) {
      if (str(message.metadata)?.startsWith(OUR_ECHO_PREFIX)) return out;
      const mapped = str(message.text)
        ? { content: { type: 'text' as const, text: str(message.text) as string } }
        : attachmentContent(obj(arr(message.attachments)[0]) ?? {}, undefined);
      // the Page wrote from another tool: the customer is the recipient
      if (mapped && recipient)
        out.push({
          kind: 'message',
          providerMessageId: mid,
          from: { address: recipient },
          to: sender,
          content: mapped.content,
          timestamp,
          echo: true,
        });
      return out;
    }
    // Instagram unsend (https://developers.facebook.com/docs/instagram-platform/webhooks): the stored message is marked
    if (message.is_deleted === true) {
      out.push({
        kind: 'message',
        providerMessageId: mid,
        from: { address: sender },
        content: { type: 'text', text: 'This message was deleted by the customer' },
        timestamp,
        deleted: true,
      });
      return out;
    }
    const text = str(message.text);
    const metadata: Json = {};
    const replyTo = str(obj(message.reply_to)?.mid);
    if (replyTo) metadata.replyToProviderMessageId = replyTo;
    // a story reply (https://developers.facebook.com/docs/instagram-platform/webhooks): the story's url expires within
    // hours, so the story comes along as the message's media (fetched into our store), the reply text its caption
    const story = obj(obj(message.reply_to)?.story);
    const storyUrl = str(story?.url);
    if (story) metadata.storyReply = { ...(str(story.id) ? { id: str(story.id) } : {}) };
    if (story && storyUrl && /^https?:\/\//i.test(storyUrl) && arr(message.attachments).length === 0) {
      const video = /\.mp4(\?|$)/i.test(storyUrl);
      out.push(
        base(
          mid,
          {
            type: video ? 'video' : 'image',
            media: {
              url: '',
              mimeType: video ? 'video/mp4' : 'image/jpeg',
              state: 'pending',
              providerMediaId: storyUrl,
              ...(text ? { caption: text } : {}),
            },
          },
          metadata,
        ),
      );
      return out;
    }
    const quick = str(obj(message.quick_reply)?.payload);
    if (quick) {
      out.push(
        base(
          mid,
          {
            type: 'interactive',
            interactive: {
              kind: 'button_reply',
              reply: { id: quick.slice(0, 256), title: (text ?? quick).slice(0, 256) },
            },
          },
          metadata,
        ),
      );
      return out;
    }
    const attachments = arr(message.attachments)
      .map(obj)
      .filter((a): a is Json => a !== undefined);
    if (attachments.length === 0) {
      if (text) out.push(base(mid, { type: 'text', text }, metadata));
      else if (message.is_unsupported === true)
        out.push(base(mid, { type: 'text', text: '[unsupported message]' }, { ...metadata, unsupported: true }));
      return out;
    }
    attachments.forEach((a, i) => {
      const mapped = attachmentContent(a, i === 0 ? text : undefined);
      if (!mapped) return;
      // several attachments in one message: one stored message each, the first keeps the mid
      out.push(base(i === 0 ? mid : `${mid}#${i}`, mapped.content, { ...metadata, ...mapped.extra }));
    });
    return out;
  }
  if (postback) {
    const payload = str(postback.payload);
    const title = str(postback.title) ?? payload;
    if (!payload || !title) return out;
    const mid = str(postback.mid) ?? `postback:${sender}:${scalar(e.timestamp)}`;
    out.push(
      base(
        mid,
        {
          type: 'interactive',
          interactive: { kind: 'button_reply', reply: { id: payload.slice(0, 256), title: title.slice(0, 256) } },
        },
        { postback: true },
      ),
    );
    return out;
  }
  const reaction = obj(e.reaction);
  if (reaction) {
    const target = str(reaction.mid);
    if (!target) return out;
    const emoji = reaction.action === 'unreact' ? '' : (str(reaction.emoji) ?? str(reaction.reaction) ?? '');
    out.push(
      base(
        `reaction:${target}:${sender}:${scalar(e.timestamp)}`,
        { type: 'reaction', reaction: { emoji, targetProviderMessageId: target } },
        {},
      ),
    );
    return out;
  }
  const delivery = obj(e.delivery);
  if (delivery) {
    // delivery: each listed mid is delivered (https://developers.facebook.com/docs/messenger-platform/webhooks/webhook-events/message-deliveries)
    for (const mid of arr(delivery.mids))
      if (str(mid))
        out.push({
          kind: 'status',
          providerMessageId: mid as string,
          status: 'delivered',
          timestamp: isoMs(delivery.watermark ?? e.timestamp),
        });
    // the watermark: everything sent before it is delivered, listed or not
    if (delivery.watermark !== undefined)
      out.push({
        kind: 'status',
        providerMessageId: `watermark:delivered:${sender}:${scalar(delivery.watermark)}`,
        status: 'delivered',
        timestamp: isoMs(delivery.watermark),
        watermarkFor: sender,
      });
    return out;
  }
  const read = obj(e.read);
  if (read) {
    // Instagram messaging_seen names the message read (https://developers.facebook.com/docs/instagram-platform/webhooks)
    const mid = str(read.mid);
    if (mid) out.push({ kind: 'status', providerMessageId: mid, status: 'read', timestamp });
    // Messenger reads: everything sent before the watermark is read (https://developers.facebook.com/docs/messenger-platform/webhooks/webhook-events/message-reads)
    else if (read.watermark !== undefined)
      out.push({
        kind: 'status',
        providerMessageId: `watermark:read:${sender}:${scalar(read.watermark)}`,
        status: 'read',
        timestamp: isoMs(read.watermark),
        watermarkFor: sender,
      });
    return out;
  }
  // a standalone referral: the customer opened the thread from an m.me link or an ad, before or without writing
  // (https://developers.facebook.com/docs/messenger-platform/reference/webhook-events/messaging_referrals)
  if (referral) out.push({ kind: 'contact', from: { address: sender, attributes: referral }, timestamp });
  void pageId;
  return out;
}

/** the verified body of a Messenger Platform webhook → events, every entry and every messaging/standby event */
export function parseMessengerPlatform(raw: Buffer, object: 'page' | 'instagram'): WebhookOutcome {
  let json: unknown;
  try {
    json = JSON.parse(raw.toString('utf8'));
  } catch {
    return { kind: 'ignored', reason: 'body is not JSON' };
  }
  const body = obj(json);
  if (!body || body.object !== object) return { kind: 'ignored', reason: `not an object "${object}" webhook` };
  const events: InboundEvent[] = [];
  for (const rawEntry of arr(body.entry)) {
    const entry = obj(rawEntry);
    if (!entry) continue;
    const pageId = str(entry.id);
    for (const [list, standby] of [
      [entry.messaging, false],
      [entry.standby, true],
    ] as const) {
      for (const rawEvent of arr(list)) {
        const e = obj(rawEvent);
        if (!e) continue;
        for (const ev of eventsOf(e, standby, pageId)) if (InboundEventSchema.safeParse(ev).success) events.push(ev);
      }
    }
  }
  return events.length > 0 ? { kind: 'events', events } : { kind: 'ignored', reason: 'no message or receipt we model' };
}

// ---------------------------------------------------------------- Graph client and Send API

export interface MetaGraphTarget {
  provider: string;
  apiBaseUrl: string;
  apiVersion: string;
  /** the Page id (Messenger) or Instagram account id whose /messages we call */
  accountId: string;
  accessToken: string;
  secrets: ReadonlyArray<string | undefined>;
}

/**
 * Send API codes (https://developers.facebook.com/docs/messenger-platform/error-codes): 190 the token is invalid →
 * AUTH (the connection turns ERROR); 4/32/613 rate limits → retried with backoff; 10 + 2018278 outside the window;
 * 551 the person is not available; 100 invalid parameter → failed with Meta's message.
 */
export function metaMessagingError(status: number, body: unknown, retryAfterMs: number | undefined): ChannelError {
  const e = obj(obj(body)?.error);
  const code = typeof e?.code === 'number' ? e.code : undefined;
  const sub = typeof e?.error_subcode === 'number' ? e.error_subcode : undefined;
  const message = str(e?.message) ?? `Graph API answered HTTP ${status}`;
  const text = code !== undefined && !message.includes(`#${code}`) ? `(#${code}) ${message}` : message;
  let mapped: ChannelErrorCode | undefined;
  if (code === 190 || code === 102 || code === 0) mapped = 'AUTH';
  else if (code === 4 || code === 32 || code === 613 || code === 80006) mapped = 'RATE_LIMITED';
  else if (code === 10 && sub === 2018278) mapped = 'WINDOW_CLOSED';
  else if (code === 551) mapped = 'INVALID_RECIPIENT';
  else if (code === 100 || code === 368) mapped = 'REJECTED';
  else if (code === 10 || (code !== undefined && code >= 200 && code <= 299)) mapped = 'AUTH';
  else if (code === 1 || code === 2 || e?.is_transient === true) mapped = 'UNAVAILABLE';
  if (!mapped) return channelErrorFromHttpStatus(status, text, retryAfterMs);
  const detail = code === 551 ? `person unavailable: ${text}` : text;
  return new ChannelError(mapped, detail, {
    providerCode: code ?? status,
    ...(mapped === 'RATE_LIMITED' ? { retryAfterMs: retryAfterMs ?? (code === 613 ? 60_000 : 5_000) } : {}),
  });
}

export function metaGraphClient(target: MetaGraphTarget, ctx: BaseContext<unknown>): ProviderClient {
  return providerClient({
    provider: target.provider,
    http: ctx.http,
    signal: ctx.signal,
    secrets: target.secrets,
    mapError: (res) => {
      const error = metaMessagingError(res.status, res.json, res.retryAfterMs);
      ctx.log.warn(`${target.provider} call failed: ${error.code}`, {
        status: res.status,
        graphCode: error.providerCode,
      });
      return error;
    },
  });
}

export function metaGraphUrl(target: MetaGraphTarget, path: string): string {
  return `${target.apiBaseUrl.replace(/\/+$/, '')}/${target.apiVersion}/${path}`;
}

export async function metaGraphCall(
  target: MetaGraphTarget,
  ctx: BaseContext<unknown>,
  path: string,
  init: { method?: string; json?: unknown; form?: FormData } = {},
): Promise<Json> {
  const res = await metaGraphClient(target, ctx).call(metaGraphUrl(target, path), {
    headers: { authorization: `Bearer ${target.accessToken}` },
    ...(init.method ? { method: init.method } : {}),
    ...(init.json !== undefined ? { json: init.json } : init.form ? { form: init.form } : {}),
  });
  const json = obj(res.json);
  if (!json)
    throw new ChannelError('UNAVAILABLE', `${target.provider} answered HTTP ${res.status} without a JSON object`);
  return json;
}

/** start: the token must see the account (GET /{id}); then the app subscribes to its webhooks */
export async function metaCheckAndSubscribe(
  target: MetaGraphTarget,
  ctx: BaseContext<unknown>,
  fields: readonly string[],
): Promise<void> {
  const me = await metaGraphCall(target, ctx, `${encodeURIComponent(target.accountId)}?fields=id,name`);
  if (str(me.id) !== target.accountId)
    throw new ChannelError('INVALID_CONFIG', `${target.accountId} is not the account this token belongs to`);
  ctx.log.info(`${target.provider} account ${target.accountId} (${str(me.name) ?? '?'}) is reachable`);
  // https://developers.facebook.com/docs/graph-api/reference/page/subscribed_apps
  await metaGraphCall(target, ctx, `${encodeURIComponent(target.accountId)}/subscribed_apps`, {
    json: { subscribed_fields: fields.join(',') },
  });
}

export async function metaUnsubscribe(target: MetaGraphTarget, ctx: BaseContext<unknown>): Promise<void> {
  await metaGraphCall(target, ctx, `${encodeURIComponent(target.accountId)}/subscribed_apps`, { method: 'DELETE' });
}

/** downloads a webhook attachment url (providerMediaId) into our store; the url is Meta's CDN, no token needed */
export async function metaFetchAttachment(
  target: MetaGraphTarget,
  media: { providerMediaId: string; mimeType?: string },
  ctx: BaseContext<unknown>,
): Promise<FetchedMedia> {
  if (!/^https?:\/\//i.test(media.providerMediaId))
    throw new ChannelError('REJECTED', 'the attachment has no download url');
  const { bytes, headers } = await metaGraphClient(target, ctx).download(media.providerMediaId);
  const mimeType = headers.get('content-type')?.split(';')[0]?.trim() || media.mimeType || 'application/octet-stream';
  return { bytes, mimeType };
}

/**
 * The customer's profile: Messenger's first_name/last_name/profile_pic
 * (https://developers.facebook.com/docs/messenger-platform/identity/user-profile), Instagram's name/username/profile_pic
 * (https://developers.facebook.com/docs/instagram-platform/instagram-api-with-facebook-login/messaging-api/user-profile).
 * The picture url is a signed CDN link that expires, so its bytes come along; a picture that cannot be downloaded
 * leaves the profile without one.
 */
export async function metaProfile(
  target: MetaGraphTarget,
  ctx: BaseContext<unknown>,
  address: string,
  kind: 'page' | 'instagram',
): Promise<ProviderProfile> {
  const fields = kind === 'page' ? 'first_name,last_name,profile_pic' : 'name,username,profile_pic';
  const p = await metaGraphCall(target, ctx, `${encodeURIComponent(address)}?fields=${fields}`);
  const attributes: Record<string, string> = {};
  for (const key of ['first_name', 'last_name', 'username'] as const) {
    const v = str(p[key]);
    if (v) attributes[key] = v.slice(0, 200);
  }
  const name =
    str(p.name) ?? ([attributes.first_name, attributes.last_name].filter(Boolean).join(' ') || attributes.username);
  let picture: FetchedMedia | undefined;
  const pictureUrl = str(p.profile_pic);
  if (pictureUrl && /^https?:\/\//i.test(pictureUrl)) {
    try {
      picture = await metaFetchAttachment(target, { providerMediaId: pictureUrl, mimeType: 'image/jpeg' }, ctx);
    } catch (error) {
      ctx.log.warn(`${target.provider} profile picture not downloaded`, {
        reason: error instanceof Error ? error.message : String(error),
      });
    }
  }
  return {
    ...(name ? { name: name.slice(0, 200) } : {}),
    ...(Object.keys(attributes).length > 0 ? { attributes } : {}),
    ...(picture ? { picture } : {}),
  };
}

/** `typing_on` / `mark_seen` (https://developers.facebook.com/docs/messenger-platform/send-messages/sender-actions) */
export async function metaSenderAction(
  target: MetaGraphTarget,
  ctx: BaseContext<unknown>,
  to: string,
  action: 'typing_on' | 'mark_seen',
): Promise<void> {
  await metaGraphCall(target, ctx, `${encodeURIComponent(target.accountId)}/messages`, {
    json: { recipient: { id: to }, sender_action: action },
  });
}

/** uploads one of our stored files (https://developers.facebook.com/docs/messenger-platform/reference/attachment-upload-api) */
async function uploadAttachment(
  target: MetaGraphTarget,
  ctx: SendContext<unknown>,
  type: 'image' | 'audio' | 'video' | 'file',
  url: string,
): Promise<string> {
  let file;
  try {
    file = await ctx.media.read(url);
  } catch (error) {
    if (isChannelError(error)) throw error;
    throw new ChannelError(
      'REJECTED',
      `the attachment could not be read: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const form = new FormData();
  form.set('message', JSON.stringify({ attachment: { type, payload: { is_reusable: true } } }));
  form.set('filedata', new Blob([new Uint8Array(file.bytes)], { type: file.mimeType }), file.fileName ?? 'file');
  const res = await metaGraphCall(target, ctx, `${encodeURIComponent(target.accountId)}/message_attachments`, { form });
  const id = str(res.attachment_id);
  if (!id) throw new ChannelError('UNAVAILABLE', 'the attachment upload answered without an attachment_id');
  return id;
}

type MediaType = 'image' | 'audio' | 'video' | 'document';

/** our content → the Send API's `message` object */
async function messageBody(target: MetaGraphTarget, content: Content, ctx: SendContext<unknown>): Promise<Json> {
  switch (content.type) {
    case 'text':
      return { text: content.text };
    case 'image':
    case 'audio':
    case 'video':
    case 'document': {
      const type = content.type === 'document' ? 'file' : (content.type as Exclude<MediaType, 'document'>);
      const id = await uploadAttachment(target, ctx, type, content.media.url);
      return { attachment: { type, payload: { attachment_id: id } } };
    }
    case 'interactive': {
      const i = content.interactive;
      const buttons = i.buttons ?? [];
      if (!i.text || buttons.length === 0)
        throw new ChannelError('REJECTED', 'buttons need a text and at least one button');
      // up to 3 buttons: a button template (postbacks come back as button_reply); more: quick replies (≤ 13)
      // https://developers.facebook.com/docs/messenger-platform/send-messages/buttons, …/quick-replies
      if (i.kind === 'buttons' && buttons.length <= 3)
        return {
          attachment: {
            type: 'template',
            payload: {
              template_type: 'button',
              text: i.text.slice(0, 640),
              buttons: buttons.map((b) => ({ type: 'postback', title: b.title.slice(0, 20), payload: b.id })),
            },
          },
        };
      if (buttons.length > 13) throw new ChannelError('UNSUPPORTED', 'at most 13 quick replies');
      return {
        text: i.text,
        quick_replies: buttons.map((b) => ({ content_type: 'text', title: b.title.slice(0, 20), payload: b.id })),
      };
    }
    case 'cards':
      // the generic template, a carousel of up to 10 elements (https://developers.facebook.com/docs/messenger-platform/send-messages/template/generic)
      return {
        attachment: {
          type: 'template',
          payload: {
            template_type: 'generic',
            elements: content.cards.slice(0, 10).map((c) => ({
              title: c.title.slice(0, 80),
              ...(c.subtitle ? { subtitle: c.subtitle.slice(0, 80) } : {}),
              ...(c.imageUrl ? { image_url: c.imageUrl } : {}),
              ...(c.buttons.length > 0
                ? {
                    buttons: c.buttons
                      .slice(0, 3)
                      .map((b) =>
                        b.url
                          ? { type: 'web_url', url: b.url, title: b.title.slice(0, 20) }
                          : { type: 'postback', title: b.title.slice(0, 20), payload: b.id },
                      ),
                  }
                : {}),
            })),
          },
        },
      };
    default:
      throw new ChannelError('UNSUPPORTED', `cannot send ${content.type} content`);
  }
}

/**
 * POST /{account-id}/messages. `messaging_type` RESPONSE inside the 24-hour window; a human operator's reply the
 * hub lets through after it goes as MESSAGE_TAG + HUMAN_AGENT (https://developers.facebook.com/docs/messenger-platform/send-messages/message-tags).
 * `metadata` carries our message id, so the echo of this send is recognised as ours.
 */
export async function metaSend(
  target: MetaGraphTarget,
  message: OutboundMessage,
  ctx: SendContext<unknown>,
): Promise<SendReceipt> {
  const body = {
    recipient: { id: message.to },
    ...(message.humanAgentTag ? { messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' } : { messaging_type: 'RESPONSE' }),
    message: {
      ...(await messageBody(target, message.content, ctx)),
      metadata: `${OUR_ECHO_PREFIX}${message.id}`,
      ...(message.replyToProviderMessageId ? { reply_to: { mid: message.replyToProviderMessageId } } : {}),
    },
  };
  const res = await metaGraphCall(target, ctx, `${encodeURIComponent(target.accountId)}/messages`, { json: body });
  const id = str(res.message_id);
  // accepted but no id: retrying could message the customer twice, so this fails for good
  if (!id)
    throw new ChannelError('UNAVAILABLE', 'the Send API accepted the message without its id', { retryable: false });
  return { providerMessageId: id, from: target.accountId };
}

// ---------------------------------------------------------------- health: the token and the webhook subscription

/** what debug_token says of a token (https://developers.facebook.com/docs/graph-api/reference/debug_token) */
export interface MetaTokenInfo {
  appId: string | undefined;
  checks: ProviderHealthCheck[];
  valid: boolean;
}

const epoch = (v: unknown): Date | undefined => {
  const s = num(v);
  return Number.isFinite(s) && s > 0 ? new Date(s * 1000) : undefined;
};

/**
 * GET /debug_token?input_token=<the connection's token>, asked with that token itself: whether Meta still accepts
 * it, when it ends (`expires_at`, 0 = never) and when its data access ends (`data_access_expires_at`, 90 days after a
 * person with a role on the app last used it, https://developers.facebook.com/docs/facebook-login/guides/access-tokens/data-access-expiration).
 */
export async function metaTokenHealth(
  target: MetaGraphTarget,
  ctx: BaseContext<unknown>,
  ask: HealthAsk,
): Promise<MetaTokenInfo> {
  let answer: Json;
  try {
    answer = await metaGraphCall(target, ctx, `debug_token?input_token=${encodeURIComponent(target.accessToken)}`);
  } catch (error) {
    // debug_token wants "the app access token or a valid user access token from a developer of the app"
    // (https://developers.facebook.com/docs/graph-api/reference/debug_token#parameters): a token it will not take
    // for itself says nothing about the token — the subscription call after this one proves it works
    if (!isChannelError(error)) throw error;
    ctx.log.info(`${target.provider} debug_token not answered for this token; its end is not known`, {
      code: error.code,
    });
    return { appId: undefined, valid: true, checks: [] };
  }
  const data = obj(answer.data) ?? {};
  const appId = str(data.app_id) ?? (typeof data.app_id === 'number' ? String(data.app_id) : undefined);
  const fix = 'generate a new token (or Connect with Meta again) and update the connection';
  if (data.is_valid !== true) {
    const reason = str(obj(data.error)?.message) ?? 'the token is not valid';
    return {
      appId,
      valid: false,
      checks: [
        {
          name: 'token_expiry',
          state: 'failing',
          stage: 'invalid',
          detail: `Meta says the ${target.provider} access token is not valid: '${reason}' — ${fix}`,
        },
      ],
    };
  }
  return {
    appId,
    valid: true,
    checks: [
      expiryCheck({
        name: 'token_expiry',
        what: `The ${target.provider} access token`,
        expiresAt: epoch(data.expires_at),
        fix,
        ask,
      }),
      ...(epoch(data.data_access_expires_at)
        ? [
            expiryCheck({
              name: 'data_access',
              what: `Meta's data access for this token`,
              expiresAt: epoch(data.data_access_expires_at),
              fix: 'Connect with Meta again (or have an app admin generate a new token) to renew it',
              ask,
            }),
          ]
        : []),
    ],
  };
}

/**
 * the provider's health for a Page or an Instagram account: the token (metaTokenHealth), then GET
 * /{id}/subscribed_apps — is our app (the token's app) subscribed to the account's webhooks, with every field we
 * handle (https://developers.facebook.com/docs/graph-api/reference/page/subscribed_apps#Reading). Another tool that
 * unsubscribed the app, or subscribed it with fewer fields, silently stops those webhooks.
 */
export async function metaMessagingHealth(
  target: MetaGraphTarget,
  ctx: BaseContext<unknown>,
  ask: HealthAsk,
  fields: readonly string[],
): Promise<ProviderHealthCheck[]> {
  const token = await metaTokenHealth(target, ctx, ask);
  if (!token.valid) return token.checks;
  const answer = await metaGraphCall(target, ctx, `${encodeURIComponent(target.accountId)}/subscribed_apps`);
  const apps = arr(answer.data)
    .map(obj)
    .filter((a): a is Json => a !== undefined);
  // an Instagram-login token sees only its own app's subscription, without an id; without the token's app id
  // (debug_token not answered) ours is the app that has the most of our fields
  const coverage = (a: Json) => fields.filter((f) => arr(a.subscribed_fields).map(scalar).includes(f)).length;
  const ours =
    token.appId !== undefined
      ? (apps.find((a) => scalar(a.id) === token.appId) ??
        (apps.length === 1 && apps[0]?.id === undefined ? apps[0] : undefined))
      : [...apps].sort((a, b) => coverage(b) - coverage(a))[0];
  const restart = 'restart the connection to subscribe it again';
  if (!ours)
    return [
      ...token.checks,
      {
        name: 'webhook',
        state: 'warning',
        detail: `Meta has not subscribed this app${token.appId ? ` (${token.appId})` : ''} to ${target.provider} account ${target.accountId}'s webhooks: messages do not reach ${ctx.webhookUrl} — ${restart}`,
      },
    ];
  const subscribed = new Set(arr(ours.subscribed_fields).map(scalar));
  const missing = fields.filter((f) => !subscribed.has(f));
  return [
    ...token.checks,
    missing.length > 0
      ? {
          name: 'webhook',
          state: 'warning',
          detail: `Meta sends ${target.provider} account ${target.accountId}'s webhooks without ${missing.join(', ')} (another tool changed the subscription) — ${restart}`,
        }
      : {
          name: 'webhook',
          state: 'healthy',
          detail: `The app is subscribed to ${target.provider} account ${target.accountId}'s webhooks with every field the hub handles`,
        },
  ];
}

/**
 * "Send a test event" for a Page or an Instagram account: Meta's sample notification
 * (`POST /{app-id}/subscriptions_sample`, https://developers.facebook.com/docs/graph-api/reference/app/subscriptions_sample/,
 * the App Dashboard's "Test" button) of the `messages` field, for this account, delivered by Meta to the app's
 * webhook — our connection's URL. It wants the app access token `{app-id}|{app-secret}`
 * (https://developers.facebook.com/docs/facebook-login/guides/access-tokens#apptokens); the app id is the
 * token's (debug_token). `custom_fields` names the sample's sender and message, so the test reads as one in the inbox.
 */
export async function metaTestEvent(
  target: MetaGraphTarget,
  ctx: BaseContext<unknown>,
  object: 'page' | 'instagram' | 'whatsapp_business_account',
  appSecret: string,
  /**
   * the sample's own values in place of Meta's placeholders, given the message id to use: by default a Messenger /
   * Instagram `messaging` event; WhatsApp's `messages` change value has another shape (channels/whatsapp)
   */
  sample: (mid: string) => Record<string, unknown> = (mid) => ({
    sender: { id: 'switchboard-test-sender' },
    recipient: { id: target.accountId },
    message: { mid, text: 'Test event from Switchboard' },
  }),
): Promise<{ detail: string }> {
  const info = await metaGraphCall(target, ctx, `debug_token?input_token=${encodeURIComponent(target.accessToken)}`);
  const data = obj(info.data) ?? {};
  if (data.is_valid !== true)
    throw new ChannelError(
      'AUTH',
      `${target.provider} says the token is not valid: ${str(obj(data.error)?.message) ?? 'no reason given'}`,
    );
  const appId = str(data.app_id) ?? (typeof data.app_id === 'number' ? String(data.app_id) : undefined);
  if (!appId) throw new ChannelError('UNAVAILABLE', `${target.provider} did not name the token's app`);
  const mid = `m_switchboard_test_${Date.now().toString(36)}`;
  const form = new URLSearchParams({
    object,
    field: 'messages',
    object_id: target.accountId,
    custom_fields: JSON.stringify(sample(mid)),
    access_token: `${appId}|${appSecret}`,
  });
  const res = await metaGraphClient({ ...target, secrets: [...target.secrets, appSecret] }, ctx).call(
    metaGraphUrl(target, `${encodeURIComponent(appId)}/subscriptions_sample`),
    { form, what: 'subscriptions_sample' },
  );
  const ok = obj(res.json)?.success;
  if (ok !== true && ok !== 'true')
    throw new ChannelError('UNAVAILABLE', `${target.provider} did not confirm the sample notification`);
  return { detail: `${target.provider} is sending a sample message (${mid}) to ${ctx.webhookUrl}` };
}
