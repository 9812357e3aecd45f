// The OpenAI-compatible simulator answers in OpenAI's shapes: chat completions (text, tool calls, length cut),
// models, multipart transcriptions, Bearer auth errors, validation errors with their param, scripted 429 with
// retry-after and latency, and the control API over HTTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOpenAiSimulator, type OpenAiSimulator } from './simulator.js';

interface ToolCall {
  id: string;
  type: string;
  function: { name: string; arguments: string };
}
interface Completion {
  id: string;
  usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
  choices: Array<{ finish_reason: string; message: { content: string | null; tool_calls?: ToolCall[] } }>;
}
interface ErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}
interface ModelList {
  object: string;
  data: Array<{ id: string; object: string; owned_by: string }>;
}

describe('OpenAI-compatible simulator', () => {
  let sim: OpenAiSimulator;
  const post = (path: string, body: unknown, key: string | null = sim.apiKey) =>
    fetch(`${sim.baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const tools = [
    {
      type: 'function',
      function: {
        name: 'handoff_to_human',
        parameters: { type: 'object', properties: { reason: { type: 'string' } } },
      },
    },
  ];

  beforeAll(async () => {
    sim = await startOpenAiSimulator({ apiKeys: ['sk-test-key-0123456789'] });
  });
  afterAll(() => sim.close());

  it('answers a chat completion in the chat.completion shape', async () => {
    const res = await post('/chat/completions', {
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'be nice' },
        { role: 'user', content: 'Hello there' },
      ],
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Completion;
    expect(body).toMatchObject({
      object: 'chat.completion',
      model: 'gpt-4o-mini',
      choices: [
        {
          index: 0,
          finish_reason: 'stop',
          logprobs: null,
          message: { role: 'assistant', content: 'You said: Hello there', refusal: null },
        },
      ],
    });
    expect(body.id).toMatch(/^chatcmpl-/);
    expect(body.usage.total_tokens).toBe(body.usage.prompt_tokens + body.usage.completion_tokens);
    expect(sim.calls('chat').at(-1)?.body).toMatchObject({ model: 'gpt-4o-mini' });
  });

  it('answers with tool calls (content null, finish_reason tool_calls) when a rule says so', async () => {
    sim.addRule({
      contains: 'human please',
      toolCall: { name: 'handoff_to_human', arguments: { reason: 'asked for a person' } },
      times: 1,
    });
    const res = await post('/chat/completions', {
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'A HUMAN PLEASE' }],
      tools,
    });
    const body = (await res.json()) as Completion;
    expect(body.choices[0]?.finish_reason).toBe('tool_calls');
    expect(body.choices[0]?.message.content).toBeNull();
    const call = body.choices[0]?.message.tool_calls?.[0] as ToolCall;
    expect(call).toMatchObject({ type: 'function', function: { name: 'handoff_to_human' } });
    expect(call.id).toMatch(/^call_/);
    expect(JSON.parse(call.function.arguments)).toEqual({ reason: 'asked for a person' });
    // a tool message must answer a preceding tool call
    const bad = await post('/chat/completions', {
      model: 'gpt-4o-mini',
      messages: [
        { role: 'user', content: 'x' },
        { role: 'tool', tool_call_id: 'call_nope', content: 'ok' },
      ],
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as ErrorBody).error.type).toBe('invalid_request_error');
    const good = await post('/chat/completions', {
      model: 'gpt-4o-mini',
      messages: [
        { role: 'user', content: 'x' },
        { role: 'assistant', content: null, tool_calls: [call] },
        { role: 'tool', tool_call_id: call.id, content: 'done' },
      ],
      tools,
    });
    expect(good.status).toBe(200);
  });

  it('cuts at max_tokens with finish_reason length', async () => {
    sim.addRule({ contains: 'long', reply: 'x'.repeat(400), times: 1 });
    const body = (await (
      await post('/chat/completions', {
        model: 'gpt-4o-mini',
        max_tokens: 5,
        messages: [{ role: 'user', content: 'long answer' }],
      })
    ).json()) as Completion;
    expect(body.choices[0]?.finish_reason).toBe('length');
    expect(body.choices[0]?.message.content).toHaveLength(20);
  });

  it('refuses missing and wrong keys with OpenAI error bodies', async () => {
    const none = await post(
      '/chat/completions',
      { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] },
      null,
    );
    expect(none.status).toBe(401);
    expect(((await none.json()) as ErrorBody).error).toMatchObject({
      type: 'invalid_request_error',
      param: null,
      code: null,
    });
    const wrong = await fetch(`${sim.baseUrl}/models`, { headers: { authorization: 'Bearer sk-wrong-key-abcdefgh' } });
    expect(wrong.status).toBe(401);
    const body = (await wrong.json()) as ErrorBody;
    expect(body.error).toMatchObject({ type: 'invalid_request_error', param: null, code: 'invalid_api_key' });
    expect(body.error.message).toContain('Incorrect API key provided');
    expect(body.error.message).not.toContain('sk-wrong-key-abcdefgh');
  });

  it('validates the request: model, messages, temperature', async () => {
    const unknown = await post('/chat/completions', { model: 'gpt-9', messages: [{ role: 'user', content: 'x' }] });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as ErrorBody).error.code).toBe('model_not_found');
    const empty = await post('/chat/completions', { model: 'gpt-4o-mini', messages: [] });
    expect(((await empty.json()) as ErrorBody).error).toMatchObject({ param: 'messages', code: 'empty_array' });
    const hot = await post('/chat/completions', {
      model: 'gpt-4o-mini',
      temperature: 3,
      messages: [{ role: 'user', content: 'x' }],
    });
    expect(((await hot.json()) as ErrorBody).error).toMatchObject({
      param: 'temperature',
      code: 'decimal_above_max_value',
    });
    const notJson = await post('/chat/completions', '{nope');
    expect(notJson.status).toBe(400);
  });

  it('answers scripted 429 with retry-after, 500 and latency', async () => {
    sim.addRule({ contains: 'busy', error: { status: 429, retryAfterSeconds: 7 }, times: 1 });
    const limited = await post('/chat/completions', {
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'busy?' }],
    });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect(((await limited.json()) as ErrorBody).error).toMatchObject({
      type: 'requests',
      code: 'rate_limit_exceeded',
    });
    sim.addRule({ contains: 'boom', error: { status: 500 }, times: 1 });
    expect(
      (await post('/chat/completions', { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'boom' }] })).status,
    ).toBe(500);
    sim.addRule({ contains: 'slow', reply: 'finally', latencyMs: 300, times: 1 });
    const started = Date.now();
    const slow = (await (
      await post('/chat/completions', { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'slow' }] })
    ).json()) as Completion;
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
    expect(slow.choices[0]?.message.content).toBe('finally');
  });

  it('lists models', async () => {
    const body = (await (
      await fetch(`${sim.baseUrl}/models`, { headers: { authorization: `Bearer ${sim.apiKey}` } })
    ).json()) as ModelList;
    expect(body.object).toBe('list');
    expect(body.data.map((m) => m.id)).toContain('gpt-4o-mini');
    expect(body.data[0]).toMatchObject({ object: 'model', owned_by: 'system' });
  });

  it('transcribes multipart audio', async () => {
    const audio = Buffer.from('OggS fake opus bytes for the test');
    sim.setTranscript('where is my order', audio);
    const form = new FormData();
    form.append('file', new Blob([audio], { type: 'audio/ogg' }), 'voice.ogg');
    form.append('model', 'whisper-1');
    const res = await fetch(`${sim.baseUrl}/audio/transcriptions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${sim.apiKey}` },
      body: form,
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { text: string }).text).toBe('where is my order');
    expect(sim.calls('transcriptions').at(-1)?.body).toMatchObject({
      model: 'whisper-1',
      fileName: 'voice.ogg',
      mimeType: 'audio/ogg',
      size: audio.length,
    });
    const noFile = new FormData();
    noFile.append('model', 'whisper-1');
    const missing = await fetch(`${sim.baseUrl}/audio/transcriptions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${sim.apiKey}` },
      body: noFile,
    });
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as ErrorBody).error.param).toBe('file');
  });

  it('answers transcriptions in the format asked: verbose_json segments, text, json logprobs on gpt-4o models', async () => {
    // a second of 8 kHz 16-bit silence as a WAV: the duration comes from its header
    const pcm = Buffer.alloc(16_000);
    const wav = Buffer.concat([
      Buffer.from('RIFF'),
      Buffer.alloc(4),
      Buffer.from('WAVEfmt '),
      Buffer.alloc(24),
      Buffer.from('data'),
      Buffer.alloc(4),
      pcm,
    ]);
    wav.writeUInt32LE(wav.length - 8, 4);
    wav.writeUInt32LE(16, 16);
    wav.writeUInt16LE(1, 20);
    wav.writeUInt16LE(1, 22);
    wav.writeUInt32LE(8000, 24);
    wav.writeUInt32LE(16_000, 28);
    wav.writeUInt16LE(2, 32);
    wav.writeUInt16LE(16, 34);
    wav.writeUInt32LE(pcm.length, 40);
    sim.setTranscript('Where is my order? It was due today.', wav, { avgLogprob: -0.5, noSpeechProb: 0.2 });
    const ask = async (fields: Record<string, string>) => {
      const form = new FormData();
      form.append('file', new Blob([wav], { type: 'audio/wav' }), 'u1.wav');
      for (const [k, v] of Object.entries(fields)) form.append(k, v);
      return fetch(`${sim.baseUrl}/audio/transcriptions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${sim.apiKey}` },
        body: form,
      });
    };
    const verbose = (await (
      await ask({ model: 'whisper-1', response_format: 'verbose_json', 'timestamp_granularities[]': 'word' })
    ).json()) as {
      task: string;
      duration: number;
      text: string;
      segments: Array<Record<string, unknown>>;
      words: Array<{ word: string; start: number; end: number }>;
    };
    expect(verbose).toMatchObject({ task: 'transcribe', language: 'english', duration: 1 });
    expect(verbose.text).toBe('Where is my order? It was due today.');
    expect(verbose.segments.map((s) => s.text)).toEqual([' Where is my order?', ' It was due today.']);
    expect(Object.keys(verbose.segments[0] ?? {}).sort()).toEqual([
      'avg_logprob',
      'compression_ratio',
      'end',
      'id',
      'no_speech_prob',
      'seek',
      'start',
      'temperature',
      'text',
      'tokens',
    ]);
    expect(verbose.segments[0]).toMatchObject({ id: 0, start: 0, avg_logprob: -0.5, no_speech_prob: 0.2 });
    expect(verbose.segments[1]?.end).toBe(1);
    expect(verbose.words.map((w) => w.word)).toEqual(['Where', 'is', 'my', 'order', 'It', 'was', 'due', 'today']);
    const text = await ask({ model: 'whisper-1', response_format: 'text' });
    expect(text.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await text.text()).toBe('Where is my order? It was due today.\n');
    const refused = await ask({ model: 'gpt-4o-transcribe', response_format: 'verbose_json' });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as ErrorBody).error.param).toBe('response_format');
    const logprobs = (await (
      await ask({ model: 'gpt-4o-transcribe', response_format: 'json', 'include[]': 'logprobs' })
    ).json()) as { text: string; logprobs: Array<{ token: string; logprob: number }> };
    expect(logprobs.logprobs.map((l) => l.token).join('')).toBe(logprobs.text);
    expect(logprobs.logprobs.every((l) => l.logprob === -0.5)).toBe(true);
    const whisperLogprobs = await ask({ model: 'whisper-1', 'include[]': 'logprobs' });
    expect(whisperLogprobs.status).toBe(400);
    expect((await ask({ model: 'whisper-1', response_format: 'mp3' })).status).toBe(400);
  });

  it('is scripted over the control API', async () => {
    const added = (await (
      await fetch(`${sim.url}/_control/addRule`, {
        method: 'POST',
        body: JSON.stringify({ contains: 'control', reply: 'from control', times: 1 }),
      })
    ).json()) as { ok: boolean };
    expect(added.ok).toBe(true);
    const body = (await (
      await post('/chat/completions', { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'via control' }] })
    ).json()) as Completion;
    expect(body.choices[0]?.message.content).toBe('from control');
    const calls = (await (await fetch(`${sim.url}/_control/calls?op=chat`)).json()) as { result: unknown[] };
    expect(calls.result.length).toBeGreaterThan(0);
    expect((await fetch(`${sim.url}/_control/addRule`, { method: 'POST', body: '{}' })).status).toBe(400);
  });
});
