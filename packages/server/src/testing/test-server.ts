/**
 * @module testing/test-server
 * Starts a real Switchboard (SQLite in a temp dir, a real port on 127.0.0.1) for end-to-end tests, with its
 * log lines captured so tests can search them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AnyConnector } from '../channel-kit/index.js';
import type { Clock } from '../core/ports/index.js';
import type { Role } from '../core/hub.js';

/** a clock tests can move forward */
export function testClock(start = Date.now()): Clock & { advance(ms: number): void } {
  let offset = start - Date.now();
  return {
    now: () => new Date(Date.now() + offset),
    advance: (ms) => {
      offset += ms;
    },
  };
}
import { loadConfig } from '../app/config.js';
import { createSwitchboard, type Switchboard } from '../app/main.js';
import { freePort } from './server-process.js';
import { newId } from '../model/index.js';
import { createApiKey } from '../core/workspaces/workspace-bootstrap.js';

export interface TestServer {
  sb: Switchboard;
  url: string;
  token: string;
  logs: string[];
  dataDir: string;
  api<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: T; headers: Headers }>;
  close(): Promise<void>;
}

export const TEST_ADMIN_TOKEN = 'sb_test_admin_token_0123456789abcdef';

export interface TestServerOptions {
  env?: Record<string, string>;
  extraConnectors?: AnyConnector[];
  dataDir?: string;
  clock?: Clock;
  /** DNS for the address guard: names map to addresses without a real resolver */
  resolve?: (hostname: string) => Promise<string[]>;
  /**
   * opt the workspace in to private networks through the API (PATCH /api/v1/workspace), for tests whose webhook
   * receivers, bots or model servers listen on 127.0.0.1
   */
  allowPrivateNetwork?: boolean;
  /** what the process runs (default all); `api` stores webhooks without processing them */
  role?: Role;
}

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'switchboard-test-'));
  const logs: string[] = [];
  // a real port up front, so webhook URLs handed to simulators point at this server
  const port = await freePort();
  const config = loadConfig({
    PORT: String(port),
    SWITCHBOARD_PUBLIC_URL: `http://127.0.0.1:${port}`,
    HOST: '127.0.0.1',
    SWITCHBOARD_DATA_DIR: dataDir,
    SWITCHBOARD_ADMIN_TOKEN: TEST_ADMIN_TOKEN,
    LOG_LEVEL: 'debug',
    SWITCHBOARD_RETRY_BASE_MS: '50',
    SWITCHBOARD_RETRY_MAX_MS: '400',
    ...options.env,
  });
  const sb = await createSwitchboard(config, {
    logWrite: (l) => logs.push(l),
    extraConnectors: options.extraConnectors ?? [],
    ...(options.role ? { role: options.role } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.resolve ? { resolve: options.resolve } : {}),
  });
  const address = await sb.listen();
  // webhook URLs must point at the real port; tests that check them read sb.config
  const url = address.replace('[::1]', '127.0.0.1');
  const api = async <T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${TEST_ADMIN_TOKEN}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, body: parsed as T, headers: res.headers };
  };
  if (options.allowPrivateNetwork) {
    const opted = await api('PATCH', '/api/v1/workspace', { allowPrivateNetwork: true });
    if (opted.status !== 200)
      throw new Error(`could not allow private networks: ${opted.status} ${JSON.stringify(opted.body)}`);
  }
  return {
    sb,
    url,
    token: TEST_ADMIN_TOKEN,
    logs,
    dataDir,
    api,
    async close() {
      await sb.close();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** polls until fn returns a truthy value (bounded) */
/** a second workspace with an owner holding `token`, created straight in the store (cross-workspace tests) */
export async function addWorkspace(
  t: TestServer,
  token: string,
  email = 'other@example.com',
): Promise<{ workspaceId: string; userId: string }> {
  const workspaceId = newId('ws');
  const userId = newId('usr');
  const at = new Date().toISOString();
  await t.sb.store.insertWorkspace({ id: workspaceId, name: 'Other', createdAt: at });
  await t.sb.store.insertUser({
    id: userId,
    workspaceId,
    email,
    name: 'Other',
    role: 'owner',
    passwordHash: null,
    createdAt: at,
  });
  await createApiKey(t.sb.store, workspaceId, userId, 'other', token, at);
  return { workspaceId, userId };
}

export async function eventually<T>(
  fn: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** reads an SSE stream, collecting events until stopped */
export function collectSse(
  url: string,
  headers: Record<string, string> = {},
): { events: Array<{ event: string; data: unknown; id?: string }>; close(): void; ready: Promise<void> } {
  const events: Array<{ event: string; data: unknown; id?: string }> = [];
  const controller = new AbortController();
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((r) => (markReady = r));
  void (async () => {
    try {
      const res = await fetch(url, { headers, signal: controller.signal });
      if (!res.body) return;
      const decoder = new TextDecoder();
      let buffer = '';
      for await (const chunk of res.body) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true });
        let idx;
        while ((idx = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, idx);
          buffer = buffer.slice(idx + 2);
          const fields: Record<string, string> = {};
          for (const line of block.split('\n')) {
            const m = /^(\w+): ?(.*)$/.exec(line);
            if (m) fields[m[1] as string] = m[2] as string;
          }
          if (!fields.event) continue;
          const entry = {
            event: fields.event,
            data: JSON.parse(fields.data ?? 'null') as unknown,
            ...(fields.id ? { id: fields.id } : {}),
          };
          if (entry.event === 'ready') markReady();
          events.push(entry);
        }
      }
    } catch {
      // aborted
    }
  })();
  return { events, ready, close: () => controller.abort() };
}
