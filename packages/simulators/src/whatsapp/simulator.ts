// The WhatsApp Cloud API simulator: Graph API routes like graph.facebook.com, media downloads like
// lookaside.fbsbx.com, signed webhooks to the hub, and the `/_control/*` API (https://developers.facebook.com/docs/whatsapp/cloud-api).
import { randomBytes } from 'node:crypto';
import { Agent, type IncomingMessage, type ServerResponse } from 'node:http';
import { SimClock } from '../clock.js';
import { bytesArg, CONTROL_PREFIX, serveControl, type ControlOperation } from '../control/control-router.js';
import { FaultBook } from '../faults/fault-book.js';
import { listen } from '../http/listen.js';
import { respondJson, respondRaw } from '../http/respond.js';
import { TimerSet } from '../timer-set.js';
import { WhatsAppCustomers, type CustomerInput, type InboundMediaType, type InboundResult } from './customer.js';
import type { AsyncFailureSpec, WhatsAppFaultExtras, WhatsAppRuntime, WhatsAppSettings } from './graph-context.js';
import { GraphError, type GraphErrorSpec } from './graph-errors.js';
import {
  authenticate,
  bearerToken,
  canSeeWaba,
  serveGraph,
  setTemplateStatus,
  type GraphCall,
} from './graph-routes.js';
import { checkDownloadUrl, MEDIA_DOWNLOAD_PATH } from './media.js';
import { DEFAULT_WHATSAPP_RATE_LIMITS, WhatsAppLimiter, type WhatsAppRateLimits } from './rate-limits.js';
import { DEFAULT_RECEIPT_TIMINGS, Receipts, type ReceiptTimings } from './receipts.js';
import { digitsOf, WhatsAppState, type InboundRecord, type OutboundRecord, type TemplateRecord } from './state.js';
import type {
  WaStatus,
  WaStatusName,
  WaTemplateCategory,
  WaTemplateComponent,
  WaTemplateStatus,
  WaVCard,
} from './types.js';
import { WhatsAppWebhooks, type WhatsAppDelivery, type WhatsAppWebhookOptions } from './webhook-delivery.js';
import { verifyCallback, type VerificationResult } from './webhook-verification.js';

export interface WhatsAppSeed {
  wabaId?: string;
  phoneNumberId?: string;
  displayPhoneNumber?: string;
  verifiedName?: string;
  accessToken?: string;
}

export interface WhatsAppSimulatorOptions {
  port?: number;
  /** Loopback only; default 127.0.0.1. */
  host?: string;
  /** Create a WABA, a phone number, a token and the `hello_world` template at start (default true). */
  seed?: boolean | WhatsAppSeed;
  appId?: string;
  /** Key of X-Hub-Signature-256; random when omitted (read it from `app.secret`). */
  appSecret?: string;
  /** Token the GET verification handshake sends. */
  verifyToken?: string;
  /** App webhook callback URL set at start (no handshake). */
  webhookUrl?: string;
  /** Messages per second per business number (https://developers.facebook.com/docs/whatsapp/cloud-api/overview#throughput). Default 80. */
  throughputMps?: number;
  /** Pair rate limit; `false` disables throughput and pair limits. */
  rateLimits?: Partial<WhatsAppRateLimits> | false;
  /** Delays of generated sent/delivered/read statuses. */
  receipts?: Partial<ReceiptTimings>;
  /** `async` (default, Meta's usual behaviour) or `sync` 131047 for free-form sends outside the 24 h window. */
  windowErrorMode?: 'async' | 'sync';
  /** Webhook delivery tunables (retry delays scale with `retryScale`). */
  webhooks?: Partial<WhatsAppWebhookOptions>;
  /** Fetch `link` media after accepting a send (default true). */
  fetchMediaLinks?: boolean;
  /** Media URL lifetime, ms. Default 5 minutes. */
  mediaUrlTtlMs?: number;
  /** Delay before API-created templates are approved, ms. Default 0. */
  templateReviewMs?: number;
}

export interface WhatsAppDefaults {
  wabaId: string;
  phoneNumberId: string;
  /** Digits, as in webhook metadata. */
  displayPhoneNumber: string;
  accessToken: string;
}

export interface WhatsAppFaultInput extends WhatsAppFaultExtras {
  /**
   * Operation: `messages`, `media.upload`, `media.get`, `media.delete`, `media.download`, `phone.get`, `waba.get`,
   * `phone_numbers.list`, `templates.list`, `templates.create`, `templates.delete`, `subscribed_apps`, `debug_token`,
   * `me`, `profile.get`, `register`, or `*`.
   */
  op: string;
  /** Only calls on this phone number id (or WABA id for WABA operations). */
  scope?: string;
  times?: number;
  latencyMs?: number;
  /** Answer with this Graph error (message/details/status default from the catalogue by code). */
  error?: GraphErrorSpec;
}

export interface CustomerView {
  waId: string;
  profileName: string;
  aliases: string[];
  undeliverable: boolean;
  readReceipts: boolean;
  /** phone number id → last inbound time (ms). */
  lastInboundAt: Record<string, number>;
}

export interface WhatsAppSimulator {
  /** Base URL to use as the connector's `apiBaseUrl` (instead of https://graph.facebook.com). */
  readonly url: string;
  /** The app: id, secret (HMAC key of X-Hub-Signature-256), verify token, callback URL. */
  readonly app: { id: string; secret: string; verifyToken: string; callbackUrl: string | undefined };
  /** Seeded ids and token (undefined with `seed: false`). */
  readonly defaults: WhatsAppDefaults | undefined;
  close(): Promise<void>;

  /** Sets the app callback URL; with `verify` (default true) runs Meta's GET handshake first and throws if it fails. */
  configureWebhook(input: { url: string; verifyToken?: string; verify?: boolean }): Promise<VerificationResult | null>;
  /** Runs the GET verification handshake against `url` (default: the configured callback). */
  verifyWebhook(input?: { url?: string; verifyToken?: string; challenge?: string }): Promise<VerificationResult>;
  createBusinessAccount(input?: { id?: string; name?: string; subscribed?: boolean }): { id: string; name: string };
  createPhoneNumber(input?: {
    wabaId?: string;
    id?: string;
    displayPhoneNumber?: string;
    verifiedName?: string;
    throughputMps?: number;
    allowedRecipients?: string[];
  }): { id: string; wabaId: string; displayPhoneNumber: string };
  createAccessToken(input?: { token?: string; wabaIds?: string[]; scopes?: string[]; expiresInMs?: number }): {
    token: string;
  };
  revokeToken(input: { token: string }): void;
  expireToken(input: { token: string }): void;
  createTemplate(input: {
    wabaId?: string;
    name: string;
    language?: string;
    category?: WaTemplateCategory;
    status?: WaTemplateStatus;
    components?: WaTemplateComponent[];
    parameterFormat?: 'POSITIONAL' | 'NAMED';
  }): TemplateRecord;
  setTemplateStatus(input: {
    wabaId?: string;
    name: string;
    language?: string;
    status: WaTemplateStatus;
    reason?: string;
  }): TemplateRecord;
  createCustomer(input: {
    waId: string;
    profileName?: string;
    aliases?: string[];
    undeliverable?: boolean;
    readReceipts?: boolean;
  }): CustomerView;
  updateCustomer(input: {
    waId: string;
    profileName?: string;
    undeliverable?: boolean;
    readReceipts?: boolean;
    aliases?: string[];
  }): CustomerView;

  sendText(input: CustomerInput & { text: string }): InboundResult;
  sendMedia(
    input: CustomerInput & {
      type: InboundMediaType;
      data?: Buffer | Uint8Array | string;
      dataBase64?: string;
      mimeType?: string;
      filename?: string;
      caption?: string;
      voice?: boolean;
    },
  ): InboundResult;
  sendLocation(
    input: CustomerInput & { latitude: number; longitude: number; name?: string; address?: string; url?: string },
  ): InboundResult;
  sendContacts(input: CustomerInput & { contacts: WaVCard[] }): InboundResult;
  sendButtonReply(input: CustomerInput & { replyTo: string; id: string; title?: string }): InboundResult;
  sendListReply(input: CustomerInput & { replyTo: string; id: string }): InboundResult;
  sendTemplateButtonReply(input: CustomerInput & { replyTo: string; text: string; payload?: string }): InboundResult;
  sendReaction(input: CustomerInput & { messageId: string; emoji: string }): InboundResult;
  sendUnsupported(input: CustomerInput): InboundResult;
  /** Emits a status for a business message now (e.g. `read`, or `failed` with an error code). */
  emitStatus(input: { wamid: string; status: WaStatusName; errorCode?: number; details?: string }): WaStatus;

  /** Holds webhook events until releaseWebhooks(); then they go out batched in as few POSTs as possible. */
  holdWebhooks(): void;
  releaseWebhooks(): void;
  /** Runs `fn` with webhooks held, then releases them as one batch. */
  batch(fn: () => unknown): Promise<void>;

  sentMessages(input?: { phoneNumberId?: string; to?: string }): OutboundRecord[];
  receivedMessages(input?: { phoneNumberId?: string; from?: string }): InboundRecord[];
  webhookDeliveries(input?: { state?: WhatsAppDelivery['state'] }): WhatsAppDelivery[];
  apiCalls(input?: { op?: string }): GraphCall[];

  injectFault(input: WhatsAppFaultInput): { id: number };
  clearFaults(): void;
  setRateLimits(input: { limits: Partial<WhatsAppRateLimits> | false; throughputMps?: number }): void;
  setReceiptTimings(input: Partial<ReceiptTimings>): void;
  advanceClock(input: { ms: number }): void;
  /** Resolves once no receipt is planned and no webhook event is buffered or being delivered/retried; rejects after `timeoutMs` (default 5000). */
  idle(input?: { timeoutMs?: number }): Promise<void>;
}

const HELLO_WORLD: WaTemplateComponent[] = [
  { type: 'HEADER', format: 'TEXT', text: 'Hello World' },
  {
    type: 'BODY',
    text: 'Welcome and congratulations!! This message demonstrates your ability to send a WhatsApp message notification from the Cloud API, hosted by Meta. Thank you for taking the time to test with us.',
  },
  { type: 'FOOTER', text: 'WhatsApp Business Platform sample message' },
];

export async function startWhatsAppSimulator(opts: WhatsAppSimulatorOptions = {}): Promise<WhatsAppSimulator> {
  const clock = new SimClock();
  const timers = new TimerSet();
  const abort = new AbortController();
  const agent = new Agent({ keepAlive: true, maxSockets: 50 });
  const state = new WhatsAppState(clock, {
    ...(opts.appId ? { id: opts.appId } : {}),
    ...(opts.appSecret ? { secret: opts.appSecret } : {}),
    ...(opts.verifyToken ? { verifyToken: opts.verifyToken } : {}),
  });
  state.app.callbackUrl = opts.webhookUrl;
  const webhooks = new WhatsAppWebhooks({
    state,
    clock,
    timers,
    agent,
    signal: abort.signal,
    options: {
      retryScale: 1,
      retryBaseDelayMs: 15_000,
      retryMaxDelayMs: 3_600_000,
      expireAfterMs: 7 * 24 * 3600 * 1000,
      timeoutMs: 30_000,
      batchWindowMs: 0,
      maxBatchSize: 100,
      successOnlyOn200: false,
      metaEscaping: true,
      ...opts.webhooks,
    },
  });
  const receipts = new Receipts({ state, clock, timers, webhooks }, { ...DEFAULT_RECEIPT_TIMINGS, ...opts.receipts });
  const limitsOf = (l: Partial<WhatsAppRateLimits> | false | undefined) =>
    l === false ? null : { ...DEFAULT_WHATSAPP_RATE_LIMITS, ...l };
  const limiter = new WhatsAppLimiter(limitsOf(opts.rateLimits));
  const faults = new FaultBook<GraphErrorSpec, WhatsAppFaultExtras>();
  const settings: WhatsAppSettings = {
    windowErrorMode: opts.windowErrorMode ?? 'async',
    fetchMediaLinks: opts.fetchMediaLinks ?? true,
    mediaUrlTtlMs: opts.mediaUrlTtlMs ?? 5 * 60 * 1000,
    templateReviewMs: opts.templateReviewMs ?? 0,
  };
  let baseUrl = '';
  const rt: WhatsAppRuntime = {
    state,
    clock,
    timers,
    webhooks,
    receipts,
    limiter,
    faults,
    agent,
    signal: abort.signal,
    settings,
    mediaUrlKey: randomBytes(32),
    baseUrl: () => baseUrl,
  };
  const calls: GraphCall[] = [];
  const throughputMps = opts.throughputMps ?? 80;

  let defaults: WhatsAppDefaults | undefined;
  if (opts.seed !== false) {
    const seed: WhatsAppSeed = typeof opts.seed === 'object' ? opts.seed : {};
    const waba = state.createWaba({ id: seed.wabaId ?? '102290129340398' });
    const phone = state.createPhone({
      wabaId: waba.id,
      id: seed.phoneNumberId ?? '106540352242922',
      displayPhoneNumber: seed.displayPhoneNumber ?? '15550783881',
      verifiedName: seed.verifiedName ?? 'Switchboard Test',
      throughputMps,
    });
    const token = state.createToken(seed.accessToken ? { token: seed.accessToken } : {});
    state.createTemplate({
      wabaId: waba.id,
      name: 'hello_world',
      language: 'en_US',
      category: 'UTILITY',
      components: HELLO_WORLD,
    });
    defaults = {
      wabaId: waba.id,
      phoneNumberId: phone.id,
      displayPhoneNumber: phone.displayPhoneNumber,
      accessToken: token.token,
    };
  }
  const customers = new WhatsAppCustomers({ state, clock, webhooks }, () => defaults?.phoneNumberId);

  const wabaOf = (wabaId: string | undefined): string => {
    const id = wabaId ?? defaults?.wabaId;
    if (!id) throw new Error('wabaId is required (no seeded WABA)');
    return state.requireWaba(id).id;
  };
  const customerView = (waId: string): CustomerView => {
    const c = state.customer({ waId });
    return {
      waId: c.waId,
      profileName: c.profileName,
      aliases: [...c.aliases],
      undeliverable: c.undeliverable,
      readReceipts: c.readReceipts,
      lastInboundAt: Object.fromEntries(c.lastInboundAt),
    };
  };
  const findTemplate = (input: { wabaId?: string; name: string; language?: string }): TemplateRecord => {
    const t = state.findTemplate(wabaOf(input.wabaId), input.name, input.language ?? 'en_US');
    if (!t) throw new Error(`unknown template ${input.name}/${input.language ?? 'en_US'}`);
    return t;
  };

  async function serveDownload(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const fail = (g: GraphError) => respondJson(res, g.httpStatus, g.toBody());
    let token;
    try {
      token = authenticate(rt, bearerToken(req, url));
    } catch (err) {
      if (err instanceof GraphError) return fail(err);
      throw err;
    }
    const outcome = checkDownloadUrl(rt, url);
    const fault = faults.take('media.download', outcome.ok ? outcome.media.phoneNumberId : undefined);
    if (fault?.latencyMs) await timers.sleep(fault.latencyMs);
    if (fault?.error) return fail(new GraphError(fault.error));
    if (!outcome.ok) return respondRaw(res, outcome.status, outcome.text, { 'content-type': 'text/plain' });
    if (!canSeeWaba(token, outcome.media.wabaId))
      return respondRaw(res, 403, 'Forbidden', { 'content-type': 'text/plain' });
    respondRaw(res, 200, outcome.media.data, {
      'content-type': outcome.media.mimeType,
      'content-disposition': `attachment; filename=${outcome.media.filename ?? outcome.media.id}`,
    });
  }

  const handle: WhatsAppSimulator = {
    url: '',
    app: state.app,
    defaults,
    close: async () => {
      abort.abort();
      timers.clear();
      agent.destroy();
      await server.close();
    },

    configureWebhook: async ({ url, verifyToken, verify }) => {
      if (verifyToken) state.app.verifyToken = verifyToken;
      let result: VerificationResult | null = null;
      if (verify !== false) {
        result = await verifyCallback(url, state.app.verifyToken, undefined, abort.signal);
        if (!result.ok)
          throw new Error(
            `webhook verification failed: ${result.error ?? `HTTP ${String(result.status)} body ${JSON.stringify(result.body)}`}`,
          );
      }
      state.app.callbackUrl = url;
      return result;
    },
    verifyWebhook: (input = {}) => {
      const url = input.url ?? state.app.callbackUrl;
      if (!url) throw new Error('no webhook URL configured');
      return verifyCallback(url, input.verifyToken ?? state.app.verifyToken, input.challenge, abort.signal);
    },
    createBusinessAccount: (input = {}) => {
      const w = state.createWaba(input);
      return { id: w.id, name: w.name };
    },
    createPhoneNumber: (input = {}) => {
      const p = state.createPhone({
        ...input,
        wabaId: wabaOf(input.wabaId),
        throughputMps: input.throughputMps ?? throughputMps,
      });
      return { id: p.id, wabaId: p.wabaId, displayPhoneNumber: p.displayPhoneNumber };
    },
    createAccessToken: (input = {}) => ({ token: state.createToken(input).token }),
    revokeToken: ({ token }) => {
      state.requireToken(token).status = 'revoked';
    },
    expireToken: ({ token }) => {
      state.requireToken(token).expiresAt = clock.now() - 1000;
    },
    createTemplate: (input) =>
      state.createTemplate({ ...input, wabaId: wabaOf(input.wabaId), language: input.language ?? 'en_US' }),
    setTemplateStatus: (input) => {
      const t = findTemplate(input);
      setTemplateStatus(rt, t, input.status, input.reason ?? null);
      return t;
    },
    createCustomer: (input) => {
      const digits = digitsOf(input.waId);
      if (state.customers.has(digits)) throw new Error(`customer ${digits} already exists`);
      return handle.updateCustomer({ ...input, waId: digits });
    },
    updateCustomer: (input) => {
      const c = state.customer({ waId: input.waId, profileName: input.profileName });
      if (input.undeliverable !== undefined) c.undeliverable = input.undeliverable;
      if (input.readReceipts !== undefined) c.readReceipts = input.readReceipts;
      for (const a of input.aliases ?? []) state.addAlias(c, a);
      return customerView(c.waId);
    },

    sendText: (input) => customers.sendText(input),
    sendMedia: (input) => customers.sendMedia({ ...input, bytes: bytesArg(input) }),
    sendLocation: (input) => customers.sendLocation(input),
    sendContacts: (input) => customers.sendContacts(input),
    sendButtonReply: (input) => customers.sendButtonReply(input),
    sendListReply: (input) => customers.sendListReply(input),
    sendTemplateButtonReply: (input) => customers.sendTemplateButtonReply(input),
    sendReaction: (input) => customers.sendReaction(input),
    sendUnsupported: (input) => customers.sendUnsupported(input),
    emitStatus: ({ wamid, status, errorCode, details }) => {
      const rec = state.outbound.get(wamid);
      if (!rec) throw new Error(`unknown business message ${wamid}`);
      return receipts.emit(rec, status, errorCode, details);
    },

    holdWebhooks: () => webhooks.hold(),
    releaseWebhooks: () => webhooks.release(),
    batch: async (fn) => {
      webhooks.hold();
      try {
        await fn();
      } finally {
        webhooks.release();
      }
    },

    sentMessages: (input = {}) =>
      [...state.outbound.values()].filter(
        (m) =>
          (!input.phoneNumberId || m.phoneNumberId === String(input.phoneNumberId)) &&
          (!input.to || m.waId === (state.findCustomer(String(input.to))?.waId ?? digitsOf(String(input.to)))),
      ),
    receivedMessages: (input = {}) =>
      [...state.inbound.values()].filter(
        (m) =>
          (!input.phoneNumberId || m.phoneNumberId === String(input.phoneNumberId)) &&
          (!input.from || m.from === digitsOf(String(input.from))),
      ),
    webhookDeliveries: (input = {}) => webhooks.deliveries.filter((d) => !input.state || d.state === input.state),
    apiCalls: (input = {}) => calls.filter((c) => !input.op || c.op === input.op),

    injectFault: (input) => {
      if (!input.op) throw new Error('injectFault needs an op');
      if (input.error && typeof input.error.code !== 'number') throw new Error('fault error needs a numeric code');
      const asyncFailure: AsyncFailureSpec | undefined = input.asyncFailure;
      return {
        id: faults.add({
          op: input.op,
          scope: input.scope,
          times: input.times,
          latencyMs: input.latencyMs,
          error: input.error,
          asyncFailure,
        }).id,
      };
    },
    clearFaults: () => faults.clear(),
    setRateLimits: ({ limits, throughputMps: mps }) => {
      limiter.configure(limitsOf(limits));
      if (mps !== undefined) for (const p of state.phones.values()) p.throughputMps = mps;
    },
    setReceiptTimings: (input) => {
      receipts.timings = { ...receipts.timings, ...input };
    },
    advanceClock: ({ ms }) => clock.advance(Number(ms)),
    idle: async (input = {}) => {
      const deadline = Date.now() + (input.timeoutMs ?? 5000);
      while (!webhooks.isIdle() || receipts.pending > 0) {
        if (Date.now() > deadline) throw new Error('whatsapp simulator: webhook deliveries or receipts still pending');
        if (!(await timers.sleep(5))) return;
      }
    },
  };

  const controlOps: Record<string, ControlOperation> = {};
  for (const [name, fn] of Object.entries(handle)) {
    if (typeof fn === 'function' && name !== 'close' && name !== 'batch') controlOps[name] = fn as ControlOperation;
  }
  controlOps.defaults = () => ({ ...defaults, app: state.app });

  const server = await listen(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://simulator');
    if (url.pathname.startsWith(CONTROL_PREFIX)) return serveControl(req, res, url, controlOps);
    if (url.pathname === MEDIA_DOWNLOAD_PATH || url.pathname === MEDIA_DOWNLOAD_PATH.slice(0, -1))
      return serveDownload(req, res, url);
    return serveGraph(req, res, url, rt, calls);
  }, opts);
  baseUrl = server.url;
  Object.assign(handle, { url: server.url });
  return handle;
}
