/**
 * @module channel-kit/connector
 * The one small interface every channel implements (docs/adding-a-channel.md). What a connector *is* is data
 * (type, capabilities, configSchema); what it *does* is functions that receive their dependencies as arguments.
 */
import type { z } from 'zod';
import type { Content, InboundEvent } from '../model/index.js';
import type { AddressKind } from './address.js';
import type { Capabilities } from './capabilities.js';
import type { ObjectConfigSchema } from './config-schema.js';
import type { StoredHeaders } from './stored-request.js';
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
   * updates that carry no time of their own, such as a Telegram button press */
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
  | { kind: 'ignored'; reason: string };

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
}

export interface SendContext<Config> extends BaseContext<Config> {
  media: MediaAccess;
}

export interface SendReceipt {
  providerMessageId: string;
  /** the sender address actually used */
  from?: string;
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
    }
  | { mode: 'listen'; listen(ctx: BaseContext<Config>): Promise<void> };

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
  /**
   * the channel's opt-out and opt-in keywords (STOP/START) and confirmations (channel-kit/opt-out.ts); a connection
   * may override them with an `optOut` config field (optOutField()). Absent: no keywords unless a connection sets them.
   */
  optOut?: OptOutRules;
  /** fills generated values (verify tokens, webhook secrets) into a config before it is first stored */
  prepareConfig?(config: Config, generateSecret: () => string): Config;
  inbound: InboundMode<Config>;
  send(message: OutboundMessage, ctx: SendContext<Config>): Promise<SendReceipt>;
  /** typing indicator towards the customer, where capabilities.typing */
  typing?(to: string, ctx: BaseContext<Config>): Promise<void>;
  /** downloads an inbound file the provider holds (content.media.providerMediaId) for our media store */
  fetchMedia?(media: { providerMediaId: string; mimeType?: string }, ctx: BaseContext<Config>): Promise<FetchedMedia>;
  /** tells the provider the customer's message was read (WhatsApp blue ticks), when an operator opens it */
  markRead?(message: { providerMessageId: string; from: string }, ctx: BaseContext<Config>): Promise<void>;
  /** lists the templates approved (or not) at the provider */
  syncTemplates?(ctx: BaseContext<Config>): Promise<ProviderTemplate[]>;
  /** our sender addresses on this connection (several WhatsApp phone numbers); the hub rotates new recipients over them and keeps each recipient on the same one */
  senders?(config: Config): string[];
  start?(ctx: BaseContext<Config>): Promise<StartResult<Config> | void>;
  stop?(ctx: BaseContext<Config>): Promise<void>;
  visitors?: VisitorSessions<Config>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the registry holds connectors of every config type
export type AnyConnector = ChannelConnector<any>;

/** Defines a connector with its config type inferred from the schema. */
export function defineConnector<S extends ObjectConfigSchema>(
  connector: ChannelConnector<z.infer<S>> & { configSchema: S },
): ChannelConnector<z.infer<S>> {
  return connector;
}
