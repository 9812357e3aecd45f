/** @module channels — the registry of connectors this build offers. Adding a channel = one line here. */
import type { AnyConnector } from '../channel-kit/index.js';
import { webchatConnector } from './webchat/index.js';
import { telegramConnector } from './telegram/index.js';
import { whatsappConnector } from './whatsapp/index.js';
import { vkConnector } from './vk/index.js';
import { rcsConnector } from './rcs/index.js';

export const connectors: AnyConnector[] = [
  webchatConnector,
  telegramConnector,
  whatsappConnector,
  vkConnector,
  rcsConnector,
];
