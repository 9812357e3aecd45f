/** The VK connector passes runConnectorContract, in callback mode (a webhook connector) and in long-poll mode (a listener). */
import { describe, expect, it } from 'vitest';
import { runConnectorContract, type ContractFixtures } from '../../channel-kit/contract.js';
import type { AnyConnector, InboundMode, WebhookRequest } from '../../channel-kit/index.js';
import { vkDocuments, vkFuzz, vkFuzzConfig, vkRequest } from './fixtures/fuzz.js';
import { vkConnector, type VkConfig } from './index.js';
import { halves, randomIdOf } from './send.js';

const config = vkFuzzConfig;
const req = (doc: unknown): WebhookRequest => vkRequest(Buffer.from(JSON.stringify(doc)));
const withoutSecret = (r: WebhookRequest): WebhookRequest => {
  const body = JSON.parse(r.rawBody.toString('utf8')) as Record<string, unknown>;
  delete body.secret;
  return { ...r, rawBody: Buffer.from(JSON.stringify(body)) };
};
const vkOk = (response: unknown) => ({ status: 200, body: JSON.stringify({ response }) });
const callbackServer = (id: number, url: string, status: string) => ({
  id,
  title: 'Server',
  creator_id: 1,
  url,
  secret_key: 'FuzzSecret0001',
  status,
});
const vkErr = (code: number, msg: string) => ({
  status: 200,
  body: JSON.stringify({
    error: { error_code: code, error_msg: msg, request_params: [{ key: 'method', value: 'messages.send' }] },
  }),
});

const fixtures: ContractFixtures<VkConfig> = {
  config,
  otherSecretConfig: { ...config, secret: 'OtherSecret0002', accessToken: 'vk1.a.other-token-0002' },
  requests: [
    {
      name: 'message_new text (vk-api-schema callback_message_object)',
      request: req(vkDocuments[0]),
      expect: 'events',
    },
    { name: 'message_new photo', request: req(vkDocuments[1]), expect: 'events' },
    { name: 'message_edit', request: req(vkDocuments[2]), expect: 'events' },
    { name: 'message_event (callback button)', request: req(vkDocuments[3]), expect: 'events' },
    { name: 'message_read', request: req(vkDocuments[4]), expect: 'events' },
    { name: 'message_typing_state', request: req(vkDocuments[5]), expect: 'events' },
    { name: 'message_allow (consent given)', request: req(vkDocuments[7]), expect: 'events' },
    { name: 'message_deny (consent refused)', request: req(vkDocuments[8]), expect: 'events' },
    { name: 'confirmation', request: req({ type: 'confirmation', group_id: 123456 }), expect: 'handshake' },
  ],
  unknownUpdate: req(vkDocuments[6]),
  stripSignature: withoutSecret,
  // the proof is the body's secret: flip a character of it
  tamper: (r) => {
    const text = r.rawBody.toString('utf8').replace('"secret":"FuzzSecret0001"', '"secret":"FuzzSecret0002"');
    return { ...r, rawBody: Buffer.from(text) };
  },
  fuzz: vkFuzz,
  features: {
    // groups.getCallbackServers (https://dev.vk.com/en/method/groups.getCallbackServers): ours confirmed; then ours
    // failed confirmation beside another app's server
    health: {
      healthy: [vkOk({ count: 1, items: [callbackServer(1, 'http://localhost/webhooks/conn_contract', 'ok')] })],
      warning: {
        answers: [
          vkOk({
            count: 2,
            items: [
              callbackServer(1, 'https://other-bot.example/vk', 'ok'),
              callbackServer(2, 'http://localhost/webhooks/conn_contract', 'failed'),
            ],
          }),
        ],
        mentions: "status 'failed'",
      },
      auth: vkErr(5, 'User authorization failed: invalid access_token (4).'),
    },
    typing: { to: '1001', success: [vkOk(1)], auth: vkErr(5, 'User authorization failed: invalid access_token (4).') },
    fetchMedia: {
      media: { providerMediaId: 'https://sun9-1.userapi.com/p.jpg', mimeType: 'image/jpeg' },
      success: [{ status: 200, headers: { 'content-type': 'image/jpeg' }, body: 'JPEG' }],
      auth: { status: 401, body: 'unauthorized' },
    },
    readReceipts: {
      message: { providerMessageId: '1001_5', from: '1001' },
      success: [vkOk(1)],
      auth: vkErr(5, 'User authorization failed'),
    },
    buttonAnswers: {
      event: {
        kind: 'message',
        providerMessageId: 'event_ev1',
        from: { address: '1001' },
        content: { type: 'interactive', interactive: { kind: 'button_reply', reply: { id: 'yes', title: 'yes' } } },
        timestamp: '2026-01-01T00:00:00.000Z',
        metadata: { peerId: 1001, callbackEventId: 'ev1' },
      },
      success: [vkOk(1)],
      auth: vkErr(5, 'User authorization failed'),
    },
    // users.get answer (vk-api-schema users/responses.json `users_get_response`)
    profile: {
      address: '1001',
      success: [
        vkOk([
          {
            id: 1001,
            first_name: 'Pavel',
            last_name: 'Durov',
            can_access_closed: true,
            is_closed: false,
            photo_200: 'https://sun9-2.userapi.com/p200.jpg',
            screen_name: 'durov',
          },
        ]),
        // the picture's bytes, from VK's CDN
        { status: 200, headers: { 'content-type': 'image/jpeg' }, body: 'JPEG' },
      ],
      auth: vkErr(5, 'User authorization failed'),
    },
  },
  absentFeatures: {
    optOut: 'VK users deny messages from the community (message_deny), which VK reports as its own event',
    templates: 'VK has no provider-approved templates',
    senders: 'a connection is one community',
    visitors: 'customers have VK accounts',
  },
  send: {
    message: { id: 'msg_1', conversationId: 'conv_1', to: '1001', content: { type: 'text', text: 'hello' } },
    success: vkOk([{ peer_id: 1001, message_id: 90, conversation_message_id: 8 }]),
    auth: vkErr(5, 'User authorization failed: invalid access_token (4).'),
    rateLimited: vkErr(6, 'Too many requests per second'),
    unavailable: { status: 503, body: 'Service Unavailable' },
  },
};

runConnectorContract(vkConnector, fixtures);

const inbound = vkConnector.inbound as Extract<InboundMode<VkConfig>, { mode: 'webhook' }>;

// the long-poll mode is a listener: the same parse over updates the listener stores
const longPoll: AnyConnector = {
  ...vkConnector,
  inbound: {
    mode: 'listen',
    listen: (ctx) => inbound.listen!(ctx),
    parse: vkConnector.inbound.parse,
    eventKey: (r) => inbound.eventKey?.(r),
  },
};
// what the long poll hands the hub: each update as VK's `updates[]` carries it (listen.ts), no secret in it
const polled = (doc: unknown) => {
  const { secret: _secret, ...update } = doc as Record<string, unknown>;
  return { body: Buffer.from(JSON.stringify(update)) };
};
const longPollConfig: VkConfig = { ...config, inbound: 'longpoll' };
// groups.getLongPollSettings (https://dev.vk.com/en/method/groups.getLongPollSettings): on with our events; then off
const longPollSettings = (enabled: boolean) =>
  vkOk({
    is_enabled: enabled,
    api_version: '5.199',
    events: Object.fromEntries(
      [
        'message_new',
        'message_edit',
        'message_event',
        'message_allow',
        'message_deny',
        'message_read',
        'message_typing_state',
      ].map((e) => [e, 1]),
    ),
  });
runConnectorContract(longPoll, {
  ...fixtures,
  features: {
    ...fixtures.features,
    health: {
      healthy: [longPollSettings(true)],
      warning: { answers: [longPollSettings(false)], mentions: 'Long Poll API is off' },
      auth: vkErr(5, 'User authorization failed: invalid access_token (4).'),
    },
  },
  config: longPollConfig,
  listen: {
    updates: [
      { name: 'a polled message_new text', update: polled(vkDocuments[0]), expect: 'events' },
      { name: 'a polled message_new photo', update: polled(vkDocuments[1]), expect: 'events' },
      { name: 'a polled message_edit', update: polled(vkDocuments[2]), expect: 'events' },
      { name: 'a polled message_read', update: polled(vkDocuments[4]), expect: 'events' },
    ],
    unknownUpdate: polled(vkDocuments[6]),
    fuzz: {
      config: longPollConfig,
      documents: vkDocuments.slice(0, 6).map((d) => JSON.parse(polled(d).body.toString('utf8')) as unknown),
      numRuns: 150,
    },
  },
});

describe('vk specifics', () => {
  it('answers the confirmation with the exact code as plain text, and every accepted request with ok', () => {
    const out = inbound.parse(req({ type: 'confirmation', group_id: 123456 }), config);
    expect(out).toEqual({
      kind: 'handshake',
      reply: { status: 200, headers: { 'content-type': 'text/plain' }, body: 'a1b2c3d4' },
    });
    for (const doc of vkDocuments) {
      const o = inbound.parse(req(doc), config);
      expect(o.kind === 'handshake' ? undefined : o.reply?.body).toBe('ok');
    }
  });
  it('refuses a confirmation for another community and a secret of another connection', () => {
    expect(inbound.verify(req({ type: 'confirmation', group_id: 9 }), config).ok).toBe(false);
    expect(inbound.verify(req({ ...(vkDocuments[0] as object), secret: 'FuzzSecret000' }), config).ok).toBe(false);
  });
  it('keys messages by (peer_id, conversation_message_id) and events by event_id; an edit names the same message', () => {
    const a = inbound.parse(req(vkDocuments[0]), config);
    const e = inbound.parse(req(vkDocuments[2]), config);
    expect(a.kind === 'events' && a.events[0]).toMatchObject({
      providerMessageId: '1001_5',
      content: { type: 'text', text: 'Hello' },
    });
    expect(e.kind === 'events' && e.events[0]).toMatchObject({ providerMessageId: '1001_5', edit: true });
    expect(inbound.eventKey?.(req(vkDocuments[0]))).toBe('e1');
  });
  it('stores a message of several attachments as one message each, the first with the text and the key', () => {
    const photo = (id: number) => ({
      type: 'photo',
      photo: { id, owner_id: 1001, sizes: [{ type: 'x', url: `https://sun9-1.userapi.com/p${id}.jpg`, width: 604 }] },
    });
    const doc = vkDocuments[1] as { object: { message: Record<string, unknown> } };
    const several = {
      ...doc,
      event_id: 'e-several',
      object: {
        message: {
          ...doc.object.message,
          text: 'both receipts',
          attachments: [
            photo(1),
            photo(2),
            { type: 'doc', doc: { id: 3, owner_id: 1001, title: 'a.pdf', url: 'https://vk.com/doc1001_3' } },
          ],
        },
      },
    };
    const o = inbound.parse(req(several), config);
    expect(o.kind).toBe('events');
    const events = o.kind === 'events' ? o.events : [];
    const key = (events[0] as { providerMessageId: string }).providerMessageId;
    expect(events.map((e) => (e.kind === 'message' ? [e.providerMessageId, e.content.type] : []))).toEqual([
      [key, 'image'],
      [`${key}#1`, 'image'],
      [`${key}#2`, 'document'],
    ]);
    expect(events[0]?.kind === 'message' && events[0].content).toMatchObject({ media: { caption: 'both receipts' } });
    expect(events[1]?.kind === 'message' && events[1].metadata).toMatchObject({ partOf: key });
    // the same message parsed again names the same parts
    expect(inbound.parse(req(several), config)).toEqual(o);
  });
  it('turns a callback button press into a button_reply', () => {
    const o = inbound.parse(req(vkDocuments[3]), config);
    expect(o.kind === 'events' && o.events[0]).toMatchObject({
      content: { type: 'interactive', interactive: { kind: 'button_reply', reply: { id: 'yes' } } },
    });
  });
  it('derives a stable positive int32 random_id from our message id', () => {
    expect(randomIdOf('msg_a')).toBe(randomIdOf('msg_a'));
    expect(randomIdOf('msg_a')).not.toBe(randomIdOf('msg_b'));
    expect(randomIdOf('msg_a')).toBeGreaterThan(0);
    expect(randomIdOf('msg_a')).toBeLessThanOrEqual(0x7fffffff);
  });
  it('cuts a text VK finds too long at the space nearest the middle, losing nothing', () => {
    expect(halves('aaaa bb cccc')).toEqual(['aaaa bb', 'cccc']);
    expect(halves('abcdef')).toEqual(['abc', 'def']);
    const emoji = '😀'.repeat(5);
    expect(halves(emoji).join('')).toBe(emoji);
  });
  it('parses message_allow and message_deny into the consent they report', () => {
    expect(inbound.parse(req(vkDocuments[7]), config)).toMatchObject({
      kind: 'events',
      events: [{ kind: 'consent', from: { address: '1001' }, consent: 'opt_in' }],
      reply: { body: 'ok' },
    });
    expect(inbound.parse(req(vkDocuments[8]), config)).toMatchObject({
      events: [{ kind: 'consent', consent: 'opt_out' }],
    });
  });
});
