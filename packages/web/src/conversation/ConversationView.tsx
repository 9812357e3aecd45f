/**
 * @module web/conversation/ConversationView: one conversation — its messages in order (live), assignment,
 * resolve/reopen, the contact panel, and the composer or, on windowed channels (WhatsApp), the window notices:
 * closed (continue with a template) and waiting for the customer after a business-initiated template.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import type { Call, Contact, Conversation, ConversationStatus, Message } from '../../../sdk/src/index.ts';
import { capabilitiesOf, useApp } from '../app-context.ts';
import { ContactPanel } from '../contacts/ContactPanel.tsx';
import { OptedOutNotice } from '../contacts/Consent.tsx';
import { ConversationTimeline } from '../automation/ConversationTimeline.tsx';
import { contactName, errorText, fullTime, userLabel } from '../format.ts';
import { ChannelIcon, Icon } from '../icons.tsx';
import { ChannelDownNotice } from './ChannelDown.tsx';
import { Composer } from './Composer.tsx';
import { inlineImages } from './MailView.tsx';
import { MessageItem } from './MessageItem.tsx';
import { ConversationMeta } from './ConversationMeta.tsx';
import { CallHeader, CallTurn, isCallChannel, isCallRecording, mergeCall } from './CallView.tsx';
import { TemplatePicker } from './TemplatePicker.tsx';
import { templateBlockedUntil, useOpenedNotice } from './template-wait.ts';

const MAX_TIMER = 2 ** 31 - 1;
const RANK: Record<string, number> = { received: 0, queued: 1, sent: 2, delivered: 3, read: 4, failed: 5 };

/** the incoming copy of a message, but never with an older status than the one already shown */
export function newer(known: Message | undefined, incoming: Message): Message {
  if (!known || (RANK[incoming.status] ?? 0) >= (RANK[known.status] ?? 0)) return incoming;
  return {
    ...incoming,
    status: known.status,
    statusDetail: known.statusDetail,
    statusAt: known.statusAt ?? null,
    providerMessageId: known.providerMessageId ?? incoming.providerMessageId,
  };
}

interface Props {
  conversation: Conversation;
  contact: Contact | undefined;
  onChange: (c: Conversation) => void;
}

export function ConversationView({ conversation, contact, onChange }: Props) {
  const { client, subscribe, users, me, types } = useApp();
  const [messages, setMessages] = useState<Map<string, Message>>(new Map());
  // a phone call's session: its calls (state, numbers, duration), live from the call.* events
  const isCall = isCallChannel(types, conversation.channelType);
  const [calls, setCalls] = useState<Call[]>([]);
  const [error, setError] = useState('');
  const [typing, setTyping] = useState(false);
  const [templatesOpen, setTemplatesOpen] = useState(false);
  const [panelOpen, setPanelOpen] = useState(() => matchMedia('(min-width: 1100px)').matches);
  const logRef = useRef<HTMLOListElement>(null);
  const id = conversation.id;
  // opened because a template sent elsewhere already waits here (template-wait.ts)
  const [openedNotice, dismissOpenedNotice] = useOpenedNotice(id);
  const windowHours = capabilitiesOf(types, conversation.channelType).windowHours;

  // statuses only move forward: the send's answer (queued) may arrive after the stream reported it sent
  const put = (m: Message) => setMessages((map) => new Map(map).set(m.id, newer(map.get(m.id), m)));
  const refresh = () =>
    client
      .getConversation(id)
      .then(onChange)
      .catch(() => undefined);
  const markRead = () =>
    client
      .updateConversation(id, { markRead: true })
      .then(onChange)
      .catch(() => undefined);

  useEffect(() => {
    let typingTimer: ReturnType<typeof setTimeout> | undefined;
    const merge = (list: Message[]) =>
      setMessages((map) => {
        const next = new Map(map);
        for (const m of list) next.set(m.id, newer(map.get(m.id), m));
        return next;
      });
    const loadCalls = () => {
      if (!isCall) return;
      client
        .listCalls(id)
        .then((list) => setCalls((known) => list.reduce(mergeCall, known)))
        .catch(() => undefined);
    };
    const off = subscribe((e) => {
      if (e.type === 'stream.open') {
        client
          .listMessages(id)
          .then(merge)
          .catch(() => undefined);
        loadCalls();
        return;
      }
      if (e.conversationId !== id) return;
      const m = e.data.message as Message | undefined;
      if (m && e.type.startsWith('message.')) put(m);
      const call = e.data.call as Call | undefined;
      if (call && e.type.startsWith('call.')) setCalls((known) => mergeCall(known, call));
      if (e.type === 'message.received') {
        setTyping(false);
        void markRead();
      }
      if (e.type === 'conversation.typing' && e.data.by !== 'operator') {
        setTyping(true);
        clearTimeout(typingTimer);
        typingTimer = setTimeout(() => setTyping(false), 5000);
      }
    });
    client
      .listMessages(id)
      .then(merge)
      .catch((err: unknown) => setError(errorText(err)));
    loadCalls();
    if (conversation.unreadCount > 0) void markRead();
    return () => {
      off();
      clearTimeout(typingTimer);
    };
  }, [client, id]);

  // the server decides when the window closes; ask it again when it should have
  const w = conversation.window;
  useEffect(() => {
    if (!w?.open) return;
    const due = Date.parse(w.expiresAt) - Date.now() + 1000;
    if (due > MAX_TIMER) return;
    const timer = setTimeout(() => void refresh(), Math.max(due, 1000));
    return () => clearTimeout(timer);
  }, [w?.open, w?.expiresAt]);

  // a waiting template blocks another until its window hours have passed: offer one again then
  const blockedUntil = templateBlockedUntil(conversation, windowHours);
  const [, setTick] = useState(0);
  useEffect(() => {
    if (!blockedUntil) return;
    const due = Date.parse(blockedUntil) - Date.now() + 1000;
    if (due > MAX_TIMER) return;
    const timer = setTimeout(() => setTick((n) => n + 1), Math.max(due, 1000));
    return () => clearTimeout(timer);
  }, [blockedUntil]);

  const ordered = useMemo(
    () => [...messages.values()].sort((a, b) => a.timestamp.localeCompare(b.timestamp) || a.id.localeCompare(b.id)),
    [messages],
  );
  useEffect(() => {
    logRef.current?.scrollTo({ top: logRef.current.scrollHeight });
  }, [ordered.length]);
  // the whole call's recording plays in the header; the transcript is everything else
  const recording = isCall ? ordered.filter(isCallRecording).at(-1) : undefined;
  const transcript = isCall ? ordered.filter((m) => !isCallRecording(m)) : ordered;
  // mail: each mail's inline (cid:) images are its attachment messages, already in the media store
  const cids = useMemo(() => inlineImages(messages.values()), [messages]);

  const setStatus = (status: ConversationStatus) =>
    client
      .updateConversation(id, { status })
      .then(onChange)
      .catch((err: unknown) => setError(errorText(err)));
  const assign = (assigneeId: string | null) =>
    client
      .assign(id, assigneeId)
      .then(onChange)
      .catch((err: unknown) => setError(errorText(err)));
  const title = contactName(contact, conversation);
  const people = [...users.values()].sort((a, b) => (a.name || a.email).localeCompare(b.name || b.email));

  // free-form text is allowed whenever the window is open; while it is closed, a business-initiated template
  // that has not been answered yet means waiting, otherwise a template is the way to continue
  let composer;
  // a reply on a phone line is spoken into the live call: once it has ended there is nobody to say it to
  const callLive = calls.some((c) => c.state === 'ringing' || c.state === 'in-progress');
  if (isCall && calls.length > 0 && !callLive) {
    composer = (
      <div className="composer call-ended">
        <p className="notice" role="status">
          The call has ended: a reply would have nobody to hear it. Call the customer back from the contact panel.
        </p>
      </div>
    );
  } else if (w && !w.open && w.humanAgentOnly) {
    // Messenger/Instagram: after 24 h a person may still answer for 7 days (sent with the HUMAN_AGENT tag)
    composer = (
      <div className="composer window-human-agent">
        <p className="notice" role="status">
          It's been over 24 hours since the customer's last message. Until{' '}
          {new Date(w.humanAgentExpiresAt ?? w.expiresAt).toLocaleString()} only a human reply can be sent; bots and
          automations cannot.
        </p>
        <Composer conversation={conversation} onSent={put} />
      </div>
    );
  } else if (w && !w.open && w.humanAgentExpiresAt !== undefined) {
    composer = (
      <div className="composer window-closed">
        <p className="notice" role="status">
          More than 7 days have passed since the customer's last message. Nothing can be sent until they write again.
        </p>
      </div>
    );
  } else if (w && !w.open && w.awaitingReply && (blockedUntil !== undefined || !w.templateSentAt)) {
    composer = (
      <form className="composer window-waiting" onSubmit={(e) => e.preventDefault()} aria-label="Reply">
        <p className="notice" role="status">
          Waiting for customer reply. Messaging will be available once they respond.
          {blockedUntil && (
            <span className="notice-more" data-testid="template-again-at">
              {' '}
              Another template can be sent after {fullTime(blockedUntil)}.
            </span>
          )}
        </p>
        <div className="composer-row">
          <label htmlFor="composer-input" className="sr-only">
            Message
          </label>
          <input id="composer-input" disabled placeholder="Waiting for customer reply" />
        </div>
      </form>
    );
  } else if (w && !w.open) {
    composer = (
      <div className="composer window-closed">
        <p className="notice" role="status">
          It's been over 24 hours since the last reply. Select a WhatsApp template to continue.
        </p>
        {!templatesOpen && (
          <button type="button" className="primary" onClick={() => setTemplatesOpen(true)}>
            <Icon name="template" /> Continue with template
          </button>
        )}
        {templatesOpen && (
          <TemplatePicker
            connectionId={conversation.connectionId}
            contact={contact}
            address={conversation.address}
            send={(template) => client.send(id, { template })}
            onSent={(m) => {
              put(m);
              setTemplatesOpen(false);
              void refresh();
            }}
            onCancel={() => setTemplatesOpen(false)}
            windowHours={windowHours}
            onWaiting={() => {
              setTemplatesOpen(false);
              void refresh();
            }}
          />
        )}
      </div>
    );
  } else {
    composer = <Composer conversation={conversation} onSent={put} />;
  }

  return (
    <section className={`thread ${panelOpen ? 'with-panel' : ''}`} aria-label="Conversation">
      <div className="conversation">
        <header className="conv-head">
          <a href="#/inbox" className="back icon-button" aria-label="Back to sessions">
            <Icon name="back" />
          </a>
          <ChannelIcon type={conversation.channelType} />
          <span className="conv-title">
            <h2>
              {title}
              {conversation.subject && <span className="conv-subject">{conversation.subject}</span>}
            </h2>
            <ConversationMeta conversation={conversation} />
          </span>
          <span className={`badge status-${conversation.status}`}>{conversation.status}</span>
          <span className="conv-actions">
            <label htmlFor="assignee" className="sr-only">
              Assigned to
            </label>
            <select
              id="assignee"
              value={conversation.assigneeId ?? ''}
              onChange={(e) => void assign(e.target.value || null)}
              title="Assigned to"
            >
              <option value="">Unassigned</option>
              {people.map((u) => (
                <option key={u.id} value={u.id}>
                  {u.id === me.id ? `${userLabel(u)} (me)` : userLabel(u)}
                </option>
              ))}
              {conversation.assigneeId && !users.has(conversation.assigneeId) && (
                <option value={conversation.assigneeId}>{userLabel(undefined, conversation.assigneeId)}</option>
              )}
            </select>
            {conversation.status === 'resolved' ? (
              <button type="button" onClick={() => void setStatus('open')}>
                Reopen
              </button>
            ) : (
              <button type="button" onClick={() => void setStatus('resolved')}>
                Resolve
              </button>
            )}
            <button
              type="button"
              className="icon-button"
              aria-label="Contact details"
              aria-expanded={panelOpen}
              aria-controls="contact-panel"
              onClick={() => setPanelOpen(!panelOpen)}
            >
              <Icon name="user" size={18} />
            </button>
          </span>
        </header>
        {openedNotice && (
          <p role="status" className="notice opened-notice" data-notice="template-waiting">
            {openedNotice}{' '}
            <button type="button" className="link" onClick={dismissOpenedNotice}>
              Dismiss
            </button>
          </p>
        )}
        {isCall && <CallHeader calls={calls} recording={recording} />}
        <ol
          className={`messages${isCall ? ' call-transcript' : ''}`}
          ref={logRef}
          aria-live="polite"
          aria-label={isCall ? 'Transcript' : 'Messages'}
        >
          {transcript.map((m) =>
            isCall ? (
              <CallTurn key={m.id} message={m} outbound={calls[0]?.direction === 'outbound'} />
            ) : (
              <MessageItem
                key={m.id}
                message={m}
                {...(typeof m.metadata.messageId === 'string' && cids.has(m.metadata.messageId)
                  ? { cids: cids.get(m.metadata.messageId) }
                  : {})}
              />
            ),
          )}
          {transcript.length === 0 && <li className="empty">{isCall ? 'Nothing said yet.' : 'No messages yet.'}</li>}
        </ol>
        {typing && (
          <p className="typing" aria-live="polite">
            Customer is typing…
          </p>
        )}
        {error && (
          <p role="alert" className="error pad">
            {error}
          </p>
        )}
        <OptedOutNotice conversation={conversation} />
        <ChannelDownNotice connectionId={conversation.connectionId} />
        {composer}
      </div>
      {panelOpen && (
        <ContactPanel contactId={conversation.contactId} currentConversationId={id} onClose={() => setPanelOpen(false)}>
          <ConversationTimeline client={client} conversationId={id} subscribe={subscribe} />
        </ContactPanel>
      )}
    </section>
  );
}
