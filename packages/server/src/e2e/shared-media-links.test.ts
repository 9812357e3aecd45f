/**
 * A file sent to a channel that cannot carry files goes out as a link (degradation's media_as_link): a signed,
 * expiring link to our media store, never the file's permanent capability URL. The link serves the bytes until it
 * expires (410 after), and a link whose signature or expiry was altered answers as an unknown file does (404).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConnector } from '../channel-kit/test-connector.js';
import { SHARE_LINK_TTL_MS } from '../core/media/media-service.js';
import { fakeProvider, type FakeProvider } from '../testing/fake-provider.js';
import { eventually, startTestServer, testClock, type TestServer } from '../testing/test-server.js';

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478', 'hex');

describe('shared media links', () => {
  let t: TestServer;
  let provider: FakeProvider;
  const clock = testClock();
  let connectionId: string;

  beforeAll(async () => {
    provider = await fakeProvider();
    t = await startTestServer({ extraConnectors: [testConnector], clock });
    connectionId = (
      await t.api<{ id: string }>('POST', '/api/v1/connections', {
        type: 'x-test',
        name: 'text only',
        config: { signingSecret: 'shared-link-signing', apiToken: 'shared-link-token', apiBaseUrl: provider.url },
      })
    ).body.id;
    await t.api('POST', `/api/v1/connections/${connectionId}/start`);
  });
  afterAll(async () => {
    await t.close();
    await provider.close();
  });

  it('sends a signed, expiring link instead of the capability URL, and the link serves the file until it expires', async () => {
    const upload = await fetch(`${t.url}/api/v1/media?fileName=receipt.png`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.token}`, 'content-type': 'image/png' },
      body: PNG,
    });
    const file = (await upload.json()) as { id: string; url: string };
    const sent = await t.api<{ metadata: { degraded?: string[] } }>('POST', '/api/v1/messages', {
      connectionId,
      to: '+15550100',
      content: { type: 'image', media: { url: file.url, mimeType: 'image/png', caption: 'Your receipt' } },
    });
    expect(sent.status).toBe(202);
    expect(sent.body.metadata.degraded).toEqual(['media_as_link']);
    const delivered = await eventually(() => provider.received.find((m) => m.ref && m.text.startsWith('Your receipt')));
    const link = /https?:\/\/\S+/.exec(delivered.text)?.[0] as string;
    expect(link).toMatch(new RegExp(`/media/${file.id}/link\\?expires=\\d+&signature=[\\w-]+$`));
    // the permanent capability key never leaves in the text
    expect(delivered.text).not.toContain(file.url.split('/').pop() as string);

    const served = await fetch(link);
    expect(served.status).toBe(200);
    expect(Buffer.from(await served.arrayBuffer()).equals(PNG)).toBe(true);
    const url = new URL(link);
    const forged = new URL(link);
    forged.searchParams.set('signature', `${url.searchParams.get('signature')?.slice(0, -2)}xx`);
    expect((await fetch(forged)).status).toBe(404);
    const extended = new URL(link);
    extended.searchParams.set('expires', String(Number(url.searchParams.get('expires')) + 86_400));
    expect((await fetch(extended)).status).toBe(404);

    clock.advance(SHARE_LINK_TTL_MS + 60_000);
    expect((await fetch(link)).status).toBe(410);
  });
});
