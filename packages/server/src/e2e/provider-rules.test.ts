/**
 * The provider rules the hub enforces for every channel that declares them, checked with a windowed,
 * multi-number test connector: the 24-hour window (422 WINDOW_CLOSED outside it, reopened by each customer
 * message), templates (synced, validated, contact pre-fill), one business-initiated template until the customer
 * replies (409 naming the conversation), sticky sender rotation, and inbound media fetched by a separate,
 * retryable job (the message exists before its file).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineConnector, type ProviderTemplate } from '../channel-kit/index.js';
import { sendTest, signTestBody, testConnectorDefinition } from '../channel-kit/test-connector.js';
import { eventually, startTestServer, testClock, type TestServer } from '../testing/test-server.js';
import { fakeProvider, type FakeProvider } from '../testing/fake-provider.js';

const SIGNING = 'rules-signing-secret';
const SENDERS = ['num-a', 'num-b', 'num-c'];

/** the test provider with templates, a 24-hour window, images and three sender numbers */
const richConnector = defineConnector({
  ...testConnectorDefinition,
  type: 'x-rich',
  limits: { ...testConnectorDefinition.limits, inbound: ['text', 'image'], windowHours: 24 },
  send: { text: sendTest, image: sendTest, template: sendTest },
  features: {
    ...testConnectorDefinition.features,
    senders: () => SENDERS,
    templates: {
      async sync(ctx): Promise<ProviderTemplate[]> {
        const res = await ctx.http(`${ctx.config.apiBaseUrl}/templates`);
        return ((await res.json()) as { data: ProviderTemplate[] }).data;
      },
    },
  },
});

interface Msg {
  id: string;
  status: string;
  from: string;
  content: { type: string; media?: { url: string; state: string; size?: number }; template?: { text: string } };
}
interface Conv {
  id: string;
  address: string;
  senderAddress: string | null;
  contactId: string;
  window: { open: boolean; awaitingReply: boolean; expiresAt: string } | null;
}

describe('provider rules enforced by the hub', () => {
  let t: TestServer;
  let provider: FakeProvider;
  let connectionId: string;
  const clock = testClock();
  const post = (body: unknown) => {
    const raw = JSON.stringify(body);
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
  const reply = (conversationId: string, body: unknown) =>
    t.api<
      Msg & {
        error: {
          code: string;
          message: string;
          details: { conversationId?: string; fields?: Array<{ field: string }> };
        };
      }
    >('POST', `/api/v1/conversations/${conversationId}/messages`, body);

  beforeAll(async () => {
    provider = await fakeProvider();
    provider.templates = [
      {
        id: 't1',
        name: 'order_update',
        language: 'en',
        status: 'APPROVED',
        category: 'UTILITY',
        components: [],
        variables: ['1', '2'],
        body: 'Hi {{1}}, your order {{2}} has shipped.',
      },
      {
        id: 't2',
        name: 'promo',
        language: 'en',
        status: 'PENDING',
        category: 'MARKETING',
        components: [],
        variables: [],
        body: 'Sale!',
      },
    ];
    t = await startTestServer({ extraConnectors: [richConnector], clock });
    connectionId = (
      await t.api<{ id: string }>('POST', '/api/v1/connections', {
        type: 'x-rich',
        name: 'rich',
        config: { signingSecret: SIGNING, apiToken: 'rich-api-token-1', apiBaseUrl: provider.url },
      })
    ).body.id;
    await t.api('POST', `/api/v1/connections/${connectionId}/start`);
  });
  afterAll(async () => {
    await t.close();
    await provider.close();
  });

  it('syncs templates on start and lists them', async () => {
    const list = await eventually(async () => {
      const r = await t.api<{ data: Array<{ name: string; status: string; variables: string[] }> }>(
        'GET',
        `/api/v1/connections/${connectionId}/templates`,
      );
      return r.body.data.length === 2 ? r.body.data : undefined;
    });
    expect(list.map((x) => `${x.name}:${x.status}`)).toEqual(['order_update:APPROVED', 'promo:PENDING']);
  });

  it('allows free-form replies only inside the window; each customer message reopens it', async () => {
    await post({
      id: 'w-1',
      type: 'message',
      from: '+491',
      name: 'Lena',
      text: 'hi',
      to: 'num-b',
      at: clock.now().toISOString(),
    });
    const conv = await convOf('+491');
    expect(conv.window?.open).toBe(true);
    expect(conv.senderAddress).toBe('num-b');
    const ok = await reply(conv.id, { content: { type: 'text', text: 'hello Lena' } });
    expect(ok.status).toBe(202);
    expect(ok.body.from).toBe('num-b');

    clock.advance(25 * 3_600_000);
    const closed = await reply(conv.id, { content: { type: 'text', text: 'are you there?' } });
    expect(closed.status).toBe(422);
    expect(closed.body.error.code).toBe('WINDOW_CLOSED');
    expect((await t.api<Conv>('GET', `/api/v1/conversations/${conv.id}`)).body.window).toMatchObject({
      open: false,
      awaitingReply: false,
    });

    // templates are validated before anything is queued
    const missing = await reply(conv.id, {
      template: { name: 'order_update', language: 'en', variables: { 1: 'Lena' } },
    });
    expect(missing.status).toBe(400);
    expect(missing.body.error.details.fields?.map((f) => f.field)).toEqual(['template.variables.2']);
    const pending = await reply(conv.id, { template: { name: 'promo', language: 'en' } });
    expect(pending.status).toBe(422);
    expect(pending.body.error.code).toBe('TEMPLATE_NOT_APPROVED');
    const unknown = await reply(conv.id, { template: { name: 'nope', language: 'en' } });
    expect(unknown.status).toBe(400);

    // a template opens the conversation again, with values pre-filled from the contact
    const template = await reply(conv.id, {
      template: { name: 'order_update', language: 'en', variables: { 1: '{{contact.name}}', 2: 'A-77' } },
    });
    expect(template.status).toBe(202);
    expect(template.body.content.template?.text).toBe('Hi Lena, your order A-77 has shipped.');
    await eventually(() => provider.received.some((r) => r.ref === template.body.id));
    expect((await t.api<Conv>('GET', `/api/v1/conversations/${conv.id}`)).body.window).toMatchObject({
      open: false,
      awaitingReply: true,
    });

    // a second business-initiated template while they have not replied: 409 naming the conversation
    const again = await reply(conv.id, {
      template: { name: 'order_update', language: 'en', variables: { 1: 'Lena', 2: 'A-78' } },
    });
    expect(again.status).toBe(409);
    expect(again.body.error.details.conversationId).toBe(conv.id);
    expect(again.body.error.message).toContain(conv.id);

    // the customer answers — stamped by a provider clock a second behind ours (whole seconds): the window is open
    // again and the template counts as answered
    await post({
      id: 'w-2',
      type: 'message',
      from: '+491',
      text: 'thanks!',
      to: 'num-b',
      at: new Date(Math.floor(clock.now().getTime() / 1000) * 1000 - 1000).toISOString(),
    });
    await eventually(
      async () => (await t.api<Conv>('GET', `/api/v1/conversations/${conv.id}`)).body.window?.open === true,
    );
    expect((await t.api<Conv>('GET', `/api/v1/conversations/${conv.id}`)).body.window).toMatchObject({
      open: true,
      awaitingReply: false,
    });
    expect((await reply(conv.id, { content: { type: 'text', text: 'you are welcome' } })).status).toBe(202);
  });

  it('rotates sender numbers over new recipients and keeps each recipient on its number', async () => {
    const first: Record<string, string> = {};
    for (const to of ['+10', '+11', '+12', '+13']) {
      const m = await t.api<Msg>('POST', '/api/v1/messages', {
        connectionId,
        to,
        template: { name: 'order_update', language: 'en', variables: { 1: 'x', 2: 'y' } },
      });
      expect(m.status).toBe(202);
      first[to] = m.body.from;
    }
    expect(new Set(Object.values(first)).size).toBe(3);
    expect(Object.values(first).every((s) => SENDERS.includes(s))).toBe(true);
    // resolve and start again later: same number
    const conv = await convOf('+12');
    await t.api('PATCH', `/api/v1/conversations/${conv.id}`, { status: 'resolved' });
    clock.advance(25 * 3_600_000);
    const again = await t.api<Msg>('POST', '/api/v1/messages', {
      connectionId,
      to: '+12',
      template: { name: 'order_update', language: 'en', variables: { 1: 'x', 2: 'y' } },
    });
    expect(again.body.from).toBe(first['+12']);
    await eventually(() => provider.received.some((r) => r.ref === again.body.id && r.from === first['+12']));
  });

  it('stores the message first and fetches its file as a retryable job', async () => {
    provider.files.set('media-1', { bytes: Buffer.from('\x89PNG fake image bytes'), mimeType: 'image/png' });
    provider.flakyFiles.set('media-1', 2);
    await post({
      id: 'img-1',
      type: 'message',
      from: '+492',
      text: 'look',
      mediaId: 'media-1',
      mimeType: 'image/png',
      at: clock.now().toISOString(),
    });
    const conv = await convOf('+492');
    const first = (await t.api<{ data: Msg[] }>('GET', `/api/v1/conversations/${conv.id}/messages`)).body.data[0];
    expect(first?.content.type).toBe('image');
    const ready = await eventually(
      async () => {
        const m = (await t.api<{ data: Msg[] }>('GET', `/api/v1/conversations/${conv.id}/messages`)).body.data[0];
        return m?.content.media?.state === 'ready' ? m : undefined;
      },
      10_000,
      'the attachment to be fetched',
    );
    const file = await fetch(ready.content.media?.url ?? '');
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await file.arrayBuffer()).toString()).toBe('\x89PNG fake image bytes');
    expect((await fetch(`${ready.content.media?.url}x`)).status).toBe(404);

    // a file the provider no longer has ends failed, visibly, with a log line
    await post({ id: 'img-2', type: 'message', from: '+492', mediaId: 'gone', at: clock.now().toISOString() });
    await eventually(
      async () => {
        const msgs = (await t.api<{ data: Msg[] }>('GET', `/api/v1/conversations/${conv.id}/messages`)).body.data;
        return msgs.find((m) => m.content.media?.state === 'failed');
      },
      15_000,
      'the missing file to fail',
    );
  });

  it('uploads a file and sends it', async () => {
    const up = await t.api<{ url: string; size: number }>('POST', '/api/v1/media?fileName=photo.png', 'PNGDATA', {
      'content-type': 'image/png',
    });
    expect(up.status).toBe(201);
    expect(up.body.size).toBe(7);
    await post({
      id: 'img-3',
      type: 'message',
      from: '+493',
      text: 'send me the photo',
      at: clock.now().toISOString(),
    });
    const conv = await convOf('+493');
    const m = await reply(conv.id, { content: { type: 'image', media: { url: up.body.url, mimeType: 'image/png' } } });
    expect(m.status).toBe(202);
    const sent = await eventually(() => provider.received.find((r) => r.ref === m.body.id));
    expect(Buffer.from(sent.media ?? '', 'base64').toString()).toBe('PNGDATA');
  });
});
