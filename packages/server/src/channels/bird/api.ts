/**
 * @module channels/bird/api — the Bird platform calls of the connector (https://docs.bird.com/api): one client with
 * `Authorization: AccessKey …`, Bird's error body `{code, message}` mapped once to ChannelError codes (401/403 →
 * AUTH, 429 → RATE_LIMITED, 5xx → UNAVAILABLE, other 4xx → REJECTED with Bird's message), the start check of the
 * channel, the webhook subscriptions (created at start, removed at stop), media download and upload, templates.
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
  type StartResult,
} from '../../channel-kit/index.js';
import type { BirdChannelKind, BirdConfig } from './config.js';
import {
  birdChannelSchema,
  birdChannelTemplateListSchema,
  birdErrorSchema,
  birdPresignSchema,
  birdProjectListSchema,
  birdSubscriptionListSchema,
} from './payloads.js';

type Ctx = BaseContext<BirdConfig>;

/** our code for a failed status's `failure.code` (Bird's codes are strings or numbers); the worker never retries a status */
export function codeForBirdFailure(code: string | number | undefined, status: string | undefined): ChannelErrorCode {
  const text = String(code ?? '').toLowerCase();
  if (/recipient|receiver|invalid_number|unreachable|blocked/.test(text)) return 'INVALID_RECIPIENT';
  if (/window|session|outside/.test(text)) return 'WINDOW_CLOSED';
  if (status === 'sending_failed' && /auth|credential/.test(text)) return 'AUTH';
  return 'REJECTED';
}

/** Bird answered non-2xx: its `{code, message}` body (https://docs.bird.com/api/api-access/api-errors) → a ChannelError */
export function birdError(status: number, json: unknown, retryAfterMs: number | undefined): ChannelError {
  const body = birdErrorSchema.safeParse(json);
  const code = body.success ? body.data.code : undefined;
  const message = body.success && body.data.message ? body.data.message : `Bird answered HTTP ${status}`;
  const text = code && !message.includes(code) ? `${message} (${code})` : message;
  const providerCode = code ?? status;
  if (status === 401 || status === 403) return new ChannelError('AUTH', text, { providerCode });
  if (status === 429)
    return new ChannelError('RATE_LIMITED', text, { providerCode, retryAfterMs: retryAfterMs ?? 1000 });
  if (status >= 500 || status === 408)
    return new ChannelError('UNAVAILABLE', text, { providerCode, ...(retryAfterMs ? { retryAfterMs } : {}) });
  if (status === 404) return new ChannelError('INVALID_CONFIG', text, { providerCode });
  if (/receiver|recipient|identifier/i.test(`${code ?? ''}`))
    return new ChannelError('INVALID_RECIPIENT', text, { providerCode });
  return new ChannelError('REJECTED', text, { providerCode });
}

function client(ctx: Ctx): ProviderClient {
  return providerClient({
    provider: 'Bird',
    http: ctx.http,
    signal: ctx.signal,
    secrets: [ctx.config.accessKey, ctx.config.signingKey],
    mapError: (res) => {
      const error = birdError(res.status, res.json, res.retryAfterMs);
      ctx.log.warn(`Bird call failed: ${error.code}`, { status: res.status, birdCode: error.providerCode });
      return error;
    },
  });
}

const auth = (ctx: Ctx): Record<string, string> => ({ authorization: `AccessKey ${ctx.config.accessKey}` });
const base = (config: BirdConfig) => config.apiBaseUrl.replace(/\/+$/, '');
const ws = (config: BirdConfig) => `${base(config)}/workspaces/${encodeURIComponent(config.workspaceId)}`;
export const channelUrl = (config: BirdConfig, path = '') =>
  `${ws(config)}/channels/${encodeURIComponent(config.channelId)}${path}`;

/** one authenticated call; answers the parsed JSON body ({} when empty) or throws a mapped ChannelError */
export async function birdCall(ctx: Ctx, url: string, init: Omit<ProviderRequest, 'headers'> = {}): Promise<unknown> {
  const res = await client(ctx).call(url, { ...init, headers: auth(ctx) });
  if (res.text === '') return {};
  if (res.json === undefined)
    throw new ChannelError('UNAVAILABLE', `Bird answered HTTP ${res.status} with a body that is not JSON`, {
      providerCode: res.status,
    });
  return res.json;
}

/** the channel's platform (`platformId` such as "sms-messagebird" or "whatsapp") → the kind this connector speaks */
export function channelKindOf(platformId: string): BirdChannelKind | undefined {
  const p = platformId.toLowerCase();
  if (p.startsWith('whatsapp')) return 'whatsapp';
  if (p.startsWith('sms')) return 'sms';
  return undefined;
}

/** what a connection's limits are for its channel's kind (connector.limitsFor) */
export function birdLimits(kind: BirdChannelKind | undefined): Partial<ChannelLimits> {
  if (kind !== 'whatsapp') return {};
  return {
    // the WhatsApp rules Bird passes through (https://docs.bird.com/applications/channels/channels/supported-channels/whatsapp,
    // https://developers.facebook.com/docs/whatsapp/cloud-api/reference/messages)
    maxTextLength: 4096,
    buttons: 3,
    listItems: 10,
    receipts: { delivered: true, read: true },
    windowHours: 24,
    rateLimit: { perSecond: 80, burst: 80 },
    maxMediaBytes: 100 * 1024 * 1024,
  };
}

/** the notification events of one channel we subscribe to: messages in, our messages' statuses, interactions (reads) */
export const subscriptionEvents = (kind: BirdChannelKind) => [
  `${kind}.inbound`,
  `${kind}.outbound`,
  `${kind}.interaction`,
];

const SUBSCRIPTIONS = (config: BirdConfig) => `${ws(config)}/webhook-subscriptions`;

/** removes every subscription of this workspace that points at our URL (Bird allows 5 per identical filter) */
async function removeOurSubscriptions(ctx: Ctx): Promise<number> {
  let removed = 0;
  let pageToken: string | undefined;
  for (let page = 0; page < 50; page++) {
    const url = `${SUBSCRIPTIONS(ctx.config)}?limit=100${pageToken ? `&pageToken=${encodeURIComponent(pageToken)}` : ''}`;
    const list = birdSubscriptionListSchema.safeParse(await birdCall(ctx, url));
    if (!list.success)
      throw new ChannelError('UNAVAILABLE', 'Bird listed webhook subscriptions in an unexpected shape');
    for (const s of list.data.results) {
      if (s.url !== ctx.webhookUrl) continue;
      await birdCall(ctx, `${SUBSCRIPTIONS(ctx.config)}/${encodeURIComponent(s.id)}`, { method: 'DELETE' });
      removed++;
    }
    pageToken = list.data.nextPageToken;
    if (!pageToken) break;
  }
  return removed;
}

/**
 * start: the key must read the channel (401/403 → AUTH, 404 → INVALID_CONFIG), whose platform we learn; then one
 * webhook subscription per event, filtered to this channel and signed with our signing key, replacing any earlier
 * ones for our URL (https://docs.bird.com/api/notifications-api/api-reference/webhook-subscriptions).
 */
export async function startBird(ctx: Ctx): Promise<StartResult<BirdConfig>> {
  let raw: unknown;
  try {
    raw = await birdCall(ctx, channelUrl(ctx.config));
  } catch (error) {
    if (error instanceof ChannelError && error.code === 'INVALID_CONFIG')
      throw new ChannelError(
        'INVALID_CONFIG',
        `channel ${ctx.config.channelId} is not in workspace ${ctx.config.workspaceId}: ${error.message}`,
        {
          providerCode: error.providerCode ?? undefined,
        },
      );
    throw error;
  }
  const channel = birdChannelSchema.safeParse(raw);
  if (!channel.success)
    throw new ChannelError('UNAVAILABLE', 'Bird answered the channel lookup in an unexpected shape');
  const kind = channelKindOf(channel.data.platformId);
  if (!kind)
    throw new ChannelError(
      'INVALID_CONFIG',
      `channel ${ctx.config.channelId} is a ${channel.data.platformId} channel; this connector carries SMS and WhatsApp channels`,
    );
  if (!ctx.config.signingKey) throw new ChannelError('INVALID_CONFIG', 'no signing key for the webhook subscriptions');
  await removeOurSubscriptions(ctx);
  for (const event of subscriptionEvents(kind)) {
    await birdCall(ctx, SUBSCRIPTIONS(ctx.config), {
      json: {
        service: 'channels',
        event,
        url: ctx.webhookUrl,
        signingKey: ctx.config.signingKey,
        eventFilters: [{ key: 'channelId', value: ctx.config.channelId }],
      },
    });
  }
  ctx.log.info(`Bird ${kind} channel ${ctx.config.channelId} (${channel.data.identifier ?? '?'}) subscribed`);
  return { configUpdates: { channelKind: kind } };
}

export async function stopBird(ctx: Ctx): Promise<void> {
  const removed = await removeOurSubscriptions(ctx);
  ctx.log.info(`${removed} Bird webhook subscriptions removed`);
}

/** our key goes only to Bird's own hosts (the API's, or *.bird.com media), never to a URL a payload names elsewhere */
function birdHosted(url: string, config: BirdConfig): boolean {
  try {
    const u = new URL(url);
    const api = new URL(config.apiBaseUrl);
    return (
      u.origin === api.origin ||
      (u.protocol === 'https:' && (u.hostname === 'bird.com' || u.hostname.endsWith('.bird.com')))
    );
  } catch {
    return false;
  }
}

/** an inbound file: Bird's media URL (the providerMediaId), fetched with the access key when it is Bird's */
export async function fetchBirdMedia(
  media: { providerMediaId: string; mimeType?: string },
  ctx: Ctx,
): Promise<FetchedMedia> {
  const url = media.providerMediaId;
  const { bytes, headers } = await client(ctx).download(url, birdHosted(url, ctx.config) ? { headers: auth(ctx) } : {});
  const mimeType = headers.get('content-type')?.split(';')[0]?.trim() || media.mimeType || 'application/octet-stream';
  const fileName = /filename="?([^";]+)"?/.exec(headers.get('content-disposition') ?? '')?.[1];
  return { bytes, mimeType, ...(fileName ? { fileName } : {}) };
}

/** an outbound file: a presigned upload to Bird's media store → the mediaUrl a message body names (https://docs.bird.com/api/channels-api/supported-channels/programmable-sms/sending-media-messages) */
export async function uploadBirdMedia(
  ctx: Ctx,
  file: { bytes: Buffer; mimeType: string; fileName?: string | undefined },
): Promise<string> {
  const presign = birdPresignSchema.safeParse(
    await birdCall(ctx, channelUrl(ctx.config, '/presigned-upload'), { json: { contentType: file.mimeType } }),
  );
  if (!presign.success) throw new ChannelError('UNAVAILABLE', 'Bird answered the upload request without an upload URL');
  const form = new FormData();
  for (const [k, v] of Object.entries(presign.data.uploadFormData)) form.set(k, v);
  form.set('file', new Blob([new Uint8Array(file.bytes)], { type: file.mimeType }), file.fileName ?? 'file');
  // the upload URL carries its own authorization in the form fields: no access key goes with it
  await client(ctx).call(presign.data.uploadUrl, { method: presign.data.uploadMethod.toUpperCase(), form });
  return presign.data.mediaUrl;
}

interface BirdTemplateRef {
  projectId: string;
  version: string;
  locale: string;
  name: string;
  variables: string[];
  body: string;
  status: string;
}

const PROJECTS = (config: BirdConfig) => `${ws(config)}/projects`;

/** every template project with its active channel template (its version), one per supported locale */
async function listTemplates(ctx: Ctx): Promise<BirdTemplateRef[]> {
  const out: BirdTemplateRef[] = [];
  let pageToken: string | undefined;
  for (let page = 0; page < 50; page++) {
    const projects = birdProjectListSchema.safeParse(
      await birdCall(
        ctx,
        `${PROJECTS(ctx.config)}?type=template&limit=100${pageToken ? `&pageToken=${encodeURIComponent(pageToken)}` : ''}`,
      ),
    );
    if (!projects.success) throw new ChannelError('UNAVAILABLE', 'Bird listed projects in an unexpected shape');
    for (const project of projects.data.results) {
      const versions = birdChannelTemplateListSchema.safeParse(
        await birdCall(ctx, `${PROJECTS(ctx.config)}/${encodeURIComponent(project.id)}/channel-templates`),
      );
      if (!versions.success) continue;
      // the active version is the one that sends; otherwise the newest tells the operator why it cannot
      const sorted = [...versions.data.results].sort((a, b) => (b.updatedAt ?? '').localeCompare(a.updatedAt ?? ''));
      const version = sorted.find((v) => v.status === 'active') ?? sorted[0];
      if (!version) continue;
      const locales = version.supportedLocales?.map((l) => l.locale) ?? [version.defaultLocale ?? 'en'];
      for (const locale of locales) {
        const text =
          version.platformContent?.find((c) => c.locale === locale)?.text ?? version.platformContent?.[0]?.text ?? '';
        out.push({
          projectId: project.id,
          version: version.id,
          locale,
          name: project.name ?? project.id,
          variables: version.variables.map((v) => v.key),
          body: text,
          status: version.status,
        });
      }
    }
    pageToken = projects.data.nextPageToken;
    if (!pageToken) break;
  }
  return out;
}

/** features.templates.sync: Bird's `active` is our APPROVED (the template service sends only those) */
export async function syncBirdTemplates(ctx: Ctx): Promise<ProviderTemplate[]> {
  return (await listTemplates(ctx)).map((t) => ({
    id: `${t.projectId}@${t.version}`,
    name: t.name,
    language: t.locale,
    status: t.status === 'active' ? 'APPROVED' : t.status.toUpperCase(),
    category: 'TEMPLATE',
    components: [{ projectId: t.projectId, version: t.version, locale: t.locale }],
    variables: t.variables,
    body: t.body.replace(/\{\{\s*([A-Za-z0-9_.]+)\s*\}\}/g, '{{$1}}'),
  }));
}

/** the project id and version a template send names, found by the template's name and locale */
export async function resolveBirdTemplate(
  ctx: Ctx,
  name: string,
  locale: string,
): Promise<{ projectId: string; version: string }> {
  const found = (await listTemplates(ctx)).find((t) => t.name === name && t.locale === locale && t.status === 'active');
  if (!found) throw new ChannelError('REJECTED', `Bird has no active template '${name}' in ${locale}`);
  return { projectId: found.projectId, version: found.version };
}
