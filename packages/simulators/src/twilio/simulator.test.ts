// The Twilio simulator's own behaviour: webhooks signed so that the official twilio package's validateRequest
// accepts them, REST auth and error bodies, rate limit 20429, MMS media behind basic auth, Advanced Opt-Out.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTwilioSimulator, type TwilioSimulator } from './simulator.js';

describe('Twilio Messaging simulator', () => {
  let sim: TwilioSimulator;
  let hook: { url: string; close(): void; received: Array<{ signature: string; params: Record<string, string> }> };
  const auth = () => ({
    authorization: `Basic ${Buffer.from(`${sim.accountSid}:${sim.authToken}`).toString('base64')}`,
  });
  const api = (path: string, form?: Record<string, string>, headers = auth()) =>
    fetch(`${sim.url}/2010-04-01/Accounts/${sim.accountSid}${path}.json`, {
      method: form ? 'POST' : 'GET',
      headers: { ...headers, ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      ...(form ? { body: new URLSearchParams(form).toString() } : {}),
    });

  beforeAll(async () => {
    sim = await startTwilioSimulator({
      numbers: ['+15005550006'],
      messagesPerSecond: 2,
      statusDelaysMs: { sending: 5, sent: 10, delivered: 20 },
    });
    const received: Array<{ signature: string; params: Record<string, string> }> = [];
    const server = createServer((req: IncomingMessage, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push({
          signature: String(req.headers['x-twilio-signature']),
          params: Object.fromEntries(new URLSearchParams(body)),
        });
        res.writeHead(200, { 'content-type': 'text/xml' }).end('<Response/>');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    hook = {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/sms?x=1`,
      close: () => server.close(),
      received,
    };
    const list = (await (await api('/IncomingPhoneNumbers')).json()) as {
      incoming_phone_numbers: Array<{ sid: string }>;
    };
    await api(`/IncomingPhoneNumbers/${list.incoming_phone_numbers[0]?.sid}`, { SmsUrl: hook.url });
  });
  afterAll(async () => {
    hook?.close();
    await sim?.close();
  });

  it('signs incoming messages and status callbacks so that twilio.validateRequest accepts them', async () => {
    await sim.sendSms({
      from: '+14155550100',
      body: 'Hi & welcome = yes',
      media: [{ data: Buffer.from('x'), contentType: 'image/png' }],
    });
    const res = await api('/Messages', {
      To: '+14155550100',
      From: '+15005550006',
      Body: 'hello',
      StatusCallback: hook.url,
    });
    expect(res.status).toBe(201);
    const created = (await res.json()) as { sid: string; status: string; num_segments: string };
    expect([created.status, created.num_segments]).toEqual(['queued', '1']);
    await expect.poll(() => hook.received.filter((r) => r.params.MessageSid === created.sid).length).toBe(3);
    for (const r of hook.received) {
      expect(twilio.validateRequest(sim.authToken, r.signature, hook.url, r.params)).toBe(true);
      expect(twilio.validateRequest('another-token', r.signature, hook.url, r.params)).toBe(false);
    }
    expect(
      new Set(hook.received.filter((r) => r.params.MessageSid === created.sid).map((r) => r.params.MessageStatus)),
    ).toEqual(new Set(['sending', 'sent', 'delivered']));
  });

  it('answers Twilio error bodies: 20003 without credentials, 21211, 20429 over the rate', async () => {
    const unauth = await api('', undefined, { authorization: 'Basic eDp5' });
    expect(unauth.status).toBe(401);
    expect(await unauth.json()).toMatchObject({
      code: 20003,
      more_info: 'https://www.twilio.com/docs/errors/20003',
      status: 401,
    });
    sim.markInvalid('+1999', 21211);
    expect(await (await api('/Messages', { To: '+1999', From: '+15005550006', Body: 'x' })).json()).toMatchObject({
      code: 21211,
    });
    const codes: number[] = [];
    for (let i = 0; i < 5; i++)
      codes.push((await api('/Messages', { To: '+14155550101', From: '+15005550006', Body: 'x' })).status);
    expect(codes).toContain(429);
  });

  it('serves MMS media only with basic auth', async () => {
    await sim.sendSms({
      from: '+14155550102',
      body: '',
      media: [{ data: Buffer.from('PNGDATA'), contentType: 'image/png' }],
    });
    const url = hook.received.at(-1)?.params.MediaUrl0 as string;
    expect((await fetch(url)).status).toBe(401);
    const ok = await fetch(url, { headers: auth() });
    expect([ok.status, Buffer.from(await ok.arrayBuffer()).toString()]).toEqual([200, 'PNGDATA']);
  });

  it('Advanced Opt-Out: STOP is answered and blocks sends with 21610, START lifts it', async () => {
    await sim.sendSms({ from: '+14155550103', body: 'stop' });
    expect(hook.received.at(-1)?.params.OptOutType).toBe('STOP');
    expect(sim.inbox('+14155550103').at(-1)?.body).toMatch(/unsubscribed/);
    await new Promise((r) => setTimeout(r, 1100));
    expect(
      await (await api('/Messages', { To: '+14155550103', From: '+15005550006', Body: 'x' })).json(),
    ).toMatchObject({ code: 21610 });
    await sim.sendSms({ from: '+14155550103', body: 'START' });
    expect(hook.received.at(-1)?.params.OptOutType).toBe('START');
    expect((await api('/Messages', { To: '+14155550103', From: '+15005550006', Body: 'x' })).status).toBe(201);
  });
});
