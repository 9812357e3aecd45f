/**
 * @module core/inbound/listen-runner
 * The front half of the inbound pipeline for connectors that fetch their own updates (inbound mode `listen`: a
 * long poll, a mailbox). While a connection runs, its listener gets a context whose `deliver` stores each update
 * as a raw event exactly as a webhook's is stored (the same group commit, dedup on the event key, the processor
 * parses it later) and resolves only once that is durable, and whose `cursor` is kept in the connection's row —
 * so a listener that moves its cursor after `deliver` loses nothing in a crash and doubles nothing after one.
 */
import {
  listenedRequest,
  type ListenContext,
  type ListenedUpdate,
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

  constructor(
    private readonly deps: CoreDeps,
    private readonly connections: ConnectionService,
  ) {
    this.commit = new InboundGroupCommit(deps.store, deps.afterCommit);
  }

  /** starts the connection's listener, if it has one (wired as a ConnectionService.onRunning hook) */
  async started(record: ConnectionRecord): Promise<void> {
    const live = await this.connections.live(record.id);
    const signal = this.connections.signalOf(record.id);
    if (!live || !signal || !live.connector.inbound.listen) return;
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
    this.active.add(running);
    void running.finally(() => this.active.delete(running));
  }

  /**
   * the process stops: every listener is told (its signal aborts) and given `graceMs` to let go of its sockets
   * and finish what it was delivering, before the store closes under it
   */
  async stop(graceMs = 5_000): Promise<void> {
    this.connections.releaseAll();
    if (this.active.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.active]),
      new Promise((resolve) => (timer = setTimeout(resolve, graceMs))),
    ]);
    clearTimeout(timer);
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
