/**
 * @module channel-kit/fuzz-mutations
 * The fast-check machinery every connector's fuzz test shares: byte-level mutations of signed requests,
 * structure-aware JSON mutations of real fixtures (one node replaced by an awkward value, or removed), a
 * deterministic sweep of every node × every awkward value, and the outcome check parse must always satisfy.
 */
import fc from 'fast-check';
import type { InboundMode, WebhookOutcome, WebhookRequest } from './connector.js';
import { InboundEventSchema } from '../model/index.js';

export type ByteMutation =
  | { kind: 'flip'; at: number; mask: number }
  | { kind: 'truncate'; keep: number }
  | { kind: 'append'; bytes: Uint8Array }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'delete'; at: number; length: number };
export const byteMutation: fc.Arbitrary<ByteMutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), mask: fc.integer({ min: 1, max: 255 }) }),
  fc.record({ kind: fc.constant('truncate' as const), keep: fc.nat() }),
  fc.record({ kind: fc.constant('append' as const), bytes: fc.uint8Array({ minLength: 1, maxLength: 32 }) }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    bytes: fc.uint8Array({ minLength: 1, maxLength: 32 }),
  }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 64 }) }),
);
export function mutate(body: Buffer, m: ByteMutation): Buffer {
  const n = body.length;
  switch (m.kind) {
    case 'flip': {
      if (n === 0) return Buffer.from([m.mask]);
      const out = Buffer.from(body);
      out[m.at % n] = (out[m.at % n] as number) ^ m.mask;
      return out;
    }
    case 'truncate':
      return body.subarray(0, n === 0 ? 0 : m.keep % n);
    case 'append':
      return Buffer.concat([body, m.bytes]);
    case 'insert':
      return Buffer.concat([body.subarray(0, m.at % (n + 1)), m.bytes, body.subarray(m.at % (n + 1))]);
    case 'delete':
      return n === 0 ? body : Buffer.concat([body.subarray(0, m.at % n), body.subarray((m.at % n) + m.length)]);
  }
}

/** values that break naive parsers: huge/negative/fractional numbers, empty and odd strings, wrong types */
export const NASTY: unknown[] = [
  1e20,
  -1,
  0,
  1.5,
  8.64e15,
  1e300,
  -1e300,
  Number.MAX_SAFE_INTEGER,
  '',
  ' ',
  '9999999999999',
  '1e20',
  'not-a-date',
  '2024-13-45T99:99:99Z',
  '__proto__',
  'a'.repeat(5000),
  '\u0000',
  '\ud800',
  null,
  true,
  [],
  {},
  [[[]]],
  [null],
  { id: {} },
  JSON.parse('{"__proto__":{"polluted":1}}') as unknown,
];
export const nasty = fc.oneof(
  { arbitrary: fc.constantFrom(...NASTY), weight: 3 },
  { arbitrary: fc.jsonValue({ maxDepth: 3 }), weight: 2 },
);
type Json = unknown;
/** every path to a node of a JSON value */
export function paths(value: Json, prefix: Array<string | number> = []): Array<Array<string | number>> {
  const out: Array<Array<string | number>> = [prefix];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...paths(v, [...prefix, i])));
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...prefix, k]));
  return out;
}
/** replaces (or, with `undefined`, removes) the node at `path` */
export function replaceAt(value: Json, path: Array<string | number>, replacement: unknown): Json {
  if (path.length === 0) return replacement;
  const [head, ...rest] = path as [string | number, ...Array<string | number>];
  if (Array.isArray(value)) {
    const copy = [...value] as unknown[];
    if (replacement === undefined && rest.length === 0) copy.splice(Number(head), 1);
    else copy[Number(head)] = replaceAt(copy[Number(head)], rest, replacement);
    return copy;
  }
  const copy = { ...(value as Record<string, unknown>) };
  if (replacement === undefined && rest.length === 0) delete copy[String(head)];
  else copy[String(head)] = replaceAt(copy[String(head)], rest, replacement);
  return copy;
}
/** a structure-aware mutation of a fixture: one node replaced by a nasty value, or removed */
export const jsonMutant = (sources: unknown[]): fc.Arbitrary<string> =>
  fc
    .tuple(
      fc.nat({ max: sources.length - 1 }),
      fc.nat(),
      fc.option(nasty, { nil: undefined, freq: 5 }),
      fc.nat({ max: 3 }),
    )
    .map(([i, pick, value, times]) => {
      let doc = sources[i];
      for (let k = 0; k <= times; k++) {
        const all = paths(doc);
        doc = replaceAt(doc, all[(pick + k * 7) % all.length] as Array<string | number>, value);
      }
      return JSON.stringify(doc) ?? 'null';
    });

/** every fixture with each of its nodes in turn replaced by each nasty value, or removed: a deterministic sweep */
export function* sweep(sources: unknown[]): Generator<string> {
  for (const doc of sources) {
    for (const path of paths(doc))
      for (const value of [...NASTY, undefined]) yield JSON.stringify(replaceAt(doc, path, value)) ?? 'null';
  }
}

/** any body: random bytes, random JSON, binary strings, and structure-aware mutants of the fixtures */
export const anyBodyFor = (fixtures: unknown[]): fc.Arbitrary<Buffer> =>
  fc.oneof(
    fc.uint8Array({ maxLength: 512 }).map((b) => Buffer.from(b)),
    fc.json({ maxDepth: 4 }).map((s) => Buffer.from(s)),
    fc.string({ unit: 'binary', maxLength: 200 }).map((s) => Buffer.from(s)),
    jsonMutant(fixtures).map((s) => Buffer.from(s)),
  );

/** the outcome's shape: one of the expected kinds (channels without handshakes pass ['events', 'ignored']), and events that are valid inbound events */
export const checkOutcome = (
  out: WebhookOutcome,
  kinds: ReadonlyArray<WebhookOutcome['kind']> = ['events', 'ignored', 'handshake'],
): WebhookOutcome => {
  if (!kinds.includes(out.kind)) throw new Error(`unexpected outcome ${JSON.stringify(out)}`);
  if (out.kind === 'events')
    for (const e of out.events)
      if (!InboundEventSchema.safeParse(e).success) throw new Error(`invalid event ${JSON.stringify(e)}`);
  return out;
};
export const clone = (req: WebhookRequest): WebhookRequest => ({
  ...req,
  headers: { ...req.headers },
  query: { ...req.query },
  rawBody: Buffer.from(req.rawBody),
});

/** header dictionaries mixing the channel's own header names (in odd cases too) with random ones */
export const anyHeadersWith = (names: string[]): fc.Arbitrary<Record<string, string | undefined>> =>
  fc.dictionary(
    fc.oneof(
      fc.constantFrom(...names),
      fc.string({ maxLength: 20 }).map((s) => s.toLowerCase()),
    ),
    fc.option(fc.string({ maxLength: 100 }), { nil: undefined }),
    { maxKeys: 6 },
  );

type WebhookInbound<Config> = Extract<InboundMode<Config>, { mode: 'webhook' }>;

/**
 * The connector's parse as every fuzz test calls it, whatever its inbound mode: `parseChecked` checks the outcome
 * (kinds: channels without handshakes pass ['events', 'ignored']) and that `eventKey` answers a string or nothing
 * without throwing.
 */
export function parseHarness<Config>(
  inbound: Pick<InboundMode<Config>, 'parse' | 'eventKey'>,
  config: Config,
  kinds?: ReadonlyArray<WebhookOutcome['kind']>,
) {
  const parse = (req: WebhookRequest): WebhookOutcome => inbound.parse(req, config);
  const parseChecked = (req: WebhookRequest): WebhookOutcome => {
    const out = checkOutcome(parse(req), kinds);
    const key = inbound.eventKey?.(req);
    if (key !== undefined && typeof key !== 'string') throw new Error(`eventKey answered ${JSON.stringify(key)}`);
    return out;
  };
  return { parse, parseChecked };
}

/** parseHarness plus `verifyOk`, which checks that a refusal is a 401/403 with a reason */
export function webhookHarness<Config>(
  inbound: WebhookInbound<Config>,
  config: Config,
  kinds?: ReadonlyArray<WebhookOutcome['kind']>,
) {
  const verifyOk = (req: WebhookRequest, cfg: Config = config): boolean => {
    const v = inbound.verify(req, cfg);
    if (!v.ok && (![401, 403].includes(v.status) || typeof v.reason !== 'string'))
      throw new Error(`a refusal must be 401/403 with a reason: ${JSON.stringify(v)}`);
    return v.ok;
  };
  return { ...parseHarness(inbound, config, kinds), verifyOk };
}
