import { describe, expect, it } from 'vitest';
import { startTelegramSimulator, startWhatsAppSimulator } from './index.js';
import { callBotApi } from './testing/bot-api-client.js';

describe('close()', () => {
  it('returns promptly with long polls, webhook retries and receipts pending', async () => {
    const tg = await startTelegramSimulator();
    const token = tg.defaultBot!.token;
    const poll = callBotApi(tg.url, token, 'getUpdates', { timeout: 50 }).catch(() => null);
    await callBotApi(tg.url, token, 'setWebhook', { url: 'http://127.0.0.1:9/unreachable' }).catch(() => null);
    tg.sendText({ token, from: tg.createUser().id, text: 'x' });
    const wa = await startWhatsAppSimulator({ webhookUrl: 'http://127.0.0.1:9/unreachable' });
    wa.sendText({ from: '16505551234', text: 'x' });
    const t0 = Date.now();
    await Promise.all([tg.close(), wa.close()]);
    await poll;
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  it('binds to loopback only', async () => {
    await expect(startTelegramSimulator({ host: '0.0.0.0' })).rejects.toThrow(/loopback/);
    const wa = await startWhatsAppSimulator({ host: '127.0.0.1', port: 0 });
    expect(wa.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await wa.close();
  });
});
