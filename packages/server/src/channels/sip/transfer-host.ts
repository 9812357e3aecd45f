/**
 * @module channels/sip/transfer-host — what the user agent (ua.ts) lends a transfer (transfer.ts) and a voicemail
 * (voicemail.ts): its SIP stack, RTP ports, speech and the way to the hub; and the call as they see it.
 */
import type { ConnectorLogger, G711, RtpMedia } from '../../channel-kit/index.js';
import type { SipConfig } from './config.js';
import type { SipUpdate } from './parse.js';
import type { SipMessage, SipRemote } from './sip-stack.js';

/** what the user agent read from an SDP offer or answer (ua.ts readOffer) */
export interface SdpMedia {
  address: string;
  port: number;
  codec: G711;
  payloadType: number;
  dtmf?: number;
  direction: string;
}

/** the caller's call as the user agent keeps it (ua.ts Call), as far as a transfer uses it */
export interface TransferCall {
  id: string;
  direction: 'inbound' | 'outbound';
  state: 'ringing' | 'in-progress' | 'ended';
  media?: RtpMedia | undefined;
  customer: string;
  business: string;
}

/** what the user agent lends a transfer: its SIP stack, ports, speech and the way to the hub */
export interface TransferHost {
  readonly config: SipConfig;
  readonly ip: string;
  readonly log: ConnectorLogger;
  send(message: SipMessage, onResponse?: (rs: SipMessage) => void): void;
  reply(rq: SipMessage, status: number, reason: string, extension?: Partial<SipMessage>): void;
  speak(text: string): Promise<Int16Array>;
  /** whether a request came from the trunk (the address its host name resolved to) */
  fromTrunk(remote: SipRemote): boolean;
  offerSdp(port: number, sessionId: number): string;
  /** our answer to `offer` (RFC 3264 §6) on `session.port`, its origin's version `session.version` */
  answerSdp(session: { id: number; version: number; port: number }, offer: SdpMedia, direction: string): string;
  readOffer(content: string | undefined): SdpMedia | undefined;
  freePort(): number;
  releasePort(port: number): void;
  deliver(call: TransferCall, update: SipUpdate, key: string): Promise<unknown>;
  /** ends the caller's call from our side (BYE) */
  hangUp(callId: string): void;
  /** a file of the call into the connection's spool; its name */
  spool(call: TransferCall, suffix: string, bytes: Buffer): Promise<string>;
}
