/**
 * The RCS connector end to end: a real hub and the RBM simulator. Token exchange and renewal, the first-configuration
 * handshake, signatures (tampered and missing), inbound text and suggestion replies, suggestions out, messageId
 * idempotency, a number that is not RCS-capable going once over the SMS fallback connection (a phone channel:
 * the kit's test gateway declared as one, so any SMS connector works the same way), a message left undelivered
 * revoked and then sent over SMS (never both), suggested actions, files by our signed link, and a rejected key.
 */
import { generateKeyPairSync } from 'node:crypto';
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

const FALLBACK_SECONDS = 3;
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

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
        // seconds here (10 minutes by default): a message not delivered by then is revoked and goes over SMS
        undeliveredFallbackSeconds: FALLBACK_SECONDS,
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

  it('takes a location and a user file, fetched with the agent token into the media store', async () => {
    const conv = await conversationOf('+14155550101');
    expect(await sim.userLocation('+14155550101', 37.422, -122.084)).toBe(200);
    const jpeg = Buffer.from('ffd8ffe000104a464946', 'hex');
    expect(await sim.userFile('+14155550101', { bytes: jpeg, mimeType: 'image/jpeg', fileName: 'receipt.jpg' })).toBe(
      200,
    );
    expect(await sim.userTyping('+14155550101')).toBe(200);
    const list = () => t.api<{ data: Msg[] }>('GET', `/api/v1/conversations/${conv.id}/messages`);
    const loc = await eventually(
      async () => (await list()).body.data.find((m) => m.content.type === 'location'),
      10_000,
      'location',
    );
    expect(loc.content).toMatchObject({ location: { latitude: 37.422, longitude: -122.084 } });
    const file = await eventually(
      async () => (await list()).body.data.find((m) => m.content.type === 'image' && m.content.media.state === 'ready'),
      10_000,
      'file stored',
    );
    expect(file.content.type === 'image' && file.content.media).toMatchObject({
      fileName: 'receipt.jpg',
      size: jpeg.length,
    });
  });

  it('sends one card as a standalone rich card and several as a carousel, with their suggestions', async () => {
    const conv = await conversationOf('+14155550101');
    const card = (n: number) => ({
      title: `Plan ${n}`,
      subtitle: `${n * 10} GB a month`,
      buttons: [{ id: `plan-${n}`, title: `Choose ${n}` }],
    });
    const one = await t.api<Msg>('POST', `/api/v1/conversations/${conv.id}/messages`, {
      content: { type: 'cards', cards: [card(1)] },
    });
    const two = await t.api<Msg>('POST', `/api/v1/conversations/${conv.id}/messages`, {
      content: { type: 'cards', cards: [card(1), card(2)] },
    });
    await settled(one.body.id);
    await settled(two.body.id);
    const content = (n: number) => ({
      title: `Plan ${n}`,
      description: `${n * 10} GB a month`,
      suggestions: [{ reply: { text: `Choose ${n}`, postbackData: `plan-${n}` } }],
    });
    expect(sim.messages.find((m) => m.messageId === one.body.id)?.contentMessage).toEqual({
      richCard: { standaloneCard: { cardOrientation: 'VERTICAL', cardContent: content(1) } },
    });
    expect(sim.messages.find((m) => m.messageId === two.body.id)?.contentMessage).toEqual({
      richCard: { carouselCard: { cardWidth: 'MEDIUM', cardContents: [content(1), content(2)] } },
    });
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

  it('revokes a message left undelivered for the configured time and sends it once over SMS instead', async () => {
    const conv = await conversationOf('+14155550101');
    const r = await t.api<Msg>('POST', `/api/v1/conversations/${conv.id}/messages`, {
      content: { type: 'text', text: 'Your table is ready' },
    });
    expect((await settled(r.body.id)).status).toBe('sent');
    expect(sim.messages.find((m) => m.messageId === r.body.id)?.state).toBe('SENT');
    const moved = await eventually(
      async () => {
        const m = (await t.api<Msg>('GET', `/api/v1/messages/${r.body.id}`)).body;
        return m.metadata.fallback ? m : undefined;
      },
      (FALLBACK_SECONDS + 5) * 1000,
      'fallback recorded',
    );
    expect(moved.metadata.fallback).toMatchObject({
      connectionId: smsConn.id,
      channelType: 'x-sms',
      revokedProviderMessageId: r.body.id,
      reason: expect.stringMatching(/not delivered over RCS within 3 s; revoked/),
    });
    expect(sim.messages.find((m) => m.messageId === r.body.id)?.state).toBe('REVOKED');
    await expect(sim.deliver(r.body.id)).rejects.toThrow(/revoked/);
    await pause(FALLBACK_SECONDS * 1000);
    expect(sms.received.filter((m) => m.text.includes('Your table is ready'))).toHaveLength(1);
  });

  it('leaves a delivered message alone, and sends nothing over SMS when the revoke comes too late', async () => {
    const conv = await conversationOf('+14155550101');
    const delivered = await t.api<Msg>('POST', `/api/v1/conversations/${conv.id}/messages`, {
      content: { type: 'text', text: 'Delivered in time' },
    });
    await settled(delivered.body.id);
    expect(await sim.deliver(delivered.body.id)).toBe(200);
    // on the device, but its DELIVERED event has not reached us when the time is up: the revoke fails, so no SMS
    const late = await t.api<Msg>('POST', `/api/v1/conversations/${conv.id}/messages`, {
      content: { type: 'text', text: 'Receipt still on its way' },
    });
    await settled(late.body.id);
    sim.deliverSilently(late.body.id);
    await eventually(
      async () => {
        const logs = (
          await t.api<{ data: Array<{ event: string; message: string }> }>('GET', `/api/v1/connections/${conn.id}/logs`)
        ).body.data;
        return logs.find((l) => l.event === 'fallback_skipped' && l.message.includes(late.body.id));
      },
      (FALLBACK_SECONDS + 5) * 1000,
      'revoke refused',
    );
    await pause(1000);
    for (const text of ['Delivered in time', 'Receipt still on its way'])
      expect(
        sms.received.filter((m) => m.text.includes(text)),
        text,
      ).toHaveLength(0);
    expect(sim.messages.find((m) => m.messageId === delivered.body.id)?.state).toBe('DELIVERED');
    expect((await t.api<Msg>('GET', `/api/v1/messages/${late.body.id}`)).body.metadata.fallback).toBeUndefined();
  });

  it('sends suggested actions (open URL, dial, share location, calendar) and a file by our signed link', async () => {
    const conv = await conversationOf('+14155550101');
    const r = await t.api<Msg>('POST', `/api/v1/conversations/${conv.id}/messages`, {
      content: {
        type: 'interactive',
        interactive: {
          kind: 'buttons',
          text: 'What next?',
          buttons: [
            { id: 'tel:+14155550100', title: 'Call us' },
            { id: 'share_location', title: 'Share location' },
            { id: 'calendar:2026-12-24T18:00:00Z/2026-12-24T20:00:00Z', title: 'Dinner' },
          ],
        },
      },
    });
    await settled(r.body.id);
    expect(sim.messages.find((m) => m.messageId === r.body.id)?.contentMessage.suggestions).toEqual([
      { action: { text: 'Call us', postbackData: 'tel:+14155550100', dialAction: { phoneNumber: '+14155550100' } } },
      { action: { text: 'Share location', postbackData: 'share_location', shareLocationAction: {} } },
      {
        action: {
          text: 'Dinner',
          postbackData: 'calendar:2026-12-24T18:00:00Z/2026-12-24T20:00:00Z',
          createCalendarEventAction: {
            startTime: '2026-12-24T18:00:00.000Z',
            endTime: '2026-12-24T20:00:00.000Z',
            title: 'Dinner',
            description: 'Dinner',
          },
        },
      },
    ]);
    const png = Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
      'base64',
    );
    const upload = await fetch(`${t.url}/api/v1/media?fileName=dot.png`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.token}`, 'content-type': 'image/png' },
      body: png,
    });
    const media = (await upload.json()) as { url: string };
    const img = await t.api<Msg>('POST', `/api/v1/conversations/${conv.id}/messages`, {
      content: { type: 'image', media: { url: media.url, mimeType: 'image/png' } },
    });
    expect((await settled(img.body.id)).status).toBe('sent');
    const fetched = sim.fetchedFiles.at(-1);
    // RBM fetched the file from our signed link, not the bare media URL
    expect(fetched).toMatchObject({ status: 200, bytes: png.length });
    expect(fetched?.url).not.toBe(new URL(media.url, t.url).toString());
  });

  it('revokes an undelivered message an operator deletes; a delivered one cannot be taken back (409)', async () => {
    const conv = await conversationOf('+14155550101');
    const r = await t.api<Msg>('POST', `/api/v1/conversations/${conv.id}/messages`, {
      content: { type: 'text', text: 'Sent by mistake' },
    });
    await settled(r.body.id);
    const del = await t.api<Msg>('DELETE', `/api/v1/messages/${r.body.id}`);
    expect(del.status).toBe(200);
    expect(del.body).toMatchObject({ status: 'failed', statusDetail: { code: 'REVOKED' } });
    expect(del.body.metadata.revoked).toMatchObject({ by: expect.stringMatching(/^user:/) });
    expect(sim.messages.find((m) => m.messageId === r.body.id)?.state).toBe('REVOKED');
    // taken back, so the timed fallback has nothing to carry
    await pause((FALLBACK_SECONDS + 1) * 1000);
    expect(sms.received.filter((m) => m.text.includes('Sent by mistake'))).toHaveLength(0);
    const delivered = await t.api<Msg>('POST', `/api/v1/conversations/${conv.id}/messages`, {
      content: { type: 'text', text: 'Already there' },
    });
    await settled(delivered.body.id);
    sim.deliverSilently(delivered.body.id);
    const refused = await t.api<{ error: { code: string; message: string } }>(
      'DELETE',
      `/api/v1/messages/${delivered.body.id}`,
    );
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toMatch(/delivered already/);
    expect((await t.api<Msg>('GET', `/api/v1/messages/${delivered.body.id}`)).body.status).toBe('sent');
    // an inbound message is the customer's
    const inbound = (
      await t.api<{ data: Array<Msg & { direction: string }> }>('GET', `/api/v1/conversations/${conv.id}/messages`)
    ).body.data.find((m) => m.direction === 'inbound');
    expect((await t.api('DELETE', `/api/v1/messages/${inbound?.id ?? 'none'}`)).status).toBe(409);
  });

  it('turns a connection ERROR when the token endpoint refuses the service-account key', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const foreign = JSON.parse(sim.serviceAccountKey) as Record<string, unknown>;
    foreign.private_key = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    foreign.private_key_id = 'not-issued-by-the-simulator';
    const other = await t.api<Conn>('POST', '/api/v1/connections', {
      type: 'rcs',
      name: 'RBM agent, wrong key',
      config: {
        agentId: sim.agentId,
        serviceAccountKey: JSON.stringify(foreign),
        clientToken: sim.clientToken,
        apiBaseUrl: sim.url,
        tokenUrl: sim.tokenUrl,
      },
    });
    const started = (await t.api<Conn>('POST', `/api/v1/connections/${other.body.id}/start`)).body;
    expect(started.status).toBe('ERROR');
    expect(started.statusReason).toMatch(/refused the service-account key/);
    expect(started.statusReason).not.toContain('PRIVATE KEY');
  });
});
