/**
 * @module channels/twilio-voice/config — a Twilio Programmable Voice connection's settings: the account
 * (https://www.twilio.com/docs/voice/api/call-resource), the numbers that take calls, and what the caller hears
 * around the agent's turns (https://www.twilio.com/docs/voice/twiml/say, /gather, /dial, /record).
 */
import { z } from 'zod';
import { defaultRegionField, secret } from '../../channel-kit/index.js';
import { OPERATOR_ADDRESS } from '../../model/index.js';

const E164 = /^\+[1-9]\d{6,14}$/;
const e164 = () => z.string().regex(E164, 'an E.164 number such as +15017122661');
const operatorAddress = () =>
  z
    .string()
    .regex(OPERATOR_ADDRESS, 'an E.164 number such as +15017122661 or a SIP URI such as sip:desk@pbx.example.com');

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
  operators: z
    .array(operatorAddress())
    .max(10)
    .default([])
    .describe(
      'Further operators rung in turn after the operator number (phone numbers or SIP URIs); a handoff by an agent rings the phones of the team members first',
    ),
  ringSeconds: z
    .number()
    .int()
    .min(5)
    .max(60)
    .default(20)
    .describe('How long each operator rings before the next one is tried'),
  voicemail: z
    .boolean()
    .default(true)
    .describe('When the operator does not answer, the caller may leave a voicemail (recorded into the conversation)'),
  transcribeVoicemail: z
    .boolean()
    .default(true)
    .describe('A voicemail is transcribed by Twilio; the transcript is a message of the conversation, searchable'),
  recordCalls: z
    .boolean()
    .default(true)
    .describe(
      'Record calls (both parties, and the operator after a transfer) and attach the recordings to the conversation',
    ),
  closedMessage: z
    .string()
    .min(1)
    .max(1000)
    .default('Sorry, we cannot take your call right now. Please call again later.')
    .describe('What callers hear while the connection is stopped (its agent is stopped), before the call ends'),
  defaultRegion: defaultRegionField(),
});
export type TwilioVoiceConfig = z.infer<typeof twilioVoiceConfigSchema>;
