/** @module channels/messenger/payloads — the webhook and Send API shapes are read by channel-kit/meta-messaging (shared with Instagram); this channel adds none of its own. */
export { OUR_ECHO_PREFIX } from '../../channel-kit/index.js';
