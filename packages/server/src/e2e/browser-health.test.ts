/**
 * Browser end-to-end test: Settings › Channels shows each connection's health beside its status — the badge and,
 * in words, what is wrong and the fix — and "Check health" asks again: a Telegram bot whose webhook another app
 * took over is a warning naming that app's URL, and healthy once re-registered and a customer wrote.
 */
import { startTelegramSimulator, type TelegramSimulator } from '@switchboard/simulators';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestServer, type TestServer } from '../testing/test-server.js';
import { launchChromium, requireBrowserSetup, SHOTS, signedInPage } from '../testing/browser.js';

const WAIT = 10_000;
const OWNER = { email: 'owner@example.test', password: 'owner-password-1' };

describe('browser: connection health in Settings › Channels', () => {
  let hub: TestServer;
  let sim: TelegramSimulator;
  let browser: Browser;
  let connectionId: string;
  let token: string;

  beforeAll(async () => {
    requireBrowserSetup();
    sim = await startTelegramSimulator({ webhookRetryScale: 0.001, rateLimits: false });
    token = sim.defaultBot?.token ?? '';
    hub = await startTestServer({
      env: { SWITCHBOARD_OWNER_EMAIL: OWNER.email, SWITCHBOARD_OWNER_PASSWORD: OWNER.password },
    });
    connectionId = (
      await hub.api<{ id: string }>('POST', '/api/v1/connections', {
        type: 'telegram',
        name: 'Support bot',
        config: { botToken: token, apiBaseUrl: sim.url },
      })
    ).body.id;
    await hub.api('POST', `/api/v1/connections/${connectionId}/start`);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await hub?.close();
    await sim?.close();
  });

  it('shows the badge and the reasons, and "Check health" asks again', async () => {
    const page = await signedInPage(browser, hub.url, OWNER, WAIT);
    await page.goto(`${hub.url}/app/#/settings`);
    const row = page.locator(`[data-connection="${connectionId}"]`);
    await row.waitFor();
    const badge = row.locator('.health');
    await expect.poll(async () => badge.getAttribute('data-health'), { timeout: WAIT }).toBe('warning');
    expect(await row.locator('[data-check="first_message"]').textContent()).toBe(
      'Waiting for the first message — send one from Telegram to Support bot',
    );

    const other = 'http://127.0.0.1:9/other-app';
    await fetch(`${sim.url}/bot${token}/setWebhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ url: other }),
    });
    await page.getByRole('button', { name: 'Check the health of Support bot' }).click();
    await row.locator('[data-check="webhook"]').waitFor();
    expect(await row.locator('[data-check="webhook"]').textContent()).toContain(other);
    await page.screenshot({ path: `${SHOTS}app-connection-health.png` });

    await page.getByRole('button', { name: 'Stop Support bot' }).click();
    await expect.poll(async () => row.locator('.dot').getAttribute('data-status'), { timeout: WAIT }).toBe('STOPPED');
    await page.getByRole('button', { name: 'Start Support bot' }).click();
    await expect.poll(async () => row.locator('.dot').getAttribute('data-status'), { timeout: WAIT }).toBe('RUNNING');
    const ana = sim.createUser({ firstName: 'Ana' });
    sim.sendText({ token, from: ana.id, text: 'hi' });
    await eventually(
      async () => (await hub.api<{ data: unknown[] }>('GET', '/api/v1/conversations')).body.data[0],
      WAIT,
      'the first message',
    );
    await page.getByRole('button', { name: 'Check the health of Support bot' }).click();
    await expect.poll(async () => badge.getAttribute('data-health'), { timeout: WAIT }).toBe('healthy');
    expect(await row.locator('.health-reason').count()).toBe(0);
    await page.close();
  });
});
