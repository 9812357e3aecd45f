/**
 * @module channels/twilio-sms/send — text and MMS → POST /2010-04-01/Accounts/{sid}/Messages.json
 * (https://www.twilio.com/docs/messaging/api/message-resource#create-a-message-resource): To, From (the customer's
 * sticky number) or MessagingServiceSid, Body, MediaUrl (our signed, expiring link Twilio fetches) and
 * StatusCallback (this connection's webhook URL).
 */
import {
  ChannelError,
  type OutboundMessage,
  type SendContext,
  type SendMap,
  type SendReceipt,
} from '../../channel-kit/index.js';
import type { Content } from '../../model/index.js';
import { accountUrl, basicAuth, twilioClient } from './api.js';
import type { TwilioSmsConfig } from './config.js';
import { messageResourceSchema } from './payloads.js';

type Ctx = SendContext<TwilioSmsConfig>;

/** the hub's sticky sender when it is one of ours, else the first number (none with a Messaging Service) */
export function senderFor(message: Pick<OutboundMessage, 'from'>, config: TwilioSmsConfig): string | undefined {
  if (message.from && config.from.includes(message.from)) return message.from;
  return config.messagingServiceSid ? undefined : config.from[0];
}

async function create(message: OutboundMessage, ctx: Ctx, body: string, mediaUrl?: string): Promise<SendReceipt> {
  const form = new URLSearchParams({ To: message.to });
  const from = senderFor(message, ctx.config);
  if (from) form.set('From', from);
  else if (ctx.config.messagingServiceSid) form.set('MessagingServiceSid', ctx.config.messagingServiceSid);
  if (body) form.set('Body', body);
  if (mediaUrl) form.set('MediaUrl', mediaUrl);
  form.set('StatusCallback', ctx.webhookUrl);
  const res = await twilioClient(ctx).call(accountUrl(ctx.config, '/Messages'), {
    headers: { authorization: basicAuth(ctx.config) },
    form,
    what: 'Messages create',
  });
  const parsed = messageResourceSchema.safeParse(res.json);
  if (!parsed.success) throw new ChannelError('UNAVAILABLE', 'Twilio answered a message create without a sid');
  const sentFrom = parsed.data.from ?? from;
  return { providerMessageId: parsed.data.sid, ...(sentFrom ? { from: sentFrom } : {}) };
}

const media = (message: OutboundMessage & { content: Extract<Content, { media: unknown }> }, ctx: Ctx) => {
  const url = message.content.media.url;
  // Twilio fetches the file itself: it gets a signed link that expires, never the file's permanent address
  const link = ctx.media.shareLink ? ctx.media.shareLink(url) : url;
  if (!/^https?:\/\//i.test(link)) throw new ChannelError('REJECTED', 'the file has no public URL Twilio could fetch');
  return create(message, ctx, message.content.media.caption ?? '', link);
};

export const twilioSend: SendMap<TwilioSmsConfig> = {
  text: (message, ctx) => create(message, ctx, message.content.text),
  image: media,
  video: media,
  audio: media,
  document: media,
};
