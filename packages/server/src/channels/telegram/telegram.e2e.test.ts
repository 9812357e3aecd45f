/**
 * The Telegram connector end to end: a real hub on 127.0.0.1 and the Telegram Bot API simulator. Webhook
 * registration, every inbound kind through the simulator's customers, edits, dedup, forged requests, operator
 * replies, provider errors, token problems on start, clean-up on stop; media fetch and upload called directly
 * (the hub's media job is not wired yet).
 */
import { join } from 'node:path';
import { startTelegramSimulator, type TelegramSimulator } from '@switchboard/simulators';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SendContext } from '../../channel-kit/index.js';
import type { Content } from '../../model/index.js';
import { eventually, startTestServer, type TestServer } from '../../testing/test-server.js';
import { TINY_PNG } from '../../testing/hub-reads.js';
import { telegramConnector, type TelegramConfig } from './index.js';

interface Conv {
  id: string;
  address: string;
  threadKey: string | null;
}
interface Msg {
  id: string;
  direction: string;
  status: string;
  content: Content;
  statusDetail: { code: string; message: string } | null;
  providerMessageId: string | null;
  editedAt: string | null;
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

describe('telegram connector end to end', () => {
  let sim: TelegramSimulator;
  let t: TestServer;
  let token: string;
  let conn: Conn;

  const conversations = async () => (await t.api<{ data: Conv[] }>('GET', '/api/v1/conversations?limit=200')).body.data;
  const conversationOf = (address: string, threadKey: string | null = null) =>
    eventually(
      async () => (await conversations()).find((c) => c.address === address && c.threadKey === threadKey),
      10_000,
      `conversation of ${address}`,
    );
  const messagesOf = async (conversationId: string) =>
    (await t.api<{ data: Msg[] }>('GET', `/api/v1/conversations/${conversationId}/messages?limit=200`)).body.data;
  const messageWith = (conversationId: string, match: (m: Msg) => boolean, what: string) =>
    eventually(async () => (await messagesOf(conversationId)).find(match), 10_000, what);
  const reply = async (conversationId: string, content: Content) => {
    const res = await t.api<Msg>('POST', `/api/v1/conversations/${conversationId}/messages`, { content });
    expect(res.status).toBe(202);
    return res.body;
  };
  const settled = (id: string) =>
    eventually(
      async () => {
        const m = (await t.api<Msg>('GET', `/api/v1/messages/${id}`)).body;
        return m.status === 'sent' || m.status === 'failed' ? m : undefined;
      },
      15_000,
      `message ${id} to settle`,
    );
  const directCtx = (read?: SendContext<TelegramConfig>['media']['read']): SendContext<TelegramConfig> => ({
    connectionId: conn.id,
    config: { botToken: token, secretToken: 'unused_here', apiBaseUrl: sim.url },
    webhookUrl: conn.webhookUrl,
    http: (url, init) => fetch(url, init),
    signal: AbortSignal.timeout(5000),
    log: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
    media: { read: read ?? (() => Promise.reject(new Error('no media'))) },
  });

  beforeAll(async () => {
    sim = await startTelegramSimulator({ webhookRetryScale: 0.001 });
    token = sim.defaultBot?.token ?? '';
    t = await startTestServer({ env: { SWITCHBOARD_OUTBOUND_MAX_ATTEMPTS: '3' } });
    const created = await t.api<Conn>('POST', '/api/v1/connections', {
      type: 'telegram',
      name: 'Support bot',
      config: { botToken: token, apiBaseUrl: sim.url },
    });
    expect(created.status).toBe(201);
    conn = created.body;
    expect(conn.config.botToken).toBe('********');
    expect(conn.config.secretToken).toBe('********');
  });
  afterAll(async () => {
    await t?.close();
    await sim?.close();
  });

  it('starts: checks the token and registers the webhook with our URL, a secret token and the update kinds we handle', async () => {
    const started = await t.api<Conn>('POST', `/api/v1/connections/${conn.id}/start`);
    expect(started.body).toMatchObject({ status: 'RUNNING', statusReason: null });
    const info = sim.webhookInfo({ token });
    expect(info.url).toBe(`${t.url}/webhooks/${conn.id}`);
    expect(info.url).toBe(conn.webhookUrl);
    expect(info.secret_token).toMatch(/^[A-Za-z0-9_-]{32,256}$/);
    expect(info.allowed_updates).toEqual(['message', 'edited_message', 'callback_query']);
    expect(sim.apiCalls({ token, method: 'getMe' })).toHaveLength(1);
    // the bot's username learned by getMe is kept in the config
    expect((await t.api<Conn>('GET', `/api/v1/connections/${conn.id}`)).body.config.botUsername).toBe(
      sim.defaultBot?.user.username,
    );
  });

  it('receives text, photo, location and contact from a private chat into one conversation', async () => {
    const ana = sim.createUser({ firstName: 'Ana', lastName: 'Silva' });
    const text = sim.sendText({ token, from: ana.id, text: 'hello, my order is late' });
    const photo = sim.sendMedia({
      token,
      from: ana.id,
      kind: 'photo',
      data: PNG,
      fileName: 'box.png',
      mimeType: 'image/png',
      caption: 'the box',
    });
    sim.sendLocation({ token, from: ana.id, latitude: 38.7223, longitude: -9.1393 });
    sim.sendContact({ token, from: ana.id, phoneNumber: '+351911222333', firstName: 'Bruno', lastName: 'Costa' });
    await sim.idle();

    const conv = await conversationOf(String(ana.id));
    const all = await eventually(
      async () => {
        const list = await messagesOf(conv.id);
        return list.length >= 4 ? list : undefined;
      },
      10_000,
      'four messages',
    );
    expect(all.every((m) => m.direction === 'inbound')).toBe(true);
    const byPid = new Map(all.map((m) => [m.providerMessageId, m]));
    expect(byPid.get(`${ana.id}:${text.message.message_id}`)?.content).toEqual({
      type: 'text',
      text: 'hello, my order is late',
    });
    const image = byPid.get(`${ana.id}:${photo.message.message_id}`)?.content;
    expect(image).toMatchObject({
      type: 'image',
      media: { caption: 'the box', providerMediaId: photo.message.photo?.at(-1)?.file_id },
    });
    // pending until the hub's media job (in progress elsewhere) has fetched it through fetchMedia
    expect(['pending', 'ready']).toContain(image?.type === 'image' ? image.media.state : undefined);
    expect(all.map((m) => m.content.type).sort()).toEqual(['contact', 'image', 'location', 'text']);
    expect(all.find((m) => m.content.type === 'location')?.content).toEqual({
      type: 'location',
      location: { latitude: 38.7223, longitude: -9.1393 },
    });
    expect(all.find((m) => m.content.type === 'contact')?.content).toEqual({
      type: 'contact',
      contacts: [{ name: 'Bruno Costa', phones: ['+351911222333'], emails: [] }],
    });

    // the photo's file_id downloads through getFile + /file/bot<token>/<path>
    const fileId = image?.type === 'image' ? (image.media.providerMediaId ?? '') : '';
    const fetched = await telegramConnector.features.fetchMedia?.(
      { providerMediaId: fileId, mimeType: 'image/jpeg' },
      directCtx(),
    );
    expect(fetched?.bytes.equals(PNG)).toBe(true);
    expect(fetched?.mimeType).toBe('image/jpeg');
    expect(sim.apiCalls({ token, method: 'getFile' }).at(-1)?.params).toMatchObject({ file_id: fileId });
    const missing = await telegramConnector.features
      .fetchMedia?.({ providerMediaId: 'no-such-file' }, directCtx())
      .catch((e: unknown) => e);
    expect(missing).toMatchObject({ code: 'REJECTED' });
    expect(String((missing as Error).message)).not.toContain(token);
  });

  it('applies an edit to the stored message instead of adding one', async () => {
    const rui = sim.createUser({ firstName: 'Rui' });
    const original = sim.sendText({ token, from: rui.id, text: 'see you at 5' });
    const conv = await conversationOf(String(rui.id));
    const stored = await messageWith(conv.id, (m) => m.content.type === 'text', 'the original');
    expect(stored.editedAt).toBeNull();
    sim.editText({ token, from: rui.id, messageId: original.message.message_id, text: 'see you at 6' });
    const edited = await messageWith(
      conv.id,
      (m) => m.content.type === 'text' && m.content.text === 'see you at 6',
      'the edit',
    );
    expect(edited.id).toBe(stored.id);
    expect(edited.editedAt).not.toBeNull();
    expect(await messagesOf(conv.id)).toHaveLength(1);
  });

  it('stores a re-delivered update once and refuses a wrong secret token with nothing stored', async () => {
    const eva = sim.createUser({ firstName: 'Eva' });
    const sent = sim.sendText({ token, from: eva.id, text: 'only once please' });
    const conv = await conversationOf(String(eva.id));
    await messageWith(conv.id, () => true, 'the first delivery');
    const secretToken = sim.webhookInfo({ token }).secret_token ?? '';
    const body = JSON.stringify(sent.update);
    const redeliver = () =>
      fetch(conn.webhookUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': secretToken },
        body,
      });
    expect((await Promise.all([redeliver(), redeliver()])).map((r) => r.status)).toEqual([200, 200]);

    const forgedUpdate = {
      update_id: (sent.update?.update_id ?? 0) + 1_000_000,
      message: { ...sent.message, message_id: 999, text: 'forged' },
    };
    const forged = await fetch(conn.webhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': `${secretToken}x` },
      body: JSON.stringify(forgedUpdate),
    });
    const unsigned = await fetch(conn.webhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(forgedUpdate),
    });
    expect([forged.status, unsigned.status]).toEqual([401, 401]);

    await new Promise((r) => setTimeout(r, 300));
    // dropped by update_id before storage, not only by the message's (chat, message_id) key
    const db = new Database(join(t.dataDir, 'switchboard.db'), { readonly: true });
    const raw = db
      .prepare('select count(*) as n from inbound_events where event_key = ?')
      .get(String(sent.update?.update_id)) as { n: number };
    const forgedRaw = db
      .prepare('select count(*) as n from inbound_events where event_key = ?')
      .get(String(forgedUpdate.update_id)) as { n: number };
    db.close();
    expect(raw.n).toBe(1);
    expect(forgedRaw.n).toBe(0);
    const list = await messagesOf(conv.id);
    expect(list).toHaveLength(1);
    expect(list[0]?.content).toEqual({ type: 'text', text: 'only once please' });
  });

  it('delivers operator replies, text and inline buttons, and answers the button press at Telegram', async () => {
    const ines = sim.createUser({ firstName: 'Inês' });
    sim.sendText({ token, from: ines.id, text: 'can you help?' });
    const conv = await conversationOf(String(ines.id));

    expect((await t.api('POST', `/api/v1/conversations/${conv.id}/typing`)).status).toBe(204);
    await eventually(
      () => sim.chatActions({ token, chatId: ines.id }).some((a) => a.action === 'typing'),
      5000,
      'the typing action',
    );
    const text = await settled((await reply(conv.id, { type: 'text', text: 'Of course! What happened?' })).id);
    expect(text.status).toBe('sent');
    const buttons = await settled(
      (
        await reply(conv.id, {
          type: 'interactive',
          interactive: {
            kind: 'buttons',
            text: 'Was this helpful?',
            buttons: [
              { id: 'yes', title: 'Yes' },
              { id: 'no', title: 'No' },
            ],
          },
        })
      ).id,
    );
    expect(buttons.status).toBe('sent');

    const sent = sim.sentMessages({ token, chatId: ines.id });
    expect(sent.map((m) => m.message.text)).toEqual(['Of course! What happened?', 'Was this helpful?']);
    expect(text.providerMessageId).toBe(`${ines.id}:${sent[0]?.message.message_id}`);
    expect(sent[1]?.message.reply_markup).toEqual({
      inline_keyboard: [[{ text: 'Yes', callback_data: 'yes' }], [{ text: 'No', callback_data: 'no' }]],
    });

    const press = sim.pressButton({ token, from: ines.id, messageId: sent[1]?.message.message_id ?? 0, data: 'yes' });
    const answer = await messageWith(
      conv.id,
      (m) => m.direction === 'inbound' && m.content.type === 'interactive',
      'the button reply',
    );
    expect(answer).toMatchObject({
      direction: 'inbound',
      content: { type: 'interactive', interactive: { kind: 'button_reply', reply: { id: 'yes', title: 'Yes' } } },
    });
    await sim.idle();
    expect(sim.callbackAnswers({ token }).map((a) => a.callbackQueryId)).toContain(press.callbackQuery.id);
    expect(sim.webhookAttempts({ token, updateId: press.update?.update_id }).at(-1)).toMatchObject({
      outcome: 'delivered',
      replyMethod: 'answerCallbackQuery',
    });
    expect(sim.webhookAttempts({ token, updateId: press.update?.update_id }).at(-1)?.replyError).toBeUndefined();
  });

  it('threads a group chat by its chat id', async () => {
    const leo = sim.createUser({ firstName: 'Leo' });
    const group = sim.createGroup({
      title: 'Wholesale buyers',
      type: 'supergroup',
      members: [leo.id],
      botTokens: [token],
    });
    sim.sendText({ token, from: leo.id, chatId: group.id, text: '/help we need a quote' });
    const conv = await conversationOf(String(leo.id), String(group.id));
    expect((await messageWith(conv.id, () => true, 'the group message')).providerMessageId).toMatch(
      new RegExp(`^${group.id}:\\d+$`),
    );
    // the operator's reply goes into the group chat, not to Leo's private chat
    const done = await settled((await reply(conv.id, { type: 'text', text: 'Quote coming up' })).id);
    expect(done.status).toBe('sent');
    expect(done.providerMessageId).toMatch(new RegExp(`^${group.id}:\\d+$`));
    expect(sim.sentMessages({ token, chatId: group.id }).map((m) => m.message.text)).toEqual(['Quote coming up']);
    expect(sim.sentMessages({ token, chatId: leo.id })).toEqual([]);
  });

  it('uploads outbound media by multipart from our media store', async () => {
    const mia = sim.createUser({ firstName: 'Mia' });
    sim.sendText({ token, from: mia.id, text: 'send me the label' });
    await conversationOf(String(mia.id));
    const reads: string[] = [];
    const read = (url: string) => {
      reads.push(url);
      return Promise.resolve({ bytes: PNG, mimeType: 'image/png', fileName: 'label.png' });
    };
    const receipt = await telegramConnector.send(
      {
        id: 'msg_direct_photo',
        conversationId: 'conv_x',
        to: String(mia.id),
        content: { type: 'image', media: { url: '/media/med_1', mimeType: 'image/png', caption: 'your label' } },
      },
      directCtx(read),
    );
    const doc = await telegramConnector.send(
      {
        id: 'msg_direct_doc',
        conversationId: 'conv_x',
        to: String(mia.id),
        content: { type: 'document', media: { url: '/media/med_2', mimeType: 'application/pdf' } },
      },
      directCtx(() =>
        Promise.resolve({ bytes: Buffer.from('%PDF-1.4 tiny'), mimeType: 'application/pdf', fileName: 'terms.pdf' }),
      ),
    );
    expect(reads).toEqual(['/media/med_1']);
    const sent = sim.sentMessages({ token, chatId: mia.id });
    expect(sent.map((m) => m.method)).toEqual(['sendPhoto', 'sendDocument']);
    expect(sent[0]?.message).toMatchObject({
      caption: 'your label',
      photo: expect.arrayContaining([expect.objectContaining({ width: 1, height: 1 })]) as unknown,
    });
    expect(sent[1]?.message.document).toMatchObject({ file_name: 'terms.pdf', mime_type: 'application/pdf' });
    expect([receipt.providerMessageId, doc.providerMessageId]).toEqual(
      sent.map((m) => `${mia.id}:${m.message.message_id}`),
    );
    // what we uploaded can be fetched back, byte for byte
    const back = await telegramConnector.features.fetchMedia?.(
      { providerMediaId: sent[0]?.message.photo?.at(-1)?.file_id ?? '' },
      directCtx(),
    );
    expect(back?.bytes.equals(PNG)).toBe(true);
  });

  it("fails a reply to a user who blocked the bot with INVALID_RECIPIENT and Telegram's description", async () => {
    const zoe = sim.createUser({ firstName: 'Zoe' });
    sim.sendText({ token, from: zoe.id, text: 'bye' });
    const conv = await conversationOf(String(zoe.id));
    sim.blockBot({ token, userId: zoe.id });
    const done = await settled((await reply(conv.id, { type: 'text', text: 'are you still there?' })).id);
    expect(done.status).toBe('failed');
    expect(done.statusDetail).toEqual({ code: 'INVALID_RECIPIENT', message: 'Forbidden: bot was blocked by the user' });
    expect((await t.api<Conn>('GET', `/api/v1/connections/${conn.id}`)).body.status).toBe('RUNNING');
  });

  it("retries after Telegram's retry_after and then sends once", async () => {
    const kai = sim.createUser({ firstName: 'Kai' });
    sim.sendText({ token, from: kai.id, text: 'ping' });
    const conv = await conversationOf(String(kai.id));
    sim.injectFault({ method: 'sendMessage', token, retryAfter: 1 });
    const started = Date.now();
    const done = await settled((await reply(conv.id, { type: 'text', text: 'pong' })).id);
    expect(done.status).toBe('sent');
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(sim.sentMessages({ token, chatId: kai.id }).map((m) => m.message.text)).toEqual(['pong']);
    const calls = sim
      .apiCalls({ token, method: 'sendMessage' })
      .filter((c) => String(c.params.chat_id) === String(kai.id));
    expect(calls.map((c) => c.status)).toEqual([429, 200]);
  });

  it("puts a connection with a revoked or invalid token into ERROR with Telegram's description", async () => {
    const bad = (
      await t.api<Conn>('POST', '/api/v1/connections', {
        type: 'telegram',
        name: 'revoked',
        config: { botToken: '1234567:AAHrevokedrevokedrevokedrevoked0000', apiBaseUrl: sim.url },
      })
    ).body;
    const started = await t.api<Conn>('POST', `/api/v1/connections/${bad.id}/start`);
    expect(started.body).toMatchObject({ status: 'ERROR', statusReason: 'AUTH: Unauthorized' });
    const logs = (await t.api<{ data: Array<{ message: string }> }>('GET', `/api/v1/connections/${bad.id}/logs`)).body
      .data;
    expect(logs.some((l) => l.message.includes('Unauthorized'))).toBe(true);
    expect(JSON.stringify(logs)).not.toContain('AAHrevoked');
    expect(t.logs.join('\n')).not.toContain('AAHrevokedrevoked');
    expect(t.logs.join('\n')).not.toContain(token);
  });

  it('stops: deleteWebhook at Telegram', async () => {
    const stopped = await t.api<Conn>('POST', `/api/v1/connections/${conn.id}/stop`);
    expect(stopped.body.status).toBe('STOPPED');
    expect(sim.apiCalls({ token, method: 'deleteWebhook' }).map((c) => c.ok)).toEqual([true]);
    expect(sim.webhookInfo({ token }).url).toBe('');
  });
});
