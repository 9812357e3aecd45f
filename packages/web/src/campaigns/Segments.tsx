/**
 * @module web/campaigns/Segments: saved segments (#/campaigns/segments) and the segment editor — AND/OR groups of
 * conditions on attributes, tags, channels, conversation status, last inbound time and created date, with the count
 * and a few matching contacts shown as the filter changes (POST /segments/preview saves nothing).
 */
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { Segment, SegmentFilter, SegmentPreview } from '../../../sdk/src/index.ts';
import { useApp } from '../app-context.ts';
import { contactName, errorText } from '../format.ts';
import { Icon } from '../icons.tsx';
import {
  defaultCondition,
  FIELD_LABEL,
  fromEdit,
  isGroup,
  MAX_DEPTH,
  OPS,
  toEdit,
  withOp,
  type EditCondition,
  type EditGroup,
  type EditNode,
  type SegmentField,
} from './campaign-model.ts';

export function SegmentsPage({ selectedId }: { selectedId?: string | undefined }) {
  const { client, types } = useApp();
  const [segments, setSegments] = useState<Segment[] | null>(null);
  const [counts, setCounts] = useState<Record<string, number>>({});
  const [error, setError] = useState('');
  const [editing, setEditing] = useState<Segment | 'new' | null>(null);

  const load = useCallback(async () => {
    try {
      const list = await client.listSegments();
      setSegments(list);
      const entries = await Promise.all(
        list.slice(0, 50).map(async (s) => [s.id, (await client.getSegment(s.id)).count ?? 0] as const),
      );
      setCounts(Object.fromEntries(entries));
    } catch (err) {
      setError(errorText(err));
    }
  }, [client]);
  useEffect(() => void load(), [load]);
  useEffect(() => {
    if (selectedId && segments) setEditing(segments.find((s) => s.id === selectedId) ?? null);
  }, [selectedId, segments]);

  const remove = async (s: Segment) => {
    setError('');
    try {
      await client.deleteSegment(s.id);
      await load();
    } catch (err) {
      setError(errorText(err));
    }
  };

  return (
    <section className="cmp-page" aria-labelledby="seg-title">
      <div className="cmp-head">
        <h2 id="seg-title">Segments</h2>
        <button type="button" className="primary" onClick={() => setEditing('new')}>
          <Icon name="plus" /> New segment
        </button>
      </div>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {editing && (
        <SegmentEditor
          segment={editing === 'new' ? undefined : editing}
          onSaved={() => {
            setEditing(null);
            void load();
          }}
          onCancel={() => setEditing(null)}
        />
      )}
      {segments === null ? (
        <p className="empty" role="status">
          Loading…
        </p>
      ) : segments.length === 0 ? (
        <p className="empty">
          No segments yet. A segment is a saved filter over your contacts, counted when you need it.
        </p>
      ) : (
        <ul className="cmp-list" aria-label="Segments">
          {segments.map((s) => (
            <li key={s.id} className="cmp-card" data-segment={s.id}>
              <div className="cmp-card-main">
                <strong className="cmp-card-name">{s.name}</strong>
                <span className="cmp-card-meta" data-field="count">
                  {counts[s.id] ?? '…'} contacts now
                </span>
              </div>
              <p className="cmp-card-meta">{describeFilter(s.filter, types)}</p>
              <div className="cmp-card-actions">
                <button type="button" onClick={() => setEditing(s)} aria-label={`Edit ${s.name}`}>
                  <Icon name="edit" /> Edit
                </button>
                <button type="button" onClick={() => void remove(s)} aria-label={`Delete ${s.name}`}>
                  Delete
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** a filter in one line: "Tag has vip and (City is Berlin or …)" */
export function describeFilter(filter: SegmentFilter, channelNames?: Map<string, { displayName: string }>): string {
  const node = (n: EditNode, top: boolean): string => {
    if (isGroup(n)) {
      const inner = n.children.map((c) => node(c, false)).join(n.kind === 'all' ? ' and ' : ' or ');
      return top || n.children.length < 2 ? inner : `(${inner})`;
    }
    const op = OPS[n.field].find(([o]) => o === n.op)?.[1] ?? n.op;
    const subject = n.field === 'attribute' ? (n.key ?? '') : FIELD_LABEL[n.field];
    if (n.op === 'exists' || n.op === 'not_exists') return `${subject} ${op}`;
    if (n.op === 'within_days' || n.op === 'not_within_days') return `${subject} ${op.replace('…', String(n.value))}`;
    const value =
      n.op === 'before' || n.op === 'after'
        ? new Date(String(n.value)).toLocaleDateString()
        : n.field === 'channel'
          ? (channelNames?.get(String(n.value))?.displayName ?? n.value)
          : n.value;
    return `${subject} ${op} ${String(value)}`;
  };
  return node(toEdit(filter), true) || 'Everyone';
}

/** name + filter tree + live count; saves a new segment or changes one, answers the saved segment */
export function SegmentEditor({
  segment,
  onSaved,
  onCancel,
}: {
  segment?: Segment | undefined;
  onSaved: (s: Segment) => void;
  onCancel: () => void;
}) {
  const { client } = useApp();
  const [name, setName] = useState(segment?.name ?? '');
  const [root, setRoot] = useState<EditGroup>(() =>
    segment ? toEdit(segment.filter) : { kind: 'all', children: [defaultCondition('tag')] },
  );
  const [preview, setPreview] = useState<SegmentPreview | null>(null);
  const [previewError, setPreviewError] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const built = fromEdit(root);
  const builtKey = JSON.stringify(built);

  // the count follows the filter, a moment after the last change
  useEffect(() => {
    if ('problem' in built) {
      setPreview(null);
      setPreviewError(built.problem);
      return;
    }
    const t = setTimeout(() => {
      client
        .previewSegment(built.filter)
        .then((p) => {
          setPreview(p);
          setPreviewError('');
        })
        .catch((err: unknown) => setPreviewError(errorText(err)));
    }, 300);
    return () => clearTimeout(t);
    // builtKey stands for the filter's content
  }, [client, builtKey]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if ('problem' in built) return setError(built.problem);
    setBusy(true);
    setError('');
    try {
      const saved = segment
        ? await client.updateSegment(segment.id, { name, filter: built.filter })
        : await client.createSegment({ name, filter: built.filter });
      onSaved(saved);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="cmp-panel seg-editor" aria-label="Segment" onSubmit={(e) => void submit(e)}>
      <label className="cmp-field">
        <span>Segment name</span>
        <input value={name} required maxLength={200} onChange={(e) => setName(e.target.value)} />
      </label>
      <GroupEditor group={root} depth={1} onChange={setRoot} />
      <div className="seg-preview" aria-live="polite">
        {preview ? (
          <>
            <strong data-field="segment-count">{preview.count}</strong>{' '}
            {preview.count === 1 ? 'contact matches' : 'contacts match'} now
            {preview.sample.length > 0 && (
              <span className="hint"> — {preview.sample.map((c) => contactName(c)).join(', ')}</span>
            )}
          </>
        ) : (
          <span className="hint">{previewError || 'Counting…'}</span>
        )}
      </div>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <div className="row">
        <button type="submit" disabled={busy || !name.trim()}>
          {segment ? 'Save segment' : 'Create segment'}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function GroupEditor({
  group,
  depth,
  onChange,
  onRemove,
}: {
  group: EditGroup;
  depth: number;
  onChange: (g: EditGroup) => void;
  onRemove?: () => void;
}) {
  const set = (i: number, n: EditNode) =>
    onChange({ ...group, children: group.children.map((c, j) => (j === i ? n : c)) });
  const drop = (i: number) => onChange({ ...group, children: group.children.filter((_, j) => j !== i) });
  return (
    <fieldset className={`seg-group seg-depth-${depth}`} data-depth={depth}>
      <legend>
        <label>
          <span className="sr-only">Match</span>
          <select
            aria-label={depth === 1 ? 'Match' : `Match (group at level ${depth})`}
            value={group.kind}
            onChange={(e) => onChange({ ...group, kind: e.target.value as 'all' | 'any' })}
          >
            <option value="all">All of these (AND)</option>
            <option value="any">Any of these (OR)</option>
          </select>
        </label>
        {onRemove && (
          <button type="button" className="link" onClick={onRemove} aria-label="Remove this group">
            <Icon name="close" /> Remove group
          </button>
        )}
      </legend>
      {group.children.map((child, i) =>
        isGroup(child) ? (
          <GroupEditor key={i} group={child} depth={depth + 1} onChange={(g) => set(i, g)} onRemove={() => drop(i)} />
        ) : (
          <ConditionEditor key={i} condition={child} onChange={(c) => set(i, c)} onRemove={() => drop(i)} index={i} />
        ),
      )}
      <div className="row seg-add">
        <button
          type="button"
          onClick={() => onChange({ ...group, children: [...group.children, defaultCondition('tag')] })}
        >
          <Icon name="plus" /> Condition
        </button>
        {depth < MAX_DEPTH && (
          <button
            type="button"
            onClick={() =>
              onChange({
                ...group,
                children: [
                  ...group.children,
                  { kind: group.kind === 'all' ? 'any' : 'all', children: [defaultCondition('tag')] },
                ],
              })
            }
          >
            <Icon name="plus" /> Group
          </button>
        )}
      </div>
    </fieldset>
  );
}

function ConditionEditor({
  condition: c,
  onChange,
  onRemove,
  index,
}: {
  condition: EditCondition;
  onChange: (c: EditCondition) => void;
  onRemove: () => void;
  index: number;
}) {
  const { types } = useApp();
  const n = index + 1;
  const isDate = c.field === 'lastInboundAt' || c.field === 'createdAt';
  const days = c.op === 'within_days' || c.op === 'not_within_days';
  return (
    <div className="seg-condition" data-field={c.field}>
      <select
        aria-label={`Condition ${n}: field`}
        value={c.field}
        onChange={(e) => onChange(defaultCondition(e.target.value as SegmentField))}
      >
        {(Object.keys(FIELD_LABEL) as SegmentField[]).map((f) => (
          <option key={f} value={f}>
            {FIELD_LABEL[f]}
          </option>
        ))}
      </select>
      {c.field === 'attribute' && (
        <input
          aria-label={`Condition ${n}: attribute name`}
          placeholder="attribute, e.g. city"
          value={c.key ?? ''}
          onChange={(e) => onChange({ ...c, key: e.target.value })}
        />
      )}
      <select
        aria-label={`Condition ${n}: operator`}
        value={c.op}
        onChange={(e) => onChange(withOp(c, e.target.value))}
      >
        {OPS[c.field].map(([op, label]) => (
          <option key={op} value={op}>
            {label}
          </option>
        ))}
      </select>
      {c.field === 'channel' ? (
        <select
          aria-label={`Condition ${n}: channel`}
          value={String(c.value ?? '')}
          onChange={(e) => onChange({ ...c, value: e.target.value })}
        >
          <option value="">Choose a channel…</option>
          {[...types.values()].map((t) => (
            <option key={t.type} value={t.type}>
              {t.displayName}
            </option>
          ))}
        </select>
      ) : c.field === 'conversationStatus' ? (
        <select
          aria-label={`Condition ${n}: status`}
          value={String(c.value ?? 'open')}
          onChange={(e) => onChange({ ...c, value: e.target.value })}
        >
          <option value="open">open</option>
          <option value="pending">pending</option>
          <option value="resolved">resolved</option>
        </select>
      ) : isDate && days ? (
        <input
          aria-label={`Condition ${n}: days`}
          type="number"
          min={0}
          max={36500}
          value={String(c.value ?? '')}
          onChange={(e) => onChange({ ...c, value: e.target.value === '' ? '' : Number(e.target.value) })}
        />
      ) : isDate ? (
        <input
          aria-label={`Condition ${n}: date`}
          type="date"
          value={String(c.value ?? '').slice(0, 10)}
          onChange={(e) => onChange({ ...c, value: e.target.value })}
        />
      ) : c.op === 'exists' || c.op === 'not_exists' ? null : (
        <input
          aria-label={`Condition ${n}: value`}
          placeholder={c.field === 'tag' ? 'tag' : 'value'}
          value={String(c.value ?? '')}
          onChange={(e) => onChange({ ...c, value: e.target.value })}
        />
      )}
      <button type="button" className="link" onClick={onRemove} aria-label={`Remove condition ${n}`}>
        <Icon name="close" />
      </button>
    </div>
  );
}
