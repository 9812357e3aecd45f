/**
 * Agents' endpoints (webhook bot `url`, LLM `baseUrl`, speech-to-text `baseUrl`) under the workspace's address
 * policy: without the opt-in a name resolving to a private address is refused before any request, and the error the
 * turn records is the refusal itself, not "could not reach …"; with it the private endpoint is called; metadata
 * addresses stay refused. The inner client counts what reaches it.
 */
import { describe, expect, it } from 'vitest';
import { AdminEndpoints } from '../security/admin-endpoints.js';
import { LlmConfigSchema, WebhookAgentConfigSchema } from './agent-config.js';
import { callWebhookBot } from './webhook-agent.js';
import { checkProvider } from './llm-agent.js';
import { transcribe } from './transcription.js';

const ZONE: Record<string, string[]> = { 'models.lan': ['192.168.1.20'], 'meta.lan': ['169.254.169.254'] };

function endpoints(allowPrivateNetwork: boolean) {
  const reached: string[] = [];
  const http = (url: string) => {
    reached.push(url);
    const body = url.endsWith('/models')
      ? { data: [{ id: 'm' }] }
      : url.endsWith('/audio/transcriptions')
        ? { text: 'hello' }
        : { replies: [{ text: 'hi' }] };
    return Promise.resolve(Response.json(body));
  };
  const store = {
    getWorkspace: (id: string) => Promise.resolve({ id, name: 'w', createdAt: '', allowPrivateNetwork }),
  };
  return {
    reached,
    e: new AdminEndpoints({
      store,
      http,
      resolve: (h) => (ZONE[h] ? Promise.resolve(ZONE[h]) : Promise.reject(new Error('ENOTFOUND'))),
    }),
  };
}

const bot = (url: string) => ({
  ...WebhookAgentConfigSchema.parse({ url, secret: 'bot-secret-0123456789' }),
  secret: 'bot-secret-0123456789',
});
const llm = (baseUrl: string) => LlmConfigSchema.parse({ baseUrl, model: 'm' });
const audio = { bytes: Buffer.from('ogg'), mimeType: 'audio/ogg' };
const event = { id: 'turn_1', occurredAt: new Date().toISOString(), data: {} };
const failure = (p: Promise<unknown>) =>
  p.then(
    () => 'no error',
    (error: unknown) => (error as Error).message,
  );

describe('agent endpoints under the address policy', () => {
  it('refuses a private endpoint without the opt-in, before any request, with the refusal as the error', async () => {
    const { e, reached } = endpoints(false);
    const http = await e.client('ws_1');
    expect(await failure(callWebhookBot(http, bot('http://models.lan/bot'), event, new Date()))).toMatch(
      /^refused by the address policy: models\.lan \(192\.168\.1\.20\) is a private address/,
    );
    expect(await failure(checkProvider(http, llm('http://models.lan/v1')))).toMatch(
      /^refused by the address policy: models\.lan/,
    );
    expect(
      await failure(transcribe(http, { baseUrl: 'http://2130706433/v1', model: 'whisper-1' }, audio, 1000)),
    ).toMatch(/^refused by the address policy: 127\.0\.0\.1 is a loopback address/);
    expect(reached).toEqual([]);
  });

  it('calls a private endpoint once the workspace opted in; metadata never', async () => {
    const { e, reached } = endpoints(true);
    const http = await e.client('ws_1');
    expect((await callWebhookBot(http, bot('http://models.lan/bot'), event, new Date())).replies).toEqual([
      { type: 'text', text: 'hi' },
    ]);
    await checkProvider(http, llm('http://models.lan/v1'));
    expect(await transcribe(http, { baseUrl: 'http://models.lan/v1', model: 'whisper-1' }, audio, 1000)).toEqual({
      text: 'hello',
    });
    expect(await failure(callWebhookBot(http, bot('http://meta.lan/bot'), event, new Date()))).toMatch(
      /^refused by the address policy: meta\.lan \(169\.254\.169\.254\) is a cloud metadata address/,
    );
    expect(await failure(checkProvider(http, llm('http://[fd00:ec2::254]/v1')))).toMatch(
      /^refused by the address policy/,
    );
    expect(reached).toEqual([
      'http://models.lan/bot',
      'http://models.lan/v1/models',
      'http://models.lan/v1/audio/transcriptions',
    ]);
  });

  it('checks URLs as written at save: 400 naming the field, private only with the opt-in', async () => {
    const refused = await failure(
      endpoints(false).e.check('ws_1', [
        { field: 'url', url: 'http://0x7f.1/bot' },
        { field: 'baseUrl', url: 'https://models.example/v1' },
      ]),
    );
    expect(refused).toMatch(/^url: refused by the address policy: 127\.0\.0\.1 is a loopback address/);
    expect(
      await failure(
        endpoints(true).e.check('ws_1', [
          { field: 'url', url: 'http://0x7f.1/bot' },
          { field: 'x', url: undefined },
        ]),
      ),
    ).toBe('no error');
    expect(
      await failure(
        endpoints(true).e.check('ws_1', [{ field: 'speechToText.baseUrl', url: 'http://169.254.169.254/v1' }]),
      ),
    ).toMatch(/^speechToText\.baseUrl: refused/);
  });
});
