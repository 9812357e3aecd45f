/** The webchat connector passes the connector contract; visitor tokens are its "signature". */
import { describe, expect, it } from 'vitest';
import type { WebhookRequest } from '../../channel-kit/index.js';
import { runConnectorContract } from '../../channel-kit/contract.js';
import { webchatConnector } from './index.js';
import { issueVisitorToken, checkVisitorToken } from './visitor-token.js';

const config = { sessionSecret: 'webchat-session-secret-0001', title: 'Chat', color: '#112233' };
const visitorId = 'vis_01hzzzzzzzzzzzzzzzzzzzzzzz';
const token = issueVisitorToken(config, visitorId);
const request = (body: unknown, t: string = token): WebhookRequest => ({
  method: 'POST', url: 'http://localhost/webchat/c/messages', headers: { authorization: `Bearer ${t}`, 'content-type': 'application/json' }, query: {},
  rawBody: Buffer.from(JSON.stringify(body)),
});

runConnectorContract(webchatConnector, {
  config,
  otherSecretConfig: { ...config, sessionSecret: 'another-session-secret-0002' },
  requests: [
    { name: 'a visitor text', request: request({ clientMessageId: 'a', text: 'hello', timestamp: '2024-01-01T00:00:00.000Z' }), expect: 'events' },
    { name: 'a visitor attachment', request: request({ clientMessageId: 'b', attachment: { url: 'http://localhost:8080/media/att_01hzzzzzzzzzzzzzzzzzzzzzzz/k3y', mimeType: 'image/png' }, timestamp: '2024-01-01T00:00:00.000Z' }), expect: 'events' },
    { name: 'visitor typing', request: request({ type: 'typing' }), expect: 'events' },
  ],
  unknownUpdate: request({ hello: 'world' }),
  stripSignature: (req) => ({ ...req, headers: { 'content-type': 'application/json' } }),
  tamper: (req) => ({ ...req, headers: { ...req.headers, authorization: `${String(req.headers.authorization).slice(0, -2)}xx` } }),
});

describe('visitor tokens', () => {
  it('name the visitor they were issued for and nothing else', () => {
    expect(checkVisitorToken(config, token)).toBe(visitorId);
    expect(checkVisitorToken(config, token.replace(visitorId, 'vis_01hyyyyyyyyyyyyyyyyyyyyyyy'))).toBeUndefined();
    expect(checkVisitorToken(config, 'garbage')).toBeUndefined();
    expect(checkVisitorToken(config, undefined)).toBeUndefined();
  });
  it('gives the same message id for a re-sent message (dedup key)', () => {
    const parse = webchatConnector.inbound.mode === 'webhook' ? webchatConnector.inbound.parse : () => ({ kind: 'ignored' as const, reason: '' });
    const a = parse(request({ clientMessageId: 'same', text: 'x', timestamp: '2024-01-01T00:00:00.000Z' }), config);
    const b = parse(request({ clientMessageId: 'same', text: 'x', timestamp: '2024-01-01T00:00:05.000Z' }), config);
    expect(a.kind === 'events' && a.events[0]?.kind === 'message' && a.events[0].providerMessageId).toBe(b.kind === 'events' && b.events[0]?.kind === 'message' && b.events[0].providerMessageId);
  });
});
