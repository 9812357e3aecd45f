/** The Bird connector passes the connector contract with Bird-shaped fixtures, plus its signature, parse and limit rules. */
import { describe, expect, it } from 'vitest';
import { runConnectorContract } from '../../channel-kit/contract.js';
import { capabilitiesFor, type WebhookRequest } from '../../channel-kit/index.js';
import type { InboundMessageEvent, InboundStatusEvent } from '../../model/index.js';
import { birdError } from './api.js';
import type { BirdConfig } from './config.js';
import { birdFuzz, independentSignature } from './fixtures/fuzz.js';
import { accepted, CHANNEL_ID, inboundMessages, statuses } from './fixtures/inbound.js';
import { birdConnector } from './index.js';
import { birdSignature } from './verify.js';

const config: BirdConfig = {
  accessKey: 'bird-test-access-key-0001',
  workspaceId: 'ws-test',
  channelId: CHANNEL_ID,
  signingKey: 'bird-test-signing-key-0001',
  apiBaseUrl: 'http://bird.invalid',
  channelKind: 'whatsapp',
};
const otherSecretConfig: BirdConfig = {
  ...config,
  accessKey: 'another-access-key-0002',
  signingKey: 'another-signing-key-0002',
};
const URL = 'http://localhost/webhooks/conn_bird';
const NOW = '2024-01-15T10:30:05.000Z';
const TS = String(Math.floor(Date.parse(NOW) / 1000) - 5);

const signed = (body: unknown, key = config.signingKey as string, ts = TS): WebhookRequest => {
  const raw = Buffer.from(JSON.stringify(body));
  return {
    method: 'POST',
    url: URL,
    query: {},
    rawBody: raw,
    receivedAt: NOW,
    headers: {
      'content-type': 'application/json',
      'messagebird-request-id': 'req-1',
      'messagebird-request-timestamp': ts,
      'messagebird-signature': independentSignature(key, ts, URL, raw),
    },
  };
};
const json = (status: number, body: unknown, headers: Record<string, string> = {}) => ({
  status,
  body: JSON.stringify(body),
  headers: { 'content-type': 'application/json', ...headers },
});

runConnectorContract(birdConnector, {
  config,
  otherSecretConfig,
  requests: [
    ...Object.entries(inboundMessages).map(([name, body]) => ({
      name: `inbound ${name} (https://docs.bird.com/api/channels-api/message-types)`,
      request: signed(body),
      expect: 'events' as const,
    })),
    ...Object.entries(statuses).map(([name, body]) => ({
      name: `status ${name} (https://docs.bird.com/api/channels-api/message-status-and-interactions)`,
      request: signed(body),
      expect: 'events' as const,
    })),
  ],
  unknownUpdate: signed(accepted),
  stripSignature: (r) => ({ ...r, headers: { ...r.headers, 'messagebird-signature': undefined } }),
  fuzz: birdFuzz,
  features: {
    // a customer's one-word text, the Bird text shape
    optOut: {
      message: signed(
        JSON.parse(JSON.stringify(inboundMessages.text).replace('Hello, I need help with my order', 'Halt')),
      ),
    },
    fetchMedia: {
      media: { providerMediaId: 'http://bird.invalid/workspaces/ws-test/media/m1', mimeType: 'image/jpeg' },
      success: [{ status: 200, body: 'JPEGBYTES', headers: { 'content-type': 'image/jpeg' } }],
      auth: json(401, { code: 'Unauthorized', message: 'The access key is invalid' }),
    },
    templates: {
      success: [
        json(200, { results: [{ id: 'p1', name: 'order_update', type: 'template' }] }),
        json(200, {
          results: [
            {
              id: 'v1',
              projectId: 'p1',
              status: 'active',
              defaultLocale: 'en',
              supportedLocales: [{ locale: 'en' }],
              variables: [{ key: 'name', type: 'string' }],
              platformContent: [{ locale: 'en', text: 'Hi {{name}}' }],
            },
          ],
        }),
      ],
      auth: json(401, { code: 'Unauthorized', message: 'The access key is invalid' }),
    },
  },
  absentFeatures: {
    health: 'the Bird channels API does not report webhook subscription health',
    typing: 'Bird has no typing indicator in the channels API',
    readReceipts: 'Bird does not take read receipts for inbound messages through the channels API',
    senders: 'one connection is one Bird channel, one sender',
    visitors: 'customers are phone numbers, not web visitors',
  },
  send: {
    message: {
      id: 'msg_contract',
      conversationId: 'conv_contract',
      to: '+31612345678',
      content: { type: 'text', text: 'hello' },
    },
    success: json(202, { id: 'e1f2a3b4-0000-4000-8000-000000000099', status: 'accepted' }),
    auth: json(401, { code: 'Unauthorized', message: 'The access key is invalid' }),
    rateLimited: json(429, { code: 'TooManyRequests', message: 'Too many requests' }, { 'retry-after': '2' }),
    unavailable: json(503, { code: 'ServiceUnavailable', message: 'try again' }),
  },
});

describe('bird specifics', () => {
  it('signs like the reference vector of the Bird docs’ PHP sample', () => {
    const body = Buffer.from('{"object":"whatsapp_business_account","entry":[]}');
    const expected = '2pccQKgIupSPVNac7xutS1koBck0o9JkOG6RrxdKv/g=';
    expect(birdSignature('signing_key', '1700000000', 'https://example.test/webhooks/bird', body)).toBe(expected);
    expect(independentSignature('signing_key', '1700000000', 'https://example.test/webhooks/bird', body)).toBe(
      expected,
    );
  });

  it('refuses a correctly signed request whose timestamp is more than 5 minutes old or ahead', () => {
    const verify = birdConnector.inbound.mode === 'webhook' ? birdConnector.inbound.verify : () => ({ ok: false });
    const old = String(Number(TS) - 301);
    expect(verify(signed(inboundMessages.text, config.signingKey, old), config)).toMatchObject({ ok: false });
    expect(verify(signed(inboundMessages.text, config.signingKey, String(Number(TS) + 310)), config)).toMatchObject({
      ok: false,
    });
    expect(verify(signed(inboundMessages.text, config.signingKey, String(Number(TS) - 290)), config)).toEqual({
      ok: true,
    });
    // the URL is signed: the same bytes sent to another connection's URL do not verify
    expect(verify({ ...signed(inboundMessages.text), url: `${URL}x` }, config)).toMatchObject({ ok: false });
  });

  it('normalises every body type', () => {
    const parse = (b: unknown) =>
      birdConnector.inbound.mode === 'webhook' ? birdConnector.inbound.parse(signed(b), config) : undefined;
    const one = (b: unknown) => {
      const out = parse(b);
      if (out?.kind !== 'events') throw new Error(JSON.stringify(out));
      return out.events[0] as InboundMessageEvent;
    };
    expect(one(inboundMessages.text)).toMatchObject({
      providerMessageId: 'd9c7d0a2-0001-4000-8000-000000000001',
      from: { address: '+31612345678', name: 'Ana' },
      content: { type: 'text' },
    });
    expect(one(inboundMessages.image).content).toMatchObject({
      type: 'image',
      media: { mimeType: 'image/jpeg', caption: 'the box', state: 'pending' },
    });
    expect(one(inboundMessages.file).content).toMatchObject({ type: 'document', media: { fileName: 'invoice.pdf' } });
    expect(one(inboundMessages.location).content).toMatchObject({
      type: 'location',
      location: { latitude: 52.3676, name: 'Amsterdam' },
    });
    expect(one(inboundMessages.button)).toMatchObject({
      content: { interactive: { kind: 'button_reply', reply: { id: 'confirm_yes', title: 'Yes' } } },
      metadata: { replyToProviderMessageId: 'a0000000-0000-4000-8000-000000000009' },
    });
    expect(one(inboundMessages.list).content).toMatchObject({
      interactive: { kind: 'list_reply', reply: { id: 'slot_1' } },
    });
    expect(one(statuses.failed) as unknown as InboundStatusEvent).toMatchObject({
      status: 'failed',
      detail: { code: 'INVALID_RECIPIENT', message: 'Recipient is not a WhatsApp user' },
    });
    expect(one(statuses.read) as unknown as InboundStatusEvent).toMatchObject({
      status: 'read',
      providerMessageId: 'e1f2a3b4-0000-4000-8000-000000000010',
    });
    expect(parse(accepted)?.kind).toBe('ignored');
    expect(
      parse({ ...inboundMessages.text, payload: { ...inboundMessages.text.payload, channelId: 'another' } })?.kind,
    ).toBe('ignored');
  });

  it('maps Bird errors: 401/403 AUTH, 429 RATE_LIMITED with Retry-After, other 4xx REJECTED with Bird’s message', () => {
    expect(birdError(403, { code: 'Forbidden', message: 'no access' }, undefined).code).toBe('AUTH');
    expect(birdError(429, {}, 3000)).toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: 3000 });
    const rejected = birdError(422, { code: 'InvalidPayload', message: 'The request payload is invalid' }, undefined);
    expect(rejected).toMatchObject({
      code: 'REJECTED',
      message: 'The request payload is invalid (InvalidPayload)',
      retryable: false,
    });
  });

  it('takes its limits from the channel kind learned at start: WhatsApp has buttons and a 24 h window, SMS neither', () => {
    const wa = capabilitiesFor(birdConnector, { ...config, channelKind: 'whatsapp' });
    const sms = capabilitiesFor(birdConnector, { ...config, channelKind: 'sms' });
    expect(wa).toMatchObject({ buttons: 3, windowHours: 24, maxTextLength: 4096, receipts: { read: true } });
    expect(sms).toMatchObject({ buttons: 0, maxTextLength: 1600, receipts: { read: false } });
    expect(sms.windowHours).toBeUndefined();
  });
});
