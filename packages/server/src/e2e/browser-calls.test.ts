/**
 * Browser end-to-end test of phone calls in the app, against the Twilio simulator's voice side through a real hub:
 * an inbound call shows in the inbox with a live marker while it goes on, its session view's transcript grows as
 * the caller and the flow agent speak (bubbles by speaker, the keys pressed), and once the caller hangs up the
 * header names the outcome and the full recording loads in its player (the audio element's duration > 0) with a
 * download link; the contact panel's Call button places an outbound call answered by the agent picked. At a
 * phone's width (390 px) and a desktop's; screenshots of both.
 */
import { startTwilioSimulator, type TwilioSimulator } from '@switchboard/simulators';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestServer, type TestServer } from '../testing/test-server.js';
import { launchChromium, requireBrowserSetup, SHOTS, signedInPage } from '../testing/browser.js';

const WAIT = 15_000;
const OWNER = { email: 'owner@example.test', password: 'owner-password-1' };
const OURS = '+15005550006';

describe('browser: phone calls', () => {
  let hub: TestServer;
  let sim: TwilioSimulator;
  let browser: Browser;
  let connectionId: string;
  let reminderAgent: string;

  const flow = (greeting: string) => ({
    greeting,
    start: 'menu',
    nodes: [
      {
        id: 'menu',
        type: 'buttons',
        text: 'What can I do for you?',
        buttons: [
          { title: 'Opening hours', next: 'hours' },
          { title: 'Something else', next: 'else' },
        ],
      },
      { id: 'hours', type: 'message', text: 'We are open from nine to five.' },
      { id: 'else', type: 'message', text: 'Please call again tomorrow.' },
    ],
    fallback: 'Sorry, I did not get that.',
    maxMisses: 3,
  });
  const startAgent = async (name: string, greeting: string, inbound: boolean) => {
    const id = (await hub.api<{ id: string }>('POST', '/api/v1/agents', { kind: 'flow', name, config: flow(greeting) }))
      .body.id;
    await hub.api('PUT', `/api/v1/agents/${id}/connections`, { connections: [{ connectionId, inbound }] });
    expect((await hub.api<{ status: string }>('POST', `/api/v1/agents/${id}/start`)).body.status).toBe('RUNNING');
    return id;
  };
  /** the audio element has its file: metadata read, a duration */
  const audioLoaded = (page: Page) =>
    page.locator('.call-head audio.call-audio').evaluate(
      (el) =>
        new Promise<{ readyState: number; duration: number }>((resolve) => {
          const a = el as unknown as {
            readyState: number;
            duration: number;
            addEventListener(t: string, f: () => void): void;
          };
          const done = () => resolve({ readyState: a.readyState, duration: a.duration });
          if (a.readyState >= 1) done();
          else a.addEventListener('loadedmetadata', done);
        }),
    );

  beforeAll(async () => {
    requireBrowserSetup();
    sim = await startTwilioSimulator({ numbers: [OURS], voiceTimeScale: 0.5 });
    hub = await startTestServer({
      allowPrivateNetwork: true,
      env: { SWITCHBOARD_OWNER_EMAIL: OWNER.email, SWITCHBOARD_OWNER_PASSWORD: OWNER.password },
    });
    const created = await hub.api<{ id: string }>('POST', '/api/v1/connections', {
      type: 'twilio-voice',
      name: 'Phone line',
      config: {
        accountSid: sim.accountSid,
        authToken: sim.authToken,
        phoneNumbers: [OURS],
        apiBaseUrl: sim.url,
        // nobody answers (the simulator's operators do not unless told): pressing 0 ends in a voicemail
        operatorNumber: '+15005550099',
        ringSeconds: 5,
      },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    connectionId = created.body.id;
    expect((await hub.api<{ status: string }>('POST', `/api/v1/connections/${connectionId}/start`)).body.status).toBe(
      'RUNNING',
    );
    await startAgent('Front desk', 'Welcome to Acme.', true);
    reminderAgent = await startAgent('Reminders', 'Hi, Acme reminders here.', false);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await hub?.close();
    await sim?.close();
  });

  for (const width of [1280, 390]) {
    it(`at ${width} px: a live call in the inbox, its transcript growing, then the outcome and a recording that plays`, async () => {
      const page = await signedInPage(browser, hub.url, OWNER, WAIT);
      await page.setViewportSize({ width, height: 860 });
      await page.goto(`${hub.url}/app/#/inbox`);
      await page.getByLabel('Live updates: open').waitFor({ state: 'attached' });
      const caller = width === 390 ? '+14155550191' : '+14155550190';
      // the caller takes their time, so the call is live while the page looks
      const call = await sim.placeCall({
        from: caller,
        lines: [
          { speech: 'Hello there', afterSeconds: 2 },
          { digits: '1', afterSeconds: 4 },
        ],
      });
      const conversationId = await eventually(
        async () =>
          (
            await hub.api<{ data: Array<{ id: string; address: string }> }>(
              'GET',
              `/api/v1/conversations?connectionId=${connectionId}&limit=50`,
            )
          ).body.data.find((c) => c.address === caller)?.id,
        WAIT,
        'the call conversation',
      );
      const row = page.locator(`a[data-conversation="${conversationId}"]`);
      await row.locator('.live-marker').waitFor();
      if (width === 1280) await page.screenshot({ path: `${SHOTS}app-call-inbox-live.png` });
      await row.click();
      const head = page.locator('.call-head');
      await head.getByText('Incoming call').waitFor();
      await head.locator('.live-marker').waitFor();
      expect(await head.locator('.call-numbers [title="From"]').textContent()).toBe(caller);
      expect(await head.locator('.call-numbers [title="To"]').textContent()).toBe(OURS);
      const turns = page.locator('ol.call-transcript li.call-turn');
      await page.locator('li.call-turn[data-speaker="caller"]', { hasText: 'Hello there' }).waitFor();
      const early = await turns.count();
      await page.locator('li.call-turn[data-speaker="agent"]', { hasText: 'What can I do for you?' }).waitFor();
      await page.screenshot({ path: `${SHOTS}app-call-live-${width}.png` });
      await page.locator('li.call-turn[data-speaker="caller"]', { hasText: 'Pressed 1' }).waitFor();
      await page.locator('li.call-turn[data-speaker="agent"]', { hasText: 'open from nine to five' }).waitFor();
      expect(await turns.count()).toBeGreaterThan(early);
      expect(await page.locator('li.call-turn .call-speaker').first().textContent()).toBe('Caller');
      // the menu as the caller heard it: keys to press
      await page.locator('li.call-turn[data-speaker="agent"]', { hasText: 'Press 1 for Opening hours' }).waitFor();

      await call.done;
      await head.locator('.call-outcome', { hasText: 'Completed' }).waitFor();
      expect(await head.locator('.live-marker').count()).toBe(0);
      expect(await row.locator('.live-marker').count()).toBe(0);
      // nobody is on the line any more: no reply box, a word on how to reach the caller instead
      await page.locator('.composer.call-ended', { hasText: 'The call has ended' }).waitFor();
      expect(await page.getByPlaceholder('Write a reply…').count()).toBe(0);
      // the whole call's recording, fetched into our store, in the header's player with a download
      await head.locator('audio.call-audio').waitFor();
      const loaded = await audioLoaded(page);
      expect(loaded.readyState).toBeGreaterThanOrEqual(1);
      expect(loaded.duration).toBeGreaterThan(0);
      const download = head.getByRole('link', { name: 'Download' });
      const href = await download.getAttribute('href');
      const wav = await fetch(href as string);
      expect(wav.status).toBe(200);
      expect((await wav.arrayBuffer()).byteLength).toBeGreaterThan(44);
      // the recording is not a bubble of the transcript
      expect(await page.locator('ol.call-transcript li[data-type="audio"]').count()).toBe(0);
      const duration = await head.locator('.call-duration').textContent();
      expect(duration).toMatch(/^\d+:\d\d$/);
      // the inbox line says how the call went, not "Call recording" (the recording came after the end)
      const preview = await eventually(
        async () => {
          const c = await hub.api<{ lastMessagePreview: string | null }>(
            'GET',
            `/api/v1/conversations/${conversationId}`,
          );
          return c.body.lastMessagePreview?.startsWith('Call · ') ? c.body.lastMessagePreview : undefined;
        },
        WAIT,
        'the ended call’s preview',
      );
      expect(preview).toBe(`Call · completed · ${duration}`);
      // what the caller said is found like any message: by the API's search, and by the inbox's
      const saidIt = await hub.api<{ data: Array<{ id: string }> }>('GET', '/api/v1/conversations?q=HELLO%20THERE');
      expect(saidIt.body.data.map((c) => c.id)).toContain(conversationId);
      if (width === 1280) {
        await row.locator('.conv-preview', { hasText: preview }).waitFor();
        const search = page.getByRole('searchbox', { name: 'Search sessions' });
        await search.fill('zebra crossing');
        await row.waitFor({ state: 'detached' });
        await search.fill('hello there');
        await row.waitFor();
        await search.fill('');
      }
      await page.screenshot({ path: `${SHOTS}app-call-ended-${width}.png`, fullPage: true });
      await page.close();
    });
  }

  it('at 1280 px: a voicemail is a caller bubble with a play button that plays it, its transcript beside it', async () => {
    const page = await signedInPage(browser, hub.url, OWNER, WAIT);
    const caller = '+14155550192';
    const call = await sim.placeCall({
      from: caller,
      lines: [{ digits: '0' }, { speech: 'Please call me back about the invoice.' }],
    });
    await call.done;
    expect(call.verbs).toContain('Record');
    const conversationId = await eventually(
      async () =>
        (
          await hub.api<{ data: Array<{ id: string; address: string }> }>(
            'GET',
            `/api/v1/conversations?connectionId=${connectionId}&limit=50`,
          )
        ).body.data.find((c) => c.address === caller)?.id,
      WAIT,
      'the voicemail conversation',
    );
    await page.goto(`${hub.url}/app/#/inbox/${conversationId}`);
    const voicemail = page.locator('li.call-turn[data-speaker="caller"][data-type="audio"]', { hasText: 'Voicemail' });
    const play = voicemail.getByRole('button', { name: 'Play voicemail' });
    await play.waitFor();
    await page
      .locator('li.call-turn[data-speaker="caller"]', { hasText: 'Please call me back about the invoice.' })
      .getByText('Voicemail transcript')
      .waitFor();
    // the inbox line says a voicemail waits, and the voicemail's words find the conversation
    const row = page.locator(`a[data-conversation="${conversationId}"]`);
    await row.locator('.conv-preview', { hasText: /^Call · completed · \d+:\d\d · voicemail$/ }).waitFor();
    const found = await hub.api<{ data: Array<{ id: string }> }>('GET', '/api/v1/conversations?q=the%20invoice');
    expect(found.body.data.map((c) => c.id)).toEqual([conversationId]);
    await play.click();
    // the file loads and plays: the button turns into Pause until the end (the WAV is a couple of seconds long)
    await voicemail.getByRole('button', { name: 'Pause voicemail' }).waitFor();
    await page.screenshot({ path: `${SHOTS}app-call-voicemail-1280.png` });
    await page.close();
  });

  it('at 390 px: the contact panel’s Call button places a call answered by the agent picked', async () => {
    const page = await signedInPage(browser, hub.url, OWNER, WAIT);
    await page.setViewportSize({ width: 390, height: 860 });
    const callee = '+14155550191';
    sim.setCallee(callee, 'human', [
      { speech: 'Hello?', afterSeconds: 1 },
      { digits: '2', afterSeconds: 2 },
    ]);
    const conversationId = (
      await hub.api<{ data: Array<{ id: string; address: string }> }>(
        'GET',
        `/api/v1/conversations?connectionId=${connectionId}&limit=50`,
      )
    ).body.data.find((c) => c.address === callee)?.id as string;
    await page.goto(`${hub.url}/app/#/inbox/${conversationId}`);
    await page.locator('.call-head').waitFor();
    const details = page.getByRole('button', { name: 'Contact details' });
    if ((await details.getAttribute('aria-expanded')) !== 'true') await details.click();
    const panel = page.getByRole('complementary', { name: 'Contact' });
    // a contact known only from phone calls is offered a call, never a conversation the hub refuses (422)
    await panel.locator('[data-notice="calls-only"]', { hasText: 'can be reached by phone call only' }).waitFor();
    expect(await panel.getByRole('button', { name: 'Start a new conversation' }).count()).toBe(0);
    await panel.getByRole('button', { name: 'Call', exact: true }).click();
    await panel.getByLabel('Answered by').selectOption({ label: 'Reminders' });
    await page.screenshot({ path: `${SHOTS}app-call-button-390.png` });
    const placed = page.waitForResponse((r) => r.url().endsWith('/api/v1/calls') && r.request().method() === 'POST');
    await panel.getByRole('button', { name: 'Call now' }).click();
    const response = await placed;
    expect(response.status()).toBe(201);
    const body = (await response.json()) as { id: string; conversationId: string; providerCallId: string };
    expect(body).toMatchObject({ agentId: reminderAgent, direction: 'outbound', to: callee });
    await expect
      .poll(() => page.evaluate(() => (globalThis as unknown as { location: { hash: string } }).location.hash), {
        timeout: WAIT,
      })
      .toContain(body.conversationId);
    const head = page.locator('.call-head');
    await head.getByText('Outgoing call').waitFor();
    await page.locator('li.call-turn[data-speaker="agent"]', { hasText: 'Hi, Acme reminders here.' }).waitFor();
    await page.locator('li.call-turn[data-speaker="agent"]', { hasText: 'Please call again tomorrow.' }).waitFor();
    expect(await page.locator('li.call-turn[data-speaker="caller"] .call-speaker').first().textContent()).toBe(
      'Customer',
    );
    const simCall = await eventually(() => sim.call(body.providerCallId), WAIT, 'the placed call');
    await simCall.done;
    await head.locator('.call-outcome', { hasText: 'Completed' }).waitFor();
    await page.screenshot({ path: `${SHOTS}app-call-outbound-390.png`, fullPage: true });
    await page.close();
  });
});
