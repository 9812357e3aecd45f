/**
 * The registry is the list of channels this build offers: every folder under channels/ must be registered
 * under its own name (a forgotten line fails here, not in production), and no type twice.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createRegistry } from '../core/deps.js';
import { configJsonSchema } from '../channel-kit/index.js';
import { testConnector } from '../channel-kit/test-connector.js';
import { connectors } from './index.js';

const folders = readdirSync(fileURLToPath(new URL('.', import.meta.url)), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

describe('the channel registry', () => {
  it('registers every channel folder under its folder name', () => {
    expect(folders.length).toBeGreaterThan(0);
    expect(connectors.map((c) => c.type).sort()).toEqual(folders);
  });

  it('holds each type once, and refuses a type registered twice or malformed', () => {
    expect(new Set(connectors.map((c) => c.type)).size).toBe(connectors.length);
    expect(createRegistry(connectors).list()).toHaveLength(connectors.length);
    expect(() => createRegistry([...connectors, connectors[0]!])).toThrow(/registered twice/);
    expect(() => createRegistry([{ ...testConnector, type: 'Not A Type' }])).toThrow(/must match/);
  });

  it('says, for every value a person must bring (required or secret, not generated), where it is found', () => {
    const missing: string[] = [];
    for (const c of connectors) {
      const json = configJsonSchema(c.configSchema, c.configHelp) as {
        properties: Record<string, Record<string, unknown>>;
        required?: string[];
      };
      const required = new Set(json.required ?? []);
      for (const [field, p] of Object.entries(json.properties)) {
        if (!(required.has(field) || p['x-secret'] === true) || p['x-generated'] === true) continue;
        if (typeof p['x-help-url'] !== 'string' || !/^https:\/\//.test(p['x-help-url']))
          missing.push(`${c.type}.${field}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
