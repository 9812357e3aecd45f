/**
 * Generates the SDK's view of the API from the server itself: boots an embedded hub in a temporary directory
 * (no port opened), takes the OpenAPI 3.1 document Fastify builds from the routes' zod schemas, and turns it
 * into TypeScript types with openapi-typescript. The SDK imports only those types, so a route whose schema
 * changes changes the SDK's types with it; `openapi.test.ts` fails when the committed files are stale.
 *
 *   npx tsx packages/sdk/scripts/openapi.ts           write packages/sdk/openapi.json and src/generated/api.ts
 *   npx tsx packages/sdk/scripts/openapi.ts --check   exit 1 when they differ from what the server produces
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString, type OpenAPI3 } from 'openapi-typescript';
import { loadConfig } from '../../server/src/app/config.js';
import { createSwitchboard } from '../../server/src/app/main.js';

const SDK_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
export const DOCUMENT_FILE = join(SDK_DIR, 'openapi.json');
export const TYPES_FILE = join(SDK_DIR, 'src', 'generated', 'api.ts');

/** the published document names a placeholder server: the real one is wherever the hub runs (SWITCHBOARD_PUBLIC_URL) */
const PLACEHOLDER_URL = 'http://localhost:8080';

export async function buildOpenApiDocument(): Promise<OpenAPI3> {
  const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-openapi-'));
  try {
    const config = loadConfig({
      SWITCHBOARD_DATA_DIR: dataDir,
      SWITCHBOARD_PUBLIC_URL: PLACEHOLDER_URL,
      LOG_LEVEL: 'silent',
      PORT: '8080',
    });
    const sb = await createSwitchboard(config, { logWrite: () => {} });
    try {
      await sb.app.ready();
      return sb.app.swagger() as unknown as OpenAPI3;
    } finally {
      await sb.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export interface Generated {
  document: string;
  types: string;
}

export async function generate(): Promise<Generated> {
  const doc = await buildOpenApiDocument();
  const types = astToString(await openapiTS(doc, { alphabetize: true }));
  return {
    document: `${JSON.stringify(doc, null, 2)}\n`,
    types: `/* Generated from packages/sdk/openapi.json by packages/sdk/scripts/openapi.ts: do not edit; run \`npm run sdk:types\`. */\n${types}`,
  };
}

export function committed(): Generated {
  const read = (file: string) => {
    try {
      return readFileSync(file, 'utf8');
    } catch {
      return '';
    }
  };
  return { document: read(DOCUMENT_FILE), types: read(TYPES_FILE) };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const fresh = await generate();
  if (process.argv.includes('--check')) {
    const old = committed();
    const stale = [old.document !== fresh.document && DOCUMENT_FILE, old.types !== fresh.types && TYPES_FILE].filter(
      Boolean,
    );
    if (stale.length) {
      process.stderr.write(`stale: ${stale.join(', ')} (the server's API changed); run: npm run sdk:types\n`);
      process.exit(1);
    }
  } else {
    writeFileSync(DOCUMENT_FILE, fresh.document);
    writeFileSync(TYPES_FILE, fresh.types);
    process.stdout.write(`wrote ${DOCUMENT_FILE} and ${TYPES_FILE}\n`);
  }
}
