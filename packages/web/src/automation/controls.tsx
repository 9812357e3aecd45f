/** @module web/automation/controls: the small controls and formatters the automation pages share (copy field, two-step delete, times). */
import { useEffect, useState, type ReactNode } from 'react';
import { ApiError, type RoutingWarning } from '../../../sdk/src/index.ts';
import { Icon } from './icons.tsx';

/** the server's own message for API errors (e.g. the 409 naming the agent that holds inbound) */
export function errorText(err: unknown): string {
  if (err instanceof ApiError) return err.message || `${err.status} ${err.code}`;
  return err instanceof Error ? err.message : String(err);
}

export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toDateString() === new Date().toDateString() ? d.toLocaleTimeString() : d.toLocaleString();
}

/** a Date as the value of an <input type="datetime-local"> (local time, seconds) */
export function toLocalInput(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** a datetime-local value (local time) as an ISO instant */
export function toIso(local: string): string {
  return new Date(local).toISOString();
}

export function CopyField({ label, value, id }: { label: string; value: string; id: string }) {
  const [done, setDone] = useState(false);
  useEffect(() => {
    if (!done) return;
    const t = setTimeout(() => setDone(false), 1500);
    return () => clearTimeout(t);
  }, [done]);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
    } catch {
      const t = document.createElement('textarea');
      t.value = value;
      document.body.append(t);
      t.select();
      document.execCommand('copy');
      t.remove();
    }
    setDone(true);
  };
  return (
    <span className="au-copy">
      <label htmlFor={id}>{label}</label>
      <input id={id} readOnly value={value} onFocus={(e) => e.target.select()} />
      <button type="button" onClick={() => void copy()} aria-label={`Copy ${label.toLowerCase()}`}>
        <Icon name={done ? 'check' : 'copy'} /> {done ? 'Copied' : 'Copy'}
      </button>
    </span>
  );
}

/** a destructive action that asks once more in place (keyboard-usable, no window.confirm) */
export function ConfirmButton({
  label,
  onConfirm,
  children,
}: {
  label: string;
  onConfirm: () => void;
  children: ReactNode;
}) {
  const [asking, setAsking] = useState(false);
  if (!asking)
    return (
      <button type="button" className="au-danger" aria-label={label} onClick={() => setAsking(true)}>
        {children}
      </button>
    );
  return (
    <span className="au-confirm" role="group" aria-label={`${label}?`}>
      <button
        type="button"
        className="au-danger-solid"
        onClick={() => {
          setAsking(false);
          onConfirm();
        }}
      >
        Confirm
      </button>
      <button type="button" onClick={() => setAsking(false)} autoFocus>
        Cancel
      </button>
    </span>
  );
}

/** an on/off switch with a visible label */
export function Switch({
  label,
  checked,
  onChange,
  disabled,
  ariaLabel,
}: {
  label: string;
  checked: boolean;
  onChange: (v: boolean) => void;
  disabled?: boolean;
  ariaLabel?: string;
}) {
  return (
    <label className="au-switch">
      <input
        type="checkbox"
        role="switch"
        checked={checked}
        disabled={disabled}
        onChange={(e) => onChange(e.target.checked)}
        aria-label={ariaLabel}
      />
      <span>{label}</span>
    </label>
  );
}

/**
 * what the server found will not work as set up (a rule that never fires, two agents for one connection, a team
 * without members): a save succeeds all the same, so these are notes, not errors
 */
export function RoutingWarnings({ warnings, label }: { warnings: RoutingWarning[]; label: string }) {
  if (warnings.length === 0) return null;
  return (
    <ul className="au-warnings" aria-label={label}>
      {warnings.map((w, i) => (
        <li key={`${w.code}-${w.ruleId ?? ''}-${i}`} className="au-warning" data-warning={w.code}>
          {w.message}
        </li>
      ))}
    </ul>
  );
}
