/**
 * The operator's day in Chromium, at desktop and phone widths: Settings › Channels (readable field labels and help,
 * no learned field on create, one web chat form, "Inbound: <agent>" on the row, Deprecate/Restore on the row with
 * a badge that does not wrap, action buttons and status inside a phone screen); Sessions (a search placeholder
 * that is not cut, the team inbox filter with its waiting count, visitors by name instead of `vis_…`, who wrote
 * each message — the bot with its badge, the operator — and one "Decisions" section without ids); Routing (a rule
 * sending to a team without members warns).
 * Needs `npm run build -w @switchboard/web` first, and Chromium at /usr/bin/chromium (or CHROMIUM_PATH).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, requireBrowserSetup, SHOTS, signedInPage } from '../testing/browser.js';
import { eventually, startTestServer, type TestServer } from '../testing/test-server.js';

const WAIT = 10_000;
const OWNER = { email: 'owner@example.test', password: 'owner-password-1' };
const PHONE = { width: 390, height: 844 };
// runs inside the page (the server's tsconfig has no DOM lib)
declare const document: {
  createElement(tag: 'canvas'): { getContext(kind: '2d'): { font: string; measureText(t: string): { width: number } } };
};
declare const getComputedStyle: (el: unknown) => Record<string, string>;

interface Conv {
  id: string;
  address: string;
  lastMessagePreview: string | null;
  teamId: string | null;
  assigneeId: string | null;
}
interface Msg {
  id: string;
  direction: string;
  metadata: Record<string, unknown>;
}

describe('browser: the operator day', () => {
  let hub: TestServer;
  let browser: Browser;
  let webchatId = '';
  let agentId = '';
  let botConv: Conv;
  let teamConv: Conv;
  let billingId = '';
  const pages: Page[] = [];

  const visitorSays = async (text: string) => {
    const session = (await hub.api<{ visitorId: string; token: string }>('POST', `/webchat/${webchatId}/sessions`))
      .body;
    const r = await hub.api(
      'POST',
      `/webchat/${webchatId}/messages`,
      { clientMessageId: `c-${text}`, text },
      { authorization: `Bearer ${session.token}` },
    );
    expect(r.status).toBeLessThan(300);
    return eventually(
      async () =>
        (await hub.api<{ data: Conv[] }>('GET', '/api/v1/conversations?limit=200')).body.data.find(
          (c) => c.address === session.visitorId,
        ),
      WAIT,
      `the conversation of "${text}"`,
    );
  };
  const page = async (viewport = { width: 1280, height: 800 }) => {
    const p = await signedInPage(browser, hub.url, OWNER, WAIT);
    await p.setViewportSize(viewport);
    pages.push(p);
    return p;
  };

  beforeAll(async () => {
    requireBrowserSetup();
    hub = await startTestServer({
      // the workflow endpoint of the routing test is on 127.0.0.1
      allowPrivateNetwork: true,
      env: { SWITCHBOARD_OWNER_EMAIL: OWNER.email, SWITCHBOARD_OWNER_PASSWORD: OWNER.password },
    });
    webchatId = (
      await hub.api<{ id: string }>('POST', '/api/v1/connections', { type: 'webchat', name: 'Website chat' })
    ).body.id;
    expect((await hub.api('POST', `/api/v1/connections/${webchatId}/start`)).status).toBe(200);
    // a flow bot answers the web chat's inbound messages
    const agent = await hub.api<{ id: string }>('POST', '/api/v1/agents', {
      kind: 'flow',
      name: 'Greeter bot',
      config: { greeting: 'Hi, I am the greeter. How can I help?' },
    });
    expect(agent.status).toBe(201);
    agentId = agent.body.id;
    expect(
      (
        await hub.api('PUT', `/api/v1/agents/${agentId}/connections`, {
          connections: [{ connectionId: webchatId, inbound: true }],
        })
      ).status,
    ).toBe(200);
    expect((await hub.api('POST', `/api/v1/agents/${agentId}/start`)).status).toBe(200);
    botConv = await visitorSays('Hello, anyone there?');
    await eventually(
      async () =>
        (await hub.api<{ data: Msg[] }>('GET', `/api/v1/conversations/${botConv.id}/messages?limit=50`)).body.data.find(
          (m) => m.direction === 'outbound' && m.metadata.agentId === agentId,
        ),
      WAIT,
      "the bot's greeting",
    );
    // a team inbox where nobody has room (capacity 0): the conversation waits there unassigned
    const users = (await hub.api<{ data: Array<{ id: string; email: string }> }>('GET', '/api/v1/users')).body.data;
    const owner = users.find((u) => u.email === OWNER.email);
    billingId = (
      await hub.api<{ id: string }>('POST', '/api/v1/teams', {
        name: 'Billing',
        members: [{ userId: owner?.id, capacity: 0 }],
      })
    ).body.id;
    expect((await hub.api('POST', '/api/v1/teams', { name: 'Night shift', members: [] })).status).toBe(201);
    teamConv = await visitorSays('My invoice is wrong');
    const handed = await hub.api<Conv>('POST', `/api/v1/conversations/${teamConv.id}/handoff`, {
      to: 'human',
      teamId: billingId,
    });
    expect(handed.body).toMatchObject({ teamId: billingId, assigneeId: null });
    browser = await launchChromium();
  });

  afterAll(async () => {
    for (const p of pages) await p.close().catch(() => undefined);
    await browser?.close();
    await hub?.close();
  });

  it('settings › channels: readable labels, one web chat form, the inbound agent and Deprecate on the row', async () => {
    const p = await page();
    await p.getByRole('link', { name: 'Settings' }).click();
    await p.getByRole('heading', { name: 'Communication Channels' }).waitFor();
    const row = p.locator(`li[data-connection="${webchatId}"]`);
    expect(await row.locator('.conn-inbound').textContent()).toBe('Inbound: Greeter bot');

    // a Telegram form: labels in words, each hint said once, the learned @username not asked
    await p.getByRole('button', { name: 'Add connection' }).click();
    const add = p.getByRole('form', { name: 'Add connection' });
    await add.getByRole('radio', { name: /^Telegram/ }).check();
    await add.getByLabel('Bot token *').waitFor();
    await add.getByLabel('API base URL').waitFor();
    expect(await add.getByLabel(/username/i).count()).toBe(0);
    const labels = await add.locator('.field > label').allTextContents();
    for (const l of labels) expect(l, l).not.toMatch(/[a-z][A-Z]/); // no raw camelCase key
    const secretHint = await add.locator(`#cfg-secretToken-hint`).textContent();
    expect(secretHint?.match(/generated/gi)).toHaveLength(1);
    // the token says where it is found: @BotFather, per Telegram's page
    const tokenHelp = add.locator('#cfg-botToken-hint').getByRole('link', { name: 'Where to find it' });
    expect(await tokenHelp.getAttribute('href')).toBe('https://core.telegram.org/bots/features#botfather');
    await p.screenshot({ path: `${SHOTS}day-settings-telegram-form.png` });

    // web chat: the generic form only names it; greeting and the rest live in its own section, once
    await add.getByRole('radio', { name: /^Web chat/ }).check();
    expect(await add.getByLabel(/greeting/i).count()).toBe(0);
    expect(await add.locator('textarea').count()).toBe(0);
    await p.getByRole('button', { name: 'Close' }).click();
    await row.getByRole('button', { name: 'Edit Website chat' }).click();
    await row.getByLabel('Greeting message').waitFor();
    expect(await row.getByLabel(/greeting/i).count()).toBe(1);
    expect(await row.getByRole('form', { name: 'Edit Website chat' }).locator('textarea').count()).toBe(0);
    await p.screenshot({ path: `${SHOTS}day-settings-webchat-one-form.png`, fullPage: true });
    await row.getByRole('button', { name: 'Cancel' }).click();

    // Deprecate is one click on the row; the badge stays on one line; Restore brings it back
    await row.getByRole('button', { name: 'Deprecate Website chat' }).click();
    const deprecated = p
      .getByRole('region', { name: 'Deprecated Channels' })
      .locator(`li[data-connection="${webchatId}"]`);
    const badge = deprecated.locator('.pill-deprecated');
    await badge.waitFor();
    expect(await badge.textContent()).toBe('Deprecated');
    expect(await badge.evaluate((el) => getComputedStyle(el).whiteSpace)).toBe('nowrap');
    await p.screenshot({ path: `${SHOTS}day-settings-deprecated.png` });

    // on a phone: every action button inside the screen, the status shown
    await p.setViewportSize(PHONE);
    for (const b of await deprecated.locator('.conn-actions button').all()) {
      const box = await b.boundingBox();
      expect(box, (await b.textContent()) ?? '').not.toBeNull();
      expect((box?.x ?? 0) + (box?.width ?? 0)).toBeLessThanOrEqual(PHONE.width);
    }
    const status = deprecated.locator('.conn-status');
    expect(await status.isVisible()).toBe(true);
    expect(await status.textContent()).toBe('RUNNING');
    await p.screenshot({ path: `${SHOTS}day-settings-phone.png`, fullPage: true });
    await p.setViewportSize({ width: 1280, height: 800 });
    await deprecated.getByRole('button', { name: 'Restore Website chat' }).click();
    await p.locator(`ul.connections:not(.deprecated) li[data-connection="${webchatId}"]`).waitFor();
    expect((await hub.api<{ deprecated: boolean }>('GET', `/api/v1/connections/${webchatId}`)).body.deprecated).toBe(
      false,
    );
  });

  it('sessions: the whole placeholder, the team inbox filter, visitors by name, who wrote each message, one Decisions section', async () => {
    for (const viewport of [{ width: 1280, height: 800 }, PHONE]) {
      const p = await page(viewport);
      const search = p.locator('#search');
      await search.waitFor();
      // the placeholder fits: its text is narrower than the box's content area
      const fits = await search.evaluate((el) => {
        const style = getComputedStyle(el);
        const ctx = document.createElement('canvas').getContext('2d');
        ctx.font = `${style.fontSize} ${style.fontFamily}`;
        const box = el as unknown as { clientWidth: number; placeholder: string };
        const room = box.clientWidth - parseFloat(style.paddingLeft ?? '0') - parseFloat(style.paddingRight ?? '0');
        return { text: ctx.measureText(box.placeholder).width, room };
      });
      expect(fits.text, `${viewport.width}px`).toBeLessThan(fits.room);
      await p.screenshot({ path: `${SHOTS}day-sessions-${viewport.width}.png` });
    }

    const p = await page();
    const teamFilter = p.getByLabel('Team inbox');
    await teamFilter.waitFor();
    expect(await teamFilter.locator('option').allTextContents()).toEqual([
      'All teams',
      'Billing (1 waiting)',
      'Night shift (0 waiting)',
      'No team',
    ]);
    await teamFilter.selectOption(billingId);
    const rows = p.locator('a.conv');
    await expect.poll(() => rows.count(), { timeout: WAIT }).toBe(1);
    expect(await rows.first().getAttribute('data-conversation')).toBe(teamConv.id);
    await teamFilter.selectOption('');
    await expect.poll(() => rows.count(), { timeout: WAIT }).toBe(2);
    // a visitor without a name is "Visitor 1f3a", never their internal id
    for (const name of await p.locator('.conv-name').allTextContents()) {
      expect(name).toMatch(/^Visitor [0-9a-z]{4}$/);
    }

    // the bot's message says it is the bot; the operator's reply says "You"
    await p.locator(`a.conv[data-conversation="${botConv.id}"]`).click();
    // the status badge keeps its colour (open: green)
    expect(await p.locator('.conv-head .badge').evaluate((el) => getComputedStyle(el).backgroundColor)).toBe(
      'rgb(220, 252, 231)',
    );
    const bot = p
      .locator('li.msg.outbound')
      .filter({ has: p.locator('.msg-author') })
      .first();
    await bot.waitFor();
    expect(await bot.locator('.msg-author').getAttribute('data-author')).toBe('bot');
    expect(await bot.locator('.msg-author-name').textContent()).toBe('Greeter bot');
    expect(await bot.locator('.pill-bot').textContent()).toBe('Bot');
    await p.getByLabel('Message', { exact: true }).fill('A person here: how can I help?');
    await p.getByRole('button', { name: 'Send' }).click();
    const mine = p.locator('li.msg.outbound').filter({ hasText: 'A person here' });
    await mine.waitFor();
    expect(await mine.locator('.msg-author').getAttribute('data-author')).toBe('operator');
    expect(await mine.locator('.msg-author-name').textContent()).toBe('You');
    expect(await bot.evaluate((el) => getComputedStyle(el).backgroundColor)).not.toBe(
      await mine.evaluate((el) => getComputedStyle(el).backgroundColor),
    );

    // the side panel: one "Decisions" heading, names (not agt_/usr_/team_ ids) in its entries
    const panel = p.getByRole('complementary', { name: 'Contact' });
    await panel.waitFor();
    expect(await panel.getByRole('heading', { name: 'Decisions' }).count()).toBe(1);
    expect(await panel.getByRole('heading', { name: 'Timeline' }).count()).toBe(0);
    const timeline = panel.getByRole('region', { name: 'Timeline of decisions' });
    await timeline.locator('li[data-type="assigned"]').waitFor();
    const text = (await timeline.textContent()) ?? '';
    expect(text).toContain('Greeter bot');
    expect(text).not.toMatch(/\b(agt|usr|team|vis|conv)_[0-9a-z]/);
    expect(await panel.locator('h3').first().textContent()).toMatch(/^Visitor [0-9a-z]{4}$/);
    await p.screenshot({ path: `${SHOTS}day-thread-authors.png` });
    await p.setViewportSize(PHONE);
    await p.screenshot({ path: `${SHOTS}day-thread-authors-phone.png` });
  });

  it("the widget marks the bot's answers as the bot's, and a person's as the team's", async () => {
    // a host page with the one-line embed code
    const host: Server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(
        `<!doctype html><html><head><meta name="viewport" content="width=device-width, initial-scale=1"></head><body><h1>Shop</h1><script src="${hub.url}/widget.js" data-connection="${webchatId}" async></script></body></html>`,
      );
    });
    await new Promise<void>((r) => host.listen(0, '127.0.0.1', r));
    try {
      const visitor = await browser.newPage({ viewport: PHONE });
      pages.push(visitor);
      visitor.setDefaultTimeout(WAIT);
      await visitor.goto(`http://127.0.0.1:${(host.address() as AddressInfo).port}/`);
      const w = (sel: string) => visitor.locator(`#switchboard-widget ${sel}`);
      await w('.launcher').click();
      await w('textarea, input[placeholder="Write a message…"]').first().fill('Is anyone there?');
      await w('textarea, input[placeholder="Write a message…"]').first().press('Enter');
      const botMark = w('.who[data-author="bot"]').first();
      await botMark.waitFor();
      expect(await botMark.textContent()).toBe('Greeter botBot');
      // a person of the team answers the same visitor: "Support", never their name or id
      const conv = await eventually(
        async () =>
          (await hub.api<{ data: Conv[] }>('GET', '/api/v1/conversations?limit=200')).body.data.find(
            (c) => c.lastMessagePreview === 'Hi, I am the greeter. How can I help?' && c.id !== botConv.id,
          ),
        WAIT,
        "the widget visitor's conversation",
      );
      expect(
        (
          await hub.api('POST', `/api/v1/conversations/${conv.id}/messages`, {
            content: { type: 'text', text: 'Rita here, from the team.' },
          })
        ).status,
      ).toBe(202);
      const personMark = w('.who[data-author="operator"]');
      await personMark.waitFor();
      expect(await personMark.textContent()).toBe('Support');
      await visitor.screenshot({ path: `${SHOTS}day-widget-authors.png` });
    } finally {
      await new Promise((r) => host.close(r));
    }
  });

  it('agents: the flow bot is built with forms (FAQ, buttons with branches, a question, a handoff) and tried live', async () => {
    const p = await page({ width: 1280, height: 1600 });
    await p.goto(`${hub.url}/app/#/automation/agents`);
    await p.getByRole('button', { name: 'Add agent' }).click();
    const form = p.getByRole('form', { name: 'New agent' });
    await form.getByLabel('Agent kind').selectOption('flow');
    await form.getByLabel('Name', { exact: true }).fill('Helpdesk flow');
    await form.getByLabel(/^greeting/i).fill('Hi! Ask about opening hours, or pick an option.');
    const editor = form.getByRole('group', { name: 'Flow editor' });
    expect(await form.getByLabel(/^Nodes/).count()).toBe(0); // no JSON box unless asked for
    // FAQ: question words → answer
    await editor.getByRole('button', { name: 'Add FAQ entry' }).click();
    await editor.getByLabel('FAQ 1 question words').fill('hours, open');
    await editor.getByLabel('FAQ 1 answer').fill('We are open 9 to 17.');
    // steps: buttons whose second button branches to a question, which hands off after it
    await editor.getByRole('button', { name: 'Add buttons step' }).click();
    await editor.getByLabel('Step 1 text').fill('What do you need?');
    await editor.getByLabel('Step 1 button 1', { exact: true }).fill('Nothing');
    await editor.getByRole('button', { name: 'Add a button' }).click();
    await editor.getByLabel('Step 1 button 2', { exact: true }).fill('A person');
    await editor.getByRole('button', { name: 'Add question step' }).click();
    await editor.getByLabel('Step 2 text').fill('Your email, please?');
    await editor.getByRole('button', { name: 'Add handoff step' }).click();
    await editor.getByLabel('Step 1 button 2 goes to').selectOption('ask2');
    await editor.getByLabel('Step 2 then').selectOption('handoff3');

    // try it before saving
    const tryIt = editor.getByRole('region', { name: 'Try it' });
    const log = tryIt.getByRole('list', { name: 'Try conversation' });
    await tryIt.getByLabel('Customer writes').fill('hello');
    await tryIt.getByRole('button', { name: 'Send', exact: true }).click();
    await log.getByText('Hi! Ask about opening hours, or pick an option.').waitFor();
    await log.getByText('What do you need?').waitFor();
    // the FAQ answers at any point of the flow
    await tryIt.getByLabel('Customer writes').fill('when are you open?');
    await tryIt.getByRole('button', { name: 'Send', exact: true }).click();
    await log.getByText('We are open 9 to 17.').waitFor();
    await log.getByRole('button', { name: 'A person' }).last().click();
    await log.getByText('Your email, please?').waitFor();
    await tryIt.getByLabel('Customer writes').fill('ana@example.com');
    await tryIt.getByRole('button', { name: 'Send', exact: true }).click();
    await log.getByText('Contact field email = ana@example.com').waitFor();
    await log.getByText(/^Handed to people: /).waitFor();
    await p.screenshot({ path: `${SHOTS}day-flow-editor.png`, fullPage: true });

    await form.getByRole('button', { name: 'Create agent' }).click();
    const saved = await eventually(
      async () =>
        (
          await hub.api<{ data: Array<{ name: string; config: Record<string, unknown> }> }>('GET', '/api/v1/agents')
        ).body.data.find((a) => a.name === 'Helpdesk flow'),
      WAIT,
      'the saved flow',
    );
    expect(saved.config.faq).toEqual([{ keywords: ['hours', 'open'], answer: 'We are open 9 to 17.' }]);
    expect(saved.config.nodes).toEqual([
      expect.objectContaining({
        id: 'buttons1',
        type: 'buttons',
        buttons: [
          expect.objectContaining({ title: 'Nothing' }),
          expect.objectContaining({ title: 'A person', next: 'ask2' }),
        ],
      }),
      expect.objectContaining({ id: 'ask2', type: 'ask', field: 'email', next: 'handoff3' }),
      expect.objectContaining({ id: 'handoff3', type: 'handoff' }),
    ]);
    // the JSON stays one click away
    const card = p.locator('li.au-card').filter({ hasText: 'Helpdesk flow' });
    const edit = card.getByRole('form', { name: 'Edit Helpdesk flow' });
    await edit.getByLabel('Advanced: edit the steps and FAQ as JSON').check();
    expect(JSON.parse(await edit.getByLabel(/^Nodes/).inputValue())).toHaveLength(3);
  });

  it('routing: a rule that sends to a team without members says so; a rule can start a workflow', async () => {
    const sub = await hub.api<{ id: string }>('POST', '/api/v1/webhook-subscriptions', {
      url: 'http://127.0.0.1:9/n8n',
      eventTypes: ['workflow.trigger'],
      description: 'n8n: refunds',
    });
    expect(sub.status).toBe(201);
    const p = await page();
    await p.goto(`${hub.url}/app/#/automation/routing`);
    await p.getByRole('heading', { name: 'Team inboxes' }).waitFor();
    await p.getByRole('button', { name: 'Add rule' }).click();
    const form = p.getByRole('form', { name: 'New rule' });
    await form.getByLabel('Action 1', { exact: true }).selectOption('team');
    const team = form.getByLabel('Action 1 team');
    await team.selectOption({ label: 'Night shift (no members)' });
    const warning = form.locator('[data-warning="team-without-members"]');
    await warning.waitFor();
    expect(await warning.textContent()).toContain('Night shift has no members');
    await team.selectOption({ label: 'Billing' });
    await warning.waitFor({ state: 'detached' });
    await p.screenshot({ path: `${SHOTS}day-routing-team-warning.png` });

    // the workflow action: pick the outgoing webhook it calls
    await form.getByLabel('Rule name').fill('Refunds to n8n');
    await form.getByLabel('Action 1', { exact: true }).selectOption('workflow');
    await form.getByLabel('Action 1 workflow').selectOption({ label: 'n8n: refunds' });
    await p.screenshot({ path: `${SHOTS}day-routing-workflow.png` });
    await form.getByRole('button', { name: 'Create rule' }).click();
    await p.getByRole('list', { name: 'Rules in order' }).getByText('Refunds to n8n', { exact: true }).waitFor();
    const rules = (await hub.api<{ data: Array<{ name: string; actions: unknown }> }>('GET', '/api/v1/routing-rules'))
      .body.data;
    expect(rules.find((r) => r.name === 'Refunds to n8n')?.actions).toEqual([
      { type: 'workflow', webhookId: sub.body.id },
    ]);
  });
});
