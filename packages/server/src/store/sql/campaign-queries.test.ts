/**
 * The campaign part of the store on SQLite and on a fresh PostgreSQL database: a job is claimed by one worker at a
 * time (concurrent claims: one wins), a claim whose lease ran out is taken over and the old holder's token no longer
 * queues or finishes it, a job is created once per (campaign, contact, step) whatever re-runs, stale claims are
 * released at start, and the freeze lease is held by one worker per batch.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../model/index.js';
import type { CampaignRecord, JobRecord, Store } from '../../core/ports/index.js';
import { openTestStore } from '../../testing/test-databases.js';

const at = (offsetMs = 0) => new Date(Date.now() + offsetMs).toISOString();

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`campaign store: ${dialect}`, () => {
    let store: Store;
    let dispose: () => Promise<void>;
    const ws = newId('ws');
    let campaign: CampaignRecord;

    const job = (contactId: string, stepIndex = 0): JobRecord => ({
      id: newId('cjb'),
      campaignId: campaign.id,
      workspaceId: ws,
      contactId,
      stepIndex,
      status: 'pending',
      reason: null,
      dueAt: at(-1000),
      leaseUntil: null,
      claimToken: null,
      messageId: null,
      conversationId: null,
      queuedAt: null,
      variant: null,
      attributionUntil: null,
      repliedAt: null,
      createdAt: at(),
      updatedAt: at(),
    });

    beforeAll(async () => {
      ({ store, dispose } = await openTestStore(dialect, 'campaigns', 6));
      await store.migrate();
      await store.insertWorkspace({ id: ws, name: 'ws', createdAt: at() });
      campaign = {
        id: newId('cmp'),
        workspaceId: ws,
        name: 'c',
        status: 'running',
        statusReason: null,
        audience: { type: 'contacts' },
        steps: [],
        settings: { failurePause: { ratio: 0.2, window: 200 }, inFlight: 50 },
        scheduledAt: null,
        startedAt: at(),
        finishedAt: null,
        freezeCursor: null,
        frozenAt: null,
        createdBy: null,
        createdAt: at(),
        updatedAt: at(),
      };
      await store.campaigns.insertCampaign(campaign);
    });
    afterAll(() => dispose());

    it('creates a job once per campaign, contact and step, whatever inserts it again', async () => {
      await store.campaigns.insertJobs([job('ct_once'), job('ct_once'), job('ct_once', 1)]);
      await store.campaigns.insertJobs([job('ct_once')]);
      expect((await store.campaigns.getJob(campaign.id, 'ct_once', 0))?.status).toBe('pending');
      const due = (await store.campaigns.dueJobs(campaign.id, at(), 100)).filter((j) => j.contactId === 'ct_once');
      expect(due.map((j) => j.stepIndex).sort()).toEqual([0, 1]);
    });

    it('lets one of many concurrent claims win', async () => {
      const j = job('ct_race');
      await store.campaigns.insertJobs([j]);
      const won = await Promise.all(
        Array.from({ length: 8 }, (_, i) => store.campaigns.claimJob(j.id, `token-${i}`, at(), at(30_000))),
      );
      expect(won.filter(Boolean)).toHaveLength(1);
    });

    it("takes over a claim whose lease ran out; the old holder's token then queues nothing", async () => {
      const j = job('ct_lease');
      await store.campaigns.insertJobs([j]);
      expect(await store.campaigns.claimJob(j.id, 'old', at(), at(-1))).toBe(true);
      // the lease is over: the job is due again and another worker takes it
      expect((await store.campaigns.dueJobs(campaign.id, at(), 100)).some((d) => d.id === j.id)).toBe(true);
      expect(await store.campaigns.claimJob(j.id, 'new', at(), at(30_000))).toBe(true);
      expect(await store.campaigns.markJobQueued(j.id, 'old', 'msg_old', 'conv_1', at(), at(3_600_000))).toBe(false);
      expect(await store.campaigns.finishJob(j.id, 'old', 'failed', 'late', at())).toBe(false);
      expect(await store.campaigns.markJobQueued(j.id, 'new', 'msg_new', 'conv_1', at(), at(3_600_000))).toBe(true);
      // queued once: a second queueing (even with the right token) does nothing
      expect(await store.campaigns.markJobQueued(j.id, 'new', 'msg_again', 'conv_1', at(), at(3_600_000))).toBe(false);
      expect((await store.campaigns.getJob(campaign.id, 'ct_lease', 0))?.messageId).toBe('msg_new');
    });

    it('releases claims left by a process that is gone, and cancels what is still open', async () => {
      const stale = job('ct_stale');
      const fresh = job('ct_fresh');
      await store.campaigns.insertJobs([stale, fresh]);
      await store.campaigns.claimJob(stale.id, 'gone', at(), at(30_000));
      const cutoff = at(1);
      await new Promise((r) => setTimeout(r, 5));
      await store.campaigns.claimJob(fresh.id, 'alive', at(), at(30_000));
      // the earlier tests' winners are stale too by now; the fresh claim is not
      expect(await store.campaigns.releaseStaleClaims(cutoff, at())).toBeGreaterThanOrEqual(1);
      expect((await store.campaigns.getJob(campaign.id, 'ct_stale', 0))?.status).toBe('pending');
      expect((await store.campaigns.getJob(campaign.id, 'ct_fresh', 0))?.status).toBe('claimed');
      expect(await store.campaigns.cancelOpenJobs(campaign.id, at())).toBeGreaterThanOrEqual(2);
      expect(await store.campaigns.markJobQueued(fresh.id, 'alive', 'msg_x', 'conv_x', at(), at(3_600_000))).toBe(
        false,
      );
      expect(await store.campaigns.openWork(campaign.id)).toBe(0);
    });

    it('attributes a reply within the window only, to the first reply, and not after the window closes', async () => {
      const j = job('ct_attr');
      const other = job('ct_attr_late');
      await store.campaigns.insertJobs([j, other]);
      await store.campaigns.claimJob(j.id, 't', at(), at(30_000));
      await store.campaigns.claimJob(other.id, 't', at(), at(30_000));
      expect(await store.campaigns.markJobQueued(j.id, 't', 'msg_a', 'conv_a', at(-2000), at(3_600_000))).toBe(true);
      // its window is already over
      expect(await store.campaigns.markJobQueued(other.id, 't', 'msg_b', 'conv_b', at(-2000), at(-1000))).toBe(true);
      const open = await store.campaigns.openAttributions(ws, 'ct_attr', at());
      expect(open.map((o) => [o.jobId, o.campaignName, o.stepIndex])).toEqual([[j.id, 'c', 0]]);
      expect(await store.campaigns.openAttributions(ws, 'ct_attr_late', at())).toEqual([]);
      // scoped to the workspace
      expect(await store.campaigns.openAttributions('ws_other', 'ct_attr', at())).toEqual([]);
      const first = at();
      await store.campaigns.markReplied([j.id], first);
      await store.campaigns.markReplied([j.id], at(5000));
      expect((await store.campaigns.getJob(campaign.id, 'ct_attr', 0))?.repliedAt).toBe(first);
      // the next step was judged: no later reply counts for this one
      await store.campaigns.closeAttribution(j.id, at());
      expect(await store.campaigns.openAttributions(ws, 'ct_attr', at(10))).toEqual([]);
    });

    it('expires the open jobs of a campaign whose end date passed', async () => {
      const j = job('ct_expire');
      await store.campaigns.insertJobs([j]);
      expect(await store.campaigns.expireOpenJobs(campaign.id, at())).toBeGreaterThanOrEqual(1);
      expect(await store.campaigns.getJob(campaign.id, 'ct_expire', 0)).toMatchObject({
        status: 'skipped',
        reason: 'expired',
      });
    });

    it('gives the freeze lease to one worker until the batch is written', async () => {
      const now = at();
      const leases = await Promise.all(
        Array.from({ length: 5 }, () => store.campaigns.takeFreezeLease(campaign.id, now, at(30_000))),
      );
      expect(leases.filter(Boolean)).toHaveLength(1);
      await store.campaigns.advanceFreeze(campaign.id, 'ct_5', null);
      expect(await store.campaigns.takeFreezeLease(campaign.id, at(), at(30_000))).toBe(true);
      await store.campaigns.advanceFreeze(campaign.id, 'ct_9', at());
      // frozen: nobody freezes any more
      expect(await store.campaigns.takeFreezeLease(campaign.id, at(), at(30_000))).toBe(false);
      expect((await store.campaigns.getCampaignUnscoped(campaign.id))?.freezeCursor).toBe('ct_9');
    });
  });
}
