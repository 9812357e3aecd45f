/** @module channels/vonage-sms — SMS over Vonage: the Messages API (default) or the legacy SMS API (https://developer.vonage.com/en/messages/overview). */
import { DEFAULT_OPT_OUT_RULES, defineConnector } from '../../channel-kit/index.js';
import { checkVonage, vonageHealth } from './api.js';
import { vonageConfigSchema, type VonageConfig } from './config.js';
import { parseVonage, vonageEventKey } from './parse.js';
import { vonageSend } from './send.js';
import { verifyVonage } from './verify.js';

export const vonageSmsConnector = defineConnector({
  type: 'vonage-sms',
  displayName: 'Vonage SMS',
  description: 'SMS through Vonage (Nexmo): the Messages API with JWT-signed webhooks, or the legacy SMS API.',
  limits: {
    inbound: ['text'],
    // the Messages API takes up to 1000 characters of SMS text (https://developer.vonage.com/en/api/messages-olympus#SendMessage)
    maxTextLength: 1000,
    buttons: 0,
    receipts: { delivered: true, read: false },
    // 30 API requests/s per key by default; a US long code 1 SMS/s (https://api.support.vonage.com/hc/en-us/articles/203993598)
    rateLimit: { perSecond: 30, burst: 30 },
    // Vonage sends a longer text as concatenated SMS (https://developer.vonage.com/en/messaging/sms/guides/concatenation-and-encoding):
    // the hub shows GSM-7/UCS-2 and the segment count, and refuses a text over maxTextLength instead of splitting it
    smsSegments: true,
  },
  addressKind: 'phone',
  configSchema: vonageConfigSchema,
  // where each value a person brings is found at the provider (the form links it beside the field)
  configHelp: {
    apiKey: { title: 'API key', helpUrl: 'https://developer.vonage.com/en/account/secret-management' },
    apiSecret: { title: 'API secret', helpUrl: 'https://developer.vonage.com/en/account/secret-management' },
    privateKey: { title: 'Application private key', helpUrl: 'https://developer.vonage.com/en/application/overview' },
    signatureSecret: {
      title: 'Signature secret',
      helpUrl: 'https://developer.vonage.com/en/getting-started/concepts/signing-messages',
    },
    from: { title: 'Sender numbers', helpUrl: 'https://developer.vonage.com/en/numbers/overview' },
  },
  inbound: {
    mode: 'webhook',
    verify: verifyVonage,
    parse: parseVonage,
    eventKey: vonageEventKey,
    // the bearer JWT is a credential: stored only as a digest
    storedHeaders: { keep: ['content-type'], digest: ['authorization'] },
  },
  send: vonageSend,
  features: {
    // carrier rules require honouring STOP on SMS (CTIA Messaging Principles; https://api.support.vonage.com/hc/en-us/articles/204017423)
    optOut: { defaults: DEFAULT_OPT_OUT_RULES },
    health: vonageHealth,
  },
  start: (ctx) => checkVonage(ctx),
});

export type { VonageConfig };
