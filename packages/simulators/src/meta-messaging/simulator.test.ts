// The Messenger Platform simulator: webhooks signed as Meta signs them (checked with WebCrypto, an implementation
// independent of the simulator's node:crypto createHmac), the handshake, Send API errors in Graph's envelope, echoes
// of every send with our metadata, the 24 h / HUMAN_AGENT window, and scripted faults.
import { webcrypto } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebhookReceiver, type WebhookReceiver } from '../testing/webhook-receiver.js';
import { startMetaMessagingSimulator, type MetaAccount, type MetaMessagingSimulator } from './simulator.js';

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
});
