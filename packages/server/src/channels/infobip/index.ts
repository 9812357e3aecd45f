/**
 * @module channels/infobip — Infobip (https://www.infobip.com/docs/api): one channel of an Infobip account — SMS,
 * WhatsApp or Viber — with its sender. The channel sets the connection's limits (limitsFor).
 */
import { DEFAULT_OPT_OUT_RULES, defineConnector } from '../../channel-kit/index.js';
import { fetchInfobipMedia, infobipLimits, markInfobipRead, startInfobip, syncInfobipTemplates } from './api.js';
import { infobipConfigSchema, type InfobipConfig } from './config.js';
import { parseInfobip } from './parse.js';
import { infobipSend } from './send.js';
import { AUTH_HEADER, infobipEventKey, verifyInfobip } from './verify.js';

export const infobipConnector = defineConnector({
  type: 'infobip',
  displayName: 'Infobip',
  description: 'Infobip: SMS, WhatsApp or Viber through one Infobip account and sender.',
  // the connector-wide limits are SMS's; WhatsApp's and Viber's come from limitsFor
  limits: {
    inbound: ['text'],
    // Infobip concatenates long SMS; 1600 characters is the usual carrier cap (UNCONFIRMED for Infobip)
    maxTextLength: 1600,
    buttons: 0,
    receipts: { delivered: true, read: false },
    // the SMS API is built for volume; no published per-account send limit (https://www.infobip.com/docs/essentials/api-essentials/rate-limits-and-throttling)
    rateLimit: { perSecond: 100, burst: 100 },
    smsSegments: true,
  },
  limitsFor: (config: InfobipConfig) => infobipLimits(config.channel),
  addressKind: 'phone',
  configSchema: infobipConfigSchema,
  // where each value a person brings is found at the provider (the form links it beside the field)
  configHelp: {
    baseUrl: { title: 'Your API base URL', helpUrl: 'https://www.infobip.com/docs/essentials/api-essentials/base-url' },
    apiKey: { title: 'API key', helpUrl: 'https://www.infobip.com/docs/essentials/api-essentials/api-authentication' },
    channel: { title: 'Channel', helpUrl: 'https://www.infobip.com/docs/api' },
    from: { title: 'Sender', helpUrl: 'https://www.infobip.com/docs/numbers' },
    webhookAuth: {
      title: 'Webhook authorization header',
      helpUrl: 'https://www.infobip.com/docs/essentials/api-essentials/integration-best-practices',
    },
  },
  inbound: {
    mode: 'webhook',
    verify: verifyInfobip,
    parse: parseInfobip,
    eventKey: infobipEventKey,
    // the authorization header is the credential itself: only its digest is kept
    storedHeaders: { keep: ['content-type'], digest: [AUTH_HEADER] },
  },
  send: infobipSend,
  features: {
    // SMS and WhatsApp customers opt out with STOP (CTIA / WhatsApp Business Messaging Policy)
    optOut: { defaults: DEFAULT_OPT_OUT_RULES },
    fetchMedia: fetchInfobipMedia,
    readReceipts: markInfobipRead,
    templates: { sync: syncInfobipTemplates },
  },
  start: startInfobip,
});

export type { InfobipConfig };
