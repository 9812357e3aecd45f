// What /v1/audio/transcriptions answers, by `response_format` and model, as OpenAI documents it
// (https://platform.openai.com/docs/api-reference/audio/createTranscription and the response objects there):
// - `json` (the default): `{text, usage}`; with `include[]=logprobs` on a gpt-4o(-mini)-transcribe model also
//   `logprobs: [{token, logprob, bytes}]` (only those models, only with json);
// - `text`: the transcript as text/plain;
// - `verbose_json` (whisper-1 only: the gpt-4o transcribe models take json or text): `{task, language, duration,
//   text, segments, usage}`, each segment `{id, seek, start, end, text, tokens, temperature, avg_logprob,
//   compression_ratio, no_speech_prob}`, and `words` when `timestamp_granularities[]=word` is asked.
import { readWav } from '../twilio/wav.js';
import { invalidRequest } from './errors.js';

/** how sure the scripted recogniser is of a transcript: OpenAI's own per-segment figures */
export interface TranscriptScores {
  /** the mean log probability of a segment's tokens; default -0.25 */
  avgLogprob?: number;
  /** the probability that a segment holds no speech; default 0.01 */
  noSpeechProb?: number;
}

export interface ScriptedTranscript {
  text: string;
  scores?: TranscriptScores | undefined;
}

const FORMATS = ['json', 'text', 'srt', 'verbose_json', 'vtt'] as const;
const LOGPROB_MODELS = /^gpt-4o(-mini)?-transcribe/;

/** the audio's length: a PCM WAV's own, else the bytes read as 16 kHz 8-bit (a rough length, never zero) */
export function audioSeconds(bytes: Buffer): number {
  const wav = readWav(bytes);
  const seconds = wav ? wav.seconds : bytes.length / 16_000;
  return Math.max(0.1, Math.round(seconds * 100) / 100);
}

const round = (x: number) => Math.round(x * 100) / 100;

/** a deterministic stand-in for the tokenizer: one id per word, from its letters */
function tokenIds(text: string): number[] {
  return text
    .split(/\s+/)
    .filter(Boolean)
    .map((word) => [...word].reduce((h, c) => (h * 31 + c.charCodeAt(0)) % 50_000, 7) + 50_364);
}

function sentences(text: string): string[] {
  const parts =
    text
      .match(/[^.!?]+[.!?]*/g)
      ?.map((s) => s.trim())
      .filter(Boolean) ?? [];
  return parts.length ? parts : [text];
}

export type TranscriptionAnswer = { kind: 'json'; body: Record<string, unknown> } | { kind: 'text'; body: string };

export function transcriptionAnswer(input: {
  transcript: ScriptedTranscript;
  model: string;
  fields: Map<string, string>;
  bytes: Buffer;
}): TranscriptionAnswer {
  const { transcript, model, fields } = input;
  const format = fields.get('response_format') ?? 'json';
  if (!(FORMATS as readonly string[]).includes(format))
    throw invalidRequest(
      `'${format}' is not one of ${FORMATS.map((f) => `'${f}'`).join(', ')} - 'response_format'`,
      'response_format',
      'invalid_value',
    );
  const gpt4o = LOGPROB_MODELS.test(model);
  if (gpt4o && format !== 'json' && format !== 'text')
    throw invalidRequest(
      `response_format '${format}' is not compatible with model '${model}'. Use 'json' or 'text' instead.`,
      'response_format',
      'unsupported_value',
    );
  const include = fields.get('include[]') ?? fields.get('include');
  if (include === 'logprobs' && (!gpt4o || format !== 'json'))
    throw invalidRequest(
      `logprobs are only supported with response_format 'json' on gpt-4o-transcribe and gpt-4o-mini-transcribe.`,
      'include',
      'unsupported_value',
    );
  const seconds = audioSeconds(input.bytes);
  const text = transcript.text;
  const avgLogprob = transcript.scores?.avgLogprob ?? -0.25;
  const noSpeechProb = transcript.scores?.noSpeechProb ?? 0.01;
  if (format === 'text' || format === 'srt' || format === 'vtt') {
    if (format === 'text') return { kind: 'text', body: `${text}\n` };
    const stamp = (s: number, sep: string) => {
      const ms = Math.round(s * 1000);
      const hh = String(Math.floor(ms / 3_600_000)).padStart(2, '0');
      const mm = String(Math.floor(ms / 60_000) % 60).padStart(2, '0');
      const ss = String(Math.floor(ms / 1000) % 60).padStart(2, '0');
      return `${hh}:${mm}:${ss}${sep}${String(ms % 1000).padStart(3, '0')}`;
    };
    const cue = `${stamp(0, format === 'srt' ? ',' : '.')} --> ${stamp(seconds, format === 'srt' ? ',' : '.')}`;
    return { kind: 'text', body: format === 'srt' ? `1\n${cue}\n${text}\n\n` : `WEBVTT\n\n${cue}\n${text}\n\n` };
  }
  const usage = { type: 'duration', seconds: Math.max(1, Math.round(seconds)) };
  if (format === 'json') {
    if (include !== 'logprobs') return { kind: 'json', body: { text, usage } };
    const words = text.split(/(?=\s)/).filter(Boolean);
    return {
      kind: 'json',
      body: {
        text,
        logprobs: words.map((token) => ({ token, logprob: avgLogprob, bytes: [...Buffer.from(token, 'utf8')] })),
        usage: { type: 'tokens', input_tokens: Math.ceil(seconds * 10), output_tokens: words.length },
      },
    };
  }
  // verbose_json: the text cut into sentence segments over the audio's length, each with the scripted figures
  const parts = sentences(text);
  const total = parts.reduce((n, p) => n + p.length, 0) || 1;
  let at = 0;
  const segments = parts.map((part, id) => {
    const start = at;
    at += (seconds * part.length) / total;
    return {
      id,
      seek: 0,
      start: round(start),
      end: round(at),
      text: ` ${part}`,
      tokens: tokenIds(part),
      temperature: 0,
      avg_logprob: avgLogprob,
      compression_ratio: round(Math.max(0.5, Math.min(2.4, part.length / Math.max(1, new Set(part).size) / 2))),
      no_speech_prob: noSpeechProb,
    };
  });
  const granularities = [fields.get('timestamp_granularities[]'), fields.get('timestamp_granularities')];
  const words = granularities.includes('word')
    ? segments.flatMap((s) => {
        const list = s.text.trim().split(/\s+/).filter(Boolean);
        const step = (s.end - s.start) / Math.max(1, list.length);
        return list.map((w, i) => ({
          word: w.replace(/[.,!?]+$/, ''),
          start: round(s.start + i * step),
          end: round(s.start + (i + 1) * step),
        }));
      })
    : undefined;
  return {
    kind: 'json',
    body: {
      task: 'transcribe',
      language: fields.get('language') ?? 'english',
      duration: seconds,
      text,
      ...(words ? { words } : {}),
      segments,
      usage,
    },
  };
}
