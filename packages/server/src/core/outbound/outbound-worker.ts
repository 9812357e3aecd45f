/**
 * @module core/outbound/outbound-worker
 * Consumer of the `outbound` topic: claim the queued message (compare-and-set, so one attempt at a time), pace,
 * call connector.send, and record the result. Retryable provider errors are rescheduled in the database with
 * backoff (honouring retry-after) and picked up by the retry sweep; after the last attempt the message fails
 * with {code, message}; an AUTH error also turns the connection to ERROR.
 */
import {
  capabilitiesFor,
  ChannelError,
  isChannelError,
  type MediaAccess,
  type RateLimit,
} from '../../channel-kit/index.js';
import type { StatusDetail } from '../../model/index.js';
import type { MessageRecord, NewOutboxRow } from '../ports/index.js';
import type { CoreDeps } from '../deps.js';
import type { ConnectionService } from '../connections/connection-service.js';
import { applyStatusToMessage, messageView } from '../conversations/conversation-writer.js';
import { eventRow, outboundKey, TOPIC_OUTBOUND } from '../events.js';
import { retryDelayMs } from './backoff.js';
import { degrade } from '../degradation/degrade.js';
import { optedOutReason } from '../consent/consent-service.js';
import type { Pacer } from './pacer.js';

/** the per-sender limit — the channel's, unless the connection config sets `messagesPerSecond` */
export function senderRateLimit(
  channel: RateLimit | undefined,
  config: Record<string, unknown>,
): RateLimit | undefined {
  const configured = config.messagesPerSecond;
  if (!channel || typeof configured !== 'number' || !(configured > 0)) return channel;
  return { perSecond: configured, burst: Math.max(1, Math.round(configured)) };
}

/** where a message sits among the parts of a split send (metadata.part, written by the message queue) */
function partOf(message: MessageRecord): { previousId: string | null; nextId: string | null } | undefined {
  const part = message.metadata.part as { previousId?: unknown; nextId?: unknown } | undefined;
  if (!part || typeof part !== 'object') return undefined;
  return {
    previousId: typeof part.previousId === 'string' ? part.previousId : null,
    nextId: typeof part.nextId === 'string' ? part.nextId : null,
  };
}

export class OutboundWorker {
  constructor(
    private readonly deps: CoreDeps,
    private readonly connections: ConnectionService,
    private readonly pacer: Pacer,
    private readonly media: MediaAccess,
  ) {}

  subscribe(): { close(): Promise<void> } {
    return this.deps.bus.consume(
      TOPIC_OUTBOUND,
      async (m) => {
        await this.deliver(String(m.payload.messageId));
      },
      { concurrency: 64, maxDeliveries: 8 },
    );
  }

  async deliver(messageId: string): Promise<void> {
    const message = await this.deps.store.getMessageUnscoped(messageId);
    if (!message || message.status !== 'queued' || message.sendStartedAt !== null) return;
    if (message.nextAttemptAt && Date.parse(message.nextAttemptAt) > this.deps.clock.now().getTime()) return; // the retry sweep brings it back
    const live = await this.connections.live(message.connectionId);
    if (!live) {
      await this.fail(message, {
        code: 'CONNECTION_DELETED',
        message: 'the connection was deleted before the message could be sent',
      });
      return;
    }
    // stopped or in error: stays queued, visible as such, and goes out when the connection runs again
    if (live.record.status !== 'RUNNING') return;
    const order = await this.partOrder(message);
    if (order === 'wait') return; // the part before is still on its way; its outcome publishes this one again
    if (order === 'broken') {
      await this.fail(message, {
        code: 'PREVIOUS_PART_FAILED',
        message: 'an earlier part of this message could not be sent; the rest would arrive out of context',
      });
      return;
    }
    const { connector } = live;
    // queued before the customer opted out (held while the connection was stopped, or awaiting a retry): not sent.
    // The opt-out's own confirmation is the one message that still goes out.
    if (message.metadata.consentConfirmation === undefined) {
      const consent = await this.deps.store.getConsent(message.workspaceId, message.channelType, message.to);
      if (consent?.optedOut) {
        await this.fail(message, {
          code: 'OPTED_OUT',
          message: `${optedOutReason(consent, connector.displayName)} after this message was queued; it was not sent`,
        });
        return;
      }
    }
    const caps = capabilitiesFor(connector, live.config);
    const conversation = await this.deps.store.getConversation(message.workspaceId, message.conversationId);
    // the chat we actually write to: a group (thread) or the customer
    const recipient = conversation?.threadKey ?? message.to;
    // a connection's configured throughput (WhatsApp `messagesPerSecond`) overrides the channel default
    const rateLimit = senderRateLimit(caps.rateLimit, live.config);
    if (rateLimit) await this.pacer.take(`conn:${live.record.id}:${message.from}`, rateLimit);
    if (caps.perRecipientRateLimit)
      await this.pacer.take(`rcpt:${live.record.id}:${recipient}`, caps.perRecipientRateLimit);
    if (!(await this.deps.store.claimForSend(message.id, this.deps.clock.now().toISOString()))) return;
    const attempt = message.attempts + 1;
    const started = performance.now();
    try {
      const ctx = {
        ...this.connections.context(live, AbortSignal.timeout(this.deps.settings.connectorTimeoutMs)),
        media: this.media,
      };
      const receipt = await connector.send(
        {
          id: message.id,
          conversationId: message.conversationId,
          to: message.to,
          content: message.content,
          ...(message.from ? { from: message.from } : {}),
          ...(conversation?.threadKey ? { threadKey: conversation.threadKey } : {}),
          // a human operator's reply the queue let through in the channel's human-agent extension of the window
          ...(message.metadata.humanAgentTag === true ? { humanAgentTag: true } : {}),
        },
        ctx,
      );
      this.deps.metrics.outboundAttempt(connector.type, 'sent', (performance.now() - started) / 1000);
      await this.recordSent(message, receipt.providerMessageId, receipt.from ?? null);
      await this.releaseNextPart(message);
    } catch (error) {
      const seconds = (performance.now() - started) / 1000;
      const channelError = isChannelError(error)
        ? error
        : new ChannelError('UNAVAILABLE', error instanceof Error ? error.message : String(error), { cause: error });
      const detail: StatusDetail = { code: channelError.code, message: this.deps.redactor.scrub(channelError.message) };
      if (channelError.code === 'RATE_LIMITED' && channelError.retryAfterMs && rateLimit) {
        this.pacer.pause(`conn:${live.record.id}:${message.from}`, Date.now() + channelError.retryAfterMs, rateLimit);
      }
      if (channelError.code === 'OPTED_OUT') {
        // the provider holds the customer's STOP (Twilio 21610): record it here too, so nothing more is queued
        this.deps.metrics.outboundAttempt(connector.type, 'failed', seconds);
        await this.recordProviderOptOut(message);
        await this.fail(message, detail);
        return;
      }
      const fallbackId = channelError.unreachable ? connector.features.fallback?.connectionId(live.config) : undefined;
      if (fallbackId && (await this.sendViaFallback(message, fallbackId, detail))) {
        this.deps.metrics.outboundAttempt(connector.type, 'sent', seconds);
        return;
      }
      if (channelError.code === 'AUTH') {
        this.deps.metrics.outboundAttempt(connector.type, 'failed', seconds);
        await this.fail(message, detail);
        await this.connections.markError(live.record.id, `provider rejected the credentials: ${channelError.message}`);
        return;
      }
      if (channelError.retryable && attempt < this.deps.settings.outboundMaxAttempts) {
        this.deps.metrics.outboundAttempt(connector.type, 'retry', seconds);
        const delay = retryDelayMs(
          attempt,
          this.deps.settings.retryBaseMs,
          this.deps.settings.retryMaxMs,
          channelError.retryAfterMs,
        );
        await this.deps.store.scheduleRetry(
          message.id,
          new Date(this.deps.clock.now().getTime() + delay).toISOString(),
          detail,
        );
        this.deps.log.info(
          { messageId: message.id, attempt, delayMs: delay, code: detail.code },
          'send failed; retry scheduled',
        );
        return;
      }
      this.deps.metrics.outboundAttempt(connector.type, 'failed', seconds);
      await this.fail(message, detail);
    }
  }

  /** the provider says the recipient opted out with it: the address is opted out of the channel type here as well */
  private async recordProviderOptOut(message: MessageRecord): Promise<void> {
    const before = await this.deps.store.getConsent(message.workspaceId, message.channelType, message.to);
    if (before?.optedOut) return;
    const now = this.deps.clock.now().toISOString();
    await this.deps.store.upsertConsent({
      workspaceId: message.workspaceId,
      channelType: message.channelType,
      address: message.to,
      optedOut: true,
      optedOutAt: now,
      // the customer wrote STOP to the provider's number; the provider, not the hub, saw the keyword
      source: 'keyword',
      keyword: null,
      updatedAt: now,
    });
  }

  /**
   * A message its channel cannot deliver at all goes, as degraded text, over the connection's fallback (RCS → SMS):
   * a running phone channel of the same workspace. Recorded on the message (`metadata.fallback`); the message is
   * sent once, over one channel. False when there is no usable fallback (the message then fails as it would).
   */
  private async sendViaFallback(message: MessageRecord, connectionId: string, reason: StatusDetail): Promise<boolean> {
    const target = await this.connections.live(connectionId);
    if (
      !target ||
      target.record.workspaceId !== message.workspaceId ||
      target.connector.addressKind !== 'phone' ||
      target.record.status !== 'RUNNING'
    ) {
      this.deps.log.warn(
        { messageId: message.id, connectionId },
        'fallback connection is missing, not a phone channel or not running',
      );
      return false;
    }
    const ctx = {
      ...this.connections.context(target, AbortSignal.timeout(this.deps.settings.connectorTimeoutMs)),
      media: this.media,
    };
    const origin = new URL(ctx.webhookUrl).origin;
    const caps = target.connector.capabilities;
    let text: string;
    try {
      const { parts } = degrade(
        message.content,
        {
          displayName: target.connector.displayName,
          capabilities: { ...caps, outbound: ['text'], maxTextLength: 65_536 },
        },
        (url) => new URL(url, origin).toString(),
      );
      text = parts.map((p) => (p.type === 'text' ? p.text : '')).join('\n');
    } catch {
      return false;
    }
    if (!text) return false;
    if (caps.rateLimit) await this.pacer.take(`conn:${target.record.id}:fallback`, caps.rateLimit);
    let receipt;
    try {
      receipt = await target.connector.send(
        { id: message.id, conversationId: message.conversationId, to: message.to, content: { type: 'text', text } },
        ctx,
      );
    } catch (error) {
      const e = isChannelError(error) ? error : undefined;
      await this.fail(message, {
        code: e?.code ?? 'UNAVAILABLE',
        message: this.deps.redactor.scrub(
          `not reachable (${reason.message}); the fallback failed too: ${error instanceof Error ? error.message : String(error)}`,
        ),
      });
      return true;
    }
    const metadata = {
      ...message.metadata,
      fallback: {
        connectionId: target.record.id,
        channelType: target.record.type,
        providerMessageId: receipt.providerMessageId,
        reason: reason.message,
      },
    };
    await this.deps.store.replaceMessageMetadata(message.id, metadata);
    await this.recordSent({ ...message, metadata }, receipt.providerMessageId, null);
    return true;
  }

  private async recordSent(message: MessageRecord, providerMessageId: string, from: string | null): Promise<void> {
    const now = this.deps.clock.now().toISOString();
    await this.deps.store.transaction(async (tx) => {
      await tx.markSent(message.id, providerMessageId, from, now);
      const sent = {
        ...message,
        status: 'sent' as const,
        providerMessageId,
        from: from ?? message.from,
        statusDetail: null,
        statusAt: now,
      };
      const outbox: NewOutboxRow[] = [
        eventRow(
          'message.status',
          message.workspaceId,
          { messageId: message.id, status: 'sent', statusDetail: null, occurredAt: now, message: messageView(sent) },
          message.conversationId,
        ),
      ];
      await tx.insertStatusEvent({
        id: `mse_${message.id}_sent`,
        messageId: message.id,
        connectionId: message.connectionId,
        providerMessageId,
        status: 'sent',
        detail: null,
        occurredAt: now,
        applied: true,
      });
      if (from) await tx.updateConversation(message.conversationId, { senderAddress: from });
      // statuses the provider reported before we stored its id (delivered racing our receipt)
      const orphans = await tx.listOrphanStatusEvents(message.connectionId, providerMessageId);
      let current: MessageRecord = sent;
      for (const o of orphans) {
        if (await applyStatusToMessage(tx, current, o.status, o.detail, o.occurredAt, now, outbox))
          current = { ...current, status: o.status, statusDetail: o.detail };
      }
      await tx.markStatusEventsApplied(
        orphans.map((o) => o.id),
        message.id,
      );
      await tx.insertOutbox(outbox, now);
    });
    this.deps.metrics.messageCounted('outbound', 'sent');
    this.deps.afterCommit();
  }

  async fail(
    message: Pick<MessageRecord, 'id' | 'workspaceId' | 'conversationId'> & Partial<MessageRecord>,
    detail: StatusDetail,
  ): Promise<void> {
    const now = this.deps.clock.now().toISOString();
    const full = await this.deps.store.getMessageUnscoped(message.id);
    if (!full) return;
    await this.deps.store.transaction(async (tx) => {
      const outbox: NewOutboxRow[] = [];
      await tx.insertStatusEvent({
        id: `mse_${message.id}_failed`,
        messageId: message.id,
        connectionId: full.connectionId,
        providerMessageId: full.providerMessageId,
        status: 'failed',
        detail,
        occurredAt: now,
        applied: true,
      });
      await applyStatusToMessage(tx, full, 'failed', detail, now, now, outbox);
      await tx.insertOutbox(outbox, now);
    });
    this.deps.metrics.messageCounted('outbound', 'failed');
    this.deps.afterCommit();
    this.deps.log.warn({ messageId: message.id, code: detail.code }, `message failed: ${detail.message}`);
    await this.releaseNextPart(full);
  }

  /**
   * Long text split into parts (core/degradation) must arrive in order. The bus hands one sender's messages over in
   * order, but a part whose send is retried later would let the next one overtake it: so a part goes only once the
   * part before it is out ('go'), waits while that one is still queued ('wait'), and fails when it failed ('broken').
   */
  private async partOrder(message: MessageRecord): Promise<'go' | 'wait' | 'broken'> {
    const previousId = partOf(message)?.previousId;
    if (!previousId) return 'go';
    const previous = await this.deps.store.getMessageUnscoped(previousId);
    if (!previous) return 'go';
    if (previous.status === 'failed') return 'broken';
    return previous.status === 'queued' ? 'wait' : 'go';
  }

  /** a part that waited for this one is published again (a second delivery of a sent part changes nothing) */
  private async releaseNextPart(message: MessageRecord): Promise<void> {
    const nextId = partOf(message)?.nextId;
    if (!nextId) return;
    await this.deps.bus.publish(TOPIC_OUTBOUND, {
      key: outboundKey(message.connectionId, message.from),
      payload: { messageId: nextId },
    });
  }

  /** re-drives retries that came due (runs periodically on every worker) */
  async publishDueRetries(): Promise<number> {
    const due = await this.deps.store.listDueRetries(this.deps.clock.now().toISOString(), 500);
    for (const m of due) {
      // only the sweeper that clears the due time publishes, so two workers never both re-drive one message
      if (!(await this.deps.store.takeDueRetry(m.id, this.deps.clock.now().toISOString()))) continue;
      await this.deps.bus.publish(TOPIC_OUTBOUND, {
        key: outboundKey(m.connectionId, m.from),
        payload: { messageId: m.id },
      });
    }
    return due.length;
  }
}
