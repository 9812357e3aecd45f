/**
 * The test connector's own fuzz properties: parse copes with any method, and no signing secret means nothing
 * verifies. The shared properties run in its connector contract (test-connector.test.ts) with test-connector-fuzz.ts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { anyBodyFor, anyHeadersWith, clone, webhookHarness } from './fuzz-mutations.js';
import { documents, fuzzConfig as config, fuzzRequest as request, SIGNATURE_HEADER } from './test-connector-fuzz.js';
import { testConnector } from './test-connector.js';

const RUNS = { numRuns: 300 };
const inbound = testConnector.inbound;
if (inbound.mode !== 'webhook') throw new Error('the test connector receives webhooks');
const anyBody = anyBodyFor(documents);
const anyHeaders = anyHeadersWith([SIGNATURE_HEADER, 'X-Test-Signature', 'content-type']);
const { parse, parseChecked } = webhookHarness(inbound, config);

describe('test connector under fuzzing', () => {
  it('parse never throws and is deterministic whatever the method', () => {
    fc.assert(
      fc.property(anyBody, anyHeaders, fc.constantFrom('POST', 'GET', 'PUT'), (body, headers, method) => {
        const req = { ...request(body, headers), method };
        expect(parse(clone(req))).toEqual(parseChecked(req));
      }),
      RUNS,
    );
  });

  it('fails closed without a signing secret', () => {
    fc.assert(
      fc.property(anyBody, (body) => {
        expect(inbound.verify(request(body), { ...config, signingSecret: '' }).ok).toBe(false);
      }),
      { numRuns: 50 },
    );
  });
});
