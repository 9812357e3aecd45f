/**
 * Webchat visitors are rate-limited over real HTTP (small configured limits; client addresses from X-Forwarded-For,
 * trusted through SWITCHBOARD_TRUST_PROXY): new sessions per address, messages and typing per session and per
 * address, and open conversations per address. A flood past a limit answers 429 with Retry-After and the API's error
 * shape, stores nothing, and leaves other visitors and addresses alone; refusals are counted in /metrics by reason.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestServer, testClock, type TestServer } from '../testing/test-server.js';

interface Session {
  visitorId: string;
  token: string;
}
interface Refusal {
  error: { code: string; message: string; details: { reason: string; retryAfterSeconds: number } };
}
interface Conv {
  id: string;
  address: string;
}

describe('webchat visitor limits', () => {
  let t: TestServer;
  const clock = testClock();
  let conn = '';
  let n = 0;
  const from = (address: string, token?: string): Record<string, string> => ({
    'x-forwarded-for': address,
    ...(token ? { authorization: `Bearer ${token}` } : {}),
  });
  const session = (address: string) =>
    fetch(`${t.url}/webchat/${conn}/sessions`, { method: 'POST', headers: from(address) });
  const newSession = async (address: string): Promise<Session> => {
    const res = await session(address);
    expect(res.status).toBe(201);
    return (await res.json()) as Session;
  };
  const say = (address: string, s: Session, text = `m${++n}`) =>
    fetch(`${t.url}/webchat/${conn}/messages`, {
      method: 'POST',
      headers: { ...from(address, s.token), 'content-type': 'application/json' },
      body: JSON.stringify({ clientMessageId: `c-${++n}`, text }),
    });
  const type = (address: string, s: Session) =>
    fetch(`${t.url}/webchat/${conn}/typing`, { method: 'POST', headers: from(address, s.token) });
  const expectRefused = async (res: Response, reason: string, maxSeconds: number) => {
    expect(res.status).toBe(429);
    const retryAfter = res.headers.get('retry-after') ?? '';
    expect(retryAfter).toMatch(/^[1-9][0-9]*$/);
    expect(Number(retryAfter)).toBeLessThanOrEqual(maxSeconds);
    const body = (await res.json()) as Refusal;
    expect(body.error).toMatchObject({
      code: 'RATE_LIMITED',
      details: { reason, retryAfterSeconds: Number(retryAfter) },
    });
    expect(body.error.message.length).toBeGreaterThan(0);
  };
  const conversationOf = (s: Session) =>
    eventually(
      async () =>
        (await t.api<{ data: Conv[] }>('GET', `/api/v1/conversations?connectionId=${conn}&limit=200`)).body.data.find(
          (c) => c.address === s.visitorId,
        ),
      5000,
      `the conversation of ${s.visitorId}`,
    );
  const inboundCount = async (conversationId: string) =>
    (
      await t.api<{ data: Array<{ direction: string }> }>(
        'GET',
        `/api/v1/conversations/${conversationId}/messages?limit=200`,
      )
    ).body.data.filter((m) => m.direction === 'inbound').length;

  beforeAll(async () => {
    t = await startTestServer({
      env: {
        SWITCHBOARD_TRUST_PROXY: 'true',
        SWITCHBOARD_WEBCHAT_SESSIONS_PER_MINUTE: '3',
        SWITCHBOARD_WEBCHAT_MESSAGES_PER_MINUTE: '4',
        SWITCHBOARD_WEBCHAT_ADDRESS_MESSAGES_PER_MINUTE: '6',
        SWITCHBOARD_WEBCHAT_TYPING_PER_MINUTE: '2',
        SWITCHBOARD_WEBCHAT_ADDRESS_TYPING_PER_MINUTE: '3',
        SWITCHBOARD_WEBCHAT_OPEN_CONVERSATIONS_PER_ADDRESS: '2',
      },
      clock,
    });
    conn = (await t.api<{ id: string }>('POST', '/api/v1/connections', { type: 'webchat', name: 'Limited chat' })).body
      .id;
    expect((await t.api('POST', `/api/v1/connections/${conn}/start`)).status).toBe(200);
  });
  afterAll(() => t.close());

  it('limits new sessions per client address; other addresses still get sessions', async () => {
    const flood = await Promise.all(Array.from({ length: 20 }, () => session('10.0.0.1')));
    expect(flood.filter((r) => r.status === 201)).toHaveLength(3);
    const refused = flood.filter((r) => r.status === 429);
    expect(refused).toHaveLength(17);
    // 3 a minute: one more in 20 s at the latest
    await expectRefused(refused[0] as Response, 'sessions_per_address', 20);
    expect((await session('10.0.0.2')).status).toBe(201);
    // without X-Forwarded-For the socket address (127.0.0.1) is the client
    expect((await fetch(`${t.url}/webchat/${conn}/sessions`, { method: 'POST' })).status).toBe(201);
  });

  it('limits messages per session and per address; refused messages are not stored, other visitors unaffected', async () => {
    const ana = await newSession('10.0.1.1');
    const ben = await newSession('10.0.1.1');
    const cleo = await newSession('10.0.1.2');
    const flood = await Promise.all(Array.from({ length: 20 }, () => say('10.0.1.1', ana)));
    expect(flood.filter((r) => r.status === 200)).toHaveLength(4);
    expect(flood.filter((r) => r.status === 429)).toHaveLength(16);
    // 4 a minute: the next one in 15 s
    await expectRefused(flood.find((r) => r.status === 429) as Response, 'messages_per_session', 15);
    // ben's own session has tokens, but the address (6 a minute) has two left
    expect((await say('10.0.1.1', ben)).status).toBe(200);
    expect((await say('10.0.1.1', ben)).status).toBe(200);
    await expectRefused(await say('10.0.1.1', ben), 'messages_per_address', 10);
    // another address is not affected
    for (let i = 0; i < 4; i++) expect((await say('10.0.1.2', cleo)).status).toBe(200);
    // a bad token is still 401 (the session is checked first)
    expect((await say('10.0.1.3', { visitorId: 'x', token: 'not-a-token' })).status).toBe(401);

    const anaConversation = await conversationOf(ana);
    await eventually(async () => (await inboundCount(anaConversation.id)) === 4, 5000, "ana's four messages");
    await new Promise((r) => setTimeout(r, 200));
    expect(await inboundCount(anaConversation.id)).toBe(4);
  });

  it('limits typing notices per session and per address', async () => {
    const dan = await newSession('10.0.2.1');
    const eva = await newSession('10.0.2.1');
    expect((await type('10.0.2.1', dan)).status).toBe(204);
    expect((await type('10.0.2.1', dan)).status).toBe(204);
    await expectRefused(await type('10.0.2.1', dan), 'typing_per_session', 30);
    expect((await type('10.0.2.1', eva)).status).toBe(204);
    await expectRefused(await type('10.0.2.1', eva), 'typing_per_address', 20);
    expect((await type('10.0.2.2', await newSession('10.0.2.2'))).status).toBe(204);
  });

  it('caps the open conversations one address holds; a resolved one frees its place', async () => {
    const [v1, v2, v3] = [await newSession('10.0.3.1'), await newSession('10.0.3.1'), await newSession('10.0.3.1')] as [
      Session,
      Session,
      Session,
    ];
    expect((await say('10.0.3.1', v1)).status).toBe(200);
    expect((await say('10.0.3.1', v2)).status).toBe(200);
    // the third visitor's first message would open a third conversation: refused before anything is stored
    await expectRefused(await say('10.0.3.1', v3), 'open_conversations_per_address', 60);
    // the offline form would open one too
    await expectRefused(
      await fetch(`${t.url}/webchat/${conn}/offline`, {
        method: 'POST',
        headers: { ...from('10.0.3.1'), 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'flood@example.com', message: 'hi' }),
      }),
      'open_conversations_per_address',
      60,
    );
    // visitors holding a conversation keep writing
    expect((await say('10.0.3.1', v1)).status).toBe(200);
    // another address opens its own
    expect((await say('10.0.3.2', await newSession('10.0.3.2'))).status).toBe(200);
    const first = await conversationOf(v1);
    await conversationOf(v2);
    const conversations = (await t.api<{ data: Conv[] }>('GET', `/api/v1/conversations?connectionId=${conn}&limit=200`))
      .body.data;
    expect(conversations.find((c) => c.address === v3.visitorId)).toBeUndefined();
    expect((await t.api('PATCH', `/api/v1/conversations/${first.id}`, { status: 'resolved' })).status).toBe(200);
    expect((await say('10.0.3.1', v3)).status).toBe(200);
    await conversationOf(v3);
  });

  it('counts refusals in /metrics by reason', async () => {
    const text = await (await fetch(`${t.url}/metrics`)).text();
    const count = (reason: string) =>
      Number(
        new RegExp(`^switchboard_webchat_refused_total\\{reason="${reason}"\\} (\\d+)$`, 'm').exec(text)?.[1] ?? 0,
      );
    expect(count('sessions_per_address')).toBe(17);
    expect(count('messages_per_session')).toBe(16);
    expect(count('messages_per_address')).toBe(1);
    expect(count('typing_per_session')).toBe(1);
    expect(count('typing_per_address')).toBe(1);
    expect(count('open_conversations_per_address')).toBe(2);
  });

  it("forgets a visitor's address once it no longer counts (resolved, past the pending window)", async () => {
    expect((await t.sb.hub.recovery.prune()).visitorAddresses).toBe(0);
    clock.advance(11 * 60_000);
    // only the visitor whose conversation was resolved; those holding open conversations stay counted
    expect((await t.sb.hub.recovery.prune()).visitorAddresses).toBe(1);
  });
});
