/**
 * @module channels/twilio-voice — Twilio Programmable Voice (https://www.twilio.com/docs/voice): calls to the
 * connection's numbers answered by the hub (greeting, then the caller's speech or keys as messages the attached
 * agent answers, the answers spoken), transfer to an operator's phone, voicemail, calls we place, recordings.
 */
import { defineConnector } from '../../channel-kit/index.js';
import { fetchRecording, placeCall, reconcileCalls, startTwilioVoice } from './api.js';
import { twilioVoiceConfigSchema, type TwilioVoiceConfig } from './config.js';
import { parseTwilioVoice, twilioVoiceWhileStopped } from './parse.js';
import { twilioVoiceSend } from './send.js';
import { SIGNATURE_HEADER, twilioVoiceEventKey, verifyTwilioVoice } from './verify.js';

export const twilioVoiceConnector = defineConnector({
  type: 'twilio-voice',
  displayName: 'Voice (Twilio)',
  description:
    'Twilio Programmable Voice: phone calls answered by an agent, transferred to an operator, voicemail and recordings.',
  limits: {
    // what the caller says or presses arrives as text; recordings and voicemails as audio
    inbound: ['text', 'audio'],
    // <Say> speaks at most 4,096 characters (https://www.twilio.com/docs/voice/twiml/say#limits)
    maxTextLength: 4096,
    buttons: 0,
    receipts: { delivered: false, read: false },
    // call updates: Twilio allows bursts, a call is one conversation at a time
    rateLimit: { perSecond: 10, burst: 10 },
    spoken: true,
  },
  addressKind: 'phone',
  configSchema: twilioVoiceConfigSchema,
  // where each value a person brings is found at the provider (the form links it beside the field)
  configHelp: {
    accountSid: { title: 'Account SID', helpUrl: 'https://www.twilio.com/docs/iam/api/account' },
    authToken: { title: 'Auth token', helpUrl: 'https://www.twilio.com/docs/iam/credentials/api' },
    phoneNumbers: { title: 'Phone numbers', helpUrl: 'https://www.twilio.com/docs/phone-numbers' },
  },
  inbound: {
    mode: 'webhook',
    verify: verifyTwilioVoice,
    parse: parseTwilioVoice,
    eventKey: twilioVoiceEventKey,
    // the signature covers URL + parameters, so it re-verifies the stored bytes and no others
    storedHeaders: { keep: ['content-type', SIGNATURE_HEADER] },
    // a stopped line (its agent stopped) tells callers it is closed instead of Twilio's application-error message
    whileStopped: twilioVoiceWhileStopped,
  },
  send: twilioVoiceSend,
  features: {
    fetchMedia: fetchRecording,
    senders: (config) => [...config.phoneNumbers],
    calls: { place: placeCall, reconcile: reconcileCalls },
  },
  start: (ctx) => startTwilioVoice(ctx),
});

export type { TwilioVoiceConfig };
