/** The Infobip connector passes the connector contract with Infobip-shaped fixtures, plus its parse, error and limit rules. */
import { describe, expect, it } from 'vitest';
import { runConnectorContract } from '../../channel-kit/contract.js';
import { capabilitiesFor, isChannelError, type HttpClient, type WebhookRequest } from '../../channel-kit/index.js';
import type { InboundMessageEvent, InboundStatusEvent } from '../../model/index.js';
import { infobipError } from './api.js';
import type { InfobipConfig } from './config.js';
import { infobipFuzz } from './fixtures/fuzz.js';
import { inboundMessages, reports, SENDER, unmodelled } from './fixtures/inbound.js';
import { infobipConnector } from './index.js';
import { infobipTime } from './parse.js';

const config: InfobipConfig = {
  baseUrl: 'http://infobip.invalid',
  apiKey: 'ib-test-api-key-0123456789abcdef',
  channel: 'whatsapp',
  from: SENDER,
  webhookAuth: 'Basic aW5mb2JpcDp0ZXN0LXdlYmhvb2stc2VjcmV0',
};
const otherSecretConfig: InfobipConfig = {
  ...config,
  apiKey: 'ib-other-api-key-fedcba9876543210',
  webhookAuth: 'Basic aW5mb2JpcDpvdGhlci13ZWJob29rLXNlY3JldA==',
};
const URL = 'http://localhost/webhooks/conn_infobip';

const pushed = (body: unknown, auth = config.webhookAuth): WebhookRequest => ({
  method: 'POST',
  url: URL,
  query: {},
  rawBody: Buffer.from(JSON.stringify(body)),
  headers: { 'content-type': 'application/json', authorization: auth, 'user-agent': 'Infobip-Webhook' },
});
const json = (status: number, body: unknown, headers: Record<string, string> = {}) => ({
  status,
  body: JSON.stringify(body),
  headers: { 'content-type': 'application/json', ...headers },
});
const serviceException = (messageId: string, text: string) => ({
  requestError: { serviceException: { messageId, text } },
});

runConnectorContract(infobipConnector, {
  config,
  otherSecretConfig,
  requests: [
    ...Object.entries(inboundMessages).map(([name, body]) => ({
      name: `inbound ${name} (https://www.infobip.com/docs/api/channels/whatsapp/whatsapp-inbound-messages)`,
      request: pushed(body),
      expect: 'events' as const,
    })),
    ...Object.entries(reports).map(([name, body]) => ({
      name: `report ${name} (https://www.infobip.com/docs/api/channels/sms/sms-messaging/logs-and-status-reports)`,
      request: pushed(body),
      expect: 'events' as const,
    })),
  ],
  unknownUpdate: pushed(unmodelled),
  stripSignature: (r) => ({ ...r, headers: { ...r.headers, authorization: undefined } }),
  // Infobip signs nothing: the authorization header is the credential, so tampering means altering it
  tamper: (r) => ({
    ...r,
    headers: { ...r.headers, authorization: `${String(r.headers.authorization).slice(0, -2)}xx` },
  }),
  fuzz: infobipFuzz,
  features: {
    optOut: {
      message: pushed(
        JSON.parse(JSON.stringify(inboundMessages.whatsappText).replace('Hello, I need help with my order', 'Halt')),
      ),
    },
    fetchMedia: {
      media: {
        providerMediaId: 'http://infobip.invalid/whatsapp/1/senders/447860099299/media/m1',
        mimeType: 'image/jpeg',
      },
      success: [{ status: 200, body: 'JPEGBYTES', headers: { 'content-type': 'image/jpeg' } }],
      auth: json(401, serviceException('UNAUTHORIZED', 'Invalid login details')),
    },
    readReceipts: {
      message: { providerMessageId: 'ABEGOFl3RpkjAgo-sL7c2ebtFdXq', from: SENDER },
      success: [{ status: 200, body: '{}' }],
      auth: json(401, serviceException('UNAUTHORIZED', 'Invalid login details')),
    },
    templates: {
      // https://www.infobip.com/docs/api/channels/whatsapp/whatsapp-templates/get-whatsapp-templates
      success: [
        json(200, {
          templates: [
            {
              id: '111',
              businessAccountId: 222,
              name: 'order_update',
              language: 'en',
              status: 'APPROVED',
              category: 'UTILITY',
              structure: { body: { text: 'Hi {{1}}, order {{2}} ships today' }, type: 'TEXT' },
            },
          ],
        }),
      ],
      auth: json(401, serviceException('UNAUTHORIZED', 'Invalid login details')),
    },
  },
  absentFeatures: {
    health: 'Infobip does not report the state of its inbound forwarding through the API',
    typing: 'Infobip has no typing indicator for these channels',
    senders: 'one connection is one Infobip sender',
    visitors: 'customers are phone numbers, not web visitors',
  },
  send: {
    message: {
      id: 'msg_contract',
      conversationId: 'conv_contract',
      to: '+385916242493',
      content: { type: 'text', text: 'hello' },
    },
    success: json(200, {
      to: '385916242493',
      messageCount: 1,
      messageId: 'msg_contract',
      status: {
        groupId: 1,
        groupName: 'PENDING',
        id: 7,
        name: 'PENDING_ENROUTE',
        description: 'Message sent to next instance',
      },
    }),
    auth: json(401, serviceException('UNAUTHORIZED', 'Invalid login details')),
    rateLimited: json(429, serviceException('TOO_MANY_REQUESTS', 'Too many requests')),
    unavailable: json(500, serviceException('GENERAL_ERROR', 'Something went wrong. Please contact support.')),
  },
});

describe('infobip specifics', () => {
  const parse = (b: unknown, c: InfobipConfig = config) =>
    infobipConnector.inbound.mode === 'webhook' ? infobipConnector.inbound.parse(pushed(b), c) : undefined;
  const events = (b: unknown) => {
    const out = parse(b);
    if (out?.kind !== 'events') throw new Error(JSON.stringify(out));
    return out.events;
  };
  const one = (b: unknown) => events(b)[0] as InboundMessageEvent;

  it('reads Infobip times and numbers', () => {
    expect(infobipTime('2019-08-29T10:17:19.000+0000')).toBe('2019-08-29T10:17:19.000Z');
    expect(infobipTime('2019-08-29T12:17:19.000+0200')).toBe('2019-08-29T10:17:19.000Z');
    expect(infobipTime('garbage')).toBe('1970-01-01T00:00:00.000Z');
    expect(one(inboundMessages.sms)).toMatchObject({
      providerMessageId: '817790313235066447',
      from: { address: '+385916242493' },
      to: `+${SENDER}`,
      content: { type: 'text', text: 'QUIZ Correct answer is Paris' },
      timestamp: '2024-01-15T10:30:00.000Z',
      metadata: { keyword: 'QUIZ' },
    });
  });

  it('turns every entry of a batch into its own event', () => {
    expect(events(inboundMessages.smsBatch).map((e) => (e as InboundMessageEvent).providerMessageId)).toEqual([
      '817790313235066500',
      '817790313235066501',
    ]);
    const batch = events(reports.batch) as InboundStatusEvent[];
    expect(batch.map((e) => [e.providerMessageId, e.status])).toEqual([
      ['msg_a', 'delivered'],
      ['msg_b', 'failed'],
      ['msg_c', 'failed'],
    ]);
    expect(batch[1]?.detail).toEqual({
      code: 'INVALID_RECIPIENT',
      message:
        'UNDELIVERABLE_NOT_DELIVERED (9): Message sent not delivered; EC_ABSENT_SUBSCRIBER (27): Absent Subscriber',
    });
    expect(batch[2]?.detail?.code).toBe('UNAVAILABLE');
    expect(one(reports.seen)).toMatchObject({ kind: 'status', status: 'read', providerMessageId: 'msg_0123456789' });
  });

  it('normalises every WhatsApp message kind', () => {
    expect(one(inboundMessages.whatsappText)).toMatchObject({ from: { name: 'Frank' }, content: { type: 'text' } });
    expect(one(inboundMessages.whatsappImage).content).toMatchObject({
      type: 'image',
      media: { caption: 'the box', state: 'pending', providerMediaId: expect.stringContaining('/media/') },
    });
    expect(one(inboundMessages.whatsappDocument).content).toMatchObject({ type: 'document' });
    expect(one(inboundMessages.whatsappLocation).content).toMatchObject({
      location: { latitude: 45.815, longitude: 15.9819, name: 'Zagreb' },
    });
    expect(one(inboundMessages.whatsappButton)).toMatchObject({
      content: { interactive: { kind: 'button_reply', reply: { id: 'confirm_yes', title: 'Yes' } } },
      metadata: { replyToProviderMessageId: 'msg_0123456789' },
    });
    expect(one(inboundMessages.whatsappList).content).toMatchObject({
      interactive: { kind: 'list_reply', reply: { id: 'slot_1', title: 'Tomorrow 10:00' } },
    });
    expect(one(inboundMessages.whatsappQuickReply).content).toMatchObject({
      interactive: { reply: { id: 'stop', title: 'Stop promotions' } },
    });
    expect(parse(unmodelled)?.kind).toBe('ignored');
    expect(parse({ results: [] })?.kind).toBe('ignored');
  });

  it('refuses a webhook without the configured authorization, or with another value, or not a POST', () => {
    if (infobipConnector.inbound.mode !== 'webhook') throw new Error('webhook connector');
    const { verify } = infobipConnector.inbound;
    expect(verify(pushed(inboundMessages.sms), config)).toEqual({ ok: true });
    expect(verify(pushed(inboundMessages.sms, `App ${config.apiKey}`), config).ok).toBe(false);
    expect(verify({ ...pushed(inboundMessages.sms), method: 'GET' }, config).ok).toBe(false);
    const reason = verify(pushed(inboundMessages.sms, 'Basic nope'), config);
    expect(JSON.stringify(reason)).not.toContain(config.webhookAuth);
  });

  it('maps both error envelopes: UNAUTHORIZED → AUTH, TOO_MANY_REQUESTS → RATE_LIMITED, validation → REJECTED or INVALID_RECIPIENT', () => {
    expect(infobipError(401, serviceException('UNAUTHORIZED', 'Invalid login details'), undefined).code).toBe('AUTH');
    expect(infobipError(429, serviceException('TOO_MANY_REQUESTS', 'Too many requests'), undefined)).toMatchObject({
      code: 'RATE_LIMITED',
      retryAfterMs: 1000,
    });
    const bad = infobipError(
      400,
      {
        requestError: {
          serviceException: {
            messageId: 'BAD_REQUEST',
            text: 'Bad request',
            validationErrors: { 'messages[0].destinations[0].to': ['invalid destination address'] },
          },
        },
      },
      undefined,
    );
    expect(bad).toMatchObject({ code: 'INVALID_RECIPIENT', retryable: false });
    expect(bad.message).toContain('invalid destination address');
    const modern = infobipError(
      400,
      {
        errorCode: 'E400',
        description: 'Request cannot be processed.',
        violations: [{ property: 'content.text', violation: 'must not be blank' }],
      },
      undefined,
    );
    expect(modern).toMatchObject({
      code: 'REJECTED',
      message: 'Request cannot be processed. (content.text: must not be blank) [E400]',
    });
  });

  it('takes its limits from the channel: WhatsApp has buttons and a 24 h window, SMS counts segments, Viber 1000 characters', () => {
    const wa = capabilitiesFor(infobipConnector, { ...config, channel: 'whatsapp' });
    const sms = capabilitiesFor(infobipConnector, { ...config, channel: 'sms' });
    const viber = capabilitiesFor(infobipConnector, { ...config, channel: 'viber' });
    expect(wa).toMatchObject({ buttons: 3, windowHours: 24, maxTextLength: 4096, receipts: { read: true } });
    expect(sms).toMatchObject({ buttons: 0, maxTextLength: 1600, smsSegments: true, receipts: { read: false } });
    expect(sms.windowHours).toBeUndefined();
    expect(viber).toMatchObject({ buttons: 0, maxTextLength: 1000, receipts: { read: true } });
  });
  describe('sending', () => {
    const calls: Array<{ url: string; body: unknown; auth: string | null }> = [];
    const answering =
      (status: number, body: unknown): HttpClient =>
      (url, init) => {
        calls.push({
          url,
          body: JSON.parse(String(init?.body ?? '{}')),
          auth: new Headers(init?.headers).get('authorization'),
        });
        return Promise.resolve(
          new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } }),
        );
      };
    const ctx = (c: InfobipConfig, http: HttpClient) => ({
      connectionId: 'conn_1',
      config: c,
      webhookUrl: 'https://hub.example.com/webhooks/conn_1',
      http,
      log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
      signal: new AbortController().signal,
      media: {
        read: () => Promise.resolve({ bytes: Buffer.from('x'), mimeType: 'image/png' }),
        shareLink: (u: string) => `https://hub.example.com${u}?signature=s`,
      },
    });
    const message = { id: 'msg_1', conversationId: 'conv_1', to: '+385916242493' };
    const pending = {
      groupId: 1,
      groupName: 'PENDING',
      id: 26,
      name: 'PENDING_ACCEPTED',
      description: 'Message sent to next instance',
    };

    it('SMS: one destination with our messageId, notifyUrl and callbackData; a file as its caption and a signed link', async () => {
      calls.length = 0;
      const sms = { ...config, channel: 'sms' as const, from: 'InfoSMS' };
      const http = answering(200, {
        bulkId: 'b1',
        messages: [{ to: '385916242493', status: pending, messageId: 'msg_1', smsCount: 1 }],
      });
      const receipt = await infobipConnector.send(
        {
          ...message,
          content: { type: 'image', media: { url: '/media/att_1/k', mimeType: 'image/png', caption: 'the box' } },
        },
        ctx(sms, http),
      );
      expect(receipt).toEqual({ providerMessageId: 'msg_1' });
      expect(calls[0]).toEqual({
        url: 'http://infobip.invalid/sms/2/text/advanced',
        auth: `App ${config.apiKey}`,
        body: {
          messages: [
            {
              from: 'InfoSMS',
              destinations: [{ to: '385916242493', messageId: 'msg_1' }],
              text: 'the box\nhttps://hub.example.com/media/att_1/k?signature=s',
              notifyUrl: 'https://hub.example.com/webhooks/conn_1',
              notifyContentType: 'application/json',
              callbackData: '{"messageId":"msg_1","conversationId":"conv_1"}',
            },
          ],
        },
      });
    });

    it('a destination Infobip rejects in its answer fails for good with the status description', async () => {
      const rejected = {
        groupId: 5,
        groupName: 'REJECTED',
        id: 52,
        name: 'REJECTED_DESTINATION',
        description: 'Invalid destination address.',
      };
      const http = answering(200, {
        bulkId: 'b1',
        messages: [{ to: '385916242493', status: rejected, messageId: 'msg_1' }],
      });
      const error = await infobipConnector
        .send({ ...message, content: { type: 'text', text: 'hi' } }, ctx({ ...config, channel: 'sms' }, http))
        .catch((e: unknown) => e);
      expect(isChannelError(error) && [error.code, error.retryable, error.message]).toEqual([
        'INVALID_RECIPIENT',
        false,
        'REJECTED_DESTINATION (52): Invalid destination address.',
      ]);
    });

    it('Viber: the v2 messages body with the delivery webhook and callbackData', async () => {
      calls.length = 0;
      const http = answering(200, {
        bulkId: 'b2',
        messages: [{ messageId: 'msg_1', status: pending, destination: '385916242493' }],
      });
      await infobipConnector.send(
        { ...message, content: { type: 'text', text: 'hi' } },
        ctx({ ...config, channel: 'viber', from: 'Acme' }, http),
      );
      expect(calls[0]?.url).toBe('http://infobip.invalid/viber/2/messages');
      expect(calls[0]?.body).toEqual({
        messages: [
          {
            sender: 'Acme',
            destinations: [{ to: '385916242493', messageId: 'msg_1' }],
            content: { type: 'TEXT', text: 'hi' },
            webhooks: {
              delivery: { url: 'https://hub.example.com/webhooks/conn_1' },
              contentType: 'application/json',
              callbackData: '{"messageId":"msg_1","conversationId":"conv_1"}',
            },
          },
        ],
      });
    });
  });
});
