/** @module web/auth/SignIn: the sign-in screen — email and password, or an API token as the secondary way in. */
import { useState, type FormEvent } from 'react';
import { ApiError } from '../../../sdk/src/index.ts';
import { errorText } from '../format.ts';
import { withPassword, withToken, type SignedIn } from './session.ts';

export function SignIn({ onSignedIn }: { onSignedIn: (s: SignedIn) => void }) {
  const [mode, setMode] = useState<'password' | 'token'>('password');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [token, setToken] = useState('');
  // asked for only when the email belongs to more than one workspace
  const [workspaceId, setWorkspaceId] = useState<string | undefined>(undefined);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError('');
    try {
      onSignedIn(
        mode === 'password' ? await withPassword(email, password, workspaceId?.trim()) : await withToken(token),
      );
    } catch (err) {
      if (err instanceof ApiError && err.code === 'WORKSPACE_REQUIRED') {
        setWorkspaceId(workspaceId ?? '');
        setError(
          'This email belongs to more than one workspace. Enter the workspace id (an admin of that workspace has it).',
        );
      } else if (err instanceof ApiError && err.status === 401)
        setError(mode === 'password' ? 'Wrong email or password.' : 'This token was not accepted.');
      else if (err instanceof ApiError && err.status === 429) setError(err.message);
      else setError(`Could not sign in: ${errorText(err)}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="signin">
      <form onSubmit={(e) => void submit(e)} aria-labelledby="signin-title">
        <h1 id="signin-title">Sign in to Switchboard</h1>
        {mode === 'password' ? (
          <>
            <label htmlFor="signin-email">Email</label>
            <input
              id="signin-email"
              type="email"
              autoComplete="username"
              required
              value={email}
              onChange={(e) => setEmail(e.target.value)}
            />
            <label htmlFor="signin-password">Password</label>
            <input
              id="signin-password"
              type="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
            {workspaceId !== undefined && (
              <>
                <label htmlFor="signin-workspace">Workspace id</label>
                <input
                  id="signin-workspace"
                  autoComplete="off"
                  required
                  value={workspaceId}
                  onChange={(e) => setWorkspaceId(e.target.value)}
                  placeholder="ws_…"
                />
              </>
            )}
          </>
        ) : (
          <>
            <label htmlFor="token">API token</label>
            <input
              id="token"
              type="password"
              autoComplete="off"
              required
              value={token}
              onChange={(e) => setToken(e.target.value)}
              placeholder="sb_…"
            />
          </>
        )}
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy || (mode === 'password' ? !email.trim() || !password : !token.trim())}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        <p className="hint">
          {mode === 'password' ? (
            <>
              The owner's email and password are printed when the server first starts. Operators get theirs from an
              owner or admin.
            </>
          ) : (
            <>
              The admin token is printed when the server first starts (or create one with{' '}
              <code>switchboard token create</code>).
            </>
          )}
        </p>
        <button
          type="button"
          className="link"
          onClick={() => {
            setMode(mode === 'password' ? 'token' : 'password');
            setError('');
          }}
        >
          {mode === 'password' ? 'Use an API token instead' : 'Use email and password instead'}
        </button>
      </form>
    </main>
  );
}
