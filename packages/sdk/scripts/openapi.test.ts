/**
 * The SDK's generated files must be what the server produces now: a route schema changed without
 * `npm run sdk:types` fails here, before the SDK (and the app built on it) can disagree with the server.
 */
import { describe, expect, it } from 'vitest';
import { committed, generate } from './openapi.js';

describe('the SDK generated from the OpenAPI document', () => {
  it('is up to date with the server (when this fails, run: npm run sdk:types)', async () => {
    const fresh = await generate();
    const old = committed();
    expect(fresh.types).toContain('export interface paths');
    expect(old.document === fresh.document, 'packages/sdk/openapi.json is stale: run npm run sdk:types').toBe(true);
    expect(old.types === fresh.types, 'packages/sdk/src/generated/api.ts is stale: run npm run sdk:types').toBe(true);
  }, 60_000);
});
