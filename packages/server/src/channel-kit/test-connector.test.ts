/** The kit's own HMAC test connector passes runConnectorContract — the suite's own proof that it can fail. */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineConnector, type WebhookRequest } from './connector.js';
import { runConnectorContract } from './contract.js';
import { signTestBody, testConnector, testConnectorDefinition } from './test-connector.js';
import { testConnectorFuzz, testProviderAnswers } from './test-connector-fuzz.js';

const config = {
  signingSecret: 'contract-signing-secret',
  apiToken: 'contract-api-token',
  apiBaseUrl: 'http://provider.invalid',
  checkOnStart: false,
};
const signed = (body: unknown): WebhookRequest => {
  const raw = JSON.stringify(body);
  return {
    method: 'POST',
    url: 'http://localhost/webhooks/c',
    headers: { 'content-type': 'application/json', 'x-test-signature': signTestBody(config.signingSecret, raw) },
    query: {},
    rawBody: Buffer.from(raw),
  };
};

runConnectorContract(testConnector, {
  config,
  otherSecretConfig: { ...config, signingSecret: 'another-signing-secret', apiToken: 'another-api-token' },
  requests: [
    {
      name: 'a text message',
      request: signed({ id: 'm1', type: 'message', from: '+1555', text: 'hi', at: '2024-01-01T00:00:00.000Z' }),
      expect: 'events',
    },
    {
      name: 'a batch of a message and a status',
      request: signed([
        { id: 'm2', type: 'message', from: '+1555', text: 'a' },
        { id: 's1', type: 'status', messageId: 'p1', status: 'delivered' },
      ]),
      expect: 'events',
    },
  ],
  unknownUpdate: signed({ id: 'u1', type: 'poll_answer' }),
  stripSignature: (req) => ({ ...req, headers: { 'content-type': 'application/json' } }),
  fuzz: testConnectorFuzz,
  features: {
    ...testProviderAnswers.features,
    optOut: { message: signed({ id: 'm9', type: 'message', from: '+1555', text: 'Halt' }) },
  },
  absentFeatures: {
    health: 'the test provider has no health endpoint',
    typing: 'the test provider has no typing indicator',
    readReceipts: 'the test provider reports receipts but takes none',
    templates: 'variants add templates (e2e/provider-rules.test.ts)',
    senders: 'variants add sender numbers (e2e/provider-rules.test.ts)',
    visitors: 'customers have provider accounts',
  },
  send: testProviderAnswers.send,
});

describe('signature helpers behind the test connector', () => {
  it('reject a signature of the right length but wrong content', () => {
    const req = signed({ id: 'x', type: 'message', from: '1', text: 't' });
    const sig = String(req.headers['x-test-signature']);
    const forged = `${sig.slice(0, -1)}${sig.endsWith('0') ? '1' : '0'}`;
    expect(
      testConnector.inbound.mode === 'webhook' &&
        testConnector.inbound.verify({ ...req, headers: { ...req.headers, 'x-test-signature': forged } }, config).ok,
    ).toBe(false);
  });
});

describe('defineConnector refuses a definition that contradicts itself', () => {
  it('the optOut feature and the optOut config field go together', () => {
    const { optOut: _field, ...shape } = testConnectorDefinition.configSchema.shape;
    const { optOut: _feature, ...features } = testConnectorDefinition.features;
    expect(() => defineConnector({ ...testConnectorDefinition, configSchema: z.object(shape) })).toThrow(
      /optOut feature and an optOut config field/,
    );
    expect(() => defineConnector({ ...testConnectorDefinition, features })).toThrow(
      /optOut feature and an optOut config field/,
    );
    expect(() =>
      defineConnector({ ...testConnectorDefinition, configSchema: z.object(shape), features }),
    ).not.toThrow();
  });
});
