/**
 * Messenger end to end: a real hub (127.0.0.1) against the Messenger Platform simulator — start (token check +
 * subscribed_apps), the hub.challenge handshake, signatures missing/tampered/wrong (nothing stored), inbound kinds,
 * our own send's echo not doubled, delivery statuses, the 24 h window with its 7-day HUMAN_AGENT extension (bot
 * refused, human allowed and tagged, nothing after 7 days), and a revoked token (190) turning the connection ERROR.
 */
import { createHmac } from 'node:crypto';
import { startMetaMessagingSimulator, type MetaAccount, type MetaMessagingSimulator } from '@switchboard/simulators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestServer, testClock, type TestServer } from '../../testing/test-server.js';

interface Conn {
  id: string;
  status: string;
  statusReason: string | null;
  webhookUrl: string;
  config: Record<string, unknown>;
}
interface Msg {
  id: string;
  status: string;
  direction: string;
  providerMessageId: string | null;
  statusDetail: { code: string; message: string } | null;
  content: Record<string, unknown> & { type: string };
  metadata: Record<string, unknown>;
}
interface Conv {
  id: string;
  address: string;
  window: { open: boolean; humanAgentOnly?: boolean; humanAgentExpiresAt?: string | null } | null;
}

const HOUR = 3_600_000;

describe('messenger connector against the Messenger Platform simulator', () => {
  let sim: MetaMessagingSimulator;
  let t: TestServer;
  let page: MetaAccount;
  let conn: Conn;
  const clock = testClock();

  const conversationOf = (psid: string) =>
    eventually(
      async () =>
        (
          await t.api<{ data: Conv[] }>('GET', `/api/v1/conversations?connectionId=${conn.id}&limit=200`)
        ).body.data.find((c) => c.address === psid),
      10_000,
      `conversation with ${psid}`,
    );
  const messagesOf = async (conversationId: string) =>
    (await t.api<{ data: Msg[] }>('GET', `/api/v1/conversations/${conversationId}/messages?limit=200`)).body.data;
  const messageWith = (conversationId: string, mid: string) =>
    eventually(
      async () => (await messagesOf(conversationId)).find((m) => m.providerMessageId === mid),
      10_000,
      `message ${mid}`,
    );
  const customer = () => sim.createCustomer({ accountId: page.id }).id;

  beforeAll(async () => {
    sim = await startMetaMessagingSimulator({ deliveryAfterMs: 50, readAfterMs: 150 });
    page = sim.createPage({ name: 'Acme Shoes' });
    t = await startTestServer({ clock, allowPrivateNetwork: true });
    const res = await t.api<Conn>('POST', '/api/v1/connections', {
      type: 'messenger',
      name: 'Messenger',
      config: { pageId: page.id, pageAccessToken: page.token, appSecret: sim.app.secret, apiBaseUrl: sim.url },
    });
    expect(res.status).toBe(201);
    conn = res.body;
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await sim?.close();
  });

  it('start checks the token against the Page and subscribes the app; the handshake answers the challenge', async () => {
    expect(conn.config.pageAccessToken).toBe('********');
    const started = await t.api<Conn>('POST', `/api/v1/connections/${conn.id}/start`);
    expect([started.body.status, started.body.statusReason]).toEqual(['RUNNING', null]);
    expect(sim.calls().some((c) => c.method === 'POST' && c.path.endsWith(`/${page.id}/subscribed_apps`))).toBe(true);
    const ok = await sim.configureWebhook({ url: conn.webhookUrl, verifyToken: String(conn.config.verifyToken) });
    expect(ok.ok).toBe(true);
    const wrong = await fetch(`${conn.webhookUrl}?hub.mode=subscribe&hub.challenge=1&hub.verify_token=guess-guess`);
    expect(wrong.status).toBe(403);
  });

  it('refuses a missing, tampered or wrongly keyed signature and stores nothing', async () => {
    const psid = customer();
    const body = JSON.stringify({
      object: 'page',
      entry: [
        {
          id: page.id,
          time: 1,
          messaging: [
            {
              sender: { id: psid },
              recipient: { id: page.id },
              timestamp: Date.now(),
              message: { mid: 'm_forged', text: 'forged' },
            },
          ],
        },
      ],
    });
    const wrongKey = `sha256=${createHmac('sha256', 'not-the-app-secret').update(body).digest('hex')}`;
    const right = `sha256=${createHmac('sha256', sim.app.secret).update(body).digest('hex')}`;
    expect(await sim.postRaw(body, null)).toBe(401);
    expect(await sim.postRaw(body, wrongKey)).toBe(401);
    expect(await sim.postRaw(body.replace('forged', 'FORGED'), right)).toBe(401);
    const list = await t.api<{ data: Conv[] }>('GET', `/api/v1/conversations?connectionId=${conn.id}&limit=200`);
    expect(list.body.data.some((c) => c.address === psid)).toBe(false);
  });

  it('stores text, quick replies and postbacks (as button_reply) and attachments fetched into our store', async () => {
    const psid = customer();
    const { mid } = sim.sendText({ accountId: page.id, from: psid, text: 'hello there' });
    const conv = await conversationOf(psid);
    expect((await messageWith(conv.id, mid)).content).toEqual({ type: 'text', text: 'hello there' });
    const qr = sim.sendText({ accountId: page.id, from: psid, text: 'Red', quickReplyPayload: 'COLOR_RED' });
    expect((await messageWith(conv.id, qr.mid)).content).toMatchObject({
      interactive: { kind: 'button_reply', reply: { id: 'COLOR_RED' } },
    });
    const pb = sim.sendPostback({ accountId: page.id, from: psid, title: 'Get Started', payload: 'GET_STARTED' });
    expect((await messageWith(conv.id, pb.mid)).content).toMatchObject({
      interactive: { kind: 'button_reply', reply: { id: 'GET_STARTED', title: 'Get Started' } },
    });
    const fileUrl = sim.hostFile('photo.jpg', Buffer.from('JPEGDATA'), 'image/jpeg');
    const img = sim.sendAttachment({ accountId: page.id, from: psid, type: 'image', url: fileUrl });
    const stored = await eventually(
      async () => {
        const m = await messageWith(conv.id, img.mid);
        return (m.content.media as { state?: string } | undefined)?.state === 'ready' ? m : undefined;
      },
      10_000,
      'image stored',
    );
    const mediaUrl = (stored.content.media as { url: string }).url;
    expect(mediaUrl.startsWith('/') || mediaUrl.startsWith('http')).toBe(true);
    expect(mediaUrl).not.toContain(sim.url);
  });

  it('an operator reply goes with our metadata; its echo is not stored twice; the delivery and read watermarks move it forward', async () => {
    const psid = customer();
    sim.sendText({ accountId: page.id, from: psid, text: 'need help' });
    const conv = await conversationOf(psid);
    const res = await t.api<Msg>('POST', `/api/v1/conversations/${conv.id}/messages`, {
      content: { type: 'text', text: 'on it' },
    });
    expect(res.status).toBe(202);
    const delivered = await eventually(
      async () => {
        const m = (await t.api<Msg>('GET', `/api/v1/messages/${res.body.id}`)).body;
        return m.status === 'read' ? m : undefined;
      },
      10_000,
      'read by the watermark',
    );
    const sent = sim.sent({ accountId: page.id }).find((s) => s.mid === delivered.providerMessageId);
    expect(sent?.body).toMatchObject({
      messaging_type: 'RESPONSE',
      message: { text: 'on it', metadata: `switchboard:${res.body.id}` },
    });
    await new Promise((r) => setTimeout(r, 300)); // the echo has arrived by now
    const outbound = (await messagesOf(conv.id)).filter((m) => m.direction === 'outbound');
    expect(outbound.map((m) => m.id)).toEqual([res.body.id]);
    // the Page answers from another tool: stored as the business's outbound message, once
    const inbox = sim.pageWrites({ accountId: page.id, to: psid, text: 'from the Page inbox' });
    const echoed = await messageWith(conv.id, inbox.mid);
    expect([echoed.direction, echoed.status, echoed.content]).toEqual([
      'outbound',
      'sent',
      { type: 'text', text: 'from the Page inbox' },
    ]);
  });

  it('window: after 24 h only a human reply goes (HUMAN_AGENT), a bot is refused 422; after 7 days nothing', async () => {
    const psid = customer();
    sim.sendText({ accountId: page.id, from: psid, text: 'hi' });
    const conv = await conversationOf(psid);
    clock.advance(25 * HOUR);
    const view = (await t.api<Conv>('GET', `/api/v1/conversations/${conv.id}`)).body;
    expect(view.window).toMatchObject({ open: false, humanAgentOnly: true });
    const bot = await t.api<{ error: { code: string } }>('POST', `/api/v1/conversations/${conv.id}/messages`, {
      content: { type: 'text', text: 'automated' },
      metadata: { agentId: 'agt_bot' },
    });
    expect([bot.status, bot.body.error.code]).toEqual([422, 'WINDOW_CLOSED']);
    const human = await t.api<Msg>('POST', `/api/v1/conversations/${conv.id}/messages`, {
      content: { type: 'text', text: 'a person here' },
    });
    expect(human.status).toBe(202);
    const sent = await eventually(
      async () => {
        const m = (await t.api<Msg>('GET', `/api/v1/messages/${human.body.id}`)).body;
        return m.providerMessageId ? sim.sent().find((s) => s.mid === m.providerMessageId) : undefined;
      },
      10_000,
      'human reply sent',
    );
    expect(sent.body).toMatchObject({ messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' });
    clock.advance(7 * 24 * HOUR);
    const late = await t.api<{ error: { code: string } }>('POST', `/api/v1/conversations/${conv.id}/messages`, {
      content: { type: 'text', text: 'too late' },
    });
    expect([late.status, late.body.error.code]).toEqual([422, 'WINDOW_CLOSED']);
    clock.advance(-(8 * 24 - 1) * HOUR);
  });

  it('a revoked token (190) fails the send and turns the connection ERROR', async () => {
    const psid = customer();
    sim.sendText({ accountId: page.id, from: psid, text: 'hello' });
    const conv = await conversationOf(psid);
    await eventually(async () => (await messagesOf(conv.id)).length > 0 || undefined, 10_000, 'inbound');
    sim.revokeToken(page.token);
    const res = await t.api<Msg>('POST', `/api/v1/conversations/${conv.id}/messages`, {
      content: { type: 'text', text: 'x' },
    });
    const failed = await eventually(
      async () => {
        const m = (await t.api<Msg>('GET', `/api/v1/messages/${res.body.id}`)).body;
        return m.status === 'failed' ? m : undefined;
      },
      10_000,
      'failed',
    );
    expect(failed.statusDetail?.code).toBe('AUTH');
    const c = await eventually(
      async () => {
        const r = (await t.api<Conn>('GET', `/api/v1/connections/${conn.id}`)).body;
        return r.status === 'ERROR' ? r : undefined;
      },
      10_000,
      'connection ERROR',
    );
    expect(c.statusReason).toMatch(/190/);
  });
});
