/**
 * Browser end-to-end tests of the operator app's automation pages (web/src/automation) against a real hub:
 * outgoing webhook subscriptions and their delivery log, agents and their communication channels (the 409 when a
 * second agent claims inbound), and the routing tester. Needs `npm run build -w @switchboard/web` first and
 * Chromium at /usr/bin/chromium (or CHROMIUM_PATH).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_TYPES } from '../model/index.js';
import { eventually, startTestServer, type TestServer } from '../testing/test-server.js';

const WEB_INDEX = fileURLToPath(new URL('../../../web/dist/index.html', import.meta.url));
const SHOTS = fileURLToPath(new URL('../../../../test-results/screenshots/', import.meta.url));
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const WAIT = 10_000;
// runs inside the page (the server's tsconfig has no DOM lib)
declare const getComputedStyle: (el: unknown) => Record<string, string>;

interface Received {
  url: string;
  deliveryId: string;
  event: string;
  body: string;
}
interface Delivery {
  id: string;
  status: string;
  attempts: number;
}

describe('browser: automation pages', () => {
  let hub: TestServer;
  let browser: Browser;
  let receiver: Server;
  let receiverUrl = '';
  const received: Received[] = [];

  beforeAll(async () => {
    if (!existsSync(WEB_INDEX))
      throw new Error(`${WEB_INDEX} is missing: build the app first (npm run build -w @switchboard/web)`);
    if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM} (set CHROMIUM_PATH)`);
    mkdirSync(SHOTS, { recursive: true });
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({
          url: req.url ?? '',
          deliveryId: String(req.headers['switchboard-delivery'] ?? ''),
          event: String(req.headers['switchboard-event'] ?? ''),
          body: Buffer.concat(chunks).toString('utf8'),
        });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    // the receiver and the bot URLs are on 127.0.0.1: the workspace opts in to private networks
    hub = await startTestServer({
      allowPrivateNetwork: true,
      env: { SWITCHBOARD_WEBHOOK_RETRY_BASE_MS: '100', SWITCHBOARD_WEBHOOK_TIMEOUT_MS: '2000' },
    });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  });

  const pages: Page[] = [];
  // a failed test must not leave a page (and its event stream) open
  afterEach(async () => {
    await Promise.all(pages.splice(0).map((p) => p.close()));
  });

  afterAll(async () => {
    await browser?.close();
    receiver?.closeAllConnections();
    await new Promise((r) => receiver?.close(r));
    await hub?.close();
  });

  /** signs in with the admin API token, the way the sign-in screen offers it, and opens an automation tab */
  async function operatorPage(tab: 'webhooks' | 'agents' | 'routing'): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    pages.push(page);
    page.setDefaultTimeout(WAIT);
    page.on('pageerror', (err) => {
      throw err;
    });
    await page.goto(`${hub.url}/app/`);
    const useToken = page.getByRole('button', { name: 'Use an API token instead' });
    await page.getByLabel('API token').or(useToken).first().waitFor();
    if (await useToken.isVisible()) await useToken.click();
    await page.getByLabel('API token').fill(hub.token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Automation' }).click();
    await page
      .getByRole('navigation', { name: 'Automation' })
      .getByRole('link', { name: tab[0]?.toUpperCase() + tab.slice(1) })
      .click();
    return page;
  }

  async function webchat(name: string): Promise<string> {
    const c = await hub.api<{ id: string }>('POST', '/api/v1/connections', { type: 'webchat', name });
    expect(c.status).toBe(201);
    expect((await hub.api('POST', `/api/v1/connections/${c.body.id}/start`)).status).toBe(200);
    return c.body.id;
  }

  async function visitorSays(connectionId: string, text: string): Promise<void> {
    const session = (await (await fetch(`${hub.url}/webchat/${connectionId}/sessions`, { method: 'POST' })).json()) as {
      token: string;
    };
    const r = await fetch(`${hub.url}/webchat/${connectionId}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${session.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ clientMessageId: text, text }),
    });
    expect(r.status).toBeLessThan(300);
  }

  it('webhooks: create a subscription (secret shown once), see a delivery in its log after an event, replay it, disable it', async () => {
    const page = await operatorPage('webhooks');
    await page.getByRole('heading', { name: 'Outgoing webhooks' }).waitFor();
    await page.getByRole('button', { name: 'Add subscription' }).click();
    const form = page.getByRole('form', { name: 'New webhook subscription' });
    // the offered event types are the server's
    const offered = await form
      .getByRole('group', { name: 'Event types' })
      .getByRole('checkbox')
      .evaluateAll((els) => els.map((e) => (e.parentElement?.textContent ?? '').trim()));
    expect(offered).toEqual(['All events (*)', ...EVENT_TYPES, 'workflow.trigger']);
    await form.getByLabel('URL').fill(`${receiverUrl}/hooks`);
    await form.getByLabel('Description').fill('CRM sync');
    await form.getByRole('checkbox', { name: 'conversation.created' }).check();
    expect(await form.getByLabel('Signing secret', { exact: true }).getAttribute('type')).toBe('password');
    await page.screenshot({ path: `${SHOTS}automation-webhooks-form.png` });
    await form.getByRole('button', { name: 'Create subscription' }).click();

    // the generated secret is shown once, in full
    const secret = await page
      .getByRole('status', { name: 'New signing secret' })
      .getByRole('textbox', { name: 'Signing secret' })
      .inputValue();
    expect(secret.length).toBeGreaterThanOrEqual(16);
    expect(secret).not.toContain('*');
    const subs = (
      await hub.api<{
        data: Array<{ id: string; url: string; eventTypes: string[]; secret: string; description: string }>;
      }>('GET', '/api/v1/webhook-subscriptions')
    ).body.data;
    expect(subs).toHaveLength(1);
    const sub = subs[0] as (typeof subs)[number];
    expect(sub).toMatchObject({ url: `${receiverUrl}/hooks`, description: 'CRM sync', secret: '********' });
    expect(sub.eventTypes.sort()).toEqual(['conversation.created', 'message.received']);
    await page.getByRole('button', { name: 'Done' }).click();
    expect(await page.getByRole('textbox', { name: 'Signing secret' }).count()).toBe(0);

    const card = page.locator(`li[data-subscription="${sub.id}"]`);
    await card.getByRole('button', { name: 'Delivery log' }).click();
    await card.getByText('No deliveries yet').waitFor();

    // an event happens: the log shows its deliveries as they are made
    const conn = await webchat('Hooks site');
    await visitorSays(conn, 'hello from a visitor');
    const row = card.locator('tr[data-status="delivered"]').filter({ hasText: 'message.received' });
    await row.waitFor();
    expect(await row.locator('td').nth(3).textContent()).toBe('1');
    expect(await row.locator('td').nth(4).textContent()).toBe('204');
    await card.locator('tr[data-status="delivered"]').filter({ hasText: 'conversation.created' }).waitFor();
    const first = await eventually(
      () => received.find((r) => r.event === 'message.received'),
      WAIT,
      'the delivery at the receiver',
    );
    await page.screenshot({ path: `${SHOTS}automation-webhooks-log.png` });

    await page.setViewportSize({ width: 420, height: 900 });
    await page.screenshot({ path: `${SHOTS}automation-webhooks-narrow.png` });
    await page.setViewportSize({ width: 1280, height: 900 });

    // replay one delivery: the receiver gets it again with the same delivery id
    await row.getByRole('button', { name: /^Replay delivery/ }).click();
    await eventually(
      () => received.filter((r) => r.deliveryId === first.deliveryId).length === 2,
      WAIT,
      'the replayed delivery',
    );
    await expect
      .poll(
        async () =>
          (
            await hub.api<{ data: Delivery[] }>('GET', `/api/v1/webhook-subscriptions/${sub.id}/deliveries`)
          ).body.data.find((d) => d.id === first.deliveryId)?.status,
        { timeout: WAIT },
      )
      .toBe('delivered');

    // replay the time range (the defaults cover the last hour): every delivery goes again
    const before = received.length;
    await card.getByRole('button', { name: 'Replay range' }).click();
    await card
      .getByRole('status')
      .filter({ hasText: /2 deliveries queued again/ })
      .waitFor();
    await eventually(() => received.length >= before + 2, WAIT, 'the range replay at the receiver');

    // edit: one more event type; the secret is kept when left empty
    await card.getByRole('button', { name: `Edit subscription ${receiverUrl}/hooks` }).click();
    const edit = card.getByRole('form', { name: `Edit subscription ${receiverUrl}/hooks` });
    await edit.getByRole('checkbox', { name: 'contact.created' }).check();
    await edit.getByRole('button', { name: 'Save subscription' }).click();
    await edit.waitFor({ state: 'detached' });
    await card.getByRole('list', { name: 'Event types' }).getByText('contact.created').waitFor();
    const edited = (await hub.api<{ eventTypes: string[] }>('GET', `/api/v1/webhook-subscriptions/${sub.id}`)).body;
    expect(edited.eventTypes.sort()).toEqual(['contact.created', 'conversation.created', 'message.received']);

    // disable: the switch reaches the server
    await card.getByRole('switch', { name: `Active: ${receiverUrl}/hooks` }).uncheck();
    await expect
      .poll(
        async () => (await hub.api<{ active: boolean }>('GET', `/api/v1/webhook-subscriptions/${sub.id}`)).body.active,
        { timeout: WAIT },
      )
      .toBe(false);
    await card.getByText('Disabled', { exact: true }).waitFor();

    // delete asks once more, in place
    await card.getByRole('button', { name: `Delete subscription ${receiverUrl}/hooks` }).click();
    await card.getByRole('button', { name: 'Confirm' }).click();
    await card.waitFor({ state: 'detached' });
    expect((await hub.api<{ data: unknown[] }>('GET', '/api/v1/webhook-subscriptions')).body.data).toHaveLength(0);
  });

  it("agents: create from the kind's schema, attach with Inbound, a second Inbound on the same connection answers 409 naming the holder; start shows a green dot", async () => {
    const connectionId = await webchat('Support chat');
    const page = await operatorPage('agents');
    await page.getByRole('heading', { name: 'Agents' }).waitFor();

    // a flow bot: every field has a default
    await page.getByRole('button', { name: 'Add agent' }).click();
    let form = page.getByRole('form', { name: 'New agent' });
    await form.getByLabel('Agent kind').selectOption('flow');
    await form.getByLabel('Name', { exact: true }).fill('Greeter');
    await form.getByLabel(/^greeting/i).fill('Hello! How can we help?');
    await page.screenshot({ path: `${SHOTS}automation-agent-form.png` });
    await form.getByRole('button', { name: 'Create agent' }).click();
    const greeter = page.locator('li.au-card').filter({ hasText: 'Greeter' });
    await greeter.getByRole('heading', { name: 'Communication channels' }).waitFor();
    const greeterId = await greeter.getAttribute('data-agent');
    expect(greeterId).toMatch(/\S/);
    await expect
      .poll(() => greeter.locator('.dot').first().getAttribute('data-status'), { timeout: WAIT })
      .toBe('STOPPED');

    // attach with Inbound, by keyboard
    await greeter.getByRole('checkbox', { name: 'Attach Support chat' }).press('Space');
    await greeter.getByRole('switch', { name: 'Inbound on Support chat' }).press('Space');
    expect(await greeter.getByRole('switch', { name: 'Inbound on Support chat' }).isChecked()).toBe(true);
    await greeter.getByText('Saved changes apply when the agent starts.').waitFor();
    await greeter.getByRole('button', { name: 'Save channels' }).press('Enter');
    await greeter.getByRole('status').filter({ hasText: 'Channels saved.' }).waitFor();
    const channels = await hub.api<{ data: Array<{ connectionId: string; inbound: boolean }> }>(
      'GET',
      `/api/v1/agents/${greeterId}/connections`,
    );
    expect(channels.body.data).toEqual([expect.objectContaining({ connectionId, inbound: true })]);

    // start the greeter: the dot turns green (the connections' colours) and the channel is applied
    await greeter.getByRole('button', { name: 'Start Greeter' }).click();
    const dot = greeter.locator('.au-card-head .dot');
    await expect.poll(() => dot.getAttribute('data-status'), { timeout: WAIT }).toBe('RUNNING');
    expect(await dot.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(22, 163, 74)');
    await greeter
      .locator('li.au-channel')
      .filter({ hasText: 'Support chat' })
      .getByText('active', { exact: true })
      .waitFor();
    await page.screenshot({ path: `${SHOTS}automation-agents.png` });

    // a second agent (an external bot: its secret is masked when editing) claims Inbound on the same connection
    await page.getByRole('button', { name: 'Add agent' }).click();
    form = page.getByRole('form', { name: 'New agent' });
    await form.getByLabel('Agent kind').selectOption('webhook');
    await form.getByLabel('Name', { exact: true }).fill('Shop bot');
    await form.getByLabel(/^url( \*)?$/i).fill('http://127.0.0.1:9/bot');
    await form.getByLabel(/^secret( \*)?$/i).fill('bot_secret_0123456789abcdef');
    await form.getByRole('button', { name: 'Create agent' }).click();
    const shop = page.locator('li.au-card').filter({ hasText: 'Shop bot' });
    await shop.getByRole('heading', { name: 'Communication channels' }).waitFor();
    const secretField = shop.getByRole('form', { name: 'Edit Shop bot' }).getByLabel('Secret', { exact: true });
    expect(await secretField.getAttribute('type')).toBe('password');
    expect(await secretField.inputValue()).toBe('********');
    // the holder is named on the row before anyone tries to take it
    await shop
      .locator('li.au-channel')
      .filter({ hasText: 'Support chat' })
      .getByText('Inbound: Greeter', { exact: true })
      .waitFor();
    await shop.getByRole('checkbox', { name: 'Attach Support chat' }).check();
    await shop.getByRole('switch', { name: 'Inbound on Support chat' }).check();
    await shop.getByRole('button', { name: 'Save channels' }).click();
    const alert = shop.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('"Greeter"');
    expect(await alert.textContent()).toContain('Support chat');
    // a person reads names, never ids
    expect(await alert.textContent()).not.toMatch(/\b(agt|conn|usr|team)_[0-9a-z]/);
    await page.screenshot({ path: `${SHOTS}automation-agents-409.png` });
    // attaching without Inbound is fine
    await shop.getByRole('switch', { name: 'Inbound on Support chat' }).uncheck();
    await shop.getByRole('button', { name: 'Save channels' }).click();
    await shop.getByRole('status').filter({ hasText: 'Channels saved.' }).waitFor();

    // a catch-all rule hands the connection's traffic to the shop bot: saving the greeter's channels says so
    const shopId = await shop.getAttribute('data-agent');
    const rule = await hub.api<{ id: string; warnings: unknown[] }>('POST', '/api/v1/routing-rules', {
      connectionId,
      name: 'Everything to the shop',
      actions: [{ type: 'agent', agentId: shopId }],
    });
    expect(rule.status).toBe(201);
    // ("Greeter" is on the shop bot's card too now: its row names the inbound agent)
    const greeterCard = page.locator(`li.au-card[data-agent="${greeterId}"]`);
    await greeterCard.getByRole('link', { name: /^Greeter/ }).click();
    await greeterCard.getByRole('button', { name: 'Save channels' }).click();
    await greeterCard
      .getByRole('status')
      .filter({ hasText: 'Channels saved, but routing will not work as set up:' })
      .waitFor();
    await greeterCard
      .getByRole('list', { name: 'Routing warnings for Greeter' })
      .locator('[data-warning="agents_compete"]')
      .filter({ hasText: 'rule "Everything to the shop" hands every new conversation to "Shop bot"' })
      .waitFor();
    expect((await hub.api('DELETE', `/api/v1/routing-rules/${rule.body.id}`)).status).toBe(204);
  });

  // a webhook bot is always signed
  it('agents: a webhook agent created with the secret left empty shows its generated signing secret once', async () => {
    const page = await operatorPage('agents');
    await page.getByRole('heading', { name: 'Agents' }).waitFor();
    await page.getByRole('button', { name: 'Add agent' }).click();
    const form = page.getByRole('form', { name: 'New agent' });
    await form.getByLabel('Agent kind').selectOption('webhook');
    await form.getByLabel('Name', { exact: true }).fill('Unsigned shop bot');
    await form.getByLabel(/^url( \*)?$/i).fill('http://127.0.0.1:9/bot');
    const secretInput = form.getByLabel('Secret', { exact: true });
    expect(await secretInput.getAttribute('required')).toBeNull();
    await form.getByText('generated when empty').waitFor();
    await form.getByRole('button', { name: 'Create agent' }).click();
    const callout = page.getByRole('status', { name: 'New signing secret' });
    await callout.waitFor();
    const shown = await callout.getByLabel('Signing secret', { exact: true }).inputValue();
    expect(shown).toMatch(/^whsec_[A-Za-z0-9_-]{32}$/);
    await page.screenshot({ path: `${SHOTS}automation-agent-generated-secret.png` });
    const agents = (
      await hub.api<{ data: Array<{ id: string; name: string; config: Record<string, unknown> }> }>(
        'GET',
        '/api/v1/agents',
      )
    ).body.data;
    const created = agents.find((a) => a.name === 'Unsigned shop bot');
    expect(created?.config.secret).toBe('********');
    // the agent's own form shows the mask, not the secret; Done hides it for good
    const card = page.locator(`li.au-card[data-agent="${created?.id}"]`);
    expect(
      await card
        .getByRole('form', { name: 'Edit Unsigned shop bot' })
        .getByLabel('Secret', { exact: true })
        .inputValue(),
    ).toBe('********');
    await callout.getByRole('button', { name: 'Done' }).click();
    await callout.waitFor({ state: 'detached' });
    expect(await page.content()).not.toContain(shown);
  });

  it("routing: rules created and edited in the UI, the tester shows which rule fires and why, reordering and disabling change it, a real message's timeline, a team with a member", async () => {
    const connectionId = await webchat('Routing site');
    const page = await operatorPage('routing');
    await page.getByRole('heading', { name: 'Routing', exact: true }).waitFor();
    await page.getByLabel('Rules of').selectOption(connectionId);

    const addRule = async (name: string, setup: (form: ReturnType<Page['getByRole']>) => Promise<void>) => {
      await page.getByRole('button', { name: 'Add rule' }).click();
      const form = page.getByRole('form', { name: 'New rule' });
      await form.getByLabel('Rule name').fill(name);
      await setup(form);
      await form.getByRole('button', { name: 'Create rule' }).click();
      await page.getByRole('list', { name: 'Rules in order' }).getByText(name, { exact: true }).waitFor();
    };
    await addRule('Refunds', async (form) => {
      await form.getByLabel(/^Keywords/).fill('refund, money back');
      await form.getByLabel('Action 1 tag').fill('billing');
    });
    await addRule('Everyone else', async (form) => {
      await form.getByLabel('Action 1', { exact: true }).selectOption('reply');
      await form.getByLabel('Action 1 reply text').fill('Thanks, we will get back to you.');
    });
    const rules = (
      await hub.api<{
        data: Array<{ id: string; name: string; position: number; conditions: unknown; actions: unknown }>;
      }>('GET', `/api/v1/routing-rules?connectionId=${connectionId}`)
    ).body.data;
    expect(rules.map((r) => r.name)).toEqual(['Refunds', 'Everyone else']);
    expect(rules[0]).toMatchObject({
      conditions: { keywords: ['refund', 'money back'] },
      actions: [{ type: 'tag', tag: 'billing' }],
    });

    // edit a rule: one more keyword and a second action
    await page.getByRole('button', { name: 'Edit Refunds' }).click();
    const edit = page.getByRole('form', { name: 'Edit rule Refunds' });
    expect(await edit.getByLabel(/^Keywords/).inputValue()).toBe('refund, money back');
    await edit.getByLabel(/^Keywords/).fill('refund, money back, chargeback');
    await edit.getByRole('button', { name: 'Action', exact: true }).click();
    await edit.getByLabel('Action 2 tag').fill('urgent');
    await edit.getByRole('button', { name: 'Save rule' }).click();
    await edit.waitFor({ state: 'detached' });
    const refunds = (
      await hub.api<{ conditions: unknown; actions: unknown }>('GET', `/api/v1/routing-rules/${rules[0]?.id}`)
    ).body;
    expect(refunds).toMatchObject({
      conditions: { keywords: ['refund', 'money back', 'chargeback'] },
      actions: [
        { type: 'tag', tag: 'billing' },
        { type: 'tag', tag: 'urgent' },
      ],
    });

    // the tester: a refund message fires the first rule; every rule shows its reason
    const tester = page.getByRole('form', { name: 'Which rule fires?' });
    await tester.getByLabel('Connection').selectOption(connectionId);
    await tester.getByLabel('Message text').fill('I would like a refund please');
    await tester.getByRole('button', { name: 'Test' }).click();
    const decision = page.getByRole('status', { name: 'Routing decision' });
    await decision.getByText('Fires: Refunds').waitFor();
    const reasons = decision.getByRole('list', { name: 'Every rule, in order' }).locator(':scope > li');
    expect(await reasons.count()).toBe(2);
    expect(await reasons.nth(0).getAttribute('data-fired')).toBe('true');
    expect(await reasons.nth(1).getAttribute('data-fired')).toBe('false');
    await page.setViewportSize({ width: 1280, height: 1800 }); // the page scrolls inside the app shell: a tall window shows all of it
    await page.screenshot({ path: `${SHOTS}automation-routing-tester.png` });
    await page.setViewportSize({ width: 1280, height: 900 });

    // another text: the catch-all fires
    await tester.getByLabel('Message text').fill('hello there');
    await tester.getByRole('button', { name: 'Test' }).click();
    await decision.getByText('Fires: Everyone else').waitFor();
    expect(await reasons.nth(0).getAttribute('data-matched')).toBe('false');

    // move the catch-all up: it now fires first, even for refunds
    await page.getByRole('button', { name: 'Move Everyone else up' }).click();
    await expect
      .poll(
        async () =>
          (
            await hub.api<{ data: Array<{ name: string }> }>(
              'GET',
              `/api/v1/routing-rules?connectionId=${connectionId}`,
            )
          ).body.data.map((r) => r.name),
        { timeout: WAIT },
      )
      .toEqual(['Everyone else', 'Refunds']);
    await tester.getByLabel('Message text').fill('I would like a refund please');
    await tester.getByRole('button', { name: 'Test' }).click();
    await decision.getByText('Fires: Everyone else').waitFor();
    // the shadowed rule says so on its card
    const refundsCard = page
      .getByRole('list', { name: 'Rules in order' })
      .locator('li[data-rule]')
      .filter({ hasText: 'Refunds' });
    await refundsCard
      .getByRole('list', { name: 'Warnings about Refunds' })
      .locator('[data-warning="rule_shadowed"]')
      .filter({
        hasText: 'Rule "Refunds" never fires: "Everyone else" comes first and matches every message it matches',
      })
      .waitFor();

    // disabled rules do not fire
    await page.getByRole('switch', { name: 'Enabled: Everyone else' }).click();
    await expect
      .poll(
        async () =>
          (
            await hub.api<{ data: Array<{ name: string; enabled: boolean }> }>(
              'GET',
              `/api/v1/routing-rules?connectionId=${connectionId}`,
            )
          ).body.data.find((r) => r.name === 'Everyone else')?.enabled,
        { timeout: WAIT },
      )
      .toBe(false);
    await tester.getByRole('button', { name: 'Test' }).click();
    await decision.getByText('Fires: Refunds').waitFor();
    await refundsCard.locator('[data-warning]').waitFor({ state: 'detached' });
    // the disabled catch-all's conditions would hold, yet it never looks matched: no check mark, no green
    const disabledRow = reasons.nth(0);
    expect(await disabledRow.getAttribute('data-verdict')).toBe('disabled');
    expect(await disabledRow.getAttribute('data-matched')).toBe('false');
    expect(await disabledRow.locator('svg.au-icon-check').count()).toBe(0);
    expect(
      await disabledRow.getByRole('img', { name: 'disabled: never fires (its conditions would hold)' }).count(),
    ).toBe(1);
    expect(await disabledRow.locator('.au-match').count()).toBe(0);
    expect(await reasons.nth(1).getAttribute('data-verdict')).toBe('fires');

    // a real message takes the same way: the conversation's timeline shows the decision, live
    await visitorSays(connectionId, 'I need a refund for my order');
    const picker = page.getByRole('combobox', { name: 'Conversation' });
    await expect
      .poll(
        async () => {
          await tester.getByLabel('Message text').focus();
          await picker.focus(); // focusing the picker refreshes its list
          return picker.locator('option').filter({ hasText: 'I need a refund' }).count();
        },
        { timeout: WAIT },
      )
      .toBe(1);
    await picker.selectOption(
      (await picker.locator('option').filter({ hasText: 'I need a refund' }).getAttribute('value')) ?? '',
    );
    const timeline = page.getByRole('region', { name: 'Timeline of decisions' });
    await timeline.locator('li[data-type="rule.fired"]').filter({ hasText: '"Refunds"' }).waitFor();
    await timeline.locator('li[data-type="tagged"]').filter({ hasText: 'billing, urgent' }).waitFor();

    // enabling the catch-all again is saved, and the save says what it does to the rule below it
    await page.getByRole('switch', { name: 'Enabled: Everyone else' }).click();
    await page
      .getByRole('status', { name: 'Rule saved' })
      .getByRole('list', { name: 'Warnings for Everyone else' })
      .getByText('Rule "Refunds" never fires')
      .waitFor();
    await refundsCard.locator('[data-warning="rule_shadowed"]').waitFor();

    // a team with the owner as a member
    await page.getByLabel('Team name').fill('Billing');
    await page.getByRole('button', { name: 'Create team' }).click();
    const team = page.locator('li[data-team]').filter({ hasText: 'Billing' });
    const members = team.getByRole('form', { name: 'Members of Billing' });
    await members.getByRole('checkbox').first().check();
    await members.getByRole('spinbutton').first().fill('3');
    await members.getByRole('button', { name: 'Save members' }).click();
    await members.getByRole('status').filter({ hasText: 'Members saved.' }).waitFor();
    const teams = (
      await hub.api<{ data: Array<{ name: string; members: Array<{ capacity: number }> }> }>('GET', '/api/v1/teams')
    ).body.data;
    expect(teams).toEqual([
      expect.objectContaining({ name: 'Billing', members: [expect.objectContaining({ capacity: 3 })] }),
    ]);
    await page.setViewportSize({ width: 1280, height: 1800 });
    await page.screenshot({ path: `${SHOTS}automation-routing.png` });
  });

  it("operators see that automation is the admins' business", async () => {
    const invited = await hub.api('POST', '/api/v1/users', {
      email: 'op@example.test',
      name: 'Olga Operator',
      role: 'operator',
      password: 'operator-password-1',
    });
    expect(invited.status).toBe(201);
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    pages.push(page);
    page.setDefaultTimeout(WAIT);
    await page.goto(`${hub.url}/app/#/automation/webhooks`);
    await page.getByLabel('Email').fill('op@example.test');
    await page.getByLabel('Password').fill('operator-password-1');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('Agents, routing and webhooks are managed by admins and owners.').waitFor();
    expect(await page.getByRole('navigation', { name: 'Automation' }).count()).toBe(0);
  });
});
