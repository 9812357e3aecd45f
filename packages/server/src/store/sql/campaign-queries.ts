/**
 * @module store/sql/campaign-queries
 * The CampaignStoreOps port (core/ports/campaign-store.ts) over Kysely, for both dialects: segments compiled into
 * one SQL condition over `contacts` (so an audience is counted and walked in keyset batches by the database, never
 * loaded whole), campaigns, their audience, frozen recipients and per-step jobs, recipient lists and statistics.
 * JSON lives in text columns: SQLite reads it with `->>` (3.38+), PostgreSQL after a cast to jsonb.
 */
import { PostgresAdapter, sql, type RawBuilder, type Selectable, type SqlBool } from 'kysely';
import type {
  CampaignRecord,
  CampaignStats,
  CampaignStoreOps,
  JobRecord,
  RecipientOutcome,
  RecipientView,
  SegmentFilter,
  SegmentNode,
  SegmentRecord,
  StepStats,
  VariantStats,
} from '../../core/ports/index.js';
import type { CampaignJobsTable, CampaignsTable, SegmentsTable } from './schema.js';
import type { Db } from './queries.js';
import { page } from './pagination.js';

const DAY_MS = 86_400_000;
/** rows per multi-row insert (well under both databases' bound-parameter limits) */
const CHUNK = 100;

const likeEscape = (text: string) => text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`);

function toSegment(r: Selectable<SegmentsTable>): SegmentRecord {
  return {
    id: r.id,
    workspaceId: r.workspace_id,
    name: r.name,
    filter: JSON.parse(r.filter) as SegmentFilter,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

function toCampaign(r: Selectable<CampaignsTable>): CampaignRecord {
  return {
    id: r.id,
    workspaceId: r.workspace_id,
    name: r.name,
    status: r.status as CampaignRecord['status'],
    statusReason: r.status_reason,
    audience: JSON.parse(r.audience) as CampaignRecord['audience'],
    steps: JSON.parse(r.steps) as CampaignRecord['steps'],
    settings: JSON.parse(r.settings) as CampaignRecord['settings'],
    scheduledAt: r.scheduled_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    freezeCursor: r.freeze_cursor,
    frozenAt: r.frozen_at,
    createdBy: r.created_by,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

function toJob(r: Selectable<CampaignJobsTable>): JobRecord {
  return {
    id: r.id,
    campaignId: r.campaign_id,
    workspaceId: r.workspace_id,
    contactId: r.contact_id,
    stepIndex: Number(r.step_index),
    status: r.status as JobRecord['status'],
    reason: r.reason,
    dueAt: r.due_at,
    leaseUntil: r.lease_until,
    claimToken: r.claim_token,
    messageId: r.message_id,
    conversationId: r.conversation_id,
    queuedAt: r.queued_at,
    variant: r.variant === null ? null : Number(r.variant),
    attributionUntil: r.attribution_until,
    repliedAt: r.replied_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** the dialect's spellings of what differs: a JSON field as text, the type of a JSON field */
interface Dialect {
  /** the text of a top-level field of a JSON text column; booleans spelled `true`/`false` in both dialects */
  jsonText(column: RawBuilder<unknown>, key: string): RawBuilder<string | null>;
}
const POSTGRES: Dialect = {
  jsonText: (column, key) => sql`(cast(${column} as jsonb) ->> ${key})`,
};
const SQLITE: Dialect = {
  jsonText: (column, key) => {
    // a quoted member name, so dots and dashes in the key are part of the name (keys with quotes are refused by the API)
    const path = `$."${key}"`;
    return sql`(case json_type(${column}, ${path}) when 'true' then 'true' when 'false' then 'false' else cast(${column} ->> ${path} as text) end)`;
  },
};

/** the whole filter tree as one boolean SQL expression over the `contacts` row */
function compile(node: SegmentNode, d: Dialect, now: number): RawBuilder<SqlBool> {
  if ('all' in node)
    return node.all.length === 0
      ? sql<SqlBool>`1 = 1`
      : sql<SqlBool>`(${sql.join(
          node.all.map((n) => compile(n, d, now)),
          sql` and `,
        )})`;
  if ('any' in node)
    return node.any.length === 0
      ? sql<SqlBool>`1 = 0`
      : sql<SqlBool>`(${sql.join(
          node.any.map((n) => compile(n, d, now)),
          sql` or `,
        )})`;
  switch (node.field) {
    case 'attribute': {
      const value = d.jsonText(sql.ref('contacts.attributes'), node.key);
      const wanted = (node.value ?? '').trim().toLowerCase();
      switch (node.op) {
        case 'exists':
          return sql<SqlBool>`${value} is not null`;
        case 'not_exists':
          return sql<SqlBool>`${value} is null`;
        case 'equals':
          return sql<SqlBool>`lower(trim(${value})) = ${wanted}`;
        case 'not_equals':
          return sql<SqlBool>`(${value} is null or lower(trim(${value})) <> ${wanted})`;
        case 'contains':
          return sql<SqlBool>`lower(${value}) like ${`%${likeEscape(wanted)}%`} escape '\\'`;
      }
      break;
    }
    case 'tag': {
      // tags are a JSON array in text: a tag matches as its quoted JSON spelling (as the contact list does)
      const has = sql<SqlBool>`lower(contacts.tags) like ${`%${likeEscape(JSON.stringify(node.value))}%`} escape '\\'`;
      return node.op === 'has' ? has : sql<SqlBool>`not ${has}`;
    }
    case 'channel': {
      const has = sql<SqlBool>`exists (select 1 from contact_identities ci where ci.contact_id = contacts.id and ci.channel_type = ${node.value})`;
      return node.op === 'has' ? has : sql<SqlBool>`not ${has}`;
    }
    case 'conversationStatus': {
      const has = sql<SqlBool>`exists (select 1 from conversations cs where cs.contact_id = contacts.id and cs.status = ${node.value})`;
      return node.op === 'has' ? has : sql<SqlBool>`not ${has}`;
    }
    case 'createdAt': {
      if (node.op === 'before') return sql<SqlBool>`contacts.created_at < ${node.value}`;
      if (node.op === 'after') return sql<SqlBool>`contacts.created_at > ${node.value}`;
      const since = new Date(now - Number(node.value) * DAY_MS).toISOString();
      return node.op === 'within_days'
        ? sql<SqlBool>`contacts.created_at >= ${since}`
        : sql<SqlBool>`contacts.created_at < ${since}`;
    }
    case 'lastInboundAt': {
      const wroteSince = (at: string) =>
        sql<SqlBool>`exists (select 1 from conversations ci where ci.contact_id = contacts.id and ci.last_inbound_at >= ${at})`;
      if (node.op === 'after') return wroteSince(node.value);
      if (node.op === 'before')
        // wrote at some time, and not since: never having written is not "before"
        return sql<SqlBool>`(exists (select 1 from conversations cb where cb.contact_id = contacts.id and cb.last_inbound_at is not null) and not ${wroteSince(node.value)})`;
      const since = new Date(now - Number(node.value) * DAY_MS).toISOString();
      // "not within 30 days" includes contacts who never wrote
      return node.op === 'within_days' ? wroteSince(since) : sql<SqlBool>`not ${wroteSince(since)}`;
    }
  }
  throw new Error('unknown segment condition');
}

/** the outcome of one job joined with its message (`j`, `m`) as SQL */
function outcomeCondition(outcome: Exclude<RecipientOutcome, 'excluded'>): RawBuilder<SqlBool> {
  switch (outcome) {
    case 'pending':
      return sql<SqlBool>`j.status in ('pending', 'claimed')`;
    case 'skipped':
      return sql<SqlBool>`j.status in ('skipped', 'canceled')`;
    case 'failed':
      return sql<SqlBool>`(j.status = 'failed' or (j.status = 'queued' and m.status = 'failed'))`;
    case 'replied':
      return sql<SqlBool>`(j.status = 'queued' and ${replied()})`;
    case 'sent':
      return sql<SqlBool>`(j.status = 'queued' and m.status in ('sent', 'delivered', 'read'))`;
    case 'delivered':
      return sql<SqlBool>`(j.status = 'queued' and m.status in ('delivered', 'read'))`;
    case 'queued':
    case 'read':
      return sql<SqlBool>`(j.status = 'queued' and m.status = ${outcome})`;
  }
}

/** a reply was attributed to the job's step (the inbound path writes it, within the step's attribution window) */
function replied(): RawBuilder<SqlBool> {
  return sql<SqlBool>`j.replied_at is not null`;
}

export function campaignQueries(db: Db): CampaignStoreOps {
  const d = db.getExecutor().adapter instanceof PostgresAdapter ? POSTGRES : SQLITE;
  const liveContacts = (workspaceId: string, filter: SegmentFilter, now: string) =>
    db
      .selectFrom('contacts')
      .where('contacts.workspace_id', '=', workspaceId)
      .where('contacts.merged_into', 'is', null)
      .where('contacts.erased_at', 'is', null)
      .where(compile(filter, d, Date.parse(now)));
  const failureCode = d.jsonText(sql.ref('m.status_detail'), 'code');
  const inFlightCount = async (campaignId: string): Promise<number> => {
    // read from the outbound queue's side (messages_queue index, a few hundred rows), each queued message's job found
    // by its message id: from the jobs' side this was a walk over every job the campaign ever sent
    const r = await db
      .selectFrom('messages as m')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('m.status', '=', 'queued')
      .where(({ exists, selectFrom }) =>
        exists(
          selectFrom('campaign_jobs as j')
            .select(sql`1`.as('one'))
            .whereRef('j.message_id', '=', 'm.id')
            .where('j.campaign_id', '=', campaignId)
            .where('j.status', '=', 'queued'),
        ),
      )
      .executeTakeFirst();
    const claimed = await db
      .selectFrom('campaign_jobs')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('campaign_id', '=', campaignId)
      .where('status', '=', 'claimed')
      .executeTakeFirst();
    return Number(r?.n ?? 0) + Number(claimed?.n ?? 0);
  };

  return {
    async insertSegment(row) {
      await db
        .insertInto('segments')
        .values({
          id: row.id,
          workspace_id: row.workspaceId,
          name: row.name,
          filter: JSON.stringify(row.filter),
          created_at: row.createdAt,
          updated_at: row.updatedAt,
        })
        .execute();
    },
    async getSegment(workspaceId, id) {
      const r = await db
        .selectFrom('segments')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', id)
        .executeTakeFirst();
      return r && toSegment(r);
    },
    async listSegments(workspaceId, q) {
      let query = db.selectFrom('segments').selectAll().where('workspace_id', '=', workspaceId);
      if (q.cursor) query = query.where('id', '<', q.cursor);
      const rows = await query
        .orderBy('id', 'desc')
        .limit(q.limit + 1)
        .execute();
      return page(rows.map(toSegment), q.limit);
    },
    async updateSegment(id, patch, at) {
      await db
        .updateTable('segments')
        .set({
          ...(patch.name !== undefined ? { name: patch.name } : {}),
          ...(patch.filter !== undefined ? { filter: JSON.stringify(patch.filter) } : {}),
          updated_at: at,
        })
        .where('id', '=', id)
        .execute();
    },
    async deleteSegment(id) {
      await db.deleteFrom('segments').where('id', '=', id).execute();
    },
    async countSegment(workspaceId, filter, now) {
      const r = await liveContacts(workspaceId, filter, now)
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .executeTakeFirst();
      return Number(r?.n ?? 0);
    },
    async segmentContactIds(workspaceId, filter, now, afterId, limit) {
      let query = liveContacts(workspaceId, filter, now).select('contacts.id');
      if (afterId !== null) query = query.where('contacts.id', '>', afterId);
      const rows = await query.orderBy('contacts.id').limit(limit).execute();
      return rows.map((r) => r.id);
    },
    async segmentInUse(segmentId) {
      const r = await db
        .selectFrom('campaigns')
        .select('id')
        .where('status', 'in', ['draft', 'scheduled', 'running', 'paused'])
        .where(sql<SqlBool>`${d.jsonText(sql.ref('audience'), 'segmentId')} = ${segmentId}`)
        .limit(1)
        .executeTakeFirst();
      return r !== undefined;
    },

    async insertCampaign(row) {
      await db
        .insertInto('campaigns')
        .values({
          id: row.id,
          workspace_id: row.workspaceId,
          name: row.name,
          status: row.status,
          status_reason: row.statusReason,
          audience: JSON.stringify(row.audience),
          steps: JSON.stringify(row.steps),
          settings: JSON.stringify(row.settings),
          scheduled_at: row.scheduledAt,
          started_at: row.startedAt,
          finished_at: row.finishedAt,
          freeze_cursor: row.freezeCursor,
          frozen_at: row.frozenAt,
          freeze_lease_until: null,
          created_by: row.createdBy,
          created_at: row.createdAt,
          updated_at: row.updatedAt,
        })
        .execute();
    },
    async getCampaign(workspaceId, id) {
      const r = await db
        .selectFrom('campaigns')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', id)
        .executeTakeFirst();
      return r && toCampaign(r);
    },
    async getCampaignUnscoped(id) {
      const r = await db.selectFrom('campaigns').selectAll().where('id', '=', id).executeTakeFirst();
      return r && toCampaign(r);
    },
    async listCampaigns(workspaceId, q, status) {
      let query = db.selectFrom('campaigns').selectAll().where('workspace_id', '=', workspaceId);
      if (status) query = query.where('status', '=', status);
      if (q.cursor) query = query.where('id', '<', q.cursor);
      const rows = await query
        .orderBy('id', 'desc')
        .limit(q.limit + 1)
        .execute();
      return page(rows.map(toCampaign), q.limit);
    },
    async updateCampaign(id, patch) {
      await db
        .updateTable('campaigns')
        .set({
          ...(patch.name !== undefined ? { name: patch.name } : {}),
          ...(patch.audience !== undefined ? { audience: JSON.stringify(patch.audience) } : {}),
          ...(patch.steps !== undefined ? { steps: JSON.stringify(patch.steps) } : {}),
          ...(patch.settings !== undefined ? { settings: JSON.stringify(patch.settings) } : {}),
          ...(patch.scheduledAt !== undefined ? { scheduled_at: patch.scheduledAt } : {}),
          ...(patch.updatedAt !== undefined ? { updated_at: patch.updatedAt } : {}),
        })
        .where('id', '=', id)
        .execute();
    },
    async deleteCampaign(id) {
      await db.deleteFrom('campaign_jobs').where('campaign_id', '=', id).execute();
      await db.deleteFrom('campaign_recipients').where('campaign_id', '=', id).execute();
      await db.deleteFrom('campaign_audience').where('campaign_id', '=', id).execute();
      await db.deleteFrom('campaigns').where('id', '=', id).execute();
    },
    async setCampaignStatus(id, to, from, at, extra = {}) {
      const r = await db
        .updateTable('campaigns')
        .set({
          status: to,
          updated_at: at,
          ...(extra.statusReason !== undefined ? { status_reason: extra.statusReason } : {}),
          ...(extra.startedAt !== undefined ? { started_at: extra.startedAt } : {}),
          ...(extra.finishedAt !== undefined ? { finished_at: extra.finishedAt } : {}),
        })
        .where('id', '=', id)
        .where('status', 'in', from)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
    async listActiveCampaignIds(now) {
      const rows = await db
        .selectFrom('campaigns')
        .select(['id', 'status'])
        .where((eb) =>
          eb.or([
            eb('status', '=', 'running'),
            eb.and([eb('status', '=', 'scheduled'), eb('scheduled_at', '<=', now)]),
          ]),
        )
        .orderBy('id')
        .limit(1000)
        .execute();
      return rows.map((r) => ({ id: r.id, status: r.status as CampaignRecord['status'] }));
    },

    async addAudience(campaignId, workspaceId, contactIds) {
      let added = 0;
      for (let i = 0; i < contactIds.length; i += CHUNK) {
        const chunk = contactIds.slice(i, i + CHUNK);
        // only live contacts of the campaign's own workspace: an id from elsewhere is ignored, never added
        const owned = await db
          .selectFrom('contacts')
          .select('id')
          .where('workspace_id', '=', workspaceId)
          .where('merged_into', 'is', null)
          .where('erased_at', 'is', null)
          .where('id', 'in', chunk)
          .execute();
        if (owned.length === 0) continue;
        const r = await db
          .insertInto('campaign_audience')
          .values(owned.map((o) => ({ campaign_id: campaignId, contact_id: o.id })))
          .onConflict((oc) => oc.doNothing())
          .executeTakeFirst();
        added += Number(r.numInsertedOrUpdatedRows ?? 0);
      }
      return added;
    },
    async clearAudience(campaignId) {
      await db.deleteFrom('campaign_audience').where('campaign_id', '=', campaignId).execute();
    },
    async countAudience(campaignId) {
      const r = await db
        .selectFrom('campaign_audience')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .where('campaign_id', '=', campaignId)
        .executeTakeFirst();
      return Number(r?.n ?? 0);
    },
    async audienceContactIds(campaignId, afterId, limit) {
      let query = db
        .selectFrom('campaign_audience')
        .innerJoin('contacts', 'contacts.id', 'campaign_audience.contact_id')
        .select('contacts.id')
        .where('campaign_audience.campaign_id', '=', campaignId)
        .where('contacts.merged_into', 'is', null)
        .where('contacts.erased_at', 'is', null);
      if (afterId !== null) query = query.where('contacts.id', '>', afterId);
      const rows = await query.orderBy('contacts.id').limit(limit).execute();
      return rows.map((r) => r.id);
    },

    async takeFreezeLease(campaignId, now, until) {
      const r = await db
        .updateTable('campaigns')
        .set({ freeze_lease_until: until })
        .where('id', '=', campaignId)
        .where('frozen_at', 'is', null)
        .where((eb) => eb.or([eb('freeze_lease_until', 'is', null), eb('freeze_lease_until', '<', now)]))
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
    async advanceFreeze(campaignId, cursor, frozenAt) {
      await db
        .updateTable('campaigns')
        // the lease ends with the batch: the next one may be frozen by any worker, from the cursor written here
        .set({ freeze_cursor: cursor, frozen_at: frozenAt, freeze_lease_until: null })
        .where('id', '=', campaignId)
        .execute();
    },
    async reachability(workspaceId, contactIds, channelType) {
      const out = new Map<string, 'ok' | 'opted_out'>();
      for (let i = 0; i < contactIds.length; i += CHUNK) {
        const rows = await db
          .selectFrom('contact_identities as ci')
          .leftJoin('consents as cn', (j) =>
            j
              .onRef('cn.workspace_id', '=', 'ci.workspace_id')
              .onRef('cn.channel_type', '=', 'ci.channel_type')
              .onRef('cn.address', '=', 'ci.address'),
          )
          .select(['ci.contact_id', 'cn.opted_out'])
          .where('ci.workspace_id', '=', workspaceId)
          .where('ci.channel_type', '=', channelType)
          .where('ci.contact_id', 'in', contactIds.slice(i, i + CHUNK))
          .execute();
        for (const r of rows) {
          const reachable = !r.opted_out || Number(r.opted_out) === 0;
          if (reachable) out.set(r.contact_id, 'ok');
          else if (!out.has(r.contact_id)) out.set(r.contact_id, 'opted_out');
        }
      }
      return out;
    },
    async insertRecipients(rows) {
      for (let i = 0; i < rows.length; i += CHUNK)
        await db
          .insertInto('campaign_recipients')
          .values(
            rows.slice(i, i + CHUNK).map((r) => ({
              id: r.id,
              campaign_id: r.campaignId,
              workspace_id: r.workspaceId,
              contact_id: r.contactId,
              status: r.status,
              reason: r.reason,
              created_at: r.createdAt,
            })),
          )
          .onConflict((oc) => oc.columns(['campaign_id', 'contact_id']).doNothing())
          .execute();
    },
    async insertJobs(rows) {
      for (let i = 0; i < rows.length; i += CHUNK)
        await db
          .insertInto('campaign_jobs')
          .values(
            rows.slice(i, i + CHUNK).map((j) => ({
              id: j.id,
              campaign_id: j.campaignId,
              workspace_id: j.workspaceId,
              contact_id: j.contactId,
              step_index: j.stepIndex,
              status: j.status,
              reason: j.reason,
              due_at: j.dueAt,
              lease_until: j.leaseUntil,
              claim_token: j.claimToken,
              message_id: j.messageId,
              conversation_id: j.conversationId,
              queued_at: j.queuedAt,
              variant: j.variant,
              attribution_until: j.attributionUntil,
              replied_at: j.repliedAt,
              created_at: j.createdAt,
              updated_at: j.updatedAt,
            })),
          )
          .onConflict((oc) => oc.columns(['campaign_id', 'contact_id', 'step_index']).doNothing())
          .execute();
    },

    async dueJobs(campaignId, now, limit) {
      // two walks of the (campaign, status, due_at, id) index, each stopping at `limit`; one query with an OR of the
      // two states sorted every pending job of the campaign on each round
      const walk = (status: 'pending' | 'claimed') =>
        db
          .selectFrom('campaign_jobs')
          .selectAll()
          .where('campaign_id', '=', campaignId)
          .where('status', '=', status)
          .where(status === 'pending' ? 'due_at' : 'lease_until', status === 'pending' ? '<=' : '<', now)
          .orderBy('due_at')
          .orderBy('id')
          .limit(limit)
          .execute();
      const rows = [...(await walk('pending')), ...(await walk('claimed'))];
      rows.sort((a, b) =>
        a.due_at < b.due_at ? -1 : a.due_at > b.due_at ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0,
      );
      return rows.slice(0, limit).map(toJob);
    },
    inFlightCount,
    async claimJob(id, token, now, leaseUntil) {
      const r = await db
        .updateTable('campaign_jobs')
        .set({ status: 'claimed', lease_until: leaseUntil, claim_token: token, updated_at: now })
        .where('id', '=', id)
        .where((eb) =>
          eb.or([eb('status', '=', 'pending'), eb.and([eb('status', '=', 'claimed'), eb('lease_until', '<', now)])]),
        )
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
    async claimJobs(ids, token, now, leaseUntil) {
      if (ids.length === 0) return [];
      const rows = await db
        .updateTable('campaign_jobs')
        .set({ status: 'claimed', lease_until: leaseUntil, claim_token: token, updated_at: now })
        .where('id', 'in', ids)
        .where((eb) =>
          eb.or([eb('status', '=', 'pending'), eb.and([eb('status', '=', 'claimed'), eb('lease_until', '<', now)])]),
        )
        .returning('id')
        .execute();
      return rows.map((r) => r.id);
    },
    async markJobQueued(id, token, messageId, conversationId, at, attributionUntil) {
      const r = await db
        .updateTable('campaign_jobs')
        .set({
          status: 'queued',
          message_id: messageId,
          conversation_id: conversationId,
          queued_at: at,
          attribution_until: attributionUntil,
          lease_until: null,
          claim_token: null,
          updated_at: at,
        })
        .where('id', '=', id)
        .where('status', '=', 'claimed')
        .where('claim_token', '=', token)
        .where('message_id', 'is', null)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
    async finishJob(id, token, status, reason, at) {
      const r = await db
        .updateTable('campaign_jobs')
        .set({ status, reason, lease_until: null, claim_token: null, updated_at: at })
        .where('id', '=', id)
        .where('status', '=', 'claimed')
        .where('claim_token', '=', token)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
    async releaseJob(id, token, dueAt, at, reason) {
      await db
        .updateTable('campaign_jobs')
        .set({
          status: 'pending',
          due_at: dueAt,
          lease_until: null,
          claim_token: null,
          updated_at: at,
          ...(reason !== undefined ? { reason } : {}),
        })
        .where('id', '=', id)
        .where('status', '=', 'claimed')
        .where('claim_token', '=', token)
        .execute();
    },
    async releaseStaleClaims(before, at) {
      const r = await db
        .updateTable('campaign_jobs')
        .set({ status: 'pending', lease_until: null, claim_token: null, updated_at: at })
        .where('status', '=', 'claimed')
        .where('updated_at', '<', before)
        .executeTakeFirst();
      return Number(r.numUpdatedRows);
    },
    async getJob(campaignId, contactId, stepIndex) {
      const r = await db
        .selectFrom('campaign_jobs')
        .selectAll()
        .where('campaign_id', '=', campaignId)
        .where('contact_id', '=', contactId)
        .where('step_index', '=', stepIndex)
        .executeTakeFirst();
      return r && toJob(r);
    },
    async cancelOpenJobs(campaignId, at) {
      const r = await db
        .updateTable('campaign_jobs')
        .set({ status: 'canceled', reason: 'canceled', lease_until: null, claim_token: null, updated_at: at })
        .where('campaign_id', '=', campaignId)
        .where('status', 'in', ['pending', 'claimed'])
        .executeTakeFirst();
      return Number(r.numUpdatedRows);
    },
    async expireOpenJobs(campaignId, at) {
      const r = await db
        .updateTable('campaign_jobs')
        .set({ status: 'skipped', reason: 'expired', lease_until: null, claim_token: null, updated_at: at })
        .where('campaign_id', '=', campaignId)
        .where('status', 'in', ['pending', 'claimed'])
        .executeTakeFirst();
      return Number(r.numUpdatedRows);
    },
    async closeAttribution(jobId, at) {
      await db
        .updateTable('campaign_jobs')
        .set({ attribution_until: at })
        .where('id', '=', jobId)
        .where('attribution_until', '>', at)
        .execute();
    },
    async openAttributions(workspaceId, contactId, at) {
      const rows = await db
        .selectFrom('campaign_jobs as j')
        .innerJoin('campaigns as c', 'c.id', 'j.campaign_id')
        .select(['j.id', 'j.campaign_id', 'c.name', 'j.step_index', 'j.variant', 'j.replied_at'])
        .where('j.workspace_id', '=', workspaceId)
        .where('j.contact_id', '=', contactId)
        .where('j.attribution_until', '>=', at)
        .where('j.status', '=', 'queued')
        .where('j.queued_at', '<', at)
        .orderBy('j.queued_at', 'desc')
        .limit(20)
        .execute();
      return rows.map((r) => ({
        jobId: r.id,
        campaignId: r.campaign_id,
        campaignName: r.name,
        stepIndex: Number(r.step_index),
        variant: r.variant === null ? null : Number(r.variant),
        repliedAt: r.replied_at,
      }));
    },
    async markReplied(jobIds, at) {
      if (jobIds.length === 0) return;
      await db
        .updateTable('campaign_jobs')
        .set({ replied_at: at })
        .where('id', 'in', jobIds)
        .where('replied_at', 'is', null)
        .execute();
    },
    async openWork(campaignId) {
      const open = await db
        .selectFrom('campaign_jobs')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .where('campaign_id', '=', campaignId)
        .where('status', 'in', ['pending', 'claimed'])
        .executeTakeFirst();
      return Number(open?.n ?? 0) + (await inFlightCount(campaignId));
    },
    async recentFailures(campaignId, window, since) {
      const RUNS_READ = 4;
      const rows = await db
        .selectFrom('campaign_jobs as j')
        .innerJoin('messages as m', 'm.id', 'j.message_id')
        .select(['m.status', 'm.status_detail'])
        .where('j.campaign_id', '=', campaignId)
        .where('j.status', '=', 'queued')
        .where('m.status', '<>', 'queued')
        .where('m.status_at', '>', since)
        // newest sends first along the (campaign, status, queued_at) index, stopping at the limit: ordered by the
        // messages' status_at this sorted every send of the campaign on each check
        .orderBy('j.queued_at', 'desc')
        // the runner looks now and then, not at every message's end: a run of failures may already have newer
        // successes on top of it, so the latest few windows are read and each window-long run judged
        .limit(window * RUNS_READ)
        .execute();
      // a send cut off by a crash (INTERRUPTED) or by an opt-out is no sign of a bad audience or a banned sender
      const failedOne = rows.map((r) => {
        if (r.status !== 'failed') return 0;
        const code = (JSON.parse(r.status_detail ?? 'null') as { code?: string } | null)?.code;
        return code !== 'INTERRUPTED' && code !== 'OPTED_OUT' ? 1 : 0;
      });
      if (rows.length < window) return { finished: rows.length, failed: failedOne.reduce<number>((a, b) => a + b, 0) };
      // the worst run of `window` consecutive ends (a sliding count over them, newest first)
      let inRun = failedOne.slice(0, window).reduce<number>((a, b) => a + b, 0);
      let worst = inRun;
      for (let i = window; i < failedOne.length; i++) {
        inRun += (failedOne[i] as number) - (failedOne[i - window] as number);
        worst = Math.max(worst, inRun);
      }
      return { finished: window, failed: worst };
    },
    async contactRepliedSince(workspaceId, contactId, since) {
      const r = await db
        .selectFrom('messages as im')
        .innerJoin('conversations as ic', 'ic.id', 'im.conversation_id')
        .select('im.id')
        .where('ic.workspace_id', '=', workspaceId)
        .where('ic.contact_id', '=', contactId)
        .where('im.direction', '=', 'inbound')
        .where('im.created_at', '>', since)
        .limit(1)
        .executeTakeFirst();
      return r !== undefined;
    },

    async listRecipients(campaignId, q, filter) {
      let query = db.selectFrom('campaign_recipients as r').selectAll('r').where('r.campaign_id', '=', campaignId);
      if (filter.outcome === 'excluded') query = query.where('r.status', '=', 'excluded');
      else if (filter.outcome || filter.variant !== undefined) {
        const step = filter.stepIndex === undefined ? sql`` : sql` and j.step_index = ${filter.stepIndex}`;
        const variant = filter.variant === undefined ? sql`` : sql` and j.variant = ${filter.variant}`;
        const outcome = filter.outcome ? sql` and ${outcomeCondition(filter.outcome)}` : sql``;
        query = query.where(
          sql<SqlBool>`exists (select 1 from campaign_jobs j left join messages m on m.id = j.message_id where j.campaign_id = r.campaign_id and j.contact_id = r.contact_id${step}${variant}${outcome})`,
        );
      }
      if (q.cursor) query = query.where('r.id', '>', q.cursor);
      const rows = await query
        .orderBy('r.id')
        .limit(q.limit + 1)
        .execute();
      const contactIds = rows.slice(0, q.limit).map((r) => r.contact_id);
      const jobs =
        contactIds.length === 0
          ? []
          : await db
              .selectFrom('campaign_jobs as j')
              .leftJoin('messages as m', 'm.id', 'j.message_id')
              .select([
                'j.contact_id',
                'j.step_index',
                'j.status',
                'j.reason',
                'j.message_id',
                'j.variant',
                'j.replied_at',
                'j.due_at',
                'm.status as message_status',
                failureCode.as('failure_code'),
                sql<number>`case when j.queued_at is not null and ${replied()} then 1 else 0 end`.as('replied'),
              ])
              .where('j.campaign_id', '=', campaignId)
              .where('j.contact_id', 'in', contactIds)
              .orderBy('j.step_index')
              .execute();
      const views: RecipientView[] = rows.map((r) => ({
        id: r.id,
        campaignId: r.campaign_id,
        workspaceId: r.workspace_id,
        contactId: r.contact_id,
        status: r.status as RecipientView['status'],
        reason: r.reason,
        createdAt: r.created_at,
        steps: jobs
          .filter((j) => j.contact_id === r.contact_id)
          .map((j) => ({
            stepIndex: Number(j.step_index),
            status: j.status as JobRecord['status'],
            reason: j.reason,
            messageId: j.message_id,
            messageStatus: j.message_status,
            failureCode: j.message_status === 'failed' ? j.failure_code : null,
            replied: Number(j.replied) === 1,
            variant: j.variant === null ? null : Number(j.variant),
            repliedAt: j.replied_at,
            dueAt: j.due_at,
          })),
      }));
      return page(views, q.limit);
    },

    async campaignStats(campaignId, steps, variantNames = []) {
      const recipients = await db
        .selectFrom('campaign_recipients')
        .select(['status', 'reason', (eb) => eb.fn.countAll<number | string>().as('n')])
        .where('campaign_id', '=', campaignId)
        .groupBy(['status', 'reason'])
        .execute();
      const grouped = await db
        .selectFrom(
          db
            .selectFrom('campaign_jobs as j')
            .leftJoin('messages as m', 'm.id', 'j.message_id')
            .select([
              'j.step_index',
              'j.variant',
              'j.status',
              'j.reason',
              'm.status as message_status',
              failureCode.as('failure_code'),
              sql<number>`case when j.queued_at is not null and ${replied()} then 1 else 0 end`.as('replied'),
            ])
            .where('j.campaign_id', '=', campaignId)
            .as('t'),
        )
        .select([
          't.step_index',
          't.variant',
          't.status',
          't.reason',
          't.message_status',
          't.failure_code',
          't.replied',
          (eb) => eb.fn.countAll<number | string>().as('n'),
        ])
        .groupBy([
          't.step_index',
          't.variant',
          't.status',
          't.reason',
          't.message_status',
          't.failure_code',
          't.replied',
        ])
        .execute();
      const stats: CampaignStats = { audience: 0, included: 0, excluded: {}, steps: [] };
      for (const r of recipients) {
        const n = Number(r.n);
        stats.audience += n;
        if (r.status === 'included') stats.included += n;
        else stats.excluded[r.reason ?? 'unknown'] = (stats.excluded[r.reason ?? 'unknown'] ?? 0) + n;
      }
      const counts = () => ({
        pending: 0,
        queued: 0,
        sent: 0,
        delivered: 0,
        read: 0,
        failed: 0,
        replied: 0,
        skipped: {} as Record<string, number>,
        failedBy: {} as Record<string, number>,
      });
      const perStep: StepStats[] = Array.from({ length: steps }, (_, stepIndex) => ({
        stepIndex,
        ...counts(),
        variants: (variantNames[stepIndex] ?? []).map((name, variant): VariantStats => ({
          variant,
          name,
          assigned: 0,
          ...counts(),
        })),
      }));
      for (const g of grouped) {
        const step = perStep[Number(g.step_index)];
        if (!step) continue;
        const n = Number(g.n);
        const variant = g.variant === null ? undefined : step.variants[Number(g.variant)];
        if (variant) variant.assigned += n;
        // the same row counts for the step and for its variant
        for (const s of variant ? [step, variant] : [step]) {
          if (g.status === 'pending' || g.status === 'claimed') s.pending += n;
          else if (g.status === 'skipped' || g.status === 'canceled') {
            const why = g.reason ?? g.status;
            s.skipped[why] = (s.skipped[why] ?? 0) + n;
          } else if (g.status === 'failed') {
            s.failed += n;
            const why = g.reason ?? 'failed';
            s.failedBy[why] = (s.failedBy[why] ?? 0) + n;
          } else if (g.status === 'queued') {
            const m = g.message_status;
            if (m === 'queued') s.queued += n;
            if (m === 'sent' || m === 'delivered' || m === 'read') s.sent += n;
            if (m === 'delivered' || m === 'read') s.delivered += n;
            if (m === 'read') s.read += n;
            if (m === 'failed') {
              s.failed += n;
              const why = g.failure_code ?? 'UNKNOWN';
              s.failedBy[why] = (s.failedBy[why] ?? 0) + n;
            }
            if (Number(g.replied) === 1) s.replied += n;
          }
        }
      }
      stats.steps = perStep;
      return stats;
    },
  };
}
