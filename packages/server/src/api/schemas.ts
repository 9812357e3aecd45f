/**
 * @module api/schemas
 * The REST API's schemas. The same zod objects validate requests and generate the OpenAPI 3.1 document.
 */
import { z } from 'zod';
import { ADDRESS_KINDS } from '../channel-kit/index.js';
import { ContentSchema, MessageSchema } from '../model/index.js';
import { CONNECTION_STATUSES } from '../core/ports/index.js';
import { OpeningRangeSchema } from '../channel-kit/operating-hours.js';

/**
 * How deep and how large free-form JSON (message metadata, contact attributes, connection and agent config) may be.
 * Everything accepted is later serialized with the recursive JSON.stringify — in the store, events, logs and
 * answers — which throws a RangeError (a 500, and a poisoned row) a few thousand levels down; JSON.parse, which
 * Fastify's body parser runs, copes with any depth. Real metadata is a handful of levels deep.
 */
export const JSON_MAX_DEPTH = 32;

/**
 * Why `value` exceeds the bounds (the first reason found), or undefined. Walks with an explicit stack (never
 * recursion, which the input would overflow) and stops at the first level or byte over the limit, so a hostile
 * body costs at most maxDepth levels or maxBytes of work. Sizes are those of the value's JSON text.
 */
export function jsonBoundsIssue(value: unknown, maxDepth: number, maxBytes: number): string | undefined {
  const stack: Array<{ v: unknown; depth: number }> = [{ v: value, depth: 1 }];
  let bytes = 0;
  for (let item = stack.pop(); item; item = stack.pop()) {
    const { v, depth } = item;
    if (v !== null && typeof v === 'object') {
      if (depth > maxDepth) return `nested deeper than ${maxDepth} levels`;
      const children = Array.isArray(v) ? (v as unknown[]) : Object.entries(v as Record<string, unknown>);
      bytes += 2 + Math.max(0, children.length - 1); // brackets and commas
      for (const child of children) {
        if (Array.isArray(v)) stack.push({ v: child, depth: depth + 1 });
        else {
          const [key, inner] = child as [string, unknown];
          bytes += JSON.stringify(key).length + 1;
          stack.push({ v: inner, depth: depth + 1 });
        }
      }
    } else if (typeof v === 'string') bytes += JSON.stringify(v).length;
    else bytes += String(v).length; // numbers, booleans, null
    if (bytes > maxBytes) return `larger than ${maxBytes} bytes as JSON`;
  }
  return undefined;
}

/**
 * The one schema for free-form JSON objects in requests: a record of anything, refused (400, with the reason) when
 * nested deeper than JSON_MAX_DEPTH or larger than maxBytes.
 */
export function jsonObject(maxBytes: number) {
  return z.record(z.string(), z.unknown()).superRefine((value, ctx) => {
    const issue = jsonBoundsIssue(value, JSON_MAX_DEPTH, maxBytes);
    if (issue) ctx.addIssue({ code: 'custom', message: issue });
  });
}
/** message metadata and contact attributes */
export const METADATA_MAX_BYTES = 16 * 1024;
/** connection and agent configuration (a flow agent's whole flow lives here) */
export const CONFIG_MAX_BYTES = 256 * 1024;

export const ErrorSchema = z
  .object({ error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }) })
  .meta({ id: 'Error' });

export const PageQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(100).optional(),
});

export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ data: z.array(item), nextCursor: z.string().nullable() });

export const IdParams = z.object({ id: z.string().min(1).max(100) });

export const HealthStateSchema = z.enum(['healthy', 'warning', 'failing']);
export const ConnectionHealthSchema = z
  .object({
    state: HealthStateSchema.describe('the worst state of the checks'),
    checks: z.array(
      z.object({
        name: z
          .string()
          .describe(
            'webhook, pending_updates, account, long_poll, token_expiry, data_access, provider, first_message, outbound_errors, …',
          ),
        state: HealthStateSchema,
        detail: z.string().describe("what was found, in the provider's words where it said something, and the fix"),
        checkedAt: z.string(),
        expiresAt: z.string().optional().describe("a credential's end, when the check is about one"),
        stage: z
          .string()
          .optional()
          .describe(
            "where the check stands within its state (a credential's 14d, then 3d warning); a move is an event",
          ),
      }),
    ),
    updatedAt: z.string(),
  })
  .meta({ id: 'ConnectionHealth' });

export const ConnectionHealthSummarySchema = z
  .object({
    connectionId: z.string(),
    name: z.string(),
    type: z.string(),
    status: z.enum(CONNECTION_STATUSES),
    health: ConnectionHealthSchema.nullable(),
    lastInboundAt: z.string().nullable(),
    lastOutboundAt: z.string().nullable(),
    lastHour: z.object({
      outbound: z.number().int().describe('outbound messages created in the last hour'),
      outboundTrouble: z.number().int().describe('of those: failed, or waiting for a retry after a provider error'),
      errorRate: z.number().describe('outboundTrouble / outbound (0 without outbound)'),
      providerCalls: z.number().int().describe("send calls to the provider in the last hour, every process's"),
      rateLimited: z.number().int().describe('of those: answered 429 (rate limited)'),
      serverErrors: z.number().int().describe('of those: a 5xx answer, a timeout or no answer'),
      latencyP50Ms: z.number().nullable().describe("the provider's answer time, median (null without calls)"),
      latencyP95Ms: z.number().nullable().describe("the provider's answer time, 95th percentile"),
    }),
    hourly: z
      .array(z.object({ hour: z.string(), inbound: z.number().int(), outbound: z.number().int() }))
      .describe('messages per hour over the last 24 hours, oldest first, each hour by its start'),
  })
  .meta({ id: 'ConnectionHealthSummary' });

export const ConnectionSchema = z
  .object({
    id: z.string(),
    type: z.string(),
    name: z.string(),
    description: z.string(),
    status: z.enum(CONNECTION_STATUSES),
    statusReason: z.string().nullable(),
    deprecated: z.boolean(),
    webhookUrl: z.string(),
    config: z.record(z.string(), z.unknown()).describe('secret fields are masked as "********"'),
    createdAt: z.string(),
    updatedAt: z.string(),
    health: ConnectionHealthSchema.nullable()
      .optional()
      .describe(
        'beside the status (a RUNNING connection stays RUNNING): what the provider and the messages say; null for a connection never checked and not running; in GET answers',
      ),
  })
  .meta({ id: 'Connection' });

export const CreateConnectionSchema = z.object({
  type: z.string().min(1),
  name: z.string().min(1).max(200),
  description: z.string().max(2000).optional(),
  config: jsonObject(CONFIG_MAX_BYTES).default({}),
  deprecated: z.boolean().optional(),
});

export const UpdateConnectionSchema = z.object({
  name: z.string().min(1).max(200).optional(),
  description: z.string().max(2000).optional(),
  config: jsonObject(CONFIG_MAX_BYTES)
    .optional()
    .describe('partial: omitted fields and masked secrets keep their value; a new secret value replaces it (rotation)'),
  deprecated: z.boolean().optional(),
});

export const ConnectionLogSchema = z
  .object({ id: z.string(), level: z.string(), event: z.string(), message: z.string(), at: z.string() })
  .meta({ id: 'ConnectionLog' });

export const ConnectorTypeSchema = z
  .object({
    type: z.string(),
    displayName: z.string(),
    description: z.string(),
    addressKind: z
      .enum(ADDRESS_KINDS)
      .describe(
        'what a customer address on this channel is: a phone number (normalized to E.164), an email address, or an opaque provider id kept as sent',
      ),
    needsCredentials: z
      .boolean()
      .describe(
        'an admin brings secrets from the provider (a bot token, an access token); false: the hub generates what it needs',
      ),
    capabilities: z.record(z.string(), z.unknown()),
    features: z
      .array(z.string())
      .describe(
        'the optional abilities the connector holds (typing, templates, internalNotes, health, …): what the app offers on this channel beyond its content types',
      ),
    configSchema: z.record(z.string(), z.unknown()),
    canCheck: z
      .boolean()
      .describe('POST /connections/{id}/check reports each of the provider\'s servers\' answers ("Test connection")'),
  })
  .meta({ id: 'ConnectorType' });

export const ConnectionChecksSchema = z
  .object({
    checks: z.array(
      z.object({
        name: z.string().describe('which server: IMAP, SMTP'),
        ok: z.boolean(),
        answer: z.string().describe("the server's answer, or what went wrong"),
      }),
    ),
  })
  .meta({ id: 'ConnectionChecks' });

export const ContactSchema = z
  .object({
    id: z.string(),
    name: z.string().nullable(),
    attributes: z.record(z.string(), z.unknown()),
    createdAt: z.string(),
    updatedAt: z.string(),
    identities: z
      .array(
        z.object({ id: z.string(), channelType: z.string(), address: z.string(), connectionId: z.string().nullable() }),
      )
      .optional(),
    tags: z.array(z.string()).optional().describe("the contact's own tags (filter the list with ?tag=)"),
  })
  .meta({ id: 'Contact' });

const TagsSchema = z.array(z.string().trim().min(1).max(64)).max(50);

export const NewIdentitySchema = z.object({
  channelType: z.string().min(1).max(64),
  address: z
    .string()
    .min(1)
    .max(320)
    .describe("normalized by the channel type's address kind (E.164 for phones, the domain lower-cased for emails)"),
  connectionId: z
    .string()
    .min(1)
    .max(100)
    .optional()
    .describe('a connection of this channel type whose defaultRegion reads a national phone number'),
});

export const CreateContactSchema = z.object({
  name: z.string().max(200).nullable().optional(),
  attributes: jsonObject(METADATA_MAX_BYTES).optional(),
  tags: TagsSchema.optional(),
  identities: z.array(NewIdentitySchema).max(20).optional(),
});

export const UpdateContactSchema = z.object({
  name: z.string().max(200).nullable().optional(),
  attributes: jsonObject(METADATA_MAX_BYTES)
    .optional()
    .describe('merged into the stored attributes: a key set to null is removed, omitted keys keep their value'),
  tags: TagsSchema.optional().describe('replaces the tags'),
});

export const MergeContactSchema = z.object({
  otherContactId: z.string().min(1).max(100).describe('the contact merged away (it answers 301 afterwards)'),
});

export const DuplicateReasonSchema = z.object({
  kind: z.enum(['phone', 'email', 'name']),
  value: z.string().describe('the normalized phone number or email both share, or the name'),
});

export const ConversationSchema = z
  .object({
    id: z.string(),
    contactId: z.string(),
    connectionId: z.string(),
    channelType: z.string(),
    address: z.string(),
    threadKey: z.string().nullable(),
    subject: z
      .string()
      .nullable()
      .describe('a mail thread\'s subject ("Re:" stripped); null on channels without subjects'),
    status: z.enum(['open', 'pending', 'resolved']),
    assigneeId: z.string().nullable(),
    senderAddress: z.string().nullable(),
    window: z
      .object({
        expiresAt: z.string(),
        open: z.boolean(),
        awaitingReply: z.boolean(),
        templateSentAt: z
          .string()
          .nullable()
          .describe(
            "when the business-initiated template the customer has not answered yet was sent (null when none waits); another can be sent once the channel's window hours have passed since",
          ),
        humanAgentExpiresAt: z
          .string()
          .nullable()
          .optional()
          .describe(
            "channels with a human-agent extension (Messenger, Instagram): until when a human operator's reply may still go",
          ),
        humanAgentOnly: z
          .boolean()
          .optional()
          .describe("the standard window is closed and only a human operator's reply may go (sent with HUMAN_AGENT)"),
      })
      .nullable()
      .describe('the provider customer-service window, where the channel has one'),
    lastMessageAt: z.string().nullable(),
    lastMessagePreview: z.string().nullable(),
    unreadCount: z.number(),
    createdAt: z.string(),
    updatedAt: z.string(),
    handler: z
      .enum(['agent', 'human'])
      .nullable()
      .describe('who answers: an agent, or humans (the agent stays silent); null before routing'),
    agentId: z.string().nullable(),
    teamId: z.string().nullable().describe('the team inbox it sits in'),
    tags: z.array(z.string()),
  })
  .meta({ id: 'Conversation' });

export const ContactQuerySchema = PageQuerySchema.extend({
  tag: z.string().min(1).max(64).optional().describe('only contacts with this tag'),
  q: z
    .string()
    .max(320)
    .optional()
    .describe(
      "finds contacts by name, by any spelling of a phone number (+49 151 …, 0049…, national in a phone connection's defaultRegion), by another identity address or part of one, or by email",
    ),
});

/** one identity's opt-out state (core/consent); identities that never opted out or in have none */
export const ConsentSchema = z
  .object({
    channelType: z.string(),
    address: z.string(),
    optedOut: z.boolean(),
    optedOutAt: z.string().nullable().describe('when the address last opted out'),
    source: z.enum(['keyword', 'api', 'import', 'operator', 'provider']).describe('how the consent was last set'),
    keyword: z.string().nullable().describe('the keyword the customer wrote (source keyword)'),
    updatedAt: z.string(),
  })
  .meta({ id: 'Consent' });

export const Contact360Schema = ContactSchema.extend({
  conversations: z
    .array(ConversationSchema)
    .describe("the contact's conversations on every channel, most recent first"),
  consent: z
    .array(ConsentSchema)
    .describe("opt-outs (and opt-ins after one) of the contact's identities, by channel type"),
}).meta({ id: 'Contact360' });

export const ContactMergeResultSchema = z
  .object({
    contact: Contact360Schema,
    conflicts: z
      .record(z.string(), z.unknown())
      .describe("the merged-away contact's attribute values the survivor's overrode (also kept in the timeline)"),
  })
  .meta({ id: 'ContactMergeResult' });

export const ContactDuplicatesSchema = z
  .object({
    data: z.array(
      z.object({
        contact: ContactSchema,
        reasons: z.array(DuplicateReasonSchema).min(1),
      }),
    ),
  })
  .meta({ id: 'ContactDuplicates' });

export const ContactErasedSchema = z
  .object({ erased: z.literal(true), messages: z.number(), conversations: z.number() })
  .meta({ id: 'ContactErased' });

export const MergedContactSchema = z
  .object({ mergedInto: z.string().describe('the contact this one was merged into') })
  .meta({ id: 'MergedContact' });

export const ConversationQuerySchema = PageQuerySchema.extend({
  contactId: z.string().optional(),
  connectionId: z.string().optional(),
  status: z.enum(['open', 'pending', 'resolved']).optional(),
  q: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .optional()
    .describe(
      "conversations one of whose messages says this (case-insensitive, part of a word too): a text, a caption, or the transcript of a call's utterance or a voice message",
    ),
});

export const UpdateConversationSchema = z.object({
  status: z.enum(['open', 'pending', 'resolved']).optional(),
  assigneeId: z.string().nullable().optional(),
  markRead: z.boolean().optional(),
  returnToAgent: z
    .boolean()
    .optional()
    .describe(
      'with status "resolved": the agent gets the conversation back; without, the contact\'s next conversation (within 24 h) continues with humans',
    ),
});

export const MessageOut = MessageSchema.meta({ id: 'Message' });
/** how a text travels over SMS (channel-kit/sms.ts), on channels whose capabilities say `smsSegments` */
export const SmsSegmentsSchema = z
  .object({
    encoding: z.enum(['GSM-7', 'UCS-2']).describe('GSM-7: 160 characters per SMS (153 per part); UCS-2: 70 (67)'),
    count: z.number().int().nonnegative().describe('how many SMS segments the text is sent and billed as'),
    characters: z.number().int().nonnegative(),
    perSegment: z.number().int().positive().describe('characters one segment holds in this encoding'),
    unicodeCharacters: z.array(z.string()).describe('the characters that forced UCS-2'),
  })
  .meta({ id: 'SmsSegments' });
/** a message just queued; on SMS channels with the segments its text costs */
export const QueuedMessageOut = MessageSchema.extend({ segments: SmsSegmentsSchema.optional() }).meta({
  id: 'QueuedMessage',
});

export const ContactExportSchema = z
  .object({
    contact: ContactSchema,
    identities: z.array(
      z.object({
        id: z.string(),
        channelType: z.string(),
        address: z.string(),
        connectionId: z.string().nullable(),
        createdAt: z.string(),
      }),
    ),
    conversations: z
      .array(ConversationSchema.extend({ messages: z.array(MessageOut) }))
      .describe("every conversation with every message; media appear as the hub's own URLs in the content"),
    exportedAt: z.string(),
  })
  .meta({ id: 'ContactExport' });

export const TemplateInputSchema = z.object({
  name: z.string().min(1),
  language: z.string().min(1),
  variables: z.record(z.string(), z.string()).optional(),
});

export const SendToConversationSchema = z.object({
  content: ContentSchema.optional(),
  template: TemplateInputSchema.optional(),
  metadata: jsonObject(METADATA_MAX_BYTES).optional(),
  subject: z
    .string()
    .trim()
    .min(1)
    .max(998)
    .optional()
    .describe('mail: the subject of a thread this message starts (replies keep "Re: <the thread\'s subject>")'),
  cc: z
    .array(z.email())
    .max(50)
    .optional()
    .describe('mail: addresses in copy (stored as metadata.cc); other channels ignore it'),
});
export const PreviewRequestSchema = z.object({ content: ContentSchema });
/** what the customer will receive for some content on the conversation's channel (core/degradation) */
export const DeliveryPreviewSchema = z
  .object({
    channelType: z.string(),
    channelName: z.string(),
    /** the messages that will go out, in order (empty: nothing is sent, e.g. a reaction the channel cannot show) */
    parts: z.array(ContentSchema),
    /** the transformations applied, as stored in the sent message's metadata.degraded */
    degraded: z.array(
      z.enum([
        'buttons_as_text',
        'list_as_text',
        'cards_as_text',
        'text_split',
        'media_as_link',
        'location_as_text',
        'contact_as_text',
        'reaction_dropped',
      ]),
    ),
    /** the numbered options offered as text: a customer typing `n` or the title answers with `id` */
    choices: z
      .array(
        z.object({
          n: z.number().int(),
          id: z.string(),
          title: z.string(),
          kind: z.enum(['button_reply', 'list_reply']),
        }),
      )
      .optional(),
    /** one sentence for the composer ("On SMS the buttons arrive as numbered text options."), empty when unchanged */
    note: z.string(),
    /** on SMS channels: the encoding and segments of the (first) message's text */
    segments: SmsSegmentsSchema.optional(),
    /** on SMS channels: the most characters one message takes (longer is refused with 400) */
    maxTextLength: z.number().int().positive().optional(),
  })
  .meta({ id: 'DeliveryPreview' });
export const SendMessageSchema = SendToConversationSchema.extend({
  connectionId: z.string().min(1),
  to: z.string().min(1).max(320),
});

/** GET /webchat/{id}/settings: what the widget reads before any session (public: never a secret) */
export const WebchatPublicSettingsSchema = z
  .object({
    connectionId: z.string(),
    appearance: z.object({
      title: z.string(),
      color: z.string(),
      position: z.enum(['right', 'left']),
      avatarUrl: z.string().nullable(),
    }),
    greeting: z.string().nullable(),
    open: z.boolean().describe('inside the opening hours now (always true when hours are off)'),
    operatingHours: z.object({ timeZone: z.string(), schedule: z.array(OpeningRangeSchema) }).nullable(),
    offline: z.object({ mode: z.enum(['form', 'message', 'chat']), text: z.string() }),
  })
  .meta({ id: 'WebchatPublicSettings' });

/** routing that saves fine but will not work as set up (core/routing/routing-conflicts) */
export const RoutingWarningSchema = z
  .object({
    code: z
      .enum(['rule_shadowed', 'agents_compete', 'team_empty'])
      .describe(
        "rule_shadowed: the rule never fires, an earlier rule matches every message it matches; agents_compete: the rule hands all of a connection's new conversations to another agent than the connection's inbound agent; team_empty: the rule sends to a team with no members",
      ),
    message: z.string(),
    ruleId: z.string().optional().describe('the rule the warning is about'),
  })
  .meta({ id: 'RoutingWarning' });
