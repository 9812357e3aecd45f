/**
 * Instagram end to end: a real hub against the Messenger Platform simulator (object `instagram`) — start, the
 * handshake, a wrong signature stored nowhere, a story mention and a story reply whose media is fetched into our store
 * right away, a deleted message shown as deleted by the customer (its content kept for audit only when the workspace
 * says so), unsupported messages shown, a new IGSID's profile, our own send's echo not doubled, a reply read via
 * messaging_seen, and the 24 h / 7-day HUMAN_AGENT window.
 */
import { createHmac } from 'node:crypto';
import {
  pictureFor,
  startMetaMessagingSimulator,
  type MetaAccount,
  type MetaMessagingSimulator,
} from '@switchboard/simulators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestServer, testClock, type TestServer } from '../../testing/test-server.js';

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
  contactId: string;
  window: { open: boolean; humanAgentOnly?: boolean } | null;
}
const HOUR = 3_600_000;

describe('instagram connector against the Messenger Platform simulator', () => {
  let sim: MetaMessagingSimulator;
  let t: TestServer;
  let account: MetaAccount;
  let conn: Conn;
  const clock = testClock();

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
    t = await startTestServer({ clock, allowPrivateNetwork: true });
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

  it('a missing, tampered or wrongly keyed signature is refused and stores nothing', async () => {
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
    const right = `sha256=${createHmac('sha256', sim.app.secret).update(body).digest('hex')}`;
    expect(await sim.postRaw(body, null)).toBe(401);
    expect(await sim.postRaw(body.replace('"x"', '"y"'), right)).toBe(401);
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

  const messagesOf = async (conversationId: string) =>
    (await t.api<{ data: Msg[] }>('GET', `/api/v1/conversations/${conversationId}/messages?limit=200`)).body.data;

  it('a story reply brings the story along as its media, fetched into our store; the text is its caption', async () => {
    const igsid = sim.createCustomer({ accountId: account.id }).id;
    const story = sim.hostFile('my-story.jpg', Buffer.from('OUR-STORY-BYTES'), 'image/jpeg');
    const { mid } = sim.sendStoryReply({
      accountId: account.id,
      from: igsid,
      text: 'love these shoes',
      storyId: '17895695668004550',
      url: story,
    });
    const conv = await conversationOf(igsid);
    const m = await messageWhere(
      conv.id,
      (x) => x.providerMessageId === mid && (x.content.media as { state?: string } | undefined)?.state === 'ready',
      'story reply stored',
    );
    expect(m.content).toMatchObject({ type: 'image', media: { caption: 'love these shoes' } });
    expect(m.metadata).toMatchObject({ storyReply: { id: '17895695668004550' } });
    const url = (m.content.media as { url: string }).url;
    expect(url).not.toContain(sim.url);
    const bytes = await fetch(new URL(url, t.url));
    expect(Buffer.from(await bytes.arrayBuffer()).toString()).toBe('OUR-STORY-BYTES');
  });

  it("a new IGSID's profile: its name, username and picture, looked up once", async () => {
    const igsid = sim.createCustomer({ accountId: account.id, firstName: 'Mia', lastName: 'Rossi' }).id;
    sim.sendText({ accountId: account.id, from: igsid, text: 'ciao' });
    const conv = await conversationOf(igsid);
    const contact = await eventually(
      async () => {
        const c = (
          await t.api<{ name: string | null; attributes: Record<string, unknown> }>(
            'GET',
            `/api/v1/contacts/${conv.contactId}`,
          )
        ).body;
        return typeof c.attributes.profile_picture === 'string' ? c : undefined;
      },
      10_000,
      'profile',
    );
    expect([contact.name, contact.attributes.username]).toEqual(['Mia Rossi', 'mia.rossi']);
    const picture = await fetch(String(contact.attributes.profile_picture));
    expect(Buffer.from(await picture.arrayBuffer()).equals(pictureFor(igsid))).toBe(true);
    expect(picture.headers.get('content-type')).toBe('image/png');
    expect(sim.calls().filter((c) => c.method === 'GET' && c.path.endsWith(`/${igsid}`))).toHaveLength(1);
  });

  it('with the workspace keeping deleted content, the deleted text is readable for audit only, not in the conversation', async () => {
    const before = await t.api<{ error: { code: string } }>('GET', '/api/v1/messages/msg_unknown/deleted-content');
    expect(before.status).toBe(404);
    const on = await t.api<{ keepDeletedContent: boolean }>('PATCH', '/api/v1/workspace', { keepDeletedContent: true });
    expect([on.status, on.body.keepDeletedContent]).toEqual([200, true]);
    const igsid = sim.createCustomer({ accountId: account.id }).id;
    const { mid } = sim.sendText({ accountId: account.id, from: igsid, text: 'my card number is 4111' });
    const conv = await conversationOf(igsid);
    const original = await messageWhere(conv.id, (x) => x.providerMessageId === mid, 'inbound');
    sim.deleteMessage({ accountId: account.id, from: igsid, mid });
    const gone = await messageWhere(
      conv.id,
      (x) => x.providerMessageId === mid && x.metadata.deletedByCustomer !== undefined,
      'deleted',
    );
    expect(gone.content).toEqual({ type: 'text', text: 'This message was deleted by the customer' });
    expect(JSON.stringify(await messagesOf(conv.id))).not.toContain('4111');
    const audit = await t.api<{ messageId: string; deletedAt: string; content: unknown }>(
      'GET',
      `/api/v1/messages/${original.id}/deleted-content`,
    );
    expect([audit.status, audit.body.messageId, audit.body.content]).toEqual([
      200,
      original.id,
      { type: 'text', text: 'my card number is 4111' },
    ]);
    // for the workspace's audit: owners and admins, not operators
    await t.api('POST', '/api/v1/users', {
      email: 'op@example.com',
      name: 'Op',
      role: 'operator',
      password: 'operator password 1',
    });
    const login = await t.api<{ token: string }>('POST', '/api/v1/auth/login', {
      email: 'op@example.com',
      password: 'operator password 1',
    });
    const asOperator = await t.api('GET', `/api/v1/messages/${original.id}/deleted-content`, undefined, {
      authorization: `Bearer ${login.body.token}`,
    });
    expect(asOperator.status).toBe(403);
    expect(
      (
        await t.api(
          'PATCH',
          '/api/v1/workspace',
          { keepDeletedContent: false },
          {
            authorization: `Bearer ${login.body.token}`,
          },
        )
      ).status,
    ).toBe(403);
    // switched off again: the next deletion keeps nothing
    await t.api('PATCH', '/api/v1/workspace', { keepDeletedContent: false });
    const next = sim.sendText({ accountId: account.id, from: igsid, text: 'forget this too' });
    const second = await messageWhere(conv.id, (x) => x.providerMessageId === next.mid, 'second inbound');
    sim.deleteMessage({ accountId: account.id, from: igsid, mid: next.mid });
    await messageWhere(
      conv.id,
      (x) => x.providerMessageId === next.mid && x.metadata.deletedByCustomer !== undefined,
      'second deleted',
    );
    expect((await t.api('GET', `/api/v1/messages/${second.id}/deleted-content`)).status).toBe(404);
  });

  it("a deleted photo's file goes with it when nobody keeps deleted content, and stays for the audit when kept", async () => {
    const igsid = sim.createCustomer({ accountId: account.id }).id;
    const photoOf = async (name: string) => {
      const file = sim.hostFile(name, Buffer.from(`PHOTO-${name}`), 'image/jpeg');
      const { mid } = sim.sendAttachment({ accountId: account.id, from: igsid, type: 'image', url: file });
      const conv = await conversationOf(igsid);
      const m = await messageWhere(
        conv.id,
        (x) => x.providerMessageId === mid && (x.content.media as { state?: string } | undefined)?.state === 'ready',
        `${name} stored`,
      );
      const url = new URL((m.content.media as { url: string }).url, t.url).toString();
      expect((await fetch(url)).status).toBe(200);
      sim.deleteMessage({ accountId: account.id, from: igsid, mid });
      await messageWhere(
        conv.id,
        (x) => x.providerMessageId === mid && x.metadata.deletedByCustomer !== undefined,
        `${name} deleted`,
      );
      return { id: m.id, url };
    };
    const dropped = await photoOf('dropped.jpg');
    await eventually(async () => ((await fetch(dropped.url)).status === 404 ? true : undefined), 10_000, 'file gone');
    await t.api('PATCH', '/api/v1/workspace', { keepDeletedContent: true });
    try {
      const kept = await photoOf('kept.jpg');
      const audit = await t.api<{ content: { media: { url: string } } }>(
        'GET',
        `/api/v1/messages/${kept.id}/deleted-content`,
      );
      expect(new URL(audit.body.content.media.url, t.url).toString()).toBe(kept.url);
      const bytes = await fetch(kept.url);
      expect([bytes.status, Buffer.from(await bytes.arrayBuffer()).toString()]).toEqual([200, 'PHOTO-kept.jpg']);
    } finally {
      await t.api('PATCH', '/api/v1/workspace', { keepDeletedContent: false });
    }
  });

  it('shares of posts and reels arrive as their links; an unsupported message is shown as such, not dropped', async () => {
    const igsid = sim.createCustomer({ accountId: account.id }).id;
    const post = sim.sendAttachment({
      accountId: account.id,
      from: igsid,
      type: 'share',
      url: 'https://www.instagram.com/p/Cabc123/',
    });
    const reel = sim.sendAttachment({
      accountId: account.id,
      from: igsid,
      type: 'ig_reel',
      url: 'https://www.instagram.com/reel/Cxyz789/',
    });
    const shared = await conversationOf(igsid);
    expect((await messageWhere(shared.id, (x) => x.providerMessageId === post.mid, 'post share')).content).toEqual({
      type: 'text',
      text: 'https://www.instagram.com/p/Cabc123/',
    });
    const r = await messageWhere(shared.id, (x) => x.providerMessageId === reel.mid, 'reel share');
    expect([r.content, r.metadata.attachmentType]).toEqual([
      { type: 'text', text: 'https://www.instagram.com/reel/Cxyz789/' },
      'ig_reel',
    ]);
    const { mid } = sim.sendUnsupported({ accountId: account.id, from: igsid });
    const conv = await conversationOf(igsid);
    const m = await messageWhere(conv.id, (x) => x.providerMessageId === mid, 'unsupported');
    expect([m.content, m.metadata.unsupported]).toEqual([{ type: 'text', text: '[unsupported message]' }, true]);
  });

  it('our own send (an image uploaded from our store) is stored once, though Instagram echoes it', async () => {
    const igsid = sim.createCustomer({ accountId: account.id }).id;
    sim.sendText({ accountId: account.id, from: igsid, text: 'photo please' });
    const conv = await conversationOf(igsid);
    const upload = await fetch(`${t.url}/api/v1/media?fileName=shoe.png`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.token}`, 'content-type': 'image/png' },
      body: Buffer.from('IG-PNG'),
    });
    const media = (await upload.json()) as { url: string };
    const res = await t.api<Msg>('POST', `/api/v1/conversations/${conv.id}/messages`, {
      content: { type: 'image', media: { url: media.url, mimeType: 'image/png' } },
    });
    expect(res.status).toBe(202);
    const sent = await eventually(
      async () => {
        const m = (await t.api<Msg>('GET', `/api/v1/messages/${res.body.id}`)).body;
        return m.providerMessageId ? m : undefined;
      },
      10_000,
      'sent',
    );
    const body = sim.sent({ accountId: account.id }).find((x) => x.mid === sent.providerMessageId)?.body as {
      message: { attachment: { payload: { attachment_id: string } } };
    };
    expect(sim.uploaded(body.message.attachment.payload.attachment_id)?.toString()).toBe('IG-PNG');
    await new Promise((r) => setTimeout(r, 300)); // the echo has arrived by now
    const outbound = (await messagesOf(conv.id)).filter((m) => m.providerMessageId === sent.providerMessageId);
    expect(outbound.map((m) => m.id)).toEqual([res.body.id]);
  });

  it('window: after 24 h only a human reply goes (HUMAN_AGENT), a bot is refused; after 7 days nothing', async () => {
    const igsid = sim.createCustomer({ accountId: account.id }).id;
    sim.sendText({ accountId: account.id, from: igsid, text: 'hello?' });
    const conv = await conversationOf(igsid);
    await eventually(async () => (await messagesOf(conv.id)).length > 0 || undefined, 10_000, 'inbound');
    clock.advance(25 * HOUR);
    try {
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
          return m.providerMessageId ? sim.sent().find((x) => x.mid === m.providerMessageId) : undefined;
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
    } finally {
      clock.advance(Date.now() - clock.now().getTime());
    }
  });
});
