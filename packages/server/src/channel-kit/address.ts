/**
 * @module channel-kit/address
 * What kind of customer address a channel speaks, declared by each connector, so the hub normalizes every spelling
 * of one address to one identity (core/contacts/address-normalizer.ts): `phone` (E.164), `email` (domain
 * case-folded) or `opaque` (a provider id such as a Telegram chat id or a web chat visitor id, kept as sent).
 */
import { isSupportedCountry } from 'libphonenumber-js';
import { z } from 'zod';

export const ADDRESS_KINDS = ['phone', 'email', 'opaque'] as const;
export type AddressKind = (typeof ADDRESS_KINDS)[number];

/**
 * The optional `defaultRegion` config field of a phone channel: the ISO 3166-1 alpha-2 region used to read numbers
 * written nationally ("0151 12345678" with DE). The hub reads it from the connection's config by this name.
 */
export function defaultRegionField() {
  return z
    .string()
    .regex(/^[A-Z]{2}$/, { message: 'an ISO 3166-1 alpha-2 region in capitals, such as DE or US', abort: true })
    .refine((r) => isSupportedCountry(r), 'not a region with a telephone numbering plan')
    .optional()
    .describe(
      'Region for phone numbers written without a country code (ISO 3166-1 alpha-2, e.g. DE); numbers with + or 00 are read internationally',
    );
}

/** the `defaultRegion` of a stored or live connection config, when it is a string */
export function defaultRegionOf(config: Record<string, unknown>): string | undefined {
  return typeof config.defaultRegion === 'string' ? config.defaultRegion : undefined;
}
