/**
 * @module core/security/admin-endpoints
 * The address policy of URLs an admin configures and the hub then calls on its own: outgoing webhook receivers,
 * webhook agents, LLM and speech-to-text endpoints. They go through the one address guard (address-guard.ts) with
 * the workspace's `allowPrivateNetwork` opt-in as the policy — off by default, so an admin cannot turn the hub into
 * a scanner of its own network; on, private ranges (a receiver on the LAN, a local model server) are reachable;
 * link-local and cloud metadata addresses never are.
 *
 * Two checks, one policy: `check` when a URL is saved (scheme and literal addresses in every spelling, no DNS:
 * 400 with the reason), and `client` at each call, which resolves the host then and again when the socket
 * connects, with the opt-in as it is at that moment (turning it off applies to URLs saved before).
 */
import type { HttpClient } from '../../channel-kit/index.js';
import { AppError } from '../errors.js';
import type { UserStoreOps } from '../ports/index.js';
import { guardHttpClient, urlPolicyProblem, type Resolver } from './address-guard.js';

export interface AdminEndpointDeps {
  store: Pick<UserStoreOps, 'getWorkspace'>;
  http: HttpClient;
  /** DNS for the guard; the system resolver when absent (tests inject one) */
  resolve?: Resolver | undefined;
}

export class AdminEndpoints {
  constructor(private readonly deps: AdminEndpointDeps) {}

  /** whether the workspace opted in to private ranges (an unknown workspace did not) */
  async allowsPrivate(workspaceId: string): Promise<boolean> {
    return (await this.deps.store.getWorkspace(workspaceId))?.allowPrivateNetwork === true;
  }

  /** the save-time half: 400 naming each refused field and why, nothing saved */
  async check(workspaceId: string, urls: Array<{ field: string; url: string | undefined }>): Promise<void> {
    const given = urls.filter((u): u is { field: string; url: string } => typeof u.url === 'string');
    if (given.length === 0) return;
    checkAdminUrls(given, await this.allowsPrivate(workspaceId));
  }

  /** the call-time half: an HttpClient under the workspace's policy as it is now */
  async client(workspaceId: string): Promise<HttpClient> {
    return this.clientFor(await this.allowsPrivate(workspaceId));
  }

  clientFor(allowPrivate: boolean): HttpClient {
    return guardHttpClient(this.deps.http, {
      allowPrivate,
      ...(this.deps.resolve ? { resolve: this.deps.resolve } : {}),
    });
  }
}

/** throws AppError VALIDATION listing every URL the policy refuses as written */
export function checkAdminUrls(urls: Array<{ field: string; url: string }>, allowPrivate: boolean): void {
  const fields = urls.flatMap(({ field, url }) => {
    const problem = urlPolicyProblem(url, { allowPrivate });
    return problem === undefined ? [] : [{ field, message: problem }];
  });
  if (fields.length > 0)
    throw new AppError('VALIDATION', fields.map((f) => `${f.field}: ${f.message}`).join('; '), { fields });
}
