/**
 * Browser end-to-end test of `switchboard sandbox` (its page in Chromium, the real hub and simulators behind it):
 * the page asks for a sign-in instead of carrying a credential, the customer on the phone survives a reload, the
 * inbox shows the customer's name and the channel's SVG glyph (no emoji), an operator reply with buttons reaches
 * the phone, a pressed Telegram button shows on the phone, and "Skip ahead 25 h" closes the WhatsApp window.
 * Screenshots at phone and desktop widths go to test-results/screenshots/.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSandboxConfig } from '../app/config.js';
import { startSandbox, type Sandbox } from '../app/sandbox.js';
import { launchChromium, requireBrowserSetup, SHOTS } from '../testing/browser.js';
import { freePort } from '../testing/server-process.js';

const WAIT = 10_000;
const OWNER = { email: 'owner@example.test', password: 'sandbox-owner-password-1' };

describe('browser: the sandbox page', () => {
  let sandbox: Sandbox;
  let browser: Browser;
  let base: string;
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-sandbox-browser-'));

  beforeAll(async () => {
    requireBrowserSetup();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    sandbox = await startSandbox(
      loadSandboxConfig({
        PORT: String(port),
        SWITCHBOARD_DATA_DIR: dir,
        LOG_LEVEL: 'silent',
        SWITCHBOARD_PUBLIC_URL: base,
        SWITCHBOARD_OWNER_EMAIL: OWNER.email,
        SWITCHBOARD_OWNER_PASSWORD: OWNER.password,
      }),
    );
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await sandbox?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const signIn = async (page: Page) => {
    await page.goto(`${base}/sandbox`);
    await page.getByRole('heading', { name: 'Sign in to the sandbox' }).waitFor();
    await page.getByLabel('Email').fill(OWNER.email);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: /./ }).waitFor();
    await page.getByLabel('Password').fill(OWNER.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('region', { name: 'Customer phone' }).waitFor();
  };

  it('carries a Telegram conversation with buttons both ways, and keeps the customer over a reload', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.setDefaultTimeout(WAIT);
    await signIn(page);
    await page.getByLabel('Channel').selectOption('telegram');
    await page.getByLabel('Your name').fill('Ana Lima');
    await page.getByRole('button', { name: 'Start chatting' }).click();
    await page.getByPlaceholder('Write as the customer').fill('hello from the phone');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    const conv = page.getByRole('option').filter({ hasText: 'Ana Lima' });
    await conv.waitFor();
    // the channel glyph is an SVG with the channel's name, not an emoji
    expect(await conv.locator('svg[aria-label="Telegram"]').count()).toBe(1);
    await conv.click();
    await page.getByPlaceholder('Reply as an operator').fill('How can we help?');
    await page.getByLabel('Buttons (optional, comma-separated)').fill('Billing, Talk to a human');
    await page.getByRole('button', { name: 'Reply', exact: true }).click();
    const phone = page.getByRole('log').first();
    await phone.getByRole('button', { name: 'Talk to a human' }).click();
    await phone.getByText('▸ Talk to a human').waitFor();
    await page.screenshot({ path: join(SHOTS, 'sandbox-desktop.png'), fullPage: true });
    await page.reload();
    await page.getByText(/Writing as Ana Lima on Telegram/).waitFor();
    await phone.getByText('hello from the phone').waitFor();
    await page.close();
  });

  it('closes the WhatsApp window with "Skip ahead 25 h", on a phone-sized screen', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    page.setDefaultTimeout(WAIT);
    await signIn(page);
    await page.getByLabel('Channel').selectOption('whatsapp');
    await page.getByLabel('Your name').fill('Bea Costa');
    await page.getByRole('button', { name: 'Start chatting' }).click();
    await page.getByPlaceholder('Write as the customer').fill('is anyone there?');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await page.getByRole('option').filter({ hasText: 'Bea Costa' }).click();
    await page.getByText(/^Window open until/).waitFor();
    await page.getByRole('button', { name: 'Skip ahead 25 h' }).click();
    await page.getByText('sandbox time = real time + 25 h').waitFor();
    await page.getByText('Window closed: only a template can be sent').waitFor();
    const width = await page.evaluate('document.documentElement.scrollWidth');
    expect(width).toBeLessThanOrEqual(390);
    await page.screenshot({ path: join(SHOTS, 'sandbox-phone.png'), fullPage: true });
    await page.close();
  });
});
