/**
 * Browser end-to-end test of mail in the operator app, against a real Dovecot + SMTP (testing/dovecot.ts) and a real
 * hub: a mail reads like mail (subject at the top, from/to/cc, the quoted part folded behind "…"), its HTML shows in
 * a sandboxed frame where a script tag never runs and a tracking pixel never loads — until the operator clicks
 * "Load images", which fetches the remote image and still runs nothing — and a reply with cc reaches both mailboxes.
 * Needs `npm run build -w @switchboard/web` first, and Chromium at /usr/bin/chromium (or CHROMIUM_PATH).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ImapFlow } from 'imapflow';
import { simpleParser } from 'mailparser';
import nodemailer from 'nodemailer';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, requireBrowserSetup, SHOTS, signedInPage } from '../../testing/browser.js';
import { startDovecot, startMta, type Dovecot, type Mta } from '../../testing/dovecot.js';
import { eventually, startTestServer, type TestServer } from '../../testing/test-server.js';
import { TINY_PNG } from '../../testing/hub-reads.js';

const WAIT = 15_000;
const OWNER = { email: 'owner@example.test', password: 'owner-password-1' };
const USERS = [
  { user: 'support', password: 'support-pw' },
  { user: 'customer', password: 'customer-pw' },
  { user: 'colleague', password: 'colleague-pw' },
];
const PNG = TINY_PNG;

describe('browser: mail reads like mail, and nothing in it runs', () => {
  let dovecot: Dovecot;
  let mta: Mta;
  let hub: TestServer;
  let browser: Browser;
  /** the remote site a mail points at: every request it gets is counted here */
  let tracker: Server;
  const hits: string[] = [];
  let trackerUrl = '';
  let conversationId = '';

  const mailsOf = async (user: string) => {
    const client = new ImapFlow({
      host: dovecot.host,
      port: dovecot.imapPort,
      secure: false,
      auth: { user, pass: `${user}-pw` },
      logger: false,
    });
    await client.connect();
    try {
      const lock = await client.getMailboxLock('INBOX');
      try {
        const out = [];
        if (client.mailbox && client.mailbox.exists > 0)
          for await (const m of client.fetch('1:*', { source: true }))
            if (m.source) out.push(await simpleParser(m.source));
        return out;
      } finally {
        lock.release();
      }
    } finally {
      await client.logout();
    }
  };

  beforeAll(async () => {
    requireBrowserSetup();
    tracker = createServer((req, res) => {
      hits.push(req.url ?? '');
      res.writeHead(200, { 'content-type': 'image/png' }).end(PNG);
    });
    await new Promise<void>((r) => tracker.listen(0, '127.0.0.1', r));
    trackerUrl = `http://127.0.0.1:${(tracker.address() as AddressInfo).port}`;
    dovecot = await startDovecot(USERS);
    mta = await startMta(dovecot, USERS);
    hub = await startTestServer({
      env: { SWITCHBOARD_OWNER_EMAIL: OWNER.email, SWITCHBOARD_OWNER_PASSWORD: OWNER.password },
    });
    const conn = await hub.api<{ id: string }>('POST', '/api/v1/connections', {
      type: 'email',
      name: 'Support mailbox',
      config: {
        address: 'support@example.test',
        imap: { host: '127.0.0.1', port: dovecot.imapPort, secure: false, user: 'support' },
        smtp: { host: '127.0.0.1', port: mta.port, secure: false, starttls: false, user: 'support' },
        imapPassword: 'support-pw',
        smtpPassword: 'support-pw',
        pollSeconds: 5,
      },
    });
    expect((await hub.api<{ status: string }>('POST', `/api/v1/connections/${conn.body.id}/start`)).body.status).toBe(
      'RUNNING',
    );
    await nodemailer
      .createTransport({
        host: '127.0.0.1',
        port: mta.port,
        secure: false,
        ignoreTLS: true,
        auth: { user: 'customer', pass: 'customer-pw' },
      })
      .sendMail({
        from: 'Ana Customer <customer@example.test>',
        to: 'support@example.test',
        cc: 'colleague@example.test',
        subject: 'Re: Broken charger',
        text: 'It still does not charge.\n\nOn Monday Support wrote:\n> Please try another cable.\n',
        html:
          '<p>It still does <b>not</b> charge.</p><img alt="photo" src="cid:photo@customer">' +
          `<script>fetch('${trackerUrl}/script-ran')</script>` +
          `<img alt="pixel" src="${trackerUrl}/pixel.gif" width="1" height="1">` +
          `<img src="x" onerror="fetch('${trackerUrl}/onerror-ran')">` +
          '<blockquote>Please try another cable.</blockquote>',
        attachments: [{ filename: 'photo.png', content: PNG, contentType: 'image/png', cid: 'photo@customer' }],
      });
    conversationId = (
      await eventually(
        async () => (await hub.api<{ data: Array<{ id: string }> }>('GET', '/api/v1/conversations')).body.data[0],
        WAIT,
        'the conversation',
      )
    ).id;
    browser = await launchChromium();
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await hub?.close();
    await mta?.stop();
    await dovecot?.stop();
    await new Promise((r) => tracker?.close(r));
  });

  it('shows subject, from, to and cc; the HTML in a frame with the quote folded; no script, no pixel', async () => {
    const page = await signedInPage(browser, hub.url, OWNER, WAIT);
    await page.goto(`${hub.url}/app/#/inbox/${conversationId}`);
    await expect.poll(() => page.locator('.conv-head').textContent(), { timeout: WAIT }).toContain('Broken charger');
    const mail = page.getByLabel('Mail from customer@example.test');
    await expect
      .poll(() => mail.locator('.mail-head').textContent(), { timeout: WAIT })
      .toMatch(/FromAna Customer <customer@example\.test>.*Tosupport@example\.test.*Cccolleague@example\.test/);
    const frame = page.frameLocator('iframe[title="Mail: Re: Broken charger"]');
    await expect
      .poll(() => frame.locator('body').textContent(), { timeout: WAIT })
      .toContain('It still does not charge.');
    expect(await frame.locator('body').textContent()).not.toContain('Please try another cable.');
    // the inline image is the mail's own attachment, from the hub's media store
    await expect
      .poll(
        () =>
          frame
            .locator('img[alt="photo"]')
            .evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth),
        {
          timeout: WAIT,
        },
      )
      .toBe(1);
    expect(await page.locator('iframe').first().getAttribute('sandbox')).not.toContain('allow-scripts');
    await new Promise((r) => setTimeout(r, 1000));
    expect(hits).toEqual([]);
    await page.screenshot({ path: `${SHOTS}app-email-mail-view.png` });

    await mail.getByRole('button', { name: 'Show quoted text' }).click();
    await expect
      .poll(() => frame.locator('body').textContent(), { timeout: WAIT })
      .toContain('Please try another cable.');
    await mail.getByRole('button', { name: 'Load images' }).click();
    await expect.poll(() => hits, { timeout: WAIT }).toContain('/pixel.gif');
    await new Promise((r) => setTimeout(r, 500));
    // asked for, the remote image loads; the script and the handler still never ran
    expect(hits).toEqual(['/pixel.gif']);
    await page.close();
  });

  it('a reply with cc reaches the customer and the colleague', async () => {
    const page = await signedInPage(browser, hub.url, OWNER, WAIT);
    await page.goto(`${hub.url}/app/#/inbox/${conversationId}`);
    const composer = page.getByRole('form', { name: 'Reply' });
    await composer.getByLabel('Cc').fill('colleague@example.test');
    await composer.getByLabel('Message', { exact: true }).fill('A new charger is on its way.');
    await composer.getByRole('button', { name: 'Send' }).click();
    const got = await eventually(
      async () => (await mailsOf('customer')).find((m) => m.text?.includes('A new charger is on its way.')),
      WAIT,
      'the reply at the customer',
    );
    expect(got.subject).toBe('Re: Broken charger');
    expect(got.cc && !Array.isArray(got.cc) ? got.cc.value.map((a) => a.address) : []).toEqual([
      'colleague@example.test',
    ]);
    await eventually(
      async () => (await mailsOf('colleague')).find((m) => m.messageId === got.messageId),
      WAIT,
      'the copy at the colleague',
    );
    await page.close();
  });

  it("the channel list's Test connection shows each server's answer", async () => {
    const page = await signedInPage(browser, hub.url, OWNER, WAIT);
    await page.goto(`${hub.url}/app/#/settings/channels`);
    await page.getByRole('button', { name: 'Test connection Support mailbox' }).click();
    const result = page.getByRole('list', { name: 'Connection test of Support mailbox' });
    await expect
      .poll(() => result.textContent(), { timeout: WAIT })
      .toMatch(/IMAP: OK logged in as support; INBOX has \d+ messages.*SMTP: OK logged in as support/);
    await page.screenshot({ path: `${SHOTS}app-email-test-connection.png` });
    await page.close();
  });

  it('a new mail thread started from the contact panel carries its subject', async () => {
    const page = await signedInPage(browser, hub.url, OWNER, WAIT);
    await page.goto(`${hub.url}/app/#/inbox/${conversationId}`);
    await page.getByRole('button', { name: 'Start a new conversation' }).click();
    await page.getByLabel('Subject').fill('Your replacement charger');
    await page.getByLabel('First message').fill('It left our warehouse today.');
    await page.locator('.new-conversation-text').getByRole('button', { name: 'Send' }).click();
    const got = await eventually(
      async () => (await mailsOf('customer')).find((m) => m.subject === 'Your replacement charger'),
      WAIT,
      'the new thread at the customer',
    );
    expect(got.text).toContain('It left our warehouse today.');
    expect(got.inReplyTo).toBeUndefined();
    await page.close();
  });
});
