/**
 * Connect with Meta in the operator app, in Chromium: without a Meta app the switch is disabled and says why, and
 * the manual form stays; with one, the switch → "Continue with Facebook" → the Facebook Login simulator's consent
 * page → back in the app, the picker lists the Page → the Messenger connection is created and running.
 * Needs `npm run build -w @switchboard/web` first, and Chromium at /usr/bin/chromium (or CHROMIUM_PATH).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  startMetaLoginSimulator,
  startMetaMessagingSimulator,
  type MetaLoginSimulator,
  type MetaMessagingSimulator,
} from '@switchboard/simulators';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestServer, type TestServer } from '../testing/test-server.js';

const WEB_INDEX = fileURLToPath(new URL('../../../web/dist/index.html', import.meta.url));
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const WAIT = 10_000;
const OWNER = { email: 'owner@example.test', password: 'owner-password-1' };
const APP_ID = '640129912345679';
const APP_SECRET = 'meta-app-secret-for-browser-0001';

describe('browser: Connect with Meta in the add form', () => {
  let browser: Browser;
  let login: MetaLoginSimulator;
  let messaging: MetaMessagingSimulator;
  let withApp: TestServer;
  let withoutApp: TestServer;
  let pageId = '';

  beforeAll(async () => {
    if (!existsSync(WEB_INDEX))
      throw new Error(`${WEB_INDEX} is missing: build the app first (npm run build -w @switchboard/web)`);
    if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM} (set CHROMIUM_PATH)`);
    messaging = await startMetaMessagingSimulator({ appSecret: APP_SECRET });
    const page = messaging.createPage({ name: 'Acme Support' });
    pageId = page.id;
    login = await startMetaLoginSimulator({
      appId: APP_ID,
      appSecret: APP_SECRET,
      pages: [{ id: page.id, name: 'Acme Support', token: page.token }],
      backends: [{ url: messaging.url, ids: [page.id] }],
    });
    const owner = { SWITCHBOARD_OWNER_EMAIL: OWNER.email, SWITCHBOARD_OWNER_PASSWORD: OWNER.password };
    withApp = await startTestServer({
      env: {
        ...owner,
        SWITCHBOARD_META_APP_ID: APP_ID,
        SWITCHBOARD_META_APP_SECRET: APP_SECRET,
        SWITCHBOARD_META_GRAPH_URL: login.url,
        SWITCHBOARD_META_DIALOG_URL: login.url,
      },
    });
    withoutApp = await startTestServer({ env: owner });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await withApp?.close();
    await withoutApp?.close();
    await login?.close();
    await messaging?.close();
  });

  async function addForm(hub: TestServer, type: string): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultTimeout(WAIT);
    await page.goto(`${hub.url}/app/`);
    await page.getByLabel('Email').fill(OWNER.email);
    await page.getByLabel('Password').fill(OWNER.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('[aria-label="Live updates: open"]').waitFor();
    await page.goto(`${hub.url}/app/#/settings/channels`);
    await page.getByRole('button', { name: 'Add connection' }).click();
    await page.locator(`input[type="radio"][value="${type}"]`).check();
    return page;
  }

  it('without a Meta app: the switch is disabled with the reason, and the manual form stays', async () => {
    const page = await addForm(withoutApp, 'messenger');
    const sw = page.getByRole('switch', { name: 'Connect with Meta' });
    await sw.waitFor();
    expect(await sw.isDisabled()).toBe(true);
    await page.getByText('Meta App ID and App Secret are not configured on the server').waitFor();
    await page.locator('#cfg-pageId').waitFor();
    await page.close();
  });

  it('with a Meta app: Facebook’s consent page, back to the picker, the Page connected and running', async () => {
    const page = await addForm(withApp, 'messenger');
    const sw = page.getByRole('switch', { name: 'Connect with Meta' });
    expect(await sw.isChecked()).toBe(true);
    expect(await page.locator('#cfg-pageId').count()).toBe(0);
    await page.getByRole('button', { name: 'Continue with Facebook' }).click();
    await page.getByRole('heading', { name: 'Switchboard is requesting access' }).waitFor();
    await page.getByRole('button', { name: /^Continue as/ }).click();
    const picker = page.getByRole('form', { name: 'Pick the Meta account' });
    await picker.waitFor();
    await picker.getByLabel('Acme Support').check();
    await picker.getByRole('button', { name: 'Create connection' }).click();
    const created = await eventually(
      async () =>
        (
          await withApp.api<{ data: Array<{ type: string; status: string; config: { pageId?: string } }> }>(
            'GET',
            '/api/v1/connections',
          )
        ).body.data.find((c) => c.type === 'messenger' && c.status === 'RUNNING'),
      WAIT,
      'the Messenger connection running',
    );
    expect(created.config.pageId).toBe(pageId);
    await page.close();
  });
});
