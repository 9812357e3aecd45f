// The Bird simulator: webhooks signed as Bird documents (checked with node:crypto written independently here and the
// docs' reference vector), retried on failure, access-key auth with Bird's error body, the 429 rate limit, faults.
import { createHash, createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startBirdSimulator, type BirdSimulator } from './simulator.js';
import { signBirdWebhook } from './webhook-delivery.js';

/** the PHP sample of https://docs.bird.com/api/notifications-api/api-reference/webhooks/verifying-a-webhook, in Node */
function expected(key: string, ts: string, url: string, body: Buffer): string {
  const payloadHash = createHash('sha256').update(body).digest();
  return createHmac('sha256', key)
    .update(Buffer.concat([Buffer.from(ts + '\n' + url + '\n'), payloadHash]))
    .digest('base64');
}

interface Received {
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

async function receiver(statuses: number[]): Promise<{ url: string; got: Received[]; server: Server }> {
  const got: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      got.push({ headers: req.headers, body: Buffer.concat(chunks) });
      res.writeHead(statuses[Math.min(got.length - 1, statuses.length - 1)] ?? 200);
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, got, server };
}

const api = (sim: BirdSimulator, path: string, init: RequestInit = {}, key = sim.accessKey) =>
  fetch(`${sim.url}/workspaces/${sim.workspaceId}${path}`, {
    ...init,
    headers: { authorization: `AccessKey ${key}`, 'content-type': 'application/json', ...(init.headers ?? {}) },
  });

describe('bird simulator', () => {
  let sim: BirdSimulator | undefined;
  let server: Server | undefined;
  afterEach(async () => {
    await sim?.close();
    server?.close();
  });

  it('signs like the reference vector', () => {
    const body = Buffer.from('{"object":"whatsapp_business_account","entry":[]}');
    const url = 'https://example.test/webhooks/bird';
    expect(signBirdWebhook('signing_key', '1700000000', url, body)).toBe(
      '2pccQKgIupSPVNac7xutS1koBck0o9JkOG6RrxdKv/g=',
    );
    expect(expected('signing_key', '1700000000', url, body)).toBe('2pccQKgIupSPVNac7xutS1koBck0o9JkOG6RrxdKv/g=');
  });

  it('delivers signed inbound notifications to matching subscriptions and retries a failure', async () => {
    sim = await startBirdSimulator({ webhooks: { retryScale: 0.0005 } });
    const r = await receiver([500, 200]);
    server = r.server;
    const created = await api(sim, '/webhook-subscriptions', {
      method: 'POST',
      body: JSON.stringify({
        service: 'channels',
        event: 'whatsapp.inbound',
        url: r.url,
        signingKey: 'k-123456789012345',
        eventFilters: [{ key: 'channelId', value: sim.whatsappChannel.id }],
      }),
    });
    expect(created.status).toBe(201);
    expect(await created.json()).not.toHaveProperty('signingKey');
    sim.customerSends({ from: '+31612345678', text: 'hi' });
    sim.customerSends({ channelId: sim.smsChannel.id, from: '+31612345678', text: 'not for this filter' });
    await sim.idle();
    expect(r.got).toHaveLength(2);
    const last = r.got[1] as Received;
    const ts = String(last.headers['messagebird-request-timestamp']);
    expect(last.headers['messagebird-signature']).toBe(expected('k-123456789012345', ts, r.url, last.body));
    expect(JSON.parse(last.body.toString())).toMatchObject({
      service: 'channels',
      event: 'whatsapp.inbound',
      payload: {
        sender: { contact: { identifierValue: '+31612345678' } },
        body: { type: 'text', text: { text: 'hi' } },
      },
    });
    expect(sim.deliveries()[0]?.attempts.map((a) => a.status)).toEqual([500, 200]);
  });

  it('answers Bird error bodies: 401 without a valid key, 403 for another workspace, 422 for a bad payload, 429 over the limit', async () => {
    sim = await startBirdSimulator({ rateLimitPerSecond: 1 });
    const ch = `/channels/${sim.smsChannel.id}`;
    const noKey = await api(sim, ch, {}, 'wrong');
    expect(noKey.status).toBe(401);
    expect(await noKey.json()).toMatchObject({ code: 'Unauthorized' });
    const bad = await api(sim, `${ch}/messages`, { method: 'POST', body: JSON.stringify({ receiver: {} }) });
    expect(bad.status).toBe(422);
    expect(await bad.json()).toMatchObject({ code: 'InvalidPayload', details: expect.any(Object) });
    const limited = await api(sim, ch);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
    const other = await fetch(`${sim.url}/workspaces/other/channels/x`, {
      headers: { authorization: `AccessKey ${sim.accessKey}` },
    });
    expect(other.status).toBe(403);
  });

  it('accepts a send with 202 and the message object, and injects faults', async () => {
    sim = await startBirdSimulator({ receipts: false });
    const send = () =>
      api(sim as BirdSimulator, `/channels/${(sim as BirdSimulator).smsChannel.id}/messages`, {
        method: 'POST',
        body: JSON.stringify({
          receiver: { contacts: [{ identifierKey: 'phonenumber', identifierValue: '+31612345678' }] },
          body: { type: 'text', text: { text: 'hello' } },
          reference: 'msg_1',
        }),
      });
    const ok = await send();
    expect(ok.status).toBe(202);
    expect(await ok.json()).toMatchObject({ status: 'accepted', reference: 'msg_1', id: expect.any(String) });
    sim.fault({ op: 'sendMessage', error: { status: 503, code: 'ServiceUnavailable', message: 'down' } });
    expect((await send()).status).toBe(503);
    expect((await send()).status).toBe(202);
  });
});
