/**
 * @module channels/webchat/send
 * The visitor is connected to us, not to a provider: "sending" is accepting the message for the visitor's live
 * stream (it reaches the widget with the `sent` status event) and the history endpoint.
 */
import type { OutboundMessage, SendMap, SendReceipt } from '../../channel-kit/index.js';
import type { WebchatConfig } from './config.js';

export function sendWebchat(message: OutboundMessage): Promise<SendReceipt> {
  return Promise.resolve({ providerMessageId: `wc_${message.id}` });
}

/** what the widget renders: text, files and reply buttons */
export const webchatSend: SendMap<WebchatConfig> = {
  text: sendWebchat,
  image: sendWebchat,
  audio: sendWebchat,
  video: sendWebchat,
  document: sendWebchat,
  interactive: sendWebchat,
};
