/**
 * @module core/campaigns/campaign-service
 * What admins do with campaigns: create and edit drafts (audience, steps, settings), fill an explicit audience from
 * contact ids or a CSV (validated and normalised row by row by core/contacts' import, the report answered), start
 * (now or at a time), pause, resume, cancel, duplicate, and read the recipients and statistics. Sending is the
 * runner's (campaign-runner.ts); every state change here is a compare-and-set the runner of every process reads.
 */
import { newId } from '../../model/index.js';
import type { CoreDeps } from '../deps.js';
import { AppError, notFound } from '../errors.js';
import { eventRow } from '../events.js';
import type {
  CampaignAudience,
  CampaignRecord,
  CampaignSettings,
  CampaignStats,
  CampaignStatus,
  CampaignStep,
  StepContent,
  Page,
  PageQuery,
  RecipientOutcome,
  RecipientView,
} from '../ports/index.js';
import type { ConnectionService } from '../connections/connection-service.js';
import { stringify } from 'csv-stringify/sync';
import { defuseFormula, type ContactTransfer, type ImportReport } from '../contacts/contact-import.js';
import { capabilitiesFor } from '../../channel-kit/index.js';
import { fillPlaceholders, templateValues } from './placeholders.js';
import { variantNames } from './campaign-runner.js';
import { assignVariant } from './step-timing.js';

/** what one step would send to one contact: the filled content, or why it would not go */
export interface StepPreview {
  stepIndex: number;
  /** where it goes on the step's channel; null when the contact has none there or every one opted out */
  address: string | null;
  /** no_identity, opted_out, or MISSING_FIELD when a placeholder or variable has no value and no fallback */
  blocked: string | null;
  text?: string | undefined;
  subject?: string | undefined;
  template?: { name: string; language: string; variables: Record<string, string> } | undefined;
  /** the A/B variant's name, for a step with variants */
  variant?: string | undefined;
  missing: string[];
}

/** before the start: who the campaign would reach now, excluded by reason, and what a few recipients would get */
export interface AudienceCheck {
  audience: number;
  included: number;
  excluded: Record<string, number>;
  sample: Array<{ contactId: string; name: string | null; steps: StepPreview[] }>;
}

/** contacts read per batch when an audience is checked (as many as the runner freezes per round) */
const CHECK_BATCH = 500;
const SAMPLE_SIZE = 5;

export const DEFAULT_CAMPAIGN_SETTINGS: CampaignSettings = {
  failurePause: { ratio: 0.2, window: 200 },
  inFlight: 50,
};

export interface CampaignInput {
  name: string;
  audience: CampaignAudience;
  /** an explicit audience's contacts (audience type `contacts`); more can be added while it is a draft */
  contactIds?: string[] | undefined;
  steps: CampaignStep[];
  /** null removes quietHours, timeZone, endAt or attributionHours */
  settings?: SettingsInput | undefined;
  scheduledAt?: string | null | undefined;
}

/** the settings a draft can drop again: null removes them (the runner's default applies) */
type Removable = 'quietHours' | 'timeZone' | 'endAt' | 'attributionHours';

type SettingsInput = Partial<Omit<CampaignSettings, Removable>> & {
  [K in Removable]?: CampaignSettings[K] | null;
};

/** settings with a change applied: a null removes the setting, an absent one keeps what was there */
function applySettings(base: CampaignSettings, patch: SettingsInput | undefined): CampaignSettings {
  const next = { ...base } as Record<string, unknown>;
  for (const [key, value] of Object.entries(patch ?? {})) {
    // only the Removable settings take null (the route schema says so)
    if (value === null) delete next[key];
    else if (value !== undefined) next[key] = value;
  }
  return next as unknown as CampaignSettings;
}

export type CampaignView = CampaignRecord & { audienceCount: number };

const EDITABLE: CampaignStatus[] = ['draft'];

function invalid(field: string, message: string): AppError {
  return new AppError('VALIDATION', `${field}: ${message}`, { fields: [{ field, message }] });
}

export class CampaignService {
  constructor(
    private readonly deps: CoreDeps,
    private readonly connections: ConnectionService,
    private readonly transfer: ContactTransfer,
  ) {}

  /** the steps make sense for their connections: each of the workspace, each content one its channel can carry */
  private async checkSteps(workspaceId: string, steps: CampaignStep[]): Promise<void> {
    if (steps.length === 0) throw invalid('steps', 'a campaign has at least one step');
    for (const [i, step] of steps.entries()) {
      const record = await this.connections.get(workspaceId, step.connectionId).catch(() => undefined);
      if (!record) throw invalid(`steps[${i}].connectionId`, 'no such connection in this workspace');
      const connector = this.connections.connectorFor(record.type);
      const caps = capabilitiesFor(connector, record.config);
      const contents: Array<[string, StepContent]> = [];
      if ((step.content === undefined) === (step.variants === undefined))
        throw invalid(`steps[${i}]`, 'a step has either content or variants (an A/B split)');
      if (step.content) contents.push([`steps[${i}].content`, step.content]);
      if (step.variants) {
        if (step.variants.length < 2) throw invalid(`steps[${i}].variants`, 'an A/B split has two variants or more');
        const total = step.variants.reduce((n, v) => n + v.percent, 0);
        if (total !== 100)
          throw invalid(`steps[${i}].variants`, `the variants' percentages add up to ${total}, not 100`);
        if (new Set(step.variants.map((v) => v.name)).size !== step.variants.length)
          throw invalid(`steps[${i}].variants`, 'each variant has its own name');
        for (const [v, variant] of step.variants.entries())
          contents.push([`steps[${i}].variants[${v}].content`, variant.content]);
      }
      for (const [field, content] of contents) {
        if (content.type === 'template' && !caps.templates)
          throw invalid(field, `${connector.displayName} has no message templates`);
        if (content.type === 'email' && connector.addressKind !== 'email')
          throw invalid(field, `${connector.displayName} is no email channel; send text instead`);
        if (content.type === 'text' && caps.windowHours !== undefined)
          throw invalid(
            field,
            `${connector.displayName} allows business-initiated messages only as approved templates (its ${caps.windowHours}-hour window)`,
          );
      }
      if (i === 0 && step.condition !== 'always')
        throw invalid('steps[0].condition', 'the first step has no previous step');
    }
  }

  private async checkAudience(workspaceId: string, audience: CampaignAudience): Promise<void> {
    if (audience.type === 'segment' && !(await this.deps.store.campaigns.getSegment(workspaceId, audience.segmentId)))
      throw invalid('audience.segmentId', 'no such segment in this workspace');
  }

  async create(workspaceId: string, input: CampaignInput, createdBy: string): Promise<CampaignView> {
    await this.checkAudience(workspaceId, input.audience);
    await this.checkSteps(workspaceId, input.steps);
    const at = this.deps.clock.now().toISOString();
    const row: CampaignRecord = {
      id: newId('cmp'),
      workspaceId,
      name: input.name,
      status: 'draft',
      statusReason: null,
      audience: input.audience,
      steps: input.steps,
      settings: applySettings(DEFAULT_CAMPAIGN_SETTINGS, input.settings),
      scheduledAt: input.scheduledAt ?? null,
      startedAt: null,
      finishedAt: null,
      freezeCursor: null,
      frozenAt: null,
      createdBy,
      createdAt: at,
      updatedAt: at,
    };
    await this.deps.store.campaigns.insertCampaign(row);
    if (input.audience.type === 'contacts' && input.contactIds?.length)
      await this.deps.store.campaigns.addAudience(row.id, workspaceId, input.contactIds);
    return this.get(workspaceId, row.id);
  }

  private async record(workspaceId: string, id: string): Promise<CampaignRecord> {
    const campaign = await this.deps.store.campaigns.getCampaign(workspaceId, id);
    if (!campaign) throw notFound('campaign');
    return campaign;
  }

  /** the campaign with its audience's size: frozen recipients once started, else what the audience holds now */
  async get(workspaceId: string, id: string): Promise<CampaignView> {
    const campaign = await this.record(workspaceId, id);
    return { ...campaign, audienceCount: await this.audienceCount(campaign) };
  }

  private async audienceCount(campaign: CampaignRecord): Promise<number> {
    if (campaign.status !== 'draft' && campaign.status !== 'scheduled')
      return (await this.deps.store.campaigns.campaignStats(campaign.id, 0)).audience;
    if (campaign.audience.type === 'contacts') return this.deps.store.campaigns.countAudience(campaign.id);
    const segment = await this.deps.store.campaigns.getSegment(campaign.workspaceId, campaign.audience.segmentId);
    return segment
      ? this.deps.store.campaigns.countSegment(
          campaign.workspaceId,
          segment.filter,
          this.deps.clock.now().toISOString(),
        )
      : 0;
  }

  async list(workspaceId: string, page: PageQuery, status?: CampaignStatus): Promise<Page<CampaignRecord>> {
    return this.deps.store.campaigns.listCampaigns(workspaceId, page, status);
  }

  async update(workspaceId: string, id: string, patch: Partial<CampaignInput>): Promise<CampaignView> {
    const campaign = await this.record(workspaceId, id);
    if (!EDITABLE.includes(campaign.status))
      throw new AppError('CONFLICT', `a ${campaign.status} campaign cannot be edited; duplicate it instead`);
    if (patch.audience) await this.checkAudience(workspaceId, patch.audience);
    if (patch.steps) await this.checkSteps(workspaceId, patch.steps);
    await this.deps.store.campaigns.updateCampaign(id, {
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.audience ? { audience: patch.audience } : {}),
      ...(patch.steps ? { steps: patch.steps } : {}),
      ...(patch.settings ? { settings: applySettings(campaign.settings, patch.settings) } : {}),
      ...(patch.scheduledAt !== undefined ? { scheduledAt: patch.scheduledAt } : {}),
      updatedAt: this.deps.clock.now().toISOString(),
    });
    if (patch.audience && patch.audience.type !== 'contacts') await this.deps.store.campaigns.clearAudience(id);
    if (patch.contactIds?.length) await this.addContacts(workspaceId, id, patch.contactIds);
    return this.get(workspaceId, id);
  }

  async remove(workspaceId: string, id: string): Promise<void> {
    const campaign = await this.record(workspaceId, id);
    if (campaign.status === 'running' || campaign.status === 'paused')
      throw new AppError('CONFLICT', `a ${campaign.status} campaign cannot be deleted; cancel it first`);
    await this.deps.store.campaigns.deleteCampaign(id);
  }

  private async draftWithContacts(workspaceId: string, id: string): Promise<CampaignRecord> {
    const campaign = await this.record(workspaceId, id);
    if (campaign.status !== 'draft') throw new AppError('CONFLICT', 'contacts are added to a draft campaign only');
    if (campaign.audience.type !== 'contacts')
      throw new AppError('CONFLICT', "the campaign's audience is a segment; set audience {type: 'contacts'} first");
    return campaign;
  }

  /** adds contacts of the workspace by id; answers how many were new (ids of other workspaces are not added) */
  async addContacts(workspaceId: string, id: string, contactIds: string[]): Promise<{ added: number; total: number }> {
    await this.draftWithContacts(workspaceId, id);
    const added = await this.deps.store.campaigns.addAudience(id, workspaceId, contactIds);
    return { added, total: await this.deps.store.campaigns.countAudience(id) };
  }

  /**
   * a CSV of contacts (the contact import's columns): each row is validated and normalised, the contact created or
   * matched, and added to the audience in the row's transaction; the import's report says which rows were refused
   */
  async importCsv(
    workspaceId: string,
    id: string,
    text: string,
    options: { defaultRegion?: string | undefined } = {},
  ): Promise<ImportReport & { added: number; total: number }> {
    await this.draftWithContacts(workspaceId, id);
    const before = await this.deps.store.campaigns.countAudience(id);
    const report = await this.transfer.importCsv(workspaceId, text, {
      ...options,
      onContact: async (tx, contactId) => {
        await tx.campaigns.addAudience(id, workspaceId, [contactId]);
      },
    });
    const total = await this.deps.store.campaigns.countAudience(id);
    return { ...report, added: total - before, total };
  }

  async start(workspaceId: string, id: string): Promise<CampaignView> {
    const campaign = await this.record(workspaceId, id);
    await this.checkAudience(workspaceId, campaign.audience);
    await this.checkSteps(workspaceId, campaign.steps);
    const now = this.deps.clock.now();
    const endAt = campaign.settings.endAt;
    if (endAt && Date.parse(endAt) <= Math.max(now.getTime(), Date.parse(campaign.scheduledAt ?? '') || 0))
      throw new AppError('CONFLICT', 'the end date is not after the start: change settings.endAt first', {
        endAt,
      });
    const later = campaign.scheduledAt !== null && Date.parse(campaign.scheduledAt) > now.getTime();
    const to: CampaignStatus = later ? 'scheduled' : 'running';
    const at = now.toISOString();
    await this.transition(campaign, to, ['draft'], at, later ? {} : { startedAt: at, statusReason: null });
    return this.get(workspaceId, id);
  }

  async pause(workspaceId: string, id: string, reason = 'paused by an operator'): Promise<CampaignView> {
    const campaign = await this.record(workspaceId, id);
    await this.transition(campaign, 'paused', ['running', 'scheduled'], this.deps.clock.now().toISOString(), {
      statusReason: reason,
    });
    return this.get(workspaceId, id);
  }

  async resume(workspaceId: string, id: string): Promise<CampaignView> {
    const campaign = await this.record(workspaceId, id);
    const at = this.deps.clock.now().toISOString();
    await this.transition(campaign, 'running', ['paused'], at, {
      statusReason: null,
      ...(campaign.startedAt ? {} : { startedAt: at }),
    });
    return this.get(workspaceId, id);
  }

  async cancel(workspaceId: string, id: string): Promise<CampaignView> {
    const campaign = await this.record(workspaceId, id);
    const at = this.deps.clock.now().toISOString();
    await this.transition(campaign, 'canceled', ['draft', 'scheduled', 'running', 'paused'], at, {
      finishedAt: at,
      statusReason: 'canceled by an operator',
    });
    // jobs not yet handed to the outbound queue never go; a job being sent right now loses its claim and rolls back
    await this.deps.store.campaigns.cancelOpenJobs(id, at);
    return this.get(workspaceId, id);
  }

  /** a new draft with the same audience, steps and settings (an explicit audience's contacts copied too) */
  async duplicate(workspaceId: string, id: string, createdBy: string): Promise<CampaignView> {
    const campaign = await this.record(workspaceId, id);
    const copy = await this.create(
      workspaceId,
      {
        name: `${campaign.name} (copy)`,
        audience: campaign.audience,
        steps: campaign.steps,
        settings: campaign.settings,
        scheduledAt: null,
      },
      createdBy,
    );
    if (campaign.audience.type === 'contacts')
      for (let after: string | null = null; ;) {
        const ids = await this.deps.store.campaigns.audienceContactIds(id, after, 500);
        if (ids.length === 0) break;
        await this.deps.store.campaigns.addAudience(copy.id, workspaceId, ids);
        after = ids[ids.length - 1] as string;
      }
    return this.get(workspaceId, copy.id);
  }

  async recipients(
    workspaceId: string,
    id: string,
    page: PageQuery,
    filter: { outcome?: RecipientOutcome | undefined; stepIndex?: number | undefined; variant?: number | undefined },
  ): Promise<Page<RecipientView & { name: string | null }>> {
    await this.record(workspaceId, id);
    const result = await this.deps.store.campaigns.listRecipients(id, page, filter);
    // the contact's name beside its id, so a list of recipients reads as people (as the CSV export does)
    const data = [];
    for (const r of result.data)
      data.push({ ...r, name: (await this.deps.store.getContact(workspaceId, r.contactId))?.name ?? null });
    return { data, nextCursor: result.nextCursor };
  }

  /**
   * the recipients (filtered like the list) as CSV, page by page: one row per recipient and step, with the contact's
   * name, the job's and the message's outcome; cells a spreadsheet would run as a formula are defused
   */
  async *recipientsCsv(
    workspaceId: string,
    id: string,
    filter: { outcome?: RecipientOutcome | undefined; stepIndex?: number | undefined; variant?: number | undefined },
  ): AsyncGenerator<string> {
    const campaign = await this.record(workspaceId, id);
    const names = variantNames(campaign);
    yield stringify([
      [
        'contact_id',
        'name',
        'recipient',
        'reason',
        'step',
        'job',
        'job_reason',
        'message_id',
        'message',
        'failure',
        'replied',
        'variant',
      ],
    ]);
    for (let cursor: string | undefined; ;) {
      const page = await this.deps.store.campaigns.listRecipients(id, { limit: 200, cursor }, filter);
      const rows: string[][] = [];
      for (const r of page.data) {
        const name = (await this.deps.store.getContact(workspaceId, r.contactId))?.name ?? '';
        const base = [r.contactId, name, r.status, r.reason ?? ''];
        if (r.steps.length === 0) rows.push([...base, '', '', '', '', '', '', '', '']);
        for (const s of r.steps)
          rows.push([
            ...base,
            String(s.stepIndex + 1),
            s.status,
            s.reason ?? '',
            s.messageId ?? '',
            s.messageStatus ?? '',
            s.failureCode ?? '',
            s.replied ? 'yes' : 'no',
            s.variant === null ? '' : (names[s.stepIndex]?.[s.variant] ?? String(s.variant)),
          ]);
      }
      if (rows.length > 0) yield stringify(rows.map((cells) => cells.map(defuseFormula)));
      if (!page.nextCursor) return;
      cursor = page.nextCursor;
    }
  }

  /**
   * the audience as it is now, judged as the start would judge it (an identity on the first step's channel type
   * that is not opted out), in keyset batches so no audience is held in memory; and for the first few included
   * contacts what every step would send them (placeholders and template variables filled by the runner's own code)
   */
  async audienceCheck(workspaceId: string, id: string): Promise<AudienceCheck> {
    const campaign = await this.record(workspaceId, id);
    const ops = this.deps.store.campaigns;
    const now = this.deps.clock.now().toISOString();
    const segment =
      campaign.audience.type === 'segment' ? await ops.getSegment(workspaceId, campaign.audience.segmentId) : undefined;
    const types = new Map<string, string>();
    for (const step of campaign.steps) {
      const record = await this.connections.get(workspaceId, step.connectionId).catch(() => undefined);
      if (record) types.set(step.connectionId, record.type);
    }
    const firstType = types.get(campaign.steps[0]?.connectionId ?? '');
    const out: AudienceCheck = { audience: 0, included: 0, excluded: {}, sample: [] };
    const sampleIds: string[] = [];
    for (let after: string | null = null; ;) {
      const ids: string[] =
        campaign.audience.type === 'segment'
          ? segment
            ? await ops.segmentContactIds(workspaceId, segment.filter, now, after, CHECK_BATCH)
            : []
          : await ops.audienceContactIds(id, after, CHECK_BATCH);
      if (ids.length === 0) break;
      const reach = firstType ? await ops.reachability(workspaceId, ids, firstType) : new Map<string, string>();
      for (const contactId of ids) {
        const state = reach.get(contactId) ?? 'no_identity';
        out.audience++;
        if (state === 'ok') {
          out.included++;
          if (sampleIds.length < SAMPLE_SIZE) sampleIds.push(contactId);
        } else out.excluded[state] = (out.excluded[state] ?? 0) + 1;
      }
      if (ids.length < CHECK_BATCH) break;
      after = ids[ids.length - 1] as string;
    }
    for (const contactId of sampleIds) {
      const contact = await this.deps.store.getContact(workspaceId, contactId);
      if (!contact) continue;
      const identities = await this.deps.store.listIdentities(contactId);
      const steps: StepPreview[] = [];
      for (const [stepIndex, step] of campaign.steps.entries()) {
        const type = types.get(step.connectionId);
        let address: string | null = null;
        let blocked: string | null = 'no_identity';
        for (const identity of identities.filter((i) => i.channelType === type)) {
          if ((await this.deps.store.getConsent(workspaceId, identity.channelType, identity.address))?.optedOut) {
            blocked = 'opted_out';
            continue;
          }
          address = identity.address;
          blocked = null;
          break;
        }
        // an A/B step previews the variant this contact is assigned (the hash the runner uses)
        const variantIndex =
          step.variants && step.variants.length > 0
            ? assignVariant(campaign.id, stepIndex, contactId, step.variants)
            : null;
        const variant = variantIndex === null ? undefined : step.variants?.[variantIndex];
        const c = variant?.content ?? step.content;
        const preview: StepPreview = {
          stepIndex,
          address,
          blocked,
          missing: [],
          ...(variant ? { variant: variant.name } : {}),
        };
        const at = address ?? '';
        if (!c) {
          preview.blocked = 'NO_CONTENT';
        } else if (c.type === 'template') {
          const { values, missing } = templateValues(c.variables, contact, at);
          preview.template = { name: c.name, language: c.language, variables: values };
          preview.missing = missing;
        } else {
          const body = fillPlaceholders(c.text, contact, at);
          preview.text = body.text;
          preview.missing = body.missing;
          if (c.type === 'email') {
            const subject = fillPlaceholders(c.subject, contact, at);
            preview.subject = subject.text;
            preview.missing = [...subject.missing, ...body.missing];
          }
        }
        if (!blocked && preview.missing.length > 0) preview.blocked = 'MISSING_FIELD';
        steps.push(preview);
      }
      out.sample.push({ contactId, name: contact.name ?? null, steps });
    }
    return out;
  }

  async stats(workspaceId: string, id: string): Promise<CampaignStats & { status: CampaignStatus }> {
    const campaign = await this.record(workspaceId, id);
    return {
      status: campaign.status,
      ...(await this.deps.store.campaigns.campaignStats(id, campaign.steps.length, variantNames(campaign))),
    };
  }

  /** compare-and-set with its `campaign.status` event in one transaction; 409 when the state does not allow it */
  private async transition(
    campaign: CampaignRecord,
    to: CampaignStatus,
    from: CampaignStatus[],
    at: string,
    extra: { statusReason?: string | null; startedAt?: string; finishedAt?: string },
  ): Promise<void> {
    const moved = await this.deps.store.transaction(async (tx) => {
      if (!(await tx.campaigns.setCampaignStatus(campaign.id, to, from, at, extra))) return false;
      await tx.insertOutbox(
        [
          eventRow('campaign.status', campaign.workspaceId, {
            campaignId: campaign.id,
            status: to,
            previous: campaign.status,
            reason: extra.statusReason ?? null,
          }),
        ],
        at,
      );
      return true;
    });
    if (!moved) {
      const now = await this.record(campaign.workspaceId, campaign.id);
      throw new AppError('CONFLICT', `a ${now.status} campaign cannot be ${to === 'running' ? 'started' : to}`, {
        status: now.status,
      });
    }
    this.deps.afterCommit();
  }
}
