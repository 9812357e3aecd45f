/**
 * @module core/agents/webhook-agent
 * The `webhook` agent: an external bot. Each customer message is POSTed as an event signed exactly like outgoing
 * webhooks (`Switchboard-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`, `Switchboard-Timestamp`,
 * `Switchboard-Delivery` = the turn id, `Switchboard-Event: message.received`). A 2xx body
 * `{replies: [{content} | {text}], handoff?: {reason}}` is acted on at once; an empty 2xx means the bot answers
 * later through the REST API. Errors, timeouts and bodies of another shape are thrown as `WebhookBotError`; the agent
 * service answers with the fallback reply and a handoff.
 */
import { z } from 'zod';
import type { HttpClient } from '../../channel-kit/index.js';
import { ContentSchema, type Content } from '../../model/index.js';
import { signWebhook } from '../webhooks/webhook-service.js';
import type { WebhookAgentConfig } from './agent-config.js';
import { BodyTooLargeError, readBoundedText } from './bounded-body.js';
import { isAddressRefusal } from '../security/address-guard.js';

export class WebhookBotError extends Error {
  override readonly name = 'WebhookBotError';
}

const BotAnswerSchema = z.object({
  replies: z
    .array(z.union([z.object({ content: ContentSchema }), z.object({ text: z.string().min(1).max(65_536) })]))
    .max(20)
    .default([]),
  handoff: z.object({ reason: z.string().max(500).default('the bot asked for a person') }).optional(),
});

export interface BotAnswer {
  replies: Content[];
  handoff?: { reason: string } | undefined;
  later: boolean;
}

export async function callWebhookBot(
  http: HttpClient,
  config: WebhookAgentConfig,
  event: { id: string; occurredAt: string; data: Record<string, unknown> },
  now: Date,
): Promise<BotAnswer> {
  const body = JSON.stringify({
    id: event.id,
    type: 'message.received',
    occurredAt: event.occurredAt,
    data: event.data,
  });
  const timestamp = String(Math.floor(now.getTime() / 1000));
  let res: Response;
  try {
    res = await http(config.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Switchboard-Agents/1',
        'switchboard-delivery': event.id,
        'switchboard-event': 'message.received',
        'switchboard-timestamp': timestamp,
        'switchboard-signature': signWebhook(config.secret, timestamp, body),
      },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(config.timeoutMs),
    });
  } catch (error) {
    if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError'))
      throw new WebhookBotError(`the bot did not answer within ${config.timeoutMs} ms`);
    if (isAddressRefusal(error)) throw new WebhookBotError(error.message);
    throw new WebhookBotError(`could not reach the bot: ${error instanceof Error ? error.message : String(error)}`);
  }
  // an oversized answer is a failure of the bot, not an empty "I will answer later"
  const text = await readBoundedText(res).catch((error: unknown) => {
    if (error instanceof BodyTooLargeError) throw new WebhookBotError(`the bot's ${error.message}`);
    return '';
  });
  if (res.status < 200 || res.status >= 300)
    throw new WebhookBotError(`the bot answered ${res.status}${text ? `: ${text.slice(0, 200)}` : ''}`);
  if (text.trim() === '') return { replies: [], later: true };
  let parsed: z.infer<typeof BotAnswerSchema>;
  try {
    parsed = BotAnswerSchema.parse(JSON.parse(text));
  } catch {
    throw new WebhookBotError(
      'the bot answered with a body that is not {replies: [{content} | {text}], handoff?: {reason}}',
    );
  }
  const replies = parsed.replies.map((r): Content => ('content' in r ? r.content : { type: 'text', text: r.text }));
  return { replies, handoff: parsed.handoff, later: replies.length === 0 && !parsed.handoff };
}
