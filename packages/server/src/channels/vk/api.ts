/**
 * @module channels/vk/api — VK API calls `${apiBaseUrl}/method/<name>` as form posts with `v` and the token
 * (https://dev.vk.com/en/api/api-requests: JSON bodies are not accepted), errors mapped once by `error_code`
 * (https://dev.vk.com/en/reference/errors); start checks the token and registers our callback server.
 */
import { createHash } from 'node:crypto';
import {
  ChannelError,
  channelErrorFromHttpStatus,
  providerClient,
  requestWindow,
  type BaseContext,
  type FetchedMedia,
  type ProviderHealthCheck,
  type StartResult,
} from '../../channel-kit/index.js';
import type { VkConfig } from './config.js';
import { apiEnvelopeSchema, HANDLED_EVENTS } from './payloads.js';

export type ApiContext = Pick<BaseContext<VkConfig>, 'config' | 'http' | 'signal'>;

/** an `error` envelope → ChannelError (VK answers errors with HTTP 200) */
export function vkError(code: number, message: string): ChannelError {
  const text = `VK error ${code}: ${message}`;
  const providerCode = code;
  if (code === 5 || code === 27 || code === 28) return new ChannelError('AUTH', text, { providerCode });
  // 6 too many requests per second, 9 flood control, 29 rate limit reached
  if (code === 6 || code === 9 || code === 29)
    return new ChannelError('RATE_LIMITED', text, { providerCode, retryAfterMs: code === 29 ? 60_000 : 1000 });
  if (code === 1 || code === 10) return new ChannelError('UNAVAILABLE', text, { providerCode });
  // the user has not allowed (or has denied) the community's messages: their consent, recorded by the hub
  if (code === 901)
    return new ChannelError('OPTED_OUT', `${text} (the user has not allowed messages from the community)`, {
      providerCode,
    });
  if (code === 902)
    return new ChannelError('INVALID_RECIPIENT', `${text} (the user's privacy settings forbid it)`, { providerCode });
  if (code === 900 || code === 917 || code === 936 || code === 945)
    return new ChannelError('INVALID_RECIPIENT', text, { providerCode });
  if (code === 15 || code === 7) return new ChannelError('INVALID_CONFIG', text, { providerCode });
  return new ChannelError('REJECTED', text, { providerCode });
}

const base = (config: VkConfig) => config.apiBaseUrl.replace(/\/+$/, '');

/**
 * a community token may make 20 API requests a second, every method counted
 * (https://dev.vk.com/en/api/api-requests#restrictions-and-recommendations): sends, uploads' server requests,
 * typing, read marks, profile lookups and button answers share one window per token in this process
 */
const REQUESTS_PER_TOKEN = requestWindow(20);
const tokenKey = (token: string) => createHash('sha256').update(token).digest('hex').slice(0, 16);

/** calls a method and returns its `response` */
export async function callVk(
  ctx: ApiContext,
  method: string,
  params: Record<string, string | number> = {},
): Promise<unknown> {
  const form = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) form.set(k, String(v));
  form.set('v', ctx.config.apiVersion);
  const client = providerClient({
    provider: 'VK',
    http: ctx.http,
    signal: ctx.signal,
    secrets: [ctx.config.accessToken],
    mapError: (res, what) =>
      channelErrorFromHttpStatus(res.status, `VK answered HTTP ${res.status} to ${what ?? method}`),
  });
  const res = await REQUESTS_PER_TOKEN.run(
    tokenKey(ctx.config.accessToken),
    () =>
      client.call(`${base(ctx.config)}/method/${method}`, {
        form,
        headers: { authorization: `Bearer ${ctx.config.accessToken}` },
        what: method,
      }),
    ctx.signal,
  );
  const body = apiEnvelopeSchema.safeParse(res.json);
  if (!body.success)
    throw new ChannelError('UNAVAILABLE', `VK sent an unreadable answer to ${method}`, { retryable: false });
  if (body.data.error) throw vkError(body.data.error.error_code, client.scrub(body.data.error.error_msg));
  return body.data.response;
}

/** POSTs a file to an upload server URL VK gave us and returns its JSON answer */
export async function uploadTo(
  ctx: ApiContext,
  url: string,
  field: string,
  file: { bytes: Buffer; mimeType: string; fileName: string },
): Promise<Record<string, unknown>> {
  const form = new FormData();
  form.set(field, new Blob([new Uint8Array(file.bytes)], { type: file.mimeType }), file.fileName);
  const client = providerClient({
    provider: 'VK',
    http: ctx.http,
    signal: ctx.signal,
    secrets: [ctx.config.accessToken],
    mapError: (res) => channelErrorFromHttpStatus(res.status, `VK upload answered HTTP ${res.status}`),
  });
  const res = await client.call(url, { form, what: 'upload' });
  if (!res.json || typeof res.json !== 'object')
    throw new ChannelError('UNAVAILABLE', 'VK upload sent an unreadable answer');
  const json = res.json as Record<string, unknown>;
  if (typeof json.error === 'string')
    throw new ChannelError('REJECTED', `VK upload refused the file: ${json.error.slice(0, 100)}`);
  return json;
}

/**
 * groups.getById checks the token (error 5 → ERROR with VK's error_msg); in callback mode the confirmation code
 * is fetched and our URL registered with the event kinds we handle, or — when the token lacks the right — the
 * operator pastes the URL (https://dev.vk.com/en/method/groups.addCallbackServer, …/groups.setCallbackSettings).
 */
export async function startVk(ctx: BaseContext<VkConfig>): Promise<StartResult<VkConfig>> {
  await callVk(ctx, 'groups.getById', { group_id: ctx.config.groupId });
  if (ctx.config.inbound === 'longpoll') {
    await callVk(ctx, 'groups.setLongPollSettings', {
      group_id: ctx.config.groupId,
      enabled: 1,
      api_version: ctx.config.apiVersion,
      ...Object.fromEntries(HANDLED_EVENTS.map((e) => [e, 1])),
    });
    return {};
  }
  const updates: Partial<VkConfig> = {};
  let code = ctx.config.confirmationCode;
  try {
    const answer = (await callVk(ctx, 'groups.getCallbackConfirmationCode', { group_id: ctx.config.groupId })) as {
      code?: unknown;
    };
    if (typeof answer?.code === 'string') code = answer.code;
  } catch (error) {
    if (!(error instanceof ChannelError) || error.code === 'AUTH' || error.code === 'UNAVAILABLE') throw error;
    ctx.log.warn('VK confirmation code not readable with this token; it must be entered', { code: error.providerCode });
  }
  if (!code)
    throw new ChannelError(
      'INVALID_CONFIG',
      "no confirmation code: enter the one shown in the community's Callback API settings",
    );
  if (code !== ctx.config.confirmationCode) updates.confirmationCode = code;
  if (!ctx.config.secret) throw new ChannelError('INVALID_CONFIG', 'the connection has no callback secret');
  try {
    const servers = (await callVk(ctx, 'groups.getCallbackServers', { group_id: ctx.config.groupId })) as {
      items?: Array<{ id: number; url: string }>;
    };
    let serverId = servers.items?.find((s) => s.url === ctx.webhookUrl)?.id;
    if (serverId === undefined) {
      const added = (await callVk(ctx, 'groups.addCallbackServer', {
        group_id: ctx.config.groupId,
        url: ctx.webhookUrl,
        title: 'Switchboard',
        secret_key: ctx.config.secret,
      })) as { server_id?: number };
      serverId = added.server_id;
    }
    if (serverId !== undefined)
      await callVk(ctx, 'groups.setCallbackSettings', {
        group_id: ctx.config.groupId,
        server_id: serverId,
        api_version: ctx.config.apiVersion,
        ...Object.fromEntries(HANDLED_EVENTS.map((e) => [e, 1])),
      });
    ctx.log.info('VK callback server registered', { url: ctx.webhookUrl, events: HANDLED_EVENTS });
  } catch (error) {
    if (!(error instanceof ChannelError) || error.code === 'AUTH' || error.code === 'UNAVAILABLE') throw error;
    ctx.log.warn(
      `VK callback server not registered; paste ${ctx.webhookUrl} in the community's Callback API settings`,
      { code: error.providerCode },
    );
  }
  return Object.keys(updates).length > 0 ? { configUpdates: updates } : {};
}

/** inbound files: the attachment's own URL (VK's CDN serves it without the token) */
export async function fetchVkMedia(
  media: { providerMediaId: string; mimeType?: string },
  ctx: ApiContext,
): Promise<FetchedMedia> {
  const client = providerClient({
    provider: 'VK',
    http: ctx.http,
    signal: ctx.signal,
    secrets: [ctx.config.accessToken],
    mapError: (res) => channelErrorFromHttpStatus(res.status, `VK file download answered HTTP ${res.status}`),
  });
  const { bytes, contentType } = await client.download(media.providerMediaId, { what: 'file download' });
  return { bytes, mimeType: media.mimeType ?? contentType ?? 'application/octet-stream' };
}

const VK_STATUS: Record<string, string> = {
  unconfigured: 'has not confirmed it yet (the confirmation request is pending)',
  wait: 'is waiting for it to answer the confirmation request',
  failed: 'could not confirm it: the confirmation request got no valid answer',
};

/**
 * The provider's health. Callback mode: groups.getCallbackServers (https://dev.vk.com/en/method/groups.getCallbackServers)
 * — is a server with our URL registered, and is its status `ok` (VK sends events only to confirmed servers;
 * `unconfigured`/`wait` while confirming, `failed` when our answer never came). Long Poll mode:
 * groups.getLongPollSettings (https://dev.vk.com/en/method/groups.getLongPollSettings) — still enabled, with the
 * events we handle (another app can switch it off or change them).
 */
export async function vkHealth(ctx: BaseContext<VkConfig>): Promise<ProviderHealthCheck[]> {
  const restart = 'restart the connection to register it again';
  if (ctx.config.inbound === 'longpoll') {
    const settings = (await callVk(ctx, 'groups.getLongPollSettings', { group_id: ctx.config.groupId })) as {
      is_enabled?: unknown;
      events?: Record<string, unknown>;
    };
    const missing = HANDLED_EVENTS.filter((e) => Number(settings.events?.[e] ?? 0) !== 1);
    if (settings.is_enabled !== true)
      return [
        {
          name: 'long_poll',
          state: 'warning',
          detail: `VK says the Bots Long Poll API is off for community ${ctx.config.groupId}: no message reaches the hub — ${restart}`,
        },
      ];
    return [
      missing.length > 0
        ? {
            name: 'long_poll',
            state: 'warning',
            detail: `VK's Long Poll settings for community ${ctx.config.groupId} leave out ${missing.join(', ')} — ${restart}`,
          }
        : { name: 'long_poll', state: 'healthy', detail: `VK's Long Poll API is on with every event the hub handles` },
    ];
  }
  const answer = (await callVk(ctx, 'groups.getCallbackServers', { group_id: ctx.config.groupId })) as {
    items?: Array<{ url?: unknown; status?: unknown }>;
  };
  const servers = Array.isArray(answer.items) ? answer.items : [];
  const ours = servers.find((s) => s.url === ctx.webhookUrl);
  if (!ours) {
    const others = servers.map((s) => String(s.url)).filter(Boolean);
    return [
      {
        name: 'webhook',
        state: 'warning',
        detail: `VK has no callback server with ${ctx.webhookUrl} for community ${ctx.config.groupId}${others.length > 0 ? ` (it has ${others.join(', ')})` : ''}: events do not reach the hub — ${restart}`,
      },
    ];
  }
  const status = typeof ours.status === 'string' ? ours.status : 'unknown';
  return [
    status === 'ok'
      ? {
          name: 'webhook',
          state: 'healthy',
          detail: `VK delivers community ${ctx.config.groupId}'s events to ${ctx.webhookUrl}`,
        }
      : {
          name: 'webhook',
          state: 'warning',
          detail: `VK lists ${ctx.webhookUrl} with status '${status}': VK ${VK_STATUS[status] ?? 'does not send it events'} — the URL must be public and answer the confirmation code (SWITCHBOARD_PUBLIC_URL); ${restart}`,
        },
  ];
}
