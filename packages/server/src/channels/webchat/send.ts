/**
 * @module channels/webchat/send
 * The visitor is connected to us, not to a provider: "sending" is accepting the message for the visitor's live
 * stream (it reaches the widget with the `sent` status event) and the history endpoint.
 */
import type { OutboundMessage, SendReceipt } from '../../channel-kit/index.js';

export function sendWebchat(message: OutboundMessage): Promise<SendReceipt> {
  return Promise.resolve({ providerMessageId: `wc_${message.id}` });
}
