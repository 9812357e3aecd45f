/** Agent configs: secrets (also nested) sealed at rest, masked in views, kept when sent back masked, rotated when new. */
import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { createSecretBox } from '../security/secret-box.js';
import { SECRET_MASK } from '../connections/config-codec.js';
import { AppError } from '../errors.js';
import {
  AgentConfigCodec,
  agentCatalog,
  generatedSecretFields,
  secretPaths,
  LlmConfigSchema,
  WebhookAgentConfigSchema,
} from './agent-config.js';

const codec = new AgentConfigCodec(createSecretBox(randomBytes(32)), { add: () => undefined, scrub: (t) => t });

describe('agent config', () => {
  it('finds secret fields, nested ones included', () => {
    expect(secretPaths(LlmConfigSchema)).toEqual([['apiKey'], ['speechToText', 'apiKey']]);
    expect(agentCatalog().map((k) => k.kind)).toEqual(['flow', 'llm', 'webhook']);
  });

  it('seals, opens, masks and merges', () => {
    const plain = codec.validate('llm', {
      baseUrl: 'https://api.example.com/v1',
      model: 'm',
      apiKey: 'sk-1',
      speechToText: { baseUrl: 'https://stt.example.com/v1', apiKey: 'sk-stt' },
    });
    const sealed = codec.seal('llm', plain);
    expect(JSON.stringify(sealed)).not.toContain('sk-1');
    expect(JSON.stringify(sealed)).not.toContain('sk-stt');
    expect(codec.open('llm', sealed)).toEqual(plain);
    const masked = codec.mask('llm', sealed);
    expect(masked.apiKey).toBe(SECRET_MASK);
    expect((masked.speechToText as Record<string, unknown>).apiKey).toBe(SECRET_MASK);
    // the masked view sent back keeps both secrets; a new value rotates one
    const kept = codec.merge('llm', sealed, { ...masked, temperature: 1 });
    expect(kept).toMatchObject({ apiKey: 'sk-1', temperature: 1, speechToText: { apiKey: 'sk-stt' } });
    expect(codec.merge('llm', sealed, { apiKey: 'sk-2' }).apiKey).toBe('sk-2');
    expect(codec.merge('llm', sealed, { speechToText: null }).speechToText).toBeUndefined();
    // the same origin may change its path; another origin needs the key entered again (no exfiltration of a
    // masked key by pointing the endpoint at another host)
    expect(codec.merge('llm', sealed, { baseUrl: 'https://api.example.com/v2' }).apiKey).toBe('sk-1');
    expect(() => codec.merge('llm', sealed, { baseUrl: 'https://attacker.example/v1' })).toThrow(
      /apiKey: the endpoint moved/,
    );
    expect(() =>
      codec.merge('llm', sealed, { speechToText: { baseUrl: 'https://attacker.example/v1', model: 'w' } }),
    ).toThrow(/speechToText.apiKey: the endpoint moved/);
    expect(codec.merge('llm', sealed, { baseUrl: 'https://other.example/v1', apiKey: 'sk-new' }).apiKey).toBe('sk-new');
  });

  it('answers 400 listing every bad field', () => {
    try {
      codec.validate('webhook', { url: 'ftp://x', secret: 'short' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(AppError);
      expect(((error as AppError).details as { fields: Array<{ field: string }> }).fields.map((f) => f.field)).toEqual([
        'url',
        'secret',
      ]);
    }
  });

  // a webhook bot is always signed
  it("generates a webhook agent's signing secret when left empty on create, and refuses a config without one afterwards", () => {
    expect(generatedSecretFields(WebhookAgentConfigSchema)).toEqual(['secret']);
    expect(generatedSecretFields(LlmConfigSchema)).toEqual([]);
    const schema = agentCatalog().find((k) => k.kind === 'webhook')?.configSchema as {
      required?: string[];
      properties: Record<string, Record<string, unknown>>;
    };
    expect(schema.required ?? []).not.toContain('secret');
    expect(schema.properties.secret).toMatchObject({ writeOnly: true, 'x-generated': true });
    for (const left of [{}, { secret: '' }, { secret: null }]) {
      const { config, generated } = codec.fillGenerated('webhook', { url: 'https://bot.example.com/hook', ...left });
      expect(generated).toEqual(['secret']);
      expect(codec.validate('webhook', config).secret).toMatch(/^whsec_.{32}$/);
    }
    expect(
      codec.fillGenerated('webhook', { url: 'https://bot.example.com/hook', secret: 'typed-secret-0123456789' }),
    ).toEqual({ config: { url: 'https://bot.example.com/hook', secret: 'typed-secret-0123456789' }, generated: [] });
    try {
      codec.validate('webhook', { url: 'https://bot.example.com/hook' });
      expect.unreachable();
    } catch (error) {
      expect(((error as AppError).details as { fields: Array<{ field: string }> }).fields.map((f) => f.field)).toEqual([
        'secret',
      ]);
    }
  });
});
