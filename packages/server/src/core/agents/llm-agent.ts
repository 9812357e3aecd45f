/**
 * @module core/agents/llm-agent
 * The `llm` agent's provider calls, OpenAI chat-completions shape (https://platform.openai.com/docs/api-reference/chat):
 * the conversation in the unified format becomes `messages` (system prompt + knowledge, then inbound → user,
 * outbound → assistant, non-text content summarised, voice messages as their transcript), with one tool,
 * `handoff_to_human`. Any failure (HTTP error, timeout, a body that is not a chat completion) is thrown as an
 * `LlmError`; the agent service turns it into the fallback reply plus a handoff, never silence.
 */
import { z } from 'zod';
import type { HttpClient } from '../../channel-kit/index.js';
import type { Content } from '../../model/index.js';
import type { MessageRecord } from '../ports/index.js';
import type { LlmConfig } from './agent-config.js';
import { readBoundedJson, readBoundedText } from './bounded-body.js';
import { isAddressRefusal } from '../security/address-guard.js';

export class LlmError extends Error {
  override readonly name = 'LlmError';
}

export const HANDOFF_TOOL = 'handoff_to_human';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** a message as the model reads it: text, or a short description of what it was */
export function contentAsText(content: Content, metadata: Record<string, unknown> = {}): string {
  switch (content.type) {
    case 'text':
      return content.text;
    case 'audio':
      return typeof metadata.transcript === 'string' && metadata.transcript.trim()
        ? metadata.transcript
        : `[voice message${content.media.caption ? `: ${content.media.caption}` : ''}]`;
    case 'image':
    case 'video':
    case 'document':
    case 'sticker':
      return `[${content.type}${content.media.fileName ? ` ${content.media.fileName}` : ''}${content.media.caption ? `: ${content.media.caption}` : ''}]`;
    case 'location': {
      const l = content.location;
      return `[location: ${[l.name, l.address].filter(Boolean).join(', ') || `${l.latitude}, ${l.longitude}`}]`;
    }
    case 'contact':
      return `[contact card: ${content.contacts.map((c) => c.name).join(', ')}]`;
    case 'interactive': {
      const i = content.interactive;
      if (i.reply) return i.reply.title;
      const options = i.buttons?.map((b) => b.title).join(' | ');
      return [i.text ?? '', options ? `[buttons: ${options}]` : ''].filter(Boolean).join('\n') || '[interactive]';
    }
    case 'cards':
      return [content.text ?? '', `[cards: ${content.cards.map((c) => c.title).join(' | ')}]`]
        .filter(Boolean)
        .join('\n');
    case 'reaction':
      return `[reaction ${content.reaction.emoji}]`;
    case 'template':
      return content.template.text ?? `[template ${content.template.name}]`;
  }
}

export function buildChatRequest(
  config: LlmConfig,
  history: Array<Pick<MessageRecord, 'direction' | 'content' | 'metadata'>>,
): Record<string, unknown> {
  const system =
    config.knowledge.length > 0
      ? `${config.systemPrompt}\n\nKnowledge you may rely on:\n${config.knowledge.map((k) => `- ${k}`).join('\n')}`
      : config.systemPrompt;
  const messages: ChatMessage[] = [{ role: 'system', content: system }];
  for (const m of history) {
    if (m.content.type === 'reaction') continue;
    messages.push({
      role: m.direction === 'inbound' ? 'user' : 'assistant',
      content: contentAsText(m.content, m.metadata),
    });
  }
  return {
    model: config.model,
    messages,
    tools: [
      {
        type: 'function',
        function: {
          name: HANDOFF_TOOL,
          description:
            'Hand the conversation over to a human colleague: when the customer asks for a person, or you cannot help.',
          parameters: {
            type: 'object',
            properties: { reason: { type: 'string', description: 'why a person should take over, in a few words' } },
            required: ['reason'],
          },
        },
      },
    ],
    tool_choice: 'auto',
    temperature: config.temperature,
    max_tokens: config.maxTokens,
  };
}

const ChatCompletionSchema = z.object({
  choices: z
    .array(
      z.object({
        message: z.object({
          role: z.string().optional(),
          content: z.string().nullable().optional(),
          tool_calls: z
            .array(
              z.object({
                id: z.string().optional(),
                type: z.string().optional(),
                function: z.object({ name: z.string(), arguments: z.string().optional() }),
              }),
            )
            .nullable()
            .optional(),
        }),
        finish_reason: z.string().nullable().optional(),
      }),
    )
    .min(1),
});

export interface LlmAnswer {
  text?: string | undefined;
  handoff?: { reason: string } | undefined;
}

function authHeaders(apiKey: string | undefined): Record<string, string> {
  return apiKey ? { authorization: `Bearer ${apiKey}` } : {};
}

function endpoint(baseUrl: string, path: string): string {
  return `${baseUrl.replace(/\/+$/, '')}${path}`;
}

/** the provider's own words from an OpenAI error body, else the start of the body */
async function providerError(res: Response): Promise<string> {
  const text = await readBoundedText(res, 64 * 1024).catch(() => '');
  try {
    const body = JSON.parse(text) as { error?: { message?: unknown } | string };
    const message = typeof body.error === 'string' ? body.error : body.error?.message;
    if (typeof message === 'string' && message) return `${res.status}: ${message.slice(0, 300)}`;
  } catch {
    // not JSON
  }
  return `${res.status}${text ? `: ${text.slice(0, 200)}` : ''}`;
}

async function request(http: HttpClient, url: string, init: RequestInit, timeoutMs: number): Promise<Response> {
  try {
    return await http(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError'))
      throw new LlmError(`the provider did not answer within ${timeoutMs} ms`);
    if (isAddressRefusal(error)) throw new LlmError(error.message);
    throw new LlmError(`could not reach the provider: ${error instanceof Error ? error.message : String(error)}`);
  }
}

export async function chatTurn(http: HttpClient, config: LlmConfig, body: Record<string, unknown>): Promise<LlmAnswer> {
  const res = await request(
    http,
    endpoint(config.baseUrl, '/chat/completions'),
    {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...authHeaders(config.apiKey) },
      body: JSON.stringify(body),
    },
    config.timeoutMs,
  );
  if (!res.ok) throw new LlmError(`the provider answered ${await providerError(res)}`);
  let parsed: z.infer<typeof ChatCompletionSchema>;
  try {
    parsed = ChatCompletionSchema.parse(await readBoundedJson(res));
  } catch {
    throw new LlmError('the provider answered with something that is not a chat completion');
  }
  const message = (parsed.choices[0] as z.infer<typeof ChatCompletionSchema>['choices'][number]).message;
  const text = message.content?.trim() ? message.content.trim() : undefined;
  const call = message.tool_calls?.find((c) => c.function.name === HANDOFF_TOOL);
  if (call) {
    let reason = 'the assistant asked for a person';
    try {
      const args = JSON.parse(call.function.arguments ?? '{}') as { reason?: unknown };
      if (typeof args.reason === 'string' && args.reason.trim()) reason = args.reason.trim().slice(0, 500);
    } catch {
      // arguments that are not JSON still mean "hand off"
    }
    return { text, handoff: { reason } };
  }
  if (!text) throw new LlmError('the provider answered with an empty message');
  return { text };
}

/** at start: the key and the model are checked with GET {baseUrl}/models */
export async function checkProvider(http: HttpClient, config: LlmConfig): Promise<void> {
  const res = await request(
    http,
    endpoint(config.baseUrl, '/models'),
    { method: 'GET', headers: authHeaders(config.apiKey) },
    Math.min(config.timeoutMs, 15_000),
  );
  if (res.status === 401 || res.status === 403)
    throw new LlmError(`the provider refused the API key (${await providerError(res)})`);
  if (!res.ok) throw new LlmError(`GET /models answered ${await providerError(res)}`);
  const body = (await readBoundedJson(res).catch(() => undefined)) as { data?: Array<{ id?: unknown }> } | undefined;
  if (Array.isArray(body?.data) && body.data.length > 0 && !body.data.some((m) => m.id === config.model)) {
    throw new LlmError(`the provider does not offer the model '${config.model}'`);
  }
}
