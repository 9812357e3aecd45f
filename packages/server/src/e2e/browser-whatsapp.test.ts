/**
 * The WhatsApp window states in the operator app, in Chromium, against the WhatsApp Cloud API simulator with a test
 * clock: the closed-window notice → Continue with template → the picker (approved templates only, a preview, the
 * first variable pre-filled from the contact) → send → "Waiting for customer reply" with the input disabled → the
 * "WhatsApp template" badge → the customer replies through the simulator → the composer works again; and an
 * outbound (business-initiated) conversation whose first message carries the badge; no second template offered to a
 * customer while one waits for their answer; one sent meanwhile by someone else makes the app open its conversation.
 * Needs `npm run build -w @switchboard/web` first, and Chromium at /usr/bin/chromium (or CHROMIUM_PATH).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startWhatsAppSimulator, type WhatsAppSimulator } from '@switchboard/simulators';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestServer, testClock, type TestServer } from '../testing/test-server.js';

/** the hub stores WhatsApp customers in E.164, the wa_id with a + (core/contacts/address-normalizer.ts) */
const e164 = (waId: string) => `+${waId}`;

const WEB_INDEX = fileURLToPath(new URL('../../../web/dist/index.html', import.meta.url));
const SHOTS = fileURLToPath(new URL('../../../../test-results/screenshots/', import.meta.url));
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const WAIT = 10_000;
const OWNER = { email: 'owner@example.test', password: 'owner-password-1' };
const CUSTOMER = '4915111111111';
const DAY_AND_MORE = 25 * 3_600_000;

interface Conv {
  id: string;
  address: string;
  window: { open: boolean; awaitingReply: boolean } | null;
}
interface Msg {
  id: string;
  direction: string;
  status: string;
  content: { type: string; template?: { text?: string; variables?: Record<string, string> } };
}

describe('browser: the WhatsApp window in the operator app (simulator)', () => {
  let sim: WhatsAppSimulator;
  let hub: TestServer;
  let browser: Browser;
  let connectionId = '';
  const clock = testClock();

  const conversationOf = (address: string) =>
    eventually(
      async () =>
        (
          await hub.api<{ data: Conv[] }>('GET', `/api/v1/conversations?connectionId=${connectionId}&limit=200`)
        ).body.data.find((c) => c.address === e164(address)),
      WAIT,
      `conversation with ${address}`,
    );

  beforeAll(async () => {
    if (!existsSync(WEB_INDEX))
      throw new Error(`${WEB_INDEX} is missing: build the app first (npm run build -w @switchboard/web)`);
    if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM} (set CHROMIUM_PATH)`);
    mkdirSync(SHOTS, { recursive: true });
    sim = await startWhatsAppSimulator({
      webhooks: { retryScale: 0.001 },
      receipts: { sentAfterMs: 50, deliveredAfterMs: 100, readAfterMs: 200 },
    });
    const d = sim.defaults;
    if (!d) throw new Error('simulator not seeded');
    sim.createTemplate({
      wabaId: d.wabaId,
      name: 'order_update',
      language: 'en_US',
      category: 'UTILITY',
      components: [{ type: 'BODY', text: 'Hi {{1}}, your order {{2}} has shipped.' }],
    });
    hub = await startTestServer({
      clock,
      env: { SWITCHBOARD_OWNER_EMAIL: OWNER.email, SWITCHBOARD_OWNER_PASSWORD: OWNER.password },
    });
    connectionId = (
      await hub.api<{ id: string }>('POST', '/api/v1/connections', {
        type: 'whatsapp',
        name: 'WhatsApp',
        config: {
          accessToken: d.accessToken,
          appSecret: sim.app.secret,
          businessAccountId: d.wabaId,
          phoneNumberIds: [d.phoneNumberId],
          apiBaseUrl: sim.url,
        },
      })
    ).body.id;
    const started = await hub.api<{ status: string; webhookUrl: string; config: { verifyToken: string } }>(
      'POST',
      `/api/v1/connections/${connectionId}/start`,
    );
    expect(started.body.status).toBe('RUNNING');
    await sim.configureWebhook({ url: started.body.webhookUrl, verifyToken: started.body.config.verifyToken });
    await eventually(
      async () =>
        (await hub.api<{ data: unknown[] }>('GET', `/api/v1/connections/${connectionId}/templates`)).body.data.length >
        0,
      WAIT,
      'templates synced',
    );
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await hub?.close();
    await sim?.close();
  });

  async function signedIn(): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.setDefaultTimeout(WAIT);
    await page.goto(`${hub.url}/app/`);
    await page.getByLabel('Email').fill(OWNER.email);
    await page.getByLabel('Password').fill(OWNER.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('[aria-label="Live updates: open"]').waitFor();
    return page;
  }

  it('closed window → template picker with preview and pre-filled variable → waiting for the customer → reply reopens it', async () => {
    sim.sendText({ from: CUSTOMER, text: 'Where is my order?', profileName: 'Lena' });
    const conv = await conversationOf(CUSTOMER);
    expect(conv.window?.open).toBe(true);
    // a day and more passes for the hub and for the provider
    clock.advance(DAY_AND_MORE);
    sim.advanceClock({ ms: DAY_AND_MORE });

    const page = await signedIn();
    await page.goto(`${hub.url}/app/#/inbox/${conv.id}`);
    await page.locator('li.msg.inbound').filter({ hasText: 'Where is my order?' }).waitFor();
    await page
      .getByText("It's been over 24 hours since the last reply. Select a WhatsApp template to continue.")
      .waitFor();
    expect(await page.getByLabel('Message', { exact: true }).count()).toBe(0); // no free-form composer
    // the header says the window is closed (and which business number the conversation uses, when known)
    expect(await page.getByTestId('conversation-meta').textContent()).toMatch(/^Window closed/);
    await page.screenshot({ path: `${SHOTS}app-whatsapp-window-closed.png` });

    await page.getByRole('button', { name: 'Continue with template' }).click();
    const picker = page.getByRole('form', { name: 'WhatsApp templates' });
    await picker.getByRole('radio', { name: /order_update/ }).check();
    const first = picker.getByLabel('Variable {{1}}');
    expect(await first.inputValue()).toBe('Lena'); // pre-filled from the contact
    const preview = picker.getByTestId('template-preview');
    expect(await preview.textContent()).toBe('Hi Lena, your order [2] has shipped.');
    expect(await picker.getByRole('button', { name: 'Send template' }).isDisabled()).toBe(true);
    await picker.getByLabel('Variable {{2}}').fill('A-1');
    expect(await preview.textContent()).toBe('Hi Lena, your order A-1 has shipped.');
    await page.screenshot({ path: `${SHOTS}app-whatsapp-template-picker.png` });
    await picker.getByRole('button', { name: 'Send template' }).click();

    await page.getByText('Waiting for customer reply. Messaging will be available once they respond.').waitFor();
    expect(await page.getByLabel('Message', { exact: true }).isDisabled()).toBe(true);
    const template = page.locator('li.msg.outbound[data-type="template"]');
    await template.waitFor();
    expect(await template.locator('.template-badge').textContent()).toContain('WhatsApp template');
    expect(await template.locator('.msg-text').textContent()).toBe('Hi Lena, your order A-1 has shipped.');
    const atProvider = await eventually(
      () => sim.sentMessages({ to: CUSTOMER }).find((m) => m.type === 'template'),
      WAIT,
      'the template at the provider',
    );
    expect(atProvider.rendered?.body).toBe('Hi Lena, your order A-1 has shipped.');
    await expect
      .poll(() => template.locator('.msg-status').getAttribute('data-status'), { timeout: WAIT })
      .toBe('read');
    // the tooltip says when it was read (the status change), and separately when it was written
    const stored = (
      await hub.api<{ data: Array<{ id: string; status: string; statusAt: string | null; timestamp: string }> }>(
        'GET',
        `/api/v1/conversations/${conv.id}/messages?limit=50`,
      )
    ).body.data.find((x) => x.status === 'read');
    expect(stored?.statusAt).toMatch(/^\d{4}-/);
    const title = await template.locator('.msg-status').getAttribute('title');
    expect(title).toMatch(/^read at .+ · written .+$/);
    expect(title).toContain(await page.evaluate((iso) => new Date(iso).toLocaleString(), stored?.statusAt ?? ''));
    await page.screenshot({ path: `${SHOTS}app-whatsapp-waiting.png` });

    // the customer answers through the simulator: the composer is back, live
    sim.sendText({ from: CUSTOMER, text: 'Thanks, got it!' });
    await page.locator('li.msg.inbound').filter({ hasText: 'Thanks, got it!' }).waitFor();
    const input = page.getByLabel('Message', { exact: true });
    await expect.poll(() => input.isEnabled(), { timeout: WAIT }).toBe(true);
    // the window is open again: about 24 hours left, said in words, with the number the conversation writes from
    // (the hub runs on a test clock a day ahead: the hours left are counted from the browser's clock, as in use)
    const meta = (await page.getByTestId('conversation-meta').textContent()) ?? '';
    const convNow = (
      await hub.api<{ senderAddress: string | null; window: { expiresAt: string } }>(
        'GET',
        `/api/v1/conversations/${conv.id}`,
      )
    ).body;
    const hoursLeft = Math.floor((Date.parse(convNow.window.expiresAt) - Date.now()) / 3_600_000);
    const shown = /^Window: (\d+) h( \d+ min)? left/.exec(meta);
    expect(shown, meta).not.toBeNull();
    expect(Math.abs(Number(shown?.[1]) - hoursLeft)).toBeLessThanOrEqual(1);
    if (convNow.senderAddress) expect(meta).toContain(`From ${convNow.senderAddress}`);
    expect(await page.getByText('Waiting for customer reply', { exact: false }).count()).toBe(0);
    // WhatsApp offers up to three reply buttons and attachments
    await page.getByRole('button', { name: 'Attach file' }).waitFor();
    await page.getByRole('button', { name: 'Add reply buttons' }).waitFor();
    await input.fill('Glad to help!');
    await page.getByRole('button', { name: 'Send' }).click();
    const reply = page.locator('li.msg.outbound').filter({ hasText: 'Glad to help!' });
    await expect.poll(() => reply.locator('.msg-status').getAttribute('data-status'), { timeout: WAIT }).toBe('read');
    await eventually(
      () => sim.sentMessages({ to: CUSTOMER }).some((m) => m.type === 'text'),
      WAIT,
      'the reply at the provider',
    );
    await page.screenshot({ path: `${SHOTS}app-whatsapp-reopened.png` });
    await page.close();
  });

  it('an outbound conversation starts with a template that carries the badge, and waits for the customer', async () => {
    const to = '4915100000042';
    const m = await hub.api<Msg & { conversationId: string }>('POST', '/api/v1/messages', {
      connectionId,
      to,
      template: { name: 'order_update', language: 'en_US', variables: { 1: 'Jonas', 2: 'B-7' } },
    });
    expect(m.status).toBe(202);
    const page = await signedIn();
    await page.goto(`${hub.url}/app/#/inbox/${m.body.conversationId}`);
    const firstMessage = page.locator('ol.messages > li.msg').first();
    await firstMessage.waitFor();
    expect(await firstMessage.getAttribute('data-type')).toBe('template');
    expect(await firstMessage.locator('.template-badge').textContent()).toContain('WhatsApp template');
    await page.getByText('Waiting for customer reply. Messaging will be available once they respond.').waitFor();

    // the customer's window hours after it, another may go: said, and until then no template is offered for them
    expect(await page.getByTestId('template-again-at').textContent()).toMatch(
      /^ Another template can be sent after .+\.$/,
    );
    const panel = page.getByRole('complementary', { name: 'Contact' });
    await panel.getByRole('button', { name: 'Start a new conversation' }).click();
    const notOffered = panel.locator('[data-notice="template-waiting"]');
    await notOffered.waitFor();
    expect(await notOffered.locator('[role="status"]').textContent()).toMatch(
      /^A template was already sent .+ and waits for .+'s reply; another can be sent after .+\.$/,
    );
    expect(await notOffered.textContent()).not.toMatch(/conv_|\d{4}-\d\d-\d\dT/);
    expect(await panel.getByRole('form', { name: 'WhatsApp templates' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Send template' }).count()).toBe(0);
    await page.screenshot({ path: `${SHOTS}app-whatsapp-template-waiting.png` });
    await notOffered.getByRole('button', { name: 'Close', exact: true }).click();

    // a colleague's template goes to another customer while the operator fills one in for them: the hub refuses
    // the second, and the app opens the conversation where the first waits, saying why — nothing sent twice
    const other = '4915100000043';
    sim.sendText({ from: other, text: 'One more question', profileName: 'Mira' });
    const earlier = await conversationOf(other);
    expect((await hub.api('PATCH', `/api/v1/conversations/${earlier.id}`, { status: 'resolved' })).status).toBe(200);
    await page.goto(`${hub.url}/app/#/inbox/${earlier.id}`);
    await page.locator('li.msg.inbound').filter({ hasText: 'One more question' }).waitFor();
    await panel.getByRole('button', { name: 'Start a new conversation' }).click();
    const picker = panel.getByRole('form', { name: 'WhatsApp templates' });
    await picker.getByRole('radio', { name: /order_update/ }).check();
    await picker.getByLabel('Variable {{1}}').fill('Mira');
    await picker.getByLabel('Variable {{2}}').fill('C-2');
    const colleague = await hub.api<{ conversationId: string }>('POST', '/api/v1/messages', {
      connectionId,
      to: other,
      template: { name: 'order_update', language: 'en_US', variables: { 1: 'Mira', 2: 'C-1' } },
    });
    expect(colleague.status).toBe(202);
    expect(colleague.body.conversationId).not.toBe(earlier.id); // the resolved one is not reopened
    await eventually(
      () => sim.sentMessages({ to: other }).find((x) => x.type === 'template'),
      WAIT,
      "the colleague's template at the provider",
    );
    await picker.getByRole('button', { name: 'Send template' }).click();
    await expect
      .poll(() => new URL(page.url()).hash, { timeout: WAIT })
      .toBe(`#/inbox/${colleague.body.conversationId}`);
    const opened = page.locator('.opened-notice');
    await opened.waitFor();
    expect(await opened.textContent()).toMatch(
      /^A template was already sent .+ and waits for Mira's reply; another can be sent after .+\. This is that conversation\. Dismiss$/,
    );
    expect(await opened.textContent()).not.toMatch(/conv_|\d{4}-\d\d-\d\dT/);
    await page.getByText('Waiting for customer reply. Messaging will be available once they respond.').waitFor();
    expect(await page.locator('ol.messages li.msg[data-type="template"] .msg-text').textContent()).toBe(
      'Hi Mira, your order C-1 has shipped.',
    );
    expect(sim.sentMessages({ to: other }).filter((x) => x.type === 'template')).toHaveLength(1);
    await page.screenshot({ path: `${SHOTS}app-whatsapp-template-opened.png` });
    // on a phone the thread (with its notice) shows once the contact panel is closed
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole('button', { name: 'Close contact details' }).click();
    await opened.waitFor();
    await page.screenshot({ path: `${SHOTS}app-whatsapp-template-opened-phone.png` });
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.getByRole('button', { name: 'Contact details' }).click();
    // and in its contact panel, no template is offered to Mira either
    await panel.getByRole('button', { name: 'Start a new conversation' }).click();
    await panel.locator('[data-notice="template-waiting"]').waitFor();
    expect(await page.getByRole('button', { name: 'Send template' }).count()).toBe(0);
    await opened.getByRole('button', { name: 'Dismiss' }).click();
    await opened.waitFor({ state: 'detached' });

    // an admin fetches the templates again from Settings
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('button', { name: 'Sync templates of WhatsApp' }).click();
    await page.getByText(/^WhatsApp: \d+ templates synced, \d+ approved\.$/).waitFor();
    await page.close();
  });
});
