import { useEffect, useMemo, useRef, useState } from 'react';
import type { Contact, Conversation, ConversationStatus, Message, SwitchboardClient, Template } from '../../sdk/src/index.ts';
import type { Listener } from './App.tsx';

const CHANNEL_ICONS: Record<string, string> = { webchat: '💬', telegram: '✈️', whatsapp: '🟢' };
const STATUS_ICONS: Record<string, string> = { queued: '🕓', sent: '✓', delivered: '✓✓', read: '✓✓', failed: '⚠' };

export function ChannelIcon({ type }: { type: string }) {
  return <span className={`channel channel-${type}`} role="img" aria-label={type} title={type}>{CHANNEL_ICONS[type] ?? '🔌'}</span>;
}

function time(iso: string | null): string {
  if (!iso) return '';
  const d = new Date(iso);
  return d.toDateString() === new Date().toDateString() ? d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) : d.toLocaleDateString();
}

interface Props { client: SwitchboardClient; subscribe: (l: Listener) => () => void; selectedId: string | undefined }

export function Inbox({ client, subscribe, selectedId }: Props) {
  const [conversations, setConversations] = useState<Map<string, Conversation>>(new Map());
  const [contacts, setContacts] = useState<Map<string, Contact>>(new Map());
  const [filter, setFilter] = useState<ConversationStatus | 'all'>('open');
  const [search, setSearch] = useState('');
  const [error, setError] = useState('');
  const requested = useRef(new Set<string>());
  const known = useRef(conversations);
  known.current = conversations;

  const upsert = (c: Conversation) => setConversations((m) => new Map(m).set(c.id, c));

  useEffect(() => {
    const load = () => client.listConversations().then((list) => setConversations((m) => { const next = new Map(m); for (const c of list) next.set(c.id, c); return next; })).catch((err: Error) => setError(err.message));
    const off = subscribe((e) => {
      if (e.type === 'stream.open') {
        void load();
        return;
      }
      const conv = e.data.conversation as Conversation | undefined;
      if ((e.type === 'conversation.created' || e.type === 'conversation.updated') && conv) upsert(conv);
      else if (e.type === 'message.received' && e.conversationId && !known.current.has(e.conversationId)) {
        void client.getConversation(e.conversationId).then(upsert).catch(() => undefined);
      }
    });
    void load();
    return off;
  }, [client, subscribe]);

  useEffect(() => {
    for (const c of conversations.values()) {
      if (requested.current.has(c.contactId)) continue;
      requested.current.add(c.contactId);
      client.getContact(c.contactId).then((ct) => setContacts((m) => new Map(m).set(ct.id, ct))).catch(() => undefined);
    }
  }, [client, conversations]);

  const nameOf = (c: Conversation) => contacts.get(c.contactId)?.name || c.address;
  const visible = useMemo(() => {
    const q = search.trim().toLowerCase();
    return [...conversations.values()]
      .filter((c) => filter === 'all' || c.status === filter)
      .filter((c) => !q || [nameOf(c), c.address, c.lastMessagePreview ?? '', c.channelType].some((s) => s.toLowerCase().includes(q)))
      .sort((a, b) => (b.lastMessageAt ?? b.createdAt).localeCompare(a.lastMessageAt ?? a.createdAt));
  }, [conversations, contacts, filter, search]);
  const selected = selectedId ? conversations.get(selectedId) : undefined;

  return (
    <div className={`inbox ${selectedId ? 'has-selection' : ''}`}>
      <section className="list" aria-label="Sessions">
        <div className="filters">
          <label htmlFor="status-filter">Status</label>
          <select id="status-filter" value={filter} onChange={(e) => setFilter(e.target.value as ConversationStatus | 'all')}>
            <option value="open">Open</option>
            <option value="pending">Pending</option>
            <option value="resolved">Resolved</option>
            <option value="all">All</option>
          </select>
          <label htmlFor="search" className="sr-only">Search sessions</label>
          <input id="search" type="search" placeholder="Search…" value={search} onChange={(e) => setSearch(e.target.value)} />
        </div>
        {error && <p role="alert" className="error">{error}</p>}
        <ul>
          {visible.map((c) => (
            <li key={c.id}>
              <a href={`#/inbox/${encodeURIComponent(c.id)}`} className={`conv ${c.id === selectedId ? 'selected' : ''}`} data-conversation={c.id} aria-current={c.id === selectedId ? 'true' : undefined}>
                <ChannelIcon type={c.channelType} />
                <span className="conv-main">
                  <span className="conv-name">{nameOf(c)}</span>
                  <span className="conv-preview">{c.lastMessagePreview ?? ''}</span>
                </span>
                <span className="conv-side">
                  <span className="conv-time">{time(c.lastMessageAt)}</span>
                  {c.unreadCount > 0 && <span className="unread" aria-label={`${c.unreadCount} unread`}>{c.unreadCount}</span>}
                </span>
              </a>
            </li>
          ))}
          {visible.length === 0 && <li className="empty">No sessions.</li>}
        </ul>
      </section>
      <section className="thread" aria-label="Conversation">
        {selected
          ? <ConversationView key={selected.id} client={client} subscribe={subscribe} conversation={selected} title={nameOf(selected)} onChange={upsert} />
          : <p className="empty">{selectedId ? 'Loading…' : 'Select a session.'}</p>}
      </section>
    </div>
  );
}

function ConversationView({ client, subscribe, conversation, title, onChange }: { client: SwitchboardClient; subscribe: (l: Listener) => () => void; conversation: Conversation; title: string; onChange: (c: Conversation) => void }) {
  const [messages, setMessages] = useState<Map<string, Message>>(new Map());
  const [text, setText] = useState('');
  const [error, setError] = useState('');
  const [typing, setTyping] = useState(false);
  const [templatesOpen, setTemplatesOpen] = useState(false);
  const logRef = useRef<HTMLOListElement>(null);
  const id = conversation.id;

  const put = (m: Message) => setMessages((map) => new Map(map).set(m.id, m));
  const markRead = () => client.updateConversation(id, { markRead: true }).then(onChange).catch(() => undefined);

  useEffect(() => {
    let typingTimer: ReturnType<typeof setTimeout> | undefined;
    const off = subscribe((e) => {
      if (e.conversationId !== id) return;
      const m = e.data.message as Message | undefined;
      if (m && e.type.startsWith('message.')) put(m);
      if (e.type === 'message.received') { setTyping(false); void markRead(); }
      if (e.type === 'conversation.typing' && e.data.by !== 'operator') {
        setTyping(true);
        clearTimeout(typingTimer);
        typingTimer = setTimeout(() => setTyping(false), 5000);
      }
    });
    client.listMessages(id).then((list) => setMessages((map) => new Map([...list.map((m) => [m.id, m] as const), ...map]))).catch((err: Error) => setError(err.message));
    if (conversation.unreadCount > 0) void markRead();
    return () => { off(); clearTimeout(typingTimer); };
  }, [client, id]);

  const ordered = useMemo(() => [...messages.values()].sort((a, b) => a.timestamp.localeCompare(b.timestamp) || a.id.localeCompare(b.id)), [messages]);
  useEffect(() => { logRef.current?.scrollTo({ top: logRef.current.scrollHeight }); }, [ordered.length]);

  const sendText = async (e: React.FormEvent) => {
    e.preventDefault();
    const t = text.trim();
    if (!t) return;
    setError('');
    try {
      put(await client.sendText(id, t));
      setText('');
    } catch (err) {
      setError((err as Error).message);
    }
  };
  const setStatus = (status: ConversationStatus) => client.updateConversation(id, { status }).then(onChange).catch((err: Error) => setError(err.message));

  const w = conversation.window;
  return (
    <div className="conversation">
      <header className="conv-head">
        <a href="#/inbox" className="back" aria-label="Back to sessions">←</a>
        <ChannelIcon type={conversation.channelType} />
        <h2>{title}</h2>
        <span className={`badge status-${conversation.status}`}>{conversation.status}</span>
        {conversation.status === 'resolved'
          ? <button type="button" onClick={() => void setStatus('open')}>Reopen</button>
          : <button type="button" onClick={() => void setStatus('resolved')}>Resolve</button>}
      </header>
      <ol className="messages" ref={logRef} aria-live="polite" aria-label="Messages">
        {ordered.map((m) => (
          <li key={m.id} className={`msg ${m.direction}`} data-message={m.id}>
            <span className="msg-text">{m.content.type === 'text' ? m.content.text : `[${m.content.type}]`}</span>
            <span className="msg-meta">
              {time(m.timestamp)}
              {m.direction === 'outbound' && (
                <span className={`msg-status st-${m.status}`} data-status={m.status} role="img" aria-label={`Status: ${m.status}`}
                  title={`${m.status} · ${new Date(m.timestamp).toLocaleString()}${m.statusDetail ? ` · ${[m.statusDetail.code, m.statusDetail.message].filter(Boolean).join(': ')}` : ''}`}>
                  {STATUS_ICONS[m.status] ?? '•'}
                </span>
              )}
            </span>
          </li>
        ))}
      </ol>
      {typing && <p className="typing" aria-live="polite">Customer is typing…</p>}
      {error && <p role="alert" className="error">{error}</p>}
      {w?.awaitingReply ? (
        <form className="composer" onSubmit={(e) => e.preventDefault()}>
          <p className="notice">Waiting for customer reply. Messaging will be available once they respond.</p>
          <label htmlFor="composer-input" className="sr-only">Message</label>
          <input id="composer-input" disabled placeholder="Waiting for customer reply" />
        </form>
      ) : w && !w.open ? (
        <div className="composer window-closed">
          <p className="notice">It's been over 24 hours since the last reply. Select a WhatsApp template to continue.</p>
          <button type="button" onClick={() => setTemplatesOpen(true)}>Continue with template</button>
          {templatesOpen && <TemplatePicker client={client} conversation={conversation} onSent={(m) => { put(m); setTemplatesOpen(false); void client.getConversation(id).then(onChange); }} onCancel={() => setTemplatesOpen(false)} />}
        </div>
      ) : (
        <form className="composer" onSubmit={(e) => void sendText(e)}>
          <label htmlFor="composer-input" className="sr-only">Message</label>
          <input id="composer-input" autoComplete="off" placeholder="Write a reply…" value={text} onChange={(e) => setText(e.target.value)} />
          <button type="submit" disabled={!text.trim()}>Send</button>
        </form>
      )}
    </div>
  );
}

function TemplatePicker({ client, conversation, onSent, onCancel }: { client: SwitchboardClient; conversation: Conversation; onSent: (m: Message) => void; onCancel: () => void }) {
  const [templates, setTemplates] = useState<Template[] | null>(null);
  const [chosen, setChosen] = useState<Template | null>(null);
  const [vars, setVars] = useState<Record<string, string>>({});
  const [error, setError] = useState('');
  useEffect(() => {
    client.listTemplates(conversation.connectionId).then((t) => setTemplates(t.filter((x) => !x.status || x.status.toUpperCase() === 'APPROVED'))).catch((err: Error) => setError(err.message));
  }, [client, conversation.connectionId]);
  const send = async (e: React.FormEvent) => {
    e.preventDefault();
    if (!chosen) return;
    try {
      onSent(await client.send(conversation.id, { template: { name: chosen.name, language: chosen.language, variables: vars } }));
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <form className="templates" onSubmit={(e) => void send(e)} aria-label="Templates">
      {error && <p role="alert" className="error">{error}</p>}
      {!templates ? <p>Loading templates…</p> : templates.length === 0 ? <p>No approved templates. Sync them under Settings.</p> : (
        <fieldset>
          <legend>Template</legend>
          {templates.map((t) => (
            <label key={t.id} className="template">
              <input type="radio" name="template" checked={chosen?.id === t.id} onChange={() => { setChosen(t); setVars({}); }} />
              <span><strong>{t.name}</strong> ({t.language})<br /><small>{t.body}</small></span>
            </label>
          ))}
        </fieldset>
      )}
      {chosen?.variables.map((v) => (
        <label key={v} className="field">{v}<input value={vars[v] ?? ''} onChange={(e) => setVars({ ...vars, [v]: e.target.value })} /></label>
      ))}
      <div className="row">
        <button type="submit" disabled={!chosen}>Send template</button>
        <button type="button" onClick={onCancel}>Cancel</button>
      </div>
    </form>
  );
}
