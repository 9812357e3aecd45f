/**
 * Property-based tests of the Telegram connector's verify and parse. Telegram signs nothing: the
 * X-Telegram-Bot-Api-Secret-Token header (the secret_token given to setWebhook, providers.md §1.3–§1.4) is the only
 * proof, so verify must accept exactly that header value and nothing else, whatever the body. Arbitrary bytes,
 * arbitrary JSON and mutations of real Update fixtures never make parse (or eventKey) throw and yield only valid
 * events; parse is deterministic.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { WebhookOutcome, WebhookRequest } from '../../channel-kit/index.js';
import { InboundEventSchema } from '../../model/index.js';
import { updates } from './fixtures/updates.js';
import { telegramConnector, type TelegramConfig } from './index.js';

const RUNS = { numRuns: 300 };
const config: TelegramConfig = { botToken: '7000000001:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0', secretToken: 'wh_secret-token_fuzz_0123456789', apiBaseUrl: 'https://api.telegram.org', botUsername: 'acme_support_bot' };
const SECRET = config.secretToken as string;
const SIG = 'x-telegram-bot-api-secret-token';
const inbound = telegramConnector.inbound;
if (inbound.mode !== 'webhook') throw new Error('the Telegram connector receives webhooks');

/** real Update shapes from fixtures/updates.ts */
const fixtures: unknown[] = Object.values(updates);
/** tdlib's layout on the wire: `{"update_id":N,\n"message":{…}}` */
const rawFixtures: Buffer[] = fixtures.map((u) => Buffer.from(JSON.stringify(u).replace(/^\{("update_id":\d+),/, '{$1,\n')));
const request = (body: Buffer, headers: Record<string, string | undefined> = {}): WebhookRequest => ({
  method: 'POST', url: 'https://hub.example.com/webhooks/conn_tg', query: {}, rawBody: body,
  headers: { 'content-type': 'application/json', [SIG]: SECRET, ...headers },
});

// ---- mutations ------------------------------------------------------------------------------------------------
type ByteMutation =
  | { kind: 'flip'; at: number; mask: number }
  | { kind: 'truncate'; keep: number }
  | { kind: 'append'; bytes: Uint8Array }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'delete'; at: number; length: number };
const byteMutation: fc.Arbitrary<ByteMutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), mask: fc.integer({ min: 1, max: 255 }) }),
  fc.record({ kind: fc.constant('truncate' as const), keep: fc.nat() }),
  fc.record({ kind: fc.constant('append' as const), bytes: fc.uint8Array({ minLength: 1, maxLength: 32 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 32 }) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 64 }) }),
);
function mutate(body: Buffer, m: ByteMutation): Buffer {
  const n = body.length;
  switch (m.kind) {
    case 'flip': {
      if (n === 0) return Buffer.from([m.mask]);
      const out = Buffer.from(body);
      out[m.at % n] = (out[m.at % n] as number) ^ m.mask;
      return out;
    }
    case 'truncate': return body.subarray(0, n === 0 ? 0 : m.keep % n);
    case 'append': return Buffer.concat([body, m.bytes]);
    case 'insert': return Buffer.concat([body.subarray(0, m.at % (n + 1)), m.bytes, body.subarray(m.at % (n + 1))]);
    case 'delete': return n === 0 ? body : Buffer.concat([body.subarray(0, m.at % n), body.subarray((m.at % n) + m.length)]);
  }
}

/** values that break naive parsers: huge/negative/fractional numbers, empty and odd strings, wrong types */
const NASTY: unknown[] = [
  1e20, -1, 0, 1.5, 8.64e15, 1e300, -1e300, Number.MAX_SAFE_INTEGER, '', ' ', '9999999999999', '1e20', 'not-a-date', '2024-13-45T99:99:99Z', '__proto__',
  'a'.repeat(5000), '\u0000', '\ud800', null, true, [], {}, [[[]]], [null], { id: {} }, JSON.parse('{"__proto__":{"polluted":1}}') as unknown,
];
const nasty = fc.oneof({ arbitrary: fc.constantFrom(...NASTY), weight: 3 }, { arbitrary: fc.jsonValue({ maxDepth: 3 }), weight: 2 });
type Json = unknown;
/** every path to a node of a JSON value */
function paths(value: Json, prefix: Array<string | number> = []): Array<Array<string | number>> {
  const out: Array<Array<string | number>> = [prefix];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...paths(v, [...prefix, i])));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...prefix, k]));
  return out;
}
/** replaces (or, with `undefined`, removes) the node at `path` */
function replaceAt(value: Json, path: Array<string | number>, replacement: unknown): Json {
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
const jsonMutant = (sources: unknown[]): fc.Arbitrary<string> =>
  fc.tuple(fc.nat({ max: sources.length - 1 }), fc.nat(), fc.option(nasty, { nil: undefined, freq: 5 }), fc.nat({ max: 3 })).map(([i, pick, value, times]) => {
    let doc = sources[i];
    for (let k = 0; k <= times; k++) {
      const all = paths(doc);
      doc = replaceAt(doc, all[(pick + k * 7) % all.length] as Array<string | number>, value);
    }
    return JSON.stringify(doc) ?? 'null';
  });

/** every fixture with each of its nodes in turn replaced by each nasty value, or removed: a deterministic sweep */
function* sweep(sources: unknown[]): Generator<string> {
  for (const doc of sources) {
    for (const path of paths(doc)) for (const value of [...NASTY, undefined]) yield JSON.stringify(replaceAt(doc, path, value)) ?? 'null';
  }
}

const anyBody: fc.Arbitrary<Buffer> = fc.oneof(
  fc.uint8Array({ maxLength: 512 }).map((b) => Buffer.from(b)),
  fc.json({ maxDepth: 4 }).map((s) => Buffer.from(s)),
  fc.string({ unit: 'binary', maxLength: 200 }).map((s) => Buffer.from(s)),
  jsonMutant(fixtures).map((s) => Buffer.from(s)),
);
const headerName = fc.oneof(fc.constantFrom(SIG, 'X-Telegram-Bot-Api-Secret-Token', 'x-telegram-bot-api-secret', 'content-type', 'authorization'), fc.string({ maxLength: 20 }).map((s) => s.toLowerCase()));
const anyHeaders = fc.dictionary(headerName, fc.option(fc.string({ maxLength: 100 }), { nil: undefined }), { maxKeys: 6 });

// ---- helpers --------------------------------------------------------------------------------------------------
const parse = (req: WebhookRequest): WebhookOutcome => inbound.parse(req, config);
/** parse, checking the outcome's shape (valid events) and that eventKey does not throw either */
/** the outcome's shape: a known kind, and events that are valid inbound events */
const checkOutcome = (out: WebhookOutcome): WebhookOutcome => {
  if (!(['events', 'ignored'] as string[]).includes(out.kind)) throw new Error(`unexpected outcome ${JSON.stringify(out)}`);
  if (out.kind === 'events') for (const e of out.events) if (!InboundEventSchema.safeParse(e).success) throw new Error(`invalid event ${JSON.stringify(e)}`);
  return out;
};
const parseChecked = (req: WebhookRequest): WebhookOutcome => {
  const out = checkOutcome(parse(req));
  const key = inbound.eventKey?.(req);
  expect(key === undefined || typeof key === 'string').toBe(true);
  return out;
};
const verifyOk = (req: WebhookRequest, cfg: TelegramConfig = config): boolean => {
  const v = inbound.verify(req, cfg);
  if (!v.ok) {
    expect([401, 403]).toContain(v.status);
    expect(typeof v.reason).toBe('string');
  }
  return v.ok;
};
const clone = (req: WebhookRequest): WebhookRequest => ({ ...req, headers: { ...req.headers }, query: { ...req.query }, rawBody: Buffer.from(req.rawBody) });
type Headers = Record<string, string | undefined>;
const at = '2030-01-01T00:00:00.000Z';

describe('telegram connector under fuzzing', () => {
  it('the fixtures are real: each verifies and parses', () => {
    for (const body of rawFixtures) {
      expect(verifyOk(request(body))).toBe(true);
      parseChecked(request(body));
    }
  });

  it('parse never throws, yields valid events and is deterministic on arbitrary bytes, JSON and fixture mutants', () => {
    fc.assert(fc.property(anyBody, anyHeaders, (body, headers) => {
      const req = request(body, headers);
      expect(parse(clone(req))).toEqual(parseChecked(req));
      const stamped = { ...req, receivedAt: at };
      expect(parse(clone(stamped))).toEqual(parseChecked(stamped));
    }), RUNS);
  });

  it('parse never throws on byte mutations of real fixtures', () => {
    fc.assert(fc.property(fc.constantFrom(...rawFixtures), byteMutation, (original, m) => {
      const mutated = { ...request(original), rawBody: mutate(original, m), receivedAt: at };
      expect(parse(clone(mutated))).toEqual(parseChecked(mutated));
    }), RUNS);
  });

  it('parse survives structure mutants of real updates, random and every field × each nasty value', () => {
    fc.assert(fc.property(jsonMutant(fixtures), (text) => {
      const req = request(Buffer.from(text));
      expect(parse(clone(req))).toEqual(parseChecked(req));
    }), RUNS);
    for (const text of sweep(fixtures)) {
      const req = { ...request(Buffer.from(text)), receivedAt: at };
      let out: WebhookOutcome;
      try {
        out = parse(req);
      } catch (error) {
        throw new Error(`parse threw ${String(error)} on ${text.slice(0, 2000)}`);
      }
      checkOutcome(out);
    }
  });

  it('verify never throws, and accepts exactly the configured secret token, whatever the body', () => {
    fc.assert(fc.property(anyBody, anyHeaders, (body, headers) => {
      const req: WebhookRequest = { method: 'POST', url: 'https://hub.example.com/webhooks/c', query: {}, rawBody: body, headers };
      expect(verifyOk(req)).toBe(headers[SIG] === SECRET);
    }), RUNS);
  });

  it('the secret token does not sign the body: a mutated body with the right header passes verify (documented), and parse still copes', () => {
    fc.assert(fc.property(fc.constantFrom(...rawFixtures), byteMutation, (original, m) => {
      const req = { ...request(original), rawBody: mutate(original, m) };
      expect(verifyOk(req)).toBe(true);
      parseChecked(req);
    }), { numRuns: 100 });
  });

  it('rejects dropped, renamed, altered or foreign secret headers', () => {
    const headerMutation: fc.Arbitrary<(h: Headers) => Headers> = fc.oneof(
      fc.constant((h: Headers) => ({ ...h, [SIG]: undefined })),
      fc.constantFrom('X-Telegram-Bot-Api-Secret-Token', 'X-TELEGRAM-BOT-API-SECRET-TOKEN', 'x-telegram-bot-api-secret', 'x-telegram-bot-api-secret-token ').map((name) => (h: Headers) => ({ ...h, [SIG]: undefined, [name]: h[SIG] })),
      fc.constant((h: Headers) => ({ ...h, [SIG]: String(h[SIG]).toUpperCase() })),
      fc.constant((h: Headers) => ({ ...h, [SIG]: ` ${String(h[SIG])}` })),
      fc.constant((h: Headers) => ({ ...h, [SIG]: `${String(h[SIG])}, ${String(h[SIG])}` })),
      fc.constant((h: Headers) => ({ ...h, [SIG]: config.botToken })),
      fc.constant((h: Headers) => ({ ...h, [SIG]: 'another_secret-token_9876543210' })),
      fc.tuple(fc.nat(), fc.integer({ min: 1, max: 60 })).map(([i, delta]) => (h: Headers) => {
        const s = String(h[SIG]);
        const k = i % s.length;
        return { ...h, [SIG]: `${s.slice(0, k)}${String.fromCharCode(((s.charCodeAt(k) - 32 + delta) % 95) + 32)}${s.slice(k + 1)}` };
      }),
      fc.nat().map((keep) => (h: Headers) => ({ ...h, [SIG]: String(h[SIG]).slice(0, keep % String(h[SIG]).length) })),
      fc.string({ minLength: 1, maxLength: 8 }).map((tail) => (h: Headers) => ({ ...h, [SIG]: `${String(h[SIG])}${tail}` })),
      fc.string({ maxLength: 300 }).map((value) => (h: Headers) => ({ ...h, [SIG]: value })),
    );
    fc.assert(fc.property(fc.constantFrom(...rawFixtures), headerMutation, (body, change) => {
      const req = request(body);
      const headers = change({ ...req.headers });
      expect(verifyOk({ ...req, headers })).toBe(headers[SIG] === SECRET);
    }), RUNS);
  });

  it('fails closed when the connection has no secret token, whatever the header says', () => {
    fc.assert(fc.property(fc.option(fc.constantFrom('', SECRET, 'undefined'), { nil: undefined }), fc.constantFrom(...rawFixtures), (header, body) => {
      expect(verifyOk(request(body, { [SIG]: header }), { ...config, secretToken: undefined })).toBe(false);
    }), { numRuns: 50 });
  });
});
