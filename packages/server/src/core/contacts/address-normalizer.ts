/**
 * @module core/contacts/address-normalizer
 * One spelling per customer address, so every spelling of one number or mailbox meets one identity: phones become
 * E.164 (libphonenumber-js), emails are trimmed and case-folded whole (0034_email_case folded the ones stored
 * before), opaque provider ids (Telegram chat ids, web chat visitors, …) are kept as sent.
 * The kind is what the channel's connector declares (`addressKind`); the region is the connection's `defaultRegion`.
 */
import { isSupportedCountry, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { z } from 'zod';
import { defaultRegionOf, type AddressKind, type AnyConnector } from '../../channel-kit/index.js';
import { AppError } from '../errors.js';

export type { AddressKind };

export type NormalizedAddress = { ok: true; address: string } | { ok: false; reason: string };

export interface NormalizeOptions {
  /** ISO 3166-1 alpha-2 region for numbers written nationally ("0151 12345678" with DE) */
  defaultRegion?: string | undefined;
}

/** what a written phone number may contain besides digits; letters (vanity numbers) are refused, not translated */
const PHONE_CHARACTERS = /^[\d\s\-().+/]+$/;
const Email = z.email();

export function normalizePhone(raw: string, options: NormalizeOptions = {}): NormalizedAddress {
  const text = raw.trim();
  if (text === '' || !PHONE_CHARACTERS.test(text))
    return {
      ok: false,
      reason: 'a phone number may contain only digits, spaces, dashes, dots, brackets and a leading +',
    };
  let digits = text.replace(/\D/g, '');
  const international = text.startsWith('+') || digits.startsWith('00');
  if (!text.startsWith('+') && digits.startsWith('00')) digits = digits.slice(2);
  if (digits.length < 3) return { ok: false, reason: 'too short for a phone number' };
  // Possible (right length for its country) rather than valid (an assigned range): fictitious and test ranges such as
  // +1 555 01xx and freshly opened ranges the metadata lacks must still reach the provider, which refuses what it cannot deliver.
  const possible = (candidate: ReturnType<typeof parsePhoneNumberFromString>) =>
    candidate?.isPossible() ? candidate.number : undefined;
  if (international) {
    const e164 = possible(parsePhoneNumberFromString(`+${digits}`));
    return e164 ? { ok: true, address: e164 } : { ok: false, reason: 'not a possible international phone number' };
  }
  const region = options.defaultRegion?.toUpperCase();
  const asInternational = parsePhoneNumberFromString(`+${digits}`);
  // Digits without + or 00 are read internationally when that reading is an assigned number (WhatsApp wa_ids and most
  // provider callbacks are international without the +); otherwise nationally in the connection's region.
  if (asInternational?.isValid()) return { ok: true, address: asInternational.number };
  if (region && isSupportedCountry(region)) {
    const national = possible(parsePhoneNumberFromString(digits, region as CountryCode));
    if (national) return { ok: true, address: national };
  }
  const e164 = possible(asInternational);
  return e164
    ? { ok: true, address: e164 }
    : {
        ok: false,
        reason: region
          ? `not a possible phone number in ${region} or internationally`
          : 'not a possible international phone number (start it with + and the country code)',
      };
}

export function normalizeEmail(raw: string): NormalizedAddress {
  const text = raw.trim();
  const at = text.lastIndexOf('@');
  if (at <= 0 || at === text.length - 1)
    return { ok: false, reason: 'an email address needs a local part and a domain' };
  // RFC 5321 §2.4 lets a server treat local parts case-sensitively but calls relying on it an interoperability
  // hazard; mail providers do not, and a customer writing as Ana@ and ana@ is one person: fold the whole address
  const address = text.toLowerCase();
  return Email.safeParse(address).success ? { ok: true, address } : { ok: false, reason: 'not a valid email address' };
}

export function normalizeAddress(kind: AddressKind, raw: string, options: NormalizeOptions = {}): NormalizedAddress {
  if (kind === 'phone') return normalizePhone(raw, options);
  if (kind === 'email') return normalizeEmail(raw);
  return raw.trim() === '' ? { ok: false, reason: 'the address is empty' } : { ok: true, address: raw };
}

/** how addresses on one connection are normalized: its connector's declared kind and its config's default region */
export interface AddressRules {
  kind: AddressKind;
  defaultRegion?: string | undefined;
}

export function addressRulesFor(
  connector: Pick<AnyConnector, 'addressKind'>,
  config: Record<string, unknown>,
): AddressRules {
  return { kind: connector.addressKind, defaultRegion: defaultRegionOf(config) };
}

/** normalizes an address given to the API; a malformed one is a 400 naming `field` */
export function requireAddress(rules: AddressRules, raw: string, field: string): string {
  const result = normalizeAddress(rules.kind, raw, { defaultRegion: rules.defaultRegion });
  if (result.ok) return result.address;
  throw new AppError('VALIDATION', `${field}: ${result.reason}`, { fields: [{ field, message: result.reason }] });
}

/**
 * normalizes an address a provider reported. Providers report numbers internationally, often without the + (a
 * WhatsApp wa_id, https://developers.facebook.com/docs/whatsapp/cloud-api/webhooks/payload-examples), so the digits
 * are read internationally first and the connection's region applies only when they are no possible number that
 * way: a fictitious +1 555 01xx wa_id must not turn German on a connection with defaultRegion DE. A spelling the
 * rules cannot read is kept as the provider sent it (the provider is the authority on its own ids, and dropping the
 * customer's message would lose it).
 */
export function providerAddress(rules: AddressRules, raw: string): string {
  if (rules.kind === 'phone' && /^\d+$/.test(raw.trim())) {
    const international = normalizePhone(`+${raw.trim()}`);
    if (international.ok) return international.address;
  }
  const result = normalizeAddress(rules.kind, raw, { defaultRegion: rules.defaultRegion });
  return result.ok ? result.address : raw;
}

/**
 * the identity spellings a search text may stand for: as typed, as an email address, and as a phone number read
 * internationally and in each of the given regions (the workspace's phone connections), so any spelling finds it
 */
export function searchSpellings(text: string, regions: readonly string[]): string[] {
  const spellings = new Set<string>([text.trim()]);
  const email = normalizeEmail(text);
  if (email.ok) spellings.add(email.address);
  for (const defaultRegion of [undefined, ...regions]) {
    const phone = normalizePhone(text, { defaultRegion });
    if (phone.ok) spellings.add(phone.address);
  }
  return [...spellings];
}
