/**
 * Browser end-to-end test: "Send a test event" in Settings › Channels. A running Messenger connection (its
 * provider has a test facility: Meta's sample notification) shows the button; pressing it has the Meta simulator
 * deliver the sample to our webhook, and the row's first-message check turns healthy. A Telegram bot (no test
 * facility) shows no button. The Health page offers the same for an Instagram account (its own Meta app, so its
 * own callback): "Send a test event" says it was sent and the row's first-message check turns healthy.
 */
import {
  startMetaMessagingSimulator,
  startTelegramSimulator,
  type MetaMessagingSimulator,
  type TelegramSimulator,
} from '@switchboard/simulators';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/test-server.js';
import { launchChromium, requireBrowserSetup, SHOTS, signedInPage } from '../testing/browser.js';

const WAIT = 10_000;
const OWNER = { email: 'owner@example.test', password: 'owner-password-1' };

describe('browser: send a test event from Settings › Channels', () => {
  let hub: TestServer;
  let meta: MetaMessagingSimulator;
  let telegram: TelegramSimulator;
  let browser: Browser;
  let messengerId: string;
  let telegramId: string;
  let igMeta: MetaMessagingSimulator;
  let instagramId: string;

  beforeAll(async () => {
    requireBrowserSetup();
    meta = await startMetaMessagingSimulator();
    telegram = await startTelegramSimulator({ webhookRetryScale: 0.001, rateLimits: false });
    hub = await startTestServer({
      allowPrivateNetwork: true,
      env: { SWITCHBOARD_OWNER_EMAIL: OWNER.email, SWITCHBOARD_OWNER_PASSWORD: OWNER.password },
    });
    const page = meta.createPage({ name: 'Acme Shoes' });
    const conn = await hub.api<{ id: string; webhookUrl: string; config: { verifyToken: string } }>(
      'POST',
      '/api/v1/connections',
      {
        type: 'messenger',
        name: 'Acme Shoes',
        config: { pageId: page.id, pageAccessToken: page.token, appSecret: meta.app.secret, apiBaseUrl: meta.url },
      },
    );
    messengerId = conn.body.id;
    expect(
      (await meta.configureWebhook({ url: conn.body.webhookUrl, verifyToken: conn.body.config.verifyToken })).ok,
    ).toBe(true);
    await hub.api('POST', `/api/v1/connections/${messengerId}/start`);
    telegramId = (
      await hub.api<{ id: string }>('POST', '/api/v1/connections', {
        type: 'telegram',
        name: 'Support bot',
        config: { botToken: telegram.defaultBot?.token ?? '', apiBaseUrl: telegram.url },
      })
    ).body.id;
    await hub.api('POST', `/api/v1/connections/${telegramId}/start`);
    igMeta = await startMetaMessagingSimulator();
    const account = igMeta.createInstagramAccount({ name: 'acme.shoes' });
    const ig = await hub.api<{ id: string; webhookUrl: string; config: { verifyToken: string } }>(
      'POST',
      '/api/v1/connections',
      {
        type: 'instagram',
        name: 'Acme on Instagram',
        config: {
          instagramAccountId: account.id,
          accessToken: account.token,
          appSecret: igMeta.app.secret,
          apiBaseUrl: igMeta.url,
        },
      },
    );
    instagramId = ig.body.id;
    expect(
      (await igMeta.configureWebhook({ url: ig.body.webhookUrl, verifyToken: ig.body.config.verifyToken })).ok,
    ).toBe(true);
    await hub.api('POST', `/api/v1/connections/${instagramId}/start`);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await hub?.close();
    await meta?.close();
    await igMeta?.close();
    await telegram?.close();
  });

  it('the provider delivers a test message and the first-message check turns healthy', async () => {
    const page = await signedInPage(browser, hub.url, OWNER, WAIT);
    await page.goto(`${hub.url}/app/#/settings`);
    const row = page.locator(`[data-connection="${messengerId}"]`);
    await row.waitFor();
    await expect
      .poll(async () => row.locator('[data-check="first_message"]').textContent(), { timeout: WAIT })
      .toContain('Waiting for the first message');
    // only the channel whose provider has a test facility offers it
    const tgRow = page.locator(`[data-connection="${telegramId}"]`);
    await tgRow.waitFor();
    expect(await page.getByRole('button', { name: 'Send a test event to Support bot' }).count()).toBe(0);

    await page.getByRole('button', { name: 'Send a test event to Acme Shoes' }).click();
    await expect
      .poll(async () => page.getByRole('status').textContent(), { timeout: WAIT })
      .toContain('Acme Shoes: test event requested');
    // the first-message warning goes once the sample arrived (a healthy check shows no reason line)
    await expect.poll(async () => row.locator('[data-check="first_message"]').count(), { timeout: WAIT }).toBe(0);
    expect(meta.calls().filter((c) => c.path.endsWith('/subscriptions_sample'))).toHaveLength(1);
    await page.screenshot({ path: `${SHOTS}app-test-event.png` });
    await page.close();
  });

  it('the Health page sends one too, says it was sent, and the check turns healthy', async () => {
    const page = await signedInPage(browser, hub.url, OWNER, WAIT);
    await page.goto(`${hub.url}/app/#/health`);
    const row = page.locator(`tr[data-connection="${instagramId}"]`);
    await row.waitFor();
    await expect
      .poll(async () => row.locator('[data-check="first_message"]').getAttribute('data-state'), { timeout: WAIT })
      .toBe('warning');
    expect(await page.getByRole('button', { name: 'Send a test event to Support bot' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Send a test event to Acme on Instagram' }).click();
    await expect
      .poll(async () => row.locator('[data-test-event]').textContent(), { timeout: WAIT })
      .toContain('Sent — Instagram is sending a sample message');
    expect(await row.locator('[data-test-event]').getAttribute('data-test-event')).toBe('sent');
    await expect
      .poll(async () => row.locator('[data-check="first_message"]').getAttribute('data-state'), { timeout: WAIT })
      .toBe('healthy');
    expect(igMeta.calls().filter((c) => c.path.endsWith('/subscriptions_sample'))).toHaveLength(1);
    await page.screenshot({ path: `${SHOTS}app-health-test-event.png` });
    await page.close();
  });
});
