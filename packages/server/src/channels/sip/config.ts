/**
 * @module channels/sip/config — a SIP trunk connection's settings: the trunk (RFC 3261 registrar/proxy, digest auth
 * per RFC 2617 §3.2.2 as RFC 3261 §22.4 uses it, or IP-authenticated), the numbers it delivers, where our media
 * listens, and what the caller hears around the agent's turns.
 */
import { z } from 'zod';
import { defaultRegionField, secret } from '../../channel-kit/index.js';
import { OPERATOR_ADDRESS } from '../../model/index.js';

const E164 = /^\+[1-9]\d{6,14}$/;
const e164 = () => z.string().regex(E164, 'an E.164 number such as +15017122661');
const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;
const port = () => z.number().int().min(1).max(65535);
const operatorAddress = () =>
  z
    .string()
    .regex(OPERATOR_ADDRESS, 'an E.164 number such as +15017122661 or a SIP URI such as sip:desk@pbx.example.com');

export const SIP_CODECS = ['PCMU', 'PCMA', 'telephone-event'] as const;

const textToSpeechSchema = z
  .discriminatedUnion('engine', [
    z.object({
      engine: z.literal('espeak-ng'),
      voice: z
        .string()
        .regex(/^[a-z]{2,3}(-[a-z0-9]{2,8})*(\+[a-z0-9]+)?$/i, 'an espeak-ng voice such as en-us')
        .default('en-us'),
      wordsPerMinute: z.number().int().min(80).max(400).default(160),
    }),
    z.object({
      engine: z.literal('openai'),
      baseUrl: z
        .url({ protocol: /^https?$/ })
        .describe('OpenAI-compatible API base; text is POSTed to {baseUrl}/audio/speech'),
      model: z.string().min(1).max(200).default('tts-1'),
      voice: z.string().min(1).max(100).default('alloy'),
    }),
  ])
  .default({ engine: 'espeak-ng', voice: 'en-us', wordsPerMinute: 160 })
  .describe('How replies are spoken: offline with espeak-ng, or an OpenAI-compatible /audio/speech endpoint');

export const sipConfigSchema = z.object({
  trunk: z
    .object({
      host: z.string().min(1).max(253).describe('The trunk’s SIP server (registrar and proxy): a host name or address'),
      port: port().default(5060),
      transport: z.enum(['udp', 'tcp']).default('udp'),
      username: z.string().min(1).max(200).optional().describe('Digest user name (registration and outbound calls)'),
      register: z
        .boolean()
        .default(false)
        .describe('Register with the trunk (digest auth); off for a trunk that knows us by our IP address'),
      realm: z
        .string()
        .min(1)
        .max(200)
        .optional()
        .describe('Digest realm; the one the trunk challenges with when empty'),
    })
    .describe('Your SIP trunk'),
  password: secret(z.string().min(1).max(500), {
    description: 'The trunk’s digest password (REGISTER and INVITE challenges)',
  }).optional(),
  didNumbers: z
    .array(e164())
    .min(1)
    .max(100)
    .describe('The numbers the trunk delivers to this connection (calls to others are refused with 404)'),
  listenAddress: z.string().regex(IPV4, 'an IPv4 address').default('0.0.0.0').describe('Where our SIP and RTP listen'),
  listenPort: port().default(5060).describe('Our SIP port'),
  publicAddress: z
    .string()
    .regex(IPV4, 'an IPv4 address')
    .optional()
    .describe('Our address as the trunk reaches it, written into SDP and Contact (behind NAT)'),
  rtpPortRange: z
    .object({ min: port(), max: port() })
    .refine((r) => r.min < r.max, 'min below max')
    .default({ min: 10000, max: 20000 })
    .describe('UDP ports for call audio (RTP)'),
  codecs: z
    .array(z.enum(SIP_CODECS))
    .min(1)
    .refine((c) => c.includes('PCMU') || c.includes('PCMA'), 'PCMU or PCMA')
    .default(['PCMU', 'PCMA', 'telephone-event'])
    .describe('Codecs offered and accepted, in order of preference; telephone-event carries keys (RFC 4733)'),
  maxCalls: z.number().int().min(1).max(500).default(20).describe('Calls at once; more are refused busy (486)'),
  ringMs: z
    .number()
    .int()
    .min(0)
    .max(30_000)
    .default(0)
    .describe('How long a call rings before it is answered (the caller hears ringback meanwhile)'),
  ringTimeoutSeconds: z
    .number()
    .int()
    .min(1)
    .max(300)
    .default(30)
    .describe('How long a call we place rings before it is given up as not answered'),
  sessionExpiresSeconds: z
    .number()
    .int()
    .min(90)
    .max(86_400)
    .default(1800)
    .describe(
      'Session interval we offer on calls we place (RFC 4028): the call is refreshed within it, or hung up when the other side stops refreshing',
    ),
  minSessionExpiresSeconds: z
    .number()
    .int()
    .min(90)
    .max(86_400)
    .default(90)
    .describe('The shortest session interval a caller may ask for (Min-SE, RFC 4028); shorter ones are refused 422'),
  greeting: z
    .string()
    .min(1)
    .max(1000)
    .default('Hello, thank you for calling. How can I help you?')
    .describe('Spoken when a call is answered, before the caller is listened to'),
  closedMessage: z
    .string()
    .min(1)
    .max(1000)
    .default('Sorry, we cannot take your call right now. Please call again later.')
    .describe('What callers hear while the connection is stopped (its agent is stopped), before the call ends'),
  textToSpeech: textToSpeechSchema,
  ttsApiKey: secret(z.string().min(1).max(2000), {
    description: 'Bearer key of the OpenAI-compatible speech endpoint',
  }).optional(),
  speechLevel: z
    .number()
    .int()
    .min(50)
    .max(10000)
    .default(600)
    .describe('Loudness (RMS of 16-bit samples) above which the caller is speaking'),
  endOfSpeechMs: z.number().int().min(200).max(5000).default(700).describe('Silence that ends an utterance'),
  silenceRepromptSeconds: z
    .number()
    .int()
    .min(0)
    .max(60)
    .default(6)
    .refine((s) => s === 0 || s >= 2, 'at least 2 seconds, or 0 for never')
    .describe(
      'Silence after the hub has spoken before the caller is asked "Are you still there?"; three in a row end the call; 0: callers are never asked',
    ),
  // transfer and voicemail: the names of the Twilio Voice connection's settings, the same meaning
  operatorNumber: e164()
    .optional()
    .describe('Where a caller is transferred to a person (pressing 0): a phone number that rings an operator'),
  operators: z
    .array(operatorAddress())
    .max(10)
    .default([])
    .describe(
      'Further operators rung in turn after the operator number (phone numbers or SIP URIs, called through the trunk); a handoff by an agent rings the phones of the team members first',
    ),
  transferRingSeconds: z
    .number()
    .int()
    .min(2)
    .max(120)
    .default(20)
    .describe('How long each operator rings before the next one is tried'),
  voicemail: z
    .boolean()
    .default(true)
    .describe(
      'When no operator answers (or there is none), the caller may leave a voicemail (kept in the conversation)',
    ),
  voicemailMessage: z
    .string()
    .min(1)
    .max(1000)
    .default('Nobody is available right now. Please leave a message after the tone.')
    .describe('What the caller hears before the tone of a voicemail'),
  voicemailMaxSeconds: z.number().int().min(5).max(600).default(120).describe('The longest voicemail'),
  voicemailSilenceSeconds: z.number().int().min(1).max(60).default(5).describe('Silence that ends a voicemail'),
  defaultRegion: defaultRegionField(),
});
export type SipConfig = z.infer<typeof sipConfigSchema>;
