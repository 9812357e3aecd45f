/**
 * Quiet hours in the contact's time zone, end to end on a hub whose clock the test moves: a contact whose
 * `timeZone` attribute puts them inside the campaign's quiet range is held until it ends, while a contact in the
 * campaign's default zone, outside the range, gets the message at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConnector } from '../channel-kit/test-connector.js';
import { eventually, startTestServer, testClock, type TestServer } from '../testing/test-server.js';
import { fakeProvider, type FakeProvider } from '../testing/fake-provider.js';

/** HH:MM of `instant` in `timeZone`, `shiftMinutes` later */
function wallTime(instant: Date, timeZone: string, shiftMinutes: number): string {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
    .formatToParts(new Date(instant.getTime() + shiftMinutes * 60_000))
    .reduce<Record<string, string>>((acc, p) => ({ ...acc, [p.type]: p.value }), {});
  return `${parts.hour}:${parts.minute}`;
}

describe('campaign quiet hours', () => {
  const clock = testClock();
  let t: TestServer;
  let provider: FakeProvider;
  let connectionId: string;

  beforeAll(async () => {
    provider = await fakeProvider();
    t = await startTestServer({ extraConnectors: [testConnector], clock });
    connectionId = (
      await t.api<{ id: string }>('POST', '/api/v1/connections', {
        type: 'x-test',
        name: 'gateway',
        config: { signingSecret: 'signing-secret-1', apiToken: 'api-token-value-1', apiBaseUrl: provider.url },
      })
    ).body.id;
    await t.api('POST', `/api/v1/connections/${connectionId}/start`);
  });
  afterAll(async () => {
    await t?.close();
    await provider?.close();
  });

  it("holds a send until the quiet range ends in the contact's own time zone", async () => {
    const now = clock.now();
    const contact = async (name: string, attributes: Record<string, unknown>) =>
      (
        await t.api<{ id: string }>('POST', '/api/v1/contacts', {
          name,
          attributes,
          identities: [{ channelType: 'x-test', address: name }],
        })
      ).body.id;
    // quiet from half an hour ago until half an hour from now, in Tokyo (UTC+9, no daylight saving): in UTC, the
    // campaign's default zone, that range is nine hours away
    const quietHours = { from: wallTime(now, 'Asia/Tokyo', -30), to: wallTime(now, 'Asia/Tokyo', 30), timeZone: 'UTC' };
    const tokyo = await contact('tokyo-customer', { timeZone: 'Asia/Tokyo' });
    const utc = await contact('utc-customer', {});
    const campaign = (
      await t.api<{ id: string }>('POST', '/api/v1/campaigns', {
        name: 'Night owls',
        audience: { type: 'contacts' },
        contactIds: [tokyo, utc],
        settings: { quietHours },
        steps: [{ connectionId, content: { type: 'text', text: 'good morning' } }],
      })
    ).body;
    expect((await t.api<{ status: string }>('POST', `/api/v1/campaigns/${campaign.id}/start`)).body.status).toBe(
      'running',
    );
    await eventually(() => provider.received.some((r) => r.to === 'utc-customer'));
    await new Promise((r) => setTimeout(r, 700));
    expect(provider.received.some((r) => r.to === 'tokyo-customer')).toBe(false);
    const held = await t.api<{ steps: Array<{ pending: number; sent: number }> }>(
      'GET',
      `/api/v1/campaigns/${campaign.id}/stats`,
    );
    expect(held.body.steps[0]).toMatchObject({ pending: 1, sent: 1 });
    // the quiet range ends in Tokyo
    clock.advance(31 * 60_000);
    await eventually(() => provider.received.some((r) => r.to === 'tokyo-customer'));
    await eventually(async () => {
      const s = await t.api<{ status: string }>('GET', `/api/v1/campaigns/${campaign.id}/stats`);
      return s.body.status === 'completed';
    });
  });
});
