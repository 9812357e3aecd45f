/** @module channels/twilio-sms/payloads — Twilio REST answers the connector reads (https://www.twilio.com/docs/messaging/api/message-resource, https://www.twilio.com/docs/usage/twilios-response). */
import { z } from 'zod';

export const messageResourceSchema = z.object({
  sid: z.string().min(1),
  status: z.string().optional(),
  from: z.string().nullable().optional(),
});

export const incomingNumbersSchema = z.object({
  incoming_phone_numbers: z.array(
    z.object({
      sid: z.string(),
      phone_number: z.string(),
      sms_url: z.string().nullable().optional(),
      sms_method: z.string().nullable().optional(),
    }),
  ),
});
