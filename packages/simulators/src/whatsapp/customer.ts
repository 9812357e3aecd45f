// What simulated WhatsApp users do: write text, send media/location/contacts, tap reply buttons, list rows and
// template quick replies, react — each becomes a `messages` webhook and (re)opens the 24 h window (https://developers.facebook.com/docs/whatsapp/cloud-api/webhooks/components).
import { createHash } from 'node:crypto';
import type { SimClock } from '../clock.js';
import { statusErrorObject } from './graph-errors.js';
import { newWamid, type CustomerRecord, type PhoneRecord, type WhatsAppState } from './state.js';
import type { WaInboundMessage, WaVCard } from './types.js';
import type { WhatsAppWebhooks } from './webhook-delivery.js';

export interface CustomerInput {
  /** The customer's number (wa_id digits; `+` and spaces are ignored). */
  from: string;
  /** Business number that receives the message; default: the seeded phone number. */
  phoneNumberId?: string;
  /** Profile name shown in `contacts[].profile.name`. */
  profileName?: string;
  /** wamid of a message this one replies to (adds `context`). */
  replyTo?: string;
}

export interface InboundResult {
  wamid: string;
  message: WaInboundMessage;
}

export type InboundMediaType = 'image' | 'audio' | 'video' | 'document' | 'sticker';

export class WhatsAppCustomers {
  constructor(
    private readonly deps: { state: WhatsAppState; clock: SimClock; webhooks: WhatsAppWebhooks },
    private readonly defaultPhoneId: () => string | undefined,
  ) {}

  private phone(input: CustomerInput): PhoneRecord {
    const id = input.phoneNumberId ?? this.defaultPhoneId();
    if (!id) throw new Error('phoneNumberId is required (no default phone number)');
    return this.deps.state.requirePhone(id);
  }

  /** Context of a reply to a business message (or the customer's own earlier message). */
  private context(phone: PhoneRecord, replyTo: string | undefined): WaInboundMessage['context'] | undefined {
    if (!replyTo) return undefined;
    const out = this.deps.state.outbound.get(replyTo);
    if (out) return { from: phone.displayPhoneNumber, id: replyTo };
    const inb = this.deps.state.inbound.get(replyTo);
    if (inb) return { from: inb.from, id: replyTo };
    throw new Error(`unknown message ${replyTo}`);
  }

  private post(
    input: CustomerInput,
    build: (base: WaInboundMessage, phone: PhoneRecord, customer: CustomerRecord) => WaInboundMessage,
  ): InboundResult {
    const { state, clock, webhooks } = this.deps;
    const phone = this.phone(input);
    const customer = state.customer({ waId: input.from, profileName: input.profileName });
    const now = clock.now();
    const base: WaInboundMessage = {
      from: customer.waId,
      id: newWamid(customer.waId),
      timestamp: String(Math.floor(now / 1000)),
      type: 'text',
    };
    const context = this.context(phone, input.replyTo);
    const message = build(context ? { ...base, context } : base, phone, customer);
    customer.lastInboundAt.set(phone.id, now);
    state.inbound.set(message.id, {
      wamid: message.id,
      phoneNumberId: phone.id,
      from: customer.waId,
      message,
      at: now,
    });
    webhooks.emit({
      kind: 'message',
      phone,
      contact: { profile: { name: customer.profileName }, wa_id: customer.waId },
      message,
    });
    return { wamid: message.id, message };
  }

  sendText(input: CustomerInput & { text: string }): InboundResult {
    if (!input.text) throw new Error('text is required');
    return this.post(input, (m) => ({ ...m, type: 'text', text: { body: input.text } }));
  }

  sendMedia(
    input: CustomerInput & {
      type: InboundMediaType;
      bytes: Buffer;
      mimeType?: string;
      filename?: string;
      caption?: string;
      voice?: boolean;
    },
  ): InboundResult {
    const defaults: Record<InboundMediaType, string> = {
      image: 'image/jpeg',
      audio: input.voice ? 'audio/ogg; codecs=opus' : 'audio/mpeg',
      video: 'video/mp4',
      document: 'application/pdf',
      sticker: 'image/webp',
    };
    const mimeType = input.mimeType ?? defaults[input.type];
    return this.post(input, (m, phone) => {
      const media = this.deps.state.addMedia({
        phone,
        data: input.bytes,
        mimeType,
        filename: input.filename,
        origin: 'customer',
      });
      const obj: NonNullable<WaInboundMessage['image']> = {
        id: media.id,
        mime_type: mimeType,
        // webhooks carry the hash base64-encoded (GET /{media-id} answers it in hex)
        sha256: createHash('sha256').update(input.bytes).digest('base64'),
      };
      if (input.caption && (input.type === 'image' || input.type === 'video' || input.type === 'document'))
        obj.caption = input.caption;
      if (input.type === 'document') obj.filename = input.filename ?? 'document';
      if (input.type === 'audio') obj.voice = input.voice ?? false;
      if (input.type === 'sticker') obj.animated = false;
      return { ...m, type: input.type, [input.type]: obj };
    });
  }

  sendLocation(
    input: CustomerInput & { latitude: number; longitude: number; name?: string; address?: string; url?: string },
  ): InboundResult {
    return this.post(input, (m) => {
      const location: NonNullable<WaInboundMessage['location']> = {
        latitude: Number(input.latitude),
        longitude: Number(input.longitude),
      };
      if (input.name) location.name = input.name;
      if (input.address) location.address = input.address;
      if (input.url) location.url = input.url;
      return { ...m, type: 'location', location };
    });
  }

  sendContacts(input: CustomerInput & { contacts: WaVCard[] }): InboundResult {
    if (!Array.isArray(input.contacts) || input.contacts.length === 0)
      throw new Error('contacts must be a non-empty array');
    return this.post(input, (m) => ({ ...m, type: 'contacts', contacts: input.contacts }));
  }

  /** Taps a reply button of an interactive `button` message the business sent. */
  sendButtonReply(input: CustomerInput & { replyTo: string; id: string; title?: string }): InboundResult {
    const out = this.deps.state.outbound.get(input.replyTo);
    const buttons = (
      out?.request.interactive as
        { type?: string; action?: { buttons?: Array<{ reply?: { id?: string; title?: string } }> } } | undefined
    )?.action?.buttons;
    const button = buttons?.find((b) => b.reply?.id === input.id);
    if (!out || !button) throw new Error(`message ${input.replyTo} has no reply button ${input.id}`);
    return this.post(input, (m) => ({
      ...m,
      type: 'interactive',
      interactive: {
        type: 'button_reply',
        button_reply: { id: input.id, title: input.title ?? button.reply?.title ?? '' },
      },
    }));
  }

  /** Picks a row of an interactive `list` message the business sent. */
  sendListReply(input: CustomerInput & { replyTo: string; id: string }): InboundResult {
    const out = this.deps.state.outbound.get(input.replyTo);
    const sections = (
      out?.request.interactive as
        | { action?: { sections?: Array<{ rows?: Array<{ id?: string; title?: string; description?: string }> }> } }
        | undefined
    )?.action?.sections;
    const row = sections?.flatMap((s) => s.rows ?? []).find((r) => r.id === input.id);
    if (!out || !row) throw new Error(`message ${input.replyTo} has no list row ${input.id}`);
    return this.post(input, (m) => ({
      ...m,
      type: 'interactive',
      interactive: {
        type: 'list_reply',
        list_reply: {
          id: input.id,
          title: row.title ?? '',
          ...(row.description ? { description: row.description } : {}),
        },
      },
    }));
  }

  /** Taps a quick-reply button of a template message (`type: button`, https://developers.facebook.com/docs/whatsapp/cloud-api/webhooks/components). */
  sendTemplateButtonReply(input: CustomerInput & { replyTo: string; text: string; payload?: string }): InboundResult {
    const out = this.deps.state.outbound.get(input.replyTo);
    if (!out || out.type !== 'template') throw new Error(`${input.replyTo} is not a template message`);
    return this.post(input, (m) => ({
      ...m,
      type: 'button',
      button: { payload: input.payload ?? input.text, text: input.text },
    }));
  }

  /** Reacts to a message; an empty emoji removes the reaction (the `emoji` key is then omitted). */
  sendReaction(input: CustomerInput & { messageId: string; emoji: string }): InboundResult {
    if (!this.deps.state.outbound.has(input.messageId) && !this.deps.state.inbound.has(input.messageId))
      throw new Error(`unknown message ${input.messageId}`);
    return this.post({ ...input, replyTo: undefined }, (m) => ({
      ...m,
      type: 'reaction',
      reaction: { message_id: input.messageId, ...(input.emoji ? { emoji: input.emoji } : {}) },
    }));
  }

  /** A message type the Cloud API doesn't support (`type: unsupported` with a 131051 error). */
  sendUnsupported(input: CustomerInput): InboundResult {
    return this.post(input, (m) => ({
      ...m,
      type: 'unsupported',
      errors: [statusErrorObject(131051, 'Message type is currently not supported.', 'Message type unknown')],
    }));
  }
}
