/**
 * @module core/inbound/listen-runner
 * The front half of the inbound pipeline for connectors that fetch their own updates (inbound mode `listen`: a
 * long poll, a mailbox). While a connection runs, its listener gets a context whose `deliver` stores each update
 * as a raw event exactly as a webhook's is stored (the same group commit, dedup on the event key, the processor
 * parses it later) and resolves only once that is durable, and whose `cursor` is kept in the connection's row —
 * so a listener that moves its cursor after `deliver` loses nothing in a crash and doubles nothing after one.
 * A phone line's closed line (`closedLine`, while its agent is stopped) runs here too; per connection one thing at
 * a time: whatever ran before (the listener winding down, the closed line) has let go before the next one starts.
 */
import {
  listenedRequest,
  type ListenContext,
  type ListenedUpdate,
  type OpenCall,
  type WebhookOutcome,
} from '../../channel-kit/index.js';
import { newId } from '../../model/index.js';
import type { ConnectionRecord } from '../ports/index.js';
import type { CoreDeps } from '../deps.js';
import type { ConnectionService, LiveConnection } from '../connections/connection-service.js';
import { InboundGroupCommit } from './group-commit.js';

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

export class ListenRunner {
  private readonly commit: InboundGroupCommit;
  /** the listeners running now, so a stopping process can wait for them to let go */
  private readonly active = new Set<Promise<void>>();
  /** per connection, what runs (or winds down) last: its listener or its closed line */
  private readonly last = new Map<string, Promise<void>>();
  private readonly closedLines = new Map<string, AbortController>();

  constructor(
    private readonly deps: CoreDeps,
    private readonly connections: ConnectionService,
  ) {
    this.commit = new InboundGroupCommit(deps.store, deps.afterCommit);
  }

  /** starts the connection's listener, if it has one (wired as a ConnectionService.onRunning hook) */
  async started(record: ConnectionRecord): Promise<void> {
    // a closed line holds what the listener needs (its port): it goes first, and whatever ran before has ended
    await this.release(record.id);
    const live = await this.connections.live(record.id);
    const signal = this.connections.signalOf(record.id);
    if (!live || !signal || signal.aborted) return;
    await this.reconcileCalls(live, signal);
    if (signal.aborted || !live.connector.inbound.listen) return;
    const inbound = live.connector.inbound as { listen(ctx: ListenContext<unknown>): Promise<void> };
    const ctx = {
      ...this.connections.context(live, signal),
      deliver: (update: ListenedUpdate) => this.deliver(live, update),
      cursor: {
        get: () => this.deps.store.getListenCursor(record.id),
        set: (value: string) => this.deps.store.setListenCursor(record.id, value),
      },
    };
    const running = inbound.listen(ctx).then(
      async () => {
        if (!signal.aborted) await this.connections.markError(record.id, 'listener stopped without being asked to');
      },
      async (error: unknown) => {
        if (!signal.aborted) await this.connections.markError(record.id, `listener stopped: ${errorText(error)}`);
      },
    );
    this.track(record.id, running);
  }

  /**
   * the connection was stopped with its agent: its closed line answers callers until it starts again (a connector
   * without one: nothing). It waits for the listener to let go first.
   */
  async closeLine(connectionId: string): Promise<void> {
    const live = await this.connections.live(connectionId);
    const inbound = live?.connector.inbound;
    if (!live || live.record.status !== 'STOPPED' || inbound?.mode !== 'listen' || !inbound.closedLine) return;
    if (this.closedLines.has(connectionId)) return;
    const controller = new AbortController();
    this.closedLines.set(connectionId, controller);
    await (this.last.get(connectionId) ?? Promise.resolve());
    if (controller.signal.aborted) return;
    const closedLine = inbound.closedLine as (ctx: unknown) => Promise<void>;
    const running = closedLine(this.connections.context(live, controller.signal)).then(
      () => undefined,
      (error: unknown) =>
        this.connections.log(
          connectionId,
          'warn',
          'closed_line_failed',
          `the closed line stopped: ${errorText(error)}`,
        ),
    );
    this.track(connectionId, running);
  }

  /** a stopped connection changed: a closed line of the removed one ends, one of a new config starts over */
  async changed(connectionId: string, change: 'config' | 'removed'): Promise<void> {
    if (!this.closedLines.has(connectionId)) return;
    await this.release(connectionId);
    if (change === 'config') await this.closeLine(connectionId);
  }

  /** the closed line of the connection (if any) ends, and whatever ran for it has let go */
  async release(connectionId: string): Promise<void> {
    this.closedLines.get(connectionId)?.abort();
    this.closedLines.delete(connectionId);
    await (this.last.get(connectionId) ?? Promise.resolve());
  }

  private track(connectionId: string, running: Promise<void>): void {
    this.active.add(running);
    this.last.set(connectionId, running);
    void running.finally(() => {
      this.active.delete(running);
      if (this.last.get(connectionId) === running) this.last.delete(connectionId);
    });
  }

  /**
   * the process stops: every listener is told (its signal aborts) and given `graceMs` to let go of its sockets
   * and finish what it was delivering, before the store closes under it
   */
  async stop(graceMs = 5_000): Promise<void> {
    this.connections.releaseAll();
    for (const controller of this.closedLines.values()) controller.abort();
    this.closedLines.clear();
    if (this.active.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.active]),
      new Promise((resolve) => (timer = setTimeout(resolve, graceMs))),
    ]);
    clearTimeout(timer);
  }

  /**
   * the calls of the connection the store still holds as open, asked after at the provider (features.calls
   * .reconcile): a call that ended while the hub was not running lost its callbacks, and would stay open for ever
   */
  private async reconcileCalls(live: LiveConnection, signal: AbortSignal): Promise<void> {
    const reconcile = live.connector.features.calls?.reconcile as
      ((calls: OpenCall[], ctx: unknown) => Promise<ListenedUpdate[]>) | undefined;
    if (!reconcile) return;
    // far more than a line carries at once; the next start takes the rest
    const open = await this.deps.store.listOpenCallsOfConnection(live.record.id, 500);
    if (open.length === 0) return;
    const calls: OpenCall[] = open.map((c) => ({
      providerCallId: c.providerCallId,
      direction: c.direction,
      from: c.from,
      to: c.to,
      state: c.state === 'in-progress' ? 'in-progress' : 'ringing',
    }));
    try {
      const updates = await reconcile(calls, this.connections.context(live, signal));
      for (const update of updates) await this.deliver(live, update);
      if (updates.length > 0)
        await this.connections.log(
          live.record.id,
          'info',
          'calls_reconciled',
          `${updates.length} of ${calls.length} open calls ended while the hub was not running`,
        );
    } catch (error) {
      await this.connections.log(
        live.record.id,
        'warn',
        'calls_reconcile_failed',
        `the open calls could not be asked after: ${errorText(error)}`,
      );
    }
  }

  private async deliver(live: LiveConnection, update: ListenedUpdate): Promise<boolean> {
    const { record, connector, config } = live;
    // listeners, and webhook channels that also listen (VK long poll), parse and key updates the same way
    const inbound = connector.inbound;
    const now = this.deps.clock.now().toISOString();
    const req = listenedRequest(record.type, update, now);
    let outcome: WebhookOutcome | undefined;
    let parseError: string | null = null;
    try {
      outcome = inbound.parse(req, config);
    } catch (error) {
      // stored anyway, so a parser fix can be replayed over it; the processor records the failure
      parseError = errorText(error);
    }
    this.deps.metrics.webhookReceived(record.type);
    const ignored = outcome?.kind === 'ignored' || outcome?.kind === 'handshake';
    return this.commit.add(
      {
        id: newId('evt'),
        workspaceId: record.workspaceId,
        connectionId: record.id,
        eventKey: inbound.eventKey?.(req) ?? null,
        method: req.method,
        url: req.url,
        headers: { ...update.headers },
        body: req.rawBody,
        status: ignored ? 'ignored' : 'pending',
        error: ignored ? (outcome?.kind === 'ignored' ? outcome.reason : 'handshake') : parseError,
        receivedAt: now,
        processedAt: ignored ? now : null,
      },
      !ignored,
    );
  }
}
