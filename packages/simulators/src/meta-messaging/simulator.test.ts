// The Messenger Platform simulator: webhooks signed as Meta signs them (checked with WebCrypto, an implementation
// independent of the simulator's node:crypto createHmac), the handshake, Send API errors in Graph's envelope, echoes
// of every send with our metadata, the 24 h / HUMAN_AGENT window, and scripted faults.
import { webcrypto } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebhookReceiver, type WebhookReceiver } from '../testing/webhook-receiver.js';
import { startMetaMessagingSimulator, type MetaAccount, type MetaMessagingSimulator } from './simulator.js';
import { pictureFor } from '../media/solid-png.js';

async function webCryptoSignature(secret: string, body: Buffer): Promise<string> {
  const key = await webcrypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  const mac = Buffer.from(await webcrypto.subtle.sign('HMAC', key, body));
  return `sha256=${mac.toString('hex')}`;
}

describe('Messenger Platform simulator', () => {
  let sim: MetaMessagingSimulator;
  let hook: WebhookReceiver;
  let page: MetaAccount;
  let psid: string;
  const graph = (path: string, body?: unknown, token = page.token) =>
    fetch(`${sim.url}/v21.0/${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  beforeAll(async () => {
    sim = await startMetaMessagingSimulator({ appSecret: 'app_secret', deliveryAfterMs: 10 });
    hook = await startWebhookReceiver();
    hook.fallback = (req) => {
      const challenge = new URL(req.path, 'http://x').searchParams.get('hub.challenge');
      return challenge ? { status: 200, body: challenge } : { status: 200 };
    };
    page = sim.createPage();
    psid = sim.createCustomer({ accountId: page.id }).id;
    expect((await sim.configureWebhook({ url: hook.url, verifyToken: 'tok' })).ok).toBe(true);
    expect((await graph(`${page.id}/subscribed_apps`, { subscribed_fields: 'messages,message_echoes' })).status).toBe(
      200,
    );
  });
  afterAll(async () => {
    await sim?.close();
    await hook?.close();
  });

  it('signs every webhook with X-Hub-Signature-256 over the raw bytes (checked with WebCrypto)', async () => {
    const before = hook.requests.length;
    sim.sendText({ accountId: page.id, from: psid, text: 'héllo/😀' });
    const [req] = (await hook.waitFor(before + 1)).slice(before);
    if (!req) throw new Error('no webhook');
    expect(req.headers['x-hub-signature-256']).toBe(await webCryptoSignature('app_secret', req.body));
    // Meta's escaping: non-ASCII as \uXXXX and "/" as "\/"
    expect(req.body.toString()).toContain('h\\u00e9llo\\/');
    const body = JSON.parse(req.body.toString()) as { object: string; entry: Array<{ messaging: unknown[] }> };
    expect(body.object).toBe('page');
    expect(body.entry[0]?.messaging[0]).toMatchObject({ sender: { id: psid }, message: { text: 'héllo/😀' } });
  });

  it('answers sends with a mid, echoes them with our metadata, refuses bad tokens (190) and closed windows (10/2018278)', async () => {
    const before = hook.requests.length;
    const ok = await graph(`${page.id}/messages`, {
      recipient: { id: psid },
      messaging_type: 'RESPONSE',
      message: { text: 'hi', metadata: 'switchboard:msg_1' },
    });
    const { message_id } = (await ok.json()) as { message_id: string };
    expect(message_id).toMatch(/^m_/);
    const reqs = (await hook.waitFor(before + 2))
      .slice(before)
      .map((r) => JSON.parse(r.body.toString()) as { entry: Array<{ messaging: Array<Record<string, unknown>> }> });
    const kinds = reqs.map((r) => r.entry[0]?.messaging[0]);
    expect(kinds).toContainEqual(
      expect.objectContaining({
        message: expect.objectContaining({ is_echo: true, mid: message_id, metadata: 'switchboard:msg_1' }),
      }),
    );
    expect(kinds).toContainEqual(
      expect.objectContaining({ delivery: expect.objectContaining({ mids: [message_id] }) }),
    );
    const bad = await graph(`${page.id}/messages`, { recipient: { id: psid }, message: { text: 'x' } }, 'EAAGwrong');
    expect(bad.status).toBe(401);
    expect(((await bad.json()) as { error: { code: number; fbtrace_id: string } }).error).toMatchObject({
      code: 190,
      type: 'OAuthException',
    });
    const stranger = sim.createCustomer({ accountId: page.id }).id; // never wrote: outside any window
    const closed = await graph(`${page.id}/messages`, {
      recipient: { id: stranger },
      messaging_type: 'MESSAGE_TAG',
      tag: 'HUMAN_AGENT',
      message: { text: 'x' },
    });
    expect(((await closed.json()) as { error: { code: number; error_subcode: number } }).error).toMatchObject({
      code: 10,
      error_subcode: 2018278,
    });
  });

  it('injects faults by operation', async () => {
    sim.fault({ op: 'messages', error: { code: 613 } });
    const limited = await graph(`${page.id}/messages`, { recipient: { id: psid }, message: { text: 'x' } });
    expect(((await limited.json()) as { error: { code: number } }).error.code).toBe(613);
    const next = await graph(`${page.id}/messages`, { recipient: { id: psid }, message: { text: 'x' } });
    expect(next.status).toBe(200);
  });

  it('answers user profiles with the fields asked for, per platform, and serves the picture', async () => {
    const peter = sim.createCustomer({ accountId: page.id, firstName: 'Peter', lastName: 'Chang' }).id;
    const res = await graph(`${peter}?fields=first_name,last_name,profile_pic`);
    const profile = (await res.json()) as Record<string, string>;
    expect(profile).toMatchObject({ id: peter, first_name: 'Peter', last_name: 'Chang' });
    expect(Object.keys(profile).sort()).toEqual(['first_name', 'id', 'last_name', 'profile_pic']);
    const picture = await fetch(profile.profile_pic as string);
    expect(picture.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await picture.arrayBuffer()).equals(pictureFor(peter))).toBe(true);
    // Instagram users have name and username, no first_name
    const ig = sim.createInstagramAccount();
    const igsid = sim.createCustomer({ accountId: ig.id, firstName: 'Mia', lastName: 'Rossi' }).id;
    const igProfile = await graph(`${igsid}?fields=name,username`, undefined, ig.token);
    expect(await igProfile.json()).toEqual({ name: 'Mia Rossi', username: 'mia.rossi', id: igsid });
    const wrongField = await graph(`${igsid}?fields=first_name`, undefined, ig.token);
    expect(((await wrongField.json()) as { error: { code: number } }).error.code).toBe(100);
    // another account's token sees no profile
    expect((await graph(`${igsid}?fields=name`)).status).toBe(401);
  });

  it('records sender actions, refusing unknown ones and ones sent with a message', async () => {
    const ok = await graph(`${page.id}/messages`, { recipient: { id: psid }, sender_action: 'mark_seen' });
    expect(ok.status).toBe(200);
    expect(sim.senderActions({ recipient: psid }).map((a) => a.action)).toContain('mark_seen');
    const unknown = await graph(`${page.id}/messages`, { recipient: { id: psid }, sender_action: 'dance' });
    expect(((await unknown.json()) as { error: { code: number } }).error.code).toBe(100);
    const both = await graph(`${page.id}/messages`, {
      recipient: { id: psid },
      sender_action: 'typing_on',
      message: { text: 'x' },
    });
    expect(both.status).toBe(400);
  });

  it('sends standby events under entry[].standby and referrals as their own messaging event', async () => {
    const before = hook.requests.length;
    sim.sendStandbyText({ accountId: page.id, from: psid, text: 'to the owner app' });
    sim.sendReferral({ accountId: page.id, from: psid, ref: 'spring', adId: '123' });
    const bodies = (await hook.waitFor(before + 2))
      .slice(before)
      .map((r) => JSON.parse(r.body.toString()) as { entry: Array<Record<string, Array<Record<string, unknown>>>> });
    expect(bodies.map((b) => b.entry[0]?.standby?.[0]?.message)).toContainEqual(
      expect.objectContaining({ text: 'to the owner app' }),
    );
    expect(bodies.map((b) => b.entry[0]?.messaging?.[0]?.referral)).toContainEqual({
      source: 'ADS',
      type: 'OPEN_THREAD',
      ref: 'spring',
      ad_id: '123',
    });
  });
  it("answers GET subscribed_apps with our app and its fields, and debug_token with the token's ends", async () => {
    const other = sim.createPage({ tokenExpiresInMs: 2 * 86_400_000, dataAccessExpiresInMs: 60 * 86_400_000 });
    expect(await (await graph(`${other.id}/subscribed_apps`, undefined, other.token)).json()).toEqual({ data: [] });
    await graph(`${other.id}/subscribed_apps`, { subscribed_fields: 'messages,standby' }, other.token);
    const subscribed = (await (await graph(`${other.id}/subscribed_apps`, undefined, other.token)).json()) as {
      data: Array<{ id: string; subscribed_fields: string[] }>;
    };
    expect(subscribed.data).toEqual([
      expect.objectContaining({ id: sim.app.id, subscribed_fields: ['messages', 'standby'] }),
    ]);
    const debug = (await (
      await graph(`debug_token?input_token=${encodeURIComponent(other.token)}`, undefined, other.token)
    ).json()) as { data: { app_id: string; is_valid: boolean; expires_at: number; data_access_expires_at: number } };
    expect(debug.data).toMatchObject({ app_id: sim.app.id, is_valid: true });
    expect(debug.data.expires_at * 1000 - Date.now()).toBeGreaterThan(86_400_000);
    expect(debug.data.expires_at * 1000 - Date.now()).toBeLessThanOrEqual(2 * 86_400_000);
    expect(debug.data.data_access_expires_at).toBeGreaterThan(debug.data.expires_at);
    expect((await graph('debug_token?input_token=x', undefined, 'not-a-token')).status).toBe(401);
    // an ended token: debug_token says why, every other call is refused with 190/463
    sim.setTokenExpiry(other.id, { expiresInMs: -1000 });
    const ended = (await (
      await graph(`debug_token?input_token=${encodeURIComponent(other.token)}`, undefined, page.token)
    ).json()) as { data: { is_valid: boolean; error: { code: number; subcode: number } } };
    expect(ended.data).toMatchObject({ is_valid: false, error: { code: 190, subcode: 463 } });
    const refused = (await (await graph(other.id, undefined, other.token)).json()) as {
      error: { code: number; error_subcode: number };
    };
    expect(refused.error).toMatchObject({ code: 190, error_subcode: 463 });
    sim.setSubscribedFields(page.id, null);
    expect(await (await graph(`${page.id}/subscribed_apps`)).json()).toEqual({ data: [] });
    sim.setSubscribedFields(page.id, ['messages', 'message_echoes']);
  });
});
