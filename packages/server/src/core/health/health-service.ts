/**
 * @module core/health/health-service
 * A connection's health beside its lifecycle status (a RUNNING connection stays RUNNING): `healthy | warning |
 * failing` with the reasons. Two kinds of checks make it up:
 * - what the provider says (the connector's `health` feature: the webhook it has registered against ours, its
 *   delivery errors, what waits there), asked when the connection starts and then every `intervalMs`;
 * - what the hub sees itself, from the messages (so every process sees the same): whether the first message ever
 *   arrived ("completing the setup form does not guarantee the connection works"), and the share of outbound
 *   messages that failed or wait for a retry after a provider error in the last `windowMs`.
 * The result is stored per connection; a change of state is a `connection.health` event (streamed, and sent to
 * outgoing webhooks) and a connection log line. Reading a connection's health recomputes the hub's own checks, so
 * the first message turns it green at once, without waiting for the next round.
 */
import { errorText, type ConnectionService } from '../connections/connection-service.js';
import type { CoreDeps } from '../deps.js';
import { eventRow } from '../events.js';
import type { ConnectionHealthRecord, ConnectionRecord, HealthCheckRecord, HealthState } from '../ports/index.js';
import { isChannelError } from '../../channel-kit/index.js';
import { AppError } from '../errors.js';

export interface HealthSettings {
  /** how often the provider is asked, per running connection (SWITCHBOARD_HEALTH_INTERVAL_SECONDS, default 15 min) */
  intervalMs: number;
  /** the window the outbound error rate is measured over (default 1 h) */
  windowMs: number;
  /** the share of outbound messages in trouble that turns the check to warning (default 0.2) … */
  errorRate: number;
  /** … once at least this many were sent in the window (default 5) */
  minMessages: number;
  /** days before a credential's end when a warning starts (SWITCHBOARD_HEALTH_EXPIRY_WARNING_DAYS, default 14 and 3) */
  expiryWarningDays: number[];
  /** the window a burst of provider 5xx/429/timeouts is looked for in (default 15 min) … */
  burstWindowMs: number;
  /** … the share of calls that ended so which is a burst (default 0.2) … */
  burstRate: number;
  /** … once at least this many calls were made in it (default 5) … */
  burstMinCalls: number;
  /** … and it has passed once this many calls in a row went through (default 3) */
  recoveryCalls: number;
  /** silence: no inbound for this multiple of the connection's usual gap (its 90th percentile, default 4) … */
  silenceFactor: number;
  /** … and never less than this (SWITCHBOARD_HEALTH_SILENCE_FLOOR_MINUTES, default 1 h) … */
  silenceFloorMs: number;
  /** … learned from the latest this many inbound messages (default 50), once there are at least `silenceMinHistory` (10) */
  silenceHistory: number;
  silenceMinHistory: number;
  /** provider calls older than this are forgotten (default a day) */
  callRetentionMs: number;
}

export const DEFAULT_HEALTH_SETTINGS: HealthSettings = {
  intervalMs: 15 * 60_000,
  windowMs: 3_600_000,
  errorRate: 0.2,
  minMessages: 5,
  expiryWarningDays: [14, 3],
  burstWindowMs: 15 * 60_000,
  burstRate: 0.2,
  burstMinCalls: 5,
  recoveryCalls: 3,
  silenceFactor: 4,
  silenceFloorMs: 3_600_000,
  silenceHistory: 50,
  silenceMinHistory: 10,
  callRetentionMs: 86_400_000,
};

/** a duration as people say it, coarse enough that a warning's text changes rarely (each change is a write) */
export function roughly(ms: number): string {
  const minutes = ms / 60_000;
  if (minutes < 1) return `${Math.max(1, Math.round(ms / 1000))} s`;
  if (minutes < 60) return `${Math.round(minutes)} min`;
  const hours = minutes / 60;
  if (hours < 48) return `${Math.floor(hours)} h`;
  return `${Math.floor(hours / 24)} days`;
}

/** the value below which `share` of the sorted values lie (nearest rank) */
export function percentile(sorted: number[], share: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(share * sorted.length) - 1));
  return sorted[rank] as number;
}

const RANK: Record<HealthState, number> = { healthy: 0, warning: 1, failing: 2 };
export const worstState = (checks: Array<{ state: HealthState }>): HealthState =>
  checks.reduce<HealthState>((w, c) => (RANK[c.state] > RANK[w] ? c.state : w), 'healthy');

export interface HealthView {
  state: HealthState;
  checks: HealthCheckRecord[];
  updatedAt: string;
}

/** one connection on the Health page (HealthService.summary) */
export interface ConnectionHealthSummary {
  connectionId: string;
  name: string;
  type: string;
  status: ConnectionRecord['status'];
  health: HealthView | null;
  lastInboundAt: string | null;
  lastOutboundAt: string | null;
  lastHour: {
    outbound: number;
    outboundTrouble: number;
    errorRate: number;
    providerCalls: number;
    rateLimited: number;
    serverErrors: number;
    latencyP50Ms: number | null;
    latencyP95Ms: number | null;
  };
  /** the last 24 hours, oldest first, each hour's start */
  hourly: Array<{ hour: string; inbound: number; outbound: number }>;
}

type Deps = Pick<CoreDeps, 'store' | 'clock' | 'log' | 'afterCommit' | 'registry' | 'redactor' | 'settings'>;

export class HealthService {
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<void> | undefined;
  private readonly storedListeners: Array<(record: ConnectionRecord, checks: HealthCheckRecord[]) => void> = [];

  constructor(
    private readonly deps: Deps,
    private readonly connections: ConnectionService,
    private readonly settings: HealthSettings = DEFAULT_HEALTH_SETTINGS,
    /** writes this process's pending provider-call records (the outbound worker's log) before they are read */
    private readonly flushCalls: () => Promise<void> = () => Promise.resolve(),
  ) {}

  /** asks the provider and the messages now, stores the result, and tells when the state changed */
  async check(workspaceId: string, connectionId: string): Promise<HealthView> {
    const record = await this.connections.get(workspaceId, connectionId);
    const stored = await this.deps.store.getConnectionHealth(workspaceId, connectionId);
    const firstMessage = stored?.checks.find((c) => c.name === 'first_message');
    const checks = [...(await this.providerChecks(record)), ...(await this.hubChecks(record, firstMessage))];
    return this.store(record, checks);
  }

  /**
   * the stored provider checks with the hub's own recomputed; undefined for a connection never checked and not
   * running (its lifecycle status says all there is). A hub finding that changed since the last round (the first
   * message arrived) is stored at once — with its event and log line — so every later read answers the same.
   */
  async view(record: ConnectionRecord): Promise<HealthView | undefined> {
    const stored = await this.deps.store.getConnectionHealth(record.workspaceId, record.id);
    if (!stored && record.status !== 'RUNNING') return undefined;
    const before = new Map((stored?.checks ?? []).map((c) => [c.name, c]));
    const fresh = await this.hubChecks(record, before.get('first_message'));
    const unchanged = fresh.every((c) => {
      const was = before.get(c.name);
      return was !== undefined && was.state === c.state && was.detail === c.detail;
    });
    if (stored && unchanged) return { state: stored.state, checks: stored.checks, updatedAt: stored.updatedAt };
    const names = new Set(fresh.map((c) => c.name));
    return this.store(record, [...(stored?.checks ?? []).filter((c) => !names.has(c.name)), ...fresh]);
  }

  /**
   * The Health page: every connection of the workspace with its health (as `view` answers it), its last inbound and
   * outbound, the last hour's outbound error rate, its provider calls of the last hour (429s, 5xx, latency p50/p95
   * from provider_calls, so every process's sends count) and its messages per hour over the last 24 h.
   */
  async summary(workspaceId: string): Promise<ConnectionHealthSummary[]> {
    await this.flushCalls();
    const now = this.deps.clock.now().getTime();
    const hourAgo = new Date(now - 3_600_000).toISOString();
    // 24 whole hours ending with the current one
    const firstHour = Math.floor(now / 3_600_000) * 3_600_000 - 23 * 3_600_000;
    const hours = Array.from({ length: 24 }, (_, i) => new Date(firstHour + i * 3_600_000).toISOString().slice(0, 13));
    const records: ConnectionRecord[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.deps.store.listConnections(workspaceId, { limit: 200, ...(cursor ? { cursor } : {}) });
      records.push(...page.data);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    const out: ConnectionHealthSummary[] = [];
    for (const record of records) {
      const [health, activity, calls, hourly] = await Promise.all([
        this.view(record),
        this.deps.store.connectionActivity(record.id, hourAgo),
        this.deps.store.providerCallStats(record.id, hourAgo, { durations: true }),
        this.deps.store.hourlyMessageCounts(record.id, `${hours[0] as string}:00:00.000Z`),
      ]);
      const byHour = new Map(hourly.map((h) => [h.hour, h]));
      const sorted = [...calls.durationsMs].sort((a, b) => a - b);
      out.push({
        connectionId: record.id,
        name: record.name,
        type: record.type,
        status: record.status,
        health: health ?? null,
        lastInboundAt: activity.lastInboundAt,
        lastOutboundAt: activity.lastOutboundAt,
        lastHour: {
          outbound: activity.outbound,
          outboundTrouble: activity.outboundTrouble,
          errorRate: activity.outbound > 0 ? activity.outboundTrouble / activity.outbound : 0,
          providerCalls: calls.calls,
          rateLimited: calls.rateLimited,
          serverErrors: calls.unavailable,
          latencyP50Ms: sorted.length > 0 ? percentile(sorted, 0.5) : null,
          latencyP95Ms: sorted.length > 0 ? percentile(sorted, 0.95) : null,
        },
        hourly: hours.map((hour) => ({
          hour: `${hour}:00:00.000Z`,
          inbound: byHour.get(hour)?.inbound ?? 0,
          outbound: byHour.get(hour)?.outbound ?? 0,
        })),
      });
    }
    return out;
  }

  /**
   * told of every stored result, changed or not (the admin e-mails, core/health/health-alerts.ts, compare it with what
   * they last said); a listener must not throw and runs its own I/O in the background
   */
  onStored(listener: (record: ConnectionRecord, checks: HealthCheckRecord[]) => void): void {
    this.storedListeners.push(listener);
  }

  /**
   * "Send a test event": asks the provider's test facility (the connector's `testEvent` feature) to deliver a test
   * inbound message to the connection's webhook; when it arrives it is an inbound message like any, and the
   * first-message check turns green. 409 when the channel has no such facility or the connection is not running;
   * 503 with the provider's words when the provider refused or did not answer.
   */
  async testEvent(workspaceId: string, connectionId: string): Promise<{ requested: true; detail: string }> {
    const record = await this.connections.get(workspaceId, connectionId);
    const live = await this.connections.live(record.id);
    const testEvent = live?.connector.features.testEvent;
    if (!live || !testEvent)
      throw new AppError(
        'CONFLICT',
        `${live?.connector.displayName ?? record.type} has no test facility: send a message from the channel instead`,
      );
    if (record.status !== 'RUNNING')
      throw new AppError(
        'CONNECTION_NOT_RUNNING',
        `the connection is ${record.status}: start it to receive a test event`,
      );
    let answer: { detail: string };
    try {
      answer = await testEvent.call(
        live.connector.features,
        this.connections.context(live, AbortSignal.timeout(this.deps.settings.connectorTimeoutMs)),
      );
    } catch (error) {
      const text = this.deps.redactor.scrub(errorText(error));
      await this.connections.log(record.id, 'warn', 'test_event', `test event not sent: ${text}`);
      throw new AppError('UNAVAILABLE', `${live.connector.displayName} did not send a test event: ${text}`);
    }
    const detail = this.deps.redactor.scrub(answer.detail);
    await this.connections.log(record.id, 'info', 'test_event', `test event requested: ${detail}`);
    return { requested: true, detail };
  }

  /** the stored health of every connection of a workspace, by connection id (the list view) */
  async stored(workspaceId: string): Promise<Map<string, ConnectionHealthRecord>> {
    return new Map((await this.deps.store.listConnectionHealth(workspaceId)).map((h) => [h.connectionId, h]));
  }

  /** a check right after a connection starts, then one round every intervalMs over the running connections */
  start(): void {
    this.timer = setInterval(() => {
      this.round ??= this.checkRunning().finally(() => (this.round = undefined));
    }, this.settings.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.round;
  }

  /** ConnectionService.onRunning: the first look, right after a start */
  async started(record: ConnectionRecord): Promise<void> {
    await this.check(record.workspaceId, record.id);
  }

  private async checkRunning(): Promise<void> {
    const before = new Date(this.deps.clock.now().getTime() - this.settings.callRetentionMs).toISOString();
    await this.deps.store
      .pruneProviderCalls(before)
      .catch((error: unknown) => this.deps.log.warn({ err: error }, 'old provider calls not pruned'));
    for (const record of await this.deps.store.listConnectionsByStatus(['RUNNING'])) {
      await this.check(record.workspaceId, record.id).catch((error: unknown) =>
        this.deps.log.warn({ connectionId: record.id, err: error }, 'health check failed'),
      );
    }
  }

  private async providerChecks(record: ConnectionRecord): Promise<HealthCheckRecord[]> {
    const live = await this.connections.live(record.id);
    const health = live?.connector.features.health;
    if (!live || !health || record.status !== 'RUNNING') return [];
    const at = this.now();
    try {
      const signal = AbortSignal.timeout(10_000);
      const ask = { now: this.deps.clock.now(), expiryWarningDays: this.settings.expiryWarningDays };
      const found = await health.call(live.connector.features, this.connections.context(live, signal), ask);
      return found.map((c) => ({ ...c, detail: this.deps.redactor.scrub(c.detail), checkedAt: at }));
    } catch (error) {
      // a rejected credential is failing (messages will fail next); any other failure to ask is a warning
      const auth = isChannelError(error) && error.code === 'AUTH';
      return [
        {
          name: 'provider',
          state: auth ? 'failing' : 'warning',
          detail: auth
            ? `${live.connector.displayName} refused the credentials: ${errorText(error)} — update them in the connection`
            : `could not ask ${live.connector.displayName}: ${errorText(error)}`,
          checkedAt: at,
        },
      ];
    }
  }

  /** `firstMessage`: the stored check — once the first message arrived it stays as it was, with that time */
  private async hubChecks(record: ConnectionRecord, firstMessage?: HealthCheckRecord): Promise<HealthCheckRecord[]> {
    const at = this.now();
    const since = new Date(this.deps.clock.now().getTime() - this.settings.windowMs).toISOString();
    const activity = await this.deps.store.connectionActivity(record.id, since);
    const connector = this.deps.registry.get(record.type);
    const checks: HealthCheckRecord[] = [];
    checks.push(
      firstMessage?.state === 'healthy'
        ? firstMessage
        : activity.lastInboundAt
          ? {
              name: 'first_message',
              state: 'healthy',
              detail: `The first message arrived at ${activity.lastInboundAt}`,
              checkedAt: at,
            }
          : {
              name: 'first_message',
              state: 'warning',
              detail: `Waiting for the first message — send one from ${connector?.displayName ?? record.type} to ${record.name}`,
              checkedAt: at,
            },
    );
    const { outbound, outboundTrouble } = activity;
    const rate = outbound > 0 ? outboundTrouble / outbound : 0;
    const minutes = Math.round(this.settings.windowMs / 60_000);
    checks.push(
      outbound >= this.settings.minMessages && rate >= this.settings.errorRate
        ? {
            name: 'outbound_errors',
            state: 'warning',
            detail: `${outboundTrouble} of ${outbound} messages sent in the last ${minutes} min failed or wait for a retry after a provider error — see the connection's logs`,
            checkedAt: at,
          }
        : {
            name: 'outbound_errors',
            state: 'healthy',
            // no counts here: a healthy finding reads the same until its state changes
            detail: `Sends go through: no more than ${Math.round(this.settings.errorRate * 100)} % of the last ${minutes} min's messages failed`,
            checkedAt: at,
          },
    );
    checks.push(await this.providerErrors(record, connector?.displayName ?? record.type, at));
    checks.push(await this.silence(record, activity.lastInboundAt, at));
    return checks;
  }

  /**
   * a burst of provider trouble on outbound calls — 5xx answers, timeouts (UNAVAILABLE) and 429s (RATE_LIMITED) — in
   * the last burstWindowMs, from every process's calls (provider_calls); it has passed once the latest
   * `recoveryCalls` calls went through, without waiting for the window to empty
   */
  private async providerErrors(record: ConnectionRecord, provider: string, at: string): Promise<HealthCheckRecord> {
    await this.flushCalls();
    const since = new Date(this.deps.clock.now().getTime() - this.settings.burstWindowMs).toISOString();
    const stats = await this.deps.store.providerCallStats(record.id, since);
    const trouble = stats.unavailable + stats.rateLimited;
    const recovered =
      stats.latest.length >= this.settings.recoveryCalls &&
      stats.latest.slice(0, this.settings.recoveryCalls).every((o) => o === 'ok');
    const minutes = Math.round(this.settings.burstWindowMs / 60_000);
    if (stats.calls >= this.settings.burstMinCalls && trouble / stats.calls >= this.settings.burstRate && !recovered) {
      const kinds = [
        stats.unavailable > 0 ? `${stats.unavailable} × a server error or no answer (5xx, timeout)` : '',
        stats.rateLimited > 0 ? `${stats.rateLimited} × rate limited (429)` : '',
      ].filter(Boolean);
      return {
        name: 'provider_errors',
        state: 'warning',
        detail: `${provider} answered ${trouble} of the last ${stats.calls} sends in ${minutes} min with trouble: ${kinds.join(', ')} — messages wait for a retry; see the connection's logs`,
        checkedAt: at,
      };
    }
    return {
      name: 'provider_errors',
      state: 'healthy',
      detail: `${provider} answers sends: no burst of server errors or rate limits in the last ${minutes} min`,
      checkedAt: at,
    };
  }

  /**
   * inbound that suddenly stops: no message for `silenceFactor` × the connection's usual gap between messages (the
   * 90th percentile of its latest gaps, so quiet nights in its history count as usual), and never less than the
   * floor. Watched only while it runs and once it has enough history to have a pace.
   */
  private async silence(
    record: ConnectionRecord,
    lastInboundAt: string | null,
    at: string,
  ): Promise<HealthCheckRecord> {
    const quiet = { name: 'silence', state: 'healthy' as const, checkedAt: at };
    if (record.status !== 'RUNNING' || !lastInboundAt)
      return { ...quiet, detail: 'Inbound is watched for silence while the connection runs and has messages' };
    const times = await this.deps.store.recentInboundTimes(record.id, this.settings.silenceHistory);
    if (times.length < this.settings.silenceMinHistory)
      return {
        ...quiet,
        detail: `Learning this connection's usual pace (it needs ${this.settings.silenceMinHistory} messages)`,
      };
    const ms = times.map((t) => Date.parse(t));
    const gaps = ms
      .slice(1)
      .map((t, i) => (ms[i] as number) - t)
      .sort((a, b) => a - b);
    const usual = percentile(gaps, 0.9);
    const limit = Math.max(this.settings.silenceFloorMs, this.settings.silenceFactor * usual);
    const silent = this.deps.clock.now().getTime() - (ms[0] as number);
    if (silent <= limit) return { ...quiet, detail: 'Messages arrive at the pace this connection has learned' };
    return {
      name: 'silence',
      state: 'warning',
      detail: `No message has arrived for ${roughly(silent)}; nine in ten of this connection's last ${times.length} messages came within ${roughly(usual)} of the one before — check the provider's webhook (the provider checks above) and the connection's logs`,
      checkedAt: at,
    };
  }

  private async store(record: ConnectionRecord, checks: HealthCheckRecord[]): Promise<HealthView> {
    const now = this.now();
    const state = worstState(checks);
    const next: ConnectionHealthRecord = {
      connectionId: record.id,
      workspaceId: record.workspaceId,
      state,
      checks,
      updatedAt: now,
    };
    // an event when the findings change (which checks, in which state), not on every round
    const change = await this.deps.store.transaction(async (tx) => {
      const before = await tx.getConnectionHealth(record.workspaceId, record.id);
      await tx.putConnectionHealth(next);
      if (before && sameFindings(before.checks, checks)) return undefined;
      await tx.insertOutbox(
        [eventRow('connection.health', record.workspaceId, { connectionId: record.id, state, checks })],
        now,
      );
      return { before: before?.state };
    });
    for (const listener of this.storedListeners) listener(record, checks);
    if (!change) return { state, checks, updatedAt: now };
    this.deps.afterCommit();
    if ((change.before ?? 'healthy') !== state) {
      const reasons = checks.filter((c) => c.state !== 'healthy').map((c) => c.detail);
      await this.connections.log(
        record.id,
        state === 'healthy' ? 'info' : 'warn',
        'health',
        `health ${change.before ?? 'unchecked'} → ${state}${reasons.length ? `: ${reasons.join('; ')}` : ''}`,
      );
    }
    return { state, checks, updatedAt: now };
  }

  private now(): string {
    return this.deps.clock.now().toISOString();
  }
}

/** the same checks in the same states and stages (details carry counts and times that change every round) */
function sameFindings(a: HealthCheckRecord[], b: HealthCheckRecord[]): boolean {
  const key = (l: HealthCheckRecord[]) => JSON.stringify(l.map((c) => [c.name, c.state, c.stage ?? '']));
  return key(a) === key(b);
}
