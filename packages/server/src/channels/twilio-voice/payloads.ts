/** @module channels/twilio-voice/payloads — Twilio REST answers the connector reads (https://www.twilio.com/docs/voice/api/call-resource, https://www.twilio.com/docs/phone-numbers/api/incomingphonenumber-resource). */
import { z } from 'zod';

export const callResourceSchema = z.object({
  sid: z.string().regex(/^CA[0-9a-fA-F]{32}$/),
  status: z.string().optional(),
  from: z.string().optional(),
  to: z.string().optional(),
  // a fetched call (https://www.twilio.com/docs/voice/api/call-resource#call-properties): seconds as a string,
  // times in RFC 2822 ("Tue, 31 Aug 2010 20:36:28 +0000"), null until they happen
  duration: z.string().nullish(),
  start_time: z.string().nullish(),
  end_time: z.string().nullish(),
  answered_by: z.string().nullish(),
});

export const voiceNumbersSchema = z.object({
  incoming_phone_numbers: z.array(
    z.object({
      sid: z.string(),
      phone_number: z.string(),
      voice_url: z.string().nullable().optional(),
      status_callback: z.string().nullable().optional(),
    }),
  ),
});
