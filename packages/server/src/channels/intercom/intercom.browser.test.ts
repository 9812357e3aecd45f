/**
 * Browser end-to-end test of an Intercom conversation in the operator app: the composer offers "Internal note" on
 * a channel whose provider is itself an inbox (features.internalNotes), the note goes to Intercom as a note its
 * teammates see (never as a reply to the customer) and looks like one in the thread (amber, dashed, "Internal note"
 * read first); the next message is a reply again, and looks like one.
 * Needs `npm run build -w @switchboard/web` first, and Chromium at /usr/bin/chromium (or CHROMIUM_PATH).
 */
import { startIntercomSimulator, type IntercomSimulator } from '@switchboard/simulators';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, requireBrowserSetup, SHOTS, signedInPage } from '../../testing/browser.js';
import { eventually, startTestServer, type TestServer } from '../../testing/test-server.js';

// evaluated in the page: the DOM's own, which the server's TypeScript settings do not include
declare const getComputedStyle: (el: unknown) => Record<string, string>;

const WAIT = 10_000;
const OWNER = { email: 'owner@example.test', password: 'owner-password-1' };

describe('browser: an internal note on an Intercom conversation', () => {
  let hub: TestServer;
  let sim: IntercomSimulator;
  let browser: Browser;
  let conversationId = '';
  let intercomConversation = '';

  beforeAll(async () => {
    requireBrowserSetup();
    sim = await startIntercomSimulator({ webhooks: { retryScale: 0.005 } });
    hub = await startTestServer({
      env: { SWITCHBOARD_OWNER_EMAIL: OWNER.email, SWITCHBOARD_OWNER_PASSWORD: OWNER.password },
    });
    const conn = await hub.api<{ id: string; webhookUrl: string }>('POST', '/api/v1/connections', {
      type: 'intercom',
      name: 'Intercom',
      config: {
        accessToken: sim.accessToken,
        clientSecret: sim.clientSecret,
        adminId: sim.botAdmin.id,
        apiBaseUrl: sim.url,
      },
    });
    await sim.setWebhook(conn.body.webhookUrl);
    await hub.api('POST', `/api/v1/connections/${conn.body.id}/start`);
    intercomConversation = sim.customerStarts({ name: 'Ana Lima', text: 'Where is my parcel?' }).conversationId;
    await sim.idle();
    conversationId = await eventually(
      async () =>
        (await hub.api<{ data: Array<{ id: string }> }>('GET', `/api/v1/conversations?connectionId=${conn.body.id}`))
          .body.data[0]?.id,
      WAIT,
      'the mirrored conversation',
    );
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await hub?.close();
    await sim?.close();
  });

  it('sends a note as a note, marks it in the thread, and the next message as a reply', async () => {
    const page = await signedInPage(browser, hub.url, OWNER, WAIT);
    await page.goto(`${hub.url}/app/#/inbox/${conversationId}`);
    await page.getByText('Where is my parcel?').last().waitFor();
    const note = page.getByLabel(/Internal note/);
    await note.check();
    await page.getByLabel('Message', { exact: true }).fill('VIP customer, ship today');
    await page.getByRole('button', { name: 'Send' }).click();
    await expect
      .poll(() => sim.apiParts({ conversationId: intercomConversation, partType: 'note' }).length, { timeout: WAIT })
      .toBe(1);
    expect(sim.apiParts({ conversationId: intercomConversation, partType: 'note' })[0]?.request).toMatchObject({
      message_type: 'note',
      body: '<p>VIP customer, ship today</p>',
    });
    // in the thread it looks like a note, not like a reply the customer got: amber, dashed, and says so first
    const messages = page.getByRole('list', { name: 'Messages' });
    const thread = messages.getByRole('listitem').filter({ hasText: 'VIP customer, ship today' });
    await thread.getByText('Internal note', { exact: true }).waitFor();
    expect(await note.isChecked()).toBe(false);
    const look = (item: typeof thread) =>
      item.evaluate((li) => {
        const s = getComputedStyle(li);
        return {
          background: s.backgroundColor,
          border: s.borderTopStyle,
          text: (li as unknown as { innerText: string }).innerText,
        };
      });
    const noted = await look(thread);
    expect(noted).toMatchObject({ background: 'rgb(254, 243, 199)', border: 'dashed' });
    // what a screen reader reads: "Internal note" before the note's words
    expect(noted.text.indexOf('Internal note')).toBeGreaterThanOrEqual(0);
    expect(noted.text.indexOf('Internal note')).toBeLessThan(noted.text.indexOf('VIP customer'));
    expect(await thread.ariaSnapshot()).toMatch(/Internal note[\s\S]*VIP customer, ship today/);
    await page.screenshot({ path: `${SHOTS}intercom-internal-note.png` });

    await page.getByLabel('Message', { exact: true }).fill('It leaves today');
    await page.getByRole('button', { name: 'Send' }).click();
    await expect
      .poll(() => sim.apiParts({ conversationId: intercomConversation, partType: 'comment' }).length, { timeout: WAIT })
      .toBe(1);
    expect(sim.apiParts({ conversationId: intercomConversation, partType: 'note' })).toHaveLength(1);
    // the reply looks like a reply
    const reply = messages.getByRole('listitem').filter({ hasText: 'It leaves today' });
    await reply.waitFor();
    const replied = await look(reply);
    expect(replied.border).toBe('solid');
    expect(replied.background).not.toBe('rgb(254, 243, 199)');
    expect(replied.text).not.toContain('Internal note');
    await page.close();
  });
});
