import { useEffect, useState } from 'react';
import { ApiError, SwitchboardClient, type HubEvent } from '../../sdk/src/index.ts';
import { Inbox } from './Inbox.tsx';
import { Settings } from './Settings.tsx';

const TOKEN_KEY = 'switchboard.token';
export type Listener = (event: HubEvent) => void;

function useHash(): string {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const on = () => setHash(location.hash);
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return hash;
}

export function App() {
  const [token, setToken] = useState(() => localStorage.getItem(TOKEN_KEY));
  const [client, setClient] = useState(() => (token ? new SwitchboardClient({ token }) : null));
  const [live, setLive] = useState<'connecting' | 'open' | 'error'>('connecting');
  const [listeners] = useState(() => new Set<Listener>());
  const hash = useHash();

  const signOut = (): void => {
    localStorage.removeItem(TOKEN_KEY);
    setToken(null);
    setClient(null);
  };

  useEffect(() => {
    if (!client) return;
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
        if (err instanceof ApiError && err.status === 401) signOut();
      });
    return () => ctl.abort();
  }, [client, listeners]);

  if (!client || !token) {
    return <SignIn onSignedIn={(t, c) => { localStorage.setItem(TOKEN_KEY, t); setToken(t); setClient(c); }} />;
  }
  const subscribe = (l: Listener) => { listeners.add(l); return () => { listeners.delete(l); }; };
  const page = hash.startsWith('#/settings') ? 'settings' : 'inbox';
  const conversationId = /^#\/inbox\/(.+)$/.exec(hash)?.[1];
  return (
    <div className="shell">
      <header className="top">
        <strong className="brand">Switchboard</strong>
        <nav aria-label="Main">
          <a href="#/inbox" aria-current={page === 'inbox' ? 'page' : undefined}>Sessions</a>
          <a href="#/settings" aria-current={page === 'settings' ? 'page' : undefined}>Settings</a>
        </nav>
        <span className={`live live-${live}`} title={live === 'open' ? 'Live updates connected' : live === 'error' ? 'Live updates disconnected, retrying' : 'Connecting…'} aria-label={`Live updates: ${live}`} />
        <button type="button" onClick={signOut}>Sign out</button>
      </header>
      <main>
        {page === 'settings'
          ? <Settings client={client} subscribe={subscribe} />
          : <Inbox client={client} subscribe={subscribe} selectedId={conversationId ? decodeURIComponent(conversationId) : undefined} />}
      </main>
    </div>
  );
}

function SignIn({ onSignedIn }: { onSignedIn: (token: string, client: SwitchboardClient) => void }) {
  const [value, setValue] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError('');
    const client = new SwitchboardClient({ token: value.trim() });
    try {
      await client.request('GET', '/connections?limit=1');
      onSignedIn(value.trim(), client);
    } catch (err) {
      setError(err instanceof ApiError && err.status === 401 ? 'This token was not accepted.' : `Could not sign in: ${(err as Error).message}`);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main className="signin">
      <form onSubmit={(e) => void submit(e)} aria-labelledby="signin-title">
        <h1 id="signin-title">Sign in to Switchboard</h1>
        <label htmlFor="token">API token</label>
        <input id="token" type="password" autoComplete="current-password" required value={value} onChange={(e) => setValue(e.target.value)} placeholder="sb_…" />
        {error && <p role="alert" className="error">{error}</p>}
        <button type="submit" disabled={busy || !value.trim()}>{busy ? 'Signing in…' : 'Sign in'}</button>
        <p className="hint">The admin token is printed when the server first starts (or create one with <code>switchboard token create</code>).</p>
      </form>
    </main>
  );
}
