// Builds the `whatsapp_business_account` webhook envelope from events, merging consecutive events of one number
// into one change with several messages/statuses — the batching real deliveries do (https://developers.facebook.com/docs/graph-api/webhooks/getting-started#event-notifications, https://developers.facebook.com/docs/whatsapp/cloud-api/webhooks/payload-examples#message-status-updates).
import type { PhoneRecord } from './state.js';
import type {
  WaContact,
  WaInboundMessage,
  WaMessagesValue,
  WaStatus,
  WaTemplateStatusValue,
  WaWebhookEnvelope,
} from './types.js';

export type WhatsAppEvent =
  | { kind: 'message'; phone: PhoneRecord; contact: WaContact; message: WaInboundMessage }
  | { kind: 'status'; phone: PhoneRecord; status: WaStatus }
  | { kind: 'template_status'; wabaId: string; value: WaTemplateStatusValue };

export function eventWabaId(e: WhatsAppEvent): string {
  return e.kind === 'template_status' ? e.wabaId : e.phone.wabaId;
}

export function buildEnvelope(events: WhatsAppEvent[]): WaWebhookEnvelope {
  const envelope: WaWebhookEnvelope = { object: 'whatsapp_business_account', entry: [] };
  for (const e of events) {
    const wabaId = eventWabaId(e);
    let entry = envelope.entry.find((x) => x.id === wabaId);
    if (!entry) {
      entry = { id: wabaId, changes: [] };
      envelope.entry.push(entry);
    }
    if (e.kind === 'template_status') {
      entry.changes.push({ value: e.value, field: 'message_template_status_update' });
      continue;
    }
    const last = entry.changes.at(-1);
    const lastValue = last?.field === 'messages' ? (last.value as WaMessagesValue) : undefined;
    const sameKind =
      lastValue &&
      lastValue.metadata.phone_number_id === e.phone.id &&
      (e.kind === 'message' ? !!lastValue.messages : !!lastValue.statuses);
    let value: WaMessagesValue;
    if (sameKind && lastValue) {
      value = lastValue;
    } else {
      value = {
        messaging_product: 'whatsapp',
        metadata: { display_phone_number: e.phone.displayPhoneNumber, phone_number_id: e.phone.id },
      };
      if (e.kind === 'message') {
        value.contacts = [];
        value.messages = [];
      } else {
        value.statuses = [];
      }
      entry.changes.push({ value, field: 'messages' });
    }
    if (e.kind === 'message') {
      if (!value.contacts?.some((c) => c.wa_id === e.contact.wa_id)) value.contacts?.push(e.contact);
      value.messages?.push(e.message);
    } else {
      value.statuses?.push(e.status);
    }
  }
  return envelope;
}
