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
