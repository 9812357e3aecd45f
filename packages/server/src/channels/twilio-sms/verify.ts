/**
 * @module channels/twilio-sms/verify — X-Twilio-Signature on every webhook, checked by the kit's Twilio signature
 * (channel-kit/twilio.ts, https://www.twilio.com/docs/usage/webhooks/webhooks-security), and the dedup key of a
 * webhook: its MessageSid, or (MessageSid, MessageStatus) for a status callback.
 */
import {
  formParams,
  TWILIO_SIGNATURE_HEADER,
  verifyTwilioSignature,
  type Verdict,
  type WebhookRequest,
} from '../../channel-kit/index.js';
import type { TwilioSmsConfig } from './config.js';

export const SIGNATURE_HEADER = TWILIO_SIGNATURE_HEADER;

export function verifyTwilio(req: WebhookRequest, config: TwilioSmsConfig): Verdict {
  return verifyTwilioSignature(req, config.authToken);
}

/** Twilio retries a webhook with the same MessageSid; a status callback is one per (MessageSid, MessageStatus) */
export function twilioEventKey(req: WebhookRequest): string | undefined {
  const params = formParams(req);
  const sid = params.get('MessageSid')?.[0];
  if (!sid) return undefined;
  const status = params.get('MessageStatus')?.[0];
  return status ? `status:${sid}:${status}` : `message:${sid}`;
}
