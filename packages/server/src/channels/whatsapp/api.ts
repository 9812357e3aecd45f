/**
 * @module channels/whatsapp/api — the Graph API calls of the connector (https://developers.facebook.com/docs/whatsapp/cloud-api/get-started, https://developers.facebook.com/docs/whatsapp/cloud-api/reference/messages, https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes): one request
 * function with bearer auth, Graph errors mapped once to ChannelError codes, the start check, media upload and
 * download, mark-as-read and the template list with its variable names.
 */
import {
  ChannelError,
  channelErrorFromHttpStatus,
  parseRetryAfter,
  providerClient,
  type BaseContext,
  type ChannelErrorCode,
  type FetchedMedia,
  type ProviderClient,
  type ProviderResponse,
  type ProviderTemplate,
} from '../../channel-kit/index.js';
import type { WhatsAppConfig } from './config.js';
import {
  graphErrorSchema,
  mediaInfoSchema,
  phoneNumberSchema,
  templateComponentSchema,
  templatePageSchema,
  templateSchema,
  uploadResponseSchema,
  type GraphErrorBody,
} from './payloads.js';

type Ctx = BaseContext<WhatsAppConfig>;

/** Graph code → our code (https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes). Codes not listed fall back to the HTTP status (400 → REJECTED, 5xx → UNAVAILABLE). */
const GRAPH_CODES: Record<number, ChannelErrorCode> = {
  0: 'AUTH',
  3: 'AUTH',
  10: 'AUTH',
  104: 'AUTH',
  190: 'AUTH',
  4: 'RATE_LIMITED',
  80007: 'RATE_LIMITED',
  130429: 'RATE_LIMITED',
  131056: 'RATE_LIMITED',
  1: 'UNAVAILABLE',
  2: 'UNAVAILABLE',
  131000: 'UNAVAILABLE',
  131016: 'UNAVAILABLE',
  131057: 'UNAVAILABLE',
  131047: 'WINDOW_CLOSED',
  131021: 'INVALID_RECIPIENT',
  131026: 'INVALID_RECIPIENT',
  131030: 'INVALID_RECIPIENT',
  131050: 'INVALID_RECIPIENT',
  130497: 'INVALID_RECIPIENT',
  131051: 'UNSUPPORTED',
};

/** How long to wait before retrying a rate limit (https://developers.facebook.com/docs/whatsapp/cloud-api/overview#throughput): throughput recovers within a second, the pair limit is ~1 per 6 s, app/WABA limits are hourly. */
const RETRY_AFTER_MS: Record<number, number> = { 130429: 1000, 131056: 6000, 4: 60_000, 80007: 60_000 };

/** Our code for a Graph error code (also used for `failed` statuses). */
export function codeForGraphError(code: number | undefined, httpStatus?: number): ChannelErrorCode {
  if (code !== undefined) {
    const known = GRAPH_CODES[code];
    if (known) return known;
    if (code >= 200 && code <= 299) return 'AUTH'; // permission errors
  }
  if (httpStatus === undefined) return 'REJECTED';
  return channelErrorFromHttpStatus(httpStatus, '').code;
}

/** never let a credential reach an error text or a log line */
function clean(text: string, config: WhatsAppConfig): string {
  let out = text;
  for (const s of [config.accessToken, config.appSecret]) if (s && s.length >= 4) out = out.split(s).join('********');
  return out;
}

/** "(#131030) Recipient phone number not in allowed list: <details>" — Graph's message plus its details when they add something */
export function graphMessage(e: {
  message?: string | undefined;
  title?: string | undefined;
  code?: number | undefined;
  error_data?: { details?: string | undefined } | undefined;
}): string {
  const base = e.message || e.title || 'WhatsApp error';
  const withCode = e.code !== undefined && !base.includes(`#${e.code}`) ? `(#${e.code}) ${base}` : base;
  const details = e.error_data?.details;
  return details && !base.includes(details) ? `${withCode}: ${details}` : withCode;
}

/** maps a Graph error (status, body, Retry-After) to a ChannelError carrying the Graph code as providerCode */
export function graphError(
  status: number,
  error: GraphErrorBody | undefined,
  retryAfter: string | null,
  config: WhatsAppConfig,
): ChannelError {
  const message = clean(error ? graphMessage(error) : `WhatsApp Cloud API answered HTTP ${status}`, config);
  const code = error?.code;
  let mapped = codeForGraphError(code, status);
  if (mapped === 'REJECTED' && error?.is_transient) mapped = 'UNAVAILABLE';
  // unknown phone number / WABA id: the configuration cannot work (Graph 100 subcode 33)
  if (code === 100 && error?.error_subcode === 33) mapped = 'INVALID_CONFIG';
  const header = parseRetryAfter(retryAfter);
  const retryAfterMs = mapped === 'RATE_LIMITED' ? (header ?? RETRY_AFTER_MS[code ?? -1] ?? 1000) : header;
  return new ChannelError(mapped, message, {
    providerCode: code ?? status,
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  });
}

export function graphUrl(config: WhatsAppConfig, path: string): string {
  return `${config.apiBaseUrl.replace(/\/+$/, '')}/${config.apiVersion}/${path}`;
}

/** the kit's provider client with Graph's error envelope mapped by graphError; failed calls are logged with their code */
function graphClient(ctx: Ctx, mapNotFound?: (res: ProviderResponse) => ChannelError | undefined): ProviderClient {
  return providerClient({
    provider: 'WhatsApp Cloud API',
    http: ctx.http,
    signal: ctx.signal,
    secrets: [ctx.config.accessToken, ctx.config.appSecret],
    mapError: (res) => {
      const parsed = graphErrorSchema.safeParse(res.json);
      const error =
        (!parsed.success && res.status === 404 ? mapNotFound?.(res) : undefined) ??
        graphError(
          res.status,
          parsed.success ? parsed.data.error : undefined,
          res.headers.get('retry-after'),
          ctx.config,
        );
      ctx.log.warn(`WhatsApp call failed: ${error.code}`, { status: res.status, graphCode: error.providerCode });
      return error;
    },
  });
}

const bearer = (ctx: Ctx): Record<string, string> => ({ authorization: `Bearer ${ctx.config.accessToken}` });

/** one authenticated Graph call; answers the parsed JSON body or throws a mapped ChannelError */
export async function graphCall(
  ctx: Ctx,
  path: string,
  init: { method?: string; json?: unknown; form?: FormData; signal?: AbortSignal } = {},
): Promise<unknown> {
  const res = await graphClient(ctx).call(path.startsWith('http') ? path : graphUrl(ctx.config, path), {
    headers: bearer(ctx),
    ...(init.method ? { method: init.method } : {}),
    ...(init.json !== undefined ? { json: init.json } : init.form ? { form: init.form } : {}),
    ...(init.signal ? { signal: init.signal } : {}),
  });
  if (res.text === '') return {};
  if (res.json === undefined)
    throw new ChannelError(
      'UNAVAILABLE',
      `WhatsApp Cloud API answered HTTP ${res.status} with a body that is not JSON`,
      { providerCode: res.status },
    );
  return res.json;
}

/** start: the token and every phone number id must be known to Graph (https://developers.facebook.com/docs/whatsapp/cloud-api/get-started); 190 → AUTH, unknown id → INVALID_CONFIG */
export async function checkAccount(ctx: Ctx): Promise<void> {
  for (const id of ctx.config.phoneNumberIds) {
    try {
      const phone = phoneNumberSchema.safeParse(
        await graphCall(ctx, `${encodeURIComponent(id)}?fields=id,display_phone_number,verified_name`),
      );
      if (!phone.success || phone.data.id !== id)
        throw new ChannelError('INVALID_CONFIG', `${id} is not a WhatsApp business phone number id`);
      ctx.log.info(
        `phone number ${id} (${phone.data.display_phone_number ?? '?'}, ${phone.data.verified_name ?? '?'}) is reachable`,
      );
    } catch (error) {
      if (error instanceof ChannelError && error.code === 'INVALID_CONFIG') {
        throw new ChannelError(
          'INVALID_CONFIG',
          `phone number id ${id} is unknown to this access token: ${error.message}`,
          { providerCode: error.providerCode ?? undefined },
        );
      }
      throw error;
    }
  }
  try {
    await graphCall(ctx, `${encodeURIComponent(ctx.config.businessAccountId)}?fields=id,name`);
  } catch (error) {
    if (error instanceof ChannelError && error.code === 'INVALID_CONFIG') {
      throw new ChannelError(
        'INVALID_CONFIG',
        `business account id ${ctx.config.businessAccountId} is unknown to this access token: ${error.message}`,
        { providerCode: error.providerCode ?? undefined },
      );
    }
    throw error;
  }
}

/** inbound media (https://developers.facebook.com/docs/whatsapp/cloud-api/reference/media): GET /{media-id} → short-lived url → GET url with the same bearer */
export async function fetchWhatsAppMedia(
  media: { providerMediaId: string; mimeType?: string },
  ctx: Ctx,
): Promise<FetchedMedia> {
  let raw: unknown;
  try {
    raw = await graphCall(ctx, encodeURIComponent(media.providerMediaId));
  } catch (error) {
    // an unknown object here is a media id that expired or was deleted, not a bad configuration
    if (error instanceof ChannelError && error.code === 'INVALID_CONFIG')
      throw new ChannelError('REJECTED', `media ${media.providerMediaId} is gone: ${error.message}`, {
        providerCode: error.providerCode ?? undefined,
      });
    throw error;
  }
  const info = mediaInfoSchema.safeParse(raw);
  if (!info.success) throw new ChannelError('UNAVAILABLE', `no download url for media ${media.providerMediaId}`);
  // an expired url (404 after 5 minutes) is worth another try: the next attempt asks Graph for a fresh one
  const expired = (): ChannelError =>
    new ChannelError('UNAVAILABLE', 'media download url expired or gone (HTTP 404)', { providerCode: 404 });
  const { bytes, headers } = await graphClient(ctx, expired).download(info.data.url, { headers: bearer(ctx) });
  const mimeType = info.data.mime_type ?? headers.get('content-type') ?? media.mimeType ?? 'application/octet-stream';
  const fileName = /filename="?([^";]+)"?/.exec(headers.get('content-disposition') ?? '')?.[1];
  return { bytes, mimeType, ...(fileName ? { fileName } : {}) };
}

/** outbound media (https://developers.facebook.com/docs/whatsapp/cloud-api/reference/media): multipart upload to /{phone-number-id}/media → media id */
export async function uploadMedia(
  ctx: Ctx,
  phoneNumberId: string,
  file: { bytes: Buffer; mimeType: string; fileName?: string | undefined },
): Promise<string> {
  const form = new FormData();
  form.set('messaging_product', 'whatsapp');
  form.set('type', file.mimeType);
  form.set('file', new Blob([new Uint8Array(file.bytes)], { type: file.mimeType }), file.fileName ?? 'file');
  const res = uploadResponseSchema.safeParse(
    await graphCall(ctx, `${encodeURIComponent(phoneNumberId)}/media`, { form }),
  );
  if (!res.success) throw new ChannelError('UNAVAILABLE', 'media upload answered without an id');
  return res.data.id;
}

/** marks a customer's message read (blue ticks), https://developers.facebook.com/docs/whatsapp/cloud-api/reference/messages "mark read" */
export async function markRead(providerMessageId: string, phoneNumberId: string, ctx: Ctx): Promise<void> {
  await graphCall(ctx, `${encodeURIComponent(phoneNumberId)}/messages`, {
    json: { messaging_product: 'whatsapp', status: 'read', message_id: providerMessageId },
  });
}

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g;

function placeholders(text: string | undefined): string[] {
  const out: string[] = [];
  for (const m of (text ?? '').matchAll(PLACEHOLDER)) if (!out.includes(m[1] as string)) out.push(m[1] as string);
  return out;
}

/**
 * The variable names a template needs, in order (the keys of `content.template.variables` for send):
 *   body `{{1}}`, `{{2}}` (or named `{{order_id}}`) → "1", "2" ("order_id");
 *   text header `{{1}}` → "header.1"; media header → "header.image" | "header.video" | "header.document" (a https
 *   link or an uploaded media id); location header → "header.location" ("lat,long");
 *   button i: URL with `{{1}}` → "button.i.1" (the url suffix); COPY_CODE → "button.i.code".
 * Quick-reply buttons need nothing; "button.i.payload" may be given to choose the payload sent back.
 */
export function templateVariables(components: unknown[]): string[] {
  const out: string[] = [];
  for (const raw of components) {
    const c = templateComponentSchema.safeParse(raw);
    if (!c.success) continue;
    const type = c.data.type.toUpperCase();
    if (type === 'HEADER') {
      const format = (c.data.format ?? 'TEXT').toUpperCase();
      if (format === 'TEXT') out.push(...placeholders(c.data.text).map((p) => `header.${p}`));
      else out.push(`header.${format.toLowerCase()}`);
    } else if (type === 'BODY') {
      out.push(...placeholders(c.data.text));
    } else if (type === 'BUTTONS') {
      (c.data.buttons ?? []).forEach((b, i) => {
        const kind = b.type.toUpperCase();
        if (kind === 'URL') out.push(...placeholders(b.url).map((p) => `button.${i}.${p}`));
        else if (kind === 'COPY_CODE') out.push(`button.${i}.code`);
      });
    }
  }
  return out;
}

/** GET /{waba-id}/message_templates, every page (https://developers.facebook.com/docs/whatsapp/cloud-api/reference/messages template, https://developers.facebook.com/docs/whatsapp/cloud-api/guides/send-message-templates) */
export async function syncWhatsAppTemplates(ctx: Ctx): Promise<ProviderTemplate[]> {
  const out: ProviderTemplate[] = [];
  const base = `${encodeURIComponent(ctx.config.businessAccountId)}/message_templates?limit=100&fields=id,name,language,status,category,components,parameter_format`;
  let after: string | undefined;
  for (let page = 0; page < 1000; page++) {
    const res = templatePageSchema.safeParse(
      await graphCall(ctx, after ? `${base}&after=${encodeURIComponent(after)}` : base),
    );
    if (!res.success) throw new ChannelError('UNAVAILABLE', 'template list in an unexpected shape');
    for (const raw of res.data.data) {
      const t = templateSchema.safeParse(raw);
      if (!t.success) continue;
      const body = t.data.components
        .map((c) => templateComponentSchema.safeParse(c))
        .find((c) => c.success && c.data.type.toUpperCase() === 'BODY');
      out.push({
        id: t.data.id,
        name: t.data.name,
        language: t.data.language,
        status: t.data.status,
        category: t.data.category,
        components: t.data.components,
        variables: templateVariables(t.data.components),
        body: body?.data?.text ?? '',
      });
    }
    // follow the cursor rather than `paging.next`, so we only ever call our own apiBaseUrl
    const next = res.data.paging?.next ? res.data.paging.cursors?.after : undefined;
    if (!next || next === after) break;
    after = next;
  }
  return out;
}
