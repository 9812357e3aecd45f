/**
 * @module channels/whatsapp/verify — POST webhooks must carry X-Hub-Signature-256 = sha256=<hex HMAC-SHA256(app
 * secret, raw body)> (https://developers.facebook.com/docs/graph-api/webhooks/getting-started#event-notifications); GET is Meta's verification handshake, answered by parse (https://developers.facebook.com/docs/graph-api/webhooks/getting-started#verification-requests).
 * The check is the one every Meta channel shares (channel-kit/meta-webhook).
 */
import {
  META_SIGNATURE_HEADER,
  metaBodyEventKey,
  verifyMetaSignature,
  type Verdict,
  type WebhookRequest,
} from '../../channel-kit/index.js';
import type { WhatsAppConfig } from './config.js';

/** an HMAC of the body: kept with the raw event, it re-verifies the stored bytes and is no use for any other body */
export const SIGNATURE_HEADER = META_SIGNATURE_HEADER;

export function verifyWhatsApp(req: WebhookRequest, config: WhatsAppConfig): Verdict {
  return verifyMetaSignature(req, config.appSecret);
}

/**
 * Meta sends no delivery id; a retried POST carries the same bytes (https://developers.facebook.com/docs/graph-api/webhooks/getting-started#event-notifications, https://developers.facebook.com/docs/whatsapp/cloud-api/webhooks/components), so a digest of the body drops
 * byte-identical re-deliveries before they are stored again. Distinct events always differ (wamid, status, time).
 */
export function whatsappEventKey(req: WebhookRequest): string | undefined {
  return metaBodyEventKey(req, 'whatsapp-webhook-body');
}
