/**
 * @module core/teams/team-service
 * Teams of operators with a per-operator capacity (open conversations assigned at once), and round-robin
 * assignment: the next member after the one who got the last conversation, skipping members at capacity. The
 * choice runs inside the caller's transaction holding the team's row lock, so concurrent assignments to one team
 * take turns and never overfill a member. When nobody has room the conversation waits in the team inbox (team set,
 * nobody assigned) and `drain` hands it out when capacity frees.
 */
import { newId } from '../../model/index.js';
import { AppError, notFound } from '../errors.js';
import type { CoreDeps } from '../deps.js';
import type { Page, PageQuery, StoreOps, TeamMemberRecord, TeamRecord } from '../ports/index.js';
import { TimelineBatch } from '../conversations/timeline.js';

export interface TeamView {
  id: string;
  name: string;
  members: Array<{ userId: string; capacity: number }>;
  lastAssignedUserId: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface TeamInput {
  name: string;
  members?: Array<{ userId: string; capacity: number }> | undefined;
}

const MAX_DRAIN = 200;

class NothingWaiting extends Error {}

export class TeamService {
  constructor(private readonly deps: CoreDeps) {}

  private view(team: TeamRecord, members: TeamMemberRecord[]): TeamView {
    return {
      id: team.id,
      name: team.name,
      members: members.filter((m) => m.teamId === team.id).map((m) => ({ userId: m.userId, capacity: m.capacity })),
      lastAssignedUserId: team.lastAssignedUserId,
      createdAt: team.createdAt,
      updatedAt: team.updatedAt,
    };
  }

  private async checkMembers(workspaceId: string, members: Array<{ userId: string; capacity: number }>): Promise<void> {
    const seen = new Set<string>();
    for (const m of members) {
      if (seen.has(m.userId)) throw new AppError('VALIDATION', `user ${m.userId} is listed twice`);
      seen.add(m.userId);
      if (!(await this.deps.store.getUser(workspaceId, m.userId)))
        throw new AppError('VALIDATION', `user ${m.userId} is not in this workspace`);
    }
  }

  async get(workspaceId: string, id: string): Promise<TeamView> {
    const team = await this.deps.store.routing.getTeam(workspaceId, id);
    if (!team) throw notFound('team');
    return this.view(team, await this.deps.store.routing.listTeamMembers([id]));
  }

  async list(workspaceId: string, page: PageQuery): Promise<Page<TeamView>> {
    const p = await this.deps.store.routing.listTeams(workspaceId, page);
    const members = await this.deps.store.routing.listTeamMembers(p.data.map((t) => t.id));
    return { data: p.data.map((t) => this.view(t, members)), nextCursor: p.nextCursor };
  }

  async create(workspaceId: string, input: TeamInput): Promise<TeamView> {
    await this.checkMembers(workspaceId, input.members ?? []);
    const now = this.deps.clock.now().toISOString();
    const team: TeamRecord = {
      id: newId('team'),
      workspaceId,
      name: input.name,
      lastAssignedUserId: null,
      createdAt: now,
      updatedAt: now,
    };
    await this.deps.store.transaction(async (tx) => {
      await tx.routing.insertTeam(team);
      await tx.routing.replaceTeamMembers(
        team.id,
        (input.members ?? []).map((m) => ({ teamId: team.id, ...m })),
      );
    });
    return this.get(workspaceId, team.id);
  }

  /** `members` replaces the member list; raising a capacity or adding a member hands out waiting conversations */
  async update(
    workspaceId: string,
    id: string,
    patch: { name?: string | undefined; members?: Array<{ userId: string; capacity: number }> | undefined },
  ): Promise<TeamView> {
    await this.get(workspaceId, id);
    if (patch.members) await this.checkMembers(workspaceId, patch.members);
    const now = this.deps.clock.now().toISOString();
    await this.deps.store.transaction(async (tx) => {
      await tx.routing.updateTeam(workspaceId, id, { name: patch.name, updatedAt: now });
      if (patch.members)
        await tx.routing.replaceTeamMembers(
          id,
          patch.members.map((m) => ({ teamId: id, ...m })),
        );
    });
    if (patch.members) await this.drain(workspaceId, id);
    return this.get(workspaceId, id);
  }

  async remove(workspaceId: string, id: string): Promise<void> {
    if (!(await this.deps.store.transaction((tx) => tx.routing.deleteTeam(workspaceId, id)))) throw notFound('team');
  }

  /**
   * inside the caller's transaction: locks the team and picks the member to assign (round-robin among members below
   * capacity), moving the cursor; undefined when the team has nobody with room (or no longer exists)
   */
  async pick(tx: StoreOps, workspaceId: string, teamId: string): Promise<string | undefined> {
    const team = await tx.routing.lockTeam(teamId);
    if (!team || team.workspaceId !== workspaceId) return undefined;
    const members = (await tx.routing.listTeamMembers([teamId])).sort((a, b) =>
      a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0,
    );
    if (members.length === 0) return undefined;
    await tx.routing.lockUsers(members.map((m) => m.userId));
    const load = await tx.routing.openAssignedCounts(
      workspaceId,
      members.map((m) => m.userId),
    );
    // members sorted by id: the next one after the cursor is the first id above it (also when the cursor's member left)
    const cursor = team.lastAssignedUserId;
    const after = cursor === null ? 0 : members.findIndex((m) => m.userId > cursor);
    const start = after < 0 ? 0 : after;
    for (let i = 0; i < members.length; i++) {
      const m = members[(start + i) % members.length] as TeamMemberRecord;
      if ((load.get(m.userId) ?? 0) < m.capacity) {
        await tx.routing.setTeamCursor(teamId, m.userId);
        return m.userId;
      }
    }
    return undefined;
  }

  /** hands waiting conversations of the team inbox to members with room, oldest first; answers how many */
  async drain(workspaceId: string, teamId: string): Promise<number> {
    let assigned = 0;
    for (let i = 0; i < MAX_DRAIN; i++) {
      const now = this.deps.clock.now();
      const at = now.toISOString();
      const done = await this.deps.store
        .transaction(async (tx) => {
          // the lock first: two drains of one team take turns over the same oldest waiting conversation
          const userId = await this.pick(tx, workspaceId, teamId);
          if (!userId) return false;
          const [waiting] = await tx.routing.listWaitingInTeam(teamId, 1);
          if (!waiting || waiting.workspaceId !== workspaceId) throw new NothingWaiting();
          await tx.routing.setConversationRouting(
            waiting.id,
            { assigneeId: userId, updatedAt: at },
            { assigneeId: null },
          );
          const batch = new TimelineBatch(workspaceId, waiting.id, at).add('assigned', 'system', {
            userId,
            teamId,
            via: 'round-robin',
            reason: 'capacity freed',
          });
          await batch.write(tx, true, now);
          return true;
        })
        .catch((error: unknown) => {
          // nobody waiting: the transaction rolled back, so the cursor did not move
          if (error instanceof NothingWaiting) return false;
          throw error;
        });
      if (!done) break;
      assigned++;
      this.deps.afterCommit();
    }
    return assigned;
  }

  /** capacity of this user may have freed: drain every team they are in */
  async drainForUser(workspaceId: string, userId: string): Promise<void> {
    for (const teamId of await this.deps.store.routing.teamsOfUser(workspaceId, userId))
      await this.drain(workspaceId, teamId);
  }
}
