/**
 * @module web/contacts/Consent: whether a customer opted out of a channel (STOP), shown where operators write to
 * them — above the composer of the conversation and beside each identity in the contact panel, where an operator
 * may also record an opt-out or opt-in by hand (PUT /contacts/{id}/consent). Sends to an opted-out customer are
 * refused by the hub (422 OPTED_OUT) whatever the screen shows; this says why before anyone tries.
 */
import { useEffect, useState } from 'react';
import type { Consent, Conversation, Identity } from '../../../sdk/src/index.ts';
import { useApp } from '../app-context.ts';
import { errorText } from '../format.ts';

const HOW: Record<Consent['source'], (c: Consent) => string> = {
  keyword: (c) => `wrote ${c.keyword ?? 'STOP'}`,
  operator: () => 'recorded by an operator',
  api: () => 'recorded through the API',
  import: () => 'from a contact import',
  provider: () => 'chose it in the channel itself',
};

/** "Opted out of WhatsApp since 3 Dec 2026 (wrote STOP)" */
export function optedOutText(c: Consent, channelName: string): string {
  const since = c.optedOutAt
    ? ` since ${new Date(c.optedOutAt).toLocaleDateString([], { day: 'numeric', month: 'short', year: 'numeric' })}`
    : '';
  return `Opted out of ${channelName}${since} (${HOW[c.source](c)})`;
}

/**
 * the contact's consents, reloaded when `refresh` changes and when a consent timeline entry arrives (a STOP the
 * customer wrote, or another operator's change)
 */
function useConsents(contactId: string, refresh: unknown): [Consent[], (list: Consent[]) => void] {
  const { client, subscribe } = useApp();
  const [consents, setConsents] = useState<Consent[]>([]);
  useEffect(() => {
    let live = true;
    const load = () =>
      client
        .getConsent(contactId)
        .then((list) => live && setConsents(list))
        .catch(() => undefined);
    void load();
    const stop = subscribe((e) => {
      const type = (e.data.event as { type?: unknown } | undefined)?.type;
      if (e.type === 'stream.open' || (e.type === 'conversation.timeline' && String(type).startsWith('consent.')))
        void load();
    });
    return () => {
      live = false;
      stop();
    };
  }, [client, contactId, refresh, subscribe]);
  return [consents, setConsents];
}

/** above the composer: the customer opted out of this conversation's channel */
export function OptedOutNotice({ conversation }: { conversation: Conversation }) {
  const { types } = useApp();
  const [consents] = useConsents(conversation.contactId, conversation.lastMessageAt);
  const out = consents.find(
    (c) => c.optedOut && c.channelType === conversation.channelType && c.address === conversation.address,
  );
  if (!out) return null;
  const name = types.get(conversation.channelType)?.displayName ?? conversation.channelType;
  return (
    <p className="notice opted-out" role="status" data-opted-out={conversation.channelType}>
      {optedOutText(out, name)}. Nothing can be sent to them on {name} until they opt back in.
    </p>
  );
}

/** one line per opted-out identity in the contact panel, with the operator's switch */
export function IdentityConsent({ contactId, identity }: { contactId: string; identity: Identity }) {
  const { client, types } = useApp();
  const [consents, setConsents] = useConsents(contactId, identity.id);
  const [error, setError] = useState('');
  const mine = consents.find((c) => c.channelType === identity.channelType && c.address === identity.address);
  const name = types.get(identity.channelType)?.displayName ?? identity.channelType;
  const record = (optedOut: boolean) => {
    setError('');
    client
      .setConsent(contactId, {
        channelType: identity.channelType,
        address: identity.address,
        optedOut,
        source: 'operator',
      })
      .then(setConsents)
      .catch((err: unknown) => setError(errorText(err)));
  };
  return (
    <span className="identity-consent">
      {mine?.optedOut ? (
        <>
          <small className="opted-out" data-opted-out={identity.channelType}>
            {optedOutText(mine, name)}
          </small>
          <button type="button" className="link" onClick={() => record(false)}>
            Record opt-in
          </button>
        </>
      ) : (
        <button type="button" className="link" onClick={() => record(true)}>
          Record opt-out
        </button>
      )}
      {error && (
        <small role="alert" className="error">
          {error}
        </small>
      )}
    </span>
  );
}
