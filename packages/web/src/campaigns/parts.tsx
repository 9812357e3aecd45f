/** @module web/campaigns/parts: the small pieces the campaign pages share — a state badge, a progress bar, an action button that asks before it starts or cancels. */
import { useEffect, useState } from 'react';
import { STATUS_LABEL, type CampaignStatus } from './campaign-model.ts';

export function StatusBadge({ status }: { status: CampaignStatus }) {
  return (
    <span className={`cmp-status cmp-status-${status}`} data-status={status}>
      {STATUS_LABEL[status]}
    </span>
  );
}

/** value 0..1 */
export function ProgressBar({ value, label }: { value: number; label: string }) {
  const pct = Math.round(Math.max(0, Math.min(1, value)) * 100);
  return (
    <div
      className="cmp-progress"
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={pct}
    >
      <span style={{ width: `${pct}%` }} />
    </div>
  );
}

const ACTION_LABEL = {
  start: 'Start',
  pause: 'Pause',
  resume: 'Resume',
  cancel: 'Cancel',
  duplicate: 'Duplicate',
} as const;

/** start and cancel cannot be taken back: the first click asks, the second does it (or it calms down after 5 s) */
export function ActionButton({
  action,
  name,
  audience,
  onClick,
}: {
  action: keyof typeof ACTION_LABEL;
  name: string;
  audience?: number | undefined;
  onClick: () => Promise<void>;
}) {
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (!asking) return;
    const t = setTimeout(() => setAsking(false), 5000);
    return () => clearTimeout(t);
  }, [asking]);
  const confirm = action === 'start' || action === 'cancel';
  const run = async () => {
    if (confirm && !asking) return setAsking(true);
    setAsking(false);
    setBusy(true);
    try {
      await onClick();
    } finally {
      setBusy(false);
    }
  };
  const text = asking
    ? action === 'start'
      ? `Send to ${audience ?? 'the audience'}?`
      : 'Cancel for good?'
    : ACTION_LABEL[action];
  return (
    <button
      type="button"
      className={`cmp-action cmp-action-${action}${asking ? ' cmp-asking' : ''}`}
      data-action={action}
      disabled={busy}
      aria-label={asking ? `${text} (${name})` : `${ACTION_LABEL[action]} ${name}`}
      onClick={() => void run()}
    >
      {text}
    </button>
  );
}
