/**
 * WhatsApp's own fuzz properties: the POST-only rule, an empty app secret, and the GET verification handshake
 * (https://developers.facebook.com/docs/graph-api/webhooks/getting-started#verification-requests). The shared ones
 * (parse never throws, verify accepts exactly the HMAC of the bytes, header mutations) run in the connector
 * contract with fixtures/fuzz.ts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { anyBodyFor, webhookHarness } from '../../channel-kit/fuzz-mutations.js';
import type { WebhookRequest } from '../../channel-kit/index.js';
import {
  documents,
  fuzzConfig as config,
  fuzzRequest as request,
  rawBodies,
  sign,
  SIGNATURE_HEADER as SIG,
} from './fixtures/fuzz.js';
import { whatsappConnector } from './index.js';

const RUNS = { numRuns: 300 };
const inbound = whatsappConnector.inbound;
if (inbound.mode !== 'webhook') throw new Error('whatsapp receives webhooks');
const anyBody = anyBodyFor(documents);
const { parseChecked, verifyOk } = webhookHarness(inbound, config);

describe('whatsapp connector under fuzzing', () => {
  it('rejects every method but POST (GET passes to the handshake), and an empty app secret', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS', 'post', 'get', 'TRACE'),
        fc.constantFrom(...rawBodies),
        (method, body) => {
          expect(verifyOk({ ...request(body), method })).toBe(false);
        },
      ),
      { numRuns: 50 },
    );
    fc.assert(
      fc.property(anyBody, (body) => {
        expect(inbound.verify(request(body, { [SIG]: sign(body, '') }), { ...config, appSecret: '' }).ok).toBe(false);
      }),
      { numRuns: 50 },
    );
  });

  it('the GET handshake never throws, never yields events, and answers 200 with the challenge only for the right token', () => {
    const value = fc.option(
      fc.oneof(
        fc.string({ maxLength: 40 }),
        fc.constantFrom('subscribe', config.verifyToken as string, 'verify-token-fuzz-000', 'VERIFY-TOKEN-FUZZ-0001'),
      ),
      { nil: undefined },
    );
    fc.assert(
      fc.property(value, value, value, anyBody, (mode, token, challenge, body) => {
        const req: WebhookRequest = {
          method: 'GET',
          url: 'http://127.0.0.1/webhooks/c',
          headers: {},
          rawBody: body,
          query: { 'hub.mode': mode, 'hub.verify_token': token, 'hub.challenge': challenge },
        };
        expect(verifyOk(req)).toBe(true);
        const out = parseChecked(req);
        expect(out.kind).toBe('handshake');
        const good = mode === 'subscribe' && token === config.verifyToken && challenge !== undefined;
        expect(out.kind === 'handshake' && out.reply.status).toBe(good ? 200 : 403);
        if (good && out.kind === 'handshake') expect(out.reply.body).toBe(challenge);
      }),
      RUNS,
    );
  });
});
