/**
 * The campaign pages of the operator app in Chromium, against a real hub with the WhatsApp Cloud API simulator and
 * the SMS gateway simulator: an admin builds a segment (a tag AND an OR group of channels), a two-step campaign
 * (a WhatsApp template with one variable from the contact's name and one constant, then an SMS to who did not
 * reply), sees the audience counted before the start (one without a WhatsApp number, one opted out) and the
 * message as one recipient will get it, starts it, watches the counts move over the event stream as the simulator
 * reports delivered and read, pauses and resumes it, filters the recipients and exports them as CSV, and duplicates
 * it; screenshots at desktop and phone (390 px) widths.
 * Needs `npm run build -w @switchboard/web` first, and Chromium at /usr/bin/chromium (or CHROMIUM_PATH).
 */
import { readFile } from 'node:fs/promises';
import {
  startSmsGatewaySimulator,
  startWhatsAppSimulator,
  type SmsGatewaySimulator,
  type WhatsAppSimulator,
} from '@switchboard/simulators';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestServer, type TestServer } from '../testing/test-server.js';
import { launchChromium, paneScreenshot, requireBrowserSetup, SHOTS, signedInPage } from '../testing/browser.js';

const WAIT = 15_000;
const OWNER = { email: 'owner@example.test', password: 'owner-password-1' };
const GATEWAY_SECRET = 'gateway_secret-0123456789abcdef';
const ANA = '4915111110001';
const BEN = '4915111110002';
const CY = '4915111110003';
const DOT = '4915111110004';

describe('browser: campaigns', () => {
  let wa: WhatsAppSimulator;
  let sms: SmsGatewaySimulator;
  let hub: TestServer;
  let browser: Browser;
  let waConn = '';
  let smsConn = '';
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    requireBrowserSetup();
    // receipts slow enough to watch: sent, then delivered a second later, then read
    wa = await startWhatsAppSimulator({
      webhooks: { retryScale: 0.001 },
      receipts: { sentAfterMs: 300, deliveredAfterMs: 1500, readAfterMs: 3000 },
    });
    const d = wa.defaults;
    if (!d) throw new Error('simulator not seeded');
    wa.createTemplate({
      wabaId: d.wabaId,
      name: 'spring_offer',
      language: 'en_US',
      category: 'MARKETING',
      components: [{ type: 'BODY', text: 'Hi {{1}}, your spring code is {{2}}.' }],
    });
    sms = await startSmsGatewaySimulator({ secret: GATEWAY_SECRET, statusDelaysMs: { sent: 60, delivered: 20 } });
    hub = await startTestServer({
      env: { SWITCHBOARD_OWNER_EMAIL: OWNER.email, SWITCHBOARD_OWNER_PASSWORD: OWNER.password },
    });
    const connection = async (type: string, name: string, config: Record<string, unknown>) => {
      const created = await hub.api<{ id: string }>('POST', '/api/v1/connections', { type, name, config });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      const started = await hub.api<{ status: string; webhookUrl: string; config: { verifyToken?: string } }>(
        'POST',
        `/api/v1/connections/${created.body.id}/start`,
      );
      expect(started.body.status).toBe('RUNNING');
      return { id: created.body.id, webhookUrl: started.body.webhookUrl, verifyToken: started.body.config.verifyToken };
    };
    const w = await connection('whatsapp', 'WhatsApp Shop', {
      accessToken: d.accessToken,
      appSecret: wa.app.secret,
      businessAccountId: d.wabaId,
      phoneNumberIds: [d.phoneNumberId],
      apiBaseUrl: wa.url,
    });
    waConn = w.id;
    await wa.configureWebhook({ url: w.webhookUrl, verifyToken: w.verifyToken as string });
    smsConn = (
      await connection('sms-gateway', 'SMS Shop', {
        mode: 'http',
        apiBaseUrl: sms.url,
        password: sms.token,
        from: sms.number,
        inboundSecret: GATEWAY_SECRET,
      })
    ).id;
    await eventually(
      async () =>
        (
          await hub.api<{ data: Array<{ name: string }> }>('GET', `/api/v1/connections/${waConn}/templates`)
        ).body.data.some((t) => t.name === 'spring_offer'),
      WAIT,
      'templates synced',
    );
    const contact = async (name: string, phone: string, channels: string[], tags = ['spring']) => {
      const r = await hub.api<{ id: string }>('POST', '/api/v1/contacts', {
        name,
        tags,
        identities: channels.map((channelType) => ({ channelType, address: `+${phone}` })),
      });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      ids[name] = r.body.id;
    };
    await contact('Ana Alves', ANA, ['whatsapp', 'sms-gateway']);
    await contact('Ben Brandt', BEN, ['whatsapp', 'sms-gateway']);
    await contact('Cy Costa', CY, ['sms-gateway']);
    await contact('Dot Dias', DOT, ['whatsapp']);
    await contact('Eve Ernst', '4915111110005', ['whatsapp'], ['autumn']);
    expect(
      (await hub.api('PUT', `/api/v1/contacts/${ids['Dot Dias']}/consent`, { channelType: 'whatsapp', optedOut: true }))
        .status,
    ).toBe(200);
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await hub?.close();
    await wa?.close();
    await sms?.close();
  });

  const shot = (page: Page, name: string) => paneScreenshot(page, `${SHOTS}${name}.png`, '.cmp-body');
  const metric = (page: Page, step: number, name: string) =>
    page.locator(`.cmp-step-live[data-step="${step}"] [data-metric="${name}"]`);
  const metricValue = async (page: Page, step: number, name: string) =>
    Number(((await metric(page, step, name).textContent()) ?? '').trim().split(/\s/)[0]);

  it('builds a segment and a two-step campaign, counts it, starts it and follows it live; pause, resume, recipients, CSV, duplicate', async () => {
    const page = await signedInPage(browser, hub.url, OWNER, WAIT);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Campaigns', exact: true }).click();
    await page.getByRole('heading', { name: 'Campaigns' }).waitFor();
    await page.getByText('No campaigns yet.').waitFor();

    // --- a segment: tag spring AND (reachable on WhatsApp OR reachable on the SMS gateway) ---
    await page.getByRole('link', { name: 'Segments' }).click();
    await page.getByRole('button', { name: 'New segment' }).click();
    const editor = page.getByRole('form', { name: 'Segment' });
    await editor.getByLabel('Segment name').fill('Spring customers');
    await editor.getByLabel('Condition 1: value').fill('spring');
    await editor.getByRole('button', { name: 'Group', exact: true }).click();
    const group = editor.locator('.seg-group[data-depth="2"]');
    await group.getByLabel('Match (group at level 2)').selectOption('any');
    await group.getByLabel('Condition 1: field').selectOption('channel');
    await group.getByLabel('Condition 1: channel').selectOption('whatsapp');
    await group.getByRole('button', { name: 'Condition', exact: true }).click();
    await group.getByLabel('Condition 2: field').selectOption('channel');
    await group.getByLabel('Condition 2: channel').selectOption('sms-gateway');
    // the count follows the filter: the four spring contacts (Eve is autumn)
    await expect.poll(() => editor.locator('[data-field="segment-count"]').textContent(), { timeout: WAIT }).toBe('4');
    await editor.getByRole('button', { name: 'Create segment' }).click();
    const segmentCard = page.locator('.cmp-card', { hasText: 'Spring customers' });
    await segmentCard.waitFor();
    await expect.poll(() => segmentCard.locator('[data-field="count"]').textContent()).toBe('4 contacts now');
    expect(await segmentCard.textContent()).toContain('Tag has spring and (Channel reachable on WhatsApp or');
    const [segment] = (await hub.api<{ data: Array<{ id: string; filter: unknown }> }>('GET', '/api/v1/segments')).body
      .data;
    expect(segment?.filter).toEqual({
      all: [
        { field: 'tag', op: 'has', value: 'spring' },
        {
          any: [
            { field: 'channel', op: 'has', value: 'whatsapp' },
            { field: 'channel', op: 'has', value: 'sms-gateway' },
          ],
        },
      ],
    });

    // --- the campaign: audience, two steps, schedule, review ---
    await page.getByRole('navigation', { name: 'Campaigns' }).getByRole('link', { name: 'Campaigns' }).click();
    await page.getByRole('link', { name: 'New campaign' }).click();
    await page.getByLabel('Campaign name').fill('Spring sale');
    await page.getByLabel('Segment', { exact: true }).selectOption({ label: 'Spring customers' });
    await page.getByRole('button', { name: 'Next' }).click();

    const step1 = page.getByRole('group', { name: 'Step 1', exact: true });
    await step1.getByLabel('Step 1: connection').selectOption(waConn);
    // WhatsApp takes business-initiated messages as templates only: no free-text choice
    expect(await step1.getByRole('radiogroup', { name: 'Step 1: content' }).count()).toBe(0);
    await step1.getByLabel('Step 1: template').selectOption('spring_offer|en_US');
    // variable 1 starts as the contact's name (fallback "there"); variable 2 is a constant
    expect(await step1.getByLabel('Step 1: variable 1 from').inputValue()).toBe('name');
    await step1.getByLabel('Step 1: variable 2 from').selectOption('constant');
    await step1.getByLabel('Step 1: variable 2 text').fill('SPRING26');
    expect(await step1.getByLabel('Step 1: template text').textContent()).toBe(
      'Hi ‹contact name›, your spring code is SPRING26.',
    );
    await page.getByRole('button', { name: 'Add a follow-up step' }).click();
    const step2 = page.getByRole('group', { name: 'Step 2', exact: true });
    await step2.getByLabel('Step 2: connection').selectOption(smsConn);
    await step2.getByLabel('Step 2: message').fill('{{contact.name}}, SPRING26 is still waiting for you.');
    // the follow-up starts as "a day later, if there was no reply"; here 0.2 minutes (12 s) later
    expect(await step2.getByLabel('Step 2: condition').inputValue()).toBe('not_replied');
    await step2.getByLabel('Step 2: delay unit').selectOption('minutes');
    await step2.getByLabel('Step 2: delay', { exact: true }).fill('0.2');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('radio', { name: 'Start when I press Start' }).waitFor();
    await page.getByRole('button', { name: 'Save and review' }).click();

    // the count before the start: Cy has no WhatsApp number, Dot opted out
    const counts = page.getByLabel('Audience count');
    await counts.waitFor();
    expect(await counts.locator('[data-field="audience"]').textContent()).toBe('4');
    expect(await counts.locator('[data-field="included"]').textContent()).toBe('2');
    expect(await counts.locator('[data-reason="no_identity"]').textContent()).toBe('No address on the channel: 1');
    expect(await counts.locator('[data-reason="opted_out"]').textContent()).toBe('Opted out: 1');
    // the message as a recipient will get it, each step
    const preview = page.getByLabel('Preview', { exact: true });
    await preview.getByLabel('Preview for').selectOption({ label: 'Ana Alves' });
    await expect
      .poll(() => preview.locator('[data-step="0"] [data-field="preview-text"]').textContent())
      .toBe('Hi Ana Alves, your spring code is SPRING26.');
    expect(await preview.locator('[data-step="1"] [data-field="preview-text"]').textContent()).toBe(
      'Ana Alves, SPRING26 is still waiting for you.',
    );
    const [draft] = (
      await hub.api<{ data: Array<{ id: string; status: string; steps: unknown[] }> }>('GET', '/api/v1/campaigns')
    ).body.data;
    expect(draft?.status).toBe('draft');
    expect(draft?.steps).toEqual([
      {
        connectionId: waConn,
        content: {
          type: 'template',
          name: 'spring_offer',
          language: 'en_US',
          variables: { 1: { field: 'name', fallback: 'there' }, 2: { value: 'SPRING26' } },
        },
        delaySeconds: 0,
        condition: 'always',
        stopOnReply: true,
      },
      {
        connectionId: smsConn,
        content: { type: 'text', text: '{{contact.name}}, SPRING26 is still waiting for you.' },
        delaySeconds: 12,
        condition: 'not_replied',
        stopOnReply: true,
      },
    ]);
    await shot(page, 'app-campaign-review');
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 } });
    phone.setDefaultTimeout(WAIT);
    await phone.goto(`${hub.url}/app/`);
    await phone.getByLabel('Email').fill(OWNER.email);
    await phone.getByLabel('Password').fill(OWNER.password);
    await phone.getByRole('button', { name: 'Sign in' }).click();
    // on a phone the tabs sit behind the Menu button: signed in once it shows
    await phone.getByRole('button', { name: /^Menu, on / }).waitFor();
    await phone.goto(`${hub.url}/app/#/campaigns/${draft?.id}/edit`);
    await phone.getByRole('button', { name: 'Steps' }).click();
    await phone.getByRole('group', { name: 'Step 1', exact: true }).getByLabel('Step 1: template text').waitFor();
    await shot(phone, 'app-campaign-steps-phone');
    await phone.getByRole('button', { name: 'Review' }).click();
    await phone.getByLabel('Audience count').waitFor();
    await shot(phone, 'app-campaign-review-phone');

    // --- start, and watch it over the event stream ---
    await page.getByRole('button', { name: 'Start — send to 2' }).click();
    await page.waitForURL(new RegExp(`#/campaigns/${draft?.id}$`));
    await page.getByRole('heading', { name: 'Spring sale' }).waitFor();
    // every value the page shows from here on arrives without a reload: record what step 1's "delivered" showed
    await page.evaluate(() => {
      (globalThis as unknown as { liveMarker?: boolean }).liveMarker = true;
    });
    const seen = new Set<string>();
    const watch = setInterval(() => {
      void metric(page, 0, 'delivered')
        .textContent()
        .then((t) => t && seen.add(t.trim().split(/\s/)[0] ?? ''))
        .catch(() => undefined);
    }, 100);
    await expect.poll(() => metricValue(page, 0, 'sent'), { timeout: WAIT }).toBe(2);
    await expect.poll(() => metricValue(page, 0, 'delivered'), { timeout: WAIT }).toBe(2);
    clearInterval(watch);
    // it showed 0 first and then moved to 2 in the same document (the marker would be gone after a reload)
    expect(seen.has('0')).toBe(true);
    expect(await page.evaluate(() => (globalThis as unknown as { liveMarker?: boolean }).liveMarker)).toBe(true);
    expect(await page.locator('[data-count="no_identity"]').textContent()).toBe('1');
    expect(await page.locator('[data-count="opted_out"]').textContent()).toBe('1');
    expect(
      wa
        .sentMessages()
        .map((m) => [m.to.replace(/^\+/, ''), m.rendered?.body])
        .sort(),
    ).toEqual([
      [ANA, 'Hi Ana Alves, your spring code is SPRING26.'],
      [BEN, 'Hi Ben Brandt, your spring code is SPRING26.'],
    ]);
    // Ana answers on WhatsApp: her follow-up will not go
    wa.sendText({ from: ANA, text: 'I want it!', profileName: 'Ana' });
    await expect.poll(() => metricValue(page, 0, 'replied'), { timeout: WAIT }).toBe(1);
    await shot(page, 'app-campaign-live');

    // --- pause and resume while step 2 waits its 12 s ---
    await page.getByRole('button', { name: 'Pause Spring sale' }).click();
    await page.locator('.cmp-head [data-status="paused"]').waitFor();
    await page.locator('[data-field="status-reason"]', { hasText: 'paused by an operator' }).waitFor();
    expect((await hub.api<{ status: string }>('GET', `/api/v1/campaigns/${draft?.id}`)).body.status).toBe('paused');
    await page.getByRole('button', { name: 'Resume Spring sale' }).click();
    await page.locator('.cmp-head [data-status="running"]').waitFor();

    // step 2 goes to Ben only (Ana replied), then the campaign completes
    await expect.poll(() => metricValue(page, 1, 'sent'), { timeout: 30_000 }).toBe(1);
    await page.locator('.cmp-head [data-status="completed"]').waitFor({ timeout: WAIT });
    expect(await page.locator('.cmp-step-live[data-step="1"] [data-skip="replied"]').textContent()).toBe(
      'Replied to the previous step: 1',
    );
    expect(sms.sent().map((m) => [m.to, m.text])).toEqual([
      [`+${BEN}`, 'Ben Brandt, SPRING26 is still waiting for you.'],
    ]);

    // --- recipients, filtered by outcome, and the CSV export ---
    const recipients = page.locator('.cmp-recipient-table tbody tr');
    await expect.poll(() => recipients.count()).toBe(4);
    await page.getByLabel('Outcome', { exact: true }).selectOption('replied');
    await expect.poll(() => recipients.count()).toBe(1);
    expect(await recipients.first().locator('th').textContent()).toContain('Ana Alves');
    expect(await recipients.first().locator('td[data-step="0"]').getAttribute('data-outcome')).toBe('replied');
    expect(await recipients.first().locator('td[data-step="1"]').getAttribute('data-outcome')).toBe('skipped');
    // sent in step 2: Ben alone
    await page.getByLabel('Outcome', { exact: true }).selectOption('sent');
    await page.getByLabel('Outcome in step').selectOption('1');
    await expect.poll(() => recipients.count()).toBe(1);
    expect(await recipients.first().locator('th').textContent()).toContain('Ben Brandt');
    await page.getByLabel('Outcome', { exact: true }).selectOption('excluded');
    await expect.poll(() => recipients.count()).toBe(2);
    expect((await recipients.allTextContents()).join(' | ')).toMatch(/Cy Costa.*No address on the channel/);
    expect((await recipients.allTextContents()).join(' | ')).toMatch(/Dot Dias.*Opted out/);
    await shot(page, 'app-campaign-recipients');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('Spring-sale-recipients-excluded.csv');
    const csv = await readFile((await download.path()) as string, 'utf8');
    const lines = csv.trim().split('\n');
    expect(lines[0]).toBe(
      'contact_id,name,recipient,reason,step,job,job_reason,message_id,message,failure,replied,variant',
    );
    expect(
      lines
        .slice(1)
        .map((l) => l.split(',').slice(1, 4).join(','))
        .sort(),
    ).toEqual(['Cy Costa,excluded,no_identity', 'Dot Dias,excluded,opted_out']);

    // the phone width of the live page
    await phone.goto(`${hub.url}/app/#/campaigns/${draft?.id}`);
    await phone.locator('.cmp-head [data-status="completed"]').waitFor();
    await phone.locator('.cmp-recipient-table tbody tr').first().waitFor();
    await shot(phone, 'app-campaign-live-phone');

    // --- duplicate: a new draft with the same audience and steps, opened in the builder ---
    await page.getByRole('button', { name: 'Duplicate Spring sale' }).click();
    await page.waitForURL(/#\/campaigns\/[^/]+\/edit$/);
    await expect.poll(() => page.getByLabel('Campaign name').inputValue()).toBe('Spring sale (copy)');
    const all = (
      await hub.api<{ data: Array<{ name: string; status: string; steps: unknown[] }> }>('GET', '/api/v1/campaigns')
    ).body.data;
    expect(Object.fromEntries(all.map((c) => [c.name, c.status]))).toEqual({
      'Spring sale': 'completed',
      'Spring sale (copy)': 'draft',
    });
    expect(all[0]?.steps).toEqual(all[1]?.steps);
    // the copy takes a CSV audience instead (one row refused, reported), a start time and quiet hours
    await page.getByRole('radio', { name: 'A CSV file' }).check();
    const rows = ['name,phone', 'Fay Fox,+4915111110006', 'Nobody,hello', `Dot Dias,+${DOT}`].join('\n');
    await page
      .getByLabel('CSV file', { exact: true })
      .setInputFiles({ name: 'spring.csv', mimeType: 'text/csv', buffer: Buffer.from(rows) });
    await expect.poll(() => page.locator('[data-field="csv-chosen"]').textContent()).toMatch(/^spring.csv: 3 rows/);
    await page.getByRole('button', { name: /Schedule$/ }).click();
    await page.getByRole('radio', { name: 'At a time' }).check();
    await page.getByLabel('Starts at').fill('2030-01-01T09:00');
    await page.getByRole('checkbox', { name: /Quiet hours/ }).check();
    await page.getByLabel('From', { exact: true }).fill('21:30');
    await page.getByRole('button', { name: 'Save and review' }).click();
    const report = page.getByLabel('CSV report');
    await report.waitFor();
    expect(await report.locator('[data-field="csv-added"]').textContent()).toBe('2');
    expect(await report.locator('tr[data-row="3"]').textContent()).toContain('phone');
    const copyCounts = page.getByLabel('Audience count');
    expect(await copyCounts.locator('[data-field="audience"]').textContent()).toBe('2');
    expect(await copyCounts.locator('[data-field="included"]').textContent()).toBe('1');
    expect(await copyCounts.locator('[data-reason="opted_out"]').textContent()).toBe('Opted out: 1');
    await page.getByRole('button', { name: 'Schedule', exact: true }).waitFor();
    await shot(page, 'app-campaign-csv-review');
    const copyId = /#\/campaigns\/([^/]+)\/edit$/.exec(page.url())?.[1];
    const saved = (
      await hub.api<{
        audience: { type: string };
        scheduledAt: string;
        settings: { quietHours?: { from: string; to: string; timeZone: string } };
      }>('GET', `/api/v1/campaigns/${copyId}`)
    ).body;
    expect(saved.audience).toEqual({ type: 'contacts' });
    expect(new Date(saved.scheduledAt).getFullYear()).toBe(2030);
    expect(saved.settings.quietHours).toMatchObject({ from: '21:30', to: '09:00' });
    await page.getByRole('link', { name: 'All campaigns' }).click();
    const cards = page.locator('.cmp-list .cmp-card');
    await expect.poll(() => cards.count()).toBe(2);
    const done = page.locator('.cmp-card[data-status="completed"]');
    expect(await done.locator('[data-field="audience"]').textContent()).toBe('4 recipients');
    expect(await done.locator('[data-field="sent"]').textContent()).toBe('3 sent');
    expect(await done.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('100');
    const copy = page.locator('.cmp-card[data-status="draft"]');
    await expect.poll(() => copy.locator('[data-field="audience"]').textContent()).toBe('2 in audience');
    await shot(page, 'app-campaign-list');
    await phone.goto(`${hub.url}/app/#/campaigns`);
    await phone.locator('.cmp-list .cmp-card').nth(1).waitFor();
    await shot(phone, 'app-campaign-list-phone');
    await phone.goto(`${hub.url}/app/#/campaigns/segments`);
    await phone.getByRole('button', { name: 'Edit Spring customers' }).click();
    await phone.getByRole('form', { name: 'Segment' }).locator('[data-field="segment-count"]').waitFor();
    await shot(phone, 'app-campaign-segment-phone');
    await phone.close();
    await page.close();
  }, 150_000);
});
