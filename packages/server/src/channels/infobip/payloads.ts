/**
 * @module channels/infobip/payloads — the Infobip wire shapes we read. Every webhook is `{results: [...]}`, with
 * several entries per request: inbound SMS (renderer MO_JSON_2,
 * https://www.infobip.com/docs/api/channels/sms/inbound-sms/receive-inbound-sms-messages), WhatsApp and Viber
 * inbound messages (MO_OTT_CONTACT, https://www.infobip.com/docs/api/channels/whatsapp/whatsapp-inbound-messages/receive-whatsapp-inbound-messages),
 * delivery reports (up to 100 per request, https://www.infobip.com/docs/api/channels/sms/sms-messaging/logs-and-status-reports/receive-outbound-sms-message-report)
 * and seen reports. Send answers, and the two error envelopes: `requestError.serviceException` (the v1/v2 APIs)
 * and `{errorCode, description, violations}` (the newer APIs). Lenient: unknown keys pass.
 */
import { z } from 'zod';

const str = z.string();
const num = z.coerce.number();

/** `{groupId, groupName, id, name, description}` of a status or an error */
export const infobipStatusSchema = z.object({
  groupId: num.optional(),
  groupName: str.optional(),
  id: num.optional(),
  name: str.optional(),
  description: str.optional(),
  permanent: z.boolean().optional(),
});
export type InfobipStatus = z.infer<typeof infobipStatusSchema>;

/** one delivery report of `results[]` */
export const infobipReportSchema = z.object({
  bulkId: str.optional(),
  messageId: str.optional(),
  to: str.optional(),
  from: str.optional(),
  sentAt: str.optional(),
  doneAt: str.optional(),
  smsCount: num.optional(),
  callbackData: str.nullish(),
  status: infobipStatusSchema,
  error: infobipStatusSchema.optional(),
  channel: str.optional(),
});
export type InfobipReport = z.infer<typeof infobipReportSchema>;

/** one seen report: the customer opened the message (WhatsApp, Viber) */
export const infobipSeenSchema = z.object({
  messageId: str.min(1),
  from: str.optional(),
  to: str.optional(),
  sentAt: str.optional(),
  seenAt: str,
});

/** one inbound SMS (MO_JSON_2) */
export const infobipMoSmsSchema = z.object({
  messageId: str.min(1),
  from: str.min(1),
  to: str.optional(),
  text: str.optional(),
  cleanText: str.optional(),
  keyword: str.nullish(),
  receivedAt: str.optional(),
  smsCount: num.optional(),
  callbackData: str.nullish(),
});

/** the `message` of an OTT inbound: its `type` names the fields it has */
export const infobipOttMessageSchema = z.object({
  type: str,
  text: str.optional(),
  caption: str.optional(),
  url: str.optional(),
  /** BUTTON (a template quick reply) */
  payload: str.optional(),
  /** INTERACTIVE_BUTTON_REPLY / INTERACTIVE_LIST_REPLY */
  id: str.optional(),
  title: str.optional(),
  description: str.optional(),
  latitude: num.optional(),
  longitude: num.optional(),
  name: str.optional(),
  address: str.optional(),
  context: z.object({ id: str.optional(), from: str.optional() }).loose().optional(),
});
export type InfobipOttMessage = z.infer<typeof infobipOttMessageSchema>;

/** one inbound WhatsApp / Viber message (MO_OTT_CONTACT) */
export const infobipMoOttSchema = z.object({
  messageId: str.min(1),
  from: str.min(1),
  to: str.optional(),
  integrationType: str.optional(),
  receivedAt: str.optional(),
  pairedMessageId: str.nullish(),
  callbackData: str.nullish(),
  message: z.unknown(),
  contact: z.object({ name: str.optional() }).loose().optional(),
});

export const infobipResultsSchema = z.object({
  results: z.array(z.unknown()),
  messageCount: num.optional(),
  pendingMessageCount: num.optional(),
});

/** the answer of a send: one message (WhatsApp single sends) … */
export const infobipSentMessageSchema = z.object({
  to: str.optional(),
  messageId: str.min(1),
  messageCount: num.optional(),
  smsCount: num.optional(),
  status: infobipStatusSchema.optional(),
});
/** … or a bulk of them (SMS advanced, WhatsApp templates, Viber) */
export const infobipBulkSchema = z.object({
  bulkId: str.optional(),
  messages: z.array(infobipSentMessageSchema).min(1),
});

/** `{"requestError":{"serviceException":{"messageId":"UNAUTHORIZED","text":"…","validationErrors":{…}}}}` */
export const infobipRequestErrorSchema = z.object({
  requestError: z.object({
    serviceException: z
      .object({
        messageId: str.optional(),
        text: str.optional(),
        validationErrors: z.record(str, z.array(str)).optional(),
      })
      .loose(),
  }),
});

/** the newer APIs' error: `{"errorCode":"E400","description":"…","violations":[{"property","violation"}]}` */
export const infobipApiErrorSchema = z.object({
  errorCode: str,
  description: str.optional(),
  action: str.optional(),
  violations: z.array(z.object({ property: str.optional(), violation: str.optional() }).loose()).optional(),
});

export const infobipBalanceSchema = z.object({ balance: num, currency: str.optional() });

/** `GET /whatsapp/2/senders/{sender}/templates` (https://www.infobip.com/docs/api/channels/whatsapp/whatsapp-templates/get-whatsapp-templates) */
export const infobipTemplateListSchema = z.object({
  templates: z
    .array(
      z
        .object({
          id: z.union([str, num]).transform(String),
          name: str,
          language: str,
          status: str.default('UNKNOWN'),
          category: str.default('UTILITY'),
          structure: z
            .object({ body: z.object({ text: str }).loose().optional() })
            .loose()
            .default({}),
        })
        .loose(),
    )
    .default([]),
});
