// The Messenger Platform simulator: Graph routes like graph.facebook.com for Pages (Messenger) and Instagram
// accounts — GET /{id}, /{id}/subscribed_apps (POST, GET, DELETE), debug_token with the token's ends, the Send API /{id}/messages with Meta's error envelope,
// /{id}/message_attachments, user profiles — and signed webhooks (object `page` / `instagram`) with echoes of every
// send, delivery watermarks, reads, story mentions, and the `/_control/*` API
// (https://developers.facebook.com/docs/messenger-platform/reference/send-api, https://developers.facebook.com/docs/messenger-platform/webhooks,
// https://developers.facebook.com/docs/instagram-platform/webhooks).
import { createHmac, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CONTROL_PREFIX, serveControl, type ControlOperation } from '../control/control-router.js';
import { FaultBook } from '../faults/fault-book.js';
import { listen } from '../http/listen.js';
import { pictureFor } from '../media/solid-png.js';
import { multipartBoundary, parseMultipart } from '../http/multipart.js';
import { OutboundError, sendOutbound } from '../http/outbound-request.js';
import { readBody } from '../http/read-body.js';
import { respondJson, respondRaw } from '../http/respond.js';
import { KeyedBuckets } from '../rate/token-bucket.js';
import { randomDigits, fbtraceId } from '../random-ids.js';
import { metaJson } from '../whatsapp/meta-json.js';
import { verifyCallback, type VerificationResult } from '../whatsapp/webhook-verification.js';

export type MetaAccountKind = 'page' | 'instagram';

export interface MetaAccount {
  id: string;
  kind: MetaAccountKind;
  name: string;
  token: string;
  subscribedFields: string[] | null;
  /** epoch ms when the token stops working; 0 = never (a Page token from a long-lived user token) */
  tokenExpiresAt: number;
  /** epoch ms when the token's data access ends (90 days after the person last used the app); 0 = not set */
  dataAccessExpiresAt: number;
}

export interface MetaSentRecord {
  accountId: string;
  mid: string;
  recipient: string;
  body: Record<string, unknown>;
  at: number;
}

export interface MetaSenderActionRecord {
  accountId: string;
  recipient: string;
  action: string;
  at: number;
}

export interface MetaReceivedRecord {
  accountId: string;
  from: string;
  mid: string;
  /** the text or button title the customer sent, or `[<attachment type>]` */
  text: string;
  at: number;
}

export interface MetaGraphErrorSpec {
  code: number;
  subcode?: number;
  message?: string;
  status?: number;
}

export interface AccountInput {
  id?: string;
  name?: string;
  token?: string;
  /** ms from now until the token ends; absent = never */
  tokenExpiresInMs?: number;
  /** ms from now until its data access ends; absent = not set */
  dataAccessExpiresInMs?: number;
}

export interface MetaMessagingSimulatorOptions {
  host?: string;
  port?: number;
  /** key of X-Hub-Signature-256; random when omitted */
  appSecret?: string;
  /** ms until the delivery (and, for Messenger, read) watermark follows a send; -1 = none */
  deliveryAfterMs?: number;
  readAfterMs?: number;
  /** Send API calls per second per account before code 613 */
  sendsPerSecond?: number;
}

export interface MetaMessagingSimulator {
  readonly url: string;
  readonly app: { id: string; secret: string };
  close(): Promise<void>;
  createPage(input?: AccountInput): MetaAccount;
  createInstagramAccount(input?: AccountInput): MetaAccount;
  /** the ends debug_token reports for an account's token (ms from now; 0 = never); an ended token is refused (190/463) */
  setTokenExpiry(accountId: string, input: { expiresInMs?: number; dataAccessExpiresInMs?: number }): void;
  /**
   * what another tool did to the app's subscription (the App Dashboard, another integration): `null` unsubscribes
   * the app, a list replaces its fields
   */
  setSubscribedFields(accountId: string, fields: string[] | null): void;
  /** a customer of an account: PSID (Messenger) or IGSID (Instagram), with a profile the hub may look up */
  createCustomer(input: { accountId: string; id?: string; firstName?: string; lastName?: string }): { id: string };
  revokeToken(token: string): void;
  configureWebhook(input: { url: string; verifyToken: string }): Promise<VerificationResult>;
  /** the customer writes; the webhook goes out signed. Returns the mid */
  sendText(input: {
    accountId: string;
    from: string;
    text: string;
    quickReplyPayload?: string;
    /** the mid this message replies to (message.reply_to) */
    replyTo?: string;
  }): { mid: string };
  sendAttachment(input: { accountId: string; from: string; type: string; url: string }): { mid: string };
  sendPostback(input: { accountId: string; from: string; title: string; payload: string }): { mid: string };
  /** Instagram: the customer mentions the account in a story */
  sendStoryMention(input: { accountId: string; from: string; url: string }): { mid: string };
  /** Instagram: the customer unsends a message */
  deleteMessage(input: { accountId: string; from: string; mid: string }): void;
  /** Instagram: the customer answers one of the account's stories */
  sendStoryReply(input: { accountId: string; from: string; text: string; storyId: string; url: string }): {
    mid: string;
  };
  /** a standalone referral: the customer opened the thread from an m.me link or an ad (messaging_referrals) */
  sendReferral(input: { accountId: string; from: string; ref?: string; source?: string; adId?: string }): void;
  /** the customer reacts to (or removes a reaction from) a message */
  sendReaction(input: { accountId: string; from: string; mid: string; emoji?: string; unreact?: boolean }): void;
  /** Instagram: a message of a kind the API does not deliver (`is_unsupported`) */
  sendUnsupported(input: { accountId: string; from: string }): { mid: string };
  /** the customer writes while another app owns the thread: the event arrives under `standby` */
  sendStandbyText(input: { accountId: string; from: string; text: string }): { mid: string };
  /** the Page writes from another tool (Page inbox): an echo without our metadata */
  pageWrites(input: { accountId: string; to: string; text: string }): { mid: string };
  /** posts any raw body signed (or with the given signature) to the webhook; answers the status */
  postRaw(body: string, signature?: string | null): Promise<number>;
  fault(input: { op: string; scope?: string; times?: number; error: MetaGraphErrorSpec }): void;
  sent(input?: { accountId?: string }): MetaSentRecord[];
  /** what customers sent (the phone's own lines) */
  received(input?: { accountId?: string; from?: string }): MetaReceivedRecord[];
  calls(): Array<{ method: string; path: string }>;
  /** sender actions the Send API accepted (typing_on, mark_seen, …), oldest first */
  senderActions(input?: { accountId?: string; recipient?: string }): MetaSenderActionRecord[];
  /** the bytes of an attachment uploaded to /message_attachments, by its attachment_id */
  uploaded(attachmentId: string): Buffer | undefined;
  /** files served at /cdn/<name> (attachment urls) */
  hostFile(name: string, bytes: Buffer, mimeType: string): string;
}

const DEFAULT_MESSAGES: Record<number, { message: string; status: number }> = {
  190: { message: 'Error validating access token: The session has been invalidated.', status: 401 },
  100: { message: 'Invalid parameter', status: 400 },
  10: { message: 'This message is sent outside of allowed window.', status: 400 },
  551: { message: "This person isn't available right now.", status: 400 },
  613: { message: 'Calls to this api have exceeded the rate limit.', status: 400 },
  4: { message: 'Application request limit reached', status: 400 },
  32: { message: 'Page request limit reached', status: 400 },
  2: { message: 'Service temporarily unavailable', status: 503 },
};

class GraphFailure extends Error {
  constructor(readonly spec: MetaGraphErrorSpec) {
    super(spec.message ?? DEFAULT_MESSAGES[spec.code]?.message ?? 'Graph error');
  }
}

export async function startMetaMessagingSimulator(
  options: MetaMessagingSimulatorOptions = {},
): Promise<MetaMessagingSimulator> {
  const app = { id: randomDigits(15), secret: options.appSecret ?? randomBytes(16).toString('hex') };
  const accounts = new Map<string, MetaAccount>();
  const customers = new Map<
    string,
    { accountId: string; firstName: string; lastName: string; lastInboundAt: number }
  >();
  const sentLog: MetaSentRecord[] = [];
  const actionLog: MetaSenderActionRecord[] = [];
  const receivedLog: MetaReceivedRecord[] = [];
  const record = (accountId: string, from: string, mid: string, text: string) =>
    receivedLog.push({ accountId, from, mid, text, at: Date.now() });
  const callLog: Array<{ method: string; path: string }> = [];
  const files = new Map<string, { bytes: Buffer; mimeType: string }>();
  const faults = new FaultBook<MetaGraphErrorSpec>();
  const buckets = new KeyedBuckets({
    capacity: options.sendsPerSecond ?? 100,
    refillPerSecond: options.sendsPerSecond ?? 100,
  });
  const timers = new Set<NodeJS.Timeout>();
  const abort = new AbortController();
  let callbackUrl: string | undefined;
  let url = '';

  const later = (ms: number, fn: () => void) => {
    if (ms < 0) return;
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };
  const sign = (body: Buffer) => `sha256=${createHmac('sha256', app.secret).update(body).digest('hex')}`;
  const deliver = async (body: string, signature?: string | null): Promise<number> => {
    if (!callbackUrl) return 0;
    const raw = Buffer.from(body, 'utf8');
    const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'facebookexternalua' };
    const sig = signature === undefined ? sign(raw) : signature;
    if (sig !== null) headers['x-hub-signature-256'] = sig;
    try {
      const res = await sendOutbound({
        url: callbackUrl,
        method: 'POST',
        headers,
        body: raw,
        timeoutMs: 10_000,
        signal: abort.signal,
      });
      return res.status;
    } catch (err) {
      if (err instanceof OutboundError) return 0;
      throw err;
    }
  };
  /** one webhook: entry[].messaging[] with one event (https://developers.facebook.com/docs/messenger-platform/webhooks#event-notifications) */
  // `standby`: another app owns the thread (https://developers.facebook.com/docs/messenger-platform/handover-protocol)
  const emit = (accountId: string, event: Record<string, unknown>, list: 'messaging' | 'standby' = 'messaging') => {
    const account = accounts.get(accountId);
    if (!account?.subscribedFields) return;
    const body = metaJson({
      object: account.kind,
      entry: [{ id: accountId, time: Date.now(), [list]: [{ timestamp: Date.now(), ...event }] }],
    });
    void deliver(body);
  };
  const newMid = () => `m_${randomBytes(18).toString('base64url')}`;
  const fromCustomer = (accountId: string, from: string, message: Record<string, unknown>) => {
    const c = customers.get(from);
    if (c) c.lastInboundAt = Date.now();
    const attachments = message.attachments as Array<{ type: string }> | undefined;
    record(
      accountId,
      from,
      String(message.mid),
      typeof message.text === 'string' ? message.text : `[${attachments?.[0]?.type ?? 'message'}]`,
    );
    emit(accountId, { sender: { id: from }, recipient: { id: accountId }, message });
  };

  const graphError = (res: ServerResponse, spec: MetaGraphErrorSpec) => {
    const known = DEFAULT_MESSAGES[spec.code];
    respondJson(res, spec.status ?? known?.status ?? 400, {
      error: {
        message: `(#${spec.code}) ${spec.message ?? known?.message ?? 'Graph error'}`,
        type: 'OAuthException',
        code: spec.code,
        ...(spec.subcode ? { error_subcode: spec.subcode } : {}),
        fbtrace_id: fbtraceId(),
      },
    });
  };

  const bearer = (req: IncomingMessage, u: URL): string =>
    /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? u.searchParams.get('access_token') ?? '';
  // an ended token: 190 with subcode 463 (https://developers.facebook.com/docs/facebook-login/guides/access-tokens/debugging)
  const expiredFailure = (at: number) =>
    new GraphFailure({
      code: 190,
      subcode: 463,
      message: `Error validating access token: Session has expired on ${new Date(at).toUTCString()}. The current time is ${new Date().toUTCString()}.`,
      status: 400,
    });
  // the token's own end; an ended data access is reported by debug_token but does not refuse the Send API here
  const ended = (a: MetaAccount) => a.tokenExpiresAt !== 0 && a.tokenExpiresAt <= Date.now();
  const authAccount = (req: IncomingMessage, u: URL, id: string): MetaAccount => {
    const token = bearer(req, u);
    const account = accounts.get(id);
    if (!account || account.token !== token || token === '') throw new GraphFailure({ code: 190 });
    if (ended(account)) throw expiredFailure(account.tokenExpiresAt);
    return account;
  };
  const seconds = (ms: number) => (ms === 0 ? 0 : Math.floor(ms / 1000));
  /**
   * GET /debug_token?input_token= (https://developers.facebook.com/docs/graph-api/reference/debug_token): any valid
   * token of the app (or the app token id|secret) may inspect a token, itself included; an unknown, revoked or ended
   * token answers 200 with is_valid false and the reason
   */
  const debugToken = (req: IncomingMessage, u: URL) => {
    const caller = bearer(req, u);
    const callerOk =
      caller === `${app.id}|${app.secret}` || [...accounts.values()].some((a) => a.token === caller && !ended(a));
    if (!callerOk) throw new GraphFailure({ code: 190 });
    const input = u.searchParams.get('input_token') ?? '';
    if (!input) throw new GraphFailure({ code: 100, message: 'The parameter input_token is required' });
    const account = [...accounts.values()].find((a) => a.token === input);
    const common = { app_id: app.id, application: 'Switchboard Sim App' };
    if (!account)
      return {
        data: { ...common, is_valid: false, error: { code: 190, message: 'Invalid OAuth access token.' }, scopes: [] },
      };
    const scopes =
      account.kind === 'page'
        ? ['pages_messaging', 'pages_manage_metadata', 'pages_show_list']
        : ['instagram_basic', 'instagram_manage_messages', 'pages_manage_metadata'];
    const data = {
      ...common,
      type: 'PAGE',
      profile_id: account.id,
      expires_at: seconds(account.tokenExpiresAt),
      data_access_expires_at: seconds(account.dataAccessExpiresAt),
      scopes,
    };
    if (ended(account)) {
      const at = account.tokenExpiresAt;
      return {
        data: {
          ...data,
          is_valid: false,
          error: { code: 190, subcode: 463, message: `Session has expired on ${new Date(at).toUTCString()}.` },
        },
      };
    }
    return { data: { ...data, is_valid: true } };
  };

  const sendApi = async (account: MetaAccount, body: Record<string, unknown>, res: ServerResponse) => {
    const recipient = (body.recipient as { id?: string } | undefined)?.id;
    const customer = recipient ? customers.get(recipient) : undefined;
    if (!recipient || !customer || customer.accountId !== account.id)
      throw new GraphFailure({ code: 100, message: 'No matching user found', subcode: 2018001 });
    if (!buckets.take(account.id, Date.now()).ok) throw new GraphFailure({ code: 613 });
    if (body.sender_action !== undefined) {
      // https://developers.facebook.com/docs/messenger-platform/send-messages/sender-actions
      const action = String(body.sender_action);
      if (!['typing_on', 'typing_off', 'mark_seen'].includes(action))
        throw new GraphFailure({
          code: 100,
          message: 'param sender_action must be one of {typing_on, typing_off, mark_seen}',
        });
      if (body.message !== undefined)
        throw new GraphFailure({ code: 100, message: 'sender_action cannot be sent with message' });
      actionLog.push({ accountId: account.id, recipient, action, at: Date.now() });
      respondJson(res, 200, { recipient_id: recipient });
      return;
    }
    const message = body.message as Record<string, unknown> | undefined;
    if (!message) throw new GraphFailure({ code: 100, message: 'param message must be non-empty' });
    if (typeof message.text === 'string' && message.text.length > 2000)
      throw new GraphFailure({
        code: 100,
        message: 'param message[text] must be UTF-8 encoded with less than 2000 characters',
      });
    // the 24-hour standard window and the 7-day HUMAN_AGENT tag (https://developers.facebook.com/docs/messenger-platform/send-messages/message-tags)
    const age = Date.now() - customer.lastInboundAt;
    const tagged = body.messaging_type === 'MESSAGE_TAG' && body.tag === 'HUMAN_AGENT';
    if (age > (tagged ? 7 * 24 : 24) * 3_600_000) throw new GraphFailure({ code: 10, subcode: 2018278 });
    const mid = newMid();
    sentLog.push({ accountId: account.id, mid, recipient, body, at: Date.now() });
    respondJson(res, 200, { recipient_id: recipient, message_id: mid });
    // every send echoes back with our metadata (https://developers.facebook.com/docs/messenger-platform/webhooks/webhook-events/message-echoes)
    later(5, () =>
      emit(account.id, {
        sender: { id: account.id },
        recipient: { id: recipient },
        message: { is_echo: true, app_id: Number(app.id), mid, ...message },
      }),
    );
    if (account.kind === 'page') {
      later(options.deliveryAfterMs ?? 50, () =>
        emit(account.id, {
          sender: { id: recipient },
          recipient: { id: account.id },
          delivery: { mids: [mid], watermark: Date.now() },
        }),
      );
      later(options.readAfterMs ?? -1, () =>
        emit(account.id, { sender: { id: recipient }, recipient: { id: account.id }, read: { watermark: Date.now() } }),
      );
    } else {
      later(options.readAfterMs ?? -1, () =>
        emit(account.id, { sender: { id: recipient }, recipient: { id: account.id }, read: { mid } }),
      );
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const u = new URL(req.url ?? '/', 'http://sim');
    if (u.pathname.startsWith(CONTROL_PREFIX)) return serveControl(req, res, u, control);
    if (u.pathname.startsWith('/cdn/')) {
      const f = files.get(decodeURIComponent(u.pathname.slice(5)));
      if (!f) return respondRaw(res, 404, 'not found');
      return respondRaw(res, 200, f.bytes, { 'content-type': f.mimeType });
    }
    callLog.push({ method: req.method ?? 'GET', path: u.pathname });
    const m = /^\/v\d+\.\d+\/([^/]+)(?:\/([a-z_]+))?$/.exec(u.pathname);
    try {
      if (!m) throw new GraphFailure({ code: 100, message: 'Unknown path components', status: 400 });
      const id = decodeURIComponent(m[1] as string);
      const edge = m[2];
      // the App Dashboard's "Test" button as an API: a sample notification of one field, sent to the app's webhook
      // (https://developers.facebook.com/docs/graph-api/reference/app/subscriptions_sample/), with the app token
      if (id === app.id && edge === 'subscriptions_sample' && req.method === 'POST') {
        const raw = await readBody(req, 1 << 20);
        const form = new URLSearchParams(raw.toString('utf8'));
        const param = (k: string) => form.get(k) ?? u.searchParams.get(k) ?? '';
        if (param('access_token') !== `${app.id}|${app.secret}`) throw new GraphFailure({ code: 190 });
        const object = param('object');
        const field = param('field');
        if (object !== 'page' && object !== 'instagram')
          throw new GraphFailure({ code: 100, message: `Invalid parameter: object ${object}` });
        if (field !== 'messages') throw new GraphFailure({ code: 100, message: `Invalid parameter: field ${field}` });
        const objectId = param('object_id') || '0';
        let custom: Record<string, unknown> = {};
        if (param('custom_fields')) {
          try {
            custom = JSON.parse(param('custom_fields')) as Record<string, unknown>;
          } catch {
            throw new GraphFailure({ code: 100, message: 'Invalid parameter: custom_fields must be JSON' });
          }
        }
        // Meta's sample values, where custom_fields name none
        const event = {
          sender: { id: '12334' },
          recipient: { id: objectId },
          timestamp: Date.now(),
          message: { mid: 'test_message_id', text: 'test_message' },
          ...custom,
        };
        void deliver(metaJson({ object, entry: [{ id: objectId, time: Date.now(), messaging: [event] }] }));
        return respondJson(res, 200, { success: true });
      }
      if (id === 'debug_token' && !edge && req.method === 'GET') {
        const fault = faults.take('debug_token', undefined);
        if (fault?.error) throw new GraphFailure(fault.error);
        return respondJson(res, 200, debugToken(req, u));
      }
      const op = edge ?? (customers.has(id) ? 'profile' : 'account');
      const fault = faults.take(op, id);
      if (fault?.error) throw new GraphFailure(fault.error);
      if (op === 'profile') {
        // user profile (https://developers.facebook.com/docs/messenger-platform/identity/user-profile)
        // Instagram: https://developers.facebook.com/docs/instagram-platform/instagram-api-with-facebook-login/messaging-api/user-profile
        const c = customers.get(id);
        if (!c) throw new GraphFailure({ code: 100 });
        const owner = authAccount(req, u, c.accountId);
        const known: Record<string, unknown> =
          owner.kind === 'page'
            ? { first_name: c.firstName, last_name: c.lastName, profile_pic: `${url}/cdn/${id}.png` }
            : {
                name: `${c.firstName} ${c.lastName}`,
                username: `${c.firstName}.${c.lastName}`.toLowerCase(),
                profile_pic: `${url}/cdn/${id}.png`,
              };
        const asked = (u.searchParams.get('fields') ?? Object.keys(known).join(',')).split(',').filter(Boolean);
        const missing = asked.find((f) => !(f in known) && f !== 'id');
        if (missing)
          throw new GraphFailure({
            code: 100,
            message: `Tried accessing nonexisting field (${missing}) on node type (User)`,
          });
        return respondJson(res, 200, {
          ...Object.fromEntries(asked.filter((f) => f in known).map((f) => [f, known[f]])),
          id,
        });
      }
      const account = authAccount(req, u, id);
      const raw = await readBody(req, 30 << 20);
      if (op === 'account' && req.method === 'GET')
        return respondJson(res, 200, { id: account.id, name: account.name });
      if (edge === 'subscribed_apps') {
        // the apps subscribed to the account's webhooks, with their fields (https://developers.facebook.com/docs/graph-api/reference/page/subscribed_apps#Reading)
        if (req.method === 'GET')
          return respondJson(res, 200, {
            data: account.subscribedFields
              ? [
                  {
                    category: 'Business',
                    link: `https://www.facebook.com/games/?app_id=${app.id}`,
                    name: 'Switchboard Sim App',
                    id: app.id,
                    subscribed_fields: [...account.subscribedFields],
                  },
                ]
              : [],
          });
        if (req.method === 'DELETE') account.subscribedFields = null;
        else {
          const body = raw.length > 0 ? (JSON.parse(raw.toString()) as { subscribed_fields?: string }) : {};
          account.subscribedFields = (body.subscribed_fields ?? u.searchParams.get('subscribed_fields') ?? '')
            .split(',')
            .filter(Boolean);
        }
        return respondJson(res, 200, { success: true });
      }
      if (edge === 'messages' && req.method === 'POST')
        return await sendApi(account, JSON.parse(raw.toString()) as Record<string, unknown>, res);
      if (edge === 'message_attachments' && req.method === 'POST') {
        const boundary = multipartBoundary(req.headers['content-type']);
        const form = boundary ? parseMultipart(raw, boundary) : undefined;
        if (!form?.files.get('filedata') || !form.fields.get('message'))
          throw new GraphFailure({ code: 100, message: 'filedata and message are required' });
        const attachmentId = randomDigits(16);
        const file = form.files.get('filedata');
        files.set(attachmentId, {
          bytes: file?.data ?? Buffer.alloc(0),
          mimeType: file?.contentType ?? 'application/octet-stream',
        });
        return respondJson(res, 200, { attachment_id: attachmentId });
      }
      throw new GraphFailure({ code: 100, message: `Unsupported ${req.method ?? 'GET'} request` });
    } catch (err) {
      if (err instanceof GraphFailure) return graphError(res, err.spec);
      throw err;
    }
  };

  const createAccount = (kind: MetaAccountKind, input: AccountInput = {}): MetaAccount => {
    const account: MetaAccount = {
      id: input.id ?? (kind === 'page' ? randomDigits(15) : `178414${randomDigits(11)}`),
      kind,
      name: input.name ?? (kind === 'page' ? 'Test Page' : 'test_account'),
      token: input.token ?? `EAAG${randomBytes(24).toString('base64url')}`,
      subscribedFields: null,
      tokenExpiresAt: input.tokenExpiresInMs !== undefined ? Date.now() + input.tokenExpiresInMs : 0,
      dataAccessExpiresAt: input.dataAccessExpiresInMs !== undefined ? Date.now() + input.dataAccessExpiresInMs : 0,
    };
    accounts.set(account.id, account);
    return account;
  };

  const sim: MetaMessagingSimulator = {
    get url() {
      return url;
    },
    app,
    async close() {
      abort.abort();
      for (const t of timers) clearTimeout(t);
      await listening.close();
    },
    createPage: (input) => createAccount('page', input),
    createInstagramAccount: (input) => createAccount('instagram', input),
    setTokenExpiry(accountId, { expiresInMs, dataAccessExpiresInMs }) {
      const account = accounts.get(accountId);
      if (!account) throw new Error(`no account ${accountId}`);
      if (expiresInMs !== undefined) account.tokenExpiresAt = expiresInMs === 0 ? 0 : Date.now() + expiresInMs;
      if (dataAccessExpiresInMs !== undefined)
        account.dataAccessExpiresAt = dataAccessExpiresInMs === 0 ? 0 : Date.now() + dataAccessExpiresInMs;
    },
    setSubscribedFields(accountId, fields) {
      const account = accounts.get(accountId);
      if (!account) throw new Error(`no account ${accountId}`);
      account.subscribedFields = fields ? [...fields] : null;
    },
    createCustomer({ accountId, id, firstName, lastName }) {
      const cid = id ?? randomDigits(16);
      customers.set(cid, { accountId, firstName: firstName ?? 'Ana', lastName: lastName ?? 'Lima', lastInboundAt: 0 });
      // the profile picture the user profile links to (a CDN url of its own): a real image, one per customer
      files.set(`${cid}.png`, { bytes: pictureFor(cid), mimeType: 'image/png' });
      return { id: cid };
    },
    revokeToken(token) {
      for (const a of accounts.values()) if (a.token === token) a.token = `revoked:${randomBytes(8).toString('hex')}`;
    },
    async configureWebhook({ url: target, verifyToken }) {
      const result = await verifyCallback(target, verifyToken);
      if (result.ok) callbackUrl = target;
      return result;
    },
    sendText({ accountId, from, text, quickReplyPayload, replyTo }) {
      const mid = newMid();
      fromCustomer(accountId, from, {
        mid,
        text,
        ...(quickReplyPayload ? { quick_reply: { payload: quickReplyPayload } } : {}),
        ...(replyTo ? { reply_to: { mid: replyTo, is_self_reply: false } } : {}),
      });
      return { mid };
    },
    sendAttachment({ accountId, from, type, url: fileUrl }) {
      const mid = newMid();
      fromCustomer(accountId, from, { mid, attachments: [{ type, payload: { url: fileUrl } }] });
      return { mid };
    },
    sendPostback({ accountId, from, title, payload }) {
      const mid = newMid();
      record(accountId, from, mid, title);
      const c = customers.get(from);
      if (c) c.lastInboundAt = Date.now();
      emit(accountId, { sender: { id: from }, recipient: { id: accountId }, postback: { mid, title, payload } });
      return { mid };
    },
    sendStoryMention({ accountId, from, url: storyUrl }) {
      const mid = newMid();
      fromCustomer(accountId, from, { mid, attachments: [{ type: 'story_mention', payload: { url: storyUrl } }] });
      return { mid };
    },
    deleteMessage({ accountId, from, mid }) {
      emit(accountId, { sender: { id: from }, recipient: { id: accountId }, message: { mid, is_deleted: true } });
    },
    sendStoryReply({ accountId, from, text, storyId, url: storyUrl }) {
      // https://developers.facebook.com/docs/instagram-platform/webhooks (messages: reply_to.story)
      const mid = newMid();
      fromCustomer(accountId, from, { mid, text, reply_to: { story: { url: storyUrl, id: storyId } } });
      return { mid };
    },
    sendReferral({ accountId, from, ref, source, adId }) {
      // https://developers.facebook.com/docs/messenger-platform/reference/webhook-events/messaging_referrals
      emit(accountId, {
        sender: { id: from },
        recipient: { id: accountId },
        referral: {
          source: source ?? (adId ? 'ADS' : 'SHORTLINK'),
          type: 'OPEN_THREAD',
          ...(ref ? { ref } : {}),
          ...(adId ? { ad_id: adId } : {}),
        },
      });
    },
    sendReaction({ accountId, from, mid, emoji, unreact }) {
      // https://developers.facebook.com/docs/messenger-platform/reference/webhook-events/message-reactions
      emit(accountId, {
        sender: { id: from },
        recipient: { id: accountId },
        reaction: unreact
          ? { mid, action: 'unreact', reaction: 'other' }
          : { mid, action: 'react', reaction: 'love', emoji: emoji ?? '\u2764' },
      });
    },
    sendUnsupported({ accountId, from }) {
      const mid = newMid();
      fromCustomer(accountId, from, { mid, is_unsupported: true });
      return { mid };
    },
    sendStandbyText({ accountId, from, text }) {
      const mid = newMid();
      record(accountId, from, mid, text);
      const c = customers.get(from);
      if (c) c.lastInboundAt = Date.now();
      emit(accountId, { sender: { id: from }, recipient: { id: accountId }, message: { mid, text } }, 'standby');
      return { mid };
    },
    pageWrites({ accountId, to, text }) {
      const mid = newMid();
      emit(accountId, {
        sender: { id: accountId },
        recipient: { id: to },
        message: { is_echo: true, app_id: 263902037430900, mid, text },
      });
      return { mid };
    },
    postRaw: (body, signature) => deliver(body, signature),
    fault: ({ op, scope, times, error }) =>
      void faults.add({ op, ...(scope ? { scope } : {}), ...(times !== undefined ? { times } : {}), error }),
    sent: (input = {}) => sentLog.filter((s) => !input.accountId || s.accountId === input.accountId),
    received: (input = {}) =>
      receivedLog.filter(
        (r) => (!input.accountId || r.accountId === input.accountId) && (!input.from || r.from === input.from),
      ),
    calls: () => [...callLog],
    senderActions: (input = {}) =>
      actionLog.filter(
        (a) =>
          (!input.accountId || a.accountId === input.accountId) &&
          (!input.recipient || a.recipient === input.recipient),
      ),
    uploaded: (attachmentId) => files.get(attachmentId)?.bytes,
    hostFile(name, bytes, mimeType) {
      files.set(name, { bytes, mimeType });
      return `${url}/cdn/${encodeURIComponent(name)}`;
    },
  };
  const control: Record<string, ControlOperation> = {
    createPage: (a) => sim.createPage(a as never),
    createInstagramAccount: (a) => sim.createInstagramAccount(a as never),
    createCustomer: (a) => sim.createCustomer(a as never),
    setTokenExpiry: (a) => {
      const { accountId, ...rest } = a as { accountId: string; expiresInMs?: number; dataAccessExpiresInMs?: number };
      sim.setTokenExpiry(accountId, rest);
      return { ok: true };
    },
    sendText: (a) => sim.sendText(a as never),
    sendPostback: (a) => sim.sendPostback(a as never),
    sendStoryMention: (a) => sim.sendStoryMention(a as never),
    sendStoryReply: (a) => sim.sendStoryReply(a as never),
    sendReferral: (a) => sim.sendReferral(a as never),
    sent: (a) => sim.sent(a as never),
  };
  const listening = await listen(handle, {
    ...(options.host ? { host: options.host } : {}),
    ...(options.port ? { port: options.port } : {}),
  });
  url = listening.url;
  return sim;
}
