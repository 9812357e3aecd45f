/** @module channels/messenger — Facebook Messenger for a Page (https://developers.facebook.com/docs/messenger-platform). */
import {
  defineConnector,
  META_SIGNATURE_HEADER,
  metaCheckAndSubscribe,
  metaFetchAttachment,
  metaMessagingHealth,
  metaProfile,
  metaSenderAction,
  metaTestEvent,
  metaUnsubscribe,
} from '../../channel-kit/index.js';
import { MESSENGER_FIELDS, pageTarget } from './api.js';
import { messengerConfigSchema, type MessengerConfig } from './config.js';
import { parseMessenger } from './parse.js';
import { messengerSend } from './send.js';
import { messengerEventKey, verifyMessenger } from './verify.js';

export const messengerConnector = defineConnector({
  type: 'messenger',
  displayName: 'Messenger',
  description: 'Facebook Messenger: the conversations of one Facebook Page.',
  limits: {
    inbound: ['text', 'image', 'audio', 'video', 'document', 'location', 'interactive', 'reaction'],
    maxTextLength: 2000, // https://developers.facebook.com/docs/messenger-platform/reference/send-api
    buttons: 13, // quick replies, https://developers.facebook.com/docs/messenger-platform/send-messages/quick-replies
    listItems: 13,
    receipts: { delivered: true, read: true }, // https://developers.facebook.com/docs/messenger-platform/webhooks/webhook-events/message-deliveries
    windowHours: 24, // https://developers.facebook.com/docs/messenger-platform/policy/policy-overview#24hours_window
    humanAgentWindowHours: 168, // HUMAN_AGENT tag, https://developers.facebook.com/docs/messenger-platform/send-messages/message-tags
    maxMediaBytes: 25 * 1024 * 1024, // https://developers.facebook.com/docs/messenger-platform/reference/attachment-upload-api
  },
  // PSIDs: page-scoped ids, kept as sent
  addressKind: 'opaque',
  configSchema: messengerConfigSchema,
  // where each value a person brings is found at the provider (the form links it beside the field)
  configHelp: {
    pageId: { title: 'Page ID', helpUrl: 'https://www.facebook.com/help/1503421039731588' },
    pageAccessToken: {
      title: 'Page access token',
      helpUrl: 'https://developers.facebook.com/docs/messenger-platform/getting-started/app-setup',
    },
    appSecret: {
      title: 'App secret',
      helpUrl: 'https://developers.facebook.com/docs/development/create-an-app/app-dashboard/basic-settings',
    },
  },
  prepareConfig: (config: MessengerConfig, generateSecret) => ({
    ...config,
    verifyToken: config.verifyToken ?? generateSecret(),
  }),
  inbound: {
    mode: 'webhook',
    verify: verifyMessenger,
    parse: parseMessenger,
    eventKey: messengerEventKey,
    storedHeaders: { keep: ['content-type', META_SIGNATURE_HEADER] },
  },
  send: messengerSend,
  features: {
    // the token's validity and ends, and our app's webhook subscription with its fields
    health: (ctx, ask) => metaMessagingHealth(pageTarget(ctx.config), ctx, ask, MESSENGER_FIELDS),
    // Meta's sample notification of the messages field, to this Page's webhook
    testEvent: (ctx) => metaTestEvent(pageTarget(ctx.config), ctx, 'page', ctx.config.appSecret),
    typing: (to, ctx) => metaSenderAction(pageTarget(ctx.config), ctx, to, 'typing_on'),
    fetchMedia: (media, ctx) => metaFetchAttachment(pageTarget(ctx.config), media, ctx),
    // name and picture of a new PSID, once (https://developers.facebook.com/docs/messenger-platform/identity/user-profile)
    profile: (address, ctx) => metaProfile(pageTarget(ctx.config), ctx, address, 'page'),
    // mark_seen towards the customer when an operator opens the conversation
    readReceipts: ({ customer }, ctx) =>
      customer ? metaSenderAction(pageTarget(ctx.config), ctx, customer, 'mark_seen') : Promise.resolve(),
  },
  start: (ctx) => metaCheckAndSubscribe(pageTarget(ctx.config), ctx, MESSENGER_FIELDS),
  stop: (ctx) => metaUnsubscribe(pageTarget(ctx.config), ctx),
});

export type { MessengerConfig };
