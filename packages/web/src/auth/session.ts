/**
 * @module web/auth/session: where the signed-in session lives between reloads (localStorage), and how it is
 * checked on start (GET /me with the stored token) and ended (POST /auth/logout, then forgotten).
 */
import { ApiError, SwitchboardClient, signIn, type User } from '../../../sdk/src/index.ts';

const TOKEN_KEY = 'switchboard.token';

export interface SignedIn {
  client: SwitchboardClient;
  user: User;
}

export function storedToken(): string | null {
  return localStorage.getItem(TOKEN_KEY);
}

/** the stored session, checked against the server; null when there is none or it was refused */
export async function resume(): Promise<SignedIn | null> {
  const token = storedToken();
  if (!token) return null;
  const client = new SwitchboardClient({ token });
  try {
    return { client, user: await client.me() };
  } catch (err) {
    if (err instanceof ApiError && (err.status === 401 || err.status === 403)) localStorage.removeItem(TOKEN_KEY);
    else throw err;
    return null;
  }
}

/** `workspaceId` only when the email belongs to several workspaces (the server answers WORKSPACE_REQUIRED) */
export async function withPassword(email: string, password: string, workspaceId?: string): Promise<SignedIn> {
  const session = await signIn(email.trim(), password, workspaceId ? { workspaceId } : {});
  localStorage.setItem(TOKEN_KEY, session.token);
  return { client: new SwitchboardClient({ token: session.token }), user: session.user };
}

/** an API token (an integration key or the bootstrap admin token) instead of a password */
export async function withToken(token: string): Promise<SignedIn> {
  const client = new SwitchboardClient({ token: token.trim() });
  const user = await client.me();
  localStorage.setItem(TOKEN_KEY, client.token);
  return { client, user };
}

export async function end(client: SwitchboardClient): Promise<void> {
  localStorage.removeItem(TOKEN_KEY);
  await client.signOut().catch(() => undefined); // the session may already be gone; we forget it either way
}
