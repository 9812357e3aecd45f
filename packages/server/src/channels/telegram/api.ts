/**
 * @module channels/telegram/api — Bot API calls `${apiBaseUrl}/bot<token>/<method>` and file downloads, with the
 * answers mapped once to ChannelError (providers.md §1.1–§1.3); start/stop register and remove the webhook.
 * The token is part of every URL, so no URL (and no transport error text) ever goes into an error or a log line.
 */
import { ChannelError, channelErrorFromHttpStatus, parseRetryAfter, type BaseContext, type FetchedMedia, type StartResult } from '../../channel-kit/index.js';
import type { TelegramConfig } from './config.js';
import { ALLOWED_UPDATES, apiResponseSchema, botUserSchema, fileSchema, type ApiResponse } from './payloads.js';

export type ApiContext = Pick<BaseContext<TelegramConfig>, 'config' | 'http' | 'signal'>;
export type ApiParams = Record<string, unknown> | FormData;

const baseUrl = (config: TelegramConfig): string => config.apiBaseUrl.replace(/\/+$/, '');

/** a transport failure, described by its error code only: undici messages may quote the request */
function networkError(what: string, error: unknown, signal: AbortSignal): ChannelError {
  const e = error as { name?: unknown; code?: unknown; cause?: { code?: unknown; name?: unknown } } | undefined;
  const code = [e?.cause?.code, e?.code, e?.cause?.name, e?.name].find((v): v is string => typeof v === 'string' && v !== 'Error' && v !== 'TypeError');
  const reason = signal.aborted || code === 'AbortError' || code === 'TimeoutError' ? 'timed out' : `unreachable${code ? ` (${code})` : ''}`;
  return new ChannelError('UNAVAILABLE', `Telegram ${reason} during ${what}`);
}

/** maps an error answer by its error_code and description (providers.md §1.2) */
export function telegramError(what: string, status: number, body: ApiResponse | undefined, retryAfterHeader: string | null): ChannelError {
  const code = body?.error_code ?? status;
  const description = body?.description ?? `Telegram answered HTTP ${status} to ${what}`;
  const providerCode = code;
  if (code === 401) return new ChannelError('AUTH', description, { providerCode });
  // a token that is not shaped like one is answered 404 "Not Found" on every method
  if (code === 404 && description === 'Not Found') return new ChannelError('AUTH', `${description} (the bot token is not valid)`, { providerCode });
  if (code === 403) return new ChannelError('INVALID_RECIPIENT', description, { providerCode });
  if (code === 429) {
    const seconds = body?.parameters?.retry_after;
    const retryAfterMs = seconds !== undefined && seconds >= 0 ? Math.max(1000, seconds * 1000) : parseRetryAfter(retryAfterHeader) ?? 1000;
    return new ChannelError('RATE_LIMITED', description, { providerCode, retryAfterMs });
  }
  if (code === 400) {
    const migrated = body?.parameters?.migrate_to_chat_id;
    if (migrated !== undefined) return new ChannelError('INVALID_RECIPIENT', `${description} (the group is now the supergroup ${migrated})`, { providerCode });
    if (/chat not found|user not found|PEER_ID_INVALID|chat_id is empty/i.test(description)) return new ChannelError('INVALID_RECIPIENT', description, { providerCode });
    return new ChannelError('REJECTED', description, { providerCode });
  }
  if (code >= 500 || status >= 500) return new ChannelError('UNAVAILABLE', description, { providerCode });
  return channelErrorFromHttpStatus(status, description);
}

async function request(ctx: ApiContext, url: string, init: RequestInit, what: string): Promise<Response> {
  try {
    return await ctx.http(url, { ...init, signal: ctx.signal });
  } catch (error) {
    // the hub's own refusals (a private address) are final, not a provider outage
    if (error instanceof ChannelError) throw error;
    throw networkError(what, error, ctx.signal);
  }
}

async function readBody(res: Response, what: string, signal: AbortSignal): Promise<ApiResponse | undefined> {
  let text: string;
  try {
    text = await res.text();
  } catch (error) {
    if (error instanceof ChannelError) throw error;
    throw networkError(what, error, signal);
  }
  try {
    const parsed = apiResponseSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** calls a Bot API method (JSON body, or multipart for uploads) and returns its `result` */
export async function callBotApi(ctx: ApiContext, method: string, params: ApiParams = {}): Promise<unknown> {
  const url = `${baseUrl(ctx.config)}/bot${ctx.config.botToken}/${method}`;
  const init: RequestInit = params instanceof FormData
    ? { method: 'POST', body: params }
    : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(params) };
  const res = await request(ctx, url, init, method);
  const body = await readBody(res, method, ctx.signal);
  if (res.ok && body?.ok === true) return body.result;
  // not retried: the method may have been carried out, and a send repeated is a message sent twice (providers.md §1.7)
  if (res.ok) throw new ChannelError('UNAVAILABLE', `Telegram sent an unreadable answer to ${method}`, { providerCode: res.status, retryable: false });
  throw telegramError(method, res.status, body, res.headers.get('retry-after'));
}

/** getMe (checks the token), then setWebhook with our URL, the secret token and the update kinds we model */
export async function startTelegram(ctx: BaseContext<TelegramConfig>): Promise<StartResult<TelegramConfig>> {
  const me = botUserSchema.safeParse(await callBotApi(ctx, 'getMe'));
  if (!me.success) throw new ChannelError('UNAVAILABLE', 'Telegram sent an unreadable answer to getMe');
  if (!ctx.config.secretToken) throw new ChannelError('INVALID_CONFIG', 'the connection has no webhook secret token');
  await callBotApi(ctx, 'setWebhook', { url: ctx.webhookUrl, secret_token: ctx.config.secretToken, allowed_updates: ALLOWED_UPDATES });
  ctx.log.info('Telegram webhook registered', { bot: me.data.username ?? me.data.id, allowedUpdates: ALLOWED_UPDATES });
  return me.data.username && me.data.username !== ctx.config.botUsername ? { configUpdates: { botUsername: me.data.username } } : {};
}

/** deleteWebhook; pending updates stay queued at Telegram (up to 24 h) for the next start */
export async function stopTelegram(ctx: BaseContext<TelegramConfig>): Promise<void> {
  await callBotApi(ctx, 'deleteWebhook');
}

const EXTENSION_TYPES: Record<string, string> = {
  jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', gif: 'image/gif', webp: 'image/webp', mp4: 'video/mp4', webm: 'video/webm',
  oga: 'audio/ogg', ogg: 'audio/ogg', mp3: 'audio/mpeg', m4a: 'audio/mp4', pdf: 'application/pdf', tgs: 'application/x-tgsticker',
};

/** getFile, then the bytes from `${apiBaseUrl}/file/bot<token>/<file_path>` (providers.md §1.1; 20 MB at most) */
export async function fetchTelegramMedia(media: { providerMediaId: string; mimeType?: string }, ctx: ApiContext): Promise<FetchedMedia> {
  const file = fileSchema.safeParse(await callBotApi(ctx, 'getFile', { file_id: media.providerMediaId }));
  if (!file.success) throw new ChannelError('UNAVAILABLE', 'Telegram sent an unreadable answer to getFile');
  const path = file.data.file_path;
  if (!path) throw new ChannelError('REJECTED', 'Telegram has no download path for this file (over 20 MB?)');
  const url = `${baseUrl(ctx.config)}/file/bot${ctx.config.botToken}/${path.split('/').map(encodeURIComponent).join('/')}`;
  const res = await request(ctx, url, { method: 'GET' }, 'file download');
  if (!res.ok) throw telegramError('file download', res.status, await readBody(res, 'file download', ctx.signal), res.headers.get('retry-after'));
  let bytes: Buffer;
  try {
    bytes = Buffer.from(await res.arrayBuffer());
  } catch (error) {
    throw networkError('file download', error, ctx.signal);
  }
  const fileName = path.split('/').pop() || undefined;
  const served = res.headers.get('content-type')?.split(';')[0]?.trim();
  const byExtension = EXTENSION_TYPES[fileName?.split('.').pop()?.toLowerCase() ?? ''];
  const mimeType = media.mimeType ?? (served && served !== 'application/octet-stream' ? served : undefined) ?? byExtension ?? 'application/octet-stream';
  return { bytes, mimeType, ...(fileName ? { fileName } : {}) };
}
