/** @module channels/vonage-sms/send — text out over the Messages API or the legacy SMS API. */
import type { SendHandler, SendMap } from '../../channel-kit/index.js';
import type { VonageConfig } from './config.js';
import { toVonageNumber } from './payloads.js';
import { sendLegacySms, sendMessagesApi } from './api.js';

/** GSM 03.38 basic set and extension table: anything else needs type=unicode on the legacy API (https://developer.vonage.com/en/messaging/sms/guides/concatenation-and-encoding) */
const GSM7 = /^[@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&'()*+,\-./0-9:;<=>?¡A-ZÄÖÑÜ§¿a-zäöñüà^{}\\[~\]|€\f]*$/;

const sendText: SendHandler<VonageConfig, 'text'> = async (message, ctx) => {
  const c = ctx.config;
  const to = toVonageNumber(message.to);
  const from = toVonageNumber(message.from ?? c.from);
  const text = message.content.text;
  if (c.api === 'sms') {
    const form = new URLSearchParams({
      from,
      to,
      text,
      type: GSM7.test(text) ? 'text' : 'unicode',
      'status-report-req': '1',
      callback: ctx.webhookUrl,
      'client-ref': message.id,
    });
    return { providerMessageId: await sendLegacySms(form, ctx), from: c.from };
  }
  const uuid = await sendMessagesApi(
    { message_type: 'text', channel: 'sms', to, from, text, client_ref: message.id },
    ctx,
  );
  return { providerMessageId: uuid, from: c.from };
};

export const vonageSend: SendMap<VonageConfig> = { text: sendText };
