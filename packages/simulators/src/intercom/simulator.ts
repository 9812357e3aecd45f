// The Intercom simulator (https://developers.intercom.com/docs/references/rest-api/api.intercom.io): one app with its
// access tokens and client secret, admins (the one our replies go as, and a human teammate), contacts, conversations
// with their parts; the REST calls the connector makes (`GET /me`, `GET /admins/{id}`, `GET /conversations/{id}`,
// `POST /conversations/{id}/reply`, `POST /conversations/{id}/parts`) with Bearer auth, the `Intercom-Version` header,
// `error.list` bodies and the per-app rate limit in 10-second windows (`X-RateLimit-Limit/Remaining/Reset`, 429);
// the customer's side (the Messenger) and the teammates' side (the Intercom inbox); signed webhooks to the app's URL
// for the subscribed topics, retried on failure; attachments served like Intercom's CDN and attachment_urls fetched.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SimClock } from '../clock.js';
import { FaultBook } from '../faults/fault-book.js';
import { listen } from '../http/listen.js';
import { sendOutbound } from '../http/outbound-request.js';
import { readBody } from '../http/read-body.js';
import { respondJson, respondRaw } from '../http/respond.js';
import { TimerSet } from '../timer-set.js';
import { errorBody, INTERCOM_ERRORS, type IntercomErrorSpec } from './errors.js';
import {
  DEFAULT_WEBHOOK_OPTIONS,
  IntercomWebhooks,
  type IntercomDelivery,
  type IntercomWebhookOptions,
} from './webhook-delivery.js';

export interface IntercomAdmin {
  id: string;
  name: string;
  email: string;
}

export interface IntercomContact {
  id: string;
  role: 'user' | 'lead';
  name: string | null;
  email: string | null;
}

export interface IntercomAttachment {
  type: 'upload';
  name: string;
  url: string;
  content_type: string;
  filesize: number;
}

export interface IntercomPart {
  type: 'conversation_part';
  id: string;
  part_type: string;
  body: string | null;
  created_at: number;
  updated_at: number;
  notified_at: number;
  assigned_to: { type: string; id: string } | null;
  author: { type: string; id: string; name: string | null; email: string | null };
  attachments: IntercomAttachment[];
  external_id: null;
  redacted: boolean;
}

export interface IntercomConversationRecord {
  id: string;
  contactId: string;
  createdAt: number;
  updatedAt: number;
  state: 'open' | 'closed' | 'snoozed';
  adminAssigneeId: string | null;
  teamAssigneeId: string | null;
  source: {
    id: string;
    body: string;
    author: IntercomPart['author'];
    attachments: IntercomAttachment[];
  };
  parts: IntercomPart[];
}

/** a reply or a part written through the REST API (what the connector did) */
export interface IntercomApiPart {
  conversationId: string;
  part: IntercomPart;
  /** the request body as sent */
  request: Record<string, unknown>;
  /** the attachment_urls as fetched: bytes or the error */
  fetched: Array<{ url: string; status?: number; bytes?: Buffer; contentType?: string; error?: string }>;
}

export interface IntercomApiCall {
  /** simulated time of the call, ms */
  at: number;
  method: string;
  path: string;
  version: string | undefined;
  status: number;
}

export interface IntercomFaultInput {
  /** getMe, getAdmin, getConversation, reply, manageConversation, downloadAttachment, * */
  op: string;
  times?: number;
  latencyMs?: number;
  error?: IntercomErrorSpec;
}

export interface IntercomFile {
  data: Buffer;
  contentType: string;
  name: string;
}

export interface IntercomSimulatorOptions {
  port?: number;
  host?: string;
  /** calls per 10-second window per app: 10,000/min spread over 10 s windows is 1,666 (0 = unlimited) */
  rateLimitPer10s?: number;
  webhooks?: Partial<IntercomWebhookOptions>;
}

/** the topics Intercom can send (https://developers.intercom.com/docs/references/webhooks/webhook-models) that this simulator emits */
export const INTERCOM_TOPICS = [
  'conversation.user.created',
  'conversation.user.replied',
  'conversation.admin.replied',
  'conversation.admin.noted',
  'conversation.admin.closed',
  'conversation.admin.assigned',
  'conversation.admin.opened',
] as const;

export interface IntercomSimulator {
  url: string;
  appId: string;
  accessToken: string;
  clientSecret: string;
  /** the admin the connector replies as */
  botAdmin: IntercomAdmin;
  /** a human teammate working in the Intercom inbox */
  teammate: IntercomAdmin;
  clock: SimClock;
  /**
   * the app's webhook as set in the Developer Hub: its URL and topics (default every topic). Like the Developer Hub, it
   * first sends the URL a HEAD request and refuses a URL that does not answer 200
   */
  setWebhook(url: string | undefined, topics?: readonly string[]): Promise<void>;
  addContact(input?: { name?: string; email?: string; role?: 'user' | 'lead' }): IntercomContact;
  /** a customer starts a conversation in the Messenger: conversation.user.created */
  customerStarts(input: { contactId?: string; name?: string; email?: string; text?: string; files?: IntercomFile[] }): {
    conversationId: string;
    contactId: string;
    partId: string;
  };
  /** the customer writes again: conversation.user.replied (a closed conversation opens again) */
  customerReplies(conversationId: string, input: { text?: string; files?: IntercomFile[] }): string;
  /** a teammate answers in the Intercom inbox: conversation.admin.replied */
  teammateReplies(conversationId: string, text: string, adminId?: string): string;
  teammateCloses(conversationId: string, adminId?: string): string;
  teammateAssigns(conversationId: string, assigneeId: string, adminId?: string): string;
  conversation(id: string): IntercomConversationRecord | undefined;
  conversations(filter?: { contactId?: string }): IntercomConversationRecord[];
  contact(id: string): IntercomContact | undefined;
  /** what the REST API wrote (replies, notes, closes, assignments) */
  apiParts(filter?: { conversationId?: string; partType?: string }): IntercomApiPart[];
  calls(): IntercomApiCall[];
  deliveries(): IntercomDelivery[];
  replay(deliveryId: string): Promise<number>;
  addAccessToken(): string;
  revokeAccessToken(token: string): void;
  /** a teammate sets away mode (https://www.intercom.com/help/en/articles/6211498-set-yourself-away) */
  setAway(adminId: string, away: boolean): void;
  /** a teammate removed from the workspace: GET /admins/{id} answers 404 */
  removeAdmin(adminId: string): void;
  /** a new client secret (rotating it in the Developer Hub): webhooks are signed with it from now on */
  rotateClientSecret(): string;
  fault(input: IntercomFaultInput): void;
  clearFaults(): void;
  setRateLimit(per10s: number): void;
  /** holds the answer to a reply this long after its webhook went out (the webhook overtaking the answer) */
  setReplyAnswerDelay(ms: number): void;
  idle(): Promise<void>;
  close(): Promise<void>;
}

const numericId = () => String(100_000_000_000 + Math.floor(Math.random() * 899_999_999_999));
const hexId = () => randomBytes(12).toString('hex');
const escapeHtml = (t: string) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const html = (text: string) => `<p>${escapeHtml(text).replace(/\n/g, '<br>')}</p>`;
const VERSION = /^(\d+\.\d+|Unstable)$/;

export async function startIntercomSimulator(options: IntercomSimulatorOptions = {}): Promise<IntercomSimulator> {
  const clock = new SimClock();
  const timers = new TimerSet();
  const appId = randomBytes(4).toString('hex');
  let clientSecret = randomBytes(20).toString('hex');
  const webhooks = new IntercomWebhooks(
    clock,
    timers,
    { ...DEFAULT_WEBHOOK_OPTIONS, ...options.webhooks },
    {
      id: appId,
      clientSecret: () => clientSecret,
    },
  );
  const faults = new FaultBook<IntercomErrorSpec>();
  let rateLimit = options.rateLimitPer10s ?? 1666;
  let answerDelayMs = 0;
  let window = { start: 0, used: 0 };
  const tokens = new Set<string>();
  const accessToken = `dG9rOj${randomBytes(24).toString('base64url')}`;
  tokens.add(accessToken);
  const botAdmin: IntercomAdmin = {
    id: String(5_000_000 + Math.floor(Math.random() * 999_999)),
    name: 'Switchboard',
    email: 'switchboard@acme.test',
  };
  const teammate: IntercomAdmin = { id: String(Number(botAdmin.id) + 1), name: 'Mia', email: 'mia@acme.test' };
  const admins = new Map([botAdmin, teammate].map((a) => [a.id, a]));
  const away = new Set<string>();
  const contacts = new Map<string, IntercomContact>();
  const conversations = new Map<string, IntercomConversationRecord>();
  const files = new Map<string, IntercomFile>();
  const apiParts: IntercomApiPart[] = [];
  const calls: IntercomApiCall[] = [];
  let hook: { url: string; topics: Set<string> } | undefined;
  let base = '';

  const now = () => clock.unix();
  const authorOfAdmin = (a: IntercomAdmin) => ({ type: 'admin', id: a.id, name: a.name, email: a.email });
  const authorOfContact = (c: IntercomContact) => ({ type: c.role, id: c.id, name: c.name, email: c.email });

  const stored = (f: IntercomFile): IntercomAttachment => {
    const key = hexId();
    files.set(key, f);
    return {
      type: 'upload',
      name: f.name,
      url: `${base}/_attachments/${key}/${encodeURIComponent(f.name)}`,
      content_type: f.contentType,
      filesize: f.data.length,
    };
  };

  /** the conversation object (https://developers.intercom.com/docs/references/rest-api/api.intercom.io/conversations/conversation) */
  const wire = (c: IntercomConversationRecord, parts: IntercomPart[] = c.parts) => {
    const contact = contacts.get(c.contactId);
    return {
      type: 'conversation',
      id: c.id,
      title: null,
      created_at: c.createdAt,
      updated_at: c.updatedAt,
      waiting_since: c.state === 'open' ? c.updatedAt : null,
      snoozed_until: null,
      open: c.state === 'open',
      state: c.state,
      read: false,
      priority: 'not_priority',
      admin_assignee_id: c.adminAssigneeId === null ? null : Number(c.adminAssigneeId),
      team_assignee_id: c.teamAssigneeId,
      tags: { type: 'tag.list', tags: [] },
      source: {
        type: 'conversation',
        id: c.source.id,
        delivered_as: 'customer_initiated',
        subject: '',
        body: c.source.body,
        author: c.source.author,
        attachments: c.source.attachments,
        url: null,
        redacted: false,
      },
      contacts: {
        type: 'contact.list',
        contacts: contact ? [{ type: 'contact', id: contact.id, external_id: null }] : [],
      },
      teammates: {
        type: 'admin.list',
        admins: c.adminAssigneeId ? [{ type: 'admin', id: c.adminAssigneeId }] : [],
      },
      conversation_parts: { type: 'conversation_part.list', conversation_parts: parts, total_count: c.parts.length },
    };
  };

  const newPart = (
    c: IntercomConversationRecord,
    partType: string,
    author: IntercomPart['author'],
    body: string | null,
    extra: Partial<IntercomPart> = {},
  ): IntercomPart => {
    const t = now();
    const part: IntercomPart = {
      type: 'conversation_part',
      id: numericId(),
      part_type: partType,
      body,
      created_at: t,
      updated_at: t,
      notified_at: t,
      assigned_to: null,
      author,
      attachments: [],
      external_id: null,
      redacted: false,
      ...extra,
    };
    c.parts.push(part);
    c.updatedAt = t;
    return part;
  };

  /** webhooks carry the conversation with the part that triggered them */
  const notify = (topic: string, c: IntercomConversationRecord, parts: IntercomPart[]) =>
    webhooks.emit(hook, topic, wire(c, parts));

  const fail = (res: ServerResponse, spec: IntercomErrorSpec, headers: Record<string, string> = {}) =>
    respondJson(res, spec.status, errorBody(spec), headers);

  const json = async (req: IncomingMessage): Promise<Record<string, unknown> | undefined> => {
    try {
      const v: unknown = JSON.parse((await readBody(req, 1 << 20)).toString('utf8'));
      return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
    } catch {
      return undefined;
    }
  };

  const getConversation = (id: string) => conversations.get(id);

  /** fetches attachment_urls as Intercom does (it stores its own copy) */
  const fetchAll = async (urls: string[]): Promise<IntercomApiPart['fetched']> => {
    const out: IntercomApiPart['fetched'] = [];
    for (const url of urls) {
      try {
        const res = await sendOutbound({ url, method: 'GET', timeoutMs: 5_000, maxResponseBytes: 40 << 20 });
        const ct = res.headers['content-type'];
        out.push({
          url,
          status: res.status,
          ...(res.status === 200 ? { bytes: res.body } : {}),
          ...(typeof ct === 'string' ? { contentType: ct } : {}),
        });
      } catch (error) {
        out.push({ url, error: error instanceof Error ? error.message : String(error) });
      }
    }
    return out;
  };

  const reply = async (
    req: IncomingMessage,
    res: ServerResponse,
    c: IntercomConversationRecord,
    rl: Record<string, string>,
  ) => {
    const body = await json(req);
    if (!body) return fail(res, INTERCOM_ERRORS.parameterInvalid('Request body must be a JSON object'), rl);
    const messageType = body.message_type;
    const urls = Array.isArray(body.attachment_urls) ? body.attachment_urls : [];
    if (urls.length > 10)
      return fail(res, INTERCOM_ERRORS.parameterInvalid('A maximum of 10 attachment_urls is allowed'), rl);
    if (!urls.every((u): u is string => typeof u === 'string' && /^https?:\/\//.test(u)))
      return fail(res, INTERCOM_ERRORS.parameterInvalid('attachment_urls must be URLs'), rl);
    const text = typeof body.body === 'string' ? body.body : '';
    if (!text && urls.length === 0) return fail(res, INTERCOM_ERRORS.parameterNotFound('body is required'), rl);
    let author: IntercomPart['author'];
    if (body.type === 'admin') {
      if (messageType !== 'comment' && messageType !== 'note')
        return fail(res, INTERCOM_ERRORS.parameterInvalid('message_type must be comment or note'), rl);
      const admin = admins.get(String(body.admin_id ?? ''));
      if (!admin) return fail(res, INTERCOM_ERRORS.notFound('Admin'), rl);
      author = authorOfAdmin(admin);
    } else if (body.type === 'user') {
      if (messageType !== 'comment')
        return fail(res, INTERCOM_ERRORS.parameterInvalid('message_type must be comment'), rl);
      const contact = contacts.get(String(body.intercom_user_id ?? ''));
      if (!contact || contact.id !== c.contactId) return fail(res, INTERCOM_ERRORS.notFound('User'), rl);
      author = authorOfContact(contact);
    } else return fail(res, INTERCOM_ERRORS.parameterInvalid('type must be admin or user'), rl);
    const fetched = await fetchAll(urls as string[]);
    const attachments = fetched.flatMap((f, i) =>
      f.bytes
        ? [
            stored({
              data: f.bytes,
              contentType: f.contentType?.split(';')[0]?.trim() || 'application/octet-stream',
              name: `attachment-${i + 1}`,
            }),
          ]
        : [],
    );
    const part = newPart(c, String(messageType), author, text || null, { attachments });
    if (author.type !== 'admin' && c.state !== 'open') c.state = 'open';
    apiParts.push({ conversationId: c.id, part, request: body, fetched });
    // the API's own writes are notified like the inbox's; the notification may overtake the answer
    const topic =
      author.type === 'admin'
        ? messageType === 'note'
          ? 'conversation.admin.noted'
          : 'conversation.admin.replied'
        : 'conversation.user.replied';
    notify(topic, c, [part]);
    if (answerDelayMs > 0) await timers.sleep(answerDelayMs);
    respondJson(res, 200, wire(c), rl);
  };

  const manage = async (
    req: IncomingMessage,
    res: ServerResponse,
    c: IntercomConversationRecord,
    rl: Record<string, string>,
  ) => {
    const body = await json(req);
    if (!body) return fail(res, INTERCOM_ERRORS.parameterInvalid('Request body must be a JSON object'), rl);
    const admin = admins.get(String(body.admin_id ?? ''));
    if (body.type !== 'admin' || !admin) return fail(res, INTERCOM_ERRORS.notFound('Admin'), rl);
    const text = typeof body.body === 'string' ? body.body : null;
    let part: IntercomPart;
    let topic: string;
    switch (body.message_type) {
      case 'close':
        c.state = 'closed';
        part = newPart(c, 'close', authorOfAdmin(admin), text);
        topic = 'conversation.admin.closed';
        break;
      case 'open':
        c.state = 'open';
        part = newPart(c, 'open', authorOfAdmin(admin), null);
        topic = 'conversation.admin.opened';
        break;
      case 'assignment': {
        const assignee = String(body.assignee_id ?? '');
        if (!/^\d+$/.test(assignee)) return fail(res, INTERCOM_ERRORS.parameterNotFound('assignee_id is required'), rl);
        // 0 unassigns
        c.adminAssigneeId = assignee === '0' ? null : assignee;
        part = newPart(c, 'assignment', authorOfAdmin(admin), text, {
          assigned_to: assignee === '0' ? null : { type: 'admin', id: assignee },
        });
        topic = 'conversation.admin.assigned';
        break;
      }
      default:
        return fail(
          res,
          INTERCOM_ERRORS.parameterInvalid('message_type must be close, open, snoozed or assignment'),
          rl,
        );
    }
    apiParts.push({ conversationId: c.id, part, request: body, fetched: [] });
    respondJson(res, 200, wire(c), rl);
    notify(topic, c, [part]);
  };

  const handler = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://sim');
    const path = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    const method = req.method ?? 'GET';
    // the CDN: pre-signed, no token needed (Intercom's downloads.intercomcdn.com links)
    if (path[0] === '_attachments' && path[1] && method === 'GET') {
      const fault = faults.take('downloadAttachment', undefined);
      if (fault?.error) return fail(res, fault.error);
      const f = files.get(path[1]);
      if (!f) return respondRaw(res, 404, 'not found');
      return respondRaw(res, 200, f.data, { 'content-type': f.contentType });
    }
    const op =
      path[0] === 'me'
        ? 'getMe'
        : path[0] === 'admins'
          ? 'getAdmin'
          : path[0] === 'conversations' && path[2] === 'reply'
            ? 'reply'
            : path[0] === 'conversations' && path[2] === 'parts'
              ? 'manageConversation'
              : 'getConversation';
    const version = typeof req.headers['intercom-version'] === 'string' ? req.headers['intercom-version'] : undefined;
    const record = (status: number) => calls.push({ at: clock.now(), method, path: url.pathname, version, status });
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!token || !tokens.has(token)) {
      record(401);
      return fail(res, INTERCOM_ERRORS.unauthorized());
    }
    // the per-app limit, in fixed 10-second windows (https://developers.intercom.com/docs/references/rest-api/errors/rate-limiting)
    const t = clock.now();
    if (t - window.start >= 10_000) window = { start: t - (t % 10_000), used: 0 };
    const reset = String(Math.ceil((window.start + 10_000) / 1000));
    const limited = rateLimit > 0 && window.used >= rateLimit;
    if (!limited) window.used++;
    const rl: Record<string, string> =
      rateLimit > 0
        ? {
            'x-ratelimit-limit': String(rateLimit),
            'x-ratelimit-remaining': String(Math.max(0, rateLimit - window.used)),
            'x-ratelimit-reset': reset,
          }
        : {};
    if (limited) {
      record(429);
      return fail(res, INTERCOM_ERRORS.rateLimited(rateLimit), rl);
    }
    if (version !== undefined && !VERSION.test(version)) {
      record(400);
      return fail(res, INTERCOM_ERRORS.versionInvalid(), rl);
    }
    const fault = faults.take(op, undefined);
    if (fault?.latencyMs) await timers.sleep(fault.latencyMs);
    if (fault?.error) {
      record(fault.error.status);
      return fail(res, fault.error, rl);
    }
    const done = (status: number): void => void record(status);
    if (path[0] === 'me' && path.length === 1 && method === 'GET') {
      done(200);
      return respondJson(
        res,
        200,
        {
          type: 'admin',
          id: botAdmin.id,
          email: botAdmin.email,
          name: botAdmin.name,
          email_verified: true,
          app: {
            type: 'app',
            id_code: appId,
            name: 'Acme',
            region: 'US',
            timezone: 'Europe/London',
            identity_verification: false,
          },
          avatar: { type: 'avatar', image_url: null },
          has_inbox_seat: true,
        },
        rl,
      );
    }
    if (path[0] === 'admins' && path[1] && path.length === 2 && method === 'GET') {
      const a = admins.get(path[1]);
      if (!a) return (done(404), fail(res, INTERCOM_ERRORS.notFound('Admin'), rl));
      done(200);
      return respondJson(
        res,
        200,
        {
          type: 'admin',
          id: a.id,
          name: a.name,
          email: a.email,
          away_mode_enabled: away.has(a.id),
          away_mode_reassign: false,
          has_inbox_seat: true,
          team_ids: [],
        },
        rl,
      );
    }
    if (path[0] === 'conversations' && path[1]) {
      const c = getConversation(path[1]);
      if (!c) return (done(404), fail(res, INTERCOM_ERRORS.notFound(), rl));
      if (path.length === 2 && method === 'GET') return (done(200), respondJson(res, 200, wire(c), rl));
      if (path[2] === 'reply' && method === 'POST') {
        await reply(req, res, c, rl);
        return done(res.statusCode);
      }
      if (path[2] === 'parts' && method === 'POST') {
        await manage(req, res, c, rl);
        return done(res.statusCode);
      }
    }
    done(404);
    return fail(res, INTERCOM_ERRORS.notFound(), rl);
  };

  const server = await listen(handler, {
    ...(options.host ? { host: options.host } : {}),
    ...(options.port ? { port: options.port } : {}),
  });
  base = server.url;

  const addContact: IntercomSimulator['addContact'] = (input = {}) => {
    const c: IntercomContact = {
      id: hexId(),
      role: input.role ?? 'user',
      name: input.name ?? null,
      email: input.email ?? null,
    };
    contacts.set(c.id, c);
    return c;
  };
  const mustConversation = (id: string) => {
    const c = conversations.get(id);
    if (!c) throw new Error(`no conversation ${id}`);
    return c;
  };
  const adminOf = (id: string | undefined) => {
    const a = admins.get(id ?? teammate.id);
    if (!a) throw new Error(`no admin ${id}`);
    return a;
  };

  return {
    url: base,
    appId,
    accessToken,
    get clientSecret() {
      return clientSecret;
    },
    botAdmin,
    teammate,
    clock,
    async setWebhook(url, topics = INTERCOM_TOPICS) {
      if (url) {
        // https://developers.intercom.com/building-apps/docs/setting-up-webhooks: "it must be able to receive a HEAD request"
        const res = await sendOutbound({ url, method: 'HEAD', timeoutMs: 5_000 });
        if (res.status !== 200) throw new Error(`the webhook URL answered HEAD with ${res.status}, not 200`);
      }
      hook = url ? { url, topics: new Set(topics) } : undefined;
    },
    addContact,
    customerStarts(input) {
      const contact =
        (input.contactId ? contacts.get(input.contactId) : undefined) ??
        addContact({ ...(input.name ? { name: input.name } : {}), ...(input.email ? { email: input.email } : {}) });
      const t = now();
      const c: IntercomConversationRecord = {
        id: numericId(),
        contactId: contact.id,
        createdAt: t,
        updatedAt: t,
        state: 'open',
        adminAssigneeId: null,
        teamAssigneeId: null,
        source: {
          id: numericId(),
          body: input.text ? html(input.text) : '',
          author: authorOfContact(contact),
          attachments: (input.files ?? []).map(stored),
        },
        parts: [],
      };
      conversations.set(c.id, c);
      notify('conversation.user.created', c, []);
      return { conversationId: c.id, contactId: contact.id, partId: c.source.id };
    },
    customerReplies(conversationId, input) {
      const c = mustConversation(conversationId);
      const contact = contacts.get(c.contactId) as IntercomContact;
      const part = newPart(c, 'comment', authorOfContact(contact), input.text ? html(input.text) : null, {
        attachments: (input.files ?? []).map(stored),
      });
      c.state = 'open';
      notify('conversation.user.replied', c, [part]);
      return part.id;
    },
    teammateReplies(conversationId, text, adminId) {
      const c = mustConversation(conversationId);
      const part = newPart(c, 'comment', authorOfAdmin(adminOf(adminId)), html(text));
      notify('conversation.admin.replied', c, [part]);
      return part.id;
    },
    teammateCloses(conversationId, adminId) {
      const c = mustConversation(conversationId);
      c.state = 'closed';
      const part = newPart(c, 'close', authorOfAdmin(adminOf(adminId)), null);
      notify('conversation.admin.closed', c, [part]);
      return part.id;
    },
    teammateAssigns(conversationId, assigneeId, adminId) {
      const c = mustConversation(conversationId);
      c.adminAssigneeId = assigneeId;
      const part = newPart(c, 'assignment', authorOfAdmin(adminOf(adminId)), null, {
        assigned_to: { type: 'admin', id: assigneeId },
      });
      notify('conversation.admin.assigned', c, [part]);
      return part.id;
    },
    conversation: (id) => conversations.get(id),
    conversations: (f = {}) => [...conversations.values()].filter((c) => !f.contactId || c.contactId === f.contactId),
    contact: (id) => contacts.get(id),
    apiParts: (f = {}) =>
      apiParts.filter(
        (p) =>
          (!f.conversationId || p.conversationId === f.conversationId) &&
          (!f.partType || p.part.part_type === f.partType),
      ),
    calls: () => [...calls],
    deliveries: () => [...webhooks.deliveries],
    replay: (id) => webhooks.replay(id),
    addAccessToken() {
      const t = `dG9rOj${randomBytes(24).toString('base64url')}`;
      tokens.add(t);
      return t;
    },
    revokeAccessToken: (t) => void tokens.delete(t),
    setAway: (id, on) => void (on ? away.add(id) : away.delete(id)),
    removeAdmin: (id) => void admins.delete(id),
    rotateClientSecret() {
      clientSecret = randomBytes(20).toString('hex');
      return clientSecret;
    },
    fault: (f) =>
      void faults.add({
        op: f.op,
        ...(f.times !== undefined ? { times: f.times } : {}),
        ...(f.latencyMs !== undefined ? { latencyMs: f.latencyMs } : {}),
        ...(f.error ? { error: f.error } : {}),
      }),
    clearFaults: () => faults.clear(),
    setRateLimit(per10s) {
      rateLimit = per10s;
    },
    setReplyAnswerDelay(ms) {
      answerDelayMs = ms;
    },
    idle: () => webhooks.idle(),
    async close() {
      timers.clear();
      await server.close();
    },
  };
}
