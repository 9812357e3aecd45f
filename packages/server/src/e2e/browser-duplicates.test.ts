/**
 * Browser end-to-end test of duplicate suggestions in the operator app: a web chat visitor named like a contact
 * who has a WhatsApp number shows that contact under "Possible duplicates" with the reason; Merge asks again in
 * place, and confirming moves the WhatsApp identity into this contact, whose panel then lists both channels, while
 * the merged-away id answers 301 with its survivor. Needs `npm run build -w @switchboard/web` and Chromium.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestServer, type TestServer } from '../testing/test-server.js';
import { launchChromium, requireBrowserSetup, SHOTS, signedInPage } from '../testing/browser.js';

const WAIT = 10_000;
const OWNER = { email: 'owner@example.test', password: 'owner-password-1' };

interface Conv {
  id: string;
  contactId: string;
  lastMessagePreview: string | null;
}

describe('browser: duplicate contacts in the operator app', () => {
  let hub: TestServer;
  let browser: Browser;
  let conv: Conv;
  let other: string;

  beforeAll(async () => {
    requireBrowserSetup();
    hub = await startTestServer({
      env: { SWITCHBOARD_OWNER_EMAIL: OWNER.email, SWITCHBOARD_OWNER_PASSWORD: OWNER.password },
    });
    const webchatId = (
      await hub.api<{ id: string }>('POST', '/api/v1/connections', { type: 'webchat', name: 'Website chat' })
    ).body.id;
    await hub.api('POST', `/api/v1/connections/${webchatId}/start`);
    const visitor = (await hub.api<{ token: string }>('POST', `/webchat/${webchatId}/sessions`)).body;
    await hub.api(
      'POST',
      `/webchat/${webchatId}/messages`,
      { clientMessageId: 'c-1', text: 'Where is my order?', name: 'Ana Lima' },
      { authorization: `Bearer ${visitor.token}` },
    );
    conv = await eventually(
      async () =>
        (await hub.api<{ data: Conv[] }>('GET', '/api/v1/conversations')).body.data.find(
          (c) => c.lastMessagePreview === 'Where is my order?',
        ),
      WAIT,
      'the conversation',
    );
    const created = await hub.api<{ id: string }>('POST', '/api/v1/contacts', {
      name: 'Ana Lima',
      identities: [{ channelType: 'whatsapp', address: '+49 151 12345678' }],
    });
    expect(created.status).toBe(201);
    other = created.body.id;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await hub?.close();
  });

  it('suggests the contact with the same name on another channel, and merges it after asking again', async () => {
    const page = await signedInPage(browser, hub.url, OWNER, WAIT);
    await page.goto(`${hub.url}/app/#/inbox/${conv.id}`);

    const panel = page.getByRole('complementary', { name: 'Contact' });
    const suggestion = panel.locator(`li[data-duplicate="${other}"]`);
    await suggestion.waitFor();
    expect(await suggestion.textContent()).toContain('same name Ana Lima');
    await suggestion.getByRole('button', { name: 'Merge Ana Lima' }).click();
    await suggestion.getByRole('button', { name: 'Merge Ana Lima into this contact' }).waitFor();
    await page.screenshot({ path: `${SHOTS}app-contact-duplicates.png` });
    await suggestion.getByRole('button', { name: 'Merge Ana Lima into this contact' }).click();
    await suggestion.waitFor({ state: 'detached' });
    await panel.getByText('+4915112345678').waitFor();
    const gone = await fetch(`${hub.url}/api/v1/contacts/${other}`, {
      headers: { authorization: `Bearer ${hub.token}` },
      redirect: 'manual',
    });
    expect(gone.status).toBe(301);
    expect(((await gone.json()) as { mergedInto: string }).mergedInto).toBe(conv.contactId);
    await page.close();
  });
});
