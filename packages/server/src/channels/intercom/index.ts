/**
 * @module channels/intercom — Intercom, itself an inbox, mirrored into Switchboard
 * (https://developers.intercom.com/docs/references/rest-api/api.intercom.io): its conversations arrive here as
 * webhooks so our agents and operators answer them, and our replies (and notes) appear in Intercom as our admin's.
 * The customer is the Intercom contact, the Intercom conversation is the thread.
 */
import { defineConnector } from '../../channel-kit/index.js';
import { fetchIntercomMedia, intercomHealth, mirrorResolved, startIntercom } from './api.js';
import { intercomConfigSchema, type IntercomConfig } from './config.js';
import { parseIntercom } from './parse.js';
import { intercomSend } from './send.js';
import { intercomEventKey, SIGNATURE_HEADER, verifyIntercom } from './verify.js';

export const intercomConnector = defineConnector({
  type: 'intercom',
  displayName: 'Intercom',
  description: 'Intercom conversations answered from Switchboard: replies and internal notes as an Intercom admin.',
  limits: {
    inbound: ['text', 'image', 'audio', 'video', 'document'],
    // Intercom publishes no cap on a reply's body (UNCONFIRMED); long texts are split into parts beyond this
    maxTextLength: 10_000,
    buttons: 0,
    // an admin reply has no delivery receipts in the REST API: sent is final
    receipts: { delivered: false, read: false },
    // 10,000 calls per minute per app, spread over 10-second windows
    // (https://developers.intercom.com/docs/references/rest-api/errors/rate-limiting)
    rateLimit: { perSecond: 160, burst: 160 },
    // attachment_urls Intercom fetches (https://developers.intercom.com/docs/references/rest-api/api.intercom.io/conversations/replyconversation); size cap UNCONFIRMED
    maxMediaBytes: 40 * 1024 * 1024,
  },
  addressKind: 'opaque',
  configSchema: intercomConfigSchema,
  // where each value a person brings is found at the provider (the form links it beside the field)
  configHelp: {
    accessToken: {
      title: 'Access token',
      helpUrl: 'https://developers.intercom.com/docs/build-an-integration/learn-more/authentication',
    },
    clientSecret: {
      title: 'Client secret',
      helpUrl: 'https://developers.intercom.com/docs/webhooks/setting-up-webhooks',
    },
    adminId: {
      title: 'Admin ID',
      helpUrl: 'https://developers.intercom.com/docs/references/rest-api/api.intercom.io/admins',
    },
  },
  inbound: {
    mode: 'webhook',
    verify: verifyIntercom,
    parse: parseIntercom,
    eventKey: intercomEventKey,
    storedHeaders: { keep: ['content-type', SIGNATURE_HEADER] },
  },
  send: intercomSend,
  features: {
    fetchMedia: fetchIntercomMedia,
    internalNotes: true,
    resolved: mirrorResolved,
    health: intercomHealth,
  },
  start: startIntercom,
});

export type { IntercomConfig };
