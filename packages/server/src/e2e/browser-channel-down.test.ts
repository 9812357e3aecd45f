/**
 * Browser end-to-end test: a conversation whose connection is down says so above the composer — "This channel is
 * down: <reason>" in ERROR, "This channel is stopped" when stopped — live, from `connection.status` events; a reply
 * written meanwhile stays visibly queued and goes out once the connection runs again, and the notice goes away.
 * The page's reads of the connection are held until after the connection went down, so an answer read before the
 * status event arrives after it every time (as it does now and then on a slow machine): the event must win.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestServer, type TestServer } from '../testing/test-server.js';
import { launchChromium, requireBrowserSetup, SHOTS, signedInPage } from '../testing/browser.js';

const WAIT = 10_000;
const OWNER = { email: 'owner@example.test', password: 'owner-password-1' };

describe('browser: a conversation on a channel that is down', () => {
  let hub: TestServer;
  let browser: Browser;
  let connectionId: string;
  let conversationId: string;

  beforeAll(async () => {
    requireBrowserSetup();
    hub = await startTestServer({
      env: { SWITCHBOARD_OWNER_EMAIL: OWNER.email, SWITCHBOARD_OWNER_PASSWORD: OWNER.password },
    });
    connectionId = (
      await hub.api<{ id: string }>('POST', '/api/v1/connections', { type: 'webchat', name: 'Website chat' })
    ).body.id;
    await hub.api('POST', `/api/v1/connections/${connectionId}/start`);
    const visitor = (await hub.api<{ token: string }>('POST', `/webchat/${connectionId}/sessions`)).body;
    await hub.api(
      'POST',
      `/webchat/${connectionId}/messages`,
      { clientMessageId: 'c-1', text: 'Is anyone there?', name: 'Vera Visitor' },
      { authorization: `Bearer ${visitor.token}` },
    );
    conversationId = await eventually(
      async () => (await hub.api<{ data: Array<{ id: string }> }>('GET', '/api/v1/conversations')).body.data[0]?.id,
      WAIT,
      'the conversation',
    );
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await hub?.close();
  });

  it('shows the reason while down, keeps the reply queued, and clears when the channel runs again', async () => {
    const page = await signedInPage(browser, hub.url, OWNER, WAIT);
    const held: Array<() => Promise<void>> = [];
    let holding = true;
    await page.route(`**/api/v1/connections/${connectionId}`, async (route) => {
      if (!holding || route.request().method() !== 'GET') return route.continue();
      const response = await route.fetch(); // read now, while the connection runs
      held.push(() => route.fulfill({ response }));
    });
    await page.goto(`${hub.url}/app/#/inbox/${conversationId}`);
    await page.getByText('Is anyone there?').last().waitFor();
    await page.getByLabel('Live updates: open').waitFor();
    await expect.poll(() => held.length, { timeout: WAIT }).toBeGreaterThan(0);
    const notice = page.locator('.notice.channel-down');
    expect(await notice.count()).toBe(0);

    await hub.sb.hub.connections.markError(connectionId, 'the provider rejected the credentials');
    await notice.waitFor();
    const answered = held.map(() => page.waitForResponse(`**/api/v1/connections/${connectionId}`));
    holding = false;
    await Promise.all(held.splice(0).map((release) => release()));
    await Promise.all(answered);
    // the stale answers said RUNNING; one more render later the notice is still there
    await page.evaluate(
      () =>
        new Promise((resolve) =>
          (globalThis as unknown as { requestAnimationFrame(f: () => void): void }).requestAnimationFrame(() =>
            resolve(null),
          ),
        ),
    );
    expect(await notice.count()).toBe(1);
    expect(await notice.textContent()).toContain('This channel is down: the provider rejected the credentials');
    await page.screenshot({ path: `${SHOTS}app-channel-down.png` });

    await hub.api('POST', `/api/v1/connections/${connectionId}/stop`);
    await expect.poll(async () => notice.textContent(), { timeout: WAIT }).toContain('This channel is stopped');
    await page.getByLabel('Message', { exact: true }).fill('Sorry for the wait');
    await page.getByRole('button', { name: 'Send' }).click();
    const status = async () =>
      (
        await hub.api<{ data: Array<{ direction: string; status: string }> }>(
          'GET',
          `/api/v1/conversations/${conversationId}/messages`,
        )
      ).body.data.find((m) => m.direction === 'outbound')?.status;
    await expect.poll(status, { timeout: WAIT }).toBe('queued');

    await hub.api('POST', `/api/v1/connections/${connectionId}/start`);
    await notice.waitFor({ state: 'detached' });
    await expect.poll(status, { timeout: WAIT }).not.toBe('queued');
    await page.close();
  });
});
