/** @module channels/rcs — a Google RCS Business Messaging agent as a channel (https://developers.google.com/business-communications/rcs-business-messaging). */
import { defineConnector } from '../../channel-kit/index.js';
import { accessToken, rcsHealth } from './api.js';
import { rcsConfigSchema, type RcsConfig } from './config.js';
import { parseRcs, rcsEventKey } from './parse.js';
import { fetchRcsMedia, markRcsRead, rcsSend, revokeRcs, sendRcsTyping } from './send.js';
import { SIGNATURE_HEADER, verifyRcs } from './verify.js';

const MB = 1024 * 1024;

export const rcsConnector = defineConnector({
  type: 'rcs',
  displayName: 'RCS',
  description: 'A Google RBM agent: rich messages to phones that support RCS.',
  limits: {
    inbound: ['text', 'image', 'audio', 'video', 'document', 'location', 'interactive'],
    maxTextLength: 3072,
    buttons: 11,
    receipts: { delivered: true, read: true },
    rateLimit: { perSecond: 50, burst: 50 },
    maxMediaBytes: 100 * MB,
  },
  addressKind: 'phone',
  configSchema: rcsConfigSchema,
  // where each value a person brings is found at the provider (the form links it beside the field)
  configHelp: {
    agentId: {
      title: 'Agent ID',
      helpUrl: 'https://developers.google.com/business-communications/rcs-business-messaging/guides/build/agents',
    },
    serviceAccountKey: {
      title: 'Service account key (JSON)',
      helpUrl:
        'https://developers.google.com/business-communications/rcs-business-messaging/guides/get-started/register-partner',
    },
    clientToken: {
      title: 'Webhook client token',
      helpUrl: 'https://developers.google.com/business-communications/rcs-business-messaging/guides/integrate/webhooks',
    },
  },
  inbound: {
    mode: 'webhook',
    verify: verifyRcs,
    parse: parseRcs,
    eventKey: rcsEventKey,
    storedHeaders: { keep: ['content-type', SIGNATURE_HEADER] },
  },
  send: rcsSend,
  features: {
    typing: sendRcsTyping,
    readReceipts: markRcsRead,
    fetchMedia: fetchRcsMedia,
    // a number that is not RCS-capable, or a message not delivered in time (then revoked), goes over the SMS connection
    fallback: {
      connectionId: (config) => config.smsFallbackConnectionId,
      afterMs: (config) => config.undeliveredFallbackSeconds * 1000,
    },
    revoke: revokeRcs,
    health: rcsHealth,
  },
  // the token exchange proves the key: a rejected one turns the connection to ERROR
  async start(ctx) {
    await accessToken(ctx);
  },
});
export type { RcsConfig };
