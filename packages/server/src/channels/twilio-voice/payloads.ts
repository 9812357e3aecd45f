/** @module channels/twilio-voice/payloads — Twilio REST answers the connector reads (https://www.twilio.com/docs/voice/api/call-resource, https://www.twilio.com/docs/phone-numbers/api/incomingphonenumber-resource). */
import { z } from 'zod';

export const callResourceSchema = z.object({
  sid: z.string().regex(/^CA[0-9a-fA-F]{32}$/),
  status: z.string().optional(),
  from: z.string().optional(),
  to: z.string().optional(),
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
