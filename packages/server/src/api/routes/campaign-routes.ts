/**
 * @module api/routes/campaign-routes
 * Segments (/segments: saved filters over contacts, with a preview count) and campaigns (/campaigns: drafts, an
 * explicit or CSV audience, start/pause/resume/cancel/duplicate, recipients filtered by outcome, statistics).
 * Admins manage them; everyone signed in may read them.
 */
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Hub } from '../../core/hub.js';
import type { CampaignRecord, SegmentRecord } from '../../core/ports/index.js';
import type { CampaignView } from '../../core/campaigns/campaign-service.js';
import { isTimeZone } from '../../channel-kit/operating-hours.js';
import { principalOf, requireRole } from '../auth.js';
import { ContactSchema, ErrorSchema, IdParams, PageQuerySchema, pageOf } from '../schemas.js';
import { contactView } from './contact-routes.js';
import { ImportReportSchema } from './contact-import-routes.js';
import { IMPORT_LIMITS } from '../../core/contacts/contact-import.js';

const instant = z.iso.datetime({ offset: true }).describe('an ISO-8601 instant');
const attributeKey = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[^"\\]+$/, 'no quotes or backslashes');

const ConditionSchema = z
  .union([
    z.object({
      field: z.literal('attribute'),
      key: attributeKey,
      op: z.enum(['equals', 'not_equals', 'contains', 'exists', 'not_exists']),
      value: z.string().max(500).optional().describe('compared as trimmed, case-insensitive text'),
    }),
    z.object({ field: z.literal('tag'), op: z.enum(['has', 'not_has']), value: z.string().min(1).max(64) }),
    z.object({
      field: z.literal('channel'),
      op: z.enum(['has', 'not_has']),
      value: z.string().min(1).max(64).describe('a channel type the contact has an identity on'),
    }),
    z.object({
      field: z.literal('conversationStatus'),
      op: z.enum(['has', 'not_has']),
      value: z.enum(['open', 'pending', 'resolved']),
    }),
    z.object({ field: z.enum(['lastInboundAt', 'createdAt']), op: z.enum(['before', 'after']), value: instant }),
    z.object({
      field: z.enum(['lastInboundAt', 'createdAt']),
      op: z.enum(['within_days', 'not_within_days']),
      value: z.number().int().min(0).max(36_500),
    }),
  ])
  .meta({ id: 'SegmentCondition' });
// groups spelled out four levels deep (SEGMENT_LIMITS.depth) rather than recursively: the OpenAPI document and
// the SDK types stay plain objects
// (each level named, so the document references it instead of repeating it)
const group = <T extends z.ZodType>(child: T) =>
  z.union([z.object({ all: z.array(child).max(50) }), z.object({ any: z.array(child).max(50) })]);
const Group1 = group(ConditionSchema).meta({ id: 'SegmentGroup1' });
const Group2 = group(z.union([ConditionSchema, Group1])).meta({ id: 'SegmentGroup2' });
const Group3 = group(z.union([ConditionSchema, Group2])).meta({ id: 'SegmentGroup3' });
const SegmentFilterSchema = group(z.union([ConditionSchema, Group3]))
  .describe('AND (all) / OR (any) groups of conditions, nested at most four levels')
  .meta({ id: 'SegmentFilter' });

const SegmentSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    filter: SegmentFilterSchema,
    createdAt: z.string(),
    updatedAt: z.string(),
    count: z.number().optional().describe('contacts matching now (single reads only)'),
  })
  .meta({ id: 'Segment' });

const VariableSourceSchema = z.union([
  z.object({
    field: z.string().min(1).max(100).describe('name, address or attributes.<key>'),
    fallback: z.string().max(500).optional(),
  }),
  z.object({ value: z.string().max(1000).describe('a constant') }),
]);
const StepContentSchema = z
  .union([
    z.object({
      type: z.literal('text'),
      text: z.string().min(1).max(4096).describe('{{contact.name}}, {{contact.attributes.city | fallback}}'),
    }),
    z.object({
      type: z.literal('template'),
      name: z.string().min(1).max(512),
      language: z.string().min(1).max(20),
      variables: z.record(z.string().max(64), VariableSourceSchema).default({}),
    }),
    z.object({ type: z.literal('email'), subject: z.string().min(1).max(500), text: z.string().min(1).max(65_536) }),
  ])
  .meta({ id: 'CampaignStepContent' });
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM');
const StepSchema = z
  .object({
    connectionId: z.string().min(1).max(100),
    content: StepContentSchema.optional().describe("the step's content; an A/B step has `variants` instead"),
    variants: z
      .array(
        z.object({
          name: z.string().trim().min(1).max(50).describe('shown in the statistics, e.g. "A"'),
          percent: z.number().int().min(1).max(99).describe("the share of the step's recipients that get it"),
          content: StepContentSchema,
        }),
      )
      .min(2)
      .max(5)
      .optional()
      .describe(
        'an A/B split: percentages summing to 100; each recipient gets one variant, the same on every retry (a hash of campaign, step and contact)',
      ),
    timeOfDay: z
      .object({
        time: hhmm.describe("local time in the contact's time zone (attribute timeZone), else settings.timeZone"),
        daysAfter: z
          .number()
          .int()
          .min(0)
          .max(30)
          .default(0)
          .describe('0: the same day while the time is still ahead, else the next day'),
      })
      .optional()
      .describe('send at this local time of day, counted from when the step came due (after delaySeconds)'),
    delaySeconds: z
      .number()
      .int()
      .min(0)
      .max(90 * 86_400)
      .default(0)
      .describe('after the previous step was queued'),
    condition: z.enum(['always', 'not_replied', 'not_read', 'failed']).default('always'),
    stopOnReply: z.boolean().default(true).describe("a reply to this step ends the recipient's sequence"),
  })
  .meta({ id: 'CampaignStep' });
const SettingsSchema = z.object({
  quietHours: z
    .object({
      from: hhmm,
      to: hhmm,
      timeZone: z
        .string()
        .refine(isTimeZone, 'an IANA time zone')
        .describe("used when the contact's attributes name no valid timeZone"),
    })
    .nullable()
    .optional()
    .describe('no sends between from and to in the contact’s time zone; null removes them from a draft'),
  failurePause: z
    .object({ ratio: z.number().gt(0).max(1), window: z.number().int().min(10).max(10_000) })
    .optional()
    .describe('pause when this share of the last `window` finished sends failed (default 20 % of 200)'),
  inFlight: z.number().int().min(1).max(1000).optional().describe('campaign messages in the outbound queue at once'),
  timeZone: z
    .string()
    .refine(isTimeZone, 'an IANA time zone')
    .nullable()
    .optional()
    .describe(
      'for contacts whose attributes name no valid timeZone (time-of-day steps); UTC when absent; null removes it',
    ),
  endAt: instant
    .nullable()
    .optional()
    .describe('nothing is sent after it: open jobs end skipped `expired` and the campaign completes; null removes it'),
  attributionHours: z
    .number()
    .min(1 / 3600)
    .max(30 * 24)
    .nullable()
    .optional()
    .describe(
      'a reply counts for a step until this many hours after its send (or until the next step is judged); default 72; null returns to the default',
    ),
});
const AudienceSchema = z.union([
  z.object({ type: z.literal('segment'), segmentId: z.string().min(1).max(100) }),
  z.object({ type: z.literal('contacts') }).describe('contacts added by id or CSV'),
]);
const contactIds = z.array(z.string().min(1).max(100)).max(10_000);
const CampaignBodySchema = z.object({
  name: z.string().trim().min(1).max(200),
  audience: AudienceSchema,
  contactIds: contactIds.optional(),
  steps: z.array(StepSchema).min(1).max(10),
  settings: SettingsSchema.optional(),
  scheduledAt: instant.nullable().optional().describe('start at this time (a start before it schedules)'),
});
const STATUSES = ['draft', 'scheduled', 'running', 'paused', 'completed', 'canceled'] as const;
const CampaignSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    status: z.enum(STATUSES),
    statusReason: z.string().nullable(),
    audience: AudienceSchema,
    audienceCount: z.number().optional().describe('recipients once started; before, the audience as it is now'),
    steps: z.array(StepSchema),
    settings: z.object({
      quietHours: z.object({ from: z.string(), to: z.string(), timeZone: z.string() }).optional(),
      failurePause: z.object({ ratio: z.number(), window: z.number() }),
      inFlight: z.number(),
      timeZone: z.string().optional(),
      endAt: z.string().optional(),
      attributionHours: z.number().optional(),
    }),
    scheduledAt: z.string().nullable(),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
    frozenAt: z.string().nullable().describe('when every audience contact had become a recipient'),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Campaign' });
const OUTCOMES = [
  'excluded',
  'pending',
  'skipped',
  'queued',
  'sent',
  'delivered',
  'read',
  'failed',
  'replied',
] as const;
const RecipientSchema = z
  .object({
    id: z.string(),
    contactId: z.string(),
    name: z.string().nullable().describe("the contact's name"),
    status: z.enum(['included', 'excluded']),
    reason: z.string().nullable().describe('why excluded: opted_out, no_identity'),
    createdAt: z.string(),
    steps: z.array(
      z.object({
        stepIndex: z.number(),
        status: z.enum(['pending', 'claimed', 'queued', 'skipped', 'failed', 'canceled']),
        reason: z.string().nullable(),
        messageId: z.string().nullable(),
        messageStatus: z.string().nullable(),
        failureCode: z.string().nullable(),
        replied: z.boolean(),
        variant: z.number().nullable().describe("the A/B variant's index into the step's variants (null: none)"),
        repliedAt: z.string().nullable().describe('the first reply attributed to the step'),
        dueAt: z
          .string()
          .describe("when the job is due (a time-of-day step: the recipient's local time, once worked out)"),
      }),
    ),
  })
  .meta({ id: 'CampaignRecipient' });
const CountsSchema = {
  pending: z.number(),
  queued: z.number(),
  sent: z.number().describe('sent, delivered or read'),
  delivered: z.number().describe('delivered or read'),
  read: z.number(),
  failed: z.number(),
  replied: z.number(),
  skipped: z.record(z.string(), z.number()),
  failedBy: z.record(z.string(), z.number()),
};
const StepStatsSchema = z.object({
  stepIndex: z.number(),
  pending: z.number(),
  queued: z.number(),
  sent: z.number().describe('sent, delivered or read'),
  delivered: z.number().describe('delivered or read'),
  read: z.number(),
  failed: z.number(),
  replied: z.number(),
  skipped: z.record(z.string(), z.number()),
  failedBy: z.record(z.string(), z.number()),
  variants: z
    .array(
      z
        .object({
          variant: z.number(),
          name: z.string(),
          assigned: z.number().describe('recipients assigned this variant so far'),
          ...CountsSchema,
        })
        .meta({ id: 'CampaignVariantStats' }),
    )
    .describe('per A/B variant; empty for a step without variants'),
});
const StatsSchema = z
  .object({
    status: z.enum(STATUSES),
    audience: z.number(),
    included: z.number(),
    excluded: z.record(z.string(), z.number()),
    steps: z.array(StepStatsSchema),
  })
  .meta({ id: 'CampaignStats' });

const StepPreviewSchema = z.object({
  stepIndex: z.number(),
  address: z.string().nullable().describe('where the step goes on its channel; null when it cannot go there'),
  blocked: z
    .string()
    .nullable()
    .describe('why the step would not go: no_identity, opted_out, MISSING_FIELD (a field without value or fallback)'),
  text: z.string().optional().describe('free text or email body with the placeholders filled'),
  subject: z.string().optional(),
  template: z
    .object({ name: z.string(), language: z.string(), variables: z.record(z.string(), z.string()) })
    .optional()
    .describe("the template's variables as mapped for this contact"),
  variant: z.string().optional().describe('an A/B step: the name of the variant this contact is assigned'),
  missing: z.array(z.string()).describe('placeholders or variables with no value and no fallback'),
});
const AudienceCheckSchema = z
  .object({
    audience: z.number(),
    included: z.number().describe("with an identity on the first step's channel type that is not opted out"),
    excluded: z.record(z.string(), z.number()).describe('by reason: no_identity, opted_out'),
    sample: z
      .array(z.object({ contactId: z.string(), name: z.string().nullable(), steps: z.array(StepPreviewSchema) }))
      .describe('what each step would send to the first few included contacts'),
  })
  .meta({ id: 'CampaignAudienceCheck' });

const segmentView = (s: SegmentRecord, count?: number) => ({
  id: s.id,
  name: s.name,
  filter: s.filter as z.infer<typeof SegmentFilterSchema>,
  createdAt: s.createdAt,
  updatedAt: s.updatedAt,
  ...(count !== undefined ? { count } : {}),
});
const campaignView = (c: CampaignRecord | CampaignView) => ({
  id: c.id,
  name: c.name,
  status: c.status,
  statusReason: c.statusReason,
  audience: c.audience,
  ...('audienceCount' in c ? { audienceCount: c.audienceCount } : {}),
  steps: c.steps as Array<z.infer<typeof StepSchema>>,
  settings: c.settings,
  scheduledAt: c.scheduledAt,
  startedAt: c.startedAt,
  finishedAt: c.finishedAt,
  frozenAt: c.frozenAt,
  createdAt: c.createdAt,
  updatedAt: c.updatedAt,
});

export function campaignRoutes(app: FastifyInstance, hub: Hub): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const errors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema };
  const admin = (req: Parameters<typeof requireRole>[0]) => requireRole(req, 'admin');

  r.get(
    '/segments',
    {
      schema: {
        tags: ['segments'],
        querystring: PageQuerySchema,
        response: { 200: pageOf(SegmentSchema), ...errors },
      },
    },
    async (req) => {
      const page = await hub.segments.list(principalOf(req).workspaceId, req.query);
      return { data: page.data.map((s) => segmentView(s)), nextCursor: page.nextCursor };
    },
  );
  r.post(
    '/segments',
    {
      schema: {
        tags: ['segments'],
        body: z.object({ name: z.string().trim().min(1).max(200), filter: SegmentFilterSchema }),
        response: { 201: SegmentSchema, ...errors },
      },
    },
    async (req, reply) => {
      const { workspaceId } = admin(req);
      const segment = await hub.segments.create(workspaceId, req.body);
      return reply.code(201).send(segmentView(segment));
    },
  );
  r.post(
    '/segments/preview',
    {
      schema: {
        tags: ['segments'],
        summary: 'How many contacts a filter matches now, and up to five of them; saves nothing',
        body: z.object({ filter: SegmentFilterSchema }),
        response: { 200: z.object({ count: z.number(), sample: z.array(ContactSchema) }), ...errors },
      },
    },
    async (req) => {
      const preview = await hub.segments.preview(principalOf(req).workspaceId, req.body.filter);
      return { count: preview.count, sample: preview.sample.map(contactView) };
    },
  );
  r.get(
    '/segments/:id',
    { schema: { tags: ['segments'], params: IdParams, response: { 200: SegmentSchema, ...errors } } },
    async (req) => {
      const { workspaceId } = principalOf(req);
      const segment = await hub.segments.get(workspaceId, req.params.id);
      return segmentView(segment, (await hub.segments.preview(workspaceId, segment.filter)).count);
    },
  );
  r.patch(
    '/segments/:id',
    {
      schema: {
        tags: ['segments'],
        params: IdParams,
        body: z.object({ name: z.string().trim().min(1).max(200).optional(), filter: SegmentFilterSchema.optional() }),
        response: { 200: SegmentSchema, ...errors },
      },
    },
    async (req) => segmentView(await hub.segments.update(admin(req).workspaceId, req.params.id, req.body)),
  );
  r.delete(
    '/segments/:id',
    { schema: { tags: ['segments'], params: IdParams, response: { 204: z.null(), ...errors } } },
    async (req, reply) => {
      await hub.segments.remove(admin(req).workspaceId, req.params.id);
      return reply.code(204).send(null);
    },
  );

  r.get(
    '/campaigns',
    {
      schema: {
        tags: ['campaigns'],
        querystring: PageQuerySchema.extend({ status: z.enum(STATUSES).optional() }),
        response: { 200: pageOf(CampaignSchema), ...errors },
      },
    },
    async (req) => {
      const { status, ...page } = req.query;
      const result = await hub.campaigns.list(principalOf(req).workspaceId, page, status);
      return { data: result.data.map(campaignView), nextCursor: result.nextCursor };
    },
  );
  r.post(
    '/campaigns',
    {
      schema: {
        tags: ['campaigns'],
        summary: 'A draft campaign: audience (a segment, or contacts by id or CSV), steps, settings',
        body: CampaignBodySchema,
        response: { 201: CampaignSchema, ...errors },
      },
    },
    async (req, reply) => {
      const principal = admin(req);
      const campaign = await hub.campaigns.create(principal.workspaceId, req.body, `user:${principal.userId}`);
      return reply.code(201).send(campaignView(campaign));
    },
  );
  r.get(
    '/campaigns/:id',
    { schema: { tags: ['campaigns'], params: IdParams, response: { 200: CampaignSchema, ...errors } } },
    async (req) => campaignView(await hub.campaigns.get(principalOf(req).workspaceId, req.params.id)),
  );
  r.patch(
    '/campaigns/:id',
    {
      schema: {
        tags: ['campaigns'],
        summary: 'Edit a draft (409 once started: duplicate it instead)',
        params: IdParams,
        body: CampaignBodySchema.partial(),
        response: { 200: CampaignSchema, ...errors },
      },
    },
    async (req) => campaignView(await hub.campaigns.update(admin(req).workspaceId, req.params.id, req.body)),
  );
  r.delete(
    '/campaigns/:id',
    { schema: { tags: ['campaigns'], params: IdParams, response: { 204: z.null(), ...errors } } },
    async (req, reply) => {
      await hub.campaigns.remove(admin(req).workspaceId, req.params.id);
      return reply.code(204).send(null);
    },
  );
  r.post(
    '/campaigns/:id/contacts',
    {
      bodyLimit: IMPORT_LIMITS.maxBytes + 64 * 1024,
      schema: {
        tags: ['campaigns'],
        summary:
          "Add contacts to a draft's explicit audience: by id (ids of other workspaces are ignored), or a CSV in the contact import's columns, each row validated and normalised, its contact created or matched and added, refused rows reported",
        params: IdParams,
        body: z
          .object({
            contactIds: contactIds.min(1).optional(),
            csv: z
              .string()
              .min(1)
              .max(IMPORT_LIMITS.maxBytes)
              .optional()
              .describe('CSV text: name, phone, email, attributes.<key>, …'),
            defaultRegion: z.string().length(2).optional().describe('for phone numbers without a country code'),
          })
          .refine((b) => (b.contactIds === undefined) !== (b.csv === undefined), 'send either contactIds or csv'),
        response: {
          200: z.object({ added: z.number(), total: z.number(), import: ImportReportSchema.optional() }),
          ...errors,
          413: ErrorSchema,
        },
      },
    },
    async (req) => {
      const { workspaceId } = admin(req);
      if (req.body.csv === undefined)
        return hub.campaigns.addContacts(workspaceId, req.params.id, req.body.contactIds ?? []);
      const { added, total, ...report } = await hub.campaigns.importCsv(workspaceId, req.params.id, req.body.csv, {
        defaultRegion: req.body.defaultRegion,
      });
      return { added, total, import: report };
    },
  );
  for (const action of ['start', 'pause', 'resume', 'cancel', 'duplicate'] as const)
    r.post(
      `/campaigns/:id/${action}`,
      {
        schema: {
          tags: ['campaigns'],
          summary: {
            start:
              'Start now, or schedule when scheduledAt is ahead (the audience is frozen into recipients as it sends)',
            pause: 'Stop sending (messages already in the outbound queue still go)',
            resume: 'Carry on sending',
            cancel: 'End the campaign: jobs not yet queued never go',
            duplicate: 'A new draft with the same audience, steps and settings',
          }[action],
          params: IdParams,
          response: { 200: CampaignSchema, ...errors },
        },
      },
      async (req) => {
        const principal = admin(req);
        const id = req.params.id;
        const ws = principal.workspaceId;
        const campaign =
          action === 'start'
            ? await hub.campaigns.start(ws, id)
            : action === 'pause'
              ? await hub.campaigns.pause(ws, id)
              : action === 'resume'
                ? await hub.campaigns.resume(ws, id)
                : action === 'cancel'
                  ? await hub.campaigns.cancel(ws, id)
                  : await hub.campaigns.duplicate(ws, id, `user:${principal.userId}`);
        return campaignView(campaign);
      },
    );
  r.get(
    '/campaigns/:id/recipients',
    {
      schema: {
        tags: ['campaigns'],
        summary: 'Recipients with each step’s job and message, filtered by an outcome (of any step, or of `step`)',
        params: IdParams,
        querystring: PageQuerySchema.extend({
          outcome: z.enum(OUTCOMES).optional(),
          step: z.coerce.number().int().min(0).max(9).optional(),
          variant: z.coerce.number().int().min(0).max(4).optional().describe('the A/B variant (of `step`, or any)'),
        }),
        response: { 200: pageOf(RecipientSchema), ...errors },
      },
    },
    async (req) => {
      const { outcome, step, variant, ...page } = req.query;
      const result = await hub.campaigns.recipients(principalOf(req).workspaceId, req.params.id, page, {
        outcome,
        stepIndex: step,
        variant,
      });
      return {
        data: result.data.map(({ campaignId: _c, workspaceId: _w, ...rest }) => rest),
        nextCursor: result.nextCursor,
      };
    },
  );
  r.get(
    '/campaigns/:id/recipients.csv',
    {
      schema: {
        tags: ['campaigns'],
        summary:
          'The recipients as CSV (one row per recipient and step, filtered like the list); formula-like cells start with a single quote',
        params: IdParams,
        querystring: z.object({
          outcome: z.enum(OUTCOMES).optional(),
          step: z.coerce.number().int().min(0).max(9).optional(),
          variant: z.coerce.number().int().min(0).max(4).optional(),
        }),
        response: errors,
      },
    },
    async (req, reply) => {
      const { workspaceId } = principalOf(req);
      const rows = hub.campaigns.recipientsCsv(workspaceId, req.params.id, {
        outcome: req.query.outcome,
        stepIndex: req.query.step,
        variant: req.query.variant,
      });
      // read the first chunk here, so an unknown campaign is a 404 and not a broken stream
      const first = await rows.next();
      async function* all(): AsyncGenerator<string> {
        if (!first.done) yield first.value;
        yield* rows;
      }
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="campaign-${req.params.id}-recipients.csv"`)
        .header('cache-control', 'no-store')
        .send(Readable.from(all()) as never);
    },
  );
  r.get(
    '/campaigns/:id/audience',
    {
      schema: {
        tags: ['campaigns'],
        summary:
          'The audience as it is now, judged as the start judges it (excluded by reason), with what each step would send to a few recipients',
        params: IdParams,
        response: { 200: AudienceCheckSchema, ...errors },
      },
    },
    async (req) => hub.campaigns.audienceCheck(principalOf(req).workspaceId, req.params.id),
  );
  r.get(
    '/campaigns/:id/stats',
    {
      schema: {
        tags: ['campaigns'],
        summary: 'Audience, excluded by reason, and per step pending/queued/sent/delivered/read/replied/failed',
        params: IdParams,
        response: { 200: StatsSchema, ...errors },
      },
    },
    async (req) => hub.campaigns.stats(principalOf(req).workspaceId, req.params.id),
  );
}
