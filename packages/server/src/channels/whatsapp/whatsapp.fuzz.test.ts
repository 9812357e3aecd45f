/**
 * Property-based tests of the WhatsApp Cloud connector's verify and parse (X-Hub-Signature-256: sha256=<hex
 * HMAC-SHA256(appSecret, raw body)>, providers.md §2.3; the GET handshake, §2.2): arbitrary bytes, arbitrary JSON
 * and mutations of Meta-shaped signed fixtures never make parse throw and only yield schema-valid events; verify
 * never throws and accepts a POST exactly when the header is the HMAC of its exact bytes; parse is deterministic.
 */
import fc from 'fast-check';
import { byteMutation, mutate, jsonMutant, sweep, anyBodyFor, checkOutcome, clone, anyHeadersWith, webhookHarness } from '../../testing/fuzz-mutations.js';
import { describe, expect, it } from 'vitest';
import { hmac, type WebhookOutcome, type WebhookRequest } from '../../channel-kit/index.js';
import type { WhatsAppConfig } from './config.js';
import { batch, inboundMessages, metaEscapedBody, statuses, templateStatusUpdate } from './fixtures/inbound.js';
import { whatsappConnector } from './index.js';

const RUNS = { numRuns: 300 };
const config: WhatsAppConfig = {
  accessToken: 'EAAG-fuzz-access-token-0001', appSecret: 'app-secret-for-fuzzing-0001', businessAccountId: '102290129340398',
  phoneNumberIds: ['106540352242922'], verifyToken: 'verify-token-fuzz-0001', apiVersion: 'v21.0', apiBaseUrl: 'http://graph.invalid', messagesPerSecond: 80,
};
const SIG = 'x-hub-signature-256';
const inbound = whatsappConnector.inbound;
if (inbound.mode !== 'webhook') throw new Error('whatsapp receives webhooks');

const sign = (body: string | Buffer, secret = config.appSecret) => `sha256=${hmac('sha256', secret, body, 'hex')}`;
/** Meta-shaped bodies from fixtures/inbound.ts: every message type, statuses, a batch, an unmodelled field */
const fixtures: unknown[] = [...Object.values(inboundMessages), statuses, batch, templateStatusUpdate, JSON.parse(metaEscapedBody) as unknown];
/** the exact bytes Meta signs, including its escaping */
const rawFixtures: Buffer[] = [...fixtures.map((f) => Buffer.from(JSON.stringify(f))), Buffer.from(metaEscapedBody)];
const request = (body: Buffer, headers: Record<string, string | undefined> = {}): WebhookRequest => ({
  method: 'POST', url: 'http://127.0.0.1/webhooks/conn_wa', query: {}, rawBody: body,
  headers: { 'content-type': 'application/json', 'user-agent': 'facebookexternalua', [SIG]: sign(body), ...headers },
});

// ---- mutations ------------------------------------------------------------------------------------------------
const anyBody = anyBodyFor(fixtures);
const anyHeaders = anyHeadersWith([SIG, 'X-Hub-Signature-256', 'X-HUB-SIGNATURE-256', 'x-hub-signature', 'content-type', 'user-agent']);

// ---- helpers --------------------------------------------------------------------------------------------------
const { parse, parseChecked, verifyOk } = webhookHarness(inbound, config);
type Headers = Record<string, string | undefined>;

describe('whatsapp connector under fuzzing', () => {
  it('the fixtures are real: each verifies and parses', () => {
    for (const body of rawFixtures) {
      expect(verifyOk(request(body))).toBe(true);
      expect(['events', 'ignored']).toContain(parseChecked(request(body)).kind);
    }
  });

  it('parse never throws, yields valid events and is deterministic on arbitrary bytes, JSON and fixture mutants', () => {
    fc.assert(fc.property(anyBody, anyHeaders, (body, headers) => {
      const req = request(body, headers);
      const first = parseChecked(req);
      expect(parse(clone(req))).toEqual(first);
      expect(parse({ ...clone(req), receivedAt: '2030-01-01T00:00:00.000Z' })).toEqual(first);
    }), RUNS);
  });

  it('parse never throws on byte mutations of real signed fixtures', () => {
    fc.assert(fc.property(fc.constantFrom(...rawFixtures), byteMutation, (original, m) => {
      const mutated = { ...request(original), rawBody: mutate(original, m) };
      expect(parse(clone(mutated))).toEqual(parseChecked(mutated));
    }), RUNS);
  });

  it('verify never throws, and accepts a POST exactly when the header is the HMAC of the exact bytes', () => {
    fc.assert(fc.property(anyBody, anyHeaders, (body, headers) => {
      const req: WebhookRequest = { method: 'POST', url: 'http://127.0.0.1/webhooks/c', query: {}, rawBody: body, headers };
      expect(verifyOk(req)).toBe(headers[SIG] === sign(body));
    }), RUNS);
  });

  it('rejects a mutated body carrying the original signature; only the exact signed bytes verify', () => {
    fc.assert(fc.property(fc.oneof(fc.constantFrom(...rawFixtures), fc.uint8Array({ maxLength: 256 }).map((b) => Buffer.from(b))), byteMutation, (original, m) => {
      const req = request(original);
      expect(verifyOk(req)).toBe(true);
      const body = mutate(original, m);
      expect(verifyOk({ ...req, rawBody: body })).toBe(body.equals(original));
    }), RUNS);
  });

  it('signed structure mutants reach parse without breaking it; with another app secret they are rejected', () => {
    fc.assert(fc.property(jsonMutant(fixtures), (text) => {
      const req = request(Buffer.from(text));
      expect(verifyOk(req)).toBe(true);
      expect(verifyOk({ ...req, headers: { ...req.headers, [SIG]: sign(text, 'another-app-secret-0002') } })).toBe(false);
      expect(parse(clone(req))).toEqual(parseChecked(req));
    }), RUNS);
  });

  it('parse survives every field of every fixture replaced by each nasty value (signed, so the hub would parse it)', () => {
    let count = 0;
    for (const text of sweep(fixtures)) {
      const req = request(Buffer.from(text));
      let out: WebhookOutcome;
      try {
        out = parse(req);
      } catch (error) {
        throw new Error(`parse threw ${String(error)} on ${text.slice(0, 2000)}`);
      }
      checkOutcome(out);
      count++;
    }
    expect(count).toBeGreaterThan(1000);
  });

  it('rejects dropped, renamed, altered or foreign signature headers', () => {
    const headerMutation: fc.Arbitrary<(h: Headers, body: Buffer) => Headers> = fc.oneof(
      fc.constant((h: Headers) => ({ ...h, [SIG]: undefined })),
      fc.constantFrom('X-Hub-Signature-256', 'X-HUB-SIGNATURE-256', 'x-hub-signature', 'x-hub-signature-256 ').map((name) => (h: Headers) => ({ ...h, [SIG]: undefined, [name]: h[SIG] })),
      fc.constant((h: Headers) => ({ ...h, [SIG]: String(h[SIG]).toUpperCase() })),
      fc.constant((h: Headers) => ({ ...h, [SIG]: String(h[SIG]).replace('sha256=', '') })),
      fc.constant((h: Headers) => ({ ...h, [SIG]: `${String(h[SIG])}, ${String(h[SIG])}` })),
      fc.constant((h: Headers, body: Buffer) => ({ ...h, [SIG]: `sha1=${hmac('sha1', config.appSecret, body, 'hex')}` })),
      fc.constant((h: Headers, body: Buffer) => ({ ...h, [SIG]: `sha256=${hmac('sha256', config.appSecret, body, 'base64')}` })),
      fc.constant((h: Headers, body: Buffer) => ({ ...h, [SIG]: sign(body, config.accessToken) })),
      fc.tuple(fc.nat(), fc.integer({ min: 1, max: 15 })).map(([at, delta]) => (h: Headers) => {
        const s = String(h[SIG]);
        const i = 7 + (at % (s.length - 7));
        const c = ((parseInt(s[i] as string, 16) + delta) % 16).toString(16);
        return { ...h, [SIG]: `${s.slice(0, i)}${c}${s.slice(i + 1)}` };
      }),
      fc.nat().map((keep) => (h: Headers) => ({ ...h, [SIG]: String(h[SIG]).slice(0, keep % String(h[SIG]).length) })),
      fc.string({ minLength: 1, maxLength: 8 }).map((tail) => (h: Headers) => ({ ...h, [SIG]: `${String(h[SIG])}${tail}` })),
      fc.string({ maxLength: 80 }).map((value) => (h: Headers) => ({ ...h, [SIG]: value })),
    );
    fc.assert(fc.property(fc.constantFrom(...rawFixtures), headerMutation, (body, change) => {
      const req = request(body);
      const headers = change({ ...req.headers }, body);
      expect(verifyOk({ ...req, headers })).toBe(headers[SIG] === sign(body));
    }), RUNS);
  });

  it('rejects every method but POST (GET passes to the handshake), and an empty app secret', () => {
    fc.assert(fc.property(fc.constantFrom('PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS', 'post', 'get', 'TRACE'), fc.constantFrom(...rawFixtures), (method, body) => {
      expect(verifyOk({ ...request(body), method })).toBe(false);
    }), { numRuns: 50 });
    fc.assert(fc.property(anyBody, (body) => {
      expect(inbound.verify(request(body, { [SIG]: sign(body, '') }), { ...config, appSecret: '' }).ok).toBe(false);
    }), { numRuns: 50 });
  });

  it('the GET handshake never throws, never yields events, and answers 200 with the challenge only for the right token', () => {
    const value = fc.option(fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom('subscribe', config.verifyToken as string, 'verify-token-fuzz-000', 'VERIFY-TOKEN-FUZZ-0001')), { nil: undefined });
    fc.assert(fc.property(value, value, value, anyBody, (mode, token, challenge, body) => {
      const req: WebhookRequest = { method: 'GET', url: 'http://127.0.0.1/webhooks/c', headers: {}, rawBody: body, query: { 'hub.mode': mode, 'hub.verify_token': token, 'hub.challenge': challenge } };
      expect(verifyOk(req)).toBe(true);
      const out = parseChecked(req);
      expect(out.kind).toBe('handshake');
      const good = mode === 'subscribe' && token === config.verifyToken && challenge !== undefined;
      expect(out.kind === 'handshake' && out.reply.status).toBe(good ? 200 : 403);
      if (good && out.kind === 'handshake') expect(out.reply.body).toBe(challenge);
    }), RUNS);
  });
});
