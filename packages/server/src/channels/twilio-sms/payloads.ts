/** @module channels/twilio-sms/payloads — Twilio REST answers the connector reads (https://www.twilio.com/docs/messaging/api/message-resource, https://www.twilio.com/docs/usage/twilios-response). */
import { z } from 'zod';

/** the REST error body (twilio-node src/base/RestException.ts) */
export const twilioErrorSchema = z.object({
  code: z.number().optional(),
  message: z.string().optional(),
  more_info: z.string().optional(),
  status: z.number().optional(),
});
export type TwilioErrorBody = z.infer<typeof twilioErrorSchema>;

export const messageResourceSchema = z.object({
  sid: z.string().min(1),
  status: z.string().optional(),
  from: z.string().nullable().optional(),
});

export const accountSchema = z.object({
  sid: z.string(),
  status: z.string().optional(),
  friendly_name: z.string().optional(),
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
