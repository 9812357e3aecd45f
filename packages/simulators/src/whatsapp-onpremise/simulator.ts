// The WhatsApp On-Premises API simulator: one business number's Coreapp/webapp
// (https://developers.facebook.com/docs/whatsapp/on-premises/reference). Basic-auth login handing out bearer tokens
// that expire after 7 days (https://developers.facebook.com/docs/whatsapp/on-premises/reference/users/login),
// the webhook URL set with PATCH /v1/settings/application, flat webhooks retried on anything but 200, media
// uploaded as raw bytes and downloaded by id (https://developers.facebook.com/docs/whatsapp/on-premises/reference/media),
// POST /v1/messages with templates checked against the WABA's namespace, the 24-hour window (error 470 as a
// `failed` status), receipts, a Too-many-requests limit, and a customer side for tests and the sandbox.
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import { Agent, type IncomingMessage, type ServerResponse } from 'node:http';
import { SimClock } from '../clock.js';
import { bytesArg, CONTROL_PREFIX, serveControl, type ControlOperation } from '../control/control-router.js';
import { FaultBook } from '../faults/fault-book.js';
import { listen } from '../http/listen.js';
import { readBody } from '../http/read-body.js';
import { respondJson, respondRaw } from '../http/respond.js';
import { randomAlnum, randomBase64Url } from '../random-ids.js';
import { KeyedBuckets } from '../rate/token-bucket.js';
import { TimerSet } from '../timer-set.js';
import { COREAPP_META, CoreappError, type CoreappErrorSpec } from './errors.js';
import {
  CoreappWebhooks,
  DEFAULT_COREAPP_WEBHOOKS,
  type CoreappDelivery,
  type CoreappWebhookOptions,
} from './webhooks.js';

export interface CoreappTemplate {
  name: string;
  language: string;
  /** body text with {{1}}, {{2}}…: the number of body parameters a send must give */
  body: string;
  status?: 'APPROVED' | 'PAUSED' | 'DISABLED';
}

export interface CoreappSimulatorOptions {
  port?: number;
  host?: string;
  /** the admin account; the password is random when omitted (read it from `credentials`) */
  username?: string;
  password?: string;
  /** bearer token lifetime, ms; 7 days like the Coreapp */
  tokenTtlMs?: number;
  /** the business number, digits */
  phoneNumber?: string;
  /** the WABA's message template namespace (a UUID-like string with underscores) */
  namespace?: string;
  templates?: CoreappTemplate[];
  /** sends accepted per second before 1015 Too many requests; 0 = no limit. Default 50 */
  messagesPerSecond?: number;
  receipts?: Partial<ReceiptTimings>;
  webhooks?: Partial<CoreappWebhookOptions>;
}

export interface ReceiptTimings {
  sentAfterMs: number;
  deliveredAfterMs: number;
  readAfterMs: number;
}

export interface CoreappCall {
  op: string;
  method: string;
  path: string;
  status: number;
  /** the bearer token the call carried, if any */
  token: string | undefined;
  at: number;
}

export interface CoreappOutbound {
  id: string;
  to: string;
  type: string;
  request: Record<string, unknown>;
  createdAt: number;
  status: 'accepted' | 'sent' | 'delivered' | 'read' | 'failed';
  /** the template text as the customer sees it */
  rendered?: string;
}

export interface CoreappInbound {
  id: string;
  from: string;
  type: string;
  message: Record<string, unknown>;
  at: number;
  /** the business marked it read (PUT /v1/messages/{id}) */
  readByBusiness: boolean;
}

export interface CoreappCustomerInput {
  from: string;
  profileName?: string;
  /** quoted business message id */
  replyTo?: string;
}

export type CoreappMediaType = 'image' | 'audio' | 'voice' | 'video' | 'document' | 'sticker';

export interface CoreappFaultInput {
  /** `login`, `messages`, `messages.read`, `media.upload`, `media.get`, `settings`, `contacts` or `*` */
  op: string;
  times?: number;
  latencyMs?: number;
  error?: CoreappErrorSpec;
}

export interface WhatsAppOnPremSimulator {
  /** the Coreapp's base URL, the connector's `baseUrl` */
  readonly url: string;
  readonly credentials: { username: string; password: string };
  readonly phoneNumber: string;
  readonly namespace: string;
  /** the webhook URL the business registered (PATCH /v1/settings/application) */
  webhookUrl(): string | undefined;
  close(): Promise<void>;

  createCustomer(input: { waId: string; profileName?: string; undeliverable?: boolean }): void;
  sendText(input: CoreappCustomerInput & { text: string }): { id: string };
  sendMedia(
    input: CoreappCustomerInput & {
      type: CoreappMediaType;
      data?: Buffer | Uint8Array | string;
      dataBase64?: string;
      mimeType?: string;
      filename?: string;
      caption?: string;
    },
  ): { id: string; mediaId: string };
  sendLocation(
    input: CoreappCustomerInput & { latitude: number; longitude: number; name?: string; address?: string },
  ): { id: string };
  sendContacts(
    input: CoreappCustomerInput & {
      contacts: Array<{ name: { formatted_name: string }; phones?: Array<{ phone: string; wa_id?: string }> }>;
    },
  ): { id: string };
  sendButtonReply(input: CoreappCustomerInput & { replyTo: string; id: string; title?: string }): { id: string };
  sendListReply(input: CoreappCustomerInput & { replyTo: string; id: string; title?: string }): { id: string };
  sendTemplateButtonReply(input: CoreappCustomerInput & { replyTo: string; text: string; payload?: string }): {
    id: string;
  };
  sendReaction(input: CoreappCustomerInput & { messageId: string; emoji: string }): { id: string };
  sendUnsupported(input: CoreappCustomerInput): { id: string };
  /** a status of one of the business's messages, posted now even when older than the last one (`failed` with an error code) */
  emitStatus(input: { id: string; status: 'sent' | 'delivered' | 'read' | 'failed'; errorCode?: number }): void;
  /** posts a top-level `errors` webhook (the Coreapp reports its own trouble this way) */
  emitError(input: { code: number; details?: string }): void;

  sentMessages(input?: { to?: string }): CoreappOutbound[];
  receivedMessages(input?: { from?: string }): CoreappInbound[];
  webhookDeliveries(input?: { state?: CoreappDelivery['state'] }): CoreappDelivery[];
  apiCalls(input?: { op?: string }): CoreappCall[];
  /** every token issued so far, with its expiry (simulated clock, ms) */
  tokens(): Array<{ token: string; expiresAt: number; revoked: boolean }>;
  /** the media the business uploaded or a customer sent */
  media(input: { id: string }): { mimeType: string; bytes: Buffer } | undefined;

  injectFault(input: CoreappFaultInput): { id: number };
  clearFaults(): void;
  /** changes the admin password (every token stays valid until it expires, as on the Coreapp) */
  setPassword(input: { password: string }): void;
  expireTokens(): void;
  advanceClock(input: { ms: number }): void;
  setReceiptTimings(input: Partial<ReceiptTimings>): void;
  /** resolves once no receipt is planned and no webhook is pending */
  idle(input?: { timeoutMs?: number }): Promise<void>;
}

const DAY = 24 * 3600 * 1000;

/** "2026-12-14 09:01:02+00:00", the login answer's `expires_after` */
function coreappTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')}+00:00`;
}

const same = (a: string, b: string): boolean => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

const digits = (s: string) => s.replace(/\D/g, '');

const MEDIA_TYPES = ['image', 'audio', 'video', 'document', 'sticker'] as const;

export async function startWhatsAppOnPremSimulator(
  opts: CoreappSimulatorOptions = {},
): Promise<WhatsAppOnPremSimulator> {
  const clock = new SimClock();
  const timers = new TimerSet();
  const abort = new AbortController();
  const agent = new Agent({ keepAlive: true, maxSockets: 20 });
  const credentials = { username: opts.username ?? 'admin', password: opts.password ?? `Pw-${randomAlnum(16)}` };
  const tokenTtlMs = opts.tokenTtlMs ?? 7 * DAY;
  const phoneNumber = digits(opts.phoneNumber ?? '15550783991');
  const namespace = opts.namespace ?? `c8ae5f90_307a_ca4c_b8f6_${randomAlnum(12).toLowerCase()}`;
  const templates: CoreappTemplate[] = opts.templates ?? [
    { name: 'order_update', language: 'en_US', body: 'Your order {{1}} ships on {{2}}.' },
  ];
  const receiptTimings: ReceiptTimings = { sentAfterMs: 20, deliveredAfterMs: 60, readAfterMs: 0, ...opts.receipts };
  const sendBucket = new KeyedBuckets({
    capacity: opts.messagesPerSecond ?? 50,
    refillPerSecond: opts.messagesPerSecond ?? 50,
  });

  const tokens = new Map<string, { expiresAt: number; revoked: boolean }>();
  const settings = { webhookUrl: undefined as string | undefined, callbackPersist: true, sentStatus: false };
  const media = new Map<string, { mimeType: string; bytes: Buffer; sha256: string }>();
  const customers = new Map<
    string,
    { profileName: string; lastInboundAt: number | undefined; undeliverable: boolean }
  >();
  const outbound = new Map<string, CoreappOutbound>();
  const inbound: CoreappInbound[] = [];
  const calls: CoreappCall[] = [];
  const faults = new FaultBook<CoreappErrorSpec>();
  let pendingReceipts = 0;
  const webhooks = new CoreappWebhooks(
    { clock, timers, agent, signal: abort.signal },
    { ...DEFAULT_COREAPP_WEBHOOKS, ...opts.webhooks },
    () => settings.webhookUrl,
  );

  const customer = (waId: string, profileName?: string) => {
    const id = digits(waId);
    let c = customers.get(id);
    if (!c) {
      c = { profileName: profileName ?? `Customer ${id.slice(-4)}`, lastInboundAt: undefined, undeliverable: false };
      customers.set(id, c);
    }
    if (profileName) c.profileName = profileName;
    return { id, c };
  };

  /** a customer's message: stored, the 24 h window reopened, posted flat with its contact */
  const fromCustomer = (input: CoreappCustomerInput, type: string, body: Record<string, unknown>): { id: string } => {
    const { id: waId, c } = customer(input.from, input.profileName);
    const id = `AB${randomBase64Url(20).slice(0, 26)}`;
    const at = clock.now();
    c.lastInboundAt = at;
    const message: Record<string, unknown> = {
      from: waId,
      id,
      timestamp: String(Math.floor(at / 1000)),
      type,
      ...body,
      ...(input.replyTo && !('context' in body) ? { context: { from: phoneNumber, id: input.replyTo } } : {}),
    };
    inbound.push({ id, from: waId, type, message, at, readByBusiness: false });
    webhooks.post({ contacts: [{ profile: { name: c.profileName }, wa_id: waId }], messages: [message] });
    return { id };
  };

  /** the Coreapp's own receipts move forward; `late` posts one anyway, as a retried webhook arrives after a newer one */
  const statusOf = (rec: CoreappOutbound, status: CoreappOutbound['status'], errorCode?: number, late = false) => {
    const order = ['accepted', 'sent', 'delivered', 'read'];
    const forward =
      rec.status !== 'failed' && (status === 'failed' || order.indexOf(status) > order.indexOf(rec.status));
    if (!forward && !late) return;
    if (forward) rec.status = status;
    const error = errorCode !== undefined ? new CoreappError({ code: errorCode }) : undefined;
    webhooks.post({
      statuses: [
        {
          id: rec.id,
          recipient_id: rec.to,
          status,
          timestamp: String(clock.unix()),
          ...(status === 'sent' || (status === 'delivered' && !errorCode)
            ? {
                conversation: { id: randomAlnum(32).toLowerCase(), origin: { type: 'service' } },
                pricing: { billable: true, pricing_model: 'PMP', category: 'service' },
              }
            : {}),
          ...(error ? { errors: [{ code: error.code, title: error.title }] } : {}),
        },
      ],
    });
  };

  const planReceipts = (rec: CoreappOutbound, failure?: number) => {
    const plan: Array<[number, CoreappOutbound['status'], number | undefined]> = failure
      ? [[receiptTimings.sentAfterMs, 'failed', failure]]
      : [
          [receiptTimings.sentAfterMs, 'sent', undefined],
          [receiptTimings.deliveredAfterMs, 'delivered', undefined],
          ...(receiptTimings.readAfterMs > 0
            ? [[receiptTimings.readAfterMs, 'read', undefined] as [number, CoreappOutbound['status'], undefined]]
            : []),
        ];
    for (const [ms, status, code] of plan) {
      pendingReceipts++;
      timers.after(ms, () => {
        pendingReceipts--;
        statusOf(rec, status, code);
      });
    }
  };

  // ---- the Coreapp's HTTP API ----------------------------------------------------------------------------------

  const authenticate = (req: IncomingMessage): string => {
    const m = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '');
    const t = m ? tokens.get(m[1] as string) : undefined;
    // an absent, unknown, revoked or expired token: 401 (https://developers.facebook.com/docs/whatsapp/on-premises/reference/users/login)
    if (!m || !t || t.revoked || t.expiresAt <= clock.now())
      throw new CoreappError({ code: 1005, details: 'Invalid or expired authentication token', httpStatus: 401 });
    return m[1] as string;
  };

  const json = async (req: IncomingMessage): Promise<Record<string, unknown>> => {
    const raw = await readBody(req, 5 << 20);
    if (raw.length === 0) return {};
    try {
      const v: unknown = JSON.parse(raw.toString('utf8'));
      if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Record<string, unknown>;
    } catch {
      // answered below
    }
    throw new CoreappError({ code: 1009, details: 'Request body is not a JSON object' });
  };

  const login = async (req: IncomingMessage): Promise<unknown> => {
    const m = /^Basic (\S+)$/.exec(req.headers.authorization ?? '');
    const [user, ...rest] = m
      ? Buffer.from(m[1] as string, 'base64')
          .toString('utf8')
          .split(':')
      : [];
    if (!m || !same(user ?? '', credentials.username) || !same(rest.join(':'), credentials.password))
      throw new CoreappError({ code: 1005, details: 'Invalid credentials', httpStatus: 401 });
    const body = await json(req);
    if (typeof body.new_password === 'string' && body.new_password.length >= 8)
      credentials.password = body.new_password;
    const token = `eyJhbGciOiJIUzI1NiJ9.${randomBase64Url(48)}`;
    const expiresAt = clock.now() + tokenTtlMs;
    tokens.set(token, { expiresAt, revoked: false });
    return { users: [{ token, expires_after: coreappTime(expiresAt) }], meta: COREAPP_META };
  };

  const patchSettings = async (req: IncomingMessage): Promise<unknown> => {
    const body = await json(req);
    const hooks = body.webhooks as { url?: unknown; message?: { sent?: unknown } } | undefined;
    if (hooks !== undefined) {
      if (typeof hooks.url !== 'string' || !/^https?:\/\//.test(hooks.url))
        throw new CoreappError({ code: 1009, details: 'webhooks.url must be an http(s) URL' });
      settings.webhookUrl = hooks.url;
      if (typeof hooks.message?.sent === 'boolean') settings.sentStatus = hooks.message.sent;
    }
    if (typeof body.callback_persist === 'boolean') settings.callbackPersist = body.callback_persist;
    return { meta: COREAPP_META };
  };

  const renderTemplate = (t: Record<string, unknown>): { text: string } | { error: number } => {
    if (t.namespace !== namespace) return { error: 2001 };
    const lang = t.language as { policy?: unknown; code?: unknown } | undefined;
    const found = templates.find((x) => x.name === t.name && x.language === lang?.code);
    if (!found || (found.status ?? 'APPROVED') !== 'APPROVED') return { error: 2001 };
    const components = Array.isArray(t.components) ? (t.components as Array<Record<string, unknown>>) : [];
    const body = components.find((c) => c.type === 'body');
    const params = Array.isArray(body?.parameters) ? (body.parameters as Array<{ text?: unknown }>) : [];
    const needed = new Set([...found.body.matchAll(/\{\{(\d+)\}\}/g)].map((x) => x[1])).size;
    if (params.length !== needed) return { error: 2000 };
    return { text: found.body.replace(/\{\{(\d+)\}\}/g, (_m, n: string) => String(params[Number(n) - 1]?.text ?? '')) };
  };

  const sendMessage = async (req: IncomingMessage): Promise<unknown> => {
    const body = await json(req);
    const missing = (what: string) => new CoreappError({ code: 1008, details: `${what} is required` });
    if (typeof body.to !== 'string' || body.to === '') throw missing('to');
    const type = typeof body.type === 'string' ? body.type : 'text';
    if (body.recipient_type !== undefined && body.recipient_type !== 'individual')
      throw new CoreappError({ code: 1002, details: `recipient_type ${String(body.recipient_type)} is not supported` });
    if (body.messaging_product !== undefined)
      throw new CoreappError({ code: 1010, title: 'Parameter is not required', details: 'messaging_product' });
    const part = body[type] as Record<string, unknown> | undefined;
    if (type === 'template' && body.hsm !== undefined) throw missing('template');
    if (!part || typeof part !== 'object') throw missing(type);
    if (type === 'text' && (typeof part.body !== 'string' || part.body === '')) throw missing('text.body');
    if (type === 'text' && String(part.body).length > 4096) throw new CoreappError({ code: 1001 });
    if ((MEDIA_TYPES as readonly string[]).includes(type)) {
      if (typeof part.id === 'string') {
        if (!media.has(part.id)) throw new CoreappError({ code: 1006, details: `media ${part.id} not found` });
      } else if (typeof part.link !== 'string') throw missing(`${type}.id or ${type}.link`);
    }
    if (type === 'interactive') {
      const action = part.action as { buttons?: unknown[]; sections?: unknown[] } | undefined;
      if (!action) throw missing('interactive.action');
      if (part.type === 'button' && (action.buttons?.length ?? 0) > 3)
        throw new CoreappError({ code: 1009, details: 'at most 3 buttons' });
    }
    if (type === 'template') {
      if (typeof part.namespace !== 'string') throw missing('template.namespace');
      if (typeof part.name !== 'string') throw missing('template.name');
      const lang = part.language as { policy?: unknown; code?: unknown } | undefined;
      if (typeof lang?.code !== 'string') throw missing('template.language.code');
    }
    const take = sendBucket.take('messages', clock.now());
    if (!take.ok) throw new CoreappError({ code: 1015, details: `retry after ${take.retryAfterMs} ms` });
    const to = digits(body.to);
    const rec: CoreappOutbound = {
      id: `gBEG${randomBase64Url(18).slice(0, 23)}`,
      to,
      type,
      request: body,
      createdAt: clock.now(),
      status: 'accepted',
    };
    outbound.set(rec.id, rec);
    const c = customers.get(to);
    let failure: number | undefined;
    if (!c || c.undeliverable) failure = 1013;
    else if (type === 'template') {
      const r = renderTemplate(part);
      if ('error' in r) failure = r.error;
      else rec.rendered = r.text;
    } else if (c.lastInboundAt === undefined || clock.now() - c.lastInboundAt > DAY) failure = 470;
    // window and template failures arrive as a `failed` status, the send itself is accepted
    // (https://developers.facebook.com/docs/whatsapp/on-premises/errors)
    planReceipts(rec, failure);
    return { messages: [{ id: rec.id }], meta: COREAPP_META };
  };

  const uploadMedia = async (req: IncomingMessage): Promise<unknown> => {
    const mimeType = (req.headers['content-type'] ?? '').split(';')[0]?.trim() ?? '';
    if (!mimeType || mimeType === 'application/json' || mimeType.startsWith('multipart/'))
      throw new CoreappError({ code: 1009, details: 'upload the file as the raw body with its Content-Type' });
    const bytes = await readBody(req, 64 << 20);
    if (bytes.length === 0) throw missing0();
    const id = randomUUID();
    media.set(id, { mimeType, bytes, sha256: createHash('sha256').update(bytes).digest('hex') });
    return { media: [{ id }], meta: COREAPP_META };
  };
  const missing0 = () => new CoreappError({ code: 1008, details: 'the file is empty' });

  const server = await listen(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://coreapp');
    if (url.pathname.startsWith(CONTROL_PREFIX)) return serveControl(req, res, url, controlOps);
    await serveApi(req, res, url);
  }, opts);

  async function serveApi(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const method = req.method ?? 'GET';
    const path = url.pathname.replace(/\/+$/, '');
    const mediaMatch = /^\/v1\/media\/([^/]+)$/.exec(path);
    const readMatch = /^\/v1\/messages\/([^/]+)$/.exec(path);
    const op =
      path === '/v1/users/login'
        ? 'login'
        : path === '/v1/users/logout'
          ? 'logout'
          : path === '/v1/settings/application'
            ? 'settings'
            : path === '/v1/messages'
              ? 'messages'
              : readMatch
                ? 'messages.read'
                : path === '/v1/media'
                  ? 'media.upload'
                  : mediaMatch
                    ? method === 'DELETE'
                      ? 'media.delete'
                      : 'media.get'
                    : path === '/v1/contacts'
                      ? 'contacts'
                      : path === '/v1/health'
                        ? 'health'
                        : 'unknown';
    const bearer = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
    const record = (status: number) =>
      calls.push({ op, method, path: url.pathname, status, token: bearer, at: clock.now() });
    const fail = (e: CoreappError) => {
      record(e.httpStatus);
      respondJson(res, e.httpStatus, e.toBody());
    };
    try {
      if (op === 'unknown') throw new CoreappError({ code: 1006, details: `no route ${method} ${url.pathname}` });
      const fault = faults.take(op, undefined);
      if (fault?.latencyMs) await timers.sleep(fault.latencyMs);
      if (op === 'login') {
        if (method !== 'POST') throw new CoreappError({ code: 1006, httpStatus: 405 });
        if (fault?.error) throw new CoreappError(fault.error);
        const out = await login(req);
        record(200);
        return respondJson(res, 200, out);
      }
      authenticate(req);
      if (fault?.error) throw new CoreappError(fault.error);
      let out: unknown;
      if (op === 'logout' && method === 'POST') {
        const t = tokens.get(bearer as string);
        if (t) t.revoked = true;
        out = { meta: COREAPP_META };
      } else if (op === 'settings' && method === 'PATCH') out = await patchSettings(req);
      else if (op === 'settings' && method === 'GET')
        out = {
          settings: {
            application: {
              callback_persist: settings.callbackPersist,
              webhooks: { url: settings.webhookUrl ?? '', message: { sent: settings.sentStatus } },
            },
          },
          meta: COREAPP_META,
        };
      else if (op === 'messages' && method === 'POST') out = await sendMessage(req);
      else if (op === 'messages.read' && method === 'PUT') {
        // mark as read (https://developers.facebook.com/docs/whatsapp/on-premises/guides/mark-as-read): blue ticks for the customer
        const body = await json(req);
        if (body.status !== 'read') throw new CoreappError({ code: 1009, details: 'status must be "read"' });
        const m = inbound.find((x) => x.id === decodeURIComponent((readMatch as RegExpExecArray)[1] as string));
        if (!m) throw new CoreappError({ code: 1006, details: 'message not found' });
        m.readByBusiness = true;
        out = { meta: COREAPP_META };
      } else if (op === 'media.upload' && method === 'POST') out = await uploadMedia(req);
      else if (op === 'media.get' && method === 'GET') {
        const m = media.get(decodeURIComponent((mediaMatch as RegExpExecArray)[1] as string));
        if (!m) throw new CoreappError({ code: 1006, details: 'media not found' });
        record(200);
        return respondRaw(res, 200, m.bytes, { 'content-type': m.mimeType });
      } else if (op === 'media.delete' && method === 'DELETE') {
        if (!media.delete(decodeURIComponent((mediaMatch as RegExpExecArray)[1] as string)))
          throw new CoreappError({ code: 1006, details: 'media not found' });
        out = { meta: COREAPP_META };
      } else if (op === 'contacts' && method === 'POST') {
        const body = await json(req);
        const list = Array.isArray(body.contacts) ? body.contacts.map(String) : [];
        out = {
          contacts: list.map((input) => {
            const c = customers.get(digits(input));
            return c && !c.undeliverable
              ? { input, status: 'valid', wa_id: digits(input) }
              : { input, status: 'invalid' };
          }),
          meta: COREAPP_META,
        };
      } else if (op === 'health') out = { health: { gateway_status: 'connected' }, meta: COREAPP_META };
      else throw new CoreappError({ code: 1006, httpStatus: 405, details: `${method} not allowed` });
      record(200);
      respondJson(res, 200, out);
    } catch (err) {
      if (err instanceof CoreappError) return fail(err);
      throw err;
    }
  }

  const handle: WhatsAppOnPremSimulator = {
    url: server.url,
    credentials,
    phoneNumber,
    namespace,
    webhookUrl: () => settings.webhookUrl,
    close: async () => {
      abort.abort();
      timers.clear();
      agent.destroy();
      await server.close();
    },
    createCustomer: ({ waId, profileName, undeliverable }) => {
      const { c } = customer(waId, profileName);
      if (undeliverable !== undefined) c.undeliverable = undeliverable;
    },
    sendText: (input) => fromCustomer(input, 'text', { text: { body: input.text } }),
    sendMedia: (input) => {
      const bytes = bytesArg(input);
      const mediaId = randomUUID();
      const mimeType =
        input.mimeType ??
        {
          image: 'image/jpeg',
          audio: 'audio/aac',
          voice: 'audio/ogg; codecs=opus',
          video: 'video/mp4',
          document: 'application/pdf',
          sticker: 'image/webp',
        }[input.type];
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      media.set(mediaId, { mimeType, bytes, sha256 });
      const body: Record<string, unknown> = {
        // `file` is where the Coreapp keeps it on its media volume (https://developers.facebook.com/docs/whatsapp/on-premises/webhooks/inbound)
        file: `/usr/local/wamedia/${input.type === 'document' ? 'shared' : 'incoming'}/${mediaId}`,
        id: mediaId,
        mime_type: mimeType,
        sha256,
        ...(input.caption ? { caption: input.caption } : {}),
        ...(input.filename ? { filename: input.filename } : {}),
      };
      return { ...fromCustomer(input, input.type, { [input.type]: body }), mediaId };
    },
    sendLocation: (input) =>
      fromCustomer(input, 'location', {
        location: {
          latitude: input.latitude,
          longitude: input.longitude,
          ...(input.name ? { name: input.name } : {}),
          ...(input.address ? { address: input.address } : {}),
        },
      }),
    sendContacts: (input) => fromCustomer(input, 'contacts', { contacts: input.contacts }),
    sendButtonReply: (input) => {
      const sent = outbound.get(input.replyTo);
      const buttons = (
        (sent?.request.interactive as { action?: { buttons?: Array<{ reply: { id: string; title: string } }> } })
          ?.action?.buttons ?? []
      ).map((b) => b.reply);
      const title = input.title ?? buttons.find((b) => b.id === input.id)?.title ?? input.id;
      return fromCustomer(input, 'interactive', {
        interactive: { type: 'button_reply', button_reply: { id: input.id, title } },
      });
    },
    sendListReply: (input) =>
      fromCustomer(input, 'interactive', {
        interactive: { type: 'list_reply', list_reply: { id: input.id, title: input.title ?? input.id } },
      }),
    sendTemplateButtonReply: (input) =>
      fromCustomer(input, 'button', { button: { text: input.text, payload: input.payload ?? input.text } }),
    sendReaction: (input) =>
      fromCustomer(input, 'reaction', { reaction: { message_id: input.messageId, emoji: input.emoji } }),
    sendUnsupported: (input) =>
      fromCustomer(input, 'unknown', { errors: [{ code: 501, title: 'Unsupported message type' }] }),
    emitStatus: ({ id, status, errorCode }) => {
      const rec = outbound.get(id);
      if (!rec) throw new Error(`unknown business message ${id}`);
      statusOf(rec, status, errorCode, true);
    },
    emitError: ({ code, details }) => {
      const e = new CoreappError({ code, ...(details ? { details } : {}) });
      webhooks.post({ errors: [{ code: e.code, title: e.title, ...(details ? { details } : {}) }] });
    },
    sentMessages: (input = {}) => [...outbound.values()].filter((m) => !input.to || m.to === digits(String(input.to))),
    receivedMessages: (input = {}) => inbound.filter((m) => !input.from || m.from === digits(String(input.from))),
    webhookDeliveries: (input = {}) => webhooks.deliveries.filter((d) => !input.state || d.state === input.state),
    apiCalls: (input = {}) => calls.filter((c) => !input.op || c.op === input.op),
    tokens: () => [...tokens.entries()].map(([token, t]) => ({ token, ...t })),
    media: ({ id }) => {
      const m = media.get(id);
      return m ? { mimeType: m.mimeType, bytes: m.bytes } : undefined;
    },
    injectFault: (input) => {
      if (!input.op) throw new Error('injectFault needs an op');
      return { id: faults.add(input).id };
    },
    clearFaults: () => faults.clear(),
    setPassword: ({ password }) => {
      credentials.password = password;
    },
    expireTokens: () => {
      for (const t of tokens.values()) t.expiresAt = Math.min(t.expiresAt, clock.now() - 1);
    },
    advanceClock: ({ ms }) => clock.advance(Number(ms)),
    setReceiptTimings: (input) => Object.assign(receiptTimings, input),
    idle: async (input = {}) => {
      const deadline = Date.now() + (input.timeoutMs ?? 5000);
      while (!webhooks.isIdle() || pendingReceipts > 0) {
        if (Date.now() > deadline) throw new Error('on-premises simulator: webhooks or receipts still pending');
        if (!(await timers.sleep(5))) return;
      }
    },
  };

  const controlOps: Record<string, ControlOperation> = {};
  for (const [name, fn] of Object.entries(handle)) {
    if (typeof fn === 'function' && name !== 'close') controlOps[name] = fn as ControlOperation;
  }
  controlOps.defaults = () => ({ credentials, phoneNumber, namespace, url: server.url });
  return handle;
}
