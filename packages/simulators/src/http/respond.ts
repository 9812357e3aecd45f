// Writes JSON (or raw bytes) responses with an explicit status and headers.
import type { ServerResponse } from 'node:http';

export function respondJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  respondRaw(res, status, Buffer.from(JSON.stringify(body)), { 'content-type': 'application/json', ...headers });
}

export function respondRaw(
  res: ServerResponse,
  status: number,
  body: Buffer | string,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent || res.destroyed) return;
  const buf = typeof body === 'string' ? Buffer.from(body) : body;
  res.writeHead(status, { 'content-length': String(buf.length), ...headers });
  res.end(buf);
}
