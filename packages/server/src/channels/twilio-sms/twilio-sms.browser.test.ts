/**
 * Browser end-to-end test of the SMS composer: on a Twilio SMS conversation the composer shows the draft's encoding
 * and segments as the operator types (GSM-7 for plain text, UCS-2 as soon as one emoji is in it).
 * Needs `npm run build -w @switchboard/web` first, and Chromium at /usr/bin/chromium (or CHROMIUM_PATH).
 */
import { startTwilioSimulator, type TwilioSimulator } from '@switchboard/simulators';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, requireBrowserSetup, SHOTS, signedInPage } from '../../testing/browser.js';
import { eventually, startTestServer, type TestServer } from '../../testing/test-server.js';

const WAIT = 10_000;
const OWNER = { email: 'owner@example.test', password: 'owner-password-1' };

describe('browser: the SMS composer shows encoding and segments', () => {
  let hub: TestServer;
  let sim: TwilioSimulator;
  let browser: Browser;
  let conversationId = '';

  beforeAll(async () => {
    requireBrowserSetup();
    sim = await startTwilioSimulator({ numbers: ['+15005550006'] });
    hub = await startTestServer({
      env: { SWITCHBOARD_OWNER_EMAIL: OWNER.email, SWITCHBOARD_OWNER_PASSWORD: OWNER.password },
    });
    const conn = await hub.api<{ id: string }>('POST', '/api/v1/connections', {
      type: 'twilio-sms',
      name: 'SMS',
      config: { accountSid: sim.accountSid, authToken: sim.authToken, from: ['+15005550006'], apiBaseUrl: sim.url },
    });
    expect((await hub.api('POST', `/api/v1/connections/${conn.body.id}/start`)).status).toBe(200);
    await sim.sendSms({ from: '+14155550100', body: 'hello' });
    conversationId = (
      await eventually(
        async () => (await hub.api<{ data: Array<{ id: string }> }>('GET', '/api/v1/conversations')).body.data[0],
        WAIT,
        'the conversation',
      )
    ).id;
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await hub?.close();
    await sim?.close();
  });

  it('GSM-7 for plain text, UCS-2 with 70 characters per segment once an emoji is typed', async () => {
    const page = await signedInPage(browser, hub.url, OWNER, WAIT);
    await page.goto(`${hub.url}/app/#/inbox/${conversationId}`);
    const composer = page.getByRole('form', { name: 'Reply' });
    const segments = composer.getByRole('status', { name: 'SMS segments' });
    await composer.getByLabel('Message', { exact: true }).fill('Your order has shipped');
    await expect
      .poll(() => segments.textContent(), { timeout: WAIT })
      .toContain('GSM-7 · 1 segment (160 characters each)');
    await composer.getByLabel('Message', { exact: true }).fill('Your order has shipped 📦');
    await expect
      .poll(() => segments.textContent(), { timeout: WAIT })
      .toContain('UCS-2 · 1 segment (70 characters each)');
    await page.screenshot({ path: `${SHOTS}app-composer-sms-segments.png` });
    await page.close();
  });
});
