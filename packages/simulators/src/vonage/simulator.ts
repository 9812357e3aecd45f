// A local Vonage (Nexmo) server, faithful to the wire protocol the hub relies on (https://developer.vonage.com/en/messaging/sms/overview,
// https://developer.vonage.com/en/api/messages-olympus, https://developer.vonage.com/en/api/sms,
// https://developer.vonage.com/en/api/account, https://developer.vonage.com/en/api/application.v2): the Messages API
// (application JWT checked against the application's public key, 202 + message_uuid, RFC 7807 errors, status webhooks
// signed with a HS256 JWT carrying payload_hash), the legacy SMS API (per-message status codes inside HTTP 200 answers,
// `sig`-signed inbound SMS — concatenated parts, in any order — and delivery receipts), the account balance and
// settings, the application resource, 30 requests/s per API key, and scripted faults.
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { listen } from '../http/listen.js';
import { readBody } from '../http/read-body.js';
import { respondJson } from '../http/respond.js';
import { FaultBook } from '../faults/fault-book.js';
import { KeyedBuckets } from '../rate/token-bucket.js';
import { legacySig, signWebhookJwt, verifyApplicationJwt, type SignatureMethod } from './signing.js';

export type VonageOperation = 'messages' | 'sms' | 'balance' | 'application' | 'settings' | 'numbers';

export interface VonageFaultError {
  /** HTTP status answered (Messages/Application/balance); default 500 */
  httpStatus?: number;
  /** legacy SMS API: a per-message status code answered with HTTP 200 ("1" throttled, "4" bad credentials …) */
  legacyStatus?: string;
  errorText?: string;
  body?: unknown;
  retryAfterSeconds?: number;
}

export interface VonageSimulatorOptions {
  host?: string;
  port?: number;
  /** legacy SMS signing method configured on the account; default md5hash */
  signatureMethod?: SignatureMethod;
  /** how the legacy API calls the inbound URL (account setting): GET query, POST form or POST-JSON; default POST */
  smsInboundMethod?: 'GET' | 'POST' | 'POST-JSON';
  /** API requests per second per key (Vonage default 30) */
  requestsPerSecond?: number;
  /** delays of the status webhooks after a send; `outOfOrder` delivers delivered before submitted */
  receipts?: { submittedAfterMs?: number; deliveredAfterMs?: number; outOfOrder?: boolean };
  /** extra delivery attempts of a webhook answered non-2xx (Vonage retries), default 2 */
  webhookRetries?: number;
}

export interface VonageOutbound {
  api: 'messages' | 'sms';
  id: string;
  to: string;
  from: string;
  text: string;
  /** legacy: the message-ids of every part */
  partIds: string[];
  clientRef?: string;
  at: number;
}

export interface VonageWebhookAttempt {
  url: string;
  kind: 'inbound' | 'status';
  status: number | 'error';
  body: string;
  at: number;
}

export interface VonageSimulator {
  url: string;
  account: { apiKey: string; apiSecret: string; signatureSecret: string; signatureMethod: SignatureMethod };
  application: { id: string; privateKey: string; publicKey: string };
  number: string;
  settings(): { moUrl?: string; drUrl?: string; inboundUrl?: string; statusUrl?: string };
  /** where webhooks go when the hub did not set them itself */
  configure(urls: { inboundUrl?: string; statusUrl?: string; moUrl?: string; drUrl?: string }): void;
  /**
   * the number's own settings (Dashboard → Numbers, https://developer.vonage.com/en/api/numbers#updateANumber): the
   * application it is linked to (the Messages API sends its inbound to that application's inbound URL; default ours,
   * `null` unlinked) and its own inbound SMS URL (`moHttpUrl`, used by the SMS API instead of the account's)
   */
  configureNumber(settings: { appId?: string | null; moHttpUrl?: string }): void;
  /** a customer texts our number over the Messages API */
  inboundMessage(input: {
    from: string;
    text: string;
    to?: string;
  }): Promise<{ messageUuid: string; status: number | 'error' }>;
  /**
   * a customer texts our number over the legacy SMS API; `parts` splits the text into concatenated parts delivered in
   * `order` (1-based part numbers, default in order)
   */
  inboundSms(input: { from: string; text: string; to?: string; parts?: number; order?: number[] }): Promise<{
    messageIds: string[];
    statuses: Array<number | 'error'>;
    /** delivers one more part (1-based) of the same message later, e.g. after a restart */
    sendPart(n: number): Promise<number | 'error'>;
  }>;
  /** sends a status webhook for one of our messages (Messages: submitted|delivered|rejected|undeliverable|read; legacy DLR: delivered|failed|…) */
  status(
    id: string,
    status: string,
    error?: { code: string; title?: string; detail?: string },
  ): Promise<number | 'error'>;
  sent(filter?: { to?: string }): VonageOutbound[];
  webhookAttempts(): VonageWebhookAttempt[];
  fault(rule: { op: VonageOperation; times?: number; latencyMs?: number; error?: VonageFaultError }): void;
  clearFaults(): void;
  /** rotates the API secret: the old one is then rejected */
  rotateSecret(next: string): void;
  close(): Promise<void>;
}

const rfc7807 = (status: number, code: string, title: string, detail: string) => ({
  type: `https://developer.nexmo.com/api-errors${code.startsWith('#') ? '' : '/messages#'}${code}`,
  title,
  detail,
  instance: randomUUID(),
  ...(status ? {} : {}),
});

const GSM7 = /^[@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&'()*+,\-./0-9:;<=>?¡A-ZÄÖÑÜ§¿a-zäöñüà^{}\\[~\]|€\f]*$/;

/** parts of a concatenated SMS: 153 GSM-7 or 67 UCS-2 characters each (https://developer.vonage.com/en/messaging/sms/guides/concatenation-and-encoding) */
function splitSms(text: string): string[] {
  const chars = [...text];
  const single = GSM7.test(text) ? 160 : 70;
  if (chars.length <= single) return [text];
  const size = single === 160 ? 153 : 67;
  const out: string[] = [];
  for (let i = 0; i < chars.length; i += size) out.push(chars.slice(i, i + size).join(''));
  return out;
}

const hexId = () => randomBytes(8).toString('hex').toUpperCase();
const vonageTime = (d = new Date()) => d.toISOString().slice(0, 19).replace('T', ' ');

export async function startVonageSimulator(options: VonageSimulatorOptions = {}): Promise<VonageSimulator> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const account = {
    apiKey: randomBytes(4).toString('hex'),
    apiSecret: randomBytes(8).toString('hex'),
    signatureSecret: randomBytes(16).toString('hex'),
    signatureMethod: options.signatureMethod ?? ('md5hash' as SignatureMethod),
  };
  const application = { id: randomUUID(), name: 'Switchboard app', privateKey, publicKey };
  // the number is linked to our application and has no inbound URL of its own until someone changes it
  const numberSettings: { appId: string | null; moHttpUrl: string } = { appId: application.id, moHttpUrl: '' };
  const number = '447700900000';
  const urls: { moUrl?: string; drUrl?: string; inboundUrl?: string; statusUrl?: string } = {};
  const outbound: VonageOutbound[] = [];
  const attempts: VonageWebhookAttempt[] = [];
  const faults = new FaultBook<VonageFaultError>();
  const buckets = new KeyedBuckets({
    capacity: options.requestsPerSecond ?? 30,
    refillPerSecond: options.requestsPerSecond ?? 30,
  });
  const timers = new Set<NodeJS.Timeout>();
  const retries = options.webhookRetries ?? 2;
  let closed = false;
  const later = (ms: number, fn: () => Promise<unknown>) => {
    const t = setTimeout(() => {
      timers.delete(t);
      if (!closed) void fn().catch(() => undefined);
    }, ms);
    timers.add(t);
  };

  async function post(
    url: string,
    kind: 'inbound' | 'status',
    body: Buffer,
    headers: Record<string, string>,
    method = 'POST',
  ): Promise<number | 'error'> {
    let last: number | 'error' = 'error';
    for (let attempt = 0; attempt <= retries && !closed; attempt++) {
      try {
        const res = await fetch(url, {
          method,
          headers,
          ...(method === 'GET' ? {} : { body }),
          signal: AbortSignal.timeout(10_000),
        });
        await res.arrayBuffer();
        last = res.status;
      } catch {
        last = 'error';
      }
      attempts.push({
        url,
        kind,
        status: last,
        body: method === 'GET' ? new URL(url).search : body.toString(),
        at: Date.now(),
      });
      if (typeof last === 'number' && last >= 200 && last < 300) return last;
      await new Promise((r) => setTimeout(r, 150 * (attempt + 1)));
    }
    return last;
  }

  async function messagesWebhook(url: string | undefined, kind: 'inbound' | 'status', payload: unknown) {
    if (!url) return 'error' as const;
    const body = Buffer.from(JSON.stringify(payload));
    const token = await signWebhookJwt(body, account.signatureSecret, {
      apiKey: account.apiKey,
      applicationId: application.id,
    });
    return post(url, kind, body, { 'content-type': 'application/json', authorization: `Bearer ${token}` });
  }

  async function legacyWebhook(url: string | undefined, kind: 'inbound' | 'status', params: Record<string, string>) {
    if (!url) return 'error' as const;
    const signed = {
      ...params,
      'api-key': account.apiKey,
      timestamp: String(Math.floor(Date.now() / 1000)),
      nonce: randomUUID(),
    };
    const sig = legacySig(signed, account.signatureSecret, account.signatureMethod);
    const all = { ...signed, sig };
    const method = options.smsInboundMethod ?? 'POST';
    if (method === 'GET') {
      const target = new URL(url);
      for (const [k, v] of Object.entries(all)) target.searchParams.set(k, v);
      return post(target.toString(), kind, Buffer.alloc(0), {}, 'GET');
    }
    if (method === 'POST-JSON')
      return post(url, kind, Buffer.from(JSON.stringify(all)), { 'content-type': 'application/json' });
    return post(url, kind, Buffer.from(new URLSearchParams(all).toString()), {
      'content-type': 'application/x-www-form-urlencoded',
    });
  }

  const basicOk = (req: IncomingMessage, query: URLSearchParams, body?: Record<string, string>) => {
    const auth = req.headers.authorization ?? '';
    if (auth.startsWith('Basic ')) {
      const [key, secret] = Buffer.from(auth.slice(6), 'base64').toString().split(':');
      return key === account.apiKey && secret === account.apiSecret;
    }
    const key = query.get('api_key') ?? body?.api_key;
    const secret = query.get('api_secret') ?? body?.api_secret;
    return key === account.apiKey && secret === account.apiSecret;
  };

  async function takeFault(op: VonageOperation) {
    const f = faults.take(op, undefined);
    if (f?.latencyMs) await new Promise((r) => setTimeout(r, f.latencyMs));
    return f?.error;
  }

  function scheduleStatuses(record: VonageOutbound) {
    const r = options.receipts ?? {};
    const sub = r.submittedAfterMs ?? 30;
    const del = r.deliveredAfterMs ?? 120;
    const [first, second] = r.outOfOrder ? [del, sub] : [sub, del];
    if (record.api === 'messages') {
      later(first, () => api.status(record.id, 'submitted'));
      later(second + (r.outOfOrder ? 0 : 0), () => api.status(record.id, 'delivered'));
    } else {
      later(first, () => api.status(record.id, 'accepted'));
      later(second, () => api.status(record.id, 'delivered'));
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sim.invalid');
    const raw = await readBody(req, 1_000_000);
    const path = url.pathname;
    const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim();
    const readForm = (): Record<string, string> => {
      if (type === 'application/json') {
        try {
          return Object.fromEntries(
            Object.entries(JSON.parse(raw.toString()) as Record<string, unknown>).map(([k, v]) => [k, String(v)]),
          );
        } catch {
          return {};
        }
      }
      return Object.fromEntries(new URLSearchParams(raw.toString()));
    };

    if (path === '/account/get-balance' && req.method === 'GET') {
      const fault = await takeFault('balance');
      if (fault)
        return respondJson(
          res,
          fault.httpStatus ?? 500,
          fault.body ?? { 'error-code': String(fault.httpStatus ?? 500) },
        );
      if (!basicOk(req, url.searchParams))
        return respondJson(res, 401, { 'error-code': '401', 'error-code-label': 'authentication failed' });
      return respondJson(res, 200, { value: 10.28, autoReload: false });
    }
    if (path === '/account/settings' && req.method === 'POST') {
      const form = readForm();
      const fault = await takeFault('settings');
      if (fault) return respondJson(res, fault.httpStatus ?? 500, fault.body ?? {});
      if (!basicOk(req, url.searchParams, form))
        return respondJson(res, 401, { 'error-code': '401', 'error-code-label': 'authentication failed' });
      if (form.moCallBackUrl) urls.moUrl = form.moCallBackUrl;
      if (form.drCallBackUrl) urls.drUrl = form.drCallBackUrl;
      return respondJson(res, 200, {
        'mo-callback-url': urls.moUrl ?? '',
        'dr-callback-url': urls.drUrl ?? '',
        'max-outbound-request': options.requestsPerSecond ?? 30,
        'max-inbound-request': 30,
        'max-calls-per-second': 30,
      });
    }
    // the account's numbers (https://developer.vonage.com/en/api/numbers#getOwnedNumbers): api_key/api_secret in the
    // query, `pattern` matched by `search_pattern` (0 starts with, 1 anywhere, 2 ends with)
    if (path === '/account/numbers' && req.method === 'GET') {
      const fault = await takeFault('numbers');
      if (fault) return respondJson(res, fault.httpStatus ?? 500, fault.body ?? {});
      if (!basicOk(req, url.searchParams))
        return respondJson(res, 401, { 'error-code': '401', 'error-code-label': 'authentication failed' });
      const pattern = url.searchParams.get('pattern') ?? '';
      const how = url.searchParams.get('search_pattern') ?? '0';
      const hit =
        how === '1' ? number.includes(pattern) : how === '2' ? number.endsWith(pattern) : number.startsWith(pattern);
      const linked = numberSettings.appId;
      return respondJson(res, 200, {
        count: hit ? 1 : 0,
        numbers: hit
          ? [
              {
                country: 'GB',
                msisdn: number,
                moHttpUrl: numberSettings.moHttpUrl,
                type: 'mobile-lvn',
                features: ['VOICE', 'SMS', 'MMS'],
                ...(linked
                  ? {
                      messagesCallbackType: 'app',
                      messagesCallbackValue: linked,
                      voiceCallbackType: 'app',
                      voiceCallbackValue: linked,
                      app_id: linked,
                    }
                  : {}),
              },
            ]
          : [],
      });
    }
    const appMatch = /^\/v2\/applications\/([^/]+)$/.exec(path);
    if (appMatch) {
      const fault = await takeFault('application');
      if (fault)
        return respondJson(
          res,
          fault.httpStatus ?? 500,
          fault.body ?? rfc7807(500, '#internal', 'Internal error', 'fault'),
        );
      if (!basicOk(req, url.searchParams))
        return respondJson(
          res,
          401,
          rfc7807(401, '#unauthorized', 'Unauthorized', 'You did not provide correct credentials.'),
        );
      if (decodeURIComponent(appMatch[1] ?? '') !== application.id)
        return respondJson(res, 404, rfc7807(404, '#not-found', 'Not Found', 'Application not found'));
      if (req.method === 'PUT') {
        const body = JSON.parse(raw.toString() || '{}') as {
          capabilities?: { messages?: { webhooks?: Record<string, { address?: string }> } };
        };
        const hooks = body.capabilities?.messages?.webhooks ?? {};
        if (hooks.inbound_url?.address) urls.inboundUrl = hooks.inbound_url.address;
        if (hooks.status_url?.address) urls.statusUrl = hooks.status_url.address;
      }
      return respondJson(res, 200, {
        id: application.id,
        name: application.name,
        keys: { public_key: application.publicKey },
        capabilities: {
          messages: {
            webhooks: {
              inbound_url: { address: urls.inboundUrl ?? '', http_method: 'POST' },
              status_url: { address: urls.statusUrl ?? '', http_method: 'POST' },
            },
            version: 'v1',
          },
        },
      });
    }
    if (path === '/v1/messages' && req.method === 'POST') {
      const auth = req.headers.authorization ?? '';
      let authorized = false;
      if (auth.startsWith('Bearer '))
        authorized = (await verifyApplicationJwt(auth.slice(7), application.publicKey, application.id)).ok;
      else authorized = basicOk(req, url.searchParams);
      if (!authorized)
        return respondJson(
          res,
          401,
          rfc7807(401, '#unauthorized', 'Unauthorized', 'You did not provide correct credentials.'),
        );
      const limited = buckets.take(account.apiKey, Date.now());
      if (!limited.ok)
        return respondJson(
          res,
          429,
          rfc7807(429, '#throttled', 'Rate Limit Hit', 'Please wait, then retry your request'),
          {
            'retry-after': String(Math.max(1, Math.ceil(limited.retryAfterMs / 1000))),
          },
        );
      const fault = await takeFault('messages');
      if (fault)
        return respondJson(
          res,
          fault.httpStatus ?? 500,
          fault.body ?? rfc7807(fault.httpStatus ?? 500, '1000', 'Fault', fault.errorText ?? 'injected fault'),
          fault.retryAfterSeconds ? { 'retry-after': String(fault.retryAfterSeconds) } : {},
        );
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(raw.toString()) as Record<string, unknown>;
      } catch {
        return respondJson(res, 400, rfc7807(400, '1000', 'Bad Request', 'The request body is not JSON'));
      }
      const invalid: Array<{ name: string; reason: string }> = [];
      if (body.channel !== 'sms') invalid.push({ name: 'channel', reason: 'must be sms here' });
      if (body.message_type !== 'text') invalid.push({ name: 'message_type', reason: 'must be text for sms' });
      if (typeof body.to !== 'string' || !/^\d{6,15}$/.test(body.to))
        invalid.push({ name: 'to', reason: 'Invalid number' });
      if (typeof body.from !== 'string' || body.from.length === 0) invalid.push({ name: 'from', reason: 'Required' });
      if (typeof body.text !== 'string' || body.text.length === 0 || body.text.length > 1000)
        invalid.push({ name: 'text', reason: 'Between 1 and 1000 characters' });
      if (invalid.length > 0)
        return respondJson(res, 422, {
          ...rfc7807(422, '1150', 'Invalid params', 'The value of one or more parameters is invalid.'),
          invalid_parameters: invalid,
        });
      const record: VonageOutbound = {
        api: 'messages',
        id: randomUUID(),
        to: String(body.to),
        from: String(body.from),
        text: String(body.text),
        partIds: [],
        ...(typeof body.client_ref === 'string' ? { clientRef: body.client_ref } : {}),
        at: Date.now(),
      };
      outbound.push(record);
      scheduleStatuses(record);
      return respondJson(res, 202, { message_uuid: record.id });
    }
    if (path === '/sms/json' && req.method === 'POST') {
      const form = { ...Object.fromEntries(url.searchParams), ...readForm() };
      const answer = (status: string, errorText: string) =>
        respondJson(res, 200, { 'message-count': '1', messages: [{ status, 'error-text': errorText }] });
      if (!form.api_key || !form.api_secret) return answer('2', 'Missing api_key or api_secret');
      if (form.api_key !== account.apiKey || form.api_secret !== account.apiSecret)
        return answer('4', 'Bad Credentials');
      const limited = buckets.take(account.apiKey, Date.now());
      if (!limited.ok) return answer('1', 'Throughput Rate Exceeded - please wait [ 1000 ] and retry');
      const fault = await takeFault('sms');
      if (fault) {
        if (fault.legacyStatus) return answer(fault.legacyStatus, fault.errorText ?? 'injected fault');
        return respondJson(res, fault.httpStatus ?? 500, fault.body ?? { error: 'injected fault' });
      }
      if (!form.from) return answer('2', 'Missing from param');
      if (!form.to || !/^\d{6,15}$/.test(form.to)) return answer('3', 'Invalid to address');
      if (!form.text) return answer('2', 'Missing text param');
      const parts = splitSms(form.text);
      const record: VonageOutbound = {
        api: 'sms',
        id: hexId(),
        to: form.to,
        from: form.from,
        text: form.text,
        partIds: [],
        ...(form['client-ref'] ? { clientRef: form['client-ref'] } : {}),
        at: Date.now(),
      };
      record.partIds = parts.map((_, i) => (i === 0 ? record.id : hexId()));
      outbound.push(record);
      if (form['status-report-req'] === '1' || form.callback) {
        if (form.callback) urls.drUrl ??= form.callback;
        scheduleStatuses(record);
      }
      return respondJson(res, 200, {
        'message-count': String(parts.length),
        messages: record.partIds.map((id) => ({
          to: record.to,
          'message-id': id,
          status: '0',
          'remaining-balance': '10.20',
          'message-price': '0.0400',
          network: '23410',
          ...(record.clientRef ? { 'client-ref': record.clientRef } : {}),
        })),
      });
    }
    respondJson(res, 404, rfc7807(404, '#not-found', 'Not Found', `no route ${req.method ?? ''} ${path}`));
  }

  const server = await listen(handle, { host: options.host, port: options.port });

  const api: VonageSimulator = {
    url: server.url,
    account,
    application: { id: application.id, privateKey, publicKey },
    number,
    settings: () => ({ ...urls }),
    configure(next) {
      Object.assign(urls, next);
    },
    configureNumber(next) {
      if (next.appId !== undefined) numberSettings.appId = next.appId;
      if (next.moHttpUrl !== undefined) numberSettings.moHttpUrl = next.moHttpUrl;
    },
    async inboundMessage({ from, text, to }) {
      const messageUuid = randomUUID();
      // a number linked to another application sends its inbound there, not to ours
      const inboundUrl = numberSettings.appId === application.id ? urls.inboundUrl : undefined;
      const status = await messagesWebhook(inboundUrl, 'inbound', {
        channel: 'sms',
        message_uuid: messageUuid,
        to: to ?? number,
        from,
        timestamp: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
        text,
        message_type: 'text',
        sms: { num_messages: String(splitSms(text).length), keyword: text.split(/\s+/)[0]?.toUpperCase() ?? '' },
        usage: { price: '0.0057', currency: 'EUR' },
      });
      return { messageUuid, status };
    },
    async inboundSms({ from, text, to, parts, order }) {
      const pieces = parts && parts > 1 ? chunk(text, parts) : [text];
      const ref = String(Math.floor(Math.random() * 256));
      const ids = pieces.map(() => hexId());
      const sequence = order ?? pieces.map((_, i) => i + 1);
      const statuses: Array<number | 'error'> = [];
      const sendPart = (n: number) => {
        const piece = pieces[n - 1] ?? '';
        // the number's own inbound URL wins over the account's (https://developer.vonage.com/en/messaging/sms/guides/inbound-sms)
        return legacyWebhook(numberSettings.moHttpUrl || urls.moUrl, 'inbound', {
          msisdn: from,
          to: to ?? number,
          messageId: ids[n - 1] ?? hexId(),
          text: piece,
          type: GSM7.test(text) ? 'text' : 'unicode',
          keyword: (pieces[0]?.split(/\s+/)[0] ?? '').toUpperCase(),
          'message-timestamp': vonageTime(),
          ...(pieces.length > 1
            ? { concat: 'true', 'concat-ref': ref, 'concat-total': String(pieces.length), 'concat-part': String(n) }
            : {}),
        });
      };
      for (const n of sequence) statuses.push(await sendPart(n));
      return { messageIds: ids, statuses, sendPart };
    },
    async status(id, status, error) {
      const record = outbound.find((o) => o.id === id);
      if (record?.api === 'sms' || (!record && /^[0-9A-F]{16}$/.test(id))) {
        return legacyWebhook(urls.drUrl, 'status', {
          msisdn: record?.to ?? '',
          to: record?.from ?? number,
          'network-code': '23410',
          messageId: id,
          price: '0.0400',
          status,
          scts: vonageTime().replace(/[- :]/g, '').slice(2, 12),
          'err-code': error?.code ?? (status === 'delivered' || status === 'accepted' ? '0' : '1'),
          'message-timestamp': vonageTime(),
          ...(record?.clientRef ? { 'client-ref': record.clientRef } : {}),
        });
      }
      return messagesWebhook(urls.statusUrl, 'status', {
        message_uuid: id,
        to: record?.to ?? '',
        from: record?.from ?? number,
        timestamp: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
        status,
        channel: 'sms',
        ...(record?.clientRef ? { client_ref: record.clientRef } : {}),
        ...(status === 'delivered' ? { usage: { price: '0.0333', currency: 'EUR' } } : {}),
        ...(error
          ? {
              error: {
                type: `https://developer.nexmo.com/api-errors/messages#${error.code}`,
                title: error.title ?? error.code,
                detail: error.detail ?? 'Message could not be delivered',
                instance: randomUUID(),
              },
            }
          : {}),
      });
    },
    sent: (filter = {}) => outbound.filter((o) => !filter.to || o.to === filter.to.replace(/^\+/, '')),
    webhookAttempts: () => [...attempts],
    fault(rule) {
      faults.add(rule);
    },
    clearFaults: () => faults.clear(),
    rotateSecret(next) {
      account.apiSecret = next;
    },
    async close() {
      closed = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      await server.close();
    },
  };
  return api;
}

/** n nearly equal pieces of a text (by code point), for inbound concatenated parts */
function chunk(text: string, n: number): string[] {
  const chars = [...text];
  const size = Math.ceil(chars.length / n);
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(chars.slice(i * size, (i + 1) * size).join(''));
  return out;
}
