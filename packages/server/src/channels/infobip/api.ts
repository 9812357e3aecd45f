/**
 * @module channels/infobip/api — the Infobip calls of the connector: one client with `Authorization: App <key>`
 * (https://www.infobip.com/docs/essentials/api-essentials/api-authentication), both error envelopes mapped once to
 * ChannelError codes (https://www.infobip.com/docs/essentials/api-essentials/response-status-and-error-codes:
 * UNAUTHORIZED/401 → AUTH, TOO_MANY_REQUESTS/429 → RATE_LIMITED, 5xx → UNAVAILABLE, validation → REJECTED or
 * INVALID_RECIPIENT with Infobip's text), the start check of the key, the channel's limits, and inbound media
 * downloads with the key.
 */
import {
  ChannelError,
  providerClient,
  type BaseContext,
  type ChannelErrorCode,
  type ChannelLimits,
  type FetchedMedia,
  type ProviderClient,
  type ProviderRequest,
  type ProviderTemplate,
} from '../../channel-kit/index.js';
import { apiBase, type InfobipChannel, type InfobipConfig } from './config.js';
import {
  infobipApiErrorSchema,
  infobipBalanceSchema,
  infobipRequestErrorSchema,
  infobipTemplateListSchema,
  type InfobipStatus,
} from './payloads.js';

type Ctx = BaseContext<InfobipConfig>;

/** a destination field named in a validation error: the number is what is wrong */
const RECIPIENT_FIELD = /(^|\.)(to|destinations?|destination\.to)(\b|\.|\[)/i;

/** Infobip answered non-2xx: either envelope → a ChannelError with Infobip's own words */
export function infobipError(status: number, json: unknown, retryAfterMs: number | undefined): ChannelError {
  let code: string | undefined;
  let text: string | undefined;
  let fields: string[] = [];
  const legacy = infobipRequestErrorSchema.safeParse(json);
  const modern = infobipApiErrorSchema.safeParse(json);
  if (legacy.success) {
    const e = legacy.data.requestError.serviceException;
    code = e.messageId;
    text = e.text;
    const v = e.validationErrors ?? {};
    fields = Object.keys(v);
    const details = Object.entries(v).map(([k, msgs]) => `${k}: ${msgs.join(', ')}`);
    if (details.length > 0) text = `${text ?? 'Bad request'} (${details.join('; ')})`;
  } else if (modern.success) {
    code = modern.data.errorCode;
    const violations = modern.data.violations ?? [];
    fields = violations.map((v) => v.property ?? '');
    const details = violations.map((v) => `${v.property ?? '?'}: ${v.violation ?? ''}`);
    text = `${modern.data.description ?? 'Request failed'}${details.length > 0 ? ` (${details.join('; ')})` : ''}`;
  }
  const message = `${text ?? `Infobip answered HTTP ${status}`}${code && !(text ?? '').includes(code) ? ` [${code}]` : ''}`;
  const providerCode = code ?? status;
  const upper = (code ?? '').toUpperCase();
  if (status === 401 || upper === 'UNAUTHORIZED' || upper === 'E401')
    return new ChannelError('AUTH', message, { providerCode });
  if (status === 403 || upper === 'FORBIDDEN' || upper === 'E403')
    return new ChannelError('AUTH', message, { providerCode });
  if (status === 429 || upper === 'TOO_MANY_REQUESTS' || upper === 'E429')
    return new ChannelError('RATE_LIMITED', message, { providerCode, retryAfterMs: retryAfterMs ?? 1000 });
  if (status >= 500 || status === 408)
    return new ChannelError('UNAVAILABLE', message, { providerCode, ...(retryAfterMs ? { retryAfterMs } : {}) });
  if (fields.some((f) => RECIPIENT_FIELD.test(f)))
    return new ChannelError('INVALID_RECIPIENT', message, { providerCode });
  return new ChannelError('REJECTED', message, { providerCode });
}

/**
 * our code for a report's status and error (https://www.infobip.com/docs/essentials/api-essentials/response-status-and-error-codes):
 * the status name says a destination is wrong or unreachable (REJECTED_DESTINATION, UNDELIVERABLE_REJECTED_OPERATOR),
 * the error name that the handset is unknown or absent (EC_UNKNOWN_SUBSCRIBER, EC_ABSENT_SUBSCRIBER…)
 */
export function codeForInfobipFailure(status: InfobipStatus, error: InfobipStatus | undefined): ChannelErrorCode {
  const names = `${status.name ?? ''} ${error?.name ?? ''}`.toUpperCase();
  if (/DESTINATION|SUBSCRIBER|NUMBER|NOT_REGISTERED|UNKNOWN_USER|INVALID_TO/.test(names)) return 'INVALID_RECIPIENT';
  if (/OUTSIDE.*WINDOW|SESSION|24H|RE_ENGAGEMENT/.test(names)) return 'WINDOW_CLOSED';
  if (/BLOCKED|BLACKLIST|OPT_?OUT/.test(names)) return 'OPTED_OUT';
  if (status.groupId === 4 || status.groupName === 'EXPIRED') return 'UNAVAILABLE';
  return 'REJECTED';
}

/** "NAME (id): description" of a status and its error, as kept in a failed message's statusDetail */
export function describeInfobipFailure(status: InfobipStatus, error: InfobipStatus | undefined): string {
  const part = (s: InfobipStatus) =>
    [s.name, s.id !== undefined ? `(${s.id})` : undefined].filter(Boolean).join(' ') +
    (s.description ? `: ${s.description}` : '');
  const hasError = error && error.id !== undefined && error.id !== 0;
  return [part(status), hasError ? part(error) : undefined].filter(Boolean).join('; ') || 'Infobip reported a failure';
}

function client(ctx: Ctx): ProviderClient {
  return providerClient({
    provider: 'Infobip',
    http: ctx.http,
    signal: ctx.signal,
    secrets: [ctx.config.apiKey, ctx.config.webhookAuth],
    mapError: (res) => {
      const error = infobipError(res.status, res.json, res.retryAfterMs);
      ctx.log.warn(`Infobip call failed: ${error.code}`, { status: res.status, infobipCode: error.providerCode });
      return error;
    },
  });
}

const auth = (ctx: Ctx): Record<string, string> => ({
  authorization: `App ${ctx.config.apiKey}`,
  accept: 'application/json',
});

/** one authenticated call to a path of the account's API; answers the parsed JSON body ({} when empty) */
export async function infobipCall(
  ctx: Ctx,
  path: string,
  init: Omit<ProviderRequest, 'headers'> = {},
): Promise<unknown> {
  const res = await client(ctx).call(`${apiBase(ctx.config)}${path}`, { ...init, headers: auth(ctx) });
  if (res.text === '') return {};
  if (res.json === undefined)
    throw new ChannelError('UNAVAILABLE', `Infobip answered HTTP ${res.status} with a body that is not JSON`, {
      providerCode: res.status,
    });
  return res.json;
}

/**
 * start: the key must read the account balance (`GET /account/1/balance`,
 * https://www.infobip.com/docs/api/platform/account-management/get-account-balance) — 401 → AUTH, the connection
 * turns ERROR. Webhooks need no registration here: delivery reports go to the `notifyUrl` of each send, and inbound
 * forwarding (with its authorization header) is set on the number in the Infobip portal.
 */
export async function startInfobip(ctx: Ctx): Promise<void> {
  const balance = infobipBalanceSchema.safeParse(await infobipCall(ctx, '/account/1/balance', { what: 'balance' }));
  if (!balance.success)
    throw new ChannelError('UNAVAILABLE', 'Infobip answered the balance check in an unexpected shape');
  ctx.log.info(`Infobip ${ctx.config.channel} sender ${ctx.config.from} ready`, {
    balance: balance.data.balance,
    currency: balance.data.currency,
  });
}

/** the channel's limits, over the connector's (which are SMS's) */
export function infobipLimits(channel: InfobipChannel): Partial<ChannelLimits> {
  if (channel === 'whatsapp')
    return {
      // WhatsApp's own rules, which Infobip passes through (https://www.infobip.com/docs/whatsapp/message-types-and-templates)
      inbound: ['text', 'image', 'audio', 'video', 'document', 'sticker', 'location', 'interactive'],
      maxTextLength: 4096,
      buttons: 3,
      listItems: 10,
      receipts: { delivered: true, read: true },
      windowHours: 24,
      rateLimit: { perSecond: 80, burst: 80 },
      maxMediaBytes: 16 * 1024 * 1024,
      smsSegments: false,
    };
  if (channel === 'viber')
    return {
      // Viber Business Messages: 1000 characters, seen reports (https://www.infobip.com/docs/viber/business-messages)
      inbound: ['text', 'image', 'document'],
      maxTextLength: 1000,
      buttons: 0,
      receipts: { delivered: true, read: true },
      smsSegments: false,
    };
  return {};
}

/** our key goes only to Infobip's hosts (the account's API, or https *.infobip.com), never to a URL elsewhere */
function infobipHosted(url: string, config: InfobipConfig): boolean {
  try {
    const u = new URL(url);
    if (u.origin === new URL(apiBase(config)).origin || u.origin === new URL(config.baseUrl).origin) return true;
    return u.protocol === 'https:' && (u.hostname === 'infobip.com' || u.hostname.endsWith('.infobip.com'));
  } catch {
    return false;
  }
}

/**
 * an inbound file: the WhatsApp / Viber message's `url` (`…/whatsapp/1/senders/{sender}/media/{id}`,
 * https://www.infobip.com/docs/api/channels/whatsapp/whatsapp-media/download-whatsapp-inbound-media), fetched with the key
 */
export async function fetchInfobipMedia(
  media: { providerMediaId: string; mimeType?: string },
  ctx: Ctx,
): Promise<FetchedMedia> {
  const url = media.providerMediaId;
  const hosted = infobipHosted(url, ctx.config);
  const { bytes, headers } = await client(ctx).download(url, hosted ? { headers: auth(ctx) } : {});
  const mimeType = headers.get('content-type')?.split(';')[0]?.trim() || media.mimeType || 'application/octet-stream';
  const fileName = /filename="?([^";]+)"?/.exec(headers.get('content-disposition') ?? '')?.[1];
  return { bytes, mimeType, ...(fileName ? { fileName } : {}) };
}

/** the `{{1}}`, `{{2}}` … placeholders of a template body, in order */
export function placeholdersOf(text: string): string[] {
  const seen = new Set<string>();
  for (const m of text.matchAll(/\{\{\s*(\d+)\s*\}\}/g)) seen.add(m[1] as string);
  return [...seen].sort((a, b) => Number(a) - Number(b));
}

/**
 * features.templates.sync: the WhatsApp sender's templates (`GET /whatsapp/2/senders/{sender}/templates`,
 * https://www.infobip.com/docs/api/channels/whatsapp/whatsapp-templates/get-whatsapp-templates) with their body
 * placeholders as variables ("1", "2" …). SMS and Viber connections have none.
 */
export async function syncInfobipTemplates(ctx: Ctx): Promise<ProviderTemplate[]> {
  if (ctx.config.channel !== 'whatsapp') return [];
  const sender = encodeURIComponent(ctx.config.from.replace(/^\+/, ''));
  const list = infobipTemplateListSchema.safeParse(
    await infobipCall(ctx, `/whatsapp/2/senders/${sender}/templates`, { what: 'template list' }),
  );
  if (!list.success) throw new ChannelError('UNAVAILABLE', 'Infobip listed templates in an unexpected shape');
  return list.data.templates.map((t) => {
    const body = t.structure.body?.text ?? '';
    return {
      id: t.id,
      name: t.name,
      language: t.language,
      status: t.status.toUpperCase(),
      category: t.category,
      components: [t.structure],
      variables: placeholdersOf(body),
      body,
    };
  });
}

/**
 * features.readReceipts: the operator opened the conversation — WhatsApp shows the customer blue ticks
 * (`POST /whatsapp/1/senders/{sender}/message/{messageId}/read`,
 * https://www.infobip.com/docs/api/channels/whatsapp/whatsapp-outbound-messages/mark-whatsapp-message-as-read).
 * SMS has no read marks, and Viber takes none through this API: nothing to tell.
 */
export async function markInfobipRead(message: { providerMessageId: string }, ctx: Ctx): Promise<void> {
  if (ctx.config.channel !== 'whatsapp') return;
  const sender = encodeURIComponent(ctx.config.from.replace(/^\+/, ''));
  await infobipCall(
    ctx,
    `/whatsapp/1/senders/${sender}/message/${encodeURIComponent(message.providerMessageId)}/read`,
    {
      method: 'POST',
      what: 'mark as read',
    },
  );
}
