/**
 * @module web/settings/MetaConnect: "Connect with Meta" in the add form of Messenger, Instagram and WhatsApp. The
 * switch opens Facebook's dialog (the server's OAuth flow, core/meta-connect); it is disabled, saying why, when the
 * server has no Meta app, and the manual form (Advanced mode) stays either way. Back from Facebook, the app lands
 * on #/settings?metaGrant=… and the picker lists what the person granted.
 */
import { useEffect, useState, type FormEvent } from 'react';
import type { Connection, MetaConnectAccounts, MetaConnectStatus } from '../../../sdk/src/index.ts';
import { useApp } from '../app-context.ts';
import { errorText } from '../format.ts';

/** the switch above the manual fields; `on` hides them */
export function MetaConnectSwitch({
  type,
  status,
  on,
  onChange,
}: {
  type: string;
  status: MetaConnectStatus;
  on: boolean;
  onChange: (on: boolean) => void;
}) {
  const { client } = useApp();
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const go = async () => {
    setBusy(true);
    setError('');
    try {
      const { dialogUrl } = await client.startMetaConnect(type);
      location.assign(dialogUrl);
    } catch (err) {
      setError(errorText(err));
      setBusy(false);
    }
  };
  return (
    <div className="meta-connect">
      <label className="row">
        <input
          type="checkbox"
          role="switch"
          aria-describedby="meta-connect-reason"
          checked={status.enabled && on}
          disabled={!status.enabled}
          onChange={(e) => onChange(e.target.checked)}
        />
        Connect with Meta
      </label>
      <small id="meta-connect-reason">
        {status.enabled
          ? on
            ? 'Log in with Facebook and pick the account; no ids or tokens to paste.'
            : 'Advanced mode: paste the ids and tokens yourself.'
          : status.reason}
      </small>
      {status.enabled && on && (
        <div className="row">
          <button type="button" disabled={busy} onClick={() => void go()}>
            Continue with Facebook
          </button>
        </div>
      )}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </div>
  );
}

/** back from Facebook: the accounts of the grant, one to pick, the connection created from it */
export function MetaGrantPicker({
  grantId,
  onSaved,
  onDone,
}: {
  grantId: string;
  onSaved: (c: Connection) => void;
  onDone: () => void;
}) {
  const { client } = useApp();
  const [accounts, setAccounts] = useState<MetaConnectAccounts | null>(null);
  const [pick, setPick] = useState('');
  const [name, setName] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    client
      .metaConnectAccounts(grantId)
      .then(setAccounts)
      .catch((err: unknown) => setError(errorText(err)));
  }, [client, grantId]);
  const options = !accounts
    ? []
    : accounts.channelType === 'whatsapp'
      ? accounts.whatsapp.map((w) => ({
          id: w.businessAccountId,
          label: `${w.businessAccountId}: ${w.phoneNumbers.map((p) => p.displayPhoneNumber ?? p.id).join(', ')}`,
        }))
      : accounts.pages.map((p) =>
          accounts.channelType === 'instagram' && p.instagram
            ? { id: p.instagram.id, label: `@${p.instagram.username ?? p.instagram.id} (${p.name})` }
            : { id: p.id, label: p.name },
        );
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError('');
    try {
      onSaved(await client.createMetaConnection(grantId, { accountId: pick, name: name.trim() }));
      onDone();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="connection-form" aria-label="Pick the Meta account" onSubmit={(e) => void submit(e)}>
      <fieldset>
        <legend>Connect with Meta{accounts ? `: ${accounts.channelType}` : ''}</legend>
        {accounts && options.length === 0 && <p className="empty">Nothing was granted for this channel.</p>}
        {options.map((o) => (
          <label key={o.id} className="row">
            <input
              type="radio"
              name="meta-account"
              value={o.id}
              checked={pick === o.id}
              onChange={() => {
                setPick(o.id);
                if (!name) setName(o.label);
              }}
            />
            {o.label}
          </label>
        ))}
      </fieldset>
      <label className="field">
        Name
        <input value={name} required maxLength={200} onChange={(e) => setName(e.target.value)} />
      </label>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <div className="row">
        <button type="submit" disabled={busy || !pick || !name.trim()}>
          Create connection
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}
