/**
 * @switchboard/sdk: a small typed client for the Switchboard REST API (/api/v1) over fetch, and a reader of the
 * realtime event stream (SSE with the bearer header, so it uses fetch streaming rather than EventSource).
 */

export type ConversationStatus = 'open' | 'pending' | 'resolved';
export type MessageStatus = 'queued' | 'sent' | 'delivered' | 'read' | 'failed' | 'received' | (string & {});
export type ConnectionStatus = 'RUNNING' | 'STOPPED' | 'STARTING' | 'STOPPING' | 'ERROR' | (string & {});

export interface ConversationWindow { expiresAt: string; open: boolean; awaitingReply: boolean }
export interface Conversation {
  id: string; contactId: string; connectionId: string; channelType: string; address: string; threadKey: string | null;
  status: ConversationStatus; assigneeId: string | null; senderAddress: string | null; window: ConversationWindow | null;
  lastMessageAt: string | null; lastMessagePreview: string | null; unreadCount: number; createdAt: string; updatedAt: string;
  // routing area: who handles it ('agent': an agent answers; 'human': operators, the agent stays silent; null: not routed yet)
  handler?: 'agent' | 'human' | null; agentId?: string | null; teamId?: string | null; tags?: string[];
}
export interface Content { type: string; text?: string; [key: string]: unknown }
export interface Message {
  id: string; conversationId: string; connectionId: string; channelType: string; direction: 'inbound' | 'outbound';
  from: string; to: string; content: Content; status: MessageStatus; statusDetail: { code?: string; message?: string } | null;
  providerMessageId: string | null; timestamp: string; editedAt: string | null; metadata: Record<string, unknown>;
}
export interface Contact { id: string; name: string | null; attributes: Record<string, unknown>; createdAt: string; updatedAt: string }
export interface Connection {
  id: string; type: string; name: string; description: string; status: ConnectionStatus; statusReason: string | null;
  deprecated: boolean; webhookUrl: string; config: Record<string, unknown>; createdAt: string; updatedAt: string;
}
export interface JsonSchema {
  type?: string | string[]; properties?: Record<string, JsonSchema>; required?: string[]; enum?: unknown[];
  default?: unknown; description?: string; title?: string; writeOnly?: boolean; format?: string; pattern?: string;
  minLength?: number; maxLength?: number; minimum?: number; maximum?: number; 'x-generated'?: boolean; 'x-secret'?: boolean;
}
export interface ConnectionType { type: string; displayName: string; description: string; capabilities: Record<string, unknown>; configSchema: JsonSchema }
export interface Template { id: string; name: string; language: string; status: string; category: string; variables: string[]; body: string }
export interface Page<T> { data: T[]; nextCursor: string | null }
export interface HubEvent { id?: string; type: string; conversationId?: string; data: Record<string, unknown> }
export interface SendInput { content?: Content; template?: { name: string; language: string; variables?: Record<string, string> } }

// --- automation (AUTOMATION-UI helper): types of webhook subscriptions, agents, routing ---
/** the event types a subscription may ask for ('*' = all); mirrors the server's model/events.ts EVENT_TYPES */
export const WEBHOOK_EVENT_TYPES = [
  'message.received', 'message.created', 'message.updated', 'message.status', 'conversation.created', 'conversation.updated',
  'conversation.typing', 'contact.created', 'connection.status', 'conversation.timeline', 'agent.status',
] as const;
export interface WebhookSubscription {
  id: string; url: string; eventTypes: string[]; active: boolean; description: string;
  /** in full only in the answer that created the subscription, '********' afterwards */
  secret: string; createdAt: string; updatedAt: string;
}
export interface WebhookSubscriptionInput { url: string; eventTypes: string[]; secret?: string; description?: string; active?: boolean }
export interface WebhookDelivery {
  id: string; eventId: string; eventType: string; status: 'pending' | 'delivered' | 'dead' | (string & {}); attempts: number;
  nextAttemptAt: string | null; lastStatusCode: number | null; lastError: string | null; createdAt: string; deliveredAt: string | null;
}
export interface Agent {
  id: string; kind: string; name: string; description: string; status: ConnectionStatus; statusReason: string | null;
  /** secret fields masked as '********'; sending the mask back keeps the value */
  config: Record<string, unknown>; createdAt: string; updatedAt: string;
  /** gaps area: only in createAgent's answer: config fields the server generated (left empty), in full there once */
  generatedSecrets?: string[];
}
export interface AgentType { kind: string; displayName: string; description: string; configSchema: JsonSchema }
export interface AgentInput { kind: string; name: string; description?: string; config?: Record<string, unknown> }
/** one of an agent's attached channels: Inbound as set on the agent's page, and what the agent applied at its last start (null: not yet) */
export interface AgentChannel { connectionId: string; connectionName: string; channelType: string; inbound: boolean; active: { inbound: boolean } | null }
/** restartRequired: the page differs from what the running agent applied (changes take effect at restart) */
export interface AgentChannels { data: AgentChannel[]; restartRequired: boolean }
export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';
export interface RoutingConditions {
  channelTypes?: string[]; keywords?: string[]; regex?: string;
  contactAttributes?: Array<{ key: string; equals?: string | number | boolean; exists?: boolean }>;
  businessHours?: { timeZone: string; days: Weekday[]; from: string; to: string; inside: boolean };
  newContact?: boolean;
}
export type RoutingAction =
  | { type: 'agent'; agentId: string } | { type: 'team'; teamId: string } | { type: 'assign'; userId: string }
  | { type: 'tag'; tag: string } | { type: 'reply'; text: string };
export interface RoutingRule {
  id: string; connectionId: string | null; position: number; name: string; enabled: boolean;
  conditions: RoutingConditions; actions: RoutingAction[]; createdAt: string; updatedAt: string;
}
export interface RoutingRuleInput { connectionId?: string | null; name: string; enabled?: boolean; conditions: RoutingConditions; actions: RoutingAction[] }
/** a stored message (messageId), or a message described by connectionId, text and contact; `at` defaults to now */
export interface ExplainInput { messageId?: string; connectionId?: string; text?: string; contactId?: string; contactAttributes?: Record<string, unknown>; newContact?: boolean; at?: string }
export interface ExplainRuleResult {
  ruleId: string; name: string; connectionId: string | null; position: number; enabled: boolean; matched: boolean; fired: boolean;
  checks: Array<{ condition: string; ok: boolean; detail: string }>; reason: string;
}
export interface ExplainResult {
  input: { connectionId: string; channelType: string; text: string; contactAttributes: Record<string, unknown>; newContact: boolean; at: string };
  /** null: no rule fired, the default route applies */
  firedRule: { id: string; name: string } | null;
  route: {
    source: 'rule' | 'default' | 'continued' | (string & {}); handler: 'agent' | 'human' | (string & {}); agentId: string | null; teamId: string | null;
    assigneeId: string | null; tags: string[]; replies: string[]; actions: RoutingAction[]; notes: string[];
  };
  rules: ExplainRuleResult[];
}
export interface TeamMember { userId: string; capacity: number }
export interface Team { id: string; name: string; members: TeamMember[]; lastAssignedUserId: string | null; createdAt: string; updatedAt: string }
export interface TimelineEvent { id: string; conversationId: string; type: string; actor: string; data: Record<string, unknown>; at: string }
// --- end automation types ---

// --- operator app (OPERATOR-APP helper): people, contacts with identities, media, connection logs ---
export type Role = 'owner' | 'admin' | 'operator';
export interface User { id: string; workspaceId: string; email: string; name: string; role: Role; createdAt: string }
export interface Session { token: string; expiresAt: string; user: User }
export interface Identity { id: string; channelType: string; address: string; connectionId: string | null }
export interface ContactDetail extends Contact { identities?: Identity[] }
export interface Attachment { id: string; url: string; mimeType: string; size: number; fileName: string | null }
export interface ConnectionLog { id: string; level: string; event: string; message: string; at: string }

/**
 * POST /api/v1/auth/login: email and password for a session token (a Bearer token valid 30 days). An email of
 * more than one workspace needs `workspaceId` (else 409 WORKSPACE_REQUIRED).
 */
export async function signIn(email: string, password: string, options: { baseUrl?: string; fetch?: typeof fetch; workspaceId?: string } = {}): Promise<Session> {
  const fetcher = options.fetch ?? ((...args: Parameters<typeof fetch>) => fetch(...args));
  const res = await fetcher(`${(options.baseUrl ?? '').replace(/\/$/, '')}/api/v1/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password, ...(options.workspaceId ? { workspaceId: options.workspaceId } : {}) }),
  });
  const text = await res.text();
  const parsed: unknown = text ? safeJson(text) : null;
  if (!res.ok) {
    const err = (parsed as { error?: { code?: string; message?: string } } | null)?.error;
    throw new ApiError(res.status, err?.code ?? `HTTP_${res.status}`, err?.message ?? (text || res.statusText));
  }
  return parsed as Session;
}
// --- end operator app types ---

// --- webchat (WEBCHAT helper): the web chat connection's settings and its public settings answer ---
export type WebchatDay = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';
/** one opening interval starting on `day`; `to` before `from` runs past midnight */
export interface WebchatOpeningRange { day: WebchatDay; from: string; to: string }
export interface WebchatOperatingHours { enabled: boolean; timeZone: string; schedule: WebchatOpeningRange[] }
export interface WebchatOffline { mode: 'form' | 'message' | 'chat'; text: string }
/** the webchat fields of Connection.config (PATCH them with updateConnection) */
export interface WebchatSettingsConfig {
  title?: string; color?: string; position?: 'right' | 'left'; avatarUrl?: string | null; greeting?: string | null;
  operatingHours?: WebchatOperatingHours | null; offline?: WebchatOffline | null;
}
/** GET /webchat/{id}/settings: what the widget sees (public, no secrets); open is computed by the server now */
export interface WebchatPublicSettings {
  connectionId: string;
  appearance: { title: string; color: string; position: 'right' | 'left'; avatarUrl: string | null };
  greeting: string | null; open: boolean;
  operatingHours: { timeZone: string; schedule: WebchatOpeningRange[] } | null;
  offline: WebchatOffline;
}
// --- end webchat types ---

export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface ClientOptions { token: string; baseUrl?: string; fetch?: typeof fetch }

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
      headers: { authorization: `Bearer ${this.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    const parsed: unknown = text ? safeJson(text) : null;
    if (!res.ok) {
      const err = (parsed as { error?: { code?: string; message?: string } } | null)?.error;
      throw new ApiError(res.status, err?.code ?? `HTTP_${res.status}`, err?.message ?? (text || res.statusText));
    }
    return parsed as T;
  }

  /** follows cursors up to maxPages pages */
  async all<T>(path: string, maxPages = 10): Promise<T[]> {
    const out: T[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < maxPages; i++) {
      const sep = path.includes('?') ? '&' : '?';
      const page: Page<T> = await this.request<Page<T>>('GET', `${path}${sep}limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      out.push(...page.data);
      cursor = page.nextCursor;
      if (!cursor) break;
    }
    return out;
  }

  listConversations(query: { status?: ConversationStatus } = {}): Promise<Conversation[]> {
    return this.all<Conversation>(`/conversations${query.status ? `?status=${query.status}` : ''}`);
  }
  getConversation(id: string): Promise<Conversation> { return this.request('GET', `/conversations/${enc(id)}`); }
  updateConversation(id: string, patch: { status?: ConversationStatus; markRead?: boolean }): Promise<Conversation> {
    return this.request('PATCH', `/conversations/${enc(id)}`, patch);
  }
  listMessages(conversationId: string): Promise<Message[]> { return this.all<Message>(`/conversations/${enc(conversationId)}/messages`); }
  send(conversationId: string, input: SendInput): Promise<Message> { return this.request('POST', `/conversations/${enc(conversationId)}/messages`, input); }
  sendText(conversationId: string, text: string): Promise<Message> { return this.send(conversationId, { content: { type: 'text', text } }); }
  getContact(id: string): Promise<Contact> { return this.request('GET', `/contacts/${enc(id)}`); }

  listConnections(): Promise<Connection[]> { return this.all<Connection>('/connections'); }
  connectionTypes(): Promise<ConnectionType[]> { return this.request<{ data: ConnectionType[] }>('GET', '/connection-types').then((r) => r.data); }
  createConnection(input: { type: string; name: string; description?: string; config?: Record<string, unknown>; deprecated?: boolean }): Promise<Connection> {
    return this.request('POST', '/connections', input);
  }
  startConnection(id: string): Promise<Connection> { return this.request('POST', `/connections/${enc(id)}/start`); }
  stopConnection(id: string): Promise<Connection> { return this.request('POST', `/connections/${enc(id)}/stop`); }
  listTemplates(connectionId: string): Promise<Template[]> {
    return this.request<{ data: Template[] }>('GET', `/connections/${enc(connectionId)}/templates`).then((r) => r.data);
  }

  // --- automation (AUTOMATION-UI helper): outgoing webhook subscriptions, delivery log, replays ---
  listWebhookSubscriptions(): Promise<WebhookSubscription[]> { return this.all<WebhookSubscription>('/webhook-subscriptions'); }
  getWebhookSubscription(id: string): Promise<WebhookSubscription> { return this.request('GET', `/webhook-subscriptions/${enc(id)}`); }
  /** the answer carries the signing secret in full, the only time it is shown */
  createWebhookSubscription(input: WebhookSubscriptionInput): Promise<WebhookSubscription> { return this.request('POST', '/webhook-subscriptions', input); }
  updateWebhookSubscription(id: string, patch: Partial<WebhookSubscriptionInput>): Promise<WebhookSubscription> {
    return this.request('PATCH', `/webhook-subscriptions/${enc(id)}`, patch);
  }
  deleteWebhookSubscription(id: string): Promise<void> { return this.request<null>('DELETE', `/webhook-subscriptions/${enc(id)}`).then(() => undefined); }
  /** one page of the delivery log, newest first */
  listWebhookDeliveries(subscriptionId: string, query: { limit?: number; cursor?: string } = {}): Promise<Page<WebhookDelivery>> {
    const q = new URLSearchParams();
    if (query.limit) q.set('limit', String(query.limit));
    if (query.cursor) q.set('cursor', query.cursor);
    const qs = q.toString();
    return this.request('GET', `/webhook-subscriptions/${enc(subscriptionId)}/deliveries${qs ? `?${qs}` : ''}`);
  }
  replayWebhookDelivery(deliveryId: string): Promise<WebhookDelivery> { return this.request('POST', `/webhook-deliveries/${enc(deliveryId)}/replay`); }
  /** delivers again every delivery queued within [from, to] (ISO times); answers how many */
  replayWebhookRange(subscriptionId: string, range: { from: string; to: string }): Promise<number> {
    return this.request<{ replayed: number }>('POST', `/webhook-subscriptions/${enc(subscriptionId)}/replay`, range).then((r) => r.replayed);
  }
  listAgents(): Promise<Agent[]> { return this.all<Agent>('/agents'); }
  agentTypes(): Promise<AgentType[]> { return this.request<{ data: AgentType[] }>('GET', '/agent-types').then((r) => r.data); }
  getAgent(id: string): Promise<Agent> { return this.request('GET', `/agents/${enc(id)}`); }
  createAgent(input: AgentInput): Promise<Agent> { return this.request('POST', '/agents', input); }
  updateAgent(id: string, patch: Partial<Omit<AgentInput, 'kind'>>): Promise<Agent> { return this.request('PATCH', `/agents/${enc(id)}`, patch); }
  deleteAgent(id: string): Promise<void> { return this.request<null>('DELETE', `/agents/${enc(id)}`).then(() => undefined); }
  startAgent(id: string): Promise<Agent> { return this.request('POST', `/agents/${enc(id)}/start`); }
  stopAgent(id: string): Promise<Agent> { return this.request('POST', `/agents/${enc(id)}/stop`); }
  agentChannels(id: string): Promise<AgentChannels> { return this.request('GET', `/agents/${enc(id)}/connections`); }
  /** replaces the agent's channels; 409 when another agent holds inbound on one of them (the message names it) */
  setAgentChannels(id: string, channels: Array<{ connectionId: string; inbound: boolean }>): Promise<AgentChannels> {
    return this.request('PUT', `/agents/${enc(id)}/connections`, { connections: channels });
  }
  listRoutingRules(query: { connectionId?: string | null } = {}): Promise<RoutingRule[]> {
    const q = query.connectionId === undefined ? '' : `?connectionId=${query.connectionId === null ? 'none' : enc(query.connectionId)}`;
    return this.request<{ data: RoutingRule[] }>('GET', `/routing-rules${q}`).then((r) => r.data);
  }
  createRoutingRule(input: RoutingRuleInput): Promise<RoutingRule> { return this.request('POST', '/routing-rules', input); }
  updateRoutingRule(id: string, patch: Partial<Omit<RoutingRuleInput, 'connectionId'>>): Promise<RoutingRule> { return this.request('PATCH', `/routing-rules/${enc(id)}`, patch); }
  /** sets the order of one scope's rules (a connection, or null: workspace-wide); every rule of the scope once, first evaluated first */
  reorderRoutingRules(connectionId: string | null, ruleIds: string[]): Promise<RoutingRule[]> {
    return this.request<{ data: RoutingRule[] }>('PUT', '/routing-rules/order', { connectionId, ruleIds }).then((r) => r.data);
  }
  deleteRoutingRule(id: string): Promise<void> { return this.request<null>('DELETE', `/routing-rules/${enc(id)}`).then(() => undefined); }
  /** which rule fires for this message, and why (every rule with its reasons) */
  explainRouting(input: ExplainInput): Promise<ExplainResult> { return this.request('POST', '/routing/explain', input); }
  listTeams(): Promise<Team[]> { return this.all<Team>('/teams'); }
  createTeam(input: { name: string; members?: TeamMember[] }): Promise<Team> { return this.request('POST', '/teams', input); }
  updateTeam(id: string, patch: { name?: string; members?: TeamMember[] }): Promise<Team> { return this.request('PATCH', `/teams/${enc(id)}`, patch); }
  deleteTeam(id: string): Promise<void> { return this.request<null>('DELETE', `/teams/${enc(id)}`).then(() => undefined); }
  /** the conversation's decisions, oldest first: rules fired, agent replies, handoffs, assignments */
  conversationTimeline(conversationId: string): Promise<TimelineEvent[]> { return this.all<TimelineEvent>(`/conversations/${enc(conversationId)}/timeline`); }
  // --- end automation ---
  // routing area: hand a conversation to humans (optionally a team: round-robin) or to an agent; assign or unassign an operator
  handoff(conversationId: string, input: { to: 'human' | 'agent'; agentId?: string; teamId?: string; reason?: string }): Promise<Conversation> {
    return this.request('POST', `/conversations/${enc(conversationId)}/handoff`, input);
  }
  assignConversation(conversationId: string, userId: string | null): Promise<Conversation> { return this.request('POST', `/conversations/${enc(conversationId)}/assign`, { userId }); }
  /** resolve; with returnToAgent the agent gets the conversation back (otherwise the contact's next conversation stays with humans) */
  resolveConversation(conversationId: string, options: { returnToAgent?: boolean } = {}): Promise<Conversation> {
    return this.request('PATCH', `/conversations/${enc(conversationId)}`, { status: 'resolved', ...options });
  }

  // --- operator app (OPERATOR-APP helper): session, users, contacts, media, connection editing and logs ---
  signOut(): Promise<void> { return this.request<null>('POST', '/auth/logout').then(() => undefined); }
  me(): Promise<User> { return this.request('GET', '/me'); }
  listUsers(): Promise<User[]> { return this.request<{ data: User[] }>('GET', '/users').then((r) => r.data); }
  /** without a password the server generates one and answers it, once */
  inviteUser(input: { email: string; name: string; role: Role; password?: string }): Promise<{ user: User; password?: string }> { return this.request('POST', '/users', input); }
  updateUser(id: string, patch: { name?: string; role?: Role; password?: string }): Promise<User> { return this.request('PATCH', `/users/${enc(id)}`, patch); }
  removeUser(id: string): Promise<void> { return this.request<null>('DELETE', `/users/${enc(id)}`).then(() => undefined); }
  getContactDetail(id: string): Promise<ContactDetail> { return this.request('GET', `/contacts/${enc(id)}`); }
  conversationsOfContact(contactId: string): Promise<Conversation[]> { return this.all<Conversation>(`/conversations?contactId=${enc(contactId)}`); }
  assign(conversationId: string, assigneeId: string | null): Promise<Conversation> { return this.request('PATCH', `/conversations/${enc(conversationId)}`, { assigneeId }); }
  /** starts (or continues) a conversation with an address on a connection */
  sendTo(connectionId: string, to: string, input: SendInput): Promise<Message> { return this.request('POST', '/messages', { connectionId, to, ...input }); }
  /** uploads the bytes (POST /api/v1/media); the answered URL goes into a message's content.media.url */
  async uploadMedia(file: Blob, fileName?: string): Promise<Attachment> {
    const res = await this.fetcher(`${this.base}/api/v1/media${fileName ? `?fileName=${enc(fileName)}` : ''}`, {
      method: 'POST', headers: { authorization: `Bearer ${this.token}`, 'content-type': file.type || 'application/octet-stream' }, body: file,
    });
    const text = await res.text();
    const parsed: unknown = text ? safeJson(text) : null;
    if (!res.ok) {
      const err = (parsed as { error?: { code?: string; message?: string } } | null)?.error;
      throw new ApiError(res.status, err?.code ?? `HTTP_${res.status}`, err?.message ?? (text || res.statusText));
    }
    return parsed as Attachment;
  }
  getConnection(id: string): Promise<Connection> { return this.request('GET', `/connections/${enc(id)}`); }
  /** config is partial: omitted fields and the '********' mask keep their value, a new secret value replaces it */
  updateConnection(id: string, patch: { name?: string; description?: string; config?: Record<string, unknown>; deprecated?: boolean }): Promise<Connection> {
    return this.request('PATCH', `/connections/${enc(id)}`, patch);
  }
  // gaps area: Settings › Channels deletes a connection (stopped first by the server)
  deleteConnection(id: string): Promise<void> { return this.request<null>('DELETE', `/connections/${enc(id)}`).then(() => undefined); }
  connectionLogs(id: string, limit = 50): Promise<ConnectionLog[]> {
    return this.request<Page<ConnectionLog>>('GET', `/connections/${enc(id)}/logs?limit=${limit}`).then((r) => r.data);
  }
  syncTemplates(connectionId: string): Promise<Template[]> {
    return this.request<{ data: Template[] }>('POST', `/connections/${enc(connectionId)}/templates/sync`).then((r) => r.data);
  }
  // --- end operator app ---

  // --- webchat (WEBCHAT helper): the public settings the widget reads, and its one-line embed code ---
  /** public and unauthenticated, as the widget calls it; 503 while the connection is stopped */
  async webchatSettings(connectionId: string): Promise<WebchatPublicSettings> {
    const res = await this.fetcher(`${this.base}/webchat/${enc(connectionId)}/settings`);
    const text = await res.text();
    const parsed: unknown = text ? safeJson(text) : null;
    if (!res.ok) {
      const err = (parsed as { error?: { code?: string; message?: string } } | null)?.error;
      throw new ApiError(res.status, err?.code ?? `HTTP_${res.status}`, err?.message ?? (text || res.statusText));
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
  async events(onEvent: (event: HubEvent) => void, options: { signal: AbortSignal; onStatus?: (status: 'open' | 'error') => void; retryMs?: number }): Promise<void> {
    let lastId: string | undefined;
    while (!options.signal.aborted) {
      try {
        const res = await this.fetcher(`${this.base}/api/v1/events`, {
          headers: { authorization: `Bearer ${this.token}`, accept: 'text/event-stream', ...(lastId ? { 'last-event-id': lastId } : {}) },
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
              if (m) fields[m[1] as string] = fields[m[1] as string] === undefined ? (m[2] as string) : `${fields[m[1] as string]}\n${m[2] as string}`;
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
