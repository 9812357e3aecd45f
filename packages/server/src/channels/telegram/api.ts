/**
 * @module channels/telegram/api — Bot API calls `${apiBaseUrl}/bot<token>/<method>` and file downloads, with the
 * answers mapped once to ChannelError (https://core.telegram.org/bots/api#making-requests, https://core.telegram.org/bots/api#available-methods); start/stop register and remove the webhook.
 * The token is part of every URL, so no URL (and no transport error text) ever goes into an error or a log line.
 */
import {
  ChannelError,
  channelErrorFromHttpStatus,
  parseRetryAfter,
  providerClient,
  type BaseContext,
  type FetchedMedia,
  type ProviderClient,
  type ProviderHealthCheck,
  type StartResult,
} from '../../channel-kit/index.js';
import type { TelegramConfig } from './config.js';
import {
  ALLOWED_UPDATES,
  apiResponseSchema,
  botUserSchema,
  fileSchema,
  webhookInfoSchema,
  type ApiResponse,
} from './payloads.js';

export type ApiContext = Pick<BaseContext<TelegramConfig>, 'config' | 'http' | 'signal'>;
export type ApiParams = Record<string, unknown> | FormData;

const baseUrl = (config: TelegramConfig): string => config.apiBaseUrl.replace(/\/+$/, '');

/** maps an error answer by its error_code and description (https://core.telegram.org/bots/api#making-requests) */
export function telegramError(
  what: string,
  status: number,
  body: ApiResponse | undefined,
  retryAfterHeader: string | null,
): ChannelError {
  const code = body?.error_code ?? status;
  const description = body?.description ?? `Telegram answered HTTP ${status} to ${what}`;
  const providerCode = code;
  if (code === 401) return new ChannelError('AUTH', description, { providerCode });
  // a token that is not shaped like one is answered 404 "Not Found" on every method
  if (code === 404 && description === 'Not Found')
    return new ChannelError('AUTH', `${description} (the bot token is not valid)`, { providerCode });
  if (code === 403) return new ChannelError('INVALID_RECIPIENT', description, { providerCode });
  if (code === 429) {
    const seconds = body?.parameters?.retry_after;
    const retryAfterMs =
      seconds !== undefined && seconds >= 0
        ? Math.max(1000, seconds * 1000)
        : (parseRetryAfter(retryAfterHeader) ?? 1000);
    return new ChannelError('RATE_LIMITED', description, { providerCode, retryAfterMs });
  }
  if (code === 400) {
    const migrated = body?.parameters?.migrate_to_chat_id;
    if (migrated !== undefined)
      return new ChannelError('INVALID_RECIPIENT', `${description} (the group is now the supergroup ${migrated})`, {
        providerCode,
      });
    if (/chat not found|user not found|PEER_ID_INVALID|chat_id is empty/i.test(description))
      return new ChannelError('INVALID_RECIPIENT', description, { providerCode });
    return new ChannelError('REJECTED', description, { providerCode });
  }
  if (code >= 500 || status >= 500) return new ChannelError('UNAVAILABLE', description, { providerCode });
  return channelErrorFromHttpStatus(status, description);
}

/** the kit's provider client, with Telegram's error answers mapped by telegramError */
function botClient(ctx: ApiContext): ProviderClient {
  return providerClient({
    provider: 'Telegram',
    http: ctx.http,
    signal: ctx.signal,
    secrets: [ctx.config.botToken],
    mapError: (res, what) =>
      telegramError(what ?? 'a Bot API call', res.status, parseBody(res.json), res.headers.get('retry-after')),
  });
}

function parseBody(json: unknown): ApiResponse | undefined {
  const parsed = apiResponseSchema.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}

/** calls a Bot API method (JSON body, or multipart for uploads) and returns its `result` */
export async function callBotApi(ctx: ApiContext, method: string, params: ApiParams = {}): Promise<unknown> {
  const url = `${baseUrl(ctx.config)}/bot${ctx.config.botToken}/${method}`;
  const res = await botClient(ctx).call(
    url,
    params instanceof FormData ? { form: params, what: method } : { json: params, what: method },
  );
  const body = parseBody(res.json);
  if (body?.ok === true) return body.result;
  // not retried: the method may have been carried out, and a send repeated is a message sent twice (https://core.telegram.org/bots/api#getting-updates)
  throw new ChannelError('UNAVAILABLE', `Telegram sent an unreadable answer to ${method}`, {
    providerCode: res.status,
    retryable: false,
  });
}

/** getMe (checks the token), then setWebhook with our URL, the secret token and the update kinds we model */
export async function startTelegram(ctx: BaseContext<TelegramConfig>): Promise<StartResult<TelegramConfig>> {
  const me = botUserSchema.safeParse(await callBotApi(ctx, 'getMe'));
  if (!me.success) throw new ChannelError('UNAVAILABLE', 'Telegram sent an unreadable answer to getMe');
  if (!ctx.config.secretToken) throw new ChannelError('INVALID_CONFIG', 'the connection has no webhook secret token');
  await callBotApi(ctx, 'setWebhook', {
    url: ctx.webhookUrl,
    secret_token: ctx.config.secretToken,
    allowed_updates: ALLOWED_UPDATES,
  });
  ctx.log.info('Telegram webhook registered', { bot: me.data.username ?? me.data.id, allowedUpdates: ALLOWED_UPDATES });
  return me.data.username && me.data.username !== ctx.config.botUsername
    ? { configUpdates: { botUsername: me.data.username } }
    : {};
}

/** deleteWebhook; pending updates stay queued at Telegram (up to 24 h) for the next start */
export async function stopTelegram(ctx: BaseContext<TelegramConfig>): Promise<void> {
  await callBotApi(ctx, 'deleteWebhook');
}

const EXTENSION_TYPES: Record<string, string> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  webp: 'image/webp',
  mp4: 'video/mp4',
  webm: 'video/webm',
  oga: 'audio/ogg',
  ogg: 'audio/ogg',
  mp3: 'audio/mpeg',
  m4a: 'audio/mp4',
  pdf: 'application/pdf',
  tgs: 'application/x-tgsticker',
};

/** getFile, then the bytes from `${apiBaseUrl}/file/bot<token>/<file_path>` (https://core.telegram.org/bots/api#making-requests; 20 MB at most) */
export async function fetchTelegramMedia(
  media: { providerMediaId: string; mimeType?: string },
  ctx: ApiContext,
): Promise<FetchedMedia> {
  const file = fileSchema.safeParse(await callBotApi(ctx, 'getFile', { file_id: media.providerMediaId }));
  if (!file.success) throw new ChannelError('UNAVAILABLE', 'Telegram sent an unreadable answer to getFile');
  const path = file.data.file_path;
  if (!path) throw new ChannelError('REJECTED', 'Telegram has no download path for this file (over 20 MB?)');
  const url = `${baseUrl(ctx.config)}/file/bot${ctx.config.botToken}/${path.split('/').map(encodeURIComponent).join('/')}`;
  const { bytes, contentType: served } = await botClient(ctx).download(url, { what: 'file download' });
  const fileName = path.split('/').pop() || undefined;
  const byExtension = EXTENSION_TYPES[fileName?.split('.').pop()?.toLowerCase() ?? ''];
  const mimeType =
    media.mimeType ??
    (served && served !== 'application/octet-stream' ? served : undefined) ??
    byExtension ??
    'application/octet-stream';
  return { bytes, mimeType, ...(fileName ? { fileName } : {}) };
}

/** updates waiting at Telegram beyond this many mean deliveries to us are failing or slow */
const PENDING_WARNING = 100;
/** Telegram keeps the last delivery error in the webhook info: one older than this is history, not a problem */
const RECENT_ERROR_MS = 24 * 3600 * 1000;

/**
 * getWebhookInfo against our registration: the URL Telegram delivers to, its last delivery error (in Telegram's
 * words, with the public URL we gave it), and how many updates wait undelivered
 * (https://core.telegram.org/bots/api#getwebhookinfo)
 */
export async function telegramHealth(ctx: BaseContext<TelegramConfig>): Promise<ProviderHealthCheck[]> {
  const info = webhookInfoSchema.safeParse(await callBotApi(ctx, 'getWebhookInfo'));
  if (!info.success) throw new ChannelError('UNAVAILABLE', 'Telegram sent an unreadable answer to getWebhookInfo');
  const { url, pending_update_count: pending, last_error_date: errorAt, last_error_message: error } = info.data;
  const checks: ProviderHealthCheck[] = [];
  if (url !== ctx.webhookUrl)
    checks.push({
      name: 'webhook',
      state: 'warning',
      detail:
        url === ''
          ? `Telegram has no webhook for this bot (another app removed it or reads it with getUpdates): updates do not reach ${ctx.webhookUrl} — re-register the webhook (restart the connection)`
          : `Telegram delivers this bot's updates to ${url}, not to ${ctx.webhookUrl} (another app set its own webhook) — re-register the webhook (restart the connection)`,
    });
  else if (errorAt !== undefined && Date.now() - errorAt * 1000 < RECENT_ERROR_MS)
    checks.push({
      name: 'webhook',
      state: 'warning',
      detail: `Telegram says: '${error ?? 'delivery failed'}' at ${new Date(errorAt * 1000).toISOString().slice(11, 16)} UTC — the webhook URL must be public HTTPS that Telegram can reach; the hub gave it ${ctx.webhookUrl} (SWITCHBOARD_PUBLIC_URL)`,
    });
  else checks.push({ name: 'webhook', state: 'healthy', detail: `Telegram delivers to ${ctx.webhookUrl}` });
  checks.push(
    pending >= PENDING_WARNING
      ? {
          name: 'pending_updates',
          state: 'warning',
          detail: `${pending} updates wait at Telegram undelivered (kept up to 24 hours)`,
        }
      : { name: 'pending_updates', state: 'healthy', detail: `${pending} updates waiting at Telegram` },
  );
  return checks;
}
