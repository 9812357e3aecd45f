/**
 * Every main page of the operator app at a phone's 390 px, a tablet's 800 px and desktop width, in Chromium: nothing wider than the
 * screen (no horizontal scroll of the page, no box that scrolls sideways, nothing drawn past the right edge), and a
 * top bar whose parts never overlap — below a laptop's width its tabs sit behind a Menu button. Pages: Sessions, a conversation
 * and its contact panel, Settings (Channels, People, Account), Automation (Agents, Routing, Webhooks) and Health,
 * which also writes the time of a connection's first message as the app writes times, never as an ISO string.
 * Needs `npm run build -w @switchboard/web` first, and Chromium at /usr/bin/chromium (or CHROMIUM_PATH).
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, requireBrowserSetup, SHOTS, signedInPage } from '../testing/browser.js';
import { eventually, startTestServer, type TestServer } from '../testing/test-server.js';

const WAIT = 10_000;
const OWNER = { email: 'owner@example.test', password: 'owner-password-1' };
const PHONE = { width: 390, height: 844 };
const TABLET = { width: 800, height: 1000 };
const DESKTOP = { width: 1280, height: 800 };
// runs inside the page (the server's tsconfig has no DOM lib)
interface Box {
  left: number;
  right: number;
  top: number;
  bottom: number;
  width: number;
  height: number;
}
interface El {
  tagName: string;
  className: string;
  textContent: string | null;
  parentElement: El | null;
  children: ArrayLike<El>;
  scrollWidth: number;
  clientWidth: number;
  getBoundingClientRect(): Box;
  getAttribute(name: string): string | null;
  querySelectorAll(sel: string): ArrayLike<El>;
}
declare const document: { documentElement: El; querySelectorAll(sel: string): ArrayLike<El> };
declare const innerWidth: number;
declare const getComputedStyle: (el: El) => Record<string, string>;

/** what is wider than the screen on the page as it is now: the page's own scroll, sideways scrollers, boxes past the edge */
function overflowOf(page: Page) {
  return page.evaluate(() => {
    const name = (el: El) =>
      `${el.tagName.toLowerCase()}${el.className && typeof el.className === 'string' ? `.${el.className.trim().split(/\s+/).join('.')}` : ''} "${(el.textContent ?? '').trim().slice(0, 30)}"`;
    const visible = (el: El) => {
      const s = getComputedStyle(el);
      const r = el.getBoundingClientRect();
      return s.visibility !== 'hidden' && s.display !== 'none' && r.width > 0 && r.height > 0;
    };
    // the nearest ancestor that clips or scrolls sideways: an element past the edge inside it is its business
    const clippedBy = (el: El) => {
      for (let p = el.parentElement; p && p !== document.documentElement; p = p.parentElement)
        if (getComputedStyle(p).overflowX !== 'visible') return p;
      return undefined;
    };
    const pastEdge: string[] = [];
    const scrollers: string[] = [];
    for (const el of Array.from(document.querySelectorAll('body *'))) {
      if (!visible(el)) continue;
      const s = getComputedStyle(el);
      // a box that scrolls sideways (a text field's own text aside)
      if (
        (s.overflowX === 'auto' || s.overflowX === 'scroll') &&
        !['TEXTAREA', 'INPUT', 'SELECT', 'PRE'].includes(el.tagName) &&
        el.scrollWidth > el.clientWidth + 1
      )
        scrollers.push(`${name(el)} ${el.scrollWidth}>${el.clientWidth}`);
      const clip = clippedBy(el);
      const right = el.getBoundingClientRect().right;
      const limit = clip ? Math.min(innerWidth, clip.getBoundingClientRect().right) : innerWidth;
      if (!clip && right > limit + 1) pastEdge.push(`${name(el)} right=${Math.round(right)}`);
    }
    return {
      scrollWidth: document.documentElement.scrollWidth,
      innerWidth,
      scrollers,
      pastEdge,
    };
  });
}

/** the top bar's visible parts, and any two of them that overlap */
function topBarOverlaps(page: Page) {
  return page.evaluate(() => {
    const bar = document.querySelectorAll('header.top')[0];
    if (!bar) return { parts: [] as string[], overlaps: ['no top bar'], outside: [] as string[] };
    const leaves: Array<{ what: string; r: Box }> = [];
    // the smallest visible things a person sees in it: links, buttons, badges, the name, the live dot
    for (const el of Array.from(bar.querySelectorAll('a, button, .brand, .whoami-name, .whoami-role, .live, .icon'))) {
      const s = getComputedStyle(el);
      const r = el.getBoundingClientRect();
      if (s.display === 'none' || s.visibility === 'hidden' || r.width === 0 || r.height === 0) continue;
      // a part inside another listed part (an icon in a button) is that part
      if (leaves.some((l) => l.r.left <= r.left && l.r.right >= r.right && l.r.top <= r.top && l.r.bottom >= r.bottom))
        continue;
      leaves.push({ what: `${el.tagName.toLowerCase()}.${el.className} "${(el.textContent ?? '').trim()}"`, r });
    }
    const overlaps: string[] = [];
    for (let i = 0; i < leaves.length; i++)
      for (let j = i + 1; j < leaves.length; j++) {
        const a = leaves[i] as { what: string; r: Box };
        const b = leaves[j] as { what: string; r: Box };
        const x = Math.min(a.r.right, b.r.right) - Math.max(a.r.left, b.r.left);
        const y = Math.min(a.r.bottom, b.r.bottom) - Math.max(a.r.top, b.r.top);
        if (x > 0.5 && y > 0.5) overlaps.push(`${a.what} × ${b.what}`);
      }
    const outside = leaves.filter((l) => l.r.left < 0 || l.r.right > innerWidth + 0.5).map((l) => l.what);
    return { parts: leaves.map((l) => l.what), overlaps, outside };
  });
}

describe('browser: every main page fits a phone', () => {
  let hub: TestServer;
  let browser: Browser;
  let webchatId = '';
  let conversationId = '';
  const pages: Page[] = [];

  beforeAll(async () => {
    requireBrowserSetup();
    hub = await startTestServer({
      env: { SWITCHBOARD_OWNER_EMAIL: OWNER.email, SWITCHBOARD_OWNER_PASSWORD: OWNER.password },
    });
    // something on every page: a web chat with a visitor's message, a flow bot, a team, a rule, a webhook
    webchatId = (
      await hub.api<{ id: string }>('POST', '/api/v1/connections', { type: 'webchat', name: 'Website chat' })
    ).body.id;
    expect((await hub.api('POST', `/api/v1/connections/${webchatId}/start`)).status).toBe(200);
    expect(
      (
        await hub.api('POST', '/api/v1/connections', {
          type: 'telegram',
          name: 'Telegram support bot with a long name',
          config: { botToken: '123456789:AAH-valid_token_for_layout', apiBaseUrl: 'http://127.0.0.1:9' },
        })
      ).status,
    ).toBe(201);
    const session = (await hub.api<{ visitorId: string; token: string }>('POST', `/webchat/${webchatId}/sessions`))
      .body;
    expect(
      (
        await hub.api(
          'POST',
          `/webchat/${webchatId}/messages`,
          {
            clientMessageId: 'c-1',
            text: 'Hello, my parcel tracking number AB12345678901234567890DE shows nothing since Monday',
            name: 'Maria Visitor-Longname',
          },
          { authorization: `Bearer ${session.token}` },
        )
      ).status,
    ).toBeLessThan(300);
    conversationId = (
      await eventually(
        async () =>
          (
            await hub.api<{ data: Array<{ id: string; address: string }> }>('GET', '/api/v1/conversations')
          ).body.data.find((c) => c.address === session.visitorId),
        WAIT,
        "the visitor's conversation",
      )
    ).id;
    expect(
      (
        await hub.api('POST', '/api/v1/agents', {
          kind: 'flow',
          name: 'Greeter bot',
          config: { greeting: 'Hi, I am the greeter. How can I help?' },
        })
      ).status,
    ).toBe(201);
    expect((await hub.api('POST', '/api/v1/teams', { name: 'Billing and invoices', members: [] })).status).toBe(201);
    expect(
      (
        await hub.api('POST', '/api/v1/routing-rules', {
          connectionId: webchatId,
          name: 'Invoices go to the billing team inbox',
          conditions: { keywords: ['invoice', 'refund'] },
          actions: [{ type: 'tag', tag: 'billing' }],
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await hub.api('POST', '/api/v1/webhook-subscriptions', {
          url: 'https://automation.example.com/hooks/switchboard/very/long/path/to/the/receiver',
          eventTypes: ['message.received', 'conversation.created'],
          description: 'CRM sync',
        })
      ).status,
    ).toBe(201);
    await hub.api('POST', `/api/v1/connections/${webchatId}/health`);
    browser = await launchChromium();
  });

  afterAll(async () => {
    for (const p of pages) await p.close().catch(() => undefined);
    await browser?.close();
    await hub?.close();
  });

  const MAIN: Array<{ name: string; hash: string; ready: (p: Page) => Promise<unknown> }> = [
    { name: 'sessions', hash: '#/inbox', ready: (p) => p.locator('a.conv').first().waitFor() },
    {
      name: 'conversation',
      hash: '',
      ready: (p) => p.locator('li.msg.inbound').first().waitFor(),
    },
    {
      name: 'channels',
      hash: '#/settings/channels',
      ready: (p) => p.locator(`li[data-connection="${webchatId}"]`).waitFor(),
    },
    { name: 'people', hash: '#/settings/team', ready: (p) => p.getByText(OWNER.email).first().waitFor() },
    {
      name: 'account',
      hash: '#/settings/account',
      ready: (p) =>
        p
          .getByRole('button', { name: /password/i })
          .first()
          .waitFor(),
    },
    { name: 'agents', hash: '#/automation/agents', ready: (p) => p.getByText('Greeter bot').first().waitFor() },
    {
      name: 'routing',
      hash: '#/automation/routing',
      ready: (p) => p.getByText('Invoices go to the billing team inbox').first().waitFor(),
    },
    { name: 'webhooks', hash: '#/automation/webhooks', ready: (p) => p.getByText('CRM sync').first().waitFor() },
    {
      name: 'health',
      hash: '#/health',
      ready: (p) => p.locator(`[data-connection="${webchatId}"] [data-check="first_message"]`).waitFor(),
    },
  ];

  it('at 390 px, a tablet and desktop width no page is wider than the screen, and the top bar parts never overlap', async () => {
    const p = await signedInPage(browser, hub.url, OWNER, WAIT);
    pages.push(p);
    // every page measured before judging, so one run names every page that does not fit
    const problems: string[] = [];
    for (const viewport of [PHONE, TABLET, DESKTOP]) {
      await p.setViewportSize(viewport);
      for (const m of MAIN) {
        await p.goto(`${hub.url}/app/${m.hash || `#/inbox/${conversationId}`}`);
        await m.ready(p);
        // let fonts and late lists settle before measuring
        await p.waitForTimeout(150);
        await p.screenshot({ path: `${SHOTS}fit-${m.name}-${viewport.width}.png` });
        const o = await overflowOf(p);
        const bar = await topBarOverlaps(p);
        const where = `${m.name} at ${viewport.width} px`;
        if (o.scrollWidth > o.innerWidth) problems.push(`${where}: the page scrolls sideways (${o.scrollWidth} px)`);
        for (const x of o.scrollers) problems.push(`${where}: scrolls sideways: ${x}`);
        for (const x of o.pastEdge) problems.push(`${where}: past the edge: ${x}`);
        for (const x of bar.overlaps) problems.push(`${where}: top bar overlap: ${x}`);
        for (const x of bar.outside) problems.push(`${where}: top bar part off screen: ${x}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('on a phone the contact panel fits, and the tabs sit behind a Menu button that opens and closes them', async () => {
    const p = await signedInPage(browser, hub.url, OWNER, WAIT);
    pages.push(p);
    await p.setViewportSize(PHONE);
    await p.goto(`${hub.url}/app/#/inbox/${conversationId}`);
    await p.locator('li.msg.inbound').first().waitFor();
    await p.getByRole('button', { name: 'Contact details' }).click();
    const panel = p.getByRole('complementary', { name: 'Contact' });
    await panel.getByRole('heading', { name: 'Maria Visitor-Longname' }).waitFor();
    await p.waitForTimeout(150);
    await p.screenshot({ path: `${SHOTS}fit-contact-panel-390.png` });
    const o = await overflowOf(p);
    expect(o.scrollWidth).toBeLessThanOrEqual(o.innerWidth);
    expect(o.scrollers).toEqual([]);
    expect(o.pastEdge).toEqual([]);

    // the tabs: hidden behind Menu, which names the page it is on; a tab taken closes the menu
    const nav = p.getByRole('navigation', { name: 'Main' });
    const menu = p.getByRole('button', { name: /^Menu/ });
    expect(await menu.getAttribute('aria-expanded')).toBe('false');
    expect(await nav.getByRole('link', { name: 'Health' }).isVisible()).toBe(false);
    expect(await menu.textContent()).toContain('Sessions');
    await menu.click();
    expect(await menu.getAttribute('aria-expanded')).toBe('true');
    await p.screenshot({ path: `${SHOTS}fit-menu-open-390.png` });
    const bar = await topBarOverlaps(p);
    expect(bar.overlaps).toEqual([]);
    expect(bar.outside).toEqual([]);
    await nav.getByRole('link', { name: 'Health' }).click();
    await p.getByRole('heading', { name: 'Health' }).waitFor();
    await expect.poll(() => menu.getAttribute('aria-expanded'), { timeout: WAIT }).toBe('false');
    expect(await nav.getByRole('link', { name: 'Health' }).isVisible()).toBe(false);
    expect(await menu.textContent()).toContain('Health');

    // at desktop width the tabs are in the bar and there is no Menu button
    await p.setViewportSize(DESKTOP);
    expect(await nav.getByRole('link', { name: 'Health' }).isVisible()).toBe(true);
    expect(await menu.isVisible()).toBe(false);
  });

  it("health: the first message's time reads as the app writes times, never as an ISO string", async () => {
    const p = await signedInPage(browser, hub.url, OWNER, WAIT);
    pages.push(p);
    await p.goto(`${hub.url}/app/#/health`);
    const check = p.locator(`[data-connection="${webchatId}"] [data-check="first_message"]`);
    await check.waitFor();
    const text = (await check.textContent()) ?? '';
    expect(text).toContain('The first message arrived at');
    expect(text).not.toMatch(/\d{4}-\d\d-\d\dT\d\d:\d\d/);
    const time = check.locator('time');
    const iso = (await time.getAttribute('datetime')) ?? '';
    expect(iso).toMatch(/^\d{4}-\d\d-\d\dT/);
    // the same words as every other full time in the app (web/format.ts fullTime: the browser's locale)
    expect(await time.textContent()).toBe(await p.evaluate((at) => new Date(at).toLocaleString(), iso));
    // nowhere on the page an ISO time is left in the text a person reads
    expect(await p.locator('main').textContent()).not.toMatch(/\d{4}-\d\d-\d\dT\d\d:\d\d/);
  });
});
