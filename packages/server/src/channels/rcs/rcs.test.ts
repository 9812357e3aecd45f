/** The RCS (RBM) connector passes runConnectorContract; the webhook signature is checked against node:crypto and the documented test vector. */
import { describe, expect, it } from 'vitest';
import { runConnectorContract } from '../../channel-kit/contract.js';
import { hmac, type InboundMode, type WebhookRequest } from '../../channel-kit/index.js';
import { decodedMessages, envelope, googSignature, rcsFuzz, rcsFuzzConfig, rcsRequest } from './fixtures/fuzz.js';
import { rcsConnector, type RcsConfig } from './index.js';

const config = rcsFuzzConfig;
const req = (doc: unknown): WebhookRequest => rcsRequest(Buffer.from(JSON.stringify(doc)));
const inbound = rcsConnector.inbound as Extract<InboundMode<RcsConfig>, { mode: 'webhook' }>;
const ok = {
  status: 200,
  body: JSON.stringify({
    access_token: 'ya29.token',
    expires_in: 3600,
    name: 'phones/+12223334444/agentMessages/msg_1',
    rbmEnabled: true,
  }),
};
const denied = {
  status: 401,
  body: JSON.stringify({
    error: { code: 401, message: 'Request had invalid authentication credentials.', status: 'UNAUTHENTICATED' },
  }),
};

const DAY = 86_400_000;
const iamKey = (validBeforeTime: string) => ({
  status: 200,
  body: JSON.stringify({
    name: 'projects/rbm-test/serviceAccounts/agent@rbm-test.iam.gserviceaccount.com/keys/k1',
    privateKeyType: 'TYPE_GOOGLE_CREDENTIALS_FILE',
    keyAlgorithm: 'KEY_ALG_RSA_2048',
    validAfterTime: '2026-01-01T00:00:00Z',
    validBeforeTime,
    keyOrigin: 'GOOGLE_PROVIDED',
    keyType: 'USER_MANAGED',
  }),
});

runConnectorContract(rcsConnector, {
  config,
  otherSecretConfig: {
    ...config,
    clientToken: 'OTHERTOKEN',
    serviceAccountKey: '{"client_email":"x@y","private_key":"nope"}',
  },
  requests: [
    { name: 'a text message (RBM UserMessage)', request: req(envelope(decodedMessages[0])), expect: 'events' },
    { name: 'a suggestion response', request: req(envelope(decodedMessages[1])), expect: 'events' },
    { name: 'a location', request: req(envelope(decodedMessages[2])), expect: 'events' },
    { name: 'a user file', request: req(envelope(decodedMessages[3])), expect: 'events' },
    { name: 'DELIVERED', request: req(envelope(decodedMessages[4])), expect: 'events' },
    { name: 'READ', request: req(envelope(decodedMessages[5])), expect: 'events' },
    { name: 'IS_TYPING', request: req(envelope(decodedMessages[6])), expect: 'events' },
    {
      name: 'first configuration',
      request: req({ clientToken: 'CLIENTTOKEN', secret: 'S3CR3T' }),
      expect: 'handshake',
    },
  ],
  unknownUpdate: req(envelope(decodedMessages[7])),
  stripSignature: (r) => ({ ...r, headers: { 'content-type': 'application/json' } }),
  fuzz: rcsFuzz,
  features: {
    typing: { to: '+12223334444', success: [ok], auth: denied },
    readReceipts: { message: { providerMessageId: 'm1', from: '+12223334444' }, success: [ok], auth: denied },
    // agentMessages.delete answers an empty body (google.protobuf.Empty)
    revoke: {
      message: { to: '+12223334444', providerMessageId: 'msg_1' },
      success: [ok, { status: 200, body: '{}' }],
      auth: denied,
    },
    fetchMedia: {
      media: { providerMediaId: 'https://rcs-user-content.storage.googleapis.com/f1', mimeType: 'image/jpeg' },
      success: [ok, { status: 200, headers: { 'content-type': 'image/jpeg' }, body: 'JPEG' }],
      auth: denied,
    },
    fallback: { connectionId: config.smsFallbackConnectionId, afterMs: 600_000 },
    // a fresh token for RBM, one for IAM, then the key (https://cloud.google.com/iam/docs/reference/rest/v1/projects.serviceAccounts.keys/get):
    // one that never ends (Google's 9999-12-31), then one an expiry policy ends in 2 days
    health: {
      healthy: [ok, ok, iamKey('9999-12-31T23:59:59Z')],
      warning: {
        answers: [ok, ok, iamKey(new Date(Date.now() + 2 * DAY).toISOString())],
        mentions: 'expires in 2 days',
      },
      auth: {
        status: 400,
        body: JSON.stringify({ error: 'invalid_grant', error_description: 'Invalid JWT Signature.' }),
      },
    },
  },
  absentFeatures: {
    optOut: 'RCS agents are blocked in the messaging app of the phone, which the RBM platform reports itself',
    templates: 'RBM has no provider-approved templates',
    senders: 'a connection is one agent',
    visitors: 'customers are phone numbers',
  },
  send: {
    message: { id: 'msg_1', conversationId: 'conv_1', to: '+12223334444', content: { type: 'text', text: 'hello' } },
    success: ok,
    auth: denied,
    rateLimited: {
      status: 429,
      headers: { 'content-type': 'application/json', 'retry-after': '2' },
      body: JSON.stringify({ error: { code: 429, status: 'RESOURCE_EXHAUSTED' } }),
    },
    unavailable: { status: 503, body: JSON.stringify({ error: { code: 503, status: 'UNAVAILABLE' } }) },
  },
});

describe('rcs specifics', () => {
  it('signs as the documented test vector', () => {
    const data = Buffer.from('{"senderPhoneNumber":"+12223334444","messageId":"m1","text":"hi"}');
    const vector = '28RbVd4O6s/Vh17BGXE6D2cMg/57m77XTQAwky7kixriYsTdKtHywAnnvo/J2lI51opFSXcQnF9SckNTT1yfUQ==';
    expect(googSignature('CLIENTTOKEN', data)).toBe(vector);
    expect(hmac('sha512', 'CLIENTTOKEN', data, 'base64')).toBe(vector);
  });
  it('answers the first configuration with the secret after checking the client token', () => {
    const r = req({ clientToken: 'CLIENTTOKEN', secret: 'S3CR3T' });
    expect(inbound.verify(r, config)).toEqual({ ok: true });
    expect(inbound.parse(r, config)).toEqual({
      kind: 'handshake',
      reply: { status: 200, headers: { 'content-type': 'text/plain' }, body: 'S3CR3T' },
    });
    expect(inbound.verify(req({ clientToken: 'WRONG', secret: 'S3CR3T' }), config).ok).toBe(false);
  });
  it('turns a suggestion response into a button_reply with its postback data', () => {
    const o = inbound.parse(req(envelope(decodedMessages[1])), config);
    expect(o.kind === 'events' && o.events[0]).toMatchObject({
      content: { type: 'interactive', interactive: { kind: 'button_reply', reply: { id: 'yes', title: 'Yes' } } },
    });
    expect(inbound.eventKey?.(req(envelope(decodedMessages[1])))).toBe('message:m2');
  });
});
