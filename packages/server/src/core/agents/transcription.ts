/**
 * @module core/agents/transcription
 * Speech to text for voice messages, OpenAI `/audio/transcriptions` shape
 * (https://platform.openai.com/docs/api-reference/audio/createTranscription): multipart `file` + `model`
 * (+ `language`), answer `{text}`.
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

export async function transcribe(
  http: HttpClient,
  stt: SpeechToTextSettings,
  audio: { bytes: Buffer; mimeType: string; fileName?: string | undefined },
  timeoutMs: number,
): Promise<string> {
  const form = new FormData();
  const extension = audio.mimeType.split('/')[1]?.split(';')[0]?.replace('mpeg', 'mp3') ?? 'ogg';
  form.append(
    'file',
    new Blob([new Uint8Array(audio.bytes)], { type: audio.mimeType }),
    audio.fileName ?? `voice.${extension}`,
  );
  form.append('model', stt.model);
  if (stt.language) form.append('language', stt.language);
  form.append('response_format', 'json');
  let res: Response;
  try {
    res = await http(`${stt.baseUrl.replace(/\/+$/, '')}/audio/transcriptions`, {
      method: 'POST',
      headers: stt.apiKey ? { authorization: `Bearer ${stt.apiKey}` } : {},
      body: form,
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    if (isAddressRefusal(error)) throw new TranscriptionError(error.message);
    throw new TranscriptionError(
      `could not reach the transcription service: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const text = await readBoundedText(res).catch(() => '');
  if (!res.ok) throw new TranscriptionError(`the transcription service answered ${res.status}: ${text.slice(0, 200)}`);
  try {
    const body = JSON.parse(text) as { text?: unknown };
    if (typeof body.text === 'string') return body.text.trim();
  } catch {
    // fall through
  }
  throw new TranscriptionError('the transcription service answered without a text');
}
