/**
 * Browser end-to-end test of the composer's delivery note: on a channel without buttons (the kit's test connector)
 * the operator adds reply buttons, the composer shows the hub's preview ("On Test gateway the buttons arrive as
 * numbered text options."), and what reaches the provider is that numbered text.
 * Needs `npm run build -w @switchboard/web` first, and Chromium at /usr/bin/chromium (or CHROMIUM_PATH).
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConnector } from '../channel-kit/test-connector.js';
import { eventually, startTestServer, type TestServer } from '../testing/test-server.js';
import { launchChromium, requireBrowserSetup, SHOTS, signedInPage } from '../testing/browser.js';
import { fakeProvider, type FakeProvider } from '../testing/fake-provider.js';

const WAIT = 10_000;
const OWNER = { email: 'owner@example.test', password: 'owner-password-1' };

describe('browser: the composer says how a reply will arrive', () => {
  let hub: TestServer;
  let provider: FakeProvider;
  let browser: Browser;
  let conversationId = '';

  beforeAll(async () => {
    requireBrowserSetup();
    provider = await fakeProvider();
    hub = await startTestServer({
      extraConnectors: [testConnector],
      env: { SWITCHBOARD_OWNER_EMAIL: OWNER.email, SWITCHBOARD_OWNER_PASSWORD: OWNER.password },
    });
    const connectionId = (
      await hub.api<{ id: string }>('POST', '/api/v1/connections', {
        type: 'x-test',
        name: 'Plain gateway',
        config: { signingSecret: 'degrade-signing', apiToken: 'api-token-value-1', apiBaseUrl: provider.url },
      })
    ).body.id;
    expect((await hub.api('POST', `/api/v1/connections/${connectionId}/start`)).status).toBe(200);
    conversationId = (
      await hub.api<{ conversationId: string }>('POST', '/api/v1/messages', {
        connectionId,
        to: 'customer-1',
        content: { type: 'text', text: 'Hello from the shop' },
      })
    ).body.conversationId;
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await hub?.close();
    await provider?.close();
  });

  it('shows "numbered text" for buttons on a channel without them, and sends that text', async () => {
    const page = await signedInPage(browser, hub.url, OWNER, WAIT);
    await page.goto(`${hub.url}/app/#/inbox/${conversationId}`);
    const composer = page.getByRole('form', { name: 'Reply' });
    await composer.getByLabel('Message', { exact: true }).fill('Did that help?');
    const note = composer.getByRole('status', { name: 'How it will arrive' });
    // plain text within the limit arrives as it is: no note
    await page.waitForTimeout(600);
    expect(await note.count()).toBe(0);
    await composer.getByRole('button', { name: 'Add reply buttons' }).click();
    await composer.getByLabel('Button 1', { exact: true }).fill('Yes');
    await composer.getByRole('button', { name: 'Add a button' }).click();
    await composer.getByLabel('Button 2', { exact: true }).fill('No');
    await expect
      .poll(() => note.textContent(), { timeout: WAIT })
      .toContain('On Test gateway the buttons arrive as numbered text options.');
    await page.screenshot({ path: `${SHOTS}app-composer-degradation.png` });
    await composer.getByRole('button', { name: 'Send' }).click();
    const sent = await eventually(
      async () => provider.received.find((r) => r.text.startsWith('Did that help?')),
      WAIT,
      'the numbered text at the provider',
    );
    expect(sent.text).toBe('Did that help?\n\nReply 1 for Yes\nReply 2 for No');
    await page.close();
  });
});
