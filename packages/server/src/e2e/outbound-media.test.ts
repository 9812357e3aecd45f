/**
 * An outbound message's media.url is only ever this hub's own media of the sending workspace: an uploaded file (its
 * absolute URL or the path /media/{id}/{key}), or an http(s) file the hub fetches first — through the address
 * guard, with the upload's size limit and a type fitting the message — into its own store. `javascript:`, `data:`,
 * another workspace's attachment, a private or metadata address, a wrong key and the like are 400 naming the field,
 * on every send path (a reply, POST /messages, and the queue agents write through), and nothing is written.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HttpClient } from '../channel-kit/index.js';
import { MediaService } from '../core/media/media-service.js';
import type { Content } from '../model/index.js';
import { addWorkspace, startTestServer, type TestServer } from '../testing/test-server.js';
import { messagesOf, newVisitor, routedConversation } from '../testing/routing-fixtures.js';

type Err = {
  error: { code: string; message: string; details?: { fields: Array<{ field: string; message: string }> } };
};
type Sent = {
  id: string;
  content: { type: string; media: { url: string; mimeType: string; size?: number; state?: string } };
};
const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d6a4f50000000049454e44ae426082',
  'hex',
);
const OTHER = 'sb_outbound_media_other_workspace_0123';

describe('outbound media URLs', () => {
  let t: TestServer;
  let conn: string;
  let convId: string;
  let visitorId: string;
  let own: { id: string; url: string };
  let foreign: { id: string; url: string };

  const upload = async (token: string, bytes: Buffer, type: string) =>
    (await (
      await fetch(`${t.url}/api/v1/media?fileName=dot.png`, {
        method: 'POST',
        body: bytes,
        headers: { 'content-type': type, authorization: `Bearer ${token}` },
      })
    ).json()) as { id: string; url: string };
  const reply = (url: string, type = 'image') =>
    t.api<Sent & Err>('POST', `/api/v1/conversations/${convId}/messages`, {
      content: { type, media: { url, mimeType: 'image/png' } },
    });
  const start = (url: string, to = `visitor-that-does-not-exist-${Math.random()}`) =>
    t.api<Sent & Err>('POST', '/api/v1/messages', {
      connectionId: conn,
      to,
      content: { type: 'image', media: { url, mimeType: 'image/png' } },
    });
  const expectRefused = (res: { status: number; body: Err }, why: RegExp) => {
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION');
    expect(res.body.error.message).toMatch(/^content\.media\.url: /);
    expect(res.body.error.message).toMatch(why);
    expect(res.body.error.details?.fields[0]?.field).toBe('content.media.url');
  };

  beforeAll(async () => {
    t = await startTestServer();
    conn = (await t.api<{ id: string }>('POST', '/api/v1/connections', { type: 'webchat', name: 'chat' })).body.id;
    await t.api('POST', `/api/v1/connections/${conn}/start`);
    const v = await newVisitor(t, conn);
    visitorId = v.visitorId;
    await v.say('hello');
    convId = (await routedConversation(t, conn, v.visitorId)).id;
    own = await upload(t.token, PNG, 'image/png');
    await addWorkspace(t, OTHER);
    foreign = await upload(OTHER, PNG, 'image/png');
  });
  afterAll(() => t.close());

  it("refuses every URL that is not this workspace's own media, on a reply and on POST /messages, writing nothing", async () => {
    const before = (await messagesOf(t, convId)).length;
    const contactsBefore = (await t.api<{ data: unknown[] }>('GET', '/api/v1/contacts?limit=200')).body.data.length;
    const path = new URL(own.url).pathname;
    const refused: Array<[string, RegExp]> = [
      ['javascript:alert(document.domain)', /javascript: URLs are not accepted/],
      ['data:text/html,<script>alert(1)</script>', /data: URLs are not accepted/],
      ['data:image/png;base64,iVBORw0KGgo=', /data: URLs are not accepted/],
      ['file:///etc/passwd', /file: URLs are not accepted/],
      ['ftp://files.example.com/x.png', /ftp: URLs are not accepted/],
      [foreign.url, /no such attachment in this workspace/], // another workspace's attachment
      [own.url.replace(/\/[^/]+$/, '/wrong-key'), /no such attachment in this workspace/],
      [`${own.url}?x=1`, /not a media URL of this hub/],
      [`${t.url}/media/att_01hzzzzzzzzzzzzzzzzzzzzzzz/k3y`, /no such attachment/],
      [`${t.url}/app/index.html`, /not a media URL of this hub/],
      [path.replace('/media/', '/app/'), /relative URL must be a media URL/],
      ['//tracker.example/pixel.gif', /relative URL must be a media URL/],
      ['not a url at all', /relative URL must be a media URL/],
      // fetched through the address guard: refused before any connection is opened
      ['http://169.254.169.254/latest/meta-data/', /refused by the address policy/],
      ['http://127.0.0.1:1/x.png', /refused by the address policy/],
      ['http://2130706433:1/x.png', /refused by the address policy/],
      ['http://localhost:1/x.png', /refused by the address policy/],
      ['http://[::1]:1/x.png', /refused by the address policy/],
      ['http://user:pw@files.example.com/x.png', /credentials/],
    ];
    for (const [url, why] of refused) {
      expectRefused(await reply(url), why);
      expectRefused(await start(url), why);
    }
    // nothing was queued, and POST /messages opened no contact or conversation for the refused sends
    expect((await messagesOf(t, convId)).length).toBe(before);
    expect((await t.api<{ data: unknown[] }>('GET', '/api/v1/contacts?limit=200')).body.data.length).toBe(
      contactsBefore,
    );
    expect(t.logs.join('')).not.toMatch(/ECONNREFUSED/);
  });

  it("accepts this workspace's upload, absolute or as a path, and stores its absolute URL", async () => {
    const absolute = await reply(own.url);
    expect(absolute.status).toBe(202);
    expect(absolute.body.content.media).toMatchObject({ url: own.url, state: 'ready', size: PNG.length });
    const relative = await reply(new URL(own.url).pathname);
    expect(relative.status).toBe(202);
    expect(relative.body.content.media.url).toBe(own.url);
    const started = await start(own.url, visitorId);
    expect(started.status).toBe(202);
    expect(started.body.content.media.url).toBe(own.url);
    // and the widget's copy of the message points at the same file of ours
    expect((await fetch(own.url)).status).toBe(200);
  });

  it('guards the queue agents send through as well', async () => {
    const ws = t.sb.bootstrap.workspaceId;
    const send = (url: string) =>
      t.sb.hub.messages.sendToConversation(
        ws,
        convId,
        { type: 'image', media: { url, mimeType: 'image/png' } },
        { agentId: 'agt_x' },
      );
    await expect(send('javascript:alert(1)')).rejects.toThrow(
      /^content\.media\.url: javascript: URLs are not accepted/,
    );
    await expect(send(foreign.url)).rejects.toThrow(/no such attachment in this workspace/);
    expect((await send(own.url)).content).toMatchObject({ media: { url: own.url } });
  });

  describe('an http(s) URL elsewhere is fetched into our store first', () => {
    // the guard checks the literal public address and hands the request to this double: no connection is opened
    const served = new Map<string, { status?: number; type: string; body: Buffer; length?: string }>();
    const fetched: string[] = [];
    const double: HttpClient = async (url) => {
      fetched.push(url);
      const file = served.get(url);
      if (!file) return new Response('no', { status: 404 });
      return new Response(file.body, {
        status: file.status ?? 200,
        headers: { 'content-type': file.type, ...(file.length ? { 'content-length': file.length } : {}) },
      });
    };
    let media: MediaService;
    const ws = () => t.sb.bootstrap.workspaceId;
    const image = (url: string, type: Content['type'] = 'image'): Content =>
      ({ type, media: { url, mimeType: 'image/png' } }) as Content;
    beforeAll(() => {
      const { hub } = t.sb;
      media = new MediaService({ ...hub.deps, http: double }, hub.connections, hub.deps.media, 1024);
    });

    it('stores a fitting file and sends our URL instead', async () => {
      served.set('https://93.184.216.34/files/dot.png', { type: 'image/png; charset=binary', body: PNG });
      const out = await media.prepareOutbound(ws(), image('https://93.184.216.34/files/dot.png'));
      if (!('media' in out)) throw new Error('media expected');
      expect(out.media.url.startsWith(`${t.sb.config.publicUrl}/media/att_`)).toBe(true);
      expect(out.media).toMatchObject({ mimeType: 'image/png', size: PNG.length, state: 'ready' });
      const res = await fetch(out.media.url);
      expect(Buffer.from(await res.arrayBuffer()).equals(PNG)).toBe(true);
      expect(res.headers.get('content-disposition')).toContain('dot.png');
      // and the stored file is this workspace's own: it can be sent again as such
      expect(
        ((await t.sb.hub.media.prepareOutbound(ws(), image(out.media.url))) as { media: { url: string } }).media.url,
      ).toBe(out.media.url);
      const pdf = await media.prepareOutbound(ws(), image('https://93.184.216.34/files/dot.png', 'document'));
      expect('media' in pdf && pdf.media.mimeType).toBe('image/png');
    });

    it('refuses a file too large, of the wrong type, missing, or behind a redirect to a private address', async () => {
      served.set('https://93.184.216.34/big.png', { type: 'image/png', body: Buffer.alloc(2048, 1) });
      served.set('https://93.184.216.34/liar.png', { type: 'image/png', body: Buffer.alloc(2048, 1), length: '100' });
      served.set('https://93.184.216.34/declared.png', {
        type: 'image/png',
        body: Buffer.alloc(10, 1),
        length: '5000',
      });
      served.set('https://93.184.216.34/page.html', {
        type: 'text/html',
        body: Buffer.from('<script>alert(1)</script>'),
      });
      served.set('https://93.184.216.34/vector.svg', {
        type: 'image/svg+xml',
        body: Buffer.from('<svg onload="alert(1)"/>'),
      });
      served.set('https://93.184.216.34/empty.png', { type: 'image/png', body: Buffer.alloc(0) });
      served.set('https://93.184.216.34/hop', { status: 302, type: 'text/plain', body: Buffer.alloc(0) });
      const cases: Array<[string, Content['type'], RegExp]> = [
        ['https://93.184.216.34/big.png', 'image', /larger than 1024 bytes/],
        ['https://93.184.216.34/declared.png', 'image', /larger than 1024 bytes/],
        ['https://93.184.216.34/page.html', 'image', /type text\/html, which is not sent as an image/],
        ['https://93.184.216.34/page.html', 'document', /type text\/html, which is not sent as a document/],
        ['https://93.184.216.34/vector.svg', 'image', /type image\/svg\+xml/],
        ['https://93.184.216.34/missing.png', 'image', /HTTP 404/],
        ['https://93.184.216.34/empty.png', 'image', /the file is empty/],
      ];
      for (const [url, type, why] of cases)
        await expect(media.prepareOutbound(ws(), image(url, type)), url).rejects.toThrow(why);
      // a body streamed past its declared length is cut off at the limit too
      await expect(media.prepareOutbound(ws(), image('https://93.184.216.34/liar.png'))).rejects.toThrow(
        /larger than 1024 bytes|transfer broke off/,
      );
    });

    it('checks every redirect hop against the address policy', async () => {
      const redirecting: HttpClient = async (url) => {
        fetched.push(url);
        return new Response(null, { status: 302, headers: { location: 'http://169.254.169.254/latest/meta-data/' } });
      };
      const { hub } = t.sb;
      const viaRedirect = new MediaService({ ...hub.deps, http: redirecting }, hub.connections, hub.deps.media, 1024);
      fetched.length = 0;
      await expect(viaRedirect.prepareOutbound(ws(), image('https://93.184.216.34/r.png'))).rejects.toThrow(
        /refused by the address policy/,
      );
      expect(fetched).toEqual(['https://93.184.216.34/r.png']);
    });
  });
});
