/**
 * @module channels/whatsapp-onpremise — the WhatsApp Business On-Premises API channel: a business's own
 * Coreapp/webapp (https://developers.facebook.com/docs/whatsapp/on-premises). Legacy (Meta sunset it in October
 * 2025) but still run where data must stay in-house. What it shares with the Cloud channel — message objects,
 * outbound bodies, templates, error codes — is channel-kit/whatsapp-business; the window and template rules are the
 * hub's. Webhooks carry a secret path segment (verify.ts), since the Coreapp signs nothing.
 */
import { DEFAULT_OPT_OUT_RULES, defineConnector } from '../../channel-kit/index.js';
import {
  coreappHealth,
  fetchCoreappMedia,
  markCoreappRead,
  startCoreapp,
  stopCoreapp,
  syncCoreappTemplates,
} from './api.js';
import { whatsappOnPremConfigSchema, type WhatsAppOnPremConfig } from './config.js';
import { parseWhatsAppOnPrem } from './parse.js';
import { whatsappOnPremSend } from './send.js';
import { SECRET_HEADER, verifyWhatsAppOnPrem, whatsappOnPremEventKey } from './verify.js';

const CONTENT = [
  'text',
  'image',
  'audio',
  'video',
  'document',
  'sticker',
  'location',
  'contact',
  'interactive',
  'reaction',
] as const;

export const whatsappOnPremConnector = defineConnector({
  type: 'whatsapp-onpremise',
  displayName: 'WhatsApp On-Premises',
  description:
    "WhatsApp Business On-Premises API: the business's own Coreapp/webapp (legacy; one phone number per deployment).",
  limits: {
    inbound: [...CONTENT],
    maxTextLength: 4096, // https://developers.facebook.com/docs/whatsapp/on-premises/reference/messages (error 1001 above it)
    buttons: 3, // https://developers.facebook.com/docs/whatsapp/on-premises/reference/messages#interactive-object
    listItems: 10,
    receipts: { delivered: true, read: true }, // https://developers.facebook.com/docs/whatsapp/on-premises/webhooks/outbound
    windowHours: 24, // error 470 after it, https://developers.facebook.com/docs/whatsapp/on-premises/errors
    // the Coreapp answers 1015 Too many requests above its own limit (https://developers.facebook.com/docs/whatsapp/on-premises/errors);
    // 50/s is a conservative pace for one Coreapp, retried with backoff when it says so
    rateLimit: { perSecond: 50, burst: 50 },
    maxMediaBytes: 100 * 1024 * 1024, // https://developers.facebook.com/docs/whatsapp/on-premises/reference/media#supported-files
  },
  addressKind: 'phone',
  configSchema: whatsappOnPremConfigSchema,
  // where each value a person brings is found at the provider (the form links it beside the field)
  configHelp: {
    baseUrl: {
      title: 'Coreapp URL',
      helpUrl: 'https://developers.facebook.com/docs/whatsapp/on-premises/get-started/installation',
    },
    username: {
      title: 'Coreapp user',
      helpUrl: 'https://developers.facebook.com/docs/whatsapp/on-premises/reference/users/login',
    },
    password: {
      title: 'Coreapp password',
      helpUrl: 'https://developers.facebook.com/docs/whatsapp/on-premises/reference/users/login',
    },
    graphAccessToken: {
      title: 'Graph API access token',
      helpUrl: 'https://developers.facebook.com/docs/whatsapp/business-management-api/get-started',
    },
  },
  prepareConfig: (config: WhatsAppOnPremConfig, generateSecret) => ({
    ...config,
    webhookSecret: config.webhookSecret ?? generateSecret(),
  }),
  inbound: {
    mode: 'webhook',
    verify: verifyWhatsAppOnPrem,
    parse: parseWhatsAppOnPrem,
    eventKey: whatsappOnPremEventKey,
    // the secret header (when a proxy sends it) is a credential: stored as a digest
    storedHeaders: { keep: ['content-type'], digest: [SECRET_HEADER] },
  },
  send: whatsappOnPremSend,
  features: {
    // the same Business Messaging Policy as the Cloud channel (https://business.whatsapp.com/policy)
    optOut: { defaults: DEFAULT_OPT_OUT_RULES },
    fetchMedia: fetchCoreappMedia,
    templates: { sync: syncCoreappTemplates },
    readReceipts: ({ providerMessageId }, ctx) => markCoreappRead(providerMessageId, ctx),
    health: coreappHealth,
  },
  start: (ctx) => startCoreapp(ctx),
  stop: (ctx) => stopCoreapp(ctx),
});

export type { WhatsAppOnPremConfig };
