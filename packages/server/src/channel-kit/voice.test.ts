/**
 * The call-audio helpers: WAV in and out, resampling, G.711, and text-to-speech through espeak-ng (the Debian
 * program, offline) and through an OpenAI-compatible /audio/speech endpoint (a real HTTP server here that answers
 * with a WAV file).
 */
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ChannelError } from './errors.js';
import { decodeG711, decodeWav, encodeG711, encodeWav, resample, rms, synthesizeSpeech } from './voice.js';

const http = (url: string, init?: RequestInit) => fetch(url, init);

function tone(rate: number, seconds: number, hz: number): Int16Array {
  const out = new Int16Array(Math.round(rate * seconds));
  for (let i = 0; i < out.length; i++) out[i] = Math.round(8000 * Math.sin((2 * Math.PI * hz * i) / rate));
  return out;
}

describe('call audio', () => {
  it('writes and reads PCM WAV, stereo interleaved, and reads a streamed WAV without a data length', () => {
    const samples = Int16Array.from([1, -1, 2, -2, 300, -300]);
    const wav = encodeWav({ sampleRate: 8000, channels: 2, samples });
    expect(wav.length).toBe(44 + 12);
    const back = decodeWav(wav);
    expect(back).toMatchObject({ sampleRate: 8000, channels: 2 });
    expect([...back.samples]).toEqual([...samples]);
    const streamed = Buffer.from(wav);
    streamed.writeUInt32LE(0xffffffff, 40);
    expect([...decodeWav(streamed).samples]).toEqual([...samples]);
    expect(() => decodeWav(Buffer.from('not a wav file at all'))).toThrow(ChannelError);
  });

  it('resamples to 8 kHz keeping the length and the loudness of speech-band audio', () => {
    const input = tone(22050, 1, 440);
    const out = resample({ sampleRate: 22050, channels: 1, samples: input }, 8000);
    expect(out.sampleRate).toBe(8000);
    expect(Math.abs(out.samples.length - 8000)).toBeLessThanOrEqual(1);
    expect(rms(out.samples)).toBeGreaterThan(rms(input) * 0.9);
    // a tone above 4 kHz cannot exist at 8 kHz: the low-pass takes most of it away
    const high = resample({ sampleRate: 22050, channels: 1, samples: tone(22050, 1, 7000) }, 8000);
    expect(rms(high.samples)).toBeLessThan(rms(input) * 0.5);
  });

  it('G.711 round trips within the codec’s step, both laws, and differs between them', () => {
    const input = tone(8000, 0.1, 300);
    for (const codec of ['PCMU', 'PCMA'] as const) {
      const bytes = encodeG711(codec, input);
      expect(bytes.length).toBe(input.length);
      const back = decodeG711(codec, bytes);
      for (let i = 0; i < input.length; i++)
        expect(Math.abs((back[i] as number) - (input[i] as number))).toBeLessThan(300);
    }
    expect(Buffer.from(encodeG711('PCMU', input)).equals(Buffer.from(encodeG711('PCMA', input)))).toBe(false);
  });

  it('speaks offline with espeak-ng: 8 kHz mono speech of a plausible length, the text never an option', async () => {
    const speech = await synthesizeSpeech('Hello, thank you for calling.', { engine: 'espeak-ng' }, { http });
    expect(speech.sampleRate).toBe(8000);
    expect(speech.channels).toBe(1);
    const seconds = speech.samples.length / 8000;
    expect(seconds).toBeGreaterThan(1);
    expect(seconds).toBeLessThan(4);
    expect(rms(speech.samples)).toBeGreaterThan(500);
    // a text that looks like an option is read, not obeyed (it arrives on standard input)
    const odd = await synthesizeSpeech('--version', { engine: 'espeak-ng' }, { http });
    expect(odd.samples.length).toBeGreaterThan(2000);
    const slow = await synthesizeSpeech(
      'Hello, thank you for calling.',
      { engine: 'espeak-ng', wordsPerMinute: 100 },
      { http },
    );
    expect(slow.samples.length).toBeGreaterThan(speech.samples.length);
  });

  it('speaks through an OpenAI-compatible /audio/speech endpoint, and reports its refusals', async () => {
    const wav = execFileSync('espeak-ng', ['--stdout', 'one two three']);
    const requests: Array<{ url: string; auth: string | undefined; body: Record<string, unknown> }> = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        requests.push({ url: req.url ?? '', auth: req.headers.authorization, body: JSON.parse(body) });
        if (req.headers.authorization !== 'Bearer sk-speech') return void res.writeHead(401).end('{"error":{}}');
        res.writeHead(200, { 'content-type': 'audio/wav' }).end(wav);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
    try {
      const speech = await synthesizeSpeech(
        'one two three',
        { engine: 'openai', baseUrl, apiKey: 'sk-speech', model: 'tts-1', voice: 'alloy' },
        { http },
      );
      expect(speech.sampleRate).toBe(8000);
      const expected = decodeWav(wav);
      expect(Math.abs(speech.samples.length - (expected.samples.length * 8000) / expected.sampleRate)).toBeLessThan(2);
      expect(requests[0]).toMatchObject({
        url: '/v1/audio/speech',
        auth: 'Bearer sk-speech',
        body: { model: 'tts-1', input: 'one two three', voice: 'alloy', response_format: 'wav' },
      });
      await expect(
        synthesizeSpeech('x', { engine: 'openai', baseUrl, apiKey: 'wrong', model: 'tts-1', voice: 'alloy' }, { http }),
      ).rejects.toMatchObject({ code: 'AUTH' });
    } finally {
      server.close();
    }
  });
});
