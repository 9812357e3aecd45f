/**
 * Browser end-to-end test of consent in the operator app (packages/web served by a real hub, in Chromium): a
 * customer recorded as opted out shows "Opted out of <channel> since <date>" above the composer, a reply is refused
 * with the hub's OPTED_OUT reason, and the contact panel records the opt-in, after which the notice is gone.
 * Needs `npm run build -w @switchboard/web` first, and Chromium at /usr/bin/chromium (or CHROMIUM_PATH).
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestServer, type TestServer } from '../testing/test-server.js';
import { launchChromium, requireBrowserSetup, SHOTS, signedInPage } from '../testing/browser.js';

const WAIT = 10_000;
const OWNER = { email: 'owner@example.test', password: 'owner-password-1' };

interface Conv {
  id: string;
  contactId: string;
  lastMessagePreview: string | null;
}

describe('browser: consent in the operator app', () => {
  let hub: TestServer;
  let browser: Browser;
  let conv: Conv;

  beforeAll(async () => {
    requireBrowserSetup();
    hub = await startTestServer({
      env: { SWITCHBOARD_OWNER_EMAIL: OWNER.email, SWITCHBOARD_OWNER_PASSWORD: OWNER.password },
    });
    const webchatId = (
      await hub.api<{ id: string }>('POST', '/api/v1/connections', {
        type: 'webchat',
        name: 'Website chat',
        config: { title: 'Acme help' },
      })
    ).body.id;
    await hub.api('POST', `/api/v1/connections/${webchatId}/start`);
    const visitor = (await hub.api<{ token: string }>('POST', `/webchat/${webchatId}/sessions`)).body;
    await hub.api(
      'POST',
      `/webchat/${webchatId}/messages`,
      { clientMessageId: 'c-1', text: 'Please do not message me again', name: 'Nora Visitor' },
      { authorization: `Bearer ${visitor.token}` },
    );
    conv = await eventually(
      async () =>
        (await hub.api<{ data: Conv[] }>('GET', '/api/v1/conversations')).body.data.find(
          (c) => c.lastMessagePreview === 'Please do not message me again',
        ),
      WAIT,
      'the conversation',
    );
    const put = await hub.api('PUT', `/api/v1/contacts/${conv.contactId}/consent`, {
      channelType: 'webchat',
      optedOut: true,
      source: 'operator',
    });
    expect(put.status).toBe(200);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await hub?.close();
  });

  it('shows the opt-out above the composer, shows the refusal, and records the opt-in from the contact panel', async () => {
    const page = await signedInPage(browser, hub.url, OWNER, WAIT);
    await page.goto(`${hub.url}/app/#/inbox/${conv.id}`);

    const notice = page.locator('.notice[data-opted-out="webchat"]');
    await notice.waitFor();
    const text = (await notice.textContent()) ?? '';
    expect(text).toMatch(/^Opted out of Web ?chat since /i);
    expect(text).toContain('recorded by an operator');

    await page.getByLabel('Message', { exact: true }).fill('One more offer');
    await page.getByRole('button', { name: 'Send' }).click();
    const alert = page.getByRole('form', { name: 'Reply' }).getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('opted out of');

    // open beside the conversation at this width
    const panel = page.getByRole('complementary', { name: 'Contact' });
    await panel.locator('small.opted-out[data-opted-out="webchat"]').waitFor();
    await page.screenshot({ path: `${SHOTS}app-consent-opted-out.png` });
    await panel.getByRole('button', { name: 'Record opt-in' }).click();
    await panel.getByRole('button', { name: 'Record opt-out' }).waitFor();
    await notice.waitFor({ state: 'detached' });
    const consent = (
      await hub.api<{ data: Array<{ optedOut: boolean; source: string }> }>(
        'GET',
        `/api/v1/contacts/${conv.contactId}/consent`,
      )
    ).body.data;
    expect(consent).toEqual([expect.objectContaining({ optedOut: false, source: 'operator' })]);
    await page.close();
  });
});
