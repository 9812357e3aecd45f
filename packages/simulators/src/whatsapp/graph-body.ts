// Reads a Graph API request's parameters: JSON, form-urlencoded (JSON-valued fields decoded) or multipart bodies.
import type { IncomingMessage } from 'node:http';
import { multipartBoundary, parseMultipart } from '../http/multipart.js';
import { readBody } from '../http/read-body.js';
import { graphErrors } from './graph-errors.js';
import type { GraphBody } from './graph-context.js';

const MAX_BODY = 110 << 20; // documents may be 100 MB

export async function readGraphBody(req: IncomingMessage): Promise<GraphBody> {
  const fields: Record<string, unknown> = {};
  const body = req.method === 'GET' || req.method === 'HEAD' ? Buffer.alloc(0) : await readBody(req, MAX_BODY);
  if (body.length === 0) return { fields, files: new Map() };
  const type = (req.headers['content-type'] ?? '').toLowerCase();
  const boundary = multipartBoundary(req.headers['content-type']);
  if (boundary) {
    const parsed = parseMultipart(body, boundary);
    for (const [k, v] of parsed.fields) fields[k] = decodeField(v);
    return { fields, files: parsed.files };
  }
  if (type.startsWith('application/json') || (!type && /^\s*[{[]/.test(body.toString('utf8', 0, 16)))) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      throw graphErrors.paramMessage('Request body is not valid JSON');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw graphErrors.paramMessage('Request body must be a JSON object');
    return { fields: parsed as Record<string, unknown>, files: new Map() };
  }
  for (const [k, v] of new URLSearchParams(body.toString('utf8'))) fields[k] = decodeField(v);
  return { fields, files: new Map() };
}

/** Graph accepts JSON-encoded objects/arrays inside form fields. */
function decodeField(v: string): unknown {
  if (/^\s*[{[]/.test(v)) {
    try {
      return JSON.parse(v);
    } catch {
      return v;
    }
  }
  return v;
}
