/**
 * @module web/inbox/Inbox: the sessions list (live, filtered by status and assignee, searchable by name, number and
 * any word of its messages, call transcripts included) beside the open conversation; a conversation that is not in
 * the list (another status, a link, a search hit) is fetched by id.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import type { Call, Contact, Conversation, ConversationStatus, Team } from '../../../sdk/src/index.ts';
import { useApp } from '../app-context.ts';
import { ConversationView } from '../conversation/ConversationView.tsx';
import { isCallChannel, isLiveCall } from '../conversation/CallView.tsx';
import { contactName, errorText, shortTime } from '../format.ts';
import { ChannelIcon } from '../icons.tsx';

type AssigneeFilter = 'all' | 'mine' | 'unassigned';

export function Inbox({ selectedId }: { selectedId: string | undefined }) {
  const { client, subscribe, me, types } = useApp();
  // phone calls going on now, by conversation: from the call.* events, and asked once for recent call sessions
  const [liveCalls, setLiveCalls] = useState<Map<string, Call>>(new Map());
  const callsAsked = useRef(new Set<string>());
  const putCall = (call: Call) =>
    setLiveCalls((m) => {
      const known = m.get(call.conversationId);
      if (known && known.id === call.id && known.updatedAt > call.updatedAt) return m;
      const next = new Map(m);
      if (isLiveCall(call)) next.set(call.conversationId, call);
      else if (!known || known.id === call.id) next.delete(call.conversationId);
      return next;
    });
  const [conversations, setConversations] = useState<Map<string, Conversation>>(new Map());
  const [contacts, setContacts] = useState<Map<string, Contact>>(new Map());
  const [filter, setFilter] = useState<ConversationStatus | 'all'>('open');
  const [assignee, setAssignee] = useState<AssigneeFilter>('all');
  const [search, setSearch] = useState('');
  // the conversations whose messages say the search (the hub searches every message, transcripts too)
  const [said, setSaid] = useState<{ q: string; ids: Set<string> } | null>(null);
  // the team inboxes (Automation › Routing): '' every conversation, 'none' those in no team inbox
  const [team, setTeam] = useState('');
  const [teams, setTeams] = useState<Team[]>([]);
  const [error, setError] = useState('');
  const requested = useRef(new Set<string>());
  const known = useRef(conversations);
  known.current = conversations;

  const upsert = (c: Conversation) => setConversations((m) => new Map(m).set(c.id, c));

  useEffect(() => {
    const load = () =>
      client
        .listConversations()
        .then((list) =>
          setConversations((m) => {
            const next = new Map(m);
            for (const c of list) next.set(c.id, c);
            return next;
          }),
        )
        .catch((err: unknown) => setError(errorText(err)));
    const off = subscribe((e) => {
      if (e.type === 'stream.open') {
        void load();
        return;
      }
      const call = e.data.call as Call | undefined;
      if (call && e.type.startsWith('call.')) {
        putCall(call);
        if (!known.current.has(call.conversationId))
          void client
            .getConversation(call.conversationId)
            .then(upsert)
            .catch(() => undefined);
      }
      const conv = e.data.conversation as Conversation | undefined;
      if ((e.type === 'conversation.created' || e.type === 'conversation.updated') && conv) upsert(conv);
      else if (e.type === 'message.received' && e.conversationId && !known.current.has(e.conversationId)) {
        void client
          .getConversation(e.conversationId)
          .then(upsert)
          .catch(() => undefined);
      }
    });
    void load();
    return off;
  }, [client, subscribe]);

  // a word of any message finds its conversation, a call's transcript too: asked once typing pauses
  useEffect(() => {
    const q = search.trim();
    if (q.length < 2) return;
    let stale = false;
    const timer = setTimeout(() => {
      client
        .searchConversations(q)
        .then((found) => {
          if (stale) return;
          setConversations((m) => {
            const next = new Map(m);
            for (const c of found) next.set(c.id, c);
            return next;
          });
          setSaid({ q, ids: new Set(found.map((c) => c.id)) });
        })
        .catch((err: unknown) => !stale && setError(errorText(err)));
    }, 250);
    return () => {
      stale = true;
      clearTimeout(timer);
    };
  }, [client, search]);

  useEffect(() => {
    client
      .listTeams()
      .then(setTeams)
      .catch(() => setTeams([]));
  }, [client]);

  // a conversation opened by link or from the contact panel may not be among the loaded ones
  useEffect(() => {
    if (!selectedId || known.current.has(selectedId)) return;
    client
      .getConversation(selectedId)
      .then(upsert)
      .catch((err: unknown) => setError(errorText(err)));
  }, [client, selectedId]);

  useEffect(() => {
    for (const c of conversations.values()) {
      if (requested.current.has(c.contactId)) continue;
      requested.current.add(c.contactId);
      client
        .getContact(c.contactId)
        .then((ct) => setContacts((m) => new Map(m).set(ct.id, ct)))
        .catch(() => undefined);
    }
  }, [client, conversations]);

  // a call session of the last hours that is still open may be a call going on: ask its calls once
  useEffect(() => {
    const since = Date.now() - 6 * 3600_000;
    for (const c of conversations.values()) {
      if (callsAsked.current.has(c.id) || c.status === 'resolved' || !isCallChannel(types, c.channelType)) continue;
      if (Date.parse(c.lastMessageAt ?? c.createdAt) < since) continue;
      callsAsked.current.add(c.id);
      client
        .listCalls(c.id)
        .then((list) => list.forEach(putCall))
        .catch(() => undefined);
    }
  }, [client, conversations, types]);

  const nameOf = (c: Conversation) => contactName(contacts.get(c.contactId), c);
  const visible = useMemo(() => {
    const q = search.trim().toLowerCase();
    const saying = said && said.q.toLowerCase() === q ? said.ids : undefined;
    return [...conversations.values()]
      .filter((c) => filter === 'all' || c.status === filter)
      .filter((c) => assignee === 'all' || (assignee === 'mine' ? c.assigneeId === me.id : c.assigneeId === null))
      .filter((c) => team === '' || (team === 'none' ? c.teamId === null : c.teamId === team))
      .filter(
        (c) =>
          !q ||
          saying?.has(c.id) === true ||
          [nameOf(c), c.address, c.lastMessagePreview ?? '', c.channelType].some((s) => s.toLowerCase().includes(q)),
      )
      .sort((a, b) => (b.lastMessageAt ?? b.createdAt).localeCompare(a.lastMessageAt ?? a.createdAt));
  }, [conversations, contacts, filter, assignee, team, search, said, me.id]);
  // waiting = open in the team inbox with nobody assigned yet
  const waiting = (teamId: string) =>
    [...conversations.values()].filter((c) => c.teamId === teamId && c.status !== 'resolved' && c.assigneeId === null)
      .length;
  const selected = selectedId ? conversations.get(selectedId) : undefined;

  return (
    <div className={`inbox ${selectedId ? 'has-selection' : ''}`}>
      <section className="list" aria-label="Sessions">
        <div className="filters">
          <label htmlFor="status-filter" className="sr-only">
            Status
          </label>
          <select
            id="status-filter"
            value={filter}
            onChange={(e) => setFilter(e.target.value as ConversationStatus | 'all')}
          >
            <option value="open">Open</option>
            <option value="pending">Pending</option>
            <option value="resolved">Resolved</option>
            <option value="all">All statuses</option>
          </select>
          <label htmlFor="assignee-filter" className="sr-only">
            Assignee
          </label>
          <select id="assignee-filter" value={assignee} onChange={(e) => setAssignee(e.target.value as AssigneeFilter)}>
            <option value="all">Everyone</option>
            <option value="mine">Mine</option>
            <option value="unassigned">Unassigned</option>
          </select>
          {teams.length > 0 && (
            <>
              <label htmlFor="team-filter" className="sr-only">
                Team inbox
              </label>
              <select id="team-filter" value={team} onChange={(e) => setTeam(e.target.value)}>
                <option value="">All teams</option>
                {teams.map((t) => (
                  <option key={t.id} value={t.id}>
                    {`${t.name} (${waiting(t.id)} waiting)`}
                  </option>
                ))}
                <option value="none">No team</option>
              </select>
            </>
          )}
          <label htmlFor="search" className="sr-only">
            Search sessions
          </label>
          <input
            id="search"
            type="search"
            placeholder="Search…"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
          />
        </div>
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <ul>
          {visible.map((c) => (
            <li key={c.id}>
              <a
                href={`#/inbox/${encodeURIComponent(c.id)}`}
                className={`conv ${c.id === selectedId ? 'selected' : ''}`}
                data-conversation={c.id}
                aria-current={c.id === selectedId ? 'true' : undefined}
              >
                <ChannelIcon type={c.channelType} />
                <span className="conv-main">
                  <span className="conv-name">{nameOf(c)}</span>
                  <span className="conv-preview">{c.lastMessagePreview ?? ''}</span>
                </span>
                <span className="conv-side">
                  <span className="conv-time">{shortTime(c.lastMessageAt)}</span>
                  {liveCalls.has(c.id) && (
                    <span className="live-marker conv-live" data-live-call={liveCalls.get(c.id)?.id}>
                      <span className="live-dot" aria-hidden="true" /> Live
                    </span>
                  )}
                  {c.unreadCount > 0 && (
                    <span className="unread" aria-label={`${c.unreadCount} unread`}>
                      {c.unreadCount}
                    </span>
                  )}
                </span>
              </a>
            </li>
          ))}
          {visible.length === 0 && <li className="empty">No sessions.</li>}
        </ul>
      </section>
      {selected ? (
        <ConversationView
          key={selected.id}
          conversation={selected}
          contact={contacts.get(selected.contactId)}
          onChange={upsert}
        />
      ) : (
        <section className="thread" aria-label="Conversation">
          <p className="empty">{selectedId ? 'Loading…' : 'Select a session.'}</p>
        </section>
      )}
    </div>
  );
}
