import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { callBotApi } from '../testing/bot-api-client.js';
import { startWebhookReceiver, type WebhookReceiver } from '../testing/webhook-receiver.js';
import { startTelegramSimulator, type TelegramSimulator } from './simulator.js';

let sim: TelegramSimulator;
let hub: WebhookReceiver;
let token: string;
const api = (method: string, params: Record<string, unknown> = {}) => callBotApi(sim.url, token, method, params);
const updateOf = (body: Buffer) =>
  JSON.parse(body.toString('utf8')) as {
    update_id: number;
    message?: { text: string; chat: { id: number } };
    callback_query?: unknown;
  };

beforeEach(async () => {
  // retry delays scaled 1000× down: Telegram's 0 s, 2 s, 4 s … become 0, 2, 4 … ms
  sim = await startTelegramSimulator({ rateLimits: false, webhookRetryScale: 0.001 });
  token = sim.defaultBot!.token;
  hub = await startWebhookReceiver();
});
afterEach(async () => {
  await sim.close();
  await hub.close();
});

describe('webhook delivery (https://core.telegram.org/bots/api#setwebhook)', () => {
  it('POSTs one Update per request with the secret token header and tdlib body layout', async () => {
    await api('setWebhook', { url: `${hub.url}/tg`, secret_token: 'S3cr3t_token-1' });
    const user = sim.createUser({ firstName: 'Zoë' });
    const { update } = sim.sendText({ token, from: user.id, text: 'héllo /start' });
    const [req] = await hub.waitFor(1);
    expect(req!.method).toBe('POST');
    expect(req!.path).toBe('/tg');
    expect(req!.headers['content-type']).toBe('application/json');
    expect(req!.headers['x-telegram-bot-api-secret-token']).toBe('S3cr3t_token-1');
    expect(req!.body.toString('utf8').startsWith(`{"update_id":${update!.update_id},\n"message":{`)).toBe(true);
    expect(updateOf(req!.body)).toEqual(update);
    expect(updateOf(req!.body).message).toMatchObject({
      text: 'héllo /start',
      from: { id: user.id, is_bot: false, first_name: 'Zoë' },
      chat: { id: user.id, type: 'private' },
    });
    await sim.idle();
    expect((await api('getWebhookInfo')).body.result.pending_update_count).toBe(0);
  });

  it('omits the secret header when none was set, and sends Basic auth for URL userinfo', async () => {
    await api('setWebhook', { url: hub.url.replace('http://', 'http://hub:p%40ss@') + '/tg' });
    sim.sendText({ token, from: sim.createUser().id, text: 'x' });
    const [req] = await hub.waitFor(1);
    expect(req!.headers['x-telegram-bot-api-secret-token']).toBeUndefined();
    expect(req!.headers.authorization).toBe(`Basic ${Buffer.from('hub:p@ss').toString('base64')}`);
  });

  it('retries a failing receiver until it recovers, recording the last error', async () => {
    hub.script({ status: 500 }, { status: 502 }, { status: 503 });
    await api('setWebhook', { url: hub.url });
    const { update } = sim.sendText({ token, from: sim.createUser().id, text: 'persist' });
    const reqs = await hub.waitFor(4);
    expect(reqs.map((r) => updateOf(r.body).update_id)).toEqual(Array(4).fill(update!.update_id));
    await sim.idle();
    const attempts = sim.webhookAttempts({ token });
    expect(attempts.map((a) => [a.attempt, a.status, a.outcome])).toEqual([
      [1, 500, 'retry'],
      [2, 502, 'retry'],
      [3, 503, 'retry'],
      [4, 200, 'delivered'],
    ]);
    // tdlib on_update_error: first retry immediately, then 2 s, 4 s (scaled here)
    expect(attempts.slice(0, 3).map((a) => a.retryInMs)).toEqual([0, 2, 4]);
    const info = (await api('getWebhookInfo')).body.result;
    expect(info.pending_update_count).toBe(0);
    expect(info.last_error_message).toBe('Wrong response from the webhook: 503 Service Unavailable');
    expect(typeof info.last_error_date).toBe('number');
  });

  it('honours Retry-After from the receiver', async () => {
    hub.script({ status: 429, headers: { 'retry-after': '30' } });
    await api('setWebhook', { url: hub.url });
    sim.sendText({ token, from: sim.createUser().id, text: 'slow down' });
    await hub.waitFor(2);
    const [first] = sim.webhookAttempts({ token });
    expect(first!.retryInMs).toBe(30); // 30 s × 0.001
    expect(hub.requests[1]!.at - hub.requests[0]!.at).toBeGreaterThanOrEqual(25);
  });

  it('keeps each chat in order while other chats proceed', async () => {
    const a = sim.createUser({ firstName: 'A' });
    const b = sim.createUser({ firstName: 'B' });
    let failedA = 0;
    hub.fallback = (req) => {
      const u = updateOf(req.body);
      if (u.message?.text === 'a1' && failedA < 3) {
        failedA++;
        return { status: 500 };
      }
      return { status: 200 };
    };
    await api('setWebhook', { url: hub.url });
    sim.sendText({ token, from: a.id, text: 'a1' });
    sim.sendText({ token, from: a.id, text: 'a2' });
    sim.sendText({ token, from: b.id, text: 'b1' });
    sim.sendText({ token, from: a.id, text: 'a3' });
    await sim.idle();
    const ok = sim
      .webhookAttempts({ token })
      .filter((x) => x.outcome === 'delivered')
      .map((x) => updateOf(Buffer.from(x.body)).message!.text);
    expect(ok.filter((t) => t.startsWith('a'))).toEqual(['a1', 'a2', 'a3']);
    expect(ok.indexOf('b1')).toBeLessThan(ok.indexOf('a1'));
    const seen = hub.requests.map((r) => updateOf(r.body).message!.text);
    expect(seen.indexOf('a2')).toBeGreaterThan(seen.lastIndexOf('a1'));
  });

  it('executes a Bot API method returned in the webhook reply', async () => {
    const user = sim.createUser();
    hub.fallback = () => ({
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ method: 'sendMessage', chat_id: user.id, text: 'replied inline' }),
    });
    await api('setWebhook', { url: hub.url });
    sim.sendText({ token, from: user.id, text: 'ping' });
    await sim.idle();
    await new Promise((r) => setTimeout(r, 20));
    expect(sim.sentMessages({ token, chatId: user.id }).map((m) => m.message.text)).toEqual(['replied inline']);
    expect(sim.webhookAttempts({ token })[0]!.replyMethod).toBe('sendMessage');
  });

  it('filters updates by allowed_updates and delivers callback queries and edits', async () => {
    await api('setWebhook', { url: hub.url, allowed_updates: ['callback_query', 'edited_message'] });
    const user = sim.createUser({ startedWith: [token] });
    const { message } = sim.sendText({ token, from: user.id, text: 'not delivered' });
    sim.editText({ token, from: user.id, messageId: message.message_id, text: 'edited' });
    const sent = await api('sendMessage', {
      chat_id: user.id,
      text: 'menu',
      reply_markup: { inline_keyboard: [[{ text: 'Go', callback_data: 'go' }]] },
    });
    sim.pressButton({ token, from: user.id, messageId: sent.body.result.message_id, data: 'go' });
    const reqs = await hub.waitFor(2);
    await sim.idle();
    const kinds = reqs.map((r) => Object.keys(updateOf(r.body)).filter((k) => k !== 'update_id')[0]);
    expect(kinds).toEqual(['edited_message', 'callback_query']);
    expect(updateOf(reqs[0]!.body)).toMatchObject({
      edited_message: { message_id: message.message_id, text: 'edited', edit_date: expect.any(Number) },
    });
  });

  it('leaves updates queued for getUpdates after deleteWebhook, and drops them on request', async () => {
    hub.fallback = () => ({ status: 500 });
    await api('setWebhook', { url: hub.url });
    sim.sendText({ token, from: sim.createUser().id, text: 'stuck' });
    await hub.waitFor(1);
    await api('deleteWebhook');
    const polled = await api('getUpdates');
    expect(polled.body.result.map((u: { message: { text: string } }) => u.message.text)).toEqual(['stuck']);
    await api('deleteWebhook', { drop_pending_updates: true });
    expect((await api('getUpdates')).body.result).toEqual([]);
  });

  it('reports a refused connection as the last error', async () => {
    const gone = await startWebhookReceiver();
    const url = gone.url;
    await gone.close();
    await api('setWebhook', { url });
    sim.sendText({ token, from: sim.createUser().id, text: 'x' });
    await new Promise((r) => setTimeout(r, 50));
    expect((await api('getWebhookInfo')).body.result).toMatchObject({
      pending_update_count: 1,
      last_error_message: 'Connection refused',
    });
    await api('deleteWebhook');
  });
});
