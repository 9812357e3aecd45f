// Generates provider-shaped random identifiers (numeric ids, base64url file ids, Meta fbtrace ids).
import { randomBytes, randomInt } from 'node:crypto';

/** A string of `n` digits not starting with 0. */
export function randomDigits(n: number): string {
  let s = String(randomInt(1, 10));
  while (s.length < n) s += String(randomInt(0, 10));
  return s;
}

export function randomBase64Url(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export function randomAlnum(n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += ALNUM[randomInt(0, ALNUM.length)];
  return s;
}

/** Meta's `fbtrace_id`: an opaque ~27 character token, e.g. `AbCdEfGh0123456789_-xyzABCD`. */
export function fbtraceId(): string {
  return 'A' + randomBase64Url(20).slice(0, 26);
}
