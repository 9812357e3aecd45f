/**
 * @module channel-kit/connector
 * The one small interface every channel implements (docs/adding-a-channel.md). What a connector *is* is data
 * (type, capabilities, configSchema); what it *does* is functions that receive their dependencies as arguments.
 */
import type { z } from 'zod';
import type { Content, ContentType, InboundEvent, InboundMessageEvent } from '../model/index.js';
import type { AddressKind } from './address.js';
import type { Capabilities } from './capabilities.js';
import type { ObjectConfigSchema } from './config-schema.js';
import type { StoredBody, StoredHeaders } from './stored-request.js';
import { ChannelError } from './errors.js';
import type { OptOutRules } from './opt-out.js';

/**
 * A connector's type: lower-case letters, digits and dashes, starting with a letter. The list of types this
 * build offers is the registry's (`channels/index.ts`), not a constant here; connectors added outside this
 * repository (and test connectors) use an `x-` prefix so they never collide with a built-in one.
 */
export type ChannelType = string;
export const CHANNEL_TYPE_PATTERN = /^[a-z][a-z0-9-]*$/;

/** A provider's HTTP request as it reached us: raw bytes untouched, for signature checks. */
export interface WebhookRequest {
  method: string;
  /** the full public URL the provider called (Twilio-style signatures sign it) */
  url: string;
  /** lower-cased header names */
  headers: Readonly<Record<string, string | undefined>>;
  query: Readonly<Record<string, string | undefined>>;
  rawBody: Buffer;
  /** when the hub received it (stored with the raw event, so parsing it again gives the same answer); for
   * updates that carry no time of their own, such as a Telegram button press, and for verify's freshness window
   * of a signed timestamp (Bird) */
  receivedAt?: string;
}

export interface HttpReply {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

export type Verdict = { ok: true } | { ok: false; status: 401 | 403; reason: string };

export type WebhookOutcome =
  | { kind: 'events'; events: InboundEvent[]; reply?: HttpReply }
  | { kind: 'handshake'; reply: HttpReply }
  /** reply: what the provider expects even for an update we do not model (VK's exact `ok`) */
  | { kind: 'ignored'; reason: string; reply?: HttpReply };

export interface ConnectorLogger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/** fetch, as given to connectors: already bounded by a timeout and guarded against private addresses. */
export type HttpClient = (url: string, init?: RequestInit) => Promise<Response>;

export interface MediaAccess {
  /** reads a stored attachment of ours (by the media url we issued) for upload to the provider */
  read(url: string): Promise<{ bytes: Buffer; mimeType: string; fileName?: string }>;
  /**
   * a signed, expiring public link to one of our files (by the media url we issued), for providers that fetch the
   * file themselves (Twilio's MediaUrl); other urls come back unchanged
   */
  shareLink?(url: string): string;
}

export interface BaseContext<Config> {
  connectionId: string;
  config: Config;
  /** where providers must send webhooks for this connection */
  webhookUrl: string;
  http: HttpClient;
  log: ConnectorLogger;
  signal: AbortSignal;
}

export interface OutboundMessage {
  id: string;
  conversationId: string;
  /** the customer's address on the channel */
  to: string;
  /** sender address chosen by the hub (sticky sender number), when the connection owns several */
  from?: string;
  threadKey?: string;
  content: Content;
  /** provider message id this one replies to */
  replyToProviderMessageId?: string;
  /**
   * a human operator's reply the hub let through after the standard window closed, inside the channel's
   * `humanAgentWindowHours` (Messenger/Instagram send it with the HUMAN_AGENT tag)
   */
  humanAgentTag?: boolean;
  /**
   * an operator's internal note, not a message to the customer (queued with `metadata.internalNote: true`); only
   * channels with `features.internalNotes` get one, others refuse it when it is queued
   */
  internalNote?: boolean;
  /** mail: the subject the sender chose (a thread we start); replies otherwise follow the thread's subject */
  subject?: string;
  /** mail: further recipients in copy */
  cc?: string[];
  /** written by an agent, a flow or an auto-reply rule rather than a person (mail marks it Auto-Submitted) */
  automated?: boolean;
  /**
   * a spoken channel (a phone call): the agent hands the conversation to a person after these words, so the
   * connector transfers the call once they are spoken (in the same update, so nothing can come between)
   */
  handoffAfter?: boolean;
  /**
   * with handoffAfter: the people to ring, in turn (phone numbers or SIP URIs of the conversation's operators); the
   * connector's own list when absent
   */
  transferTo?: string[];
}

export interface SendContext<Config> extends BaseContext<Config> {
  media: MediaAccess;
}

export interface SendReceipt {
  providerMessageId: string;
  /** the sender address actually used */
  from?: string;
  /**
   * the thread this message started, on channels whose threads are keyed by their first message (mail: our
   * Message-ID): a conversation without a thread key takes it, so the customer's answer finds it
   */
  threadKey?: string;
}

/** A message template approved at the provider (WhatsApp), synced into the hub. */
export interface ProviderTemplate {
  /** provider's template id */
  id: string;
  name: string;
  language: string;
  /** APPROVED, PENDING, REJECTED, PAUSED, DISABLED … as the provider says */
  status: string;
  category: string;
  /** the provider's component structure, kept as-is for rendering and sending */
  components: unknown[];
  /** variable names the template needs, in order, e.g. ["1","2"] for the body or "header.1", "button.0.1" */
  variables: string[];
  /** body text with {{n}} placeholders, for previews */
  body: string;
}

export interface FetchedMedia {
  bytes: Buffer;
  mimeType: string;
  fileName?: string;
}

/**
 * A customer's profile at the provider (Messenger's user profile): looked up once when a new address first writes,
 * so the contact gets a name and a picture. `picture` holds the bytes: provider picture URLs expire.
 */
export interface ProviderProfile {
  name?: string;
  /** kept on the contact as attributes (first and last name, …) */
  attributes?: Record<string, string>;
  picture?: FetchedMedia;
}

export interface StartResult<Config> {
  /** config values learned or generated at start (bot username, …), merged into the stored config */
  configUpdates?: Partial<Config>;
}

export type InboundMode<Config> =
  | {
      mode: 'webhook';
      /** pure: checks the signature on the raw bytes, constant time, fails closed */
      verify(req: WebhookRequest, config: Config): Verdict;
      /** pure and deterministic: the same request always yields the same outcome */
      parse(req: WebhookRequest, config: Config): WebhookOutcome;
      /** a provider's update id (Telegram update_id) to drop re-deliveries before storing them again */
      eventKey?(req: WebhookRequest): string | undefined;
      /**
       * the headers stored with the raw event (channel-kit/stored-request; default: content-type alone). parse must
       * give the same outcome on the stored request as on the live one; credentials go in `digest`, never `keep`.
       */
      storedHeaders?: StoredHeaders;
      /**
       * credentials the provider puts in the body (VK's `secret`): stored as a digest (channel-kit/stored-request);
       * parse must give the same outcome on the stored body. Default: the body as received.
       */
      storedBody?: StoredBody;
      /**
       * a webhook channel that can also fetch its updates itself when its config says so (VK's Bots Long Poll):
       * run like a listener's from start to stop (it waits for the stop when the config picks webhooks)
       */
      listen?(ctx: ListenContext<Config>): Promise<void>;
      /**
       * pure: the answer to a verified request while the connection is stopped, instead of 503 (nothing is stored
       * either way). A phone line answers a caller with words ("we are closed") rather than Twilio's error tone.
       */
      whileStopped?(req: WebhookRequest, config: Config): HttpReply | undefined;
    }
  | {
      /**
       * the connector fetches updates itself (a long poll, a mailbox): `listen` runs from start until the
       * connection's signal aborts, hands every update to `ctx.deliver` — which resolves once the hub has stored
       * it durably (deduplicated by `eventKey`) — and only then moves its `ctx.cursor`, so a crash re-fetches at
       * most what was not yet acknowledged, and the dedup key drops what comes twice. A listener that throws turns
       * the connection to ERROR with the reason.
       */
      mode: 'listen';
      listen(ctx: ListenContext<Config>): Promise<void>;
      /**
       * a phone line stopped with its agent keeps answering: run from that stop until the connection starts again
       * (or is removed, or the process stops — its signal aborts), it tells callers the line is closed and hangs up,
       * delivering nothing. It starts only once the listener let go of what it held (a port), and the listener
       * starts only once it let go in turn.
       */
      closedLine?(ctx: BaseContext<Config>): Promise<void>;
      /** pure and deterministic, as for webhooks: a delivered update (body, headers) → events */
      parse(req: WebhookRequest, config: Config): WebhookOutcome;
      eventKey?(req: WebhookRequest): string | undefined;
    };

/** one update a listener fetched, as it hands it to the hub */
export interface ListenedUpdate {
  body: Buffer;
  /** provider metadata parse reads (a message id, a mailbox UID); stored with the raw event, never credentials */
  headers?: Record<string, string>;
}

/**
 * The request parse sees for a listened update — one definition, used by the hub when it stores the update and by
 * the contract when it fuzzes parse, so both call parse on the same shape.
 */
export function listenedRequest(type: string, update: ListenedUpdate, receivedAt?: string): WebhookRequest {
  return {
    method: 'POST',
    url: `listen:${type}`,
    headers: update.headers ?? {},
    query: {},
    rawBody: update.body,
    ...(receivedAt === undefined ? {} : { receivedAt }),
  };
}

export interface ListenContext<Config> extends BaseContext<Config> {
  /** stores the update durably; true when new, false when the hub already had it (same event key) */
  deliver(update: ListenedUpdate): Promise<boolean>;
  /** where to resume after a restart: the provider's cursor (a long-poll `ts`, an IMAP UID), kept by the hub */
  cursor: { get(): Promise<string | undefined>; set(value: string): Promise<void> };
}

/** Channels that host their own customers (webchat): the hub issues visitor sessions for them. */
export interface VisitorSessions<Config> {
  issue(config: Config, visitorId: string): string;
  /** returns the visitor id a token was issued for, or undefined */
  check(config: Config, token: string | undefined): string | undefined;
  // webchat: what the widget may know before a session (appearance, greeting, hours); never secrets
  publicSettings?(config: Config, now: Date): Record<string, unknown>;
}

export interface ChannelConnector<Config extends Record<string, unknown> = Record<string, unknown>> {
  type: ChannelType;
  displayName: string;
  description: string;
  capabilities: Capabilities;
  /**
   * what a customer address on this channel is: `phone` (normalized to E.164; a `defaultRegion` config field,
   * defaultRegionField(), reads national numbers), `email`, or `opaque` (a provider id kept as sent)
   */
  addressKind: AddressKind;
  configSchema: ObjectConfigSchema & z.ZodType<Config>;
  /** where each value a person must bring is found at the provider (ConfigHelp), rendered beside its field */
  configHelp?: ConfigHelp;
  /** fills generated values (verify tokens, webhook secrets) into a config before it is first stored */
  prepareConfig?(config: Config, generateSecret: () => string): Config;
  inbound: InboundMode<Config>;
  send(message: OutboundMessage, ctx: SendContext<Config>): Promise<SendReceipt>;
  /** the optional abilities the definition holds, each read by core in one place (see ConnectorFeatures) */
  features: ConnectorFeatures<Config>;
  /**
   * limits of one connection that differ from the channel's (an aggregator whose channel is SMS or WhatsApp, learned
   * at start): merged over `capabilities` by capabilitiesFor wherever the hub has the connection's config
   */
  limitsFor?(config: Config): Partial<ChannelLimits>;
  start?(ctx: BaseContext<Config>): Promise<StartResult<Config> | void>;
  stop?(ctx: BaseContext<Config>): Promise<void>;
}

/** a connection's capabilities: the channel's, with the limits its config implies (limitsFor) over them */
export function capabilitiesFor(
  connector: Pick<AnyConnector, 'capabilities' | 'limitsFor'>,
  config: Record<string, unknown>,
): Capabilities {
  const own = connector.limitsFor?.(config);
  return own ? { ...connector.capabilities, ...own } : connector.capabilities;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the registry holds connectors of every config type
export type AnyConnector = ChannelConnector<any>;

type ContentMember<C, T> = C extends { type: infer U } ? ([T] extends [U] ? C & { type: T } : never) : never;
/** the content of one type (or several), as a send handler receives it */
export type ContentOf<T extends ContentType> = ContentMember<Content, T>;

/** sends one content type: the message's content is narrowed to that type */
export type SendHandler<Config, T extends ContentType> = (
  message: OutboundMessage & { content: ContentOf<T> },
  ctx: SendContext<Config>,
) => Promise<SendReceipt>;

/** what a channel can send is the keys of its send map: one handler per content type, nothing stated besides */
export type SendMap<Config> = { [T in ContentType]?: SendHandler<Config, T> };

/**
 * The optional abilities of a channel, each stated once by being present. Core reads each in one place: typing
 * (conversation-service), media (media-service), read receipts (conversation-service), templates
 * (template-service, with `send.template` to send them), sender numbers (message-queue), visitor sessions
 * (webchat's visitor-service), fallback (the outbound worker), consent keywords (core/consent, via optOutRulesFor),
 * provider health (core/health).
 */
/** a call the hub places (POST /api/v1/calls) */
export interface PlaceCallInput {
  /** the customer's number, E.164 */
  to: string;
  /** one of the connection's numbers; the connector picks when absent */
  from?: string;
  /** spoken when the callee answers, instead of the connection's greeting */
  greeting?: string;
}

export interface PlacedCall {
  providerCallId: string;
  from: string;
  to: string;
}

/** a call the hub still holds as not ended (ringing, in progress) when its connection starts */
export interface OpenCall {
  providerCallId: string;
  direction: 'inbound' | 'outbound';
  from: string;
  to: string;
  state: 'ringing' | 'in-progress';
}

export interface ConnectorFeatures<Config> {
  /**
   * phone calls the hub places: the provider rings `to` from one of our numbers and reports the call's progress as
   * `call` events to the connection's webhook (core/calls).
   *
   * `reconcile`, once the connection runs: the provider's callbacks of a call that ended while the hub was not
   * running were lost, so the calls the hub still holds as open are asked after at the provider; what it answers
   * comes back as updates parse understands, stored like a listener's (deduplicated by `eventKey`, each call's
   * state still moved forward only). A call still live at the provider yields nothing: its callbacks follow.
   */
  calls?: {
    place(input: PlaceCallInput, ctx: BaseContext<Config>): Promise<PlacedCall>;
    reconcile?(calls: OpenCall[], ctx: BaseContext<Config>): Promise<ListenedUpdate[]>;
  };
  /** a typing indicator towards the customer */
  typing?(to: string, ctx: BaseContext<Config>): Promise<void>;
  /** downloads an inbound file the provider holds (content.media.providerMediaId) for our media store */
  fetchMedia?(media: { providerMediaId: string; mimeType?: string }, ctx: BaseContext<Config>): Promise<FetchedMedia>;
  /** tells the provider the customer's message was read (WhatsApp blue ticks), when an operator opens it */
  readReceipts?(
    message: { providerMessageId: string; from: string; customer?: string },
    ctx: BaseContext<Config>,
  ): Promise<void>;
  /**
   * the customer's profile (name, picture), fetched once for a new identity by core/contacts/contact-profiles; a
   * failure is logged and leaves the contact as it is
   */
  profile?(address: string, ctx: BaseContext<Config>): Promise<ProviderProfile>;
  /** message templates approved at the provider; the channel then sends `template` content */
  templates?: { sync(ctx: BaseContext<Config>): Promise<ProviderTemplate[]> };
  /** our sender addresses on this connection; the hub rotates new recipients over them and keeps each on one */
  senders?(config: Config): string[];
  /** visitors without a provider account (web chat): session tokens and the public settings */
  visitors?: VisitorSessions<Config>;
  /**
   * the connection (of the same workspace, a phone channel such as SMS) that carries, as degraded text, a message
   * this channel reports `unreachable` (RCS → SMS); read by the outbound worker
   */
  fallback?: {
    connectionId(config: Config): string | undefined;
    /**
     * a message sent but not delivered this long (RCS: 10 minutes by default) is revoked (`revoke`) and, once the
     * revoke succeeded, sent over the fallback instead; undefined: no timed fallback
     */
    afterMs?(config: Config): number | undefined;
  };
  /**
   * consent keywords (STOP/START/HELP, channel-kit/opt-out.ts) on this channel: present when a connection may set
   * them, so the config schema carries the `optOut` field (optOutField()); `defaults` when the channel recognises
   * them with no setting at all (SMS, WhatsApp). Read by core/consent through optOutRulesFor.
   */
  optOut?: { defaults?: OptOutRules };
  /**
   * what the provider says of this connection — the webhook it has registered against ours, deliveries it could
   * not make, what waits there undelivered — asked when the connection starts and then periodically by core/health;
   * a rejected credential throws AUTH like every call. `ask` carries the hub's time and when a credential's end is
   * worth a warning (expiryCheck in channel-kit/credential-expiry.ts turns an end into a finding)
   */
  health?(ctx: BaseContext<Config>, ask: HealthAsk): Promise<ProviderHealthCheck[]>;
  /**
   * "Send a test event": asks the provider's own test facility to deliver a test inbound message to this
   * connection's webhook (Meta's `/{app-id}/subscriptions_sample`, what the App Dashboard's "Test" button does), so
   * the first-message check turns green without a customer. Present only where the provider has such a facility;
   * answers what the provider said. A rejected credential throws AUTH. Read by core/health
   */
  testEvent?(ctx: BaseContext<Config>): Promise<{ detail: string }>;
  /**
   * the provider is itself an inbox whose teammates see internal notes (Intercom's `message_type: note`): a message
   * queued with `metadata.internalNote` goes as one (OutboundMessage.internalNote); read by the message queue, which
   * refuses such a message on every other channel rather than send a note to the customer
   */
  internalNotes?: true;
  /**
   * an operator resolved the conversation here: the provider's own inbox is told (Intercom closes or assigns it);
   * read by conversation-service when a conversation turns resolved, best effort (a failure is logged)
   */
  resolved?(conversation: { threadKey: string | null; address: string }, ctx: BaseContext<Config>): Promise<void>;
  /**
   * "Test connection": logs in to each of the provider's servers with the stored config and reports each one's
   * answer, without starting the connection (mail: IMAP and SMTP)
   */
  check?(ctx: BaseContext<Config>): Promise<ConnectionCheck[]>;
  /**
   * takes back a message sent but not yet delivered (RBM agentMessages.delete); throws when it cannot (already
   * delivered). Read by the outbound worker's timed fallback
   */
  revoke?(message: { to: string; providerMessageId: string }, ctx: BaseContext<Config>): Promise<void>;
  /**
   * answers a button press the provider waits on (VK messages.sendMessageEventAnswer: the button spins until then),
   * once the press is stored; read by the inbound processor, for new button_reply messages only
   */
  buttonAnswers?(event: InboundMessageEvent, ctx: BaseContext<Config>): Promise<void>;
}

/** one server's answer to a connection test */
export interface ConnectionCheck {
  /** which server: "IMAP", "SMTP" */
  name: string;
  ok: boolean;
  /** the server's answer, or what went wrong */
  answer: string;
}

/** what core tells a provider health check (ConnectorFeatures.health) */
export interface HealthAsk {
  /** the hub's time (a test clock in tests) */
  now: Date;
  /** days before a credential's end when a warning starts, largest first (SWITCHBOARD_HEALTH_EXPIRY_WARNING_DAYS, default 14,3) */
  expiryWarningDays: readonly number[];
}

/** one finding of a provider health check (ConnectorFeatures.health) */
export interface ProviderHealthCheck {
  /** stable and lowercase: `webhook`, `pending_updates`, … */
  name: string;
  state: 'healthy' | 'warning' | 'failing';
  /** what was found, in the provider's words where it said something, and the fix */
  detail: string;
  /** a credential's end (ISO time), when the finding is about one */
  expiresAt?: string;
  /**
   * where a finding stands within its state when that can move on (a credential's 14-day warning becoming the 3-day
   * one): a new stage is a new `connection.health` event although the state stays the same
   */
  stage?: string;
}

/** the limits of a channel: data the hub enforces (lengths, buttons, receipts, window, pacing) */
export type ChannelLimits = Omit<Capabilities, 'outbound' | 'templates' | 'typing'>;

/** a config field's label and where its value is found at the provider */
export type ConfigHelp = Record<string, { title?: string; helpUrl: string }>;

/** What a connector module exports: its identity as data, its limits, one handler per content type, its features. */
export interface ConnectorDefinition<Config extends Record<string, unknown>> {
  type: ChannelType;
  displayName: string;
  description: string;
  addressKind: AddressKind;
  configSchema: ObjectConfigSchema & z.ZodType<Config>;
  /**
   * for each config value a person has to bring (a token, an account id, a number), its label and the page of the
   * provider's console or documentation where it is found; the connection form shows the link beside the field,
   * and a channel test holds every required or secret field to it
   */
  configHelp?: ConfigHelp;
  prepareConfig?(config: Config, generateSecret: () => string): Config;
  inbound: InboundMode<Config>;
  limits: ChannelLimits;
  send: SendMap<Config>;
  features?: ConnectorFeatures<Config>;
  /** per-connection limits over `limits` (see ChannelConnector.limitsFor) */
  limitsFor?(config: Config): Partial<ChannelLimits>;
  start?(ctx: BaseContext<Config>): Promise<StartResult<Config> | void>;
  stop?(ctx: BaseContext<Config>): Promise<void>;
}

/** the capabilities a definition implies: the send map's keys and the features present, never stated twice */
export function capabilitiesOf<Config extends Record<string, unknown>>(
  definition: ConnectorDefinition<Config>,
): Capabilities {
  return {
    ...definition.limits,
    outbound: Object.keys(definition.send) as ContentType[],
    templates: definition.features?.templates !== undefined,
    typing: definition.features?.typing !== undefined,
  };
}

/**
 * Builds a connector from its definition, with the config type inferred from the schema: capabilities derived
 * (capabilitiesOf), `send` dispatching on the content type (a type outside the map is refused as UNSUPPORTED
 * before any provider call), features exposed where core looks for them. A definition that contradicts itself
 * (templates without a `template` handler, or the reverse) fails here, when the module loads.
 */
export function defineConnector<S extends ObjectConfigSchema>(
  definition: ConnectorDefinition<z.infer<S>> & { configSchema: S },
): ChannelConnector<z.infer<S>> {
  type Config = z.infer<S>;
  const { send, features = {}, limits: _limits, ...identity } = definition;
  if ((features.templates !== undefined) !== (send.template !== undefined))
    throw new Error(`connector ${definition.type}: the templates feature and a send.template handler go together`);
  if ((features.optOut !== undefined) !== 'optOut' in definition.configSchema.shape)
    throw new Error(`connector ${definition.type}: the optOut feature and an optOut config field go together`);
  for (const field of Object.keys(definition.configHelp ?? {}))
    if (!(field in definition.configSchema.shape))
      throw new Error(`connector ${definition.type}: configHelp names ${field}, which its config does not have`);
  return {
    ...identity,
    capabilities: capabilitiesOf(definition),
    send(message: OutboundMessage, ctx: SendContext<Config>): Promise<SendReceipt> {
      // the map is keyed by content type, so the handler found is the one for this message's content
      const handler = send[message.content.type] as
        ((m: OutboundMessage, c: SendContext<Config>) => Promise<SendReceipt>) | undefined;
      if (!handler)
        return Promise.reject(
          new ChannelError('UNSUPPORTED', `${definition.displayName} cannot send ${message.content.type} content`),
        );
      return handler(message, ctx);
    },
    features,
  };
}
