/**
 * A campaign's audience before the start (GET /campaigns/{id}/audience), through a real hub: counted as the start
 * counts it — who has no identity on the first step's channel and who opted out, excluded by reason — with what each
 * step would send to a few recipients (placeholders filled, template variables mapped, a missing field named), for a
 * segment and for an explicit audience; and the recipients list naming its contacts once it ran.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConnector } from '../channel-kit/test-connector.js';
import { eventually, startTestServer, type TestServer } from '../testing/test-server.js';
import { fakeProvider, type FakeProvider } from '../testing/fake-provider.js';

interface StepPreview {
  stepIndex: number;
  address: string | null;
  blocked: string | null;
  text?: string;
  missing: string[];
}
interface Check {
  audience: number;
  included: number;
  excluded: Record<string, number>;
  sample: Array<{ contactId: string; name: string | null; steps: StepPreview[] }>;
}

describe('a campaign audience before the start', () => {
  let t: TestServer;
  let provider: FakeProvider;
  let conn = '';
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    provider = await fakeProvider();
    t = await startTestServer({ extraConnectors: [testConnector] });
    conn = (
      await t.api<{ id: string }>('POST', '/api/v1/connections', {
        type: 'x-test',
        name: 'gateway',
        config: { signingSecret: 'signing-secret-1', apiToken: 'api-token-value-1', apiBaseUrl: provider.url },
      })
    ).body.id;
    expect((await t.api<{ status: string }>('POST', `/api/v1/connections/${conn}/start`)).body.status).toBe('RUNNING');
    const contact = async (name: string, body: Record<string, unknown>) => {
      const r = await t.api<{ id: string }>('POST', '/api/v1/contacts', { name, tags: ['spring'], ...body });
      expect(r.status).toBe(201);
      ids[name] = r.body.id;
    };
    await contact('Ana', { attributes: { city: 'Lisbon' }, identities: [{ channelType: 'x-test', address: 'ana' }] });
    await contact('Ben', { identities: [{ channelType: 'x-test', address: 'ben' }] });
    await contact('Cy', {});
    await contact('Dot', { identities: [{ channelType: 'x-test', address: 'dot' }] });
    await t.api('PUT', `/api/v1/contacts/${ids.Dot}/consent`, { channelType: 'x-test', optedOut: true });
  });
  afterAll(async () => {
    await t?.close();
    await provider?.close();
  });

  it('counts a segment as the start would, and shows what each recipient would receive', async () => {
    const segment = (
      await t.api<{ id: string }>('POST', '/api/v1/segments', {
        name: 'Spring',
        filter: { all: [{ field: 'tag', op: 'has', value: 'spring' }] },
      })
    ).body;
    const campaign = (
      await t.api<{ id: string; audienceCount: number }>('POST', '/api/v1/campaigns', {
        name: 'Spring sale',
        audience: { type: 'segment', segmentId: segment.id },
        steps: [{ connectionId: conn, content: { type: 'text', text: 'Hi {{contact.name}} in {{contact.city}}' } }],
      })
    ).body;
    expect(campaign.audienceCount).toBe(4);
    const check = await t.api<Check>('GET', `/api/v1/campaigns/${campaign.id}/audience`);
    expect(check.status).toBe(200);
    expect(check.body).toMatchObject({ audience: 4, included: 2, excluded: { no_identity: 1, opted_out: 1 } });
    const byName = new Map(check.body.sample.map((s) => [s.name, s.steps[0]]));
    expect([...byName.keys()].sort()).toEqual(['Ana', 'Ben']);
    expect(byName.get('Ana')).toMatchObject({ address: 'ana', blocked: null, text: 'Hi Ana in Lisbon', missing: [] });
    // Ben has no city and the placeholder no fallback: the step would fail for him, and the preview says so
    expect(byName.get('Ben')).toMatchObject({ address: 'ben', blocked: 'MISSING_FIELD', missing: ['city'] });
    // the start counts the same
    expect((await t.api('POST', `/api/v1/campaigns/${campaign.id}/start`)).status).toBe(200);
    const stats = await eventually(
      async () => {
        const s = (
          await t.api<{ status: string; included: number; excluded: Record<string, number> }>(
            'GET',
            `/api/v1/campaigns/${campaign.id}/stats`,
          )
        ).body;
        return s.status === 'completed' ? s : undefined;
      },
      15_000,
      'the campaign to complete',
    );
    expect(stats).toMatchObject({ included: 2, excluded: { no_identity: 1, opted_out: 1 } });
    // the recipients list names its contacts
    const list = await t.api<{ data: Array<{ contactId: string; name: string | null; reason: string | null }> }>(
      'GET',
      `/api/v1/campaigns/${campaign.id}/recipients?outcome=excluded`,
    );
    expect(list.body.data.map((r) => [r.name, r.reason]).sort()).toEqual([
      ['Cy', 'no_identity'],
      ['Dot', 'opted_out'],
    ]);
  });

  it('counts an explicit audience, and an unknown campaign is a 404', async () => {
    const campaign = (
      await t.api<{ id: string }>('POST', '/api/v1/campaigns', {
        name: 'Two people',
        audience: { type: 'contacts' },
        contactIds: [ids.Ana, ids.Cy],
        steps: [{ connectionId: conn, content: { type: 'text', text: 'Hello {{contact.name | friend}}' } }],
      })
    ).body;
    const check = await t.api<Check>('GET', `/api/v1/campaigns/${campaign.id}/audience`);
    expect(check.body).toMatchObject({ audience: 2, included: 1, excluded: { no_identity: 1 } });
    expect(check.body.sample).toEqual([
      {
        contactId: ids.Ana,
        name: 'Ana',
        steps: [{ stepIndex: 0, address: 'ana', blocked: null, text: 'Hello Ana', missing: [] }],
      },
    ]);
    expect((await t.api('GET', '/api/v1/campaigns/cmp_nope/audience')).status).toBe(404);
  });

  it("sets a draft's quiet hours, keeps them when settings leave them out, and removes them with null", async () => {
    type Settings = { settings: { quietHours?: unknown; inFlight: number } };
    const quietHours = { from: '21:00', to: '09:00', timeZone: 'Europe/Berlin' };
    const created = await t.api<{ id: string } & Settings>('POST', '/api/v1/campaigns', {
      name: 'Quiet',
      audience: { type: 'contacts' },
      steps: [{ connectionId: conn, content: { type: 'text', text: 'Hello' } }],
      settings: { quietHours },
    });
    expect(created.body.settings.quietHours).toEqual(quietHours);
    const kept = await t.api<Settings>('PATCH', `/api/v1/campaigns/${created.body.id}`, { settings: { inFlight: 5 } });
    expect(kept.body.settings).toMatchObject({ quietHours, inFlight: 5 });
    const removed = await t.api<Settings>('PATCH', `/api/v1/campaigns/${created.body.id}`, {
      settings: { quietHours: null },
    });
    expect(removed.status).toBe(200);
    expect(removed.body.settings.quietHours).toBeUndefined();
    expect(removed.body.settings.inFlight).toBe(5);
    // a bad time is a 400 and changes nothing
    const bad = await t.api('PATCH', `/api/v1/campaigns/${created.body.id}`, {
      settings: { quietHours: { ...quietHours, from: '25:00' } },
    });
    expect(bad.status).toBe(400);
    const now = await t.api<Settings>('GET', `/api/v1/campaigns/${created.body.id}`);
    expect(now.body.settings.quietHours).toBeUndefined();
  });

  it("sets a draft's time zone, end date and attribution window, keeps them when left out, and removes them with null", async () => {
    type Settings = { settings: { timeZone?: string; endAt?: string; attributionHours?: number; inFlight: number } };
    const set = { timeZone: 'America/New_York', endAt: '2030-02-01T18:00:00.000Z', attributionHours: 24 };
    const created = await t.api<{ id: string } & Settings>('POST', '/api/v1/campaigns', {
      name: 'Ends',
      audience: { type: 'contacts' },
      steps: [{ connectionId: conn, content: { type: 'text', text: 'Hello' } }],
      settings: set,
    });
    expect(created.status).toBe(201);
    expect(created.body.settings).toMatchObject(set);
    const kept = await t.api<Settings>('PATCH', `/api/v1/campaigns/${created.body.id}`, { settings: { inFlight: 5 } });
    expect(kept.body.settings).toMatchObject({ ...set, inFlight: 5 });
    const removed = await t.api<Settings>('PATCH', `/api/v1/campaigns/${created.body.id}`, {
      settings: { endAt: null, attributionHours: null },
    });
    expect(removed.status).toBe(200);
    expect(removed.body.settings.endAt).toBeUndefined();
    expect(removed.body.settings.attributionHours).toBeUndefined();
    expect(removed.body.settings).toMatchObject({ timeZone: 'America/New_York', inFlight: 5 });
    // null is for the settings that can be dropped; a required one refuses it and nothing changes
    const bad = await t.api('PATCH', `/api/v1/campaigns/${created.body.id}`, {
      settings: { inFlight: null, timeZone: null },
    });
    expect(bad.status).toBe(400);
    const badZone = await t.api('PATCH', `/api/v1/campaigns/${created.body.id}`, {
      settings: { timeZone: 'Mars/Base' },
    });
    expect(badZone.status).toBe(400);
    const now = await t.api<Settings>('GET', `/api/v1/campaigns/${created.body.id}`);
    expect(now.body.settings).toMatchObject({ timeZone: 'America/New_York', inFlight: 5 });
    const unzoned = await t.api<Settings>('PATCH', `/api/v1/campaigns/${created.body.id}`, {
      settings: { timeZone: null },
    });
    expect(unzoned.body.settings.timeZone).toBeUndefined();
  });
});
