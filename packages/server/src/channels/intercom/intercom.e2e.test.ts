/**
 * The Intercom connector end to end: a real hub on 127.0.0.1 and the Intercom simulator. Start (token and admin
 * checked), conversations mirrored (contact = address, Intercom conversation = thread) with text and files, signatures
 * missing / tampered / under another secret refused, re-deliveries and parts repeated in another notification stored
 * once, replies and internal notes as our admin (our own reply's webhook not doubled), a teammate's reply stored and
 * not sent back, closes and assignments reflected, a resolve mirrored as a close, Intercom's webhook retries after a
 * refused delivery, 429 retried after X-RateLimit-Reset, 401 → connection ERROR.
 */
import { createHmac } from 'node:crypto';
import { INTERCOM_ERRORS, startIntercomSimulator, type IntercomSimulator } from '@switchboard/simulators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Content } from '../../model/index.js';
import { eventually, startTestServer, type TestServer } from '../../testing/test-server.js';
import { hubReads, TINY_PNG } from '../../testing/hub-reads.js';

interface Conv {
  id: string;
  address: string;
  threadKey: string | null;
  status: string;
  contactId: string;
}
interface Msg {
  id: string;
  direction: string;
  status: string;
  from: string;
  content: Content & { media?: { state?: string; url: string } };
  statusDetail: { code: string; message: string } | null;
  providerMessageId: string | null;
  metadata: Record<string, unknown>;
}
interface Conn {
  id: string;
  status: string;
  statusReason: string | null;
  webhookUrl: string;
  config: Record<string, unknown>;
}

const PNG = TINY_PNG;

describe('intercom connector end to end', () => {
  let sim: IntercomSimulator;
  let t: TestServer;
  let conn: Conn;
  let first: { conversationId: string; contactId: string; partId: string };

  const conversationsOf = async (threadKey: string) =>
    (await t.api<{ data: Conv[] }>('GET', `/api/v1/conversations?connectionId=${conn.id}&limit=200`)).body.data.filter(
      (c) => c.threadKey === threadKey,
    );
  const conversationOf = (threadKey: string, status = 'open') =>
    eventually(
      async () => (await conversationsOf(threadKey)).find((c) => c.status === status),
      10_000,
      `${status} conversation of ${threadKey}`,
    );
  const reads = hubReads(() => t);
  const messagesOf = (conversationId: string) => reads.messagesOf<Msg>(conversationId);
  const messagesUntil = (conversationId: string, n: number) =>
    eventually(
      async () => {
        const list = await messagesOf(conversationId);
        return list.length >= n ? list : undefined;
      },
      10_000,
      `${n} messages`,
    );
  const until = (id: string, ok: (m: Msg) => boolean, what: string, ms = 15_000) =>
    reads.messageUntil<Msg>(id, ok, what, ms);
  const reply = (conversationId: string, content: Content, metadata?: Record<string, unknown>) =>
    reads.reply<Msg>(conversationId, content, metadata);
  const create = async (config: Record<string, unknown>, name = 'Intercom') => {
    const res = await t.api<Conn>('POST', '/api/v1/connections', {
      type: 'intercom',
      name,
      config: {
        accessToken: sim.accessToken,
        clientSecret: sim.clientSecret,
        adminId: sim.botAdmin.id,
        apiBaseUrl: sim.url,
        ...config,
      },
    });
    expect(res.status).toBe(201);
    return res.body;
  };
  const post = (body: string, headers: Record<string, string>) =>
    fetch(conn.webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const sign = (body: string) => `sha1=${createHmac('sha1', sim.clientSecret).update(body).digest('hex')}`;

  beforeAll(async () => {
    sim = await startIntercomSimulator({ webhooks: { retryScale: 0.005 } });
    t = await startTestServer({ env: { SWITCHBOARD_OUTBOUND_MAX_ATTEMPTS: '3' } });
    conn = await create({});
    expect(conn.config.accessToken).toBe('********');
    expect(conn.config.clientSecret).toBe('********');
    // the Developer Hub checks the URL with a HEAD request, before the connection is even started
    await sim.setWebhook(conn.webhookUrl);
  });
  afterAll(async () => {
    await t?.close();
    await sim?.close();
  });

  it('starts: GET /me checks the token, GET /admins the admin, with the Intercom-Version header', async () => {
    const started = await t.api<Conn>('POST', `/api/v1/connections/${conn.id}/start`);
    expect(started.body).toMatchObject({ status: 'RUNNING', statusReason: null });
    const calls = sim.calls();
    const seen = calls.map((c) => `${c.method} ${c.path} ${c.status}`);
    expect(seen.slice(0, 2)).toEqual(['GET /me 200', `GET /admins/${sim.botAdmin.id} 200`]);
    // then the health check that follows a start asks the same two (intercomHealth)
    expect(new Set(seen)).toEqual(new Set(['GET /me 200', `GET /admins/${sim.botAdmin.id} 200`]));
    expect(calls.every((c) => c.version === '2.11')).toBe(true);
    const head = await fetch(conn.webhookUrl, { method: 'HEAD' });
    expect(head.status).toBe(200);
    // a HEAD is answered, never stored: no conversation came of it
    expect(
      (await t.api<{ data: unknown[] }>('GET', `/api/v1/conversations?connectionId=${conn.id}`)).body.data,
    ).toEqual([]);
  });

  it('a wrong token or an unknown admin does not start', async () => {
    const bad = await create({ accessToken: 'not-a-token' }, 'bad token');
    expect((await t.api<Conn>('POST', `/api/v1/connections/${bad.id}/start`)).body.status).toBe('ERROR');
    const unknown = await create({ adminId: '42' }, 'unknown admin');
    const res = (await t.api<Conn>('POST', `/api/v1/connections/${unknown.id}/start`)).body;
    expect(res).toMatchObject({ status: 'ERROR', statusReason: expect.stringContaining('42') });
  });

  it('mirrors a conversation: the contact is the address, the Intercom conversation the thread; files fetched', async () => {
    first = sim.customerStarts({ name: 'Ana Lima', email: 'ana@example.com', text: 'Hello, my order is late' });
    sim.customerReplies(first.conversationId, {
      text: 'the box',
      files: [{ data: PNG, contentType: 'image/png', name: 'box.png' }],
    });
    await sim.idle();
    const conv = await conversationOf(first.conversationId);
    expect(conv.address).toBe(first.contactId);
    const all = await messagesUntil(conv.id, 2);
    expect(all.map((m) => [m.direction, m.content.type])).toEqual([
      ['inbound', 'text'],
      ['inbound', 'image'],
    ]);
    expect(all[0]?.providerMessageId).toBe(first.partId);
    const contact = (
      await t.api<{ name: string; attributes: Record<string, string> }>('GET', `/api/v1/contacts/${conv.contactId}`)
    ).body;
    expect(contact).toMatchObject({ name: 'Ana Lima', attributes: { email: 'ana@example.com' } });
    const image = all[1] as Msg;
    expect(image.content).toMatchObject({ media: { caption: 'the box' } });
    const ready = await until(image.id, (m) => m.content.media?.state === 'ready', 'image stored');
    const bytes = Buffer.from(await (await fetch(ready.content.media?.url ?? '')).arrayBuffer());
    expect(bytes.equals(PNG)).toBe(true);
  });

  it('refuses missing, tampered and foreign-secret signatures; nothing is stored', async () => {
    const d = sim.deliveries().find((x) => x.topic === 'conversation.user.created');
    if (!d) throw new Error('no delivery');
    const { 'x-hub-signature': sig, ...unsigned } = d.headers;
    expect(sig).toMatch(/^sha1=[0-9a-f]{40}$/);
    expect((await post(d.body, unsigned)).status).toBe(401);
    const tampered = d.body.replace('my order is late', 'my order is LATE');
    expect((await post(tampered, d.headers)).status).toBe(401);
    const foreign = `sha1=${createHmac('sha1', 'another-client-secret').update(tampered).digest('hex')}`;
    expect((await post(tampered, { ...unsigned, 'x-hub-signature': foreign })).status).toBe(401);
    const conv = await conversationOf(first.conversationId);
    expect((await messagesOf(conv.id)).some((m) => m.content.type === 'text' && m.content.text.includes('LATE'))).toBe(
      false,
    );
  });

  it('stores a re-delivered notification once, and a part repeated in another notification once', async () => {
    const partId = sim.customerReplies(first.conversationId, { text: 'only once' });
    await sim.idle();
    const d = sim.deliveries().find((x) => x.body.includes('only once'));
    if (!d) throw new Error('no delivery');
    expect(await sim.replay(d.id)).toBe(200);
    // the same part in a notification of its own (another id, signed anew)
    const again = d.body.replace(d.id, `${d.id}_other`);
    expect((await post(again, { ...d.headers, 'x-hub-signature': sign(again) })).status).toBe(200);
    const conv = await conversationOf(first.conversationId);
    await new Promise((r) => setTimeout(r, 500));
    const copies = (await messagesOf(conv.id)).filter((m) => m.providerMessageId === partId);
    expect(copies).toHaveLength(1);
  });

  it('stores every part of a notification that carries several (the customer’s and a teammate’s), each once', async () => {
    const d = sim.deliveries().find((x) => x.body.includes('only once'));
    if (!d) throw new Error('no delivery');
    const body = JSON.parse(d.body) as {
      id: string;
      data: { item: { conversation_parts: { conversation_parts: Array<Record<string, unknown>> } } };
    };
    const [template] = body.data.item.conversation_parts.conversation_parts;
    const part = (id: string, text: string, author: Record<string, unknown>) => ({
      ...template,
      id,
      body: `<p>${text}</p>`,
      author,
    });
    const customer = template?.author as Record<string, unknown>;
    body.id = `${body.id}_batch`;
    body.data.item.conversation_parts.conversation_parts = [
      part('990001', 'first of three', customer),
      part('990002', 'second of three', customer),
      part('990003', 'a teammate in between', {
        type: 'admin',
        id: sim.teammate.id,
        name: 'Mia',
        email: 'mia@acme.test',
      }),
    ];
    const raw = JSON.stringify(body);
    for (let i = 0; i < 2; i++)
      expect((await post(raw, { ...d.headers, 'x-hub-signature': sign(raw) })).status).toBe(200);
    const conv = await conversationOf(first.conversationId);
    const stored = await eventually(
      async () => {
        const list = (await messagesOf(conv.id)).filter((m) => m.providerMessageId?.startsWith('99000'));
        return list.length >= 3 ? list : undefined;
      },
      10_000,
      'three parts',
    );
    await new Promise((r) => setTimeout(r, 300));
    expect(
      (await messagesOf(conv.id))
        .filter((m) => m.providerMessageId?.startsWith('99000'))
        .map((m) => [m.providerMessageId, m.direction]),
    ).toEqual([
      ['990001', 'inbound'],
      ['990002', 'inbound'],
      ['990003', 'outbound'],
    ]);
    expect(stored).toHaveLength(3);
  });

  it('replies as our admin; our reply’s own webhook is not stored twice and nothing is sent back', async () => {
    const conv = await conversationOf(first.conversationId);
    // the webhook of our reply reaches the hub before Intercom's answer to the reply does
    sim.setReplyAnswerDelay(700);
    const sent = await reply(conv.id, { type: 'text', text: 'We are on it <today>\n\nThanks' });
    const m = await until(sent.id, (x) => x.status === 'sent', 'sent');
    sim.setReplyAnswerDelay(0);
    const parts = sim.apiParts({ conversationId: first.conversationId, partType: 'comment' });
    expect(parts).toHaveLength(1);
    expect(parts[0]?.request).toEqual({
      message_type: 'comment',
      type: 'admin',
      admin_id: sim.botAdmin.id,
      body: '<p>We are on it &lt;today&gt;</p><p>Thanks</p>',
    });
    expect(m.providerMessageId).toBe(parts[0]?.part.id);
    await sim.idle();
    expect(
      sim
        .deliveries()
        .some((x) => x.topic === 'conversation.admin.replied' && x.body.includes(m.providerMessageId ?? '-')),
    ).toBe(true);
    await new Promise((r) => setTimeout(r, 500));
    // one outbound message of ours (the teammate's echoes aside)
    expect((await messagesOf(conv.id)).filter((x) => x.direction === 'outbound' && !x.metadata.echo)).toHaveLength(1);
    expect(sim.apiParts({ partType: 'comment' })).toHaveLength(1);
  });

  it('stores a teammate’s reply in Intercom as the business’s message, and does not echo it back', async () => {
    const partId = sim.teammateReplies(first.conversationId, 'Mia here, checking the warehouse');
    await sim.idle();
    const conv = await conversationOf(first.conversationId);
    const echo = await eventually(
      async () => (await messagesOf(conv.id)).find((x) => x.providerMessageId === partId),
      10_000,
      'teammate reply',
    );
    expect(echo).toMatchObject({
      direction: 'outbound',
      status: 'sent',
      from: `admin:${sim.teammate.id}`,
      content: { type: 'text', text: 'Mia here, checking the warehouse' },
      metadata: { echo: true, intercomAuthor: { name: 'Mia' } },
    });
    await new Promise((r) => setTimeout(r, 500));
    expect(sim.apiParts({ partType: 'comment' })).toHaveLength(1);
  });

  it('sends a file as our signed link Intercom fetches, and an internal note as a note', async () => {
    const conv = await conversationOf(first.conversationId);
    const upload = await fetch(`${t.url}/api/v1/media?fileName=label.png`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.token}`, 'content-type': 'image/png' },
      body: PNG,
    });
    const media = (await upload.json()) as { url: string };
    expect(upload.status).toBe(201);
    const img = await reply(conv.id, {
      type: 'image',
      media: { url: media.url, mimeType: 'image/png', caption: 'label' },
    });
    await until(img.id, (x) => x.status === 'sent', 'image sent');
    const part = sim.apiParts({ conversationId: first.conversationId }).at(-1);
    expect(part?.request.attachment_urls).toEqual([expect.stringMatching(/\/media\/.+\/link\?expires=/)]);
    expect(part?.fetched[0]?.bytes?.equals(PNG)).toBe(true);
    const note = await reply(conv.id, { type: 'text', text: 'customer is VIP' }, { internalNote: true });
    await until(note.id, (x) => x.status === 'sent', 'note sent');
    expect(sim.apiParts({ partType: 'note' }).map((p) => p.request)).toEqual([
      { message_type: 'note', type: 'admin', admin_id: sim.botAdmin.id, body: '<p>customer is VIP</p>' },
    ]);
  });

  it('refuses an internal note on a channel without notes', async () => {
    const wc = await t.api<Conn>('POST', '/api/v1/connections', { type: 'webchat', name: 'chat', config: {} });
    expect(wc.status).toBe(201);
    const res = await t.api<{ error: { code: string } }>('POST', '/api/v1/messages', {
      connectionId: wc.body.id,
      to: 'vis_someone',
      content: { type: 'text', text: 'secret note' },
      metadata: { internalNote: true },
    });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('UNSUPPORTED_CONTENT');
  });

  it('resolving here closes the Intercom conversation as our admin; the customer’s next message opens a new one', async () => {
    const conv = await conversationOf(first.conversationId);
    const res = await t.api<Conv>('PATCH', `/api/v1/conversations/${conv.id}`, { status: 'resolved' });
    expect(res.status).toBe(200);
    expect(sim.conversation(first.conversationId)?.state).toBe('closed');
    expect(sim.apiParts({ partType: 'close' }).map((p) => p.request)).toEqual([
      { message_type: 'close', type: 'admin', admin_id: sim.botAdmin.id },
    ]);
    await sim.idle();
    // our close's webhook came back and changed nothing
    await new Promise((r) => setTimeout(r, 300));
    expect((await t.api<Conv>('GET', `/api/v1/conversations/${conv.id}`)).body.status).toBe('resolved');
    sim.customerReplies(first.conversationId, { text: 'one more thing' });
    const reopened = await conversationOf(first.conversationId);
    expect(reopened.id).not.toBe(conv.id);
  });

  it('reflects a teammate’s assignment on the timeline and a teammate’s close as resolved', async () => {
    const other = sim.customerStarts({ name: 'Bo', text: 'hi there' });
    const conv = await conversationOf(other.conversationId);
    sim.teammateAssigns(other.conversationId, sim.teammate.id);
    const assigned = await eventually(
      async () =>
        (
          await t.api<{ data: Array<{ type: string; actor: string; data: Record<string, unknown> }> }>(
            'GET',
            `/api/v1/conversations/${conv.id}/timeline`,
          )
        ).body.data.find((e) => e.type === 'assigned'),
      10_000,
      'assigned on the timeline',
    );
    expect(assigned).toMatchObject({
      actor: `provider:intercom:admin:${sim.teammate.id}`,
      data: { via: 'provider', providerAssignee: { id: sim.teammate.id } },
    });
    sim.teammateCloses(other.conversationId);
    await eventually(
      async () =>
        (await t.api<Conv>('GET', `/api/v1/conversations/${conv.id}`)).body.status === 'resolved' ? true : undefined,
      10_000,
      'resolved',
    );
    expect(sim.apiParts({ conversationId: other.conversationId })).toHaveLength(0);
  });

  it('a refused delivery (connection stopped) is retried by Intercom and stored once the connection runs', async () => {
    await t.api('POST', `/api/v1/connections/${conn.id}/stop`);
    const later = sim.customerStarts({ name: 'Cy', text: 'while you were away' });
    const d = await eventually(
      async () => sim.deliveries().find((x) => x.body.includes(later.conversationId) && x.attempts[0]?.status === 503),
      10_000,
      'refused first attempt',
    );
    expect((await t.api<Conn>('POST', `/api/v1/connections/${conn.id}/start`)).body.status).toBe('RUNNING');
    await eventually(async () => (d.state === 'delivered' ? true : undefined), 15_000, 'retried and delivered');
    const conv = await conversationOf(later.conversationId);
    expect((await messagesOf(conv.id)).map((m) => m.content.type)).toEqual(['text']);
  });

  it('429 is retried once X-RateLimit-Reset has passed, and sent once', async () => {
    const conv = await conversationOf(first.conversationId);
    sim.fault({ op: 'reply', error: INTERCOM_ERRORS.rateLimited(1666) });
    const before = sim.calls().length;
    const m = await reply(conv.id, { type: 'text', text: 'after a pause' });
    await until(m.id, (x) => x.status === 'sent', 'sent after 429', 25_000);
    const replies = sim
      .calls()
      .slice(before)
      .filter((c) => c.path.endsWith('/reply'));
    expect(replies.map((c) => c.status)).toEqual([429, 200]);
    // the window of the 429 ended at a whole 10 seconds: the retry came after it
    const windowEnd = Math.ceil(((replies[0]?.at ?? 0) + 1) / 10_000) * 10_000;
    expect(replies[1]?.at ?? 0).toBeGreaterThanOrEqual(windowEnd - 1000);
    expect(sim.apiParts().filter((p) => p.request.body === '<p>after a pause</p>')).toHaveLength(1);
  });

  it('a 401 from Intercom fails the message and turns the connection to ERROR', async () => {
    const conv = await conversationOf(first.conversationId);
    sim.fault({ op: 'reply', error: INTERCOM_ERRORS.unauthorized() });
    const m = await reply(conv.id, { type: 'text', text: 'no token' });
    const failed = await until(m.id, (x) => x.status === 'failed', 'failed');
    expect(failed.statusDetail?.code).toBe('AUTH');
    const c = await eventually(
      async () => {
        const x = (await t.api<Conn>('GET', `/api/v1/connections/${conn.id}`)).body;
        return x.status === 'ERROR' ? x : undefined;
      },
      10_000,
      'ERROR',
    );
    expect(c.statusReason).not.toContain(sim.accessToken);
  });
});
