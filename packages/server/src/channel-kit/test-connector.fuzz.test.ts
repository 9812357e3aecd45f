/**
 * Property-based tests of the kit's HMAC test connector (X-Test-Signature: sha256=<hex HMAC of the raw body>):
 * arbitrary bytes, arbitrary JSON and mutations of real signed requests never make parse throw; verify never
 * throws and accepts exactly the requests whose header is the HMAC of their exact bytes; parse is deterministic.
 */
import fc from 'fast-check';
import { byteMutation, mutate, jsonMutant, sweep, anyBodyFor, checkOutcome, clone, anyHeadersWith, webhookHarness } from '../testing/fuzz-mutations.js';
import { describe, expect, it } from 'vitest';
import type { WebhookOutcome, WebhookRequest } from './connector.js';
import { signTestBody, testConnector } from './test-connector.js';

const RUNS = { numRuns: 300 };
const config = { signingSecret: 'fuzz-signing-secret-0001', apiToken: 'fuzz-api-token-0001', apiBaseUrl: 'http://provider.invalid', checkOnStart: false };
const SIG = 'x-test-signature';
const inbound = testConnector.inbound;
if (inbound.mode !== 'webhook') throw new Error('the test connector receives webhooks');

/** real signed requests: the shapes of test-connector.test.ts and the pipeline tests */
const fixtures: unknown[] = [
  { id: 'm1', type: 'message', from: '+1555', text: 'hi', at: '2024-01-01T00:00:00.000Z' },
  [{ id: 'm2', type: 'message', from: '+1555', text: 'a' }, { id: 's1', type: 'status', messageId: 'p1', status: 'delivered' }],
  { id: 'm3', type: 'message', from: '+1555', name: 'Ana', to: '+1999', mediaId: 'media-1', mimeType: 'image/jpeg', text: 'caption' },
  { id: 's2', type: 'status', messageId: 'p2', status: 'failed', at: '2024-05-01T10:00:00.000Z' },
  { id: 'u1', type: 'poll_answer' },
];
const request = (body: Buffer, headers: Record<string, string | undefined> = {}): WebhookRequest => ({
  method: 'POST', url: 'http://127.0.0.1/webhooks/conn_fuzz', query: {}, rawBody: body,
  headers: { 'content-type': 'application/json', [SIG]: signTestBody(config.signingSecret, body), ...headers },
});
const signed = (body: unknown) => request(Buffer.from(JSON.stringify(body)));

// ---- mutations ------------------------------------------------------------------------------------------------
const anyBody = anyBodyFor(fixtures);
const anyHeaders = anyHeadersWith([SIG, 'X-Test-Signature', 'X-TEST-SIGNATURE', 'x-test-delivery', 'content-type', 'authorization']);

// ---- helpers --------------------------------------------------------------------------------------------------
const { parse, parseChecked, verifyOk } = webhookHarness(inbound, config);
const expectedSignature = (body: Buffer) => signTestBody(config.signingSecret, body);

describe('test connector under fuzzing', () => {
  it('the fixtures are real: each verifies and parses', () => {
    for (const f of fixtures) {
      expect(verifyOk(signed(f))).toBe(true);
      expect(['events', 'ignored']).toContain(parseChecked(signed(f)).kind);
    }
  });

  it('parse never throws and is deterministic on arbitrary bytes, JSON and fixture mutants', () => {
    fc.assert(fc.property(anyBody, anyHeaders, fc.constantFrom('POST', 'GET', 'PUT'), (body, headers, method) => {
      const req = { ...request(body, headers), method };
      const first = parseChecked(req);
      expect(parse(clone(req))).toEqual(first);
      expect(parse({ ...clone(req), receivedAt: '2030-01-01T00:00:00.000Z' })).toEqual(first);
    }), RUNS);
  });

  it('parse never throws on byte mutations of real signed fixtures', () => {
    fc.assert(fc.property(fc.constantFrom(...fixtures), byteMutation, (f, m) => {
      const req = signed(f);
      const mutated = { ...req, rawBody: mutate(req.rawBody, m) };
      expect(parse(clone(mutated))).toEqual(parseChecked(mutated));
    }), RUNS);
  });

  it('verify never throws, and accepts exactly the header that is the HMAC of the exact bytes', () => {
    fc.assert(fc.property(anyBody, anyHeaders, (body, headers) => {
      const req: WebhookRequest = { method: 'POST', url: 'http://127.0.0.1/webhooks/c', query: {}, rawBody: body, headers };
      expect(verifyOk(req)).toBe(headers[SIG] === expectedSignature(body));
    }), RUNS);
  });

  it('rejects a mutated body carrying the original signature; only the exact signed bytes verify', () => {
    fc.assert(fc.property(fc.oneof(fc.constantFrom(...fixtures).map((f) => Buffer.from(JSON.stringify(f))), fc.uint8Array({ maxLength: 256 }).map((b) => Buffer.from(b))), byteMutation, (original, m) => {
      const req = request(original);
      expect(verifyOk(req)).toBe(true);
      const body = mutate(original, m);
      expect(verifyOk({ ...req, rawBody: body })).toBe(body.equals(original));
    }), RUNS);
  });

  it('rejects re-signed structure mutants only when the signature is not theirs', () => {
    fc.assert(fc.property(jsonMutant(fixtures), (text) => {
      const req = request(Buffer.from(text));
      expect(verifyOk(req)).toBe(true);
      expect(verifyOk({ ...req, headers: { ...req.headers, [SIG]: signTestBody('another-secret-0002', text) } })).toBe(false);
      expect(parse(clone(req))).toEqual(parseChecked(req)); // a signed mutant reaches parse in the hub: it must not throw
    }), RUNS);
  });

  it('parse survives every field of every fixture replaced by each nasty value (signed, so the hub would parse it)', () => {
    for (const text of sweep(fixtures)) {
      const req = request(Buffer.from(text));
      let out: WebhookOutcome;
      try {
        out = parse(req);
      } catch (error) {
        throw new Error(`parse threw ${String(error)} on ${text.slice(0, 2000)}`);
      }
      checkOutcome(out);
    }
  });

  it('rejects dropped, renamed, altered or foreign signature headers', () => {
    const headerMutation = fc.oneof(
      fc.constant((h: Record<string, string | undefined>) => ({ ...h, [SIG]: undefined })),
      fc.constantFrom('X-Test-Signature', 'X-TEST-SIGNATURE', 'x-test-signature ', 'x_test_signature').map((name) => (h: Record<string, string | undefined>) => ({ ...h, [SIG]: undefined, [name]: h[SIG] })),
      fc.constant((h: Record<string, string | undefined>) => ({ ...h, [SIG]: String(h[SIG]).toUpperCase() })),
      fc.constant((h: Record<string, string | undefined>) => ({ ...h, [SIG]: String(h[SIG]).replace('sha256=', '') })),
      fc.constant((h: Record<string, string | undefined>) => ({ ...h, [SIG]: `${String(h[SIG])}, ${String(h[SIG])}` })),
      fc.constant((h: Record<string, string | undefined>) => ({ ...h, [SIG]: String(h[SIG]).replace('sha256=', 'sha1=') })),
      fc.tuple(fc.nat(), fc.integer({ min: 1, max: 15 })).map(([at, delta]) => (h: Record<string, string | undefined>) => {
        const s = String(h[SIG]);
        const i = 7 + (at % (s.length - 7));
        const c = ((parseInt(s[i] as string, 16) + delta) % 16).toString(16);
        return { ...h, [SIG]: `${s.slice(0, i)}${c}${s.slice(i + 1)}` };
      }),
      fc.nat().map((keep) => (h: Record<string, string | undefined>) => ({ ...h, [SIG]: String(h[SIG]).slice(0, keep % String(h[SIG]).length) })),
      fc.string({ minLength: 1, maxLength: 8 }).map((tail) => (h: Record<string, string | undefined>) => ({ ...h, [SIG]: `${String(h[SIG])}${tail}` })),
      fc.string({ maxLength: 80 }).map((value) => (h: Record<string, string | undefined>) => ({ ...h, [SIG]: value })),
      fc.constant((h: Record<string, string | undefined>) => ({ ...h, [SIG]: `sha256=${'0'.repeat(64)}` })),
    );
    fc.assert(fc.property(fc.constantFrom(...fixtures), headerMutation, (f, change) => {
      const req = signed(f);
      const headers = change({ ...req.headers });
      expect(verifyOk({ ...req, headers })).toBe(headers[SIG] === expectedSignature(req.rawBody));
    }), RUNS);
  });

  it('fails closed without a signing secret', () => {
    fc.assert(fc.property(anyBody, (body) => {
      expect(inbound.verify(request(body), { ...config, signingSecret: '' }).ok).toBe(false);
    }), { numRuns: 50 });
  });
});
