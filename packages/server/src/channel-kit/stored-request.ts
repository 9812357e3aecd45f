/**
 * @module channel-kit/stored-request
 * What of a webhook request is kept with its raw event. Method, URL and body always (a parser fix re-parses them);
 * of the headers only those the connector declares in `inbound.storedHeaders`: `keep` as received (content type, a
 * signature over the body), `digest` — credentials such as a shared secret token or a visitor's bearer token — as
 * `sha256:<first 16 hex digits of SHA-256(value)>`, enough to tell which secret was presented and useless to present
 * it again. Every other header (cookies, proxy headers, user agents, unknown `x-…`) is dropped: raw events are kept
 * for days and written out by `switchboard export`.
 */
import { createHash } from 'node:crypto';

export interface StoredHeaders {
  /** header names (lower case) stored as received: what parse reads, or what re-verifies the body */
  keep?: readonly string[];
  /** credential header names (lower case) stored as a digest only */
  digest?: readonly string[];
}

/** what a connector that declares nothing keeps */
export const DEFAULT_STORED_HEADERS: StoredHeaders = { keep: ['content-type'] };

const DIGEST = /^sha256:[0-9a-f]{16}$/;

/** `sha256:` + the first 16 hex digits of SHA-256(value) (64 bits: tells secrets apart, reveals none) */
export function credentialDigest(value: string): string {
  return `sha256:${createHash('sha256').update(value, 'utf8').digest('hex').slice(0, 16)}`;
}

export function isCredentialDigest(value: unknown): value is string {
  return typeof value === 'string' && DIGEST.test(value);
}

/** the headers to store with a raw event: declared ones only, credentials digested */
export function storedHeaders(
  headers: Readonly<Record<string, string | undefined>>,
  spec: StoredHeaders = DEFAULT_STORED_HEADERS,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of spec.keep ?? []) {
    const v = headers[name];
    if (v !== undefined) out[name] = v;
  }
  for (const name of spec.digest ?? []) {
    const v = headers[name];
    if (v !== undefined) out[name] = credentialDigest(v);
  }
  return out;
}

/**
 * the URL to store with a raw event: a path segment after `/webhooks/{connectionId}/` is a credential (the secret
 * path segment of a provider that signs nothing, such as the WhatsApp Coreapp) and is stored as its digest
 */
export function storedWebhookUrl(url: string): string {
  return url.replace(
    /(\/webhooks\/[^/?#]+\/)([^/?#]+)/,
    (_m, head: string, secret: string) => `${head}${credentialDigest(secret)}`,
  );
}

/**
 * Credentials some providers put inside the body rather than a header (VK's Callback API `secret`,
 * https://dev.vk.com/en/api/callback/getting-started): top-level string fields of a JSON object body stored as a
 * digest. parse must not read them (verify already did, on the live request).
 */
export interface StoredBody {
  /** top-level fields of a JSON object body whose string value is stored as `sha256:…` */
  digestJsonFields: readonly string[];
}

/** the index just past the JSON string token that opens at `start` (a `"`), or -1 when it does not close */
function stringEnd(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5c) i++;
    else if (c === 0x22) return i + 1;
  }
  return -1;
}

function skipSpace(text: string, i: number): number {
  while (i < text.length && /\s/.test(text[i] as string)) i++;
  return i;
}

/**
 * The body to store with a raw event: byte for byte as received except the declared top-level string fields of a
 * JSON object, whose values become their digest (so what the provider sent stays readable and re-parses the same).
 * A body that is not a JSON object, or has none of the fields, is stored unchanged.
 */
export function storedBody(raw: Buffer, spec?: StoredBody): Buffer {
  const fields = spec?.digestJsonFields ?? [];
  if (fields.length === 0) return raw;
  const text = raw.toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return raw;
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return raw;
  const present = fields.filter((f) => typeof (parsed as Record<string, unknown>)[f] === 'string');
  if (present.length === 0) return raw;
  const digestOf = (value: string) => (isCredentialDigest(value) ? value : credentialDigest(value));
  // bytes that are not UTF-8 would not survive the text round trip: such a body is stored re-serialised instead
  if (!Buffer.from(text, 'utf8').equals(raw)) {
    const copy = { ...(parsed as Record<string, unknown>) };
    for (const f of present) copy[f] = digestOf(copy[f] as string);
    return Buffer.from(JSON.stringify(copy), 'utf8');
  }
  // one pass over the text: at the object's own level, a string after `{` or `,` is a member name
  const cuts: Array<{ from: number; to: number; value: string }> = [];
  let depth = 0;
  let expectName = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      const end = stringEnd(text, i);
      if (end < 0) return raw;
      if (depth === 1 && expectName) {
        expectName = false;
        const name = JSON.parse(text.slice(i, end)) as string;
        const colon = skipSpace(text, end);
        const valueAt = skipSpace(text, colon + 1);
        if (text[colon] === ':' && text[valueAt] === '"' && present.includes(name)) {
          const valueEnd = stringEnd(text, valueAt);
          if (valueEnd < 0) return raw;
          const value = JSON.parse(text.slice(valueAt, valueEnd)) as string;
          cuts.push({
            from: valueAt,
            to: valueEnd,
            value: JSON.stringify(digestOf(value)),
          });
          i = valueEnd - 1;
          continue;
        }
      }
      i = end - 1;
    } else if (c === '{' || c === '[') {
      depth++;
      expectName = c === '{' && depth === 1;
    } else if (c === '}' || c === ']') depth--;
    else if (c === ',' && depth === 1) expectName = true;
  }
  if (cuts.length === 0) return raw;
  let out = '';
  let at = 0;
  for (const cut of cuts) {
    out += text.slice(at, cut.from) + cut.value;
    at = cut.to;
  }
  return Buffer.from(out + text.slice(at), 'utf8');
}
