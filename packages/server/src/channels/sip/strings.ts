/**
 * @module channels/sip/strings — the two small string functions the user agent (ua.ts) and a transfer (transfer.ts)
 * share: a random tag or Call-ID part (RFC 3261 §19.3 asks for at least 32 bits of randomness), and a number's digits.
 */
import { randomBytes } from 'node:crypto';

/** 48 random bits as hex: a From/To tag, or half of a Call-ID of ours */
export const tag = (): string => randomBytes(6).toString('hex');

/** the digits of a phone number or a SIP user part, whatever else it holds (+, spaces, dashes) */
export const digits = (s: string): string => s.replace(/[^0-9]/g, '');
