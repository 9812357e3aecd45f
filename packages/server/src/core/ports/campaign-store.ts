/**
 * @module core/ports/campaign-store
 * Segments (saved filters over contacts, evaluated in SQL), campaigns, the recipients frozen at start and one job
 * per recipient × step. Reached as `store.campaigns` (and `tx.campaigns`). Implemented in
 * store/sql/campaign-queries.ts.
 */
import type { Page, PageQuery } from './records.js';

/** one test on a contact; every test is evaluated by the database, never on contacts loaded into memory */
export type SegmentCondition =
  | {
      field: 'attribute';
      key: string;
      op: 'equals' | 'not_equals' | 'contains' | 'exists' | 'not_exists';
      value?: string | undefined;
    }
  | { field: 'tag'; op: 'has' | 'not_has'; value: string }
  /** the contact has (or has not) an identity on this channel type */
  | { field: 'channel'; op: 'has' | 'not_has'; value: string }
  /** the contact has (or has not) a conversation in this status */
  | { field: 'conversationStatus'; op: 'has' | 'not_has'; value: 'open' | 'pending' | 'resolved' }
  /** an instant (ISO-8601) */
  | { field: 'lastInboundAt' | 'createdAt'; op: 'before' | 'after'; value: string }
  /** relative to the moment the segment is evaluated */
  | { field: 'lastInboundAt' | 'createdAt'; op: 'within_days' | 'not_within_days'; value: number };

/** AND (`all`) or OR (`any`) of conditions and nested groups */
export type SegmentFilter = { all: SegmentNode[] } | { any: SegmentNode[] };
export type SegmentNode = SegmentCondition | SegmentFilter;

export interface SegmentRecord {
  id: string;
  workspaceId: string;
  name: string;
  filter: SegmentFilter;
  createdAt: string;
  updatedAt: string;
}

export type CampaignStatus = 'draft' | 'scheduled' | 'running' | 'paused' | 'completed' | 'canceled';

/** where a template variable's value comes from: a contact field (with a fallback) or a constant */
export type VariableSource = { field: string; fallback?: string | undefined } | { value: string };

export type StepContent =
  | { type: 'text'; text: string }
  | { type: 'template'; name: string; language: string; variables: Record<string, VariableSource> }
  | { type: 'email'; subject: string; text: string };

/** one content of an A/B step, sent to `percent` % of the step's recipients */
export interface StepVariant {
  name: string;
  percent: number;
  content: StepContent;
}

export interface CampaignStep {
  connectionId: string;
  /** the step's content; an A/B step has `variants` instead (and then no content of its own) */
  content?: StepContent | undefined;
  /** two or more contents with a split (percentages summing to 100); each recipient gets one, by a stable hash */
  variants?: StepVariant[] | undefined;
  /** after the previous step was queued (the first step: after the start) */
  delaySeconds: number;
  /**
   * at this local time (HH:MM) in the recipient's time zone, on the day `daysAfter` days after the step came due
   * (0: the same day while the time is still ahead, else the next day); judged after `delaySeconds`
   */
  timeOfDay?: { time: string; daysAfter: number } | undefined;
  /** whether this step goes out, judged when it is due, from the previous step's outcome */
  condition: 'always' | 'not_replied' | 'not_read' | 'failed';
  /** a reply to this step ends the recipient's sequence (the later steps are skipped as `replied`) */
  stopOnReply: boolean;
}

export interface CampaignSettings {
  /** no sends in this local time range (HH:MM, `from` may be after `to`: overnight) in the contact's time zone */
  quietHours?: { from: string; to: string; timeZone: string } | undefined;
  /** pause the campaign when at least `ratio` of the last `window` finished sends failed permanently */
  failurePause: { ratio: number; window: number };
  /** campaign messages in the outbound queue at once (the rest wait as jobs, so conversational replies never wait long) */
  inFlight: number;
  /** the time zone of contacts whose attributes name none (time-of-day steps, quiet hours); UTC when absent */
  timeZone?: string | undefined;
  /** no campaign message is handed out after this instant: open jobs end `skipped` (`expired`), the campaign completes */
  endAt?: string | undefined;
  /** a reply counts for a step from its send until this many hours later (or until the next step is judged); default 72 */
  attributionHours?: number | undefined;
}

export type CampaignAudience = { type: 'segment'; segmentId: string } | { type: 'contacts' };

export interface CampaignRecord {
  id: string;
  workspaceId: string;
  name: string;
  status: CampaignStatus;
  statusReason: string | null;
  audience: CampaignAudience;
  steps: CampaignStep[];
  settings: CampaignSettings;
  scheduledAt: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  freezeCursor: string | null;
  frozenAt: string | null;
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
}

export type CampaignPatch = Partial<
  Pick<CampaignRecord, 'name' | 'audience' | 'steps' | 'settings' | 'scheduledAt' | 'updatedAt'>
>;

export interface RecipientRow {
  id: string;
  campaignId: string;
  workspaceId: string;
  contactId: string;
  status: 'included' | 'excluded';
  /** why excluded: `opted_out`, `no_identity` (nothing on the first step's channel type) */
  reason: string | null;
  createdAt: string;
}

export type JobStatus = 'pending' | 'claimed' | 'queued' | 'skipped' | 'failed' | 'canceled';

export interface JobRecord {
  id: string;
  campaignId: string;
  workspaceId: string;
  contactId: string;
  stepIndex: number;
  status: JobStatus;
  reason: string | null;
  dueAt: string;
  leaseUntil: string | null;
  claimToken: string | null;
  messageId: string | null;
  conversationId: string | null;
  queuedAt: string | null;
  /** the A/B variant (index into the step's `variants`) this recipient was assigned; null for a step without variants */
  variant: number | null;
  /** replies until this instant count for this step (its send + the attribution window, or when the next step was judged) */
  attributionUntil: string | null;
  /** the first reply attributed to this step */
  repliedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/** a step whose attribution window is open for a contact: a reply now counts for it */
export interface OpenAttribution {
  jobId: string;
  campaignId: string;
  campaignName: string;
  stepIndex: number;
  variant: number | null;
  repliedAt: string | null;
}

/** what a recipient list is filtered by: a job outcome (any step, or the given one) or the exclusion */
export type RecipientOutcome =
  'excluded' | 'pending' | 'skipped' | 'queued' | 'sent' | 'delivered' | 'read' | 'failed' | 'replied';

export interface RecipientView extends RecipientRow {
  steps: Array<{
    stepIndex: number;
    status: JobStatus;
    reason: string | null;
    messageId: string | null;
    messageStatus: string | null;
    failureCode: string | null;
    replied: boolean;
    /** the A/B variant's index, null for a step without variants */
    variant: number | null;
    repliedAt: string | null;
    /** when the job is (or was last) due: a time-of-day step shows its local time here once worked out */
    dueAt: string;
  }>;
}

/** the counts of one A/B variant of a step */
export interface VariantStats {
  variant: number;
  name: string;
  /** recipients assigned this variant (every job of the step, whatever its outcome) */
  assigned: number;
  pending: number;
  queued: number;
  sent: number;
  delivered: number;
  read: number;
  failed: number;
  replied: number;
  skipped: Record<string, number>;
  failedBy: Record<string, number>;
}

export interface StepStats {
  stepIndex: number;
  pending: number;
  queued: number;
  sent: number;
  delivered: number;
  read: number;
  failed: number;
  replied: number;
  skipped: Record<string, number>;
  failedBy: Record<string, number>;
  /** per A/B variant (empty for a step without variants) */
  variants: VariantStats[];
}

export interface CampaignStats {
  audience: number;
  included: number;
  excluded: Record<string, number>;
  steps: StepStats[];
}

export interface CampaignStoreOps {
  insertSegment(row: SegmentRecord): Promise<void>;
  getSegment(workspaceId: string, id: string): Promise<SegmentRecord | undefined>;
  listSegments(workspaceId: string, page: PageQuery): Promise<Page<SegmentRecord>>;
  updateSegment(id: string, patch: { name?: string; filter?: SegmentFilter }, at: string): Promise<void>;
  deleteSegment(id: string): Promise<void>;
  /** live contacts (no tombstones, not erased) of the workspace the filter matches, at `now` */
  countSegment(workspaceId: string, filter: SegmentFilter, now: string): Promise<number>;
  /** the next `limit` matching contact ids after `afterId`, in id order (the freeze's keyset batches) */
  segmentContactIds(
    workspaceId: string,
    filter: SegmentFilter,
    now: string,
    afterId: string | null,
    limit: number,
  ): Promise<string[]>;
  /** whether a campaign that is not finished uses the segment */
  segmentInUse(segmentId: string): Promise<boolean>;

  insertCampaign(row: CampaignRecord): Promise<void>;
  getCampaign(workspaceId: string, id: string): Promise<CampaignRecord | undefined>;
  getCampaignUnscoped(id: string): Promise<CampaignRecord | undefined>;
  listCampaigns(workspaceId: string, page: PageQuery, status?: CampaignStatus): Promise<Page<CampaignRecord>>;
  updateCampaign(id: string, patch: CampaignPatch): Promise<void>;
  deleteCampaign(id: string): Promise<void>;
  /** compare-and-set of the status; the extra fields are written with it; false when the status was not in `from` */
  setCampaignStatus(
    id: string,
    to: CampaignStatus,
    from: CampaignStatus[],
    at: string,
    extra?: { statusReason?: string | null; startedAt?: string; finishedAt?: string },
  ): Promise<boolean>;
  /** campaigns a worker has something to do for: running, and scheduled ones whose time came */
  listActiveCampaignIds(now: string): Promise<Array<{ id: string; status: CampaignStatus }>>;

  /** adds contacts of the workspace to an explicit audience (others are ignored); answers how many were new */
  addAudience(campaignId: string, workspaceId: string, contactIds: string[]): Promise<number>;
  clearAudience(campaignId: string): Promise<void>;
  countAudience(campaignId: string): Promise<number>;
  audienceContactIds(campaignId: string, afterId: string | null, limit: number): Promise<string[]>;

  /** the one freezer of a campaign holds the lease (compare-and-set on its expiry) */
  takeFreezeLease(campaignId: string, now: string, until: string): Promise<boolean>;
  /** records the freeze's progress: the last contact frozen, and whether the audience is done */
  advanceFreeze(campaignId: string, cursor: string | null, frozenAt: string | null): Promise<void>;
  /**
   * for a batch of contacts: whether each can be reached on the channel type — `ok` (an identity there that is not
   * opted out), `opted_out` (identities there, all opted out); contacts without an identity there are absent
   */
  reachability(
    workspaceId: string,
    contactIds: string[],
    channelType: string,
  ): Promise<Map<string, 'ok' | 'opted_out'>>;
  /** insert-or-ignore on (campaign, contact) */
  insertRecipients(rows: RecipientRow[]): Promise<void>;
  /** insert-or-ignore on (campaign, contact, step): a job is created once whatever re-runs */
  insertJobs(rows: JobRecord[]): Promise<void>;

  /** pending jobs that came due, and claims whose lease ran out (their worker died), oldest due first */
  dueJobs(campaignId: string, now: string, limit: number): Promise<JobRecord[]>;
  /** campaign messages queued and not yet sent or failed (the outbound window) */
  inFlightCount(campaignId: string): Promise<number>;
  /** compare-and-set: pending (or an expired claim) → claimed by `token` until `leaseUntil` */
  claimJob(id: string, token: string, now: string, leaseUntil: string): Promise<boolean>;
  /** the same for a batch in one statement; answers the ids this claim won */
  claimJobs(ids: string[], token: string, now: string, leaseUntil: string): Promise<string[]>;
  /**
   * claimed by `token` → queued with its message, in the message's transaction; replies until `attributionUntil`
   * count for it; false when the claim was lost
   */
  markJobQueued(
    id: string,
    token: string,
    messageId: string,
    conversationId: string,
    at: string,
    attributionUntil: string,
  ): Promise<boolean>;
  /** claimed by `token` → skipped | failed | canceled with a reason */
  finishJob(
    id: string,
    token: string,
    status: 'skipped' | 'failed' | 'canceled',
    reason: string,
    at: string,
  ): Promise<boolean>;
  /**
   * claimed by `token` → pending, due again at `dueAt` (quiet hours, a previous step still in flight); `reason`
   * (when given) is kept on the job (`local_time`: its time of day was worked out once)
   */
  releaseJob(id: string, token: string, dueAt: string, at: string, reason?: string): Promise<void>;
  /** open jobs (pending or claimed) of the campaign → skipped `expired` (its end date passed); answers how many */
  expireOpenJobs(campaignId: string, at: string): Promise<number>;
  /** a later step was judged: replies from now on no longer count for the earlier step */
  closeAttribution(jobId: string, at: string): Promise<void>;
  /** the contact's sent campaign steps whose attribution window is open at `at` (any campaign of the workspace) */
  openAttributions(workspaceId: string, contactId: string, at: string): Promise<OpenAttribution[]>;
  /** the reply counts for these jobs (the first reply only: a job already replied keeps its time) */
  markReplied(jobIds: string[], at: string): Promise<void>;
  /** at start: claims taken before `before` belong to a process that is gone → pending again */
  releaseStaleClaims(before: string, at: string): Promise<number>;
  getJob(campaignId: string, contactId: string, stepIndex: number): Promise<JobRecord | undefined>;
  /** every pending or claimed job of the campaign → canceled */
  cancelOpenJobs(campaignId: string, at: string): Promise<number>;
  /** jobs still to run or whose message is still queued: the campaign is complete when there are none and it is frozen */
  openWork(campaignId: string): Promise<number>;
  /**
   * the worst run of `window` consecutive sends among the campaign's latest that finished since `since` (a few
   * windows back): how many of them failed for good; `finished` is below `window` while fewer sends finished
   */
  recentFailures(campaignId: string, window: number, since: string): Promise<{ finished: number; failed: number }>;
  /** whether the contact wrote to the workspace (any conversation) after `since` */
  contactRepliedSince(workspaceId: string, contactId: string, since: string): Promise<boolean>;

  listRecipients(
    campaignId: string,
    page: PageQuery,
    filter: { outcome?: RecipientOutcome | undefined; stepIndex?: number | undefined; variant?: number | undefined },
  ): Promise<Page<RecipientView>>;
  /** `variantNames`: per step, its A/B variants' names (none for a step without variants) */
  campaignStats(campaignId: string, steps: number, variantNames?: string[][]): Promise<CampaignStats>;
}
