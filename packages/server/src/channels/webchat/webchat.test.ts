/** The webchat connector passes the connector contract; visitor tokens are its "signature". */
import { describe, expect, it } from 'vitest';
import type { WebhookRequest } from '../../channel-kit/index.js';
import { runConnectorContract } from '../../channel-kit/contract.js';
import { webchatFuzz } from './fixtures/fuzz.js';
import { webchatConnector } from './index.js';
import { issueVisitorToken, checkVisitorToken } from './visitor-token.js';
import { webchatPublicSettings } from './public-settings.js';

const config = {
  sessionSecret: 'webchat-session-secret-0001',
  title: 'Chat',
  color: '#112233',
  position: 'right' as const,
};
const visitorId = 'vis_01hzzzzzzzzzzzzzzzzzzzzzzz';
const token = issueVisitorToken(config, visitorId);
const request = (body: unknown, t: string = token): WebhookRequest => ({
  method: 'POST',
  url: 'http://localhost/webchat/c/messages',
  headers: { authorization: `Bearer ${t}`, 'x-webchat-visitor': visitorId, 'content-type': 'application/json' },
  query: {},
  rawBody: Buffer.from(JSON.stringify(body)),
});

runConnectorContract(webchatConnector, {
  config,
  otherSecretConfig: { ...config, sessionSecret: 'another-session-secret-0002' },
  requests: [
    {
      name: 'a visitor text',
      request: request({ clientMessageId: 'a', text: 'hello', timestamp: '2024-01-01T00:00:00.000Z' }),
      expect: 'events',
    },
    {
      name: 'a visitor attachment',
      request: request({
        clientMessageId: 'b',
        attachment: { url: 'http://localhost:8080/media/att_01hzzzzzzzzzzzzzzzzzzzzzzz/k3y', mimeType: 'image/png' },
        timestamp: '2024-01-01T00:00:00.000Z',
      }),
      expect: 'events',
    },
    { name: 'visitor typing', request: request({ type: 'typing' }), expect: 'events' },
    {
      name: 'the offline form',
      request: request({
        type: 'offline_form',
        clientMessageId: 'o',
        email: 'ana@example.com',
        message: 'call me',
        timestamp: '2024-01-01T00:00:00.000Z',
      }),
      expect: 'events',
    },
  ],
  unknownUpdate: request({ hello: 'world' }),
  stripSignature: (req) => ({ ...req, headers: { 'content-type': 'application/json' } }),
  tamper: (req) => ({
    ...req,
    headers: { ...req.headers, authorization: `${String(req.headers.authorization).slice(0, -2)}xx` },
  }),
  fuzz: webchatFuzz,
  features: {
    // the operator's typing reaches the visitor's own stream; there is no provider to call
    typing: { to: visitorId, success: [], auth: { status: 401, body: '{}' } },
    visitors: { visitorId },
  },
  absentFeatures: {
    health: 'the widget talks to the hub itself; there is no provider to ask',
    optOut: 'a web visitor closes the widget; there is no later outreach to opt out of',
    fetchMedia: "visitors upload their files to the hub directly; there is no provider's copy to fetch",
    readReceipts: 'the widget shows what the visitor has seen itself; nothing to tell a provider',
    templates: 'the hub may write to a visitor with an open session at any time',
    senders: 'the widget talks to the hub, not to a number',
  },
});

describe('visitor tokens', () => {
  it('name the visitor they were issued for and nothing else', () => {
    expect(checkVisitorToken(config, token)).toBe(visitorId);
    expect(checkVisitorToken(config, token.replace(visitorId, 'vis_01hyyyyyyyyyyyyyyyyyyyyyyy'))).toBeUndefined();
    expect(checkVisitorToken(config, 'garbage')).toBeUndefined();
    expect(checkVisitorToken(config, undefined)).toBeUndefined();
  });
  it('gives the same message id for a re-sent message (dedup key)', () => {
    const parse =
      webchatConnector.inbound.mode === 'webhook'
        ? webchatConnector.inbound.parse
        : () => ({ kind: 'ignored' as const, reason: '' });
    const a = parse(request({ clientMessageId: 'same', text: 'x', timestamp: '2024-01-01T00:00:00.000Z' }), config);
    const b = parse(request({ clientMessageId: 'same', text: 'x', timestamp: '2024-01-01T00:00:05.000Z' }), config);
    expect(a.kind === 'events' && a.events[0]?.kind === 'message' && a.events[0].providerMessageId).toBe(
      b.kind === 'events' && b.events[0]?.kind === 'message' && b.events[0].providerMessageId,
    );
  });
});

describe('the offline form', () => {
  const parse =
    webchatConnector.inbound.mode === 'webhook'
      ? webchatConnector.inbound.parse
      : () => ({ kind: 'ignored' as const, reason: '' });
  it('becomes a text message whose contact gets the email and whose metadata names the form', () => {
    const out = parse(
      request({
        type: 'offline_form',
        clientMessageId: 'o-1',
        email: 'ana@example.com',
        name: ' Ana ',
        message: 'call me',
        timestamp: '2024-01-01T00:00:00.000Z',
      }),
      config,
    );
    expect(out).toEqual({
      kind: 'events',
      events: [
        {
          kind: 'message',
          providerMessageId: `${visitorId}:offline:o-1`,
          from: { address: visitorId, name: 'Ana', attributes: { email: 'ana@example.com' } },
          content: { type: 'text', text: 'call me' },
          timestamp: '2024-01-01T00:00:00.000Z',
          metadata: { source: 'webchat_offline_form', email: 'ana@example.com', name: 'Ana' },
        },
      ],
    });
  });
  it('is ignored with a bad email or without a message', () => {
    expect(
      parse(request({ type: 'offline_form', clientMessageId: 'o-2', email: 'nope', message: 'x' }), config).kind,
    ).toBe('ignored');
    expect(
      parse(request({ type: 'offline_form', clientMessageId: 'o-3', email: 'ana@example.com' }), config).kind,
    ).toBe('ignored');
  });
});

describe('public settings', () => {
  it('carry appearance, greeting, hours and offline behaviour, and never the session secret', () => {
    const full = {
      ...config,
      greeting: 'Hi',
      avatarUrl: 'https://cdn.example.com/a.png',
      operatingHours: {
        enabled: true,
        timeZone: 'UTC',
        schedule: [{ day: 'mon' as const, from: '09:00', to: '17:00' }],
      },
      offline: { mode: 'message' as const, text: 'Closed' },
    };
    const monday10 = webchatPublicSettings(full, new Date('2026-01-05T10:00:00Z'));
    expect(monday10).toEqual({
      appearance: { title: 'Chat', color: '#112233', position: 'right', avatarUrl: 'https://cdn.example.com/a.png' },
      greeting: 'Hi',
      open: true,
      operatingHours: { timeZone: 'UTC', schedule: full.operatingHours.schedule },
      offline: { mode: 'message', text: 'Closed' },
    });
    expect(webchatPublicSettings(full, new Date('2026-01-05T17:00:00Z')).open).toBe(false);
    expect(JSON.stringify(monday10)).not.toContain(config.sessionSecret);
  });
  it('fill defaults for configs stored before the fields existed', () => {
    const old = {
      sessionSecret: 'webchat-session-secret-0001',
      title: 'Chat',
      color: '#112233',
    } as unknown as Parameters<typeof webchatPublicSettings>[0];
    expect(webchatPublicSettings(old, new Date())).toMatchObject({
      appearance: { position: 'right', avatarUrl: null },
      greeting: null,
      open: true,
      operatingHours: null,
      offline: { mode: 'form' },
    });
  });
});
