/**
 * A/B variants, time-of-day steps, end dates and reply attribution end to end through a real hub, on SQLite and on
 * PostgreSQL: a 70/30 split over 1,000 recipients counted at the WhatsApp Cloud API simulator and in the statistics
 * per variant (and in the live progress events); "10:00 in the recipient's time zone" worked out per contact (and one
 * sent at its local minute); a campaign past its end date completes with the rest counted `expired`; a reply within
 * the step's attribution window counts for it (the message and the thread say which campaign), stops the sequence,
 * and a reply after the window does not.
 */
import { startWhatsAppSimulator, type WhatsAppSimulator } from '@switchboard/simulators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineConnector } from '../channel-kit/index.js';
import { testConnector, testConnectorDefinition } from '../channel-kit/test-connector.js';
import { collectSse, eventually, startTestServer, type TestServer } from '../testing/test-server.js';
import { fakeProvider, type FakeProvider } from '../testing/fake-provider.js';
import { freshPostgresDatabase } from '../testing/test-databases.js';
import { newVisitor } from '../testing/routing-fixtures.js';

/** the test gateway at 10 messages a second: slow enough for an end date to fall in the middle of a campaign */
const slowConnector = defineConnector({
  ...testConnectorDefinition,
  type: 'x-slow',
  limits: { ...testConnectorDefinition.limits, rateLimit: { perSecond: 10, burst: 10 } },
});

interface Counts {
  pending: number;
  queued: number;
  sent: number;
  failed: number;
  replied: number;
  skipped: Record<string, number>;
}
interface Stats {
  status: string;
  included: number;
  steps: Array<Counts & { variants: Array<Counts & { variant: number; name: string; assigned: number }> }>;
}
interface Campaign {
  id: string;
  status: string;
  statusReason: string | null;
}
interface Recipient {
  contactId: string;
  steps: Array<{
    stepIndex: number;
    status: string;
    reason: string | null;
    messageId: string | null;
    variant: number | null;
    replied: boolean;
    repliedAt: string | null;
    dueAt: string;
  }>;
}

/** the wall clock (HH:MM) of `instant` in `timeZone` */
const localTime = (instant: Date, timeZone: string) =>
  new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(instant);

for (const mode of ['sqlite', 'postgres'] as const) {
  describe(`campaign variants, timing and attribution (${mode})`, () => {
    let t: TestServer;
    let provider: FakeProvider;
    let sim: WhatsAppSimulator;
    let drop: (() => Promise<void>) | undefined;
    let testConn: string;
    let slowConn: string;
    let webchatConn: string;
    let whatsappConn: string;

    const contact = async (name: string, body: Record<string, unknown>) => {
      const r = await t.api<{ id: string }>('POST', '/api/v1/contacts', { name, ...body });
      expect(r.status).toBe(201);
      return r.body.id;
    };
    const createCampaign = async (body: Record<string, unknown>) => {
      const r = await t.api<Campaign>('POST', '/api/v1/campaigns', body);
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      return r.body;
    };
    const act = (id: string, action: string) => t.api<Campaign>('POST', `/api/v1/campaigns/${id}/${action}`);
    const stats = async (id: string) => (await t.api<Stats>('GET', `/api/v1/campaigns/${id}/stats`)).body;
    const finished = (id: string, timeoutMs = 30_000) =>
      eventually(
        async () => {
          const s = await stats(id);
          return s.status === 'completed' || s.status === 'canceled' ? s : undefined;
        },
        timeoutMs,
        `campaign ${id} to finish`,
      );
    const allRecipients = async (id: string, query = '') => {
      const out: Recipient[] = [];
      for (let cursor = ''; ;) {
        const page = (
          await t.api<{ data: Recipient[]; nextCursor: string | null }>(
            'GET',
            `/api/v1/campaigns/${id}/recipients?limit=200${query}${cursor ? `&cursor=${cursor}` : ''}`,
          )
        ).body;
        out.push(...page.data);
        if (!page.nextCursor) return out;
        cursor = page.nextCursor;
      }
    };
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
      for (const [name, text] of [
        ['offer_a', 'Offer A for {{1}}'],
        ['offer_b', 'Offer B for {{1}}'],
      ] as const)
        sim.createTemplate({
          wabaId: d.wabaId,
          name,
          language: 'en_US',
          category: 'MARKETING',
          components: [{ type: 'BODY', text }],
        });
      const env: Record<string, string> = {};
      if (mode === 'postgres') {
        const db = await freshPostgresDatabase('campaign_variants');
        drop = db.drop;
        env.DATABASE_URL = db.url;
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
    }, 60_000);
    afterAll(async () => {
      await t?.close();
      await provider?.close();
      await sim?.close();
      await drop?.();
    });

    it('refuses an A/B split that does not add up, or a step with both content and variants', async () => {
      const variant = (name: string, percent: number) => ({
        name,
        percent,
        content: { type: 'text', text: `hello ${name}` },
      });
      const base = { name: 'bad', audience: { type: 'contacts' } };
      const short = await t.api<{ error: { message: string } }>('POST', '/api/v1/campaigns', {
        ...base,
        steps: [{ connectionId: testConn, variants: [variant('A', 60), variant('B', 30)] }],
      });
      expect(short.status).toBe(400);
      expect(short.body.error.message).toContain('add up to 90');
      const both = await t.api('POST', '/api/v1/campaigns', {
        ...base,
        steps: [
          {
            connectionId: testConn,
            content: { type: 'text', text: 'x' },
            variants: [variant('A', 50), variant('B', 50)],
          },
        ],
      });
      expect(both.status).toBe(400);
      const none = await t.api('POST', '/api/v1/campaigns', { ...base, steps: [{ connectionId: testConn }] });
      expect(none.status).toBe(400);
      const list = await t.api<{ data: Array<{ name: string }> }>('GET', '/api/v1/campaigns');
      expect(list.body.data.some((c) => c.name === 'bad')).toBe(false);
    });

    it('splits recipients 70/30 (1,000 on SQLite), counted at the simulator, per variant in the statistics and the progress events', async () => {
      // PostgreSQL on this shared machine sends a few messages a second: a smaller audience, a tolerance to match
      const N = mode === 'sqlite' ? 1000 : 300;
      await eventually(async () => {
        const r = await t.api<{ data: Array<{ name: string }> }>(
          'GET',
          `/api/v1/connections/${whatsappConn}/templates`,
        );
        return r.body.data.filter((x) => x.name.startsWith('offer_')).length === 2;
      });
      const template = (name: string) => ({
        type: 'template',
        name,
        language: 'en_US',
        variables: { 1: { field: 'name', fallback: 'you' } },
      });
      const campaign = await createCampaign({
        name: 'A/B offer',
        audience: { type: 'contacts' },
        steps: [
          {
            connectionId: whatsappConn,
            variants: [
              { name: 'A', percent: 70, content: template('offer_a') },
              { name: 'B', percent: 30, content: template('offer_b') },
            ],
          },
        ],
      });
      const phone = (i: number) => `+1555030${String(i).padStart(4, '0')}`;
      const csv = ['name,phone', ...Array.from({ length: N }, (_, i) => `AB ${i},${phone(i)}`)].join('\n');
      const added = await t.api<{ total: number }>('POST', `/api/v1/campaigns/${campaign.id}/contacts`, { csv });
      expect(added.body.total).toBe(N);
      // the sent status only: delivered and read receipts are not what this counts, and they triple the webhooks
      sim.setReceiptTimings({ deliveredAfterMs: null, readAfterMs: null });
      const events = collectSse(`${t.url}/api/v1/events`, { authorization: `Bearer ${t.token}` });
      await events.ready;
      try {
        expect((await act(campaign.id, 'start')).body.status).toBe('running');
        const done = await finished(campaign.id, 150_000);
        expect(done.included).toBe(N);
        const ours = () => sim.sentMessages().filter((m) => m.rendered?.body?.includes('for AB '));
        await eventually(() => ours().length >= N, 30_000, 'every send at the simulator');
        const atSim = { A: 0, B: 0 };
        const perRecipient = new Map<string, number>();
        for (const m of ours()) {
          if (m.rendered?.body?.startsWith('Offer A')) atSim.A++;
          else atSim.B++;
          perRecipient.set(m.waId, (perRecipient.get(m.waId) ?? 0) + 1);
        }
        // each recipient got one message, of one variant
        expect(perRecipient.size).toBe(N);
        expect([...perRecipient.values()].every((n) => n === 1)).toBe(true);
        // 70/30 within four binomial standard deviations (5.8 points at 1,000, 10.6 at 300)
        expect(Math.abs(atSim.A / N - 0.7)).toBeLessThan(4 * Math.sqrt((0.7 * 0.3) / N));
        const [a, b] = done.steps[0]?.variants ?? [];
        expect(a).toMatchObject({ variant: 0, name: 'A', assigned: atSim.A, failed: 0 });
        expect(b).toMatchObject({ variant: 1, name: 'B', assigned: atSim.B, failed: 0 });
        await eventually(async () => {
          const s = (await stats(campaign.id)).steps[0];
          return s?.variants[0]?.sent === atSim.A && s.variants[1]?.sent === atSim.B && s.sent === N;
        });
        // the recipient list by variant: variant B's recipients are exactly the ones the simulator saw B go to
        const bList = await allRecipients(campaign.id, '&step=0&variant=1');
        expect(bList).toHaveLength(atSim.B);
        expect(bList.every((r) => r.steps[0]?.variant === 1)).toBe(true);
        const message = await t.api<{ metadata: { campaign?: { variant?: number; variantName?: string } } }>(
          'GET',
          `/api/v1/messages/${bList[0]?.steps[0]?.messageId}`,
        );
        expect(message.body.metadata.campaign).toMatchObject({ variant: 1, variantName: 'B' });
        // the live progress events carried the per-variant counts
        await eventually(() =>
          events.events.some((e) => {
            const data = (e.data as { data?: { campaignId?: string; steps?: Stats['steps'] } }).data;
            return (
              e.event === 'campaign.progress' &&
              data?.campaignId === campaign.id &&
              (data.steps?.[0]?.variants[1]?.sent ?? 0) > 0
            );
          }),
        );
        // the CSV names each recipient's variant
        const csvOut = await fetch(`${t.url}/api/v1/campaigns/${campaign.id}/recipients.csv?step=0&variant=0`, {
          headers: { authorization: `Bearer ${t.token}` },
        });
        const lines = (await csvOut.text()).trim().split('\n');
        expect(lines[0]?.endsWith(',variant')).toBe(true);
        expect(lines.slice(1).every((l) => l.endsWith(',A'))).toBe(true);
        expect(lines.length - 1).toBe(atSim.A);
      } finally {
        events.close();
        sim.setReceiptTimings({ deliveredAfterMs: 300, readAfterMs: 1000 });
      }
    }, 200_000);

    it("holds a time-of-day step until that time in each recipient's zone, or the campaign's", async () => {
      const zones = ['Pacific/Kiritimati', 'America/New_York', 'Asia/Kolkata'];
      const ids = [];
      for (const [i, zone] of zones.entries())
        ids.push(
          await contact(`tz${i}`, {
            attributes: { timeZone: zone },
            identities: [{ channelType: 'x-test', address: `tod-${i}` }],
          }),
        );
      // no zone of its own: the campaign's
      ids.push(await contact('tz-none', { identities: [{ channelType: 'x-test', address: 'tod-none' }] }));
      const campaign = await createCampaign({
        name: 'Ten local',
        audience: { type: 'contacts' },
        contactIds: ids,
        settings: { timeZone: 'Asia/Tokyo' },
        steps: [
          { connectionId: testConn, content: { type: 'text', text: 'good morning' }, timeOfDay: { time: '10:00' } },
        ],
      });
      const started = Date.now();
      await act(campaign.id, 'start');
      const held = await eventually(async () => {
        const list = await allRecipients(campaign.id);
        return list.length === 4 && list.every((r) => r.steps[0]?.reason === 'local_time') ? list : undefined;
      });
      for (const r of held) {
        const zone = [...zones, 'Asia/Tokyo'][ids.indexOf(r.contactId)] as string;
        const due = new Date(r.steps[0]?.dueAt as string);
        expect(localTime(due, zone)).toBe('10:00');
        // the next 10:00 there: ahead, and within a day
        expect(due.getTime()).toBeGreaterThan(started);
        expect(due.getTime() - started).toBeLessThanOrEqual(86_400_000);
        expect(r.steps[0]?.status).toBe('pending');
      }
      expect(provider.received.some((m) => m.to.startsWith('tod-'))).toBe(false);
      expect((await act(campaign.id, 'cancel')).body.status).toBe('canceled');
    });

    if (mode === 'sqlite')
      it('sends a time-of-day step at that minute of the recipient’s clock', async () => {
        const zone = 'Asia/Kolkata';
        const id = await contact('tz-now', {
          attributes: { timeZone: zone },
          identities: [{ channelType: 'x-test', address: 'tod-now' }],
        });
        const next = new Date(Math.ceil((Date.now() + 1000) / 60_000) * 60_000);
        const campaign = await createCampaign({
          name: 'Next minute',
          audience: { type: 'contacts' },
          contactIds: [id],
          steps: [
            {
              connectionId: testConn,
              content: { type: 'text', text: 'on the minute' },
              timeOfDay: { time: localTime(next, zone) },
            },
          ],
        });
        await act(campaign.id, 'start');
        await finished(campaign.id, 75_000);
        const sent = provider.received.find((m) => m.to === 'tod-now');
        expect(sent?.at).toBeGreaterThanOrEqual(next.getTime());
        expect((sent?.at ?? 0) - next.getTime()).toBeLessThan(5000);
      }, 90_000);

    it('stops at its end date: the rest is counted expired, nothing more goes, the campaign completes', async () => {
      const ids = [];
      // 100 recipients at 10 a second take ten seconds: an end date three seconds in falls well inside the campaign
      for (let i = 0; i < 100; i++)
        ids.push(await contact(`end${i}`, { identities: [{ channelType: 'x-slow', address: `end-${i}` }] }));
      const endAt = Date.now() + 3000;
      const campaign = await createCampaign({
        name: 'Ends',
        audience: { type: 'contacts' },
        contactIds: ids,
        settings: { inFlight: 2, endAt: new Date(endAt).toISOString() },
        steps: [{ connectionId: slowConn, content: { type: 'text', text: 'until the end' } }],
      });
      await act(campaign.id, 'start');
      const done = await finished(campaign.id);
      const c = (await t.api<Campaign>('GET', `/api/v1/campaigns/${campaign.id}`)).body;
      expect(c.statusReason).toMatch(/^the end date passed: \d+ messages not sent \(expired\)$/);
      await new Promise((r) => setTimeout(r, 800));
      const sent = provider.received.filter((m) => m.to.startsWith('end-'));
      // what went, went before the end — but the window of two already handed out to the outbound queue, which may
      // reach the slow provider after it (on a loaded machine, seconds after)
      expect(sent.length).toBeLessThan(100);
      expect(sent.filter((m) => m.at > endAt).length).toBeLessThanOrEqual(2);
      const s = await stats(campaign.id);
      expect(s.steps[0]?.skipped.expired).toBe(100 - sent.length);
      expect(done.status).toBe('completed');
      // an end date already past refuses a start
      const late = await createCampaign({
        name: 'Too late',
        audience: { type: 'contacts' },
        contactIds: ids.slice(0, 1),
        settings: { endAt: new Date(Date.now() - 1000).toISOString() },
        steps: [{ connectionId: slowConn, content: { type: 'text', text: 'never' } }],
      });
      expect((await act(late.id, 'start')).status).toBe(409);
    });

    it('attributes a reply within the window to the step, says so in the conversation, stops the sequence; a later reply does not count', async () => {
      const early = await newVisitor(t, webchatConn);
      const late = await newVisitor(t, webchatConn);
      const silent = await newVisitor(t, webchatConn);
      for (const v of [early, late, silent]) await v.say('hello');
      const contactOf = async (visitorId: string) =>
        eventually(async () => {
          const r = await t.api<{ data: Array<{ id: string }> }>('GET', `/api/v1/contacts?q=${visitorId}`);
          return r.body.data[0]?.id;
        });
      const [earlyId, lateId, silentId] = [
        await contactOf(early.visitorId),
        await contactOf(late.visitorId),
        await contactOf(silent.visitorId),
      ];
      const campaign = await createCampaign({
        name: 'Attributed',
        audience: { type: 'contacts' },
        contactIds: [earlyId, lateId, silentId],
        // a reply counts for 3 s after the send
        settings: { attributionHours: 3 / 3600 },
        steps: [
          { connectionId: webchatConn, content: { type: 'text', text: 'Our offer' } },
          { connectionId: webchatConn, content: { type: 'text', text: 'Last call' }, delaySeconds: 7 },
        ],
      });
      await act(campaign.id, 'start');
      await eventually(async () => (await stats(campaign.id)).steps[0]?.queued === 0);
      await eventually(async () => (await stats(campaign.id)).steps[0]?.sent === 3);
      await early.say('yes please');
      await new Promise((r) => setTimeout(r, 3500));
      // outside the window (but before the next step is judged): no attribution, so no stop either
      await late.say('maybe later');
      const done = await finished(campaign.id);
      expect(done.steps[0]).toMatchObject({ sent: 3, replied: 1 });
      expect(done.steps[1]).toMatchObject({ sent: 2, skipped: { replied: 1 } });
      const byContact = new Map((await allRecipients(campaign.id)).map((r) => [r.contactId, r]));
      expect(byContact.get(earlyId)?.steps.map((s) => [s.status, s.reason, s.replied])).toEqual([
        ['queued', null, true],
        ['skipped', 'replied', false],
      ]);
      expect(byContact.get(lateId)?.steps.map((s) => s.replied)).toEqual([false, false]);
      // a reply to the second step counts for the second step
      await silent.say('ok, tell me more');
      await eventually(async () => (await stats(campaign.id)).steps[1]?.replied === 1);
      expect((await stats(campaign.id)).steps[0]?.replied).toBe(1);

      // the reply says which campaign it answers, for whoever routing gives it to, and the thread shows it
      const reply = byContact.get(earlyId)?.steps[0];
      const sentMessage = await t.api<{ conversationId: string }>('GET', `/api/v1/messages/${reply?.messageId}`);
      const messages = await t.api<{
        data: Array<{ direction: string; content: { text?: string }; metadata: Record<string, unknown> }>;
      }>('GET', `/api/v1/conversations/${sentMessage.body.conversationId}/messages?limit=50`);
      const answer = messages.body.data.find((m) => m.direction === 'inbound' && m.content.text === 'yes please');
      expect(answer?.metadata.campaignReply).toMatchObject({
        campaignId: campaign.id,
        campaignName: 'Attributed',
        step: 0,
      });
      const hello = messages.body.data.find((m) => m.direction === 'inbound' && m.content.text === 'hello');
      expect(hello?.metadata.campaignReply).toBeUndefined();
      const timeline = await t.api<{ data: Array<{ type: string; data: { campaignId?: string; step?: number } }> }>(
        'GET',
        `/api/v1/conversations/${sentMessage.body.conversationId}/timeline`,
      );
      expect(timeline.body.data.filter((e) => e.type === 'campaign.replied')).toMatchObject([
        { data: { campaignId: campaign.id, step: 0 } },
      ]);
    }, 60_000);
  });
}
