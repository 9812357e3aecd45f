/**
 * @module web/contacts/ContactPanel: the 360 view of a contact beside a conversation — their identities on every
 * channel, their other conversations, starting a new conversation with them (text, or a template where the
 * channel needs one) through POST /messages, and calling them from a voice connection (POST /calls, optionally
 * answered by an agent of one's choice).
 */
import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import type {
  Agent,
  Connection,
  ConnectionType,
  ContactDetail,
  Conversation,
  Identity,
  Message,
} from '../../../sdk/src/index.ts';
import { capabilitiesOf, isMailChannel, useApp } from '../app-context.ts';
import { TemplatePicker } from '../conversation/TemplatePicker.tsx';
import { templateBlockedUntil, waitingText } from '../conversation/template-wait.ts';
import { isCallChannel } from '../conversation/CallView.tsx';
import { addressLabel, attributeLabel, contactName, errorText, shortTime } from '../format.ts';
import { ChannelIcon, Icon } from '../icons.tsx';
import { IdentityConsent } from './Consent.tsx';
import { Duplicates } from './Duplicates.tsx';

/** a connection the contact can be written from, for one of their identities */
export interface MessageRoute {
  key: string;
  identity: Identity;
  connection: Connection;
}

/**
 * Every (identity, connection of its channel) pair a new conversation can start on, the identity's own connection
 * first. A channel that speaks into phone calls (`capabilities.spoken`) is left out: its text is said into a call
 * going on and the hub refuses it as a first message (422 UNSUPPORTED_CONTENT); such a contact is called instead.
 */
export function messageRoutes(
  identities: Identity[],
  connections: Connection[],
  types: Map<string, ConnectionType>,
): MessageRoute[] {
  const writable = (type: string) => {
    const caps = capabilitiesOf(types, type);
    return !caps.spoken && (caps.outbound.includes('text') || caps.templates);
  };
  return identities.flatMap((i) =>
    connections
      .filter((c) => c.type === i.channelType && !c.deprecated && writable(c.type))
      .sort((a, b) => Number(b.id === i.connectionId) - Number(a.id === i.connectionId))
      .map((c) => ({ key: `${i.id}|${c.id}`, identity: i, connection: c })),
  );
}

/** the contact's identities are all on channels that only call (a phone line): no message can reach them */
export function callsOnly(identities: Identity[], types: Map<string, ConnectionType>): boolean {
  return identities.length > 0 && identities.every((i) => capabilitiesOf(types, i.channelType).spoken);
}

interface Props {
  contactId: string;
  currentConversationId: string;
  onClose: () => void;
  /** more sections (the conversation's decisions) */ children?: ReactNode;
}

export function ContactPanel({ contactId, currentConversationId, onClose, children }: Props) {
  const { client, subscribe, types } = useApp();
  const [calling, setCalling] = useState(false);
  const [contact, setContact] = useState<ContactDetail | null>(null);
  // null until loaded: a new conversation is offered once it is known which ones wait for a template's answer
  const [conversations, setConversations] = useState<Conversation[] | null>(null);
  const [connections, setConnections] = useState<Connection[]>([]);
  const [starting, setStarting] = useState(false);
  const [error, setError] = useState('');

  useEffect(() => {
    const load = () => {
      client
        .getContactDetail(contactId)
        .then(setContact)
        .catch((err: unknown) => setError(errorText(err)));
      client
        .conversationsOfContact(contactId)
        .then(setConversations)
        .catch((err: unknown) => setError(errorText(err)));
    };
    load();
    client
      .listConnections()
      .then(setConnections)
      .catch(() => undefined);
    return subscribe((e) => {
      const conv = e.data.conversation as Conversation | undefined;
      if (e.type === 'stream.open' || (conv && conv.contactId === contactId)) load();
    });
  }, [client, contactId, subscribe]);

  const callLines = connections.filter((c) => isCallChannel(types, c.type) && !c.deprecated);
  const connectionName = (id: string | null) => connections.find((c) => c.id === id)?.name;
  const others = (conversations ?? [])
    .filter((c) => c.id !== currentConversationId)
    .sort((a, b) => (b.lastMessageAt ?? b.createdAt).localeCompare(a.lastMessageAt ?? a.createdAt));
  // the profile picture a channel fetched into our media store (Messenger/Instagram) shows as the picture itself
  const picture = contact?.attributes?.profile_picture;
  const pictureUrl = typeof picture === 'string' && /^https?:\/\//.test(picture) ? picture : undefined;
  const attributes = Object.entries(contact?.attributes ?? {}).filter(
    ([k, v]) =>
      (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') &&
      !(k === 'profile_picture' && pictureUrl),
  );

  return (
    <aside className="contact-panel" id="contact-panel" aria-label="Contact">
      <header className="panel-head">
        {pictureUrl && <img className="contact-picture" src={pictureUrl} alt="" width={40} height={40} />}
        <h3>{contact ? contactName(contact) : 'Contact'}</h3>
        <button type="button" className="icon-button" aria-label="Close contact details" onClick={onClose}>
          <Icon name="close" />
        </button>
      </header>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {attributes.length > 0 && (
        <dl className="attributes">
          {attributes.map(([k, v]) => (
            <div key={k}>
              <dt title={k}>{attributeLabel(k)}</dt>
              <dd>{String(v)}</dd>
            </div>
          ))}
        </dl>
      )}
      <section aria-labelledby="identities-title">
        <h4 id="identities-title">Channels</h4>
        <ul className="identities">
          {(contact?.identities ?? []).map((i) => (
            <li key={i.id} data-identity={i.id}>
              <ChannelIcon type={i.channelType} />
              <span className="identity-address" title={i.address}>
                {addressLabel(i.address)}
              </span>
              {i.connectionId && connectionName(i.connectionId) && <small>{connectionName(i.connectionId)}</small>}
              <IdentityConsent contactId={contactId} identity={i} />
            </li>
          ))}
          {contact && (contact.identities ?? []).length === 0 && <li className="empty">No channel identities.</li>}
        </ul>
      </section>
      <Duplicates
        contactId={contactId}
        onMerged={() => {
          client
            .getContactDetail(contactId)
            .then(setContact)
            .catch((err: unknown) => setError(errorText(err)));
          client
            .conversationsOfContact(contactId)
            .then(setConversations)
            .catch((err: unknown) => setError(errorText(err)));
        }}
      />
      <section aria-labelledby="other-conversations-title">
        <h4 id="other-conversations-title">Other conversations</h4>
        <ul className="other-conversations">
          {others.map((c) => (
            <li key={c.id}>
              <a href={`#/inbox/${encodeURIComponent(c.id)}`} data-conversation={c.id}>
                <ChannelIcon type={c.channelType} />
                <span className="conv-main">
                  <span className="conv-preview">{c.lastMessagePreview ?? '(no messages)'}</span>
                  <small>
                    {c.status} · {shortTime(c.lastMessageAt ?? c.createdAt)}
                  </small>
                </span>
              </a>
            </li>
          ))}
          {others.length === 0 && <li className="empty">None.</li>}
        </ul>
      </section>
      <section aria-labelledby="new-conversation-title">
        <h4 id="new-conversation-title">New conversation</h4>
        {contact && callsOnly(contact.identities ?? [], types) ? (
          <p className="hint" data-notice="calls-only">
            {contactName(contact)} can be reached by phone call only, not by a message
            {callLines.length > 0 ? ': call them below.' : '.'}
          </p>
        ) : starting && contact ? (
          <NewConversation
            routes={messageRoutes(contact.identities ?? [], connections, types)}
            conversations={conversations ?? []}
            currentConversationId={currentConversationId}
            contact={contact}
            onCancel={() => setStarting(false)}
            onStarted={(m) => {
              setStarting(false);
              location.hash = `#/inbox/${encodeURIComponent(m.conversationId)}`;
            }}
          />
        ) : (
          <button
            type="button"
            onClick={() => setStarting(true)}
            disabled={!contact || conversations === null || (contact.identities ?? []).length === 0}
          >
            <Icon name="plus" /> Start a new conversation
          </button>
        )}
      </section>
      <CallSection contact={contact} lines={callLines} open={calling} setOpen={setCalling} />
      {children}
    </aside>
  );
}

/** the contact's phone numbers: the addresses of their identities on channels whose addresses are numbers */
function phoneNumbers(contact: ContactDetail | null, types: ReturnType<typeof useApp>['types']): string[] {
  const numbers = (contact?.identities ?? [])
    .filter((i) => types.get(i.channelType)?.addressKind === 'phone' && /^\+[1-9]\d{6,14}$/.test(i.address))
    .map((i) => i.address);
  return [...new Set(numbers)];
}

/** "Call": from a voice line to one of the contact's numbers, answered by an agent when one is picked */
function CallSection({
  contact,
  lines,
  open,
  setOpen,
}: {
  contact: ContactDetail | null;
  lines: Connection[];
  open: boolean;
  setOpen: (open: boolean) => void;
}) {
  const { client, types } = useApp();
  const numbers = phoneNumbers(contact, types);
  const running = lines.filter((l) => l.status === 'RUNNING');
  const [lineId, setLineId] = useState('');
  const [to, setTo] = useState('');
  const [agentId, setAgentId] = useState('');
  const [agents, setAgents] = useState<Agent[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  useEffect(() => {
    if (!open) return;
    client
      .listAgents()
      .then((list) => setAgents(list.filter((a) => a.status === 'RUNNING')))
      .catch(() => setAgents([]));
  }, [client, open]);
  if (lines.length === 0 || numbers.length === 0) return null;
  const line = lineId || running[0]?.id || '';
  const number = to || numbers[0] || '';
  const place = async (e: FormEvent) => {
    e.preventDefault();
    if (!line || !number) return;
    setBusy(true);
    setError('');
    try {
      const call = await client.placeCall({ connectionId: line, to: number, ...(agentId ? { agentId } : {}) });
      setOpen(false);
      location.hash = `#/inbox/${encodeURIComponent(call.conversationId)}`;
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="call-title">
      <h4 id="call-title">Call</h4>
      {!open ? (
        <button type="button" onClick={() => setOpen(true)}>
          <Icon name="phone" /> Call
        </button>
      ) : (
        <form className="call-start" onSubmit={(e) => void place(e)} aria-label="Place a call">
          {running.length === 0 && <p className="notice">No voice line is running: start one to place calls.</p>}
          <label htmlFor="call-line">From</label>
          <select id="call-line" value={line} onChange={(e) => setLineId(e.target.value)}>
            {lines.map((l) => (
              <option key={l.id} value={l.id} disabled={l.status !== 'RUNNING'}>
                {l.status === 'RUNNING' ? l.name : `${l.name} (${l.status.toLowerCase()})`}
              </option>
            ))}
          </select>
          <label htmlFor="call-to">Number</label>
          <select id="call-to" value={number} onChange={(e) => setTo(e.target.value)}>
            {numbers.map((n) => (
              <option key={n} value={n}>
                {addressLabel(n)}
              </option>
            ))}
          </select>
          <label htmlFor="call-agent">Answered by</label>
          <select id="call-agent" value={agentId} onChange={(e) => setAgentId(e.target.value)}>
            <option value="">The line's agent</option>
            {agents.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
              </option>
            ))}
          </select>
          {error && (
            <p role="alert" className="error">
              {error}
            </p>
          )}
          <span className="composer-row">
            <button type="submit" disabled={busy || !line || running.length === 0}>
              <Icon name="phone" /> {busy ? 'Calling…' : 'Call now'}
            </button>
            <button type="button" onClick={() => setOpen(false)}>
              Cancel
            </button>
          </span>
        </form>
      )}
    </section>
  );
}

function NewConversation({
  routes,
  conversations,
  currentConversationId,
  contact,
  onStarted,
  onCancel,
}: {
  routes: MessageRoute[];
  /** the contact's conversations when the form opened */
  conversations: Conversation[];
  currentConversationId: string;
  contact: ContactDetail;
  onStarted: (m: Message) => void;
  onCancel: () => void;
}) {
  const { client, types } = useApp();
  const [routeKey, setRouteKey] = useState(routes[0]?.key ?? '');
  const [text, setText] = useState('');
  // mail: a new thread has a subject
  const [subject, setSubject] = useState('');
  const [error, setError] = useState('');
  const route = routes.find((r) => r.key === routeKey);
  const isMail = isMailChannel(types, route?.connection.type);
  const caps = route ? capabilitiesOf(types, route.connection.type) : undefined;
  // a template already waits for this customer's answer on this connection: none is offered until it may go.
  // Judged on the conversations as they were when the form opened, so a form being filled is not taken away; a
  // template someone sends meanwhile is the hub's 409, which opens that conversation (TemplatePicker)
  const [known] = useState(conversations);
  const waiting = route
    ? known.find(
        (c) =>
          c.connectionId === route.connection.id &&
          c.address === route.identity.address &&
          c.status !== 'resolved' &&
          templateBlockedUntil(c, caps?.windowHours) !== undefined,
      )
    : undefined;

  const sendText = async (e: FormEvent) => {
    e.preventDefault();
    if (!route || !text.trim()) return;
    setError('');
    try {
      onStarted(
        await client.sendTo(route.connection.id, route.identity.address, {
          content: { type: 'text', text: text.trim() },
          ...(isMail && subject.trim() ? { subject: subject.trim() } : {}),
        }),
      );
    } catch (err) {
      setError(errorText(err));
    }
  };

  if (routes.length === 0)
    return (
      <p className="hint">
        No running connection can reach this contact.{' '}
        <button type="button" className="link" onClick={onCancel}>
          Close
        </button>
      </p>
    );
  return (
    <div className="new-conversation">
      <label className="field">
        Send from
        <select value={routeKey} onChange={(e) => setRouteKey(e.target.value)}>
          {routes.map((r) => (
            <option key={r.key} value={r.key}>{`${r.connection.name} → ${addressLabel(r.identity.address)}`}</option>
          ))}
        </select>
      </label>
      {route && caps?.templates && waiting ? (
        <div className="template-waiting" data-notice="template-waiting">
          <p role="status" className="notice">
            {waitingText(
              contactName(contact),
              waiting.window?.templateSentAt ?? undefined,
              templateBlockedUntil(waiting, caps.windowHours),
            )}
          </p>
          <div className="row">
            {waiting.id !== currentConversationId && (
              <button
                type="button"
                onClick={() => {
                  onCancel();
                  location.hash = `#/inbox/${encodeURIComponent(waiting.id)}`;
                }}
              >
                Open that conversation
              </button>
            )}
            <button type="button" onClick={onCancel}>
              Close
            </button>
          </div>
        </div>
      ) : route && caps?.templates ? (
        <TemplatePicker
          key={route.key}
          connectionId={route.connection.id}
          contact={contact}
          address={route.identity.address}
          send={(template) => client.sendTo(route.connection.id, route.identity.address, { template })}
          onSent={onStarted}
          onCancel={onCancel}
          windowHours={caps.windowHours}
        />
      ) : (
        <form onSubmit={(e) => void sendText(e)} className="new-conversation-text">
          {isMail && (
            <label className="field">
              Subject
              <input value={subject} maxLength={998} onChange={(e) => setSubject(e.target.value)} required />
            </label>
          )}
          <label className="field">
            First message
            <textarea value={text} rows={3} onChange={(e) => setText(e.target.value)} required />
          </label>
          {error && (
            <p role="alert" className="error">
              {error}
            </p>
          )}
          <div className="row">
            <button type="submit" disabled={!text.trim() || (isMail && !subject.trim())}>
              Send
            </button>
            <button type="button" onClick={onCancel}>
              Cancel
            </button>
          </div>
        </form>
      )}
    </div>
  );
}
