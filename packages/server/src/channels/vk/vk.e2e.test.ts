/**
 * The VK connector end to end: a real hub on 127.0.0.1 and the VK simulator. Start (token check, confirmation,
 * callback server registration), forged callbacks, every inbound kind, edits, callback buttons answered, consent
 * (message_allow / message_deny, error 901), contact profiles from users.get, dedup, replies with random_id
 * idempotency, a text VK finds too long (914) split, keyboards, a photo upload through the hub, the callback secret
 * kept out of the database files, and the long-poll mode recovering from failed 2 and 3.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startVkSimulator, type VkSimulator } from '@switchboard/simulators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Content } from '../../model/index.js';
import { collectSse, eventually, startTestServer, type TestServer } from '../../testing/test-server.js';
import { TINY_PNG } from '../../testing/hub-reads.js';

interface Conv {
  id: string;
  address: string;
  contactId: string;
}
interface Consent {
  channelType: string;
  address: string;
  optedOut: boolean;
  source: string;
}
interface Msg {
  id: string;
  direction: string;
  status: string;
  content: Content;
  editedAt: string | null;
  statusDetail: { code: string; message: string } | null;
  providerMessageId: string | null;
  metadata: Record<string, unknown>;
}
interface Conn {
  id: string;
  status: string;
  statusReason: string | null;
  webhookUrl: string;
  config: Record<string, unknown>;
}

const PNG = TINY_PNG;

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

  const contactOf = async (conv: Conv) =>
    (
      await t.api<{ name: string | null; attributes: Record<string, string> }>(
        'GET',
        `/api/v1/contacts/${conv.contactId}`,
      )
    ).body;
  const consentOf = async (conv: Conv) =>
    (await t.api<{ data: Consent[] }>('GET', `/api/v1/contacts/${conv.contactId}/consent`)).body.data.find(
      (c) => c.channelType === 'vk',
    );
  const finalStatus = (id: string) =>
    eventually(
      async () => {
        const m = (await t.api<Msg>('GET', `/api/v1/messages/${id}`)).body;
        return m.status === 'sent' || m.status === 'failed' ? m : undefined;
      },
      15_000,
      `message ${id} settled`,
    );

  beforeAll(async () => {
    // a community whose messages.send takes 3000 characters: the hub's 4096-character parts meet error 914
    sim = await startVkSimulator({ callbackRetryScale: 0.001, maxMessageLength: 3000 });
    sim.setUser(1001, {
      firstName: 'Anna',
      lastName: 'Petrova',
      photo200: sim.cdnFile('anna200.jpg', TINY_PNG, 'image/png'),
      screenName: 'anna.p',
    });
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

  it("turns a connection ERROR with VK's error_msg when groups.getById refuses the token (error 5)", async () => {
    const bad = await t.api<Conn>('POST', '/api/v1/connections', {
      type: 'vk',
      name: 'Community, revoked token',
      config: { groupId: sim.groupId, accessToken: 'vk1.a.revoked-token-000', apiBaseUrl: sim.url },
    });
    const started = (await t.api<Conn>('POST', `/api/v1/connections/${bad.body.id}/start`)).body;
    expect(started.status).toBe('ERROR');
    expect(started.statusReason).toMatch(/User authorization failed/);
    expect(started.statusReason).not.toContain('vk1.a.revoked-token-000');
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
            sizes: [{ type: 'x', url: sim.cdnFile('p.png', PNG, 'image/png'), width: 10, height: 10 }],
          },
        },
      ],
    });
    // the file itself is fetched from VK's CDN into the hub's media store
    const photo = await messageWith(
      conv.id,
      (m) => m.content.type === 'image' && m.content.media.state === 'ready',
      'photo stored',
    );
    expect(photo.content.type === 'image' && photo.content.media.size).toBe(PNG.length);
    // two photos in one message: two stored messages, both files in the store
    const album = (id: number, name: string) => ({
      type: 'photo',
      photo: {
        id,
        owner_id: 1001,
        sizes: [{ type: 'x', url: sim.cdnFile(name, PNG, 'image/png'), width: 10, height: 10 }],
      },
    });
    sim.customerMessage(1001, { text: 'two receipts', attachments: [album(6, 'a.png'), album(7, 'b.png')] });
    const firstPhoto = await messageWith(
      conv.id,
      (m) =>
        m.content.type === 'image' && m.content.media.caption === 'two receipts' && m.content.media.state === 'ready',
      'first photo of two',
    );
    const second = await messageWith(
      conv.id,
      (m) => m.content.type === 'image' && m.metadata.partOf !== undefined && m.content.media.state === 'ready',
      'second photo of two',
    );
    expect(second.metadata.partOf).toBe(firstPhoto.providerMessageId);
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
    // documents, voice messages (with VK's transcript), stickers; videos and wall posts as links; forwards kept
    sim.customerMessage(1001, {
      attachments: [
        {
          type: 'doc',
          doc: {
            id: 9,
            owner_id: 1001,
            title: 'invoice.pdf',
            ext: 'pdf',
            url: sim.cdnFile('invoice.pdf', Buffer.from('%PDF-1.4 fake'), 'application/pdf'),
            size: 3,
          },
        },
      ],
    });
    const doc = await messageWith(
      conv.id,
      (m) => m.content.type === 'document' && m.content.media.state === 'ready',
      'document stored',
    );
    expect(doc.content.type === 'document' && doc.content.media.fileName).toBe('invoice.pdf');
    sim.customerMessage(1001, {
      attachments: [
        {
          type: 'audio_message',
          audio_message: {
            id: 10,
            owner_id: 1001,
            duration: 2,
            link_ogg: sim.cdnFile('voice.ogg', Buffer.from('OggS voice'), 'audio/ogg'),
            link_mp3: sim.cdnFile('voice.mp3', Buffer.from('ID3 voice'), 'audio/mpeg'),
            transcript: 'where is my parcel',
          },
        },
      ],
    });
    const voice = await messageWith(
      conv.id,
      (m) => m.content.type === 'audio' && m.content.media.state === 'ready',
      'voice stored',
    );
    expect(voice.content.type === 'audio' && voice.content.media.caption).toBe('where is my parcel');
    sim.customerMessage(1001, {
      attachments: [
        {
          type: 'sticker',
          sticker: {
            sticker_id: 4,
            images: [{ url: sim.cdnFile('s.png', PNG, 'image/png'), width: 128, height: 128 }],
          },
        },
      ],
    });
    await messageWith(conv.id, (m) => m.content.type === 'sticker', 'sticker');
    sim.customerMessage(1001, { attachments: [{ type: 'video', video: { id: 456, owner_id: -1, title: 'clip' } }] });
    await messageWith(
      conv.id,
      (m) => m.content.type === 'text' && m.content.text.includes('https://vk.com/video-1_456'),
      'video link',
    );
    sim.customerMessage(1001, { text: 'see this', attachments: [{ type: 'wall', wall: { id: 77, owner_id: -5 } }] });
    await messageWith(
      conv.id,
      (m) => m.content.type === 'text' && m.content.text.includes('https://vk.com/wall-5_77'),
      'wall link',
    );
    // a contact new to the hub is named once from users.get, with their photo
    const contact = await eventually(
      async () => {
        const c = await contactOf(conv);
        return c.name ? c : undefined;
      },
      10_000,
      'contact named',
    );
    expect(contact).toMatchObject({
      name: 'Anna Petrova',
      attributes: { avatarUrl: `${sim.url}/cdn/anna200.jpg`, vkProfileUrl: 'https://vk.com/anna.p' },
    });
    // the photo's bytes are in our store (the CDN link can go away), shown as the contact's picture
    const picture = await eventually(
      async () => {
        const p = (await contactOf(conv)).attributes.profile_picture;
        return typeof p === 'string' ? p : undefined;
      },
      10_000,
      'profile picture stored',
    );
    expect(picture.startsWith(t.url)).toBe(true);
    expect(Buffer.from(await (await fetch(picture)).arrayBuffer()).equals(TINY_PNG)).toBe(true);
    expect(sim.calls.filter((c) => c.method === 'users.get' && c.params.user_ids === '1001')).toHaveLength(1);
    const okAnswers = sim.callbackAttempts.filter((a) => a.type === 'message_new');
    expect(okAnswers.every((a) => a.status === 200 && a.body === 'ok')).toBe(true);
    // the same event delivered again (VK retries) is answered ok and stored once
    const first = sim.callbackAttempts.length;
    const redeliver = (id: string) =>
      fetch(conn.webhookUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          type: 'message_new',
          group_id: sim.groupId,
          event_id: id,
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
    const again = await redeliver(eventId);
    expect(first).toBeGreaterThan(0);
    expect(again.status).toBe(200);
    expect(await again.text()).toBe('ok');
    // the same message under a new event_id (a second callback server, a replayed event) is the same message:
    // (peer_id, conversation_message_id) names it
    const replayed = await redeliver(`${eventId}-other`);
    expect([replayed.status, await replayed.text()]).toEqual([200, 'ok']);
    await new Promise((r) => setTimeout(r, 300));
    const texts = (await messagesOf(conv.id)).filter(
      (m) => m.content.type === 'text' && m.content.text === 'Hello community',
    );
    expect(texts).toHaveLength(1);
  });

  it('records message_deny as an opt-out (sends refused with 422 OPTED_OUT) and message_allow as the way back', async () => {
    sim.customerMessage(1003, { text: 'hi there' });
    const conv = await conversationOf('1003');
    sim.deny(1003);
    await eventually(async () => ((await consentOf(conv))?.optedOut ? true : undefined), 10_000, 'opted out');
    expect(await consentOf(conv)).toMatchObject({ address: '1003', optedOut: true, source: 'provider' });
    const refused = await t.api<{ error: { code: string } }>('POST', `/api/v1/conversations/${conv.id}/messages`, {
      content: { type: 'text', text: 'promo while denied' },
    });
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('OPTED_OUT');
    expect(sim.sent.some((m) => m.text === 'promo while denied')).toBe(false);
    sim.allowMessages(1003);
    await eventually(async () => ((await consentOf(conv))?.optedOut === false ? true : undefined), 10_000, 'opted in');
    const again = await t.api<Msg>('POST', `/api/v1/conversations/${conv.id}/messages`, {
      content: { type: 'text', text: 'welcome back' },
    });
    expect(again.status).toBe(202);
    expect((await finalStatus(again.body.id)).status).toBe('sent');
    // both events were answered exactly ok, once each (VK retries anything else)
    for (const type of ['message_deny', 'message_allow']) {
      const answers = sim.callbackAttempts.filter((a) => a.type === type);
      expect(answers.map((a) => [a.status, a.body])).toEqual([[200, 'ok']]);
    }
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
    const answered = sim.eventAnswers.length;
    sim.pressCallbackButton(1002, { id: 'yes' });
    await messageWith(
      conv.id,
      (m) =>
        m.content.type === 'interactive' &&
        m.content.interactive.kind === 'button_reply' &&
        m.content.interactive.reply?.id === 'yes',
      'button reply',
    );
    // the button stops spinning: the press is answered with messages.sendMessageEventAnswer, once
    const answer = await eventually(
      () => Promise.resolve(sim.eventAnswers[answered]),
      10_000,
      'sendMessageEventAnswer',
    );
    expect(answer).toMatchObject({ userId: 1002, peerId: 1002 });
    expect(sim.eventAnswers).toHaveLength(answered + 1);
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

  it("the customer's message_read moves our message to read; message_typing_state reaches the event stream", async () => {
    const conv = await conversationOf('1001');
    const stream = collectSse(`${t.url}/api/v1/events`, { authorization: `Bearer ${t.token}` });
    try {
      await stream.ready;
      const res = await t.api<Msg>('POST', `/api/v1/conversations/${conv.id}/messages`, {
        content: { type: 'text', text: 'Read me' },
      });
      await eventually(
        async () =>
          (await t.api<Msg>('GET', `/api/v1/messages/${res.body.id}`)).body.status === 'sent' ? true : undefined,
        15_000,
        'sent',
      );
      const ours = sim.sent.find((m) => m.text === 'Read me');
      expect(ours).toBeDefined();
      sim.read(1001, ours?.conversationMessageId ?? -1);
      await eventually(
        async () =>
          (await t.api<Msg>('GET', `/api/v1/messages/${res.body.id}`)).body.status === 'read' ? true : undefined,
        10_000,
        'read',
      );
      sim.typing(1001);
      await eventually(
        async () =>
          stream.events.some(
            (e) =>
              e.event === 'conversation.typing' &&
              JSON.stringify(e.data).includes(`"connectionId":"${conn.id}"`) &&
              JSON.stringify(e.data).includes('"address":"1001"'),
          )
            ? true
            : undefined,
        10_000,
        'typing event',
      ).catch((error: unknown) => {
        throw new Error(`${String(error)}; events seen: ${JSON.stringify(stream.events.slice(-5))}`);
      });
    } finally {
      stream.close();
    }
  });

  it('sends buttons as an inline keyboard and a list as a regular one; error 901 is an opt-out, then 422', async () => {
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
    await t.api('POST', `/api/v1/conversations/${conv.id}/messages`, {
      content: {
        type: 'interactive',
        interactive: { kind: 'list', text: 'Which size?', buttons: [{ id: 'size_m', title: 'M' }] },
      },
    });
    const list = await eventually(
      () => Promise.resolve(sim.sent.find((s) => s.text === 'Which size?')),
      10_000,
      'regular keyboard',
    );
    expect(list.keyboard).toMatchObject({
      one_time: true,
      buttons: [[{ action: { type: 'text', label: 'M', payload: '{"id":"size_m"}' } }]],
    });
    // the press of a text button is a message with our payload
    sim.customerMessage(1001, { text: 'M', payload: '{"id":"size_m"}' });
    await messageWith(
      conv.id,
      (m) => m.content.type === 'interactive' && m.content.interactive.reply?.id === 'size_m',
      'text button reply',
    );
    // the user never allowed messages (no event told us): VK answers 901
    sim.denyMessages(1002);
    const conv2 = await conversationOf('1002');
    const r = await t.api<Msg>('POST', `/api/v1/conversations/${conv2.id}/messages`, {
      content: { type: 'text', text: 'denied' },
    });
    const failed = await finalStatus(r.body.id);
    expect(failed.status).toBe('failed');
    expect(failed.statusDetail?.code).toBe('OPTED_OUT');
    expect(failed.statusDetail?.message).toMatch(/901/);
    expect(await consentOf(conv2)).toMatchObject({ optedOut: true, source: 'provider' });
    const next = await t.api<{ error: { code: string } }>('POST', `/api/v1/conversations/${conv2.id}/messages`, {
      content: { type: 'text', text: 'denied again' },
    });
    expect([next.status, next.body.error.code]).toEqual([422, 'OPTED_OUT']);
  });

  it('splits a text VK refuses as too long (914) and sends the parts in order, none doubled', async () => {
    const conv = await conversationOf('1001');
    const words = Array.from({ length: 700 }, (_, i) => `w${i}`).join(' ');
    expect(words.length).toBeGreaterThan(3000);
    expect(words.length).toBeLessThan(4096);
    const r = await t.api<Msg>('POST', `/api/v1/conversations/${conv.id}/messages`, {
      content: { type: 'text', text: words },
    });
    expect((await finalStatus(r.body.id)).status).toBe('sent');
    const refused = sim.calls.filter((c) => c.method === 'messages.send' && c.params.message === words);
    expect(refused).toHaveLength(1);
    const parts = sim.sent.filter((m) => m.peerId === 1001 && words.includes(m.text) && m.text !== words);
    expect(parts).toHaveLength(2);
    expect(parts.map((p) => p.text).join(' ')).toBe(words);
    expect(new Set(parts.map((p) => p.randomId)).size).toBe(2);
    expect(parts.every((p) => p.text.length <= 3000)).toBe(true);
  });

  it('sends a photo uploaded to the hub through the upload server, as an attachment', async () => {
    const conv = await conversationOf('1001');
    const upload = await fetch(`${t.url}/api/v1/media?fileName=dot.png`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.token}`, 'content-type': 'image/png' },
      body: PNG,
    });
    expect(upload.status).toBe(201);
    const media = (await upload.json()) as { url: string };
    const before = sim.uploadedPhotos;
    const r = await t.api<Msg>('POST', `/api/v1/conversations/${conv.id}/messages`, {
      content: { type: 'image', media: { url: media.url, mimeType: 'image/png', caption: 'a dot' } },
    });
    expect((await finalStatus(r.body.id)).status).toBe('sent');
    expect(sim.uploadedPhotos).toBe(before + 1);
    expect(sim.sent.find((m) => m.text === 'a dot')?.attachment).toMatch(new RegExp(`^photo-${sim.groupId}_\\d+_k1$`));
  });

  it('sends cards as a carousel, and a document through docs.getMessagesUploadServer and docs.save', async () => {
    const conv = await conversationOf('1001');
    const cards = await t.api<Msg>('POST', `/api/v1/conversations/${conv.id}/messages`, {
      content: {
        type: 'cards',
        text: 'Our plans',
        cards: [
          { title: 'Basic', subtitle: '5 € a month', buttons: [{ id: 'plan_basic', title: 'Choose' }] },
          {
            title: 'Pro',
            subtitle: '9 € a month',
            buttons: [{ id: 'x', title: 'Details', url: 'https://example.com/pro' }],
          },
        ],
      },
    });
    expect((await finalStatus(cards.body.id)).status).toBe('sent');
    const carousel = sim.sent.find((m) => m.text === 'Our plans');
    expect(carousel?.template).toMatchObject({
      type: 'carousel',
      elements: [
        {
          title: 'Basic',
          description: '5 € a month',
          buttons: [{ action: { type: 'callback', label: 'Choose', payload: '{"id":"plan_basic"}' } }],
        },
        {
          title: 'Pro',
          buttons: [{ action: { type: 'open_link', link: 'https://example.com/pro', label: 'Details' } }],
        },
      ],
    });
    const upload = await fetch(`${t.url}/api/v1/media?fileName=terms.pdf`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.token}`, 'content-type': 'application/pdf' },
      body: Buffer.from('%PDF-1.4 terms'),
    });
    const media = (await upload.json()) as { url: string };
    const doc = await t.api<Msg>('POST', `/api/v1/conversations/${conv.id}/messages`, {
      content: {
        type: 'document',
        media: { url: media.url, mimeType: 'application/pdf', fileName: 'terms.pdf', caption: 'the terms' },
      },
    });
    expect((await finalStatus(doc.body.id)).status).toBe('sent');
    expect(sim.calls.some((c) => c.method === 'docs.getMessagesUploadServer' && c.params.type === 'doc')).toBe(true);
    expect(sim.calls.some((c) => c.method === 'docs.save' && c.params.title === 'terms.pdf')).toBe(true);
    expect(sim.sent.find((m) => m.text === 'the terms')?.attachment).toMatch(new RegExp(`^doc-${sim.groupId}_\\d+$`));
  });

  it('keeps the callback secret out of the stored raw events and the database files', async () => {
    const secret = sim.callbackServers()[0]?.secretKey ?? '';
    expect(secret.length).toBeGreaterThan(8);
    // the hub saw it on every callback so far; the stored copies hold a digest in its place
    expect(sim.callbackAttempts.filter((a) => a.type === 'message_new' && a.body === 'ok').length).toBeGreaterThan(3);
    await t.sb.store.checkpoint();
    const files = ['switchboard.db', 'switchboard.db-wal'].map((f) => join(t.dataDir, f)).filter(existsSync);
    expect(files.length).toBeGreaterThan(0);
    const bytes = Buffer.concat(files.map((f) => readFileSync(f)));
    expect(bytes.includes(Buffer.from(secret))).toBe(false);
    // the stored bodies are still VK's, with the digest where the secret was
    expect(bytes.includes(Buffer.from('"secret":"sha256:'))).toBe(true);
    expect(t.logs.join('').includes(secret)).toBe(false);
  });

  it('long-poll mode: receives updates without a public URL and recovers from failed 2 (key), 3 (history) and 1 (ts)', async () => {
    const lp = (
      await t.api<Conn>('POST', '/api/v1/connections', {
        type: 'vk',
        name: 'Community (long poll)',
        config: { groupId: sim.groupId, accessToken: sim.token, apiBaseUrl: sim.url, inbound: 'longpoll' },
      })
    ).body;
    // the community token's 20 requests/s are shared with the tests before: let its window pass
    await new Promise((r) => setTimeout(r, 1100));
    const lpStarted = (await t.api<Conn>('POST', `/api/v1/connections/${lp.id}/start`)).body;
    expect([lpStarted.status, lpStarted.statusReason]).toEqual(['RUNNING', null]);
    // polling: the listener has its server and position, so what the customer writes next reaches it
    await eventually(() => Promise.resolve(sim.longPollChecks > 0 || undefined), 10_000, 'polling');
    sim.customerMessage(2001, { text: 'via long poll' });
    const conv = await conversationOf('2001', lp.id);
    await messageWith(conv.id, (m) => m.content.type === 'text' && m.content.text === 'via long poll', 'lp message');
    const servers = () => sim.calls.filter((c) => c.method === 'groups.getLongPollServer').length;
    const before = servers();
    // the new key is throttled once (error 6, the community token's 20 requests/s): the listener retries, it does not stop
    sim.failNext('groups.getLongPollServer', 6, 'Too many requests per second');
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
    // failed 1: the history moved on, the key still holds — the listener takes the new ts, no new server
    const before1 = servers();
    const failures = sim.longPollFailures.length;
    sim.outdateLongPollHistory();
    await eventually(
      () => Promise.resolve(sim.longPollFailures.slice(failures).includes(1) || undefined),
      10_000,
      'failed 1 answered',
    );
    sim.customerMessage(2001, { text: 'after failed 1' });
    await messageWith(conv.id, (m) => m.content.type === 'text' && m.content.text === 'after failed 1', 'after ts');
    expect(servers()).toBe(before1);
    const texts = (await messagesOf(conv.id)).filter(
      (m) => m.content.type === 'text' && m.content.text === 'via long poll',
    );
    expect(texts).toHaveLength(1);
    expect((await t.api<Conn>('GET', `/api/v1/connections/${lp.id}`)).body.status).toBe('RUNNING');
  });
});
