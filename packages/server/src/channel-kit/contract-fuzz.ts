/**
 * @module channel-kit/contract-fuzz
 * The property-based half of the connector contract, written once for every webhook connector: whatever bytes,
 * JSON, mutations of the provider's documented bodies or headers arrive, `parse` never throws, yields only valid
 * events and is deterministic, and `verify` never throws and accepts exactly what the provider's scheme allows
 * (the connector states that as an oracle, `accepts`). A connector's own fuzz file keeps only what is its own
 * (a handshake, a method rule, a token format). A listen connector (a long poll, a mailbox) has no verify, but its
 * parse meets the same properties on the updates it hands to the hub (ListenFuzzFixtures).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  listenedRequest,
  type AnyConnector,
  type ListenedUpdate,
  type WebhookOutcome,
  type WebhookRequest,
} from './connector.js';
import {
  anyBodyFor,
  anyHeadersWith,
  byteMutation,
  checkOutcome,
  clone,
  jsonMutant,
  mutate,
  parseHarness,
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
   * the proof signs the decoded form parameters, not the bytes (Twilio: URL + sorted name/value pairs): another
   * spelling of the same parameters (`%41` for `A`, `+` for a space) verifies too, as the oracle says
   */
  signsDecodedParameters?: boolean;
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

/** what the contract fuzzes for a listen connector: the provider's documented updates, as the listener delivers them */
export interface ListenFuzzFixtures<Config = Record<string, unknown>> {
  config: Config;
  /** the provider's documented updates (parsed JSON), the seeds of every structure mutation */
  documents: unknown[];
  /** the exact bytes of each update; default: the documents as JSON */
  rawBodies?: Buffer[];
  /** the metadata headers the listener sends with an update of these bytes (a UID, a message id) */
  headers?(body: Buffer): Record<string, string>;
  /** header names mixed into random header sets */
  headerNames?: string[];
  kinds?: ReadonlyArray<WebhookOutcome['kind']>;
  ignoresReceivedAt?: boolean;
  numRuns?: number;
}

const AT = '2030-01-01T00:00:00.000Z';

interface ParseSeeds {
  documents: unknown[];
  rawBodies: Buffer[];
  request(body: Buffer, headers?: Headers): WebhookRequest;
  headerNames: string[];
  ignoresReceivedAt: boolean;
  numRuns: number;
  /** a request whose proof is valid reaches parse: the webhook half checks that on the structure mutants */
  valid?(req: WebhookRequest): boolean;
}

/** the properties of parse alone, shared by both inbound modes: it never throws, yields valid events, is deterministic */
function parseProperties(
  harness: ReturnType<typeof parseHarness>,
  kinds: ReadonlyArray<WebhookOutcome['kind']>,
  seeds: ParseSeeds,
): void {
  const { parse, parseChecked } = harness;
  const runs = { numRuns: seeds.numRuns };
  const anyBody = anyBodyFor(seeds.documents);
  const anyHeaders = anyHeadersWith(seeds.headerNames);
  const parseSame = (req: WebhookRequest) => expect(parse(clone(req))).toEqual(parseChecked(req));

  it('parse never throws, yields valid events and is deterministic on arbitrary bytes, JSON and document mutants', () => {
    fc.assert(
      fc.property(anyBody, anyHeaders, (body, headers) => {
        const req = seeds.request(body, headers);
        const first = parseChecked(req);
        expect(parse(clone(req))).toEqual(first);
        const stamped = { ...clone(req), receivedAt: AT };
        expect(parse(stamped)).toEqual(seeds.ignoresReceivedAt ? first : parseChecked(stamped));
      }),
      runs,
    );
  });

  it('parse never throws on byte mutations of the documented bodies', () => {
    fc.assert(
      fc.property(fc.constantFrom(...seeds.rawBodies), byteMutation, (original, m) => {
        parseSame({ ...seeds.request(original), rawBody: mutate(original, m), receivedAt: AT });
      }),
      runs,
    );
  });

  it('structure mutants reach parse without breaking it, random and every node × each awkward value', () => {
    fc.assert(
      fc.property(jsonMutant(seeds.documents), (text) => {
        const req = seeds.request(Buffer.from(text));
        if (seeds.valid) expect(seeds.valid(req)).toBe(true);
        parseSame(req);
      }),
      runs,
    );
    let count = 0;
    for (const text of sweep(seeds.documents)) {
      let out: WebhookOutcome;
      try {
        out = parse({ ...seeds.request(Buffer.from(text)), receivedAt: AT });
      } catch (error) {
        throw new Error(`parse threw ${String(error)} on ${text.slice(0, 2000)}`);
      }
      checkOutcome(out, kinds);
      count++;
    }
    expect(count).toBeGreaterThan(100);
  });
}

/** the listen half: parse on the listener's documented updates and every mutation of them */
export function runListenFuzzContract<Config>(connector: AnyConnector, fuzz: ListenFuzzFixtures<Config>): void {
  const inbound = connector.inbound;
  if (inbound.mode !== 'listen') return;
  const kinds = fuzz.kinds ?? ['events', 'ignored'];
  const rawBodies = fuzz.rawBodies ?? fuzz.documents.map((d) => Buffer.from(JSON.stringify(d)));
  const harness = parseHarness(inbound, fuzz.config, kinds);
  const request = (body: Buffer, headers?: Headers): WebhookRequest => {
    const update: ListenedUpdate = { body, headers: { ...fuzz.headers?.(body) } };
    const req = listenedRequest(connector.type, update);
    return headers ? { ...req, headers: { ...req.headers, ...headers } } : req;
  };
  describe(`connector contract: ${connector.type} under fuzzing (listen)`, () => {
    it('the documented updates parse', () => {
      expect(rawBodies.length).toBeGreaterThan(0);
      for (const body of rawBodies) expect(kinds).toContain(harness.parseChecked(request(body)).kind);
    });
    parseProperties(harness, kinds, {
      documents: fuzz.documents,
      rawBodies,
      request,
      headerNames: fuzz.headerNames ?? ['content-type'],
      ignoresReceivedAt: fuzz.ignoresReceivedAt ?? false,
      numRuns: fuzz.numRuns ?? 300,
    });
  });
}

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

  describe(`connector contract: ${connector.type} under fuzzing`, () => {
    it('the documented bodies verify and parse', () => {
      expect(rawBodies.length).toBeGreaterThan(0);
      for (const body of rawBodies) {
        expect(verifyOk(fuzz.request(body))).toBe(true);
        expect(kinds).toContain(parseChecked(fuzz.request(body)).kind);
      }
    });

    parseProperties({ parse, parseChecked }, kinds, {
      documents: fuzz.documents,
      rawBodies,
      request: (body, headers) => fuzz.request(body, headers),
      headerNames: [fuzz.proofHeader, ...fuzz.renamedHeaders, ...fuzz.headerNames],
      ignoresReceivedAt: fuzz.ignoresReceivedAt ?? false,
      numRuns: runs.numRuns,
      // a proof inside the body (VK) may be mutated away: then verify must follow the oracle
      valid: (req) => verifyOk(req) === (fuzz.proofInBody ? fuzz.accepts(req) : true),
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
            const same = body.equals(original) || (fuzz.signsDecodedParameters === true && fuzz.accepts(mutated));
            expect(verifyOk(mutated)).toBe(fuzz.proofInBody ? fuzz.accepts(mutated) : fuzz.bodyIsSigned ? same : true);
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
