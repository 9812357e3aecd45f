/**
 * @module model/inbound
 * What a connector's parse() turns a provider update into: normalized inbound events.
 */
import { z } from 'zod';
import { ContentSchema } from './content.js';
import { StatusDetailSchema } from './message.js';
import { CALL_STATES, CallDirectionSchema } from './call.js';

export const InboundMessageEventSchema = z.object({
  kind: z.literal('message'),
  /** provider's id for the message; with the connection it is the dedup key */
  providerMessageId: z.string().min(1),
  /** the customer's address on this channel (phone, chat id, visitor id, email) */
  from: z.object({
    address: z.string().min(1),
    name: z.string().optional(),
    // webchat: what the customer told us about themselves (the offline form's email), merged into the contact
    attributes: z.record(z.string(), z.string()).optional(),
  }),
  /** our address the customer wrote to (business phone number id, bot username, …) */
  to: z.string().optional(),
  /** separates conversations beyond the contact, e.g. a Telegram group chat; absent = one thread per contact */
  threadKey: z.string().optional(),
  content: ContentSchema,
  timestamp: z.string(),
  /** an edit of an earlier message with the same providerMessageId (Telegram edited_message) */
  edit: z.boolean().optional(),
  /**
   * one part of a message the provider delivers in pieces (a concatenated SMS): the hub keeps the parts and writes
   * the message once all `total` arrived, texts joined in `index` order (core/inbound/message-parts.ts)
   */
  part: z
    .object({
      group: z.string().min(1).max(200),
      index: z.number().int().min(1),
      total: z.number().int().min(2).max(255),
    })
    .refine((p) => p.index <= p.total, 'index within total')
    .optional(),
  /**
   * the provider recognised a consent keyword itself and already answered it (Twilio Advanced Opt-Out's
   * `OptOutType`): the hub records it, whatever the connection's own keywords, and sends no answer of its own
   */
  providerConsent: z
    .object({ kind: z.enum(['opt_out', 'opt_in', 'help']), keyword: z.string().min(1).max(64) })
    .optional(),
  /**
   * the customer deleted (unsent) their earlier message with this providerMessageId (Instagram `is_deleted`): the
   * stored message is marked deleted and its content dropped; `content` is what the inbox shows instead
   */
  deleted: z.boolean().optional(),
  /**
   * the business wrote this itself from another tool (Messenger echoes of the Page inbox): stored as an outbound
   * message, `from.address` naming the customer it went to, so the conversation is complete; never routed
   */
  echo: z.boolean().optional(),
  /** stored but not routed: another app owns the thread (Messenger standby), so nobody here answers it */
  passive: z.boolean().optional(),
  /**
   * provider ids of earlier messages this one answers, nearest first (mail In-Reply-To, then References from the
   * newest): when no open conversation has the event's threadKey, the sender's conversation holding one of them
   * takes it
   */
  threadRefs: z.array(z.string().min(1).max(998)).max(100).optional(),
  /**
   * the normalised subject of a mail ("Re:" stripped): a new conversation carries it, and a mail that names no known
   * message joins the sender's conversation of the same subject active within the last 30 days
   */
  subject: z.string().max(998).optional(),
  /**
   * sent by a machine (an RFC 3834 auto-reply, an out-of-office, list or bulk mail): stored and routed to people,
   * but never answered by agents, flows or auto-reply rules, so two robots cannot loop
   */
  automated: z.boolean().optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
});
export type InboundMessageEvent = z.infer<typeof InboundMessageEventSchema>;

export const InboundStatusEventSchema = z.object({
  kind: z.literal('status'),
  providerMessageId: z.string().min(1),
  status: z.enum(['sent', 'delivered', 'read', 'failed']),
  detail: StatusDetailSchema.optional(),
  timestamp: z.string(),
  /**
   * a watermark (Messenger delivery/read): every outbound message to this customer sent up to `timestamp` moves
   * to `status` (forward only); `providerMessageId` then only names the receipt
   */
  watermarkFor: z.string().min(1).optional(),
});
export type InboundStatusEvent = z.infer<typeof InboundStatusEventSchema>;

export const InboundTypingEventSchema = z.object({
  kind: z.literal('typing'),
  from: z.object({ address: z.string().min(1) }),
  threadKey: z.string().optional(),
  timestamp: z.string(),
});

/**
 * the conversation changed at the provider, by someone other than this hub: a provider that is itself an inbox
 * (Intercom) closed it or assigned it to one of its teammates. Reflected on the open conversation of the customer's
 * thread (core/conversations/provider-state.ts); nothing is sent back.
 */
export const InboundConversationEventSchema = z.object({
  kind: z.literal('conversation'),
  from: z.object({ address: z.string().min(1) }),
  threadKey: z.string().optional(),
  change: z.enum(['closed', 'assigned']),
  /** who did it at the provider */
  by: z.object({ id: z.string().optional(), name: z.string().optional() }).optional(),
  /** assigned: the provider's assignee (null: unassigned) */
  assignee: z
    .object({ id: z.string().min(1), type: z.string().optional() })
    .nullable()
    .optional(),
  timestamp: z.string(),
});
export type InboundConversationEvent = z.infer<typeof InboundConversationEventSchema>;

/**
 * what the provider told about a customer without a message (a Messenger referral: they opened the thread from an
 * m.me link or an ad): the contact is found or created and the attributes merged into it; no conversation, no message
 */
export const InboundContactEventSchema = z.object({
  kind: z.literal('contact'),
  from: z.object({
    address: z.string().min(1),
    attributes: z.record(z.string(), z.string()),
  }),
  timestamp: z.string(),
});
export type InboundContactEvent = z.infer<typeof InboundContactEventSchema>;

/**
 * the customer allowed or refused the business's messages at the provider itself (VK `message_allow` /
 * `message_deny`): recorded as their consent on the channel type, so sends while refused answer 422 OPTED_OUT
 */
export const InboundConsentEventSchema = z.object({
  kind: z.literal('consent'),
  from: z.object({ address: z.string().min(1) }),
  consent: z.enum(['opt_out', 'opt_in']),
  timestamp: z.string(),
});
export type InboundConsentEvent = z.infer<typeof InboundConsentEventSchema>;

/**
 * a phone call began or moved on at the provider (an incoming call, a status callback): written as the `call` record
 * of the call's conversation (core/conversations/call-writer.ts), its state forward only
 */
export const InboundCallEventSchema = z.object({
  kind: z.literal('call'),
  /** the provider's id of the call (Twilio CallSid); with the connection it is the call's key */
  providerCallId: z.string().min(1).max(200),
  direction: CallDirectionSchema,
  /** the customer's number (the caller of an inbound call, the callee of an outbound one) */
  customer: z.object({ address: z.string().min(1), name: z.string().optional() }),
  /** our number on the call */
  business: z.string().min(1),
  /** the call's conversation thread; absent = the call id (one conversation per call) */
  threadKey: z.string().optional(),
  state: z.enum(CALL_STATES),
  timestamp: z.string(),
  /** seconds the provider billed as talking time, when it said */
  durationSeconds: z.number().int().min(0).optional(),
  answeredBy: z.string().max(200).optional(),
  hangupCause: z.string().max(500).optional(),
});
export type InboundCallEvent = z.infer<typeof InboundCallEventSchema>;

export const InboundEventSchema = z.discriminatedUnion('kind', [
  InboundMessageEventSchema,
  InboundStatusEventSchema,
  InboundTypingEventSchema,
  InboundConversationEventSchema,
  InboundContactEventSchema,
  InboundConsentEventSchema,
  InboundCallEventSchema,
]);
export type InboundEvent = z.infer<typeof InboundEventSchema>;
