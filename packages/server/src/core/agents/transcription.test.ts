/**
 * Speech to text against the OpenAI-compatible simulator and two small servers of other shapes: a whisper model is
 * asked for verbose_json and its segments' avg_logprob give the confidence (exp of their mean); a gpt-4o transcribe
 * model is asked for json with token logprobs; a server that answers plain text gives the transcript alone; one
 * that refuses verbose_json is asked once more for json; segments with only no_speech_prob give 1 − its mean.
 */
import { startOpenAiSimulator, type OpenAiSimulator } from '@switchboard/simulators';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { confidenceOf, transcribe } from './transcription.js';

const KEY = 'sk-stt-test-0001';
const audio = { bytes: Buffer.from('RIFF fake wav bytes of the test'), mimeType: 'audio/wav', fileName: 'u1.wav' };
const http = (url: string, init?: RequestInit) => fetch(url, init);

async function serve(handler: (body: string, res: ServerResponse) => void): Promise<{ url: string; server: Server }> {
  const server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('latin1')));
    req.on('end', () => handler(body, res));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, server };
}

describe('transcribe', () => {
  let ai: OpenAiSimulator;
  const servers: Server[] = [];
  beforeAll(async () => {
    ai = await startOpenAiSimulator({ apiKeys: [KEY] });
  });
  afterAll(async () => {
    await ai.close();
    for (const s of servers) await new Promise((r) => s.close(r));
  });

  it('asks a whisper model for verbose_json and takes exp of the mean avg_logprob as the confidence', async () => {
    ai.setTranscript('Where is my order? It was due today.', audio.bytes, { avgLogprob: -0.5 });
    const heard = await transcribe(http, { baseUrl: ai.baseUrl, apiKey: KEY, model: 'whisper-1' }, audio, 5000);
    expect(heard).toEqual({ text: 'Where is my order? It was due today.', confidence: 0.607 });
    expect(ai.calls('transcriptions').at(-1)?.body).toMatchObject({ responseFormat: 'verbose_json', include: null });
  });

  it('asks a gpt-4o transcribe model for json with token logprobs', async () => {
    ai.setTranscript('cancel my order', audio.bytes, { avgLogprob: -0.1 });
    const heard = await transcribe(http, { baseUrl: ai.baseUrl, apiKey: KEY, model: 'gpt-4o-transcribe' }, audio, 5000);
    expect(heard).toEqual({ text: 'cancel my order', confidence: 0.905 });
    expect(ai.calls('transcriptions').at(-1)?.body).toMatchObject({ responseFormat: 'json', include: 'logprobs' });
  });

  it('a plain-text answer is the transcript without a confidence; a refused verbose_json is asked again as json', async () => {
    const plain = await serve((_body, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('hello from a text server\n');
    });
    servers.push(plain.server);
    expect(await transcribe(http, { baseUrl: plain.url, model: 'whisper-1' }, audio, 5000)).toEqual({
      text: 'hello from a text server',
    });
    const formats: string[] = [];
    const picky = await serve((body, res) => {
      const format = /name="response_format"\r\n\r\n([a-z_]+)/.exec(body)?.[1] ?? '';
      formats.push(format);
      if (format === 'verbose_json') {
        res.writeHead(400, { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ error: { message: 'unsupported response_format' } }));
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ text: 'json only' }));
    });
    servers.push(picky.server);
    expect(await transcribe(http, { baseUrl: picky.url, model: 'whisper-large-v3' }, audio, 5000)).toEqual({
      text: 'json only',
    });
    expect(formats).toEqual(['verbose_json', 'json']);
  });

  it('derives a confidence from no_speech_prob when the segments carry no avg_logprob; none from nothing', () => {
    expect(confidenceOf({ text: 'x', segments: [{ no_speech_prob: 0.1 }, { no_speech_prob: 0.3 }] })).toBe(0.8);
    expect(confidenceOf({ text: 'x', segments: [{ avg_logprob: 0 }, { avg_logprob: -2 }] })).toBe(0.368);
    expect(confidenceOf({ text: 'x', segments: [] })).toBeUndefined();
    expect(confidenceOf({ text: 'x' })).toBeUndefined();
  });

  it('an error answer is an error naming the status', async () => {
    await expect(
      transcribe(http, { baseUrl: ai.baseUrl, apiKey: 'sk-wrong', model: 'whisper-1' }, audio, 5000),
    ).rejects.toThrow(/answered 401/);
  });
});
