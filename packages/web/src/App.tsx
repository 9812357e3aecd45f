/**
 * @module web/App: the operator app's shell — the session (resumed after a reload, ended by sign-out), the live
 * event stream shared by every screen, the hash routes, and the header showing who is signed in.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import { ApiError, type ConnectionType, type User } from '../../sdk/src/index.ts';
import { AppContext, atLeast, type AppState, type Listener } from './app-context.ts';
import { SignIn } from './auth/SignIn.tsx';
import { end, resume, type SignedIn } from './auth/session.ts';
import { errorText } from './format.ts';
import { Icon } from './icons.tsx';
import { Health } from './health/Health.tsx';
import { Inbox } from './inbox/Inbox.tsx';
import { Settings } from './settings/Settings.tsx';
import { Automation } from './automation/Automation.tsx'; // agents, routing, webhooks
import { Campaigns } from './campaigns/Campaigns.tsx';
import { useHash } from './use-hash.ts';

export type { Listener } from './app-context.ts';

const PAGE_LABELS: Record<string, string> = {
  inbox: 'Sessions',
  automation: 'Automation',
  health: 'Health',
  settings: 'Settings',
};

export function App() {
  const [session, setSession] = useState<SignedIn | null | 'checking'>('checking');
  const [bootError, setBootError] = useState('');

  useEffect(() => {
    resume()
      .then(setSession)
      .catch((err: unknown) => {
        setBootError(errorText(err));
        setSession(null);
      });
  }, []);

  if (session === 'checking')
    return (
      <p className="empty" role="status">
        Loading…
      </p>
    );
  if (!session) {
    return (
      <>
        {bootError && (
          <p role="alert" className="error banner">
            Could not reach the server: {bootError}
          </p>
        )}
        <SignIn onSignedIn={setSession} />
      </>
    );
  }
  return <SignedInApp key={session.client.token} session={session} onSignedOut={() => setSession(null)} />;
}

function SignedInApp({ session, onSignedOut }: { session: SignedIn; onSignedOut: () => void }) {
  const { client } = session;
  const [me, setMe] = useState<User>(session.user);
  const [users, setUsers] = useState<Map<string, User>>(new Map([[session.user.id, session.user]]));
  const [types, setTypes] = useState<Map<string, ConnectionType>>(new Map());
  const [live, setLive] = useState<'connecting' | 'open' | 'error'>('connecting');
  const [listeners] = useState(() => new Set<Listener>());
  const hash = useHash();
  const [menuOpen, setMenuOpen] = useState(false);
  // a tab taken (or any other move) closes the phone's menu
  useEffect(() => setMenuOpen(false), [hash]);
  useEffect(() => {
    if (!menuOpen) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') setMenuOpen(false);
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, [menuOpen]);

  const signOut = useCallback(() => {
    void end(client).then(onSignedOut);
  }, [client, onSignedOut]);
  const reloadUsers = useCallback(() => {
    client
      .listUsers()
      .then((list) => {
        setUsers(new Map(list.map((u) => [u.id, u])));
        const self = list.find((u) => u.id === me.id);
        if (self) setMe(self);
      })
      .catch(() => undefined);
  }, [client, me.id]);

  useEffect(() => {
    reloadUsers();
    client
      .connectionTypes()
      .then((list) => setTypes(new Map(list.map((t) => [t.type, t]))))
      .catch(() => undefined);
  }, [client]);

  useEffect(() => {
    const ctl = new AbortController();
    client
      .events((e) => listeners.forEach((l) => l(e)), {
        signal: ctl.signal,
        onStatus: (status) => {
          setLive(status);
          // whatever happened before the stream was (re)opened is fetched again by the screens
          if (status === 'open') listeners.forEach((l) => l({ type: 'stream.open', data: {} }));
        },
      })
      .catch((err: unknown) => {
        // the session ended elsewhere (signed out, expired, user removed)
        if (err instanceof ApiError && err.status === 401) signOut();
      });
    return () => ctl.abort();
  }, [client, listeners, signOut]);

  const subscribe = useCallback(
    (l: Listener) => {
      listeners.add(l);
      return () => {
        listeners.delete(l);
      };
    },
    [listeners],
  );
  const state: AppState = useMemo(
    () => ({ client, me, users, reloadUsers, types, subscribe }),
    [client, me, users, reloadUsers, types, subscribe],
  );

  const page = hash.startsWith('#/settings')
    ? 'settings'
    : hash.startsWith('#/automation')
      ? 'automation'
      : hash.startsWith('#/health')
        ? 'health'
        : hash.startsWith('#/campaigns')
          ? 'campaigns'
          : 'inbox';
  const conversationId = /^#\/inbox\/([^/]+)/.exec(hash)?.[1];
  // the page's name on the phone's Menu button (a tab without an entry here is named by its route)
  const pageLabel = PAGE_LABELS[page] ?? page.charAt(0).toUpperCase() + page.slice(1);
  return (
    <AppContext.Provider value={state}>
      <div className="shell">
        <header className="top">
          <strong className="brand">Switchboard</strong>
          {/* on a phone the tabs do not fit beside who is signed in: they open from here (styles.css, max-width 720px) */}
          <button
            type="button"
            className="nav-toggle"
            aria-expanded={menuOpen}
            aria-controls="main-nav"
            aria-label={`Menu, on ${pageLabel}`}
            onClick={() => setMenuOpen(!menuOpen)}
          >
            <Icon name={menuOpen ? 'close' : 'menu'} />
            <span className="nav-current">{pageLabel}</span>
          </button>
          <nav id="main-nav" aria-label="Main" className={menuOpen ? 'open' : undefined}>
            <a href="#/inbox" aria-current={page === 'inbox' ? 'page' : undefined}>
              Sessions
            </a>
            <a href="#/automation" aria-current={page === 'automation' ? 'page' : undefined}>
              Automation
            </a>
            {atLeast(me.role, 'admin') && (
              <a href="#/campaigns" aria-current={page === 'campaigns' ? 'page' : undefined}>
                Campaigns
              </a>
            )}
            <a href="#/health" aria-current={page === 'health' ? 'page' : undefined}>
              Health
            </a>
            <a href="#/settings" aria-current={page === 'settings' ? 'page' : undefined}>
              Settings
            </a>
          </nav>
          <span
            className={`live live-${live}`}
            title={
              live === 'open'
                ? 'Live updates connected'
                : live === 'error'
                  ? 'Live updates disconnected, retrying'
                  : 'Connecting…'
            }
            aria-label={`Live updates: ${live}`}
            role="img"
          />
          <span className="whoami" aria-label="Signed in as">
            <Icon name="user" />
            <span className="whoami-name">{me.name || me.email}</span>
            <span className="whoami-role">{me.role}</span>
          </span>
          <button type="button" className="signout" onClick={signOut} aria-label="Sign out" title="Sign out">
            <Icon name="logout" />
            <span>Sign out</span>
          </button>
        </header>
        <main>
          {page === 'health' ? (
            <Health />
          ) : page === 'campaigns' ? (
            <Campaigns />
          ) : page === 'automation' ? (
            <Automation client={client} subscribe={subscribe} />
          ) : page === 'settings' ? (
            <Settings hash={hash} />
          ) : (
            <Inbox selectedId={conversationId ? decodeURIComponent(conversationId) : undefined} />
          )}
        </main>
      </div>
    </AppContext.Provider>
  );
}
