/**
 * Instagram end to end: a real hub against the Messenger Platform simulator (object `instagram`) — start, the
 * handshake, a wrong signature stored nowhere, a story mention whose media is fetched into our store right away, a
 * deleted message shown as deleted by the customer, and a reply read via messaging_seen.
 */
import { createHmac } from 'node:crypto';
import { startMetaMessagingSimulator, type MetaAccount, type MetaMessagingSimulator } from '@switchboard/simulators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestServer, type TestServer } from '../../testing/test-server.js';

interface Conn {
  id: string;
  status: string;
  webhookUrl: string;
  config: Record<string, unknown>;
}
interface Msg {
  id: string;
  status: string;
  providerMessageId: string | null;
  content: Record<string, unknown> & { type: string };
  metadata: Record<string, unknown>;
}
interface Conv {
  id: string;
  address: string;
}

describe('instagram connector against the Messenger Platform simulator', () => {
  let sim: MetaMessagingSimulator;
  let t: TestServer;
  let account: MetaAccount;
  let conn: Conn;

  const conversationOf = (igsid: string) =>
    eventually(
      async () =>
        (
          await t.api<{ data: Conv[] }>('GET', `/api/v1/conversations?connectionId=${conn.id}&limit=200`)
        ).body.data.find((c) => c.address === igsid),
      10_000,
      `conversation with ${igsid}`,
    );
  const messageWhere = (conversationId: string, test: (m: Msg) => boolean, what: string) =>
    eventually(
      async () =>
        (
          await t.api<{ data: Msg[] }>('GET', `/api/v1/conversations/${conversationId}/messages?limit=200`)
        ).body.data.find(test),
      10_000,
      what,
    );

  beforeAll(async () => {
    sim = await startMetaMessagingSimulator({ readAfterMs: 50 });
    account = sim.createInstagramAccount({ name: 'acme.shoes' });
    t = await startTestServer({ allowPrivateNetwork: true });
    const res = await t.api<Conn>('POST', '/api/v1/connections', {
      type: 'instagram',
      name: 'Instagram',
      config: {
        instagramAccountId: account.id,
        accessToken: account.token,
        appSecret: sim.app.secret,
        apiBaseUrl: sim.url,
      },
    });
    expect(res.status).toBe(201);
    conn = res.body;
    const started = await t.api<Conn>('POST', `/api/v1/connections/${conn.id}/start`);
    expect(started.body.status).toBe('RUNNING');
    expect(
      (await sim.configureWebhook({ url: conn.webhookUrl, verifyToken: String(conn.config.verifyToken) })).ok,
    ).toBe(true);
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await sim?.close();
  });

  it('a wrongly signed body is refused and stores nothing', async () => {
    const igsid = sim.createCustomer({ accountId: account.id }).id;
    const body = JSON.stringify({
      object: 'instagram',
      entry: [
        {
          id: account.id,
          time: 1,
          messaging: [
            {
              sender: { id: igsid },
              recipient: { id: account.id },
              timestamp: Date.now(),
              message: { mid: 'ig_forged', text: 'x' },
            },
          ],
        },
      ],
    });
    expect(await sim.postRaw(body, `sha256=${createHmac('sha256', 'wrong').update(body).digest('hex')}`)).toBe(401);
    const list = await t.api<{ data: Conv[] }>('GET', `/api/v1/conversations?connectionId=${conn.id}&limit=200`);
    expect(list.body.data.some((c) => c.address === igsid)).toBe(false);
  });

  it("fetches a story mention's media into our store right away", async () => {
    const igsid = sim.createCustomer({ accountId: account.id }).id;
    const story = sim.hostFile('story.jpg', Buffer.from('STORY-JPEG-BYTES'), 'image/jpeg');
    const { mid } = sim.sendStoryMention({ accountId: account.id, from: igsid, url: story });
    const conv = await conversationOf(igsid);
    const m = await messageWhere(
      conv.id,
      (x) => x.providerMessageId === mid && (x.content.media as { state?: string } | undefined)?.state === 'ready',
      'story stored',
    );
    expect(m.metadata).toMatchObject({ storyMention: true });
    const url = (m.content.media as { url: string }).url;
    const bytes = await fetch(new URL(url, t.url), { headers: { authorization: `Bearer ${t.token}` } });
    expect(Buffer.from(await bytes.arrayBuffer()).toString()).toBe('STORY-JPEG-BYTES');
  });

  it('a deleted message is marked deleted by the customer; a reply is read via messaging_seen', async () => {
    const igsid = sim.createCustomer({ accountId: account.id }).id;
    const { mid } = sim.sendText({ accountId: account.id, from: igsid, text: 'oops, wrong chat' });
    const conv = await conversationOf(igsid);
    await messageWhere(conv.id, (x) => x.providerMessageId === mid, 'inbound');
    sim.deleteMessage({ accountId: account.id, from: igsid, mid });
    const gone = await messageWhere(
      conv.id,
      (x) => x.providerMessageId === mid && x.metadata.deletedByCustomer !== undefined,
      'deleted',
    );
    expect(gone.content).toEqual({ type: 'text', text: 'This message was deleted by the customer' });
    const reply = await t.api<Msg>('POST', `/api/v1/conversations/${conv.id}/messages`, {
      content: { type: 'text', text: 'no worries' },
    });
    expect(reply.status).toBe(202);
    await eventually(
      async () =>
        (await t.api<Msg>('GET', `/api/v1/messages/${reply.body.id}`)).body.status === 'read' ? true : undefined,
      10_000,
      'read',
    );
  });
});
