// Reads Bot API parameters from the query string, form-urlencoded, JSON or multipart bodies (https://core.telegram.org/bots/api#making-requests).
import type { IncomingMessage } from 'node:http';
import { multipartBoundary, parseMultipart, type UploadedFile } from '../http/multipart.js';
import { readBody } from '../http/read-body.js';
import { BotApiError, tgErrors } from './errors.js';

/** A parameter value: a string (query/form/multipart field), any JSON value (JSON body) or an uploaded file. */
export type ParamValue = string | number | boolean | null | object | UploadedFile;

export function isUploadedFile(v: unknown): v is UploadedFile {
  return typeof v === 'object' && v !== null && Buffer.isBuffer((v as UploadedFile).data) && 'field' in v;
}

export class BotParams {
  constructor(
    readonly values: Map<string, ParamValue>,
    /** Files of the multipart body by part name (for `attach://<name>`). */
    readonly files: Map<string, UploadedFile> = new Map(),
  ) {}

  static fromObject(obj: Record<string, unknown>): BotParams {
    const values = new Map<string, ParamValue>();
    for (const [k, v] of Object.entries(obj)) if (v !== undefined) values.set(k, v as ParamValue);
    return new BotParams(values);
  }

  has(name: string): boolean {
    const v = this.values.get(name);
    return v !== undefined && v !== null && v !== '';
  }

  raw(name: string): ParamValue | undefined {
    return this.values.get(name);
  }

  str(name: string): string | undefined {
    const v = this.values.get(name);
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    if (isUploadedFile(v)) return v.data.toString('utf8');
    return JSON.stringify(v);
  }

  int(name: string): number | undefined {
    const v = this.values.get(name);
    if (typeof v === 'number') return Number.isFinite(v) ? Math.trunc(v) : undefined;
    if (typeof v === 'string' && /^\s*[-+]?\d+\s*$/.test(v)) return Number.parseInt(v, 10);
    return undefined;
  }

  num(name: string): number | undefined {
    const v = this.values.get(name);
    if (typeof v === 'number') return v;
    if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
    return undefined;
  }

  bool(name: string): boolean {
    const v = this.values.get(name);
    if (typeof v === 'boolean') return v;
    if (typeof v === 'number') return v !== 0;
    if (typeof v === 'string') return v === 'true' || v === '1' || v === 'True';
    return false;
  }

  /** A JSON-valued parameter: already parsed in a JSON body, a JSON string otherwise. */
  json<T>(name: string, onError: () => BotApiError): T | undefined {
    const v = this.values.get(name);
    if (v === undefined || v === null || v === '') return undefined;
    if (typeof v === 'string') {
      try {
        return JSON.parse(v) as T;
      } catch {
        throw onError();
      }
    }
    if (isUploadedFile(v)) throw onError();
    return v as T;
  }

  /** `chat_id`: an integer or `@username`. */
  chatId(name = 'chat_id'): number | string {
    const v = this.values.get(name);
    if (typeof v === 'number') return v;
    if (typeof v === 'string' && v.trim() !== '') {
      const t = v.trim();
      if (/^[-+]?\d+$/.test(t)) return Number.parseInt(t, 10);
      if (t.startsWith('@')) return t;
      throw tgErrors.chatNotFound();
    }
    throw tgErrors.chatIdEmpty();
  }

  /** An InputFile parameter: an uploaded part, `attach://<part>`, or a file_id / URL string. */
  inputFile(name: string): UploadedFile | string | undefined {
    const v = this.values.get(name);
    if (v === undefined || v === null || v === '') return undefined;
    if (isUploadedFile(v)) return v;
    const s = this.str(name) ?? '';
    if (s.startsWith('attach://')) return this.files.get(s.slice('attach://'.length));
    return s;
  }

  /** A serialisable summary for the call log (uploads become `{file, size}`). */
  summary(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, v] of this.values) {
      out[k] = isUploadedFile(v)
        ? { upload: v.filename ?? v.field, size: v.data.length, contentType: v.contentType }
        : v;
    }
    return out;
  }
}

const MAX_REQUEST_BYTES = 60 << 20;

/** Collects the parameters of one Bot API request, query string first, then the body. */
export async function readBotParams(req: IncomingMessage, url: URL): Promise<BotParams> {
  const values = new Map<string, ParamValue>();
  for (const [k, v] of url.searchParams) values.set(k, v);
  let files = new Map<string, UploadedFile>();
  if (req.method === 'POST' || req.method === 'PUT') {
    const body = await readBody(req, MAX_REQUEST_BYTES);
    const type = (req.headers['content-type'] ?? '').toLowerCase();
    if (body.length > 0) {
      const boundary = multipartBoundary(req.headers['content-type']);
      if (boundary) {
        const parsed = parseMultipart(body, boundary);
        for (const [k, v] of parsed.fields) values.set(k, v);
        for (const [k, f] of parsed.files) values.set(k, f);
        files = parsed.files;
      } else if (type.startsWith('application/json')) {
        let parsed: unknown;
        try {
          parsed = JSON.parse(body.toString('utf8'));
        } catch {
          throw new BotApiError(400, "Bad Request: can't parse JSON object");
        }
        if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
          for (const [k, v] of Object.entries(parsed)) values.set(k, v as ParamValue);
        }
      } else {
        // application/x-www-form-urlencoded (also the default when no content type is sent)
        for (const [k, v] of new URLSearchParams(body.toString('utf8'))) values.set(k, v);
      }
    }
  }
  return new BotParams(values, files);
}
