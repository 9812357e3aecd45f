/**
 * @module core/health/health-alerts
 * A connection's health told to the workspace's owners and admins by e-mail (core/notifications), beside the
 * `connection.health` event and outgoing webhook: when it turns warning or failing, and when it is healthy again.
 * What is mailed is the state without the first-message check — a new connection waits for its first message by
 * design, which is no news to whoever just created it. One mail per connection per notification interval, and
 * only a state that differs from the last one mailed: a connection flapping warning ↔ healthy within the interval
 * mails once, and the state it settled in goes with the next round after the interval (the health rounds call
 * this on every check, not only on changes).
 */
import type { CoreDeps } from '../deps.js';
import type { AdminNotifier } from '../notifications/admin-notifier.js';
import type { ConnectionRecord, HealthCheckRecord, HealthState } from '../ports/index.js';
import { worstState } from './health-service.js';

export const healthAlertKey = (connectionId: string) => `health:${connectionId}`;

export class HealthAlerts {
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly deps: Pick<CoreDeps, 'settings' | 'log' | 'registry'>,
    private readonly notifier: AdminNotifier,
  ) {}

  /** HealthService.onStored: compares with the last mail and mails a change, in the background */
  consider(record: ConnectionRecord, checks: HealthCheckRecord[]): void {
    const run = this.mailIfChanged(record, checks)
      .catch((error: unknown) => this.deps.log.warn({ connectionId: record.id, err: error }, 'health alert failed'))
      .finally(() => this.pending.delete(run));
    this.pending.add(run);
  }

  /** resolves once the alerts under way are done (stop, tests) */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  private async mailIfChanged(record: ConnectionRecord, checks: HealthCheckRecord[]): Promise<void> {
    const relevant = checks.filter((c) => c.name !== 'first_message');
    const state = worstState(relevant);
    const key = healthAlertKey(record.id);
    const last = ((await this.notifier.lastMark(record.workspaceId, key))?.state ?? 'healthy') as HealthState;
    if (state === last) return;
    const outcome = await this.notifier.notifyAdmins(record.workspaceId, {
      key,
      state,
      ...this.words(record, state, last, relevant),
    });
    if (!outcome.sent && outcome.reason === 'failed')
      this.deps.log.warn({ connectionId: record.id, detail: outcome.detail }, 'health alert mail failed');
  }

  private words(
    record: ConnectionRecord,
    state: HealthState,
    last: HealthState,
    checks: HealthCheckRecord[],
  ): { subject: string; text: string } {
    const channel = this.deps.registry.get(record.type)?.displayName ?? record.type;
    const page = `${this.deps.settings.publicUrl}/#/health`;
    if (state === 'healthy')
      return {
        subject: `[Switchboard] ${channel} “${record.name}” is healthy again`,
        text: `The ${channel} connection “${record.name}” was ${last} and is healthy again.\n\nEvery connection's health: ${page}`,
      };
    const reasons = checks.filter((c) => c.state !== 'healthy').map((c) => `- ${c.name} (${c.state}): ${c.detail}`);
    return {
      subject: `[Switchboard] ${channel} “${record.name}” is ${state}`,
      text: `The ${channel} connection “${record.name}” is ${state}${last !== 'healthy' ? ` (it was ${last})` : ''}:\n\n${reasons.join('\n')}\n\nEvery connection's health: ${page}`,
    };
  }
}
