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
  type SendReceipt,
} from '../../channel-kit/index.js';
import type { StatusDetail } from '../../model/index.js';
import type { MessageRecord, NewOutboxRow } from '../ports/index.js';
import type { CoreDeps } from '../deps.js';
import type { ConnectionService, LiveConnection } from '../connections/connection-service.js';
import { applyStatusToMessage, messageView } from '../conversations/conversation-writer.js';
import { eventRow, laneOf, outboundKey, TOPIC_OUTBOUND } from '../events.js';
import { retryDelayMs } from './backoff.js';
import { degrade } from '../degradation/degrade.js';
import { optedOutReason } from '../consent/consent-service.js';
import { AppError, notFound } from '../errors.js';
import type { Pacer } from './pacer.js';
import { ProviderCallLog } from './provider-call-log.js';

/** how many times the usual attempts a campaign message may be throttled (RATE_LIMITED) before it fails */
const CAMPAIGN_THROTTLE_ATTEMPTS = 5;

/** the message has no text left to carry over a fallback connection */
class NothingToFallBack extends Error {}

/** the per-sender limit — the channel's, unless the connection config sets `messagesPerSecond` */
export function senderRateLimit(
  channel: RateLimit | undefined,
  config: Record<string, unknown>,
): RateLimit | undefined {
  const configured = config.messagesPerSecond;
  if (!channel || typeof configured !== 'number' || !(configured > 0)) return channel;
  return { perSecond: configured, burst: Math.max(1, Math.round(configured)) };
}

/**
 * what a message's metadata tells a mail channel: the subject and cc the sender chose (API), and whether a machine
 * wrote it (an agent's `agentId`, an auto-reply rule's `autoReply`) — mail marks those Auto-Submitted (RFC 3834)
 */
export function mailFields(metadata: Record<string, unknown>): { subject?: string; cc?: string[]; automated?: true } {
  const cc = Array.isArray(metadata.cc)
    ? metadata.cc
        .map((c: unknown) => (typeof c === 'string' ? c : (c as { address?: unknown } | null)?.address))
        .filter((c): c is string => typeof c === 'string' && c.length > 0)
    : [];
  return {
    ...(typeof metadata.subject === 'string' && metadata.subject ? { subject: metadata.subject } : {}),
    ...(cc.length > 0 ? { cc } : {}),
    ...(typeof metadata.agentId === 'string' || metadata.autoReply === true ? { automated: true as const } : {}),
  };
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
  /** every provider call's outcome and duration (core/health reads them from the store) */
  readonly calls: ProviderCallLog;

  constructor(
    private readonly deps: CoreDeps,
    private readonly connections: ConnectionService,
    private readonly pacer: Pacer,
    private readonly media: MediaAccess,
  ) {
    this.calls = new ProviderCallLog(deps);
  }

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
    // a campaign's message takes a token only when no conversational message of this sender is waiting for one
    const lane = laneOf(message.metadata);
    if (rateLimit) await this.pacer.take(`conn:${live.record.id}:${message.from}`, rateLimit, undefined, lane);
    if (caps.perRecipientRateLimit)
      await this.pacer.take(`rcpt:${live.record.id}:${recipient}`, caps.perRecipientRateLimit, undefined, lane);
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
          // an operator's internal note, on a channel whose inbox has notes (the queue refused it elsewhere)
          ...(message.metadata.internalNote === true ? { internalNote: true } : {}),
          // the agent's last words before it hands a phone call to a person (the connector transfers after them)
          ...(message.metadata.handoffAfter === true ? { handoffAfter: true } : {}),
          ...(message.metadata.handoffAfter === true && Array.isArray(message.metadata.transferTo)
            ? { transferTo: message.metadata.transferTo.filter((t): t is string => typeof t === 'string') }
            : {}),
          ...mailFields(message.metadata),
        },
        ctx,
      );
      // a mail thread we started is keyed by our first Message-ID from now on (the customer's answer names it)
      if (receipt.threadKey && conversation && conversation.threadKey === null)
        await this.deps.store.setThreadKey(conversation.id, receipt.threadKey);
      this.calls.record(live.record, 'ok', performance.now() - started);
      this.deps.metrics.outboundAttempt(connector.type, 'sent', (performance.now() - started) / 1000);
      await this.recordSent(message, receipt.providerMessageId, receipt.from ?? null);
      // a channel with a timed fallback (RCS → SMS): if no delivery receipt comes in time, runDueFallbacks acts
      const fallbackAfter = connector.features.revoke && connector.features.fallback?.afterMs?.(live.config);
      if (fallbackAfter && connector.features.fallback?.connectionId(live.config))
        await this.deps.store.setFallbackDue(
          message.id,
          new Date(this.deps.clock.now().getTime() + fallbackAfter).toISOString(),
        );
      await this.releaseNextPart(message);
    } catch (error) {
      const seconds = (performance.now() - started) / 1000;
      const channelError = isChannelError(error)
        ? error
        : new ChannelError('UNAVAILABLE', error instanceof Error ? error.message : String(error), { cause: error });
      const detail: StatusDetail = { code: channelError.code, message: this.deps.redactor.scrub(channelError.message) };
      this.calls.record(live.record, channelError.code, seconds * 1000);
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
      // provider throttling (WhatsApp 130429/131056, Twilio 429) slows a campaign down instead of failing its
      // recipients: the bucket is paused above, and a campaign message keeps its place for more attempts
      const attempts =
        lane === 'campaign' && channelError.code === 'RATE_LIMITED'
          ? this.deps.settings.outboundMaxAttempts * CAMPAIGN_THROTTLE_ATTEMPTS
          : this.deps.settings.outboundMaxAttempts;
      if (channelError.retryable && attempt < attempts) {
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
      // the customer refused at the provider (wrote STOP to its number, denied a VK community's messages)
      source: 'provider',
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
    const target = await this.fallbackTarget(message, connectionId);
    if (!target) return false;
    let receipt;
    try {
      receipt = await this.sendDegraded(message, target);
    } catch (error) {
      if (error instanceof NothingToFallBack) return false;
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

  /** the fallback connection when it can carry the message: a running phone channel of the same workspace */
  private async fallbackTarget(message: MessageRecord, connectionId: string): Promise<LiveConnection | undefined> {
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
      return undefined;
    }
    return target;
  }

  /** the message as degraded text over the fallback connection (throws NothingToFallBack when no text remains) */
  private async sendDegraded(message: MessageRecord, target: LiveConnection): Promise<SendReceipt> {
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
      throw new NothingToFallBack();
    }
    if (!text) throw new NothingToFallBack();
    if (caps.rateLimit) await this.pacer.take(`conn:${target.record.id}:fallback`, caps.rateLimit);
    // a provider call of the fallback connection like any send of its own: its 5xx, 429s and latency count in its
    // health (provider_calls) and on the Health page
    const started = performance.now();
    try {
      const receipt = await target.connector.send(
        { id: message.id, conversationId: message.conversationId, to: message.to, content: { type: 'text', text } },
        ctx,
      );
      this.calls.record(target.record, 'ok', performance.now() - started);
      return receipt;
    } catch (error) {
      this.calls.record(target.record, isChannelError(error) ? error.code : 'UNAVAILABLE', performance.now() - started);
      throw error;
    }
  }

  /**
   * The timed fallback (RCS → SMS): a message its channel took but did not deliver within the channel's time is
   * revoked there and, only once the revoke succeeded, sent as degraded text over the fallback connection — so the
   * customer never gets it on both. A revoke the provider refuses (it was delivered meanwhile) leaves the message
   * as it is. Recorded on the message (`metadata.fallback`) for the app to show.
   */
  async fallBackUndelivered(messageId: string): Promise<void> {
    const message = await this.deps.store.getMessageUnscoped(messageId);
    if (!message || message.status !== 'sent' || !message.providerMessageId || message.metadata.fallback) {
      if (message?.status === 'sent') await this.deps.store.setFallbackDue(messageId, null);
      return;
    }
    const live = await this.connections.live(message.connectionId);
    const { fallback, revoke } = live?.connector.features ?? {};
    const fallbackId = live && fallback?.connectionId(live.config);
    if (!live || !revoke || !fallbackId) return void (await this.deps.store.setFallbackDue(messageId, null));
    // the fallback connection not running (yet): the lease brings the message back later
    const target = await this.fallbackTarget(message, fallbackId);
    if (!target) return;
    const seconds = Math.round((fallback?.afterMs?.(live.config) ?? 0) / 1000);
    // revoked by an earlier run that stopped before the SMS went out: the revoke is done, the SMS is what is owed
    if (message.metadata.revokedForFallback === undefined) {
      try {
        await revoke.call(
          live.connector.features,
          { to: message.to, providerMessageId: message.providerMessageId },
          this.connections.context(live, AbortSignal.timeout(this.deps.settings.connectorTimeoutMs)),
        );
      } catch (error) {
        await this.deps.store.setFallbackDue(messageId, null);
        await this.connections.log(
          live.record.id,
          'info',
          'fallback_skipped',
          `message ${message.id} not delivered after ${seconds} s but not revoked, so not sent over the fallback: ${this.deps.redactor.scrub(error instanceof Error ? error.message : String(error))}`,
        );
        return;
      }
      message.metadata = { ...message.metadata, revokedForFallback: this.deps.clock.now().toISOString() };
      await this.deps.store.replaceMessageMetadata(message.id, message.metadata);
    }
    const reason = `not delivered over ${live.connector.displayName} within ${seconds} s; revoked there`;
    let receipt: SendReceipt;
    try {
      receipt = await this.sendDegraded(message, target);
    } catch (error) {
      await this.deps.store.setFallbackDue(messageId, null);
      await this.fail(message, {
        code: isChannelError(error) ? error.code : 'UNAVAILABLE',
        message: this.deps.redactor.scrub(
          `${reason}; the fallback failed: ${error instanceof Error ? error.message : String(error)}`,
        ),
      });
      return;
    }
    const metadata = {
      ...message.metadata,
      fallback: {
        connectionId: target.record.id,
        channelType: target.record.type,
        providerMessageId: receipt.providerMessageId,
        reason,
        revokedProviderMessageId: message.providerMessageId,
      },
    };
    const now = this.deps.clock.now().toISOString();
    await this.deps.store.transaction(async (tx) => {
      await tx.replaceMessageMetadata(message.id, metadata);
      await tx.setFallbackDue(message.id, null);
      await tx.insertOutbox(
        [
          eventRow(
            'message.updated',
            message.workspaceId,
            { message: messageView({ ...message, metadata }) },
            message.conversationId,
          ),
        ],
        now,
      );
    });
    this.deps.afterCommit();
    this.deps.log.info(
      { messageId: message.id, connectionId: target.record.id },
      'undelivered message sent over the fallback',
    );
  }

  /**
   * An operator deletes an outbound message the customer has not received yet: the channel takes it back
   * (`features.revoke`, RBM agentMessages.delete) and the message ends `failed` with code REVOKED, recording who and
   * when in `metadata.revoked`. 409 CONFLICT when it cannot be taken back: not ours, not sent yet or already
   * delivered, a channel that cannot revoke, or the provider refusing (it was delivered meanwhile).
   */
  async revokeByOperator(workspaceId: string, messageId: string, by: string): Promise<MessageRecord> {
    const message = await this.deps.store.getMessage(workspaceId, messageId);
    if (!message) throw notFound('message');
    const conflict = (why: string) => new AppError('CONFLICT', `the message cannot be taken back: ${why}`);
    if (message.direction !== 'outbound') throw conflict('it was written by the customer');
    if (message.status !== 'sent' || !message.providerMessageId)
      throw conflict(message.status === 'queued' ? 'it is not sent yet' : `it is ${message.status}`);
    if (message.metadata.fallback) throw conflict('it went over the fallback connection');
    const live = await this.connections.live(message.connectionId);
    const revoke = live?.connector.features.revoke;
    if (!live || !revoke) throw conflict(`${live?.connector.displayName ?? 'the channel'} cannot revoke messages`);
    try {
      await revoke.call(
        live.connector.features,
        { to: message.to, providerMessageId: message.providerMessageId },
        this.connections.context(live, AbortSignal.timeout(this.deps.settings.connectorTimeoutMs)),
      );
    } catch (error) {
      throw conflict(this.deps.redactor.scrub(error instanceof Error ? error.message : String(error)));
    }
    const now = this.deps.clock.now().toISOString();
    const metadata = { ...message.metadata, revoked: { by, at: now } };
    await this.deps.store.replaceMessageMetadata(message.id, metadata);
    await this.fail(
      { ...message, metadata },
      { code: 'REVOKED', message: `deleted by an operator before delivery; revoked at ${live.connector.displayName}` },
    );
    return (await this.deps.store.getMessage(workspaceId, messageId)) ?? message;
  }

  /** acts on timed fallbacks that came due (runs periodically on every worker) */
  async runDueFallbacks(): Promise<number> {
    const now = this.deps.clock.now().toISOString();
    const due = await this.deps.store.listDueFallbacks(now, 100);
    for (const m of due) {
      // only the sweeper that clears the due time acts, so two workers never both revoke and resend one message
      const lease = new Date(this.deps.clock.now().getTime() + 4 * this.deps.settings.connectorTimeoutMs).toISOString();
      if (!(await this.deps.store.takeDueFallback(m.id, now, lease))) continue;
      try {
        await this.fallBackUndelivered(m.id);
      } catch (error) {
        this.deps.log.warn({ err: error, messageId: m.id }, 'timed fallback failed');
      }
    }
    return due.length;
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
      key: outboundKey(message.connectionId, message.from, laneOf(message.metadata)),
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
