// The Infobip simulator: Infobip's envelopes (send answers, both error bodies), App-key auth, the 429 limit, pushes
// as `{"results":[…]}` with the account's authorization header, batched up to 100 per request, retried on failure.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { INFOBIP_STATUSES } from './errors.js';
import { startInfobipSimulator, type InfobipSimulator } from './simulator.js';

interface Received {
  headers: Record<string, string | string[] | undefined>;
  body: { results: Array<Record<string, unknown>>; messageCount?: number };
}

async function receiver(statuses: number[]): Promise<{ url: string; got: Received[]; server: Server }> {
  const got: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      got.push({ headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString()) as Received['body'] });
      res.writeHead(statuses[Math.min(got.length - 1, statuses.length - 1)] ?? 200);
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, got, server };
}

const api = (sim: InfobipSimulator, path: string, body?: unknown, key = sim.apiKey) =>
  fetch(`${sim.url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `App ${key}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

describe('infobip simulator', () => {
  let sim: InfobipSimulator | undefined;
  let server: Server | undefined;
  afterEach(async () => {
    await sim?.close();
    server?.close();
  });

  it('answers 401 with the serviceException envelope, 429 over the limit, and the balance with a valid key', async () => {
    sim = await startInfobipSimulator({ rateLimitPerSecond: 2 });
    const bad = await api(sim, '/account/1/balance', undefined, 'nope');
    expect(bad.status).toBe(401);
    expect(await bad.json()).toEqual({
      requestError: { serviceException: { messageId: 'UNAUTHORIZED', text: 'Invalid login details' } },
    });
    expect(await (await api(sim, '/account/1/balance')).json()).toMatchObject({ currency: 'EUR' });
    await api(sim, '/account/1/balance');
    const limited = await api(sim, '/account/1/balance');
    expect(limited.status).toBe(429);
    expect(await limited.json()).toMatchObject({
      requestError: { serviceException: { messageId: 'TOO_MANY_REQUESTS' } },
    });
  });

  it('accepts an SMS per destination with our messageId, rejects a bad number in the answer, and reports to notifyUrl', async () => {
    sim = await startInfobipSimulator({ receipts: { deliveredAfterMs: 5 } });
    const r = await receiver([200]);
    server = r.server;
    const res = await api(sim, '/sms/2/text/advanced', {
      messages: [
        {
          from: sim.smsNumber,
          destinations: [{ to: '41793026727', messageId: 'msg_1' }, { to: 'not-a-number' }],
          text: 'hello',
          notifyUrl: r.url,
          notifyContentType: 'application/json',
          callbackData: '{"messageId":"msg_1"}',
        },
      ],
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { messages: Array<{ messageId: string; status: { groupName: string } }> };
    expect(body.messages.map((m) => m.status.groupName)).toEqual(['PENDING', 'REJECTED']);
    expect(body.messages[0]?.messageId).toBe('msg_1');
    await new Promise((resolve) => setTimeout(resolve, 60));
    await sim.idle();
    expect(r.got).toHaveLength(1);
    expect(r.got[0]?.headers.authorization).toBe(sim.webhookAuth);
    expect(r.got[0]?.body.results[0]).toMatchObject({
      messageId: 'msg_1',
      callbackData: '{"messageId":"msg_1"}',
      status: { groupName: 'DELIVERED' },
      error: { name: 'NO_ERROR' },
    });
  });

  it('validates WhatsApp sends with validationErrors, and Viber with the newer error envelope', async () => {
    sim = await startInfobipSimulator({ receipts: false });
    const wa = await api(sim, '/whatsapp/1/message/interactive/buttons', {
      from: sim.whatsappNumber,
      to: '41793026727',
      content: {
        body: { text: 'Pick' },
        action: { buttons: [1, 2, 3, 4].map((n) => ({ type: 'REPLY', id: `${n}`, title: `${n}` })) },
      },
    });
    expect(wa.status).toBe(400);
    expect(await wa.json()).toMatchObject({
      requestError: {
        serviceException: {
          messageId: 'BAD_REQUEST',
          validationErrors: { 'content.action.buttons': expect.any(Array) },
        },
      },
    });
    const viber = await api(sim, '/viber/2/messages', {
      messages: [
        { sender: 'someone-else', destinations: [{ to: '41793026727' }], content: { type: 'TEXT', text: 'x' } },
      ],
    });
    expect(viber.status).toBe(400);
    expect(await viber.json()).toMatchObject({ errorCode: 'E400', violations: [{ property: 'messages[0].sender' }] });
  });

  it('lists the sender’s templates and refuses a template send without every placeholder', async () => {
    sim = await startInfobipSimulator({ receipts: false });
    sim.addTemplate({
      name: 'hello',
      language: 'en',
      status: 'APPROVED',
      category: 'UTILITY',
      body: 'Hi {{1}} and {{2}}',
    });
    const list = await api(sim, `/whatsapp/2/senders/${sim.whatsappNumber}/templates`);
    expect(await list.json()).toMatchObject({
      templates: [{ name: 'hello', status: 'APPROVED', structure: { body: { text: 'Hi {{1}} and {{2}}' } } }],
    });
    const send = (placeholders: string[]) =>
      api(sim as InfobipSimulator, '/whatsapp/1/message/template', {
        messages: [
          {
            from: (sim as InfobipSimulator).whatsappNumber,
            to: '41793026727',
            content: { templateName: 'hello', language: 'en', templateData: { body: { placeholders } } },
          },
        ],
      });
    const short = await send(['Ana']);
    expect(short.status).toBe(400);
    expect(await short.json()).toMatchObject({
      requestError: {
        serviceException: {
          validationErrors: { 'messages[0].content.templateData.body.placeholders': ['must have 2 elements'] },
        },
      },
    });
    const ok = await send(['Ana', 'Bo']);
    expect(await ok.json()).toMatchObject({ messages: [{ to: '41793026727', status: { groupName: 'PENDING' } }] });
  });

  it('batches inbound messages of one window into one push (at most 100 each) and retries a failed push as it was', async () => {
    sim = await startInfobipSimulator({ webhooks: { batchWindowMs: 30, retryScale: 0.0002 } });
    const r = await receiver([503, 200]);
    server = r.server;
    sim.forwardTo(sim.smsNumber, r.url);
    for (let i = 0; i < 105; i++)
      sim.customerSends({ channel: 'sms', from: `4179302${String(i).padStart(4, '0')}`, text: `hi ${i}` });
    await sim.idle();
    const pushes = sim.pushes();
    expect(pushes.map((p) => p.count).sort((a, b) => b - a)).toEqual([100, 5]);
    const retried = pushes.find((p) => p.attempts.length === 2);
    expect(retried?.attempts.map((a) => a.status)).toEqual([503, 200]);
    const bodies = r.got.map((g) => JSON.stringify(g.body));
    expect(bodies.filter((b) => b === retried?.body)).toHaveLength(2);
    expect(r.got[0]?.body.messageCount).toBe(r.got[0]?.body.results.length);
    expect(new Set(r.got.flatMap((g) => g.body.results.map((x) => x.messageId))).size).toBe(105);
  });

  it('reports out of order on request, and seen reports go to the forwarding URL', async () => {
    sim = await startInfobipSimulator({ receipts: false });
    const r = await receiver([200]);
    server = r.server;
    sim.forwardTo(sim.whatsappNumber, r.url);
    const res = await api(sim, '/whatsapp/1/message/text', {
      from: sim.whatsappNumber,
      to: '41793026727',
      messageId: 'msg_w',
      content: { text: 'hello' },
      notifyUrl: r.url,
    });
    expect(await res.json()).toMatchObject({ messageId: 'msg_w', status: { groupName: 'PENDING' } });
    sim.emitReport('msg_w', INFOBIP_STATUSES.delivered);
    sim.emitSeen('msg_w');
    await new Promise((resolve) => setTimeout(resolve, 60));
    await sim.idle();
    const all = r.got.flatMap((g) => g.body.results);
    expect(all.find((x) => 'seenAt' in x)).toMatchObject({ messageId: 'msg_w' });
    expect(all.find((x) => 'status' in x)).toMatchObject({ messageId: 'msg_w', channel: 'WHATSAPP' });
  });
});
