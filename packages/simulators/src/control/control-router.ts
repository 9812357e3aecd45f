// Serves a handle's control operations over HTTP: `POST /_control/<op>` with a JSON object body (or `GET` with query params).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody } from '../http/read-body.js';
import { respondJson } from '../http/respond.js';

/** Path prefix of the control API; provider paths never start with it. */
export const CONTROL_PREFIX = '/_control/';

export type ControlOperation = (args: Record<string, unknown>) => unknown;

/** Thrown by control operations for bad input; answered as 400 `{ok:false, error:{message}}`. */
export class ControlError extends Error {}

export async function serveControl(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  operations: Record<string, ControlOperation>,
): Promise<void> {
  const op = decodeURIComponent(url.pathname.slice(CONTROL_PREFIX.length));
  if (op === '' || op === 'list') {
    respondJson(res, 200, { ok: true, result: Object.keys(operations).sort() });
    return;
  }
  const fn = Object.prototype.hasOwnProperty.call(operations, op) ? operations[op] : undefined;
  if (!fn) {
    respondJson(res, 404, { ok: false, error: { message: `unknown control operation ${op}` } });
    return;
  }
  let args: Record<string, unknown> = {};
  try {
    if (req.method === 'GET') {
      for (const [k, v] of url.searchParams) args[k] = coerceQueryValue(v);
    } else {
      const raw = await readBody(req, 200 << 20);
      if (raw.length > 0) {
        const parsed: unknown = JSON.parse(raw.toString('utf8'));
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
          throw new ControlError('control body must be a JSON object');
        args = parsed as Record<string, unknown>;
      }
    }
    const result = await fn(args);
    respondJson(res, 200, { ok: true, result: result === undefined ? null : result });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    respondJson(res, 400, { ok: false, error: { message } });
  }
}

function coerceQueryValue(v: string): unknown {
  if (/^-?\d+(\.\d+)?$/.test(v) && Number.isSafeInteger(Math.trunc(Number(v)))) return Number(v);
  if (v === 'true') return true;
  if (v === 'false') return false;
  return v;
}

/** Accepts `data` (Buffer, Uint8Array or UTF-8 string) or `dataBase64` from control callers. */
export function bytesArg(args: { data?: unknown; dataBase64?: unknown }): Buffer {
  if (Buffer.isBuffer(args.data)) return args.data;
  if (args.data instanceof Uint8Array) return Buffer.from(args.data);
  if (typeof args.dataBase64 === 'string') return Buffer.from(args.dataBase64, 'base64');
  if (typeof args.data === 'string') return Buffer.from(args.data, 'utf8');
  throw new ControlError('media needs data (bytes) or dataBase64');
}
