/**
 * Browser end-to-end test of a Messenger conversation in the operator app: the Page's reply from another tool shows
 * where it came from, the contact shows the name and picture looked up for the new PSID, and the window is shown as
 * it stands — the composer while the 24 h window is open, the HUMAN_AGENT notice (only a person may answer, until
 * when) after 24 h, and no composer at all after 7 days.
 * Needs `npm run build -w @switchboard/web` first, and Chromium at /usr/bin/chromium (or CHROMIUM_PATH).
 */
import { startMetaMessagingSimulator, type MetaMessagingSimulator } from '@switchboard/simulators';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, requireBrowserSetup, SHOTS, signedInPage } from '../../testing/browser.js';
import { eventually, startTestServer, testClock, type TestServer } from '../../testing/test-server.js';

const WAIT = 10_000;
const HOUR = 3_600_000;
const OWNER = { email: 'owner@example.test', password: 'owner-password-1' };

describe('browser: a Messenger conversation shows its window and where messages came from', () => {
  let hub: TestServer;
  let sim: MetaMessagingSimulator;
  let browser: Browser;
  let conversationId = '';
  const clock = testClock();

  beforeAll(async () => {
    requireBrowserSetup();
    sim = await startMetaMessagingSimulator({ deliveryAfterMs: -1 });
    const page = sim.createPage({ name: 'Acme Shoes' });
    hub = await startTestServer({
      clock,
      allowPrivateNetwork: true,
      env: { SWITCHBOARD_OWNER_EMAIL: OWNER.email, SWITCHBOARD_OWNER_PASSWORD: OWNER.password },
    });
    const conn = await hub.api<{ id: string; webhookUrl: string; config: { verifyToken: string } }>(
      'POST',
      '/api/v1/connections',
      {
        type: 'messenger',
        name: 'Messenger',
        config: { pageId: page.id, pageAccessToken: page.token, appSecret: sim.app.secret, apiBaseUrl: sim.url },
      },
    );
    expect((await hub.api('POST', `/api/v1/connections/${conn.body.id}/start`)).status).toBe(200);
    expect(
      (await sim.configureWebhook({ url: conn.body.webhookUrl, verifyToken: conn.body.config.verifyToken })).ok,
    ).toBe(true);
    const psid = sim.createCustomer({ accountId: page.id, firstName: 'Peter', lastName: 'Chang' }).id;
    sim.sendText({ accountId: page.id, from: psid, text: 'do you ship to Lisbon?' });
    conversationId = (
      await eventually(
        async () => (await hub.api<{ data: Array<{ id: string }> }>('GET', '/api/v1/conversations')).body.data[0],
        WAIT,
        'the conversation',
      )
    ).id;
    const inbox = sim.pageWrites({ accountId: page.id, to: psid, text: 'Yes, in 3 days' });
    await eventually(
      async () =>
        (
          await hub.api<{ data: Array<{ providerMessageId: string | null }> }>(
            'GET',
            `/api/v1/conversations/${conversationId}/messages`,
          )
        ).body.data.some((m) => m.providerMessageId === inbox.mid) || undefined,
      WAIT,
      'the Page inbox echo',
    );
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await hub?.close();
    await sim?.close();
  });

  it('open: the composer; after 24 h: only a human reply, until when; after 7 days: nothing can be sent', async () => {
    const page = await signedInPage(browser, hub.url, OWNER, WAIT);
    await page.goto(`${hub.url}/app/#/inbox/${conversationId}`);
    await expect
      .poll(() => page.locator('.msg.outbound').textContent(), { timeout: WAIT })
      .toContain('Sent from another tool');
    await expect.poll(() => page.locator('.msg.outbound').textContent(), { timeout: WAIT }).toContain('Yes, in 3 days');
    await expect.poll(() => page.locator('.window-human-agent').count(), { timeout: WAIT }).toBe(0);
    // the profile looked up for the new PSID: the name and the picture from our media store
    const picture = page.locator('.contact-picture');
    await expect.poll(() => picture.count(), { timeout: WAIT }).toBe(1);
    expect(await picture.getAttribute('src')).toMatch(new RegExp(`^${hub.url}/media/att_`));
    // the picture is shown, not a broken-image icon: the browser fetched and decoded it
    await expect
      .poll(
        () =>
          picture.evaluate((img) => {
            const el = img as unknown as { complete: boolean; naturalWidth: number };
            return el.complete ? el.naturalWidth : -1;
          }),
        { timeout: WAIT },
      )
      .toBeGreaterThan(0);
    expect(await page.locator('.contact-panel .panel-head h3').textContent()).toBe('Peter Chang');
    await expect.poll(() => page.getByLabel('Message', { exact: true }).count(), { timeout: WAIT }).toBe(1);
    // a Page is one sender: the header names no Page id to write from (that is for numbers a connection has several of)
    expect(await page.locator('.conv-meta').allTextContents()).not.toContainEqual(expect.stringContaining('From '));

    clock.advance(25 * HOUR);
    await page.reload();
    const notice = page.locator('.window-human-agent [role="status"]');
    await expect.poll(() => notice.textContent(), { timeout: WAIT }).toContain('only a human reply can be sent');
    await expect.poll(() => page.getByLabel('Message', { exact: true }).count(), { timeout: WAIT }).toBe(1);
    await page.screenshot({ path: `${SHOTS}app-messenger-human-agent-window.png` });

    clock.advance(7 * 24 * HOUR);
    await page.reload();
    await expect
      .poll(() => page.locator('.window-closed [role="status"]').textContent(), { timeout: WAIT })
      .toContain('Nothing can be sent until they write again');
    expect(await page.getByLabel('Message', { exact: true }).count()).toBe(0);
    await page.close();
  });
});
