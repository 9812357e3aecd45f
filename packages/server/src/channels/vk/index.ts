/** @module channels/vk — a VK community's messages (Callback API or Bots Long Poll, messages.send) as a channel (https://dev.vk.com/en/api/community-messages/getting-started). */
import { defineConnector } from '../../channel-kit/index.js';
import { fetchVkMedia, startVk, vkHealth } from './api.js';
import { prepareVkConfig, vkConfigSchema, type VkConfig } from './config.js';
import { listenVk } from './listen.js';
import { parseVk, vkEventKey } from './parse.js';
import { answerVkButton, markVkRead, sendVkTyping, vkProfile, vkSend } from './send.js';
import { verifyVk } from './verify.js';

const MB = 1024 * 1024;

export const vkConnector = defineConnector({
  type: 'vk',
  displayName: 'VK',
  description: 'A VK community: customers write to it in community messages.',
  limits: {
    inbound: ['text', 'image', 'audio', 'document', 'sticker', 'location', 'interactive'],
    // messages.send takes up to 9000 characters; 4096 per part keeps every client readable (https://dev.vk.com/en/method/messages.send)
    maxTextLength: 4096,
    buttons: 10,
    receipts: { delivered: false, read: true },
    // a community token makes at most 20 requests per second (https://dev.vk.com/en/api/api-requests)
    rateLimit: { perSecond: 20, burst: 20 },
    maxMediaBytes: 50 * MB,
  },
  // VK user ids, not phone numbers
  addressKind: 'opaque',
  configSchema: vkConfigSchema,
  // where each value a person brings is found at the provider (the form links it beside the field)
  configHelp: {
    groupId: { title: 'Community ID', helpUrl: 'https://vk.com/faq18062' },
    accessToken: {
      title: 'Community token',
      helpUrl: 'https://dev.vk.com/en/api/access-token/community-token/in-community-settings',
    },
  },
  prepareConfig: prepareVkConfig,
  inbound: {
    mode: 'webhook',
    verify: verifyVk,
    parse: parseVk,
    eventKey: vkEventKey,
    // the secret is in the body: stored as a digest; no header is a credential
    storedHeaders: { keep: ['content-type'] },
    storedBody: { digestJsonFields: ['secret'] },
    listen: listenVk,
  },
  send: vkSend,
  features: {
    typing: sendVkTyping,
    fetchMedia: fetchVkMedia,
    readReceipts: markVkRead,
    buttonAnswers: answerVkButton,
    profile: vkProfile,
    // our callback server and its status at VK (or the Long Poll settings)
    health: vkHealth,
  },
  start: startVk,
});
export type { VkConfig };
