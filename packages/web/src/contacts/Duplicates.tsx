/**
 * @module web/contacts/Duplicates: the contacts that may be the same customer (GET /contacts/{id}/duplicates: a
 * shared phone or email, or the same name on another channel), each with its reasons, and a Merge that asks again
 * in place. The hub never merges on its own; merging moves the other contact's channels, conversations, attributes
 * and tags into this one (this contact's values win) and the other id then points here.
 */
import { useEffect, useState } from 'react';
import type { ContactDuplicate } from '../../../sdk/src/index.ts';
import { useApp } from '../app-context.ts';
import { errorText } from '../format.ts';

const REASON: Record<string, string> = { phone: 'same phone', email: 'same email', name: 'same name' };

export function Duplicates({ contactId, onMerged }: { contactId: string; onMerged: () => void }) {
  const { client } = useApp();
  const [found, setFound] = useState<ContactDuplicate[]>([]);
  const [asking, setAsking] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');

  useEffect(() => {
    let live = true;
    client
      .contactDuplicates(contactId)
      .then((d) => live && setFound(d))
      .catch(() => live && setFound([]));
    return () => {
      live = false;
    };
  }, [client, contactId]);

  if (found.length === 0) return null;
  const merge = async (otherId: string) => {
    setBusy(true);
    setError('');
    try {
      const result = await client.mergeContacts(contactId, otherId);
      setFound((list) => list.filter((d) => d.contact.id !== otherId));
      setAsking(null);
      const kept = Object.keys(result.conflicts);
      if (kept.length > 0)
        setError(`Merged; the other contact's ${kept.join(', ')} differed and this contact's values were kept.`);
      onMerged();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="duplicates-title" className="duplicates">
      <h4 id="duplicates-title">Possible duplicates</h4>
      <ul>
        {found.map((d) => {
          const name = d.contact.name || d.contact.id;
          return (
            <li key={d.contact.id} data-duplicate={d.contact.id}>
              <span className="duplicate-name">{name}</span>
              <small>{d.reasons.map((r) => `${REASON[r.kind] ?? r.kind} ${r.value}`).join(' · ')}</small>
              {asking === d.contact.id ? (
                <span className="confirm">
                  <button type="button" className="primary" disabled={busy} onClick={() => void merge(d.contact.id)}>
                    Merge {name} into this contact
                  </button>
                  <button type="button" disabled={busy} onClick={() => setAsking(null)}>
                    Cancel
                  </button>
                </span>
              ) : (
                <button type="button" aria-label={`Merge ${name}`} onClick={() => setAsking(d.contact.id)}>
                  Merge
                </button>
              )}
            </li>
          );
        })}
      </ul>
      {error && <p className="hint">{error}</p>}
    </section>
  );
}
