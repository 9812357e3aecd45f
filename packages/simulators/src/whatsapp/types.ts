// WhatsApp Cloud API payload shapes the simulator produces: inbound messages, statuses and the webhook envelope
// (https://developers.facebook.com/docs/whatsapp/cloud-api/webhooks/components, https://developers.facebook.com/docs/whatsapp/cloud-api/reference/messages).

export interface WaContact {
  profile: { name: string };
  wa_id: string;
}

export interface WaMediaObject {
  id: string;
  mime_type: string;
  sha256: string;
  caption?: string;
  filename?: string;
  voice?: boolean;
  animated?: boolean;
}

export interface WaInboundMessage {
  from: string;
  id: string;
  timestamp: string;
  type: string;
  context?: { from: string; id: string };
  text?: { body: string };
  image?: WaMediaObject;
  audio?: WaMediaObject;
  video?: WaMediaObject;
  document?: WaMediaObject;
  sticker?: WaMediaObject;
  location?: { latitude: number; longitude: number; name?: string; address?: string; url?: string };
  contacts?: WaVCard[];
  interactive?:
    | { type: 'button_reply'; button_reply: { id: string; title: string } }
    | { type: 'list_reply'; list_reply: { id: string; title: string; description?: string } };
  button?: { payload: string; text: string };
  reaction?: { message_id: string; emoji?: string };
  errors?: WaErrorObject[];
}

export interface WaVCard {
  name: { formatted_name: string; first_name?: string; last_name?: string };
  phones?: Array<{ phone: string; wa_id?: string; type?: string }>;
  emails?: Array<{ email: string; type?: string }>;
  org?: { company?: string; title?: string };
  [key: string]: unknown;
}

/** An error inside a `failed` status or an `unsupported` message (https://developers.facebook.com/docs/whatsapp/cloud-api/webhooks/payload-examples#message-status-updates). */
export interface WaErrorObject {
  code: number;
  title: string;
  message: string;
  error_data: { details: string };
  href?: string;
}

export type WaStatusName = 'sent' | 'delivered' | 'read' | 'failed' | 'played';

export interface WaStatus {
  id: string;
  status: WaStatusName;
  timestamp: string;
  recipient_id: string;
  biz_opaque_callback_data?: string;
  conversation?: { id: string; expiration_timestamp?: string; origin: { type: string } };
  pricing?: { billable: boolean; pricing_model: 'CBP' | 'PMP'; category: string; type?: string };
  errors?: WaErrorObject[];
}

export interface WaMetadata {
  display_phone_number: string;
  phone_number_id: string;
}

export interface WaMessagesValue {
  messaging_product: 'whatsapp';
  metadata: WaMetadata;
  contacts?: WaContact[];
  messages?: WaInboundMessage[];
  statuses?: WaStatus[];
}

export interface WaTemplateStatusValue {
  event: string;
  message_template_id: number;
  message_template_name: string;
  message_template_language: string;
  reason: string | null;
}

export interface WaWebhookEnvelope {
  object: 'whatsapp_business_account';
  entry: Array<{
    id: string;
    changes: Array<{
      value: WaMessagesValue | WaTemplateStatusValue;
      field: 'messages' | 'message_template_status_update';
    }>;
  }>;
}

/** Template definition components, in the management API's format (`message_templates`). */
export interface WaTemplateComponent {
  type: 'HEADER' | 'BODY' | 'FOOTER' | 'BUTTONS';
  format?: 'TEXT' | 'IMAGE' | 'VIDEO' | 'DOCUMENT' | 'LOCATION';
  text?: string;
  buttons?: Array<{
    type: 'QUICK_REPLY' | 'URL' | 'PHONE_NUMBER' | 'COPY_CODE' | string;
    text?: string;
    url?: string;
    phone_number?: string;
    example?: unknown;
  }>;
  example?: unknown;
}

export type WaTemplateStatus =
  'APPROVED' | 'PENDING' | 'REJECTED' | 'PAUSED' | 'DISABLED' | 'IN_APPEAL' | 'PENDING_DELETION';
export type WaTemplateCategory = 'MARKETING' | 'UTILITY' | 'AUTHENTICATION';
