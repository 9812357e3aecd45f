// The Twilio Programmable Messaging simulator: the 2010-04-01 REST API (Accounts, IncomingPhoneNumbers, Messages,
// Media) behind basic auth, signed webhooks for incoming messages and status callbacks in Twilio's order with delays
// (occasionally out of order), Advanced Opt-Out (STOP/START/HELP answered and enforced with 21610), Twilio's error
// bodies and its 429 (20429) rate limit, and scripted faults (https://www.twilio.com/docs/messaging/api/message-resource).
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CONTROL_PREFIX, serveControl } from '../control/control-router.js';
import { FaultBook } from '../faults/fault-book.js';
import { listen } from '../http/listen.js';
import { readBody } from '../http/read-body.js';
import { respondJson, respondRaw } from '../http/respond.js';
import { sendOutbound } from '../http/outbound-request.js';
import { KeyedBuckets } from '../rate/token-bucket.js';
import { TimerSet } from '../timer-set.js';
import { twilioSignature } from './signing.js';
import {
  createVoice,
  type CallerLine,
  type CalleeBehaviour,
  type OperatorBehaviour,
  type SimCall,
  type SimRecording,
} from './voice.js';

export type { CallerLine, CalleeBehaviour, OperatorBehaviour, SimCall, SimRecording };

export interface TwilioErrorSpec {
  code: number;
  status?: number;
  message?: string;
}

export interface TwilioFaultInput {
  /** `messages.create`, `account.get`, `numbers.list`, `numbers.update`, `media.get` or `*` */
  op: string;
  times?: number;
  latencyMs?: number;
  error?: TwilioErrorSpec;
}

export interface TwilioMessage {
  sid: string;
  accountSid: string;
  from: string;
  to: string;
  body: string;
  direction: 'inbound' | 'outbound-api';
  status: string;
  mediaUrls: string[];
  statusCallback?: string;
  messagingServiceSid?: string;
  errorCode: number | null;
  numSegments: number;
  dateCreated: string;
  /** when it was created, ms since the epoch */
  createdAtMs: number;
}

export interface TwilioWebhookAttempt {
  url: string;
  params: Record<string, string>;
  signature: string;
  status: number;
  body: string;
}

export interface TwilioSimulatorOptions {
  host?: string;
  port?: number;
  accountSid?: string;
  authToken?: string;
  /** numbers of the seeded account (E.164) */
  numbers?: string[];
  /** delays of the status callbacks after a create, ms (sending, sent, delivered) */
  statusDelaysMs?: { sending: number; sent: number; delivered: number };
  /** share of messages whose `delivered` callback is posted before `sent` (0..1; default 0.1) */
  outOfOrderRate?: number;
  /** messages per second per sender number before 429 20429 (default 10; 0 disables) */
  messagesPerSecond?: number;
  /** Advanced Opt-Out replies (https://help.twilio.com/articles/360034798533) */
  optOutReplies?: { stop: string; start: string; help: string };
  /** how much faster than real time calls run (pauses, gather timeouts, durations); default 1 */
  voiceTimeScale?: number;
}

export interface TwilioSimulator {
  readonly url: string;
  readonly accountSid: string;
  readonly authToken: string;
  readonly numbers: string[];
  /** the media host's basic-auth requirement can be checked: how many media requests came without credentials */
  readonly unauthorizedMediaRequests: number;
  close(): Promise<void>;
  /** a customer texts one of our numbers; `media`: files stored behind basic auth and sent as MediaUrl{N} */
  sendSms(input: {
    from: string;
    to?: string;
    body?: string;
    media?: Array<{ data: Buffer; contentType: string }>;
    /** sign with another token (a forged request) */
    signWith?: string;
  }): Promise<{ sid: string; attempt: TwilioWebhookAttempt | undefined }>;
  /** raw signed POST to any URL (tests of URL variants) */
  postSigned(url: string, params: Record<string, string>, signUrl?: string): Promise<TwilioWebhookAttempt>;
  messages(filter?: { to?: string; direction?: string }): TwilioMessage[];
  webhookAttempts(): TwilioWebhookAttempt[];
  /** every error answer of the REST API, in order (20429s counted by the benchmark) */
  apiErrors(): Array<{ code: number; status: number; at: number }>;
  /** the recipient's phone: what it received (our outbound messages, Twilio's opt-out replies) */
  inbox(phone: string): Array<{ from: string; body: string; mediaUrls: string[] }>;
  optedOut(phone: string, sender: string): boolean;
  addFault(input: TwilioFaultInput): void;
  clearFaults(): void;
  /** numbers Twilio answers 21211 (invalid) or 21614 (not mobile) for */
  markInvalid(phone: string, code: 21211 | 21614): void;
  revokeToken(): void;
  /** an API key of the account (https://www.twilio.com/docs/iam/api-keys): basic auth as SID:secret */
  createApiKey(): { sid: string; secret: string };
  numberConfig(
    phone: string,
  ): { smsUrl: string | null; statusCallback: string | null; voiceUrl: string | null } | undefined;
  /** Voice: a caller rings one of our numbers and says (or presses) `lines`, one per <Gather>, then hangs up */
  placeCall(input: { from: string; to?: string; lines: CallerLine[]; signWith?: string }): Promise<SimCall>;
  /** Voice: how the number we call answers (and what it says once answered) */
  setCallee(number: string, behaviour: CalleeBehaviour, lines?: CallerLine[]): void;
  /** Voice: how an operator's phone answers a <Dial> */
  setOperator(number: string, behaviour: OperatorBehaviour): void;
  calls(): SimCall[];
  call(sid: string): SimCall | undefined;
  recordings(): SimRecording[];
}

const hex = (n: number) => randomBytes(n).toString('hex');
const sidOf = (prefix: string) => prefix + hex(16);
const rfc2822 = (d: Date) => d.toUTCString().replace('GMT', '+0000');

const ERROR_TEXT: Record<number, { status: number; message: string }> = {
  20003: { status: 401, message: 'Authenticate' },
  20404: { status: 404, message: 'The requested resource was not found' },
  20429: { status: 429, message: 'Too Many Requests' },
  21211: { status: 400, message: "The 'To' number is not a valid phone number." },
  21602: { status: 400, message: 'Message body is required.' },
  21604: { status: 400, message: "A 'To' phone number is required." },
  21606: {
    status: 400,
    message:
      "The 'From' phone number provided is not a valid message-capable Twilio phone number for this destination/account.",
  },
  21610: { status: 400, message: 'Attempt to send to unsubscribed recipient' },
  21614: { status: 400, message: "'To' number is not a valid mobile number" },
  21617: { status: 400, message: 'The concatenated message body exceeds the 1600 character limit.' },
  20500: { status: 500, message: 'An internal server error has occurred' },
  21201: { status: 400, message: "No 'To' number is specified" },
  21205: { status: 400, message: 'Url parameter is required.' },
  21210: { status: 400, message: "The source phone number provided, 'From', is not yet verified for your account." },
  21220: { status: 400, message: 'Call is not in-progress. Cannot redirect.' },
};

const STOP = ['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT'];
const START = ['START', 'UNSTOP', 'YES'];
const HELP = ['HELP', 'INFO'];

/** GSM-7 basic characters; anything else makes the body UCS-2 (for NumSegments) */
const GSM = /^[@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&'()*+,\-./0-9:;<=>?¡A-ZÄÖÑÜ§¿a-zäöñüà^{}\\[~\]|€]*$/;
function segments(body: string): number {
  if (body.length === 0) return 1;
  const gsm = GSM.test(body);
  const single = gsm ? 160 : 70;
  const part = gsm ? 153 : 67;
  const length = gsm ? body.length : [...body].reduce((n, c) => n + (c.length > 1 ? 2 : 1), 0);
  return length <= single ? 1 : Math.ceil(length / part);
}

export async function startTwilioSimulator(options: TwilioSimulatorOptions = {}): Promise<TwilioSimulator> {
  const accountSid = options.accountSid ?? `AC${hex(16)}`;
  let authToken = options.authToken ?? hex(16);
  const numbers = new Map<
    string,
    { sid: string; smsUrl: string | null; statusCallback: string | null; voiceUrl: string | null }
  >();
  for (const n of options.numbers ?? ['+15005550006'])
    numbers.set(n, { sid: sidOf('PN'), smsUrl: null, statusCallback: null, voiceUrl: null });
  const delays = options.statusDelaysMs ?? { sending: 20, sent: 60, delivered: 150 };
  const outOfOrder = options.outOfOrderRate ?? 0.1;
  const mps = options.messagesPerSecond ?? 10;
  const replies = options.optOutReplies ?? {
    stop: 'You have successfully been unsubscribed. You will not receive any more messages from this number. Reply START to resubscribe.',
    start:
      'You have successfully been re-subscribed to messages from this number. Reply HELP for help. Reply STOP to unsubscribe.',
    help: 'Reply STOP to unsubscribe. Msg&Data Rates May Apply.',
  };
  const messages: TwilioMessage[] = [];
  const media = new Map<string, { data: Buffer; contentType: string }>();
  const attempts: TwilioWebhookAttempt[] = [];
  const inboxes = new Map<string, Array<{ from: string; body: string; mediaUrls: string[] }>>();
  const optOuts = new Set<string>();
  const invalid = new Map<string, number>();
  const faults = new FaultBook<TwilioErrorSpec>();
  const apiKeys = new Map<string, string>();
  const buckets = new KeyedBuckets({ capacity: Math.max(1, mps), refillPerSecond: mps });
  const timers = new TimerSet();
  let unauthorizedMedia = 0;
  let base = '';

  const errorBody = (code: number, override?: TwilioErrorSpec) => {
    const known = ERROR_TEXT[code] ?? { status: 400, message: `Error ${code}` };
    const status = override?.status ?? known.status;
    return {
      status,
      body: {
        code,
        message: override?.message ?? known.message,
        more_info: `https://www.twilio.com/docs/errors/${code}`,
        status,
      },
    };
  };
  const errors: Array<{ code: number; status: number; at: number }> = [];
  const fail = (res: ServerResponse, code: number, override?: TwilioErrorSpec) => {
    const e = errorBody(code, override);
    errors.push({ code, status: e.status, at: Date.now() });
    respondJson(res, e.status, e.body);
  };
  const authorized = (req: IncomingMessage): boolean => {
    const header = req.headers.authorization ?? '';
    if (!header.startsWith('Basic ')) return false;
    const [user, pass] = Buffer.from(header.slice(6), 'base64').toString('utf8').split(':');
    return (user === accountSid && pass === authToken) || (user !== undefined && apiKeys.get(user) === pass);
  };
  const resource = (m: TwilioMessage) => ({
    sid: m.sid,
    account_sid: m.accountSid,
    messaging_service_sid: m.messagingServiceSid ?? null,
    from: m.from,
    to: m.to,
    body: m.body,
    status: m.status,
    direction: m.direction,
    num_segments: String(m.numSegments),
    num_media: String(m.mediaUrls.length),
    price: null,
    price_unit: 'USD',
    error_code: m.errorCode,
    error_message: null,
    api_version: '2010-04-01',
    date_created: m.dateCreated,
    date_updated: rfc2822(new Date()),
    date_sent: null,
    uri: `/2010-04-01/Accounts/${accountSid}/Messages/${m.sid}.json`,
    subresource_uris: { media: `/2010-04-01/Accounts/${accountSid}/Messages/${m.sid}/Media.json` },
  });

  const post = async (
    url: string,
    params: Record<string, string>,
    signUrl = url,
    token = authToken,
  ): Promise<TwilioWebhookAttempt> => {
    const signature = twilioSignature(token, signUrl, params);
    const attempt: TwilioWebhookAttempt = { url, params, signature, status: 0, body: '' };
    try {
      const res = await sendOutbound({
        url,
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-twilio-signature': signature,
          'user-agent': 'TwilioProxy/1.1',
        },
        body: Buffer.from(new URLSearchParams(params).toString()),
        timeoutMs: 15_000,
      });
      attempt.status = res.status;
      attempt.body = res.body.toString('utf8');
    } catch (error) {
      attempt.body = error instanceof Error ? error.message : String(error);
    }
    attempts.push(attempt);
    return attempt;
  };

  const deliverToPhone = (m: TwilioMessage) => {
    const box = inboxes.get(m.to) ?? [];
    box.push({ from: m.from, body: m.body, mediaUrls: m.mediaUrls });
    inboxes.set(m.to, box);
  };

  /** queued → sending → sent → delivered (or undelivered with ErrorCode), each a callback after its delay */
  const scheduleStatuses = (m: TwilioMessage, finalError?: number) => {
    const steps: Array<{ status: string; at: number }> = [
      { status: 'sending', at: delays.sending },
      { status: 'sent', at: delays.sent },
      { status: finalError ? 'undelivered' : 'delivered', at: delays.delivered },
    ];
    // carriers' receipts sometimes overtake the sent callback
    if (Math.random() < outOfOrder) {
      const [sending, sent, done] = steps as [(typeof steps)[0], (typeof steps)[0], (typeof steps)[0]];
      steps.splice(0, 3, sending, { ...done, at: sent.at }, { ...sent, at: done.at });
    }
    for (const step of steps)
      timers.after(step.at, () => {
        m.status = step.status;
        if (step.status === 'undelivered') m.errorCode = finalError ?? 30008;
        if (step.status === 'delivered') deliverToPhone(m);
        if (!m.statusCallback) return;
        const params: Record<string, string> = {
          AccountSid: accountSid,
          ApiVersion: '2010-04-01',
          From: m.from,
          MessageSid: m.sid,
          MessageStatus: step.status,
          SmsSid: m.sid,
          SmsStatus: step.status,
          To: m.to,
          ...(m.messagingServiceSid ? { MessagingServiceSid: m.messagingServiceSid } : {}),
          ...(step.status === 'undelivered' ? { ErrorCode: String(m.errorCode) } : {}),
        };
        void post(m.statusCallback, params);
      });
  };

  const createMessage = async (req: IncomingMessage, res: ServerResponse) => {
    const form = new URLSearchParams((await readBody(req, 1 << 20)).toString('utf8'));
    const to = form.get('To') ?? '';
    const body = form.get('Body') ?? '';
    const mediaUrls = form.getAll('MediaUrl');
    const service = form.get('MessagingServiceSid') ?? undefined;
    const from = form.get('From') ?? (service ? [...numbers.keys()][0] : undefined);
    if (!to) return fail(res, 21604);
    if (!from || !numbers.has(from)) return fail(res, 21606);
    if (!body && mediaUrls.length === 0) return fail(res, 21602);
    if (body.length > 1600) return fail(res, 21617);
    const bad = invalid.get(to);
    if (bad) return fail(res, bad);
    if (optOuts.has(`${to}|${from}`)) return fail(res, 21610);
    if (mps > 0 && !buckets.take(from, Date.now()).ok) return fail(res, 20429);
    // Twilio fetches MediaUrl itself when it accepts the message
    const fetched: string[] = [];
    for (const url of mediaUrls) {
      try {
        const r = await sendOutbound({ url, method: 'GET', timeoutMs: 10_000, maxResponseBytes: 5 << 20 });
        if (r.status !== 200)
          return fail(res, 11200, { code: 11200, status: 400, message: `HTTP retrieval failure (${r.status})` });
        const id = sidOf('ME');
        media.set(id, { data: r.body, contentType: String(r.headers['content-type'] ?? 'application/octet-stream') });
        fetched.push(url);
      } catch {
        return fail(res, 11200, { code: 11200, status: 400, message: 'HTTP retrieval failure' });
      }
    }
    const m: TwilioMessage = {
      sid: sidOf(mediaUrls.length > 0 ? 'MM' : 'SM'),
      accountSid,
      from,
      to,
      body,
      direction: 'outbound-api',
      status: 'queued',
      mediaUrls: fetched,
      ...(form.get('StatusCallback') ? { statusCallback: form.get('StatusCallback') as string } : {}),
      ...(service ? { messagingServiceSid: service } : {}),
      errorCode: null,
      numSegments: segments(body),
      dateCreated: rfc2822(new Date()),
      createdAtMs: Date.now(),
    };
    messages.push(m);
    scheduleStatuses(m, to.endsWith('0007') ? 30007 : undefined);
    respondJson(res, 201, resource(m));
  };

  const voice = createVoice({
    accountSid,
    base: () => base,
    numbers: {
      has: (n: string) => numbers.has(n),
      get: (n: string) => {
        const v = numbers.get(n);
        return v && { sid: v.sid, voiceUrl: v.voiceUrl, voiceStatusCallback: v.statusCallback };
      },
      keys: () => numbers.keys(),
    } as unknown as Parameters<typeof createVoice>[0]['numbers'],
    invalid,
    timers,
    timeScale: options.voiceTimeScale ?? 1,
    post: (url, params, signUrl, token) => post(url, params, signUrl ?? url, token ?? authToken),
    fail,
  });

  const handler = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://sim.invalid');
    if (url.pathname.startsWith(CONTROL_PREFIX)) return serveControl(req, res, url, {});
    const mediaMatch = /^\/2010-04-01\/Accounts\/(AC\w+)\/Messages\/(\w+)\/Media\/(ME\w+)$/.exec(url.pathname);
    const rule = (op: string) => faults.take(op, undefined);
    const applyFault = async (op: string): Promise<boolean> => {
      const f = rule(op);
      if (!f) return false;
      if (f.latencyMs) await timers.sleep(f.latencyMs);
      if (!f.error) return false;
      fail(res, f.error.code, f.error);
      return true;
    };
    if (mediaMatch) {
      if (await applyFault('media.get')) return;
      if (!authorized(req)) {
        unauthorizedMedia++;
        return fail(res, 20003);
      }
      const file = media.get(mediaMatch[3] as string);
      if (!file) return fail(res, 20404);
      return respondRaw(res, 200, file.data, { 'content-type': file.contentType });
    }
    // a recording's file: RecordingUrl with .wav, or without an extension (https://www.twilio.com/docs/voice/api/recording#fetch-a-recording-media-file)
    const rec = /^\/2010-04-01\/Accounts\/(AC\w+)\/Recordings\/(RE\w+?)(?:\.(wav|mp3|json))?$/.exec(url.pathname);
    if (rec) {
      if (await applyFault('recordings.get')) return;
      if (!authorized(req) || rec[1] !== accountSid) return fail(res, 20003);
      await voice.handle('/Recordings', rec[2], req, res, rec[3] ?? 'wav');
      return;
    }
    const m = /^\/2010-04-01\/Accounts\/(AC\w+)(\/[A-Za-z]+)?(\/(\w+))?\.json$/.exec(url.pathname);
    if (!m) return fail(res, 20404);
    if (!authorized(req) || m[1] !== accountSid) return fail(res, 20003);
    const collection = m[2];
    if (!collection) {
      if (await applyFault('account.get')) return;
      return respondJson(res, 200, {
        sid: accountSid,
        friendly_name: 'Simulated account',
        status: 'active',
        type: 'Full',
      });
    }
    if (collection === '/IncomingPhoneNumbers') {
      if (m[4]) {
        if (await applyFault('numbers.update')) return;
        const entry = [...numbers.entries()].find(([, n]) => n.sid === m[4]);
        if (!entry) return fail(res, 20404);
        const form = new URLSearchParams((await readBody(req, 1 << 16)).toString('utf8'));
        if (form.get('SmsUrl') !== null) entry[1].smsUrl = form.get('SmsUrl');
        if (form.get('StatusCallback') !== null) entry[1].statusCallback = form.get('StatusCallback');
        if (form.get('VoiceUrl') !== null) entry[1].voiceUrl = form.get('VoiceUrl');
        return respondJson(res, 200, {
          sid: entry[1].sid,
          phone_number: entry[0],
          sms_url: entry[1].smsUrl,
          voice_url: entry[1].voiceUrl,
          status_callback: entry[1].statusCallback,
        });
      }
      if (await applyFault('numbers.list')) return;
      const only = url.searchParams.get('PhoneNumber');
      const list = [...numbers.entries()]
        .filter(([n]) => !only || n === only)
        .map(([n, v]) => ({
          sid: v.sid,
          phone_number: n,
          sms_url: v.smsUrl,
          voice_url: v.voiceUrl,
          status_callback: v.statusCallback,
        }));
      return respondJson(res, 200, { incoming_phone_numbers: list, page: 0, page_size: 50 });
    }
    if (collection === '/Messages' && req.method === 'POST' && !m[4]) {
      if (await applyFault('messages.create')) return;
      return createMessage(req, res);
    }
    if (collection === '/Calls') {
      if (await applyFault(req.method === 'POST' ? (m[4] ? 'calls.update' : 'calls.create') : 'calls.get')) return;
      await voice.handle(collection, m[4], req, res, 'json');
      return;
    }
    if (collection === '/Messages' && m[4]) {
      const found = messages.find((x) => x.sid === m[4]);
      return found ? respondJson(res, 200, resource(found)) : fail(res, 20404);
    }
    return fail(res, 20404);
  };

  const server = await listen(handler, {
    ...(options.host ? { host: options.host } : {}),
    ...(options.port ? { port: options.port } : {}),
  });
  base = server.url;

  const sim: TwilioSimulator = {
    url: base,
    accountSid,
    get authToken() {
      return authToken;
    },
    numbers: [...numbers.keys()],
    get unauthorizedMediaRequests() {
      return unauthorizedMedia;
    },
    async close() {
      timers.clear();
      await server.close();
    },
    async sendSms(input) {
      const to = input.to ?? ([...numbers.keys()][0] as string);
      const number = numbers.get(to);
      const sid = sidOf(input.media?.length ? 'MM' : 'SM');
      const body = input.body ?? '';
      const params: Record<string, string> = {
        ToCountry: 'US',
        ToState: 'CA',
        SmsMessageSid: sid,
        NumMedia: String(input.media?.length ?? 0),
        ToCity: '',
        FromZip: '',
        SmsSid: sid,
        FromState: '',
        SmsStatus: 'received',
        FromCity: '',
        Body: body,
        FromCountry: 'US',
        To: to,
        ToZip: '',
        NumSegments: String(segments(body)),
        MessageSid: sid,
        AccountSid: accountSid,
        From: input.from,
        ApiVersion: '2010-04-01',
      };
      (input.media ?? []).forEach((file, i) => {
        const id = sidOf('ME');
        media.set(id, file);
        params[`MediaUrl${i}`] = `${base}/2010-04-01/Accounts/${accountSid}/Messages/${sid}/Media/${id}`;
        params[`MediaContentType${i}`] = file.contentType;
      });
      // Advanced Opt-Out: the keyword is recognised, answered and enforced by Twilio, and the webhook says so
      const word = body.trim().toUpperCase();
      const key = `${input.from}|${to}`;
      const reply = (text: string) => {
        const box = inboxes.get(input.from) ?? [];
        box.push({ from: to, body: text, mediaUrls: [] });
        inboxes.set(input.from, box);
      };
      if (STOP.includes(word)) {
        params.OptOutType = 'STOP';
        optOuts.add(key);
        reply(replies.stop);
      } else if (START.includes(word)) {
        params.OptOutType = 'START';
        optOuts.delete(key);
        reply(replies.start);
      } else if (HELP.includes(word)) {
        params.OptOutType = 'HELP';
        reply(replies.help);
      }
      messages.push({
        sid,
        accountSid,
        from: input.from,
        to,
        body,
        direction: 'inbound',
        status: 'received',
        mediaUrls: Object.keys(params)
          .filter((k) => k.startsWith('MediaUrl'))
          .map((k) => params[k] as string),
        errorCode: null,
        numSegments: segments(body),
        dateCreated: rfc2822(new Date()),
        createdAtMs: Date.now(),
      });
      const target = number?.smsUrl;
      if (!target) return { sid, attempt: undefined };
      return { sid, attempt: await post(target, params, target, input.signWith ?? authToken) };
    },
    postSigned: (url, params, signUrl) => post(url, params, signUrl ?? url),
    messages: (filter = {}) =>
      messages.filter(
        (x) => (!filter.to || x.to === filter.to) && (!filter.direction || x.direction === filter.direction),
      ),
    webhookAttempts: () => [...attempts],
    apiErrors: () => [...errors],
    inbox: (phone) => [...(inboxes.get(phone) ?? [])],
    optedOut: (phone, sender) => optOuts.has(`${phone}|${sender}`),
    addFault: (input) => void faults.add(input),
    clearFaults: () => faults.clear(),
    markInvalid: (phone, code) => void invalid.set(phone, code),
    createApiKey: () => {
      const key = { sid: `SK${hex(16)}`, secret: hex(16) };
      apiKeys.set(key.sid, key.secret);
      return key;
    },
    revokeToken: () => {
      authToken = hex(16);
    },
    numberConfig: (phone) => {
      const n = numbers.get(phone);
      return n ? { smsUrl: n.smsUrl, statusCallback: n.statusCallback, voiceUrl: n.voiceUrl } : undefined;
    },
    placeCall: (input) => voice.placeIncomingCall(input),
    setCallee: (number, behaviour, lines) => voice.setCallee(number, behaviour, lines),
    setOperator: (number, behaviour) => voice.setOperator(number, behaviour),
    calls: () => voice.calls(),
    call: (sid) => voice.call(sid),
    recordings: () => voice.recordings(),
  };
  return sim;
}
