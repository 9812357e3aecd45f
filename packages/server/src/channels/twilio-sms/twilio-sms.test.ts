/**
 * The Twilio SMS connector's contract (runConnectorContract with Twilio-shaped fixtures, fixtures/fuzz.ts), parsing
 * of every webhook kind and the error-code mapping. The signature itself is the kit's (channel-kit/twilio.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { isChannelError, type WebhookRequest } from '../../channel-kit/index.js';
import { runConnectorContract } from '../../channel-kit/contract.js';
import { twilioError } from './api.js';
import { documents, formBody, fuzzConfig, fuzzRequest, otherSecretConfig, twilioFuzz } from './fixtures/fuzz.js';
import { twilioSmsConnector } from './index.js';
import { parseTwilio } from './parse.js';

const signed = (params: Record<string, string>) => fuzzRequest(formBody(params));
const [text, mms, stop, delivered, undelivered] = documents as [
  Record<string, string>,
  Record<string, string>,
  Record<string, string>,
  Record<string, string>,
  Record<string, string>,
];

const json = (body: unknown) => ({ status: 200, body: JSON.stringify(body) });
const twilioAccount = json({
  sid: fuzzConfig.accountSid,
  friendly_name: 'Acme',
  status: 'active',
  type: 'Full',
});
const incomingNumber = (smsUrl: string) =>
  json({
    incoming_phone_numbers: [
      {
        sid: 'PN' + 'ab'.repeat(16),
        account_sid: fuzzConfig.accountSid,
        phone_number: '+15005550006',
        friendly_name: '(500) 555-0006',
        sms_url: smsUrl,
        sms_method: 'POST',
        status_callback: '',
      },
    ],
    page: 0,
    page_size: 50,
  });

runConnectorContract(twilioSmsConnector, {
  config: fuzzConfig,
  otherSecretConfig,
  requests: [
    { name: 'incoming SMS', request: signed(text), expect: 'events' },
    { name: 'incoming MMS', request: signed(mms), expect: 'events' },
    { name: 'Advanced Opt-Out STOP', request: signed(stop), expect: 'events' },
    { name: 'status callback delivered', request: signed(delivered), expect: 'events' },
    { name: 'status callback undelivered', request: signed(undelivered), expect: 'events' },
  ],
  unknownUpdate: signed({ ...delivered, MessageStatus: 'sending', SmsStatus: 'sending' }),
  stripSignature: (r: WebhookRequest) => ({ ...r, headers: { ...r.headers, 'x-twilio-signature': undefined } }),
  fuzz: twilioFuzz,
  features: {
    // the Account resource, then the number's IncomingPhoneNumber (https://www.twilio.com/docs/phone-numbers/api/incomingphonenumber-resource#read-multiple-incomingphonenumber-resources):
    // its SmsUrl ours; then another app's
    health: {
      healthy: [twilioAccount, incomingNumber('http://localhost/webhooks/conn_contract')],
      warning: {
        answers: [twilioAccount, incomingNumber('https://other-app.example/sms')],
        mentions: 'https://other-app.example/sms',
      },
      auth: {
        status: 401,
        body: '{"code":20003,"message":"Authenticate","more_info":"https://www.twilio.com/docs/errors/20003","status":401}',
      },
    },
    optOut: { message: signed({ ...text, Body: 'Halt' }) },
    fetchMedia: {
      media: {
        providerMediaId: `${fuzzConfig.apiBaseUrl}/2010-04-01/Accounts/${fuzzConfig.accountSid}/Messages/MM1/Media/ME1`,
      },
      success: [{ status: 200, headers: { 'content-type': 'image/jpeg' }, body: 'JPEGBYTES' }],
      auth: { status: 401, body: JSON.stringify({ code: 20003, message: 'Authenticate', status: 401 }) },
    },
    senders: { expect: ['+15005550006'] },
  },
  absentFeatures: {
    typing: 'SMS has no typing indicator',
    readReceipts: 'SMS has no read receipts to send',
    templates: 'Twilio SMS sends free text; there are no templates to approve',
    visitors: 'customers are phone numbers, not web visitors',
  },
  send: {
    message: { id: 'msg_1', conversationId: 'conv_1', to: '+14155550100', content: { type: 'text', text: 'hi' } },
    success: {
      status: 201,
      body: JSON.stringify({ sid: 'SM' + 'f'.repeat(32), status: 'queued', from: '+15005550006' }),
    },
    auth: { status: 401, body: JSON.stringify({ code: 20003, message: 'Authenticate', status: 401 }) },
    rateLimited: { status: 429, body: JSON.stringify({ code: 20429, message: 'Too Many Requests', status: 429 }) },
    unavailable: { status: 503, body: JSON.stringify({ code: 20500, message: 'Internal error', status: 503 }) },
  },
});

describe('parsing', () => {
  it('text, MMS with a caption and one message per file, STOP as provider consent, statuses with ErrorCode', () => {
    const t = parseTwilio(signed(text), fuzzConfig);
    expect(t).toMatchObject({ kind: 'events', reply: { headers: { 'content-type': 'text/xml' } } });
    const m = parseTwilio(
      signed({ ...mms, NumMedia: '2', MediaUrl1: `${mms.MediaUrl0}x`, MediaContentType1: 'application/pdf' }),
      fuzzConfig,
    );
    expect(
      m.kind === 'events' && m.events.map((e) => (e.kind === 'message' ? [e.providerMessageId, e.content.type] : [])),
    ).toEqual([
      [mms.MessageSid, 'image'],
      [`${mms.MessageSid}/1`, 'document'],
    ]);
    const s = parseTwilio(signed(stop), fuzzConfig);
    expect(s.kind === 'events' && s.events[0]).toMatchObject({ providerConsent: { kind: 'opt_out', keyword: 'STOP' } });
    const u = parseTwilio(signed(undelivered), fuzzConfig);
    expect(u.kind === 'events' && u.events[0]).toMatchObject({ status: 'failed', detail: { code: '30007' } });
    expect(parseTwilio(signed({ ...text, AccountSid: 'AC' + '9'.repeat(32) }), fuzzConfig).kind).toBe('ignored');
  });
});

describe('Twilio error codes', () => {
  it.each([
    [401, 20003, 'AUTH', false],
    [429, 20429, 'RATE_LIMITED', true],
    [400, 21610, 'OPTED_OUT', false],
    [400, 21211, 'INVALID_RECIPIENT', false],
    [400, 21614, 'INVALID_RECIPIENT', false],
    [500, 20500, 'UNAVAILABLE', true],
    [503, undefined, 'UNAVAILABLE', true],
  ])('HTTP %i code %s → %s', (status, code, expected, retryable) => {
    const e = twilioError(status, code === undefined ? undefined : { code, message: 'm' }, undefined);
    expect(isChannelError(e) && [e.code, e.retryable]).toEqual([expected, retryable]);
  });
});
