/**
 * Telegram's own fuzz properties; the shared ones (parse never throws, verify accepts exactly the secret token,
 * header mutations) run in the connector contract with fixtures/fuzz.ts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { webhookHarness } from '../../channel-kit/fuzz-mutations.js';
import { fuzzConfig, fuzzRequest, rawUpdates, SECRET_HEADER } from './fixtures/fuzz.js';
import { telegramConnector } from './index.js';

const inbound = telegramConnector.inbound;
if (inbound.mode !== 'webhook') throw new Error('the Telegram connector receives webhooks');
const { verifyOk } = webhookHarness(inbound, fuzzConfig, ['events', 'ignored']);

describe('telegram connector under fuzzing', () => {
  it('fails closed when the connection has no secret token, whatever the header says', () => {
    fc.assert(
      fc.property(
        fc.option(fc.constantFrom('', fuzzConfig.secretToken as string, 'undefined'), { nil: undefined }),
        fc.constantFrom(...rawUpdates),
        (header, body) => {
          expect(
            verifyOk(fuzzRequest(body, { [SECRET_HEADER]: header }), { ...fuzzConfig, secretToken: undefined }),
          ).toBe(false);
        },
      ),
      { numRuns: 50 },
    );
  });
});
