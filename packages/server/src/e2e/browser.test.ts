/**
 * Browser end-to-end tests of the built front ends, served by a real hub through api/routes/static-routes.ts:
 * the embeddable web chat widget on a hostile host page, and the operator app (inbox, conversation, settings).
 * Needs `npm run build -w @switchboard/widget && npm run build -w @switchboard/web` first, and Chromium at
 * /usr/bin/chromium (or CHROMIUM_PATH).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestServer, type TestServer } from '../testing/test-server.js';

const WIDGET_FILE = fileURLToPath(new URL('../../../widget/dist/widget.js', import.meta.url));
const WEB_INDEX = fileURLToPath(new URL('../../../web/dist/index.html', import.meta.url));
const SHOTS = fileURLToPath(new URL('../../../../test-results/screenshots/', import.meta.url));
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const WAIT = 10_000;
// runs inside the page (the server's tsconfig has no DOM lib)
declare const getComputedStyle: (el: unknown) => Record<string, string>;

interface Conn {
  id: string;
  status: string;
  statusReason: string | null;
}
interface Conv {
  id: string;
  lastMessagePreview: string | null;
}

function requireBuilt(file: string, command: string): void {
  if (!existsSync(file)) throw new Error(`${file} is missing: build the front ends first (${command})`);
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('browser: widget and operator app', () => {
  let hub: TestServer;
  let browser: Browser;
  let host: Server;
  let stub: Server;
  let hostUrl = '';
  let stubUrl = '';
  let connectionId = '';
  const dialogs: string[] = [];

  beforeAll(async () => {
    requireBuilt(WIDGET_FILE, 'npm run build -w @switchboard/widget');
    if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM} (set CHROMIUM_PATH)`);
    mkdirSync(SHOTS, { recursive: true });
    hub = await startTestServer();
    const created = await hub.api<Conn>('POST', '/api/v1/connections', {
      type: 'webchat',
      name: 'Website chat',
      config: { title: 'Acme help', color: '#16a34a', greeting: 'Hi! How can we help?' },
    });
    expect(created.status).toBe(201);
    connectionId = created.body.id;
    expect((await hub.api('POST', `/api/v1/connections/${connectionId}/start`)).status).toBe(200);

    // a host page whose CSS would wreck a widget that is not isolated
    host = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html><html><head><meta name="viewport" content="width=device-width, initial-scale=1"><title>Host</title>
<style>* { font-size: 40px !important; color: red !important; font-family: serif !important } button, div { background: yellow !important; border: 5px dashed red !important }</style></head>
<body><h1>Some shop</h1><p>Host page text.</p>
<script src="${hub.url}/widget.js" data-connection="${connectionId}" async></script></body></html>`);
    });
    hostUrl = await listen(host);
    // a Telegram Bot API stub that rejects the bot token (the Bot API's HTTP status equals error_code)
    stub = createServer((_req, res) => {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: false, error_code: 401, description: 'Unauthorized' }));
    });
    stubUrl = await listen(stub);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((r) => host?.close(r));
    await new Promise((r) => stub?.close(r));
    await hub?.close();
  });

  async function visitorPage(viewport = { width: 1200, height: 800 }): Promise<Page> {
    const page = await browser.newPage({ viewport });
    page.setDefaultTimeout(WAIT);
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(hostUrl);
    await page.locator('#switchboard-widget .launcher').waitFor();
    return page;
  }

  async function operatorPage(viewport = { width: 1280, height: 800 }): Promise<Page> {
    requireBuilt(WEB_INDEX, 'npm run build -w @switchboard/web');
    const page = await browser.newPage({ viewport });
    page.setDefaultTimeout(WAIT);
    await page.goto(`${hub.url}/`); // redirects to /app/
    // the secondary way in (email and password is the first: browser-operator.test.ts)
    await page.getByRole('button', { name: 'Use an API token instead' }).click();
    await page.getByLabel('API token').fill(hub.token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    await page.locator('[aria-label="Live updates: open"]').waitFor();
    return page;
  }

  const shadow = (page: Page, selector: string) => page.locator(`#switchboard-widget ${selector}`);

  async function conversationWith(text: string): Promise<Conv> {
    return eventually(
      async () => {
        const r = await hub.api<{ data: Conv[] }>('GET', '/api/v1/conversations');
        return r.body.data.find((c) => c.lastMessagePreview === text);
      },
      WAIT,
      `a conversation whose last message is ${text}`,
    );
  }

  it('serves the widget with CORS and the app with an SPA fallback', async () => {
    const w = await fetch(`${hub.url}/widget.js`);
    expect(w.status).toBe(200);
    expect(w.headers.get('content-type')).toContain('javascript');
    expect(w.headers.get('access-control-allow-origin')).toBe('*');
    const root = await fetch(`${hub.url}/`, { redirect: 'manual' });
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/app/');
    expect((await fetch(`${hub.url}/app/../../package.json`)).status).toBe(404);
    for (const icon of ['/favicon.ico', '/favicon.svg']) {
      const res = await fetch(`${hub.url}${icon}`);
      expect(res.status, icon).toBe(200);
      expect(res.headers.get('content-type')).toContain('image/svg+xml');
      expect(await res.text()).toMatch(/^<svg [^>]*viewBox/);
    }
    expect(await (await fetch(`${hub.url}/app/`)).text()).toContain('<link rel="icon" href="/favicon.svg"');
  });

  it('widget: isolated from host CSS, XSS shown as text, live replies, unread badge, session kept across reloads', async () => {
    const page = await visitorPage();
    // the host's `*` rule does not reach into the shadow root
    const launcherStyle = await shadow(page, '.launcher').evaluate((el) => {
      const s = getComputedStyle(el);
      return { bg: s.backgroundColor, border: s.borderStyle };
    });
    expect(launcherStyle.border).not.toBe('dashed');
    await shadow(page, '.launcher').click();
    await expect
      .poll(() => shadow(page, '.head').evaluate((el) => getComputedStyle(el).backgroundColor), { timeout: WAIT })
      .toBe('rgb(22, 163, 74)');
    await expect.poll(() => shadow(page, 'h2').textContent(), { timeout: WAIT }).toBe('Acme help');
    const titleStyle = await shadow(page, 'h2').evaluate((el) => ({
      size: getComputedStyle(el).fontSize,
      color: getComputedStyle(el).color,
    }));
    expect(titleStyle).toEqual({ size: '16px', color: 'rgb(255, 255, 255)' });
    await expect(shadow(page, 'input').evaluate((el) => getComputedStyle(el).fontSize)).resolves.toBe('14px');

    await shadow(page, 'input').fill('Hello from the visitor');
    await shadow(page, 'input').press('Enter');
    const conv = await conversationWith('Hello from the visitor');

    const xss = '<img src=x onerror=alert(1)>';
    await shadow(page, 'input').fill(xss);
    await shadow(page, '.send').click();
    await conversationWith(xss);
    await expect.poll(() => shadow(page, '.m.inbound').last().textContent(), { timeout: WAIT }).toBe(xss);
    expect(
      await page.locator('#switchboard-widget').evaluate((h) => h.shadowRoot?.querySelectorAll('img').length),
    ).toBe(0);

    // an operator reply (over the API here) arrives live
    await hub.api('POST', `/api/v1/conversations/${conv.id}/messages`, {
      content: { type: 'text', text: 'Reply while open' },
    });
    await shadow(page, '.m.outbound').filter({ hasText: 'Reply while open' }).waitFor();
    const messageStyle = await shadow(page, '.m.outbound')
      .last()
      .evaluate((el) => ({ size: getComputedStyle(el).fontSize, color: getComputedStyle(el).color }));
    expect(messageStyle).toEqual({ size: '14px', color: 'rgb(17, 24, 39)' });
    await page.screenshot({ path: `${SHOTS}widget-open.png` });

    // closed: a reply raises the unread badge
    await shadow(page, '.close').click();
    expect(await shadow(page, '.badge').isHidden()).toBe(true);
    await hub.api('POST', `/api/v1/conversations/${conv.id}/messages`, {
      content: { type: 'text', text: 'Reply while closed' },
    });
    await expect.poll(() => shadow(page, '.badge').textContent(), { timeout: WAIT }).toBe('1');
    expect(await shadow(page, '.badge').isVisible()).toBe(true);
    expect(await shadow(page, '.launcher').getAttribute('aria-label')).toBe('Open chat (1 unread)');
    await page.screenshot({ path: `${SHOTS}widget-badge.png` });

    // reload: same session, history loaded on open
    await page.reload();
    await shadow(page, '.launcher').click();
    await shadow(page, '.m.outbound').filter({ hasText: 'Reply while closed' }).waitFor();
    expect(await shadow(page, '.m.inbound').count()).toBe(2);
    expect((await hub.api<{ data: Conv[] }>('GET', '/api/v1/conversations')).body.data).toHaveLength(1);

    // phone-sized screen: the panel fills the viewport
    await page.setViewportSize({ width: 375, height: 667 });
    const box = await shadow(page, '.panel').boundingBox();
    expect(box).toMatchObject({ x: 0, y: 0, width: 375, height: 667 });
    await page.screenshot({ path: `${SHOTS}widget-phone.png` });
    expect(dialogs).toEqual([]);
    await page.close();
  });

  it('operator app: a visitor message appears live in the inbox and the reply reaches the widget', async () => {
    const operator = await operatorPage();
    const visitor = await browser.newPage({ viewport: { width: 1000, height: 800 } }); // a fresh context: a new visitor
    visitor.setDefaultTimeout(WAIT);
    await visitor.goto(hostUrl);
    await shadow(visitor, '.launcher').click();
    await shadow(visitor, 'input').fill('I need help with my order');
    await shadow(visitor, 'input').press('Enter');

    const row = operator.locator('a.conv').filter({ hasText: 'I need help with my order' });
    await row.waitFor(); // live, without a reload
    await expect.poll(() => row.locator('.unread').textContent(), { timeout: WAIT }).toBe('1');
    await operator.screenshot({ path: `${SHOTS}app-inbox.png` });
    await row.click();
    await operator.locator('li.msg.inbound').filter({ hasText: 'I need help with my order' }).waitFor();
    await operator.getByLabel('Message', { exact: true }).fill('Sure, what is the order number?');
    await operator.getByLabel('Message', { exact: true }).press('Enter');
    const status = operator.locator('li.msg.outbound .msg-status').last();
    await expect.poll(() => status.getAttribute('data-status'), { timeout: WAIT }).toBe('sent');
    expect(await status.getAttribute('title')).toMatch(/^sent at .+ · written .+/);

    await shadow(visitor, '.m.outbound').filter({ hasText: 'Sure, what is the order number?' }).waitFor();
    await operator.screenshot({ path: `${SHOTS}app-conversation.png` });

    await operator.getByRole('button', { name: 'Resolve' }).click();
    await operator.getByRole('button', { name: 'Reopen' }).waitFor();
    await operator.reload(); // the token survives a reload
    await operator.getByRole('navigation', { name: 'Main' }).waitFor();
    await visitor.close();
    await operator.close();
  });

  it('operator app: settings creates a connection from its schema, starts and stops it, and shows an error reason', async () => {
    const tg = await hub.api<Conn>('POST', '/api/v1/connections', {
      type: 'telegram',
      name: 'Broken bot',
      config: { botToken: '123456:ABCdef', apiBaseUrl: stubUrl },
    });
    expect(tg.status).toBe(201);
    await hub.api('POST', `/api/v1/connections/${tg.body.id}/start`);
    await eventually(
      async () => (await hub.api<Conn>('GET', `/api/v1/connections/${tg.body.id}`)).body.status === 'ERROR',
      WAIT,
      'telegram connection in ERROR',
    );

    const page = await operatorPage();
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('heading', { name: 'Communication Channels' }).waitFor();
    const broken = page.locator(`li[data-connection="${tg.body.id}"] .dot`);
    await expect.poll(() => broken.getAttribute('data-status'), { timeout: WAIT }).toBe('ERROR');
    expect(await broken.getAttribute('title')).toContain('Unauthorized');
    expect(await broken.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(220, 38, 38)');

    await page.getByRole('button', { name: 'Add connection' }).click();
    await page.getByRole('radio', { name: /^Web chat/ }).check();
    await page.getByLabel('Name', { exact: true }).fill('Support site');
    // one form for a web chat: its appearance and greeting are its own section, opened once it exists
    const addForm = page.getByRole('form', { name: 'Add connection' });
    expect(await addForm.getByLabel('Title', { exact: true }).count()).toBe(0);
    expect(await addForm.locator('textarea').count()).toBe(0);
    await addForm.getByText('Appearance, greeting and opening hours are set on the next screen.').waitFor();
    await page.screenshot({ path: `${SHOTS}app-settings-form.png` });
    await page.getByRole('button', { name: 'Create connection' }).click();
    const item = page.locator('li.connection').filter({ hasText: 'Support site' });
    await item.getByLabel('Greeting message').waitFor();
    expect(await item.getByRole('form', { name: 'Edit Support site' }).locator('textarea').count()).toBe(0);
    const dot = item.locator('.dot');
    await expect.poll(() => dot.getAttribute('data-status'), { timeout: WAIT }).toBe('STOPPED');
    expect(await dot.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(37, 99, 235)');
    await item.getByRole('button', { name: 'Start Support site' }).click();
    await expect.poll(() => dot.getAttribute('data-status'), { timeout: WAIT }).toBe('RUNNING');
    expect(await dot.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(22, 163, 74)');
    await page.screenshot({ path: `${SHOTS}app-settings.png` });
    await item.getByRole('button', { name: 'Stop Support site' }).click();
    await expect.poll(() => dot.getAttribute('data-status'), { timeout: WAIT }).toBe('STOPPED');
    const all = (await hub.api<{ data: Conn[] }>('GET', '/api/v1/connections')).body.data;
    expect(all.some((c) => c.status === 'STOPPED' && c.id !== tg.body.id && c.id !== connectionId)).toBe(true);

    // a schema pattern is enforced in the browser too (the `pattern` attribute would be skipped: the browser's
    // `v` flag rejects `[A-Za-z0-9_-]`), so a malformed Telegram token cannot be submitted
    await page.getByRole('button', { name: 'Add connection' }).click();
    await page.getByRole('radio', { name: /^Telegram/ }).check();
    const token = page.getByLabel(/^Bot token/);
    await token.fill('not a bot token');
    expect(await token.evaluate((el) => (el as unknown as { validity: { valid: boolean } }).validity.valid)).toBe(
      false,
    );
    await token.fill('123456789:AAH-valid_token');
    expect(await token.evaluate((el) => (el as unknown as { validity: { valid: boolean } }).validity.valid)).toBe(true);

    await page.setViewportSize({ width: 420, height: 800 });
    await page.screenshot({ path: `${SHOTS}app-settings-narrow.png` });
    await page.close();
  });
});
