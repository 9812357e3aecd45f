/** @module channels/instagram/send — text, quick replies and the generic template through the kit's Send API body (https://developers.facebook.com/docs/instagram-platform/instagram-api-with-facebook-login/messaging-api). */
import { metaSend, type SendHandler, type SendMap } from '../../channel-kit/index.js';
import type { ContentType } from '../../model/index.js';
import { accountTarget } from './api.js';
import type { InstagramConfig } from './config.js';

const via =
  <T extends ContentType>(): SendHandler<InstagramConfig, T> =>
  (message, ctx) =>
    metaSend(accountTarget(ctx.config), message, ctx);

export const instagramSend: SendMap<InstagramConfig> = {
  text: via(),
  image: via(),
  interactive: via(),
  cards: via(),
};
