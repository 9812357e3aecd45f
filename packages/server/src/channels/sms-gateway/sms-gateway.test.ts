/** The connector contract for both modes of the sms-gateway connector, and the pieces checked on their own. */
import { describe, expect, it } from 'vitest';
import { runConnectorContract, type ProviderResponse } from '../../channel-kit/contract.js';
import { ChannelError, type SendContext } from '../../channel-kit/index.js';
import { smsGatewayConnector } from './index.js';
import { smsGatewayConfigSchema, type SmsGatewayConfig } from './config.js';
import {
  basic,
  httpConfig,
  httpFuzz,
  httpMessages,
  httpOtherSecret,
  httpRequest,
  kannelConfig,
  kannelFuzz,
  kannelGet,
  kannelMessages,
  kannelOtherSecret,
  kannelReports,
  WEBHOOK_URL,
} from './fixtures/fuzz.js';
import { decodeText, rawParams } from './params.js';
import { kannelCallbackUrl, kannelError, kannelGetUrl } from './send.js';
import { smsGatewayEventKey } from './parse.js';
import { verifySmsGateway } from './verify.js';

const text = (status: number, body: string): ProviderResponse => ({
  status,
  body,
  headers: { 'content-type': 'text/html' },
});
const json = (status: number, body: unknown, headers: Record<string, string> = {}): ProviderResponse => ({
  status,
  body: JSON.stringify(body),
  headers: { 'content-type': 'application/json', ...headers },
});
const message = {
  id: 'msg_contract',
  conversationId: 'conv_1',
  to: '+4915112345678',
  content: { type: 'text' as const, text: 'hello' },
};
const absentFeatures = {
  health: 'Kannel has no API that reports its sms-service routing; an unreachable gateway fails the start check',
  typing: 'SMS has no typing indicator',
  fetchMedia: 'the gateway carries text only (no MMS)',
  readReceipts: 'SMS has no read receipts',
  templates: 'SMS has no provider templates',
  senders: 'one sender per connection (from)',
  visitors: 'customers are phone numbers, not web visitors',
};
const strip = (r: Parameters<NonNullable<Parameters<typeof runConnectorContract>[1]['stripSignature']>>[0]) => ({
  ...r,
  headers: { ...r.headers, authorization: undefined, 'x-gateway-signature': undefined },
});

describe('kannel mode', () => {
  runConnectorContract(smsGatewayConnector, {
    config: kannelConfig,
    otherSecretConfig: kannelOtherSecret,
    requests: [
      ...kannelMessages.map((m, i) => ({
        name: `get-url message ${i + 1}`,
        request: kannelGet(m),
        expect: 'events' as const,
      })),
      ...kannelReports.map((d) => ({
        name: `dlr-url type ${d.type}`,
        request: kannelGet(d),
        expect: 'events' as const,
      })),
    ],
    unknownUpdate: kannelGet({ msg: 'msg_01', type: '4', reply: '', ts: '1796604725' }),
    stripSignature: strip,
    // the secret proves the caller (Kannel cannot sign its URLs): a tampered proof must fail
    tamper: (r) => ({ ...r, headers: { ...r.headers, authorization: `${r.headers.authorization ?? ''}x` } }),
    features: { optOut: { message: kannelGet({ ...kannelMessages[0], text: 'Halt' }) } },
    absentFeatures,
    fuzz: kannelFuzz,
    send: {
      message,
      success: text(202, '0: Accepted for delivery'),
      auth: text(403, 'Authorization failed for sendsms'),
      // Kannel itself answers no 429; a proxy in front of it may
      rateLimited: text(429, 'Too Many Requests'),
      unavailable: text(503, 'Temporal failure, try again later.'),
    },
  });
});

describe('http mode', () => {
  runConnectorContract(smsGatewayConnector, {
    config: httpConfig,
    otherSecretConfig: httpOtherSecret,
    requests: httpMessages.map((m, i) => ({
      name: `contract event ${i + 1}`,
      request: httpRequest(Buffer.from(JSON.stringify(m))),
      expect: 'events' as const,
    })),
    unknownUpdate: httpRequest(Buffer.from(JSON.stringify({ event: 'status', id: 'msg_01', status: 'read-by-robot' }))),
    stripSignature: strip,
    features: {
      optOut: {
        message: httpRequest(
          Buffer.from(JSON.stringify({ event: 'message', id: 'phone-msg-9', from: '+4915112345678', text: 'Halt' })),
        ),
      },
    },
    absentFeatures,
    fuzz: httpFuzz,
    send: {
      message,
      success: json(202, { id: 'gw-1' }),
      auth: json(401, { error: { code: 'UNAUTHORIZED', message: 'bad token' } }),
      rateLimited: json(429, { error: { code: 'RATE_LIMITED', message: 'slow down' } }, { 'retry-after': '2' }),
      unavailable: json(503, { error: { code: 'UNAVAILABLE', message: 'no signal' } }),
    },
  });
});

function ctx(config: SmsGatewayConfig, answer: () => Response, seen: string[] = []): SendContext<SmsGatewayConfig> {
  const quiet = () => undefined;
  return {
    connectionId: 'conn_1',
    config,
    webhookUrl: WEBHOOK_URL,
    http: (url, init) => {
      seen.push(`${init?.method ?? 'GET'} ${url} ${typeof init?.body === 'string' ? init.body : ''}`);
      return Promise.resolve(answer());
    },
    log: { debug: quiet, info: quiet, warn: quiet, error: quiet },
    signal: new AbortController().signal,
    media: { read: () => Promise.reject(new Error('no media')) },
  };
}

describe('kannel sendsms', () => {
  it('sends UTF-8 with the coding the segments need, and a dlr-url back to us with the secret as its userinfo', async () => {
    const seen: string[] = [];
    const c = ctx(kannelConfig, () => new Response('0: Accepted for delivery', { status: 202 }), seen);
    const plain = await smsGatewayConnector.send(message, c);
    expect(plain).toEqual({ providerMessageId: 'msg_contract', from: '12345' });
    await smsGatewayConnector.send({ ...message, id: 'msg_emoji', content: { type: 'text', text: 'Thanks 😀' } }, c);
    const [first, second] = seen.map((s) => new URL(s.split(' ')[1] as string));
    expect(first?.pathname).toBe('/cgi-bin/sendsms');
    expect(Object.fromEntries(first?.searchParams ?? [])).toMatchObject({
      username: 'switchboard',
      password: 'sendsms-password-0001',
      from: '12345',
      to: '+4915112345678',
      text: 'hello',
      charset: 'UTF-8',
      coding: '0',
      'dlr-mask': '31',
    });
    expect(second?.searchParams.get('coding')).toBe('2');
    const dlr = second?.searchParams.get('dlr-url') ?? '';
    expect(dlr).toBe(
      'https://switchboard:inbound_secret-0123456789abcdef@hub.example.com/webhooks/conn_kannel?msg=msg_emoji&type=%d&reply=%A&ts=%T',
    );
  });

  it('reads "3: Queued for later delivery" as accepted, and maps each of Kannel\'s refusals', async () => {
    const queued = ctx(kannelConfig, () => new Response('3: Queued for later delivery', { status: 202 }));
    await expect(smsGatewayConnector.send(message, queued)).resolves.toMatchObject({
      providerMessageId: 'msg_contract',
    });
    const cases: Array<[number, string, string]> = [
      [403, 'Authorization failed for sendsms', 'AUTH'],
      [403, 'Not routable. Do not try again.', 'INVALID_RECIPIENT'],
      [403, 'Number(s) has/have been denied by white- and/or black-lists.', 'INVALID_RECIPIENT'],
      [400, 'Sender missing and no global set, rejected', 'INVALID_CONFIG'],
      [400, 'Missing receiver number, rejected', 'REJECTED'],
      [503, 'Temporal failure, try again later.', 'UNAVAILABLE'],
      [500, 'boom', 'UNAVAILABLE'],
    ];
    for (const [status, body, code] of cases) {
      const error = await smsGatewayConnector
        .send(
          message,
          ctx(kannelConfig, () => new Response(body, { status })),
        )
        .catch((e: unknown) => e);
      expect([body, (error as ChannelError).code]).toEqual([body, code]);
      expect((error as ChannelError).message).not.toContain(kannelConfig.password);
    }
    // a 2xx that is not one of Kannel's acceptances is not taken for one
    const odd = await smsGatewayConnector
      .send(
        message,
        ctx(kannelConfig, () => new Response('Sending failed.', { status: 202 })),
      )
      .catch((e: unknown) => e);
    expect(odd).toBeInstanceOf(ChannelError);
    expect(kannelError(403, 'Not routable. Do not try again.').retryable).toBe(false);
  });

  it('refuses a text over maxSegments parts before calling Kannel', async () => {
    const seen: string[] = [];
    const c = ctx(
      { ...kannelConfig, maxSegments: 2 },
      () => new Response('0: Accepted for delivery', { status: 202 }),
      seen,
    );
    const error = await smsGatewayConnector
      .send({ ...message, content: { type: 'text', text: '😀'.repeat(70) } }, c)
      .catch((e: unknown) => e);
    expect((error as ChannelError).code).toBe('REJECTED');
    expect((error as ChannelError).message).toMatch(/3 SMS parts \(UCS-2\).*at most 2/);
    expect(seen).toEqual([]);
  });

  it('builds the get-url to paste into kannel.conf', () => {
    expect(kannelGetUrl('http://hub.local:8080/webhooks/conn_1', 'abc_DEF-123')).toBe(
      'http://switchboard:abc_DEF-123@hub.local:8080/webhooks/conn_1?from=%p&to=%P&text=%b&smsc=%i&id=%I&time=%T&coding=%c&charset=%C',
    );
    expect(kannelCallbackUrl('http://h/w?a=1', 's3cret_value', 'x=%d')).toBe(
      'http://switchboard:s3cret_value@h/w?a=1&x=%d',
    );
  });
});

describe('kannel callbacks', () => {
  const parse = (params: Record<string, string>) => verifySmsGateway(kannelGet(params), kannelConfig);

  it('accepts only the Basic auth of this inbound secret, for user switchboard', () => {
    expect(parse(kannelMessages[0] as Record<string, string>).ok).toBe(true);
    const other = {
      ...kannelGet(kannelMessages[0] as Record<string, string>),
      headers: { authorization: basic('wrong-secret-0000000') },
    };
    expect(verifySmsGateway(other, kannelConfig).ok).toBe(false);
    const noSecret = { ...kannelConfig, inboundSecret: undefined };
    expect(verifySmsGateway(kannelGet(kannelMessages[0] as Record<string, string>), noSecret)).toMatchObject({
      ok: false,
      status: 403,
    });
  });

  it('keeps the text byte for byte: %b spaces and line breaks, UTF-8, and UCS-2 that Kannel did not recode', () => {
    const req = kannelGet({ ...(kannelMessages[0] as Record<string, string>), text: 'two  spaces\nand a line' });
    const out = smsGatewayConnector.inbound.parse(req, kannelConfig);
    expect(out).toMatchObject({ kind: 'events', events: [{ content: { text: 'two  spaces\nand a line' } }] });
    expect(out.kind === 'events' && out.reply).toEqual({
      status: 200,
      headers: { 'content-type': 'text/plain' },
      body: '',
    });
    const ucs2 = rawParams('text=%00H%00i%00%20%D8%3D%DE%00&coding=2&charset=UTF-16BE');
    expect(decodeText(ucs2.get('text') as Buffer, '2', 'UTF-16BE')).toBe('Hi 😀');
    expect(decodeText(Buffer.from('café'), '2', 'UTF-8')).toBe('café');
    const binary = smsGatewayConnector.inbound.parse(
      kannelGet({ ...(kannelMessages[0] as Record<string, string>), coding: '1', charset: '8-BIT' }),
      kannelConfig,
    );
    expect(binary.kind).toBe('ignored');
  });

  it('maps each dlr-mask bit to a status, keeping the SMSC answer', () => {
    const status = (type: string, reply = '') =>
      smsGatewayConnector.inbound.parse(kannelGet({ msg: 'msg_9', type, reply, ts: '1796604725' }), kannelConfig);
    expect(status('1')).toMatchObject({
      events: [{ kind: 'status', providerMessageId: 'msg_9', status: 'delivered' }],
    });
    expect(status('8', 'ACK/')).toMatchObject({ events: [{ status: 'sent' }] });
    expect(status('2', 'stat:UNDELIV err:001')).toMatchObject({
      events: [
        { status: 'failed', detail: { code: 'UNDELIVERED', message: expect.stringContaining('stat:UNDELIV err:001') } },
      ],
    });
    expect(status('16', 'NACK/no SMSC')).toMatchObject({
      events: [
        { status: 'failed', detail: { code: 'SMSC_REJECTED', message: expect.stringContaining('NACK/no SMSC') } },
      ],
    });
    expect(status('4').kind).toBe('ignored');
    expect(status('1').kind === 'events' && status('1')).toMatchObject({
      events: [{ timestamp: '2026-12-07T00:52:05.000Z' }],
    });
  });

  it('dedups a message on Kannel id + time and a report on (message, type)', () => {
    const key = smsGatewayEventKey;
    expect(key(kannelGet(kannelMessages[0] as Record<string, string>))).toBe(
      'mo:08c5e9e5-a29b-44fb-9664-d557dfeceedf:1796604723',
    );
    expect(key(kannelGet(kannelReports[1] as Record<string, string>))).toBe('dlr:msg_01:1');
  });
});

describe('config', () => {
  it('generates an inbound secret Kannel can carry in a URL, and needs a username in kannel mode', () => {
    const parsed = smsGatewayConfigSchema.parse({
      apiBaseUrl: 'http://k:13013',
      username: 'u',
      password: 'p',
      from: '1',
    });
    const prepared = smsGatewayConnector.prepareConfig?.(parsed, () => 'ab+/cd=ef'.repeat(6));
    expect(prepared?.inboundSecret).toMatch(/^[A-Za-z0-9_-]{16,}$/);
    expect(smsGatewayConfigSchema.safeParse({ apiBaseUrl: 'http://k:13013', password: 'p', from: '1' }).success).toBe(
      false,
    );
    expect(
      smsGatewayConfigSchema.safeParse({
        apiBaseUrl: 'http://k',
        username: 'u',
        password: 'p',
        from: '1',
        inboundSecret: 'has@and:colon-long',
      }).success,
    ).toBe(false);
  });
});
