// The Intercom simulator: webhooks signed as Intercom documents (checked with node:crypto written independently here
// and the local test vector of the provider reference), retried with the same notification id, Bearer auth with
// Intercom's error.list, the Intercom-Version check, the 10-second rate-limit windows, replies and parts.
import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { startWebhookReceiver, type WebhookReceiver } from '../testing/webhook-receiver.js';
import { startIntercomSimulator, type IntercomSimulator } from './simulator.js';
import { signIntercomWebhook } from './webhook-delivery.js';

const api = (sim: IntercomSimulator, path: string, init: RequestInit = {}, token = sim.accessToken) =>
  fetch(`${sim.url}${path}`, {
    ...init,
    headers: {
      authorization: `Bearer ${token}`,
      'intercom-version': '2.11',
      'content-type': 'application/json',
      accept: 'application/json',
      ...(init.headers ?? {}),
    },
  });

describe('intercom simulator', () => {
  let sim: IntercomSimulator | undefined;
  let hook: WebhookReceiver | undefined;
  afterEach(async () => {
    await sim?.close();
    await hook?.close();
  });

  it('signs like the local test vector', () => {
    const body = Buffer.from('{"object":"whatsapp_business_account","entry":[]}');
    expect(signIntercomWebhook('hub_secret', body)).toBe('sha1=3a5e5a2554b1f3b998b613607597c8b7bdbe51ac');
  });

  it('answers GET /me and GET /admins for a valid token, error.list 401 for another, 400 for a bad version', async () => {
    sim = await startIntercomSimulator();
    const me = await api(sim, '/me');
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ type: 'admin', id: sim.botAdmin.id, app: { id_code: sim.appId } });
    expect((await api(sim, `/admins/${sim.teammate.id}`)).status).toBe(200);
    const missing = await api(sim, '/admins/1');
    expect(missing.status).toBe(404);
    const bad = await api(sim, '/me', {}, 'nope');
    expect(bad.status).toBe(401);
    expect(await bad.json()).toMatchObject({
      type: 'error.list',
      errors: [{ code: 'unauthorized', message: 'Access Token Invalid' }],
    });
    expect((await api(sim, '/me', { headers: { 'intercom-version': 'latest' } })).status).toBe(400);
    expect(sim.calls().map((c) => c.status)).toEqual([200, 200, 404, 401, 400]);
  });

  it('limits calls per 10-second window with X-RateLimit headers and a 429 error.list', async () => {
    sim = await startIntercomSimulator({ rateLimitPer10s: 2 });
    const a = await api(sim, '/me');
    expect(a.headers.get('x-ratelimit-limit')).toBe('2');
    expect(a.headers.get('x-ratelimit-remaining')).toBe('1');
    await api(sim, '/me');
    const limited = await api(sim, '/me');
    expect(limited.status).toBe(429);
    const reset = Number(limited.headers.get('x-ratelimit-reset'));
    expect(reset * 1000).toBeGreaterThan(Date.now() - 1000);
    expect(reset * 1000).toBeLessThanOrEqual(Date.now() + 10_000);
    expect(await limited.json()).toMatchObject({ errors: [{ code: 'rate_limit_exceeded' }] });
    sim.clock.advance(10_000);
    expect((await api(sim, '/me')).status).toBe(200);
  });

  it('notifies the subscribed topics signed with the client secret; retries with the same id and a higher attempt', async () => {
    sim = await startIntercomSimulator({ webhooks: { retryScale: 0.0001 } });
    hook = await startWebhookReceiver();
    hook.script({ status: 405 });
    // the Developer Hub's check: a URL that does not answer HEAD with 200 is refused
    await expect(sim.setWebhook(hook.url)).rejects.toThrow(/HEAD with 405/);
    hook.script({ status: 200 }, { status: 500 });
    await sim.setWebhook(hook.url, ['conversation.user.created']);
    const started = sim.customerStarts({ name: 'Ana', email: 'ana@example.com', text: 'hi <there>' });
    sim.teammateReplies(started.conversationId, 'not subscribed');
    await hook.waitFor(4, 5000);
    await sim.idle();
    expect(hook.requests.map((r) => r.method)).toEqual(['HEAD', 'HEAD', 'POST', 'POST']);
    const [first, second] = hook.requests.filter((r) => r.method === 'POST');
    for (const r of [first, second]) {
      const sig = createHmac('sha1', sim.clientSecret)
        .update(r?.body ?? Buffer.alloc(0))
        .digest('hex');
      expect(r?.headers['x-hub-signature']).toBe(`sha1=${sig}`);
      expect(r?.headers['user-agent']).toBe('intercom-parrot-service-client/1.0');
    }
    const a = JSON.parse(first?.body.toString() ?? '{}');
    const b = JSON.parse(second?.body.toString() ?? '{}');
    expect(a.id).toBe(b.id);
    expect([a.delivery_attempts, b.delivery_attempts]).toEqual([1, 2]);
    expect(a).toMatchObject({
      type: 'notification_event',
      topic: 'conversation.user.created',
      data: {
        item: {
          type: 'conversation',
          id: started.conversationId,
          source: { id: started.partId, body: '<p>hi &lt;there&gt;</p>', author: { type: 'user', name: 'Ana' } },
          contacts: { contacts: [{ id: started.contactId }] },
        },
      },
    });
    expect(hook.requests).toHaveLength(4);
  });

  it('takes admin replies and notes, refuses bad ones, closes and assigns, notifying each', async () => {
    sim = await startIntercomSimulator();
    hook = await startWebhookReceiver();
    await sim.setWebhook(hook.url);
    const { conversationId } = sim.customerStarts({ text: 'hello' });
    const ok = await api(sim, `/conversations/${conversationId}/reply`, {
      method: 'POST',
      body: JSON.stringify({ message_type: 'comment', type: 'admin', admin_id: sim.botAdmin.id, body: '<p>hi</p>' }),
    });
    expect(ok.status).toBe(200);
    const conv = (await ok.json()) as {
      conversation_parts: { conversation_parts: Array<{ id: string; author: { id: string } }> };
    };
    expect(conv.conversation_parts.conversation_parts.at(-1)?.author.id).toBe(sim.botAdmin.id);
    const noBody = await api(sim, `/conversations/${conversationId}/reply`, {
      method: 'POST',
      body: JSON.stringify({ message_type: 'comment', type: 'admin', admin_id: sim.botAdmin.id }),
    });
    expect(noBody.status).toBe(400);
    const gone = await api(sim, '/conversations/1/reply', { method: 'POST', body: '{}' });
    expect(gone.status).toBe(404);
    await api(sim, `/conversations/${conversationId}/parts`, {
      method: 'POST',
      body: JSON.stringify({ message_type: 'close', type: 'admin', admin_id: sim.botAdmin.id }),
    });
    expect(sim.conversation(conversationId)?.state).toBe('closed');
    await hook.waitFor(4, 5000);
    await sim.idle();
    expect(hook.requests.filter((r) => r.method === 'POST').map((r) => JSON.parse(r.body.toString()).topic)).toEqual([
      'conversation.user.created',
      'conversation.admin.replied',
      'conversation.admin.closed',
    ]);
  });

  it('closes promptly with webhook retries pending', async () => {
    sim = await startIntercomSimulator();
    hook = await startWebhookReceiver();
    hook.script({ status: 200 });
    hook.fallback = () => ({ status: 503 });
    await sim.setWebhook(hook.url);
    sim.customerStarts({ text: 'x' });
    await hook.waitFor(2, 5000);
    const t0 = Date.now();
    await sim.close();
    sim = undefined;
    expect(Date.now() - t0).toBeLessThan(2000);
  });
});
