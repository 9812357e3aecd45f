// Parses multipart/form-data bodies (RFC 7578): text fields and file parts with their filename and content type.

export interface UploadedFile {
  field: string;
  filename: string | undefined;
  contentType: string | undefined;
  data: Buffer;
}

export interface MultipartBody {
  fields: Map<string, string>;
  files: Map<string, UploadedFile>;
}

export class MultipartError extends Error {}

/** Returns the boundary of a `multipart/form-data; boundary=…` content type, or undefined. */
export function multipartBoundary(contentType: string | undefined): string | undefined {
  if (!contentType || !/^multipart\/form-data/i.test(contentType)) return undefined;
  const params = parseHeaderParams(contentType);
  return params.get('boundary');
}

/** Splits `value; a=1; b="two"` into lowercase-keyed params (quoted strings unescaped, RFC 5987 `name*` decoded). */
export function parseHeaderParams(value: string): Map<string, string> {
  const params = new Map<string, string>();
  const re = /;\s*([^\s=;]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]*))/g;
  for (const m of value.matchAll(re)) {
    const key = (m[1] ?? '').toLowerCase();
    let val = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : (m[3] ?? '').trim();
    if (key.endsWith('*')) {
      const ext = /^([^']*)'[^']*'(.*)$/.exec(val);
      if (ext) {
        try {
          val = decodeURIComponent(ext[2] ?? '');
        } catch {
          /* keep raw */
        }
      }
      params.set(key.slice(0, -1), val);
      continue;
    }
    if (!params.has(key)) params.set(key, val);
  }
  return params;
}

export function parseMultipart(body: Buffer, boundary: string): MultipartBody {
  const fields = new Map<string, string>();
  const files = new Map<string, UploadedFile>();
  const delimiter = Buffer.from(`--${boundary}`);
  let pos = body.indexOf(delimiter);
  if (pos < 0) throw new MultipartError('multipart boundary not found');
  for (;;) {
    pos += delimiter.length;
    if (body[pos] === 0x2d && body[pos + 1] === 0x2d) break; // closing "--"
    // skip transport padding and the CRLF after the delimiter
    while (body[pos] === 0x20 || body[pos] === 0x09) pos++;
    if (body[pos] === 0x0d && body[pos + 1] === 0x0a) pos += 2;
    else if (body[pos] === 0x0a) pos += 1;
    const headerEnd = body.indexOf('\r\n\r\n', pos);
    if (headerEnd < 0) throw new MultipartError('unterminated part headers');
    const headers = new Map<string, string>();
    for (const line of body.subarray(pos, headerEnd).toString('utf8').split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
    }
    const dataStart = headerEnd + 4;
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), dataStart);
    if (next < 0) throw new MultipartError('unterminated part');
    const data = body.subarray(dataStart, next);
    const disposition = headers.get('content-disposition') ?? '';
    const params = parseHeaderParams(disposition);
    const name = params.get('name');
    if (name !== undefined) {
      const filename = params.get('filename');
      const contentType = headers.get('content-type');
      if (filename !== undefined || (contentType && !/^text\/plain/i.test(contentType))) {
        files.set(name, { field: name, filename, contentType, data: Buffer.from(data) });
      } else {
        fields.set(name, data.toString('utf8'));
      }
    }
    pos = next + 2;
  }
  return { fields, files };
}
