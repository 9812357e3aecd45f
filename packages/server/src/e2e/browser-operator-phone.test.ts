/**
 * Browser end-to-end test of the phone a handed-over call rings (users.phone) in the operator app, at a desktop's
 * 1280 px and a phone's 390 px: one's own under Settings › Account and a member's under Settings › People (an
 * owner editing an operator). A value is saved, survives a reload and is what the API stores; a value that is no
 * E.164 number or SIP URI is refused with its reason on the page and changes nothing, as the API refuses it (400).
 * Needs `npm run build -w @switchboard/web` first, and Chromium at /usr/bin/chromium (or CHROMIUM_PATH).
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, requireBrowserSetup, SHOTS, signedInPage } from '../testing/browser.js';
import { startTestServer, type TestServer } from '../testing/test-server.js';

const WAIT = 10_000;
const OWNER = { email: 'owner@example.test', password: 'owner-password-1' };
// runs inside the page (the server's tsconfig has no DOM lib)
declare const document: { documentElement: { scrollWidth: number } };
declare const innerWidth: number;

interface UserRow {
  id: string;
  email: string;
  phone: string | null;
}

describe('browser: the phone a handed-over call rings', () => {
  let hub: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    requireBrowserSetup();
    hub = await startTestServer({
      env: { SWITCHBOARD_OWNER_EMAIL: OWNER.email, SWITCHBOARD_OWNER_PASSWORD: OWNER.password },
    });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await hub?.close();
  });

  const userByEmail = async (email: string): Promise<UserRow> => {
    const list = await hub.api<{ data: UserRow[] }>('GET', '/api/v1/users');
    const user = list.body.data.find((u) => u.email === email);
    if (!user) throw new Error(`no user ${email}`);
    return user;
  };
  /** a page of the app at this width, signed in as the owner, on a Settings section */
  const settingsPage = async (width: number, section: 'account' | 'team'): Promise<Page> => {
    const page = await signedInPage(browser, hub.url, OWNER, WAIT);
    await page.setViewportSize({ width, height: 900 });
    await page.goto(`${hub.url}/app/#/settings/${section}`);
    // on a phone the tabs sit behind the Menu button
    if (width < 800) await page.getByRole('button', { name: /^Menu, on / }).waitFor();
    return page;
  };
  const noSidewaysScroll = async (page: Page) =>
    expect(await page.evaluate(() => document.documentElement.scrollWidth - innerWidth)).toBeLessThanOrEqual(1);

  for (const [width, own, member] of [
    [1280, '+15017122661', 'sip:desk-7@pbx.example.com'],
    [390, 'sip:owner@pbx.example.com;user=phone', '+493012345678'],
  ] as const) {
    it(`at ${width} px: one's own phone under Account and a member's under People: saved, reloaded, refused with a reason`, async () => {
      const opEmail = `op-${width}@example.test`;
      const invited = await hub.api('POST', '/api/v1/users', {
        email: opEmail,
        name: `Operator ${width}`,
        role: 'operator',
        password: 'operator-password-1',
      });
      expect(invited.status).toBe(201);
      const before = (await userByEmail(OWNER.email)).phone;

      // --- Settings › Account: one's own ---
      const page = await settingsPage(width, 'account');
      const form = page.getByRole('form', { name: 'Your phone for handed-over calls' });
      const field = form.getByLabel('Your phone for handed-over calls');
      await form.getByText('A phone call an agent hands to people rings this number or SIP address').waitFor();
      await field.fill('0301234567');
      await form.getByRole('button', { name: 'Save' }).click();
      const refused = form.getByRole('alert');
      await refused.waitFor();
      expect(await refused.isVisible()).toBe(true);
      expect(await refused.textContent()).toContain('"0301234567" is not a phone number or SIP address');
      expect(await field.getAttribute('aria-invalid')).toBe('true');
      expect((await userByEmail(OWNER.email)).phone).toBe(before);
      await field.fill(own);
      await form.getByRole('button', { name: 'Save' }).click();
      await form
        .getByRole('status')
        .filter({ hasText: `Saved: handed-over calls ring ${own}.` })
        .waitFor();
      expect((await userByEmail(OWNER.email)).phone).toBe(own);
      await noSidewaysScroll(page);
      await page.screenshot({ path: `${SHOTS}app-settings-phone-account-${width}.png`, fullPage: true });
      await page.reload();
      expect(await page.getByRole('textbox', { name: 'Your phone for handed-over calls' }).inputValue()).toBe(own);

      // --- Settings › People: an owner edits an operator's ---
      await page.goto(`${hub.url}/app/#/settings/team`);
      const operator = await userByEmail(opEmail);
      const memberForm = page.getByRole('form', { name: `Phone of ${opEmail}` });
      const memberField = memberForm.getByLabel(`Phone of ${opEmail}`);
      await page.locator('#team-phone-help', { hasText: 'a phone call an agent hands to people rings' }).waitFor();
      await memberField.fill('+1 501 712 2661');
      await memberForm.getByRole('button', { name: 'Save' }).click();
      const memberRefused = memberForm.getByRole('alert');
      await memberRefused.waitFor();
      expect(await memberRefused.isVisible()).toBe(true);
      expect(await memberRefused.textContent()).toContain('E.164');
      expect((await userByEmail(opEmail)).phone).toBeNull();
      await memberField.fill(member);
      await memberForm.getByRole('button', { name: 'Save' }).click();
      await memberForm
        .getByRole('status')
        .filter({ hasText: `ring ${member}` })
        .waitFor();
      expect((await userByEmail(opEmail)).phone).toBe(member);
      await noSidewaysScroll(page);
      await page.screenshot({ path: `${SHOTS}app-settings-phone-team-${width}.png`, fullPage: true });
      await page.reload();
      expect(await page.getByRole('textbox', { name: `Phone of ${opEmail}` }).inputValue()).toBe(member);
      // one's own row points to Account instead of a second form
      const ownRow = page.locator(`tr[data-user="${(await userByEmail(OWNER.email)).id}"]`);
      await ownRow.getByText(own).waitFor();
      expect(await ownRow.getByRole('form').count()).toBe(0);

      // the API refuses what the app refuses and keeps the stored value; null removes it
      const bad = await hub.api<{ error: { code: string; message: string } }>('PATCH', `/api/v1/users/${operator.id}`, {
        phone: 'sip:pbx.example.com',
      });
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toContain('E.164');
      expect((await userByEmail(opEmail)).phone).toBe(member);
      await memberField.fill('');
      await memberForm.getByRole('button', { name: 'Save' }).click();
      await memberForm.getByRole('status').filter({ hasText: 'Removed' }).waitFor();
      expect((await userByEmail(opEmail)).phone).toBeNull();
      await page.close();
    });
  }
});
