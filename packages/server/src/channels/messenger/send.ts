/** @module channels/messenger/send — one handler per content type, all through the kit's Send API body (https://developers.facebook.com/docs/messenger-platform/reference/send-api). */
import { metaSend, type SendHandler, type SendMap } from '../../channel-kit/index.js';
import type { ContentType } from '../../model/index.js';
import { pageTarget } from './api.js';
import type { MessengerConfig } from './config.js';

const via =
  <T extends ContentType>(): SendHandler<MessengerConfig, T> =>
  (message, ctx) =>
    metaSend(pageTarget(ctx.config), message, ctx);

export const messengerSend: SendMap<MessengerConfig> = {
  text: via(),
  image: via(),
  audio: via(),
  video: via(),
  document: via(),
  interactive: via(),
  cards: via(),
};
