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
