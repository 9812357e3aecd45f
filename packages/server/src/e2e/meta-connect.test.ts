/**
 * "Connect with Meta" end to end at the API level: a real hub with SWITCHBOARD_META_APP_ID/_SECRET against the
 * Facebook Login simulator (the consent page, the code exchange, long-lived tokens, me/accounts, debug_token), which
 * forwards the rest of Graph to the Messenger Platform and WhatsApp Cloud simulators. Messenger, Instagram and
 * WhatsApp connections are created from the pick and started (webhooks subscribed); a forged, replayed or foreign
 * state is refused and creates nothing; without the app settings the switch says why it is off.
 */
import {
  startMetaLoginSimulator,
  startMetaMessagingSimulator,
  startWhatsAppSimulator,
  type MetaLoginSimulator,
  type MetaMessagingSimulator,
  type WhatsAppSimulator,
} from '@switchboard/simulators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing/test-server.js';

const APP_ID = '640129912345678';
const APP_SECRET = 'meta-app-secret-for-tests-0000001';
const LONG_TOKEN = 'EAALong-lived-user-token-for-tests-0001';

interface Conn {
  id: string;
  type: string;
  status: string;
  statusReason: string | null;
  config: Record<string, unknown>;
}
interface Accounts {
  channelType: string;
  pages: Array<{ id: string; name: string; instagram?: { id: string; username?: string } }>;
  whatsapp: Array<{ businessAccountId: string; phoneNumbers: Array<{ id: string; displayPhoneNumber?: string }> }>;
}

describe('Connect with Meta', () => {
  let login: MetaLoginSimulator;
  let messaging: MetaMessagingSimulator;
  let wa: WhatsAppSimulator;
  let t: TestServer;
  let pageId: string;
  let igId: string;

  beforeAll(async () => {
    messaging = await startMetaMessagingSimulator({ appSecret: APP_SECRET });
    const page = messaging.createPage({ name: 'Acme Support' });
    const ig = messaging.createInstagramAccount({ name: 'acme.shop', token: page.token });
    pageId = page.id;
    igId = ig.id;
    wa = await startWhatsAppSimulator({ appSecret: APP_SECRET, rateLimits: false });
    const d = wa.defaults;
    if (!d) throw new Error('whatsapp simulator not seeded');
    wa.createAccessToken({ token: LONG_TOKEN, wabaIds: [d.wabaId] });
    login = await startMetaLoginSimulator({
      appId: APP_ID,
      appSecret: APP_SECRET,
      longLivedToken: LONG_TOKEN,
      pages: [
        { id: page.id, name: 'Acme Support', token: page.token, instagram: { id: ig.id, username: 'acme.shop' } },
      ],
      wabas: [
        {
          id: d.wabaId,
          name: 'Acme WhatsApp',
          phoneNumbers: [{ id: d.phoneNumberId, displayPhoneNumber: `+${d.displayPhoneNumber}`, verifiedName: 'Acme' }],
        },
      ],
      backends: [
        { url: messaging.url, ids: [page.id, ig.id] },
        { url: wa.url, ids: [d.wabaId, d.phoneNumberId] },
      ],
    });
    t = await startTestServer({
      env: {
        SWITCHBOARD_META_APP_ID: APP_ID,
        SWITCHBOARD_META_APP_SECRET: APP_SECRET,
        SWITCHBOARD_META_GRAPH_URL: login.url,
        SWITCHBOARD_META_DIALOG_URL: login.url,
      },
    });
  });
  afterAll(async () => {
    await t?.close();
    await login?.close();
    await messaging?.close();
    await wa?.close();
  });

  /** opens the dialog through the API: the dialog URL, and the cookie the browser now holds */
  const open = async (type: string) => {
    const res = await t.api<{ grantId: string; dialogUrl: string }>('POST', '/api/v1/meta/connect', { type });
    expect(res.status).toBe(201);
    const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    expect(res.headers.get('set-cookie')).toMatch(/HttpOnly/);
    expect(res.headers.get('set-cookie')).toMatch(/SameSite=Lax/);
    return { ...res.body, cookie };
  };
  /** the person presses "Continue" on the consent page: answers where Facebook sends the browser */
  const consent = async (dialogUrl: string, decision = 'allow') => {
    const page = await fetch(dialogUrl);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<button type="submit" name="decision" value="allow"');
    const form = new URLSearchParams();
    for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g))
      form.set(m[1] as string, (m[2] as string).replace(/&amp;/g, '&').replace(/&quot;/g, '"'));
    form.set('decision', decision);
    const answer = await fetch(new URL('/dialog/oauth/confirm', dialogUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form,
      redirect: 'manual',
    });
    expect(answer.status).toBe(302);
    return answer.headers.get('location') ?? '';
  };
  const callback = (location: string, cookie: string | undefined) =>
    fetch(location.replace(/#.*$/, ''), { redirect: 'manual', headers: cookie ? { cookie } : {} });
  /** the whole browser round trip: the grant id the app is sent back with */
  const connectFlow = async (type: string) => {
    const { dialogUrl, cookie } = await open(type);
    const back = await callback(await consent(dialogUrl), cookie);
    expect(back.status).toBe(303);
    const grant = /metaGrant=([^&#]+)/.exec(back.headers.get('location') ?? '')?.[1];
    expect(grant).toBeDefined();
    return grant as string;
  };
  const connectionCount = async () =>
    (await t.api<{ data: unknown[] }>('GET', '/api/v1/connections?limit=200')).body.data.length;

  it('says the switch is on, with the types it offers', async () => {
    const res = await t.api<{ enabled: boolean; reason: string | null; types: string[] }>(
      'GET',
      '/api/v1/meta/connect',
    );
    expect(res.body).toEqual({ enabled: true, reason: null, types: ['messenger', 'instagram', 'whatsapp'] });
  });

  it('opens the dialog for our app with the channel’s permissions and a state', async () => {
    const { dialogUrl } = await open('messenger');
    const url = new URL(dialogUrl);
    expect(url.origin + url.pathname).toBe(`${login.url}/v21.0/dialog/oauth`);
    expect(url.searchParams.get('client_id')).toBe(APP_ID);
    expect(url.searchParams.get('redirect_uri')).toBe(`${t.url}/meta/connect/callback`);
    expect(url.searchParams.get('scope')).toBe('pages_show_list,pages_messaging,pages_manage_metadata');
    expect(url.searchParams.get('state')?.length).toBeGreaterThanOrEqual(40);
  });

  it('Messenger: lists the Pages granted and creates the picked one, started with its webhooks subscribed', async () => {
    const grant = await connectFlow('messenger');
    const accounts = await t.api<Accounts>('GET', `/api/v1/meta/connect/${grant}/accounts`);
    expect(accounts.body).toMatchObject({ channelType: 'messenger', pages: [{ id: pageId, name: 'Acme Support' }] });
    const created = await t.api<Conn>('POST', `/api/v1/meta/connect/${grant}/connections`, {
      accountId: pageId,
      name: 'Acme on Messenger',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ type: 'messenger', status: 'RUNNING', config: { pageId } });
    // the tokens are secrets: masked in every answer
    expect(JSON.stringify(created.body)).not.toContain(APP_SECRET);
    expect(JSON.stringify(created.body)).not.toMatch(/"pageAccessToken":"(?!\*)/);
    expect(messaging.calls().some((c) => c.method === 'POST' && c.path.endsWith(`/${pageId}/subscribed_apps`))).toBe(
      true,
    );
    // the code was exchanged once, for the redirect URI the dialog had
    expect(login.codes().filter((c) => c.used).length).toBeGreaterThanOrEqual(1);
  });

  it('Instagram: lists the Instagram accounts linked to the Pages and connects one', async () => {
    const grant = await connectFlow('instagram');
    const accounts = await t.api<Accounts>('GET', `/api/v1/meta/connect/${grant}/accounts`);
    expect(accounts.body.pages).toEqual([
      { id: pageId, name: 'Acme Support', instagram: { id: igId, username: 'acme.shop' } },
    ]);
    const created = await t.api<Conn>('POST', `/api/v1/meta/connect/${grant}/connections`, {
      accountId: igId,
      name: 'Acme on Instagram',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ type: 'instagram', status: 'RUNNING', config: { instagramAccountId: igId } });
  });

  it('WhatsApp: lists the accounts and numbers of the granted scopes and connects them, subscribed', async () => {
    const d = wa.defaults;
    const grant = await connectFlow('whatsapp');
    const accounts = await t.api<Accounts>('GET', `/api/v1/meta/connect/${grant}/accounts`);
    expect(accounts.body.whatsapp).toEqual([
      {
        businessAccountId: d?.wabaId,
        phoneNumbers: [{ id: d?.phoneNumberId, displayPhoneNumber: `+${d?.displayPhoneNumber}`, verifiedName: 'Acme' }],
      },
    ]);
    const refused = await t.api('POST', `/api/v1/meta/connect/${grant}/connections`, {
      accountId: '999999999',
      name: 'Not mine',
    });
    expect(refused.status).toBe(400);
    const created = await t.api<Conn>('POST', `/api/v1/meta/connect/${grant}/connections`, {
      accountId: d?.wabaId,
      name: 'Acme on WhatsApp',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      type: 'whatsapp',
      status: 'RUNNING',
      config: { businessAccountId: d?.wabaId, phoneNumberIds: [d?.phoneNumberId] },
    });
    expect(JSON.stringify(created.body)).not.toContain(LONG_TOKEN);
    expect(wa.apiCalls({ op: 'subscribed_apps' }).length).toBeGreaterThanOrEqual(1);
  });

  it('refuses a forged state, a replayed one and one from another browser, and creates nothing', async () => {
    const before = await connectionCount();
    const { dialogUrl, cookie } = await open('messenger');
    const location = await consent(dialogUrl);

    const forged = new URL(location.replace(/#.*$/, ''));
    forged.searchParams.set('state', 'forged-state-0000000000000000000000000000000');
    expect((await callback(forged.toString(), cookie)).status).toBe(403);

    // the real state, but from a browser that never opened the dialog (no cookie, or someone else's)
    const other = await open('messenger');
    const otherLocation = await consent(other.dialogUrl);
    expect((await callback(otherLocation, cookie)).status).toBe(403);
    expect((await callback(otherLocation, other.cookie)).status).toBe(403); // already spent by the wrong browser

    const first = await callback(location, cookie);
    expect(first.status).toBe(303);
    const replay = await callback(location, cookie);
    expect(replay.status).toBe(403);
    expect(((await replay.json()) as { error: { message: string } }).error.message).toMatch(/already used/);

    // a grant belongs to the one who opened it: an unknown id is not found
    expect((await t.api('GET', '/api/v1/meta/connect/mcg_unknown/accounts')).status).toBe(404);
    expect(await connectionCount()).toBe(before);
  });

  it('a person who cancels on the consent page gets no grant', async () => {
    const { dialogUrl, cookie } = await open('messenger');
    const location = await consent(dialogUrl, 'deny');
    expect(location).toContain('error=access_denied');
    expect((await callback(location, cookie)).status).toBe(400);
  });

  it('refuses channels that are not Meta’s', async () => {
    expect((await t.api('POST', '/api/v1/meta/connect', { type: 'telegram' })).status).toBe(400);
  });
});

describe('Connect with Meta without a Meta app', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('is off, with the text the add form shows, and opening a dialog is refused', async () => {
    const res = await t.api<{ enabled: boolean; reason: string | null }>('GET', '/api/v1/meta/connect');
    expect(res.body).toMatchObject({
      enabled: false,
      reason: 'Meta App ID and App Secret are not configured on the server',
    });
    expect((await t.api('POST', '/api/v1/meta/connect', { type: 'messenger' })).status).toBe(409);
  });
});
