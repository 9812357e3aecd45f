/**
 * Segments and campaigns end to end through a real hub, on SQLite and on PostgreSQL: segment filters (attributes,
 * tags, channels, created and last inbound time, AND/OR), exclusions counted by reason (no identity on the step's
 * channel, opted out), placeholders, a CSV audience with bad rows sent as a WhatsApp template whose variables map to
 * contact fields (the Cloud API simulator), a two-step drip whose second step waits for no reply, pause / resume /
 * cancel, and an operator's reply overtaking a running campaign on the same paced sender; also scaled (PostgreSQL
 * and NATS JetStream, the pacer's buckets in the database).
 */
import { randomBytes } from 'node:crypto';
import { startWhatsAppSimulator, type WhatsAppSimulator } from '@switchboard/simulators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineConnector } from '../channel-kit/index.js';
import { testConnector, testConnectorDefinition } from '../channel-kit/test-connector.js';
import { collectSse, eventually, startTestServer, type TestServer } from '../testing/test-server.js';
import { fakeProvider, type FakeProvider } from '../testing/fake-provider.js';
import { freshPostgresDatabase } from '../testing/test-databases.js';
import { newVisitor } from '../testing/routing-fixtures.js';

/** the test gateway at 10 messages a second (paced 9.9/s, a burst of one): slow enough to watch the lanes */
const slowConnector = defineConnector({
  ...testConnectorDefinition,
  type: 'x-slow',
  limits: { ...testConnectorDefinition.limits, rateLimit: { perSecond: 10, burst: 10 } },
});

interface Stats {
  status: string;
  audience: number;
  included: number;
  excluded: Record<string, number>;
  steps: Array<{
    pending: number;
    queued: number;
    sent: number;
    failed: number;
    replied: number;
    skipped: Record<string, number>;
    failedBy: Record<string, number>;
  }>;
}
interface Campaign {
  id: string;
  status: string;
  statusReason: string | null;
  audienceCount: number;
}
interface Recipient {
  contactId: string;
  status: string;
  reason: string | null;
  steps: Array<{
    stepIndex: number;
    status: string;
    reason: string | null;
    messageId: string | null;
    replied: boolean;
  }>;
}

for (const mode of ['sqlite', 'postgres', 'scaled'] as const) {
  describe(`campaigns (${mode})`, () => {
    let t: TestServer;
    let provider: FakeProvider;
    let sim: WhatsAppSimulator;
    let drop: (() => Promise<void>) | undefined;
    let testConn: string;
    let slowConn: string;
    let webchatConn: string;
    let whatsappConn: string;
    const ids: Record<string, string> = {};

    const contact = async (name: string, body: Record<string, unknown>) => {
      const r = await t.api<{ id: string }>('POST', '/api/v1/contacts', { name, ...body });
      expect(r.status).toBe(201);
      ids[name] = r.body.id;
      return r.body.id;
    };
    const preview = async (filter: unknown) => {
      const r = await t.api<{ count: number; sample: Array<{ id: string }> }>('POST', '/api/v1/segments/preview', {
        filter,
      });
      expect(r.status).toBe(200);
      return r.body.count;
    };
    const createCampaign = async (body: Record<string, unknown>) => {
      const r = await t.api<Campaign>('POST', '/api/v1/campaigns', body);
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      return r.body;
    };
    const act = async (id: string, action: string) =>
      t.api<Campaign & { error?: { code: string } }>('POST', `/api/v1/campaigns/${id}/${action}`);
    const stats = async (id: string) => (await t.api<Stats>('GET', `/api/v1/campaigns/${id}/stats`)).body;
    const finished = (id: string, timeoutMs = 20_000) =>
      eventually(
        async () => {
          const s = await stats(id);
          return s.status === 'completed' || s.status === 'canceled' ? s : undefined;
        },
        timeoutMs,
        `campaign ${id} to finish`,
      );
    const recipients = async (id: string, query = '') =>
      (await t.api<{ data: Recipient[] }>('GET', `/api/v1/campaigns/${id}/recipients?limit=200${query}`)).body.data;
    const connection = async (type: string, name: string, config: Record<string, unknown>) => {
      const id = (await t.api<{ id: string }>('POST', '/api/v1/connections', { type, name, config })).body.id;
      const started = await t.api<{ status: string; webhookUrl: string; config: { verifyToken?: string } }>(
        'POST',
        `/api/v1/connections/${id}/start`,
      );
      expect(started.body.status).toBe('RUNNING');
      return { id, webhookUrl: started.body.webhookUrl, verifyToken: started.body.config.verifyToken };
    };

    beforeAll(async () => {
      provider = await fakeProvider();
      sim = await startWhatsAppSimulator({ webhooks: { retryScale: 0.001 } });
      const d = sim.defaults;
      if (!d) throw new Error('simulator not seeded');
      sim.createTemplate({
        wabaId: d.wabaId,
        name: 'order_update',
        language: 'en_US',
        category: 'UTILITY',
        components: [{ type: 'BODY', text: 'Hi {{1}}, your order {{2}} has shipped.' }],
      });
      // two attempts for conversational sends: a campaign's throttled message gets more (it slows, never fails)
      const env: Record<string, string> = { SWITCHBOARD_OUTBOUND_MAX_ATTEMPTS: '2' };
      if (mode !== 'sqlite') {
        const db = await freshPostgresDatabase('campaigns');
        drop = db.drop;
        env.DATABASE_URL = db.url;
      }
      // scaled: the work topics on NATS JetStream, the pacer's buckets in PostgreSQL (the campaign lane included)
      if (mode === 'scaled') {
        env.NATS_URL = 'nats://127.0.0.1:4222';
        env.SWITCHBOARD_NATS_PREFIX = `cmp${randomBytes(4).toString('hex')}`;
      }
      t = await startTestServer({ extraConnectors: [testConnector, slowConnector], env });
      const gateway = { signingSecret: 'signing-secret-1', apiToken: 'api-token-value-1', apiBaseUrl: provider.url };
      testConn = (await connection('x-test', 'gateway', gateway)).id;
      slowConn = (await connection('x-slow', 'slow gateway', gateway)).id;
      webchatConn = (await connection('webchat', 'site chat', {})).id;
      const wa = await connection('whatsapp', 'WhatsApp', {
        accessToken: d.accessToken,
        appSecret: sim.app.secret,
        businessAccountId: d.wabaId,
        phoneNumberIds: [d.phoneNumberId],
        apiBaseUrl: sim.url,
      });
      whatsappConn = wa.id;
      await sim.configureWebhook({ url: wa.webhookUrl, verifyToken: wa.verifyToken as string });

      await contact('Ada', {
        attributes: { city: 'Berlin', tier: 3 },
        tags: ['vip'],
        identities: [{ channelType: 'x-test', address: 'ada' }],
      });
      await contact('Bob', { attributes: { city: 'Paris' }, identities: [{ channelType: 'x-test', address: 'bob' }] });
      await contact('Cyd', { attributes: { city: 'berlin ' }, tags: ['vip'] });
      await contact('Dee', { tags: ['vip'], identities: [{ channelType: 'x-test', address: 'dee' }] });
      const optOut = await t.api('PUT', `/api/v1/contacts/${ids.Dee}/consent`, {
        channelType: 'x-test',
        optedOut: true,
      });
      expect(optOut.status).toBe(200);
    }, 60_000);
    afterAll(async () => {
      await t?.close();
      await provider?.close();
      await sim?.close();
      await drop?.();
    });

    it('counts segments in the database: attributes, tags, channels, dates, AND/OR groups', async () => {
      const tag = { field: 'tag', op: 'has', value: 'vip' };
      const berlin = { field: 'attribute', key: 'city', op: 'equals', value: 'Berlin' };
      const onTest = { field: 'channel', op: 'has', value: 'x-test' };
      expect(await preview({ all: [tag] })).toBe(3);
      // equals is trimmed and case-insensitive: Cyd's "berlin " matches
      expect(await preview({ all: [berlin] })).toBe(2);
      expect(await preview({ all: [berlin, onTest] })).toBe(1);
      expect(await preview({ any: [berlin, { field: 'attribute', key: 'city', op: 'equals', value: 'paris' }] })).toBe(
        3,
      );
      expect(await preview({ all: [onTest, { any: [{ field: 'tag', op: 'not_has', value: 'vip' }, berlin] }] })).toBe(
        2,
      );
      expect(await preview({ all: [{ field: 'attribute', key: 'tier', op: 'equals', value: '3' }] })).toBe(1);
      expect(await preview({ all: [{ field: 'attribute', key: 'city', op: 'not_exists' }] })).toBe(1);
      expect(await preview({ all: [{ field: 'channel', op: 'not_has', value: 'x-test' }, tag] })).toBe(1);
      expect(await preview({ all: [{ field: 'createdAt', op: 'within_days', value: 1 }, tag] })).toBe(3);
      expect(await preview({ all: [{ field: 'createdAt', op: 'before', value: '2020-01-01T00:00:00Z' }] })).toBe(0);
      // nobody has written yet
      expect(await preview({ all: [{ field: 'lastInboundAt', op: 'within_days', value: 30 }, tag] })).toBe(0);
      expect(await preview({ all: [{ field: 'lastInboundAt', op: 'not_within_days', value: 30 }, tag] })).toBe(3);
      // bad input is a 400 with a reason and saves nothing
      const bad = await t.api<{ error: { message: string } }>('POST', '/api/v1/segments', {
        name: 'x',
        filter: { all: [{ field: 'channel', op: 'has', value: 'carrier-pigeon' }] },
      });
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toContain('carrier-pigeon');
      const saved = await t.api<{ id: string; count?: number }>('POST', '/api/v1/segments', {
        name: 'VIPs',
        filter: { all: [tag] },
      });
      expect(saved.status).toBe(201);
      expect((await t.api<{ count: number }>('GET', `/api/v1/segments/${saved.body.id}`)).body.count).toBe(3);
    });

    it('sends a segment campaign once per recipient, excluding and counting who has no identity or opted out', async () => {
      const segment = (
        await t.api<{ id: string }>('POST', '/api/v1/segments', {
          name: 'VIP campaign',
          filter: { all: [{ field: 'tag', op: 'has', value: 'vip' }] },
        })
      ).body;
      const campaign = await createCampaign({
        name: 'VIP offer',
        audience: { type: 'segment', segmentId: segment.id },
        steps: [
          {
            connectionId: testConn,
            content: { type: 'text', text: 'Hi {{contact.name}} from {{contact.city | home}}' },
          },
        ],
      });
      expect(campaign.audienceCount).toBe(3);
      // a segment a live campaign uses cannot be deleted
      expect((await t.api('DELETE', `/api/v1/segments/${segment.id}`)).status).toBe(409);
      const before = provider.received.length;
      expect((await act(campaign.id, 'start')).body.status).toBe('running');
      const done = await finished(campaign.id);
      expect(done).toMatchObject({
        status: 'completed',
        audience: 3,
        included: 1,
        excluded: { no_identity: 1, opted_out: 1 },
      });
      expect(done.steps[0]?.sent).toBe(1);
      const sent = provider.received.slice(before);
      expect(sent.map((r) => [r.to, r.text])).toEqual([['ada', 'Hi Ada from Berlin']]);
      expect((await recipients(campaign.id, '&outcome=excluded')).map((r) => [r.contactId, r.reason]).sort()).toEqual(
        [
          [ids.Cyd, 'no_identity'],
          [ids.Dee, 'opted_out'],
        ].sort(),
      );
      // the conversation shows the message came from the campaign
      const [ada] = await recipients(campaign.id, '&outcome=sent');
      const message = await t.api<{ metadata: { campaign?: { id: string; step: number } } }>(
        'GET',
        `/api/v1/messages/${ada?.steps[0]?.messageId}`,
      );
      expect(message.body.metadata.campaign).toMatchObject({ id: campaign.id, step: 0 });
      const conversationId = (
        await t.api<{ conversationId: string }>('GET', `/api/v1/messages/${ada?.steps[0]?.messageId}`)
      ).body.conversationId;
      const timeline = await t.api<{ data: Array<{ type: string; actor: string; data: { campaignName?: string } }> }>(
        'GET',
        `/api/v1/conversations/${conversationId}/timeline`,
      );
      expect(timeline.body.data.find((e) => e.type === 'campaign.sent')).toMatchObject({
        actor: `campaign:${campaign.id}`,
        data: { campaignName: 'VIP offer' },
      });
      // started once: a second start is a conflict and sends nothing
      expect((await act(campaign.id, 'start')).status).toBe(409);
      expect(provider.received.length).toBe(before + 1);
    });

    it('takes a CSV audience row by row and maps template variables to contact fields (WhatsApp simulator)', async () => {
      await eventually(async () => {
        const r = await t.api<{ data: Array<{ name: string }> }>(
          'GET',
          `/api/v1/connections/${whatsappConn}/templates`,
        );
        return r.body.data.some((x) => x.name === 'order_update');
      });
      const campaign = await createCampaign({
        name: 'Shipping notice',
        audience: { type: 'contacts' },
        steps: [
          {
            connectionId: whatsappConn,
            content: {
              type: 'template',
              name: 'order_update',
              language: 'en_US',
              variables: { 1: { field: 'name', fallback: 'there' }, 2: { field: 'attributes.order' } },
            },
          },
        ],
      });
      const csv = [
        'name,phone,attributes.order',
        'Eve,+1 555 010 0001,A-17',
        'Nobody,hello,A-18', // not a phone number
        ',+15550100002,B-2', // no name: the fallback
        'Fay,+15550100003,', // no order: the variable has no value and no fallback
        'Gus,+1 555 010 0001,A-17', // the same number as Eve: the same contact
      ].join('\n');
      const res = await t.api<{
        import: { rejected: Array<{ row: number; field: string }> };
        added: number;
        total: number;
      }>('POST', `/api/v1/campaigns/${campaign.id}/contacts`, { csv });
      expect(res.status).toBe(200);
      expect(res.body.import.rejected.map((r) => [r.row, r.field])).toEqual([[3, 'phone']]);
      expect(res.body.total).toBe(3);
      // the CSV or the ids, not both: a 400 with the reason
      const both = await t.api('POST', `/api/v1/campaigns/${campaign.id}/contacts`, { csv, contactIds: ['ct_x'] });
      expect(both.status).toBe(400);
      expect((await act(campaign.id, 'start')).body.status).toBe('running');
      const done = await finished(campaign.id);
      expect(done.included).toBe(3);
      await eventually(() => sim.sentMessages().length >= 2);
      const bodies = sim
        .sentMessages()
        .map((m) => [m.to, m.rendered?.body])
        .sort();
      expect(bodies).toEqual([
        ['+15550100001', 'Hi Gus, your order A-17 has shipped.'],
        ['+15550100002', 'Hi there, your order B-2 has shipped.'],
      ]);
      // Fay's order is missing: failed with the reason, never sent
      expect(done.steps[0]?.failedBy).toEqual({ 'MISSING_FIELD: 2 (attributes.order)': 1 });
    });

    it('runs a two-step drip: the follow-up goes only to who did not reply, after the delay', async () => {
      const replier = await newVisitor(t, webchatConn);
      const silent = await newVisitor(t, webchatConn);
      await replier.say('hello');
      await silent.say('hello');
      const contactOf = async (visitorId: string) =>
        eventually(async () => {
          const r = await t.api<{ data: Array<{ id: string; identities?: Array<{ address: string }> }> }>(
            'GET',
            `/api/v1/contacts?q=${visitorId}`,
          );
          return r.body.data[0]?.id;
        });
      const contacts = [await contactOf(replier.visitorId), await contactOf(silent.visitorId)];
      const campaign = await createCampaign({
        name: 'Drip',
        audience: { type: 'contacts' },
        contactIds: contacts,
        steps: [
          { connectionId: webchatConn, content: { type: 'text', text: 'Our offer for you' }, stopOnReply: false },
          {
            connectionId: webchatConn,
            content: { type: 'text', text: 'Still interested?' },
            delaySeconds: 2,
            condition: 'not_replied',
          },
        ],
      });
      expect(campaign.audienceCount).toBe(2);
      const started = Date.now();
      await act(campaign.id, 'start');
      await eventually(async () => (await stats(campaign.id)).steps[0]?.sent === 2);
      await replier.say('yes please');
      const done = await finished(campaign.id);
      expect(Date.now() - started).toBeGreaterThanOrEqual(2000);
      expect(done.steps[0]?.replied).toBe(1);
      expect(done.steps[1]).toMatchObject({ sent: 1, skipped: { condition_replied: 1 } });
      const byContact = new Map((await recipients(campaign.id)).map((r) => [r.contactId, r]));
      expect(byContact.get(contacts[0] as string)?.steps.map((s) => s.status)).toEqual(['queued', 'skipped']);
      expect(byContact.get(contacts[1] as string)?.steps.map((s) => s.status)).toEqual(['queued', 'queued']);
      expect((await recipients(campaign.id, '&outcome=replied')).map((r) => r.contactId)).toEqual([contacts[0]]);
      // the same list as CSV: one row per recipient and step
      const csv = await fetch(`${t.url}/api/v1/campaigns/${campaign.id}/recipients.csv`, {
        headers: { authorization: `Bearer ${t.token}` },
      });
      expect(csv.headers.get('content-type')).toContain('text/csv');
      const lines = (await csv.text()).trim().split('\n');
      expect(lines[0]).toBe(
        'contact_id,name,recipient,reason,step,job,job_reason,message_id,message,failure,replied,variant',
      );
      expect(
        lines
          .slice(1)
          .filter((l) => l.startsWith(`${contacts[0]},`))
          .map((l) => l.split(',').slice(4, 7)),
      ).toEqual([
        ['1', 'queued', ''],
        ['2', 'skipped', 'condition_replied'],
      ]);
      // the reply counts as their last inbound message
      expect(await preview({ all: [{ field: 'lastInboundAt', op: 'within_days', value: 1 }] })).toBeGreaterThanOrEqual(
        2,
      );
    });

    it('pauses, resumes and cancels: nothing more goes out while paused, nothing at all after a cancel', async () => {
      const many = [];
      for (let i = 0; i < 40; i++)
        many.push(await contact(`p${i}`, { identities: [{ channelType: 'x-slow', address: `pause-${i}` }] }));
      const campaign = await createCampaign({
        name: 'Pausable',
        audience: { type: 'contacts' },
        contactIds: many,
        settings: { inFlight: 2 },
        steps: [{ connectionId: slowConn, content: { type: 'text', text: 'tick' } }],
      });
      const sentTo = () => provider.received.filter((r) => r.to.startsWith('pause-')).length;
      await act(campaign.id, 'start');
      await eventually(() => sentTo() >= 5);
      expect((await act(campaign.id, 'pause')).body.status).toBe('paused');
      // what was already handed to the outbound queue (the window of 2) may still go; then nothing
      await new Promise((r) => setTimeout(r, 600));
      const whilePaused = sentTo();
      await new Promise((r) => setTimeout(r, 1000));
      expect(sentTo()).toBe(whilePaused);
      expect(whilePaused).toBeLessThan(40);
      expect((await act(campaign.id, 'resume')).body.status).toBe('running');
      await eventually(() => sentTo() >= whilePaused + 5);
      expect((await act(campaign.id, 'cancel')).body.status).toBe('canceled');
      await new Promise((r) => setTimeout(r, 600));
      const atCancel = sentTo();
      await new Promise((r) => setTimeout(r, 1000));
      expect(sentTo()).toBe(atCancel);
      const s = await stats(campaign.id);
      expect(s.status).toBe('canceled');
      expect(s.steps[0]?.skipped.canceled).toBe(40 - atCancel);
      expect((await act(campaign.id, 'resume')).status).toBe(409);
      // every recipient got the message at most once
      const counts = new Map<string, number>();
      for (const r of provider.received.filter((x) => x.to.startsWith('pause-')))
        counts.set(r.to, (counts.get(r.to) ?? 0) + 1);
      expect([...counts.values()].every((n) => n === 1)).toBe(true);
    });

    it("an operator's reply overtakes a running campaign on the same paced sender", async () => {
      const audience = [];
      for (let i = 0; i < 30; i++)
        audience.push(await contact(`q${i}`, { identities: [{ channelType: 'x-slow', address: `lane-${i}` }] }));
      const campaign = await createCampaign({
        name: 'Lanes',
        audience: { type: 'contacts' },
        contactIds: audience,
        steps: [{ connectionId: slowConn, content: { type: 'text', text: 'campaign' } }],
      });
      const lane = () => provider.received.filter((r) => r.to.startsWith('lane-') || r.to === 'operator-customer');
      await act(campaign.id, 'start');
      // the whole window (all 30) is queued for the sender, paced at 9.9/s
      await eventually(
        async () => (await stats(campaign.id)).steps[0]?.queued === 30 - lane().length || lane().length >= 4,
      );
      await eventually(() => lane().length >= 3);
      const ahead = lane().length;
      const reply = await t.api<{ id: string }>('POST', '/api/v1/messages', {
        connectionId: slowConn,
        to: 'operator-customer',
        content: { type: 'text', text: 'an operator writes' },
      });
      expect(reply.status).toBe(202);
      await eventually(() => lane().some((r) => r.to === 'operator-customer'));
      const position = lane().findIndex((r) => r.to === 'operator-customer');
      // it waited for at most the send in flight and the next slot, not for the 20-odd campaign messages queued
      expect(position).toBeLessThanOrEqual(ahead + 2);
      expect(lane().length).toBeLessThan(30);
      await finished(campaign.id);
    });

    it('a campaign with a start time waits as scheduled, then starts by itself', async () => {
      const id = await contact('Sol', { identities: [{ channelType: 'x-test', address: 'scheduled-1' }] });
      const at = Date.now() + 1500;
      const campaign = await createCampaign({
        name: 'Later',
        audience: { type: 'contacts' },
        contactIds: [id],
        scheduledAt: new Date(at).toISOString(),
        steps: [{ connectionId: testConn, content: { type: 'text', text: 'on time' } }],
      });
      expect((await act(campaign.id, 'start')).body.status).toBe('scheduled');
      await new Promise((r) => setTimeout(r, 500));
      expect(provider.received.some((r) => r.to === 'scheduled-1')).toBe(false);
      await finished(campaign.id);
      const sent = provider.received.find((r) => r.to === 'scheduled-1');
      expect(sent?.at).toBeGreaterThanOrEqual(at);
    });

    it('provider throttling slows a campaign down instead of failing its recipients', async () => {
      const audience = [];
      for (let i = 0; i < 6; i++)
        audience.push(await contact(`t${i}`, { identities: [{ channelType: 'x-test', address: `throttle-${i}` }] }));
      const campaign = await createCampaign({
        name: 'Throttled',
        audience: { type: 'contacts' },
        contactIds: audience,
        settings: { inFlight: 1 },
        steps: [{ connectionId: testConn, content: { type: 'text', text: 'paced' } }],
      });
      // four 429s in a row for the one message in flight: twice the attempts a conversational message has
      for (let i = 0; i < 4; i++) provider.failNext.push({ status: 429, headers: { 'retry-after': '0.2' } });
      await act(campaign.id, 'start');
      const done = await finished(campaign.id);
      expect(provider.failNext).toHaveLength(0);
      expect(done.steps[0]).toMatchObject({ sent: 6, failed: 0 });
    });

    it('pauses a campaign by itself when too many of its latest sends fail, with the reason', async () => {
      const audience = [];
      for (let i = 0; i < 20; i++)
        audience.push(await contact(`f${i}`, { identities: [{ channelType: 'x-test', address: `fail-${i}` }] }));
      const campaign = await createCampaign({
        name: 'Failing',
        audience: { type: 'contacts' },
        contactIds: audience,
        settings: { inFlight: 2, failurePause: { ratio: 0.5, window: 10 } },
        steps: [{ connectionId: testConn, content: { type: 'text', text: 'doomed' } }],
      });
      for (let i = 0; i < 10; i++)
        provider.failNext.push({ status: 400, body: { error: { message: 'number banned' } } });
      const events = collectSse(`${t.url}/api/v1/events`, { authorization: `Bearer ${t.token}` });
      await events.ready;
      try {
        await act(campaign.id, 'start');
        const paused = await eventually(async () => {
          const c = (await t.api<Campaign>('GET', `/api/v1/campaigns/${campaign.id}`)).body;
          return c.status === 'paused' ? c : undefined;
        });
        expect(paused.statusReason).toMatch(/^1\d of 10 messages in a row failed/);
        const s = await stats(campaign.id);
        expect(s.steps[0]?.failed).toBeGreaterThanOrEqual(10);
        expect(s.steps[0]?.pending).toBeGreaterThan(0);
        // the event stream said so, and carried the counts
        await eventually(() =>
          events.events.some(
            (e) =>
              e.event === 'campaign.status' && (e.data as { data?: { status?: string } }).data?.status === 'paused',
          ),
        );
        // the counts follow the status change (written just after it)
        await eventually(() => events.events.some((e) => e.event === 'campaign.progress'));
        // resumed, the rest goes out (the failures before the resume no longer count)
        provider.failNext.length = 0;
        expect((await act(campaign.id, 'resume')).body.status).toBe('running');
        const done = await finished(campaign.id);
        expect(done.steps[0]?.sent).toBe(20 - (done.steps[0]?.failed ?? 0));
      } finally {
        events.close();
        provider.failNext.length = 0;
      }
    });
  });
}
