/**
 * @module channel-kit/contract-fuzz
 * The property-based half of the connector contract, written once for every webhook connector: whatever bytes,
 * JSON, mutations of the provider's documented bodies or headers arrive, `parse` never throws, yields only valid
 * events and is deterministic, and `verify` never throws and accepts exactly what the provider's scheme allows
 * (the connector states that as an oracle, `accepts`). A connector's own fuzz file keeps only what is its own
 * (a handshake, a method rule, a token format).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AnyConnector, WebhookOutcome, WebhookRequest } from './connector.js';
import {
  anyBodyFor,
  anyHeadersWith,
  byteMutation,
  checkOutcome,
  clone,
  jsonMutant,
  mutate,
  sweep,
  webhookHarness,
} from './fuzz-mutations.js';

type Headers = Record<string, string | undefined>;
export type ProofMutation = (headers: Headers, body: Buffer) => Headers;

export interface FuzzFixtures<Config = Record<string, unknown>> {
  /** the connection config the requests are signed for */
  config: Config;
  /** the provider's documented bodies (parsed), the seeds of every structure mutation */
  documents: unknown[];
  /** the exact bytes the provider sends (its escaping, its line breaks); default: the documents as JSON */
  rawBodies?: Buffer[];
  /** a request the provider would send for these bytes, carrying a valid proof; `headers` are merged over it */
  request(body: Buffer, headers?: Headers): WebhookRequest;
  /** the (lower-case) header that carries the proof: a signature or a secret */
  proofHeader: string;
  /** what precedes the secret part of the proof value ('sha256=', 'Bearer '), kept by the character mutations */
  proofPrefix?: string;
  /** look-alike header names that must not be taken for the proof header */
  renamedHeaders: string[];
  /** header names mixed into random header sets */
  headerNames: string[];
  /** the oracle: does the provider's scheme accept this request? */
  accepts(request: WebhookRequest): boolean;
  /** the proof covers the body bytes (an HMAC), or only proves the sender (a shared secret, a token) */
  bodyIsSigned: boolean;
  /**
   * the proof is a field of the body itself (VK's `secret`): a mutation may change or remove it, so a mutated body
   * verifies exactly when the oracle accepts it
   */
  proofInBody?: boolean;
  /** proof mutations particular to the scheme (another algorithm, another encoding, a foreign secret) */
  proofMutations?: Array<fc.Arbitrary<ProofMutation>>;
  /** outcome kinds a POST may have; default events or ignored */
  kinds?: ReadonlyArray<WebhookOutcome['kind']>;
  /** every update carries its own time, so parse must not depend on when the hub received it */
  ignoresReceivedAt?: boolean;
  numRuns?: number;
}

const AT = '2030-01-01T00:00:00.000Z';

export function runFuzzContract<Config>(connector: AnyConnector, fuzz: FuzzFixtures<Config>): void {
  const config = fuzz.config;
  const inbound = connector.inbound;
  if (inbound.mode !== 'webhook') return;
  const runs = { numRuns: fuzz.numRuns ?? 300 };
  const kinds = fuzz.kinds ?? ['events', 'ignored'];
  const rawBodies = fuzz.rawBodies ?? fuzz.documents.map((d) => Buffer.from(JSON.stringify(d)));
  const anyBody = anyBodyFor(fuzz.documents);
  const anyHeaders = anyHeadersWith([fuzz.proofHeader, ...fuzz.renamedHeaders, ...fuzz.headerNames]);
  const { parse, parseChecked, verifyOk } = webhookHarness(inbound, config, kinds);
  const SIG = fuzz.proofHeader;
  const prefix = fuzz.proofPrefix ?? '';
  const parseSame = (req: WebhookRequest) => expect(parse(clone(req))).toEqual(parseChecked(req));

  describe(`connector contract: ${connector.type} under fuzzing`, () => {
    it('the documented bodies verify and parse', () => {
      expect(rawBodies.length).toBeGreaterThan(0);
      for (const body of rawBodies) {
        expect(verifyOk(fuzz.request(body))).toBe(true);
        expect(kinds).toContain(parseChecked(fuzz.request(body)).kind);
      }
    });

    it('parse never throws, yields valid events and is deterministic on arbitrary bytes, JSON and document mutants', () => {
      fc.assert(
        fc.property(anyBody, anyHeaders, (body, headers) => {
          const req = fuzz.request(body, headers);
          const first = parseChecked(req);
          expect(parse(clone(req))).toEqual(first);
          const stamped = { ...clone(req), receivedAt: AT };
          expect(parse(stamped)).toEqual(fuzz.ignoresReceivedAt ? first : parseChecked(stamped));
        }),
        runs,
      );
    });

    it('parse never throws on byte mutations of the documented bodies', () => {
      fc.assert(
        fc.property(fc.constantFrom(...rawBodies), byteMutation, (original, m) => {
          parseSame({ ...fuzz.request(original), rawBody: mutate(original, m), receivedAt: AT });
        }),
        runs,
      );
    });

    it('structure mutants with a valid proof reach parse without breaking it, random and every node × each awkward value', () => {
      fc.assert(
        fc.property(jsonMutant(fuzz.documents), (text) => {
          const req = fuzz.request(Buffer.from(text));
          expect(verifyOk(req)).toBe(fuzz.proofInBody ? fuzz.accepts(req) : true);
          parseSame(req);
        }),
        runs,
      );
      let count = 0;
      for (const text of sweep(fuzz.documents)) {
        let out: WebhookOutcome;
        try {
          out = parse({ ...fuzz.request(Buffer.from(text)), receivedAt: AT });
        } catch (error) {
          throw new Error(`parse threw ${String(error)} on ${text.slice(0, 2000)}`);
        }
        checkOutcome(out, kinds);
        count++;
      }
      expect(count).toBeGreaterThan(100);
    });

    it('verify never throws, and accepts exactly what the provider’s scheme accepts, whatever the body and headers', () => {
      fc.assert(
        fc.property(anyBody, anyHeaders, (body, headers) => {
          const { url, query } = fuzz.request(body);
          const req: WebhookRequest = { method: 'POST', url, query, rawBody: body, headers };
          expect(verifyOk(req)).toBe(fuzz.accepts(req));
        }),
        runs,
      );
    });

    it(
      fuzz.bodyIsSigned
        ? 'a mutated body under the original proof is rejected: only the exact signed bytes verify'
        : 'the proof does not sign the body: a mutated body with a valid proof verifies (documented), and parse copes',
      () => {
        const originals = fuzz.bodyIsSigned
          ? fc.oneof(
              fc.constantFrom(...rawBodies),
              fc.uint8Array({ maxLength: 256 }).map((b) => Buffer.from(b)),
            )
          : fc.constantFrom(...rawBodies);
        fc.assert(
          fc.property(originals, byteMutation, (original, m) => {
            const req = fuzz.request(original);
            expect(verifyOk(req)).toBe(true);
            const body = mutate(original, m);
            const mutated = { ...req, rawBody: body };
            expect(verifyOk(mutated)).toBe(
              fuzz.proofInBody ? fuzz.accepts(mutated) : fuzz.bodyIsSigned ? body.equals(original) : true,
            );
            parseChecked(mutated);
          }),
          runs,
        );
      },
    );

    it('rejects dropped, renamed, altered, truncated, extended or foreign proofs', () => {
      const value = (h: Headers) => String(h[SIG]);
      const mutation: fc.Arbitrary<ProofMutation> = fc.oneof(
        fc.constant((h: Headers) => ({ ...h, [SIG]: undefined })),
        fc
          .constantFrom(...fuzz.renamedHeaders)
          .map((name) => (h: Headers) => ({ ...h, [SIG]: undefined, [name]: h[SIG] })),
        fc.constant((h: Headers) => ({ ...h, [SIG]: value(h).toUpperCase() })),
        fc.constant((h: Headers) => ({ ...h, [SIG]: ` ${value(h)}` })),
        fc.constant((h: Headers) => ({ ...h, [SIG]: `${value(h)}, ${value(h)}` })),
        fc.constant((h: Headers) => ({ ...h, [SIG]: value(h).slice(prefix.length) })),
        fc.tuple(fc.nat(), fc.integer({ min: 1, max: 60 })).map(([i, delta]) => (h: Headers) => {
          const s = value(h);
          const k = prefix.length + (i % Math.max(1, s.length - prefix.length));
          return {
            ...h,
            [SIG]: `${s.slice(0, k)}${String.fromCharCode(((s.charCodeAt(k) - 32 + delta) % 95) + 32)}${s.slice(k + 1)}`,
          };
        }),
        fc.nat().map((keep) => (h: Headers) => ({ ...h, [SIG]: value(h).slice(0, keep % value(h).length) })),
        fc
          .string({ minLength: 1, maxLength: 8 })
          .map((tail) => (h: Headers) => ({ ...h, [SIG]: `${value(h)}${tail}` })),
        fc.string({ maxLength: 120 }).map((random) => (h: Headers) => ({ ...h, [SIG]: `${prefix}${random}` })),
        ...(fuzz.proofMutations ?? []),
      );
      fc.assert(
        fc.property(fc.constantFrom(...rawBodies), mutation, (body, change) => {
          const req = fuzz.request(body);
          const changed = { ...req, headers: change({ ...req.headers }, body) };
          expect(verifyOk(changed)).toBe(fuzz.accepts(changed));
        }),
        runs,
      );
    });
  });
}
