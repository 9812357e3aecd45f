/**
 * One customer, however their address is spelled: a WhatsApp template sent to `+1 (555) 010-1234` and the reply
 * from wa_id `15550101234` are one contact and one conversation, and the reply opens the 24-hour window (Cloud API
 * simulator). Channels declare their address kind in the catalog; a connection's defaultRegion reads national numbers
 * and is validated; a malformed `to` is a 400 naming the field and stores no identity. Contacts are found by any
 * spelling of their number, their name or email; a contact shows its identities and conversations on every channel,
 * and a contact merged away by 0010_normalize_identities answers 301 with the survivor.
 */
import { startWhatsAppSimulator, type WhatsAppSimulator } from '@switchboard/simulators';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConnector } from '../channel-kit/test-connector.js';
import { eventually, startTestServer, type TestServer } from '../testing/test-server.js';
import { fakeProvider, type FakeProvider } from '../testing/fake-provider.js';
import { newId } from '../model/index.js';
import type { KyselyStore } from '../store/sql/kysely-store.js';
import { normalizeIdentities } from '../store/sql/identity-normalization.js';

interface Conv {
  id: string;
  contactId: string;
  address: string;
  window: { open: boolean; awaitingReply: boolean } | null;
}
interface ApiError {
  error: { code: string; message: string; details?: { fields?: Array<{ field: string; message: string }> } };
}
interface Contact {
  id: string;
  name: string | null;
  identities: Array<{ channelType: string; address: string }>;
  conversations: Array<{ id: string; channelType: string }>;
}

/** a channel whose customers are mailboxes: the kit's test connector declaring the email kind */
const mailConnector = { ...testConnector, type: 'x-mail' as const, addressKind: 'email' as const };

describe('customer addresses are normalized to one identity', () => {
  let sim: WhatsAppSimulator;
  let provider: FakeProvider;
  let t: TestServer;
  let wa: string;
  let mail: string;

  const conversations = async (connectionId: string) =>
    (await t.api<{ data: Conv[] }>('GET', `/api/v1/conversations?connectionId=${connectionId}&limit=200`)).body.data;
  const identities = async () => {
    const contacts = (await t.api<{ data: Array<{ id: string }> }>('GET', '/api/v1/contacts?limit=200')).body.data;
    const all = await Promise.all(
      contacts.map(async (c) => (await t.api<Contact>('GET', `/api/v1/contacts/${c.id}`)).body.identities),
    );
    return all
      .flat()
      .map((i) => `${i.channelType}:${i.address}`)
      .sort();
  };
  const start = (connectionId: string, to: string, body: Record<string, unknown>) =>
    t.api<ApiError & { conversationId: string }>('POST', '/api/v1/messages', { connectionId, to, ...body });
  const template = { template: { name: 'hello', language: 'en_US' } };

  beforeAll(async () => {
    sim = await startWhatsAppSimulator({
      webhooks: { retryScale: 0.001 },
      receipts: { sentAfterMs: 20, deliveredAfterMs: 40, readAfterMs: 60 },
    });
    provider = await fakeProvider();
    const d = sim.defaults;
    if (!d) throw new Error('simulator not seeded');
    sim.createTemplate({
      wabaId: d.wabaId,
      name: 'hello',
      language: 'en_US',
      category: 'UTILITY',
      components: [{ type: 'BODY', text: 'Hello from the shop.' }],
    });
    t = await startTestServer({ extraConnectors: [mailConnector] });
    const waConfig = {
      accessToken: d.accessToken,
      appSecret: sim.app.secret,
      businessAccountId: d.wabaId,
      phoneNumberIds: [d.phoneNumberId],
      apiBaseUrl: sim.url,
    };
    for (const defaultRegion of ['Germany', 'de', 'ZZ']) {
      const bad = await t.api<ApiError>('POST', '/api/v1/connections', {
        type: 'whatsapp',
        name: 'bad region',
        config: { ...waConfig, defaultRegion },
      });
      expect(bad.status, defaultRegion).toBe(400);
      expect(bad.body.error.details?.fields?.map((f) => f.field)).toEqual(['defaultRegion']);
    }
    // a German shop: national numbers typed by its operators are German; wa_ids stay international
    wa = (
      await t.api<{ id: string }>('POST', '/api/v1/connections', {
        type: 'whatsapp',
        name: 'WhatsApp',
        config: { ...waConfig, defaultRegion: 'DE' },
      })
    ).body.id;
    const started = await t.api<{ status: string; webhookUrl: string; config: { verifyToken: string } }>(
      'POST',
      `/api/v1/connections/${wa}/start`,
    );
    expect(started.body.status).toBe('RUNNING');
    await sim.configureWebhook({ url: started.body.webhookUrl, verifyToken: started.body.config.verifyToken });
    mail = (
      await t.api<{ id: string }>('POST', '/api/v1/connections', {
        type: 'x-mail',
        name: 'mail',
        config: { signingSecret: 'mail-signing-secret', apiToken: 'mail-api-token-1', apiBaseUrl: provider.url },
      })
    ).body.id;
    await t.api('POST', `/api/v1/connections/${mail}/start`);
    await eventually(
      async () => (await t.api<{ data: unknown[] }>('GET', `/api/v1/connections/${wa}/templates`)).body.data.length > 0,
    );
  });
  afterAll(async () => {
    await t?.close();
    await sim?.close();
    await provider?.close();
  });

  it('lists every channel type with the address kind it declares', async () => {
    const types = (
      await t.api<{ data: Array<{ type: string; addressKind: string }> }>('GET', '/api/v1/connection-types')
    ).body.data;
    expect(Object.fromEntries(types.map((c) => [c.type, c.addressKind]))).toEqual({
      webchat: 'opaque',
      telegram: 'opaque',
      whatsapp: 'phone',
      bird: 'phone',
      'twilio-sms': 'phone',
      'vonage-sms': 'phone',
      messenger: 'opaque',
      instagram: 'opaque',
      vk: 'opaque',
      rcs: 'phone',
      infobip: 'phone',
      'whatsapp-onpremise': 'phone',
      'x-mail': 'email',
      email: 'email',
      'sms-gateway': 'phone',
      intercom: 'opaque',
      'twilio-voice': 'phone',
      sip: 'phone',
    });
  });

  it('meets a template sent to "+1 (555) 010-1234" and the reply from wa_id 15550101234 in one contact and one conversation, and the window opens', async () => {
    const sent = await start(wa, '+1 (555) 010-1234', template);
    expect(sent.status).toBe(202);
    await eventually(() => sim.sentMessages({ to: '15550101234' }).length === 1);
    const [opened] = await conversations(wa);
    expect(opened).toMatchObject({ address: '+15550101234', window: { open: false, awaitingReply: true } });

    sim.sendText({ from: '15550101234', text: 'Thanks, what now?', profileName: 'Sam' });
    await eventually(
      async () =>
        (await t.api<{ data: unknown[] }>('GET', `/api/v1/conversations/${opened?.id}/messages`)).body.data.length ===
        2,
      10_000,
      'the reply in the same conversation',
    );
    const after = await conversations(wa);
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({
      id: opened?.id,
      contactId: opened?.contactId,
      window: { open: true, awaitingReply: false },
    });
    expect(
      (await t.api<Contact>('GET', `/api/v1/contacts/${opened?.contactId}`)).body.identities.map(
        (i) => `${i.channelType}:${i.address}`,
      ),
    ).toEqual(['whatsapp:+15550101234']);

    const free = await t.api<ApiError>('POST', `/api/v1/conversations/${opened?.id}/messages`, {
      content: { type: 'text', text: 'Your order ships today.' },
    });
    expect(free.status).toBe(202);
    await eventually(() => sim.sentMessages({ to: '15550101234' }).some((m) => m.type === 'text'));
    // the same number typed yet another way continues the conversation
    const again = await start(wa, '001 555 010 1234', { content: { type: 'text', text: 'One more thing.' } });
    expect(again.status).toBe(202);
    expect(await conversations(wa)).toHaveLength(1);
  });

  it("reads a national number in the connection's defaultRegion", async () => {
    expect((await start(wa, '0151 23456789', template)).status).toBe(202);
    expect((await conversations(wa)).map((c) => c.address)).toContain('+4915123456789');
  });

  it('answers a malformed address with 400 naming `to` and stores no identity', async () => {
    const before = await identities();
    for (const [connectionId, to] of [
      [wa, 'hello'],
      [wa, '+1 555 CALL NOW'],
      [wa, '+1 2'],
      [mail, 'ada@'],
      [mail, 'ada'],
      [mail, '@example.com'],
    ] as const) {
      const res = await start(
        connectionId,
        to,
        connectionId === wa ? template : { content: { type: 'text', text: 'hi' } },
      );
      expect(res.status, to).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION');
      expect(
        res.body.error.details?.fields?.map((f) => f.field),
        to,
      ).toEqual(['to']);
      expect(res.body.error.message).toMatch(/^to: /);
    }
    expect(await identities()).toEqual(before);
  });

  it('trims an email address and case-folds it whole (the local part too: Ana@ and ana@ are one mailbox)', async () => {
    expect((await start(mail, '  Ada.Lovelace@Example.COM ', { content: { type: 'text', text: 'hi' } })).status).toBe(
      202,
    );
    expect((await start(mail, 'ada.lovelace@example.com', { content: { type: 'text', text: 'again' } })).status).toBe(
      202,
    );
    expect((await conversations(mail)).map((c) => c.address)).toEqual(['ada.lovelace@example.com']);
    await eventually(() => provider.received.length === 2);
    expect(provider.received.map((r) => r.to)).toEqual(['ada.lovelace@example.com', 'ada.lovelace@example.com']);
  });

  it('finds a contact by any spelling of their number, part of it, their name or their email', async () => {
    const found = async (q: string) =>
      (
        await t.api<{ data: Array<{ id: string; name: string | null }> }>(
          'GET',
          `/api/v1/contacts?q=${encodeURIComponent(q)}`,
        )
      ).body.data.map((c) => c.id);
    const [sam] = (await conversations(wa)).filter((c) => c.address === '+15550101234');
    const [ada] = await conversations(mail);
    const [national] = (await conversations(wa)).filter((c) => c.address === '+4915123456789');
    for (const q of ['+1 (555) 010-1234', '15550101234', '+15550101234', '001 555 010 1234', '010-1234', 'sam'])
      expect(await found(q), q).toEqual([sam?.contactId]);
    // typed nationally: read in the region of the workspace's phone connection
    expect(await found('0151 23456789')).toEqual([national?.contactId]);
    for (const q of ['Ada.Lovelace@EXAMPLE.com', 'lovelace']) expect(await found(q), q).toEqual([ada?.contactId]);
    expect(await found('nobody by that name')).toEqual([]);
  });

  it('shows identities and conversations on every channel, most recent first; a merged-away contact answers 301 with its survivor', async () => {
    const [sam] = (await conversations(wa)).filter((c) => c.address === '+15550101234');
    // a contact stored before addresses were normalized, with the number as an operator once typed it and a
    // conversation of its own on the mail channel: the migration merges it into the customer it turns out to be
    const store = t.sb.store as KyselyStore;
    const legacy = newId('ct');
    const stamp = new Date().toISOString();
    const { workspace_id: ws } = await store.kysely
      .selectFrom('contacts')
      .select('workspace_id')
      .where('id', '=', sam!.contactId)
      .executeTakeFirstOrThrow();
    await store.insertContact({
      id: legacy,
      workspaceId: ws,
      name: null,
      attributes: { source: 'import' },
      createdAt: stamp,
      updatedAt: stamp,
    });
    await store.insertIdentity({
      id: newId('cid'),
      workspaceId: ws,
      contactId: legacy,
      channelType: 'whatsapp',
      address: '+1 555-010-1234',
      connectionId: wa,
      createdAt: stamp,
    });
    await store.insertIdentity({
      id: newId('cid'),
      workspaceId: ws,
      contactId: legacy,
      channelType: 'x-mail',
      address: 'sam@example.org',
      connectionId: mail,
      createdAt: stamp,
    });
    const old = '2020-01-01T00:00:00.000Z';
    const mailConv = newId('conv');
    await store.insertConversation({
      id: mailConv,
      workspaceId: ws,
      contactId: legacy,
      connectionId: mail,
      channelType: 'x-mail',
      address: 'sam@example.org',
      threadKey: null,
      status: 'open',
      assigneeId: null,
      senderAddress: null,
      windowExpiresAt: null,
      lastInboundAt: null,
      lastBusinessTemplateAt: null,
      lastMessageAt: old,
      lastMessagePreview: null,
      unreadCount: 0,
      createdAt: old,
      updatedAt: old,
    });
    await normalizeIdentities(store.kysely as unknown as Kysely<unknown>, 'sqlite');

    const moved = await fetch(`${t.url}/api/v1/contacts/${legacy}`, {
      headers: { authorization: `Bearer ${t.token}` },
      redirect: 'manual',
    });
    expect(moved.status).toBe(301);
    expect(await moved.json()).toEqual({ mergedInto: sam?.contactId });
    expect(moved.headers.get('location')).toBe(`/api/v1/contacts/${sam?.contactId}`);
    const view = (await t.api<Contact>('GET', `/api/v1/contacts/${sam?.contactId}`)).body;
    expect(view.identities.map((i) => `${i.channelType}:${i.address}`).sort()).toEqual([
      'whatsapp:+15550101234',
      'x-mail:sam@example.org',
    ]);
    expect(view.conversations.map((c) => `${c.channelType}:${c.id}`)).toEqual([
      `whatsapp:${sam?.id}`,
      `x-mail:${mailConv}`,
    ]);
    expect(
      (await t.api<{ data: Array<{ id: string }> }>('GET', '/api/v1/contacts?q=sam%40example.org')).body.data.map(
        (c) => c.id,
      ),
    ).toEqual([sam?.contactId]);
  });
});
