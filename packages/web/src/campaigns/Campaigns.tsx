/**
 * @module web/campaigns/Campaigns: the Campaigns area (#/campaigns/…), admins and owners only — the list of
 * campaigns with state, audience size, progress and actions; the builder for drafts (#/campaigns/new,
 * #/campaigns/{id}/edit); a started campaign's live page (#/campaigns/{id}); saved segments (#/campaigns/segments).
 */
import { useCallback, useEffect, useState } from 'react';
import type { Campaign, CampaignStats } from '../../../sdk/src/index.ts';
import { atLeast, useApp } from '../app-context.ts';
import { errorText, shortTime } from '../format.ts';
import { Icon } from '../icons.tsx';
import { useHash } from '../use-hash.ts';
import { CampaignBuilder } from './CampaignBuilder.tsx';
import { CampaignPage } from './CampaignPage.tsx';
import { actionsFor, overallProgress, type CampaignStatus } from './campaign-model.ts';
import { ActionButton, ProgressBar, StatusBadge } from './parts.tsx';
import { SegmentsPage } from './Segments.tsx';
import './campaigns.css';

export const campaignHref = (id?: string, edit = false): string =>
  id ? `#/campaigns/${encodeURIComponent(id)}${edit ? '/edit' : ''}` : '#/campaigns';

export function Campaigns() {
  const { me } = useApp();
  const hash = useHash();
  if (!atLeast(me.role, 'admin'))
    return (
      <section className="cmp-page">
        <h2>Campaigns</h2>
        <p className="empty">Campaigns are managed by admins and owners.</p>
      </section>
    );
  const [, first, second] = /^#\/campaigns\/?([^/]*)\/?([^/]*)/.exec(hash) ?? [];
  const tab = first === 'segments' ? 'segments' : 'campaigns';
  let body;
  if (first === 'segments') body = <SegmentsPage selectedId={second ? decodeURIComponent(second) : undefined} />;
  else if (first === 'new') body = <CampaignBuilder key="new" />;
  else if (first && second === 'edit') body = <CampaignBuilder key={first} campaignId={decodeURIComponent(first)} />;
  else if (first) body = <CampaignPage key={first} campaignId={decodeURIComponent(first)} />;
  else body = <CampaignList />;
  return (
    <div className="cmp-shell">
      <nav className="cmp-tabs" aria-label="Campaigns">
        <a href="#/campaigns" aria-current={tab === 'campaigns' ? 'page' : undefined}>
          <Icon name="send" /> Campaigns
        </a>
        <a href="#/campaigns/segments" aria-current={tab === 'segments' ? 'page' : undefined}>
          <Icon name="list" /> Segments
        </a>
      </nav>
      <div className="cmp-body">{body}</div>
    </div>
  );
}

interface Row {
  campaign: Campaign;
  stats?: CampaignStats;
  /** drafts and scheduled campaigns: the audience as it is now */
  audienceNow?: number;
}

function CampaignList() {
  const { client, subscribe } = useApp();
  const [rows, setRows] = useState<Row[] | null>(null);
  const [error, setError] = useState('');

  const load = useCallback(async () => {
    try {
      const list = (await client.listCampaigns()).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
      // the first fifty get their numbers: drafts the audience as it is now, the others their frozen statistics
      const detailed = await Promise.all(
        list.map(async (campaign, i): Promise<Row> => {
          if (i >= 50) return { campaign };
          if (campaign.status === 'draft' || campaign.status === 'scheduled') {
            const full = await client.getCampaign(campaign.id).catch(() => campaign);
            return { campaign: full, audienceNow: full.audienceCount };
          }
          return { campaign, stats: await client.campaignStats(campaign.id).catch(() => undefined) };
        }),
      );
      setRows(detailed);
      setError('');
    } catch (err) {
      setError(errorText(err));
    }
  }, [client]);

  useEffect(() => {
    void load();
    return subscribe((e) => {
      if (e.type === 'campaign.status' || e.type === 'stream.open') void load();
      if (e.type === 'campaign.progress') {
        const { campaignId, ...stats } = e.data as { campaignId: string } & Omit<CampaignStats, 'status'>;
        setRows(
          (prev) =>
            prev?.map((r) =>
              r.campaign.id === campaignId
                ? { ...r, stats: { ...stats, status: r.stats?.status ?? r.campaign.status } as CampaignStats }
                : r,
            ) ?? prev,
        );
      }
    });
  }, [load, subscribe]);

  const act = async (campaign: Campaign, action: ReturnType<typeof actionsFor>[number]) => {
    setError('');
    try {
      const result = await client.campaignAction(campaign.id, action);
      if (action === 'duplicate') location.hash = campaignHref(result.id, true);
      else await load();
    } catch (err) {
      setError(errorText(err));
    }
  };

  return (
    <section className="cmp-page" aria-labelledby="cmp-title">
      <div className="cmp-head">
        <h2 id="cmp-title">Campaigns</h2>
        <a className="cmp-button primary" href="#/campaigns/new">
          <Icon name="plus" /> New campaign
        </a>
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
        <p className="empty">
          No campaigns yet. A campaign sends one or more steps — a WhatsApp template, an SMS, an email — to a segment or
          a list of contacts, paced at each sender&apos;s limits.
        </p>
      ) : (
        <ul className="cmp-list" aria-label="Campaigns">
          {rows.map((row) => (
            <CampaignRow key={row.campaign.id} row={row} act={act} />
          ))}
        </ul>
      )}
    </section>
  );
}

function CampaignRow({
  row,
  act,
}: {
  row: Row;
  act: (c: Campaign, a: ReturnType<typeof actionsFor>[number]) => Promise<void>;
}) {
  const { campaign, stats } = row;
  const status = campaign.status as CampaignStatus;
  const audience = stats && status !== 'draft' ? stats.audience : row.audienceNow;
  const progress = stats && status !== 'draft' && status !== 'scheduled' ? overallProgress({ ...stats, status }) : 0;
  const sent = stats?.steps.reduce((a, s) => a + s.sent, 0) ?? 0;
  const failed = stats?.steps.reduce((a, s) => a + s.failed, 0) ?? 0;
  const href = status === 'draft' ? campaignHref(campaign.id, true) : campaignHref(campaign.id);
  return (
    <li className="cmp-card" data-campaign={campaign.id} data-status={status}>
      <div className="cmp-card-main">
        <a className="cmp-card-name" href={href}>
          {campaign.name}
        </a>
        <StatusBadge status={status} />
        <span className="cmp-card-meta">
          {campaign.steps.length} {campaign.steps.length === 1 ? 'step' : 'steps'}
          {status === 'scheduled' && campaign.scheduledAt ? ` · starts ${shortTime(campaign.scheduledAt)}` : ''}
          {campaign.startedAt ? ` · started ${shortTime(campaign.startedAt)}` : ''}
        </span>
      </div>
      <div className="cmp-card-numbers">
        <span data-field="audience" title="recipients (before the start: who the audience holds now)">
          <strong>{audience ?? '…'}</strong>{' '}
          {status === 'draft' || status === 'scheduled' ? 'in audience' : 'recipients'}
        </span>
        {status !== 'draft' && status !== 'scheduled' && (
          <>
            <span data-field="sent">
              <strong>{sent}</strong> sent
            </span>
            {failed > 0 && (
              <span data-field="failed" className="cmp-bad">
                <strong>{failed}</strong> failed
              </span>
            )}
          </>
        )}
      </div>
      {status !== 'draft' && status !== 'scheduled' && (
        <ProgressBar value={progress} label={`${campaign.name}: ${Math.round(progress * 100)} % done`} />
      )}
      {campaign.statusReason && status === 'paused' && <p className="cmp-reason">{campaign.statusReason}</p>}
      <div className="cmp-card-actions">
        {status === 'draft' && (
          <a className="cmp-button" href={campaignHref(campaign.id, true)}>
            <Icon name="edit" /> Edit
          </a>
        )}
        {actionsFor(status).map((a) => (
          <ActionButton key={a} action={a} name={campaign.name} audience={audience} onClick={() => act(campaign, a)} />
        ))}
      </div>
    </li>
  );
}
