/**
 * @module channels/twilio-voice/config — a Twilio Programmable Voice connection's settings: the account
 * (https://www.twilio.com/docs/voice/api/call-resource), the numbers that take calls, and what the caller hears
 * around the agent's turns (https://www.twilio.com/docs/voice/twiml/say, /gather, /dial, /record).
 */
import { z } from 'zod';
import { defaultRegionField, secret } from '../../channel-kit/index.js';

const E164 = /^\+[1-9]\d{6,14}$/;
const e164 = () => z.string().regex(E164, 'an E.164 number such as +15017122661');

export const twilioVoiceConfigSchema = z.object({
  accountSid: z
    .string()
    .regex(/^AC[0-9a-fA-F]{32}$/, 'an Account SID: AC followed by 32 hex digits')
    .describe('Account SID (Console → Account info)'),
  authToken: secret(z.string().min(1), {
    description: 'Auth Token: the key of X-Twilio-Signature on every webhook and the REST API password',
  }),
  phoneNumbers: z
    .array(e164())
    .min(1)
    .describe('Twilio numbers of this connection: calls to them are answered here, outbound calls come from the first'),
  apiBaseUrl: z.url().default('https://api.twilio.com').describe('Twilio REST API base URL (a simulator in tests)'),
  greeting: z
    .string()
    .min(1)
    .max(1000)
    .default('Hello, thank you for calling. How can I help you?')
    .describe('Spoken when a call is answered, before the caller is listened to'),
  language: z
    .string()
    .regex(/^[a-z]{2,3}-[A-Z]{2}$/, 'a BCP-47 language such as en-US')
    .default('en-US')
    .describe('Language of speech recognition and of the spoken replies'),
  voice: z.string().max(100).optional().describe('Twilio <Say> voice (e.g. Polly.Joanna); Twilio’s default when empty'),
  operatorNumber: e164()
    .optional()
    .describe('Where a caller is transferred to a person (pressing 0): a phone number that rings an operator'),
  voicemail: z
    .boolean()
    .default(true)
    .describe('When the operator does not answer, the caller may leave a voicemail (recorded into the conversation)'),
  recordCalls: z
    .boolean()
    .default(true)
    .describe('Record outbound calls, both parties, and attach the recording to the conversation'),
  defaultRegion: defaultRegionField(),
});
export type TwilioVoiceConfig = z.infer<typeof twilioVoiceConfigSchema>;
