/** @module channels/whatsapp — the WhatsApp Business Cloud API channel (Meta Graph; https://developers.facebook.com/docs/whatsapp/cloud-api). */
import { DEFAULT_OPT_OUT_RULES, defineConnector } from '../../channel-kit/index.js';
import {
  checkAccount,
  fetchWhatsAppMedia,
  markRead,
  syncWhatsAppTemplates,
  whatsappHealth,
  whatsappTestEvent,
} from './api.js';
import { whatsappConfigSchema, type WhatsAppConfig } from './config.js';
import { parseWhatsApp } from './parse.js';
import { senderFor, whatsappSend } from './send.js';
import { SIGNATURE_HEADER, verifyWhatsApp, whatsappEventKey } from './verify.js';

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

export const whatsappConnector = defineConnector({
  type: 'whatsapp',
  displayName: 'WhatsApp',
  description: 'WhatsApp Business Cloud API (Meta): one or more business phone numbers of a WhatsApp Business Account.',
  limits: {
    inbound: [...CONTENT],
    maxTextLength: 4096, // https://developers.facebook.com/docs/whatsapp/cloud-api/reference/messages
    buttons: 3, // reply buttons, https://developers.facebook.com/docs/whatsapp/cloud-api/reference/messages
    listItems: 10, // list rows, https://developers.facebook.com/docs/whatsapp/cloud-api/messages/interactive-list-messages
    receipts: { delivered: true, read: true }, // https://developers.facebook.com/docs/whatsapp/cloud-api/webhooks/payload-examples#message-status-updates
    windowHours: 24, // https://developers.facebook.com/docs/whatsapp/cloud-api/guides/send-message-templates
    // per business number: 80 messages/s by default (https://developers.facebook.com/docs/whatsapp/cloud-api/overview#throughput)
    rateLimit: { perSecond: 80, burst: 80 },
    // the pair limit, about 1 message per 6 s to one customer with bursts up to 45 (https://developers.facebook.com/docs/whatsapp/cloud-api/overview#throughput, 131056)
    perRecipientRateLimit: { perSecond: 1 / 6, burst: 45 },
    // the largest supported type: documents 100 MB (images 5 MB, audio/video 16 MB), https://developers.facebook.com/docs/whatsapp/cloud-api/reference/media / Meta "Supported Media Types"
    maxMediaBytes: 100 * 1024 * 1024,
  },
  // wa_ids are international numbers without the + (https://developers.facebook.com/docs/whatsapp/cloud-api/reference/messages)
  addressKind: 'phone',
  configSchema: whatsappConfigSchema,
  // where each value a person brings is found at the provider (the form links it beside the field)
  configHelp: {
    accessToken: {
      title: 'Access token (system user)',
      helpUrl:
        'https://developers.facebook.com/docs/whatsapp/business-management-api/get-started#1--acquire-an-access-token-using-a-system-user-or-facebook-login',
    },
    appSecret: {
      title: 'App secret',
      helpUrl: 'https://developers.facebook.com/docs/development/create-an-app/app-dashboard/basic-settings',
    },
    businessAccountId: {
      title: 'WhatsApp Business Account ID',
      helpUrl: 'https://developers.facebook.com/docs/whatsapp/cloud-api/get-started',
    },
    phoneNumberIds: {
      title: 'Phone number IDs',
      helpUrl: 'https://developers.facebook.com/docs/whatsapp/cloud-api/get-started',
    },
  },
  prepareConfig: (config: WhatsAppConfig, generateSecret) => ({
    ...config,
    verifyToken: config.verifyToken ?? generateSecret(),
  }),
  inbound: {
    mode: 'webhook',
    verify: verifyWhatsApp,
    parse: parseWhatsApp,
    eventKey: whatsappEventKey,
    storedHeaders: { keep: ['content-type', SIGNATURE_HEADER] },
  },
  send: whatsappSend,
  features: {
    // businesses must honour a customer's request to opt out of their messages (WhatsApp Business Messaging Policy,
    // https://business.whatsapp.com/policy): STOP and the other common keywords on by default, no confirmation unless
    // the connection sets one (config optOut)
    optOut: { defaults: DEFAULT_OPT_OUT_RULES },
    fetchMedia: fetchWhatsAppMedia,
    templates: { sync: syncWhatsAppTemplates },
    // blue ticks for the customer, sent from the number they wrote to (https://developers.facebook.com/docs/whatsapp/cloud-api/reference/messages mark read)
    readReceipts: ({ providerMessageId, from }, ctx) =>
      markRead(providerMessageId, senderFor({ from }, ctx.config), ctx),
    senders: (config) => [...config.phoneNumberIds],
    // the token's validity and end, and our app's subscription to the WABA's webhooks
    health: whatsappHealth,
    // Meta's sample notification of the messages field (object=whatsapp_business_account), to this WABA's webhook
    testEvent: whatsappTestEvent,
  },
  start: (ctx) => checkAccount(ctx),
});

/** the same as connector.features.readReceipts, by arguments: (wamid of the customer's message, our phone number id, ctx) */
export { markRead as markWhatsAppRead };
export type { WhatsAppConfig };
