// Chat completions (https://platform.openai.com/docs/api-reference/chat/create): validates the request as the API
// does (model, messages and their roles, tool messages answering a preceding tool call, temperature, tools) and
// builds `chat.completion` objects — a text answer (finish_reason "stop", or "length" when max_tokens cut it) or
// tool calls (content null, finish_reason "tool_calls").
import { randomAlnum } from '../random-ids.js';
import { invalidRequest } from './errors.js';

export interface ChatToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}
export interface ChatRequestMessage {
  role: string;
  content?: unknown;
  tool_calls?: ChatToolCall[];
  tool_call_id?: string;
  name?: string;
}
export interface ChatRequest {
  model: string;
  messages: ChatRequestMessage[];
  tools?: Array<{ type: string; function: { name: string; description?: string; parameters?: unknown } }>;
  tool_choice?: unknown;
  temperature?: number;
  max_tokens?: number;
  max_completion_tokens?: number;
  [key: string]: unknown;
}

const ROLES = new Set(['system', 'developer', 'user', 'assistant', 'tool', 'function']);
const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

function fail(message: string, param: string | null, code: string | null = null): never {
  throw invalidRequest(message, param, code);
}

/** throws an OpenAiError (400) for the first problem, as the API reports one at a time */
export function validateChatRequest(body: unknown): ChatRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    fail('Invalid request body: expected a JSON object.', null);
  const req = body as Record<string, unknown>;
  if (typeof req.model !== 'string' || req.model === '') fail('you must provide a model parameter', null);
  if (!Array.isArray(req.messages))
    fail("Missing required parameter: 'messages'.", 'messages', 'missing_required_parameter');
  if (req.messages.length === 0)
    fail(
      "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.",
      'messages',
      'empty_array',
    );
  const pendingToolCalls = new Set<string>();
  req.messages.forEach((m: unknown, i: number) => {
    if (typeof m !== 'object' || m === null)
      fail(
        `Invalid type for 'messages[${i}]': expected an object, but got ${typeof m} instead.`,
        `messages[${i}]`,
        'invalid_type',
      );
    const msg = m as ChatRequestMessage;
    if (typeof msg.role !== 'string' || !ROLES.has(msg.role)) {
      fail(
        `Invalid value: '${String(msg.role)}'. Supported values are: 'system', 'assistant', 'user', 'function', 'tool', and 'developer'.`,
        `messages[${i}].role`,
        'invalid_value',
      );
    }
    if (msg.role === 'assistant' && Array.isArray(msg.tool_calls)) {
      for (const call of msg.tool_calls) pendingToolCalls.add(call.id);
    } else if (msg.role === 'tool') {
      if (typeof msg.tool_call_id !== 'string' || !pendingToolCalls.has(msg.tool_call_id)) {
        fail(
          "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.",
          `messages.[${i}].role`,
        );
      }
    } else if (msg.content === undefined || msg.content === null) {
      if (msg.role !== 'assistant')
        fail(`Invalid value for 'content': expected a string, got null.`, `messages.[${i}].content`);
    } else if (typeof msg.content !== 'string' && !Array.isArray(msg.content)) {
      fail(
        `Invalid type for 'messages[${i}].content': expected one of a string or array of objects, but got an object instead.`,
        `messages[${i}].content`,
        'invalid_type',
      );
    }
  });
  if (req.temperature !== undefined) {
    if (typeof req.temperature !== 'number')
      fail(
        `Invalid type for 'temperature': expected a decimal, but got ${typeof req.temperature} instead.`,
        'temperature',
        'invalid_type',
      );
    if (req.temperature > 2)
      fail(
        `Invalid 'temperature': decimal above maximum value. Expected a value <= 2, but got ${req.temperature} instead.`,
        'temperature',
        'decimal_above_max_value',
      );
    if (req.temperature < 0)
      fail(
        `Invalid 'temperature': decimal below minimum value. Expected a value >= 0, but got ${req.temperature} instead.`,
        'temperature',
        'decimal_below_min_value',
      );
  }
  for (const key of ['max_tokens', 'max_completion_tokens'] as const) {
    const v = req[key];
    if (v !== undefined && (typeof v !== 'number' || !Number.isInteger(v) || v < 1))
      fail(
        `Invalid '${key}': integer below minimum value. Expected a value >= 1, but got ${String(v)} instead.`,
        key,
        'integer_below_min_value',
      );
  }
  if (req.tools !== undefined) {
    if (!Array.isArray(req.tools))
      fail(`Invalid type for 'tools': expected an array of objects.`, 'tools', 'invalid_type');
    req.tools.forEach((t: unknown, i: number) => {
      const tool = t as { type?: unknown; function?: { name?: unknown } };
      if (tool.type !== 'function')
        fail(
          `Invalid value: '${String(tool.type)}'. Supported values are: 'function' and 'custom'.`,
          `tools[${i}].type`,
          'invalid_value',
        );
      if (typeof tool.function?.name !== 'string' || !TOOL_NAME.test(tool.function.name)) {
        fail(
          `Invalid 'tools[${i}].function.name': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'.`,
          `tools[${i}].function.name`,
          'invalid_value',
        );
      }
    });
  }
  return req as unknown as ChatRequest;
}

/** the text of a message's content: a string, or the text parts of an array */
export function messageText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((p: unknown) =>
        typeof p === 'object' && p !== null && (p as { type?: unknown }).type === 'text'
          ? String((p as { text?: unknown }).text ?? '')
          : '',
      )
      .join('');
  }
  return '';
}

/** rough token count (about four characters a token), enough for plausible usage numbers */
export function countTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

export interface CompletionInput {
  model: string;
  created: number;
  promptText: string;
  maxTokens?: number | undefined;
}

function envelope(
  input: CompletionInput,
  message: Record<string, unknown>,
  finishReason: string,
  completionTokens: number,
): Record<string, unknown> {
  const promptTokens = countTokens(input.promptText);
  return {
    id: `chatcmpl-${randomAlnum(29)}`,
    object: 'chat.completion',
    created: input.created,
    model: input.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: finishReason }],
    usage: {
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      total_tokens: promptTokens + completionTokens,
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
      completion_tokens_details: {
        reasoning_tokens: 0,
        audio_tokens: 0,
        accepted_prediction_tokens: 0,
        rejected_prediction_tokens: 0,
      },
    },
    service_tier: 'default',
    system_fingerprint: 'fp_simulator',
  };
}

export function textCompletion(input: CompletionInput, text: string): Record<string, unknown> {
  let content = text;
  let finish = 'stop';
  // max_tokens cuts the answer, as the API does (finish_reason "length")
  if (input.maxTokens !== undefined && countTokens(text) > input.maxTokens) {
    content = text.slice(0, input.maxTokens * 4);
    finish = 'length';
  }
  return envelope(input, { role: 'assistant', content, refusal: null, annotations: [] }, finish, countTokens(content));
}

export function toolCallCompletion(
  input: CompletionInput,
  calls: Array<{ name: string; arguments: string }>,
  content: string | null,
): Record<string, unknown> {
  const toolCalls: ChatToolCall[] = calls.map((c) => ({
    id: `call_${randomAlnum(24)}`,
    type: 'function',
    function: { name: c.name, arguments: c.arguments },
  }));
  return envelope(
    input,
    { role: 'assistant', content, tool_calls: toolCalls, refusal: null, annotations: [] },
    'tool_calls',
    countTokens(calls.map((c) => c.name + c.arguments).join('') + (content ?? '')),
  );
}
