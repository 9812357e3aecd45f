/**
 * The RCS connector end to end: a real hub and the RBM simulator. Token exchange and renewal, the first-configuration
 * handshake, signatures (tampered and missing), inbound text and suggestion replies, suggestions out, messageId
 * idempotency, and a number that is not RCS-capable going once over the SMS fallback connection (a phone channel:
 * the kit's test gateway declared as one, so any SMS connector works the same way).
 */
import { startRcsSimulator, type RcsSimulator } from '@switchboard/simulators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineConnector } from '../../channel-kit/index.js';
import { testConnectorDefinition } from '../../channel-kit/test-connector.js';
import type { Content } from '../../model/index.js';
import { fakeProvider, type FakeProvider } from '../../testing/fake-provider.js';
import { rcsConfigSchema } from './config.js';
import { rcsConnector } from './index.js';
import { eventually, startTestServer, type TestServer } from '../../testing/test-server.js';

interface Msg {
  id: string;
  status: string;
  content: Content;
  metadata: Record<string, unknown>;
  statusDetail: { code: string; message: string } | null;
  providerMessageId: string | null;
}
interface Conn {
  id: string;
  status: string;
  statusReason: string | null;
  webhookUrl: string;
}

const smsLike = defineConnector({
  ...testConnectorDefinition,
  type: 'x-sms',
  displayName: 'Test SMS',
  addressKind: 'phone',
});

describe('rcs connector end to end', () => {
  let sim: RcsSimulator;
  let sms: FakeProvider;
  let t: TestServer;
  let conn: Conn;
  let smsConn: Conn;

  const settled = (id: string) =>
    eventually(
      async () => {
        const m = (await t.api<Msg>('GET', `/api/v1/messages/${id}`)).body;
        return m.status === 'sent' || m.status === 'failed' || m.status === 'delivered' ? m : undefined;
      },
      15_000,
      `message ${id}`,
    );
  const conversationOf = (address: string) =>
    eventually(
      async () =>
        (
          await t.api<{ data: Array<{ id: string; address: string }> }>(
            'GET',
            `/api/v1/conversations?connectionId=${conn.id}`,
          )
        ).body.data.find((c) => c.address === address),
      10_000,
      `conversation of ${address}`,
    );

  beforeAll(async () => {
    sim = await startRcsSimulator({ tokenLifetimeSeconds: 61, retryScale: 0.1 });
    sms = await fakeProvider();
    t = await startTestServer({ extraConnectors: [smsLike], env: { SWITCHBOARD_OUTBOUND_MAX_ATTEMPTS: '3' } });
    smsConn = (
      await t.api<Conn>('POST', '/api/v1/connections', {
        type: 'x-sms',
        name: 'SMS',
        config: { signingSecret: 'signing-secret-1', apiToken: 'api-token-value-1', apiBaseUrl: sms.url },
      })
    ).body;
    expect((await t.api<Conn>('POST', `/api/v1/connections/${smsConn.id}/start`)).body.status).toBe('RUNNING');
    const created = await t.api<Conn>('POST', '/api/v1/connections', {
      type: 'rcs',
      name: 'RBM agent',
      config: {
        agentId: sim.agentId,
        serviceAccountKey: sim.serviceAccountKey,
        clientToken: sim.clientToken,
        apiBaseUrl: sim.url,
        tokenUrl: sim.tokenUrl,
        smsFallbackConnectionId: smsConn.id,
      },
    });
    expect(created.status).toBe(201);
    conn = created.body;
  });
  afterAll(async () => {
    await t?.close();
    await sim?.close();
    await sms?.close();
  });

  it('starts by exchanging the service-account JWT for a token, and answers the first-configuration handshake', async () => {
    expect((await t.api<Conn>('POST', `/api/v1/connections/${conn.id}/start`)).body).toMatchObject({
      statusReason: null,
      status: 'RUNNING',
    });
    expect(sim.tokensIssued).toBeGreaterThanOrEqual(1);
    expect(await sim.configureWebhook(conn.webhookUrl)).toBe(true);
  });

  it('refuses a tampered or missing signature, and takes signed text and suggestion replies', async () => {
    expect(await sim.postRaw({ senderPhoneNumber: '+14155550101', messageId: 'forged', text: 'x' }, 'AAAA')).toBe(403);
    expect(await sim.postRaw({ senderPhoneNumber: '+14155550101', messageId: 'forged2', text: 'x' }, '')).toBe(401);
    expect(await sim.userText('+14155550101', 'Hi from RCS')).toBe(200);
    const conv = await conversationOf('+14155550101');
    expect(await sim.userSuggestionResponse('+14155550101', 'track_order', 'Track my order')).toBe(200);
    const msgs = await eventually(
      async () => {
        const list = (await t.api<{ data: Msg[] }>('GET', `/api/v1/conversations/${conv.id}/messages`)).body.data;
        return list.length >= 2 ? list : undefined;
      },
      10_000,
      'two inbound',
    );
    expect(msgs.some((m) => m.content.type === 'text' && m.content.text === 'Hi from RCS')).toBe(true);
    expect(
      msgs.some((m) => m.content.type === 'interactive' && m.content.interactive.reply?.id === 'track_order'),
    ).toBe(true);
    expect(msgs.some((m) => m.content.type === 'text' && m.content.text === 'x')).toBe(false);
  });

  it('sends suggestions with messageId = our id; the same messageId again is one message; a delivery receipt applies', async () => {
    const conv = await conversationOf('+14155550101');
    const r = await t.api<Msg>('POST', `/api/v1/conversations/${conv.id}/messages`, {
      content: {
        type: 'interactive',
        interactive: {
          kind: 'buttons',
          text: 'Choose',
          buttons: [
            { id: 'a', title: 'A' },
            { id: 'b', title: 'B' },
          ],
        },
      },
    });
    await settled(r.body.id);
    const sent = sim.messages.find((m) => m.messageId === r.body.id);
    expect(sent?.contentMessage).toEqual({
      text: 'Choose',
      suggestions: [{ reply: { text: 'A', postbackData: 'a' } }, { reply: { text: 'B', postbackData: 'b' } }],
    });
    // a retried create (same messageId) is ignored by the platform
    const ctx = {
      connectionId: conn.id,
      config: rcsConfigSchema.parse({
        agentId: sim.agentId,
        serviceAccountKey: sim.serviceAccountKey,
        clientToken: sim.clientToken,
        apiBaseUrl: sim.url,
        tokenUrl: sim.tokenUrl,
      }),
      webhookUrl: conn.webhookUrl,
      http: (url: string, init?: RequestInit) => fetch(url, init),
      signal: AbortSignal.timeout(5000),
      log: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
      media: { read: () => Promise.reject(new Error('no media')) },
    };
    const repeat = {
      id: 'msg_repeat_1',
      conversationId: conv.id,
      to: '+14155550101',
      content: { type: 'text' as const, text: 'twice?' },
    };
    expect((await rcsConnector.send(repeat, ctx)).providerMessageId).toBe('msg_repeat_1');
    expect((await rcsConnector.send(repeat, ctx)).providerMessageId).toBe('msg_repeat_1');
    expect(sim.createCalls.filter((id) => id === 'msg_repeat_1')).toHaveLength(2);
    expect(sim.messages.filter((m) => m.messageId === 'msg_repeat_1')).toHaveLength(1);
    expect(await sim.deliver(r.body.id)).toBe(200);
    await eventually(
      async () =>
        (await t.api<Msg>('GET', `/api/v1/messages/${r.body.id}`)).body.status === 'delivered' ? true : undefined,
      10_000,
      'delivered',
    );
  });

  it('renews the access token before it expires', async () => {
    const conv = await conversationOf('+14155550101');
    const issued = sim.tokensIssued;
    await new Promise((r) => setTimeout(r, 1200));
    const r = await t.api<Msg>('POST', `/api/v1/conversations/${conv.id}/messages`, {
      content: { type: 'text', text: 'later' },
    });
    expect((await settled(r.body.id)).status).toBe('sent');
    expect(sim.tokensIssued).toBeGreaterThan(issued);
  });

  it('sends to a number that is not RCS-capable over the SMS fallback, exactly once, recorded on the message', async () => {
    sim.notRcsCapable('+14155550199');
    const r = await t.api<Msg>('POST', '/api/v1/messages', {
      connectionId: conn.id,
      to: '+14155550199',
      content: {
        type: 'interactive',
        interactive: { kind: 'buttons', text: 'Your code is ready', buttons: [{ id: 'ok', title: 'OK' }] },
      },
    });
    expect(r.status).toBe(202);
    const done = await settled(r.body.id);
    expect(done.status).toBe('sent');
    expect(done.metadata.fallback).toMatchObject({ connectionId: smsConn.id, channelType: 'x-sms' });
    const smsSent = sms.received.filter((m) => m.to === '+14155550199');
    expect(smsSent).toHaveLength(1);
    expect(smsSent[0]?.text).toContain('Your code is ready');
    expect(smsSent[0]?.text).toContain('OK');
    expect(sim.messages.filter((m) => m.phone === '+14155550199')).toHaveLength(0);
    await new Promise((res) => setTimeout(res, 300));
    expect(sms.received.filter((m) => m.to === '+14155550199')).toHaveLength(1);
  });
});
