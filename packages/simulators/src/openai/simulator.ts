// An OpenAI-compatible API server (https://platform.openai.com/docs/api-reference): POST /v1/chat/completions
// (text answers and tool calls), GET /v1/models(/{id}), POST /v1/audio/transcriptions (multipart), Bearer auth
// with OpenAI's error bodies, and the `/_control/*` API to script answers, errors and transcripts.
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CONTROL_PREFIX, ControlError, serveControl, type ControlOperation } from '../control/control-router.js';
import { listen } from '../http/listen.js';
import { multipartBoundary, parseMultipart } from '../http/multipart.js';
import { BodyTooLargeError, readBody } from '../http/read-body.js';
import { respondJson, respondRaw } from '../http/respond.js';
import { messageText, textCompletion, toolCallCompletion, validateChatRequest, type ChatRequest } from './chat.js';
import { invalidRequest, missingKey, modelNotFound, OpenAiError, scriptedError, wrongKey } from './errors.js';
import { transcriptionAnswer, type ScriptedTranscript, type TranscriptScores } from './transcription.js';

export type { TranscriptScores } from './transcription.js';

export interface OpenAiErrorSpec {
  status: number;
  message?: string;
  type?: string;
  code?: string | null;
  /** sent as `retry-after` (429 gets 20 s when omitted) */
  retryAfterSeconds?: number;
}

/** A scripted answer: the first rule whose match fits the last user message answers (then `times` counts down). */
export interface ChatRule {
  /** case-insensitive substring of the last user message; neither this nor `pattern` = every request */
  contains?: string;
  /** regular expression (case-insensitive) on the last user message */
  pattern?: string;
  /** only requests for this model */
  model?: string;
  reply?: string;
  /** answer with a tool call instead (content null unless `content` is given) */
  toolCall?: { name: string; arguments?: Record<string, unknown> | string; content?: string };
  error?: OpenAiErrorSpec;
  /** delay before answering (timeouts) */
  latencyMs?: number;
  /** how many requests the rule answers; 0 or absent = until cleared */
  times?: number;
}

export interface OpenAiCall {
  op: 'chat' | 'models' | 'transcriptions';
  status: number;
  /** the parsed JSON body (chat), or {model, fileName, mimeType, size, language} (transcriptions) */
  body: Record<string, unknown> | null;
  apiKey: string | null;
  at: number;
}

export interface OpenAiSimulatorOptions {
  port?: number;
  host?: string;
  /** accepted Bearer keys; default one key, `sk-simulator-<random>` (read it from `apiKey`) */
  apiKeys?: string[];
  /** models GET /v1/models lists and requests may name */
  models?: string[];
  /** the answer when no rule matches; default: `You said: <last user message>` */
  defaultReply?: string;
  /** the transcript when none was set for the file; default `transcript of <n> bytes` */
  defaultTranscript?: string;
}

export interface OpenAiSimulator {
  url: string;
  /** `${url}/v1`: the `baseUrl` clients use */
  baseUrl: string;
  apiKey: string;
  addRule(rule: ChatRule): { id: number };
  clearRules(): void;
  /**
   * the transcript answered for a file with these bytes (or for every file when `bytes` is omitted), and how sure
   * the recogniser is of it (verbose_json segments' `avg_logprob` / `no_speech_prob`, json `logprobs`)
   */
  setTranscript(text: string, bytes?: Buffer, scores?: TranscriptScores): void;
  calls(op?: OpenAiCall['op']): OpenAiCall[];
  reset(): void;
  close(): Promise<void>;
}

interface ActiveRule extends ChatRule {
  id: number;
  remaining: number;
}

const CREATED = 1_715_367_049;
const DEFAULT_MODELS = ['gpt-4o-mini', 'gpt-4o', 'whisper-1', 'gpt-4o-transcribe'];
const TRANSCRIPTION_MODELS = /whisper|transcribe/;

export async function startOpenAiSimulator(opts: OpenAiSimulatorOptions = {}): Promise<OpenAiSimulator> {
  const keys = new Set(
    opts.apiKeys ?? [`sk-simulator-${createHash('sha256').update(String(Math.random())).digest('hex').slice(0, 24)}`],
  );
  const apiKey = [...keys][0] as string;
  const models = opts.models ?? DEFAULT_MODELS;
  let rules: ActiveRule[] = [];
  let nextRuleId = 1;
  let calls: OpenAiCall[] = [];
  const transcripts = new Map<string, ScriptedTranscript>();
  let anyTranscript: ScriptedTranscript | undefined;
  const timers = new Set<NodeJS.Timeout>();

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      timers.add(t);
    });

  const authenticate = (req: IncomingMessage): string => {
    const header = req.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(.+)$/i.exec(header.trim()) : null;
    if (!match) throw missingKey();
    const key = (match[1] as string).trim();
    if (!keys.has(key)) throw wrongKey(key);
    return key;
  };

  const record = (call: Omit<OpenAiCall, 'at'>) => calls.push({ ...call, at: Date.now() });

  const pickRule = (request: ChatRequest): ActiveRule | undefined => {
    const lastUser = [...request.messages].reverse().find((m) => m.role === 'user');
    const text = messageText(lastUser?.content);
    const rule = rules.find((r) => {
      if (r.remaining <= 0) return false;
      if (r.model !== undefined && r.model !== request.model) return false;
      if (r.contains !== undefined && !text.toLowerCase().includes(r.contains.toLowerCase())) return false;
      if (r.pattern !== undefined && !new RegExp(r.pattern, 'i').test(text)) return false;
      return true;
    });
    if (rule) rule.remaining--;
    return rule;
  };

  const chat = async (req: IncomingMessage, res: ServerResponse, key: string): Promise<void> => {
    const raw = await readBody(req, 20 << 20);
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw.toString('utf8'));
    } catch {
      throw invalidRequest(
        "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON. If you have trouble figuring out how to fix this, please contact us through our help center at help.openai.com.)",
      );
    }
    const body = (typeof parsed === 'object' && parsed !== null ? parsed : null) as Record<string, unknown> | null;
    try {
      const request = validateChatRequest(parsed);
      if (!models.includes(request.model)) throw modelNotFound(request.model);
      const rule = pickRule(request);
      if (rule?.latencyMs) await sleep(rule.latencyMs);
      if (rule?.error) throw scriptedError(rule.error, request.model);
      const input = {
        model: request.model,
        created: Math.floor(Date.now() / 1000),
        promptText: request.messages.map((m) => messageText(m.content)).join('\n'),
        maxTokens: request.max_completion_tokens ?? request.max_tokens,
      };
      let answer: Record<string, unknown>;
      if (rule?.toolCall) {
        const known = request.tools?.some((t) => t.function.name === rule.toolCall?.name);
        if (!known)
          throw invalidRequest(`The scripted tool '${rule.toolCall.name}' is not among the request's tools.`, 'tools');
        const args =
          typeof rule.toolCall.arguments === 'string'
            ? rule.toolCall.arguments
            : JSON.stringify(rule.toolCall.arguments ?? {});
        answer = toolCallCompletion(
          input,
          [{ name: rule.toolCall.name, arguments: args }],
          rule.toolCall.content ?? null,
        );
      } else {
        const lastUser = [...request.messages].reverse().find((m) => m.role === 'user');
        answer = textCompletion(
          input,
          rule?.reply ?? opts.defaultReply ?? `You said: ${messageText(lastUser?.content)}`,
        );
      }
      record({ op: 'chat', status: 200, body, apiKey: key });
      respondJson(res, 200, answer, {
        'openai-processing-ms': '12',
        'x-request-id': `req_${createHash('md5').update(raw).digest('hex')}`,
      });
    } catch (error) {
      if (error instanceof OpenAiError) record({ op: 'chat', status: error.status, body, apiKey: key });
      throw error;
    }
  };

  const transcriptions = async (req: IncomingMessage, res: ServerResponse, key: string): Promise<void> => {
    const boundary = multipartBoundary(req.headers['content-type']);
    if (!boundary)
      throw invalidRequest(
        "Invalid Content-Type header (application/json), expected multipart/form-data. (HINT: If you're using curl, you can pass -F 'file=@/path/to/file'.)",
      );
    const form = parseMultipart(await readBody(req, 25 << 20), boundary);
    const file = form.files.get('file');
    const model = form.fields.get('model');
    const summary = {
      model: model ?? null,
      fileName: file?.filename ?? null,
      mimeType: file?.contentType ?? null,
      size: file?.data.length ?? 0,
      language: form.fields.get('language') ?? null,
      responseFormat: form.fields.get('response_format') ?? null,
      include: form.fields.get('include[]') ?? null,
    };
    try {
      if (!file) throw invalidRequest("Missing required parameter: 'file'.", 'file', 'missing_required_parameter');
      if (!model) throw invalidRequest('you must provide a model parameter', 'model');
      if (!models.includes(model) || !TRANSCRIPTION_MODELS.test(model))
        throw invalidRequest(
          `Invalid model ${model}. The model argument should be left blank.`,
          'model',
          'invalid_value',
        );
      if (file.data.length === 0)
        throw invalidRequest(
          'The audio file could not be decoded or its format is not supported.',
          'file',
          'invalid_value',
        );
      const digest = createHash('sha256').update(file.data).digest('hex');
      const transcript = transcripts.get(digest) ??
        anyTranscript ?? { text: opts.defaultTranscript ?? `transcript of ${file.data.length} bytes` };
      const answer = transcriptionAnswer({ transcript, model, fields: form.fields, bytes: file.data });
      record({ op: 'transcriptions', status: 200, body: summary, apiKey: key });
      if (answer.kind === 'text')
        return respondRaw(res, 200, answer.body, { 'content-type': 'text/plain; charset=utf-8' });
      return respondJson(res, 200, answer.body);
    } catch (error) {
      if (error instanceof OpenAiError)
        record({ op: 'transcriptions', status: error.status, body: summary, apiKey: key });
      throw error;
    }
  };

  const control: Record<string, ControlOperation> = {
    addRule: (args) => {
      if (!args.reply && !args.toolCall && !args.error) throw new ControlError('a rule needs reply, toolCall or error');
      return handle.addRule(args as ChatRule);
    },
    clearRules: () => handle.clearRules(),
    setTranscript: (args) => {
      if (typeof args.text !== 'string') throw new ControlError('setTranscript needs text');
      handle.setTranscript(
        args.text,
        typeof args.dataBase64 === 'string' ? Buffer.from(args.dataBase64, 'base64') : undefined,
        args.scores && typeof args.scores === 'object' ? (args.scores as TranscriptScores) : undefined,
      );
    },
    calls: (args) => handle.calls(typeof args.op === 'string' ? (args.op as OpenAiCall['op']) : undefined),
    reset: () => handle.reset(),
  };

  const server = await listen(
    async (req, res) => {
      const url = new URL(req.url ?? '/', 'http://simulator');
      if (url.pathname.startsWith(CONTROL_PREFIX)) return serveControl(req, res, url, control);
      let key = '';
      try {
        const path = url.pathname.replace(/\/+$/, '');
        const route = `${req.method ?? 'GET'} ${path}`;
        const known =
          route === 'POST /v1/chat/completions' ||
          route === 'GET /v1/models' ||
          route === 'POST /v1/audio/transcriptions' ||
          /^GET \/v1\/models\/[^/]+$/.test(route);
        if (!known) {
          respondJson(res, 404, {
            error: {
              message: `Invalid URL (${req.method ?? 'GET'} ${url.pathname})`,
              type: 'invalid_request_error',
              param: null,
              code: null,
            },
          });
          return;
        }
        key = authenticate(req);
        if (route === 'POST /v1/chat/completions') return await chat(req, res, key);
        if (route === 'POST /v1/audio/transcriptions') return await transcriptions(req, res, key);
        if (route === 'GET /v1/models') {
          record({ op: 'models', status: 200, body: null, apiKey: key });
          return respondJson(res, 200, {
            object: 'list',
            data: models.map((id) => ({ id, object: 'model', created: CREATED, owned_by: 'system' })),
          });
        }
        const id = decodeURIComponent(path.slice('/v1/models/'.length));
        if (!models.includes(id)) throw modelNotFound(id);
        return respondJson(res, 200, { id, object: 'model', created: CREATED, owned_by: 'system' });
      } catch (error) {
        if (error instanceof BodyTooLargeError)
          return respondJson(res, 413, {
            error: { message: 'Request too large.', type: 'invalid_request_error', param: null, code: null },
          });
        if (!(error instanceof OpenAiError)) throw error;
        if (error.status === 401)
          record({
            op: url.pathname.includes('chat') ? 'chat' : url.pathname.includes('audio') ? 'transcriptions' : 'models',
            status: 401,
            body: null,
            apiKey: key || null,
          });
        respondJson(res, error.status, error.body(), error.headers);
      }
    },
    { ...(opts.host ? { host: opts.host } : {}), ...(opts.port !== undefined ? { port: opts.port } : {}) },
  );

  const handle: OpenAiSimulator = {
    url: server.url,
    baseUrl: `${server.url}/v1`,
    apiKey,
    addRule(rule) {
      const active: ActiveRule = {
        ...rule,
        id: nextRuleId++,
        remaining: rule.times && rule.times > 0 ? rule.times : Infinity,
      };
      if (rule.pattern !== undefined) new RegExp(rule.pattern, 'i'); // throws for a bad pattern now, not at match time
      rules.push(active);
      return { id: active.id };
    },
    clearRules() {
      rules = [];
    },
    setTranscript(text, bytes, scores) {
      const scripted = { text, scores };
      if (bytes) transcripts.set(createHash('sha256').update(bytes).digest('hex'), scripted);
      else anyTranscript = scripted;
    },
    calls(op) {
      return calls.filter((c) => op === undefined || c.op === op);
    },
    reset() {
      rules = [];
      calls = [];
      transcripts.clear();
      anyTranscript = undefined;
    },
    async close() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      await server.close();
    },
  };
  return handle;
}
