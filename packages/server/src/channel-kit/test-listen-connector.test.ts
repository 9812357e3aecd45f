/** The kit's long-poll test connector passes the listen half of runConnectorContract. */
import type { ListenedUpdate } from './connector.js';
import { runConnectorContract } from './contract.js';
import { testProviderAnswers } from './test-connector-fuzz.js';
import { POLL_UPDATE_HEADER, testListenConnector } from './test-listen-connector.js';

const config = {
  signingSecret: 'contract-signing-secret',
  apiToken: 'contract-api-token',
  apiBaseUrl: 'http://provider.invalid',
  checkOnStart: false,
};
const documents = [
  { id: 'm1', type: 'message', from: '+1555', text: 'hi', at: '2024-01-01T00:00:00.000Z' },
  { id: 'm2', type: 'message', from: '+1555', text: 'a second one' },
];
const update = (body: unknown, id: string): ListenedUpdate => ({
  body: Buffer.from(JSON.stringify(body)),
  headers: { [POLL_UPDATE_HEADER]: id },
});

runConnectorContract(testListenConnector, {
  config,
  otherSecretConfig: { ...config, signingSecret: 'another-signing-secret', apiToken: 'another-api-token' },
  listen: {
    updates: [
      { name: 'a fetched text message', update: update(documents[0], 'm1'), expect: 'events' },
      { name: 'a fetched message without a time', update: update(documents[1], 'm2'), expect: 'events' },
    ],
    unknownUpdate: update({ id: 'u1', type: 'poll_answer' }, 'u1'),
    fuzz: {
      config,
      documents,
      headers: (body) => ({ [POLL_UPDATE_HEADER]: String(body.length) }),
      headerNames: [POLL_UPDATE_HEADER, 'content-type'],
      numRuns: 150,
    },
  },
  features: {
    ...testProviderAnswers.features,
    optOut: { update: update({ id: 'm9', type: 'message', from: '+1555', text: 'Halt' }, 'm9') },
  },
  absentFeatures: {
    health: 'the test provider has no health endpoint',
    typing: 'the test provider has no typing indicator',
    readReceipts: 'the test provider reports receipts but takes none',
    templates: 'the long-poll variant only proves inbound mode listen',
    senders: 'the long-poll variant only proves inbound mode listen',
    visitors: 'customers have provider accounts',
  },
  send: testProviderAnswers.send,
});
