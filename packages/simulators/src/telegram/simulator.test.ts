import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { callBotApi, PNG_1X1, pngOfSize } from '../testing/bot-api-client.js';
import { startWebhookReceiver } from '../testing/webhook-receiver.js';
import { startTelegramSimulator, type TelegramSimulator } from './simulator.js';

let sim: TelegramSimulator;
let token: string;
const api = (method: string, params: Record<string, unknown> = {}, enc?: Parameters<typeof callBotApi>[4]) =>
  callBotApi(sim.url, token, method, params, enc);

beforeEach(async () => {
  sim = await startTelegramSimulator({ rateLimits: false });
  token = sim.defaultBot!.token;
});
afterEach(async () => {
  await sim.close();
});

/** A user who has written to the bot (so the bot may answer), with their updates consumed. */
async function startedUser() {
  const user = sim.createUser({ firstName: 'Ada', username: 'ada' });
  sim.sendText({ token, from: user.id, text: '/start' });
  await api('getUpdates', { offset: -1 });
  const last = (await api('getUpdates')).body.result.at(-1);
  if (last) await api('getUpdates', { offset: last.update_id + 1 });
  return user;
}

describe('transport and auth (https://core.telegram.org/bots/api#making-requests–1.2)', () => {
  it('answers getMe in any case, via GET or POST', async () => {
    const viaPost = await api('getMe');
    expect(viaPost.status).toBe(200);
    expect(viaPost.body).toEqual({
      ok: true,
      result: expect.objectContaining({
        id: sim.defaultBot!.user.id,
        is_bot: true,
        username: sim.defaultBot!.user.username,
      }),
    });
    const viaGet = await fetch(`${sim.url}/bot${token}/GETME`);
    expect(viaGet.status).toBe(200);
    expect(((await viaGet.json()) as { result: { can_join_groups: boolean } }).result.can_join_groups).toBe(true);
  });

  it('answers the exact error envelopes for bad tokens and unknown methods', async () => {
    const unknownBot = await callBotApi(sim.url, '123:nope', 'getMe');
    expect(unknownBot).toEqual({ status: 401, body: { ok: false, error_code: 401, description: 'Unauthorized' } });
    const wrongSecret = await callBotApi(sim.url, `${sim.defaultBot!.user.id}:wrong`, 'getMe');
    expect(wrongSecret.status).toBe(401);
    const noMethod = await api('sendTelepathy');
    expect(noMethod).toEqual({
      status: 404,
      body: { ok: false, error_code: 404, description: 'Not Found: method not found' },
    });
  });

  it('reads params from query, form and JSON (JSON-serialised objects in form/query)', async () => {
    const user = await startedUser();
    const markup = { inline_keyboard: [[{ text: 'Yes', callback_data: 'yes' }]] };
    for (const enc of ['query', 'form', 'json', 'multipart'] as const) {
      const r = await api('sendMessage', { chat_id: user.id, text: `via ${enc}`, reply_markup: markup }, enc);
      expect(r.status, enc).toBe(200);
      expect(r.body.result.reply_markup).toEqual(markup);
      expect(r.body.result.text).toBe(`via ${enc}`);
    }
  });
});

describe('sendMessage', () => {
  it('sends to a user who started the bot; message_id counts per chat', async () => {
    const a = await startedUser();
    const b = await startedUser();
    const r1 = await api('sendMessage', { chat_id: a.id, text: 'hello' });
    const r2 = await api('sendMessage', { chat_id: a.id, text: 'again' });
    const r3 = await api('sendMessage', { chat_id: b.id, text: 'hi b' });
    expect(r1.body.result).toMatchObject({
      message_id: 2,
      from: { id: sim.defaultBot!.user.id, is_bot: true },
      chat: { id: a.id, type: 'private', first_name: 'Ada' },
      text: 'hello',
    });
    expect(r2.body.result.message_id).toBe(3);
    expect(r3.body.result.message_id).toBe(2);
    expect(typeof r1.body.result.date).toBe('number');
    expect(sim.sentMessages({ token, chatId: a.id }).map((m) => m.message.text)).toEqual(['hello', 'again']);
  });

  it('answers the documented 400/403 errors', async () => {
    expect((await api('sendMessage', { chat_id: 42, text: 'x' })).body).toEqual({
      ok: false,
      error_code: 400,
      description: 'Bad Request: chat not found',
    });
    expect((await api('sendMessage', { text: 'x' })).body.description).toBe('Bad Request: chat_id is empty');
    const stranger = sim.createUser();
    expect(await api('sendMessage', { chat_id: stranger.id, text: 'x' })).toEqual({
      status: 403,
      body: { ok: false, error_code: 403, description: "Forbidden: bot can't initiate conversation with a user" },
    });
    const user = await startedUser();
    expect((await api('sendMessage', { chat_id: user.id, text: '   ' })).body.description).toBe(
      'Bad Request: message text is empty',
    );
    expect((await api('sendMessage', { chat_id: user.id, text: 'x'.repeat(4097) })).body.description).toBe(
      'Bad Request: message is too long',
    );
    sim.blockBot({ token, userId: user.id });
    expect(await api('sendMessage', { chat_id: user.id, text: 'x' })).toEqual({
      status: 403,
      body: { ok: false, error_code: 403, description: 'Forbidden: bot was blocked by the user' },
    });
    sim.deactivateUser({ userId: user.id });
    expect((await api('sendMessage', { chat_id: user.id, text: 'x' })).body.description).toBe(
      'Forbidden: user is deactivated',
    );
  });

  it('parses HTML and MarkdownV2 into entities, and rejects unescaped reserved characters', async () => {
    const user = await startedUser();
    const html = await api('sendMessage', {
      chat_id: user.id,
      text: '<b>Order</b> &lt;42&gt; <a href="https://x.test/o">track</a>',
      parse_mode: 'HTML',
    });
    expect(html.body.result.text).toBe('Order <42> track');
    expect(html.body.result.entities).toEqual([
      { type: 'bold', offset: 0, length: 5 },
      { type: 'text_link', offset: 11, length: 5, url: 'https://x.test/o' },
    ]);
    const md = await api('sendMessage', { chat_id: user.id, text: '*Total:* 10\\.50', parse_mode: 'MarkdownV2' });
    expect(md.body.result).toMatchObject({ text: 'Total: 10.50', entities: [{ type: 'bold', offset: 0, length: 6 }] });
    const bad = await api('sendMessage', { chat_id: user.id, text: 'Total: 10.50', parse_mode: 'MarkdownV2' });
    expect(bad.body).toEqual({
      ok: false,
      error_code: 400,
      description:
        "Bad Request: can't parse entities: Character '.' is reserved and must be escaped with the preceding '\\'",
    });
  });

  it('quotes the replied message and rejects an unknown one', async () => {
    const user = await startedUser();
    const first = await api('sendMessage', { chat_id: user.id, text: 'first' });
    const reply = await api('sendMessage', {
      chat_id: user.id,
      text: 'second',
      reply_parameters: { message_id: first.body.result.message_id },
    });
    expect(reply.body.result.reply_to_message).toMatchObject({
      message_id: first.body.result.message_id,
      text: 'first',
    });
    expect((await api('sendMessage', { chat_id: user.id, text: 'x', reply_to_message_id: 999 })).body.description).toBe(
      'Bad Request: message to be replied not found',
    );
  });

  it('validates inline keyboards', async () => {
    const user = await startedUser();
    const tooLong = await api('sendMessage', {
      chat_id: user.id,
      text: 'x',
      reply_markup: { inline_keyboard: [[{ text: 'a', callback_data: 'x'.repeat(65) }]] },
    });
    expect(tooLong.body.description).toBe('Bad Request: BUTTON_DATA_INVALID');
    const noAction = await api('sendMessage', {
      chat_id: user.id,
      text: 'x',
      reply_markup: { inline_keyboard: [[{ text: 'a' }]] },
    });
    expect(noAction.body.description).toBe(
      "Bad Request: can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard",
    );
    const unparseable = await api('sendMessage', { chat_id: user.id, text: 'x', reply_markup: '{not json' }, 'form');
    expect(unparseable.body.description).toBe("Bad Request: can't parse reply keyboard markup JSON object");
  });
});

describe('files', () => {
  it('uploads a photo (multipart), serves getFile and the download path, and reuses file_id', async () => {
    const user = await startedUser();
    const photo = pngOfSize(300, 200);
    const sent = await api(
      'sendPhoto',
      { chat_id: user.id, photo: new File([photo], 'p.png', { type: 'image/png' }), caption: 'look' },
      'multipart',
    );
    expect(sent.status).toBe(200);
    const sizes = sent.body.result.photo as Array<{
      file_id: string;
      width: number;
      height: number;
      file_size: number;
    }>;
    expect(sizes.at(-1)).toMatchObject({ width: 300, height: 200, file_size: photo.length });
    expect(sizes[0]!.width).toBeLessThanOrEqual(90);
    expect(sent.body.result.caption).toBe('look');
    const largest = sizes.at(-1)!;
    const file = await api('getFile', { file_id: largest.file_id });
    expect(file.body.result).toMatchObject({
      file_id: largest.file_id,
      file_size: photo.length,
      file_path: expect.stringMatching(/^photos\/file_\d+\.jpg$/),
    });
    const download = await fetch(`${sim.url}/file/bot${token}/${file.body.result.file_path as string}`);
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer()).equals(photo)).toBe(true);
    const again = await api('sendPhoto', { chat_id: user.id, photo: largest.file_id });
    expect(again.body.result.photo.at(-1).file_id).toBe(largest.file_id);
    expect((await api('sendPhoto', { chat_id: user.id, photo: 'AgACnope' })).body.description).toBe(
      'Bad Request: wrong file identifier/HTTP URL specified',
    );
    expect((await api('sendPhoto', { chat_id: user.id })).body.description).toBe(
      'Bad Request: there is no photo in the request',
    );
    expect((await api('getFile', { file_id: 'nope' })).body.description).toBe('Bad Request: invalid file_id');
  });

  it('sends document, voice, video, audio and sticker uploads with their media objects', async () => {
    const user = await startedUser();
    const cases: Array<[string, string, string, string]> = [
      ['sendDocument', 'document', 'invoice.pdf', 'application/pdf'],
      ['sendVoice', 'voice', 'note.ogg', 'audio/ogg'],
      ['sendVideo', 'video', 'clip.mp4', 'video/mp4'],
      ['sendAudio', 'audio', 'song.mp3', 'audio/mpeg'],
      ['sendSticker', 'sticker', 's.webp', 'image/webp'],
    ];
    for (const [method, field, name, type] of cases) {
      const r = await api(
        method,
        { chat_id: user.id, [field]: new File([Buffer.from(`bytes of ${name}`)], name, { type }) },
        'multipart',
      );
      expect(r.status, method).toBe(200);
      expect(r.body.result[field], method).toMatchObject({
        file_id: expect.any(String),
        file_unique_id: expect.any(String),
        file_size: `bytes of ${name}`.length,
      });
    }
    const doc = sim.sentMessages({ token, chatId: user.id }).find((m) => m.method === 'sendDocument')!;
    expect(doc.message.document).toMatchObject({ file_name: 'invoice.pdf', mime_type: 'application/pdf' });
  });

  it('fetches photos given by HTTP URL, and fails like Telegram when it cannot', async () => {
    const user = await startedUser();
    const host = await startWebhookReceiver();
    host.fallback = (req) =>
      req.path === '/img.png'
        ? { status: 200, body: PNG_1X1, headers: { 'content-type': 'image/png' } }
        : { status: 404 };
    try {
      const ok = await api('sendPhoto', { chat_id: user.id, photo: `${host.url}/img.png` });
      expect(ok.body.result.photo.at(-1)).toMatchObject({ width: 1, height: 1 });
      const missing = await api('sendPhoto', { chat_id: user.id, photo: `${host.url}/gone.png` });
      expect(missing.body.description).toBe('Bad Request: failed to get HTTP URL content');
    } finally {
      await host.close();
    }
  });
});

describe('chat actions, callbacks, edits, deletes', () => {
  it('records chat actions and rejects unknown ones', async () => {
    const user = await startedUser();
    expect((await api('sendChatAction', { chat_id: user.id, action: 'typing' })).body).toEqual({
      ok: true,
      result: true,
    });
    expect((await api('sendChatAction', { chat_id: user.id, action: 'dancing' })).body.description).toBe(
      'Bad Request: wrong parameter action in request',
    );
    expect(sim.chatActions({ token, chatId: user.id }).map((a) => a.action)).toEqual(['typing']);
  });

  it('delivers callback queries and answers them once, within the TTL', async () => {
    const user = await startedUser();
    const msg = await api('sendMessage', {
      chat_id: user.id,
      text: 'Pick',
      reply_markup: {
        inline_keyboard: [
          [
            { text: 'A', callback_data: 'a' },
            { text: 'B', callback_data: 'b' },
          ],
        ],
      },
    });
    const { callbackQuery } = sim.pressButton({
      token,
      from: user.id,
      messageId: msg.body.result.message_id,
      data: 'b',
    });
    const updates = (await api('getUpdates')).body.result;
    expect(updates.at(-1).callback_query).toMatchObject({
      id: callbackQuery.id,
      data: 'b',
      from: { id: user.id },
      message: { message_id: msg.body.result.message_id },
      chat_instance: expect.any(String),
    });
    expect((await api('answerCallbackQuery', { callback_query_id: callbackQuery.id, text: 'Got it' })).body).toEqual({
      ok: true,
      result: true,
    });
    expect(sim.callbackAnswers({ token })).toMatchObject([
      { callbackQueryId: callbackQuery.id, text: 'Got it', showAlert: false },
    ]);
    const tooOld = 'Bad Request: query is too old and response timeout expired or query ID is invalid';
    expect((await api('answerCallbackQuery', { callback_query_id: callbackQuery.id })).body.description).toBe(tooOld);
    const late = sim.pressButton({ token, from: user.id, messageId: msg.body.result.message_id, data: 'a' });
    sim.advanceClock({ ms: 16_000 });
    expect((await api('answerCallbackQuery', { callback_query_id: late.callbackQuery.id })).body).toEqual({
      ok: false,
      error_code: 400,
      description: tooOld,
    });
  });

  it('edits the bot message text; no-op edits and foreign messages fail', async () => {
    const user = await startedUser();
    const markup = { inline_keyboard: [[{ text: 'A', callback_data: 'a' }]] };
    const msg = await api('sendMessage', { chat_id: user.id, text: 'v1', reply_markup: markup });
    const id = msg.body.result.message_id;
    const edited = await api('editMessageText', { chat_id: user.id, message_id: id, text: 'v2', reply_markup: markup });
    expect(edited.body.result).toMatchObject({
      message_id: id,
      text: 'v2',
      edit_date: expect.any(Number),
      reply_markup: markup,
    });
    const same = await api('editMessageText', { chat_id: user.id, message_id: id, text: 'v2', reply_markup: markup });
    expect(same.body.description).toBe(
      'Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message',
    );
    const dropsKeyboard = await api('editMessageText', { chat_id: user.id, message_id: id, text: 'v2' });
    expect(dropsKeyboard.body.result.reply_markup).toBeUndefined();
    expect((await api('editMessageText', { chat_id: user.id, message_id: 999, text: 'x' })).body.description).toBe(
      'Bad Request: message to edit not found',
    );
    const userMsg = sim.sendText({ token, from: user.id, text: 'mine' }).message;
    expect(
      (await api('editMessageText', { chat_id: user.id, message_id: userMsg.message_id, text: 'x' })).body.description,
    ).toBe("Bad Request: message can't be edited");
  });

  it('deletes messages once', async () => {
    const user = await startedUser();
    const msg = await api('sendMessage', { chat_id: user.id, text: 'bye' });
    expect((await api('deleteMessage', { chat_id: user.id, message_id: msg.body.result.message_id })).body).toEqual({
      ok: true,
      result: true,
    });
    expect(
      (await api('deleteMessage', { chat_id: user.id, message_id: msg.body.result.message_id })).body.description,
    ).toBe('Bad Request: message to delete not found');
  });
});

describe('getUpdates (https://core.telegram.org/bots/api#available-methods semantics)', () => {
  it('confirms with offset, keeps the last -offset with a negative offset, honours limit', async () => {
    const user = sim.createUser();
    for (const t of ['one', 'two', 'three']) sim.sendText({ token, from: user.id, text: t });
    const all = (await api('getUpdates')).body.result as Array<{ update_id: number; message: { text: string } }>;
    expect(all.map((u) => u.message.text)).toEqual(['one', 'two', 'three']);
    expect(all[1]!.update_id).toBe(all[0]!.update_id + 1);
    expect((await api('getUpdates', { limit: 1 })).body.result).toHaveLength(1);
    expect(
      (await api('getUpdates', { offset: all[1]!.update_id })).body.result.map(
        (u: { message: { text: string } }) => u.message.text,
      ),
    ).toEqual(['two', 'three']);
    expect(
      (await api('getUpdates', { offset: -1 })).body.result.map((u: { message: { text: string } }) => u.message.text),
    ).toEqual(['three']);
    expect((await api('getUpdates')).body.result).toHaveLength(1);
  });

  it('long-polls until an update arrives', async () => {
    const user = sim.createUser();
    const poll = api('getUpdates', { timeout: 5 });
    setTimeout(() => sim.sendText({ token, from: user.id, text: 'wake up' }), 30);
    const r = await poll;
    expect(r.body.result.map((u: { message: { text: string } }) => u.message.text)).toEqual(['wake up']);
  });

  it('answers the three 409 conflicts', async () => {
    const first = api('getUpdates', { timeout: 5 });
    await new Promise((r) => setTimeout(r, 30));
    const second = api('getUpdates', { timeout: 1 });
    expect(await first).toEqual({
      status: 409,
      body: {
        ok: false,
        error_code: 409,
        description:
          'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running',
      },
    });
    await new Promise((r) => setTimeout(r, 30));
    await api('setWebhook', { url: 'http://127.0.0.1:9/hook' });
    expect((await second).body.description).toBe('Conflict: terminated by setWebhook request');
    expect((await api('getUpdates')).body).toEqual({
      ok: false,
      error_code: 409,
      description:
        "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
    });
  });
});

describe('webhook management', () => {
  it('answers setWebhook/deleteWebhook with their descriptions and reports getWebhookInfo', async () => {
    const url = 'http://127.0.0.1:9/hook';
    expect((await api('setWebhook', { url, secret_token: 's3cret_-X', max_connections: 5 })).body).toEqual({
      ok: true,
      result: true,
      description: 'Webhook was set',
    });
    expect((await api('setWebhook', { url, secret_token: 's3cret_-X', max_connections: 5 })).body.description).toBe(
      'Webhook is already set',
    );
    const info = await api('getWebhookInfo');
    expect(info.body.result).toEqual({
      url,
      has_custom_certificate: false,
      pending_update_count: 0,
      max_connections: 5,
    });
    expect((await api('deleteWebhook')).body).toEqual({ ok: true, result: true, description: 'Webhook was deleted' });
    expect((await api('deleteWebhook')).body.description).toBe('Webhook is already deleted');
    expect((await api('setWebhook', { url: '' })).body.description).toBe('Webhook is already deleted');
    expect((await api('getWebhookInfo')).body.result).toEqual({
      url: '',
      has_custom_certificate: false,
      pending_update_count: 0,
    });
  });

  it('validates the secret token and, when strict, the URL rules', async () => {
    expect(
      (await api('setWebhook', { url: 'https://example.com/h', secret_token: 'has space' })).body.description,
    ).toBe('Bad Request: secret token contains unallowed characters');
    const strict = await startTelegramSimulator({ strictWebhookUrl: true });
    try {
      const t = strict.defaultBot!.token;
      expect((await callBotApi(strict.url, t, 'setWebhook', { url: 'http://example.com/h' })).body.description).toBe(
        'Bad Request: bad webhook: An HTTPS URL must be provided for webhook',
      );
      expect(
        (await callBotApi(strict.url, t, 'setWebhook', { url: 'https://example.com:8080/h' })).body.description,
      ).toBe('Bad Request: bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443');
    } finally {
      await strict.close();
    }
  });
});

describe('flood control and faults', () => {
  it('answers 429 with retry_after when a chat exceeds its rate', async () => {
    sim.setRateLimits({ limits: { perChatBurst: 2, perChatPerSecond: 0.5 } });
    const user = await startedUser();
    expect((await api('sendMessage', { chat_id: user.id, text: '1' })).status).toBe(200);
    expect((await api('sendMessage', { chat_id: user.id, text: '2' })).status).toBe(200);
    const limited = await api('sendMessage', { chat_id: user.id, text: '3' });
    expect(limited).toEqual({
      status: 429,
      body: {
        ok: false,
        error_code: 429,
        description: 'Too Many Requests: retry after 2',
        parameters: { retry_after: 2 },
      },
    });
    const other = await startedUser();
    expect((await api('sendMessage', { chat_id: other.id, text: '1' })).status).toBe(200);
  });

  it('applies the per-bot limit across chats', async () => {
    sim.setRateLimits({ limits: { perBotPerSecond: 2 } });
    const users = [await startedUser(), await startedUser(), await startedUser()];
    const statuses = [];
    for (const u of users) statuses.push((await api('sendMessage', { chat_id: u.id, text: 'x' })).status);
    expect(statuses).toEqual([200, 200, 429]);
  });

  it('injects errors, 429s, latency and dropped connections for the next N calls', async () => {
    sim.injectFault({ method: 'getMe', retryAfter: 7 });
    expect(await api('getMe')).toEqual({
      status: 429,
      body: {
        ok: false,
        error_code: 429,
        description: 'Too Many Requests: retry after 7',
        parameters: { retry_after: 7 },
      },
    });
    expect((await api('getMe')).status).toBe(200);
    sim.injectFault({ method: 'getme', times: 2, error: { error_code: 502, description: 'Bad Gateway' } });
    expect((await api('getMe')).body).toEqual({ ok: false, error_code: 502, description: 'Bad Gateway' });
    expect((await api('getMe')).status).toBe(502);
    expect((await api('getMe')).status).toBe(200);
    sim.injectFault({ method: 'getMe', latencyMs: 120 });
    const t0 = Date.now();
    await api('getMe');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(100);
    sim.injectFault({ method: 'getMe', dropConnection: true });
    await expect(api('getMe')).rejects.toThrow();
    expect(sim.apiCalls({ method: 'getMe' }).length).toBeGreaterThanOrEqual(6);
  });
});

describe('control API over HTTP', () => {
  it('creates users, makes them write, and lists what the bot sent', async () => {
    const control = async (op: string, args: unknown) => {
      const r = await fetch(`${sim.url}/_control/${op}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(args),
      });
      return (await r.json()) as { ok: boolean; result: any }; // eslint-disable-line @typescript-eslint/no-explicit-any
    };
    const user = (await control('createUser', { firstName: 'Bob' })).result;
    const sent = await control('sendText', { token, from: user.id, text: 'hi there' });
    expect(sent.result.update.message.text).toBe('hi there');
    const media = await control('sendMedia', {
      token,
      from: user.id,
      kind: 'document',
      dataBase64: Buffer.from('pdf!').toString('base64'),
      fileName: 'a.pdf',
      mimeType: 'application/pdf',
    });
    expect(media.result.message.document).toMatchObject({ file_name: 'a.pdf', file_size: 4 });
    await api('sendMessage', { chat_id: user.id, text: 'hello Bob' });
    const list = await fetch(`${sim.url}/_control/sentMessages?token=${encodeURIComponent(token)}&chatId=${user.id}`);
    expect(
      ((await list.json()) as { result: Array<{ message: { text: string } }> }).result.map((m) => m.message.text),
    ).toEqual(['hello Bob']);
    const unknown = await control('nope', {});
    expect(unknown.ok).toBe(false);
  });
});
