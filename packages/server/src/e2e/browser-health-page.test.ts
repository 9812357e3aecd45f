/**
 * Browser end-to-end test of the Health page (#/health) in Chromium: every connection with its checks, last inbound
 * and outbound, the last hour's error rate, 429s and 5xx, the provider's answer time and a 24 h sparkline — a
 * Telegram bot that received a message and answered through one provider 502, beside a connection never started.
 */
import { startTelegramSimulator, type TelegramSimulator } from '@switchboard/simulators';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestServer, type TestServer } from '../testing/test-server.js';
import { launchChromium, requireBrowserSetup, SHOTS, signedInPage } from '../testing/browser.js';

const WAIT = 10_000;
const OWNER = { email: 'owner@example.test', password: 'owner-password-1' };

describe('browser: the Health page', () => {
  let hub: TestServer;
  let sim: TelegramSimulator;
  let browser: Browser;
  let botId: string;
  let idleId: string;
  let token: string;

  beforeAll(async () => {
    requireBrowserSetup();
    sim = await startTelegramSimulator({ webhookRetryScale: 0.001, rateLimits: false });
    token = sim.defaultBot?.token ?? '';
    hub = await startTestServer({
      env: { SWITCHBOARD_OWNER_EMAIL: OWNER.email, SWITCHBOARD_OWNER_PASSWORD: OWNER.password },
    });
    const create = async (name: string) =>
      (
        await hub.api<{ id: string }>('POST', '/api/v1/connections', {
          type: 'telegram',
          name,
          config: { botToken: token, apiBaseUrl: sim.url },
        })
      ).body.id;
    botId = await create('Support bot');
    idleId = await create('Spare bot');
    await hub.api('POST', `/api/v1/connections/${botId}/start`);
    // a customer writes; the answer meets one 502 and goes through on the retry
    const ana = sim.createUser({ firstName: 'Ana' });
    sim.sendText({ token, from: ana.id, text: 'hi' });
    const conv = await eventually(
      async () => (await hub.api<{ data: Array<{ id: string }> }>('GET', '/api/v1/conversations')).body.data[0],
      WAIT,
      'the first message',
    );
    sim.injectFault({ method: 'sendMessage', token, times: 1, error: { error_code: 502, description: 'Bad Gateway' } });
    const sent = await hub.api<{ id: string }>('POST', `/api/v1/conversations/${conv.id}/messages`, {
      content: { type: 'text', text: 'hello Ana' },
    });
    await eventually(
      async () =>
        (await hub.api<{ status: string }>('GET', `/api/v1/messages/${sent.body.id}`)).body.status === 'sent'
          ? true
          : undefined,
      WAIT,
      'the answer sent',
    );
    await hub.api('POST', `/api/v1/connections/${botId}/health`);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await hub?.close();
    await sim?.close();
  });

  it('lists every connection with its checks, last hour of sends, latency and a 24 h sparkline', async () => {
    const page = await signedInPage(browser, hub.url, OWNER, WAIT);
    await page.goto(`${hub.url}/app/#/health`);
    await page.getByRole('heading', { name: 'Health' }).waitFor();
    expect(await page.getByRole('link', { name: 'Health' }).getAttribute('aria-current')).toBe('page');
    const row = page.locator(`tr[data-connection="${botId}"]`);
    await row.waitFor({ timeout: WAIT });
    expect(await row.locator('.dot').getAttribute('data-status')).toBe('RUNNING');
    expect(await row.locator('.health').getAttribute('data-health')).toBe('healthy');
    expect(await row.locator('[data-check="webhook"]').getAttribute('data-state')).toBe('healthy');
    expect(await row.locator('[data-check="first_message"]').textContent()).toContain('The first message arrived at');
    expect(await row.locator('[data-check="provider_errors"]').count()).toBe(1);
    expect(await row.locator('[data-check="silence"]').count()).toBe(1);
    expect((await row.locator('[data-field="lastInbound"]').textContent())?.trim()).not.toBe('—');
    expect((await row.locator('[data-field="lastOutbound"]').textContent())?.trim()).not.toBe('—');
    // one message sent in the last hour, none in trouble now; the 502 it met is counted, with the provider's time
    expect(await row.locator('[data-field="errorRate"]').textContent()).toBe('0 % of 1');
    expect(await row.locator('[data-field="providerErrors"]').textContent()).toBe('0 / 1');
    expect(await row.locator('[data-field="latency"]').textContent()).toMatch(/^\d+(\.\d)? m?s \/ \d+(\.\d)? m?s$/);
    const spark = row.locator('svg.sparkline');
    const hours = (await spark.getAttribute('data-sparkline'))?.split(',').map(Number) ?? [];
    expect(hours).toHaveLength(24);
    // the customer's message and our answer, in this hour (or the one before, when the test crossed an hour)
    expect((hours[22] ?? 0) + (hours[23] ?? 0)).toBe(2);
    expect(hours.slice(0, 22).every((n) => n === 0)).toBe(true);
    expect(await spark.getAttribute('aria-label')).toBe('Messages per hour over the last 24 hours: 2 in all');
    expect(await spark.locator('rect').count()).toBe(24);

    const idle = page.locator(`tr[data-connection="${idleId}"]`);
    expect(await idle.locator('[data-health]').getAttribute('data-health')).toBe('unchecked');
    expect(await idle.locator('[data-field="latency"]').textContent()).toBe('—');
    await page.screenshot({ path: `${SHOTS}app-health-page.png`, fullPage: true });

    // another app takes the webhook: "Check now" shows the warning with Telegram's view and the fix
    await fetch(`${sim.url}/bot${token}/setWebhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ url: 'http://127.0.0.1:9/other-app' }),
    });
    await page.getByRole('button', { name: 'Check the health of Support bot now' }).click();
    await expect
      .poll(async () => row.locator('[data-check="webhook"]').getAttribute('data-state'), { timeout: WAIT })
      .toBe('warning');
    expect(await row.locator('[data-check="webhook"]').textContent()).toContain('http://127.0.0.1:9/other-app');
    expect(await row.locator('.health').getAttribute('data-health')).toBe('warning');
    await page.close();
  });
});
