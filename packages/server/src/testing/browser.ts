/**
 * @module testing/browser
 * What every browser test of the operator app needs: the built app and Debian's Chromium (never a downloaded
 * browser), launched with the flags this machine supports, and a signed-in page.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

export const WEB_INDEX = fileURLToPath(new URL('../../../web/dist/index.html', import.meta.url));
export const SHOTS = fileURLToPath(new URL('../../../../test-results/screenshots/', import.meta.url));
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** fails with what to do when the app is not built or Chromium is missing; makes the screenshot folder */
export function requireBrowserSetup(): void {
  if (!existsSync(WEB_INDEX))
    throw new Error(`${WEB_INDEX} is missing: build the app first (npm run build -w @switchboard/web)`);
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM} (set CHROMIUM_PATH)`);
  mkdirSync(SHOTS, { recursive: true });
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/** a desktop-sized page of the operator app, signed in with email and password */
export async function signedInPage(
  browser: Browser,
  baseUrl: string,
  user: { email: string; password: string },
  waitMs = 10_000,
): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.setDefaultTimeout(waitMs);
  await page.goto(`${baseUrl}/app/`);
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
  return page;
}

/**
 * a full picture of a page whose content scrolls inside a pane of its own (`selector`), not the window: the viewport
 * grows to the pane's content for the screenshot, then shrinks back
 */
export async function paneScreenshot(page: Page, path: string, selector: string): Promise<void> {
  const size = page.viewportSize() ?? { width: 1280, height: 800 };
  const height = await page.evaluate((sel) => {
    const body = (
      globalThis as unknown as {
        document: {
          querySelector(s: string): { scrollHeight: number; getBoundingClientRect(): { top: number } } | null;
        };
      }
    ).document.querySelector(sel);
    return body ? body.scrollHeight + body.getBoundingClientRect().top : 0;
  }, selector);
  await page.setViewportSize({ width: size.width, height: Math.max(size.height, Math.ceil(height)) });
  await page.screenshot({ path, fullPage: true });
  await page.setViewportSize(size);
}
