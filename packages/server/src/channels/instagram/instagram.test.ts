/** The Instagram connector passes the connector contract with Meta-documented webhook bodies, plus the Instagram kinds. */
import { describe, expect, it } from 'vitest';
import type { WebhookRequest } from '../../channel-kit/index.js';
import { runConnectorContract } from '../../channel-kit/contract.js';
import type { InboundEvent, InboundMessageEvent } from '../../model/index.js';
import { debugToken, pageSubscribedApps } from '../../channel-kit/fixtures/meta-health.js';
import { INSTAGRAM_FIELDS } from './api.js';
import { instagramConnector, type InstagramConfig } from './index.js';
import { fuzzConfig, instagramFuzz, sign } from './fixtures/fuzz.js';
import { comment, deleted, IGSID, instagramBodies, STORY_URL } from './fixtures/inbound.js';

const config: InstagramConfig = fuzzConfig;
const signed = (body: unknown, secret = config.appSecret): WebhookRequest => {
  const raw = Buffer.from(JSON.stringify(body));
  return {
    method: 'POST',
    url: 'https://hub.example.com/webhooks/conn_ig',
    query: {},
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign(raw, secret) },
    rawBody: raw,
  };
};
const json = (status: number, body: unknown) => ({ status, body: JSON.stringify(body) });
const tokenError = {
  error: { message: 'Invalid OAuth access token.', type: 'OAuthException', code: 190, fbtrace_id: 'X' },
};

const inbound = instagramConnector.inbound;
if (inbound.mode !== 'webhook') throw new Error('instagram receives webhooks');
const events = (body: unknown): InboundEvent[] => {
  const out = inbound.parse(signed(body), config);
  if (out.kind !== 'events') throw new Error(`expected events, got ${JSON.stringify(out)}`);
  return out.events;
};
const only = (body: unknown) => events(body)[0] as InboundMessageEvent;

runConnectorContract(instagramConnector, {
  config,
  otherSecretConfig: { ...config, appSecret: 'another-app-secret-0003', accessToken: 'IGQ-other' },
  requests: Object.entries({ ...instagramBodies, deleted }).map(([name, body]) => ({
    name: `webhook ${name} (https://developers.facebook.com/docs/instagram-platform/webhooks)`,
    request: signed(body),
    expect: 'events' as const,
  })),
  unknownUpdate: signed(comment),
  stripSignature: (req) => ({ ...req, headers: { 'content-type': 'application/json' } }),
  fuzz: instagramFuzz,
  features: {
    // debug_token, then the account's subscribed_apps: ours with every field; then without messaging_seen
    health: {
      healthy: [debugToken(), pageSubscribedApps(INSTAGRAM_FIELDS)],
      warning: {
        answers: [debugToken(), pageSubscribedApps(INSTAGRAM_FIELDS.filter((f) => f !== 'messaging_seen'))],
        mentions: 'messaging_seen',
      },
      auth: json(401, tokenError),
    },
    // the token's app (debug_token), then Meta's sample notification (https://developers.facebook.com/docs/graph-api/reference/app/subscriptions_sample/)
    testEvent: { success: [debugToken(), json(200, { success: true })], auth: json(401, tokenError) },
    typing: { to: IGSID, success: [json(200, { recipient_id: IGSID })], auth: json(401, tokenError) },
    fetchMedia: {
      media: { providerMediaId: STORY_URL },
      success: [{ status: 200, headers: { 'content-type': 'image/jpeg' }, body: 'JPEG' }],
      auth: json(401, tokenError),
    },
    readReceipts: {
      message: { providerMessageId: 'ig_img_1', from: config.instagramAccountId, customer: IGSID } as never,
      success: [json(200, { recipient_id: IGSID })],
      auth: json(401, tokenError),
    },
    // https://developers.facebook.com/docs/instagram-platform/instagram-api-with-facebook-login/messaging-api/user-profile
    profile: {
      address: IGSID,
      success: [
        json(200, {
          name: 'Peter Chang',
          username: 'peter.chang',
          profile_pic: 'https://scontent.cdninstagram.com/v/t51.2885-19/profile.jpg',
          id: IGSID,
        }),
        { status: 200, headers: { 'content-type': 'image/jpeg' }, body: 'JPEG' },
      ],
      auth: json(401, tokenError),
    },
  },
  absentFeatures: {
    optOut: 'Instagram users block or mute a business account; Meta forbids keyword opt-in flows in DMs',
    templates: 'Instagram has no provider-approved templates',
    senders: 'one account per connection',
    visitors: 'customers write from their own Instagram accounts',
  },
  send: {
    message: { id: 'msg_1', conversationId: 'conv_1', to: IGSID, content: { type: 'text', text: 'hello' } },
    success: json(200, { recipient_id: IGSID, message_id: 'ig_out_1' }),
    auth: json(401, tokenError),
    rateLimited: json(400, {
      error: { message: 'Application request limit reached', type: 'OAuthException', code: 4 },
    }),
    unavailable: json(503, { error: { message: 'Service temporarily unavailable', code: 2, is_transient: true } }),
  },
});

describe('instagram parse', () => {
  it('story mentions fetch the story media right away; story replies say which story they answered', () => {
    expect(only(instagramBodies.storyMention)).toMatchObject({
      from: { address: IGSID },
      content: { type: 'image', media: { state: 'pending', providerMediaId: STORY_URL } },
      metadata: { storyMention: true },
    });
    expect(only(instagramBodies.storyReply)).toMatchObject({
      // the story itself comes along (its url expires within hours), the reply text as its caption
      content: { type: 'image', media: { state: 'pending', providerMediaId: STORY_URL, caption: 'love this' } },
      metadata: { storyReply: { id: '17895695668004550' } },
    });
  });

  it('shares and reels as links, unsupported shown as such, messaging_seen as read, reactions on the target', () => {
    expect(only(instagramBodies.share).content).toEqual({ type: 'text', text: 'https://www.instagram.com/p/Cabc123/' });
    expect(only(instagramBodies.reel).content).toMatchObject({ type: 'text', text: expect.stringContaining('A reel') });
    expect(only(instagramBodies.unsupported).content).toEqual({ type: 'text', text: '[unsupported message]' });
    expect(events(instagramBodies.seen)).toEqual([
      {
        kind: 'status',
        providerMessageId: 'ig_out_1',
        status: 'read',
        timestamp: new Date(1569262485349).toISOString(),
      },
    ]);
    expect(only(instagramBodies.reaction).content).toEqual({
      type: 'reaction',
      reaction: { emoji: '\u2764\ufe0f', targetProviderMessageId: 'ig_out_1' },
    });
  });

  it('a deleted message names the message to mark deleted', () => {
    expect(only(deleted)).toMatchObject({
      providerMessageId: 'ig_img_1',
      deleted: true,
      content: { type: 'text', text: 'This message was deleted by the customer' },
    });
  });

  it('a story reply without the story url is the text, still naming the story', () => {
    const body = structuredClone(instagramBodies.storyReply) as unknown as {
      entry: Array<{ messaging: Array<{ message: { reply_to: { story: { url?: string } } } }> }>;
    };
    delete body.entry[0]?.messaging[0]?.message.reply_to.story.url;
    expect(only(body)).toMatchObject({
      content: { type: 'text', text: 'love this' },
      metadata: { storyReply: { id: '17895695668004550' } },
    });
  });

  it('a Messenger (object page) body is not an Instagram webhook', () => {
    const page = { object: 'page', entry: [] };
    expect(inbound.parse(signed(page), config).kind).toBe('ignored');
  });
});
