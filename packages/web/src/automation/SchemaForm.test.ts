import { describe, expect, it } from 'vitest';
import type { JsonSchema } from '../../../sdk/src/index.ts';
import { configFromRaw, fieldLabel, rawFromConfig } from './SchemaForm.tsx';

// shaped like GET /agent-types answers (zod → JSON Schema, secrets writeOnly)
const schema: JsonSchema = {
  type: 'object',
  required: ['url', 'secret'],
  properties: {
    url: { type: 'string', format: 'uri' },
    secret: { type: 'string', writeOnly: true },
    timeoutMs: { type: 'integer', default: 10000 },
    temperature: { type: 'number' },
    verbose: { type: 'boolean' },
    validate: { enum: ['text', 'email'] },
    nodes: { type: 'array' },
    speechToText: { type: 'object', properties: { baseUrl: { type: 'string' } } },
  },
};

describe('schema form values', () => {
  it('keeps a masked secret as the mask (the server keeps the stored value) and round-trips every kind of field', () => {
    const stored = {
      url: 'https://bot.example/hook',
      secret: '********',
      timeoutMs: 5000,
      temperature: 0.3,
      verbose: false,
      validate: 'email',
      nodes: [{ id: 'a', type: 'message', text: 'Hi' }],
      speechToText: { baseUrl: 'https://stt.example' },
    };
    const raw = rawFromConfig(schema, stored);
    expect(raw.secret).toBe('********');
    expect(raw.verbose).toBe(false);
    expect(typeof raw.nodes).toBe('string');
    expect(configFromRaw(schema, raw)).toEqual(stored);
  });

  it('a pasted secret replaces the mask; empty fields are left out; numbers are numbers', () => {
    const raw = {
      ...rawFromConfig(schema, { url: 'https://x.example', secret: '********' }),
      secret: 'new-secret-value-0123456789',
      timeoutMs: '2500',
      temperature: '',
    };
    expect(configFromRaw(schema, raw)).toEqual({
      url: 'https://x.example',
      secret: 'new-secret-value-0123456789',
      timeoutMs: 2500,
    });
  });

  it('names the field whose JSON does not parse', () => {
    expect(() => configFromRaw(schema, { url: 'https://x.example', nodes: '[{oops' })).toThrow('Nodes: not valid JSON');
  });

  it('labels fields in words', () => {
    expect(fieldLabel('maxTokens', {})).toBe('Max tokens');
    expect(fieldLabel('baseUrl', {})).toBe('Base URL');
    expect(fieldLabel('timeoutMs', {})).toBe('Timeout (ms)');
    expect(fieldLabel('x', { title: 'Given title' })).toBe('Given title');
  });
});
