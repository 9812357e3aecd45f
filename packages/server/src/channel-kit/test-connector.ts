/**
 * @module channel-kit/test-connector
 * A small, complete connector for the kit's own tests and the pipeline's end-to-end tests: webhooks signed with
 * HMAC-SHA256 of the raw body in `X-Test-Signature: sha256=<hex>`, and a JSON "provider" API at apiBaseUrl
 * (`POST /messages` → `{id}`; errors `{error: {code, message}}` with Retry-After on 429). Never registered in
 * production builds.
 */
import { z } from 'zod';
import {
  defineConnector,
  type ConnectorDefinition,
  type OutboundMessage,
  type SendContext,
  type SendReceipt,
  type WebhookOutcome,
  type WebhookRequest,
} from './connector.js';
import { secret } from './config-schema.js';
import { optOutField } from './opt-out.js';
import { ChannelError, channelErrorFromHttpStatus, parseRetryAfter } from './errors.js';
import { hmac, verifyHmac } from './signature.js';

const configSchema = z.object({
  signingSecret: secret(z.string().min(8)),
  apiToken: secret(z.string().min(8)),
  apiBaseUrl: z.url().default('http://127.0.0.1:9'),
  /** start() calls GET {apiBaseUrl}/me when true */
  checkOnStart: z.boolean().default(false),
  /** no keywords by default: tests turn them on with {enabled: true, …} */
  optOut: optOutField(),
});
export type TestConfig = z.infer<typeof configSchema>;

const updateSchema = z.object({
  id: z.string().min(1),
  type: z.string(),
  from: z.string().min(1).optional(),
  name: z.string().optional(),
  text: z.string().optional(),
  /** our address the customer wrote to (sticky sender tests) */
  to: z.string().optional(),
  mediaId: z.string().optional(),
  mimeType: z.string().optional(),
  messageId: z.string().optional(),
  status: z.enum(['sent', 'delivered', 'read', 'failed']).optional(),
  at: z.string().optional(),
});

export function signTestBody(secretValue: string, body: string | Buffer): string {
  return `sha256=${hmac('sha256', secretValue, body, 'hex')}`;
}

function parse(req: WebhookRequest): WebhookOutcome {
  let json: unknown;
  try {
    json = JSON.parse(req.rawBody.toString('utf8'));
  } catch {
    return { kind: 'ignored', reason: 'body is not JSON' };
  }
  const updates = Array.isArray(json) ? json : [json];
  const events = [];
  for (const raw of updates) {
    const u = updateSchema.safeParse(raw);
    if (!u.success) continue;
    const at = u.data.at ?? '2024-01-01T00:00:00.000Z';
    if (u.data.type === 'message' && u.data.from && (u.data.text || u.data.mediaId)) {
      const content = u.data.mediaId
        ? {
            type: 'image' as const,
            media: {
              url: '',
              mimeType: u.data.mimeType ?? 'image/png',
              providerMediaId: u.data.mediaId,
              state: 'pending' as const,
              ...(u.data.text ? { caption: u.data.text } : {}),
            },
          }
        : { type: 'text' as const, text: u.data.text as string };
      events.push({
        kind: 'message' as const,
        providerMessageId: u.data.id,
        from: { address: u.data.from, ...(u.data.name ? { name: u.data.name } : {}) },
        ...(u.data.to ? { to: u.data.to } : {}),
        content,
        timestamp: at,
      });
    } else if (u.data.type === 'status' && u.data.messageId && u.data.status) {
      events.push({
        kind: 'status' as const,
        providerMessageId: u.data.messageId,
        status: u.data.status,
        timestamp: at,
        ...(u.data.status === 'failed' ? { detail: { code: 'PROVIDER', message: 'undeliverable' } } : {}),
      });
    }
  }
  return events.length > 0 ? { kind: 'events', events } : { kind: 'ignored', reason: 'no update kind we model' };
}

async function providerError(res: Response): Promise<ChannelError> {
  const body = (await res.json().catch(() => ({}))) as { error?: { message?: string } };
  return channelErrorFromHttpStatus(
    res.status,
    body.error?.message ?? `provider answered ${res.status}`,
    parseRetryAfter(res.headers.get('retry-after')),
  );
}

/** the test provider's one send call: text (and template or media, for variants that send those) */
export async function sendTest(message: OutboundMessage, ctx: SendContext<TestConfig>): Promise<SendReceipt> {
  const c = message.content;
  const text =
    c.type === 'text' ? c.text : c.type === 'template' ? `[${c.template.name}] ${c.template.text ?? ''}` : undefined;
  const media = 'media' in c ? await ctx.media.read(c.media.url) : undefined;
  if (text === undefined && !media) throw new ChannelError('UNSUPPORTED', `cannot send ${c.type}`);
  let res: Response;
  try {
    res = await ctx.http(`${ctx.config.apiBaseUrl}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ctx.config.apiToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        to: message.to,
        from: message.from,
        text: text ?? '',
        ref: message.id,
        ...(media ? { media: media.bytes.toString('base64'), mimeType: media.mimeType } : {}),
      }),
      signal: ctx.signal,
    });
  } catch (error) {
    throw new ChannelError('UNAVAILABLE', 'provider unreachable', { cause: error });
  }
  if (!res.ok) {
    const error = await providerError(res);
    ctx.log.warn(`send failed: ${error.code}`, { status: res.status });
    throw error;
  }
  const body = (await res.json()) as { id: string };
  return { providerMessageId: body.id };
}

/** the definition, for tests that need a variant (more content types, features) of the same provider */
export const testConnectorDefinition = {
  type: 'x-test',
  displayName: 'Test gateway',
  description: 'HMAC-signed test connector used by the kit and pipeline tests',
  limits: {
    inbound: ['text'],
    maxTextLength: 1000,
    buttons: 0,
    receipts: { delivered: true, read: true },
    rateLimit: { perSecond: 200, burst: 50 },
  },
  addressKind: 'opaque',
  configSchema,
  send: { text: sendTest },
  inbound: {
    mode: 'webhook',
    verify(req, config) {
      const ok = verifyHmac({
        algorithm: 'sha256',
        secret: config.signingSecret,
        data: req.rawBody,
        received: req.headers['x-test-signature'],
        encoding: 'hex',
        prefix: 'sha256=',
      });
      return ok
        ? { ok: true }
        : {
            ok: false,
            status: 401,
            reason: req.headers['x-test-signature'] ? 'signature mismatch' : 'missing X-Test-Signature',
          };
    },
    parse: (req) => parse(req),
    eventKey: (req) => req.headers['x-test-delivery'],
    // the signature re-verifies the stored body; the delivery id names it
    storedHeaders: { keep: ['content-type', 'x-test-signature', 'x-test-delivery'] },
  },
  async start(ctx) {
    if (!ctx.config.checkOnStart) return;
    const res = await ctx.http(`${ctx.config.apiBaseUrl}/me`, {
      headers: { authorization: `Bearer ${ctx.config.apiToken}` },
    });
    if (!res.ok) throw await providerError(res);
  },
  features: {
    optOut: {},
    async fetchMedia(media, ctx) {
      const res = await ctx.http(`${ctx.config.apiBaseUrl}/media/${encodeURIComponent(media.providerMediaId)}`, {
        headers: { authorization: `Bearer ${ctx.config.apiToken}` },
      });
      if (!res.ok) throw await providerError(res);
      return {
        bytes: Buffer.from(await res.arrayBuffer()),
        mimeType: res.headers.get('content-type') ?? 'application/octet-stream',
      };
    },
  },
} satisfies ConnectorDefinition<TestConfig>;

export const testConnector = defineConnector(testConnectorDefinition);
