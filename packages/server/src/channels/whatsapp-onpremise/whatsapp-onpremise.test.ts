import { beforeAll, describe, expect, it } from 'vitest';
import { runConnectorContract } from '../../channel-kit/contract.js';
import { storedWebhookUrl, type HttpClient, type SendContext, type WebhookRequest } from '../../channel-kit/index.js';
import type { InboundMessageEvent, InboundStatusEvent } from '../../model/index.js';
import { coreappHealth, forgetSession, needsRenewal, parseExpiresAfter } from './api.js';
import type { WhatsAppOnPremConfig } from './config.js';
import { whatsappOnPremFuzz } from './fixtures/fuzz.js';
import { batch, coreappErrors, inboundMessages, statuses } from './fixtures/inbound.js';
import { whatsappOnPremConnector } from './index.js';
import { SECRET_HEADER } from './verify.js';

const config: WhatsAppOnPremConfig = {
  baseUrl: 'http://coreapp.invalid:9090',
  username: 'admin',
  password: 'coreapp-password-0001',
  webhookSecret: 'webhook-secret-for-tests-00000000001',
  phoneNumber: '16315558011',
  templateNamespace: 'c8ae5f90_307a_ca4c_b8f6_d1e2f2a3b4c5',
  businessAccountId: '102290129340398',
  graphAccessToken: 'EAAG-graph-token-0001',
  graphApiBaseUrl: 'http://graph.invalid',
  graphApiVersion: 'v21.0',
};
const otherSecretConfig: WhatsAppOnPremConfig = {
  ...config,
  password: 'another-password-0002',
  webhookSecret: 'another-webhook-secret-000000000002',
  graphAccessToken: 'EAAG-graph-token-0002',
};

/** the Coreapp posts to the URL we registered: /webhooks/{id}/{secret} (verify.ts) */
const posted = (body: unknown, secret = config.webhookSecret as string): WebhookRequest => ({
  method: 'POST',
  url: `http://localhost/webhooks/conn_contract/${secret}`,
  query: {},
  rawBody: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
  headers: { 'content-type': 'application/json', 'user-agent': 'WhatsApp-Coreapp' },
});
const json = (status: number, body: unknown) => ({
  status,
  body: JSON.stringify(body),
  headers: { 'content-type': 'application/json' },
});
const META = { api_status: 'stable', version: '2.53.1' };
const LOGIN = json(200, {
  users: [{ token: 'eyJhbGciOi.coreapp-token', expires_after: '2099-01-01 00:00:00+00:00' }],
  meta: META,
});
const coreappErr = (status: number, code: number, title: string) =>
  json(status, { errors: [{ code, title, details: title }], meta: META });
const settingsAnswer = (url: string) =>
  json(200, {
    settings: { application: { callback_persist: true, webhooks: { url, message: { sent: true } } } },
    meta: META,
  });

const fakeHttp =
  (answer: (url: string, init?: RequestInit) => { status: number; body: string }, seen: string[] = []): HttpClient =>
  (url, init) => {
    seen.push(`${init?.method ?? 'GET'} ${url}`);
    const a = answer(url, init);
    return Promise.resolve(new Response(a.body, { status: a.status, headers: { 'content-type': 'application/json' } }));
  };
const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const ctxWith = (http: HttpClient, connectionId = 'conn_contract'): SendContext<WhatsAppOnPremConfig> => ({
  connectionId,
  config,
  webhookUrl: `http://localhost/webhooks/${connectionId}`,
  http,
  log: silent,
  signal: new AbortController().signal,
  media: { read: () => Promise.resolve({ bytes: Buffer.from('PNG'), mimeType: 'image/png' }) },
});

// the contract's calls run on a started connection: logged in, webhook URL registered (the Coreapp's session)
beforeAll(async () => {
  await whatsappOnPremConnector.start?.(
    ctxWith(fakeHttp((url) => (url.endsWith('/v1/users/login') ? LOGIN : json(200, { meta: META })))),
  );
});

runConnectorContract(whatsappOnPremConnector, {
  config,
  otherSecretConfig,
  requests: [
    ...Object.entries(inboundMessages).map(([name, body]) => ({
      name: `inbound ${name} (https://developers.facebook.com/docs/whatsapp/on-premises/webhooks/inbound)`,
      request: posted(body),
      expect: 'events' as const,
    })),
    {
      name: 'statuses sent/delivered/read/failed (https://developers.facebook.com/docs/whatsapp/on-premises/webhooks/outbound)',
      request: posted(statuses),
      expect: 'events',
    },
    {
      name: 'messages and statuses in one body (https://developers.facebook.com/docs/whatsapp/on-premises/webhooks/components)',
      request: posted(batch),
      expect: 'events',
    },
  ],
  unknownUpdate: posted(coreappErrors),
  stripSignature: (req) => ({ ...req, url: 'http://localhost/webhooks/conn_contract' }),
  tamper: (req) => ({ ...req, url: `${req.url.slice(0, -1)}${req.url.endsWith('1') ? '2' : '1'}` }),
  fuzz: whatsappOnPremFuzz,
  features: {
    optOut: {
      message: posted(JSON.parse(JSON.stringify(inboundMessages.text).replace('Hello this is an answer', 'Halt'))),
    },
    fetchMedia: {
      media: { providerMediaId: 'b1c68f38-8734-4ad3-b4a1-ef0c10d683' },
      // GET /v1/media/{id} answers the bytes (https://developers.facebook.com/docs/whatsapp/on-premises/reference/media/media-id)
      success: [{ status: 200, headers: { 'content-type': 'image/jpeg' }, body: 'JPEG' }],
      auth: coreappErr(401, 1005, 'Access denied'),
    },
    readReceipts: {
      // PUT /v1/messages/{id} {"status":"read"} (https://developers.facebook.com/docs/whatsapp/on-premises/guides/mark-as-read)
      message: { providerMessageId: 'ABGGFlA5FpafAgo6EhmKmg3gW5E6', from: '16315558011' },
      success: [json(200, { meta: META })],
      auth: coreappErr(401, 1005, 'Access denied'),
    },
    templates: {
      // the account's templates from the Graph API (https://developers.facebook.com/docs/whatsapp/business-management-api/message-templates)
      success: [
        json(200, {
          data: [
            {
              id: '594425479261596',
              name: 'order_update',
              language: 'en_US',
              status: 'APPROVED',
              category: 'UTILITY',
              components: [{ type: 'BODY', text: 'Your order {{1}} ships on {{2}}.' }],
            },
          ],
          paging: { cursors: { before: 'MAZDZD', after: 'MAZDZD' } },
        }),
      ],
      auth: json(401, { error: { message: 'Invalid OAuth access token.', type: 'OAuthException', code: 190 } }),
    },
    // a renewal login, then the webhook URL the Coreapp posts to (GET /v1/settings/application,
    // https://developers.facebook.com/docs/whatsapp/on-premises/reference/settings/app): ours, then another's
    health: {
      healthy: [LOGIN, settingsAnswer(`http://localhost/webhooks/conn_contract/${config.webhookSecret as string}`)],
      warning: {
        answers: [LOGIN, settingsAnswer('https://other-tool.example/wa-hook')],
        mentions: 'https://other-tool.example/wa-hook',
      },
      auth: coreappErr(401, 1005, 'Invalid credentials'),
    },
  },
  absentFeatures: {
    typing: 'the On-Premises API has no typing indicator',
    senders: 'one Coreapp serves one phone number',
    visitors: 'customers are WhatsApp users, not web visitors',
  },
  send: {
    message: { id: 'msg_1', conversationId: 'conv_1', to: '+16315551234', content: { type: 'text', text: 'hello' } },
    success: json(200, { messages: [{ id: 'gBEGkYiEB1VXAglK1ZEqA1YKPrU' }], meta: META }),
    auth: coreappErr(401, 1005, 'Access denied'),
    rateLimited: coreappErr(429, 1015, 'Too many requests'),
    unavailable: coreappErr(503, 1011, 'Service not ready'),
  },
});

const inbound = whatsappOnPremConnector.inbound;
if (inbound.mode !== 'webhook') throw new Error('webhook connector expected');

describe('the webhook secret (path segment or header, constant time)', () => {
  const body = inboundMessages.text;
  it('accepts the secret as the last path segment or as the header', () => {
    expect(inbound.verify(posted(body), config)).toEqual({ ok: true });
    const viaHeader = {
      ...posted(body),
      url: 'http://localhost/webhooks/conn_contract',
      headers: { 'content-type': 'application/json', [SECRET_HEADER]: config.webhookSecret },
    };
    expect(inbound.verify(viaHeader, config)).toEqual({ ok: true });
  });
  it('refuses none, a wrong one, a prefix of it, a path/header mismatch and GET', () => {
    const secret = config.webhookSecret as string;
    const refused = [
      { ...posted(body), url: 'http://localhost/webhooks/conn_contract' },
      posted(body, 'wrong-secret-000000000000000000000001'),
      posted(body, secret.slice(0, -1)),
      posted(body, `${secret}x`),
      { ...posted(body), url: `http://localhost/webhooks/conn_contract/${secret}/more` },
      { ...posted(body), headers: { [SECRET_HEADER]: 'wrong' } },
      { ...posted(body), method: 'GET' },
    ];
    for (const req of refused) expect(inbound.verify(req, config).ok, req.url).toBe(false);
  });
  it('stores the URL with the secret digested, and parses the stored request the same', () => {
    const req = posted(body);
    const stored = storedWebhookUrl(req.url);
    expect(stored).not.toContain(config.webhookSecret);
    expect(stored).toMatch(/^http:\/\/localhost\/webhooks\/conn_contract\/sha256:[0-9a-f]{16}$/);
    expect(storedWebhookUrl('http://h/webhooks/conn_1?x=1')).toBe('http://h/webhooks/conn_1?x=1');
    expect(inbound.parse({ ...req, url: stored }, config)).toEqual(inbound.parse(req, config));
  });
});

describe('parse: the flat body with the Cloud API message objects', () => {
  const events = (body: unknown) => {
    const out = inbound.parse(posted(body), config);
    if (out.kind !== 'events') throw new Error(`expected events, got ${out.kind}`);
    return out.events;
  };
  it('reads text with the contact name, media pending by id, voice as audio', () => {
    const [text] = events(inboundMessages.text) as InboundMessageEvent[];
    expect(text).toMatchObject({
      providerMessageId: 'ABGGFlA5FpafAgo6EhmKmg3gW5E6',
      from: { address: '16315551234', name: 'Kerry Fisher' },
      to: '16315558011',
      content: { type: 'text', text: 'Hello this is an answer' },
      timestamp: '2018-02-15T11:30:35.000Z',
    });
    const [image] = events(inboundMessages.image) as InboundMessageEvent[];
    expect(image?.content).toMatchObject({
      type: 'image',
      media: {
        providerMediaId: 'b1c68f38-8734-4ad3-b4a1-ef0c10d683',
        state: 'pending',
        caption: 'Check out my new phone!',
      },
    });
    const [voice] = events(inboundMessages.voice) as InboundMessageEvent[];
    expect(voice?.content).toMatchObject({ type: 'audio', media: { mimeType: 'audio/ogg; codecs=opus' } });
    expect(voice?.metadata).toMatchObject({ voice: true });
  });
  it('reads replies, template buttons and reactions against their targets', () => {
    const [button] = events(inboundMessages.buttonReply) as InboundMessageEvent[];
    expect(button?.content).toEqual({
      type: 'interactive',
      interactive: { kind: 'button_reply', reply: { id: 'unique-postback-id', title: 'First Button’s Title' } },
    });
    expect(button?.metadata).toMatchObject({ replyToProviderMessageId: 'gBGGFlA5FpafAgkOuJbRq54qwbM' });
    const [tpl] = events(inboundMessages.templateButton) as InboundMessageEvent[];
    expect(tpl?.content).toMatchObject({ interactive: { reply: { id: 'No-Button-Payload', title: 'No' } } });
    const [reaction] = events(inboundMessages.reaction) as InboundMessageEvent[];
    expect(reaction?.content).toEqual({
      type: 'reaction',
      reaction: { emoji: '👍', targetProviderMessageId: 'gBGGFlA5FpafAgkOuJbRq54qwbM' },
    });
  });
  it('maps statuses, a 470 failure to WINDOW_CLOSED, and a mixed body completely', () => {
    const s = events(statuses) as InboundStatusEvent[];
    expect(s.map((e) => e.status)).toEqual(['sent', 'delivered', 'read', 'failed']);
    expect(s[3]?.detail).toMatchObject({ code: 'WINDOW_CLOSED', message: expect.stringContaining('(#470)') });
    expect(events(batch).map((e) => e.kind)).toEqual(['message', 'status']);
  });
  it('keeps the Coreapp’s own errors as ignored with their codes', () => {
    const out = inbound.parse(posted(coreappErrors), config);
    expect(out).toMatchObject({ kind: 'ignored', reason: expect.stringContaining('(#1014) Internal error') });
  });
});

describe('the session: one login, renewed before expiry', () => {
  it('reads expires_after and renews in the last day (or the last half of a short token)', () => {
    expect(parseExpiresAfter('2018-03-01 15:29:26+00:00')).toBe(Date.parse('2018-03-01T15:29:26Z'));
    expect(parseExpiresAfter('soon')).toBeUndefined();
    const day = 86_400_000;
    expect(needsRenewal({ issuedAt: 0, expiresAt: 7 * day }, 5 * day)).toBe(false);
    expect(needsRenewal({ issuedAt: 0, expiresAt: 7 * day }, 6 * day + 1)).toBe(true);
    expect(needsRenewal({ issuedAt: 0, expiresAt: 2000 }, 999)).toBe(false);
    expect(needsRenewal({ issuedAt: 0, expiresAt: 2000 }, 1000)).toBe(true);
  });

  it('concurrent sends share one login; a refused token logs in again and the send goes through', async () => {
    forgetSession('conn_session');
    const seen: string[] = [];
    let logins = 0;
    let refuse = false;
    const http = fakeHttp((url, init) => {
      if (url.endsWith('/v1/users/login')) {
        logins++;
        return json(200, { users: [{ token: `tok-${logins}`, expires_after: '2099-01-01 00:00:00+00:00' }] });
      }
      const auth = new Headers(init?.headers).get('authorization');
      if (refuse && auth === 'Bearer tok-1') return coreappErr(401, 1005, 'Access denied');
      return json(200, { messages: [{ id: `gBEG-${seen.length}` }] });
    }, seen);
    const ctx = ctxWith(http, 'conn_session');
    const msg = (i: number) => ({
      id: `msg_${i}`,
      conversationId: 'conv_1',
      to: '+16315551234',
      content: { type: 'text' as const, text: `hi ${i}` },
    });
    await Promise.all([1, 2, 3, 4].map((i) => whatsappOnPremConnector.send(msg(i), ctx)));
    expect(logins).toBe(1);
    refuse = true;
    const receipt = await whatsappOnPremConnector.send(msg(5), ctx);
    expect(receipt.providerMessageId).toMatch(/^gBEG-/);
    expect(logins).toBe(2);
    // without the Cloud API's messaging_product, the wa_id without +
    expect(seen.filter((s) => s.startsWith('POST') && s.endsWith('/v1/messages'))).toHaveLength(6);
  });

  it('sends templates with the namespace and a deterministic language policy', async () => {
    forgetSession('conn_tpl');
    let sent: unknown;
    const http = fakeHttp((url, init) => {
      if (url.endsWith('/v1/users/login')) return LOGIN;
      sent = JSON.parse(String(init?.body));
      return json(200, { messages: [{ id: 'gBEG-template' }] });
    });
    await whatsappOnPremConnector.send(
      {
        id: 'msg_t',
        conversationId: 'conv_1',
        to: '+16315551234',
        content: {
          type: 'template',
          template: { name: 'order_update', language: 'en_US', variables: { '1': 'A1', '2': 'Monday' } },
        },
      },
      ctxWith(http, 'conn_tpl'),
    );
    expect(sent).toEqual({
      recipient_type: 'individual',
      to: '16315551234',
      type: 'template',
      template: {
        namespace: config.templateNamespace,
        name: 'order_update',
        language: { policy: 'deterministic', code: 'en_US' },
        components: [
          {
            type: 'body',
            parameters: [
              { type: 'text', text: 'A1' },
              { type: 'text', text: 'Monday' },
            ],
          },
        ],
      },
    });
  });
});

describe('health: the bearer token is renewed every round', () => {
  const DAY = 86_400_000;
  const coreappTime = (ms: number) => `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')}+00:00`;
  const loginFor = (ms: number) =>
    json(200, { users: [{ token: 'eyJhbGciOi.token-health', expires_after: coreappTime(ms) }], meta: META });
  const hook = settingsAnswer(`http://localhost/webhooks/conn_health/${config.webhookSecret as string}`);
  const ask = (now: number) => ({ now: new Date(now), expiryWarningDays: [14, 3] });
  const run = (answers: Array<{ status: number; body: string }>, now: number) => {
    let i = 0;
    return coreappHealth(
      ctxWith(
        fakeHttp(() => answers[Math.min(i++, answers.length - 1)] as { status: number; body: string }),
        'conn_health',
      ),
      ask(now),
    );
  };

  it('a renewal that works is healthy with the new end; one not answered grades the current end; a refused one is AUTH naming it', async () => {
    forgetSession('conn_health');
    const now = Date.now();
    const ok = await run([loginFor(now + 7 * DAY), hook], now);
    expect(ok.map((c) => [c.name, c.state])).toEqual([
      ['token_expiry', 'healthy'],
      ['webhook', 'healthy'],
    ]);
    expect(ok[0]?.expiresAt).toBe(new Date(Math.floor((now + 7 * DAY) / 1000) * 1000).toISOString());
    // the Coreapp down while renewing: the current token ends in 7 days, within the 14-day warning
    const down = await run([coreappErr(503, 1011, 'Service not ready')], now);
    expect(down).toHaveLength(1);
    expect(down[0]).toMatchObject({ name: 'token_expiry', state: 'warning', stage: '14d' });
    expect(down[0]?.detail).toContain('could not renew it');
    // two days later still not renewed: past the 3-day warning… and after its end, failing
    expect((await run([coreappErr(503, 1011, 'Service not ready')], now + 5 * DAY))[0]?.stage).toBe('3d');
    expect((await run([coreappErr(503, 1011, 'Service not ready')], now + 8 * DAY))[0]?.state).toBe('failing');
    // the password changed: the renewal is refused while the current token still works
    const refused = await run([coreappErr(401, 1005, 'Invalid credentials')], now).then(
      () => undefined,
      (e: unknown) => e as Error & { code?: string },
    );
    expect(refused?.code).toBe('AUTH');
    expect(refused?.message).toMatch(/refused the token renewal .*current token works until/);
    expect(refused?.message).not.toContain(config.password);
  });

  it('no webhook URL at the Coreapp is a warning naming ours without its secret', async () => {
    forgetSession('conn_health');
    const checks = await run([loginFor(Date.now() + 7 * DAY), settingsAnswer('')], Date.now());
    const webhook = checks.find((c) => c.name === 'webhook');
    expect(webhook?.state).toBe('warning');
    expect(webhook?.detail).toContain('has no webhook URL');
    expect(webhook?.detail).not.toContain(config.webhookSecret);
  });
});
