// The Facebook Login simulator on its own: the consent page, single-use codes bound to their redirect URI, the
// long-lived exchange, me/accounts, debug_token's granular scopes, and forwarding of other Graph paths
// (https://developers.facebook.com/docs/facebook-login/guides/advanced/manual-flow).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMetaLoginSimulator, type MetaLoginSimulator } from './simulator.js';

let sim: MetaLoginSimulator;
let backend: Server;
let backendUrl = '';
const REDIRECT = 'http://127.0.0.1:1/meta/connect/callback';

beforeAll(async () => {
  backend = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ forwarded: req.url, auth: req.headers.authorization ?? null }));
  });
  await new Promise<void>((r) => backend.listen(0, '127.0.0.1', r));
  backendUrl = `http://127.0.0.1:${(backend.address() as AddressInfo).port}`;
  sim = await startMetaLoginSimulator({
    appId: '640129912345670',
    appSecret: 'sim-app-secret-0001',
    pages: [{ id: '1001', name: 'Acme', token: 'PAGE-TOKEN', instagram: { id: '1789', username: 'acme' } }],
    wabas: [
      {
        id: '2002',
        name: 'Acme WA',
        phoneNumbers: [{ id: '3003', displayPhoneNumber: '+1 555', verifiedName: 'Acme' }],
      },
    ],
    backends: [{ url: backendUrl, ids: ['1001'] }],
  });
});
afterAll(async () => {
  await sim.close();
  await new Promise((r) => backend.close(r));
});

async function codeFor(scope: string, decision = 'allow'): Promise<URL> {
  const dialog = new URL(`${sim.url}/v21.0/dialog/oauth`);
  for (const [k, v] of Object.entries({
    client_id: sim.app.id,
    redirect_uri: REDIRECT,
    state: 's-1',
    scope,
    response_type: 'code',
  }))
    dialog.searchParams.set(k, v);
  const page = await fetch(dialog);
  expect(page.status).toBe(200);
  expect(await page.text()).toContain('Continue as');
  const res = await fetch(`${sim.url}/dialog/oauth/confirm`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: sim.app.id, redirect_uri: REDIRECT, state: 's-1', scope, decision }),
    redirect: 'manual',
  });
  expect(res.status).toBe(302);
  return new URL(res.headers.get('location') ?? '');
}
const graph = async (path: string, query: Record<string, string>) => {
  const url = new URL(`${sim.url}/v21.0/${path}`);
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  const res = await fetch(url);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

describe('the dialog and the code', () => {
  it('refuses an unknown app id on the dialog', async () => {
    const res = await fetch(`${sim.url}/v21.0/dialog/oauth?client_id=1&redirect_uri=${REDIRECT}&response_type=code`);
    expect(res.status).toBe(400);
  });

  it('redirects with code and state; the code works once, for its redirect URI, with the right secret', async () => {
    const back = await codeFor('pages_show_list,pages_messaging');
    expect(back.searchParams.get('state')).toBe('s-1');
    const code = back.searchParams.get('code') ?? '';
    const base = { client_id: sim.app.id, client_secret: sim.app.secret, redirect_uri: REDIRECT, code };
    expect((await graph('oauth/access_token', { ...base, client_secret: 'wrong' })).body).toMatchObject({
      error: { code: 1, type: 'OAuthException' },
    });
    expect((await graph('oauth/access_token', { ...base, redirect_uri: 'http://evil.example/cb' })).status).toBe(400);
    const short = await graph('oauth/access_token', base);
    expect(short.body).toMatchObject({ token_type: 'bearer' });
    expect((await graph('oauth/access_token', base)).body).toMatchObject({
      error: { code: 100, error_subcode: 36009 },
    });
    const long = await graph('oauth/access_token', {
      grant_type: 'fb_exchange_token',
      client_id: sim.app.id,
      client_secret: sim.app.secret,
      fb_exchange_token: String(short.body.access_token),
    });
    expect(long.body).toEqual({ access_token: sim.longLivedToken, token_type: 'bearer', expires_in: 5183944 });
    const pages = await graph('me/accounts', { access_token: sim.longLivedToken });
    expect(pages.body.data).toEqual([
      expect.objectContaining({
        id: '1001',
        access_token: 'PAGE-TOKEN',
        instagram_business_account: { id: '1789', username: 'acme' },
      }),
    ]);
  });

  it('answers access_denied when the person cancels', async () => {
    const back = await codeFor('pages_show_list', 'deny');
    expect(back.searchParams.get('error')).toBe('access_denied');
    expect(back.searchParams.get('code')).toBeNull();
  });
});

describe('debug_token, phone numbers and forwarding', () => {
  it('names the WhatsApp accounts granted, lists their numbers, and forwards page paths', async () => {
    const code =
      (await codeFor('whatsapp_business_management,whatsapp_business_messaging')).searchParams.get('code') ?? '';
    const short = await graph('oauth/access_token', {
      client_id: sim.app.id,
      client_secret: sim.app.secret,
      redirect_uri: REDIRECT,
      code,
    });
    const token = String(short.body.access_token);
    expect((await graph('debug_token', { input_token: token, access_token: 'bad' })).status).toBe(400);
    const debug = await graph('debug_token', { input_token: token, access_token: `${sim.app.id}|${sim.app.secret}` });
    expect(debug.body.data).toMatchObject({
      is_valid: true,
      granular_scopes: [{ scope: 'whatsapp_business_management', target_ids: ['2002'] }, expect.anything()],
    });
    expect((await graph('2002/phone_numbers', { access_token: token })).body).toEqual({
      data: [{ id: '3003', display_phone_number: '+1 555', verified_name: 'Acme', quality_rating: 'GREEN' }],
    });
    expect((await graph('1001/subscribed_apps', { access_token: 'PAGE-TOKEN' })).body).toMatchObject({
      forwarded: '/v21.0/1001/subscribed_apps?access_token=PAGE-TOKEN',
    });
    expect((await graph('9999', {})).status).toBe(404);
  });
});
