/** The Intercom connector passes the connector contract with Intercom-shaped fixtures, plus its signature, parse and error rules. */
import { describe, expect, it } from 'vitest';
import { runConnectorContract } from '../../channel-kit/contract.js';
import type { WebhookRequest } from '../../channel-kit/index.js';
import type { InboundConversationEvent, InboundMessageEvent } from '../../model/index.js';
import { intercomError, intercomRetryAfterMs, mirrorResolved, startIntercom } from './api.js';
import type { BaseContext } from '../../channel-kit/index.js';
import type { IntercomConfig } from './config.js';
import { independentSignature, intercomFuzz } from './fixtures/fuzz.js';
import {
  CONTACT_ID,
  CONVERSATION_ID,
  notifications,
  OTHER_ADMIN,
  OUR_ADMIN,
  ourClose,
  ourReply,
  noteAnswer,
  ping,
  replyAnswer,
} from './fixtures/inbound.js';
import { intercomConnector } from './index.js';
import { htmlToText } from './parse.js';
import { textToHtml } from './send.js';

const config: IntercomConfig = {
  accessToken: 'intercom-test-access-token-0001',
  clientSecret: 'intercom-test-client-secret-0001',
  adminId: OUR_ADMIN,
  apiVersion: '2.11',
  apiBaseUrl: 'http://intercom.invalid',
  onResolve: 'close',
};
const otherSecretConfig: IntercomConfig = {
  ...config,
  accessToken: 'another-access-token-0002',
  clientSecret: 'another-client-secret-0002',
};
const URL = 'http://localhost/webhooks/conn_intercom';

const signed = (body: unknown, secret = config.clientSecret): WebhookRequest => {
  const raw = Buffer.from(JSON.stringify(body));
  return {
    method: 'POST',
    url: URL,
    query: {},
    rawBody: raw,
    receivedAt: '2024-01-15T10:30:15.000Z',
    headers: {
      'content-type': 'application/json',
      'user-agent': 'intercom-parrot-service-client/1.0',
      'x-hub-signature': independentSignature(secret, raw),
    },
  };
};
const json = (status: number, body: unknown, headers: Record<string, string> = {}) => ({
  status,
  body: JSON.stringify(body),
  headers: { 'content-type': 'application/json', ...headers },
});
const errorList = (code: string, message: string) => ({
  type: 'error.list',
  request_id: '000on3gsgubfr2ri4jb0',
  errors: [{ code, message }],
});

const meAnswer = {
  type: 'admin',
  id: config.adminId,
  email: 'bot@acme.example',
  name: 'Acme Bot',
  email_verified: true,
  app: { type: 'app', id_code: 'a86dr8yl', name: 'Acme', region: 'US', timezone: 'Europe/London' },
  has_inbox_seat: true,
};
const adminAnswer = (away: boolean) => ({
  type: 'admin',
  id: config.adminId,
  name: 'Acme Bot',
  email: 'bot@acme.example',
  away_mode_enabled: away,
  away_mode_reassign: false,
  has_inbox_seat: true,
  team_ids: [],
});

runConnectorContract(intercomConnector, {
  config,
  otherSecretConfig,
  requests: Object.entries(notifications).map(([name, body]) => ({
    name: `${body.topic} ${name} (https://developers.intercom.com/docs/references/webhooks/webhook-models)`,
    request: signed(body),
    expect: 'events' as const,
  })),
  unknownUpdate: signed(ping),
  stripSignature: (r) => ({ ...r, headers: { ...r.headers, 'x-hub-signature': undefined } }),
  fuzz: intercomFuzz,
  features: {
    fetchMedia: {
      media: { providerMediaId: 'http://intercom.invalid/_attachments/a1/box.png', mimeType: 'image/png' },
      success: [{ status: 200, body: 'PNGBYTES', headers: { 'content-type': 'image/png' } }],
      auth: json(401, errorList('unauthorized', 'Access Token Invalid')),
    },
    internalNotes: {
      message: {
        id: 'msg_note',
        conversationId: 'conv_contract',
        to: CONTACT_ID,
        threadKey: CONVERSATION_ID,
        content: { type: 'text', text: 'the customer asked twice already' },
      },
      answers: { note: json(200, noteAnswer), message: json(200, replyAnswer) },
      mentions: '"message_type":"note"',
    },
    // GET /me, then the admin replies go as (https://developers.intercom.com/docs/references/rest-api/api.intercom.io/admins/retrieveadmin):
    // present, then in away mode
    health: {
      healthy: [json(200, meAnswer), json(200, adminAnswer(false))],
      warning: { answers: [json(200, meAnswer), json(200, adminAnswer(true))], mentions: 'away mode' },
      auth: json(401, errorList('unauthorized', 'Access Token Invalid')),
    },
    resolved: {
      conversation: { threadKey: CONVERSATION_ID, address: CONTACT_ID },
      success: [json(200, replyAnswer)],
      auth: json(401, errorList('unauthorized', 'Access Token Invalid')),
    },
  },
  absentFeatures: {
    optOut: 'customers leave an Intercom conversation or block the app; there are no keywords to honour',
    typing: 'the REST API has no typing indicator for admins',
    readReceipts: 'Intercom shows its own seen state; the REST API takes no read receipt',
    templates: 'Intercom replies are free-form; it has no message templates to sync',
    senders: 'one connection replies as one admin',
    visitors: 'customers are Intercom contacts, not web visitors of ours',
  },
  send: {
    message: {
      id: 'msg_contract',
      conversationId: 'conv_contract',
      to: CONTACT_ID,
      threadKey: CONVERSATION_ID,
      content: { type: 'text', text: 'hello' },
    },
    success: json(200, replyAnswer),
    auth: json(401, errorList('unauthorized', 'Access Token Invalid')),
    rateLimited: json(429, errorList('rate_limit_exceeded', 'Exceeded rate limit of 1666 in 10_seconds'), {
      'x-ratelimit-limit': '1666',
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 5),
    }),
    unavailable: json(503, errorList('service_unavailable', 'Sorry, the API service is temporarily unavailable')),
  },
});

const parse = (b: unknown) =>
  intercomConnector.inbound.mode === 'webhook' ? intercomConnector.inbound.parse(signed(b), config) : undefined;
const events = (b: unknown) => {
  const out = parse(b);
  if (out?.kind !== 'events') throw new Error(JSON.stringify(out));
  return out.events;
};

describe('intercom specifics', () => {
  it('signs like the local test vector of the provider reference (sha1= hex HMAC-SHA1 of the raw body)', () => {
    const body = Buffer.from('{"object":"whatsapp_business_account","entry":[]}');
    expect(independentSignature('hub_secret', body)).toBe('sha1=3a5e5a2554b1f3b998b613607597c8b7bdbe51ac');
    const verify = intercomConnector.inbound.mode === 'webhook' ? intercomConnector.inbound.verify : undefined;
    const req: WebhookRequest = {
      method: 'POST',
      url: URL,
      query: {},
      rawBody: body,
      headers: { 'x-hub-signature': 'sha1=3a5e5a2554b1f3b998b613607597c8b7bdbe51ac' },
    };
    expect(verify?.(req, { ...config, clientSecret: 'hub_secret' })).toEqual({ ok: true });
    expect(verify?.({ ...req, method: 'GET' }, { ...config, clientSecret: 'hub_secret' })).toMatchObject({ ok: false });
    // the Developer Hub's HEAD check of the URL: answered 200 as a handshake, so it is never stored
    expect(verify?.({ ...req, method: 'HEAD', headers: {} }, config)).toEqual({ ok: true });
    expect(
      intercomConnector.inbound.mode === 'webhook' &&
        intercomConnector.inbound.parse({ ...req, method: 'HEAD' }, config),
    ).toEqual({
      kind: 'handshake',
      reply: { status: 200 },
    });
    expect(
      verify?.(
        { ...req, headers: { 'x-hub-signature': 'sha1=3A5E5A2554B1F3B998B613607597C8B7BDBE51AC' } },
        {
          ...config,
          clientSecret: 'hub_secret',
        },
      ),
    ).toMatchObject({ ok: false });
  });

  it('maps the conversation source and each new part to messages: contact = address, conversation = thread', () => {
    const [first] = events(notifications.created) as InboundMessageEvent[];
    expect(first).toMatchObject({
      providerMessageId: '2001',
      from: { address: CONTACT_ID, name: 'Ana Lima', attributes: { email: 'ana@example.com' } },
      threadKey: CONVERSATION_ID,
      content: { type: 'text', text: 'Hello, I need help with my order' },
      timestamp: '2024-01-15T10:30:00.000Z',
    });
    const [reply] = events(notifications.replied) as InboundMessageEvent[];
    expect(reply).toMatchObject({
      providerMessageId: '3001',
      content: { type: 'text', text: 'Order A-17 & A-18\nstill late' },
    });
    const files = events(notifications.attachment) as InboundMessageEvent[];
    expect(files.map((f) => f.providerMessageId)).toEqual(['3002', '3002#1']);
    expect(files[0]?.content).toMatchObject({
      type: 'image',
      media: { caption: 'the box', providerMediaId: 'https://downloads.intercomcdn.com/i/o/1/box.png', size: 1024 },
    });
    expect(files[1]?.content).toMatchObject({ type: 'document', media: { fileName: 'invoice.pdf' } });
  });

  it('stores another teammate’s reply as the business’s (echo), skips our own admin’s parts', () => {
    const [echo] = events(notifications.otherAdminReplied) as InboundMessageEvent[];
    expect(echo).toMatchObject({
      echo: true,
      providerMessageId: '3003',
      from: { address: CONTACT_ID },
      to: `admin:${OTHER_ADMIN}`,
      metadata: { intercomAuthor: { type: 'admin', id: OTHER_ADMIN, name: 'Mia' } },
    });
    expect(parse(ourReply)?.kind).toBe('ignored');
    expect(parse(ourClose)?.kind).toBe('ignored');
    expect(parse(ping)?.kind).toBe('ignored');
  });

  it('reflects a close and an assignment by another teammate', () => {
    expect(events(notifications.closed)[0] as InboundConversationEvent).toMatchObject({
      kind: 'conversation',
      change: 'closed',
      threadKey: CONVERSATION_ID,
      from: { address: CONTACT_ID },
      by: { id: `admin:${OTHER_ADMIN}`, name: 'Mia' },
    });
    expect(events(notifications.assigned)[0] as InboundConversationEvent).toMatchObject({
      change: 'assigned',
      assignee: { id: OTHER_ADMIN, type: 'admin' },
    });
  });

  it('reads HTML bodies as text and writes text as HTML', () => {
    expect(htmlToText('<p>a &lt;b&gt;</p><p>c<br>d &#128512; &#x1F600;</p>')).toBe('a <b>\nc\nd 😀 😀');
    expect(textToHtml('a <b>\n\nc\nd')).toBe('<p>a &lt;b&gt;</p><p>c<br>d</p>');
  });

  it('maps Intercom errors: token errors AUTH, 429 until X-RateLimit-Reset, missing conversation INVALID_RECIPIENT', () => {
    expect(intercomError(403, errorList('token_revoked', 'Token revoked'), 1000).code).toBe('AUTH');
    expect(intercomError(404, errorList('not_found', 'Resource Not Found'), 1000).code).toBe('INVALID_RECIPIENT');
    expect(intercomError(400, errorList('parameter_invalid', 'Body is required'), 1000)).toMatchObject({
      code: 'REJECTED',
      message: 'Body is required (parameter_invalid)',
      retryable: false,
    });
    const now = Date.UTC(2024, 0, 15, 10, 30, 0);
    const headers = new Headers({ 'x-ratelimit-reset': String(now / 1000 + 7) });
    expect(intercomRetryAfterMs({ headers, retryAfterMs: undefined }, now)).toBe(7000);
    expect(intercomError(429, errorList('rate_limit_exceeded', 'slow down'), 7000)).toMatchObject({
      code: 'RATE_LIMITED',
      retryAfterMs: 7000,
    });
  });

  const ctxWith = (answers: Array<{ status: number; body: unknown }>, over: Partial<IntercomConfig> = {}) => {
    const seen: Array<{ method: string; url: string; headers: Record<string, string>; body: unknown }> = [];
    let i = 0;
    const ctx: BaseContext<IntercomConfig> = {
      connectionId: 'conn_t',
      config: { ...config, ...over },
      webhookUrl: URL,
      signal: new AbortController().signal,
      log: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
      http: (url, init) => {
        seen.push({
          method: init?.method ?? 'GET',
          url,
          headers: init?.headers as Record<string, string>,
          body: typeof init?.body === 'string' ? JSON.parse(init.body) : undefined,
        });
        const a = answers[Math.min(i++, answers.length - 1)] as { status: number; body: unknown };
        return Promise.resolve(
          new Response(JSON.stringify(a.body), { status: a.status, headers: { 'content-type': 'application/json' } }),
        );
      },
    };
    return { ctx, seen };
  };

  it('mirrors a resolve as a close, or as an assignment when so configured, or not at all', async () => {
    const close = ctxWith([{ status: 200, body: replyAnswer }]);
    await mirrorResolved({ threadKey: CONVERSATION_ID }, close.ctx);
    expect(close.seen).toEqual([
      {
        method: 'POST',
        url: `http://intercom.invalid/conversations/${CONVERSATION_ID}/parts`,
        headers: expect.objectContaining({ authorization: `Bearer ${config.accessToken}`, 'intercom-version': '2.11' }),
        body: { message_type: 'close', type: 'admin', admin_id: OUR_ADMIN },
      },
    ]);
    const assign = ctxWith([{ status: 200, body: replyAnswer }], { onResolve: 'assign', resolveAssigneeId: '99' });
    await mirrorResolved({ threadKey: CONVERSATION_ID }, assign.ctx);
    expect(assign.seen[0]?.body).toEqual({
      message_type: 'assignment',
      type: 'admin',
      admin_id: OUR_ADMIN,
      assignee_id: '99',
    });
    const none = ctxWith([{ status: 200, body: {} }], { onResolve: 'none' });
    await mirrorResolved({ threadKey: CONVERSATION_ID }, none.ctx);
    expect(none.seen).toHaveLength(0);
  });

  it('start: a rejected token is AUTH, an unknown admin INVALID_CONFIG naming it', async () => {
    const bad = ctxWith([{ status: 401, body: errorList('unauthorized', 'Access Token Invalid') }]);
    await expect(startIntercom(bad.ctx)).rejects.toMatchObject({ code: 'AUTH' });
    const unknown = ctxWith([
      { status: 200, body: { type: 'admin', id: OUR_ADMIN, name: 'Switchboard' } },
      { status: 404, body: errorList('not_found', 'Admin Not Found') },
    ]);
    await expect(startIntercom(unknown.ctx)).rejects.toMatchObject({
      code: 'INVALID_CONFIG',
      message: expect.stringContaining(OUR_ADMIN),
    });
    expect(unknown.seen.map((x) => x.url)).toEqual([
      'http://intercom.invalid/me',
      `http://intercom.invalid/admins/${OUR_ADMIN}`,
    ]);
  });

  it('a send without an Intercom conversation to reply in is INVALID_RECIPIENT before any call', async () => {
    const { ctx, seen } = ctxWith([{ status: 200, body: replyAnswer }]);
    await expect(
      intercomConnector.send(
        { id: 'm1', conversationId: 'c1', to: CONTACT_ID, content: { type: 'text', text: 'hi' } },
        { ...ctx, media: { read: () => Promise.reject(new Error('unused')) } },
      ),
    ).rejects.toMatchObject({ code: 'INVALID_RECIPIENT' });
    expect(seen).toHaveLength(0);
  });
});
