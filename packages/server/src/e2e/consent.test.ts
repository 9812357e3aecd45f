/**
 * Consent end to end over real HTTP (the kit's test connector and its scripted provider), on SQLite and PostgreSQL:
 * a customer's whole-message opt-out keyword (configured per connection) is stored and shown like any message,
 * records the opt-out with a timeline entry and sends the confirmation; every later send to them is 422 OPTED_OUT
 * saying when and how, and stores nothing; START opts them back in (confirmed); operators record consent by hand
 * with PUT .../consent; an agent's reply is refused the same way. On WhatsApp (Cloud API simulator) STOP is on
 * without any configuration.
 */
import { startWhatsAppSimulator, type WhatsAppSimulator } from '@switchboard/simulators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signTestBody, testConnector } from '../channel-kit/test-connector.js';
import { eventually, startTestServer, type TestServer } from '../testing/test-server.js';
import { fakeProvider, type FakeProvider } from '../testing/fake-provider.js';
import { freshPostgresDatabase } from '../testing/test-databases.js';

const SIGNING = 'consent-signing-secret';
const CONFIRMATION = 'You are unsubscribed and will get no more messages. Reply START to resubscribe.';
const WELCOME_BACK = 'Welcome back, you are subscribed again.';

interface Conv {
  id: string;
  contactId: string;
  address: string;
}
interface Msg {
  id: string;
  direction: string;
  content: { type: string; text?: string };
  metadata: Record<string, unknown>;
}
interface Consent {
  channelType: string;
  address: string;
  optedOut: boolean;
  optedOutAt: string | null;
  source: string;
  keyword: string | null;
}
interface ApiError {
  error: { code: string; message: string; details?: Record<string, unknown> };
}

describe.each(['sqlite', 'postgres'] as const)('consent: opt-out keywords, refused sends, opt-in (%s)', (dialect) => {
  let t: TestServer;
  let database: Awaited<ReturnType<typeof freshPostgresDatabase>> | undefined;
  let provider: FakeProvider;
  let connectionId: string;
  let seq = 0;

  const inbound = (from: string, text: string) => {
    const raw = JSON.stringify({ id: `in-${++seq}`, type: 'message', from, text, at: new Date().toISOString() });
    return fetch(`${t.url}/webhooks/${connectionId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-test-signature': signTestBody(SIGNING, raw) },
      body: raw,
    });
  };
  const convOf = (address: string) =>
    eventually(
      async () =>
        (await t.api<{ data: Conv[] }>('GET', `/api/v1/conversations?connectionId=${connectionId}`)).body.data.find(
          (c) => c.address === address,
        ),
      5000,
      `conversation with ${address}`,
    );
  const messages = async (conversationId: string) =>
    (await t.api<{ data: Msg[] }>('GET', `/api/v1/conversations/${conversationId}/messages?limit=100`)).body.data;
  const waitForMessages = (conversationId: string, count: number) =>
    eventually(
      async () => {
        const list = await messages(conversationId);
        return list.length >= count ? list : undefined;
      },
      5000,
      `${count} messages in ${conversationId}`,
    );
  const reply = (conversationId: string, text: string) =>
    t.api<ApiError & Msg>('POST', `/api/v1/conversations/${conversationId}/messages`, {
      content: { type: 'text', text },
    });
  const consentOf = async (contactId: string) =>
    (await t.api<{ data: Consent[] }>('GET', `/api/v1/contacts/${contactId}/consent`)).body.data;
  const sentTo = (to: string) => provider.received.filter((r) => r.to === to).map((r) => r.text);

  beforeAll(async () => {
    provider = await fakeProvider();
    if (dialect === 'postgres') database = await freshPostgresDatabase('consent');
    t = await startTestServer({
      extraConnectors: [testConnector],
      ...(database ? { env: { DATABASE_URL: database.url } } : {}),
    });
    const created = await t.api<{ id: string } & ApiError>('POST', '/api/v1/connections', {
      type: 'x-test',
      name: 'gw',
      config: {
        signingSecret: SIGNING,
        apiToken: 'consent-api-token',
        apiBaseUrl: provider.url,
        // this connection's own keywords: HALT and STOP out, START back in
        optOut: {
          enabled: true,
          keywords: ['HALT', 'Stop'],
          optInKeywords: ['START'],
          confirmation: CONFIRMATION,
          optInConfirmation: WELCOME_BACK,
        },
      },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    connectionId = created.body.id;
    await t.api('POST', `/api/v1/connections/${connectionId}/start`);
  });
  afterAll(async () => {
    await t?.close();
    await database?.drop();
    await provider?.close();
  });

  it('refuses a malformed optOut config naming the field', async () => {
    const bad = await t.api<ApiError & { error: { details: { fields: Array<{ field: string }> } } }>(
      'POST',
      '/api/v1/connections',
      {
        type: 'x-test',
        name: 'bad',
        config: { signingSecret: SIGNING, apiToken: 'consent-api-token', optOut: { keywords: ['two words'] } },
      },
    );
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body.error.details)).toContain('optOut');
  });

  it('a keyword opts the customer out: stored and shown, timeline entry, confirmation sent, later sends 422 OPTED_OUT with nothing stored', async () => {
    expect((await inbound('cust-1', 'hello, where is my order?')).status).toBe(200);
    const conv = await convOf('cust-1');
    if (!conv) throw new Error('no conversation');
    expect((await reply(conv.id, 'It ships today.')).status).toBe(202);
    await eventually(() => sentTo('cust-1').includes('It ships today.'));

    // trimmed and case-insensitive, a keyword of this connection (not of the defaults)
    expect((await inbound('cust-1', '  halt ')).status).toBe(200);
    const list = await waitForMessages(conv.id, 4);
    expect(list.find((m) => m.direction === 'inbound' && m.content.text === '  halt ')).toBeDefined();
    const confirmation = list.find((m) => m.direction === 'outbound' && m.content.text === CONFIRMATION);
    expect(confirmation?.metadata).toMatchObject({ consentConfirmation: 'opt_out' });
    await eventually(() => sentTo('cust-1').includes(CONFIRMATION), 5000, 'the confirmation at the provider');

    const [consent] = await consentOf(conv.contactId);
    expect(consent).toMatchObject({
      channelType: 'x-test',
      address: 'cust-1',
      optedOut: true,
      source: 'keyword',
      keyword: 'HALT',
    });
    const timeline = (
      await t.api<{ data: Array<{ type: string; data: Record<string, unknown> }> }>(
        'GET',
        `/api/v1/conversations/${conv.id}/timeline`,
      )
    ).body.data;
    expect(timeline.find((e) => e.type === 'consent.opted_out')?.data).toMatchObject({ keyword: 'HALT' });
    // the contact view carries it too
    const contact = await t.api<{ consent: Consent[] }>('GET', `/api/v1/contacts/${conv.contactId}`);
    expect(contact.body.consent).toEqual([expect.objectContaining({ optedOut: true, keyword: 'HALT' })]);

    const before = (await messages(conv.id)).length;
    const refused = await reply(conv.id, 'Anything else?');
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('OPTED_OUT');
    expect(refused.body.error.message).toContain('opted out of Test gateway');
    expect(refused.body.error.message).toContain('by writing "HALT"');
    expect(refused.body.error.message).toContain('They can opt back in by writing START');
    expect(refused.body.error.message).toContain((consent?.optedOutAt ?? 'x').slice(0, 10));
    // a new conversation through POST /messages is refused the same way
    const started = await t.api<ApiError>('POST', '/api/v1/messages', {
      connectionId,
      to: 'cust-1',
      content: { type: 'text', text: 'New offer!' },
    });
    expect(started.status).toBe(422);
    expect(started.body.error.code).toBe('OPTED_OUT');
    expect((await messages(conv.id)).length).toBe(before);
    expect(sentTo('cust-1')).not.toContain('Anything else?');
    expect(sentTo('cust-1')).not.toContain('New offer!');
  });

  it('START opts the customer back in (confirmed) and sends work again', async () => {
    const conv = await convOf('cust-1');
    if (!conv) throw new Error('no conversation');
    const count = (await messages(conv.id)).length;
    await inbound('cust-1', 'Start');
    await waitForMessages(conv.id, count + 2);
    await eventually(() => sentTo('cust-1').includes(WELCOME_BACK), 5000, 'the opt-in confirmation');
    const [consent] = await consentOf(conv.contactId);
    expect(consent).toMatchObject({ optedOut: false, source: 'keyword', keyword: 'START' });
    expect(consent?.optedOutAt).not.toBeNull(); // the last opt-out is kept
    expect((await reply(conv.id, 'Glad to have you back.')).status).toBe(202);
    await eventually(() => sentTo('cust-1').includes('Glad to have you back.'));
  });

  it('keywords are the connection’s: a default keyword it replaced, or an opt-in keyword from a subscribed customer, is an ordinary message', async () => {
    await inbound('cust-2', 'UNSUBSCRIBE');
    await inbound('cust-2', 'start');
    const conv = await convOf('cust-2');
    if (!conv) throw new Error('no conversation');
    await waitForMessages(conv.id, 2);
    expect(await consentOf(conv.contactId)).toEqual([]);
    expect(sentTo('cust-2')).toEqual([]);
    expect((await reply(conv.id, 'How can I help?')).status).toBe(202);
  });

  it('operators record an opt-out and an opt-in by hand with PUT .../consent', async () => {
    await inbound('cust-3', 'hi');
    const conv = await convOf('cust-3');
    if (!conv) throw new Error('no conversation');
    const put = await t.api<{ data: Consent[] }>('PUT', `/api/v1/contacts/${conv.contactId}/consent`, {
      channelType: 'x-test',
      optedOut: true,
      source: 'operator',
    });
    expect(put.status).toBe(200);
    expect(put.body.data).toEqual([expect.objectContaining({ address: 'cust-3', optedOut: true, source: 'operator' })]);
    const refused = await reply(conv.id, 'Promo!');
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('OPTED_OUT');
    expect(refused.body.error.message).toContain('recorded by an operator');
    const timeline = (
      await t.api<{ data: Array<{ type: string; actor: string }> }>('GET', `/api/v1/conversations/${conv.id}/timeline`)
    ).body.data;
    expect(timeline.find((e) => e.type === 'consent.opted_out')?.actor).toMatch(/^user:/);

    const back = await t.api<{ data: Consent[] }>('PUT', `/api/v1/contacts/${conv.contactId}/consent`, {
      channelType: 'x-test',
      optedOut: false,
    });
    expect(back.body.data).toEqual([expect.objectContaining({ optedOut: false, source: 'api' })]);
    expect((await reply(conv.id, 'Back on.')).status).toBe(202);

    const noIdentity = await t.api<ApiError>('PUT', `/api/v1/contacts/${conv.contactId}/consent`, {
      channelType: 'whatsapp',
      optedOut: true,
    });
    expect(noIdentity.status).toBe(400);
    expect(
      (await t.api('PUT', '/api/v1/contacts/ct_missing/consent', { channelType: 'x', optedOut: true })).status,
    ).toBe(404);
    expect((await t.api('GET', '/api/v1/contacts/ct_missing/consent')).status).toBe(404);
  });

  it('a message queued before the opt-out (the connection stopped) is not sent once it runs again', async () => {
    await inbound('cust-4', 'hi there');
    const conv = await convOf('cust-4');
    if (!conv) throw new Error('no conversation');
    await t.api('POST', `/api/v1/connections/${connectionId}/stop`);
    const queued = await reply(conv.id, 'Queued while stopped');
    expect(queued.status).toBe(202);
    await t.api('PUT', `/api/v1/contacts/${conv.contactId}/consent`, { channelType: 'x-test', optedOut: true });
    await t.api('POST', `/api/v1/connections/${connectionId}/start`);
    const failed = await eventually(
      async () => {
        const m = (
          await t.api<{ status: string; statusDetail: { code: string; message: string } | null }>(
            'GET',
            `/api/v1/messages/${queued.body.id}`,
          )
        ).body;
        return m.status === 'failed' ? m : undefined;
      },
      5000,
      'the queued message to fail',
    );
    expect(failed.statusDetail?.code).toBe('OPTED_OUT');
    expect(failed.statusDetail?.message).toContain('recorded through the API');
    expect(sentTo('cust-4')).toEqual([]);
  });

  it("an agent's reply to an opted-out customer is refused too, and does not hand the conversation to humans", async () => {
    const bot = await t.api<{ id: string } & ApiError>('POST', '/api/v1/connections', {
      type: 'x-test',
      name: 'bot line',
      config: {
        signingSecret: SIGNING,
        apiToken: 'consent-api-token',
        apiBaseUrl: provider.url,
        optOut: { enabled: true },
      },
    });
    const agent = await t.api<{ id: string }>('POST', '/api/v1/agents', {
      kind: 'flow',
      name: 'Greeter',
      config: { greeting: 'Hi from the bot' },
    });
    expect(
      (
        await t.api('PUT', `/api/v1/agents/${agent.body.id}/connections`, {
          connections: [{ connectionId: bot.body.id, inbound: true }],
        })
      ).status,
    ).toBe(200);
    await t.api('POST', `/api/v1/agents/${agent.body.id}/start`);
    await t.api('POST', `/api/v1/connections/${bot.body.id}/start`);
    const previous = connectionId;
    connectionId = bot.body.id;
    try {
      // a default keyword (the connection turned them on without naming its own); the first message, so the bot greets
      await inbound('bot-1', 'STOP');
      const conv = await convOf('bot-1');
      if (!conv) throw new Error('no conversation');
      const timeline = await eventually(
        async () => {
          const events = (
            await t.api<{ data: Array<{ type: string; data: Record<string, unknown> }> }>(
              'GET',
              `/api/v1/conversations/${conv.id}/timeline`,
            )
          ).body.data;
          return events.some((e) => e.type.startsWith('agent.')) ? events : undefined;
        },
        5000,
        "the agent's turn",
      );
      expect(JSON.stringify(timeline.filter((e) => e.type.startsWith('agent.')))).toContain('opted out');
      expect(timeline.map((e) => e.type)).toContain('consent.opted_out');
      expect(timeline.map((e) => e.type)).not.toContain('handoff');
      expect(sentTo('bot-1')).toEqual([]);
      expect((await messages(conv.id)).filter((m) => m.direction === 'outbound')).toEqual([]);
    } finally {
      connectionId = previous;
    }
  });
});

describe('consent on WhatsApp (Cloud API simulator): STOP is on by default', () => {
  let sim: WhatsAppSimulator;
  let t: TestServer;
  let wa: string;
  const template = { template: { name: 'hello', language: 'en_US' } };

  beforeAll(async () => {
    sim = await startWhatsAppSimulator({ webhooks: { retryScale: 0.001 } });
    const d = sim.defaults;
    if (!d) throw new Error('simulator not seeded');
    sim.createTemplate({
      wabaId: d.wabaId,
      name: 'hello',
      language: 'en_US',
      category: 'MARKETING',
      components: [{ type: 'BODY', text: 'Hello from the shop.' }],
    });
    t = await startTestServer();
    wa = (
      await t.api<{ id: string }>('POST', '/api/v1/connections', {
        type: 'whatsapp',
        name: 'WhatsApp',
        config: {
          accessToken: d.accessToken,
          appSecret: sim.app.secret,
          businessAccountId: d.wabaId,
          phoneNumberIds: [d.phoneNumberId],
          apiBaseUrl: sim.url,
        },
      })
    ).body.id;
    const started = await t.api<{ webhookUrl: string; config: { verifyToken: string } }>(
      'POST',
      `/api/v1/connections/${wa}/start`,
    );
    await sim.configureWebhook({ url: started.body.webhookUrl, verifyToken: started.body.config.verifyToken });
    await eventually(
      async () => (await t.api<{ data: unknown[] }>('GET', `/api/v1/connections/${wa}/templates`)).body.data.length > 0,
    );
  });
  afterAll(async () => {
    await t?.close();
    await sim?.close();
  });

  it('a customer writing STOP gets no template afterwards (422 OPTED_OUT), and START lets messages through again', async () => {
    const send = () =>
      t.api<ApiError & { conversationId: string }>('POST', '/api/v1/messages', {
        connectionId: wa,
        to: '+1 555 010 2222',
        ...template,
      });
    const first = await send();
    expect(first.status).toBe(202);
    await eventually(() => sim.sentMessages({ to: '15550102222' }).length === 1);
    sim.sendText({ from: '15550102222', text: 'STOP', profileName: 'Kim' });
    const messagesOf = async () =>
      (await t.api<{ data: Msg[] }>('GET', `/api/v1/conversations/${first.body.conversationId}/messages`)).body.data;
    await eventually(async () => (await messagesOf()).length === 2, 10_000, 'the STOP stored');

    const refused = await send();
    expect(refused.status).toBe(422);
    expect(refused.body.error).toMatchObject({ code: 'OPTED_OUT', details: { channelType: 'whatsapp' } });
    expect(refused.body.error.message).toContain('opted out of WhatsApp');
    expect(await messagesOf()).toHaveLength(2);
    expect(sim.sentMessages({ to: '15550102222' })).toHaveLength(1); // no confirmation configured on this connection

    sim.sendText({ from: '15550102222', text: 'start' });
    await eventually(async () => (await messagesOf()).length === 3, 10_000, 'the START stored');
    const again = await t.api('POST', `/api/v1/conversations/${first.body.conversationId}/messages`, {
      content: { type: 'text', text: 'Welcome back!' },
    });
    expect(again.status).toBe(202);
    await eventually(() => sim.sentMessages({ to: '15550102222' }).length === 2);
  });
});
