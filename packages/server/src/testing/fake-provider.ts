/**
 * @module testing/fake-provider
 * The HTTP "provider" behind the kit's test connector: POST /messages answers {id}; failures, delays and ids are
 * scripted by the test. Real HTTP on 127.0.0.1, so the outbound pipeline runs exactly as in production.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ScriptedFailure {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface FakeProvider {
  url: string;
  received: Array<{
    to: string;
    from?: string;
    text: string;
    ref: string;
    media?: string;
    mimeType?: string;
    authorization: string | undefined;
    at: number;
  }>;
  /** files the provider holds for inbound media, by media id */
  files: Map<string, { bytes: Buffer; mimeType: string }>;
  /** media ids that fail this many more times before succeeding */
  flakyFiles: Map<string, number>;
  /** what GET /templates answers */
  templates: unknown[];
  failNext: ScriptedFailure[];
  nextIds: string[];
  delayMs: number;
  /** answer 401 to everything (a revoked token) */
  revoked: boolean;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function fakeProvider(): Promise<FakeProvider> {
  let counter = 0;
  const state: Omit<FakeProvider, 'url' | 'close'> = {
    received: [],
    failNext: [],
    nextIds: [],
    delayMs: 0,
    revoked: false,
    files: new Map(),
    flakyFiles: new Map(),
    templates: [],
  };
  const server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(payload));
      };
      if (state.revoked) return send(401, { error: { code: 'unauthorized', message: 'token revoked' } });
      if (req.url === '/me') return send(200, { ok: true });
      if (req.url === '/templates') return send(200, { data: state.templates });
      if (req.method === 'GET' && req.url?.startsWith('/media/')) {
        const id = decodeURIComponent(req.url.slice('/media/'.length));
        const flaky = state.flakyFiles.get(id) ?? 0;
        if (flaky > 0) {
          state.flakyFiles.set(id, flaky - 1);
          return send(503, { error: { message: 'media backend busy' } });
        }
        const file = state.files.get(id);
        if (!file) return send(404, { error: { message: 'no such media' } });
        res.writeHead(200, { 'content-type': file.mimeType });
        return res.end(file.bytes);
      }
      if (req.method === 'POST' && req.url === '/messages') {
        const failure = state.failNext.shift();
        if (failure)
          return send(
            failure.status,
            failure.body ?? { error: { message: `scripted ${failure.status}` } },
            failure.headers,
          );
        const parsed = JSON.parse(body) as FakeProvider['received'][number];
        state.received.push({ ...parsed, authorization: req.headers.authorization, at: Date.now() });
        // the provider has the message before we have its answer: lets tests race status callbacks against receipts
        if (state.delayMs) await new Promise((r) => setTimeout(r, state.delayMs));
        return send(200, { id: state.nextIds.shift() ?? `prov-auto-${++counter}` });
      }
      send(404, { error: { message: 'not found' } });
    })();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  });
}
