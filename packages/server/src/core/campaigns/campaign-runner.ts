/**
 * @module core/campaigns/campaign-runner
 * The worker side of campaigns, run by every worker process on a short timer; all of its state is in the database,
 * so any worker may take any step and a crash loses nothing:
 *
 * - **Freeze**: a running campaign's audience becomes recipients in keyset batches (one batch per tick, under a
 *   lease), each included recipient with its first step's job. Sending starts with the first batch.
 * - **Dispatch**: due jobs are claimed (compare-and-set, with a token) and each becomes one message through the
 *   normal outbound pipeline (MessageQueue: consent, window and template rules, degradation, sticky senders). The job
 *   turns `queued` with its message id *inside the message's transaction* (`within`), together with the next step's
 *   job; a lost claim rolls the message back. So a job yields at most one message, whatever crashes or redelivers,
 *   and the message itself is sent at most once by the outbound worker (INTERRUPTED when a crash cut the call).
 * - **Window**: at most `settings.inFlight` of a campaign's messages wait in the outbound queue; the rest wait as
 *   jobs, so pausing takes effect at once and an operator's reply never queues behind a campaign (its messages also
 *   ride their own bus key and the pacer's campaign lane).
 * - **Completion and automatic pause**: frozen with no open work → completed; too many permanent failures among the
 *   last sends → paused with the reason. A `campaign.progress` event carries the counts when they change.
 */
import { randomUUID } from 'node:crypto';
import { isTimeZone, wallClock } from '../../channel-kit/operating-hours.js';
import { newId, type Content } from '../../model/index.js';
import type { CoreDeps } from '../deps.js';
import { AppError } from '../errors.js';
import { eventRow } from '../events.js';
import type {
  CampaignRecord,
  CampaignStep,
  ContactRecord,
  JobRecord,
  RecipientRow,
  StepContent,
} from '../ports/index.js';
import type { ConnectionService } from '../connections/connection-service.js';
import type { MessageQueue } from '../outbound/message-queue.js';
import { fillPlaceholders, templateValues } from './placeholders.js';
import { TimelineBatch } from '../conversations/timeline.js';
import { assignVariant, nextLocalTime } from './step-timing.js';

export interface CampaignRunnerSettings {
  intervalMs: number;
  /** contacts frozen into recipients per tick and campaign */
  freezeBatch: number;
  /** how long a claimed job or a freeze batch is someone's before another worker may take it over */
  leaseMs: number;
}

export const DEFAULT_RUNNER_SETTINGS: CampaignRunnerSettings = { intervalMs: 100, freezeBatch: 500, leaseMs: 30_000 };

/** how admins hear of an automatic pause beyond the `campaign.status` event (outgoing webhooks) and the log line */
export type PauseNotifier = (workspaceId: string, subject: string, text: string) => Promise<void>;

/** a reply counts for a step this long after its send unless the campaign says otherwise */
export const DEFAULT_ATTRIBUTION_HOURS = 72;

/** the claim was taken over (lease ran out) or the job canceled: the message's transaction rolls back */
class LostClaim extends Error {}

const HOLD_MS = 2_000;
/** jobs of one round run at once: enough to hide each job's round trips, fewer than a round of 50 all at once */
const RUN_CONCURRENCY = 16;

/** minutes since midnight of "HH:MM" */
const minutesOf = (hhmm: string): number => {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
};

/** when quiet hours hold at `now` in `timeZone`: the instant they end (to the minute); undefined when not quiet */
export function quietUntil(quiet: { from: string; to: string }, timeZone: string, now: Date): Date | undefined {
  const { minute } = wallClock(now, timeZone);
  const from = minutesOf(quiet.from);
  const to = minutesOf(quiet.to);
  const inside = from < to ? minute >= from && minute < to : minute >= from || minute < to;
  if (!inside) return undefined;
  const left = (to - minute + 1440) % 1440 || 1440;
  return new Date(now.getTime() + left * 60_000 - now.getUTCSeconds() * 1000 - now.getUTCMilliseconds());
}

export class CampaignRunner {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private readonly lastProgress = new Map<string, string>();
  private lastProgressAt = 0;
  /**
   * per campaign: the next time a periodic `campaign.progress` may be counted. The counts are one pass over the
   * campaign's jobs (hundreds of milliseconds at 100,000 recipients), so a large campaign reports every ten times
   * what its last count took, at least once a second: the counting never takes more than a tenth of the sending's
   * time. A change of state always reports at once.
   */
  private readonly progressNotBefore = new Map<string, number>();
  /** per campaign: jobs handed out since its last failure check */
  private readonly handedSinceCheck = new Map<string, number>();

  constructor(
    private readonly deps: CoreDeps,
    private readonly connections: ConnectionService,
    private readonly messages: MessageQueue,
    private readonly settings: CampaignRunnerSettings = DEFAULT_RUNNER_SETTINGS,
    /** core/notifications' notifyAdmins when the hub has it: told once per automatic pause */
    private readonly notifyAdmins?: PauseNotifier,
  ) {}

  /** at start: claims older than `leaseMs` (embedded: every claim, its process is this one's predecessor) are free again */
  async recover(leaseMs: number): Promise<number> {
    const now = this.deps.clock.now();
    return this.deps.store.campaigns.releaseStaleClaims(
      new Date(now.getTime() - leaseMs + (leaseMs === 0 ? 1 : 0)).toISOString(),
      now.toISOString(),
    );
  }

  start(): void {
    const tick = (): void => {
      let busy = false;
      this.running = this.tick()
        .then((dispatched) => {
          busy = dispatched > 0;
        })
        .catch((error: unknown) => this.deps.log.warn({ err: error }, 'campaign tick failed; trying again'))
        .finally(() => {
          // a round that handed jobs out is followed at once by the next (the outbound window refills as it drains)
          if (this.timer) this.timer = setTimeout(tick, busy ? 0 : this.settings.intervalMs).unref();
        });
    };
    this.timer = setTimeout(tick, this.settings.intervalMs).unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** one round over every campaign that has work: start the scheduled, freeze, dispatch, finish, report; answers the jobs dispatched */
  async tick(): Promise<number> {
    let dispatched = 0;
    const now = this.deps.clock.now().toISOString();
    const reportProgress = Date.now() - this.lastProgressAt >= 1000;
    if (reportProgress) this.lastProgressAt = Date.now();
    const progressDue = (id: string) => reportProgress && Date.now() >= (this.progressNotBefore.get(id) ?? 0);
    for (const { id, status } of await this.deps.store.campaigns.listActiveCampaignIds(now)) {
      if (status === 'scheduled') await this.startScheduled(id, now);
      const campaign = await this.deps.store.campaigns.getCampaignUnscoped(id);
      if (!campaign || campaign.status !== 'running') continue;
      try {
        if (campaign.settings.endAt && Date.parse(campaign.settings.endAt) <= Date.parse(now)) {
          await this.end(campaign, now);
          continue;
        }
        await this.freezeBatch(campaign);
        const handed = await this.dispatch(campaign);
        dispatched += handed;
        if (progressDue(id)) await this.progress(campaign);
        // while jobs are handed out the campaign is not finished; the failure check runs once a second then, and
        // after every quarter window handed out, so a run of failures stops it within about a quarter window more
        // sends however fast they go
        const since = (this.handedSinceCheck.get(id) ?? 0) + handed;
        const quarter = Math.max(1, Math.floor(campaign.settings.failurePause.window / 4));
        if (handed === 0 || reportProgress || since >= quarter) {
          this.handedSinceCheck.set(id, 0);
          await this.finishOrPause(campaign);
        } else this.handedSinceCheck.set(id, since);
      } catch (error) {
        this.deps.log.warn({ err: error, campaignId: id }, 'campaign round failed; trying again');
      }
    }
    return dispatched;
  }

  /** its end date passed: nothing more is handed out, open jobs are counted `expired`, and the campaign completes */
  private async end(campaign: CampaignRecord, now: string): Promise<void> {
    const ops = this.deps.store.campaigns;
    // recipients are no longer added either: the audience is as far as the freeze got
    if (!campaign.frozenAt) await ops.advanceFreeze(campaign.id, campaign.freezeCursor, now);
    const expired = await ops.expireOpenJobs(campaign.id, now);
    // messages already handed to the outbound queue (at most the window) still go, like after a pause
    const reason = `the end date passed${expired > 0 ? `: ${expired} messages not sent (expired)` : ''}`;
    if (
      await this.setStatus(
        campaign.id,
        'completed',
        ['running'],
        now,
        { finishedAt: now, statusReason: reason },
        'running',
      )
    )
      await this.progress(campaign, true);
  }

  private async startScheduled(id: string, at: string): Promise<void> {
    await this.setStatus(id, 'running', ['scheduled'], at, { startedAt: at, statusReason: null }, 'scheduled');
  }

  private async setStatus(
    id: string,
    to: CampaignRecord['status'],
    from: CampaignRecord['status'][],
    at: string,
    extra: { statusReason?: string | null; startedAt?: string; finishedAt?: string },
    previous: CampaignRecord['status'],
  ): Promise<boolean> {
    // every change the runner makes is automatic (an operator's go through the service)
    const campaign = await this.deps.store.campaigns.getCampaignUnscoped(id);
    if (!campaign) return false;
    const moved = await this.deps.store.transaction(async (tx) => {
      if (!(await tx.campaigns.setCampaignStatus(id, to, from, at, extra))) return false;
      await tx.insertOutbox(
        [
          eventRow('campaign.status', campaign.workspaceId, {
            campaignId: id,
            status: to,
            previous,
            reason: extra.statusReason ?? null,
            automatic: true,
          }),
        ],
        at,
      );
      return true;
    });
    if (moved) this.deps.afterCommit();
    // a campaign that stops sending is counted again at once when it runs again
    if (moved && to !== 'running') this.progressNotBefore.delete(id);
    return moved;
  }

  /** the next batch of the audience as recipients, with the first step's jobs; one worker per batch (lease) */
  private async freezeBatch(campaign: CampaignRecord): Promise<void> {
    if (campaign.frozenAt) return;
    const nowDate = this.deps.clock.now();
    const now = nowDate.toISOString();
    const ops = this.deps.store.campaigns;
    if (
      !(await ops.takeFreezeLease(campaign.id, now, new Date(nowDate.getTime() + this.settings.leaseMs).toISOString()))
    )
      return;
    // read again under the lease: another worker may have moved the cursor since the campaign was listed
    const current = await ops.getCampaignUnscoped(campaign.id);
    if (!current || current.frozenAt) return;
    const limit = this.settings.freezeBatch;
    let ids: string[];
    if (current.audience.type === 'segment') {
      const segment = await ops.getSegment(current.workspaceId, current.audience.segmentId);
      // relative dates ("within 30 days") are judged at the start, so every batch sees the same audience
      ids = segment
        ? await ops.segmentContactIds(
            current.workspaceId,
            segment.filter,
            current.startedAt ?? now,
            current.freezeCursor,
            limit,
          )
        : [];
    } else ids = await ops.audienceContactIds(current.id, current.freezeCursor, limit);
    const first = current.steps[0] as CampaignStep;
    const channelType = (await this.connections.get(current.workspaceId, first.connectionId)).type;
    const recipients: RecipientRow[] = [];
    const jobs: JobRecord[] = [];
    // one query per batch for who is reachable on the first step's channel type (an identity there, not opted out)
    const reachable = await ops.reachability(current.workspaceId, ids, channelType);
    for (const contactId of ids) {
      const state = reachable.get(contactId);
      const reason = state === 'ok' ? null : (state ?? 'no_identity');
      recipients.push({
        id: newId('crc'),
        campaignId: current.id,
        workspaceId: current.workspaceId,
        contactId,
        status: reason ? 'excluded' : 'included',
        reason,
        createdAt: now,
      });
      if (!reason) jobs.push(this.job(current, contactId, 0, new Date(nowDate.getTime() + first.delaySeconds * 1000)));
    }
    const done = ids.length < limit;
    await this.deps.store.transaction(async (tx) => {
      await tx.campaigns.insertRecipients(recipients);
      await tx.campaigns.insertJobs(jobs);
      await tx.campaigns.advanceFreeze(current.id, ids[ids.length - 1] ?? current.freezeCursor, done ? now : null);
    });
    campaign.frozenAt = done ? now : null;
  }

  private job(campaign: CampaignRecord, contactId: string, stepIndex: number, due: Date): JobRecord {
    const at = this.deps.clock.now().toISOString();
    const variants = campaign.steps[stepIndex]?.variants;
    return {
      id: newId('cjb'),
      campaignId: campaign.id,
      workspaceId: campaign.workspaceId,
      contactId,
      stepIndex,
      status: 'pending',
      reason: null,
      dueAt: due.toISOString(),
      leaseUntil: null,
      claimToken: null,
      messageId: null,
      conversationId: null,
      queuedAt: null,
      // stored with the job, so statistics and lists group by it; the hash makes any re-creation agree anyway
      variant: variants && variants.length > 0 ? assignVariant(campaign.id, stepIndex, contactId, variants) : null,
      attributionUntil: null,
      repliedAt: null,
      createdAt: at,
      updatedAt: at,
    };
  }

  /** due jobs up to the campaign's outbound window, each claimed and run */
  private async dispatch(campaign: CampaignRecord): Promise<number> {
    const ops = this.deps.store.campaigns;
    const room = campaign.settings.inFlight - (await ops.inFlightCount(campaign.id));
    if (room <= 0) return 0;
    const nowDate = this.deps.clock.now();
    const now = nowDate.toISOString();
    const due = await ops.dueJobs(campaign.id, now, room);
    const lease = new Date(nowDate.getTime() + this.settings.leaseMs).toISOString();
    // one claim for the round's batch (one statement, not one per job); another worker's claims are left alone
    const token = randomUUID();
    const won = new Set(
      await ops.claimJobs(
        due.map((j) => j.id),
        token,
        now,
        lease,
      ),
    );
    const claimed = due.filter((j) => won.has(j.id));
    // a bounded number at a time: each job holds a database connection for its message's transaction, and a whole
    // window at once (up to `inFlight`, 1,000) would take every connection of the pool from the outbound worker that
    // must send the messages (PostgreSQL: 10)
    let next = 0;
    const lane = async (): Promise<void> => {
      for (let job = claimed[next++]; job; job = claimed[next++]) {
        try {
          await this.run(campaign, job, token);
        } catch (error) {
          // not an answer about this recipient (the database, a bug): the job is tried again shortly
          this.deps.log.warn({ err: error, jobId: job.id }, 'campaign job failed; retrying');
          await ops.releaseJob(job.id, token, new Date(Date.now() + HOLD_MS).toISOString(), now).catch(() => undefined);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(RUN_CONCURRENCY, claimed.length) }, lane));
    return due.length;
  }

  /**
   * one claimed job: wait for its local time of day and out of quiet hours, judge its condition, find where to send,
   * fill the content (its A/B variant's), queue the message
   */
  private async run(campaign: CampaignRecord, job: JobRecord, token: string): Promise<void> {
    const ops = this.deps.store.campaigns;
    const at = () => this.deps.clock.now().toISOString();
    const skip = (reason: string) => ops.finishJob(job.id, token, 'skipped', reason, at());
    const fail = (reason: string) => ops.finishJob(job.id, token, 'failed', reason, at());
    const hold = (until: Date, reason?: string) => ops.releaseJob(job.id, token, until.toISOString(), at(), reason);
    const step = campaign.steps[job.stepIndex];
    if (!step) return void (await skip('no_step'));
    const now = this.deps.clock.now();
    const endAt = campaign.settings.endAt;
    if (endAt && Date.parse(endAt) <= now.getTime()) return void (await skip('expired'));

    const contact = await this.deps.store.getContact(campaign.workspaceId, job.contactId);
    if (!contact || contact.mergedInto || contact.erasedAt) return void (await skip('contact_gone'));
    const ownZone = contactZone(contact);
    // "10:00 local": worked out once, from when the step came due, in the contact's zone (else the campaign's)
    if (step.timeOfDay && job.reason !== 'local_time') {
      const zone = ownZone ?? campaign.settings.timeZone ?? campaign.settings.quietHours?.timeZone ?? 'UTC';
      const target = nextLocalTime(new Date(job.dueAt), step.timeOfDay.time, step.timeOfDay.daysAfter, zone);
      if (target.getTime() > now.getTime()) return hold(target, 'local_time');
    }
    const quiet = campaign.settings.quietHours;
    if (quiet) {
      const until = quietUntil(quiet, ownZone ?? quiet.timeZone, now);
      if (until) return hold(until);
    }
    // judged last before the send, so a reply while the step waited (quiet hours, its time of day) still counts
    if (job.stepIndex > 0) {
      const verdict = await this.condition(campaign, job, step);
      if (verdict === 'hold') return hold(new Date(now.getTime() + HOLD_MS));
      if (verdict !== 'go') return void (await skip(verdict));
    }
    const record = await this.connections.get(campaign.workspaceId, step.connectionId).catch(() => undefined);
    if (!record) return void (await fail('CONNECTION_DELETED'));
    const address = await this.addressFor(campaign.workspaceId, contact.id, record.type);
    if (address === 'no_identity' || address === 'opted_out') return void (await skip(address));

    const variant = job.variant === null ? undefined : step.variants?.[job.variant];
    const stepContent = variant?.content ?? step.content;
    if (!stepContent) return void (await fail('NO_CONTENT: the step has no content for this variant'));
    const filled = this.content(stepContent, contact, address);
    if ('missing' in filled) return void (await fail(`MISSING_FIELD: ${filled.missing.join(', ')}`));
    const next = campaign.steps[job.stepIndex + 1];
    const attributionMs = (campaign.settings.attributionHours ?? DEFAULT_ATTRIBUTION_HOURS) * 3_600_000;
    const mark = {
      id: campaign.id,
      name: campaign.name,
      step: job.stepIndex,
      ...(variant && job.variant !== null ? { variant: job.variant, variantName: variant.name } : {}),
    };
    try {
      await this.messages.sendToAddress(
        campaign.workspaceId,
        record.id,
        address,
        filled.content,
        filled.metadata,
        undefined,
        async (tx, message, queuedAt) => {
          const until = new Date(Date.parse(queuedAt) + attributionMs).toISOString();
          if (!(await tx.campaigns.markJobQueued(job.id, token, message.id, message.conversationId, queuedAt, until)))
            throw new LostClaim();
          // the thread says the conversation came from the campaign, beside the message's own `campaign` mark
          await new TimelineBatch(campaign.workspaceId, message.conversationId, queuedAt)
            .add('campaign.sent', `campaign:${campaign.id}`, {
              campaignId: campaign.id,
              campaignName: campaign.name,
              step: job.stepIndex,
              ...(mark.variantName !== undefined ? { variant: mark.variant, variantName: mark.variantName } : {}),
              messageId: message.id,
            })
            .write(tx, false, new Date(queuedAt));
          if (next)
            await tx.campaigns.insertJobs([
              this.job(
                campaign,
                job.contactId,
                job.stepIndex + 1,
                new Date(Date.parse(queuedAt) + next.delaySeconds * 1000),
              ),
            ]);
        },
        mark,
      );
    } catch (error) {
      if (error instanceof LostClaim) return;
      if (error instanceof AppError) {
        if (error.code === 'OPTED_OUT') return void (await skip('opted_out'));
        if (error.code === 'UNAVAILABLE' || error.code === 'RATE_LIMITED') throw error;
        return void (await fail(`${error.code}: ${error.message}`.slice(0, 500)));
      }
      throw error;
    }
  }

  /** whether a later step goes to this recipient, judged now from the previous step's job and message */
  private async condition(
    campaign: CampaignRecord,
    job: JobRecord,
    step: CampaignStep,
  ): Promise<'go' | 'hold' | string> {
    const previous = await this.deps.store.campaigns.getJob(campaign.id, job.contactId, job.stepIndex - 1);
    const before = campaign.steps[job.stepIndex - 1];
    if (!previous || !before) return 'go';
    const message = previous.messageId ? await this.deps.store.getMessageUnscoped(previous.messageId) : undefined;
    // a reply the inbound path attributed to the previous step (within its window); from now on replies no longer
    // count for it (a reply after this step's send counts for this step)
    const replied = previous.repliedAt !== null;
    if (step.condition !== 'failed' || message?.status !== 'queued')
      await this.deps.store.campaigns.closeAttribution(previous.id, this.deps.clock.now().toISOString());
    if (replied && before.stopOnReply) return 'replied';
    switch (step.condition) {
      case 'always':
        return 'go';
      case 'not_replied':
        return replied ? 'condition_replied' : 'go';
      case 'not_read':
        return message?.status === 'read' ? 'condition_read' : 'go';
      case 'failed':
        if (previous.status === 'failed' || message?.status === 'failed') return 'go';
        // the previous message may still fail: wait until it is out of the queue
        return message?.status === 'queued' ? 'hold' : 'condition_not_failed';
    }
  }

  /** the contact's address on the channel type that is not opted out (the oldest identity first) */
  private async addressFor(workspaceId: string, contactId: string, channelType: string): Promise<string> {
    const identities = (await this.deps.store.listIdentities(contactId)).filter((i) => i.channelType === channelType);
    if (identities.length === 0) return 'no_identity';
    for (const identity of identities) {
      const consent = await this.deps.store.getConsent(workspaceId, channelType, identity.address);
      if (!consent?.optedOut) return identity.address;
    }
    return 'opted_out';
  }

  private content(
    c: StepContent,
    contact: ContactRecord,
    address: string,
  ): { content: Content; metadata: Record<string, unknown> } | { missing: string[] } {
    if (c.type === 'template') {
      const { values, missing } = templateValues(c.variables, contact, address);
      if (missing.length > 0) return { missing };
      return {
        content: { type: 'template', template: { name: c.name, language: c.language, variables: values } },
        metadata: {},
      };
    }
    const body = fillPlaceholders(c.text, contact, address);
    if (c.type === 'text')
      return body.missing.length > 0
        ? { missing: body.missing }
        : { content: { type: 'text', text: body.text }, metadata: {} };
    const subject = fillPlaceholders(c.subject, contact, address);
    const missing = [...subject.missing, ...body.missing];
    if (missing.length > 0) return { missing };
    return { content: { type: 'text', text: body.text }, metadata: { subject: subject.text } };
  }

  /** completed once frozen with no open work; paused when too many of the latest sends failed for good */
  private async finishOrPause(campaign: CampaignRecord): Promise<void> {
    const ops = this.deps.store.campaigns;
    const now = this.deps.clock.now().toISOString();
    const { ratio, window } = campaign.settings.failurePause;
    const recent = await ops.recentFailures(campaign.id, window, campaign.updatedAt);
    // judged over a full window only, so three failures among the first five sends do not stop a campaign
    if (recent.finished >= window && recent.failed / recent.finished >= ratio) {
      const reason = `${recent.failed} of ${recent.finished} messages in a row failed (the limit is ${Math.round(ratio * 100)} %); check the failures, then resume`;
      if (await this.setStatus(campaign.id, 'paused', ['running'], now, { statusReason: reason }, 'running')) {
        this.deps.log.warn({ campaignId: campaign.id, ...recent }, `campaign paused: ${reason}`);
        await this.progress(campaign, true);
        // the one place an automatic pause is told to people (the compare-and-set above makes it once per pause)
        await this.notifyAdmins?.(
          campaign.workspaceId,
          `Campaign "${campaign.name}" paused itself`,
          `The campaign "${campaign.name}" (${campaign.id}) stopped sending: ${reason}.`,
        ).catch((error: unknown) =>
          this.deps.log.warn({ err: error, campaignId: campaign.id }, 'could not notify admins of the pause'),
        );
      }
      return;
    }
    if (campaign.frozenAt && (await ops.openWork(campaign.id)) === 0) {
      if (await this.setStatus(campaign.id, 'completed', ['running'], now, { finishedAt: now }, 'running'))
        await this.progress(campaign, true);
    }
  }

  /** a `campaign.progress` event with the counts, when they changed since this process last said them */
  private async progress(campaign: CampaignRecord, always = false): Promise<void> {
    const started = Date.now();
    const stats = await this.deps.store.campaigns.campaignStats(
      campaign.id,
      campaign.steps.length,
      variantNames(campaign),
    );
    const took = Date.now() - started;
    this.progressNotBefore.set(campaign.id, Date.now() + Math.max(0, took * 10 - 1000));
    const text = JSON.stringify(stats);
    if (!always && this.lastProgress.get(campaign.id) === text) return;
    this.lastProgress.set(campaign.id, text);
    const at = this.deps.clock.now().toISOString();
    await this.deps.store.insertOutbox(
      [eventRow('campaign.progress', campaign.workspaceId, { campaignId: campaign.id, ...stats })],
      at,
    );
    this.deps.afterCommit();
  }
}

/** the contact's own time zone, when its attributes name a valid one (`timeZone` or `timezone`) */
function contactZone(contact: ContactRecord): string | undefined {
  const zone = contact.attributes.timeZone ?? contact.attributes.timezone;
  return typeof zone === 'string' && isTimeZone(zone) ? zone : undefined;
}

/** per step, its A/B variants' names (for the statistics) */
export function variantNames(campaign: Pick<CampaignRecord, 'steps'>): string[][] {
  return campaign.steps.map((s) => (s.variants ?? []).map((v) => v.name));
}
