/**
 * @module channels/whatsapp-onpremise/parse — a verified Coreapp webhook → normalized events. The body is flat
 * (https://developers.facebook.com/docs/whatsapp/on-premises/webhooks): top-level `contacts` + `messages`,
 * `statuses`, or `errors`, no `object`/`entry`/`changes`. Every message and status of a body is read with the same
 * code as the Cloud API's (channel-kit/whatsapp-business); `errors` are the Coreapp's own trouble, kept as ignored
 * with their codes. Pure and deterministic.
 */
import {
  whatsappErrorMessage,
  whatsappMessageEvent,
  whatsappNames,
  whatsappStatusEvent,
  type WebhookOutcome,
  type WebhookRequest,
} from '../../channel-kit/index.js';
import { InboundEventSchema, type InboundEvent } from '../../model/index.js';
import type { WhatsAppOnPremConfig } from './config.js';
import { coreappErrorSchema, flatWebhookSchema } from './payloads.js';

/** our own address as the `to` of inbound messages: the configured number, else the Coreapp's url host */
function ourAddress(config: WhatsAppOnPremConfig): string {
  if (config.phoneNumber) return config.phoneNumber.replace(/^\+/, '');
  try {
    return new URL(config.baseUrl).host;
  } catch {
    return 'coreapp';
  }
}

export function parseWhatsAppOnPrem(req: WebhookRequest, config: WhatsAppOnPremConfig): WebhookOutcome {
  if (req.method !== 'POST') return { kind: 'ignored', reason: 'the Coreapp only POSTs webhooks' };
  let json: unknown;
  try {
    json = JSON.parse(req.rawBody.toString('utf8'));
  } catch {
    return { kind: 'ignored', reason: 'body is not JSON' };
  }
  const body = flatWebhookSchema.safeParse(json);
  if (!body.success || typeof json !== 'object' || json === null || Array.isArray(json))
    return { kind: 'ignored', reason: 'not a Coreapp webhook body' };
  const { contacts, messages = [], statuses = [] } = body.data;
  const names = whatsappNames(contacts);
  const to = ourAddress(config);
  const events: InboundEvent[] = [];
  for (const raw of messages) {
    const e = whatsappMessageEvent(raw, to, names);
    if (e && InboundEventSchema.safeParse(e).success) events.push(e);
  }
  for (const raw of statuses) {
    const e = whatsappStatusEvent(raw);
    if (e && InboundEventSchema.safeParse(e).success) events.push(e);
  }
  if (events.length > 0) return { kind: 'events', events };
  const errors = coreappErrorSchema.safeParse(json);
  if (errors.success)
    return {
      kind: 'ignored',
      reason: `Coreapp errors: ${errors.data.errors.map((e) => whatsappErrorMessage(e)).join('; ')}`.slice(0, 500),
    };
  return { kind: 'ignored', reason: 'no message or status we model' };
}
