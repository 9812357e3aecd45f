/** @module channels/instagram — Instagram Direct messages of a professional account (https://developers.facebook.com/docs/instagram-platform). */
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
import { accountTarget, INSTAGRAM_FIELDS } from './api.js';
import { instagramConfigSchema, type InstagramConfig } from './config.js';
import { parseInstagram } from './parse.js';
import { instagramSend } from './send.js';
import { instagramEventKey, verifyInstagram } from './verify.js';

export const instagramConnector = defineConnector({
  type: 'instagram',
  displayName: 'Instagram',
  description: 'Instagram Direct: the messages of one Instagram professional account.',
  limits: {
    inbound: ['text', 'image', 'audio', 'video', 'document', 'interactive', 'reaction'],
    maxTextLength: 1000, // https://developers.facebook.com/docs/instagram-platform/instagram-api-with-facebook-login/messaging-api
    buttons: 13, // quick replies
    listItems: 13,
    receipts: { delivered: false, read: true }, // messaging_seen
    windowHours: 24, // https://developers.facebook.com/docs/instagram-platform/instagram-api-with-facebook-login/messaging-api
    humanAgentWindowHours: 168, // HUMAN_AGENT tag, https://developers.facebook.com/docs/messenger-platform/send-messages/message-tags
    maxMediaBytes: 8 * 1024 * 1024,
  },
  // IGSIDs: Instagram-scoped ids, kept as sent
  addressKind: 'opaque',
  configSchema: instagramConfigSchema,
  // where each value a person brings is found at the provider (the form links it beside the field)
  configHelp: {
    instagramAccountId: {
      title: 'Instagram account ID',
      helpUrl:
        'https://developers.facebook.com/docs/instagram-platform/instagram-api-with-facebook-login/messaging-api',
    },
    accessToken: {
      title: 'Page access token',
      helpUrl:
        'https://developers.facebook.com/docs/instagram-platform/instagram-api-with-facebook-login/messaging-api',
    },
    appSecret: {
      title: 'App secret',
      helpUrl: 'https://developers.facebook.com/docs/development/create-an-app/app-dashboard/basic-settings',
    },
  },
  prepareConfig: (config: InstagramConfig, generateSecret) => ({
    ...config,
    verifyToken: config.verifyToken ?? generateSecret(),
  }),
  inbound: {
    mode: 'webhook',
    verify: verifyInstagram,
    parse: parseInstagram,
    eventKey: instagramEventKey,
    storedHeaders: { keep: ['content-type', META_SIGNATURE_HEADER] },
  },
  send: instagramSend,
  features: {
    // the token's validity and ends, and our app's webhook subscription with its fields
    health: (ctx, ask) => metaMessagingHealth(accountTarget(ctx.config), ctx, ask, INSTAGRAM_FIELDS),
    // Meta's sample notification of the messages field (object=instagram), to this account's webhook
    testEvent: (ctx) => metaTestEvent(accountTarget(ctx.config), ctx, 'instagram', ctx.config.appSecret),
    typing: (to, ctx) => metaSenderAction(accountTarget(ctx.config), ctx, to, 'typing_on'),
    fetchMedia: (media, ctx) => metaFetchAttachment(accountTarget(ctx.config), media, ctx),
    // name and picture of a new IGSID, once (https://developers.facebook.com/docs/messenger-platform/identity/user-profile)
    profile: (address, ctx) => metaProfile(accountTarget(ctx.config), ctx, address, 'instagram'),
    readReceipts: ({ customer }, ctx) =>
      customer ? metaSenderAction(accountTarget(ctx.config), ctx, customer, 'mark_seen') : Promise.resolve(),
  },
  start: (ctx) => metaCheckAndSubscribe(accountTarget(ctx.config), ctx, INSTAGRAM_FIELDS),
  stop: (ctx) => metaUnsubscribe(accountTarget(ctx.config), ctx),
});

export type { InstagramConfig };
