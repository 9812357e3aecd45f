/**
 * Webchat settings, offline form and visitor uploads over real HTTP: the public settings answer computes the
 * opening hours on the server's clock and never carries a secret; the offline form is validated, rate-limited per
 * IP and opens a conversation whose contact holds the email; uploads are size- and type-limited.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestServer, testClock, type TestServer } from '../testing/test-server.js';
import { WebchatPublicSettingsSchema } from '../api/schemas.js';

interface Conv {
  id: string;
  contactId: string;
  lastMessagePreview: string | null;
}
interface Msg {
  id: string;
  content: { type: string; text?: string; media?: { url: string; mimeType: string; fileName?: string } };
  metadata: Record<string, unknown>;
}
const MEDIA_MAX = 4096;
// a Monday, 10:00 UTC (11:00 in Berlin)
const MONDAY_10_UTC = Date.parse('2026-01-05T10:00:00.000Z');
const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d4948445200000001000000010806000000' +
    '1f15c4890000000d49444154789c63f8cfc0f01f0005000201a5f5d1d40000000049454e44ae426082',
  'hex',
);

describe('webchat settings, offline form and uploads', () => {
  let t: TestServer;
  let connectionId = '';
  const visitor = (path: string, init: RequestInit = {}) => fetch(`${t.url}/webchat/${connectionId}${path}`, init);
  const json = (body: unknown, token?: string): RequestInit => ({
    method: 'POST',
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
  });
  const setConfig = async (config: Record<string, unknown>) =>
    expect((await t.api('PATCH', `/api/v1/connections/${connectionId}`, { config })).status).toBe(200);

  beforeAll(async () => {
    t = await startTestServer({
      env: { SWITCHBOARD_MEDIA_MAX_BYTES: String(MEDIA_MAX) },
      clock: testClock(MONDAY_10_UTC),
    });
    const created = await t.api<{ id: string }>('POST', '/api/v1/connections', {
      type: 'webchat',
      name: 'Site chat',
      config: {
        title: 'Acme help',
        color: '#16a34a',
        position: 'left',
        avatarUrl: 'https://cdn.example.com/ava.png',
        greeting: 'Hi there!',
        sessionSecret: 'a-very-secret-session-secret-0123',
      },
    });
    expect(created.status).toBe(201);
    connectionId = created.body.id;
    expect((await t.api('POST', `/api/v1/connections/${connectionId}/start`)).status).toBe(200);
  });
  afterAll(() => t.close());

  it('answers the public settings with CORS, without secrets, open when no hours are set', async () => {
    const res = await visitor('/settings', { headers: { origin: 'https://shop.example' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    const text = await res.text();
    expect(text).not.toContain('a-very-secret-session-secret-0123');
    expect(text).not.toContain('sessionSecret');
    expect(JSON.parse(text)).toEqual({
      connectionId,
      appearance: {
        title: 'Acme help',
        color: '#16a34a',
        position: 'left',
        avatarUrl: 'https://cdn.example.com/ava.png',
      },
      greeting: 'Hi there!',
      open: true,
      operatingHours: null,
      offline: { mode: 'form', text: expect.any(String) as string },
    });
  });

  it('computes the opening hours in the configured time zone on the server clock', async () => {
    // Monday 10:00 UTC = 11:00 Berlin = 05:00 New York
    await setConfig({
      operatingHours: {
        enabled: true,
        timeZone: 'Europe/Berlin',
        schedule: [{ day: 'mon', from: '11:00', to: '12:00' }],
      },
    });
    const inside = (await (await visitor('/settings')).json()) as { open: boolean; operatingHours: unknown };
    expect(inside.open).toBe(true);
    expect(inside.operatingHours).toEqual({
      timeZone: 'Europe/Berlin',
      schedule: [{ day: 'mon', from: '11:00', to: '12:00' }],
    });
    await setConfig({
      operatingHours: {
        enabled: true,
        timeZone: 'America/New_York',
        schedule: [{ day: 'mon', from: '09:00', to: '17:00' }],
      },
      offline: { mode: 'form', text: 'We are closed.' },
    });
    const outside = (await (await visitor('/settings')).json()) as { open: boolean; offline: unknown };
    expect(outside.open).toBe(false);
    expect(outside.offline).toEqual({ mode: 'form', text: 'We are closed.' });
    // the documented response schema (the SDK's types are generated from it) describes what is really answered
    for (const answer of [inside, outside]) expect(WebchatPublicSettingsSchema.strict().parse(answer)).toEqual(answer);
    // a bad zone or range is refused by the config schema
    expect(
      (
        await t.api('PATCH', `/api/v1/connections/${connectionId}`, {
          config: { operatingHours: { enabled: true, timeZone: 'Mars/Base', schedule: [] } },
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await t.api('PATCH', `/api/v1/connections/${connectionId}`, {
          config: {
            operatingHours: { enabled: true, timeZone: 'UTC', schedule: [{ day: 'mon', from: '9', to: '17:00' }] },
          },
        })
      ).status,
    ).toBe(400);
    expect(
      (await t.api('PATCH', `/api/v1/connections/${connectionId}`, { config: { offline: { mode: 'nothing' } } }))
        .status,
    ).toBe(400);
    expect(
      (await t.api('PATCH', `/api/v1/connections/${connectionId}`, { config: { avatarUrl: 'javascript:alert(1)' } }))
        .status,
    ).toBe(400);
  });

  it('validates the offline form (400) and turns a valid one into a conversation whose contact has the email', async () => {
    for (const bad of [
      { email: 'not-an-email', message: 'hi' },
      { email: 'ana@example.com', message: '' },
      { email: 'ana@example.com', message: '   ' },
      { email: 'ana@example.com', message: 'x'.repeat(5001) },
      { email: 'ana@example.com', name: 'n'.repeat(201), message: 'hi' },
      { email: `${'a'.repeat(250)}@example.com`, message: 'hi' },
      { message: 'no email' },
    ]) {
      const res = await visitor('/offline', json(bad));
      expect(res.status, JSON.stringify(bad).slice(0, 80)).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('VALIDATION');
    }
    const res = await visitor(
      '/offline',
      json({
        email: 'ana@example.com',
        name: 'Ana',
        message: 'Please call me back about my order',
        clientMessageId: 'off-1',
      }),
    );
    expect(res.status).toBe(202);
    const answer = (await res.json()) as { accepted: boolean; session: { visitorId: string; token: string } };
    expect(answer.accepted).toBe(true);
    expect(answer.session.visitorId).toMatch(/^vis_/);

    const conv = await eventually(
      async () =>
        (await t.api<{ data: Conv[] }>('GET', '/api/v1/conversations')).body.data.find(
          (c) => c.lastMessagePreview === 'Please call me back about my order',
        ),
      5000,
      'the offline conversation',
    );
    const messages = (await t.api<{ data: Msg[] }>('GET', `/api/v1/conversations/${conv.id}/messages`)).body.data;
    expect(messages).toHaveLength(1);
    expect(messages[0]?.content).toEqual({ type: 'text', text: 'Please call me back about my order' });
    expect(messages[0]?.metadata).toMatchObject({
      source: 'webchat_offline_form',
      email: 'ana@example.com',
      name: 'Ana',
    });
    const contact = await t.api<{ name: string; attributes: Record<string, unknown> }>(
      'GET',
      `/api/v1/contacts/${conv.contactId}`,
    );
    expect(contact.body).toMatchObject({ name: 'Ana', attributes: { email: 'ana@example.com' } });

    // the same submission again (a retry with the visitor's session) is the same message: stored once
    const again = await visitor(
      '/offline',
      json(
        {
          email: 'ana@example.com',
          name: 'Ana',
          message: 'Please call me back about my order',
          clientMessageId: 'off-1',
        },
        answer.session.token,
      ),
    );
    expect(again.status).toBe(202);
    expect(((await again.json()) as { session?: unknown }).session).toBeUndefined();
    // a second message from the same visitor lands in the same conversation; a new email is merged into the contact
    expect(
      (
        await visitor(
          '/offline',
          json(
            { email: 'ana.new@example.com', message: 'Also: new address', clientMessageId: 'off-2' },
            answer.session.token,
          ),
        )
      ).status,
    ).toBe(202);
    await eventually(
      async () =>
        (await t.api<{ data: Msg[] }>('GET', `/api/v1/conversations/${conv.id}/messages`)).body.data.length === 2,
      5000,
      'the second offline message',
    );
    expect(
      (await t.api<{ attributes: Record<string, unknown> }>('GET', `/api/v1/contacts/${conv.contactId}`)).body
        .attributes,
    ).toEqual({ email: 'ana.new@example.com' });
    expect(
      (await t.api<{ data: Conv[] }>('GET', '/api/v1/conversations')).body.data.filter(
        (c) => c.contactId === conv.contactId,
      ),
    ).toHaveLength(1);
  });

  it('takes visitor uploads within the size and type limits and sends them as media messages', async () => {
    const session = (await (await visitor('/sessions', { method: 'POST' })).json()) as { token: string };
    const upload = (bytes: Buffer, type: string, token = session.token, name = 'photo.png') =>
      visitor(`/uploads?fileName=${encodeURIComponent(name)}`, {
        method: 'POST',
        body: bytes,
        headers: { 'content-type': type, ...(token ? { authorization: `Bearer ${token}` } : {}) },
      });

    expect((await upload(PNG, 'image/png', '')).status).toBe(401);
    // the session is checked before the body is read: a stranger's oversized upload is 401, not 413
    expect((await upload(Buffer.alloc(MEDIA_MAX + 1, 1), 'image/png', '')).status).toBe(401);
    expect((await upload(PNG, 'image/png', 'vis_01hzzzzzzzzzzzzzzzzzzzzzzz.forged')).status).toBe(401);
    const tooBig = await upload(Buffer.alloc(MEDIA_MAX + 1, 1), 'image/png');
    expect(tooBig.status).toBe(413);
    for (const type of ['text/html', 'image/svg+xml', 'application/x-msdownload', 'application/octet-stream']) {
      const res = await upload(Buffer.from('<svg onload=alert(1)>'), type);
      expect(res.status, type).toBe(415);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    }
    expect((await upload(Buffer.alloc(0), 'image/png')).status).toBe(400);

    const res = await upload(PNG, 'image/png');
    expect(res.status).toBe(201);
    const file = (await res.json()) as { url: string; mimeType: string; size: number; fileName: string };
    expect(file).toMatchObject({ mimeType: 'image/png', size: PNG.length, fileName: 'photo.png' });
    expect(new URL(file.url).pathname).toMatch(/^\/media\/att_[0-9a-z]+\/[A-Za-z0-9_-]+$/);
    const served = await fetch(file.url);
    expect(served.status).toBe(200);
    expect(Buffer.from(await served.arrayBuffer()).equals(PNG)).toBe(true);

    const sent = await visitor(
      '/messages',
      json(
        {
          clientMessageId: 'img-1',
          text: 'my receipt',
          attachment: { url: file.url, mimeType: file.mimeType, fileName: file.fileName, size: file.size },
        },
        session.token,
      ),
    );
    expect(sent.status).toBe(200);
    const conv = await eventually(
      async () =>
        (await t.api<{ data: Conv[] }>('GET', '/api/v1/conversations')).body.data.find((c) =>
          c.lastMessagePreview?.includes('my receipt'),
        ),
      5000,
      'the media conversation',
    );
    const [message] = (await t.api<{ data: Msg[] }>('GET', `/api/v1/conversations/${conv.id}/messages`)).body.data;
    expect(message?.content).toMatchObject({
      type: 'image',
      media: { url: file.url, mimeType: 'image/png', fileName: 'photo.png' },
    });

    // an attachment that is not one of our uploads is refused before anything is stored — also one shaped like
    // our capability URLs on another host, or with a wrong key
    for (const url of [
      'https://evil.example/x.png',
      'https://evil.example/media/att_a/b',
      `${new URL(file.url).origin}/media/${new URL(file.url).pathname.split('/')[2]}/wrongkey`,
    ]) {
      const foreign = await visitor(
        '/messages',
        json({ clientMessageId: `img-${url.length}`, attachment: { url, mimeType: 'image/png' } }, session.token),
      );
      expect(foreign.status, url).toBe(400);
    }
    await new Promise((r) => setTimeout(r, 200));
    expect((await t.api<{ data: Msg[] }>('GET', `/api/v1/conversations/${conv.id}/messages`)).body.data).toHaveLength(
      1,
    );

    // a file name outside Latin-1 is served with an ASCII fallback and the UTF-8 name (RFC 6266)
    const cyrillic = (await (await upload(PNG, 'image/png', session.token, 'фото (1).png')).json()) as { url: string };
    const servedCyrillic = await fetch(cyrillic.url);
    expect(servedCyrillic.status).toBe(200);
    expect(servedCyrillic.headers.get('content-disposition')).toBe(
      `inline; filename="____ (1).png"; filename*=UTF-8''%D1%84%D0%BE%D1%82%D0%BE%20%281%29.png`,
    );

    // uploads are rate-limited per client address
    const statuses: number[] = [];
    for (let i = 0; i < 32 && !statuses.includes(429); i++) statuses.push((await upload(PNG, 'image/png')).status);
    expect(statuses).toContain(429);
    expect(statuses.filter((x) => x === 201).length).toBeLessThanOrEqual(30);
  });

  it('rate-limits the offline form per client IP', async () => {
    // three accepted submissions so far from this IP; the limit is five per window
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++)
      statuses.push((await visitor('/offline', json({ email: `r${i}@example.com`, message: `flood ${i}` }))).status);
    expect(statuses).toEqual([202, 202, 429, 429]);
    const limited = await visitor('/offline', json({ email: 'x@example.com', message: 'again' }));
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('answers 503 for a stopped chat', async () => {
    expect((await t.api('POST', `/api/v1/connections/${connectionId}/stop`)).status).toBe(200);
    expect((await visitor('/settings')).status).toBe(503);
    expect((await visitor('/sessions', { method: 'POST' })).status).toBe(503);
  });
});
