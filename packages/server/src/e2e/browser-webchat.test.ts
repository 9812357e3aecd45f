/**
 * Browser end-to-end test of the web chat settings in the embedded widget: outside the opening hours (on the
 * server's test clock) a host page shows the "leave your email" form and the operator receives a conversation
 * whose contact holds the email; inside them the widget wears the configured colour, title, position and avatar,
 * shows the greeting, and sends an image the operator receives. Needs `npm run build -w @switchboard/widget`
 * (and @switchboard/web for the settings page) and Chromium at /usr/bin/chromium (or CHROMIUM_PATH). Screenshots go to
 * test-results/screenshots/.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestServer, testClock, type TestServer } from '../testing/test-server.js';

const WIDGET_FILE = fileURLToPath(new URL('../../../widget/dist/widget.js', import.meta.url));
const WEB_INDEX = fileURLToPath(new URL('../../../web/dist/index.html', import.meta.url));
const SHOTS = fileURLToPath(new URL('../../../../test-results/screenshots/', import.meta.url));
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const WAIT = 10_000;
// a Monday, 10:00 UTC
const MONDAY_10_UTC = Date.parse('2026-01-05T10:00:00.000Z');
// a 1×1 PNG
const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d4948445200000001000000010806000000' +
    '1f15c4890000000d49444154789c63f8cfc0f01f0005000201a5f5d1d40000000049454e44ae426082',
  'hex',
);
// runs inside the page (the server's tsconfig has no DOM lib)
declare const getComputedStyle: (el: unknown) => Record<string, string>;
declare const localStorage: { getItem(key: string): string | null };

interface Conv {
  id: string;
  contactId: string;
  lastMessagePreview: string | null;
}
interface Msg {
  direction: string;
  content: { type: string; text?: string; media?: { url: string; mimeType: string; fileName?: string } };
  metadata: Record<string, unknown>;
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('browser: web chat settings, offline form and attachments', () => {
  let hub: TestServer;
  let browser: Browser;
  let host: Server;
  let hostUrl = '';
  let connectionId = '';
  const errors: string[] = [];

  const setHours = async (from: string, to: string) => {
    const res = await hub.api('PATCH', `/api/v1/connections/${connectionId}`, {
      config: {
        operatingHours: { enabled: true, timeZone: 'Europe/Berlin', schedule: [{ day: 'mon', from, to }] },
        offline: { mode: 'form', text: 'We are closed. Leave your email and we will write back.' },
      },
    });
    expect(res.status).toBe(200);
  };

  beforeAll(async () => {
    if (!existsSync(WIDGET_FILE))
      throw new Error(`${WIDGET_FILE} is missing: build the widget first (npm run build -w @switchboard/widget)`);
    if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM} (set CHROMIUM_PATH)`);
    mkdirSync(SHOTS, { recursive: true });
    hub = await startTestServer({ clock: testClock(MONDAY_10_UTC) });
    // a host page with the one-line embed code, CSS that would wreck a widget that is not isolated, and an avatar
    host = createServer((req, res) => {
      if (req.url === '/avatar.png') {
        res.writeHead(200, { 'content-type': 'image/png' });
        res.end(PNG);
        return;
      }
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html><html><head><meta name="viewport" content="width=device-width, initial-scale=1"><title>Host</title>
<style>* { font-size: 40px !important; color: red !important } input, textarea, form { display: none !important; border: 5px dashed red !important }</style></head>
<body><h1>Some shop</h1>
<script src="${hub.url}/widget.js" data-connection="${connectionIdForHost()}" async></script></body></html>`);
    });
    hostUrl = await listen(host);
    const created = await hub.api<{ id: string }>('POST', '/api/v1/connections', {
      type: 'webchat',
      name: 'Shop chat',
      config: {
        title: 'Shop support',
        color: '#9333ea',
        position: 'left',
        avatarUrl: `${hostUrl}/avatar.png`,
        greeting: 'Hello! Ask us anything.',
      },
    });
    expect(created.status).toBe(201);
    connectionId = created.body.id;
    expect((await hub.api('POST', `/api/v1/connections/${connectionId}/start`)).status).toBe(200);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  });

  function connectionIdForHost(): string {
    return connectionId;
  }

  afterAll(async () => {
    await browser?.close();
    await new Promise((r) => host?.close(r));
    await hub?.close();
  });

  async function visitorPage(viewport = { width: 1200, height: 800 }): Promise<Page> {
    const page = await browser.newPage({ viewport }); // a fresh context: a new visitor
    page.setDefaultTimeout(WAIT);
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('dialog', (d) => {
      errors.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    await page.goto(hostUrl);
    await page.locator('#switchboard-widget .launcher').waitFor();
    return page;
  }
  const shadow = (page: Page, selector: string) => page.locator(`#switchboard-widget ${selector}`);

  it('outside the opening hours: the offline form creates a contact with the email and a conversation', async () => {
    await setHours('14:00', '18:00'); // Berlin; it is 11:00 there
    const page = await visitorPage({ width: 375, height: 667 });
    await shadow(page, '.launcher').click();
    const form = shadow(page, 'form.off');
    await form.waitFor();
    expect(await shadow(page, 'form.chat').isHidden()).toBe(true);
    expect(await form.textContent()).toContain('We are closed. Leave your email and we will write back.');
    // the host's `input { display: none }` does not reach into the shadow root
    expect(await form.getByLabel('Email').evaluate((el) => getComputedStyle(el).display)).not.toBe('none');
    await form.getByLabel('Email').fill('not-an-email');
    await form.getByLabel('Message').fill('Hi');
    await form.getByRole('button', { name: 'Send' }).click();
    // the browser's own validation stops a malformed address before any request
    expect(
      await form.getByLabel('Email').evaluate((el) => (el as { validity: { valid: boolean } }).validity.valid),
    ).toBe(false);

    await form.getByLabel('Email').fill('ana@example.com');
    await form.getByLabel('Name (optional)').fill('Ana <b>Bold</b>');
    await form.getByLabel('Message').fill('Do you ship to Norway? <script>alert(1)</script>');
    await page.screenshot({ path: `${SHOTS}widget-offline-form.png` });
    await form.getByRole('button', { name: 'Send' }).click();
    await expect
      .poll(() => shadow(page, 'form.off .status').textContent(), { timeout: WAIT })
      .toBe('Thank you! We will reply to ana@example.com.');
    await page.screenshot({ path: `${SHOTS}widget-offline-sent.png` });

    const conv = await eventually(
      async () =>
        (await hub.api<{ data: Conv[] }>('GET', '/api/v1/conversations')).body.data.find((c) =>
          c.lastMessagePreview?.startsWith('Do you ship to Norway?'),
        ),
      WAIT,
      'the offline conversation',
    );
    const [message] = (await hub.api<{ data: Msg[] }>('GET', `/api/v1/conversations/${conv.id}/messages`)).body.data;
    expect(message?.content).toEqual({ type: 'text', text: 'Do you ship to Norway? <script>alert(1)</script>' });
    expect(message?.metadata).toMatchObject({
      source: 'webchat_offline_form',
      email: 'ana@example.com',
      name: 'Ana <b>Bold</b>',
    });
    const contact = await hub.api<{ name: string; attributes: Record<string, unknown> }>(
      'GET',
      `/api/v1/contacts/${conv.contactId}`,
    );
    expect(contact.body).toMatchObject({ name: 'Ana <b>Bold</b>', attributes: { email: 'ana@example.com' } });
    // the widget kept the session it was given, so the visitor's later chat continues this conversation
    const stored = await page.evaluate((key) => localStorage.getItem(key), `switchboard.widget.${connectionId}`);
    expect(JSON.parse(stored ?? '{}')).toMatchObject({ visitorId: expect.stringMatching(/^vis_/) as string });
    await page.close();
  });

  it('inside the opening hours: appearance and greeting applied, an image sent by the visitor reaches the operator', async () => {
    await setHours('09:00', '17:00');
    const page = await visitorPage();
    // the launcher sits bottom left, in the configured colour
    await expect
      .poll(() => shadow(page, '.launcher').evaluate((el) => getComputedStyle(el).backgroundColor), { timeout: WAIT })
      .toBe('rgb(147, 51, 234)');
    const launcherBox = await shadow(page, '.launcher').boundingBox();
    expect(launcherBox?.x).toBeLessThan(100);
    await shadow(page, '.launcher').click();
    await expect.poll(() => shadow(page, 'h2').textContent(), { timeout: WAIT }).toBe('Shop support');
    expect(await shadow(page, '.head').evaluate((el) => getComputedStyle(el).backgroundColor)).toBe(
      'rgb(147, 51, 234)',
    );
    expect(await shadow(page, '.head img.avatar').getAttribute('src')).toBe(`${hostUrl}/avatar.png`);
    expect(await shadow(page, '.m.greeting').textContent()).toBe('Hello! Ask us anything.');
    expect(await shadow(page, 'form.off').count()).toBe(0);

    await shadow(page, 'input').fill('Here is my receipt');
    await shadow(page, 'input').press('Enter');
    const conv = await eventually(
      async () =>
        (await hub.api<{ data: Conv[] }>('GET', '/api/v1/conversations')).body.data.find(
          (c) => c.lastMessagePreview === 'Here is my receipt',
        ),
      WAIT,
      'the chat conversation',
    );

    // a real picture to send: a shot of the host page
    const picture = await page.screenshot({ clip: { x: 0, y: 0, width: 240, height: 120 } });
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), shadow(page, '.attach').click()]);
    await chooser.setFiles({ name: 'receipt.png', mimeType: 'image/png', buffer: picture });
    const image = await eventually(
      async () =>
        (await hub.api<{ data: Msg[] }>('GET', `/api/v1/conversations/${conv.id}/messages`)).body.data.find(
          (m) => m.content.type === 'image',
        ),
      WAIT,
      'the image message',
    );
    expect(image.content.media).toMatchObject({ mimeType: 'image/png', fileName: 'receipt.png' });
    expect(new URL(image.content.media?.url ?? '').pathname).toMatch(/^\/media\/att_/);
    const bytes = Buffer.from(await (await fetch(image.content.media?.url ?? '')).arrayBuffer());
    expect(bytes.equals(picture)).toBe(true);
    // the visitor's bubble turns into the image (an attribute, not markup) once the server confirms it
    const img = shadow(page, '.m.inbound img');
    await img.waitFor();
    expect(await img.getAttribute('src')).toBe(image.content.media?.url);
    expect(await shadow(page, '.m.pending').count()).toBe(0);

    // a file type outside the allow-list is refused and shown as not sent
    const [chooser2] = await Promise.all([page.waitForEvent('filechooser'), shadow(page, '.attach').click()]);
    await chooser2.setFiles({
      name: 'page.html',
      mimeType: 'text/html',
      buffer: Buffer.from('<script>alert(1)</script>'),
    });
    await expect
      .poll(() => shadow(page, '.m.failed').textContent(), { timeout: WAIT })
      .toBe('page.html: This type of file cannot be sent');

    // the operator answers with text and a file of their own; both arrive live
    const upload = await fetch(`${hub.url}/api/v1/media?fileName=brochure.pdf`, {
      method: 'POST',
      headers: { authorization: `Bearer ${hub.token}`, 'content-type': 'application/pdf' },
      body: Buffer.from('%PDF-1.4 test'),
    });
    const pdf = (await upload.json()) as { url: string };
    await hub.api('POST', `/api/v1/conversations/${conv.id}/messages`, {
      content: { type: 'text', text: 'Thanks, <i>got it</i>' },
    });
    await hub.api('POST', `/api/v1/conversations/${conv.id}/messages`, {
      content: { type: 'document', media: { url: pdf.url, mimeType: 'application/pdf', fileName: 'brochure.pdf' } },
    });
    await shadow(page, '.m.outbound').filter({ hasText: 'Thanks, <i>got it</i>' }).waitFor();
    const link = shadow(page, '.m.outbound a');
    await link.waitFor();
    expect(await link.textContent()).toBe('brochure.pdf');
    expect(await link.getAttribute('href')).toBe(pdf.url);
    expect(await shadow(page, '.m.outbound i').count()).toBe(0);
    await page.screenshot({ path: `${SHOTS}widget-appearance-attachment.png` });

    // phone-sized: the panel fills the screen
    await page.setViewportSize({ width: 375, height: 667 });
    expect(await shadow(page, '.panel').boundingBox()).toMatchObject({ x: 0, y: 0, width: 375, height: 667 });
    await page.screenshot({ path: `${SHOTS}widget-appearance-phone.png` });
    expect(errors).toEqual([]);
    await page.close();
  });
  it('operator app: the web chat section sets appearance, hours and offline behaviour, switches the chat, and shows the embed code', async () => {
    if (!existsSync(WEB_INDEX))
      throw new Error(`${WEB_INDEX} is missing: build the app first (npm run build -w @switchboard/web)`);
    const page = await browser.newPage({ viewport: { width: 1280, height: 1900 } });
    page.setDefaultTimeout(WAIT);
    await page.goto(`${hub.url}/app/`);
    // the admin API token (a password session would be issued on the server's test clock, months in the past)
    await page
      .getByRole('button', { name: 'Use an API token instead' })
      .or(page.getByRole('link', { name: 'Use an API token instead' }))
      .click();
    await page.getByLabel('API token').fill(hub.token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('heading', { name: 'Communication Channels' }).waitFor();
    await page.getByRole('button', { name: 'Edit Shop chat' }).click();
    const section = page.locator(`[data-webchat-settings="${connectionId}"]`);
    await section.waitFor();
    const embed = `<script src="${hub.url}/widget.js" data-connection="${connectionId}" async></script>`;
    expect(await section.getByLabel(/^Embed code/).inputValue()).toBe(embed);
    await section.getByRole('button', { name: 'Copy embed code of Shop chat' }).click();
    await section.getByRole('button', { name: 'Copy embed code of Shop chat' }).filter({ hasText: 'Copied' }).waitFor();
    await expect
      .poll(() => section.getByRole('status').first().textContent(), { timeout: WAIT })
      .toContain('Inside opening hours now');

    const form = section.getByRole('form', { name: 'Web chat settings of Shop chat' });
    await form.getByLabel('Title', { exact: true }).fill('Night desk');
    await form.getByLabel('Colour (hex)').fill('#0f766e');
    await form.getByLabel('Bottom right').check();
    await form.getByLabel('Avatar URL').fill('');
    await form.getByLabel('Greeting message').fill('Good evening!');
    await form.getByLabel('Time zone').fill('America/New_York'); // Monday 05:00 there
    await form.getByRole('button', { name: 'Remove a Monday range' }).click();
    await form.getByRole('button', { name: 'Add a Tuesday range' }).click();
    await form.getByLabel('Tuesday opens').last().fill('08:30');
    await form.getByLabel('Tuesday closes').last().fill('12:00');
    await form.getByLabel('Visitors see').selectOption('message');
    await form.getByLabel('Offline message').fill('Back on Tuesday at 08:30.');
    await section.scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SHOTS}app-webchat-settings.png` });
    await form.getByRole('button', { name: 'Save web chat settings' }).click();
    await form.getByText('Saved.').waitFor();

    const config = (await hub.api<{ config: Record<string, unknown> }>('GET', `/api/v1/connections/${connectionId}`))
      .body.config;
    expect(config).toMatchObject({
      title: 'Night desk',
      color: '#0f766e',
      position: 'right',
      greeting: 'Good evening!',
      operatingHours: {
        enabled: true,
        timeZone: 'America/New_York',
        schedule: [{ day: 'tue', from: '08:30', to: '12:00' }],
      },
      offline: { mode: 'message', text: 'Back on Tuesday at 08:30.' },
    });
    expect(config.avatarUrl).toBeUndefined();
    const settings = (await (await fetch(`${hub.url}/webchat/${connectionId}/settings`)).json()) as {
      open: boolean;
      appearance: unknown;
    };
    expect(settings).toMatchObject({
      open: false,
      appearance: { title: 'Night desk', color: '#0f766e', position: 'right', avatarUrl: null },
    });
    await expect
      .poll(() => section.getByRole('status').first().textContent(), { timeout: WAIT })
      .toContain('Outside opening hours now: visitors see the offline message');

    // the switch stops and starts the connection
    const toggle = section.getByRole('switch', { name: 'Web chat Shop chat switched on' });
    expect(await toggle.getAttribute('aria-checked')).toBe('true');
    await toggle.click();
    await eventually(
      async () =>
        (await hub.api<{ status: string }>('GET', `/api/v1/connections/${connectionId}`)).body.status === 'STOPPED',
      WAIT,
      'the chat switched off',
    );
    await expect.poll(() => toggle.getAttribute('aria-checked'), { timeout: WAIT }).toBe('false');
    await toggle.click();
    await eventually(
      async () =>
        (await hub.api<{ status: string }>('GET', `/api/v1/connections/${connectionId}`)).body.status === 'RUNNING',
      WAIT,
      'the chat switched on',
    );

    // the widget follows: outside the hours in "message" mode it shows only the text
    const visitor = await visitorPage();
    await shadow(visitor, '.launcher').click();
    await expect.poll(() => shadow(visitor, '.off').textContent(), { timeout: WAIT }).toBe('Back on Tuesday at 08:30.');
    expect(await shadow(visitor, 'form.chat').isHidden()).toBe(true);
    expect(await shadow(visitor, 'h2').textContent()).toBe('Night desk');
    await visitor.close();
    await page.close();
  });
});
