/**
 * The fuzz half of the kit test connector's contract (X-Test-Signature: sha256=<hex HMAC-SHA256 of the raw body>).
 */
import fc from 'fast-check';
import type { ContractFixtures } from './contract.js';
import type { FuzzFixtures, ProofMutation } from './contract-fuzz.js';
import type { WebhookRequest } from './connector.js';
import { signTestBody } from './test-connector.js';

export const fuzzConfig = {
  signingSecret: 'fuzz-signing-secret-0001',
  apiToken: 'fuzz-api-token-0001',
  apiBaseUrl: 'http://provider.invalid',
  checkOnStart: false,
};
export const SIGNATURE_HEADER = 'x-test-signature';

/** real signed requests: the shapes of test-connector.test.ts and the pipeline tests */
export const documents: unknown[] = [
  { id: 'm1', type: 'message', from: '+1555', text: 'hi', at: '2024-01-01T00:00:00.000Z' },
  [
    { id: 'm2', type: 'message', from: '+1555', text: 'a' },
    { id: 's1', type: 'status', messageId: 'p1', status: 'delivered' },
  ],
  {
    id: 'm3',
    type: 'message',
    from: '+1555',
    name: 'Ana',
    to: '+1999',
    mediaId: 'media-1',
    mimeType: 'image/jpeg',
    text: 'caption',
  },
  { id: 's2', type: 'status', messageId: 'p2', status: 'failed', at: '2024-05-01T10:00:00.000Z' },
  { id: 'u1', type: 'poll_answer' },
];
export const fuzzRequest = (body: Buffer, headers: Record<string, string | undefined> = {}): WebhookRequest => ({
  method: 'POST',
  url: 'http://127.0.0.1/webhooks/conn_fuzz',
  query: {},
  rawBody: body,
  headers: {
    'content-type': 'application/json',
    [SIGNATURE_HEADER]: signTestBody(fuzzConfig.signingSecret, body),
    ...headers,
  },
});

const foreign: ProofMutation[] = [
  (h) => ({ ...h, [SIGNATURE_HEADER]: String(h[SIGNATURE_HEADER]).replace('sha256=', 'sha1=') }),
  (h) => ({ ...h, [SIGNATURE_HEADER]: `sha256=${'0'.repeat(64)}` }),
  (h, body) => ({ ...h, [SIGNATURE_HEADER]: signTestBody('another-secret-0002', body) }),
];

export const testConnectorFuzz: FuzzFixtures<typeof fuzzConfig> = {
  config: fuzzConfig,
  documents,
  request: fuzzRequest,
  proofHeader: SIGNATURE_HEADER,
  proofPrefix: 'sha256=',
  renamedHeaders: ['X-Test-Signature', 'X-TEST-SIGNATURE', 'x-test-signature ', 'x_test_signature'],
  headerNames: ['x-test-delivery', 'content-type', 'authorization'],
  accepts: (req) => req.headers[SIGNATURE_HEADER] === signTestBody(fuzzConfig.signingSecret, req.rawBody),
  bodyIsSigned: true,
  ignoresReceivedAt: true,
  proofMutations: [
    fc.constantFrom(...foreign),
    fc.tuple(fc.nat(), fc.integer({ min: 1, max: 15 })).map(([at, delta]): ProofMutation => (h) => {
      const s = String(h[SIGNATURE_HEADER]);
      const i = 7 + (at % (s.length - 7));
      return {
        ...h,
        [SIGNATURE_HEADER]: `${s.slice(0, i)}${((parseInt(s[i] as string, 16) + delta) % 16).toString(16)}${s.slice(i + 1)}`,
      };
    }),
  ],
};

/** the provider answers both test connectors (webhook and long poll) give the contract's feature and send checks */
export const testProviderAnswers = {
  features: {
    fetchMedia: {
      media: { providerMediaId: 'media-1' },
      success: [{ status: 200, headers: { 'content-type': 'image/png' }, body: 'PNG' }],
      auth: { status: 401, body: '{"error":{"message":"bad token"}}' },
    },
  },
  send: {
    message: { id: 'msg_1', conversationId: 'conv_1', to: '+1555', content: { type: 'text', text: 'hello' } },
    success: { status: 200, body: '{"id":"prov-1"}' },
    auth: { status: 401, body: '{"error":{"message":"bad token"}}' },
    rateLimited: {
      status: 429,
      headers: { 'retry-after': '3', 'content-type': 'application/json' },
      body: '{"error":{"message":"slow down"}}',
    },
    unavailable: { status: 503, body: '{"error":{"message":"maintenance"}}' },
  },
} satisfies Pick<ContractFixtures<Record<string, unknown>>, 'features' | 'send'>;
