/** @module channels/webchat — the web chat widget's channel; needs no external credentials. */
import { defineConnector } from '../../channel-kit/index.js';
import { webchatConfigSchema, type WebchatConfig } from './config.js';
import { VISITOR_HEADER, verifyWebchat } from './verify.js';
import { parseWebchat } from './parse.js';
import { webchatSend } from './send.js';
import { checkVisitorToken, issueVisitorToken } from './visitor-token.js';
import { webchatPublicSettings } from './public-settings.js';

export const webchatConnector = defineConnector({
  type: 'webchat',
  displayName: 'Web chat',
  description: 'A chat widget on your website; visitors write without any account.',
  limits: {
    inbound: ['text', 'image', 'audio', 'video', 'document'],
    maxTextLength: 10000,
    buttons: 10,
    receipts: { delivered: false, read: false },
  },
  // visitor ids the hub issues
  addressKind: 'opaque',
  configSchema: webchatConfigSchema,
  prepareConfig: (config: WebchatConfig, generateSecret) => ({
    ...config,
    sessionSecret: config.sessionSecret ?? `${generateSecret()}${generateSecret()}`,
  }),
  inbound: {
    mode: 'webhook',
    verify: verifyWebchat,
    parse: parseWebchat,
    storedHeaders: { keep: ['content-type', VISITOR_HEADER], digest: ['authorization'] },
  },
  send: webchatSend,
  features: {
    // the visitor's stream shows the operator typing; nothing goes to a provider
    typing: () => Promise.resolve(),
    visitors: {
      issue: issueVisitorToken,
      check: checkVisitorToken,
      publicSettings: (config, now) => ({ ...webchatPublicSettings(config, now) }),
    },
  },
});
export type { WebchatConfig };
export type { WebchatPublicSettings } from './public-settings.js';
