/**
 * @module core/security/address-guard
 * The one address guard for every HTTP request the hub makes to a URL it did not choose itself: connectors'
 * calls (provider payloads carry URLs such as a WhatsApp media link), admin-configured endpoints (a connection's
 * `apiBaseUrl`, an agent's `baseUrl`/`url`), outgoing webhook subscriptions and media URLs the hub fetches into its
 * store. Addresses fall into three classes (`classifyAddress`):
 *
 * - `public`: reachable always;
 * - `private`: loopback, RFC 1918, shared (RFC 6598), IPv6 unique-local and the IPv4-mapped/-compatible/NAT64/6to4
 *   forms of those — reachable only by a request whose policy allows it: the exact origin an admin configured for a
 *   connection or an agent (a simulator or an on-premise gateway), or any admin-configured URL of a workspace that
 *   opted in (`allowPrivateNetwork`, for webhook receivers on the LAN);
 * - `never`: link-local (169.254/16, fe80::/10), the cloud metadata services (AWS fd00:ec2::254, GCP fd20:ce::254,
 *   Alibaba 100.100.100.200, Oracle 192.0.0.192), unspecified, multicast, broadcast, reserved and documentation
 *   ranges, Teredo and the local-use NAT64 prefix (whose embedded address cannot be checked) — refused whatever the
 *   policy, because metadata services hand out cloud credentials.
 *
 * The check happens twice with one classification: before the request (scheme, IP literals in every spelling the
 * WHATWG URL parser accepts — `2130706433`, `0x7f.1`, `0177.0.0.1` — and the names it resolves to, so a refusal
 * never depends on the inner client), and again at connect time, in the `lookup` of the undici dispatcher handed
 * to fetch: the address a socket is opened to is the address that was checked, so a DNS answer that changes
 * between the two (rebinding) is refused too. Redirects are followed by hand so each hop is checked (at most 5).
 * A refusal is a ChannelError REJECTED whose message starts "refused by the address policy", never a socket error.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import { Agent, type Dispatcher } from 'undici';
import { ChannelError, type HttpClient } from '../../channel-kit/index.js';

/** resolves a host name to every address it has */
export type Resolver = (hostname: string) => Promise<string[]>;

export type AddressClass = 'public' | 'private' | 'never';
export interface AddressVerdict {
  class: AddressClass;
  reason: string;
}

export interface AddressGuardOptions {
  /** an admin-configured endpoint (a connection's `apiBaseUrl`, an agent's URL): its exact origin may be private */
  apiBaseUrl?: string | undefined;
  /** more such endpoints of the same connection (channel-kit providerEndpoint fields) */
  endpoints?: readonly string[] | undefined;
  /** every request of this client may reach private addresses (the workspace opted in); never `never` ones */
  allowPrivate?: boolean | undefined;
  /** DNS resolution (tests inject one); defaults to the system resolver, all addresses */
  resolve?: Resolver;
  /** redirects followed at most (default 5) */
  maxRedirects?: number;
}

export const MAX_REDIRECTS = 5;

/** the prefix of every refusal, so logs and delivery records say why without a socket error */
export const REFUSED = 'refused by the address policy';

const systemResolver: Resolver = async (hostname) =>
  (await dnsLookup(hostname, { all: true, verbatim: true })).map((a) => a.address);

/** metadata services of cloud providers, refused even where private addresses are allowed */
const METADATA = new Map<string, string>([
  ['169.254.169.254', 'cloud metadata'], // AWS, GCP, Azure, OpenStack, DigitalOcean, Oracle
  ['100.100.100.200', 'cloud metadata (Alibaba)'],
  ['192.0.0.192', 'cloud metadata (Oracle)'],
  ['fd00:ec2::254', 'cloud metadata (AWS IPv6)'],
  ['fd20:ce::254', 'cloud metadata (GCP IPv6)'],
]);

const PRIVATE_V4 = new Set(['loopback', 'private', 'carrierGradeNat']);
const PRIVATE_V6 = new Set(['loopback', 'uniqueLocal', 'deprecatedSiteLocal']);
const NAMES: Record<string, string> = {
  carrierGradeNat: 'shared address space',
  uniqueLocal: 'unique-local',
  deprecatedSiteLocal: 'site-local',
  linkLocal: 'link-local',
};

function ipv4Verdict(ip: ipaddr.IPv4): AddressVerdict {
  const metadata = METADATA.get(ip.toString());
  if (metadata) return { class: 'never', reason: metadata };
  const range = ip.range();
  if (range === 'unicast') return { class: 'public', reason: 'public' };
  return { class: PRIVATE_V4.has(range) ? 'private' : 'never', reason: NAMES[range] ?? range };
}

function embedded(kind: string, bytes: number[]): AddressVerdict {
  const inner = ipv4Verdict(new ipaddr.IPv4(bytes));
  return inner.class === 'public' ? inner : { class: inner.class, reason: `${kind} ${inner.reason}` };
}

function ipv6Verdict(ip: ipaddr.IPv6): AddressVerdict {
  // toString() is the RFC 5952 form, the spelling of the table
  const metadata = METADATA.get(ip.toString());
  if (metadata) return { class: 'never', reason: metadata };
  const p = ip.parts;
  const low = [(p[6] ?? 0) >> 8, (p[6] ?? 0) & 0xff, (p[7] ?? 0) >> 8, (p[7] ?? 0) & 0xff];
  const range = ip.range();
  switch (range) {
    case 'ipv4Mapped':
      return embedded('IPv4-mapped', low);
    case 'rfc6145':
      return embedded('IPv4-translated', low);
    case 'rfc6052':
      // 64:ff9b::/96 carries the IPv4 address in its last 32 bits; the local-use 64:ff9b:1::/48 may carry it
      // anywhere (RFC 6052 §2.2), so it cannot be checked
      return p[2] === 0 ? embedded('NAT64', low) : { class: 'never', reason: 'local-use NAT64' };
    case '6to4':
      return embedded('6to4', [(p[1] ?? 0) >> 8, (p[1] ?? 0) & 0xff, (p[2] ?? 0) >> 8, (p[2] ?? 0) & 0xff]);
    case 'unicast':
      // ::a.b.c.d, the deprecated IPv4-compatible form, still reaches the IPv4 address on some stacks
      if (p.slice(0, 6).every((g) => g === 0)) return embedded('IPv4-compatible', low);
      return { class: 'public', reason: 'public' };
    default:
      return { class: PRIVATE_V6.has(range) ? 'private' : 'never', reason: NAMES[range] ?? range };
  }
}

/**
 * The class of an IP address, in any spelling: dotted, decimal (`2130706433`), hex (`0x7f000001`, `0x7f.1`),
 * octal (`0177.0.0.1`), short (`127.1`), IPv6 with brackets, zone id or an embedded dotted quad. Anything that is
 * not an address is `never` (fail closed).
 */
export function classifyAddress(address: string): AddressVerdict {
  const text = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  if (ipaddr.IPv6.isValid(text)) return ipv6Verdict(ipaddr.IPv6.parse(text));
  const normal = literalHost(text);
  if (normal !== undefined && ipaddr.IPv4.isValidFourPartDecimal(normal)) return ipv4Verdict(ipaddr.IPv4.parse(normal));
  return { class: 'never', reason: 'not an IP address' };
}

/** the WHATWG URL parser's canonical IPv4 spelling of a host, or the host unchanged when it is not an IPv4 literal */
function literalHost(host: string): string | undefined {
  try {
    return new URL(`http://${host}/`).hostname;
  } catch {
    return undefined;
  }
}

/** why an address must not be fetched by a request that may not reach private addresses, or undefined when public */
export function blockedAddressReason(address: string): string | undefined {
  const v = classifyAddress(address);
  return v.class === 'public' ? undefined : v.reason;
}

export function isBlockedAddress(address: string): boolean {
  return blockedAddressReason(address) !== undefined;
}

function allowedBy(verdict: AddressVerdict, privateAllowed: boolean): boolean {
  return verdict.class === 'public' || (verdict.class === 'private' && privateAllowed);
}

/** the error a refused address raises inside the dispatcher's lookup; the guard turns it into a ChannelError */
export class AddressRefusedError extends Error {
  readonly code = 'ERR_ADDRESS_POLICY';
}

function refusal(host: string, address: string, verdict: AddressVerdict): AddressRefusedError {
  const shown = host === address ? address : `${host} (${address})`;
  return new AddressRefusedError(`${REFUSED}: ${shown} is a ${verdict.reason} address`);
}

/** host names that are loopback without asking DNS (RFC 6761 §6.3) */
function isLocalhostName(host: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  return h === 'localhost' || h.endsWith('.localhost');
}

/**
 * Why a URL an admin is saving will be refused, judged without DNS (a literal address, `localhost`, a scheme), or
 * undefined when it may be saved; names are checked again at every request.
 */
export function urlPolicyProblem(url: string, options: { allowPrivate: boolean }): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'not an absolute URL';
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    return `${REFUSED}: ${parsed.protocol} URLs are not fetched`;
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  const verdict = isLocalhostName(host) ? { class: 'private' as const, reason: 'loopback' } : classifyAddress(host);
  if (verdict.reason === 'not an IP address') return undefined;
  if (allowedBy(verdict, options.allowPrivate)) return undefined;
  const hint = verdict.class === 'private' ? ' (allow private networks in the workspace settings to use it)' : '';
  return `${refusal(host, host, verdict).message}${hint}`;
}

/** whether an error is the guard's refusal (ChannelError REJECTED, message starting with REFUSED) */
export function isAddressRefusal(error: unknown): error is ChannelError {
  return error instanceof ChannelError && error.code === 'REJECTED' && error.message.startsWith(REFUSED);
}

/** resolves, checks every address, and answers what net.connect asked for: the connect-time half of the guard */
function guardedLookup(resolve: Resolver, privateAllowed: boolean): LookupFunction {
  return (hostname, options, callback) => {
    void (async () => {
      const addresses = isLocalhostName(hostname) ? ['127.0.0.1', '::1'] : await resolve(hostname);
      if (addresses.length === 0) throw Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' });
      for (const address of addresses) {
        const verdict = classifyAddress(address);
        if (!allowedBy(verdict, privateAllowed)) throw refusal(hostname, address, verdict);
      }
      const entries = addresses.map((address) => ({ address, family: ipaddr.IPv6.isValid(address) ? 6 : 4 }));
      const wanted =
        options.family === 4 || options.family === 6 ? entries.filter((e) => e.family === options.family) : entries;
      if (wanted.length === 0)
        throw Object.assign(new Error(`${hostname} has no IPv${String(options.family)} address`), {
          code: 'ENOTFOUND',
        });
      if (options.all)
        (callback as (err: null, addresses: Array<{ address: string; family: number }>) => void)(null, wanted);
      else callback(null, (wanted[0] as { address: string }).address, (wanted[0] as { family: number }).family);
    })().catch((error: NodeJS.ErrnoException) => callback(error, '', 0));
  };
}

// one connection pool per (resolver, policy): a socket opened under a policy that allows private addresses is
// never reused by a request whose policy does not
const dispatchers = new WeakMap<Resolver, Map<boolean, Dispatcher>>();
function dispatcherFor(resolve: Resolver, privateAllowed: boolean): Dispatcher {
  let byPolicy = dispatchers.get(resolve);
  if (!byPolicy) dispatchers.set(resolve, (byPolicy = new Map()));
  let d = byPolicy.get(privateAllowed);
  if (!d)
    byPolicy.set(privateAllowed, (d = new Agent({ connect: { lookup: guardedLookup(resolve, privateAllowed) } })));
  return d;
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

function policyRefusal(error: unknown): AddressRefusedError | undefined {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++)
    if (e instanceof AddressRefusedError) return e;
  return undefined;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * Wraps an HttpClient so that it refuses (ChannelError REJECTED) requests to hosts that are or resolve to
 * addresses the policy does not allow, and follows redirects itself, checking each hop. The inner client gets a
 * `dispatcher` whose lookup checks again what the socket connects to (fetch honours it; a test double may not).
 */
export function guardHttpClient(inner: HttpClient, options: AddressGuardOptions = {}): HttpClient {
  const allowedOrigins = new Set(
    [options.apiBaseUrl, ...(options.endpoints ?? [])].map(originOf).filter((o): o is string => o !== undefined),
  );
  const resolve = options.resolve ?? systemResolver;
  const maxRedirects = options.maxRedirects ?? MAX_REDIRECTS;

  const privateAllowedFor = (url: URL): boolean => options.allowPrivate === true || allowedOrigins.has(url.origin);

  const check = async (url: URL, privateAllowed: boolean): Promise<void> => {
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new ChannelError('REJECTED', `${REFUSED}: ${url.protocol} URLs are not fetched`);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const literal = classifyAddress(host);
    let addresses: string[];
    if (literal.reason !== 'not an IP address') {
      addresses = [host];
    } else if (isLocalhostName(host)) {
      addresses = ['127.0.0.1'];
    } else {
      try {
        addresses = await resolve(host);
      } catch (error) {
        throw new ChannelError('UNAVAILABLE', `cannot resolve ${host}`, { cause: error });
      }
      if (addresses.length === 0) throw new ChannelError('UNAVAILABLE', `${host} has no address`);
    }
    for (const address of addresses) {
      const verdict = classifyAddress(address);
      if (!allowedBy(verdict, privateAllowed))
        throw new ChannelError('REJECTED', refusal(host, address, verdict).message);
    }
  };

  const send = async (url: URL, init: RequestInit, privateAllowed: boolean): Promise<Response> => {
    try {
      return await inner(url.toString(), {
        ...init,
        dispatcher: dispatcherFor(resolve, privateAllowed),
      } as RequestInit);
    } catch (error) {
      const refused = policyRefusal(error);
      if (refused) throw new ChannelError('REJECTED', refused.message, { cause: refused });
      throw error;
    }
  };

  return async (input, init = {}) => {
    let url: URL;
    try {
      url = new URL(input);
    } catch (error) {
      throw new ChannelError('REJECTED', `${REFUSED}: not a valid URL`, { cause: error });
    }
    const mode = init.redirect ?? 'follow';
    const firstOrigin = url.origin;
    let current: RequestInit = { ...init, redirect: 'manual' };
    for (let hop = 0; ; hop++) {
      const privateAllowed = privateAllowedFor(url);
      await check(url, privateAllowed);
      const res = await send(url, current, privateAllowed);
      const location = res.headers.get('location');
      if (!REDIRECTS.has(res.status) || location === null || mode === 'manual') return res;
      await res.body?.cancel().catch(() => undefined);
      if (mode === 'error') throw new ChannelError('REJECTED', `unexpected redirect from ${url.origin}`);
      if (hop >= maxRedirects)
        throw new ChannelError('REJECTED', `refused to follow more than ${maxRedirects} redirects`);
      let next: URL;
      try {
        next = new URL(location, url);
      } catch (error) {
        throw new ChannelError('REJECTED', 'refused to follow a redirect to an invalid URL', { cause: error });
      }
      const method = (current.method ?? 'GET').toUpperCase();
      // as fetch does: 303, and 301/302 after a POST, continue as a GET without the body
      const toGet =
        res.status === 303
          ? method !== 'GET' && method !== 'HEAD'
          : (res.status === 301 || res.status === 302) && method === 'POST';
      const headers = new Headers(current.headers);
      if (toGet) {
        for (const h of ['content-type', 'content-length', 'content-encoding', 'content-language', 'content-location'])
          headers.delete(h);
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
