/**
 * @module channels/sip/sip-stack — the `sip` package (https://github.com/kirm/sip.js, RFC 3261 parsing, transports
 * and transactions) as typed here: it ships no types of its own. Only what the user agent uses is declared.
 */
import { createRequire } from 'node:module';

export interface SipUri {
  schema?: string;
  user?: string;
  password?: string;
  host: string;
  port?: number;
  params: Record<string, string | undefined>;
  headers?: Record<string, string>;
}

export interface SipAddress {
  name?: string;
  uri: string;
  params: Record<string, string | undefined>;
}

export interface SipMessage {
  method?: string;
  uri?: string;
  status?: number;
  reason?: string;
  version?: string;
  headers: {
    to: SipAddress;
    from: SipAddress;
    'call-id': string;
    cseq: { seq: number; method: string };
    via: Array<{ host?: string; port?: number; params: Record<string, string | undefined> }>;
    contact?: SipAddress[] | string;
    'record-route'?: SipAddress[];
    route?: SipAddress[];
    'content-type'?: string;
    'www-authenticate'?: unknown[];
    'proxy-authenticate'?: unknown[];
    authorization?: unknown[];
    'proxy-authorization'?: unknown[];
    expires?: string | number;
    [name: string]: unknown;
  };
  content?: string;
}

export interface SipRemote {
  protocol: string;
  address: string;
  port: number;
}

export interface SipStack {
  send(message: SipMessage, onResponse?: (rs: SipMessage) => void): void;
  destroy(): void;
}

export interface SipLibrary {
  create(
    options: {
      address: string;
      port: number;
      publicAddress?: string;
      hostname?: string;
      udp: boolean;
      tcp: boolean;
      logger?: { error?(e: unknown): void };
    },
    onRequest: (rq: SipMessage, remote: SipRemote) => void,
  ): SipStack;
  makeResponse(rq: SipMessage, status: number, reason: string, extension?: Partial<SipMessage>): SipMessage;
  parseUri(uri: string): SipUri;
  stringifyUri(uri: SipUri): string;
  generateBranch(): string;
}

export interface SipDigest {
  signRequest(
    ctx: Record<string, unknown>,
    rq: SipMessage,
    rs: SipMessage,
    creds: { user: string; password: string; realm?: string },
  ): unknown;
}

const require = createRequire(import.meta.url);
export const sip = require('sip') as SipLibrary;
export const digest = require('sip/digest') as SipDigest;
