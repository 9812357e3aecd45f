/**
 * @module core/inbound/backpressure
 * Back-pressure on ingest. Webhooks are acknowledged once their raw event is stored; processing follows at its own
 * pace, so a burst longer than processing can absorb grows a backlog of pending raw events. Past a bound (rows), or
 * with the store's disk nearly full, ingest answers 503 + Retry-After instead: providers retry a 503 later, so nothing
 * is lost, and nothing is acknowledged that was not stored. Once refused, webhooks stay refused until the backlog is
 * back under 90 % of the bound, so the answer does not flap at the edge.
 *
 * The backlog is read from the store every `refreshMs` (a count bounded by the limit, on the status index), and
 * every event stored since is added to it, so between two reads the figure only errs high. In scaled mode every API
 * process reads the same shared backlog.
 */
import type { Clock, InboundBacklog, Store } from '../ports/index.js';
import type { IngestBackpressureSettings } from '../deps.js';

export type Admission = { ok: true } | { ok: false; reason: 'backlog' | 'disk'; retryAfterSeconds: number };

const DEFAULT_REFRESH_MS = 500;
const RESUME_FRACTION = 0.9;

export class IngestBackpressure {
  private pendingAtRead = 0;
  private storedSinceRead = 0;
  private oldestReceivedAt: string | null = null;
  private freeBytes: number | null = null;
  private refusing: 'backlog' | 'disk' | null = null;
  /** raw events processed per second, from the last two reads (for Retry-After) */
  private drainPerSecond = 0;
  private lastReadAt = 0;
  private timer: ReturnType<typeof setInterval> | undefined;
  private reading: Promise<void> | undefined;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly settings: IngestBackpressureSettings,
  ) {}

  /** reads the backlog now and then every refreshMs until stop() */
  async start(): Promise<void> {
    if (this.timer) return;
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.settings.refreshMs ?? DEFAULT_REFRESH_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** whether ingest may store one more raw event now */
  admit(): Admission {
    const { maxBacklog, minFreeBytes } = this.settings;
    if (minFreeBytes > 0 && this.freeBytes !== null && this.freeBytes < minFreeBytes) {
      this.refusing = 'disk';
      return { ok: false, reason: 'disk', retryAfterSeconds: 60 };
    }
    if (this.refusing === 'disk') this.refusing = null;
    if (maxBacklog <= 0) return { ok: true };
    const backlog = this.backlog();
    const limit = this.refusing === 'backlog' ? Math.floor(maxBacklog * RESUME_FRACTION) : maxBacklog;
    if (backlog < limit) {
      this.refusing = null;
      return { ok: true };
    }
    this.refusing = 'backlog';
    return { ok: false, reason: 'backlog', retryAfterSeconds: this.retryAfter(backlog - maxBacklog * RESUME_FRACTION) };
  }

  /** `n` raw events were stored as pending (counted until the next read) */
  stored(n: number): void {
    this.storedSinceRead += n;
  }

  /** the backlog as this process sees it: pending raw events and the age of the oldest in seconds */
  snapshot(): { pending: number; lagSeconds: number } {
    const lagSeconds = this.oldestReceivedAt
      ? Math.max(0, (this.clock.now().getTime() - Date.parse(this.oldestReceivedAt)) / 1000)
      : 0;
    return { pending: this.backlog(), lagSeconds };
  }

  /** reads the backlog (and the disk's free space) from the store; a failed read keeps the last figures */
  refresh(): Promise<void> {
    this.reading ??= this.read().finally(() => {
      this.reading = undefined;
    });
    return this.reading;
  }

  private backlog(): number {
    return this.pendingAtRead + this.storedSinceRead;
  }

  private async read(): Promise<void> {
    const storedBefore = this.storedSinceRead;
    const bound = this.settings.maxBacklog > 0 ? this.settings.maxBacklog * 2 : 1_000_000;
    let backlog: InboundBacklog;
    try {
      [backlog, this.freeBytes] = await Promise.all([
        this.store.inboundBacklog(bound),
        this.settings.freeBytes ? this.settings.freeBytes().catch(() => this.freeBytes) : Promise.resolve(null),
      ]);
    } catch {
      return; // the store is unreachable: ingest's own write fails and answers 503 anyway
    }
    const now = Date.now();
    if (this.lastReadAt > 0 && now > this.lastReadAt) {
      // processed since the last read = what was pending then + what was stored since − what is pending now
      const processed = this.pendingAtRead + storedBefore - backlog.pending;
      if (processed > 0) this.drainPerSecond = processed / ((now - this.lastReadAt) / 1000);
    }
    this.lastReadAt = now;
    this.pendingAtRead = backlog.pending;
    // events stored while the read ran may or may not be in its count: keep them, the figure errs high
    this.storedSinceRead -= storedBefore;
    this.oldestReceivedAt = backlog.oldestReceivedAt;
  }

  /** seconds until processing has worked off `excess` events at the last measured rate, 1–60 */
  private retryAfter(excess: number): number {
    if (this.drainPerSecond <= 0) return 5;
    return Math.min(60, Math.max(1, Math.ceil(excess / this.drainPerSecond)));
  }
}
