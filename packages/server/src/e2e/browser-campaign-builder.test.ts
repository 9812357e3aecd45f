/**
 * The campaign builder in Chromium at desktop (1280 px) and phone (390 px) widths, against a real hub with the SMS
 * gateway simulator: an admin splits the first step into an A/B test (a 70/20 split is refused with its reason and
 * nothing is saved; 60/40 is), times the follow-up at a time of day in the recipient's time zone two days later,
 * sets an end date, the time zone of contacts without one and a reply attribution window, reads all of it in words
 * on the review, and the API holds exactly those values; a draft written through the API with its own variants,
 * a delayed time of day and a sub-hour attribution window loads into the builder and saves back unchanged; removing
 * variants down to one makes a plain step again; the started campaign's page shows the end date, the time zone and
 * the attribution window.
 * Needs `npm run build -w @switchboard/web` first, and Chromium at /usr/bin/chromium (or CHROMIUM_PATH).
 */
import { startSmsGatewaySimulator, type SmsGatewaySimulator } from '@switchboard/simulators';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/test-server.js';
import { launchChromium, paneScreenshot, requireBrowserSetup, SHOTS } from '../testing/browser.js';

const WAIT = 15_000;
const OWNER = { email: 'owner@example.test', password: 'owner-password-1' };
const GATEWAY_SECRET = 'gateway_secret-0123456789abcdef';

interface StoredCampaign {
  id: string;
  name: string;
  status: string;
  steps: unknown[];
  settings: { timeZone?: string; endAt?: string; attributionHours?: number; quietHours?: unknown };
  scheduledAt: string | null;
  updatedAt: string;
}

describe('browser: campaign builder (A/B split, time of day, end date, time zone, attribution)', () => {
  let sms: SmsGatewaySimulator;
  let hub: TestServer;
  let browser: Browser;
  let smsConn = '';

  beforeAll(async () => {
    requireBrowserSetup();
    sms = await startSmsGatewaySimulator({ secret: GATEWAY_SECRET, statusDelaysMs: { sent: 30, delivered: 20 } });
    hub = await startTestServer({
      env: { SWITCHBOARD_OWNER_EMAIL: OWNER.email, SWITCHBOARD_OWNER_PASSWORD: OWNER.password },
    });
    const created = await hub.api<{ id: string }>('POST', '/api/v1/connections', {
      type: 'sms-gateway',
      name: 'SMS Shop',
      config: {
        mode: 'http',
        apiBaseUrl: sms.url,
        password: sms.token,
        from: sms.number,
        inboundSecret: GATEWAY_SECRET,
      },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    smsConn = created.body.id;
    const started = await hub.api<{ status: string }>('POST', `/api/v1/connections/${smsConn}/start`);
    expect(started.body.status).toBe('RUNNING');
    for (const [name, phone] of [
      ['Ana Alves', '+4915111120001'],
      ['Ben Brandt', '+4915111120002'],
      ['Cy Costa', '+4915111120003'],
    ] as const) {
      const r = await hub.api('POST', '/api/v1/contacts', {
        name,
        tags: ['builder'],
        identities: [{ channelType: 'sms-gateway', address: phone }],
      });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
    }
    const segment = await hub.api('POST', '/api/v1/segments', {
      name: 'Builder people',
      filter: { all: [{ field: 'tag', op: 'has', value: 'builder' }] },
    });
    expect(segment.status).toBe(201);
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await hub?.close();
    await sms?.close();
  });

  const shot = (page: Page, name: string) => paneScreenshot(page, `${SHOTS}${name}.png`, '.cmp-body');

  /**
   * what reaches past the right edge of the page (the page itself never scrolls sideways); what sits inside a box
   * that scrolls or clips sideways (the variants table of a step card) is that box's to show
   */
  const overflowing = (page: Page) =>
    page.evaluate(() => {
      interface El {
        getBoundingClientRect(): { right: number; width: number };
        className: string;
        tagName: string;
        parentElement: El | null;
        matches(s: string): boolean;
        getAttribute(n: string): string | null;
      }
      const g = globalThis as unknown as {
        document: { documentElement: { clientWidth: number }; querySelectorAll(s: string): ArrayLike<El> };
        getComputedStyle(el: El): { overflowX: string };
      };
      const width = g.document.documentElement.clientWidth;
      const clipped = (el: El): boolean => {
        for (let p = el.parentElement; p && !p.matches('.cmp-page'); p = p.parentElement)
          if (g.getComputedStyle(p).overflowX !== 'visible') return true;
        return false;
      };
      return Array.from(g.document.querySelectorAll('.cmp-page *'))
        .filter((el) => el.getBoundingClientRect().width > 0 && el.getBoundingClientRect().right > width + 1)
        .filter((el) => !clipped(el))
        .map((el) => `${el.tagName}.${el.className} ${el.getAttribute('aria-label') ?? ''}`);
    });

  /** one of the builder's four parts in its stepper */
  const part = (page: Page, name: 'Audience' | 'Steps' | 'Schedule' | 'Review') =>
    page.getByRole('list', { name: 'Builder' }).getByRole('button', { name });

  /** a signed-in page at this width whose browser lives in `timeZone` */
  const open = async (width: number, timeZone: string): Promise<Page> => {
    const page = await browser.newPage({ viewport: { width, height: width < 600 ? 844 : 800 }, timezoneId: timeZone });
    page.setDefaultTimeout(WAIT);
    await page.goto(`${hub.url}/app/`);
    await page.getByLabel('Email').fill(OWNER.email);
    await page.getByLabel('Password').fill(OWNER.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    // on a phone the tabs sit behind the Menu button: signed in once either shows
    if (width < 600) await page.getByRole('button', { name: /^Menu, on / }).waitFor();
    else await page.getByRole('navigation', { name: 'Main' }).waitFor();
    return page;
  };

  const campaigns = async () =>
    (await hub.api<{ data: StoredCampaign[] }>('GET', '/api/v1/campaigns')).body.data.filter(Boolean);
  const campaign = async (id: string) => (await hub.api<StoredCampaign>('GET', `/api/v1/campaigns/${id}`)).body;

  it('builds an A/B step, a time-of-day step, an end date, a time zone and an attribution window at 1280 and 390 px', async () => {
    for (const [width, tag, zone, fallbackZone, endAtUtc] of [
      // 1 March 2030 18:00 in Berlin (winter time, +01:00) and in Tokyo (+09:00)
      [1280, 'desktop', 'Europe/Berlin', 'America/New_York', '2030-03-01T17:00:00.000Z'],
      [390, 'phone', 'Asia/Tokyo', 'Europe/Lisbon', '2030-03-01T09:00:00.000Z'],
    ] as const) {
      const page = await open(width, zone);
      const name = `Builder ${tag}`;
      const before = (await campaigns()).length;
      await page.goto(`${hub.url}/app/#/campaigns/new`);
      await page.getByLabel('Campaign name').fill(name);
      await page.getByLabel('Segment', { exact: true }).selectOption({ label: 'Builder people' });
      await page.getByRole('button', { name: 'Next' }).click();

      // --- step 1: a message, then split into A and B ---
      const step1 = page.getByRole('group', { name: 'Step 1', exact: true });
      await step1.getByLabel('Step 1: connection').selectOption(smsConn);
      await step1.getByLabel('Step 1: message').fill('Spring sale: 20 % off, {{contact.name | friend}}.');
      await step1.getByRole('button', { name: 'Split into A/B variants' }).click();
      const variantA = step1.getByRole('group', { name: 'Step 1, variant A' });
      const variantB = step1.getByRole('group', { name: 'Step 1, variant B' });
      // A keeps what was written, B starts empty; half each
      expect(await variantA.getByLabel('Step 1, variant A: message').inputValue()).toBe(
        'Spring sale: 20 % off, {{contact.name | friend}}.',
      );
      expect(await variantB.getByLabel('Step 1, variant B: message').inputValue()).toBe('');
      const split = step1.getByLabel('Step 1: split');
      expect(await split.textContent()).toBe('A 50 % + B 50 % = 100 %');
      await variantB.getByLabel('Step 1, variant B: message').fill('{{contact.name | Hello}}, the spring sale is on!');
      // a third variant and its removal: the split stays whole
      await step1.getByRole('button', { name: 'Add a variant' }).click();
      expect(await split.textContent()).toBe('A 34 % + B 33 % + C 33 % = 100 %');
      await step1.getByRole('button', { name: 'Remove variant C of step 1' }).click();
      expect(await split.textContent()).toBe('A 34 % + B 66 % = 100 %');

      // --- a split of 70/20 is shown as wrong and not saved ---
      await variantA.getByLabel('Step 1, variant A: share in percent').fill('70');
      await variantB.getByLabel('Step 1, variant B: share in percent').fill('20');
      expect(await split.textContent()).toBe('A 70 % + B 20 % = 90 % — the split adds up to 90 %, not 100 %');
      expect(await split.getAttribute('role')).toBe('alert');

      // --- step 2: at 10:30 in the recipient's time zone, two days later ---
      await page.getByRole('button', { name: 'Add a follow-up step' }).click();
      const step2 = page.getByRole('group', { name: 'Step 2', exact: true });
      expect(await step2.getByLabel('Step 2: connection').inputValue()).toBe(smsConn);
      await step2.getByLabel('Step 2: message').fill('Last day of the spring sale, {{contact.name | friend}}.');
      await step2.getByRole('radio', { name: 'At a time of day' }).check();
      expect(await step2.getByLabel('Step 2: time of day').inputValue()).toBe('09:00');
      expect(await step2.getByLabel('Step 2: days later').inputValue()).toBe('1');
      await step2.getByLabel('Step 2: time of day').fill('10:30');
      await step2.getByLabel('Step 2: days later').fill('2');
      expect(await step2.getByLabel('Step 2: delay', { exact: true }).count()).toBe(0);
      await shot(page, `app-campaign-builder-bad-split-${tag}`);
      expect(await overflowing(page)).toEqual([]);

      await page.getByRole('button', { name: 'Next' }).click();
      await page.getByRole('button', { name: 'Save and review' }).click();
      const alert = page.locator('.cmp-builder > [role="alert"]');
      await expect.poll(() => alert.textContent()).toBe('Step 1: the split adds up to 90 %, not 100 %');
      // still on the schedule, and nothing reached the server
      await page.getByRole('radio', { name: 'Start when I press Start' }).waitFor();
      expect((await campaigns()).length).toBe(before);

      // --- back to the steps: 60/40 ---
      await part(page, 'Steps').click();
      await variantA.getByLabel('Step 1, variant A: share in percent').fill('60');
      await variantB.getByLabel('Step 1, variant B: share in percent').fill('40');
      expect(await split.textContent()).toBe('A 60 % + B 40 % = 100 %');
      expect(await split.getAttribute('role')).toBeNull();
      // the refusal's message goes once its problem is fixed
      expect(await alert.count()).toBe(0);
      await shot(page, `app-campaign-builder-steps-${tag}`);
      expect(await overflowing(page)).toEqual([]);

      // --- schedule: an end date, the zone of contacts without one (the browser's at first), attribution ---
      await page.getByRole('button', { name: 'Next' }).click();
      const zoneSelect = page.getByLabel('Time zone for contacts without one');
      expect(await zoneSelect.inputValue()).toBe(zone);
      expect(await page.getByLabel('Attribution window in hours').getAttribute('placeholder')).toBe('72');
      await page.getByRole('checkbox', { name: /^End date/ }).check();
      // an end before the start is named and not saved
      await page.getByLabel(/^Ends at/).fill('2020-01-01T08:00');
      await page.locator('[data-field="end-problem"]', { hasText: 'The end date is in the past' }).waitFor();
      await page.getByLabel(/^Ends at/).fill('2030-03-01T18:00');
      expect(await page.locator('[data-field="end-problem"]').count()).toBe(0);
      await zoneSelect.selectOption(fallbackZone);
      await page.getByLabel('Attribution window in hours').fill('0');
      await page.locator('[data-field="attribution-problem"]').waitFor();
      await page.getByLabel('Attribution window in hours').fill('48');
      expect(await page.locator('[data-field="attribution-problem"]').count()).toBe(0);
      await shot(page, `app-campaign-builder-schedule-${tag}`);
      expect(await overflowing(page)).toEqual([]);

      // --- review: all of it in words ---
      await page.getByRole('button', { name: 'Save and review' }).click();
      await page.getByLabel('Audience count').waitFor();
      const summary = page.locator('.cmp-summary');
      expect(await summary.locator('li[data-step="0"]').textContent()).toBe(
        'SMS Shop — A/B: A 60 %, B 40 %, immediatelyA (60 %): text; B (40 %): text',
      );
      expect(await summary.locator('li[data-step="1"]').textContent()).toBe(
        "SMS Shop — text, at 10:30, 2 days later in the recipient's time zone, only if the previous step got no reply",
      );
      expect(await summary.locator('[data-field="ends"]').textContent()).toMatch(/2030/);
      expect(await summary.locator('[data-field="time-zone"]').textContent()).toBe(
        `${fallbackZone} for contacts without their own`,
      );
      expect(await summary.locator('[data-field="attribution"]').textContent()).toBe('48 hours after each send');
      // the preview names the variant the recipient is assigned, and its text is that variant's
      const preview = page.getByLabel('Preview', { exact: true });
      const head = (await preview.locator('[data-step="0"] .cmp-preview-head').textContent()) ?? '';
      const assigned = / · variant ([AB])$/.exec(head)?.[1];
      expect(assigned, head).toBeDefined();
      expect(await preview.locator('[data-step="0"] [data-field="preview-text"]').textContent()).toBe(
        assigned === 'A' ? 'Spring sale: 20 % off, Ana Alves.' : 'Ana Alves, the spring sale is on!',
      );
      await shot(page, `app-campaign-builder-review-${tag}`);
      expect(await overflowing(page)).toEqual([]);

      // --- exactly those values were stored ---
      const id = /#\/campaigns\/([^/]+)\/edit$/.exec(page.url())?.[1] ?? '';
      expect(id).not.toBe('');
      const saved = await campaign(id);
      expect(saved.name).toBe(name);
      expect(saved.steps).toEqual([
        {
          connectionId: smsConn,
          variants: [
            {
              name: 'A',
              percent: 60,
              content: { type: 'text', text: 'Spring sale: 20 % off, {{contact.name | friend}}.' },
            },
            {
              name: 'B',
              percent: 40,
              content: { type: 'text', text: '{{contact.name | Hello}}, the spring sale is on!' },
            },
          ],
          delaySeconds: 0,
          condition: 'always',
          stopOnReply: true,
        },
        {
          connectionId: smsConn,
          content: { type: 'text', text: 'Last day of the spring sale, {{contact.name | friend}}.' },
          timeOfDay: { time: '10:30', daysAfter: 2 },
          delaySeconds: 0,
          condition: 'not_replied',
          stopOnReply: true,
        },
      ]);
      expect(saved.settings).toEqual({
        failurePause: { ratio: 0.2, window: 200 },
        inFlight: 50,
        timeZone: fallbackZone,
        endAt: endAtUtc,
        attributionHours: 48,
      });
      expect(saved.scheduledAt).toBeNull();

      // --- opened again, untouched, saved: the same campaign ---
      await page.goto(`${hub.url}/app/#/campaigns`);
      await page.goto(`${hub.url}/app/#/campaigns/${id}/edit`);
      await expect.poll(() => page.getByLabel('Campaign name').inputValue()).toBe(name);
      await part(page, 'Review').click();
      await page.getByRole('button', { name: 'Save draft' }).click();
      await expect.poll(async () => (await campaign(id)).updatedAt).not.toBe(saved.updatedAt);
      const again = await campaign(id);
      expect({ ...again, updatedAt: '' }).toEqual({ ...saved, updatedAt: '' });

      // --- started: its page shows the end date, the time zone and the attribution window ---
      await page.getByRole('button', { name: 'Start — send to 3' }).click();
      await page.waitForURL(new RegExp(`#/campaigns/${id}$`));
      const settings = page.locator('[data-field="settings"]');
      await settings.waitFor();
      expect(await settings.locator('[data-field="ends"]').textContent()).toMatch(/^Ends .*2030/);
      expect(await settings.locator('[data-field="time-zone"]').textContent()).toBe(
        `Time zone ${fallbackZone} for contacts without one`,
      );
      expect(await settings.locator('[data-field="attribution"]').textContent()).toBe(
        'Replies count 48 hours after each send',
      );
      expect(await page.locator('.cmp-step-live[data-step="1"] header').textContent()).toContain(
        "at 10:30, 2 days later in the recipient's time zone",
      );
      // step 1 went to all three, split between A and B
      await expect
        .poll(
          async () => (await page.locator('.cmp-step-live[data-step="0"] [data-metric="sent"]').textContent()) ?? '',
          {
            timeout: WAIT,
          },
        )
        .toMatch(/^3\b/);
      await page.locator('.cmp-variants tr[data-variant="B"]').waitFor();
      await shot(page, `app-campaign-builder-page-${tag}`);
      expect(await overflowing(page)).toEqual([]);
      await page.close();
    }
  }, 180_000);

  it('loads a draft with API-written variants and timing, saves it back unchanged, and joins the variants back into one', async () => {
    const created = await hub.api<StoredCampaign>('POST', '/api/v1/campaigns', {
      name: 'Written elsewhere',
      audience: { type: 'contacts' },
      steps: [
        {
          connectionId: smsConn,
          variants: [
            { name: 'Short', percent: 70, content: { type: 'text', text: 'Sale!' } },
            { name: 'Long', percent: 30, content: { type: 'text', text: 'Our spring sale starts today.' } },
          ],
          timeOfDay: { time: '08:15', daysAfter: 0 },
          delaySeconds: 3600,
        },
      ],
      settings: { timeZone: 'Asia/Tokyo', endAt: '2031-05-05T05:05:05.123Z', attributionHours: 3 / 3600 },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.id;
    const original = await campaign(id);
    for (const [width, tag] of [
      [1280, 'desktop'],
      [390, 'phone'],
    ] as const) {
      const page = await open(width, 'Europe/Berlin');
      await page.goto(`${hub.url}/app/#/campaigns/${id}/edit`);
      await expect.poll(() => page.getByLabel('Campaign name').inputValue()).toBe('Written elsewhere');
      await part(page, 'Steps').click();
      const step1 = page.getByRole('group', { name: 'Step 1', exact: true });
      expect(await step1.getByLabel('Step 1, variant Short: message').inputValue()).toBe('Sale!');
      expect(await step1.getByLabel('Step 1, variant Long: share in percent').inputValue()).toBe('30');
      expect(await step1.getByRole('radio', { name: 'At a time of day' }).isChecked()).toBe(true);
      expect(await step1.getByLabel('Step 1: time of day').inputValue()).toBe('08:15');
      expect(await step1.locator('.cmp-time-of-day .hint').textContent()).toContain('first waits 1 hour');
      await shot(page, `app-campaign-builder-loaded-${tag}`);
      expect(await overflowing(page)).toEqual([]);
      await part(page, 'Schedule').click();
      expect(await page.getByLabel('Time zone for contacts without one').inputValue()).toBe('Asia/Tokyo');
      await part(page, 'Review').click();
      const summary = page.locator('.cmp-summary');
      await summary.waitFor();
      expect(await summary.locator('li[data-step="0"]').textContent()).toBe(
        "SMS Shop — A/B: Short 70 %, Long 30 %, after 1 hour, then at the next 08:15 in the recipient's time zoneShort (70 %): text; Long (30 %): text",
      );
      expect(await summary.locator('[data-field="attribution"]').textContent()).toBe('3 seconds after each send');
      await page.getByRole('button', { name: 'Save draft' }).click();
      await expect.poll(async () => (await campaign(id)).updatedAt).not.toBe(original.updatedAt);
      const again = await campaign(id);
      expect({ ...again, updatedAt: '' }).toEqual({ ...original, updatedAt: '' });
      original.updatedAt = again.updatedAt;
      await page.close();
    }

    // removing a variant down to one: a plain step with that variant's content, the timing kept
    const page = await open(1280, 'Europe/Berlin');
    await page.goto(`${hub.url}/app/#/campaigns/${id}/edit`);
    await expect.poll(() => page.getByLabel('Campaign name').inputValue()).toBe('Written elsewhere');
    await part(page, 'Steps').click();
    const step1 = page.getByRole('group', { name: 'Step 1', exact: true });
    await step1.getByRole('button', { name: 'Remove variant Short of step 1' }).click();
    expect(await step1.getByLabel('Step 1: message').inputValue()).toBe('Our spring sale starts today.');
    expect(await step1.getByLabel('Step 1: split').count()).toBe(0);
    await part(page, 'Review').click();
    await page.locator('.cmp-summary').waitFor();
    await expect
      .poll(async () => (await campaign(id)).steps)
      .toEqual([
        {
          connectionId: smsConn,
          content: { type: 'text', text: 'Our spring sale starts today.' },
          timeOfDay: { time: '08:15', daysAfter: 0 },
          delaySeconds: 3600,
          condition: 'always',
          stopOnReply: true,
        },
      ]);
    // and the end date taken away again
    await part(page, 'Schedule').click();
    await page.getByRole('checkbox', { name: /^End date/ }).uncheck();
    await page.getByLabel('Attribution window in hours').fill('');
    await page.getByRole('button', { name: 'Save and review' }).click();
    await page.locator('.cmp-summary [data-field="ends"]', { hasText: 'no end date' }).waitFor();
    await expect.poll(async () => (await campaign(id)).settings.endAt ?? 'none').toBe('none');
    expect((await campaign(id)).settings).toEqual({
      failurePause: { ratio: 0.2, window: 200 },
      inFlight: 50,
      timeZone: 'Asia/Tokyo',
    });
    expect(await page.locator('.cmp-summary [data-field="attribution"]').textContent()).toBe(
      '72 hours after each send (the default)',
    );
    await page.close();
  }, 120_000);
});
