// The Infobip simulator (https://www.infobip.com/docs/api): one account with an API key (`Authorization: App <key>`),
// an SMS number, a WhatsApp sender and a Viber sender; the send endpoints of each channel answering Infobip's
// envelopes (`POST /sms/2/text/advanced`, `POST /whatsapp/1/message/{type}`, `POST /viber/2/messages`), the balance
// check, WhatsApp inbound media downloads, delivery and seen reports pushed to each message's notifyUrl, customers'
// messages pushed to the number's forwarding URL (both batched, with the account's extra authorization header and
// retries), the 429 rate limit and scripted faults.
import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SimClock } from '../clock.js';
import { FaultBook } from '../faults/fault-book.js';
import { listen } from '../http/listen.js';
import { sendOutbound } from '../http/outbound-request.js';
import { readBody } from '../http/read-body.js';
import { respondJson, respondRaw } from '../http/respond.js';
import { KeyedBuckets } from '../rate/token-bucket.js';
import { TimerSet } from '../timer-set.js';
import {
  INFOBIP_ERRORS,
  INFOBIP_STATUSES,
  NO_ERROR,
  type InfobipErrorSpec,
  type InfobipStatusObject,
} from './errors.js';
import {
  DEFAULT_INFOBIP_WEBHOOK_OPTIONS,
  InfobipWebhooks,
  type InfobipPush,
  type InfobipWebhookOptions,
} from './webhook-delivery.js';

export type InfobipChannelName = 'sms' | 'whatsapp' | 'viber';

export interface InfobipSentRecord {
  messageId: string;
  bulkId?: string;
  channel: InfobipChannelName;
  /** the endpoint's type: text for SMS, the WhatsApp path (text, image, interactive/buttons…), the Viber content type */
  type: string;
  from: string;
  to: string;
  /** the message's text (SMS) or content object (WhatsApp, Viber) as sent */
  text?: string;
  content?: Record<string, unknown>;
  notifyUrl?: string;
  callbackData?: string;
  sentAt: string;
  /** what fetching a mediaUrl the message named answered (Infobip downloads it before sending) */
  media?: { status: number; bytes: number; contentType?: string } | { error: string };
  /** the last status reported */
  status: InfobipStatusObject;
}

export interface InfobipReceivedRecord {
  messageId: string;
  channel: InfobipChannelName;
  from: string;
  to: string;
  receivedAt: string;
  result: Record<string, unknown>;
}

export interface InfobipCustomerInput {
  channel?: InfobipChannelName;
  /** the customer's number, international without "+" */
  from: string;
  name?: string;
  text?: string;
  image?: { data: Buffer; contentType: string; caption?: string };
  document?: { data: Buffer; contentType: string; caption?: string };
  location?: { latitude: number; longitude: number; name?: string; address?: string };
  /** an interactive reply button tapped (or, with `list`, a list row); `replyTo` = the message it answers */
  reply?: { id: string; title: string; list?: boolean; replyTo?: string };
  /** a template's quick-reply button */
  quickReply?: { text: string; payload: string };
}

export interface InfobipTemplateRecord {
  id: string;
  name: string;
  language: string;
  status: 'APPROVED' | 'PENDING' | 'REJECTED' | 'PAUSED' | 'DISABLED';
  category: string;
  /** the body text with `{{1}}`, `{{2}}` … placeholders */
  body: string;
}

export interface InfobipFaultInput {
  /** balance, sendSms, sendWhatsApp, sendViber, listTemplates, markRead, downloadMedia, or * */
  op: string;
  times?: number;
  latencyMs?: number;
  error?: InfobipErrorSpec;
}

export interface InfobipSimulatorOptions {
  port?: number;
  host?: string;
  /** API requests per second per key (0 = unlimited); Infobip's per-endpoint limits are not published (UNCONFIRMED) */
  rateLimitPerSecond?: number;
  /** delays of the generated delivered (and, for WhatsApp and Viber, seen) reports after an accepted send */
  receipts?: { deliveredAfterMs?: number; seenAfterMs?: number } | false;
  webhooks?: Partial<InfobipWebhookOptions>;
  /** the account's webhook authorization header value; default a generated Basic credential */
  webhookAuth?: string;
}

export interface InfobipSimulator {
  url: string;
  apiKey: string;
  /** the Authorization header value the account sends with every webhook */
  webhookAuth: string;
  smsNumber: string;
  whatsappNumber: string;
  viberSender: string;
  clock: SimClock;
  /** the forwarding URL set on a number (the portal's "forward to HTTP"), for inbound messages and seen reports */
  forwardTo(sender: string, url: string): void;
  setWebhookAuth(value: string | undefined): void;
  customerSends(input: InfobipCustomerInput): string;
  sent(filter?: { to?: string; channel?: InfobipChannelName }): InfobipSentRecord[];
  received(filter?: { from?: string; channel?: InfobipChannelName }): InfobipReceivedRecord[];
  /** a delivery report for one of our messages, now (out of order, a failure…) */
  emitReport(messageId: string, status: InfobipStatusObject, error?: Record<string, unknown>): void;
  emitSeen(messageId: string): void;
  /** a WhatsApp template of the sender (as created and reviewed in the portal) */
  addTemplate(t: Omit<InfobipTemplateRecord, 'id'> & { id?: string }): InfobipTemplateRecord;
  /** inbound WhatsApp message ids the business marked as read */
  readMarks(): string[];
  pushes(): InfobipPush[];
  replay(pushId: string): Promise<number>;
  fault(input: InfobipFaultInput): void;
  clearFaults(): void;
  revokeApiKey(): void;
  idle(): Promise<void>;
  close(): Promise<void>;
}

const PHONE = /^\d{6,15}$/;

export async function startInfobipSimulator(options: InfobipSimulatorOptions = {}): Promise<InfobipSimulator> {
  const clock = new SimClock();
  const timers = new TimerSet();
  const webhooks = new InfobipWebhooks(clock, timers, { ...DEFAULT_INFOBIP_WEBHOOK_OPTIONS, ...options.webhooks });
  const webhookAuth =
    options.webhookAuth ??
    `Basic ${Buffer.from(`infobip:${randomBytes(12).toString('base64url')}`).toString('base64')}`;
  webhooks.authorization = webhookAuth;
  const faults = new FaultBook<InfobipErrorSpec>();
  const rate = options.rateLimitPerSecond ?? 100;
  const buckets = new KeyedBuckets({ capacity: rate, refillPerSecond: rate });
  const receipts = options.receipts === false ? undefined : (options.receipts ?? {});
  const keys = new Set<string>();
  const apiKey = randomBytes(24).toString('hex');
  keys.add(apiKey);
  const smsNumber = '447860099299';
  const whatsappNumber = '447860099300';
  const viberSender = 'SwitchboardSim';
  const forwarding = new Map<string, string>();
  const sent = new Map<string, InfobipSentRecord>();
  const received: InfobipReceivedRecord[] = [];
  const media = new Map<string, { data: Buffer; contentType: string }>();
  const templates = new Map<string, InfobipTemplateRecord>();
  const readMarks: string[] = [];
  let base = '';

  /** Infobip's time format: `2019-08-29T10:17:19.000+0000` */
  const ibTime = () => new Date(clock.now()).toISOString().replace('Z', '+0000');
  const id = () => randomUUID();

  const fail = (res: ServerResponse, spec: InfobipErrorSpec) => respondJson(res, spec.status, spec.body, spec.headers);

  const gate = async (req: IncomingMessage, res: ServerResponse, op: string): Promise<boolean> => {
    const key = /^App (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!key || !keys.has(key)) return (fail(res, INFOBIP_ERRORS.unauthorized()), false);
    if (!buckets.take(key, clock.now()).ok) return (fail(res, INFOBIP_ERRORS.tooManyRequests()), false);
    const fault = faults.take(op, undefined);
    if (fault?.latencyMs) await timers.sleep(fault.latencyMs);
    if (fault?.error) return (fail(res, fault.error), false);
    return true;
  };

  const jsonBody = async (req: IncomingMessage): Promise<Record<string, unknown> | undefined> => {
    try {
      const v: unknown = JSON.parse((await readBody(req, 10 << 20)).toString('utf8'));
      return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
    } catch {
      return undefined;
    }
  };

  const report = (m: InfobipSentRecord, status: InfobipStatusObject, error: Record<string, unknown> = NO_ERROR) => {
    m.status = status;
    if (!m.notifyUrl) return;
    webhooks.enqueue(m.notifyUrl, 'reports', {
      ...(m.bulkId ? { bulkId: m.bulkId } : {}),
      messageId: m.messageId,
      to: m.to,
      from: m.from,
      sentAt: m.sentAt,
      doneAt: ibTime(),
      smsCount: 1,
      mccMnc: '21901',
      ...(m.callbackData !== undefined ? { callbackData: m.callbackData } : {}),
      price: { pricePerMessage: m.channel === 'sms' ? 0.01 : 0, currency: 'EUR' },
      status,
      error,
      ...(m.channel !== 'sms' ? { channel: m.channel.toUpperCase() } : {}),
    });
  };
  const seen = (m: InfobipSentRecord) => {
    const url = forwarding.get(m.from);
    if (url)
      webhooks.enqueue(url, 'seen', {
        messageId: m.messageId,
        from: m.to,
        to: m.from,
        sentAt: m.sentAt,
        seenAt: ibTime(),
      });
  };

  /** Infobip downloads a message's mediaUrl itself before it sends the message on */
  const fetchMedia = (m: InfobipSentRecord, url: unknown) => {
    if (typeof url !== 'string') return;
    const done = sendOutbound({ url, method: 'GET', timeoutMs: 5_000, maxResponseBytes: 100 << 20 }).then(
      (r) => {
        const type = r.headers['content-type'];
        m.media = { status: r.status, bytes: r.body.length, ...(type ? { contentType: type } : {}) };
      },
      (e: unknown) => {
        m.media = { error: e instanceof Error ? e.message : String(e) };
      },
    );
    void done;
  };

  const accept = (m: InfobipSentRecord) => {
    sent.set(m.messageId, m);
    if (!receipts) return;
    if (receipts.deliveredAfterMs !== undefined)
      timers.after(receipts.deliveredAfterMs, () => report(m, INFOBIP_STATUSES.delivered));
    if (m.channel !== 'sms' && receipts.seenAfterMs !== undefined) timers.after(receipts.seenAfterMs, () => seen(m));
  };

  const sendSms = async (req: IncomingMessage, res: ServerResponse) => {
    const body = await jsonBody(req);
    const list = body?.messages;
    if (!Array.isArray(list) || list.length === 0)
      return fail(res, INFOBIP_ERRORS.badRequest({ messages: ['must not be empty'] }));
    const errors: Record<string, string[]> = {};
    list.forEach((raw, i) => {
      const m = raw as Record<string, unknown>;
      if (typeof m.text !== 'string' || m.text.length === 0) errors[`messages[${i}].text`] = ['must not be blank'];
      if (!Array.isArray(m.destinations) || m.destinations.length === 0)
        errors[`messages[${i}].destinations`] = ['must not be empty'];
    });
    if (Object.keys(errors).length > 0) return fail(res, INFOBIP_ERRORS.badRequest(errors));
    const bulkId = typeof body?.bulkId === 'string' ? body.bulkId : id();
    const out: unknown[] = [];
    for (const raw of list as Array<Record<string, unknown>>) {
      for (const d of raw.destinations as Array<{ to?: unknown; messageId?: unknown }>) {
        const to = String(d.to ?? '');
        const messageId = typeof d.messageId === 'string' && d.messageId ? d.messageId : id();
        const text = String(raw.text);
        const smsCount = Math.max(1, Math.ceil(text.length / (text.length > 160 ? 153 : 160)));
        if (!PHONE.test(to)) {
          out.push({ to, status: INFOBIP_STATUSES.rejectedDestination, messageId, smsCount });
          continue;
        }
        const m: InfobipSentRecord = {
          messageId,
          bulkId,
          channel: 'sms',
          type: 'text',
          from: typeof raw.from === 'string' ? raw.from : 'InfoSMS',
          to,
          text,
          ...(typeof raw.notifyUrl === 'string' ? { notifyUrl: raw.notifyUrl } : {}),
          ...(typeof raw.callbackData === 'string' ? { callbackData: raw.callbackData } : {}),
          sentAt: ibTime(),
          status: INFOBIP_STATUSES.pendingAccepted,
        };
        accept(m);
        out.push({ to, status: INFOBIP_STATUSES.pendingAccepted, messageId, smsCount });
      }
    }
    respondJson(res, 200, { bulkId, messages: out });
  };

  /** what each WhatsApp endpoint requires of `content` */
  const whatsappContentErrors = (type: string, c: Record<string, unknown>): Record<string, string[]> => {
    const e: Record<string, string[]> = {};
    const need = (field: string, ok: boolean, msg: string) => {
      if (!ok) e[`content.${field}`] = [msg];
    };
    if (type === 'text') {
      need('text', typeof c.text === 'string' && c.text.length > 0, 'must not be blank');
      need('text', typeof c.text !== 'string' || c.text.length <= 4096, 'size must be between 1 and 4096');
    } else if (['image', 'document', 'audio', 'video', 'sticker'].includes(type))
      need('mediaUrl', typeof c.mediaUrl === 'string' && /^https?:\/\//.test(c.mediaUrl), 'must be a valid URL');
    else if (type === 'location')
      need('latitude', typeof c.latitude === 'number' && typeof c.longitude === 'number', 'must not be null');
    else if (type === 'interactive/buttons' || type === 'interactive/list') {
      const bodyText = (c.body as { text?: unknown } | undefined)?.text;
      need('body.text', typeof bodyText === 'string' && bodyText.length > 0, 'must not be blank');
      const action = (c.action ?? {}) as { buttons?: unknown[]; sections?: Array<{ rows?: unknown[] }> };
      if (type === 'interactive/buttons') {
        const n = action.buttons?.length ?? 0;
        need('action.buttons', n >= 1 && n <= 3, 'size must be between 1 and 3');
        for (const b of (action.buttons ?? []) as Array<{ title?: unknown }>)
          need(
            'action.buttons.title',
            typeof b.title === 'string' && b.title.length <= 20,
            'size must be between 1 and 20',
          );
      } else {
        const rows = (action.sections ?? []).reduce((n, s) => n + (s.rows?.length ?? 0), 0);
        need('action.sections', rows >= 1 && rows <= 10, 'rows must be between 1 and 10');
      }
    } else e.type = [`unknown message type ${type}`];
    return e;
  };

  const sendWhatsApp = async (req: IncomingMessage, res: ServerResponse, type: string) => {
    const body = await jsonBody(req);
    if (!body) return fail(res, INFOBIP_ERRORS.badRequest({ body: ['must be a JSON object'] }));
    const to = String(body.to ?? '');
    const content = (body.content ?? {}) as Record<string, unknown>;
    const errors: Record<string, string[]> = {
      ...(body.from !== whatsappNumber ? { from: ['the sender is not a WhatsApp sender of this account'] } : {}),
      ...(!PHONE.test(to) ? { to: ['invalid destination address'] } : {}),
      ...whatsappContentErrors(type, content),
    };
    if (Object.keys(errors).length > 0) return fail(res, INFOBIP_ERRORS.badRequest(errors));
    const messageId = typeof body.messageId === 'string' && body.messageId ? body.messageId : id();
    const m: InfobipSentRecord = {
      messageId,
      channel: 'whatsapp',
      type,
      from: whatsappNumber,
      to,
      content,
      ...(typeof body.notifyUrl === 'string' ? { notifyUrl: body.notifyUrl } : {}),
      ...(typeof body.callbackData === 'string' ? { callbackData: body.callbackData } : {}),
      sentAt: ibTime(),
      status: INFOBIP_STATUSES.pendingEnroute,
    };
    fetchMedia(m, content.mediaUrl);
    accept(m);
    respondJson(res, 200, { to, messageCount: 1, messageId, status: INFOBIP_STATUSES.pendingEnroute });
  };

  const placeholderCount = (text: string) => new Set([...text.matchAll(/\{\{\s*(\d+)\s*\}\}/g)].map((m) => m[1])).size;

  /** `POST /whatsapp/1/message/template`: an approved template of the sender, every body placeholder given */
  const sendTemplate = async (req: IncomingMessage, res: ServerResponse) => {
    const body = await jsonBody(req);
    const list = body?.messages;
    if (!Array.isArray(list) || list.length === 0)
      return fail(res, INFOBIP_ERRORS.badRequest({ messages: ['must not be empty'] }));
    const records: InfobipSentRecord[] = [];
    for (const [i, raw] of (list as Array<Record<string, unknown>>).entries()) {
      const to = String(raw.to ?? '');
      const content = (raw.content ?? {}) as {
        templateName?: unknown;
        language?: unknown;
        templateData?: { body?: { placeholders?: unknown[] } };
      };
      const t = [...templates.values()].find((x) => x.name === content.templateName && x.language === content.language);
      const given = content.templateData?.body?.placeholders ?? [];
      const errors: Record<string, string[]> = {
        ...(raw.from !== whatsappNumber
          ? { [`messages[${i}].from`]: ['the sender is not a WhatsApp sender of this account'] }
          : {}),
        ...(!PHONE.test(to) ? { [`messages[${i}].to`]: ['invalid destination address'] } : {}),
        ...(!t || t.status !== 'APPROVED'
          ? { [`messages[${i}].content.templateName`]: ['no approved template of this name and language'] }
          : given.length !== placeholderCount(t.body)
            ? {
                [`messages[${i}].content.templateData.body.placeholders`]: [
                  `must have ${placeholderCount(t.body)} elements`,
                ],
              }
            : {}),
      };
      if (Object.keys(errors).length > 0) return fail(res, INFOBIP_ERRORS.badRequest(errors));
      records.push({
        messageId: typeof raw.messageId === 'string' && raw.messageId ? raw.messageId : id(),
        channel: 'whatsapp',
        type: 'template',
        from: whatsappNumber,
        to,
        content: content as Record<string, unknown>,
        ...(typeof raw.notifyUrl === 'string' ? { notifyUrl: raw.notifyUrl } : {}),
        ...(typeof raw.callbackData === 'string' ? { callbackData: raw.callbackData } : {}),
        sentAt: ibTime(),
        status: INFOBIP_STATUSES.pendingEnroute,
      });
    }
    const bulkId = id();
    for (const m of records) accept({ ...m, bulkId });
    respondJson(res, 200, {
      bulkId,
      messages: records.map((m) => ({
        to: m.to,
        messageCount: 1,
        messageId: m.messageId,
        status: INFOBIP_STATUSES.pendingEnroute,
      })),
    });
  };

  const sendViber = async (req: IncomingMessage, res: ServerResponse) => {
    const body = await jsonBody(req);
    const list = body?.messages;
    const invalid = (property: string, violation: string) =>
      fail(res, INFOBIP_ERRORS.apiError(400, 'E400', 'Request cannot be processed.', [{ property, violation }]));
    if (!Array.isArray(list) || list.length === 0) return invalid('messages', 'must not be empty');
    const bulkId = id();
    const out: unknown[] = [];
    const records: InfobipSentRecord[] = [];
    for (const [i, raw] of (list as Array<Record<string, unknown>>).entries()) {
      if (raw.sender !== viberSender) return invalid(`messages[${i}].sender`, 'is not a Viber sender of this account');
      const content = (raw.content ?? {}) as Record<string, unknown>;
      const ctype = String(content.type ?? '');
      if (
        ctype === 'TEXT' &&
        (typeof content.text !== 'string' || content.text.length === 0 || content.text.length > 1000)
      )
        return invalid(`messages[${i}].content.text`, 'size must be between 1 and 1000');
      if ((ctype === 'IMAGE' || ctype === 'FILE') && typeof content.mediaUrl !== 'string')
        return invalid(`messages[${i}].content.mediaUrl`, 'must not be null');
      if (!['TEXT', 'IMAGE', 'FILE'].includes(ctype)) return invalid(`messages[${i}].content.type`, 'unsupported type');
      const hooks = (raw.webhooks ?? {}) as { delivery?: { url?: unknown }; callbackData?: unknown };
      const destinations = Array.isArray(raw.destinations) ? (raw.destinations as Array<Record<string, unknown>>) : [];
      if (destinations.length === 0) return invalid(`messages[${i}].destinations`, 'must not be empty');
      for (const d of destinations) {
        const to = String(d.to ?? '');
        if (!PHONE.test(to)) return invalid(`messages[${i}].destinations[0].to`, 'invalid destination address');
        const messageId = typeof d.messageId === 'string' && d.messageId ? d.messageId : id();
        const m: InfobipSentRecord = {
          messageId,
          bulkId,
          channel: 'viber',
          type: ctype,
          from: viberSender,
          to,
          content,
          ...(typeof hooks.delivery?.url === 'string' ? { notifyUrl: hooks.delivery.url } : {}),
          ...(typeof hooks.callbackData === 'string' ? { callbackData: hooks.callbackData } : {}),
          sentAt: ibTime(),
          status: INFOBIP_STATUSES.pendingAccepted,
        };
        records.push(m);
        out.push({ messageId, status: INFOBIP_STATUSES.pendingAccepted, destination: to });
      }
    }
    for (const m of records) {
      fetchMedia(m, m.content?.mediaUrl);
      accept(m);
    }
    respondJson(res, 200, { bulkId, messages: out });
  };

  const handler = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://sim');
    const path = url.pathname;
    const method = req.method ?? 'GET';
    if (method === 'GET' && path === '/account/1/balance') {
      if (!(await gate(req, res, 'balance'))) return;
      return respondJson(res, 200, { balance: 47.79, currency: 'EUR' });
    }
    if (method === 'POST' && path === '/sms/2/text/advanced') {
      if (!(await gate(req, res, 'sendSms'))) return;
      return sendSms(req, res);
    }
    if (method === 'POST' && path === '/whatsapp/1/message/template') {
      if (!(await gate(req, res, 'sendWhatsApp'))) return;
      return sendTemplate(req, res);
    }
    const templateList = /^\/whatsapp\/2\/senders\/([^/]+)\/templates$/.exec(path);
    if (method === 'GET' && templateList) {
      if (!(await gate(req, res, 'listTemplates'))) return;
      if (decodeURIComponent(templateList[1] as string) !== whatsappNumber) return fail(res, INFOBIP_ERRORS.notFound());
      return respondJson(res, 200, {
        templates: [...templates.values()].map((t) => ({
          id: t.id,
          businessAccountId: 100200300,
          name: t.name,
          language: t.language,
          status: t.status,
          category: t.category,
          structure: { body: { text: t.body }, type: 'TEXT' },
        })),
      });
    }
    const wa =
      /^\/whatsapp\/1\/message\/(text|image|document|audio|video|sticker|location|interactive\/buttons|interactive\/list)$/.exec(
        path,
      );
    if (method === 'POST' && wa) {
      if (!(await gate(req, res, 'sendWhatsApp'))) return;
      return sendWhatsApp(req, res, wa[1] as string);
    }
    if (method === 'POST' && path === '/viber/2/messages') {
      if (!(await gate(req, res, 'sendViber'))) return;
      return sendViber(req, res);
    }
    const read = /^\/whatsapp\/1\/senders\/([^/]+)\/message\/([^/]+)\/read$/.exec(path);
    if (method === 'POST' && read) {
      if (!(await gate(req, res, 'markRead'))) return;
      const messageId = decodeURIComponent(read[2] as string);
      const known = received.some((m) => m.channel === 'whatsapp' && m.messageId === messageId);
      if (decodeURIComponent(read[1] as string) !== whatsappNumber || !known)
        return fail(res, INFOBIP_ERRORS.notFound());
      readMarks.push(messageId);
      return respondJson(res, 200, {});
    }
    const download = /^\/whatsapp\/1\/senders\/([^/]+)\/media\/([^/]+)$/.exec(path);
    if (method === 'GET' && download) {
      if (!(await gate(req, res, 'downloadMedia'))) return;
      const file = media.get(decodeURIComponent(download[2] as string));
      if (!file || decodeURIComponent(download[1] as string) !== whatsappNumber)
        return fail(res, INFOBIP_ERRORS.notFound());
      return respondRaw(res, 200, file.data, { 'content-type': file.contentType });
    }
    return fail(res, INFOBIP_ERRORS.notFound());
  };

  const server = await listen(handler, {
    ...(options.host ? { host: options.host } : {}),
    ...(options.port ? { port: options.port } : {}),
  });
  base = server.url;

  const stored = (data: Buffer, contentType: string) => {
    const mediaId = id();
    media.set(mediaId, { data, contentType });
    return `${base}/whatsapp/1/senders/${whatsappNumber}/media/${mediaId}`;
  };

  const customerSends = (input: InfobipCustomerInput): string => {
    const channel = input.channel ?? 'whatsapp';
    const to = channel === 'whatsapp' ? whatsappNumber : channel === 'viber' ? viberSender : smsNumber;
    const messageId =
      channel === 'sms'
        ? String(BigInt(`0x${randomBytes(7).toString('hex')}`))
        : `ABEG${randomBytes(12).toString('base64url')}`;
    const receivedAt = ibTime();
    let result: Record<string, unknown>;
    if (channel === 'sms') {
      const text = input.text ?? '';
      const [first, ...rest] = text.split(/\s+/);
      result = {
        messageId,
        from: input.from,
        to,
        text,
        cleanText: rest.join(' '),
        keyword: (first ?? '').toUpperCase(),
        receivedAt,
        smsCount: 1,
        price: { pricePerMessage: 0, currency: 'EUR' },
        callbackData: null,
      };
    } else {
      let message: Record<string, unknown>;
      if (input.image)
        message = {
          type: 'IMAGE',
          url: stored(input.image.data, input.image.contentType),
          ...(input.image.caption ? { caption: input.image.caption } : {}),
        };
      else if (input.document)
        message = {
          type: 'DOCUMENT',
          url: stored(input.document.data, input.document.contentType),
          ...(input.document.caption ? { caption: input.document.caption } : {}),
        };
      else if (input.location) message = { type: 'LOCATION', ...input.location };
      else if (input.reply)
        message = {
          type: input.reply.list ? 'INTERACTIVE_LIST_REPLY' : 'INTERACTIVE_BUTTON_REPLY',
          id: input.reply.id,
          title: input.reply.title,
          ...(input.reply.replyTo ? { context: { id: input.reply.replyTo, from: to } } : {}),
        };
      else if (input.quickReply)
        message = { type: 'BUTTON', text: input.quickReply.text, payload: input.quickReply.payload };
      else message = { type: 'TEXT', text: input.text ?? '' };
      result = {
        from: input.from,
        to,
        integrationType: channel === 'whatsapp' ? 'WHATSAPP' : 'VIBER',
        receivedAt,
        messageId,
        pairedMessageId: null,
        callbackData: null,
        message,
        ...(input.name ? { contact: { name: input.name } } : {}),
        price: { pricePerMessage: 0, currency: 'EUR' },
      };
    }
    received.push({
      messageId,
      channel,
      from: input.from,
      to,
      receivedAt: new Date(clock.now()).toISOString(),
      result,
    });
    const url = forwarding.get(to);
    if (url) webhooks.enqueue(url, 'inbound', result);
    return messageId;
  };

  return {
    url: base,
    apiKey,
    webhookAuth,
    smsNumber,
    whatsappNumber,
    viberSender,
    clock,
    forwardTo: (sender, url) => void forwarding.set(sender, url),
    setWebhookAuth: (value) => {
      webhooks.authorization = value;
    },
    customerSends,
    sent: (f = {}) =>
      [...sent.values()].filter((m) => (!f.to || m.to === f.to) && (!f.channel || m.channel === f.channel)),
    received: (f = {}) =>
      received.filter((m) => (!f.from || m.from === f.from) && (!f.channel || m.channel === f.channel)),
    emitReport(messageId, status, error) {
      const m = sent.get(messageId);
      if (!m) throw new Error(`no message ${messageId}`);
      report(m, status, error);
    },
    addTemplate(t) {
      const record = { ...t, id: t.id ?? String(1e15 + templates.size) };
      templates.set(record.id, record);
      return record;
    },
    emitSeen(messageId) {
      const m = sent.get(messageId);
      if (!m) throw new Error(`no message ${messageId}`);
      seen(m);
    },
    readMarks: () => [...readMarks],
    pushes: () => [...webhooks.pushes],
    replay: (pushId) => webhooks.replay(pushId),
    fault: (f) =>
      void faults.add({
        op: f.op,
        ...(f.times !== undefined ? { times: f.times } : {}),
        ...(f.latencyMs !== undefined ? { latencyMs: f.latencyMs } : {}),
        ...(f.error ? { error: f.error } : {}),
      }),
    clearFaults: () => faults.clear(),
    revokeApiKey: () => void keys.delete(apiKey),
    idle: () => webhooks.idle(),
    async close() {
      timers.clear();
      await server.close();
    },
  };
}
