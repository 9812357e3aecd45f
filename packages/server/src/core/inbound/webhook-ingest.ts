/**
 * @module core/inbound/webhook-ingest
 * The front half of the inbound pipeline: verify on the raw bytes → store the raw event durably → acknowledge.
 * Nothing is stored for an unknown connection, a stopped one (503 + Retry-After: the provider retries later,
 * so nothing is lost) or a failed verification (401/403 + a connection log line).
 */
import {
  storedBody,
  storedHeaders,
  storedWebhookUrl,
  type HttpReply,
  type WebhookOutcome,
  type WebhookRequest,
} from '../../channel-kit/index.js';
import { newId } from '../../model/index.js';
import type { CoreDeps } from '../deps.js';
import type { ConnectionService } from '../connections/connection-service.js';
import { InboundGroupCommit } from './group-commit.js';
import { IngestBackpressure } from './backpressure.js';

const OK: HttpReply = { status: 200, headers: { 'content-type': 'application/json' }, body: '{"ok":true}' };
const json = (status: number, code: string, message: string, headers: Record<string, string> = {}): HttpReply => ({
  status,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify({ error: { code, message } }),
});

function safeParse(fn: () => WebhookOutcome): WebhookOutcome | undefined {
  try {
    return fn();
  } catch {
    return undefined;
  }
}

function safeReply(fn: () => HttpReply | undefined): HttpReply | undefined {
  try {
    return fn();
  } catch {
    return undefined;
  }
}

export class WebhookIngest {
  private readonly commit: InboundGroupCommit;
  private readonly lastRejectLog = new Map<string, number>();
  /** the processing backlog's bound (absent when no bound is configured) */
  readonly backpressure: IngestBackpressure | undefined;

  constructor(
    private readonly deps: CoreDeps,
    private readonly connections: ConnectionService,
  ) {
    this.commit = new InboundGroupCommit(deps.store, deps.afterCommit);
    const bp = deps.settings.ingestBackpressure;
    this.backpressure =
      bp && (bp.maxBacklog > 0 || bp.minFreeBytes > 0) ? new IngestBackpressure(deps.store, deps.clock, bp) : undefined;
  }

  async handle(connectionId: string, req: WebhookRequest): Promise<HttpReply> {
    const live = await this.connections.live(connectionId);
    if (!live) return json(404, 'NOT_FOUND', 'unknown connection');
    const { record, connector, config } = live;
    const inbound = connector.inbound;
    if (inbound.mode !== 'webhook') return json(404, 'NOT_FOUND', 'this connection does not receive webhooks');
    // verify sees when the hub received the request (a signed timestamp's freshness window, e.g. Bird's)
    const now = this.deps.clock.now().toISOString();
    const verdict = inbound.verify({ ...req, receivedAt: now }, config);
    if (record.status === 'STOPPED') {
      // a provider's subscription handshake (Meta's GET hub.challenge, Intercom's HEAD check of the URL) may come
      // before the operator starts the connection: answer it; everything else waits (the provider retries, nothing
      // is stored, nothing lost)
      if ((req.method === 'GET' || req.method === 'HEAD') && verdict.ok) {
        const outcome = safeParse(() => inbound.parse(req, config));
        if (outcome?.kind === 'handshake') return outcome.reply;
      }
      // a phone line tells its callers it is closed (the request proven the provider's; nothing is stored)
      const closed = verdict.ok ? safeReply(() => inbound.whileStopped?.(req, config)) : undefined;
      if (closed) {
        this.deps.metrics.webhookRejected(record.type, 'stopped');
        return closed;
      }
      this.deps.metrics.webhookRejected(record.type, 'stopped');
      return json(503, 'UNAVAILABLE', 'connection is stopped', { 'retry-after': '30' });
    }
    if (!verdict.ok) {
      this.deps.metrics.webhookRejected(record.type, 'signature');
      await this.logRejection(record.id, verdict.reason);
      return json(verdict.status, verdict.status === 401 ? 'UNAUTHORIZED' : 'FORBIDDEN', 'webhook verification failed');
    }
    let outcome: WebhookOutcome | undefined;
    let parseError: string | null = null;
    try {
      outcome = inbound.parse({ ...req, receivedAt: now }, config);
    } catch (error) {
      // stored anyway, so a parser fix can be replayed over it; the processor records the failure
      parseError = error instanceof Error ? error.message : String(error);
    }
    if (outcome?.kind === 'handshake') return outcome.reply;
    const admission = this.backpressure?.admit();
    if (admission && !admission.ok) {
      // nothing stored, nothing acknowledged: the provider retries after the backlog (or the disk) has room again
      this.deps.metrics.webhookRejected(record.type, admission.reason);
      return json(
        503,
        'UNAVAILABLE',
        admission.reason === 'disk'
          ? 'the store is nearly out of disk space; retry later'
          : 'too many webhooks waiting to be processed; retry later',
        { 'retry-after': String(admission.retryAfterSeconds) },
      );
    }
    this.deps.metrics.webhookReceived(record.type);
    const ignored = outcome?.kind === 'ignored';
    // only what the connector declares, credentials digested (channel-kit/stored-request)
    const headers = storedHeaders(req.headers, inbound.storedHeaders);
    const stored = await this.commit.add(
      {
        id: newId('evt'),
        workspaceId: record.workspaceId,
        connectionId: record.id,
        eventKey: inbound.eventKey?.(req) ?? null,
        method: req.method,
        // a secret path segment is kept as its digest, like a credential header
        url: storedWebhookUrl(req.url),
        headers,
        // a credential inside the body (VK's secret) as a digest, like a credential header
        body: storedBody(req.rawBody, inbound.storedBody),
        status: ignored ? 'ignored' : 'pending',
        error: ignored ? (outcome as { reason: string }).reason : parseError,
        receivedAt: now,
        processedAt: ignored ? now : null,
      },
      !ignored,
    );
    if (stored && !ignored) this.backpressure?.stored(1);
    return (outcome?.kind === 'events' || outcome?.kind === 'ignored') && outcome.reply ? outcome.reply : OK;
  }

  /** one log line per connection per second at most: a flood of forged requests must not flood the logs */
  private async logRejection(connectionId: string, reason: string): Promise<void> {
    const now = Date.now();
    if (now - (this.lastRejectLog.get(connectionId) ?? 0) < 1000) return;
    this.lastRejectLog.set(connectionId, now);
    await this.connections.log(connectionId, 'warn', 'webhook_rejected', `webhook rejected: ${reason}`);
  }
}
