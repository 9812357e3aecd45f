/** @module channels/instagram/payloads — the webhook and Send API shapes are read by channel-kit/meta-messaging (shared with Messenger); this channel adds none of its own. */
export { OUR_ECHO_PREFIX } from '../../channel-kit/index.js';
