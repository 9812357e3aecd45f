/**
 * @module channels/bird — Bird (formerly MessageBird) channels: one SMS or WhatsApp channel of a Bird workspace
 * (https://docs.bird.com/api/channels-api). The channel's kind is learned at start and sets the connection's limits.
 */
import { DEFAULT_OPT_OUT_RULES, defineConnector } from '../../channel-kit/index.js';
import { birdLimits, fetchBirdMedia, startBird, stopBird, syncBirdTemplates } from './api.js';
import { birdConfigSchema, prepareBirdConfig, type BirdConfig } from './config.js';
import { parseBird } from './parse.js';
import { birdSend } from './send.js';
import { birdEventKey, REQUEST_ID_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, verifyBird } from './verify.js';

export const birdConnector = defineConnector({
  type: 'bird',
  displayName: 'Bird',
  description: 'Bird (MessageBird) channels API: one SMS or WhatsApp channel of a Bird workspace.',
  // the channel-wide limits are SMS's, the smaller ones; a WhatsApp channel's come from limitsFor once start learned its kind
  limits: {
    inbound: ['text', 'image', 'audio', 'video', 'document', 'location', 'interactive'],
    // concatenated SMS, https://docs.bird.com/api/channels-api/supported-channels/programmable-sms (UNCONFIRMED exact cap)
    maxTextLength: 1600,
    buttons: 0,
    receipts: { delivered: true, read: false },
    maxMediaBytes: 5 * 1024 * 1024,
  },
  limitsFor: (config: BirdConfig) => birdLimits(config.channelKind),
  addressKind: 'phone',
  configSchema: birdConfigSchema,
  // where each value a person brings is found at the provider (the form links it beside the field)
  configHelp: {
    accessKey: { title: 'Access key', helpUrl: 'https://docs.bird.com/api/api-access/api-authorization' },
    workspaceId: { title: 'Workspace ID', helpUrl: 'https://docs.bird.com/api/api-access/api-authorization' },
    channelId: { title: 'Channel ID', helpUrl: 'https://docs.bird.com/api/channels-api' },
  },
  prepareConfig: prepareBirdConfig,
  inbound: {
    mode: 'webhook',
    verify: verifyBird,
    parse: parseBird,
    eventKey: birdEventKey,
    storedHeaders: { keep: ['content-type', SIGNATURE_HEADER, TIMESTAMP_HEADER, REQUEST_ID_HEADER] },
  },
  send: birdSend,
  features: {
    // SMS and WhatsApp customers opt out with STOP (CTIA / WhatsApp Business Messaging Policy)
    optOut: { defaults: DEFAULT_OPT_OUT_RULES },
    fetchMedia: fetchBirdMedia,
    templates: { sync: syncBirdTemplates },
  },
  start: startBird,
  stop: stopBird,
});

export type { BirdConfig };
