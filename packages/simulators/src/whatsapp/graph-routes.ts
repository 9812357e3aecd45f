// Routes Graph API requests like graph.facebook.com: `/{version?}/{object-id}/{edge?}` with a bearer (or
// `access_token`) token, object visibility per token, scripted faults, and Graph's error envelope (https://developers.facebook.com/docs/whatsapp/cloud-api).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { MultipartError } from '../http/multipart.js';
import { BodyTooLargeError } from '../http/read-body.js';
import { respondJson } from '../http/respond.js';
import { randomAlnum } from '../random-ids.js';
import { readGraphBody } from './graph-body.js';
import type { GraphContext, WhatsAppRuntime } from './graph-context.js';
import { GraphError, graphErrors } from './graph-errors.js';
import { deleteMedia, mediaInfo, uploadMedia } from './media.js';
import { sendMessage } from './send-message.js';
import {
  prettyPhone,
  type MediaRecord,
  type PhoneRecord,
  type TemplateRecord,
  type TokenRecord,
  type WabaRecord,
} from './state.js';
import { verifyCallback } from './webhook-verification.js';
import type { WaTemplateCategory, WaTemplateComponent } from './types.js';

export interface GraphCall {
  at: number;
  httpMethod: string;
  path: string;
  /** The operation name used by faults, e.g. `messages`, `media.upload`. */
  op: string;
  status: number;
  errorCode?: number;
  body?: unknown;
}

const VERSION = /^v\d+\.\d+$/;

export function bearerToken(req: IncomingMessage, url: URL, fields?: Record<string, unknown>): string | undefined {
  const auth = req.headers.authorization;
  if (auth) {
    const m = /^(?:Bearer|OAuth)\s+(.+)$/i.exec(auth.trim());
    if (m) return m[1];
  }
  const q = url.searchParams.get('access_token');
  if (q) return q;
  const f = fields?.access_token;
  return typeof f === 'string' ? f : undefined;
}

/** Resolves and validates a token (190 codes / subcodes as Meta answers them). */
export function authenticate(rt: WhatsAppRuntime, token: string | undefined): TokenRecord {
  if (!token) throw graphErrors.tokenMissing();
  const rec = rt.state.tokens.get(token);
  if (!rec) throw graphErrors.tokenInvalid();
  if (rec.status === 'revoked') throw graphErrors.tokenRevoked();
  if (rec.expiresAt !== 0 && rec.expiresAt <= rt.clock.now())
    throw graphErrors.tokenExpired(new Date(rec.expiresAt), new Date(rt.clock.now()));
  return rec;
}

export function canSeeWaba(token: TokenRecord, wabaId: string): boolean {
  return token.wabaIds === undefined || token.wabaIds.has(wabaId);
}

type GraphObject =
  | { kind: 'phone'; phone: PhoneRecord; wabaId: string }
  | { kind: 'waba'; waba: WabaRecord; wabaId: string }
  | { kind: 'media'; media: MediaRecord; wabaId: string }
  | { kind: 'template'; template: TemplateRecord; wabaId: string };

function findObject(rt: WhatsAppRuntime, id: string): GraphObject | undefined {
  const phone = rt.state.phones.get(id);
  if (phone) return { kind: 'phone', phone, wabaId: phone.wabaId };
  const waba = rt.state.wabas.get(id);
  if (waba) return { kind: 'waba', waba, wabaId: waba.id };
  const media = rt.state.media.get(id);
  if (media && !media.deleted) return { kind: 'media', media, wabaId: media.wabaId };
  const template = rt.state.templates.get(id);
  if (template) return { kind: 'template', template, wabaId: template.wabaId };
  return undefined;
}

/** Applies `?fields=a,b` (id always kept). */
function pickFields(obj: Record<string, unknown>, fields: string | null): Record<string, unknown> {
  if (!fields) return obj;
  const wanted = fields
    .split(',')
    .map((f) => f.trim())
    .filter(Boolean);
  const out: Record<string, unknown> = {};
  for (const f of wanted) if (obj[f] !== undefined) out[f] = obj[f];
  if (obj.id !== undefined) out.id = obj.id;
  return out;
}

function phoneJson(rt: WhatsAppRuntime, p: PhoneRecord): Record<string, unknown> {
  const waba = rt.state.wabas.get(p.wabaId);
  const app = waba?.overrideCallbackUri ?? rt.state.app.callbackUrl;
  return {
    verified_name: p.verifiedName,
    code_verification_status: 'VERIFIED',
    display_phone_number: prettyPhone(p.displayPhoneNumber),
    quality_rating: p.qualityRating,
    platform_type: 'CLOUD_API',
    throughput: { level: p.throughputMps > 80 ? 'HIGH' : 'STANDARD' },
    ...(app ? { webhook_configuration: { application: app } } : {}),
    id: p.id,
  };
}

function templateJson(t: TemplateRecord): Record<string, unknown> {
  return {
    name: t.name,
    parameter_format: t.parameterFormat,
    components: t.components,
    language: t.language,
    status: t.status,
    category: t.category,
    id: t.id,
  };
}

function page<T>(items: T[], query: URLSearchParams, baseUrl: string): { data: T[]; paging?: unknown } {
  const limit = Math.min(Math.max(Number(query.get('limit') ?? 25) || 25, 1), 1000);
  const after = query.get('after');
  const start = after ? Number(Buffer.from(after, 'base64url').toString('utf8')) || 0 : 0;
  const data = items.slice(start, start + limit);
  if (items.length === 0) return { data };
  const cursor = (n: number) => Buffer.from(String(n)).toString('base64url');
  const paging: Record<string, unknown> = { cursors: { before: cursor(start), after: cursor(start + data.length) } };
  if (start + data.length < items.length) {
    const next = new URLSearchParams(query);
    next.set('after', cursor(start + data.length));
    next.delete('access_token');
    paging.next = `${baseUrl}?${next.toString()}`;
  }
  return { data, paging };
}

function listTemplates(ctx: GraphContext, waba: WabaRecord, path: string): unknown {
  if (!ctx.token.scopes.includes('whatsapp_business_management')) throw graphErrors.noPermission();
  const q = ctx.query;
  const name = q.get('name');
  const status = q.get('status')?.toUpperCase().split(',');
  const language = q.get('language');
  const category = q.get('category')?.toUpperCase().split(',');
  const items = ctx.rt.state
    .templatesOf(waba.id)
    .filter(
      (t) =>
        (!name || t.name.includes(name)) &&
        (!status || status.includes(t.status)) &&
        (!language || t.language === language) &&
        (!category || category.includes(t.category)),
    )
    .map((t) => pickFields(templateJson(t), q.get('fields')));
  return page(items, q, `${ctx.rt.baseUrl()}${path}`);
}

function createTemplate(ctx: GraphContext, waba: WabaRecord): unknown {
  if (!ctx.token.scopes.includes('whatsapp_business_management')) throw graphErrors.noPermission();
  const f = ctx.body.fields;
  for (const k of ['name', 'language', 'category', 'components']) if (f[k] === undefined) throw graphErrors.required(k);
  const name = String(f.name);
  if (!/^[a-z0-9_]{1,512}$/.test(name))
    throw graphErrors.invalid(
      'Message template name can only contain lowercase alphanumeric characters and underscores',
    );
  const category = String(f.category).toUpperCase() as WaTemplateCategory;
  if (!['MARKETING', 'UTILITY', 'AUTHENTICATION'].includes(category)) {
    throw graphErrors.paramMessage(
      `Param category must be one of {AUTHENTICATION, MARKETING, UTILITY} - got "${String(f.category)}".`,
    );
  }
  if (!Array.isArray(f.components)) throw graphErrors.paramMessage('Param components must be an array.');
  const language = String(f.language);
  if (ctx.rt.state.findTemplate(waba.id, name, language)) {
    throw new GraphError({
      code: 100,
      subcode: 2388024,
      message: '(#100) Invalid parameter',
      userTitle: 'Message template already exists',
      userMessage: `There is already ${language} content for this template. You can create a new template and try again.`,
    });
  }
  const rec = ctx.rt.state.createTemplate({
    wabaId: waba.id,
    name,
    language,
    category,
    status: 'PENDING',
    components: f.components as WaTemplateComponent[],
    ...(f.parameter_format === 'NAMED' || f.parameter_format === 'POSITIONAL'
      ? { parameterFormat: f.parameter_format }
      : {}),
  });
  ctx.rt.timers.after(ctx.rt.settings.templateReviewMs, () => setTemplateStatus(ctx.rt, rec, 'APPROVED'));
  return { id: rec.id, status: rec.status, category: rec.category };
}

/** Changes a template's status and emits the `message_template_status_update` webhook. */
export function setTemplateStatus(
  rt: WhatsAppRuntime,
  t: TemplateRecord,
  status: TemplateRecord['status'],
  reason: string | null = null,
): void {
  if (!rt.state.templates.has(t.id) || t.status === status) return;
  t.status = status;
  rt.webhooks.emit({
    kind: 'template_status',
    wabaId: t.wabaId,
    value: {
      event: status,
      message_template_id: Number(t.id),
      message_template_name: t.name,
      message_template_language: t.language,
      reason: status === 'REJECTED' ? (reason ?? 'INCORRECT_CATEGORY') : (reason ?? 'NONE'),
    },
  });
}

function deleteTemplates(ctx: GraphContext, waba: WabaRecord): unknown {
  const name = ctx.query.get('name') ?? (typeof ctx.body.fields.name === 'string' ? ctx.body.fields.name : undefined);
  if (!name) throw graphErrors.required('name');
  const matches = ctx.rt.state.templatesOf(waba.id).filter((t) => t.name === name);
  if (matches.length === 0) throw graphErrors.invalid(`Message template "${name}" not found`);
  for (const t of matches) ctx.rt.state.templates.delete(t.id);
  return { success: true };
}

async function subscribedApps(ctx: GraphContext, waba: WabaRecord): Promise<unknown> {
  const app = ctx.rt.state.app;
  if (ctx.httpMethod === 'GET') {
    if (!waba.subscribed) return { data: [] };
    return {
      data: [
        {
          whatsapp_business_api_data: {
            id: app.id,
            link: `https://www.facebook.com/games/?app_id=${app.id}`,
            name: 'Switchboard Sim App',
          },
          ...(waba.overrideCallbackUri ? { override_callback_uri: waba.overrideCallbackUri } : {}),
        },
      ],
    };
  }
  if (ctx.httpMethod === 'DELETE') {
    waba.subscribed = false;
    return { success: true };
  }
  const override = ctx.body.fields.override_callback_uri;
  if (typeof override === 'string' && override !== '') {
    const verifyToken = String(ctx.body.fields.verify_token ?? '');
    const result = await verifyCallback(override, verifyToken, undefined, ctx.rt.signal);
    if (!result.ok) {
      throw new GraphError({
        code: 2200,
        message: `(#2200) Callback verification failed with the following errors: HTTP Status Code = ${result.status ?? 0}; HTTP Message = ${result.error ?? (result.status === 200 ? 'challenge mismatch' : 'error')}`,
      });
    }
    waba.overrideCallbackUri = override;
    waba.overrideVerifyToken = verifyToken;
  }
  waba.subscribed = true;
  return { success: true };
}

function debugToken(ctx: GraphContext): unknown {
  const input = ctx.query.get('input_token') ?? '';
  const rec = ctx.rt.state.tokens.get(input);
  const app = ctx.rt.state.app;
  if (!rec || rec.status === 'revoked' || (rec.expiresAt !== 0 && rec.expiresAt <= ctx.rt.clock.now())) {
    const why = !rec
      ? 'Invalid OAuth access token.'
      : rec.status === 'revoked'
        ? 'The session has been invalidated.'
        : 'Session has expired.';
    return {
      data: {
        app_id: app.id,
        type: 'SYSTEM_USER',
        application: 'Switchboard Sim App',
        is_valid: false,
        error: { code: 190, message: why },
        scopes: [],
      },
    };
  }
  const targets = rec.wabaIds ? [...rec.wabaIds] : [...ctx.rt.state.wabas.keys()];
  return {
    data: {
      app_id: app.id,
      type: 'SYSTEM_USER',
      application: 'Switchboard Sim App',
      data_access_expires_at: 0,
      expires_at: rec.expiresAt === 0 ? 0 : Math.floor(rec.expiresAt / 1000),
      is_valid: true,
      scopes: rec.scopes,
      granular_scopes: rec.scopes.map((scope) => ({ scope, target_ids: targets })),
      user_id: rec.userId,
    },
  };
}

type WithFault = (op: string, scope: string | undefined, fn: () => unknown) => Promise<unknown>;

/** Dispatches `/{object-id}/{edge?}` by object kind, edge and HTTP method. */
async function routeObject(
  ctx: GraphContext,
  obj: GraphObject,
  edge: string | undefined,
  url: URL,
  withFault: WithFault,
): Promise<unknown> {
  const { rt, httpMethod } = ctx;
  const fields = url.searchParams.get('fields');
  const route = `${edge ?? ''}:${httpMethod}`;
  switch (obj.kind) {
    case 'phone': {
      const { phone } = obj;
      if (route === ':GET') return withFault('phone.get', phone.id, () => pickFields(phoneJson(rt, phone), fields));
      if (route === 'messages:POST') return withFault('messages', phone.id, () => sendMessage(ctx, phone));
      if (route === 'media:POST') return withFault('media.upload', phone.id, () => uploadMedia(ctx, phone));
      if (route === 'register:POST') return withFault('register', phone.id, () => ({ success: true }));
      if (route === 'whatsapp_business_profile:GET') {
        return withFault('profile.get', phone.id, () => ({
          data: [
            {
              about: 'Hey there! I am using WhatsApp.',
              address: '',
              description: '',
              email: '',
              profile_picture_url: '',
              websites: [],
              vertical: 'OTHER',
              messaging_product: 'whatsapp',
            },
          ],
        }));
      }
      break;
    }
    case 'waba': {
      const { waba } = obj;
      if (route === ':GET') {
        return withFault('waba.get', waba.id, () =>
          pickFields(
            {
              id: waba.id,
              name: waba.name,
              timezone_id: waba.timezoneId,
              message_template_namespace: waba.namespace,
              currency: waba.currency,
            },
            fields,
          ),
        );
      }
      if (route === 'phone_numbers:GET') {
        return withFault('phone_numbers.list', waba.id, () =>
          page(
            [...rt.state.phones.values()]
              .filter((p) => p.wabaId === waba.id)
              .map((p) => pickFields(phoneJson(rt, p), fields)),
            url.searchParams,
            `${rt.baseUrl()}${url.pathname}`,
          ),
        );
      }
      if (route === 'message_templates:GET')
        return withFault('templates.list', waba.id, () => listTemplates(ctx, waba, url.pathname));
      if (route === 'message_templates:POST')
        return withFault('templates.create', waba.id, () => createTemplate(ctx, waba));
      if (route === 'message_templates:DELETE')
        return withFault('templates.delete', waba.id, () => deleteTemplates(ctx, waba));
      if (edge === 'subscribed_apps' && ['GET', 'POST', 'DELETE'].includes(httpMethod))
        return withFault('subscribed_apps', waba.id, () => subscribedApps(ctx, waba));
      break;
    }
    case 'media': {
      const { media } = obj;
      if (route === ':GET') return withFault('media.get', media.phoneNumberId, () => mediaInfo(ctx, media));
      if (route === ':DELETE') return withFault('media.delete', media.phoneNumberId, () => deleteMedia(media));
      break;
    }
    case 'template':
      if (route === ':GET')
        return withFault('template.get', obj.wabaId, () => pickFields(templateJson(obj.template), fields));
      break;
  }
  if (edge && httpMethod === 'GET') throw graphErrors.unknownField(edge, NODE_TYPES[obj.kind]);
  throw graphErrors.unknownObject(
    httpMethod,
    obj.kind === 'phone'
      ? obj.phone.id
      : obj.kind === 'waba'
        ? obj.waba.id
        : obj.kind === 'media'
          ? obj.media.id
          : obj.template.id,
  );
}

/**
 * The App Dashboard's Webhooks "Test" button as an API (POST /{app-id}/subscriptions_sample,
 * https://developers.facebook.com/docs/graph-api/reference/app/subscriptions_sample/): with the app access token
 * `{app-id}|{app-secret}`, a sample notification of one field of object `whatsapp_business_account` goes to the
 * app's callback. Meta's sample `messages` value holds placeholder ids
 * (https://developers.facebook.com/docs/whatsapp/cloud-api/webhooks/payload-examples#text-messages);
 * `custom_fields` replaces its top-level keys.
 */
function subscriptionsSample(
  rt: WhatsAppRuntime,
  token: string | undefined,
  query: URLSearchParams,
  fields: Record<string, unknown>,
): { success: true } {
  const app = rt.state.app;
  if (!token) throw graphErrors.tokenMissing();
  if (token !== `${app.id}|${app.secret}`) throw graphErrors.tokenInvalid();
  const param = (k: string): unknown => fields[k] ?? query.get(k) ?? undefined;
  const object = param('object');
  if (object !== 'whatsapp_business_account')
    throw graphErrors.paramMessage(`Invalid parameter: object ${String(object ?? '')}`);
  const field = param('field');
  if (field !== 'messages') throw graphErrors.paramMessage(`Invalid parameter: field ${String(field ?? '')}`);
  let custom: unknown = param('custom_fields') ?? {};
  if (typeof custom === 'string') {
    try {
      custom = JSON.parse(custom) as unknown;
    } catch {
      throw graphErrors.paramMessage('Invalid parameter: custom_fields must be JSON');
    }
  }
  if (typeof custom !== 'object' || custom === null || Array.isArray(custom))
    throw graphErrors.paramMessage('Invalid parameter: custom_fields must be a JSON object');
  const objectId = typeof param('object_id') === 'string' ? (param('object_id') as string) : '0';
  const value = {
    messaging_product: 'whatsapp',
    metadata: { display_phone_number: '16505551111', phone_number_id: '123456123' },
    contacts: [{ profile: { name: 'test user name' }, wa_id: '16315551181' }],
    messages: [
      {
        from: '16315551181',
        id: 'ABGGFlA5Fpa',
        timestamp: String(Math.floor(rt.clock.now() / 1000)),
        type: 'text',
        text: { body: 'this is a text message' },
      },
    ],
    ...(custom as Record<string, unknown>),
  };
  rt.webhooks.sample({
    object: 'whatsapp_business_account',
    entry: [{ id: objectId, changes: [{ field: 'messages', value: value as never }] }],
  });
  return { success: true };
}

/** Answers one Graph API request; records it in `calls`. */
export async function serveGraph(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  rt: WhatsAppRuntime,
  calls: GraphCall[],
): Promise<void> {
  const segments = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  const version = segments[0] && VERSION.test(segments[0]) ? segments.shift() : undefined;
  const httpMethod = (req.method ?? 'GET').toUpperCase();
  const call: GraphCall = { at: rt.clock.now(), httpMethod, path: url.pathname, op: 'unknown', status: 200 };
  const headers = {
    'x-fb-trace-id': randomAlnum(11),
    'x-fb-rev': '1019999999',
    'facebook-api-version': version ?? 'v21.0',
  };
  try {
    const body = await readGraphBody(req);
    if (
      segments.length === 2 &&
      segments[0] === rt.state.app.id &&
      segments[1] === 'subscriptions_sample' &&
      httpMethod === 'POST'
    ) {
      call.op = 'subscriptions_sample';
      const result = subscriptionsSample(rt, bearerToken(req, url, body.fields), url.searchParams, body.fields);
      call.body = result;
      respondJson(res, 200, result, headers);
      return;
    }
    const token = authenticate(rt, bearerToken(req, url, body.fields));
    const ctx: GraphContext = { rt, token, version, httpMethod, query: url.searchParams, body };
    const [id, edge, ...rest] = segments;
    if (!id || rest.length > 0) throw graphErrors.unknownPath(url.pathname);

    /** Runs an operation after applying the first matching scripted fault (latency, error, async failure). */
    const withFault = async (op: string, scope: string | undefined, fn: () => unknown): Promise<unknown> => {
      call.op = op;
      const fault = rt.faults.take(op, scope);
      if (fault) {
        if (fault.latencyMs) await rt.timers.sleep(fault.latencyMs);
        if (fault.error) throw new GraphError(fault.error);
        if (fault.asyncFailure) ctx.asyncFailure = fault.asyncFailure;
      }
      return fn();
    };

    let result: unknown;
    if (id === 'debug_token' && !edge && httpMethod === 'GET') {
      result = await withFault('debug_token', undefined, () => debugToken(ctx));
    } else if (id === 'me' && !edge && httpMethod === 'GET') {
      result = await withFault('me', undefined, () => ({ name: 'Switchboard Sim System User', id: token.userId }));
    } else {
      const obj = findObject(rt, id);
      if (!obj || !canSeeWaba(token, obj.wabaId)) throw graphErrors.unknownObject(httpMethod, id);
      result = await routeObject(ctx, obj, edge, url, withFault);
    }
    call.body = result;
    respondJson(res, 200, result, headers);
  } catch (err) {
    let g: GraphError;
    if (err instanceof GraphError) g = err;
    else if (err instanceof MultipartError) g = graphErrors.invalid(err.message);
    else if (err instanceof BodyTooLargeError)
      g = new GraphError({ code: 100, message: '(#100) Request body too large', httpStatus: 413 });
    else throw err;
    const body = g.toBody();
    call.status = g.httpStatus;
    call.errorCode = g.spec.code;
    call.body = body;
    const extra: Record<string, string> = {};
    if (g.spec.code === 190 || g.spec.code === 104)
      extra['www-authenticate'] = `OAuth "Facebook Platform" "invalid_token" "${g.message.replace(/"/g, "'")}"`;
    respondJson(res, g.httpStatus, body, { ...headers, ...extra });
  } finally {
    calls.push(call);
    if (calls.length > 10_000) calls.splice(0, calls.length - 10_000);
  }
}

const NODE_TYPES: Record<GraphObject['kind'], string> = {
  phone: 'WhatsAppBusinessPhoneNumber',
  waba: 'WhatsAppBusinessAccount',
  media: 'WhatsAppBusinessMedia',
  template: 'WhatsAppMessageTemplate',
};
