/** The connector contract for both Vonage APIs, plus the signing checked against independent implementations. */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SignJWT, jwtVerify } from 'jose';
import { verifySignature as vonageVerifySignature } from '@vonage/jwt';
import { runConnectorContract, type ProviderResponse } from '../../channel-kit/contract.js';
import type { WebhookRequest } from '../../channel-kit/index.js';
import { vonageSmsConnector } from './index.js';
import {
  legacyConfig,
  legacyDlr,
  legacyFuzz,
  legacyInbound,
  legacyPart,
  legacyPost,
  legacyGet,
  messagesConfig,
  messagesFuzz,
  messagesInbound,
  messagesRejected,
  messagesRequest,
  messagesStatus,
  signLegacy,
  webhookJwt,
} from './fixtures/fuzz.js';
import { legacySignature, verifySignedWebhook } from './verify.js';
import { applicationJwt } from './api.js';

const json = (v: unknown) => Buffer.from(JSON.stringify(v));
const res = (status: number, body: unknown, headers?: Record<string, string>): ProviderResponse => ({
  status,
  body: JSON.stringify(body),
  ...(headers ? { headers: { 'content-type': 'application/json', ...headers } } : {}),
});
const message = {
  id: 'msg_1',
  conversationId: 'conv_1',
  to: '+447700900001',
  content: { type: 'text' as const, text: 'hi' },
};
const problem = (status: number, code: string, title: string) => ({
  type: `https://developer.nexmo.com/api-errors/messages#${code}`,
  title,
  detail: title,
  instance: 'x',
  status,
});

const HOOK = 'http://localhost/webhooks/conn_contract';
const OTHER_APP = 'ffffffff-0000-4000-8000-00000000beef';
const application = (inbound: string, status: string) =>
  res(200, {
    id: messagesConfig.applicationId,
    name: 'Switchboard',
    capabilities: {
      messages: {
        webhooks: {
          inbound_url: { address: inbound, http_method: 'POST' },
          status_url: { address: status, http_method: 'POST' },
        },
        version: 'v1',
      },
    },
  });
const accountSettings = (mo: string, dr: string) =>
  res(200, { 'mo-callback-url': mo, 'dr-callback-url': dr, 'max-outbound-request': 30 });
const ownedNumber = (from: string, extra: Record<string, string>) =>
  res(200, {
    count: 1,
    numbers: [{ country: 'GB', msisdn: from.replace(/^\+/, ''), type: 'mobile-lvn', features: ['SMS'], ...extra }],
  });

runConnectorContract(vonageSmsConnector, {
  config: messagesConfig,
  otherSecretConfig: {
    ...messagesConfig,
    apiSecret: 'other-api-secret',
    signatureSecret: 'another-signature-secret-xyz',
  },
  requests: [
    { name: 'Messages API inbound SMS', request: messagesRequest(json(messagesInbound)), expect: 'events' },
    { name: 'Messages API delivered status', request: messagesRequest(json(messagesStatus)), expect: 'events' },
    { name: 'Messages API rejected status', request: messagesRequest(json(messagesRejected)), expect: 'events' },
  ],
  unknownUpdate: messagesRequest(json({ ...messagesStatus, status: 'clicked' })),
  stripSignature: (r) => ({ ...r, headers: { ...r.headers, authorization: undefined } }),
  features: {
    optOut: { message: messagesRequest(json({ ...messagesInbound, text: 'Halt' })) },
    // the application's webhooks (https://developer.vonage.com/en/api/application.v2#getApplication), then the
    // number's link (https://developer.vonage.com/en/api/numbers#getOwnedNumbers): ours, then another application's
    health: {
      healthy: [
        application(HOOK, HOOK),
        ownedNumber(messagesConfig.from, { app_id: messagesConfig.applicationId as string }),
      ],
      warning: {
        answers: [application(HOOK, HOOK), ownedNumber(messagesConfig.from, { app_id: OTHER_APP })],
        mentions: OTHER_APP,
      },
      auth: res(401, problem(401, 'unauthorized', 'Unauthorized')),
    },
  },
  absentFeatures: {
    typing: 'SMS has no typing indicator',
    fetchMedia: 'SMS carries text only here (no MMS)',
    readReceipts: 'SMS has no read receipts to send',
    templates: 'SMS has no provider templates',
    senders: 'one sender per connection (from)',
    visitors: 'customers are phone numbers, not web visitors',
  },
  fuzz: messagesFuzz,
  send: {
    message,
    success: res(202, { message_uuid: 'aaaaaaaa-0000-4000-8000-000000000001' }),
    auth: res(401, problem(401, 'unauthorized', 'Unauthorized')),
    rateLimited: res(429, problem(429, 'throttled', 'Rate Limit Hit'), { 'retry-after': '1' }),
    unavailable: res(503, problem(503, 'unavailable', 'Service Unavailable')),
  },
});

const sms = (status: string, text = 'x') =>
  res(200, { 'message-count': '1', messages: [{ status, 'error-text': text }] });
const legacyStrip = (r: WebhookRequest): WebhookRequest => {
  const url = new URL(r.url);
  url.searchParams.delete('sig');
  return { ...r, url: url.toString(), query: Object.fromEntries(url.searchParams) };
};
runConnectorContract(vonageSmsConnector, {
  config: legacyConfig,
  otherSecretConfig: { ...legacyConfig, apiSecret: 'other-api-secret', signatureSecret: 'another-sig-secret' },
  requests: [
    { name: 'legacy inbound SMS (GET)', request: legacyGet(json(legacyInbound)), expect: 'events' },
    { name: 'legacy delivery receipt (GET)', request: legacyGet(json(legacyDlr)), expect: 'events' },
    { name: 'legacy concatenated part (GET)', request: legacyGet(json(legacyPart(2, 'world'))), expect: 'events' },
  ],
  unknownUpdate: legacyGet(json({ ...legacyDlr, status: 'mystery' })),
  stripSignature: legacyStrip,
  tamper: (r) => {
    const url = new URL(r.url);
    url.searchParams.set('text', `${url.searchParams.get('text') ?? ''}!`);
    return { ...r, url: url.toString(), query: Object.fromEntries(url.searchParams) };
  },
  features: {
    optOut: { message: legacyGet(json({ ...legacyInbound, text: 'Halt' })) },
    // the account's URLs (https://developer.vonage.com/en/api/account#changeAccountSettings), then the number's own
    // inbound URL, which wins over them: none, then another app's
    health: {
      healthy: [accountSettings(HOOK, HOOK), ownedNumber(legacyConfig.from, { moHttpUrl: '' })],
      warning: {
        answers: [
          accountSettings(HOOK, HOOK),
          ownedNumber(legacyConfig.from, { moHttpUrl: 'https://other.example/sms' }),
        ],
        mentions: 'https://other.example/sms',
      },
      auth: res(401, { 'error-code': '401', 'error-code-label': 'authentication failed' }),
    },
  },
  absentFeatures: {
    typing: 'SMS has no typing indicator',
    fetchMedia: 'SMS carries text only',
    readReceipts: 'SMS has no read receipts to send',
    templates: 'SMS has no provider templates',
    senders: 'one sender per connection (from)',
    visitors: 'customers are phone numbers, not web visitors',
  },
  fuzz: legacyFuzz,
  send: {
    message,
    success: res(200, {
      'message-count': '1',
      messages: [{ to: '447700900001', 'message-id': '0A0000000123ABCD1', status: '0', 'remaining-balance': '1' }],
    }),
    // errors of the legacy API arrive with HTTP 200 (https://developer.vonage.com/en/messaging/sms/guides/troubleshooting-sms)
    auth: sms('4', 'Bad Credentials'),
    rateLimited: sms('1', 'Throughput Rate Exceeded'),
    unavailable: sms('5', 'Internal Error'),
  },
});

describe('vonage-sms signing, checked against independent implementations', () => {
  it('the legacy sig matches the published signing test vector (md5hash and sha256hmac)', () => {
    expect(legacySignature(legacyInbound, 'sigsecret', 'md5hash')).toBe('57beb6e028f6e337b99c7d4a85c92b1f');
    expect(legacySignature(legacyInbound, 'sigsecret', 'sha256hmac')).toBe(
      '8904c9a9bed67122276acd862911139e69b0318c4da782e5b5f9bd6d76da8071',
    );
  });

  it('verifies legacy webhooks sent as POST form and POST-JSON, and refuses a tampered one', () => {
    const inbound = vonageSmsConnector.inbound;
    if (inbound.mode !== 'webhook') throw new Error('webhook');
    const signed = signLegacy(legacyInbound);
    expect(inbound.verify(legacyPost(signed), legacyConfig)).toEqual({ ok: true });
    const asJson: WebhookRequest = {
      ...legacyPost(signed),
      headers: { 'content-type': 'application/json' },
      rawBody: json(signed),
    };
    expect(inbound.verify(asJson, legacyConfig)).toEqual({ ok: true });
    expect(inbound.verify(legacyPost({ ...signed, text: 'Hello World' }), legacyConfig).ok).toBe(false);
    for (const method of ['sha512hmac', 'sha1hmac', 'md5hmac'] as const) {
      const cfg = { ...legacyConfig, signatureMethod: method };
      const p = { ...legacyInbound, sig: legacySignature(legacyInbound, 'sigsecret', method) };
      expect(inbound.verify(legacyPost(p), cfg)).toEqual({ ok: true });
      expect(inbound.verify(legacyPost(p), legacyConfig).ok).toBe(false);
    }
  });

  it('accepts a webhook JWT signed by jose, and @vonage/jwt accepts the fixture tokens', async () => {
    const body = json(messagesInbound);
    const secret = messagesConfig.signatureSecret ?? '';
    const token = await new SignJWT({
      payload_hash: createHash('sha256').update(body).digest('hex'),
      api_key: 'abcd1234',
    })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuedAt()
      .setExpirationTime('5m')
      .setJti('c0ffee')
      .sign(new TextEncoder().encode(secret));
    expect(verifySignedWebhook(`Bearer ${token}`, body, secret)).toEqual({ ok: true });
    // a token for another body is refused, whatever its signature
    expect(verifySignedWebhook(`Bearer ${token}`, json({ ...messagesInbound, text: 'other' }), secret).ok).toBe(false);
    expect(vonageVerifySignature(webhookJwt(body, secret), secret)).toBe(true);
    expect(vonageVerifySignature(webhookJwt(body, secret), 'wrong')).toBe(false);
    // an expired token is refused
    const old = webhookJwt(body, secret, { exp: 1_000 });
    expect(verifySignedWebhook(`Bearer ${old}`, body, secret).ok).toBe(false);
  });

  it('signs the application JWT RS256 with the private key (verified by jose and by @vonage/jwt)', async () => {
    const { PUBLIC_KEY } = await import('./fixtures/fuzz.js');
    const token = await applicationJwt(messagesConfig);
    const { importSPKI } = await import('jose');
    const { payload, protectedHeader } = await jwtVerify(token, await importSPKI(PUBLIC_KEY, 'RS256'));
    expect(protectedHeader.alg).toBe('RS256');
    expect(payload.application_id).toBe(messagesConfig.applicationId);
    expect(typeof payload.jti).toBe('string');
    expect(vonageVerifySignature(token, PUBLIC_KEY)).toBe(true);
  });

  it('maps legacy 200-with-error statuses: throttled → retry, credentials → AUTH, others → REJECTED with the text', async () => {
    const run = async (body: unknown) =>
      vonageSmsConnector
        .send(message, {
          connectionId: 'c',
          config: legacyConfig,
          webhookUrl: 'http://localhost/webhooks/c',
          http: () => Promise.resolve(new Response(JSON.stringify(body), { status: 200 })),
          log: { debug() {}, info() {}, warn() {}, error() {} },
          signal: new AbortController().signal,
          media: { read: () => Promise.reject(new Error('no media')) },
        })
        .then(
          () => undefined,
          (e: { code?: string; retryable?: boolean; message?: string; providerCode?: string }) => e,
        );
    const m = (status: string, text: string) => ({ 'message-count': '1', messages: [{ status, 'error-text': text }] });
    expect(await run(m('1', 'Throttled'))).toMatchObject({ code: 'RATE_LIMITED', retryable: true });
    expect(await run(m('4', 'Bad Credentials'))).toMatchObject({ code: 'AUTH', retryable: false });
    expect(await run(m('6', 'Invalid Message'))).toMatchObject({ code: 'REJECTED', providerCode: '6' });
    expect((await run(m('6', 'Invalid Message')))?.message).toContain('Invalid Message');
    expect(await run(m('7', 'Number barred'))).toMatchObject({ code: 'INVALID_RECIPIENT' });
  });

  it('parses statuses with their error, and concatenated parts as parts', () => {
    const inbound = vonageSmsConnector.inbound;
    if (inbound.mode !== 'webhook') throw new Error('webhook');
    const rejected = inbound.parse(messagesRequest(json(messagesRejected)), messagesConfig);
    expect(rejected).toMatchObject({
      kind: 'events',
      events: [
        {
          kind: 'status',
          status: 'failed',
          detail: { code: '1250', message: expect.stringContaining('Number barred') },
        },
      ],
    });
    const part = inbound.parse(legacyGet(json(legacyPart(2, 'world'))), legacyConfig);
    expect(part).toMatchObject({
      kind: 'events',
      events: [{ kind: 'message', from: { address: '+447700900001' }, part: { index: 2, total: 2 } }],
    });
  });
});

describe('capabilities', () => {
  it('counts SMS segments like the other SMS channels, with the Messages API text limit', () => {
    expect(vonageSmsConnector.capabilities).toMatchObject({ smsSegments: true, maxTextLength: 1000 });
  });
});
