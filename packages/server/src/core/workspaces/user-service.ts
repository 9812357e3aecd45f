/**
 * @module core/workspaces/user-service
 * People: sign-in with email and password (a session is an API key that expires), sign-out, and the workspace's
 * users with roles — owner > admin > operator. Owners and admins invite and manage users; nobody grants a role
 * above their own, and the last owner cannot be removed or demoted.
 */
import { newId } from '../../model/index.js';
import { AppError, notFound } from '../errors.js';
import type { Role, UserRecord } from '../ports/index.js';
import type { CoreDeps } from '../deps.js';
import { generateApiToken, hashApiToken, tokenPrefix } from '../security/api-tokens.js';
import { generatePassword, hashPassword, verifyPassword } from '../security/passwords.js';

export const ROLE_RANK: Record<Role, number> = { operator: 1, admin: 2, owner: 3 };
const SESSION_MS = 30 * 86_400_000;

export interface UserView {
  id: string;
  workspaceId: string;
  email: string;
  name: string;
  role: Role;
  /** where a call transferred to this operator rings (E.164 or a SIP URI), null when none */
  phone: string | null;
  createdAt: string;
}
export const userView = (u: UserRecord): UserView => ({
  id: u.id,
  workspaceId: u.workspaceId,
  email: u.email,
  name: u.name,
  role: u.role,
  phone: u.phone ?? null,
  createdAt: u.createdAt,
});

export class UserService {
  constructor(private readonly deps: CoreDeps) {}

  /**
   * Answers a session token, or undefined for any wrong email/password (the caller counts failures). An email is
   * unique per workspace only, so the workspace is never chosen by which password matches: with a workspace the
   * password is checked against that workspace's user alone; without one, an email of several workspaces answers
   * WORKSPACE_REQUIRED — but only once the password is right for one of them, so a guess learns nothing about
   * where else the address is registered, and the answer names no workspace.
   */
  async signIn(
    email: string,
    password: string,
    workspaceId?: string,
  ): Promise<{ token: string; user: UserView; expiresAt: string } | undefined> {
    const all = await this.deps.store.findUsersByEmail(email.trim().toLowerCase());
    const candidates = workspaceId === undefined ? all : all.filter((u) => u.workspaceId === workspaceId);
    let match: UserRecord | undefined;
    // every candidate's hash is checked (no early exit), so the time taken does not tell how many there are
    for (const user of candidates) if ((await verifyPassword(password, user.passwordHash)) && !match) match = user;
    if (!match) return undefined;
    if (candidates.length > 1) {
      throw new AppError(
        'WORKSPACE_REQUIRED',
        'this email belongs to more than one workspace: sign in with the workspaceId of the one to open (your admin has it; it is in GET /api/v1/me)',
      );
    }
    const token = generateApiToken();
    const now = this.deps.clock.now();
    const expiresAt = new Date(now.getTime() + SESSION_MS).toISOString();
    await this.deps.store.insertApiKey({
      id: newId('key'),
      workspaceId: match.workspaceId,
      userId: match.id,
      name: 'session',
      tokenHash: hashApiToken(token),
      prefix: tokenPrefix(token),
      createdAt: now.toISOString(),
      lastUsedAt: null,
      kind: 'session',
      expiresAt,
    });
    return { token, user: userView(match), expiresAt };
  }

  /** ends the session the token belongs to (an integration key is not a session: it is kept) */
  async signOut(token: string): Promise<void> {
    const key = await this.deps.store.findApiKeyByHash(hashApiToken(token));
    if (key?.kind === 'session') await this.deps.store.deleteApiKey(key.id);
  }

  async me(workspaceId: string, userId: string): Promise<UserView> {
    const user = await this.deps.store.getUser(workspaceId, userId);
    if (!user) throw notFound('user');
    return userView(user);
  }

  async list(workspaceId: string): Promise<UserView[]> {
    return (await this.deps.store.listUsers(workspaceId)).map(userView);
  }

  private allowed(actorRole: Role, role: Role): void {
    if (ROLE_RANK[actorRole] < ROLE_RANK.admin) throw new AppError('FORBIDDEN', 'only owners and admins manage users');
    if (ROLE_RANK[role] > ROLE_RANK[actorRole])
      throw new AppError('FORBIDDEN', `an ${actorRole} cannot grant the ${role} role`);
  }

  /** the actor may manage a user of this role: owners and admins only, and nobody above themselves */
  private outranks(actorRole: Role, userRole: Role, what: 'change' | 'remove'): void {
    if (ROLE_RANK[actorRole] < ROLE_RANK.admin) throw new AppError('FORBIDDEN', 'only owners and admins manage users');
    if (ROLE_RANK[userRole] > ROLE_RANK[actorRole])
      throw new AppError(
        'FORBIDDEN',
        `an ${actorRole} cannot ${what === 'change' ? `change an ${userRole}'s name, role or password` : `remove an ${userRole}`}: ask an ${userRole}`,
      );
  }

  /** invites a user; answers the initial password once when none was given */
  async invite(
    workspaceId: string,
    actorRole: Role,
    input: { email: string; name: string; role: Role; password?: string | undefined },
  ): Promise<{ user: UserView; password: string | undefined }> {
    this.allowed(actorRole, input.role);
    const email = input.email.trim().toLowerCase();
    if ((await this.deps.store.listUsers(workspaceId)).some((u) => u.email === email))
      throw new AppError('CONFLICT', `a user with email ${email} already exists`);
    const password = input.password ?? generatePassword();
    const user: UserRecord = {
      id: newId('usr'),
      workspaceId,
      email,
      name: input.name,
      role: input.role,
      passwordHash: await hashPassword(password),
      createdAt: this.deps.clock.now().toISOString(),
    };
    await this.deps.store.insertUser(user);
    return { user: userView(user), password: input.password ? undefined : password };
  }

  async update(
    workspaceId: string,
    actor: { userId: string; role: Role },
    id: string,
    patch: {
      name?: string | undefined;
      role?: Role | undefined;
      password?: string | undefined;
      currentPassword?: string | undefined;
      phone?: string | null | undefined;
    },
  ): Promise<UserView> {
    const user = await this.deps.store.getUser(workspaceId, id);
    if (!user) throw notFound('user');
    const self = actor.userId === id;
    // changing one's own password takes the current one: a session left open on a shared screen must not be enough
    // to lock its owner out. Resetting someone else's (an admin's job) does not; nor does setting a first password.
    if (self && patch.password && user.passwordHash) {
      if (!patch.currentPassword)
        throw new AppError('VALIDATION', 'currentPassword is required to change your password');
      if (!(await verifyPassword(patch.currentPassword, user.passwordHash)))
        throw new AppError('FORBIDDEN', 'the current password is wrong');
    }
    if (!self) {
      // who the user is decides first: an admin resetting an owner's password grants nothing, it changes an owner
      this.outranks(actor.role, user.role, 'change');
      if (patch.role) this.allowed(actor.role, patch.role);
    }
    if (patch.role && self && ROLE_RANK[patch.role] > ROLE_RANK[actor.role])
      throw new AppError('FORBIDDEN', 'nobody raises their own role');
    if (patch.role && user.role === 'owner' && patch.role !== 'owner') await this.keepAnOwner(workspaceId, id);
    await this.deps.store.updateUser(workspaceId, id, {
      name: patch.name,
      role: patch.role,
      ...(patch.phone !== undefined ? { phone: patch.phone } : {}),
      ...(patch.password ? { passwordHash: await hashPassword(patch.password) } : {}),
    });
    return this.me(workspaceId, id);
  }

  async remove(workspaceId: string, actor: { userId: string; role: Role }, id: string): Promise<void> {
    const user = await this.deps.store.getUser(workspaceId, id);
    if (!user) throw notFound('user');
    this.outranks(actor.role, user.role, 'remove');
    if (user.role === 'owner') await this.keepAnOwner(workspaceId, id);
    await this.deps.store.deleteUser(workspaceId, id);
  }

  private async keepAnOwner(workspaceId: string, leaving: string): Promise<void> {
    const owners = (await this.deps.store.listUsers(workspaceId)).filter((u) => u.role === 'owner' && u.id !== leaving);
    if (owners.length === 0) throw new AppError('CONFLICT', 'the workspace must keep at least one owner');
  }
}
