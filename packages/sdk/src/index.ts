/**
 * @switchboard/sdk: a small typed client for the Switchboard REST API (/api/v1) over fetch, and a reader of the
 * realtime event stream (SSE with the bearer header, so it uses fetch streaming rather than EventSource).
 *
 * Every request and response type below is taken from `generated/api.ts`, which openapi-typescript generates
 * from the server's own OpenAPI document (`npm run sdk:types`); a test fails when it is stale, so these types
 * cannot drift from what the server validates and answers.
 */
import type { components, paths } from './generated/api.js';

export type { components, paths } from './generated/api.js';
type Schemas = components['schemas'];
type Op<P extends keyof paths, M extends keyof paths[P]> = NonNullable<paths[P][M]>;
/** the JSON body a route answers with status 200 (201 for creations) */
export type ResponseOf<P extends keyof paths, M extends keyof paths[P]> =
  Op<P, M> extends { responses: { 200: { content: { 'application/json': infer T } } } }
    ? T
    : Op<P, M> extends { responses: { 201: { content: { 'application/json': infer T } } } }
      ? T
      : never;
/** the JSON body a route accepts */
export type BodyOf<P extends keyof paths, M extends keyof paths[P]> = JsonOf<
  NonNullable<Op<P, M> extends { requestBody?: infer R } ? R : never>
>;
type JsonOf<R> = [R] extends [never] ? never : R extends { content: { 'application/json': infer B } } ? B : never;

export type Conversation = Schemas['Conversation'];
export type ConversationStatus = Conversation['status'];
export type ConversationWindow = NonNullable<Conversation['window']>;
export type Message = Schemas['Message'];
/** a phone call on a voice connection (ringing → in-progress → its outcome) */
export type Call = Schemas['Call'];
export type PlaceCall = BodyOf<'/api/v1/calls', 'post'>;
export type MessageStatus = Message['status'];
export type Content = Message['content'];
export type Contact = Schemas['Contact'];
export type Identity = NonNullable<Contact['identities']>[number];
/** GET /contacts/{id} answers the contact with its identities on every channel */
export type ContactDetail = ResponseOf<'/api/v1/contacts/{id}', 'get'>;
/** one identity's opt-out state: optedOut, when (optedOutAt) and how (source, keyword) */
export type Consent = Schemas['Consent'];
export type ConsentInput = BodyOf<'/api/v1/contacts/{id}/consent', 'put'>;
export type ContactImportReport = ResponseOf<'/api/v1/contacts/import', 'post'>;
export type ContactImportOptions = NonNullable<Op<'/api/v1/contacts/import', 'post'>['parameters']['query']>;
export type ContactExportOptions = NonNullable<Op<'/api/v1/contacts/export.csv', 'get'>['parameters']['query']>;
export type ContactInput = BodyOf<'/api/v1/contacts', 'post'>;
export type ContactPatch = BodyOf<'/api/v1/contacts/{id}', 'patch'>;
/** the survivor of a merge and the merged contact's attribute values it overrode */
export type ContactMergeResult = Schemas['ContactMergeResult'];
export type ContactDuplicate = Schemas['ContactDuplicates']['data'][number];
export type ContactExport = Schemas['ContactExport'];
export type ContactErased = Schemas['ContactErased'];
export type Connection = Schemas['Connection'];
export type ConnectionHealth = Schemas['ConnectionHealth'];
export type ConnectionHealthSummary = Schemas['ConnectionHealthSummary'];
export type ConnectionChecks = Schemas['ConnectionChecks'];
export type TestEventRequested = Schemas['TestEventRequested'];
/** Connect with Meta: whether the server has a Meta app, and what a grant lets the person pick */
export type MetaConnectStatus = Schemas['MetaConnectStatus'];
export type MetaConnectAccounts = Schemas['MetaConnectAccounts'];
export type ConnectionStatus = Connection['status'];
export type ConnectionLog = Schemas['ConnectionLog'];
export type Template = Schemas['Template'];
export type Attachment = Schemas['Attachment'];
export type Page<T> = { data: T[]; nextCursor: string | null };
/** what the customer will receive on the conversation's channel: the parts, what was changed, the composer's note */
export type DeliveryPreview = ResponseOf<'/api/v1/conversations/{id}/preview', 'post'>;
export type SendInput = Omit<BodyOf<'/api/v1/conversations/{id}/messages', 'post'>, 'content'> & {
  content?: Content | BodyOf<'/api/v1/conversations/{id}/messages', 'post'>['content'];
};

/**
 * A JSON Schema (draft 2020-12) as connection and agent types describe their config; the API document types
 * it as an open object because each connector brings its own. `x-secret` marks a secret field, `x-generated`
 * one the server fills when left empty, `x-learned` one the connector learns from the provider at start, and
 * `x-help-url` the page where the value is found.
 */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  enum?: unknown[];
  default?: unknown;
  description?: string;
  title?: string;
  writeOnly?: boolean;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  'x-generated'?: boolean;
  'x-secret'?: boolean;
  'x-learned'?: boolean;
  'x-help-url'?: string;
}
export type ConnectionType = Omit<Schemas['ConnectorType'], 'configSchema'> & { configSchema: JsonSchema };
export type ConnectionInput = BodyOf<'/api/v1/connections', 'post'>;
export type ConnectionPatch = BodyOf<'/api/v1/connections/{id}', 'patch'>;

export type WebhookSubscription = Schemas['WebhookSubscription'];
export type WebhookSubscriptionInput = BodyOf<'/api/v1/webhook-subscriptions', 'post'>;
export type WebhookSubscriptionPatch = BodyOf<'/api/v1/webhook-subscriptions/{id}', 'patch'>;
export type WebhookDelivery = Schemas['WebhookDelivery'];
export type WebhookEventType = WebhookSubscriptionInput['eventTypes'][number];
export type Agent = Schemas['Agent'];
export type AgentType = Omit<Schemas['AgentType'], 'configSchema'> & { configSchema: JsonSchema };
export type AgentInput = BodyOf<'/api/v1/agents', 'post'>;
export type AgentPatch = BodyOf<'/api/v1/agents/{id}', 'patch'>;
export type AgentChannels = Schemas['AgentChannels'];
export type AgentChannel = AgentChannels['data'][number];
export type InboundHolder = Schemas['InboundHolders']['data'][number];
export type FlowTryResult = Schemas['FlowTryResult'];
export type RoutingConditions = Schemas['RoutingConditions'];
export type RoutingAction = Schemas['RoutingAction'];
export type Weekday = NonNullable<RoutingConditions['businessHours']>['days'][number];
export type RoutingRule = Schemas['RoutingRule'];
/** a saved rule with what will not work as set up (the save succeeded all the same) */
export type SavedRoutingRule = Schemas['SavedRoutingRule'];
export type RoutingWarning = Schemas['RoutingWarning'];
export type RoutingRuleInput = BodyOf<'/api/v1/routing-rules', 'post'>;
export type RoutingRulePatch = BodyOf<'/api/v1/routing-rules/{id}', 'patch'>;
export type ExplainInput = BodyOf<'/api/v1/routing/explain', 'post'>;
export type ExplainResult = Schemas['RoutingExplanation'];
export type ExplainRuleResult = ExplainResult['rules'][number];
export type Team = Schemas['Team'];
export type TeamMember = Team['members'][number];
export type TeamInput = BodyOf<'/api/v1/teams', 'post'>;
export type TeamPatch = BodyOf<'/api/v1/teams/{id}', 'patch'>;
export type TimelineEvent = Schemas['TimelineEvent'];
export type Segment = Schemas['Segment'];
export type SegmentFilter = Schemas['SegmentFilter'];
export type SegmentInput = BodyOf<'/api/v1/segments', 'post'>;
export type SegmentPatch = BodyOf<'/api/v1/segments/{id}', 'patch'>;
export type SegmentPreview = ResponseOf<'/api/v1/segments/preview', 'post'>;
export type Campaign = Schemas['Campaign'];
export type CampaignStep = Schemas['CampaignStep'];
export type CampaignInput = BodyOf<'/api/v1/campaigns', 'post'>;
export type CampaignPatch = BodyOf<'/api/v1/campaigns/{id}', 'patch'>;
export type CampaignContactsInput = BodyOf<'/api/v1/campaigns/{id}/contacts', 'post'>;
export type CampaignContactsResult = ResponseOf<'/api/v1/campaigns/{id}/contacts', 'post'>;
export type CampaignRecipient = Schemas['CampaignRecipient'];
export type CampaignStats = Schemas['CampaignStats'];
/** before the start: the audience now, excluded by reason, and what each step would send to a few recipients */
export type CampaignAudienceCheck = Schemas['CampaignAudienceCheck'];
export type CampaignAction = 'start' | 'pause' | 'resume' | 'cancel' | 'duplicate';
export type CampaignRecipientsCsvOptions = NonNullable<
  Op<'/api/v1/campaigns/{id}/recipients.csv', 'get'>['parameters']['query']
>;
export type User = Schemas['User'];
export type Role = User['role'];
export type UserInput = BodyOf<'/api/v1/users', 'post'>;
export type UserPatch = BodyOf<'/api/v1/users/{id}', 'patch'>;
/**
 * What a user's `phone` may be (where a call an agent hands to people rings them): an E.164 number such as
 * +15017122661 or a SIP URI with a user part such as sip:desk@pbx.example.com, without parameters but ;user=phone. The pattern of `phone` in PATCH
 * /api/v1/users/{id} (sdk/scripts/operator-address.test.ts holds the two equal), so an app checks a value as the hub will.
 */
export const OPERATOR_ADDRESS_PATTERN = String.raw`^(\+[1-9]\d{6,14}|sips?:[^\s<>"@;?:]+@[A-Za-z0-9.-]+(:\d{1,5})?(;user=phone)?)$`;
export type Session = ResponseOf<'/api/v1/auth/login', 'post'>;
/** the signed-in user's workspace and its settings */
export type Workspace = ResponseOf<'/api/v1/workspace', 'get'>;
export type WorkspacePatch = BodyOf<'/api/v1/workspace', 'patch'>;

// every type taken from a route must resolve: a route that loses its schema would otherwise turn it into `never`
type Resolves<T> = [T] extends [never] ? false : true;
const routeTypesResolve: Resolves<ContactDetail> &
  Resolves<ContactInput> &
  Resolves<ContactPatch> &
  Resolves<ConnectionInput> &
  Resolves<ConnectionPatch> &
  Resolves<WebhookSubscriptionInput> &
  Resolves<WebhookSubscriptionPatch> &
  Resolves<AgentInput> &
  Resolves<AgentPatch> &
  Resolves<RoutingRuleInput> &
  Resolves<RoutingRulePatch> &
  Resolves<ExplainInput> &
  Resolves<TeamInput> &
  Resolves<TeamPatch> &
  Resolves<SegmentInput> &
  Resolves<SegmentPatch> &
  Resolves<SegmentPreview> &
  Resolves<CampaignInput> &
  Resolves<CampaignPatch> &
  Resolves<CampaignContactsInput> &
  Resolves<CampaignContactsResult> &
  Resolves<UserInput> &
  Resolves<UserPatch> &
  Resolves<Session> &
  Resolves<Workspace> &
  Resolves<WorkspacePatch> &
  Resolves<ResponseOf<'/api/v1/users', 'post'>> &
  Resolves<BodyOf<'/api/v1/conversations/{id}', 'patch'>> &
  Resolves<BodyOf<'/api/v1/conversations/{id}/handoff', 'post'>> &
  Resolves<Call> &
  Resolves<PlaceCall> &
  Resolves<SendInput> = true;
void routeTypesResolve;

/** the event types a subscription may ask for ('*' = all); the compile-time check below keeps it equal to the API's */
export const WEBHOOK_EVENT_TYPES = [
  'message.received',
  'message.created',
  'message.updated',
  'message.status',
  'conversation.created',
  'conversation.updated',
  'conversation.typing',
  'contact.created',
  'connection.status',
  'connection.health',
  'conversation.timeline',
  'agent.status',
  'campaign.status',
  'campaign.progress',
  'call.started',
  'call.updated',
  'call.ended',
  // no hub event: a subscription with only this type receives the calls of routing rules that start a workflow
  'workflow.trigger',
] as const;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const eventTypesMatchTheApi: Same<(typeof WEBHOOK_EVENT_TYPES)[number] | '*', WebhookEventType> = true;
void eventTypesMatchTheApi;
/** one event of GET /api/v1/events (the SSE stream): the same envelope outgoing webhooks carry */
export interface HubEvent {
  id?: string;
  type: string;
  conversationId?: string;
  data: Record<string, unknown>;
}

export type WebchatPublicSettings = Schemas['WebchatPublicSettings'];
export type WebchatOpeningRange = NonNullable<WebchatPublicSettings['operatingHours']>['schedule'][number];
export type WebchatDay = WebchatOpeningRange['day'];
export type WebchatOffline = WebchatPublicSettings['offline'];
export interface WebchatOperatingHours {
  enabled: boolean;
  timeZone: string;
  schedule: WebchatOpeningRange[];
}
/** the webchat fields of Connection.config (PATCH them with updateConnection); the public settings are computed from them */
export interface WebchatSettingsConfig {
  title?: string;
  color?: string;
  position?: WebchatPublicSettings['appearance']['position'];
  avatarUrl?: string | null;
  greeting?: string | null;
  operatingHours?: WebchatOperatingHours | null;
  offline?: WebchatOffline | null;
}

/**
 * POST /api/v1/auth/login: email and password for a session token (a Bearer token valid 30 days). An email of
 * more than one workspace needs `workspaceId` (else 409 WORKSPACE_REQUIRED).
 */
export async function signIn(
  email: string,
  password: string,
  options: { baseUrl?: string; fetch?: typeof fetch; workspaceId?: string } = {},
): Promise<Session> {
  const fetcher = options.fetch ?? ((...args: Parameters<typeof fetch>) => fetch(...args));
  const res = await fetcher(`${(options.baseUrl ?? '').replace(/\/$/, '')}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password, ...(options.workspaceId ? { workspaceId: options.workspaceId } : {}) }),
  });
  const text = await res.text();
  const parsed: unknown = text ? safeJson(text) : null;
  if (!res.ok) {
    const err = (parsed as { error?: { code?: string; message?: string } } | null)?.error;
    throw new ApiError(res.status, err?.code ?? `HTTP_${res.status}`, err?.message ?? (text || res.statusText));
  }
  return parsed as Session;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** the error's `details` (a conflict's conversation id, a validation's fields), when the server gave them */
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface ClientOptions {
  token: string;
  baseUrl?: string;
  fetch?: typeof fetch;
}

export class SwitchboardClient {
  readonly token: string;
  private readonly base: string;
  private readonly fetcher: typeof fetch;

  constructor(options: ClientOptions) {
    this.token = options.token;
    this.base = (options.baseUrl ?? '').replace(/\/$/, '');
    this.fetcher = options.fetch ?? ((...args) => fetch(...args));
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await this.fetcher(`${this.base}/api/v1${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    const parsed: unknown = text ? safeJson(text) : null;
    if (!res.ok) {
      const err = (parsed as { error?: { code?: string; message?: string; details?: Record<string, unknown> } } | null)
        ?.error;
      throw new ApiError(
        res.status,
        err?.code ?? `HTTP_${res.status}`,
        err?.message ?? (text || res.statusText),
        err?.details,
      );
    }
    return parsed as T;
  }

  /** follows cursors up to maxPages pages */
  async all<T>(path: string, maxPages = 10): Promise<T[]> {
    const out: T[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < maxPages; i++) {
      const sep = path.includes('?') ? '&' : '?';
      const page: Page<T> = await this.request<Page<T>>(
        'GET',
        `${path}${sep}limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      out.push(...page.data);
      cursor = page.nextCursor;
      if (!cursor) break;
    }
    return out;
  }

  listConversations(query: { status?: ConversationStatus } = {}): Promise<Conversation[]> {
    return this.all<Conversation>(`/conversations${query.status ? `?status=${query.status}` : ''}`);
  }
  /**
   * the conversations one of whose messages says `text` (a text, a caption, a call's or voice message's
   * transcript), newest first: the first `limit` of them
   */
  searchConversations(text: string, limit = 50): Promise<Conversation[]> {
    return this.request<Page<Conversation>>('GET', `/conversations${query({ q: text, limit: String(limit) })}`).then(
      (p) => p.data,
    );
  }
  getConversation(id: string): Promise<Conversation> {
    return this.request('GET', `/conversations/${enc(id)}`);
  }
  updateConversation(id: string, patch: BodyOf<'/api/v1/conversations/{id}', 'patch'>): Promise<Conversation> {
    return this.request('PATCH', `/conversations/${enc(id)}`, patch);
  }
  /** the phone calls of a conversation, oldest first */
  async listCalls(conversationId: string): Promise<Call[]> {
    return (await this.request<{ data: Call[] }>('GET', `/conversations/${enc(conversationId)}/calls`)).data;
  }
  /** calls a number from a voice connection; its progress arrives as call.updated / call.ended events */
  placeCall(input: PlaceCall): Promise<Call> {
    return this.request('POST', '/calls', input);
  }
  listMessages(conversationId: string): Promise<Message[]> {
    return this.all<Message>(`/conversations/${enc(conversationId)}/messages`);
  }
  send(conversationId: string, input: SendInput): Promise<Message> {
    return this.request('POST', `/conversations/${enc(conversationId)}/messages`, input);
  }
  /** what `content` will arrive as on the conversation's channel (numbered text for buttons on SMS…); sends nothing */
  previewDelivery(conversationId: string, content: Content): Promise<DeliveryPreview> {
    return this.request('POST', `/conversations/${enc(conversationId)}/preview`, { content });
  }
  sendText(conversationId: string, text: string): Promise<Message> {
    return this.send(conversationId, { content: { type: 'text', text } });
  }
  getContact(id: string): Promise<Contact> {
    return this.request('GET', `/contacts/${enc(id)}`);
  }

  listConnections(): Promise<Connection[]> {
    return this.all<Connection>('/connections');
  }
  connectionTypes(): Promise<ConnectionType[]> {
    return this.request<{ data: ConnectionType[] }>('GET', '/connection-types').then((r) => r.data);
  }
  createConnection(input: ConnectionInput): Promise<Connection> {
    return this.request('POST', '/connections', input);
  }
  startConnection(id: string): Promise<Connection> {
    return this.request('POST', `/connections/${enc(id)}/start`);
  }
  /** the Health page: every connection with its checks, last hour of sends and 24 h of messages per hour */
  async connectionHealthSummary(): Promise<ConnectionHealthSummary[]> {
    return (await this.request<{ data: ConnectionHealthSummary[] }>('GET', '/connections/health-summary')).data;
  }

  /** runs the connection's health checks now (the provider's view and the hub's own) */
  checkConnectionHealth(id: string): Promise<ConnectionHealth> {
    return this.request('POST', `/connections/${enc(id)}/health`);
  }
  stopConnection(id: string): Promise<Connection> {
    return this.request('POST', `/connections/${enc(id)}/stop`);
  }
  /** "Test connection": each of the provider's servers' answers to the stored config (types with canCheck) */
  checkConnection(id: string): Promise<ConnectionChecks> {
    return this.request('POST', `/connections/${enc(id)}/check`);
  }
  /**
   * "Send a test event": the provider's test facility delivers a test inbound message to the connection (types whose
   * `features` include `testEvent`); the first-message check turns green when it arrives
   */
  sendTestEvent(id: string): Promise<TestEventRequested> {
    return this.request('POST', `/connections/${enc(id)}/test-event`);
  }
  // --- Connect with Meta: the OAuth dialog, then the pick ---
  metaConnectStatus(): Promise<MetaConnectStatus> {
    return this.request('GET', '/meta/connect');
  }
  /** opens a dialog for messenger, instagram or whatsapp; the answer also sets the cookie its callback needs */
  startMetaConnect(type: string): Promise<{ grantId: string; dialogUrl: string; expiresAt: string }> {
    return this.request('POST', '/meta/connect', { type });
  }
  metaConnectAccounts(grantId: string): Promise<MetaConnectAccounts> {
    return this.request('GET', `/meta/connect/${enc(grantId)}/accounts`);
  }
  createMetaConnection(
    grantId: string,
    input: BodyOf<'/api/v1/meta/connect/{grantId}/connections', 'post'>,
  ): Promise<Connection> {
    return this.request('POST', `/meta/connect/${enc(grantId)}/connections`, input);
  }
  listTemplates(connectionId: string): Promise<Template[]> {
    return this.request<{ data: Template[] }>('GET', `/connections/${enc(connectionId)}/templates`).then((r) => r.data);
  }

  // --- automation: outgoing webhook subscriptions, delivery log, replays ---
  listWebhookSubscriptions(): Promise<WebhookSubscription[]> {
    return this.all<WebhookSubscription>('/webhook-subscriptions');
  }
  getWebhookSubscription(id: string): Promise<WebhookSubscription> {
    return this.request('GET', `/webhook-subscriptions/${enc(id)}`);
  }
  /** the answer carries the signing secret in full, the only time it is shown */
  createWebhookSubscription(input: WebhookSubscriptionInput): Promise<WebhookSubscription> {
    return this.request('POST', '/webhook-subscriptions', input);
  }
  updateWebhookSubscription(id: string, patch: WebhookSubscriptionPatch): Promise<WebhookSubscription> {
    return this.request('PATCH', `/webhook-subscriptions/${enc(id)}`, patch);
  }
  deleteWebhookSubscription(id: string): Promise<void> {
    return this.request<null>('DELETE', `/webhook-subscriptions/${enc(id)}`).then(() => undefined);
  }
  /** one page of the delivery log, newest first */
  listWebhookDeliveries(
    subscriptionId: string,
    query: { limit?: number; cursor?: string } = {},
  ): Promise<Page<WebhookDelivery>> {
    const q = new URLSearchParams();
    if (query.limit) q.set('limit', String(query.limit));
    if (query.cursor) q.set('cursor', query.cursor);
    const qs = q.toString();
    return this.request('GET', `/webhook-subscriptions/${enc(subscriptionId)}/deliveries${qs ? `?${qs}` : ''}`);
  }
  replayWebhookDelivery(deliveryId: string): Promise<WebhookDelivery> {
    return this.request('POST', `/webhook-deliveries/${enc(deliveryId)}/replay`);
  }
  /** delivers again every delivery queued within [from, to] (ISO times); answers how many */
  replayWebhookRange(subscriptionId: string, range: { from: string; to: string }): Promise<number> {
    return this.request<{ replayed: number }>(
      'POST',
      `/webhook-subscriptions/${enc(subscriptionId)}/replay`,
      range,
    ).then((r) => r.replayed);
  }
  listAgents(): Promise<Agent[]> {
    return this.all<Agent>('/agents');
  }
  agentTypes(): Promise<AgentType[]> {
    return this.request<{ data: AgentType[] }>('GET', '/agent-types').then((r) => r.data);
  }
  getAgent(id: string): Promise<Agent> {
    return this.request('GET', `/agents/${enc(id)}`);
  }
  createAgent(input: AgentInput): Promise<Agent> {
    return this.request('POST', '/agents', input);
  }
  updateAgent(id: string, patch: AgentPatch): Promise<Agent> {
    return this.request('PATCH', `/agents/${enc(id)}`, patch);
  }
  deleteAgent(id: string): Promise<void> {
    return this.request<null>('DELETE', `/agents/${enc(id)}`).then(() => undefined);
  }
  startAgent(id: string): Promise<Agent> {
    return this.request('POST', `/agents/${enc(id)}/start`);
  }
  stopAgent(id: string): Promise<Agent> {
    return this.request('POST', `/agents/${enc(id)}/stop`);
  }
  agentChannels(id: string): Promise<AgentChannels> {
    return this.request('GET', `/agents/${enc(id)}/connections`);
  }
  /** replaces the agent's channels; 409 when another agent holds inbound on one of them (the message names it) */
  setAgentChannels(id: string, channels: Array<{ connectionId: string; inbound: boolean }>): Promise<AgentChannels> {
    return this.request('PUT', `/agents/${enc(id)}/connections`, { connections: channels });
  }
  /** one turn of a flow bot from an unsaved config: its replies, collected fields, handoff, and the next state */
  tryFlow(input: {
    config: Record<string, unknown>;
    state: Record<string, unknown> | null;
    text: string;
    buttonId?: string;
  }): Promise<FlowTryResult> {
    return this.request('POST', '/agent-types/flow/try', input);
  }
  /** which agent handles each connection's inbound messages (connections no agent holds are not listed) */
  inboundAgents(): Promise<InboundHolder[]> {
    return this.request<{ data: InboundHolder[] }>('GET', '/agents/inbound').then((r) => r.data);
  }
  listRoutingRules(query: { connectionId?: string | null } = {}): Promise<RoutingRule[]> {
    const q =
      query.connectionId === undefined
        ? ''
        : `?connectionId=${query.connectionId === null ? 'none' : enc(query.connectionId)}`;
    return this.request<{ data: RoutingRule[] }>('GET', `/routing-rules${q}`).then((r) => r.data);
  }
  createRoutingRule(input: RoutingRuleInput): Promise<SavedRoutingRule> {
    return this.request('POST', '/routing-rules', input);
  }
  updateRoutingRule(id: string, patch: RoutingRulePatch): Promise<SavedRoutingRule> {
    return this.request('PATCH', `/routing-rules/${enc(id)}`, patch);
  }
  /** the workspace's routing that will not work as set up: rules that never fire, two agents for one connection, empty teams */
  routingWarnings(): Promise<RoutingWarning[]> {
    return this.request<{ data: RoutingWarning[] }>('GET', '/routing-rules/warnings').then((r) => r.data);
  }
  /** sets the order of one scope's rules (a connection, or null: workspace-wide); every rule of the scope once, first evaluated first */
  reorderRoutingRules(connectionId: string | null, ruleIds: string[]): Promise<RoutingRule[]> {
    return this.request<{ data: RoutingRule[] }>('PUT', '/routing-rules/order', { connectionId, ruleIds }).then(
      (r) => r.data,
    );
  }
  deleteRoutingRule(id: string): Promise<void> {
    return this.request<null>('DELETE', `/routing-rules/${enc(id)}`).then(() => undefined);
  }
  /** which rule fires for this message, and why (every rule with its reasons) */
  explainRouting(input: ExplainInput): Promise<ExplainResult> {
    return this.request('POST', '/routing/explain', input);
  }
  listTeams(): Promise<Team[]> {
    return this.all<Team>('/teams');
  }
  createTeam(input: TeamInput): Promise<Team> {
    return this.request('POST', '/teams', input);
  }
  updateTeam(id: string, patch: TeamPatch): Promise<Team> {
    return this.request('PATCH', `/teams/${enc(id)}`, patch);
  }
  deleteTeam(id: string): Promise<void> {
    return this.request<null>('DELETE', `/teams/${enc(id)}`).then(() => undefined);
  }
  // --- campaigns ---
  listSegments(): Promise<Segment[]> {
    return this.all<Segment>('/segments');
  }
  /** the segment with `count`: the contacts it matches now */
  getSegment(id: string): Promise<Segment> {
    return this.request('GET', `/segments/${enc(id)}`);
  }
  createSegment(input: SegmentInput): Promise<Segment> {
    return this.request('POST', '/segments', input);
  }
  updateSegment(id: string, patch: SegmentPatch): Promise<Segment> {
    return this.request('PATCH', `/segments/${enc(id)}`, patch);
  }
  deleteSegment(id: string): Promise<void> {
    return this.request<null>('DELETE', `/segments/${enc(id)}`).then(() => undefined);
  }
  /** how many contacts a filter matches now, and a few of them; saves nothing */
  previewSegment(filter: SegmentFilter): Promise<SegmentPreview> {
    return this.request('POST', '/segments/preview', { filter });
  }
  listCampaigns(): Promise<Campaign[]> {
    return this.all<Campaign>('/campaigns');
  }
  getCampaign(id: string): Promise<Campaign> {
    return this.request('GET', `/campaigns/${enc(id)}`);
  }
  createCampaign(input: CampaignInput): Promise<Campaign> {
    return this.request('POST', '/campaigns', input);
  }
  updateCampaign(id: string, patch: CampaignPatch): Promise<Campaign> {
    return this.request('PATCH', `/campaigns/${enc(id)}`, patch);
  }
  deleteCampaign(id: string): Promise<void> {
    return this.request<null>('DELETE', `/campaigns/${enc(id)}`).then(() => undefined);
  }
  /** a draft's explicit audience: contacts by id, or a CSV validated row by row (the report says which rows failed) */
  addCampaignContacts(id: string, input: CampaignContactsInput): Promise<CampaignContactsResult> {
    return this.request('POST', `/campaigns/${enc(id)}/contacts`, input);
  }
  /** start (or schedule), pause, resume, cancel, or duplicate into a new draft */
  campaignAction(id: string, action: CampaignAction): Promise<Campaign> {
    return this.request('POST', `/campaigns/${enc(id)}/${action}`);
  }
  /** the audience as the start would judge it now (excluded by reason) and a preview per sample recipient */
  campaignAudience(id: string): Promise<CampaignAudienceCheck> {
    return this.request('GET', `/campaigns/${enc(id)}/audience`);
  }
  campaignStats(id: string): Promise<CampaignStats> {
    return this.request('GET', `/campaigns/${enc(id)}/stats`);
  }
  /** recipients with each step's outcome, optionally only those with one outcome (of any step, or of `step`) */
  campaignRecipients(
    id: string,
    query: { outcome?: string; step?: number; cursor?: string; limit?: number } = {},
  ): Promise<{ data: CampaignRecipient[]; nextCursor: string | null }> {
    const params = new URLSearchParams(
      Object.entries(query)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, String(v)]),
    );
    return this.request('GET', `/campaigns/${enc(id)}/recipients?${params.toString()}`);
  }
  // --- end campaigns ---
  /** the conversation's decisions, oldest first: rules fired, agent replies, handoffs, assignments */
  conversationTimeline(conversationId: string): Promise<TimelineEvent[]> {
    return this.all<TimelineEvent>(`/conversations/${enc(conversationId)}/timeline`);
  }
  // --- end automation ---
  // hand a conversation to humans (optionally a team: round-robin) or to an agent; assign or unassign an operator
  handoff(conversationId: string, input: BodyOf<'/api/v1/conversations/{id}/handoff', 'post'>): Promise<Conversation> {
    return this.request('POST', `/conversations/${enc(conversationId)}/handoff`, input);
  }
  assignConversation(conversationId: string, userId: string | null): Promise<Conversation> {
    return this.request('POST', `/conversations/${enc(conversationId)}/assign`, { userId });
  }
  /** resolve; with returnToAgent the agent gets the conversation back (otherwise the contact's next conversation stays with humans) */
  resolveConversation(conversationId: string, options: { returnToAgent?: boolean } = {}): Promise<Conversation> {
    return this.request('PATCH', `/conversations/${enc(conversationId)}`, { status: 'resolved', ...options });
  }

  // --- operator app: session, users, contacts, media, connection editing and logs ---
  signOut(): Promise<void> {
    return this.request<null>('POST', '/auth/logout').then(() => undefined);
  }
  me(): Promise<User> {
    return this.request('GET', '/me');
  }
  listUsers(): Promise<User[]> {
    return this.request<{ data: User[] }>('GET', '/users').then((r) => r.data);
  }
  getWorkspace(): Promise<Workspace> {
    return this.request('GET', '/workspace');
  }
  /** owners and admins only (403 otherwise) */
  updateWorkspace(patch: WorkspacePatch): Promise<Workspace> {
    return this.request('PATCH', '/workspace', patch);
  }
  /** without a password the server generates one and answers it, once */
  inviteUser(input: UserInput): Promise<ResponseOf<'/api/v1/users', 'post'>> {
    return this.request('POST', '/users', input);
  }
  updateUser(id: string, patch: UserPatch): Promise<User> {
    return this.request('PATCH', `/users/${enc(id)}`, patch);
  }
  removeUser(id: string): Promise<void> {
    return this.request<null>('DELETE', `/users/${enc(id)}`).then(() => undefined);
  }
  getContactDetail(id: string): Promise<ContactDetail> {
    return this.request('GET', `/contacts/${enc(id)}`);
  }
  /** the contact's opt-outs per channel type and identity */
  getConsent(contactId: string): Promise<Consent[]> {
    return this.request<ResponseOf<'/api/v1/contacts/{id}/consent', 'get'>>(
      'GET',
      `/contacts/${enc(contactId)}/consent`,
    ).then((r) => r.data);
  }
  /** records an opt-out (sends are then refused with 422 OPTED_OUT) or an opt-in */
  setConsent(contactId: string, input: ConsentInput): Promise<Consent[]> {
    return this.request<ResponseOf<'/api/v1/contacts/{id}/consent', 'put'>>(
      'PUT',
      `/contacts/${enc(contactId)}/consent`,
      input,
    ).then((r) => r.data);
  }
  /**
   * imports contacts from CSV (POST /api/v1/contacts/import; admins): columns name, phone, email, tags, id and
   * attributes.<key>; the report says what each row did and why a row was refused
   */
  async importContacts(csv: string | Blob, options: ContactImportOptions = {}): Promise<ContactImportReport> {
    const res = await this.fetcher(`${this.base}/api/v1/contacts/import${query(options)}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.token}`, 'content-type': 'text/csv' },
      body: csv,
    });
    return (await this.readText(res, true)) as ContactImportReport;
  }
  /** the contacts a search finds (all without q) as CSV text (GET /api/v1/contacts/export.csv; admins) */
  async exportContacts(options: ContactExportOptions = {}): Promise<string> {
    const res = await this.fetcher(`${this.base}/api/v1/contacts/export.csv${query(options)}`, {
      headers: { authorization: `Bearer ${this.token}` },
    });
    return (await this.readText(res, false)) as string;
  }
  /** a campaign's recipients as CSV text, one row per recipient and step, filtered like campaignRecipients */
  async exportCampaignRecipients(id: string, options: CampaignRecipientsCsvOptions = {}): Promise<string> {
    const params = {
      outcome: options.outcome,
      step: options.step === undefined ? undefined : String(options.step),
    };
    const res = await this.fetcher(`${this.base}/api/v1/campaigns/${enc(id)}/recipients.csv${query(params)}`, {
      headers: { authorization: `Bearer ${this.token}` },
    });
    return (await this.readText(res, false)) as string;
  }
  private async readText(res: Response, json: boolean): Promise<unknown> {
    const text = await res.text();
    if (!res.ok) {
      const err = (safeJson(text) as { error?: { code?: string; message?: string } } | null)?.error;
      throw new ApiError(res.status, err?.code ?? `HTTP_${res.status}`, err?.message ?? (text || res.statusText));
    }
    return json ? safeJson(text) : text;
  }
  /** identities are normalized by their channel type's address kind; 409 when one belongs to another contact */
  createContact(input: ContactInput): Promise<ContactDetail> {
    return this.request('POST', '/contacts', input);
  }
  /** attributes are merged (null removes a key); tags are replaced */
  updateContact(id: string, patch: ContactPatch): Promise<ContactDetail> {
    return this.request('PATCH', `/contacts/${enc(id)}`, patch);
  }
  /** merges otherContactId into id; the other id answers 301 {mergedInto} afterwards */
  mergeContacts(id: string, otherContactId: string): Promise<ContactMergeResult> {
    return this.request('POST', `/contacts/${enc(id)}/merge`, { otherContactId });
  }
  /** suggestions only (shared phone or email, or the same name on another channel), each with its reasons */
  contactDuplicates(id: string): Promise<ContactDuplicate[]> {
    return this.request<Schemas['ContactDuplicates']>('GET', `/contacts/${enc(id)}/duplicates`).then((r) => r.data);
  }
  /** everything held about the contact as one JSON document */
  exportContact(id: string): Promise<ContactExport> {
    return this.request('GET', `/contacts/${enc(id)}/export`);
  }
  /** erases the contact and what identifies them (admins and owners) */
  eraseContact(id: string): Promise<ContactErased> {
    return this.request('DELETE', `/contacts/${enc(id)}`);
  }
  /** contacts carrying a tag */
  contactsTagged(tag: string): Promise<Contact[]> {
    return this.all<Contact>(`/contacts?tag=${enc(tag)}`);
  }
  conversationsOfContact(contactId: string): Promise<Conversation[]> {
    return this.all<Conversation>(`/conversations?contactId=${enc(contactId)}`);
  }
  assign(conversationId: string, assigneeId: string | null): Promise<Conversation> {
    return this.request('PATCH', `/conversations/${enc(conversationId)}`, { assigneeId });
  }
  /** starts (or continues) a conversation with an address on a connection */
  sendTo(connectionId: string, to: string, input: SendInput): Promise<Message> {
    return this.request('POST', '/messages', { connectionId, to, ...input });
  }
  /** uploads the bytes (POST /api/v1/media); the answered URL goes into a message's content.media.url */
  async uploadMedia(file: Blob, fileName?: string): Promise<Attachment> {
    const res = await this.fetcher(`${this.base}/api/v1/media${fileName ? `?fileName=${enc(fileName)}` : ''}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.token}`, 'content-type': file.type || 'application/octet-stream' },
      body: file,
    });
    const text = await res.text();
    const parsed: unknown = text ? safeJson(text) : null;
    if (!res.ok) {
      const err = (parsed as { error?: { code?: string; message?: string; details?: Record<string, unknown> } } | null)
        ?.error;
      throw new ApiError(
        res.status,
        err?.code ?? `HTTP_${res.status}`,
        err?.message ?? (text || res.statusText),
        err?.details,
      );
    }
    return parsed as Attachment;
  }
  getConnection(id: string): Promise<Connection> {
    return this.request('GET', `/connections/${enc(id)}`);
  }
  /** config is partial: omitted fields and the '********' mask keep their value, a new secret value replaces it */
  updateConnection(id: string, patch: ConnectionPatch): Promise<Connection> {
    return this.request('PATCH', `/connections/${enc(id)}`, patch);
  }
  // Settings › Channels deletes a connection (stopped first by the server)
  deleteConnection(id: string): Promise<void> {
    return this.request<null>('DELETE', `/connections/${enc(id)}`).then(() => undefined);
  }
  connectionLogs(id: string, limit = 50): Promise<ConnectionLog[]> {
    return this.request<Page<ConnectionLog>>('GET', `/connections/${enc(id)}/logs?limit=${limit}`).then((r) => r.data);
  }
  syncTemplates(connectionId: string): Promise<Template[]> {
    return this.request<{ data: Template[] }>('POST', `/connections/${enc(connectionId)}/templates/sync`).then(
      (r) => r.data,
    );
  }
  // --- end operator app ---

  // --- webchat: the public settings the widget reads, and its one-line embed code ---
  /** public and unauthenticated, as the widget calls it; 503 while the connection is stopped */
  async webchatSettings(connectionId: string): Promise<WebchatPublicSettings> {
    const res = await this.fetcher(`${this.base}/webchat/${enc(connectionId)}/settings`);
    const text = await res.text();
    const parsed: unknown = text ? safeJson(text) : null;
    if (!res.ok) {
      const err = (parsed as { error?: { code?: string; message?: string; details?: Record<string, unknown> } } | null)
        ?.error;
      throw new ApiError(
        res.status,
        err?.code ?? `HTTP_${res.status}`,
        err?.message ?? (text || res.statusText),
        err?.details,
      );
    }
    return parsed as WebchatPublicSettings;
  }
  /** the <script> line to paste into a website; the server's public URL is the connection's webhook URL without /webhooks/{id} */
  webchatEmbedCode(connection: Pick<Connection, 'id' | 'webhookUrl'>, serverUrl?: string): string {
    const base = (serverUrl ?? connection.webhookUrl.replace(/\/webhooks\/[^/]+$/, '')).replace(/\/$/, '');
    return `<script src="${base}/widget.js" data-connection="${connection.id}" async></script>`;
  }
  // --- end webchat ---

  /**
   * Reads GET /api/v1/events until the signal aborts, reconnecting (with Last-Event-ID) after errors.
   * onStatus reports 'open' when the stream is ready and 'error' when it broke.
   */
  async events(
    onEvent: (event: HubEvent) => void,
    options: { signal: AbortSignal; onStatus?: (status: 'open' | 'error') => void; retryMs?: number },
  ): Promise<void> {
    let lastId: string | undefined;
    while (!options.signal.aborted) {
      try {
        const res = await this.fetcher(`${this.base}/api/v1/events`, {
          headers: {
            authorization: `Bearer ${this.token}`,
            accept: 'text/event-stream',
            ...(lastId ? { 'last-event-id': lastId } : {}),
          },
          signal: options.signal,
        });
        if (!res.ok || !res.body) throw new ApiError(res.status, `HTTP_${res.status}`, 'event stream refused');
        const reader = res.body.getReader();
        const decoder = new TextDecoder();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += decoder.decode(value, { stream: true }).replace(/\r\n/g, '\n');
          let idx: number;
          while ((idx = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, idx);
            buffer = buffer.slice(idx + 2);
            const fields: Record<string, string> = {};
            for (const line of block.split('\n')) {
              const m = /^(\w[\w-]*): ?(.*)$/.exec(line);
              if (m)
                fields[m[1] as string] =
                  fields[m[1] as string] === undefined
                    ? (m[2] as string)
                    : `${fields[m[1] as string]}\n${m[2] as string}`;
            }
            if (fields.id) lastId = fields.id;
            if (!fields.event) continue;
            if (fields.event === 'ready') {
              options.onStatus?.('open');
              continue;
            }
            const data = safeJson(fields.data ?? 'null') as Partial<HubEvent> | null;
            onEvent({ type: fields.event, data: {}, ...(data ?? {}), ...(fields.id ? { id: fields.id } : {}) });
          }
        }
      } catch (err) {
        if (options.signal.aborted) return;
        if (err instanceof ApiError && err.status === 401) throw err;
      }
      options.onStatus?.('error');
      await new Promise((r) => setTimeout(r, options.retryMs ?? 2000));
    }
  }
}

/** a query string of the given parameters, leaving out the undefined ones */
function query(params: Record<string, string | undefined>): string {
  const entries = Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined);
  return entries.length > 0 ? `?${new URLSearchParams(entries).toString()}` : '';
}

function enc(s: string): string {
  return encodeURIComponent(s);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
