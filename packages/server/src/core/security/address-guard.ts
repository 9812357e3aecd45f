/**
 * @module core/security/address-guard
 * Server-side request forgery guard for connectors' HTTP calls. Provider payloads carry URLs (a WhatsApp media
 * download link, …) that the hub then fetches with the connection's credentials; a forged or hostile URL must not
 * reach the hub's own network: loopback, private (RFC 1918), shared (RFC 6598), link-local (cloud metadata at
 * 169.254.169.254), IPv6 unique-local, unspecified, multicast and the IPv4-mapped/-compatible/NAT64 forms of
 * those. Every address a host name resolves to is checked, and redirects are followed by hand so each hop is
 * checked again (at most 5). The one exception is the origin of the connection's own `apiBaseUrl` (or an agent's
 * configured endpoint): an operator who points a connection at a simulator or gateway on 127.0.0.1 meant it —
 * except link-local addresses, refused even there (cloud metadata credentials).
 *
 * The check resolves the name before fetch resolves it again, so a DNS answer that changes between the two
 * (rebinding) is not covered; pinning the address needs a custom dispatcher, which plain fetch does not offer.
 */
import { lookup } from 'node:dns/promises';
import { isIPv4, isIPv6 } from 'node:net';
import { ChannelError, type HttpClient } from '../../channel-kit/index.js';

/** resolves a host name to every address it has */
export type Resolver = (hostname: string) => Promise<string[]>;

export interface AddressGuardOptions {
  /** the connection's `config.apiBaseUrl`: requests to exactly its origin are never refused */
  apiBaseUrl?: string | undefined;
  /** DNS resolution (tests inject one); defaults to the system resolver, all addresses */
  resolve?: Resolver;
  /** redirects followed at most (default 5) */
  maxRedirects?: number;
}

export const MAX_REDIRECTS = 5;

const systemResolver: Resolver = async (hostname) => (await lookup(hostname, { all: true, verbatim: true })).map((a) => a.address);

function ipv4Octets(ip: string): number[] | undefined {
  if (!isIPv4(ip)) return undefined;
  return ip.split('.').map(Number);
}

/** why an IPv4 address must not be fetched, or undefined when it is public */
function blockedIpv4(ip: string): string | undefined {
  const o = ipv4Octets(ip);
  if (!o) return 'not an IPv4 address';
  const [a = 0, b = 0] = o;
  if (a === 0) return 'unspecified';
  if (a === 127) return 'loopback';
  if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)) return 'private';
  if (a === 100 && b >= 64 && b <= 127) return 'shared address space';
  if (a === 169 && b === 254) return 'link-local';
  if (a === 192 && b === 0 && o[2] === 0) return 'IETF protocol assignments';
  if (a === 198 && (b === 18 || b === 19)) return 'benchmarking';
  if (a >= 224) return a === 255 && b === 255 && o[2] === 255 && o[3] === 255 ? 'broadcast' : a < 240 ? 'multicast' : 'reserved';
  return undefined;
}

/** the eight 16-bit groups of an IPv6 address (with an embedded dotted quad, a zone id), or undefined */
export function ipv6Groups(input: string): number[] | undefined {
  const ip = input.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  if (!isIPv6(ip)) return undefined;
  let text = ip;
  const dotted = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(ip);
  if (dotted) {
    const o = ipv4Octets(dotted[2] as string);
    if (!o) return undefined;
    const [a = 0, b = 0, c = 0, d = 0] = o;
    text = `${dotted[1] as string}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const parseSide = (s: string): number[] => (s === '' ? [] : s.split(':').filter((x) => x !== '').map((h) => parseInt(h, 16)));
  const double = text.indexOf('::');
  let groups: number[];
  if (double >= 0) {
    const head = parseSide(text.slice(0, double));
    const rest = parseSide(text.slice(double + 2));
    const missing = 8 - head.length - rest.length;
    if (missing < 0) return undefined;
    groups = [...head, ...new Array<number>(missing).fill(0), ...rest];
  } else {
    groups = parseSide(text);
  }
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : undefined;
}

/** why an IPv6 address must not be fetched, or undefined when it is public */
function blockedIpv6(ip: string): string | undefined {
  const g = ipv6Groups(ip);
  if (!g) return 'not an IPv6 address';
  const [g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0, g6 = 0, g7 = 0] = g;
  const v4 = `${g6 >> 8}.${g6 & 0xff}.${g7 >> 8}.${g7 & 0xff}`;
  const firstSixZero = g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0;
  if (firstSixZero && g5 === 0 && g6 === 0 && g7 === 0) return 'unspecified';
  if (firstSixZero && g5 === 0 && g6 === 0 && g7 === 1) return 'loopback';
  // ::ffff:a.b.c.d (mapped), ::a.b.c.d (compatible, deprecated), ::ffff:0:a.b.c.d (translated)
  if (firstSixZero && (g5 === 0xffff || g5 === 0)) return blockedIpv4(v4) && `IPv4-mapped ${blockedIpv4(v4) as string}`;
  if (g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0xffff && g5 === 0) return blockedIpv4(v4) && `IPv4-translated ${blockedIpv4(v4) as string}`;
  // NAT64 well-known prefix 64:ff9b::/96 reaches the embedded IPv4 address
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0) return blockedIpv4(v4) && `NAT64 ${blockedIpv4(v4) as string}`;
  if ((g0 & 0xffc0) === 0xfe80) return 'link-local';
  if ((g0 & 0xffc0) === 0xfec0) return 'site-local';
  if ((g0 & 0xfe00) === 0xfc00) return 'unique-local';
  if ((g0 & 0xff00) === 0xff00) return 'multicast';
  if (g0 === 0x2001 && g1 === 0xdb8) return 'documentation';
  return undefined;
}

/** why an address (IPv4 or IPv6 literal) must not be fetched, or undefined when it is a public address */
export function blockedAddressReason(address: string): string | undefined {
  if (isIPv4(address)) return blockedIpv4(address);
  return blockedIpv6(address);
}

export function isBlockedAddress(address: string): boolean {
  return blockedAddressReason(address) !== undefined;
}

function originOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const origin = new URL(url).origin;
    return origin === 'null' ? undefined : origin;
  } catch {
    return undefined;
  }
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * Wraps an HttpClient so that it refuses (ChannelError REJECTED) requests to hosts that are or resolve to
 * non-public addresses, except the origin of `apiBaseUrl`, and follows redirects itself, checking each hop.
 */
export function guardHttpClient(inner: HttpClient, options: AddressGuardOptions = {}): HttpClient {
  const allowedOrigin = originOf(options.apiBaseUrl);
  const resolve = options.resolve ?? systemResolver;
  const maxRedirects = options.maxRedirects ?? MAX_REDIRECTS;

  const check = async (url: URL): Promise<void> => {
    // the configured origin may be loopback or private (a simulator, a gateway on the LAN) — but never link-local:
    // that is where cloud metadata services (169.254.169.254) hand out credentials
    const configured = allowedOrigin !== undefined && url.origin === allowedOrigin;
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ChannelError('REJECTED', `refused to fetch a ${url.protocol} URL`);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    let addresses: string[];
    if (isIPv4(host) || isIPv6(host)) {
      addresses = [host];
    } else {
      try {
        addresses = await resolve(host);
      } catch (error) {
        throw new ChannelError('UNAVAILABLE', `cannot resolve ${host}`, { cause: error });
      }
      if (addresses.length === 0) throw new ChannelError('UNAVAILABLE', `${host} has no address`);
    }
    for (const address of addresses) {
      const reason = blockedAddressReason(address);
      if (reason && configured && !reason.includes('link-local')) continue;
      if (reason) throw new ChannelError('REJECTED', `refused to fetch ${url.origin}: ${host} is a ${reason} address (${address})`);
    }
  };

  return async (input, init = {}) => {
    let url: URL;
    try {
      url = new URL(input);
    } catch (error) {
      throw new ChannelError('REJECTED', 'refused to fetch an invalid URL', { cause: error });
    }
    const mode = init.redirect ?? 'follow';
    const firstOrigin = url.origin;
    let current: RequestInit = { ...init, redirect: 'manual' };
    for (let hop = 0; ; hop++) {
      await check(url);
      const res = await inner(url.toString(), current);
      const location = res.headers.get('location');
      if (!REDIRECTS.has(res.status) || location === null || mode === 'manual') return res;
      await res.body?.cancel().catch(() => undefined);
      if (mode === 'error') throw new ChannelError('REJECTED', `unexpected redirect from ${url.origin}`);
      if (hop >= maxRedirects) throw new ChannelError('REJECTED', `refused to follow more than ${maxRedirects} redirects`);
      let next: URL;
      try {
        next = new URL(location, url);
      } catch (error) {
        throw new ChannelError('REJECTED', 'refused to follow a redirect to an invalid URL', { cause: error });
      }
      const method = (current.method ?? 'GET').toUpperCase();
      // as fetch does: 303, and 301/302 after a POST, continue as a GET without the body
      const toGet = res.status === 303 ? method !== 'GET' && method !== 'HEAD' : (res.status === 301 || res.status === 302) && method === 'POST';
      const headers = new Headers(current.headers);
      if (toGet) {
        for (const h of ['content-type', 'content-length', 'content-encoding', 'content-language', 'content-location']) headers.delete(h);
      }
      // credentials never follow a redirect to another origin (fetch drops Authorization there too)
      if (next.origin !== firstOrigin) {
        headers.delete('authorization');
        headers.delete('cookie');
        headers.delete('proxy-authorization');
      }
      current = { ...current, headers, ...(toGet ? { method: 'GET', body: null } : {}) };
      url = next;
    }
  };
}
