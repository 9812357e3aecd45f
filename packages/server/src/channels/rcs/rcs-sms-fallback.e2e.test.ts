/**
 * RCS falling back to SMS with both providers simulated: a real hub, the RBM simulator and the Twilio Messaging
 * simulator behind a twilio-sms connection named as the RCS connection's smsFallbackConnectionId. A number that is
 * not RCS-capable and a message left undelivered (then revoked) each reach the phone exactly once, as SMS, and
 * never over RCS as well. Each fallback send is a provider call of the SMS connection (provider_calls): its outcome
 * counts in that connection's health and on the Health page like its own sends.
 */
import {
  startRcsSimulator,
  startTwilioSimulator,
  type RcsSimulator,
  type TwilioSimulator,
} from '@switchboard/simulators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Content } from '../../model/index.js';
import { eventually, startTestServer, type TestServer } from '../../testing/test-server.js';

interface Msg {
  id: string;
  status: string;
  content: Content;
  metadata: Record<string, unknown>;
}
interface Conn {
  id: string;
  status: string;
}
interface Summary {
  connectionId: string;
  lastHour: { providerCalls: number; serverErrors: number };
}

const OURS = '+15005550006';
const FALLBACK_SECONDS = 2;

describe('rcs falling back to a twilio-sms connection', () => {
  let rbm: RcsSimulator;
  let twilio: TwilioSimulator;
  let t: TestServer;
  let rcs: Conn;
  let sms: Conn;

  const start = async (type: string, config: Record<string, unknown>) => {
    const created = await t.api<Conn>('POST', '/api/v1/connections', { type, name: type, config });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect((await t.api<Conn>('POST', `/api/v1/connections/${created.body.id}/start`)).body.status).toBe('RUNNING');
    return created.body;
  };
  const message = async (id: string) => (await t.api<Msg>('GET', `/api/v1/messages/${id}`)).body;
  const smsTo = (phone: string) => twilio.messages({ to: phone, direction: 'outbound-api' });
  /** the SMS connection's provider calls of the last hour, as the Health page reads them */
  const smsCalls = async () => {
    const res = await t.api<{ data: Summary[] }>('GET', '/api/v1/connections/health-summary');
    return res.body.data.find((c) => c.connectionId === sms.id)?.lastHour;
  };

  beforeAll(async () => {
    rbm = await startRcsSimulator({ retryScale: 0.1 });
    twilio = await startTwilioSimulator({ numbers: [OURS], statusDelaysMs: { sending: 20, sent: 40, delivered: 80 } });
    t = await startTestServer({ env: { SWITCHBOARD_OUTBOUND_MAX_ATTEMPTS: '3' } });
    sms = await start('twilio-sms', {
      accountSid: twilio.accountSid,
      authToken: twilio.authToken,
      from: [OURS],
      apiBaseUrl: twilio.url,
    });
    rcs = await start('rcs', {
      agentId: rbm.agentId,
      serviceAccountKey: rbm.serviceAccountKey,
      clientToken: rbm.clientToken,
      apiBaseUrl: rbm.url,
      tokenUrl: rbm.tokenUrl,
      smsFallbackConnectionId: sms.id,
      undeliveredFallbackSeconds: FALLBACK_SECONDS,
    });
  });
  afterAll(async () => {
    await t?.close();
    await rbm?.close();
    await twilio?.close();
  });

  it('sends to a number that is not RCS-capable once, as SMS with the buttons as numbered text', async () => {
    rbm.notRcsCapable('+14155550177');
    const r = await t.api<Msg>('POST', '/api/v1/messages', {
      connectionId: rcs.id,
      to: '+14155550177',
      content: {
        type: 'interactive',
        interactive: {
          kind: 'buttons',
          text: 'Your parcel is here',
          buttons: [
            { id: 'pickup', title: 'Pick up' },
            { id: 'deliver', title: 'Deliver' },
          ],
        },
      },
    });
    expect(r.status).toBe(202);
    const done = await eventually(
      async () => {
        const m = await message(r.body.id);
        // the fallback is recorded when the message moves to the SMS connection, its status once that send returned
        return m.metadata.fallback && m.status !== 'queued' ? m : undefined;
      },
      15_000,
      'fallback recorded and sent',
    );
    expect(done.status).toBe('sent');
    expect(done.metadata.fallback).toMatchObject({ connectionId: sms.id, channelType: 'twilio-sms' });
    await eventually(async () => (smsTo('+14155550177').length > 0 ? true : undefined), 10_000, 'sms sent');
    const sent = smsTo('+14155550177');
    expect(sent).toHaveLength(1);
    expect(sent[0]?.body).toContain('Your parcel is here');
    expect(sent[0]?.body).toContain('Pick up');
    expect(sent[0]?.from).toBe(OURS);
    expect(rbm.messages.filter((m) => m.phone === '+14155550177')).toHaveLength(0);
    // the SMS connection sent nothing of its own: the one call is the fallback's
    expect(await smsCalls()).toMatchObject({ providerCalls: 1, serverErrors: 0 });
    await new Promise((res) => setTimeout(res, (FALLBACK_SECONDS + 1) * 1000));
    expect(smsTo('+14155550177')).toHaveLength(1);
  });

  it('revokes a message RCS did not deliver in time and sends it once as SMS', async () => {
    const r = await t.api<Msg>('POST', '/api/v1/messages', {
      connectionId: rcs.id,
      to: '+14155550178',
      content: { type: 'text', text: 'Your code is 4242' },
    });
    expect(r.status).toBe(202);
    await eventually(
      async () => (rbm.messages.some((m) => m.messageId === r.body.id) ? true : undefined),
      10_000,
      'sent over RCS',
    );
    const moved = await eventually(
      async () => {
        const m = await message(r.body.id);
        return m.metadata.fallback ? m : undefined;
      },
      (FALLBACK_SECONDS + 8) * 1000,
      'fallback recorded',
    );
    expect(moved.metadata.fallback).toMatchObject({
      connectionId: sms.id,
      channelType: 'twilio-sms',
      revokedProviderMessageId: r.body.id,
      providerMessageId: expect.stringMatching(/^SM[0-9a-f]{32}$/),
    });
    expect(rbm.messages.find((m) => m.messageId === r.body.id)?.state).toBe('REVOKED');
    await eventually(async () => (smsTo('+14155550178').length > 0 ? true : undefined), 10_000, 'sms sent');
    await new Promise((res) => setTimeout(res, (FALLBACK_SECONDS + 1) * 1000));
    expect(smsTo('+14155550178').map((m) => m.body)).toEqual(['Your code is 4242']);
    // the timed fallback's send counts too
    expect(await smsCalls()).toMatchObject({ providerCalls: 2, serverErrors: 0 });
  });

  it("counts a timed fallback's send Twilio answers with a 5xx as a server error of the SMS connection", async () => {
    twilio.addFault({ op: 'messages.create', times: 1, error: { code: 20500 } });
    const r = await t.api<Msg>('POST', '/api/v1/messages', {
      connectionId: rcs.id,
      to: '+14155550179',
      content: { type: 'text', text: 'Your table is ready' },
    });
    expect(r.status).toBe(202);
    const failed = await eventually(
      async () => {
        const m = await message(r.body.id);
        return m.status === 'failed' ? m : undefined;
      },
      (FALLBACK_SECONDS + 8) * 1000,
      'fallback failed',
    );
    expect(JSON.stringify(failed)).toMatch(/the fallback failed/);
    expect(smsTo('+14155550179')).toHaveLength(0);
    expect(await smsCalls()).toMatchObject({ providerCalls: 3, serverErrors: 1 });
  });
});
