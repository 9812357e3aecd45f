/**
 * The VK connector end to end: a real hub on 127.0.0.1 and the VK simulator. Start (token check, confirmation,
 * callback server registration), forged callbacks, every inbound kind, edits, callback buttons, dedup, replies
 * with random_id idempotency, a photo upload, and the long-poll mode recovering from failed 2 and 3.
 */
import { startVkSimulator, type VkSimulator } from '@switchboard/simulators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SendContext } from '../../channel-kit/index.js';
import type { Content } from '../../model/index.js';
import { eventually, startTestServer, type TestServer } from '../../testing/test-server.js';
import { vkConnector, type VkConfig } from './index.js';

interface Conv {
  id: string;
  address: string;
}
interface Msg {
  id: string;
  direction: string;
  status: string;
  content: Content;
  editedAt: string | null;
  statusDetail: { code: string; message: string } | null;
}
interface Conn {
  id: string;
  status: string;
  statusReason: string | null;
  webhookUrl: string;
  config: Record<string, unknown>;
}

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

describe('vk connector end to end', () => {
  let sim: VkSimulator;
  let t: TestServer;
  let conn: Conn;

  const conversationOf = (address: string, connectionId = conn.id) =>
    eventually(
      async () =>
        (
          await t.api<{ data: Conv[] }>('GET', `/api/v1/conversations?connectionId=${connectionId}&limit=200`)
        ).body.data.find((c) => c.address === address),
      10_000,
      `conversation of ${address}`,
    );
  const messagesOf = async (id: string) =>
    (await t.api<{ data: Msg[] }>('GET', `/api/v1/conversations/${id}/messages?limit=200`)).body.data;
  const messageWith = (id: string, match: (m: Msg) => boolean, what: string) =>
    eventually(async () => (await messagesOf(id)).find(match), 10_000, what);

  beforeAll(async () => {
    sim = await startVkSimulator({ callbackRetryScale: 0.001 });
    t = await startTestServer({ env: { SWITCHBOARD_OUTBOUND_MAX_ATTEMPTS: '4', SWITCHBOARD_RETRY_BASE_MS: '50' } });
    const created = await t.api<Conn>('POST', '/api/v1/connections', {
      type: 'vk',
      name: 'Community',
      config: { groupId: sim.groupId, accessToken: sim.token, apiBaseUrl: sim.url },
    });
    expect(created.status).toBe(201);
    conn = created.body;
    expect(conn.config.accessToken).toBe('********');
    expect(conn.config.secret).toBe('********');
  });
  afterAll(async () => {
    await t?.close();
    await sim?.close();
  });

  it('starts: checks the token, learns the confirmation code, registers our URL, and answers the confirmation', async () => {
    const started = await t.api<Conn>('POST', `/api/v1/connections/${conn.id}/start`);
    expect(started.body).toMatchObject({ status: 'RUNNING', statusReason: null });
    expect(sim.calls.some((c) => c.method === 'groups.getById')).toBe(true);
    const server = await eventually(
      () => Promise.resolve(sim.callbackServers().find((s) => s.status === 'ok')),
      10_000,
      'callback server confirmed',
    );
    expect(server.url).toBe(conn.webhookUrl);
    expect(server.events).toEqual(expect.arrayContaining(['message_new', 'message_edit', 'message_event']));
    const confirmed = sim.callbackAttempts.find(
      (a) => a.type === 'confirmation' && a.status === 200 && a.body === sim.confirmationCode,
    );
    expect(confirmed).toBeDefined();
  });

  it('refuses a callback whose secret is missing or wrong, storing nothing, with a log line', async () => {
    const body = (secret?: string) =>
      JSON.stringify({
        type: 'message_new',
        group_id: sim.groupId,
        event_id: `forged-${secret ?? 'none'}`,
        v: '5.199',
        ...(secret ? { secret } : {}),
        object: {
          message: {
            date: 1,
            from_id: 777,
            id: 1,
            peer_id: 777,
            text: 'forged',
            conversation_message_id: 1,
            attachments: [],
          },
        },
      });
    for (const [b, status] of [
      [body(), 401],
      [body('wrong'), 403],
    ] as const) {
      const res = await fetch(conn.webhookUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: b,
      });
      expect(res.status).toBe(status);
    }
    const logs = (await t.api<{ data: Array<{ message: string }> }>('GET', `/api/v1/connections/${conn.id}/logs`)).body
      .data;
    expect(logs.some((l) => /webhook rejected/.test(l.message))).toBe(true);
    const convs = (await t.api<{ data: Conv[] }>('GET', '/api/v1/conversations?limit=200')).body.data;
    expect(convs.find((c) => c.address === '777')).toBeUndefined();
  });

  it('receives text, photo, location, link; answers ok; a redelivery is stored once', async () => {
    const { eventId } = sim.customerMessage(1001, { text: 'Hello community' });
    const conv = await conversationOf('1001');
    await messageWith(conv.id, (m) => m.content.type === 'text' && m.content.text === 'Hello community', 'text');
    sim.customerMessage(1001, {
      attachments: [
        {
          type: 'photo',
          photo: {
            id: 5,
            owner_id: 1001,
            sizes: [{ type: 'x', url: `${sim.url}/nothing.jpg`, width: 10, height: 10 }],
          },
        },
      ],
    });
    await messageWith(conv.id, (m) => m.content.type === 'image', 'photo');
    sim.customerMessage(1001, { geo: { type: 'point', coordinates: { latitude: 55.75, longitude: 37.61 } } });
    await messageWith(conv.id, (m) => m.content.type === 'location', 'location');
    sim.customerMessage(1001, {
      text: 'look',
      attachments: [{ type: 'link', link: { url: 'https://example.com/x', title: 'X' } }],
    });
    await messageWith(
      conv.id,
      (m) => m.content.type === 'text' && m.content.text.includes('https://example.com/x'),
      'link',
    );
    const okAnswers = sim.callbackAttempts.filter((a) => a.type === 'message_new');
    expect(okAnswers.every((a) => a.status === 200 && a.body === 'ok')).toBe(true);
    // the same event delivered again (VK retries) is answered ok and stored once
    const first = sim.callbackAttempts.length;
    const again = await fetch(conn.webhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'message_new',
        group_id: sim.groupId,
        event_id: eventId,
        v: '5.199',
        secret: sim.callbackServers()[0]?.secretKey,
        object: {
          message: {
            date: 1,
            from_id: 1001,
            id: 1,
            peer_id: 1001,
            text: 'Hello community',
            conversation_message_id: 1,
            attachments: [],
          },
        },
      }),
    });
    expect(first).toBeGreaterThan(0);
    expect(again.status).toBe(200);
    expect(await again.text()).toBe('ok');
    await new Promise((r) => setTimeout(r, 300));
    const texts = (await messagesOf(conv.id)).filter(
      (m) => m.content.type === 'text' && m.content.text === 'Hello community',
    );
    expect(texts).toHaveLength(1);
  });

  it('answers an event it does not model (message_allow) with exactly ok, so VK does not retry it', async () => {
    sim.allowMessages(1003);
    const attempt = await eventually(
      () => Promise.resolve(sim.callbackAttempts.find((a) => a.type === 'message_allow')),
      10_000,
      'message_allow delivered',
    );
    expect(attempt).toMatchObject({ status: 200, body: 'ok' });
    expect(sim.callbackAttempts.filter((a) => a.type === 'message_allow')).toHaveLength(1);
  });

  it('applies an edit to the stored message and turns a callback button press into a button_reply', async () => {
    const { conversationMessageId } = sim.customerMessage(1002, { text: 'first words' });
    const conv = await conversationOf('1002');
    await messageWith(conv.id, (m) => m.content.type === 'text' && m.content.text === 'first words', 'original');
    sim.customerEdit(1002, conversationMessageId, 'second words');
    const edited = await messageWith(
      conv.id,
      (m) => m.content.type === 'text' && m.content.text === 'second words',
      'edit',
    );
    expect(edited.editedAt).not.toBeNull();
    expect((await messagesOf(conv.id)).filter((m) => m.direction === 'inbound')).toHaveLength(1);
    sim.pressCallbackButton(1002, { id: 'yes' });
    await messageWith(
      conv.id,
      (m) =>
        m.content.type === 'interactive' &&
        m.content.interactive.kind === 'button_reply' &&
        m.content.interactive.reply?.id === 'yes',
      'button reply',
    );
  });

  it('replies with messages.send; an answer lost in transit is retried with the same random_id and not doubled', async () => {
    const conv = await conversationOf('1001');
    sim.loseAnswerOnce('messages.send');
    const res = await t.api<Msg>('POST', `/api/v1/conversations/${conv.id}/messages`, {
      content: { type: 'text', text: 'Once only' },
    });
    expect(res.status).toBe(202);
    const done = await eventually(
      async () => {
        const m = (await t.api<Msg>('GET', `/api/v1/messages/${res.body.id}`)).body;
        return m.status === 'sent' ? m : undefined;
      },
      15_000,
      'sent',
    );
    expect(done.status).toBe('sent');
    const sends = sim.calls.filter((c) => c.method === 'messages.send' && c.params.message === 'Once only');
    expect(sends.length).toBeGreaterThanOrEqual(2);
    expect(new Set(sends.map((c) => c.params.random_id)).size).toBe(1);
    expect(sim.sent.filter((m) => m.text === 'Once only')).toHaveLength(1);
  });

  it('sends buttons as an inline keyboard, and fails a send to a user who denied messages', async () => {
    const conv = await conversationOf('1001');
    await t.api('POST', `/api/v1/conversations/${conv.id}/messages`, {
      content: {
        type: 'interactive',
        interactive: { kind: 'buttons', text: 'Pick', buttons: [{ id: 'a', title: 'A' }] },
      },
    });
    const m = await eventually(() => Promise.resolve(sim.sent.find((s) => s.text === 'Pick')), 10_000, 'keyboard');
    expect(m.keyboard).toMatchObject({
      inline: true,
      buttons: [[{ action: { type: 'callback', label: 'A', payload: '{"id":"a"}' } }]],
    });
    sim.denyMessages(1002);
    const conv2 = await conversationOf('1002');
    const r = await t.api<Msg>('POST', `/api/v1/conversations/${conv2.id}/messages`, {
      content: { type: 'text', text: 'denied' },
    });
    const failed = await eventually(
      async () => {
        const x = (await t.api<Msg>('GET', `/api/v1/messages/${r.body.id}`)).body;
        return x.status === 'failed' ? x : undefined;
      },
      10_000,
      'failed',
    );
    expect(failed.statusDetail?.message).toMatch(/901/);
  });

  it('uploads a photo through the upload server and sends it as an attachment', async () => {
    const ctx: SendContext<VkConfig> = {
      connectionId: conn.id,
      config: {
        groupId: sim.groupId,
        accessToken: sim.token,
        apiBaseUrl: sim.url,
        apiVersion: '5.199',
        inbound: 'callback',
      },
      webhookUrl: conn.webhookUrl,
      http: (url, init) => fetch(url, init),
      signal: AbortSignal.timeout(5000),
      log: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
      media: { read: () => Promise.resolve({ bytes: PNG, mimeType: 'image/png', fileName: 'a.png' }) },
    };
    const receipt = await vkConnector.send(
      {
        id: 'msg_photo_1',
        conversationId: 'c',
        to: '1001',
        content: { type: 'image', media: { url: '/media/x', mimeType: 'image/png', caption: 'pic' } },
      },
      ctx,
    );
    expect(receipt.providerMessageId).toMatch(/^1001_\d+$/);
    expect(sim.uploadedPhotos).toBe(1);
    expect(sim.sent.find((m) => m.text === 'pic')?.attachment).toMatch(new RegExp(`^photo-${sim.groupId}_\\d+_k1$`));
  });

  it('long-poll mode: receives updates without a public URL and recovers from failed 2 (key) and 3 (history)', async () => {
    const lp = (
      await t.api<Conn>('POST', '/api/v1/connections', {
        type: 'vk',
        name: 'Community (long poll)',
        config: { groupId: sim.groupId, accessToken: sim.token, apiBaseUrl: sim.url, inbound: 'longpoll' },
      })
    ).body;
    expect((await t.api<Conn>('POST', `/api/v1/connections/${lp.id}/start`)).body.status).toBe('RUNNING');
    await eventually(
      () => Promise.resolve(sim.calls.some((c) => c.method === 'groups.getLongPollServer') || undefined),
      10_000,
      'poll server',
    );
    sim.customerMessage(2001, { text: 'via long poll' });
    const conv = await conversationOf('2001', lp.id);
    await messageWith(conv.id, (m) => m.content.type === 'text' && m.content.text === 'via long poll', 'lp message');
    const servers = () => sim.calls.filter((c) => c.method === 'groups.getLongPollServer').length;
    const before = servers();
    sim.expireLongPollKey();
    await eventually(() => Promise.resolve(servers() > before || undefined), 10_000, 'key refreshed');
    sim.customerMessage(2001, { text: 'after failed 2' });
    await messageWith(conv.id, (m) => m.content.type === 'text' && m.content.text === 'after failed 2', 'after key');
    const before3 = servers();
    sim.loseLongPollHistory();
    await eventually(() => Promise.resolve(servers() > before3 || undefined), 10_000, 'server refreshed');
    sim.customerMessage(2001, { text: 'after failed 3' });
    await messageWith(
      conv.id,
      (m) => m.content.type === 'text' && m.content.text === 'after failed 3',
      'after history',
    );
    const texts = (await messagesOf(conv.id)).filter(
      (m) => m.content.type === 'text' && m.content.text === 'via long poll',
    );
    expect(texts).toHaveLength(1);
    expect((await t.api<Conn>('GET', `/api/v1/connections/${lp.id}`)).body.status).toBe('RUNNING');
  });
});
