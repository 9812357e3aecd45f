/**
 * @module channels/whatsapp/parse — a verified Cloud API webhook → normalized events (https://developers.facebook.com/docs/graph-api/webhooks/getting-started#verification-requests, https://developers.facebook.com/docs/whatsapp/cloud-api/webhooks/components,
 * https://developers.facebook.com/docs/whatsapp/cloud-api/webhooks/payload-examples#message-status-updates). Pure and deterministic. Every entry, change, message and status of a batch is read; types and fields we
 * do not model are skipped, never thrown.
 */
import {
  metaHandshake,
  whatsappMessageEvent,
  whatsappNames,
  whatsappStatusEvent,
  type WebhookOutcome,
  type WebhookRequest,
} from '../../channel-kit/index.js';
import type { InboundEvent } from '../../model/index.js';
import { InboundEventSchema } from '../../model/index.js';
import type { WhatsAppConfig } from './config.js';
import { waEnvelopeSchema, waMessagesValueSchema } from './payloads.js';

/** GET ?hub.mode=subscribe&hub.verify_token=…&hub.challenge=… → 200 with the raw challenge, else 403 (https://developers.facebook.com/docs/graph-api/webhooks/getting-started#verification-requests); shared by every Meta channel */
function handshake(req: WebhookRequest, config: WhatsAppConfig): WebhookOutcome {
  return metaHandshake(req, config.verifyToken);
}

export function parseWhatsApp(req: WebhookRequest, config: WhatsAppConfig): WebhookOutcome {
  if (req.method === 'GET') return handshake(req, config);
  let json: unknown;
  try {
    json = JSON.parse(req.rawBody.toString('utf8'));
  } catch {
    return { kind: 'ignored', reason: 'body is not JSON' };
  }
  const envelope = waEnvelopeSchema.safeParse(json);
  if (!envelope.success) return { kind: 'ignored', reason: 'not a whatsapp_business_account webhook' };
  const events: InboundEvent[] = [];
  const skipped = new Set<string>();
  for (const entry of envelope.data.entry) {
    for (const change of entry.changes) {
      if (change.field !== 'messages') {
        skipped.add(change.field);
        continue;
      }
      const value = waMessagesValueSchema.safeParse(change.value);
      if (!value.success) continue;
      const { metadata, contacts = [], messages = [], statuses = [] } = value.data;
      // a sender whose `from` differs from its `wa_id` (number aliases) still gets the name when only one contact is listed
      const names = whatsappNames(contacts);
      for (const raw of messages) {
        const e = whatsappMessageEvent(raw, metadata.phone_number_id, names);
        if (e && InboundEventSchema.safeParse(e).success) events.push(e);
      }
      for (const raw of statuses) {
        const e = whatsappStatusEvent(raw);
        if (e && InboundEventSchema.safeParse(e).success) events.push(e);
      }
    }
  }
  if (events.length > 0) return { kind: 'events', events };
  return {
    kind: 'ignored',
    reason:
      skipped.size > 0
        ? `no messages or statuses (fields: ${[...skipped].sort().join(', ')})`
        : 'no message or status we model',
  };
}
