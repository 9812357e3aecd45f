/**
 * The sms-gateway connector's `http` mode end to end: a real hub (127.0.0.1) and a phone gateway app speaking the
 * JSON contract of docs/channels/sms-gateway.md (packages/simulators/src/sms-gateway): signed inbound messages
 * (another secret refused, nothing stored), replies sent with the bearer token and the status URL, statuses applied,
 * a failed delivery keeping the app's error code, the contract's error codes mapped, and a refused token → ERROR.
 */
import { startSmsGatewaySimulator, type SmsGatewaySimulator } from '@switchboard/simulators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestServer, type TestServer } from '../../testing/test-server.js';
import { hubReads } from '../../testing/hub-reads.js';

interface Conn {
  id: string;
  status: string;
  statusReason: string | null;
  webhookUrl: string;
}
interface Msg {
  id: string;
  status: string;
  providerMessageId: string | null;
  statusDetail: { code: string; message: string } | null;
  content: { type: string; text?: string };
  segments?: { encoding: string; count: number };
}
interface Conv {
  id: string;
  address: string;
}

const SECRET = 'gateway_secret-0123456789abcdef';

describe('sms-gateway http mode against a phone gateway app', () => {
  let sim: SmsGatewaySimulator;
  let t: TestServer;
  let conn: Conn;

  const reads = hubReads(() => t);
  const conversationOf = (address: string) => reads.conversationWith<Conv>(conn.id, address);
  const messagesOf = (id: string) => reads.messagesOf<Msg>(id);
  const statusOf = (id: string, status: string) =>
    reads.messageUntil<Msg>(id, (m) => m.status === status, `message ${id} ${status}`, 10_000);
  const reply = (conversationId: string, text: string) =>
    t.api<Msg>('POST', `/api/v1/conversations/${conversationId}/messages`, { content: { type: 'text', text } });

  beforeAll(async () => {
    sim = await startSmsGatewaySimulator({ secret: SECRET, statusDelaysMs: { sent: 60, delivered: 20 } });
    t = await startTestServer({ env: { SWITCHBOARD_OUTBOUND_MAX_ATTEMPTS: '3' } });
    const created = await t.api<Conn>('POST', '/api/v1/connections', {
      type: 'sms-gateway',
      name: 'Android gateway',
      config: { mode: 'http', apiBaseUrl: sim.url, password: sim.token, from: sim.number, inboundSecret: SECRET },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    conn = created.body;
    expect((await t.api<Conn>('POST', `/api/v1/connections/${conn.id}/start`)).body.status).toBe('RUNNING');
  });
  afterAll(async () => {
    await t?.close();
    await sim?.close();
  });

  it('takes a signed message from the app and refuses one signed with another secret', async () => {
    expect(await sim.receive(conn.webhookUrl, '+4915112340001', 'Hallo vom Handy')).toBe(200);
    expect(await sim.receive(conn.webhookUrl, '+4915112340001', 'forged', { signWith: 'another-secret-000000' })).toBe(
      401,
    );
    const conv = await conversationOf('+4915112340001');
    await new Promise((r) => setTimeout(r, 200));
    expect((await messagesOf(conv.id)).map((m) => m.content.text)).toEqual(['Hallo vom Handy']);
  });

  it('sends a reply with the bearer token and our status URL; statuses arriving out of order end delivered', async () => {
    const conv = await conversationOf('+4915112340001');
    const res = await reply(conv.id, 'Danke 😀');
    expect(res.status).toBe(202);
    expect(res.body.segments).toMatchObject({ encoding: 'UCS-2', count: 1 });
    // the app reports delivered before sent here: sent must not move it back
    const delivered = await statusOf(res.body.id, 'delivered');
    await new Promise((r) => setTimeout(r, 150));
    expect((await t.api<Msg>('GET', `/api/v1/messages/${res.body.id}`)).body.status).toBe('delivered');
    expect(sim.sent().at(-1)).toMatchObject({
      id: delivered.providerMessageId,
      to: '+4915112340001',
      text: 'Danke 😀',
      statusUrl: conn.webhookUrl,
    });
  });

  it('keeps the app’s error code of a failed delivery, and maps the contract’s error answers', async () => {
    expect(await sim.receive(conn.webhookUrl, '+4915112340002', 'hi')).toBe(200);
    const conv = await conversationOf('+4915112340002');
    sim.undeliverable('+4915112340002', 'RESULT_ERROR_NO_SERVICE');
    const res = await reply(conv.id, 'will not arrive');
    const failed = await statusOf(res.body.id, 'failed');
    expect(failed.statusDetail).toMatchObject({ code: 'RESULT_ERROR_NO_SERVICE' });
    sim.failNext('+4915112340002', 422, 'INVALID_RECIPIENT', 'not a mobile number');
    const refused = await reply(conv.id, 'to a landline');
    const f2 = await statusOf(refused.body.id, 'failed');
    expect(f2.statusDetail?.code).toBe('INVALID_RECIPIENT');
    expect(f2.statusDetail?.message).toMatch(/not a mobile number/);
  });

  it('turns the connection ERROR when the app refuses the token', async () => {
    const conv = await conversationOf('+4915112340001');
    sim.failNext('+4915112340001', 401, 'UNAUTHORIZED', 'token revoked');
    const res = await reply(conv.id, 'x');
    expect((await statusOf(res.body.id, 'failed')).statusDetail?.code).toBe('AUTH');
    await eventually(
      async () => (await t.api<Conn>('GET', `/api/v1/connections/${conn.id}`)).body.status === 'ERROR',
      10_000,
      'connection ERROR',
    );
  });
});
