/**
 * Browser end-to-end tests of the operator app (packages/web, served at /app/ by a real hub) in Chromium: sign-in
 * with email and password, a session that survives a reload, sign-out that ends it; inviting an operator who then
 * signs in; the conversation view (an attachment sent from the composer shows its preview, reply buttons,
 * assignment, resolve/reopen); the contact panel (identities, other conversations, a new conversation); and
 * Settings › Channels editing with masked secrets, the Logs panel and the verify token.
 * Needs `npm run build -w @switchboard/web` first, and Chromium at /usr/bin/chromium (or CHROMIUM_PATH).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestServer, type TestServer } from '../testing/test-server.js';

const WEB_INDEX = fileURLToPath(new URL('../../../web/dist/index.html', import.meta.url));
const SHOTS = fileURLToPath(new URL('../../../../test-results/screenshots/', import.meta.url));
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const WAIT = 10_000;
const OWNER = { email: 'owner@example.test', password: 'owner-password-1' };
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);
// runs inside the page (the server's tsconfig has no DOM lib)
declare const localStorage: { getItem(key: string): string | null };
declare const location: { hash: string };

interface Conv {
  id: string;
  contactId: string;
  status: string;
  assigneeId: string | null;
  lastMessagePreview: string | null;
}
interface Msg {
  id: string;
  conversationId: string;
  direction: string;
  content: { type: string; text?: string; media?: { url: string; mimeType: string; caption?: string } };
}
interface User {
  id: string;
  email: string;
  role: string;
}

describe('browser: operator app', () => {
  let hub: TestServer;
  let browser: Browser;
  let webchatId = '';
  let first: Conv;
  let second: Conv;

  const visitorSession = async () =>
    (await hub.api<{ visitorId: string; token: string }>('POST', `/webchat/${webchatId}/sessions`)).body;
  const visitorSays = async (token: string, text: string) => {
    const r = await hub.api(
      'POST',
      `/webchat/${webchatId}/messages`,
      { clientMessageId: `c-${text}`, text, name: 'Maria Visitor' },
      { authorization: `Bearer ${token}` },
    );
    expect(r.status).toBeLessThan(300);
  };
  const conversationWith = (text: string) =>
    eventually(
      async () =>
        (await hub.api<{ data: Conv[] }>('GET', '/api/v1/conversations?limit=200')).body.data.find(
          (c) => c.lastMessagePreview === text,
        ),
      WAIT,
      `a conversation ending with ${text}`,
    );

  beforeAll(async () => {
    if (!existsSync(WEB_INDEX))
      throw new Error(`${WEB_INDEX} is missing: build the app first (npm run build -w @switchboard/web)`);
    if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM} (set CHROMIUM_PATH)`);
    mkdirSync(SHOTS, { recursive: true });
    hub = await startTestServer({
      env: { SWITCHBOARD_OWNER_EMAIL: OWNER.email, SWITCHBOARD_OWNER_PASSWORD: OWNER.password },
    });
    webchatId = (
      await hub.api<{ id: string }>('POST', '/api/v1/connections', {
        type: 'webchat',
        name: 'Website chat',
        config: { title: 'Acme help' },
      })
    ).body.id;
    expect((await hub.api('POST', `/api/v1/connections/${webchatId}/start`)).status).toBe(200);
    // one visitor, two conversations: an earlier resolved one and the current one
    const visitor = await visitorSession();
    await visitorSays(visitor.token, 'Hello, I have a question');
    first = await conversationWith('Hello, I have a question');
    await hub.api('PATCH', `/api/v1/conversations/${first.id}`, { status: 'resolved' });
    await visitorSays(visitor.token, 'Back again about my order');
    second = await conversationWith('Back again about my order');
    expect(second.id).not.toBe(first.id);
    expect(second.contactId).toBe(first.contactId);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await hub?.close();
  });

  async function signedIn(email: string, password: string, viewport = { width: 1280, height: 800 }): Promise<Page> {
    const page = await browser.newPage({ viewport }); // a fresh context each time: nothing stored
    page.setDefaultTimeout(WAIT);
    await page.goto(`${hub.url}/app/`);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    await page.locator('[aria-label="Live updates: open"]').waitFor();
    return page;
  }

  it('signs in with email and password, keeps the session across a reload, and signs out', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.setDefaultTimeout(WAIT);
    await page.goto(`${hub.url}/`);
    await page.getByRole('heading', { name: 'Sign in to Switchboard' }).waitFor();
    await page.screenshot({ path: `${SHOTS}app-signin.png` });
    await page.getByLabel('Email').fill(OWNER.email);
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent(), { timeout: WAIT }).toBe('Wrong email or password.');
    await page.getByLabel('Password').fill(OWNER.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const who = page.getByLabel('Signed in as');
    await who.waitFor();
    expect(await who.textContent()).toContain('owner');

    await page.reload();
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    expect(await page.getByLabel('Password').count()).toBe(0);
    const token = await page.evaluate(() => localStorage.getItem('switchboard.token'));
    expect(token).toBeTruthy();
    expect((await hub.api('GET', '/api/v1/me', undefined, { authorization: `Bearer ${token}` })).status).toBe(200);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to Switchboard' }).waitFor();
    expect(await page.evaluate(() => localStorage.getItem('switchboard.token'))).toBeNull();
    // the session is over on the server too
    await eventually(
      async () => (await hub.api('GET', '/api/v1/me', undefined, { authorization: `Bearer ${token}` })).status === 401,
      WAIT,
      'the session to end',
    );
    await page.reload();
    await page.getByRole('heading', { name: 'Sign in to Switchboard' }).waitFor();
    await page.close();
  });

  it('invites an operator, who signs in with the initial password, sees no channel settings and changes their password', async () => {
    const owner = await signedIn(OWNER.email, OWNER.password);
    await owner.getByRole('link', { name: 'Settings' }).click();
    await owner.getByRole('link', { name: 'People' }).click();
    await owner.getByRole('button', { name: 'Invite operator' }).click();
    const form = owner.getByRole('form', { name: 'Invite operator' });
    await form.getByLabel('Name').fill('Olga Operator');
    await form.getByLabel('Email').fill('olga@example.test');
    await form.getByRole('button', { name: 'Send invite' }).click();
    const initial = owner.getByLabel('Initial password', { exact: true });
    await initial.waitFor();
    const password = await initial.inputValue();
    expect(password.length).toBeGreaterThanOrEqual(8);
    const row = owner.locator('table.users tr').filter({ hasText: 'olga@example.test' });
    await row.waitFor();
    expect(await row.getByLabel('Role of olga@example.test').inputValue()).toBe('operator');
    await owner.screenshot({ path: `${SHOTS}app-team.png` });

    const olga = await signedIn('olga@example.test', password);
    expect(await olga.getByLabel('Signed in as').textContent()).toContain('Olga Operator');
    await olga.getByRole('link', { name: 'Settings' }).click();
    await olga.getByRole('heading', { name: 'People' }).waitFor();
    expect(await olga.getByRole('link', { name: 'Channels' }).count()).toBe(0);
    expect(await olga.getByRole('button', { name: 'Invite operator' }).count()).toBe(0);
    await olga.getByRole('link', { name: 'Account', exact: true }).click();
    await olga.getByLabel('Current password').fill('not her password');
    await olga.getByLabel('New password', { exact: true }).fill('olga-new-password');
    await olga.getByLabel('Repeat new password').fill('olga-new-password');
    await olga.getByRole('button', { name: 'Change password' }).click();
    await olga.getByText('the current password is wrong').waitFor();
    await olga.getByLabel('Current password').fill(password);
    await olga.getByLabel('New password', { exact: true }).fill('olga-new-password');
    await olga.getByLabel('Repeat new password').fill('olga-new-password');
    await olga.getByRole('button', { name: 'Change password' }).click();
    await olga.getByText('Password changed.').waitFor();
    const login = await fetch(`${hub.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'olga@example.test', password: 'olga-new-password' }),
    });
    expect(login.status).toBe(200);

    // the owner makes her an admin
    await row.getByLabel('Role of olga@example.test').selectOption('admin');
    await eventually(
      async () =>
        (await hub.api<{ data: User[] }>('GET', '/api/v1/users')).body.data.find((u) => u.email === 'olga@example.test')
          ?.role === 'admin',
      WAIT,
      'olga to be admin',
    );
    await olga.close();
    await owner.close();
  });

  it('conversation: an attachment with its preview, a document download, reply buttons, assignment, resolve', async () => {
    const page = await signedIn(OWNER.email, OWNER.password);
    await page.locator(`a.conv[data-conversation="${second.id}"]`).click();
    await page.locator('li.msg.inbound').filter({ hasText: 'Back again about my order' }).waitFor();

    // an image from the composer: uploaded, sent, shown inline
    await page.locator('#composer-file').setInputFiles({ name: 'receipt.png', mimeType: 'image/png', buffer: PNG });
    await page.getByText('receipt.png').waitFor();
    await page.getByLabel('Message', { exact: true }).fill('Here is your receipt');
    await page.getByRole('button', { name: 'Send' }).click();
    const image = page.locator('li.msg.outbound[data-type="image"] img.media-image');
    await image.waitFor();
    await expect
      .poll(() => image.evaluate((el) => (el as unknown as { naturalWidth: number }).naturalWidth), { timeout: WAIT })
      .toBe(1);
    expect(await page.locator('li.msg.outbound[data-type="image"] .msg-text').textContent()).toBe(
      'Here is your receipt',
    );
    const sent = await eventually(
      async () =>
        (await hub.api<{ data: Msg[] }>('GET', `/api/v1/conversations/${second.id}/messages`)).body.data.find(
          (m) => m.content.type === 'image',
        ),
      WAIT,
      'the image message',
    );
    expect(sent.content.media).toMatchObject({ mimeType: 'image/png', caption: 'Here is your receipt' });
    expect(Buffer.from(await (await fetch(sent.content.media?.url ?? '')).arrayBuffer()).equals(PNG)).toBe(true);

    // a document goes out as a download link
    await page
      .locator('#composer-file')
      .setInputFiles({ name: 'terms.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4 terms') });
    await page.getByRole('button', { name: 'Send' }).click();
    const doc = page.locator('li.msg.outbound[data-type="document"] a.media-download');
    await doc.waitFor();
    expect(await doc.textContent()).toContain('terms.pdf');
    expect(await doc.getAttribute('href')).toMatch(/\/media\/att_/);

    // reply buttons (web chat offers them)
    await page.getByRole('button', { name: 'Add reply buttons' }).click();
    await page.getByLabel('Button 1', { exact: true }).fill('Yes');
    await page.getByRole('button', { name: 'Add a button' }).click();
    await page.getByLabel('Button 2', { exact: true }).fill('No');
    await page.getByLabel('Message', { exact: true }).fill('Shall we send a replacement?');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.locator('li.msg.outbound[data-type="interactive"] .chip').filter({ hasText: 'No' }).waitFor();

    // assignment
    const me = (await hub.api<User>('GET', '/api/v1/me')).body;
    await page.getByLabel('Assigned to').selectOption({ label: 'Owner (me)' });
    await eventually(
      async () => (await hub.api<Conv>('GET', `/api/v1/conversations/${second.id}`)).body.assigneeId === me.id,
      WAIT,
      'the assignment',
    );
    await page.getByLabel('Assignee').selectOption('mine');
    await page.locator(`a.conv[data-conversation="${second.id}"]`).waitFor();
    await page.screenshot({ path: `${SHOTS}app-conversation-media.png` });
    await page.getByLabel('Assignee').selectOption('unassigned');
    await expect
      .poll(() => page.locator(`a.conv[data-conversation="${second.id}"]`).count(), { timeout: WAIT })
      .toBe(0);
    await page.getByLabel('Assignee').selectOption('all');
    await page.close();
  });

  it('contact panel: identities, other conversations, and a new conversation started from it', async () => {
    const page = await signedIn(OWNER.email, OWNER.password);
    await page.goto(`${hub.url}/app/#/inbox/${second.id}`);
    const panel = page.getByRole('complementary', { name: 'Contact' });
    await panel.waitFor();
    const contact = (
      await hub.api<{ identities: Array<{ address: string; channelType: string }> }>(
        'GET',
        `/api/v1/contacts/${second.contactId}`,
      )
    ).body;
    expect(contact.identities).toHaveLength(1);
    const identity = panel.locator('.identities li');
    // a visitor's internal id is written as "Visitor 1f3a" (its last four characters); the full id is the tooltip
    const address = contact.identities[0]?.address ?? '-';
    await expect
      .poll(() => identity.textContent(), { timeout: WAIT })
      .toContain(`Visitor ${address.slice(-4).toLowerCase()}`);
    expect(await identity.textContent()).not.toContain('vis_');
    expect(await identity.locator('.identity-address').getAttribute('title')).toBe(address);
    expect(await identity.getByRole('img', { name: 'webchat' }).count()).toBe(1);
    const other = panel.locator(`.other-conversations a[data-conversation="${first.id}"]`);
    await other.waitFor();
    expect(await other.textContent()).toContain('Hello, I have a question');
    expect(await other.textContent()).toContain('resolved');
    await page.screenshot({ path: `${SHOTS}app-contact-panel.png` });

    // the earlier conversation opens from the panel, although the list shows open ones only
    await other.click();
    await page.locator('li.msg.inbound').filter({ hasText: 'Hello, I have a question' }).waitFor();
    await page.getByRole('button', { name: 'Reopen' }).waitFor();

    // resolve the current one, then start a new conversation from the panel
    await page.goto(`${hub.url}/app/#/inbox/${second.id}`);
    await page.getByRole('button', { name: 'Resolve' }).click();
    await page.getByRole('button', { name: 'Reopen' }).waitFor();
    await panel.getByRole('button', { name: 'Start a new conversation' }).click();
    await panel.getByLabel('First message').fill('We shipped your replacement today.');
    await panel.getByRole('button', { name: 'Send' }).click();
    await page.waitForFunction(
      (id) => !location.hash.includes(id) && location.hash.startsWith('#/inbox/conv_'),
      second.id,
    );
    await page.locator('li.msg.outbound').filter({ hasText: 'We shipped your replacement today.' }).waitFor();
    const all = (await hub.api<{ data: Conv[] }>('GET', `/api/v1/conversations?contactId=${second.contactId}`)).body
      .data;
    expect(all).toHaveLength(3);

    // a narrow window: the panel covers the thread and closes again
    await page.setViewportSize({ width: 420, height: 800 });
    await page.screenshot({ path: `${SHOTS}app-contact-panel-narrow.png` });
    await page.getByRole('button', { name: 'Close contact details' }).click();
    await page.getByLabel('Message', { exact: true }).waitFor();
    await page.screenshot({ path: `${SHOTS}app-conversation-narrow.png` });
    await page.close();
  });

  it('settings: edit a connection with masked secrets (a pasted value replaces it), its logs, the verify token', async () => {
    const wa = await hub.api<{ id: string; config: { verifyToken: string } }>('POST', '/api/v1/connections', {
      type: 'whatsapp',
      name: 'Support number',
      config: {
        accessToken: 'original-access-token',
        appSecret: 'original-app-secret',
        businessAccountId: '1001',
        phoneNumberIds: ['2002'],
      },
    });
    expect(wa.status).toBe(201);
    const page = await signedIn(OWNER.email, OWNER.password);
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('heading', { name: 'Communication Channels' }).waitFor();
    const item = page.locator(`li[data-connection="${wa.body.id}"]`);
    expect(await item.getByLabel('Verify token', { exact: true }).inputValue()).toBe(wa.body.config.verifyToken);
    await item.getByRole('button', { name: 'Copy verify token of Support number' }).click();
    await item.getByRole('button', { name: 'Copy verify token of Support number' }).getByText('Copied').waitFor();

    await item.getByRole('button', { name: 'Edit Support number' }).click();
    const form = item.getByRole('form', { name: 'Edit Support number' });
    const secret = form.getByLabel('Access token');
    expect(await secret.getAttribute('type')).toBe('password');
    expect(await secret.inputValue()).toBe('');
    expect(await form.getByLabel('Phone number IDs').inputValue()).toBe('2002');
    await page.screenshot({ path: `${SHOTS}app-settings-edit.png` });
    await secret.fill('rotated-access-token');
    await form.getByLabel('Phone number IDs').fill('2002, 3003');
    await form.getByRole('button', { name: 'Save changes' }).click();
    await form.waitFor({ state: 'detached' });
    const live = await eventually(
      async () => {
        const l = await hub.sb.hub.connections.live(wa.body.id);
        return l?.config.accessToken === 'rotated-access-token' ? l : undefined;
      },
      WAIT,
      'the new secret',
    );
    expect(live.config.appSecret).toBe('original-app-secret'); // untouched secrets keep their value
    expect(live.config.phoneNumberIds).toEqual(['2002', '3003']);
    const view = (await hub.api<{ config: Record<string, unknown> }>('GET', `/api/v1/connections/${wa.body.id}`)).body;
    expect(view.config.accessToken).toBe('********');

    await item.getByRole('button', { name: 'Logs of Support number' }).click();
    const logs = item.getByRole('region', { name: 'Logs of Support number' });
    await logs.locator('tr').filter({ hasText: 'config_updated' }).waitFor();
    expect(await logs.textContent()).not.toContain('rotated-access-token');
    await page.screenshot({ path: `${SHOTS}app-settings-logs.png` });
    await page.close();
  });

  // deleting a connection asks again in place; Cancel keeps it, Confirm deletes it (a running one too)
  it('settings: delete a connection after an in-place confirmation', async () => {
    const doomed = await hub.api<{ id: string }>('POST', '/api/v1/connections', {
      type: 'webchat',
      name: 'Old website chat',
    });
    expect(doomed.status).toBe(201);
    expect((await hub.api<{ status: string }>('POST', `/api/v1/connections/${doomed.body.id}/start`)).body.status).toBe(
      'RUNNING',
    );
    const page = await signedIn(OWNER.email, OWNER.password);
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('heading', { name: 'Communication Channels' }).waitFor();
    const item = page.locator(`li[data-connection="${doomed.body.id}"]`);
    await item.getByRole('button', { name: 'Delete Old website chat' }).click();
    const ask = item.getByRole('group', { name: 'Delete Old website chat?' });
    await ask.getByRole('button', { name: 'Cancel' }).click();
    await ask.waitFor({ state: 'detached' });
    expect((await hub.api('GET', `/api/v1/connections/${doomed.body.id}`)).status).toBe(200); // asking again is not deleting

    await item.getByRole('button', { name: 'Delete Old website chat' }).click();
    await page.screenshot({ path: `${SHOTS}app-settings-delete.png` });
    await ask.getByRole('button', { name: 'Confirm' }).click();
    await item.waitFor({ state: 'detached' });
    await page.getByRole('status').filter({ hasText: 'Old website chat deleted.' }).waitFor();
    expect((await hub.api('GET', `/api/v1/connections/${doomed.body.id}`)).status).toBe(404);
    // the other connections stay
    await page.locator(`li[data-connection="${webchatId}"]`).waitFor();
    await page.close();
  });
});
