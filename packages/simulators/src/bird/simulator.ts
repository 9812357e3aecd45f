// The Bird platform simulator (https://docs.bird.com/api): workspaces, channels (SMS or WhatsApp), the channels API
// send endpoint answering 202 with the message object, statuses and read interactions as signed webhooks to the
// workspace's subscriptions (retried on failure), presigned media uploads and media downloads, template projects,
// access-key auth, a per-key rate limit (429 TooManyRequests + Retry-After), and scripted faults.
import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SimClock } from '../clock.js';
import { FaultBook } from '../faults/fault-book.js';
import { listen } from '../http/listen.js';
import { multipartBoundary, parseMultipart } from '../http/multipart.js';
import { readBody } from '../http/read-body.js';
import { respondJson, respondRaw } from '../http/respond.js';
import { KeyedBuckets } from '../rate/token-bucket.js';
import { TimerSet } from '../timer-set.js';
import { BIRD_ERRORS, errorBody, type BirdErrorSpec } from './errors.js';
import {
  BirdWebhooks,
  DEFAULT_WEBHOOK_OPTIONS,
  type BirdDelivery,
  type BirdSubscription,
  type BirdWebhookOptions,
} from './webhook-delivery.js';

export type BirdPlatform = 'sms-messagebird' | 'whatsapp';

export interface BirdChannelRecord {
  id: string;
  workspaceId: string;
  platformId: BirdPlatform;
  identifier: string;
  name: string;
}

export interface BirdTemplateProject {
  id: string;
  name: string;
  version: string;
  status: 'active' | 'draft' | 'pending_review';
  locales: string[];
  variables: string[];
  text: string;
}

export interface BirdMessageRecord {
  id: string;
  channelId: string;
  direction: 'incoming' | 'outgoing';
  status: string;
  reference?: string;
  contact: string;
  body?: Record<string, unknown>;
  template?: Record<string, unknown>;
  createdAt: string;
  lastStatusAt: string;
}

export interface BirdSimulatorOptions {
  port?: number;
  host?: string;
  /** requests per second per access key (0 = unlimited); Bird's published per-key limits are UNCONFIRMED */
  rateLimitPerSecond?: number;
  /** delays of the generated sent / delivered / read (WhatsApp only) after an accepted send; undefined = none */
  receipts?: { sentAfterMs?: number; deliveredAfterMs?: number; readAfterMs?: number } | false;
  webhooks?: Partial<BirdWebhookOptions>;
}

export interface BirdFaultInput {
  /** getChannel, sendMessage, presignUpload, listSubscriptions, createSubscription, deleteSubscription, listProjects, * */
  op: string;
  times?: number;
  latencyMs?: number;
  error?: BirdErrorSpec;
}

export interface BirdCustomerInput {
  channelId?: string;
  from: string;
  name?: string;
  text?: string;
  image?: { data: Buffer; contentType: string; caption?: string };
  file?: { data: Buffer; contentType: string; filename: string };
  location?: { latitude: number; longitude: number; label?: string };
  /** a reply button (or, with `list`, a list row) the customer tapped */
  postback?: { payload: string; text: string; list?: boolean; replyTo?: string };
}

export interface BirdSimulator {
  url: string;
  workspaceId: string;
  accessKey: string;
  smsChannel: BirdChannelRecord;
  whatsappChannel: BirdChannelRecord;
  clock: SimClock;
  subscriptions(): BirdSubscription[];
  deliveries(): BirdDelivery[];
  sent(filter?: { to?: string; channelId?: string }): BirdMessageRecord[];
  received(filter?: { from?: string }): BirdMessageRecord[];
  /** a customer writes to a channel; answers the inbound message id */
  customerSends(input: BirdCustomerInput): string;
  /** the status webhook of one of our messages, now (e.g. out of order) */
  emitStatus(messageId: string, status: string, failure?: { code: string; description: string }): void;
  emitInteraction(messageId: string, type: string): void;
  addTemplate(project: Omit<BirdTemplateProject, 'id'> & { id?: string }): BirdTemplateProject;
  addAccessKey(workspaceId?: string): string;
  revokeAccessKey(key: string): void;
  fault(input: BirdFaultInput): void;
  clearFaults(): void;
  /** signs webhooks with a clock this far off (a stale timestamp) */
  setTimestampSkew(ms: number): void;
  replay(deliveryId: string): Promise<number>;
  idle(): Promise<void>;
  close(): Promise<void>;
}

const id = () => randomUUID();

export async function startBirdSimulator(options: BirdSimulatorOptions = {}): Promise<BirdSimulator> {
  const clock = new SimClock();
  const timers = new TimerSet();
  const webhooks = new BirdWebhooks(clock, timers, { ...DEFAULT_WEBHOOK_OPTIONS, ...options.webhooks });
  const faults = new FaultBook<BirdErrorSpec>();
  const buckets = new KeyedBuckets({
    capacity: options.rateLimitPerSecond ?? 50,
    refillPerSecond: options.rateLimitPerSecond ?? 50,
  });
  const receipts = options.receipts === false ? undefined : (options.receipts ?? {});
  const workspaceId = id();
  const keys = new Map<string, string>(); // access key → workspace id
  const accessKey = `sim_${randomBytes(18).toString('base64url')}`;
  keys.set(accessKey, workspaceId);
  const channels = new Map<string, BirdChannelRecord>();
  const sms: BirdChannelRecord = {
    id: id(),
    workspaceId,
    platformId: 'sms-messagebird',
    identifier: '+31970102030',
    name: 'SMS',
  };
  const wa: BirdChannelRecord = {
    id: id(),
    workspaceId,
    platformId: 'whatsapp',
    identifier: '+31970102031',
    name: 'WhatsApp',
  };
  channels.set(sms.id, sms);
  channels.set(wa.id, wa);
  const subscriptions = new Map<string, BirdSubscription>();
  const messages = new Map<string, BirdMessageRecord>();
  const media = new Map<string, { data: Buffer; contentType: string }>();
  const uploads = new Map<string, { mediaId: string; contentType: string }>();
  const projects = new Map<string, BirdTemplateProject>();
  let base = '';

  const kindOf = (c: BirdChannelRecord) => (c.platformId === 'whatsapp' ? 'whatsapp' : 'sms');
  const iso = () => new Date(clock.now()).toISOString();

  const wire = (m: BirdMessageRecord) => {
    const channel = channels.get(m.channelId) as BirdChannelRecord;
    const contact = { id: `contact-${m.contact}`, identifierKey: 'phonenumber', identifierValue: m.contact };
    const connector = { id: `connector-${channel.id}`, identifierValue: channel.identifier };
    return {
      id: m.id,
      channelId: m.channelId,
      direction: m.direction,
      status: m.status,
      ...(m.reference ? { reference: m.reference } : {}),
      sender: m.direction === 'incoming' ? { contact } : { connector },
      receiver: m.direction === 'incoming' ? { connector } : { contacts: [contact] },
      ...(m.body ? { body: m.body } : {}),
      ...(m.template ? { template: m.template } : {}),
      createdAt: m.createdAt,
      updatedAt: m.lastStatusAt,
      lastStatusAt: m.lastStatusAt,
    };
  };

  const emitStatus = (messageId: string, status: string, failure?: { code: string; description: string }) => {
    const m = messages.get(messageId);
    if (!m) throw new Error(`no message ${messageId}`);
    m.status = status;
    m.lastStatusAt = iso();
    const channel = channels.get(m.channelId) as BirdChannelRecord;
    webhooks.emit(subscriptions.values(), `${kindOf(channel)}.outbound`, {
      ...wire(m),
      ...(failure ? { failure: { ...failure, source: 'channel' }, reason: failure.description } : {}),
    });
  };
  const emitInteraction = (messageId: string, type: string) => {
    const m = messages.get(messageId);
    if (!m) throw new Error(`no message ${messageId}`);
    const channel = channels.get(m.channelId) as BirdChannelRecord;
    webhooks.emit(subscriptions.values(), `${kindOf(channel)}.interaction`, {
      id: id(),
      messageId,
      channelId: m.channelId,
      type,
      createdAt: iso(),
    });
  };

  const fail = (res: ServerResponse, spec: BirdErrorSpec) =>
    respondJson(
      res,
      spec.status,
      errorBody(spec),
      spec.retryAfterSeconds ? { 'retry-after': String(spec.retryAfterSeconds) } : {},
    );

  /** access key → workspace, the rate limit, then scripted faults; undefined = answered already */
  const gate = async (req: IncomingMessage, res: ServerResponse, op: string, ws: string): Promise<boolean> => {
    const header = req.headers.authorization ?? '';
    const key = /^AccessKey (.+)$/.exec(header)?.[1];
    const owner = key ? keys.get(key) : undefined;
    if (!owner) return (fail(res, BIRD_ERRORS.unauthorized()), false);
    if (owner !== ws) return (fail(res, BIRD_ERRORS.forbidden(`workspace ${ws}`)), false);
    const limited = buckets.take(key as string, clock.now());
    if (!limited.ok)
      return (fail(res, BIRD_ERRORS.tooManyRequests(Math.max(1, Math.ceil(limited.retryAfterMs / 1000)))), false);
    const fault = faults.take(op, undefined);
    if (fault?.latencyMs) await timers.sleep(fault.latencyMs);
    if (fault?.error) return (fail(res, fault.error), false);
    return true;
  };

  const json = async (req: IncomingMessage): Promise<Record<string, unknown> | undefined> => {
    try {
      const v: unknown = JSON.parse((await readBody(req, 10 << 20)).toString('utf8'));
      return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
    } catch {
      return undefined;
    }
  };

  const send = async (req: IncomingMessage, res: ServerResponse, channel: BirdChannelRecord) => {
    const body = await json(req);
    if (!body) return fail(res, BIRD_ERRORS.invalidPayload({ body: ['must be a JSON object'] }));
    const receiver = body.receiver as { contacts?: Array<{ identifierValue?: unknown }> } | undefined;
    const to = receiver?.contacts?.[0]?.identifierValue;
    if (typeof to !== 'string' || !/^\+\d{6,15}$/.test(to))
      return fail(
        res,
        BIRD_ERRORS.invalidPayload({ 'receiver.contacts.0.identifierValue': ['must be a phone number in E.164'] }),
      );
    const messageBody = body.body as Record<string, unknown> | undefined;
    const template = body.template as Record<string, unknown> | undefined;
    if (!messageBody && !template)
      return fail(res, BIRD_ERRORS.invalidPayload({ body: ['body or template is required'] }));
    if (template) {
      const project = projects.get(String(template.projectId));
      if (!project || project.version !== template.version || project.status !== 'active')
        return fail(res, BIRD_ERRORS.invalidPayload({ template: ['unknown or inactive template project/version'] }));
      const given = new Set(((template.parameters as Array<{ key?: string }> | undefined) ?? []).map((p) => p.key));
      const missing = project.variables.filter((v) => !given.has(v));
      if (missing.length > 0)
        return fail(res, BIRD_ERRORS.invalidPayload({ 'template.parameters': missing.map((v) => `${v} is required`) }));
    }
    if (messageBody && kindOf(channel) === 'sms' && !['text', 'image', 'file'].includes(String(messageBody.type)))
      return fail(
        res,
        BIRD_ERRORS.invalidPayload({ 'body.type': [`${String(messageBody.type)} is not supported on SMS`] }),
      );
    const m: BirdMessageRecord = {
      id: id(),
      channelId: channel.id,
      direction: 'outgoing',
      status: 'accepted',
      ...(typeof body.reference === 'string' ? { reference: body.reference } : {}),
      contact: to,
      ...(messageBody ? { body: messageBody } : {}),
      ...(template ? { template } : {}),
      createdAt: iso(),
      lastStatusAt: iso(),
    };
    messages.set(m.id, m);
    respondJson(res, 202, wire(m));
    if (receipts) {
      const at = (ms: number | undefined, fn: () => void) => ms !== undefined && timers.after(ms, fn);
      at(receipts.sentAfterMs, () => emitStatus(m.id, 'sent'));
      at(receipts.deliveredAfterMs, () => emitStatus(m.id, 'delivered'));
      if (kindOf(channel) === 'whatsapp') at(receipts.readAfterMs, () => emitInteraction(m.id, 'read'));
    }
  };

  const handler = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://sim');
    const path = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    const method = req.method ?? 'GET';
    // presigned upload target: authorised by its own token, like a storage bucket's policy
    if (path[0] === '_uploads' && path[1] && method === 'POST') {
      const upload = uploads.get(path[1]);
      if (!upload) return respondRaw(res, 403, 'upload token unknown or used');
      const boundary = multipartBoundary(req.headers['content-type']);
      if (!boundary) return respondRaw(res, 400, 'multipart form expected');
      const form = parseMultipart(await readBody(req, 100 << 20), boundary);
      const file = form.files.get('file');
      if (!file || form.fields.get('token') !== path[1]) return respondRaw(res, 400, 'file and token fields expected');
      uploads.delete(path[1]);
      media.set(upload.mediaId, { data: file.data, contentType: upload.contentType });
      return respondRaw(res, 204, '');
    }
    if (path[0] !== 'workspaces' || !path[1]) return fail(res, BIRD_ERRORS.notFound('route'));
    const ws = path[1];
    const rest = path.slice(2);
    if (rest[0] === 'media' && rest[1] && method === 'GET') {
      if (!(await gate(req, res, 'downloadMedia', ws))) return;
      const file = media.get(rest[1]);
      if (!file) return fail(res, BIRD_ERRORS.notFound('media'));
      return respondRaw(res, 200, file.data, { 'content-type': file.contentType });
    }
    if (rest[0] === 'channels' && rest[1]) {
      const channel = channels.get(rest[1]);
      const op =
        rest[2] === 'messages' ? 'sendMessage' : rest[2] === 'presigned-upload' ? 'presignUpload' : 'getChannel';
      if (!(await gate(req, res, op, ws))) return;
      if (!channel || channel.workspaceId !== ws) return fail(res, BIRD_ERRORS.notFound(`channel ${rest[1]}`));
      if (rest.length === 2 && method === 'GET')
        return respondJson(res, 200, {
          id: channel.id,
          name: channel.name,
          platformId: channel.platformId,
          status: 'active',
          identifier: channel.identifier,
        });
      if (rest[2] === 'messages' && method === 'POST') return send(req, res, channel);
      if (rest[2] === 'presigned-upload' && method === 'POST') {
        const body = await json(req);
        const contentType = typeof body?.contentType === 'string' ? body.contentType : undefined;
        if (!contentType) return fail(res, BIRD_ERRORS.invalidPayload({ contentType: ['is required'] }));
        const token = randomBytes(12).toString('base64url');
        const mediaId = id();
        uploads.set(token, { mediaId, contentType });
        return respondJson(res, 200, {
          mediaUrl: `${base}/workspaces/${ws}/media/${mediaId}`,
          uploadUrl: `${base}/_uploads/${token}`,
          uploadMethod: 'POST',
          uploadFormData: { token },
        });
      }
    }
    if (rest[0] === 'webhook-subscriptions') {
      const op =
        method === 'GET' ? 'listSubscriptions' : method === 'POST' ? 'createSubscription' : 'deleteSubscription';
      if (!(await gate(req, res, op, ws))) return;
      if (rest.length === 1 && method === 'GET')
        return respondJson(res, 200, { results: [...subscriptions.values()].filter((s) => s.workspaceId === ws) });
      if (rest.length === 1 && method === 'POST') {
        const body = await json(req);
        const url = typeof body?.url === 'string' ? body.url : undefined;
        const event = typeof body?.event === 'string' ? body.event : undefined;
        if (!url || !event || body?.service !== 'channels')
          return fail(res, BIRD_ERRORS.invalidPayload({ url: ['service, event and url are required'] }));
        const filters = Array.isArray(body.eventFilters)
          ? (body.eventFilters as Array<{ key: string; value: string }>)
          : [];
        const same = [...subscriptions.values()].filter(
          (s) => s.event === event && JSON.stringify(s.eventFilters) === JSON.stringify(filters),
        );
        if (same.length >= 5)
          return fail(
            res,
            BIRD_ERRORS.invalidPayload({ eventFilters: ['at most 5 subscriptions per identical filter'] }),
          );
        const s: BirdSubscription = {
          id: id(),
          workspaceId: ws,
          service: 'channels',
          event,
          url,
          ...(typeof body.signingKey === 'string' ? { signingKey: body.signingKey } : {}),
          eventFilters: filters,
          status: 'active',
          createdAt: iso(),
        };
        subscriptions.set(s.id, s);
        const { signingKey: _hidden, ...shown } = s;
        return respondJson(res, 201, shown);
      }
      if (rest.length === 2 && method === 'DELETE') {
        if (!subscriptions.delete(rest[1] as string)) return fail(res, BIRD_ERRORS.notFound('webhook subscription'));
        return respondRaw(res, 204, '');
      }
    }
    if (rest[0] === 'projects') {
      if (!(await gate(req, res, 'listProjects', ws))) return;
      if (rest.length === 1)
        return respondJson(res, 200, {
          results: [...projects.values()].map((p) => ({ id: p.id, name: p.name, type: 'template' })),
        });
      const p = projects.get(rest[1] as string);
      if (!p) return fail(res, BIRD_ERRORS.notFound('project'));
      if (rest[2] === 'channel-templates')
        return respondJson(res, 200, {
          results: [
            {
              id: p.version,
              projectId: p.id,
              status: p.status,
              defaultLocale: p.locales[0],
              supportedLocales: p.locales.map((locale) => ({ locale })),
              variables: p.variables.map((key) => ({ key, type: 'string' })),
              platformContent: p.locales.map((locale) => ({ locale, text: p.text })),
              updatedAt: iso(),
            },
          ],
        });
    }
    return fail(res, BIRD_ERRORS.notFound('route'));
  };

  const server = await listen(handler, {
    ...(options.host ? { host: options.host } : {}),
    ...(options.port ? { port: options.port } : {}),
  });
  base = server.url;

  const customerSends = (input: BirdCustomerInput): string => {
    const channel = channels.get(input.channelId ?? wa.id);
    if (!channel) throw new Error(`no channel ${input.channelId}`);
    let body: Record<string, unknown>;
    const stored = (data: Buffer, contentType: string) => {
      const mediaId = id();
      media.set(mediaId, { data, contentType });
      return `${base}/workspaces/${channel.workspaceId}/media/${mediaId}`;
    };
    if (input.image)
      body = {
        type: 'image',
        image: {
          images: [
            { mediaUrl: stored(input.image.data, input.image.contentType), contentType: input.image.contentType },
          ],
          ...(input.image.caption ? { text: input.image.caption } : {}),
        },
      };
    else if (input.file)
      body = {
        type: 'file',
        file: {
          files: [
            {
              mediaUrl: stored(input.file.data, input.file.contentType),
              contentType: input.file.contentType,
              filename: input.file.filename,
            },
          ],
        },
      };
    else if (input.location)
      body = {
        type: 'location',
        location: {
          coordinates: { latitude: input.location.latitude, longitude: input.location.longitude },
          ...(input.location.label ? { location: { label: input.location.label } } : {}),
        },
      };
    else if (input.postback) {
      const action = [{ type: 'postback', postback: { text: input.postback.text, payload: input.postback.payload } }];
      body = input.postback.list
        ? { type: 'list', list: { actions: action } }
        : { type: 'text', text: { text: input.postback.text, actions: action } };
    } else body = { type: 'text', text: { text: input.text ?? '' } };
    const m: BirdMessageRecord = {
      id: id(),
      channelId: channel.id,
      direction: 'incoming',
      status: 'delivered',
      contact: input.from,
      body,
      createdAt: iso(),
      lastStatusAt: iso(),
    };
    messages.set(m.id, m);
    const payload = wire(m) as Record<string, unknown>;
    if (input.name) (payload.sender as { contact: Record<string, unknown> }).contact.annotations = { name: input.name };
    if (input.postback?.replyTo) payload.replyTo = { id: input.postback.replyTo, type: 'message', order: 0 };
    webhooks.emit(subscriptions.values(), `${kindOf(channel)}.inbound`, payload);
    return m.id;
  };

  return {
    url: base,
    workspaceId,
    accessKey,
    smsChannel: sms,
    whatsappChannel: wa,
    clock,
    subscriptions: () => [...subscriptions.values()].map((s) => ({ ...s })),
    deliveries: () => [...webhooks.deliveries],
    sent: (f = {}) =>
      [...messages.values()].filter(
        (m) =>
          m.direction === 'outgoing' && (!f.to || m.contact === f.to) && (!f.channelId || m.channelId === f.channelId),
      ),
    received: (f = {}) =>
      [...messages.values()].filter((m) => m.direction === 'incoming' && (!f.from || m.contact === f.from)),
    customerSends,
    emitStatus,
    emitInteraction,
    addTemplate(p) {
      const project = { ...p, id: p.id ?? id() };
      projects.set(project.id, project);
      return project;
    },
    addAccessKey(ws = workspaceId) {
      const key = `sim_${randomBytes(18).toString('base64url')}`;
      keys.set(key, ws);
      return key;
    },
    revokeAccessKey: (key) => void keys.delete(key),
    fault: (f) =>
      void faults.add({
        op: f.op,
        ...(f.times !== undefined ? { times: f.times } : {}),
        ...(f.latencyMs !== undefined ? { latencyMs: f.latencyMs } : {}),
        ...(f.error ? { error: f.error } : {}),
      }),
    clearFaults: () => faults.clear(),
    setTimestampSkew: (ms) => {
      webhooks.timestampSkewMs = ms;
    },
    replay: (deliveryId) => webhooks.replay(deliveryId),
    idle: () => webhooks.idle(),
    async close() {
      timers.clear();
      await server.close();
    },
  };
}
