/**
 * @module core/agents/transcription
 * Speech to text for voice messages, OpenAI `/audio/transcriptions` shape
 * (https://platform.openai.com/docs/api-reference/audio/createTranscription): multipart `file` + `model`
 * (+ `language`), with the recogniser's confidence where the answer carries one:
 * - whisper models are asked for `response_format=verbose_json`, whose `segments` hold `avg_logprob` (the mean log
 *   probability of the segment's tokens) and `no_speech_prob`: the confidence is exp of the mean `avg_logprob`, or
 *   1 − the mean `no_speech_prob` when a server gives only that;
 * - `gpt-4o-transcribe` and `gpt-4o-mini-transcribe` take `json` only and return token `logprobs` when
 *   `include[]=logprobs` is asked: the confidence is exp of their mean;
 * - a server that answers plain text, or JSON without either, gives a transcript without a confidence; one that
 *   refuses `verbose_json` (400) is asked once more for plain `json`.
 */
import type { HttpClient } from '../../channel-kit/index.js';
import { readBoundedText } from './bounded-body.js';
import { isAddressRefusal } from '../security/address-guard.js';

export class TranscriptionError extends Error {
  override readonly name = 'TranscriptionError';
}

export interface SpeechToTextSettings {
  baseUrl: string;
  apiKey?: string | undefined;
  model: string;
  language?: string | undefined;
}

export interface Transcript {
  text: string;
  /** 0..1, from the recogniser's own probabilities; absent when the answer carries none */
  confidence?: number;
}

/** the models that answer `json` only, with token logprobs on request */
const LOGPROB_MODELS = /^gpt-4o(-mini)?-transcribe/;

type Format = 'verbose_json' | 'json';

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const unit = (x: number) => Math.round(Math.min(1, Math.max(0, x)) * 1000) / 1000;
const finite = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

/** the confidence an answer's probabilities give, if it has any */
export function confidenceOf(body: Record<string, unknown>): number | undefined {
  if (Array.isArray(body.segments)) {
    const segments = body.segments as Array<Record<string, unknown>>;
    const logprobs = segments.map((s) => s.avg_logprob).filter(finite);
    if (logprobs.length > 0) return unit(Math.exp(mean(logprobs)));
    const silent = segments.map((s) => s.no_speech_prob).filter(finite);
    if (silent.length > 0) return unit(1 - mean(silent));
  }
  if (Array.isArray(body.logprobs)) {
    const tokens = (body.logprobs as Array<Record<string, unknown>>).map((t) => t.logprob).filter(finite);
    if (tokens.length > 0) return unit(Math.exp(mean(tokens)));
  }
  return undefined;
}

export async function transcribe(
  http: HttpClient,
  stt: SpeechToTextSettings,
  audio: { bytes: Buffer; mimeType: string; fileName?: string | undefined },
  timeoutMs: number,
): Promise<Transcript> {
  const first: Format = LOGPROB_MODELS.test(stt.model) ? 'json' : 'verbose_json';
  const deadline = AbortSignal.timeout(timeoutMs);
  let answer = await request(http, stt, audio, first, deadline);
  if (answer.status === 400 && first === 'verbose_json') answer = await request(http, stt, audio, 'json', deadline);
  const { status, text, contentType } = answer;
  if (status < 200 || status >= 300)
    throw new TranscriptionError(`the transcription service answered ${status}: ${text.slice(0, 200)}`);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    // a server answering the transcript as text (response_format=text, or its only format): no confidence
    if (!/json/i.test(contentType) && text.trim()) return { text: text.trim() };
    throw new TranscriptionError('the transcription service answered without a text');
  }
  if (body && typeof body === 'object' && typeof (body as { text?: unknown }).text === 'string') {
    const record = body as Record<string, unknown>;
    const confidence = confidenceOf(record);
    return { text: (record.text as string).trim(), ...(confidence !== undefined ? { confidence } : {}) };
  }
  throw new TranscriptionError('the transcription service answered without a text');
}

async function request(
  http: HttpClient,
  stt: SpeechToTextSettings,
  audio: { bytes: Buffer; mimeType: string; fileName?: string | undefined },
  format: Format,
  signal: AbortSignal,
): Promise<{ status: number; text: string; contentType: string }> {
  const form = new FormData();
  const extension = audio.mimeType.split('/')[1]?.split(';')[0]?.replace('mpeg', 'mp3') ?? 'ogg';
  form.append(
    'file',
    new Blob([new Uint8Array(audio.bytes)], { type: audio.mimeType }),
    audio.fileName ?? `voice.${extension}`,
  );
  form.append('model', stt.model);
  if (stt.language) form.append('language', stt.language);
  form.append('response_format', format);
  if (LOGPROB_MODELS.test(stt.model)) form.append('include[]', 'logprobs');
  let res: Response;
  try {
    res = await http(`${stt.baseUrl.replace(/\/+$/, '')}/audio/transcriptions`, {
      method: 'POST',
      headers: stt.apiKey ? { authorization: `Bearer ${stt.apiKey}` } : {},
      body: form,
      signal,
    });
  } catch (error) {
    if (isAddressRefusal(error)) throw new TranscriptionError(error.message);
    throw new TranscriptionError(
      `could not reach the transcription service: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const text = await readBoundedText(res).catch(() => '');
  return { status: res.status, text, contentType: res.headers.get('content-type') ?? '' };
}
