/** The Messenger connector passes the connector contract with Meta-documented webhook bodies, plus its own mapping rules. */
import { describe, expect, it } from 'vitest';
import { isChannelError, type HttpClient, type SendContext, type WebhookRequest } from '../../channel-kit/index.js';
import { runConnectorContract } from '../../channel-kit/contract.js';
import type { InboundEvent, InboundMessageEvent } from '../../model/index.js';
import { debugToken, debugTokenInvalid, pageSubscribedApps } from '../../channel-kit/fixtures/meta-health.js';
import { MESSENGER_FIELDS } from './api.js';
import { messengerConnector, type MessengerConfig } from './index.js';
import { fuzzConfig, messengerFuzz, sign } from './fixtures/fuzz.js';
import { messengerBodies, optin, ourEcho, pageInboxEcho, PSID, readWatermark } from './fixtures/inbound.js';

const config: MessengerConfig = fuzzConfig;
const otherSecretConfig: MessengerConfig = {
  ...config,
  appSecret: 'another-app-secret-0002',
  pageAccessToken: 'EAAG-other',
};

const signed = (body: unknown, secret = config.appSecret): WebhookRequest => {
  const raw = Buffer.from(JSON.stringify(body));
  return {
    method: 'POST',
    url: 'https://hub.example.com/webhooks/conn_fb',
    query: {},
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign(raw, secret) },
    rawBody: raw,
  };
};
const handshake = (query: Record<string, string>): WebhookRequest => ({
  method: 'GET',
  url: 'https://hub.example.com/webhooks/conn_fb',
  query,
  headers: {},
  rawBody: Buffer.alloc(0),
});
const json = (status: number, body: unknown) => ({ status, body: JSON.stringify(body) });
// Graph's error envelope (https://developers.facebook.com/docs/graph-api/guides/error-handling)
const graphError = (code: number, message: string, subcode?: number) => ({
  error: {
    message,
    type: 'OAuthException',
    code,
    ...(subcode ? { error_subcode: subcode } : {}),
    fbtrace_id: 'AbCdEf',
  },
});

const inbound = messengerConnector.inbound;
if (inbound.mode !== 'webhook') throw new Error('messenger receives webhooks');
const events = (body: unknown): InboundEvent[] => {
  const out = inbound.parse(signed(body), config);
  if (out.kind !== 'events') throw new Error(`expected events, got ${JSON.stringify(out)}`);
  return out.events;
};
const only = (body: unknown) => events(body)[0] as InboundMessageEvent;

runConnectorContract(messengerConnector, {
  config,
  otherSecretConfig,
  requests: [
    ...Object.entries(messengerBodies).map(([name, body]) => ({
      name: `webhook ${name} (https://developers.facebook.com/docs/messenger-platform/webhooks)`,
      request: signed(body),
      expect: 'events' as const,
    })),
    {
      name: 'the GET handshake (https://developers.facebook.com/docs/graph-api/webhooks/getting-started#verification-requests)',
      request: handshake({
        'hub.mode': 'subscribe',
        'hub.challenge': '1158201444',
        'hub.verify_token': config.verifyToken as string,
      }),
      expect: 'handshake',
    },
    { name: 'the echo of our own send', request: signed(ourEcho), expect: 'ignored' },
    { name: 'the echo of a Page inbox reply', request: signed(pageInboxEcho), expect: 'events' },
    { name: 'a read watermark (…/message-reads)', request: signed(readWatermark), expect: 'events' },
  ],
  unknownUpdate: signed(optin),
  stripSignature: (req) => ({ ...req, headers: { 'content-type': 'application/json' } }),
  fuzz: messengerFuzz,
  features: {
    // debug_token, then the Page's subscribed_apps: ours with every field; then one another tool cut down
    health: {
      healthy: [debugToken(), pageSubscribedApps(MESSENGER_FIELDS)],
      warning: {
        answers: [debugToken(), pageSubscribedApps(MESSENGER_FIELDS.filter((f) => f !== 'standby'))],
        mentions: 'standby',
      },
      auth: json(401, graphError(190, 'Error validating access token: Session has expired')),
    },
    // the token's app (debug_token), then Meta's sample notification (https://developers.facebook.com/docs/graph-api/reference/app/subscriptions_sample/)
    testEvent: {
      success: [debugToken(), json(200, { success: true })],
      auth: json(401, graphError(190, 'Error validating access token: Session has expired')),
    },
    typing: {
      to: PSID,
      success: [json(200, { recipient_id: PSID })],
      auth: json(401, graphError(190, 'Error validating access token: Session has expired')),
    },
    fetchMedia: {
      media: { providerMediaId: 'https://scontent.xx.fbcdn.net/v/t1.15752-9/photo.jpg' },
      success: [{ status: 200, headers: { 'content-type': 'image/jpeg' }, body: 'JPEG' }],
      auth: json(401, graphError(190, 'Invalid OAuth access token')),
    },
    readReceipts: {
      message: { providerMessageId: 'm_text_1', from: config.pageId, customer: PSID } as never,
      success: [json(200, { recipient_id: PSID })],
      auth: json(401, graphError(190, 'Invalid OAuth access token')),
    },
    // https://developers.facebook.com/docs/messenger-platform/identity/user-profile
    profile: {
      address: PSID,
      success: [
        json(200, {
          first_name: 'Peter',
          last_name: 'Chang',
          profile_pic: 'https://platform-lookaside.fbsbx.com/platform/profilepic/?psid=6543210987654321',
          id: PSID,
        }),
        { status: 200, headers: { 'content-type': 'image/jpeg' }, body: 'JPEG' },
      ],
      auth: json(401, graphError(190, 'Invalid OAuth access token')),
    },
  },
  absentFeatures: {
    optOut: 'Messenger users block or mute the Page; the Send API has no keyword consent',
    templates: 'Messenger has no provider-approved templates; outside the window only HUMAN_AGENT replies go',
    senders: 'one Page per connection',
    visitors: 'customers write from their own Facebook accounts',
  },
  send: {
    message: { id: 'msg_1', conversationId: 'conv_1', to: PSID, content: { type: 'text', text: 'hello' } },
    success: json(200, { recipient_id: PSID, message_id: 'm_out_1' }),
    auth: json(401, graphError(190, 'Error validating access token')),
    rateLimited: json(400, graphError(613, 'Calls to this api have exceeded the rate limit.')),
    unavailable: json(503, graphError(2, 'Service temporarily unavailable')),
  },
});

describe('messenger parse', () => {
  it('answers the handshake with the raw challenge, 403 for a wrong token', () => {
    const good = { 'hub.mode': 'subscribe', 'hub.challenge': '42', 'hub.verify_token': config.verifyToken as string };
    const ok = inbound.parse(handshake(good), config);
    expect(ok.kind === 'handshake' && ok.reply).toMatchObject({ status: 200, body: '42' });
    const bad = inbound.parse(handshake({ ...good, 'hub.verify_token': 'guess-guess' }), config);
    expect(bad.kind === 'handshake' && bad.reply.status).toBe(403);
  });

  it('refuses a missing, tampered or wrongly keyed signature', () => {
    const req = signed(messengerBodies.text);
    expect(inbound.verify(req, config)).toEqual({ ok: true });
    expect(inbound.verify({ ...req, headers: {} }, config).ok).toBe(false);
    expect(
      inbound.verify({ ...req, rawBody: Buffer.from(req.rawBody.toString().replace('hello', 'HELLO')) }, config).ok,
    ).toBe(false);
    expect(inbound.verify(signed(messengerBodies.text, 'wrong-secret'), config).ok).toBe(false);
  });

  it('maps text, media (the url fetched into our store), location and fallback links', () => {
    expect(only(messengerBodies.text)).toMatchObject({
      providerMessageId: 'm_text_1',
      from: { address: PSID },
      to: config.pageId,
      content: { type: 'text', text: 'hello, world!' },
      timestamp: new Date(1458692752478).toISOString(),
    });
    expect(only(messengerBodies.image).content).toMatchObject({
      type: 'image',
      media: { state: 'pending', providerMediaId: 'https://scontent.xx.fbcdn.net/v/t1.15752-9/photo.jpg' },
    });
    expect(only(messengerBodies.file).content.type).toBe('document');
    expect(only(messengerBodies.location).content).toEqual({
      type: 'location',
      location: { latitude: 52.52, longitude: 13.405 },
    });
    expect(only(messengerBodies.fallback).content).toMatchObject({
      type: 'text',
      text: expect.stringContaining('https://example.com/page'),
    });
  });

  it('quick replies and postbacks are button_reply with the payload as id; referrals go on the contact', () => {
    expect(only(messengerBodies.quickReply).content).toEqual({
      type: 'interactive',
      interactive: { kind: 'button_reply', reply: { id: 'COLOR_RED', title: 'Red' } },
    });
    const pb = only(messengerBodies.postback);
    expect(pb.content).toEqual({
      type: 'interactive',
      interactive: { kind: 'button_reply', reply: { id: 'GET_STARTED', title: 'Get Started' } },
    });
    expect(pb.from.attributes).toMatchObject({ referral_ref: 'spring_sale', referral_source: 'SHORTLINK' });
  });

  it('a standalone referral (m.me link or ad) names the customer with its source, no message', () => {
    // https://developers.facebook.com/docs/messenger-platform/reference/webhook-events/messaging_referrals
    const body = {
      object: 'page',
      entry: [
        {
          id: config.pageId,
          time: 1458692752478,
          messaging: [
            {
              sender: { id: PSID },
              recipient: { id: config.pageId },
              timestamp: 1458692752478,
              referral: { ref: 'summer_ad', source: 'ADS', type: 'OPEN_THREAD', ad_id: '6045246247433' },
            },
          ],
        },
      ],
    };
    expect(events(body)).toEqual([
      {
        kind: 'contact',
        from: {
          address: PSID,
          attributes: {
            referral_source: 'ADS',
            referral_type: 'OPEN_THREAD',
            referral_ref: 'summer_ad',
            referral_ad_id: '6045246247433',
          },
        },
        timestamp: new Date(1458692752478).toISOString(),
      },
    ]);
  });

  it('reply_to, reactions (react and unreact), deliveries per mid, standby marked, every entry of a batch', () => {
    expect(only(messengerBodies.replyTo).metadata).toMatchObject({ replyToProviderMessageId: 'm_text_1' });
    expect(only(messengerBodies.reaction).content).toEqual({
      type: 'reaction',
      reaction: { emoji: '\u2764', targetProviderMessageId: 'm_text_1' },
    });
    expect(only(messengerBodies.unreact).content).toMatchObject({ reaction: { emoji: '' } });
    const at = new Date(1458668856253).toISOString();
    expect(events(messengerBodies.delivery)).toEqual([
      { kind: 'status', providerMessageId: 'm_out_1', status: 'delivered', timestamp: at },
      { kind: 'status', providerMessageId: 'm_out_2', status: 'delivered', timestamp: at },
      {
        kind: 'status',
        providerMessageId: `watermark:delivered:${PSID}:1458668856253`,
        status: 'delivered',
        timestamp: at,
        watermarkFor: PSID,
      },
    ]);
    expect(events(readWatermark)).toEqual([
      {
        kind: 'status',
        providerMessageId: `watermark:read:${PSID}:1458668856253`,
        status: 'read',
        timestamp: at,
        watermarkFor: PSID,
      },
    ]);
    expect(only(messengerBodies.standby).metadata).toMatchObject({ standby: true });
    expect(events(messengerBodies.batch).map((e) => (e as InboundMessageEvent).providerMessageId)).toEqual([
      'm_b_1',
      'm_b_2',
      'm_b_3',
    ]);
  });

  it('never throws on values that are objects with a "toString" key (found by the fuzz contract)', () => {
    const weird = { toString: 'x', valueOf: 'y' };
    const body = {
      object: 'page',
      entry: [
        {
          id: 'x',
          messaging: [
            { sender: { id: PSID }, timestamp: weird, postback: { title: 't', payload: 'p' } },
            { sender: { id: PSID }, timestamp: weird, read: { watermark: weird } },
            {
              sender: { id: PSID },
              timestamp: 1,
              message: {
                mid: 'm',
                attachments: [{ type: 'location', payload: { coordinates: { lat: weird, long: weird } } }],
              },
            },
          ],
        },
      ],
    };
    expect(() => inbound.parse(signed(body), config)).not.toThrow();
  });

  it('the echo of our own send is dropped; a Page inbox echo is the business writing to the customer', () => {
    expect(inbound.parse(signed(ourEcho), config).kind).toBe('ignored');
    expect(only(pageInboxEcho)).toMatchObject({
      providerMessageId: 'm_inbox_1',
      echo: true,
      from: { address: PSID },
      to: config.pageId,
      content: { type: 'text', text: 'answered from the Page inbox' },
    });
    expect(only(messengerBodies.standby)).toMatchObject({ passive: true });
  });
});

describe('messenger send', () => {
  const ctx = (
    answers: Array<{ status: number; body: string }>,
    seen: Array<{ url: string; body: unknown }>,
  ): SendContext<MessengerConfig> => {
    let i = 0;
    const http: HttpClient = (url, init) => {
      const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as unknown) : init?.body;
      seen.push({ url, body });
      const a = answers[Math.min(i++, answers.length - 1)] as { status: number; body: string };
      return Promise.resolve(
        new Response(a.body, { status: a.status, headers: { 'content-type': 'application/json' } }),
      );
    };
    return {
      connectionId: 'conn_fb',
      config,
      webhookUrl: 'https://hub.example.com/webhooks/conn_fb',
      http,
      signal: new AbortController().signal,
      log: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
      media: { read: () => Promise.resolve({ bytes: Buffer.from('PNG'), mimeType: 'image/png', fileName: 'a.png' }) },
    };
  };
  const ok = json(200, { recipient_id: PSID, message_id: 'm_out_9' });
  const send = async (content: unknown, extra: Record<string, unknown> = {}) => {
    const seen: Array<{ url: string; body: unknown }> = [];
    const receipt = await messengerConnector.send(
      { id: 'msg_9', conversationId: 'conv_1', to: PSID, content: content as never, ...extra },
      ctx(
        (content as { type: string }).type === 'image' ? [json(200, { attachment_id: '1857777774821032' }), ok] : [ok],
        seen,
      ),
    );
    return { receipt, seen };
  };

  it('text carries RESPONSE and our metadata; a HUMAN_AGENT reply carries the tag', async () => {
    const { receipt, seen } = await send({ type: 'text', text: 'hi' });
    expect(receipt.providerMessageId).toBe('m_out_9');
    expect(seen[0]?.url).toBe(`http://graph.invalid/v21.0/${config.pageId}/messages`);
    expect(seen[0]?.body).toEqual({
      recipient: { id: PSID },
      messaging_type: 'RESPONSE',
      message: { text: 'hi', metadata: 'switchboard:msg_9' },
    });
    const tagged = await send({ type: 'text', text: 'late' }, { humanAgentTag: true });
    expect(tagged.seen[0]?.body).toMatchObject({ messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' });
  });

  it('≤ 3 buttons as a button template, more as quick replies, cards as a generic template, media uploaded first', async () => {
    const three = await send({
      type: 'interactive',
      interactive: { kind: 'buttons', text: 'Pick', buttons: [{ id: 'a', title: 'A' }] },
    });
    expect(three.seen[0]?.body).toMatchObject({
      message: {
        attachment: {
          type: 'template',
          payload: { template_type: 'button', buttons: [{ type: 'postback', payload: 'a' }] },
        },
      },
    });
    const many = Array.from({ length: 5 }, (_, i) => ({ id: `o${i}`, title: `O${i}` }));
    const quick = await send({ type: 'interactive', interactive: { kind: 'buttons', text: 'Pick', buttons: many } });
    expect(quick.seen[0]?.body).toMatchObject({
      message: {
        text: 'Pick',
        quick_replies: many.map((b) => ({ content_type: 'text', title: b.title, payload: b.id })),
      },
    });
    const cards = await send({
      type: 'cards',
      cards: [{ title: 'Shoe', subtitle: 'Red', buttons: [{ id: 'buy', title: 'Buy' }] }],
    });
    expect(cards.seen[0]?.body).toMatchObject({
      message: { attachment: { payload: { template_type: 'generic', elements: [{ title: 'Shoe' }] } } },
    });
    const img = await send({ type: 'image', media: { url: '/media/att_1/key', mimeType: 'image/png' } });
    expect(img.seen[0]?.url).toMatch(/\/message_attachments$/);
    expect(img.seen[1]?.body).toMatchObject({
      message: { attachment: { type: 'image', payload: { attachment_id: '1857777774821032' } } },
    });
  });

  it('maps Send API codes: 190 AUTH, 613/4/32 retried, 10+2018278 WINDOW_CLOSED, 551 unavailable, 100 with the message', async () => {
    const fails = async (status: number, body: unknown) => {
      try {
        await messengerConnector.send(
          { id: 'm', conversationId: 'c', to: PSID, content: { type: 'text', text: 'x' } },
          ctx([json(status, body)], []),
        );
      } catch (e) {
        if (isChannelError(e)) return e;
      }
      throw new Error('expected a ChannelError');
    };
    expect((await fails(401, graphError(190, 'expired'))).code).toBe('AUTH');
    for (const code of [4, 32, 613]) {
      const e = await fails(400, graphError(code, 'rate'));
      expect([e.code, e.retryable]).toEqual(['RATE_LIMITED', true]);
    }
    expect((await fails(400, graphError(10, 'This message is sent outside of allowed window.', 2018278))).code).toBe(
      'WINDOW_CLOSED',
    );
    const gone = await fails(400, graphError(551, "This person isn't available right now."));
    expect([gone.code, gone.message]).toEqual([
      'INVALID_RECIPIENT',
      "person unavailable: (#551) This person isn't available right now.",
    ]);
    const bad = await fails(400, graphError(100, 'Invalid parameter'));
    expect([bad.code, bad.message, bad.retryable]).toEqual(['REJECTED', '(#100) Invalid parameter', false]);
  });
});

describe('Messenger health', () => {
  const run = (answers: Array<{ status: number; body: string }>) => {
    let i = 0;
    const seen: string[] = [];
    const http: HttpClient = (url) => {
      seen.push(String(url));
      const r = answers[Math.min(i++, answers.length - 1)] as { status: number; body: string };
      return Promise.resolve(
        new Response(r.body, { status: r.status, headers: { 'content-type': 'application/json' } }),
      );
    };
    const log = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined };
    const ctx = {
      connectionId: 'conn_fb',
      config,
      webhookUrl: 'https://hub.example.com/webhooks/conn_fb',
      http,
      log,
      signal: new AbortController().signal,
    };
    const health = messengerConnector.features.health;
    if (!health) throw new Error('no health feature');
    return health(ctx as never, { now: new Date(), expiryWarningDays: [14, 3] }).then((checks) => ({ checks, seen }));
  };

  it('asks debug_token about its own token, then the Page subscription, and names a token ending in 2 days', async () => {
    const { checks, seen } = await run([debugToken({ expiresInDays: 1.99 }), pageSubscribedApps(MESSENGER_FIELDS)]);
    expect(seen[0]).toContain(`/debug_token?input_token=${encodeURIComponent(config.pageAccessToken)}`);
    expect(seen[1]).toContain(`/${config.pageId}/subscribed_apps`);
    expect(checks.find((c) => c.name === 'token_expiry')).toMatchObject({ state: 'warning', stage: '3d' });
    expect(checks.find((c) => c.name === 'token_expiry')?.detail).toContain('expires in 2 days');
    expect(checks.find((c) => c.name === 'data_access')).toMatchObject({ state: 'healthy' });
    expect(checks.find((c) => c.name === 'webhook')).toMatchObject({ state: 'healthy' });
  });

  it("is failing with Meta's words for a token it no longer accepts, and warns when our app is not subscribed", async () => {
    const invalid = await run([debugTokenInvalid()]);
    expect(invalid.seen).toHaveLength(1);
    expect(invalid.checks).toEqual([
      expect.objectContaining({
        name: 'token_expiry',
        state: 'failing',
        detail: expect.stringContaining('Session has expired'),
      }),
    ]);
    const gone = await run([debugToken(), pageSubscribedApps(null)]);
    expect(gone.checks.find((c) => c.name === 'webhook')).toMatchObject({
      state: 'warning',
      detail: expect.stringContaining('has not subscribed this app (1234567890123456)'),
    });
    // a debug_token that will not take the Page token for itself: the subscription still tells
    const refused = await run([
      json(400, graphError(190, 'Invalid OAuth access token signature.')),
      pageSubscribedApps(MESSENGER_FIELDS),
    ]);
    expect(refused.seen).toHaveLength(2);
    expect(refused.checks).toEqual([expect.objectContaining({ name: 'webhook', state: 'healthy' })]);
    const dataAccess = await run([debugToken({ dataAccessInDays: 10 }), pageSubscribedApps(MESSENGER_FIELDS)]);
    expect(dataAccess.checks.find((c) => c.name === 'data_access')).toMatchObject({ state: 'warning', stage: '14d' });
  });
});
