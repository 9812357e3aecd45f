/** The WhatsApp Cloud connector passes the connector contract with Meta-shaped fixtures, plus parse, error-map and template-variable checks. */
import { describe, expect, it } from 'vitest';
import { hmac, isChannelError, type WebhookOutcome, type WebhookRequest } from '../../channel-kit/index.js';
import { runConnectorContract } from '../../channel-kit/contract.js';
import { debugToken, wabaSubscribedApps } from '../../channel-kit/fixtures/meta-health.js';
import { whatsappFuzz } from './fixtures/fuzz.js';
import type { InboundMessageEvent, InboundStatusEvent } from '../../model/index.js';
import { codeForGraphError, graphError, templateVariables } from './api.js';
import type { WhatsAppConfig } from './config.js';
import { graphErrors, sendSuccess } from './fixtures/graph.js';
import {
  batch,
  inboundMessages,
  metaEscapedBody,
  PHONE_NUMBER_ID,
  statuses,
  templateStatusUpdate,
} from './fixtures/inbound.js';
import { whatsappConnector } from './index.js';
import { senderFor, templateComponents } from './send.js';

const config: WhatsAppConfig = {
  accessToken: 'EAAG-test-access-token-0001',
  appSecret: 'app-secret-for-tests-0001',
  businessAccountId: '102290129340398',
  phoneNumberIds: [PHONE_NUMBER_ID, '106540352242923'],
  verifyToken: 'verify-token-0001',
  apiVersion: 'v21.0',
  apiBaseUrl: 'http://graph.invalid',
  messagesPerSecond: 80,
};
const otherSecretConfig: WhatsAppConfig = {
  ...config,
  accessToken: 'EAAG-another-token-0002',
  appSecret: 'another-app-secret-0002',
};

const signed = (body: unknown, secret = config.appSecret): WebhookRequest => {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  return {
    method: 'POST',
    url: 'http://localhost/webhooks/conn_wa',
    query: {},
    rawBody: Buffer.from(raw),
    headers: {
      'content-type': 'application/json',
      'user-agent': 'facebookexternalua',
      'x-hub-signature-256': `sha256=${hmac('sha256', secret, raw, 'hex')}`,
    },
  };
};
const handshake = (query: Record<string, string>): WebhookRequest => ({
  method: 'GET',
  url: 'http://localhost/webhooks/conn_wa',
  headers: {},
  query,
  rawBody: Buffer.alloc(0),
});
const json = (status: number, body: unknown, headers: Record<string, string> = {}) => ({
  status,
  body: JSON.stringify(body),
  headers: { 'content-type': 'application/json', ...headers },
});

const inbound = whatsappConnector.inbound;
if (inbound.mode !== 'webhook') throw new Error('whatsapp receives webhooks');
const parse = (req: WebhookRequest): WebhookOutcome => inbound.parse(req, config);
const events = (req: WebhookRequest) => {
  const out = parse(req);
  if (out.kind !== 'events') throw new Error(`expected events, got ${out.kind}`);
  return out.events;
};
const only = (req: WebhookRequest) => events(req)[0] as InboundMessageEvent;

runConnectorContract(whatsappConnector, {
  config,
  otherSecretConfig,
  requests: [
    ...Object.entries(inboundMessages).map(([name, body]) => ({
      name: `inbound ${name} (https://developers.facebook.com/docs/whatsapp/cloud-api/webhooks/components)`,
      request: signed(body),
      expect: 'events' as const,
    })),
    {
      name: 'statuses sent/delivered/read/failed (https://developers.facebook.com/docs/whatsapp/cloud-api/webhooks/payload-examples#message-status-updates)',
      request: signed(statuses),
      expect: 'events',
    },
    {
      name: 'a batch of 2 entries × messages and statuses (https://developers.facebook.com/docs/graph-api/webhooks/getting-started#event-notifications)',
      request: signed(batch),
      expect: 'events',
    },
    {
      name: 'a body with Meta escaping, verified on the raw bytes (https://developers.facebook.com/docs/graph-api/webhooks/getting-started#event-notifications)',
      request: signed(metaEscapedBody),
      expect: 'events',
    },
    {
      name: 'the GET handshake with the right token (https://developers.facebook.com/docs/graph-api/webhooks/getting-started#verification-requests)',
      request: handshake({
        'hub.mode': 'subscribe',
        'hub.challenge': '1158201444',
        'hub.verify_token': config.verifyToken as string,
      }),
      expect: 'handshake',
    },
    {
      name: 'the GET handshake with a wrong token (https://developers.facebook.com/docs/graph-api/webhooks/getting-started#verification-requests)',
      request: handshake({ 'hub.mode': 'subscribe', 'hub.challenge': '1158201444', 'hub.verify_token': 'guess' }),
      expect: 'handshake',
    },
  ],
  unknownUpdate: signed(templateStatusUpdate),
  stripSignature: (req) => ({ ...req, headers: { 'content-type': 'application/json' } }),
  fuzz: whatsappFuzz,
  features: {
    // debug_token of a System User token (never ends), then the WABA's subscribed_apps; then an override callback
    // that sends the WABA's webhooks to another app
    health: {
      healthy: [debugToken({ type: 'SYSTEM_USER' }), wabaSubscribedApps(true)],
      warning: {
        answers: [debugToken({ type: 'SYSTEM_USER' }), wabaSubscribedApps(true, 'https://other-bsp.example/wa-hook')],
        mentions: 'https://other-bsp.example/wa-hook',
      },
      auth: { status: 401, body: JSON.stringify(graphErrors.invalidToken) },
    },
    // the token's app (debug_token), then Meta's sample notification (https://developers.facebook.com/docs/graph-api/reference/app/subscriptions_sample/)
    testEvent: {
      success: [debugToken({ type: 'SYSTEM_USER' }), { status: 200, body: JSON.stringify({ success: true }) }],
      auth: { status: 401, body: JSON.stringify(graphErrors.invalidToken) },
    },
    optOut: {
      message: signed(
        JSON.parse(JSON.stringify(inboundMessages.text).replace('Does it come in another color?', 'Halt')),
      ),
    },
    fetchMedia: {
      media: { providerMediaId: '1234567890' },
      // GET /{media-id} → a short-lived url, then GET url with the same bearer (https://developers.facebook.com/docs/whatsapp/cloud-api/reference/media)
      success: [
        {
          status: 200,
          body: JSON.stringify({
            url: 'http://graph.invalid/whatsapp_business/attachments/?mid=1234567890',
            mime_type: 'image/jpeg',
            id: '1234567890',
            messaging_product: 'whatsapp',
          }),
        },
        { status: 200, headers: { 'content-type': 'image/jpeg' }, body: 'JPEG' },
      ],
      auth: { status: 401, body: JSON.stringify(graphErrors.invalidToken) },
    },
    readReceipts: {
      message: {
        providerMessageId: 'wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=',
        from: PHONE_NUMBER_ID,
      },
      success: [{ status: 200, body: '{"success":true}' }],
      auth: { status: 401, body: JSON.stringify(graphErrors.invalidToken) },
    },
    templates: {
      success: [
        {
          status: 200,
          body: JSON.stringify({
            data: [
              {
                id: '594425479261596',
                name: 'order_update',
                language: 'en_US',
                status: 'APPROVED',
                category: 'UTILITY',
                components: [{ type: 'BODY', text: 'Your order {{1}} is on its way' }],
              },
            ],
            paging: { cursors: { before: 'QVFIU', after: 'QVFIU' } },
          }),
        },
      ],
      auth: { status: 401, body: JSON.stringify(graphErrors.invalidToken) },
    },
    senders: { expect: [PHONE_NUMBER_ID, '106540352242923'] },
  },
  absentFeatures: {
    typing: 'not implemented yet: the Cloud API shows typing only together with marking a message read',
    visitors: 'customers write from their own WhatsApp accounts',
  },
  send: {
    message: { id: 'msg_1', conversationId: 'conv_1', to: '16505551234', content: { type: 'text', text: 'hello' } },
    success: json(200, sendSuccess),
    auth: json(401, graphErrors.revokedToken, { 'www-authenticate': 'OAuth "Facebook Platform" "invalid_token"' }),
    rateLimited: json(400, graphErrors.throughput),
    unavailable: json(503, graphErrors.serviceUnavailable),
  },
});

describe('whatsapp parse', () => {
  it('answers the handshake with the raw challenge, and 403 for a wrong token, a wrong mode or no token configured', () => {
    const good = { 'hub.mode': 'subscribe', 'hub.challenge': '1158201444', 'hub.verify_token': 'verify-token-0001' };
    expect(parse(handshake(good))).toEqual({
      kind: 'handshake',
      reply: { status: 200, headers: { 'content-type': 'text/plain' }, body: '1158201444' },
    });
    for (const q of [
      { ...good, 'hub.verify_token': 'verify-token-0002' },
      { ...good, 'hub.mode': 'unsubscribe' },
      { 'hub.mode': 'subscribe', 'hub.challenge': '1' },
    ]) {
      const out = parse(handshake(q));
      expect(out.kind === 'handshake' && out.reply.status).toBe(403);
    }
    const noToken = inbound.parse(handshake(good), { ...config, verifyToken: undefined });
    expect(noToken.kind === 'handshake' && noToken.reply.status).toBe(403);
    expect(inbound.verify(handshake(good), config)).toEqual({ ok: true });
  });

  it('maps text with sender name, our number as `to`, the wamid and the unix timestamp', () => {
    expect(only(signed(inboundMessages.text))).toEqual({
      kind: 'message',
      providerMessageId: 'wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=',
      from: { address: '16505551234', name: 'Sheena' },
      to: PHONE_NUMBER_ID,
      content: { type: 'text', text: 'Does it come in another color?' },
      timestamp: '2025-06-08T20:59:43.000Z',
    });
  });

  it('maps every media type to pending media with the provider media id', () => {
    expect(only(signed(inboundMessages.image)).content).toEqual({
      type: 'image',
      media: {
        url: '',
        mimeType: 'image/jpeg',
        caption: 'This one',
        providerMediaId: '1003383421387256',
        state: 'pending',
      },
    });
    expect(only(signed(inboundMessages.audio))).toMatchObject({
      content: { type: 'audio', media: { mimeType: 'audio/ogg; codecs=opus', providerMediaId: '1290424368749283' } },
      metadata: { voice: true },
    });
    expect(only(signed(inboundMessages.video)).content).toMatchObject({
      type: 'video',
      media: { caption: 'clip', providerMediaId: '1466093454125117' },
    });
    expect(only(signed(inboundMessages.document)).content).toEqual({
      type: 'document',
      media: {
        url: '',
        mimeType: 'application/pdf',
        fileName: 'invoice.pdf',
        caption: 'my invoice',
        providerMediaId: '1214386566734571',
        state: 'pending',
      },
    });
    expect(only(signed(inboundMessages.sticker)).content).toMatchObject({
      type: 'sticker',
      media: { mimeType: 'image/webp', providerMediaId: '1155418262246484', state: 'pending' },
    });
  });

  it('maps location, contacts, interactive replies, template buttons and reactions', () => {
    expect(only(signed(inboundMessages.location)).content).toEqual({
      type: 'location',
      location: {
        latitude: 37.483307,
        longitude: -122.148981,
        name: 'Meta Headquarters',
        address: '1 Hacker Way, Menlo Park, CA 94025',
      },
    });
    expect(only(signed(inboundMessages.contacts)).content).toEqual({
      type: 'contact',
      contacts: [{ name: 'Barbara J. Johnson', phones: ['+1 (940) 555-1234'], emails: ['bjohnson@example.com'] }],
    });
    expect(only(signed(inboundMessages.buttonReply))).toMatchObject({
      content: { type: 'interactive', interactive: { kind: 'button_reply', reply: { id: 'yes', title: 'Yes' } } },
      metadata: { replyToProviderMessageId: 'wamid.out-buttons' },
    });
    expect(only(signed(inboundMessages.listReply))).toMatchObject({
      content: { type: 'interactive', interactive: { kind: 'list_reply', reply: { id: 'row-2', title: 'Large' } } },
      metadata: { description: '42 cm' },
    });
    expect(only(signed(inboundMessages.templateButton))).toMatchObject({
      content: {
        type: 'interactive',
        interactive: { kind: 'button_reply', reply: { id: 'CONFIRM_123', title: 'Confirm' } },
      },
      metadata: { templateButton: true },
    });
    expect(only(signed(inboundMessages.reaction))).toMatchObject({
      providerMessageId: 'wamid.rct1',
      content: { type: 'reaction', reaction: { emoji: '\u{1F44D}', targetProviderMessageId: 'wamid.out-reacted' } },
    });
    expect(only(signed(inboundMessages.reactionRemoved)).content).toEqual({
      type: 'reaction',
      reaction: { emoji: '', targetProviderMessageId: 'wamid.out-reacted' },
    });
  });

  it('maps statuses, failed ones with the code and the provider message', () => {
    const out = events(signed(statuses)) as InboundStatusEvent[];
    expect(out.map((e) => [e.providerMessageId, e.status])).toEqual([
      ['wamid.out-1', 'sent'],
      ['wamid.out-1', 'delivered'],
      ['wamid.out-1', 'read'],
      ['wamid.out-2', 'failed'],
      ['wamid.out-3', 'failed'],
    ]);
    expect(out[0]?.timestamp).toBe('2025-06-25T13:16:24.000Z');
    expect(out[3]?.detail).toEqual({
      code: 'INVALID_RECIPIENT',
      message: '(#131026) Message undeliverable: Message Undeliverable.',
    });
    expect(out[4]?.detail).toEqual({
      code: 'WINDOW_CLOSED',
      message:
        '(#131047) Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
    });
    expect(out[0]?.detail).toBeUndefined();
  });

  it('reads EVERY entry, change, message and status of a batch, skipping only what it does not model', () => {
    const out = events(signed(batch));
    expect(out.map((e) => `${e.kind}:${'providerMessageId' in e ? e.providerMessageId : ''}`)).toEqual([
      'message:wamid.b1',
      'message:wamid.b2',
      'message:wamid.b4',
      'status:wamid.out-9',
      'message:wamid.b5',
      'message:wamid.b6',
      'status:wamid.out-10',
    ]);
    const byId = (id: string) =>
      out.find((e) => e.kind === 'message' && e.providerMessageId === id) as InboundMessageEvent;
    expect(byId('wamid.b2').from).toEqual({ address: '16505550000', name: 'Omar' });
    expect(byId('wamid.b1').from).toEqual({ address: '16505551234', name: 'Sheena' });
    expect(byId('wamid.b5')).toMatchObject({ from: { address: '447700900123', name: 'Ada' }, to: '106540352242923' });
  });

  it('keeps Meta-escaped text intact', () => {
    expect(only(signed(metaEscapedBody))).toMatchObject({
      from: { name: 'José' },
      content: { type: 'text', text: 'café https://example.com \u{1F600}' },
    });
  });

  it('ignores what it does not model instead of throwing', () => {
    expect(parse(signed(templateStatusUpdate))).toEqual({
      kind: 'ignored',
      reason: 'no messages or statuses (fields: message_template_status_update)',
    });
    expect(parse(signed({ object: 'page', entry: [] })).kind).toBe('ignored');
    expect(parse(signed({ object: 'whatsapp_business_account', entry: [] })).kind).toBe('ignored');
    const unsupported = {
      object: 'whatsapp_business_account',
      entry: [
        {
          id: '1',
          changes: [
            {
              field: 'messages',
              value: {
                messaging_product: 'whatsapp',
                metadata: { phone_number_id: '1' },
                messages: [{ from: '1', id: 'w', timestamp: '1', type: 'unsupported' }, { nonsense: true }],
              },
            },
          ],
        },
      ],
    };
    expect(parse(signed(unsupported)).kind).toBe('ignored');
  });

  it('keys a POST by its bytes so a byte-identical re-delivery is dropped before storage', () => {
    const key = inbound.eventKey?.(signed(inboundMessages.text));
    expect(key).toMatch(/^body:/);
    expect(inbound.eventKey?.(signed(inboundMessages.text))).toBe(key);
    expect(inbound.eventKey?.(signed(inboundMessages.image))).not.toBe(key);
    expect(inbound.eventKey?.(handshake({ 'hub.mode': 'subscribe' }))).toBeUndefined();
  });

  it('verifies the documented test vector (https://developers.facebook.com/docs/graph-api/webhooks/getting-started#event-notifications) and rejects unknown methods', () => {
    const body = '{"object":"whatsapp_business_account","entry":[]}';
    const req: WebhookRequest = {
      method: 'POST',
      url: 'http://x',
      query: {},
      rawBody: Buffer.from(body),
      headers: { 'x-hub-signature-256': 'sha256=c236c758c9b2bd40b388a550eeca09eaca72384dd0aa5e7c31d19cddac5bba46' },
    };
    expect(inbound.verify(req, { ...config, appSecret: 'app_secret' })).toEqual({ ok: true });
    expect(inbound.verify({ ...req, method: 'PUT' }, { ...config, appSecret: 'app_secret' }).ok).toBe(false);
    expect(
      inbound.verify({ ...req, headers: { 'x-hub-signature': 'sha1=abc' } }, { ...config, appSecret: 'app_secret' }).ok,
    ).toBe(false);
  });
});

describe('whatsapp Graph error mapping (https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes)', () => {
  const map = (status: number, body: { error: Record<string, unknown> }, retryAfter: string | null = null) =>
    graphError(status, body.error as never, retryAfter, config);

  it('maps the codes that matter', () => {
    expect(codeForGraphError(190)).toBe('AUTH');
    expect(codeForGraphError(131047)).toBe('WINDOW_CLOSED');
    expect(codeForGraphError(131056)).toBe('RATE_LIMITED');
    expect(codeForGraphError(130429)).toBe('RATE_LIMITED');
    expect(codeForGraphError(131026)).toBe('INVALID_RECIPIENT');
    expect(codeForGraphError(131030)).toBe('INVALID_RECIPIENT');
    expect(codeForGraphError(132001, 400)).toBe('REJECTED');
    expect(codeForGraphError(131016, 503)).toBe('UNAVAILABLE');
    expect(codeForGraphError(200)).toBe('AUTH');
    expect(codeForGraphError(undefined, 502)).toBe('UNAVAILABLE');
  });

  it('keeps the provider message and code, sets retry delays and never leaks the credentials', () => {
    const auth = map(401, graphErrors.revokedToken);
    expect([auth.code, auth.retryable, auth.providerCode]).toEqual(['AUTH', false, '190']);
    expect(auth.message).toMatch(/^\(#190\) Error validating access token: The session has been invalidated/);
    const pair = map(400, graphErrors.pairLimit);
    expect([pair.code, pair.retryable, pair.retryAfterMs, pair.providerCode]).toEqual([
      'RATE_LIMITED',
      true,
      6000,
      '131056',
    ]);
    const throughput = map(400, graphErrors.throughput, '3');
    expect([throughput.code, throughput.retryAfterMs]).toEqual(['RATE_LIMITED', 3000]);
    expect(map(400, graphErrors.throughput).retryAfterMs).toBe(1000);
    const window = map(400, graphErrors.window);
    expect([window.code, window.retryable]).toEqual(['WINDOW_CLOSED', false]);
    const undeliverable = map(400, graphErrors.undeliverable);
    expect([undeliverable.code, undeliverable.message, undeliverable.providerCode]).toEqual([
      'INVALID_RECIPIENT',
      '(#131026) Message undeliverable: Message Undeliverable.',
      '131026',
    ]);
    expect(map(400, graphErrors.notAllowed).message).toBe(
      '(#131030) Recipient phone number not in allowed list: Recipient phone number not in allowed list: Add recipient phone number to recipient list and try again.',
    );
    expect(map(400, graphErrors.templateMissing).code).toBe('REJECTED');
    expect(map(400, graphErrors.unknownObject).code).toBe('INVALID_CONFIG');
    expect(map(400, { error: { message: 'transient', code: 99999, is_transient: true } }).code).toBe('UNAVAILABLE');
    const leaky = map(400, { error: { message: `bad token ${config.accessToken} / ${config.appSecret}`, code: 100 } });
    expect(leaky.message).not.toContain(config.accessToken);
    expect(leaky.message).not.toContain(config.appSecret);
  });

  it('answers a 5xx without a Graph body and a network failure with UNAVAILABLE', async () => {
    const ctx = (http: (url: string) => Promise<Response>) => ({
      connectionId: 'c',
      config,
      webhookUrl: 'http://x',
      log: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
      signal: new AbortController().signal,
      http,
      media: { read: () => Promise.reject(new Error('no')) },
    });
    const message = { id: 'm', conversationId: 'c', to: '1', content: { type: 'text' as const, text: 'x' } };
    const html = await whatsappConnector
      .send(
        message,
        ctx(() => Promise.resolve(new Response('<html>Bad gateway</html>', { status: 502 }))),
      )
      .catch((e: unknown) => e);
    expect(isChannelError(html) && [html.code, html.retryable]).toEqual(['UNAVAILABLE', true]);
    const down = await whatsappConnector
      .send(
        message,
        ctx(() => Promise.reject(new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } }))),
      )
      .catch((e: unknown) => e);
    expect(isChannelError(down) && [down.code, down.message]).toEqual([
      'UNAVAILABLE',
      'WhatsApp Cloud API unreachable (ECONNREFUSED)',
    ]);
  });
});

describe('whatsapp templates and senders', () => {
  const components = [
    { type: 'HEADER', format: 'TEXT', text: 'Order {{1}}' },
    { type: 'BODY', text: 'Hi {{1}}, your order {{2}} ships {{3}}. Thanks {{1}}!' },
    { type: 'FOOTER', text: 'no vars {{here}}' },
    {
      type: 'BUTTONS',
      buttons: [
        { type: 'QUICK_REPLY', text: 'Stop' },
        { type: 'URL', text: 'Track', url: 'https://x.example/t/{{1}}' },
        { type: 'COPY_CODE', text: 'Copy' },
      ],
    },
  ];

  it('extracts variables from header, body and buttons in order', () => {
    expect(templateVariables(components)).toEqual(['header.1', '1', '2', '3', 'button.1.1', 'button.2.code']);
    expect(
      templateVariables([
        { type: 'HEADER', format: 'IMAGE' },
        { type: 'BODY', text: 'Hello {{ customer_name }}, {{order_id}}' },
      ]),
    ).toEqual(['header.image', 'customer_name', 'order_id']);
    expect(templateVariables([{ type: 'BODY', text: 'Welcome!' }, 'junk'])).toEqual([]);
  });

  it('builds send components from those names', () => {
    expect(
      templateComponents({
        '2': 'B-7',
        '1': 'Ana',
        '10': 'tenth',
        '3': 'today',
        'header.1': '#7',
        'button.1.1': 'B-7',
        'button.2.code': 'SAVE10',
        'button.0.payload': 'STOP',
      }),
    ).toEqual([
      { type: 'header', parameters: [{ type: 'text', text: '#7' }] },
      {
        type: 'body',
        parameters: [
          { type: 'text', text: 'Ana' },
          { type: 'text', text: 'B-7' },
          { type: 'text', text: 'today' },
          { type: 'text', text: 'tenth' },
        ],
      },
      { type: 'button', sub_type: 'quick_reply', index: '0', parameters: [{ type: 'payload', payload: 'STOP' }] },
      { type: 'button', sub_type: 'url', index: '1', parameters: [{ type: 'text', text: 'B-7' }] },
      {
        type: 'button',
        sub_type: 'copy_code',
        index: '2',
        parameters: [{ type: 'coupon_code', coupon_code: 'SAVE10' }],
      },
    ]);
    expect(templateComponents({ 'header.image': 'https://cdn.example/a.png', customer_name: 'Ana' })).toEqual([
      { type: 'header', parameters: [{ type: 'image', image: { link: 'https://cdn.example/a.png' } }] },
      { type: 'body', parameters: [{ type: 'text', parameter_name: 'customer_name', text: 'Ana' }] },
    ]);
    expect(templateComponents({ 'header.document': '1234567890' })).toEqual([
      { type: 'header', parameters: [{ type: 'document', document: { id: '1234567890' } }] },
    ]);
    expect(templateComponents({})).toEqual([]);
  });

  it('lists the sender numbers and keeps the sticky sender when it is ours', () => {
    expect(whatsappConnector.features.senders?.(config)).toEqual([PHONE_NUMBER_ID, '106540352242923']);
    expect(senderFor({ from: '106540352242923' }, config)).toBe('106540352242923');
    expect(senderFor({}, config)).toBe(PHONE_NUMBER_ID);
    expect(senderFor({ from: '999' }, config)).toBe(PHONE_NUMBER_ID);
  });

  it('generates a verify token (not secret) when absent and keeps a given one', () => {
    const prepared = whatsappConnector.prepareConfig?.(
      { ...config, verifyToken: undefined },
      () => 'generated-token-123',
    );
    expect(prepared?.verifyToken).toBe('generated-token-123');
    expect(whatsappConnector.prepareConfig?.(config, () => 'x').verifyToken).toBe('verify-token-0001');
    expect(whatsappConnector.configSchema.safeParse({ ...config, phoneNumberIds: [] }).success).toBe(false);
    expect(
      whatsappConnector.configSchema.safeParse({
        accessToken: 't',
        appSecret: 's',
        businessAccountId: '1',
        phoneNumberIds: ['2'],
      }).data,
    ).toMatchObject({ apiVersion: 'v21.0', apiBaseUrl: 'https://graph.facebook.com', messagesPerSecond: 80 });
  });
});
