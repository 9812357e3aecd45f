/**
 * @module channel-kit/voice — audio helpers for channels that carry a phone call's media themselves (SIP): PCM WAV
 * files in and out, resampling to the telephone rate (8 kHz), G.711 (μ-law/A-law through `alawmulaw`) and
 * text-to-speech, offline with Debian's `espeak-ng` (https://github.com/espeak-ng/espeak-ng/blob/master/src/espeak-ng.1.ronn)
 * or through an OpenAI-compatible `/audio/speech` endpoint (https://platform.openai.com/docs/api-reference/audio/createSpeech).
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import type * as G711Codecs from 'alawmulaw';
import { ChannelError } from './errors.js';
import type { HttpClient } from './connector.js';

// alawmulaw ships a UMD bundle: required, so its functions are found whatever Node's ESM interop makes of it
const require = createRequire(import.meta.url);
const alawmulaw = require('alawmulaw') as typeof G711Codecs;
/** the file the media worker thread requires for G.711 (a worker has no module resolution of ours) */
export const G711_MODULE_PATH: string = require.resolve('alawmulaw');

/** the sample rate of G.711 telephone audio (RFC 3551 §4.5.14) */
export const TELEPHONE_RATE = 8000;

export interface Pcm {
  sampleRate: number;
  channels: number;
  /** 16-bit signed samples, interleaved when there are several channels */
  samples: Int16Array;
}

/** a PCM WAV file (RIFF, format 1, 16 bits) */
export function encodeWav(pcm: Pcm): Buffer {
  const data = Buffer.from(pcm.samples.buffer, pcm.samples.byteOffset, pcm.samples.byteLength);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(pcm.channels, 22);
  header.writeUInt32LE(pcm.sampleRate, 24);
  header.writeUInt32LE(pcm.sampleRate * pcm.channels * 2, 28);
  header.writeUInt16LE(pcm.channels * 2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

/**
 * reads a WAV file of 16-bit PCM, μ-law or A-law samples (the formats espeak-ng, sox and speech APIs produce). A
 * streamed WAV (espeak-ng --stdout, ffmpeg to a pipe) has 0 or 0xFFFFFFFF as its data length: the data then runs
 * to the end of the file.
 */
export function decodeWav(bytes: Buffer): Pcm {
  if (bytes.length < 12 || bytes.toString('ascii', 0, 4) !== 'RIFF' || bytes.toString('ascii', 8, 12) !== 'WAVE')
    throw new ChannelError('UNSUPPORTED', 'not a WAV file');
  let format = 0;
  let channels = 0;
  let sampleRate = 0;
  let bits = 0;
  let offset = 12;
  while (offset + 8 <= bytes.length) {
    const id = bytes.toString('ascii', offset, offset + 4);
    let size = bytes.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === 'fmt ') {
      format = bytes.readUInt16LE(body);
      channels = bytes.readUInt16LE(body + 2);
      sampleRate = bytes.readUInt32LE(body + 4);
      bits = bytes.readUInt16LE(body + 14);
      // WAVE_FORMAT_EXTENSIBLE: the real format is the first two bytes of the sub-format GUID
      if (format === 0xfffe && size >= 26) format = bytes.readUInt16LE(body + 24);
    } else if (id === 'data') {
      if (size === 0 || size === 0xffffffff || body + size > bytes.length) size = bytes.length - body;
      if (!channels || !sampleRate) throw new ChannelError('UNSUPPORTED', 'a WAV file without its format');
      const data = bytes.subarray(body, body + size);
      let samples: Int16Array;
      if (format === 1 && bits === 16) {
        samples = new Int16Array(Math.floor(data.length / 2));
        for (let i = 0; i < samples.length; i++) samples[i] = data.readInt16LE(i * 2);
      } else if (format === 7 && bits === 8) samples = alawmulaw.mulaw.decode(new Uint8Array(data));
      else if (format === 6 && bits === 8) samples = alawmulaw.alaw.decode(new Uint8Array(data));
      else throw new ChannelError('UNSUPPORTED', `WAV format ${format} with ${bits} bits is not read here`);
      return { sampleRate, channels, samples };
    }
    offset = body + size + (size % 2);
  }
  throw new ChannelError('UNSUPPORTED', 'a WAV file without data');
}

/** one channel: the channels averaged */
export function toMono(pcm: Pcm): Pcm {
  if (pcm.channels === 1) return pcm;
  const frames = Math.floor(pcm.samples.length / pcm.channels);
  const out = new Int16Array(frames);
  for (let i = 0; i < frames; i++) {
    let sum = 0;
    for (let c = 0; c < pcm.channels; c++) sum += pcm.samples[i * pcm.channels + c] as number;
    out[i] = Math.round(sum / pcm.channels);
  }
  return { sampleRate: pcm.sampleRate, channels: 1, samples: out };
}

/**
 * mono audio at another rate. Going down, each output sample is the mean of the input samples it covers (a box
 * low-pass, enough against aliasing for speech heading into a 3.4 kHz telephone band); going up, linear
 * interpolation.
 */
export function resample(pcm: Pcm, rate: number): Pcm {
  const mono = toMono(pcm);
  if (mono.sampleRate === rate) return mono;
  const ratio = mono.sampleRate / rate;
  const input = mono.samples;
  const length = Math.floor(input.length / ratio);
  const out = new Int16Array(length);
  for (let i = 0; i < length; i++) {
    const center = i * ratio;
    if (ratio > 1) {
      const from = Math.max(0, Math.floor(center - ratio / 2));
      const to = Math.min(input.length, Math.ceil(center + ratio / 2));
      let sum = 0;
      for (let k = from; k < to; k++) sum += input[k] as number;
      out[i] = Math.round(sum / Math.max(1, to - from));
    } else {
      const k = Math.floor(center);
      const frac = center - k;
      const a = input[k] as number;
      const b = (input[k + 1] ?? a) as number;
      out[i] = Math.round(a + (b - a) * frac);
    }
  }
  return { sampleRate: rate, channels: 1, samples: out };
}

export type G711 = 'PCMU' | 'PCMA';

export function encodeG711(codec: G711, samples: Int16Array): Uint8Array {
  return codec === 'PCMU' ? alawmulaw.mulaw.encode(samples) : alawmulaw.alaw.encode(samples);
}

export function decodeG711(codec: G711, bytes: Uint8Array): Int16Array {
  return codec === 'PCMU' ? alawmulaw.mulaw.decode(bytes) : alawmulaw.alaw.decode(bytes);
}

/**
 * a tone at the telephone rate: a sine of `hz`, or several summed (a dual tone such as ringback), each at `amplitude`,
 * for `ms`, with 5 ms ramps so that it starts and stops without a click
 */
export function tone(hz: number | readonly number[], ms: number, amplitude = 8000): Int16Array {
  const frequencies = typeof hz === 'number' ? [hz] : hz;
  const n = Math.round((ms / 1000) * TELEPHONE_RATE);
  const ramp = Math.round(0.005 * TELEPHONE_RATE);
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++) {
    const edge = Math.max(0, Math.min(1, i / ramp, (n - 1 - i) / ramp));
    let sum = 0;
    for (const f of frequencies) sum += Math.sin((2 * Math.PI * f * i) / TELEPHONE_RATE);
    out[i] = Math.round(amplitude * edge * sum);
  }
  return out;
}

/** root mean square of 16-bit samples, 0..32768: how loud a stretch of audio is */
export function rms(samples: Int16Array): number {
  if (samples.length === 0) return 0;
  let sum = 0;
  for (const s of samples) sum += s * s;
  return Math.sqrt(sum / samples.length);
}

export type TextToSpeech =
  | { engine: 'espeak-ng'; voice?: string | undefined; wordsPerMinute?: number | undefined }
  | { engine: 'openai'; baseUrl: string; apiKey?: string | undefined; model: string; voice: string };

const MAX_SPOKEN = 4096;

/**
 * the words as 8 kHz mono speech. espeak-ng reads the text on its standard input (never a command-line argument,
 * so no text is taken for an option) and writes a WAV to its standard output; an OpenAI-compatible service is asked
 * for `response_format: wav`.
 */
export async function synthesizeSpeech(
  text: string,
  tts: TextToSpeech,
  deps: { http: HttpClient; timeoutMs?: number },
): Promise<Pcm> {
  const words = text.slice(0, MAX_SPOKEN);
  const timeoutMs = deps.timeoutMs ?? 30_000;
  const wav =
    tts.engine === 'espeak-ng'
      ? await espeak(words, tts, timeoutMs)
      : await openAiSpeech(words, tts, deps.http, timeoutMs);
  return resample(decodeWav(wav), TELEPHONE_RATE);
}

function espeak(
  text: string,
  tts: { voice?: string | undefined; wordsPerMinute?: number | undefined },
  timeoutMs: number,
): Promise<Buffer> {
  const args = ['--stdout', '-v', tts.voice ?? 'en-us', '-s', String(tts.wordsPerMinute ?? 160)];
  return new Promise((resolve, reject) => {
    let child;
    try {
      child = spawn('espeak-ng', args, { stdio: ['pipe', 'pipe', 'pipe'], timeout: timeoutMs });
    } catch (error) {
      reject(new ChannelError('UNAVAILABLE', `espeak-ng could not start: ${(error as Error).message}`));
      return;
    }
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => (err = (err + c.toString()).slice(0, 2000)));
    child.on('error', (error: NodeJS.ErrnoException) =>
      reject(
        new ChannelError(
          'UNAVAILABLE',
          error.code === 'ENOENT'
            ? 'espeak-ng is not installed (Debian: apt-get install espeak-ng)'
            : `espeak-ng failed: ${error.message}`,
        ),
      ),
    );
    child.on('close', (code, signal) => {
      if (code === 0) resolve(Buffer.concat(out));
      else
        reject(
          new ChannelError(
            'UNAVAILABLE',
            `espeak-ng ended with ${signal ?? `code ${code}`}: ${err.trim().slice(0, 200)}`,
          ),
        );
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(text.replace(/\s+/g, ' '));
  });
}

async function openAiSpeech(
  text: string,
  tts: { baseUrl: string; apiKey?: string | undefined; model: string; voice: string },
  http: HttpClient,
  timeoutMs: number,
): Promise<Buffer> {
  let res: Response;
  try {
    res = await http(`${tts.baseUrl.replace(/\/+$/, '')}/audio/speech`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(tts.apiKey ? { authorization: `Bearer ${tts.apiKey}` } : {}) },
      body: JSON.stringify({ model: tts.model, input: text, voice: tts.voice, response_format: 'wav' }),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    throw new ChannelError('UNAVAILABLE', `could not reach the speech service: ${(error as Error).message}`);
  }
  const bytes = Buffer.from(await res.arrayBuffer());
  if (res.status === 401 || res.status === 403)
    throw new ChannelError('AUTH', `the speech service refused the key (${res.status})`);
  if (!res.ok)
    throw new ChannelError(
      'UNAVAILABLE',
      `the speech service answered ${res.status}: ${bytes.toString('utf8', 0, 200)}`,
    );
  return bytes;
}
