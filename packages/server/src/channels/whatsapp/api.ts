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
  type HealthAsk,
  type MetaGraphTarget,
  type ProviderClient,
  type ProviderHealthCheck,
  type ProviderResponse,
  type ProviderTemplate,
  codeForWhatsAppError,
  listWhatsAppTemplates,
  metaTestEvent,
  metaTokenHealth,
  templateVariables,
  whatsappErrorMessage,
} from '../../channel-kit/index.js';
import type { WhatsAppConfig } from './config.js';
import {
  graphErrorSchema,
  mediaInfoSchema,
  phoneNumberSchema,
  uploadResponseSchema,
  type GraphErrorBody,
} from './payloads.js';

type Ctx = BaseContext<WhatsAppConfig>;

/** How long to wait before retrying a rate limit (https://developers.facebook.com/docs/whatsapp/cloud-api/overview#throughput): throughput recovers within a second, the pair limit is ~1 per 6 s, app/WABA limits are hourly. */
const RETRY_AFTER_MS: Record<number, number> = { 130429: 1000, 131056: 6000, 4: 60_000, 80007: 60_000 };

/** Our code for a Graph error code (also used for `failed` statuses): the table WhatsApp's two APIs share (channel-kit/whatsapp-business) */
export function codeForGraphError(code: number | undefined, httpStatus?: number): ChannelErrorCode {
  return codeForWhatsAppError(code, () =>
    httpStatus === undefined ? 'REJECTED' : channelErrorFromHttpStatus(httpStatus, '').code,
  );
}

/** never let a credential reach an error text or a log line */
function clean(text: string, config: WhatsAppConfig): string {
  let out = text;
  for (const s of [config.accessToken, config.appSecret]) if (s && s.length >= 4) out = out.split(s).join('********');
  return out;
}

/** "(#131030) Recipient phone number not in allowed list: <details>" */
export const graphMessage = whatsappErrorMessage;

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

export { templateVariables };

/** GET /{waba-id}/message_templates, every page (https://developers.facebook.com/docs/whatsapp/business-management-api/message-templates), as the On-Premises channel lists them too */
export function syncWhatsAppTemplates(ctx: Ctx): Promise<ProviderTemplate[]> {
  return listWhatsAppTemplates((path) => graphCall(ctx, path), ctx.config.businessAccountId);
}

/**
 * The provider's health: the access token (debug_token: valid, its end — a System User token never ends, a user
 * token does), then GET /{waba-id}/subscribed_apps — is our app (the token's) subscribed to the WABA's webhooks,
 * and does an `override_callback_uri` send them elsewhere than to us
 * (https://developers.facebook.com/docs/graph-api/reference/whatsapp-business-account/subscribed_apps,
 * https://developers.facebook.com/docs/whatsapp/embedded-signup/webhooks/override). The fields are the app's own
 * (App Dashboard → Webhooks), not readable with this token.
 */
export async function whatsappHealth(ctx: Ctx, ask: HealthAsk): Promise<ProviderHealthCheck[]> {
  const target = wabaTarget(ctx);
  const token = await metaTokenHealth(target, ctx, ask);
  if (!token.valid) return token.checks;
  const waba = ctx.config.businessAccountId;
  const answer = (await graphCall(ctx, `${encodeURIComponent(waba)}/subscribed_apps`)) as {
    data?: Array<{ whatsapp_business_api_data?: { id?: unknown; name?: unknown }; override_callback_uri?: unknown }>;
  };
  const appId = token.appId ?? ctx.config.appId;
  const apps = Array.isArray(answer.data) ? answer.data : [];
  // without the app id (debug_token not answered, none configured) any subscribed app is taken for ours
  const ours = appId !== undefined ? apps.find((a) => String(a.whatsapp_business_api_data?.id) === appId) : apps[0];
  let webhook: ProviderHealthCheck;
  if (!ours)
    webhook = {
      name: 'webhook',
      state: 'warning',
      detail: `Meta has not subscribed this app${appId ? ` (${appId})` : ''} to WhatsApp Business Account ${waba}'s webhooks: messages and statuses do not reach ${ctx.webhookUrl} — subscribe it again with POST /${waba}/subscribed_apps and this connection's token (https://developers.facebook.com/docs/whatsapp/embedded-signup/manage-accounts#subscribe-to-webhooks-on-the-customer-s-waba)`,
    };
  else if (typeof ours.override_callback_uri === 'string' && ours.override_callback_uri !== ctx.webhookUrl)
    webhook = {
      name: 'webhook',
      state: 'warning',
      detail: `Meta sends WhatsApp Business Account ${waba}'s webhooks to ${ours.override_callback_uri} (an override callback), not to ${ctx.webhookUrl} — remove the override or set it to this connection's webhook URL`,
    };
  else
    webhook = {
      name: 'webhook',
      state: 'healthy',
      detail: `The app is subscribed to WhatsApp Business Account ${waba}'s webhooks`,
    };
  return [...token.checks, webhook];
}

/** the WABA as a Graph target of the shared Meta helpers (channel-kit/meta-messaging) */
function wabaTarget(ctx: Ctx): MetaGraphTarget {
  return {
    provider: 'WhatsApp',
    apiBaseUrl: ctx.config.apiBaseUrl,
    apiVersion: ctx.config.apiVersion,
    accountId: ctx.config.businessAccountId,
    accessToken: ctx.config.accessToken,
    secrets: [ctx.config.accessToken, ctx.config.appSecret],
  };
}

/**
 * "Send a test event": Meta's sample notification of the `messages` field of object `whatsapp_business_account`
 * for this WABA (https://developers.facebook.com/docs/graph-api/reference/app/subscriptions_sample/), what the App
 * Dashboard's Webhooks "Test" button sends. Meta's own sample names a placeholder phone number id
 * (https://developers.facebook.com/docs/whatsapp/cloud-api/webhooks/payload-examples#text-messages), which no
 * connection serves, so `custom_fields` puts our first number in `metadata` and a text message from a test sender.
 */
export function whatsappTestEvent(ctx: Ctx): Promise<{ detail: string }> {
  const phoneNumberId = ctx.config.phoneNumberIds[0] ?? '';
  const testSender = '15550000000';
  return metaTestEvent(wabaTarget(ctx), ctx, 'whatsapp_business_account', ctx.config.appSecret, (mid) => ({
    messaging_product: 'whatsapp',
    metadata: { phone_number_id: phoneNumberId },
    contacts: [{ profile: { name: 'Switchboard test' }, wa_id: testSender }],
    messages: [
      {
        from: testSender,
        id: `wamid.${mid}`,
        timestamp: String(Math.floor(Date.now() / 1000)),
        type: 'text',
        text: { body: 'Test event from Switchboard' },
      },
    ],
  }));
}
