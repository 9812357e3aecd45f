/**
 * @module channels/sms-gateway/params — the parameters of a Kannel callback as bytes. Kannel expands `%b` to the
 * message's own bytes, URL-encoded: UTF-8 for 7-bit text (and UCS-2 recoded with `mo-recode`), UTF-16BE for UCS-2
 * otherwise (`%c` coding 2, `%C` charset), so the text is decoded only once the coding is known
 * (https://www.kannel.org/download/1.4.5/userguide-1.4.5/userguide.html#AEN4623, "sms-service" escape codes).
 */
import type { WebhookRequest } from '../../channel-kit/index.js';

/** application/x-www-form-urlencoded → name → value bytes (the first of a repeated name) */
export function rawParams(encoded: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const pair of encoded.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const name = decodeBytes(eq === -1 ? pair : pair.slice(0, eq)).toString('utf8');
    if (!out.has(name)) out.set(name, decodeBytes(eq === -1 ? '' : pair.slice(eq + 1)));
  }
  return out;
}

/** percent-decoding to bytes, `+` as a space; a stray `%` stays as it is */
function decodeBytes(text: string): Buffer {
  const bytes: number[] = [];
  const src = Buffer.from(text.replace(/\+/g, ' '), 'utf8');
  for (let i = 0; i < src.length; i++) {
    const c = src[i] as number;
    if (c === 0x25 && i + 2 < src.length && /^[0-9a-fA-F]{2}$/.test(src.subarray(i + 1, i + 3).toString('latin1'))) {
      bytes.push(Number.parseInt(src.subarray(i + 1, i + 3).toString('latin1'), 16));
      i += 2;
    } else bytes.push(c);
  }
  return Buffer.from(bytes);
}

/** the request's parameters: the query of a GET (Kannel's get-url and dlr-url), the form body of a POST */
export function callbackParams(
  req: Pick<WebhookRequest, 'method' | 'url' | 'rawBody' | 'headers'>,
): Map<string, Buffer> {
  if (req.method === 'POST') {
    const type = req.headers['content-type'] ?? '';
    return /application\/x-www-form-urlencoded/i.test(type) ? rawParams(req.rawBody.toString('utf8')) : new Map();
  }
  const q = req.url.indexOf('?');
  if (q === -1) return new Map();
  const hash = req.url.indexOf('#', q);
  return rawParams(req.url.slice(q + 1, hash === -1 ? undefined : hash));
}

/** a parameter as text (names and numbers are ASCII; UTF-8 for anything else) */
export const param = (params: Map<string, Buffer>, name: string): string | undefined => {
  const v = params.get(name);
  return v === undefined ? undefined : v.toString('utf8');
};

/** a message body in the coding Kannel reports: UCS-2 is UTF-16BE unless Kannel recoded it (charset UTF-8) */
export function decodeText(bytes: Buffer, coding: string | undefined, charset: string | undefined): string {
  const cs = (charset ?? '').trim().toUpperCase();
  if (coding === '2' && cs !== 'UTF-8') {
    const even = bytes.length - (bytes.length % 2);
    const swapped = Buffer.from(bytes.subarray(0, even));
    swapped.swap16();
    return swapped.toString('utf16le');
  }
  return bytes.toString('utf8');
}
