/**
 * Degradation by capability end to end, on the kit's test connector (text only, no buttons, 1000 characters):
 * buttons arrive at the provider as numbered text and the customer's "2" comes back as the second button's
 * button_reply; long text goes out in ordered parts even when the first part is retried; cards arrive as text; the
 * preview answers what the customer will receive without sending anything.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signTestBody, testConnector } from '../channel-kit/test-connector.js';
import { eventually, startTestServer, type TestServer } from '../testing/test-server.js';
import { fakeProvider, type FakeProvider } from '../testing/fake-provider.js';
import { freshPostgresDatabase } from '../testing/test-databases.js';

const SIGNING = 'degrade-signing-secret';

interface Msg {
  id: string;
  direction: 'inbound' | 'outbound';
  status: string;
  statusDetail: { code: string; message: string } | null;
  content: {
    type: string;
    text?: string;
    interactive?: { kind: string; reply?: { id: string; title: string } };
  };
  metadata: Record<string, unknown>;
  conversationId: string;
}

describe.each(['sqlite', 'postgres'] as const)('degradation by capability (%s)', (dialect) => {
  let database: Awaited<ReturnType<typeof freshPostgresDatabase>> | undefined;
  let t: TestServer;
  let provider: FakeProvider;
  let connectionId: string;
  let webhookSeq = 0;

  const send = async (to: string, content: unknown) => {
    const res = await t.api<Msg>('POST', '/api/v1/messages', { connectionId, to, content });
    expect(res.status).toBe(202);
    return res.body;
  };
  const messagesOf = async (conversationId: string) =>
    (await t.api<{ data: Msg[] }>('GET', `/api/v1/conversations/${conversationId}/messages?limit=100`)).body.data;
  const allSent = (conversationId: string, count: number) =>
    eventually(
      async () => {
        const out = (await messagesOf(conversationId)).filter((m) => m.direction === 'outbound');
        return out.length === count && out.every((m) => m.status === 'sent') ? out : undefined;
      },
      15_000,
      `${count} sent messages`,
    );
  const customerWrites = async (from: string, text: string, connection = connectionId) => {
    const raw = JSON.stringify({ id: `in-${++webhookSeq}`, type: 'message', from, text });
    const res = await fetch(`${t.url}/webhooks/${connection}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-test-signature': signTestBody(SIGNING, raw) },
      body: raw,
    });
    expect(res.status).toBeLessThan(300);
  };
  const inboundOf = (conversationId: string, count: number) =>
    eventually(
      async () => {
        const inbound = (await messagesOf(conversationId)).filter((m) => m.direction === 'inbound');
        return inbound.length >= count ? inbound : undefined;
      },
      10_000,
      `${count} inbound messages`,
    );

  beforeAll(async () => {
    provider = await fakeProvider();
    if (dialect === 'postgres') database = await freshPostgresDatabase('degradation');
    t = await startTestServer({
      extraConnectors: [testConnector],
      env: { SWITCHBOARD_RETRY_BASE_MS: '50', ...(database ? { DATABASE_URL: database.url } : {}) },
    });
    connectionId = (
      await t.api<{ id: string }>('POST', '/api/v1/connections', {
        type: 'x-test',
        name: 'plain gateway',
        config: { signingSecret: SIGNING, apiToken: 'api-token-value-1', apiBaseUrl: provider.url },
      })
    ).body.id;
    expect((await t.api<{ status: string }>('POST', `/api/v1/connections/${connectionId}/start`)).body.status).toBe(
      'RUNNING',
    );
  });
  afterAll(async () => {
    await t.close();
    await provider.close();
    await database?.drop();
  });

  it('the test connector has no buttons (the premise of these tests)', () => {
    expect(testConnector.capabilities.buttons).toBe(0);
    expect(testConnector.capabilities.outbound).toEqual(['text']);
  });

  it('sends buttons as numbered text, and the customer typing "2" is the second button’s button_reply', async () => {
    const queued = await send('cust-buttons', {
      type: 'interactive',
      interactive: {
        kind: 'buttons',
        text: 'Did that solve it?',
        buttons: [
          { id: 'solved', title: 'Yes' },
          { id: 'human', title: 'Talk to a person' },
        ],
      },
    });
    expect(queued.metadata.degraded).toEqual(['buttons_as_text']);
    const [sent] = await allSent(queued.conversationId, 1);
    expect(sent?.content).toEqual({
      type: 'text',
      text: 'Did that solve it?\n\nReply 1 for Yes\nReply 2 for Talk to a person',
    });
    expect(provider.received.find((r) => r.ref === queued.id)?.text).toBe(
      'Did that solve it?\n\nReply 1 for Yes\nReply 2 for Talk to a person',
    );

    await customerWrites('cust-buttons', ' 2 ');
    const [answer] = await inboundOf(queued.conversationId, 1);
    expect(answer?.content).toEqual({
      type: 'interactive',
      interactive: { kind: 'button_reply', reply: { id: 'human', title: 'Talk to a person' } },
    });
    expect(answer?.metadata.choiceReply).toEqual({ messageId: queued.id, typed: ' 2 ' });

    // the exact title, in any case, answers too
    await customerWrites('cust-buttons', 'yes');
    const inbound = await inboundOf(queued.conversationId, 2);
    expect(inbound[1]?.content.interactive?.reply).toEqual({ id: 'solved', title: 'Yes' });

    // once the business wrote something else, a bare number is just text again
    await send('cust-buttons', { type: 'text', text: 'How many rooms?' });
    await allSent(queued.conversationId, 2);
    await customerWrites('cust-buttons', '2');
    const later = await inboundOf(queued.conversationId, 3);
    expect(later[2]?.content).toEqual({ type: 'text', text: '2' });
  });

  it('splits long text at word boundaries into parts that reach the provider in order, a retried first part included', async () => {
    const words = Array.from({ length: 400 }, (_, i) => `w${i}`);
    const text = words.join(' '); // about 1900 characters: two parts at the 1000 limit
    // the first part fails once: the second must wait for its retry instead of overtaking it
    provider.failNext.push({ status: 503 });
    const queued = await send('cust-long', { type: 'text', text });
    expect(queued.metadata.degraded).toEqual(['text_split']);
    const sent = await allSent(queued.conversationId, 2);
    const refs = sent.map((m) => m.id);
    const onWire = provider.received.filter((r) => refs.includes(r.ref));
    expect(onWire.map((r) => r.ref)).toEqual(refs);
    expect(onWire.map((r) => r.text).join('')).toBe(text);
    for (const r of onWire) expect(r.text.length).toBeLessThanOrEqual(testConnector.capabilities.maxTextLength);
    expect(onWire[1]?.text.startsWith('w')).toBe(true);
    expect(sent[0]?.metadata.part).toEqual({ index: 1, count: 2, previousId: null, nextId: sent[1]?.id });
  });

  it('fails the parts after a part that failed, so the rest does not arrive out of context', async () => {
    provider.failNext.push({ status: 400, body: { error: { message: 'bad recipient' } } });
    const queued = await send('cust-broken', { type: 'text', text: 'x '.repeat(900) });
    const settled = await eventually(
      async () => {
        const out = (await messagesOf(queued.conversationId)).filter((m) => m.direction === 'outbound');
        return out.length === 2 && out.every((m) => m.status === 'failed') ? out : undefined;
      },
      10_000,
      'both parts failed',
    );
    expect(settled.map((m) => m.statusDetail?.code)).toEqual(['REJECTED', 'PREVIOUS_PART_FAILED']);
    expect(provider.received.filter((r) => settled.some((m) => m.id === r.ref))).toEqual([]);
  });

  it('ignores the keys degradation owns when a caller puts them in metadata', async () => {
    const res = await t.api<Msg>('POST', '/api/v1/messages', {
      connectionId,
      to: 'cust-forged',
      content: { type: 'text', text: 'plain' },
      metadata: {
        ticket: 'T-1',
        part: { index: 2, count: 2, previousId: 'msg_never_sent', nextId: null },
        choices: [{ n: 1, id: 'forged', title: 'Yes', kind: 'button_reply' }],
        degraded: ['text_split'],
      },
    });
    expect(res.status).toBe(202);
    // the hub adds who wrote it (the token's user); the forged keys are gone
    expect(res.body.metadata).toEqual({ ticket: 'T-1', operatorId: expect.stringMatching(/^usr_/) as unknown });
    await allSent(res.body.conversationId, 1); // not held back behind a part that does not exist
    await customerWrites('cust-forged', '1');
    const [typed] = await inboundOf(res.body.conversationId, 1);
    expect(typed?.content).toEqual({ type: 'text', text: '1' });
  });

  it('sends cards as one text with their links, and a typed number answers a card button', async () => {
    const queued = await send('cust-cards', {
      type: 'cards',
      cards: [
        {
          title: 'Red shirt',
          subtitle: 'Cotton, 29 EUR',
          imageUrl: 'https://shop.example/red.png',
          buttons: [
            { id: 'buy-red', title: 'Buy' },
            { id: 'page-red', title: 'Details', url: 'https://shop.example/red' },
          ],
        },
        { title: 'Blue shirt', buttons: [{ id: 'buy-blue', title: 'Buy' }] },
      ],
    });
    expect(queued.metadata.degraded).toEqual(['cards_as_text']);
    await allSent(queued.conversationId, 1);
    expect(provider.received.find((r) => r.ref === queued.id)?.text).toBe(
      '1/2 Red shirt\nCotton, 29 EUR\nImage: https://shop.example/red.png\nReply 1 for Buy (Red shirt)\nDetails: https://shop.example/red\n\n2/2 Blue shirt\nReply 2 for Buy (Blue shirt)',
    );
    await customerWrites('cust-cards', '2');
    const [answer] = await inboundOf(queued.conversationId, 1);
    expect(answer?.content.interactive?.reply).toEqual({ id: 'buy-blue', title: 'Buy' });
  });

  it('drops a reaction the channel cannot show, without sending it', async () => {
    const first = await send('cust-react', { type: 'text', text: 'hello' });
    await allSent(first.conversationId, 1);
    const res = await t.api<Msg>('POST', `/api/v1/conversations/${first.conversationId}/messages`, {
      content: { type: 'reaction', reaction: { emoji: 'thumbs', targetProviderMessageId: 'prov-x' } },
    });
    expect(res.status).toBe(202);
    expect(res.body.status).toBe('failed');
    expect(res.body.statusDetail?.code).toBe('NOT_SUPPORTED');
    expect(res.body.metadata.degraded).toEqual(['reaction_dropped']);
    const stored = (await t.api<Msg>('GET', `/api/v1/messages/${res.body.id}`)).body;
    expect(stored).toMatchObject({ status: 'failed', statusDetail: { code: 'NOT_SUPPORTED' } });
    expect(provider.received.some((r) => r.ref === res.body.id)).toBe(false);
    expect(t.logs.some((l) => l.includes('dropped'))).toBe(true);
  });

  it('a flow bot on a channel without buttons sends its menu as numbered text and sees "2" as its second button', async () => {
    const botConnection = (
      await t.api<{ id: string }>('POST', '/api/v1/connections', {
        type: 'x-test',
        name: 'bot gateway',
        config: { signingSecret: SIGNING, apiToken: 'api-token-value-2', apiBaseUrl: provider.url },
      })
    ).body.id;
    await t.api('POST', `/api/v1/connections/${botConnection}/start`);
    const agent = (
      await t.api<{ id: string }>('POST', '/api/v1/agents', {
        kind: 'flow',
        name: 'Menu bot',
        config: {
          nodes: [
            {
              id: 'menu',
              type: 'buttons',
              text: 'How can I help?',
              buttons: [
                { id: 'hours', title: 'Opening hours', next: 'hours' },
                { id: 'person', title: 'Talk to a person', next: 'human' },
              ],
            },
            { id: 'hours', type: 'message', text: 'We are open 9 to 5.', next: 'menu' },
            { id: 'human', type: 'handoff', text: 'A colleague will answer.', reason: 'asked for a person' },
          ],
        },
      })
    ).body.id;
    await t.api('PUT', `/api/v1/agents/${agent}/connections`, {
      connections: [{ connectionId: botConnection, inbound: true }],
    });
    expect((await t.api<{ status: string }>('POST', `/api/v1/agents/${agent}/start`)).body.status).toBe('RUNNING');
    const atProvider = (text: string) =>
      eventually(
        () => Promise.resolve(provider.received.find((r) => r.to === 'cust-bot' && r.text === text)),
        10_000,
        text,
      );

    await customerWrites('cust-bot', 'hi', botConnection);
    await atProvider('How can I help?\n\nReply 1 for Opening hours\nReply 2 for Talk to a person');
    await customerWrites('cust-bot', '2', botConnection);
    await atProvider('A colleague will answer.');
  });

  it('previews what the customer will receive, sending nothing', async () => {
    const first = await send('cust-preview', { type: 'text', text: 'hello' });
    await allSent(first.conversationId, 1);
    const before = provider.received.length;
    const res = await t.api<{ parts: unknown[]; degraded: string[]; note: string; choices?: unknown[] }>(
      'POST',
      `/api/v1/conversations/${first.conversationId}/preview`,
      {
        content: {
          type: 'interactive',
          interactive: { kind: 'buttons', text: 'Ok?', buttons: [{ id: 'ok', title: 'OK' }] },
        },
      },
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      parts: [{ type: 'text', text: 'Ok?\n\nReply 1 for OK' }],
      degraded: ['buttons_as_text'],
      note: 'On Test gateway the buttons arrive as numbered text options.',
      choices: [{ n: 1, id: 'ok', title: 'OK', kind: 'button_reply' }],
    });
    const refused = await t.api<{ error: { code: string } }>(
      'POST',
      `/api/v1/conversations/${first.conversationId}/preview`,
      { content: { type: 'interactive', interactive: { kind: 'button_reply', reply: { id: 'a', title: 'A' } } } },
    );
    expect(refused.status).toBe(422);
    expect(provider.received.length).toBe(before);
    expect((await messagesOf(first.conversationId)).length).toBe(1);
  });
});
