/** @module channels/twilio-sms — Twilio Programmable Messaging: SMS and MMS (https://www.twilio.com/docs/messaging). */
import { DEFAULT_OPT_OUT_RULES, defineConnector } from '../../channel-kit/index.js';
import { checkAccount, fetchTwilioMedia, twilioHealth } from './api.js';
import { twilioSmsConfigSchema, type TwilioSmsConfig } from './config.js';
import { parseTwilio } from './parse.js';
import { twilioSend } from './send.js';
import { SIGNATURE_HEADER, twilioEventKey, verifyTwilio } from './verify.js';

const MEDIA = ['image', 'audio', 'video', 'document'] as const;

export const twilioSmsConnector = defineConnector({
  type: 'twilio-sms',
  displayName: 'SMS (Twilio)',
  description: 'Twilio Programmable Messaging: SMS and MMS from one or more Twilio numbers or a Messaging Service.',
  limits: {
    inbound: ['text', ...MEDIA],
    maxTextLength: 1600, // Body, https://www.twilio.com/docs/messaging/api/message-resource#create-a-message-resource
    buttons: 0,
    receipts: { delivered: true, read: false }, // https://www.twilio.com/docs/messaging/guides/track-outbound-message-status
    // a US long code sends 1 segment per second (https://help.twilio.com/articles/115002943027); `messagesPerSecond` raises it
    rateLimit: { perSecond: 1, burst: 1 },
    maxMediaBytes: 5 * 1024 * 1024, // MMS, https://www.twilio.com/docs/messaging/guides/accepted-mime-types
    smsSegments: true,
  },
  addressKind: 'phone',
  configSchema: twilioSmsConfigSchema,
  // where each value a person brings is found at the provider (the form links it beside the field)
  configHelp: {
    accountSid: { title: 'Account SID', helpUrl: 'https://www.twilio.com/docs/iam/api/account' },
    authToken: { title: 'Auth token', helpUrl: 'https://www.twilio.com/docs/iam/credentials/api' },
    apiKeySecret: { title: 'API key secret', helpUrl: 'https://www.twilio.com/docs/iam/api-keys' },
  },
  inbound: {
    mode: 'webhook',
    verify: verifyTwilio,
    parse: parseTwilio,
    eventKey: twilioEventKey,
    // the signature covers URL + parameters, so it re-verifies the stored bytes and no others
    storedHeaders: { keep: ['content-type', SIGNATURE_HEADER] },
  },
  send: twilioSend,
  features: {
    // Twilio answers STOP/START/HELP itself (https://help.twilio.com/articles/223134027): the hub records them and
    // sends no confirmation of its own unless the connection sets one
    optOut: { defaults: DEFAULT_OPT_OUT_RULES },
    fetchMedia: fetchTwilioMedia,
    // the account's status and where each number's incoming SMS go
    health: twilioHealth,
    senders: (config) => [...config.from],
  },
  start: (ctx) => checkAccount(ctx),
});

export type { TwilioSmsConfig };
