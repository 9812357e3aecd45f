/** @module web/settings/CopyButton: copies a value (webhook URL, verify token, initial password) with feedback. */
import { useState } from 'react';
import { Icon } from '../icons.tsx';

export function CopyButton({ text, label }: { text: string; label: string }) {
  const [done, setDone] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      // no clipboard permission (plain http, headless): the old way
      const t = document.createElement('textarea');
      t.value = text;
      document.body.append(t);
      t.select();
      document.execCommand('copy');
      t.remove();
    }
    setDone(true);
    setTimeout(() => setDone(false), 1500);
  };
  return (
    <button type="button" onClick={() => void copy()} aria-label={label} title={label}>
      <Icon name={done ? 'check' : 'copy'} /> <span>{done ? 'Copied' : 'Copy'}</span>
    </button>
  );
}

/** a read-only value with a copy button */
export function CopyField({
  id,
  label,
  value,
  copyLabel,
}: {
  id: string;
  label: string;
  value: string;
  copyLabel: string;
}) {
  return (
    <span className="copy-field">
      <label htmlFor={id}>{label}</label>
      <input id={id} readOnly value={value} onFocus={(e) => e.target.select()} />
      <CopyButton text={value} label={copyLabel} />
    </span>
  );
}
