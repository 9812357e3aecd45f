/** Every spelling of one number normalizes to one identity; malformed addresses are refused. */
import fc from 'fast-check';
import { getCountries, getExampleNumber, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import examples from 'libphonenumber-js/mobile/examples';
import { describe, expect, it } from 'vitest';
import {
  normalizeAddress,
  normalizeEmail,
  normalizePhone,
  providerAddress,
  requireAddress,
} from './address-normalizer.js';

/** random valid mobile numbers: a country's example number with its last digits replaced, kept when still valid */
const validNumber = fc
  .record({
    country: fc.constantFrom(...getCountries().filter((c) => getExampleNumber(c, examples))),
    tail: fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 1, maxLength: 4 }),
  })
  .map(({ country, tail }) => {
    const example = getExampleNumber(country, examples)!;
    const national = example.nationalNumber.slice(0, -tail.length) + tail.join('');
    return { country, parsed: parsePhoneNumberFromString(national, country as CountryCode) };
  })
  .filter((n) => n.parsed?.isValid() === true)
  .map((n) => ({ country: n.country, parsed: n.parsed! }));

describe('phone normalization', () => {
  it('normalizes every formatting of a valid number to one E.164 identity', () => {
    fc.assert(
      fc.property(validNumber, fc.constantFrom(' ', '-', '.', ''), ({ country, parsed }, sep) => {
        const e164 = parsed.number;
        const digits = e164.slice(1);
        const spellings = [
          e164,
          parsed.formatInternational(),
          `00${digits}`,
          `00 ${parsed.formatInternational().slice(1)}`,
          `+${parsed.countryCallingCode} (${parsed.nationalNumber.slice(0, 3)}) ${parsed.nationalNumber.slice(3)}`,
          `+${digits.replace(/(\d{3})(?=\d)/g, `$1${sep}`)}`,
          digits,
        ];
        for (const s of spellings) expect(normalizePhone(s), s).toEqual({ ok: true, address: e164 });
        // nationally written with the connection's region, unless the same digits are also an assigned number abroad
        const nationalDigits = parsed.formatNational().replace(/\D/g, '');
        if (!parsePhoneNumberFromString(`+${nationalDigits}`)?.isValid()) {
          expect(normalizePhone(parsed.formatNational(), { defaultRegion: country })).toEqual({
            ok: true,
            address: e164,
          });
        }
      }),
      { numRuns: 300 },
    );
  });

  it('refuses letters, words and impossible lengths', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-zA-Z]{1,12}$/), fc.integer({ min: 0, max: 2 }), (word, n) => {
        expect(normalizePhone(`+49 151 ${word}`).ok).toBe(false);
        expect(normalizePhone(word).ok).toBe(false);
        expect(normalizePhone(`+${'4'.repeat(n)}`).ok).toBe(false);
      }),
    );
    for (const bad of ['hello', '+1 800 FLOWERS', '', '+', '12', '+49 1', '+1234567890123456789'])
      expect(normalizePhone(bad).ok, bad).toBe(false);
  });

  it('keeps the sample of the issue together: +1 (555) 010-1234 and wa_id 15550101234', () => {
    expect(normalizePhone('+1 (555) 010-1234')).toEqual({ ok: true, address: '+15550101234' });
    expect(normalizePhone('15550101234')).toEqual({ ok: true, address: '+15550101234' });
    expect(normalizePhone('0151 12345678', { defaultRegion: 'DE' })).toEqual({ ok: true, address: '+4915112345678' });
    expect(normalizePhone('4915112345678', { defaultRegion: 'DE' })).toEqual({ ok: true, address: '+4915112345678' });
  });
});

describe('email and opaque addresses', () => {
  it('trims and case-folds the domain only', () => {
    expect(normalizeEmail('  Lena.Roth@Example.COM ')).toEqual({ ok: true, address: 'lena.roth@example.com' });
    for (const bad of ['lena', 'lena@', '@example.com', 'lena@@', 'a b@example.com'])
      expect(normalizeEmail(bad).ok, bad).toBe(false);
  });
  it('keeps opaque ids as sent', () => {
    expect(normalizeAddress('opaque', '-100123456')).toEqual({ ok: true, address: '-100123456' });
    expect(normalizeAddress('opaque', '  ').ok).toBe(false);
  });
});

describe('addresses a provider reported', () => {
  const germanPhones = { kind: 'phone' as const, defaultRegion: 'DE' };
  it('reads bare digits internationally before the connection region (a wa_id is international without its +)', () => {
    expect(normalizePhone('15550101234', { defaultRegion: 'DE' })).toEqual({ ok: true, address: '+4915550101234' });
    expect(providerAddress(germanPhones, '15550101234')).toBe('+15550101234');
    expect(providerAddress(germanPhones, '030 123456')).toBe('+4930123456');
  });
  it('keeps a spelling it cannot read as the provider sent it, rather than dropping the customer', () => {
    expect(providerAddress(germanPhones, 'anonymous')).toBe('anonymous');
    expect(providerAddress({ kind: 'email' }, ' Ada@Example.COM ')).toBe('ada@example.com');
    expect(providerAddress({ kind: 'opaque' }, ' 42 ')).toBe(' 42 ');
  });
  it('refuses a malformed API address with a 400 naming the field', () => {
    expect(requireAddress(germanPhones, '+49 30 123456', 'to')).toBe('+4930123456');
    expect(() => requireAddress(germanPhones, 'hello', 'to')).toThrow(
      expect.objectContaining({
        code: 'VALIDATION',
        status: 400,
        message: expect.stringMatching(/^to: /),
        details: { fields: [{ field: 'to', message: expect.any(String) }] },
      }),
    );
  });
});
