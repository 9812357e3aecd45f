/**
 * @module web/campaigns/CampaignPage: a started campaign (#/campaigns/{id}) — its state with pause / resume / cancel /
 * duplicate, its end date, time zone and reply attribution window, live progress from the event stream
 * (`campaign.progress` carries the counts while it runs; a `campaign.status` or a delivery receipt afterwards reads
 * them again): audience, excluded by reason, and per step
 * queued, sent, delivered, read, replied, failed by reason, skipped and opted out; the sends of this visit over time;
 * and the recipients, filtered by outcome and step, with the CSV export.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Campaign, CampaignRecipient, CampaignStats, Connection } from '../../../sdk/src/index.ts';
import { useApp } from '../app-context.ts';
import { errorText, fullTime, shortTime } from '../format.ts';
import { Icon } from '../icons.tsx';
import { campaignHref } from './Campaigns.tsx';
import {
  actionsFor,
  attributionLabel,
  OUTCOMES,
  overallProgress,
  percent,
  reasonLabel,
  stepContentLabel,
  stepProgress,
  timingLabel,
  CONDITION_LABEL,
  type CampaignStatus,
  type Outcome,
} from './campaign-model.ts';
import { ActionButton, ProgressBar, StatusBadge } from './parts.tsx';

/** a read of the statistics after a delivery receipt waits this long, so a burst of receipts is one read */
const RECEIPT_READ_MS = 1500;

export function CampaignPage({ campaignId }: { campaignId: string }) {
  const { client, subscribe } = useApp();
  const [campaign, setCampaign] = useState<Campaign | null>(null);
  const [stats, setStats] = useState<CampaignStats | null>(null);
  const [connections, setConnections] = useState<Connection[]>([]);
  const [error, setError] = useState('');
  const [history, setHistory] = useState<Array<{ at: number; sent: number }>>([]);
  const [recipientsVersion, setRecipientsVersion] = useState(0);
  const receiptTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const statusRef = useRef<string>('');

  const record = useCallback((s: CampaignStats) => {
    setStats(s);
    const sent = s.steps.reduce((a, x) => a + x.sent + x.failed, 0);
    setHistory((h) => (h.at(-1)?.sent === sent ? h : [...h, { at: Date.now(), sent }].slice(-120)));
  }, []);

  const load = useCallback(async () => {
    try {
      const [c, s] = await Promise.all([client.getCampaign(campaignId), client.campaignStats(campaignId)]);
      if (c.status === 'draft') {
        location.replace(campaignHref(c.id, true));
        return;
      }
      setCampaign(c);
      statusRef.current = c.status;
      record(s);
      setRecipientsVersion((v) => v + 1);
      setError('');
    } catch (err) {
      setError(errorText(err));
    }
  }, [client, campaignId, record]);

  useEffect(() => {
    void load();
    client
      .listConnections()
      .then(setConnections)
      .catch(() => undefined);
    const off = subscribe((e) => {
      const id = (e.data as { campaignId?: string }).campaignId;
      if (e.type === 'campaign.progress' && id === campaignId) {
        // the event carries the statistics' counts (and the campaign's id) without the state
        record({ ...(e.data as unknown as CampaignStats), status: statusRef.current as CampaignStats['status'] });
        setRecipientsVersion((v) => v + 1);
      } else if ((e.type === 'campaign.status' && id === campaignId) || e.type === 'stream.open') void load();
      else if (e.type === 'message.status' && statusRef.current !== 'running') {
        // no progress events once it stopped running: receipts (delivered, read) still change the counts
        clearTimeout(receiptTimer.current);
        receiptTimer.current = setTimeout(() => {
          client
            .campaignStats(campaignId)
            .then(record)
            .catch(() => undefined);
        }, RECEIPT_READ_MS);
      }
    });
    return () => {
      off();
      clearTimeout(receiptTimer.current);
    };
  }, [client, subscribe, campaignId, load, record]);

  const act = async (action: ReturnType<typeof actionsFor>[number]) => {
    setError('');
    try {
      const result = await client.campaignAction(campaignId, action);
      if (action === 'duplicate') location.hash = campaignHref(result.id, true);
      else {
        setCampaign(result);
        statusRef.current = result.status;
        void load();
      }
    } catch (err) {
      setError(errorText(err));
    }
  };

  if (!campaign || !stats)
    return (
      <section className="cmp-page">
        {error ? (
          <p role="alert" className="error">
            {error}
          </p>
        ) : (
          <p className="empty" role="status">
            Loading…
          </p>
        )}
      </section>
    );
  const status = campaign.status as CampaignStatus;
  const progress = overallProgress({ ...stats, status });
  const excluded = Object.entries(stats.excluded);
  return (
    <section className="cmp-page cmp-dashboard" aria-labelledby="cmp-name" data-campaign={campaign.id}>
      <div className="cmp-head">
        <a href={campaignHref()} className="cmp-back" aria-label="All campaigns">
          <Icon name="back" />
        </a>
        <h2 id="cmp-name">{campaign.name}</h2>
        <StatusBadge status={status} />
      </div>
      <p className="cmp-card-meta">
        {campaign.startedAt ? `Started ${fullTime(campaign.startedAt)}` : ''}
        {status === 'scheduled' && campaign.scheduledAt ? `Starts ${fullTime(campaign.scheduledAt)}` : ''}
        {campaign.finishedAt ? ` · ended ${fullTime(campaign.finishedAt)}` : ''}
        {campaign.settings.quietHours
          ? ` · quiet ${campaign.settings.quietHours.from}–${campaign.settings.quietHours.to}`
          : ''}
      </p>
      <p className="cmp-card-meta" data-field="settings">
        <span data-field="ends">
          {campaign.settings.endAt ? `Ends ${fullTime(campaign.settings.endAt)}` : 'No end date'}
        </span>
        {' · '}
        <span data-field="time-zone">Time zone {campaign.settings.timeZone ?? 'UTC'} for contacts without one</span>
        {' · '}
        <span data-field="attribution">Replies count {attributionLabel(campaign.settings.attributionHours)}</span>
      </p>
      {campaign.statusReason && status !== 'completed' && (
        <p className={status === 'paused' ? 'cmp-reason' : 'hint'} data-field="status-reason">
          {campaign.statusReason}
        </p>
      )}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <div className="cmp-card-actions">
        {actionsFor(status)
          .filter((a) => a !== 'start')
          .map((a) => (
            <ActionButton key={a} action={a} name={campaign.name} onClick={() => act(a)} />
          ))}
      </div>

      <ProgressBar value={progress} label={`Progress: ${Math.round(progress * 100)} %`} />
      <div className="cmp-counts" aria-label="Audience">
        <div className="cmp-count">
          <strong data-field="audience">{stats.audience}</strong> audience
          {!campaign.frozenAt && status === 'running' && <span className="hint"> (still being read)</span>}
        </div>
        <div className="cmp-count cmp-good">
          <strong data-field="included">{stats.included}</strong> included
        </div>
        <div className="cmp-count cmp-muted">
          <strong data-field="excluded">{excluded.reduce((a, [, n]) => a + n, 0)}</strong> excluded
          {excluded.length > 0 && (
            <ul>
              {excluded.map(([reason, n]) => (
                <li key={reason} data-reason={reason}>
                  {reasonLabel(reason)}: <span data-count={reason}>{n}</span>
                </li>
              ))}
            </ul>
          )}
        </div>
        <SendsChart history={history} />
      </div>

      <h3>Steps</h3>
      <div className="cmp-steps-live">
        {stats.steps.map((s) => (
          <StepCard
            key={s.stepIndex}
            stats={s}
            included={stats.included}
            step={campaign.steps[s.stepIndex]}
            connection={connections.find((c) => c.id === campaign.steps[s.stepIndex]?.connectionId)}
          />
        ))}
      </div>

      <Recipients campaign={campaign} version={recipientsVersion} />
    </section>
  );
}

function StepCard({
  stats: s,
  included,
  step,
  connection,
}: {
  stats: CampaignStats['steps'][number];
  included: number;
  step: Campaign['steps'][number] | undefined;
  connection: Connection | undefined;
}) {
  const p = stepProgress(s);
  const rows: Array<[string, number, string]> = [
    ['pending', s.pending, 'Waiting'],
    ['queued', s.queued, 'Queued'],
    ['sent', s.sent, 'Sent'],
    ['delivered', s.delivered, 'Delivered'],
    ['read', s.read, 'Read'],
    ['replied', s.replied, 'Replied'],
    ['failed', s.failed, 'Failed'],
    ['skipped', p.skipped, 'Skipped'],
    ['optedOut', p.optedOut, 'Opted out'],
  ];
  return (
    <article className="cmp-panel cmp-step-live" data-step={s.stepIndex} aria-label={`Step ${s.stepIndex + 1}`}>
      <header>
        <span className="cmp-step-n">{s.stepIndex + 1}</span>
        <span>
          <strong>{connection?.name ?? 'Step'}</strong>{' '}
          <span className="hint">
            {step ? stepContentLabel(step) : 'text'}
            {step ? `, ${timingLabel(step)}` : ''}
            {step && s.stepIndex > 0 && step.condition !== 'always'
              ? `, ${CONDITION_LABEL[step.condition ?? 'always'].toLowerCase()}`
              : ''}
          </span>
        </span>
      </header>
      <dl className="cmp-metrics">
        {rows.map(([key, n, label]) => (
          <div key={key} className={`cmp-metric cmp-metric-${key}${n > 0 ? ' cmp-some' : ''}`}>
            <dt>{label}</dt>
            <dd data-metric={key}>
              {n}
              {['sent', 'delivered', 'read', 'replied'].includes(key) && included > 0 && (
                <small> {percent(n, included)}</small>
              )}
            </dd>
          </div>
        ))}
      </dl>
      {s.variants.length > 0 && (
        <div className="cmp-variants" aria-label={`Step ${s.stepIndex + 1}: variants`}>
          <table>
            <thead>
              <tr>
                <th scope="col">Variant</th>
                <th scope="col">Assigned</th>
                <th scope="col">Sent</th>
                <th scope="col">Delivered</th>
                <th scope="col">Read</th>
                <th scope="col">Replied</th>
                <th scope="col">Failed</th>
              </tr>
            </thead>
            <tbody>
              {s.variants.map((v) => (
                <tr key={v.variant} data-variant={v.name}>
                  <th scope="row">{v.name}</th>
                  <td>{v.assigned}</td>
                  <td>{v.sent}</td>
                  <td>{v.delivered}</td>
                  <td>{v.read}</td>
                  <td>
                    {v.replied}
                    {v.sent > 0 && <small> {percent(v.replied, v.sent)}</small>}
                  </td>
                  <td>{v.failed}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {Object.keys(s.failedBy).length > 0 && (
        <div className="cmp-why" aria-label={`Step ${s.stepIndex + 1}: failures`}>
          <strong>Failed because</strong>
          <ul>
            {Object.entries(s.failedBy).map(([why, n]) => (
              <li key={why} data-failure={why}>
                {reasonLabel(why)}: {n}
              </li>
            ))}
          </ul>
        </div>
      )}
      {Object.keys(s.skipped).length > 0 && (
        <div className="cmp-why" aria-label={`Step ${s.stepIndex + 1}: skipped`}>
          <strong>Skipped because</strong>
          <ul>
            {Object.entries(s.skipped).map(([why, n]) => (
              <li key={why} data-skip={why}>
                {reasonLabel(why)}: {n}
              </li>
            ))}
          </ul>
        </div>
      )}
    </article>
  );
}

/** the messages sent (or failed) so far against time, as this page saw them arrive */
function SendsChart({ history }: { history: Array<{ at: number; sent: number }> }) {
  if (history.length < 2) return null;
  const first = history[0] as { at: number; sent: number };
  const last = history[history.length - 1] as { at: number; sent: number };
  const span = Math.max(1, last.at - first.at);
  const top = Math.max(1, last.sent);
  const w = 160;
  const h = 40;
  const points = history
    .map((p) => `${(((p.at - first.at) / span) * w).toFixed(1)},${(h - (p.sent / top) * h).toFixed(1)}`)
    .join(' ');
  const rate = ((last.sent - first.sent) / (span / 1000)).toFixed(1);
  return (
    <div className="cmp-count cmp-chart">
      <svg width={w} height={h} viewBox={`0 0 ${w} ${h}`} role="img" aria-label={`Sends over time: ${rate} a second`}>
        <polyline points={points} fill="none" stroke="currentColor" strokeWidth={2} />
      </svg>
      <span className="hint">{rate} msg/s while watched</span>
    </div>
  );
}

const OUTCOME_LABEL: Record<Outcome, string> = {
  pending: 'Waiting',
  queued: 'Queued',
  sent: 'Sent',
  delivered: 'Delivered',
  read: 'Read',
  replied: 'Replied',
  failed: 'Failed',
  skipped: 'Skipped',
  excluded: 'Excluded',
};

function Recipients({ campaign, version }: { campaign: Campaign; version: number }) {
  const { client } = useApp();
  const [outcome, setOutcome] = useState<Outcome | ''>('');
  const [step, setStep] = useState<number | ''>('');
  const [rows, setRows] = useState<CampaignRecipient[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [more, setMore] = useState(false);
  const [error, setError] = useState('');
  const [exporting, setExporting] = useState(false);
  const query = {
    ...(outcome ? { outcome } : {}),
    ...(step !== '' && outcome && outcome !== 'excluded' ? { step } : {}),
  };
  const key = JSON.stringify(query);

  // the first page follows the filter and the live counts (a reload only when nothing more was paged in)
  useEffect(() => {
    if (more) return;
    let stale = false;
    client
      .campaignRecipients(campaign.id, { ...query, limit: 50 })
      .then((page) => {
        if (stale) return;
        setRows(page.data);
        setCursor(page.nextCursor);
        setError('');
      })
      .catch((err: unknown) => !stale && setError(errorText(err)));
    return () => {
      stale = true;
    };
  }, [client, campaign.id, key, version]);

  const loadMore = async () => {
    if (!cursor) return;
    try {
      const page = await client.campaignRecipients(campaign.id, { ...query, limit: 50, cursor });
      setRows((r) => [...(r ?? []), ...page.data]);
      setCursor(page.nextCursor);
      setMore(true);
    } catch (err) {
      setError(errorText(err));
    }
  };

  const exportCsv = async () => {
    setExporting(true);
    try {
      const text = await client.exportCampaignRecipients(campaign.id, query);
      const url = URL.createObjectURL(new Blob([text], { type: 'text/csv' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = `${campaign.name.replace(/[^\w-]+/g, '-')}-recipients${outcome ? `-${outcome}` : ''}.csv`;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setExporting(false);
    }
  };

  return (
    <div className="cmp-recipients" aria-labelledby="rcp-title">
      <div className="cmp-head">
        <h3 id="rcp-title">Recipients</h3>
        <label className="cmp-inline">
          <span>Outcome</span>
          <select
            aria-label="Outcome"
            value={outcome}
            onChange={(e) => {
              setMore(false);
              setOutcome(e.target.value as Outcome | '');
            }}
          >
            <option value="">All</option>
            {OUTCOMES.map((o) => (
              <option key={o} value={o}>
                {OUTCOME_LABEL[o]}
              </option>
            ))}
          </select>
        </label>
        {campaign.steps.length > 1 && outcome && outcome !== 'excluded' && (
          <label className="cmp-inline">
            <span>in</span>
            <select
              aria-label="Outcome in step"
              value={String(step)}
              onChange={(e) => {
                setMore(false);
                setStep(e.target.value === '' ? '' : Number(e.target.value));
              }}
            >
              <option value="">any step</option>
              {campaign.steps.map((_, i) => (
                <option key={i} value={i}>
                  step {i + 1}
                </option>
              ))}
            </select>
          </label>
        )}
        <button type="button" onClick={() => void exportCsv()} disabled={exporting}>
          <Icon name="download" /> {exporting ? 'Exporting…' : 'Export CSV'}
        </button>
      </div>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {rows === null ? (
        <p className="empty" role="status">
          Loading…
        </p>
      ) : rows.length === 0 ? (
        <p className="empty">No recipients {outcome ? `with the outcome “${OUTCOME_LABEL[outcome]}”` : 'yet'}.</p>
      ) : (
        <table className="cmp-table cmp-recipient-table">
          <thead>
            <tr>
              <th scope="col">Contact</th>
              {campaign.steps.map((_, i) => (
                <th key={i} scope="col">
                  Step {i + 1}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id} data-recipient={r.contactId}>
                <th scope="row">
                  {r.name ?? r.contactId}
                  {r.status === 'excluded' && (
                    <span className="cmp-excluded"> excluded: {reasonLabel(r.reason ?? 'unknown')}</span>
                  )}
                  <small className="cmp-since"> {shortTime(r.createdAt)}</small>
                </th>
                {campaign.steps.map((_, i) => {
                  const job = r.steps.find((s) => s.stepIndex === i);
                  return (
                    <td key={i} data-step={i} data-outcome={job ? jobOutcome(job) : ''} data-label={`Step ${i + 1}`}>
                      {job ? <JobCell job={job} /> : <span className="hint">—</span>}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {cursor && (
        <button type="button" onClick={() => void loadMore()}>
          More recipients
        </button>
      )}
    </div>
  );
}

type Job = CampaignRecipient['steps'][number];

/** one word for where a recipient's step is */
function jobOutcome(job: Job): string {
  if (job.status === 'queued') {
    if (job.replied) return 'replied';
    return job.messageStatus ?? 'queued';
  }
  if (job.status === 'claimed') return 'pending';
  return job.status;
}

function JobCell({ job }: { job: Job }) {
  const outcome = jobOutcome(job);
  const why = job.failureCode ?? job.reason;
  return (
    <span className={`cmp-job cmp-job-${outcome}`}>
      {OUTCOME_LABEL[outcome as Outcome] ?? outcome}
      {job.status === 'queued' && job.replied && job.messageStatus ? ` (${job.messageStatus})` : ''}
      {why && outcome !== 'replied' && (
        <small>
          {' '}
          {reasonLabel(why)}
          {/* a time-of-day job knows its local time once worked out: say when that is here */}
          {job.reason === 'local_time' && outcome === 'pending' ? `: ${fullTime(job.dueAt)}` : ''}
        </small>
      )}
    </span>
  );
}
