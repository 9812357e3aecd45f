/**
 * @module web/campaigns/CampaignBuilder: create or edit a draft in four parts — audience (a saved segment, edited
 * in place; a CSV upload with its row-by-row report; or contacts picked by hand) → steps (each a message or an A/B
 * split, sent immediately, after a delay or at a time of day) → schedule (now or at a time, an end date, the time zone
 * of contacts without one, the reply attribution window, quiet hours) → review, which saves the draft and shows all
 * of it in words, the audience as the start would count it (who is excluded and why) and what each step would send
 * to a few recipients, then starts or schedules it.
 */
import { useEffect, useState } from 'react';
import type {
  Campaign,
  CampaignAudienceCheck,
  CampaignContactsResult,
  CampaignInput,
  CampaignStep,
  Connection,
  Contact,
  Segment,
} from '../../../sdk/src/index.ts';
import { useApp } from '../app-context.ts';
import { toIso, toLocalInput } from '../automation/controls.tsx';
import { contactName, errorText, fullTime } from '../format.ts';
import { Icon } from '../icons.tsx';
import { campaignHref } from './Campaigns.tsx';
import { CampaignPreview } from './CampaignPreview.tsx';
import {
  attributionLabel,
  emptyContent,
  endProblem,
  parseAttribution,
  reasonLabel,
  stepContentLabel,
  stepProblem,
  timingLabel,
  variantsLabel,
  CONDITION_LABEL,
  DEFAULT_ATTRIBUTION_HOURS,
  MAX_ATTRIBUTION_HOURS,
} from './campaign-model.ts';
import { describeFilter, SegmentEditor } from './Segments.tsx';
import { StepEditor } from './StepEditor.tsx';

const SECTIONS = [
  ['audience', 'Audience'],
  ['steps', 'Steps'],
  ['schedule', 'Schedule'],
  ['review', 'Review'],
] as const;
type Section = (typeof SECTIONS)[number][0];
type AudienceMode = 'segment' | 'csv' | 'list';

const newStep = (): CampaignStep => ({
  connectionId: '',
  content: emptyContent('text'),
  delaySeconds: 0,
  condition: 'always',
  stopOnReply: true,
});

const browserZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
const zones = (): string[] => {
  const intl = Intl as unknown as { supportedValuesOf?: (k: string) => string[] };
  const list = intl.supportedValuesOf?.('timeZone') ?? ['UTC'];
  // the browser's own zone is offered even where the list leaves it out (UTC in some engines)
  return list.includes(browserZone()) ? list : [browserZone(), ...list];
};

export function CampaignBuilder({ campaignId }: { campaignId?: string | undefined }) {
  const { client, types } = useApp();
  const [campaign, setCampaign] = useState<Campaign | undefined>(undefined);
  const [loading, setLoading] = useState(campaignId !== undefined);
  const [section, setSection] = useState<Section>('audience');
  const [name, setName] = useState('');
  const [mode, setMode] = useState<AudienceMode>('segment');
  const [segmentId, setSegmentId] = useState('');
  const [segments, setSegments] = useState<Segment[]>([]);
  const [editingSegment, setEditingSegment] = useState<Segment | 'new' | null>(null);
  const [csv, setCsv] = useState<{ fileName: string; text: string; rows: number } | null>(null);
  const [region, setRegion] = useState('');
  const [csvReport, setCsvReport] = useState<CampaignContactsResult | null>(null);
  const [picked, setPicked] = useState<Contact[]>([]);
  const [steps, setSteps] = useState<CampaignStep[]>([newStep()]);
  const [connections, setConnections] = useState<Connection[]>([]);
  const [later, setLater] = useState(false);
  const [startAt, setStartAt] = useState(() => toLocalInput(new Date(Date.now() + 3_600_000)).slice(0, 16));
  const [quiet, setQuiet] = useState<{ from: string; to: string; timeZone: string } | null>(null);
  // undefined: the draft names none (the server then uses UTC); a new campaign starts with the browser's
  const [zone, setZone] = useState<string | undefined>(() => (campaignId ? undefined : browserZone()));
  // the field's text and the instant it stands for (a loaded end date is kept to the second until edited)
  const [end, setEnd] = useState<{ local: string; iso: string } | null>(null);
  const [attribution, setAttribution] = useState('');
  const [check, setCheck] = useState<CampaignAudienceCheck | null>(null);
  const [dirty, setDirty] = useState(true);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  // a save was refused for a problem: the first one still there is shown (none once they are all fixed)
  const [blocked, setBlocked] = useState(false);

  const touch =
    <T,>(set: (v: T) => void) =>
    (v: T) => {
      set(v);
      setDirty(true);
    };

  useEffect(() => {
    client
      .listConnections()
      .then(setConnections)
      .catch((err: unknown) => setError(errorText(err)));
    client
      .listSegments()
      .then(setSegments)
      .catch(() => undefined);
  }, [client]);

  useEffect(() => {
    if (!campaignId) return;
    client
      .getCampaign(campaignId)
      .then((c) => {
        if (c.status !== 'draft') {
          // only drafts are edited: a started campaign has its live page
          location.replace(campaignHref(c.id));
          return;
        }
        setCampaign(c);
        setName(c.name);
        setMode(c.audience.type === 'segment' ? 'segment' : 'list');
        if (c.audience.type === 'segment') setSegmentId(c.audience.segmentId);
        setSteps(c.steps);
        if (c.scheduledAt) {
          setLater(true);
          setStartAt(toLocalInput(new Date(c.scheduledAt)).slice(0, 16));
        }
        setQuiet(c.settings.quietHours ?? null);
        setZone(c.settings.timeZone);
        setEnd(
          c.settings.endAt
            ? { local: toLocalInput(new Date(c.settings.endAt)).slice(0, 16), iso: c.settings.endAt }
            : null,
        );
        setAttribution(c.settings.attributionHours === undefined ? '' : String(c.settings.attributionHours));
        setDirty(false);
        return client.campaignAudience(c.id).then(setCheck);
      })
      .catch((err: unknown) => setError(errorText(err)))
      .finally(() => setLoading(false));
  }, [client, campaignId]);

  const startIso = later && !Number.isNaN(Date.parse(startAt)) ? toIso(startAt) : null;
  const attributionHours = parseAttribution(attribution);
  const scheduleProblems = [
    later && startIso === null ? 'Choose when it starts' : '',
    endProblem(end ? end.iso : null, startIso, Date.now()),
    Number.isNaN(attributionHours)
      ? `The attribution window is a number of hours, more than 0 and at most ${MAX_ATTRIBUTION_HOURS}`
      : '',
  ].filter(Boolean);
  const problems = [
    name.trim() ? '' : 'Name the campaign',
    mode === 'segment' && !segmentId ? 'Choose a segment for the audience' : '',
    ...steps.map(stepProblem),
    ...scheduleProblems,
  ].filter(Boolean);

  const body = (): CampaignInput => ({
    name: name.trim(),
    audience: mode === 'segment' ? { type: 'segment', segmentId } : { type: 'contacts' },
    ...(mode === 'list' && picked.length > 0 ? { contactIds: picked.map((c) => c.id) } : {}),
    steps,
    // null removes what a saved draft had (quiet hours, an end date, its own attribution window)
    settings: {
      quietHours: quiet,
      ...(zone ? { timeZone: zone } : {}),
      endAt: end ? end.iso : null,
      attributionHours: attributionHours ?? null,
    },
    scheduledAt: startIso,
  });

  /** saves the draft (created the first time), uploads a chosen CSV, and counts the audience as the start would */
  const save = async (): Promise<Campaign | undefined> => {
    if (problems.length > 0) {
      setBlocked(true);
      return undefined;
    }
    setBusy(true);
    setError('');
    setBlocked(false);
    try {
      let saved = campaign ? await client.updateCampaign(campaign.id, body()) : await client.createCampaign(body());
      // the address follows the draft, without leaving this page (a hash change would start the builder afresh)
      if (!campaign) history.replaceState(null, '', campaignHref(saved.id, true));
      setPicked([]);
      if (mode === 'csv' && csv) {
        const report = await client.addCampaignContacts(saved.id, {
          csv: csv.text,
          ...(region ? { defaultRegion: region.toUpperCase() } : {}),
        });
        setCsvReport(report);
        setCsv(null);
        saved = await client.getCampaign(saved.id);
      }
      setCampaign(saved);
      setCheck(await client.campaignAudience(saved.id));
      setDirty(false);
      return saved;
    } catch (err) {
      setError(errorText(err));
      return undefined;
    } finally {
      setBusy(false);
    }
  };

  const start = async () => {
    const saved = dirty ? await save() : campaign;
    if (!saved) return;
    setBusy(true);
    try {
      await client.campaignAction(saved.id, 'start');
      location.hash = campaignHref(saved.id);
    } catch (err) {
      setError(errorText(err));
      setBusy(false);
    }
  };

  const remove = async () => {
    if (!campaign) return void (location.hash = campaignHref());
    setBusy(true);
    try {
      await client.deleteCampaign(campaign.id);
      location.hash = campaignHref();
    } catch (err) {
      setError(errorText(err));
      setBusy(false);
    }
  };

  const go = async (to: Section) => {
    if (to === 'review' && (dirty || !check) && !(await save())) return;
    setSection(to);
  };
  const index = SECTIONS.findIndex(([s]) => s === section);

  if (loading)
    return (
      <p className="empty" role="status">
        Loading…
      </p>
    );
  return (
    <section className="cmp-page cmp-builder" aria-labelledby="builder-title">
      <div className="cmp-head">
        <a href={campaignHref()} className="cmp-back" aria-label="All campaigns">
          <Icon name="back" />
        </a>
        <h2 id="builder-title">{campaign ? `Edit ${campaign.name}` : 'New campaign'}</h2>
        <span className="cmp-status cmp-status-draft">Draft</span>
      </div>
      <label className="cmp-field cmp-name">
        <span>Campaign name</span>
        <input value={name} maxLength={200} required onChange={(e) => touch(setName)(e.target.value)} />
      </label>
      <ol className="cmp-stepper" aria-label="Builder">
        {SECTIONS.map(([s, label], i) => (
          <li key={s}>
            <button
              type="button"
              aria-current={s === section ? 'step' : undefined}
              onClick={() => void go(s)}
              disabled={busy}
            >
              <span className="cmp-step-n">{i + 1}</span> {label}
            </button>
          </li>
        ))}
      </ol>
      {(error || (blocked && problems.length > 0)) && (
        <p role="alert" className="error">
          {error || problems[0]}
        </p>
      )}

      {section === 'audience' && (
        <div className="cmp-section" aria-label="Audience">
          <div className="cmp-choice" role="radiogroup" aria-label="Audience from">
            {(
              [
                ['segment', 'A saved segment'],
                ['csv', 'A CSV file'],
                ['list', 'Contacts I pick'],
              ] as const
            ).map(([m, label]) => (
              <label key={m}>
                <input type="radio" name="audience" checked={mode === m} onChange={() => touch(setMode)(m)} /> {label}
              </label>
            ))}
          </div>
          {mode === 'segment' && (
            <>
              <div className="row cmp-wrap">
                <label className="cmp-field cmp-grow">
                  <span>Segment</span>
                  <select aria-label="Segment" value={segmentId} onChange={(e) => touch(setSegmentId)(e.target.value)}>
                    <option value="">Choose a segment…</option>
                    {segments.map((s) => (
                      <option key={s.id} value={s.id}>
                        {s.name}
                      </option>
                    ))}
                  </select>
                </label>
                {segmentId && (
                  <button
                    type="button"
                    onClick={() => setEditingSegment(segments.find((s) => s.id === segmentId) ?? null)}
                  >
                    <Icon name="edit" /> Edit segment
                  </button>
                )}
                <button type="button" onClick={() => setEditingSegment('new')}>
                  <Icon name="plus" /> New segment
                </button>
              </div>
              {segmentId && !editingSegment && (
                <p className="hint">
                  {describeFilter(segments.find((s) => s.id === segmentId)?.filter ?? { all: [] }, types)}
                </p>
              )}
              {editingSegment && (
                <SegmentEditor
                  segment={editingSegment === 'new' ? undefined : editingSegment}
                  onCancel={() => setEditingSegment(null)}
                  onSaved={(s) => {
                    setSegments((prev) => [...prev.filter((x) => x.id !== s.id), s]);
                    touch(setSegmentId)(s.id);
                    setEditingSegment(null);
                  }}
                />
              )}
            </>
          )}
          {mode === 'csv' && (
            <CsvAudience csv={csv} setCsv={touch(setCsv)} region={region} setRegion={setRegion} report={csvReport} />
          )}
          {mode === 'list' && <ContactPicker picked={picked} setPicked={touch(setPicked)} />}
          {mode !== 'segment' && campaign?.audience.type === 'contacts' && (
            <p className="hint" data-field="audience-now">
              {campaign.audienceCount ?? 0} contacts in this draft&apos;s audience so far
              {mode === 'csv' ? '; a CSV adds its rows to them.' : '.'}
            </p>
          )}
        </div>
      )}

      {section === 'steps' && (
        <div className="cmp-section" aria-label="Steps">
          {connections.length === 0 && (
            <p className="empty">No connections yet — add one under Settings › Channels first.</p>
          )}
          {steps.map((s, i) => (
            <StepEditor
              key={i}
              step={i === 0 ? { ...s, condition: 'always' } : s}
              index={i}
              connections={connections}
              onChange={(next) => touch(setSteps)(steps.map((x, j) => (j === i ? next : x)))}
              onRemove={steps.length > 1 ? () => touch(setSteps)(steps.filter((_, j) => j !== i)) : undefined}
            />
          ))}
          {steps.length < 10 && (
            <button
              type="button"
              onClick={() => {
                const last = steps[steps.length - 1];
                touch(setSteps)([
                  ...steps,
                  {
                    ...newStep(),
                    connectionId: last?.connectionId ?? '',
                    content: emptyContent(last?.content?.type ?? last?.variants?.[0]?.content.type ?? 'text'),
                    delaySeconds: 86_400,
                    condition: 'not_replied',
                  },
                ]);
              }}
            >
              <Icon name="plus" /> Add a follow-up step
            </button>
          )}
        </div>
      )}

      {section === 'schedule' && (
        <div className="cmp-section" aria-label="Schedule">
          <div className="cmp-choice" role="radiogroup" aria-label="Start">
            <label>
              <input type="radio" name="start" checked={!later} onChange={() => touch(setLater)(false)} /> Start when I
              press Start
            </label>
            <label>
              <input type="radio" name="start" checked={later} onChange={() => touch(setLater)(true)} /> At a time
            </label>
          </div>
          {later && (
            <label className="cmp-field">
              <span>Starts at (your time, {browserZone()})</span>
              <input type="datetime-local" value={startAt} onChange={(e) => touch(setStartAt)(e.target.value)} />
            </label>
          )}
          <label className="cmp-check">
            <input
              type="checkbox"
              checked={end !== null}
              onChange={(e) => {
                // a week after the start, to be moved
                const local = toLocalInput(
                  new Date((startIso ? Date.parse(startIso) : Date.now()) + 7 * 86_400_000),
                ).slice(0, 16);
                touch(setEnd)(e.target.checked ? { local, iso: toIso(local) } : null);
              }}
            />{' '}
            End date: nothing is sent after it
          </label>
          {end && (
            <label className="cmp-field">
              <span>Ends at (your time, {browserZone()})</span>
              <input
                type="datetime-local"
                value={end.local}
                aria-describedby="cmp-end-hint"
                onChange={(e) =>
                  touch(setEnd)({
                    local: e.target.value,
                    iso: Number.isNaN(Date.parse(e.target.value)) ? '' : toIso(e.target.value),
                  })
                }
              />
            </label>
          )}
          {end && (
            <p className="hint" id="cmp-end-hint">
              Steps still waiting then are skipped (expired) and the campaign completes.
            </p>
          )}
          {end && endProblem(end.iso, startIso, Date.now()) && (
            <p className="error" data-field="end-problem">
              {endProblem(end.iso, startIso, Date.now())}
            </p>
          )}
          <div className="row cmp-wrap cmp-zone-row">
            <label className="cmp-field cmp-grow">
              <span>Time zone for contacts without one</span>
              <select
                aria-label="Time zone for contacts without one"
                value={zone ?? 'UTC'}
                onChange={(e) => touch(setZone)(e.target.value)}
              >
                {zones().map((z) => (
                  <option key={z} value={z}>
                    {z}
                  </option>
                ))}
              </select>
            </label>
            <label className="cmp-field">
              <span>Count a reply for a step within (hours)</span>
              <input
                type="number"
                min={0}
                max={MAX_ATTRIBUTION_HOURS}
                step="any"
                inputMode="decimal"
                aria-label="Attribution window in hours"
                placeholder={String(DEFAULT_ATTRIBUTION_HOURS)}
                value={attribution}
                onChange={(e) => touch(setAttribution)(e.target.value)}
              />
            </label>
          </div>
          <p className="hint">
            Time-of-day steps use the contact&apos;s own <code>timeZone</code> attribute when it names a valid zone,
            else this one. A reply counts for the step it answers within{' '}
            {attributionHours === undefined || Number.isNaN(attributionHours)
              ? `${DEFAULT_ATTRIBUTION_HOURS} hours (the default when empty)`
              : `${attribution.trim()} hours`}{' '}
            of the send, or until the next step goes.
          </p>
          {Number.isNaN(attributionHours) && (
            <p className="error" data-field="attribution-problem">
              The attribution window is a number of hours, more than 0 and at most {MAX_ATTRIBUTION_HOURS}.
            </p>
          )}
          <label className="cmp-check">
            <input
              type="checkbox"
              checked={quiet !== null}
              onChange={(e) =>
                touch(setQuiet)(
                  e.target.checked ? { from: '21:00', to: '09:00', timeZone: zone ?? browserZone() } : null,
                )
              }
            />{' '}
            Quiet hours: no sends at night in the recipient&apos;s time zone
          </label>
          {quiet && (
            <div className="row cmp-wrap cmp-quiet">
              <label className="cmp-field">
                <span>From</span>
                <input
                  type="time"
                  value={quiet.from}
                  onChange={(e) => touch(setQuiet)({ ...quiet, from: e.target.value })}
                />
              </label>
              <label className="cmp-field">
                <span>To</span>
                <input
                  type="time"
                  value={quiet.to}
                  onChange={(e) => touch(setQuiet)({ ...quiet, to: e.target.value })}
                />
              </label>
              <label className="cmp-field cmp-grow">
                <span>Time zone when the contact has none</span>
                <select
                  aria-label="Quiet hours time zone"
                  value={quiet.timeZone}
                  onChange={(e) => touch(setQuiet)({ ...quiet, timeZone: e.target.value })}
                >
                  {zones().map((z) => (
                    <option key={z} value={z}>
                      {z}
                    </option>
                  ))}
                </select>
              </label>
              <p className="hint">
                A message due inside the quiet hours waits until they end. The contact&apos;s own <code>timeZone</code>{' '}
                attribute wins when it names a valid zone.
              </p>
            </div>
          )}
        </div>
      )}

      {section === 'review' && (
        <div className="cmp-section" aria-label="Review">
          {dirty && <p className="hint">There are changes since the last check: review again to count them.</p>}
          <dl className="cmp-summary">
            <dt>Audience</dt>
            <dd>
              {mode === 'segment'
                ? `Segment ${segments.find((s) => s.id === segmentId)?.name ?? ''}`
                : 'Contacts added to this campaign'}
            </dd>
            <dt>Steps</dt>
            <dd>
              <ol className="cmp-step-summary">
                {steps.map((s, i) => (
                  <li key={i} data-step={i}>
                    {connections.find((c) => c.id === s.connectionId)?.name ?? 'a connection'} — {stepContentLabel(s)},{' '}
                    {timingLabel(s)}
                    {i > 0 && s.condition !== 'always'
                      ? `, ${CONDITION_LABEL[s.condition ?? 'always'].toLowerCase()}`
                      : ''}
                    {s.variants && s.variants.length > 0 && (
                      <span className="cmp-variant-summary" data-field="variants">
                        {variantsLabel(s)}
                      </span>
                    )}
                  </li>
                ))}
              </ol>
            </dd>
            <dt>Starts</dt>
            <dd>{startIso ? fullTime(startIso) : 'when you press Start'}</dd>
            <dt>Ends</dt>
            <dd data-field="ends">{end?.iso ? fullTime(end.iso) : 'no end date'}</dd>
            <dt>Time zone</dt>
            <dd data-field="time-zone">{zone ?? 'UTC'} for contacts without their own</dd>
            <dt>Replies count</dt>
            <dd data-field="attribution">
              {attributionLabel(Number.isNaN(attributionHours) ? undefined : attributionHours)}
            </dd>
            <dt>Quiet hours</dt>
            <dd>{quiet ? `${quiet.from}–${quiet.to} (${quiet.timeZone} when the contact has no zone)` : 'none'}</dd>
          </dl>
          {csvReport && <CsvReport report={csvReport} />}
          {check && <AudienceCounts check={check} />}
          {check && campaign && <CampaignPreview check={check} steps={steps} connections={connections} />}
        </div>
      )}

      <div className="cmp-footer">
        {index > 0 && (
          <button type="button" onClick={() => void go(SECTIONS[index - 1]?.[0] ?? 'audience')} disabled={busy}>
            Back
          </button>
        )}
        {section !== 'review' ? (
          <button
            type="button"
            className="primary"
            onClick={() => void go(SECTIONS[index + 1]?.[0] ?? 'review')}
            disabled={busy}
          >
            {index === SECTIONS.length - 2 ? 'Save and review' : 'Next'}
          </button>
        ) : (
          <>
            <button type="button" onClick={() => void save()} disabled={busy}>
              {dirty ? 'Save and count again' : 'Save draft'}
            </button>
            <button
              type="button"
              className="primary"
              data-action="start"
              onClick={() => void start()}
              disabled={busy || !check || check.included === 0}
            >
              {later ? 'Schedule' : `Start — send to ${check?.included ?? 0}`}
            </button>
          </>
        )}
        <span className="cmp-grow" />
        <button type="button" className="link" onClick={() => void remove()} disabled={busy}>
          {campaign ? 'Delete draft' : 'Discard'}
        </button>
      </div>
    </section>
  );
}

export function AudienceCounts({ check }: { check: CampaignAudienceCheck }) {
  const excluded = Object.entries(check.excluded);
  return (
    <div className="cmp-counts" aria-label="Audience count">
      <div className="cmp-count">
        <strong data-field="audience">{check.audience}</strong> in the audience
      </div>
      <div className="cmp-count cmp-good">
        <strong data-field="included">{check.included}</strong> will receive the first step
      </div>
      {excluded.length > 0 && (
        <div className="cmp-count cmp-muted">
          <strong data-field="excluded">{excluded.reduce((a, [, n]) => a + n, 0)}</strong> excluded
          <ul>
            {excluded.map(([reason, n]) => (
              <li key={reason} data-reason={reason}>
                {reasonLabel(reason)}: {n}
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}

function CsvAudience({
  csv,
  setCsv,
  region,
  setRegion,
  report,
}: {
  csv: { fileName: string; text: string; rows: number } | null;
  setCsv: (v: { fileName: string; text: string; rows: number } | null) => void;
  region: string;
  setRegion: (v: string) => void;
  report: CampaignContactsResult | null;
}) {
  const [error, setError] = useState('');
  const read = async (file: File | undefined) => {
    setError('');
    if (!file) return setCsv(null);
    if (file.size > 10 * 1024 * 1024) return setError('The file is larger than 10 MB.');
    const text = await file.text();
    const rows = text.split(/\r?\n/).filter((l) => l.trim()).length - 1;
    setCsv({ fileName: file.name, text, rows: Math.max(0, rows) });
  };
  return (
    <div className="cmp-csv">
      <p className="hint">
        Columns: <code>name</code>, <code>phone</code>, <code>email</code>, <code>tags</code>,{' '}
        <code>attributes.&lt;key&gt;</code>. Each row is checked on its own: its contact is created or matched and
        added; a row that cannot be read is reported and left out.
      </p>
      <div className="row cmp-wrap">
        <label className="cmp-field cmp-grow">
          <span>CSV file</span>
          <input type="file" accept=".csv,text/csv" onChange={(e) => void read(e.target.files?.[0])} />
        </label>
        <label className="cmp-field">
          <span>Country for numbers without +</span>
          <input
            value={region}
            maxLength={2}
            placeholder="DE"
            size={4}
            onChange={(e) => setRegion(e.target.value.replace(/[^a-z]/gi, ''))}
          />
        </label>
      </div>
      {error && <p className="error">{error}</p>}
      {csv && (
        <p className="hint" data-field="csv-chosen">
          {csv.fileName}: {csv.rows} rows, uploaded when the draft is saved (Save and review).
        </p>
      )}
      {report && <CsvReport report={report} />}
    </div>
  );
}

function CsvReport({ report }: { report: CampaignContactsResult }) {
  const imp = report.import;
  return (
    <div className="cmp-panel cmp-csv-report" aria-label="CSV report">
      <p>
        <strong data-field="csv-added">{report.added}</strong> added ({report.total} in the audience)
        {imp ? ` · ${imp.created} new contacts, ${imp.updated} updated, ${imp.unchanged} unchanged` : ''}
      </p>
      {imp && imp.rejected.length > 0 && (
        <>
          <p className="error">
            {imp.rejected.length} {imp.rejected.length === 1 ? 'row was' : 'rows were'} left out:
          </p>
          <table className="cmp-table">
            <thead>
              <tr>
                <th scope="col">Row</th>
                <th scope="col">Column</th>
                <th scope="col">Why</th>
              </tr>
            </thead>
            <tbody>
              {imp.rejected.map((r) => (
                <tr key={`${r.row}-${r.field ?? ''}`} data-row={r.row}>
                  <td>{r.row}</td>
                  <td>{r.field ?? '—'}</td>
                  <td>{r.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      {imp && imp.ignoredColumns.length > 0 && (
        <p className="hint">Columns not stored: {imp.ignoredColumns.join(', ')}</p>
      )}
    </div>
  );
}

function ContactPicker({ picked, setPicked }: { picked: Contact[]; setPicked: (c: Contact[]) => void }) {
  const { client } = useApp();
  const [q, setQ] = useState('');
  const [found, setFound] = useState<Contact[]>([]);
  useEffect(() => {
    if (!q.trim()) return setFound([]);
    const t = setTimeout(() => {
      client
        .all<Contact>(`/contacts?q=${encodeURIComponent(q.trim())}`, 1)
        .then((list) => setFound(list.slice(0, 20)))
        .catch(() => setFound([]));
    }, 250);
    return () => clearTimeout(t);
  }, [client, q]);
  const has = new Set(picked.map((c) => c.id));
  return (
    <div className="cmp-picker">
      <label className="cmp-field">
        <span>Find contacts</span>
        <input type="search" value={q} placeholder="name, phone or email" onChange={(e) => setQ(e.target.value)} />
      </label>
      {found.length > 0 && (
        <ul className="cmp-found" aria-label="Found contacts">
          {found.map((c) => (
            <li key={c.id}>
              <span>{contactName(c)}</span>
              <button
                type="button"
                disabled={has.has(c.id)}
                onClick={() => setPicked([...picked, c])}
                aria-label={`Add ${contactName(c)}`}
              >
                {has.has(c.id) ? 'Added' : 'Add'}
              </button>
            </li>
          ))}
        </ul>
      )}
      {picked.length > 0 && (
        <ul className="cmp-chips" aria-label="Picked contacts">
          {picked.map((c) => (
            <li key={c.id}>
              {contactName(c)}
              <button
                type="button"
                className="link"
                aria-label={`Remove ${contactName(c)}`}
                onClick={() => setPicked(picked.filter((x) => x.id !== c.id))}
              >
                <Icon name="close" />
              </button>
            </li>
          ))}
        </ul>
      )}
      {picked.length > 0 && <p className="hint">Added to the audience when the draft is saved.</p>}
    </div>
  );
}
