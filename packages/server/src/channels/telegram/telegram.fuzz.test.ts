/**
 * Property-based tests of the Telegram connector's verify and parse. Telegram signs nothing: the
 * X-Telegram-Bot-Api-Secret-Token header (the secret_token given to setWebhook, providers.md §1.3–§1.4) is the only
 * proof, so verify must accept exactly that header value and nothing else, whatever the body. Arbitrary bytes,
 * arbitrary JSON and mutations of real Update fixtures never make parse (or eventKey) throw and yield only valid
 * events; parse is deterministic.
 */
import fc from 'fast-check';
import { byteMutation, mutate, jsonMutant, sweep, anyBodyFor, checkOutcome, clone, anyHeadersWith, webhookHarness } from '../../testing/fuzz-mutations.js';
import { describe, expect, it } from 'vitest';
import type { WebhookOutcome, WebhookRequest } from '../../channel-kit/index.js';
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
const anyBody = anyBodyFor(fixtures);
const anyHeaders = anyHeadersWith([SIG, 'X-Telegram-Bot-Api-Secret-Token', 'x-telegram-bot-api-secret', 'content-type', 'authorization']);

// ---- helpers --------------------------------------------------------------------------------------------------
const { parse, parseChecked, verifyOk } = webhookHarness(inbound, config, ['events', 'ignored']);
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
      checkOutcome(out, ['events', 'ignored']);
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
