/**
 * Messenger end to end: a real hub (127.0.0.1) against the Messenger Platform simulator — start (token check +
 * subscribed_apps; a revoked token ERROR), stop (unsubscribed), the hub.challenge handshake, signatures
 * missing/tampered/wrong (nothing stored), every inbound kind (text, quick replies, postbacks, attachments fetched
 * into our store, locations, reply_to, reactions, unsupported attachments, standby, a standalone referral on the
 * contact, batches, re-deliveries stored once), a new PSID's profile once (and a failed lookup not fatal), our own
 * send's echo not doubled and the Page inbox's echo stored, watermarks forward only, mark_seen and typing_on (an
 * operator typing, an agent composing), cards and uploaded media, the Send API codes, the 24 h window with its 7-day
 * HUMAN_AGENT extension (bot refused, human allowed and tagged, nothing after 7 days), and a revoked token (190)
 * turning the connection ERROR.
 */
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  pictureFor,
  startMetaMessagingSimulator,
  type MetaAccount,
  type MetaMessagingSimulator,
} from '@switchboard/simulators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestServer, testClock, type TestServer } from '../../testing/test-server.js';

interface Contact {
  id: string;
  name: string | null;
  attributes: Record<string, unknown>;
}
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
  contactId: string;
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

  const contactOf = async (id: string) => (await t.api<Contact>('GET', `/api/v1/contacts/${id}`)).body;
  const statusOf = async (id: string) => (await t.api<Msg>('GET', `/api/v1/messages/${id}`)).body;
  const settled = (id: string, what: string) =>
    eventually(
      async () => {
        const m = await statusOf(id);
        return m.status === 'queued' || m.status === 'sending' ? undefined : m;
      },
      10_000,
      what,
    );
  const profileLookups = (psid: string) =>
    sim.calls().filter((c) => c.method === 'GET' && c.path.endsWith(`/${psid}`)).length;

  it("a new PSID's profile is looked up once: name, first and last name, the picture in our media store", async () => {
    const psid = sim.createCustomer({ accountId: page.id, firstName: 'Peter', lastName: 'Chang' }).id;
    sim.sendText({ accountId: page.id, from: psid, text: 'first message' });
    const conv = await conversationOf(psid);
    const contact = await eventually(
      async () => {
        const c = await contactOf(conv.contactId);
        return typeof c.attributes.profile_picture === 'string' ? c : undefined;
      },
      10_000,
      'profile stored',
    );
    expect(contact.name).toBe('Peter Chang');
    expect(contact.attributes).toMatchObject({ first_name: 'Peter', last_name: 'Chang' });
    const picture = String(contact.attributes.profile_picture);
    expect(picture.startsWith(t.url)).toBe(true);
    expect(picture).not.toContain(sim.url);
    const bytes = await fetch(picture);
    expect(bytes.status).toBe(200);
    expect(Buffer.from(await bytes.arrayBuffer()).equals(pictureFor(psid))).toBe(true);
    // the second message of the same PSID asks nothing more
    const again = sim.sendText({ accountId: page.id, from: psid, text: 'second message' });
    await messageWith(conv.id, again.mid);
    await new Promise((r) => setTimeout(r, 200));
    expect(profileLookups(psid)).toBe(1);
  });

  it('a failed profile lookup is not fatal: the message is stored, the contact stays nameless, the log says why', async () => {
    const psid = customer();
    sim.fault({ op: 'profile', scope: psid, error: { code: 100, message: 'Unsupported get request' } });
    const { mid } = sim.sendText({ accountId: page.id, from: psid, text: 'no profile for me' });
    const conv = await conversationOf(psid);
    expect((await messageWith(conv.id, mid)).content).toEqual({ type: 'text', text: 'no profile for me' });
    const line = await eventually(
      async () =>
        (
          await t.api<{ data: Array<{ event: string; message: string }> }>(
            'GET',
            `/api/v1/connections/${conn.id}/logs?limit=200`,
          )
        ).body.data.find((l) => l.event === 'profile_failed' && l.message.includes(conv.contactId)),
      10_000,
      'profile_failed logged',
    );
    expect(line.message).toContain('Unsupported get request');
    expect(await contactOf(conv.contactId)).toMatchObject({ name: null });
    expect(profileLookups(psid)).toBe(1);
  });

  it('a standalone referral (ad or m.me link) keeps its source on the contact, before the customer writes', async () => {
    const psid = customer();
    sim.sendReferral({ accountId: page.id, from: psid, ref: 'summer_ad', adId: '6045246247433' });
    const found = await eventually(
      async () => {
        const list = await t.api<{ data: Contact[] }>('GET', `/api/v1/contacts?q=${psid}`);
        return list.body.data.find((c) => c.attributes.referral_ref === 'summer_ad');
      },
      10_000,
      'contact with the referral',
    );
    expect(found.attributes).toMatchObject({ referral_source: 'ADS', referral_ad_id: '6045246247433' });
    // no message, no conversation for a referral alone
    const convs = await t.api<{ data: Conv[] }>('GET', `/api/v1/conversations?connectionId=${conn.id}&limit=200`);
    expect(convs.body.data.some((c) => c.address === psid)).toBe(false);
    sim.sendText({ accountId: page.id, from: psid, text: 'saw your ad' });
    const conv = await conversationOf(psid);
    expect(conv.contactId).toBe(found.id);
  });

  it('every entry and every messaging event of a batch; video, audio and file fetched into our store, locations kept', async () => {
    const psid = customer();
    const event = (mid: string, message: Record<string, unknown>) => ({
      sender: { id: psid },
      recipient: { id: page.id },
      timestamp: Date.now(),
      message: { mid, ...message },
    });
    const file = (name: string, mime: string) => sim.hostFile(name, Buffer.from(`BYTES-${name}`), mime);
    const batch = JSON.stringify({
      object: 'page',
      entry: [
        {
          id: page.id,
          time: Date.now(),
          messaging: [
            event(`m_v_${psid}`, { attachments: [{ type: 'video', payload: { url: file('clip.mp4', 'video/mp4') } }] }),
            event(`m_a_${psid}`, {
              attachments: [{ type: 'audio', payload: { url: file('voice.mp3', 'audio/mpeg') } }],
            }),
          ],
        },
        {
          id: page.id,
          time: Date.now(),
          messaging: [
            event(`m_f_${psid}`, {
              attachments: [{ type: 'file', payload: { url: file('terms.pdf', 'application/pdf') } }],
            }),
            event(`m_l_${psid}`, {
              attachments: [{ type: 'location', payload: { coordinates: { lat: 38.72, long: -9.14 } } }],
            }),
          ],
        },
      ],
    });
    expect(await sim.postRaw(batch)).toBe(200);
    const conv = await conversationOf(psid);
    for (const [kind, name] of [
      ['v', 'clip.mp4'],
      ['a', 'voice.mp3'],
      ['f', 'terms.pdf'],
    ] as const) {
      const m = await eventually(
        async () => {
          const x = await messageWith(conv.id, `m_${kind}_${psid}`);
          return (x.content.media as { state?: string } | undefined)?.state === 'ready' ? x : undefined;
        },
        10_000,
        `${name} stored`,
      );
      expect(m.content.type).toBe({ v: 'video', a: 'audio', f: 'document' }[kind]);
      const bytes = await fetch(new URL((m.content.media as { url: string }).url, t.url));
      expect(Buffer.from(await bytes.arrayBuffer()).toString()).toBe(`BYTES-${name}`);
    }
    expect((await messageWith(conv.id, `m_l_${psid}`)).content).toEqual({
      type: 'location',
      location: { latitude: 38.72, longitude: -9.14 },
    });
  });

  it('a message Meta delivers again (same mid, a new envelope) is stored once', async () => {
    const psid = customer();
    const envelope = (time: number) =>
      JSON.stringify({
        object: 'page',
        entry: [
          {
            id: page.id,
            time,
            messaging: [
              {
                sender: { id: psid },
                recipient: { id: page.id },
                timestamp: 1_700_000_000_000,
                message: { mid: `m_again_${psid}`, text: 'only once' },
              },
            ],
          },
        ],
      });
    expect(await sim.postRaw(envelope(1))).toBe(200);
    expect(await sim.postRaw(envelope(2))).toBe(200);
    const conv = await conversationOf(psid);
    await messageWith(conv.id, `m_again_${psid}`);
    await new Promise((r) => setTimeout(r, 300));
    expect((await messagesOf(conv.id)).filter((m) => m.providerMessageId === `m_again_${psid}`)).toHaveLength(1);
  });

  it('standby (another app owns the thread): stored, marked, and not answered', async () => {
    const psid = customer();
    const { mid } = sim.sendStandbyText({ accountId: page.id, from: psid, text: 'to the other app' });
    const conv = await conversationOf(psid);
    const m = await messageWith(conv.id, mid);
    expect([m.direction, m.content, m.metadata.standby]).toEqual([
      'inbound',
      { type: 'text', text: 'to the other app' },
      true,
    ]);
  });

  it('reply_to names the message answered; reactions land on the target message; unreact clears it; unsupported attachments are shown, not dropped', async () => {
    const psid = customer();
    const { mid } = sim.sendText({ accountId: page.id, from: psid, text: 'react to me' });
    const conv = await conversationOf(psid);
    await messageWith(conv.id, mid);
    const answer = sim.sendText({ accountId: page.id, from: psid, text: 'this one', replyTo: mid });
    expect((await messageWith(conv.id, answer.mid)).metadata).toMatchObject({ replyToProviderMessageId: mid });
    sim.sendReaction({ accountId: page.id, from: psid, mid, emoji: '\u{1F44D}' });
    const reaction = await eventually(
      async () => (await messagesOf(conv.id)).find((m) => m.content.type === 'reaction'),
      10_000,
      'reaction',
    );
    expect(reaction.content).toEqual({
      type: 'reaction',
      reaction: { emoji: '\u{1F44D}', targetProviderMessageId: mid },
    });
    sim.sendReaction({ accountId: page.id, from: psid, mid, unreact: true });
    await eventually(
      async () =>
        (await messagesOf(conv.id)).find(
          (m) => m.content.type === 'reaction' && (m.content.reaction as { emoji: string }).emoji === '',
        ),
      10_000,
      'unreact',
    );
    const odd = sim.sendAttachment({ accountId: page.id, from: psid, type: 'ephemeral', url: `${sim.url}/cdn/x` });
    const shown = await messageWith(conv.id, odd.mid);
    expect(shown.content).toEqual({ type: 'text', text: '[unsupported attachment: ephemeral]' });
    expect(shown.metadata).toMatchObject({ unsupported: 'ephemeral' });
  });

  it('an operator opening the conversation sends mark_seen; an operator typing sends typing_on', async () => {
    const psid = customer();
    sim.sendText({ accountId: page.id, from: psid, text: 'anyone there?' });
    const conv = await conversationOf(psid);
    await eventually(async () => (await messagesOf(conv.id)).length > 0 || undefined, 10_000, 'inbound');
    expect(sim.senderActions({ recipient: psid })).toEqual([]);
    const opened = await t.api('PATCH', `/api/v1/conversations/${conv.id}`, { markRead: true });
    expect(opened.status).toBe(200);
    await eventually(
      async () => sim.senderActions({ recipient: psid }).find((a) => a.action === 'mark_seen'),
      10_000,
      'mark_seen',
    );
    const typing = await t.api('POST', `/api/v1/conversations/${conv.id}/typing`);
    expect(typing.status).toBeLessThan(300);
    await eventually(
      async () => sim.senderActions({ recipient: psid }).find((a) => a.action === 'typing_on'),
      10_000,
      'typing_on',
    );
    expect(sim.senderActions({ recipient: psid }).map((a) => [a.accountId, a.action])).toEqual([
      [page.id, 'mark_seen'],
      [page.id, 'typing_on'],
    ]);
  });

  it('cards go as a generic template, media by upload of our stored bytes', async () => {
    const psid = customer();
    sim.sendText({ accountId: page.id, from: psid, text: 'show me shoes' });
    const conv = await conversationOf(psid);
    const cards = await t.api<Msg>('POST', `/api/v1/conversations/${conv.id}/messages`, {
      content: {
        type: 'cards',
        cards: [
          { title: 'Runner', subtitle: 'Red', buttons: [{ id: 'BUY_RUNNER', title: 'Buy' }] },
          { title: 'Hiker', buttons: [{ id: 'web', title: 'Site', url: 'https://example.com/hiker' }] },
        ],
      },
    });
    expect(cards.status).toBe(202);
    const upload = await fetch(`${t.url}/api/v1/media?fileName=shoe.png`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.token}`, 'content-type': 'image/png' },
      body: Buffer.from('PNG-SHOE'),
    });
    expect(upload.status).toBe(201);
    const media = (await upload.json()) as { url: string };
    const image = await t.api<Msg>('POST', `/api/v1/conversations/${conv.id}/messages`, {
      content: { type: 'image', media: { url: media.url, mimeType: 'image/png' } },
    });
    expect(image.status).toBe(202);
    const [c, i] = [await settled(cards.body.id, 'cards sent'), await settled(image.body.id, 'image sent')];
    const bodyOf = (m: Msg) => sim.sent({ accountId: page.id }).find((s) => s.mid === m.providerMessageId)?.body;
    expect(bodyOf(c)).toMatchObject({
      message: {
        attachment: {
          type: 'template',
          payload: {
            template_type: 'generic',
            elements: [
              { title: 'Runner', subtitle: 'Red', buttons: [{ type: 'postback', payload: 'BUY_RUNNER' }] },
              { title: 'Hiker', buttons: [{ type: 'web_url', url: 'https://example.com/hiker' }] },
            ],
          },
        },
      },
    });
    expect(bodyOf(i)).toMatchObject({ message: { attachment: { type: 'image', payload: {} } } });
    const attachmentId = (bodyOf(i) as { message: { attachment: { payload: { attachment_id: string } } } }).message
      .attachment.payload.attachment_id;
    expect(attachmentId).toMatch(/^\d+$/);
    expect(sim.uploaded(attachmentId)?.toString()).toBe('PNG-SHOE');
  });

  it('Send API codes: 4/32/613 retried with backoff, 10+2018278 WINDOW_CLOSED, 551 person unavailable, 100 with the message', async () => {
    const psid = customer();
    sim.sendText({ accountId: page.id, from: psid, text: 'hello' });
    const conv = await conversationOf(psid);
    await eventually(async () => (await messagesOf(conv.id)).length > 0 || undefined, 10_000, 'inbound');
    const reply = async (text: string) =>
      (await t.api<Msg>('POST', `/api/v1/conversations/${conv.id}/messages`, { content: { type: 'text', text } })).body;
    for (const code of [4, 32, 613]) {
      sim.fault({ op: 'messages', scope: page.id, error: { code } });
      const m = await reply(`after ${code}`);
      // the first attempt fails and is scheduled again, no sooner than the provider's limit allows
      const waiting = await eventually(
        async () => {
          const x = await statusOf(m.id);
          return x.statusDetail?.code === 'RATE_LIMITED' ? x : undefined;
        },
        10_000,
        `${code} rate limited`,
      );
      expect(waiting.status).toBe('queued');
      clock.advance(61_000);
      const sent = await settled(m.id, `${code} retried`);
      expect([sent.status === 'failed', sent.providerMessageId !== null]).toEqual([false, true]);
      expect(
        sim.sent({ accountId: page.id }).filter((s) => (s.body.message as { text?: string }).text === `after ${code}`),
      ).toHaveLength(1);
    }
    const cases: Array<[{ code: number; subcode?: number; message?: string }, string, RegExp]> = [
      [{ code: 10, subcode: 2018278 }, 'WINDOW_CLOSED', /outside of allowed window/],
      [{ code: 551 }, 'INVALID_RECIPIENT', /^person unavailable: .*isn't available/],
      [{ code: 100, message: 'param recipient[id] must be a valid ID string' }, 'REJECTED', /param recipient\[id\]/],
    ];
    for (const [error, code, text] of cases) {
      sim.fault({ op: 'messages', scope: page.id, error });
      const m = await reply(`fails with ${error.code}`);
      const failed = await settled(m.id, `${error.code} failed`);
      expect([failed.status, failed.statusDetail?.code]).toEqual(['failed', code]);
      expect(failed.statusDetail?.message).toMatch(text);
    }
    // none of these is a credential problem: the connection still runs
    expect((await t.api<Conn>('GET', `/api/v1/connections/${conn.id}`)).body.status).toBe('RUNNING');
  });

  it('watermarks only move statuses forward: a late delivery watermark after the read leaves it read', async () => {
    // the simulator stamps watermarks with its own (real) clock: the hub's clock goes back to it after the tests above
    clock.advance(Date.now() - clock.now().getTime());
    const psid = customer();
    sim.sendText({ accountId: page.id, from: psid, text: 'hi again' });
    const conv = await conversationOf(psid);
    const res = await t.api<Msg>('POST', `/api/v1/conversations/${conv.id}/messages`, {
      content: { type: 'text', text: 'read me' },
    });
    await eventually(async () => ((await statusOf(res.body.id)).status === 'read' ? true : undefined), 10_000, 'read');
    const late = JSON.stringify({
      object: 'page',
      entry: [
        {
          id: page.id,
          time: Date.now(),
          messaging: [
            {
              sender: { id: psid },
              recipient: { id: page.id },
              timestamp: Date.now(),
              delivery: { watermark: Date.now() + 60_000 },
            },
          ],
        },
      ],
    });
    expect(await sim.postRaw(late)).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    expect((await statusOf(res.body.id)).status).toBe('read');
  });

  it('stop unsubscribes the app from the Page; start subscribes it again', async () => {
    const stopped = await t.api<Conn>('POST', `/api/v1/connections/${conn.id}/stop`);
    expect(stopped.body.status).toBe('STOPPED');
    expect(sim.calls().some((c) => c.method === 'DELETE' && c.path.endsWith(`/${page.id}/subscribed_apps`))).toBe(true);
    const started = await t.api<Conn>('POST', `/api/v1/connections/${conn.id}/start`);
    expect(started.body.status).toBe('RUNNING');
  });

  it('typing_on goes to the customer while an agent composes its answer, before the answer', async () => {
    // the agent's bot: answers after a moment, as a model would
    const bot = createServer((req, res) => {
      req.resume();
      req.on('end', () =>
        setTimeout(() => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ replies: [{ text: 'a bot answer' }] }));
        }, 300),
      );
    });
    await new Promise<void>((r) => bot.listen(0, '127.0.0.1', r));
    const agent = await t.api<{ id: string }>('POST', '/api/v1/agents', {
      kind: 'webhook',
      name: 'Shoe bot',
      config: { url: `http://127.0.0.1:${(bot.address() as AddressInfo).port}/bot`, timeoutMs: 5000 },
    });
    expect(agent.status).toBe(201);
    try {
      const attached = await t.api('PUT', `/api/v1/agents/${agent.body.id}/connections`, {
        connections: [{ connectionId: conn.id, inbound: true }],
      });
      expect(attached.status).toBe(200);
      expect((await t.api<{ status: string }>('POST', `/api/v1/agents/${agent.body.id}/start`)).body.status).toBe(
        'RUNNING',
      );
      const psid = customer();
      sim.sendText({ accountId: page.id, from: psid, text: 'do you have red shoes?' });
      const answer = await eventually(
        async () =>
          sim
            .sent({ accountId: page.id })
            .find((x) => x.recipient === psid && (x.body.message as { text?: string }).text === 'a bot answer'),
        10_000,
        'the bot answer',
      );
      const typing = sim.senderActions({ recipient: psid }).find((a) => a.action === 'typing_on');
      expect(typing).toBeDefined();
      expect(typing?.at ?? Infinity).toBeLessThanOrEqual(answer.at);
    } finally {
      await t.api('POST', `/api/v1/agents/${agent.body.id}/stop`);
      await t.api('PUT', `/api/v1/agents/${agent.body.id}/connections`, { connections: [] });
      await new Promise<void>((r) => bot.close(() => r()));
    }
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

  it('start with a rejected token (190) turns the connection ERROR with the reason', async () => {
    const other = sim.createPage({ name: 'Revoked Page' });
    const token = other.token;
    sim.revokeToken(token);
    const res = await t.api<Conn>('POST', '/api/v1/connections', {
      type: 'messenger',
      name: 'Revoked',
      config: { pageId: other.id, pageAccessToken: token, appSecret: sim.app.secret, apiBaseUrl: sim.url },
    });
    const started = await t.api<Conn>('POST', `/api/v1/connections/${res.body.id}/start`);
    const c = await eventually(
      async () => {
        const r = (await t.api<Conn>('GET', `/api/v1/connections/${res.body.id}`)).body;
        return r.status === 'ERROR' ? r : undefined;
      },
      10_000,
      'ERROR',
    );
    expect(started.status).toBeLessThan(500);
    expect(c.statusReason).toMatch(/190/);
  });
});
